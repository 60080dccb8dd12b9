"""``lineage build``: the store from the seed catalog and the bundled sources.

The catalog becomes one named graph per seed file: what each entity is, plus
curated claims (who introduced a technique, in which paper, when; who released
a model) whose evidence is the entry's cited source.  Then the graph release
(``seeds/release``, :mod:`lineage.release`) is bulk-loaded when one is given; without
one, the bundled configs are ingested like any other config.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from lineage.catalog import Catalog
from lineage.catalog.config_sources import bundled_configs, bundled_dir
from lineage.catalog.seeds import SEED_FILES
from lineage.domain import (
    Claim,
    Draft,
    Evidence,
    Hardware,
    Method,
    Model,
    Organization,
    Paper,
    Predicate,
    Role,
    SourceDocument,
    SourceKind,
    SourceRef,
    Technique,
    TechniqueRelation,
    clip,
    utcnow,
)
from lineage.ingest.config import ConfigReport, ingest_config
from lineage.ingest.family import FamilyChange, ingest_family_changes
from lineage.store import Store, access
from lineage.store.release_files import ReleaseManifest, load_release
from lineage.verify_draft import settle


class BuildReport(BaseModel):
    """What ``lineage build`` wrote."""

    store: str = Field(description="Store location.")
    entities: int = Field(description="Catalog entities written.")
    catalog_claims: int = Field(description="Curated claims from the catalog.")
    configs: list[ConfigReport] = Field(description="One report per bundled config.")
    family_changes: list[FamilyChange] = Field(
        default_factory=list, description="Replacement candidates read from consecutive generations' configs."
    )
    triples: int = Field(description="Triples in the store afterwards.")
    release: ReleaseManifest | None = Field(None, description="Manifest of the graph release loaded, when one was.")
    restarted: str | None = Field(
        None, description="When the interrupted build this one redid had started (it left the store incomplete)."
    )


def catalog_document(filename: str) -> SourceDocument:
    """The source document for one seed file."""
    stem = filename.removesuffix(".yaml")
    return SourceDocument(
        id=f"catalog:{stem}",
        title=f"lineage seed catalog: {stem}",
        kind=SourceKind.SECONDARY,
        format="catalog",
        url=f"seeds/{filename}",
        note="Curated by the lineage maintainers; each entry cites its public source.",
    )


def curated_evidence(doc: SourceDocument, entity_id: str, ref: SourceRef, said: str, now) -> Evidence:
    """Evidence for a curated fact: the seed entry, pointing at the source it cites."""
    return Evidence(
        source=doc.id,
        source_kind=ref.kind,
        locator=f"{doc.url}#{entity_id} (cites {ref.url})",
        snippet=clip(said + (f" — {ref.note}" if ref.note else "")),
        method=Method.CURATED,
        retrieved_at=now,
    )


def vocabulary_document() -> SourceDocument:
    """The source document of the imported vocabulary of ideas (``seeds/vocabulary.yaml``)."""
    return SourceDocument(
        id="catalog:vocabulary",
        title="lineage seed catalog: vocabulary of ideas (Papers with Code methods archive)",
        kind=SourceKind.SECONDARY,
        format="catalog",
        url="seeds/vocabulary.yaml",
        note="Names, collections and introducing papers imported from the Papers with Code methods archive "
        "(CC BY-SA 4.0); a technique the curated catalog knows under the same key is not imported again.",
    )


def catalog_claims(entity, doc: SourceDocument) -> list[Claim]:
    """Curated facts about one entity, each with the entry's first source as evidence."""
    ref = entity.sources[0]
    primary = ref.kind is SourceKind.PRIMARY
    # (predicate, object, value, seed field the fact comes from)
    facts: list[tuple[Predicate, str | None, str | None, str]] = []
    if isinstance(entity, Technique):
        if entity.introduced_in:
            facts.append((Predicate.INTRODUCED_IN, entity.introduced_in, None, "introduced_in"))
        facts += [(Predicate.INTRODUCED_BY, org, None, "introduced_by") for org in entity.introduced_by]
        if entity.first_appeared:
            facts.append((Predicate.FIRST_APPEARED, None, entity.first_appeared, "first_appeared"))
    elif isinstance(entity, Model):
        if entity.organization:
            facts.append((Predicate.DEVELOPED_BY, entity.organization, None, "organization"))
        if entity.released:
            facts.append((Predicate.RELEASED, None, entity.released, "released"))
        if entity.predecessor:
            facts.append((Predicate.DERIVED_FROM, entity.predecessor, None, "predecessor"))
    elif isinstance(entity, Hardware):
        if entity.released:
            facts.append((Predicate.RELEASED, None, entity.released, "released"))
    elif isinstance(entity, Paper):
        facts += [(Predicate.PUBLISHED_BY, org, None, "organizations") for org in entity.organizations]
        if entity.published:
            facts.append((Predicate.RELEASED, None, entity.published, "published"))
    out = []
    now = utcnow()
    if isinstance(entity, Technique):
        facts += [(Predicate.VARIANT_OF, other, None, "variant_of") for other in entity.variant_of]
    for predicate, obj, value, field in facts:
        said = f"{entity.id} {predicate.value} {obj or value}"
        role = Role.STATES
        reason = f"curated from {'the primary record' if primary else 'a secondary source'}: {ref.url}"
        if field in entity.unconfirmed:
            role = Role.UNCHECKABLE
            reason = f"{field} is not confirmed by a primary source; see the note on {ref.url}"
        out.append(
            settle(Draft(
                subject=entity.id,
                predicate=predicate,
                object=obj,
                value=value,
                primary=primary,
                role=role,
                reason=clip(reason, 200),
                evidence=(curated_evidence(doc, entity.id, ref, said, now),),
            ))
        )
    if isinstance(entity, Technique):
        out += [relation_claim(entity, r, doc, now) for r in entity.relations]
    return out


