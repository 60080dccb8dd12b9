"""A Hub listing's entries as sources: a listing page (:func:`page_source`, what a crawl writes) or one
repository's record (:func:`listed_source`, what ``ingest refresh`` writes for an entry that moved).

Each entry is the listed repository's model (discovered when the catalog lacks it) and one ``derivedFrom``
claim per base, with the relation the listing gives (else guessed from the repo name), built as a card's
and a quantized config's are (:func:`lineage.ingest.derivation.derivation_claim`).
"""

from __future__ import annotations

from lineage.catalog import Catalog
from lineage.domain import (
    Claim,
    EntityKind,
    Evidence,
    Method,
    Model,
    Organization,
    SourceDocument,
    SourceKind,
    SourceRef,
    slug,
    utcnow,
)
from lineage.ingest import hub_list
from lineage.ingest.card import RELATIONS, catalog_model, guess_relation
from lineage.ingest.derivation import derivation_claim


class Models:
    """Model and lab ids for repositories, with the entities a discovered one needs (labs looked up once)."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.orgs: dict[str, str] = {}
        self.repos = {m.hf_repo.lower(): m for m in catalog.of_kind(EntityKind.MODEL) if m.hf_repo}

    def known(self, repo: str):
        """The catalog model a repo holds (:func:`lineage.ingest.card.catalog_model`, its repo index built once)."""
        return self.repos.get(repo.lower()) or catalog_model(repo, self.catalog, by_repo=False)

    def org(self, owner: str) -> str:
        if owner not in self.orgs:
            self.orgs[owner] = self.catalog.find(owner, EntityKind.ORGANIZATION) or slug(owner)
        return self.orgs[owner]

    def model(self, repo: str, discovered_in: str) -> tuple[str, list]:
        """The model id of ``repo`` and, when the catalog lacks it, the discovered Model (its lab: :meth:`owner_source`)."""
        known = self.known(repo)
        if known is not None:
            return known.id, []
        owner, name = repo.split("/", 1)
        model_id = slug(repo.replace("/", "-"))
        return model_id, [Model(id=model_id, name=name, hf_repo=repo, organization=self.org(owner),
                                sources=(SourceRef(url=f"https://huggingface.co/{repo}"),), curation="discovered",
                                discovered_in=discovered_in)]

    def owner_source(self, owner: str) -> tuple[SourceDocument, list, list] | None:
        """The source ``hub:<owner>`` discovering a lab the catalog lacks (None for a known one): written once
        per owner, not in each of its repositories' sources."""
        org_id = self.org(owner)
        if org_id in self.catalog:
            return None
        doc = SourceDocument(id=f"hub:{owner}", title=f"{owner} on the Hugging Face Hub", kind=SourceKind.SECONDARY,
                             format="hub", url=f"https://huggingface.co/{owner}", publisher=owner)
        org = Organization(id=org_id, name=owner, hf_org=owner, sources=(SourceRef(url=doc.url),), curation="discovered",
                           discovered_in=doc.id)
        return doc, [], [org]


def _relation(item: hub_list.Listed) -> tuple[str, str]:
    """The entry's relation (the listing's, else guessed from the repo name) and how it was read."""
    given = (item.relation or "").lower()
    if given in RELATIONS:
        return given, f"the Hub's model listing names it as base model ({given})"
    relation = guess_relation(item.repo, {})
    return relation, f"the Hub's model listing names it as base model; relation {relation} guessed from the repo name"


def _entry(item: hub_list.Listed, models: Models, doc_id: str, evidence, entities: dict) -> tuple[str, list[Claim]]:
    """One listed repository's model id and ``derivedFrom`` claims (a self-reference left out); the models it
    discovers go into ``entities`` (id -> entity, so a page holds each once); ``evidence(item, base)`` gives a
    claim's evidence."""
    model_id, found = models.model(item.repo, doc_id)
    relation, how = _relation(item)
    claims = []
    for base in item.bases:
        if base == item.repo:
            continue
        base_id, base_found = models.model(base, doc_id)
        found += base_found
        claims.append(derivation_claim(model_id, base_id, relation, (evidence(item, base),), primary=True, reason=how))
    for e in found:
        entities.setdefault(e.id, e)
    return model_id, claims


def _snippet(item: hub_list.Listed, base: str) -> str:
    return (f"{item.key}: {base}" + (f" (relation: {item.relation})" if item.relation else "")
            + ("; gated repository: listed metadata only" if item.gated else ""))


def listed_source(item: hub_list.Listed, models: Models, now=None) -> tuple[SourceDocument, list[Claim], list]:
    """The source ``hub:<repo>`` one repository's own record becomes (what ``ingest refresh`` writes for a moved
    entry): its model, its ``derivedFrom`` claims, pinned to the commit the Hub gave."""
    doc_id = f"hub:{item.repo}"
    revision = item.sha or "listing (no commit given)"
    now = now or utcnow()

    def evidence(entry, base):
        return Evidence(source=doc_id, revision=revision, source_kind=SourceKind.SECONDARY,
                        locator=f"Hub API /api/models: {entry.key}", snippet=_snippet(entry, base),
                        method=Method.METADATA, retrieved_at=now)

    entities: dict = {}
    model_id, claims = _entry(item, models, doc_id, evidence, entities)
    doc = SourceDocument(id=doc_id, title=f"{item.repo} in the Hugging Face model listing", kind=SourceKind.SECONDARY,
                         format="hub", url=f"https://huggingface.co/{item.repo}", revision=revision,
                         publisher=item.repo.split("/")[0], about=model_id,
                         note="gated repository: listed metadata only" if item.gated else None)
    return doc, claims, list(entities.values())


def page_source(items: list[hub_list.Listed], page_id: str, title: str, url: str | None, models: Models,
                now=None) -> tuple[SourceDocument, list[Claim], list, list[tuple[str, str, str | None, str]]]:
    """The source one listing page becomes: ``page_id``, holding every entry's model and ``derivedFrom`` claims.

    The page is the evidence: claims naming the same base in the same field of the page share one evidence
    record (source, field, snippet, time), stored once (:func:`lineage.store.iris.evidence_node`); each
    entry's commit is kept beside its model (:func:`lineage.store.nquads.commit_nquads`)."""
    now = now or utcnow()
    shared: dict = {}

    def evidence(entry, base):
        snippet = _snippet(entry, base)
        if snippet not in shared:
            shared[snippet] = Evidence(source=page_id, source_kind=SourceKind.SECONDARY,
                                       locator=f"Hub API /api/models: {entry.key}", snippet=snippet,
                                       method=Method.METADATA, retrieved_at=now)
        return shared[snippet]

    entities: dict = {}
    claims, commits = [], []
    for item in items:
        model_id, found = _entry(item, models, page_id, evidence, entities)
        claims += found
        written = getattr(entities.get(model_id), "hf_repo", None) == item.repo  # the entity's quads name the repo
        commits.append((page_id, model_id, None if written else item.repo, item.sha or "listing (no commit given)"))
    doc = SourceDocument(id=page_id, title=title, kind=SourceKind.SECONDARY, format="hub", url=url,
                         publisher="Hugging Face")
    return doc, claims, list(entities.values()), commits