def relation_claim(technique: Technique, relation: TechniqueRelation, doc: SourceDocument, now) -> Claim:
    """A curated technique -> technique relation as a claim citing the relation's own source.

    Verified when the cited record is primary (the subject technique's introducing record states
    the relation), reported otherwise.
    """
    ref = relation.source
    primary = ref.kind is SourceKind.PRIMARY
    said = f"{technique.id} {relation.relation} {relation.to}"
    return settle(Draft(
        subject=technique.id,
        predicate=Predicate(relation.relation),
        object=relation.to,
        primary=primary,
        reason=clip(f"curated from {'the primary record' if primary else 'a secondary source'}: {ref.url}", 200),
        evidence=(curated_evidence(doc, technique.id, ref, said, now),),
    ))


def build(
    store: Store,
    catalog: Catalog | None = None,
    fresh: bool = False,
    progress: Callable[[str], None] | None = None,
    release: Path | None = None,
) -> BuildReport:
    """Write the catalog and every bundled source to ``store``; idempotent.

    With ``release`` (a folder from ``lineage release build``; the CLI passes the shipped one)
    its graphs replace the bundled configs: they hold those configs and every corpus source.
    The store is marked incomplete until the build finishes (:mod:`lineage.store.access`); a
    build that finds the mark of an interrupted one redoes it, emptying the store first if that
    one was ``fresh``.
    """
    catalog = catalog or Catalog.load()
    interrupted = access.incomplete(store.path)
    fresh = fresh or bool(interrupted and interrupted["fresh"])
    access.mark_incomplete(store.path, fresh)
    report = _build(store, catalog, fresh, progress, release)
    access.mark_complete(store.path)
    return report.model_copy(update={"restarted": interrupted["started"] if interrupted else None})


def _build(store: Store, catalog: Catalog, fresh: bool, progress, release: Path | None) -> BuildReport:
    if fresh:
        store.clear()
    kinds = {cls: name for name, cls in SEED_FILES.items()}
    curated = [e for e in catalog.entities.values() if e.curation == "curated"]  # discovered ones live in their sources
    graphs = []
    for cls in (Organization, Hardware, Paper, Technique, Model):
        doc = catalog_document(kinds[cls])
        entities = [e for e in curated if isinstance(e, cls)]
        graphs.append((doc, [c for e in entities for c in catalog_claims(e, doc)], entities))
    imported = [e for e in catalog.entities.values() if e.curation == "vocabulary"]
    if imported:  # the imported vocabulary of ideas: one graph of its own, a secondary record
        doc = vocabulary_document()
        graphs.append((doc, [c for e in imported for c in catalog_claims(e, doc)], imported))
        curated += imported
    n_claims = sum(len(claims) for _, claims, _ in graphs)
    if release is not None:  # the catalog graphs go into the release's bulk load: one write

        manifest = load_release(store, release, graphs)
        return BuildReport(store=str(store.path) if store.path else ":memory:", entities=len(curated),
                           catalog_claims=n_claims, configs=[], triples=len(store),
                           release=manifest.model_copy(update={"graph_names": []}))
    for doc, claims, entities in graphs:
        store.replace_source(doc, claims, entities)
        if progress:
            progress(doc.id)
    sources = bundled_configs()
    paths = [bundled_dir() / s.file for s in sources]
    reports = []
    for src, path in zip(sources, paths):
        reports += ingest_config(store, catalog, [path], model=src.model, replace=True)  # the bundled copy is the reference
        if progress:
            progress(src.file)
    family = ingest_family_changes(store, catalog)
    store.optimize()
    return BuildReport(
        store=str(store.path) if store.path else ":memory:",
        entities=len(curated),
        catalog_claims=n_claims,
        configs=reports,
        family_changes=family,
        triples=len(store),
    )
