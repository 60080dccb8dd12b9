"""``lineage ingest hf REPO_ID``: a Hugging Face model card (and its config.json) as claims.

Files come through ``huggingface_hub`` (``HF_ENDPOINT`` points it at a mirror), pinned to
the commit the Hub resolves.  From the card:

- YAML front matter: ``base_model`` (+ ``base_model_relation``) becomes ``derivedFrom``
  edges typed finetune / adapter / quantized / merge; ``tags`` with ``arxiv:`` ids become
  ``cites``; license, pipeline and languages are kept on the source document;
- the prose goes through the same adoption extraction as reports.  A model's own card
  (published by the model's organization) is a primary source; a third party's card is
  secondary and only speaks for the derivative it publishes.

``config.json``, when the repo has one, goes through the config ingestor.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from lineage.catalog import Catalog
from lineage.catalog.config_sources import ConfigSource
from lineage.domain import (
    DERIVATIONS,
    Claim,
    Draft,
    EntityKind,
    Evidence,
    Method,
    Model,
    Organization,
    Predicate,
    SourceDocument,
    SourceKind,
    SourceRef,
    clip,
    slug,
    utcnow,
)
from lineage.errors import SourceFormatError
from lineage.ingest import adoption_rules, download, facts, hardware_ties, markup, months
from lineage.ingest.config import prepare
from lineage.ingest.config.derivative import base_name
from lineage.ingest.derivation import derivation_claim
from lineage.ingest.files import check_text, decode, read_bytes
from lineage.ingest.hub import check_repo, check_revision, created_at, fetch, is_repo_id
from lineage.ingest.identity import catalog_without
from lineage.ingest.text import Sentence, alias_patterns, sentences
from lineage.verify import guard_time
from lineage.verify_draft import settle
from lineage.verify_ratios import MEASUREMENT_DOC, judge_ratios

MAX_CARD_BYTES = 1024 * 1024
"""Cards are a few kB to a few hundred kB; a bigger README is refused before it is decoded."""

MAX_FRONT_MATTER_NODES = 5_000
"""YAML nodes in a card's front matter (aliases included): real cards hold a few dozen to a few hundred."""

MAX_FRONT_MATTER_ALIASES = 100
"""YAML aliases (``*name``) in a front matter; bounds an alias bomb ("billion laughs") before it expands."""

MAX_FRONT_MATTER_DEPTH = 50
"""Nesting of the front matter's collections; deeper input would exhaust the parser's recursion."""

RELATIONS = DERIVATIONS | {"continued-pretraining"}
"""``base_model_relation`` values a card may give: the derivations (:class:`lineage.domain.Derivation`), and
continued pre-training, which is stored as a fine-tune."""


class CardReport(BaseModel):
    """What ingesting one Hugging Face repo produced."""

    repo: str = Field(description="Repo id.")
    commit: str = Field(description="Commit the files were read at.")
    model: str = Field(description="Model id the card describes.")
    kind: SourceKind = Field(description="Primary for the model's own card.")
    derived_from: list[str] = Field(description="Base models, with their relation.")
    uses: list[str] = Field(description="Techniques the card says its model uses.")
    claims: int = Field(description="Claims from the card.")
    config_claims: int = Field(0, description="Claims from config.json, when present.")
    released: str | None = Field(None, description="Month of a model the card discovered, from the Hub's record of its repo.")


# --------------------------------------------------------------------------- parsing


def split_card(text: str, name: str) -> tuple[dict, str]:
    """(front matter, body) of a model card; broken YAML is a one-line error."""
    m = re.match(r"^\ufeff?---\s*\n(.*?)\n---\s*(?:\n|$)", text, re.S)
    if not m:
        return {}, text
    loader = _BoundedLoader(m.group(1))
    try:
        node = loader.get_single_node()
        if node is not None:
            _expanded_size(node, {})
        meta = (loader.construct_document(node) if node is not None else None) or {}
    except _TooLarge as exc:
        raise SourceFormatError(f'card "{name}" has front matter with {exc}; refused') from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""
        raise SourceFormatError(f'card "{name}" has front matter that is not valid YAML{where}') from None
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:  # created: 2025-02-30, !!float abc
        raise SourceFormatError(
            f'card "{name}" has front matter with a value YAML cannot construct ({str(exc).splitlines()[0][:80]})'
        ) from None
    finally:
        loader.dispose()
    if not isinstance(meta, dict):
        raise SourceFormatError(f'card "{name}" has front matter that is not a mapping')
    check_text(json.dumps(meta, ensure_ascii=False, default=str), "card", name)
    return meta, text[m.end() :]


class _TooLarge(Exception):
    pass


def _expanded_size(node, sizes: dict[int, int]) -> int:
    """Nodes ``node`` stands for once every alias is expanded; refuses past :data:`MAX_FRONT_MATTER_NODES`."""
    if id(node) in sizes:
        if sizes[id(node)] < 0:
            raise _TooLarge("a YAML alias that contains itself")
        return sizes[id(node)]
    sizes[id(node)] = -1
    children = node.value if isinstance(node.value, list) else []
    total = 1
    for child in children:
        for part in child if isinstance(child, tuple) else (child,):  # mapping items are (key, value)
            total += _expanded_size(part, sizes)
    if total > MAX_FRONT_MATTER_NODES:
        raise _TooLarge(f"more than {MAX_FRONT_MATTER_NODES} YAML nodes once its aliases are expanded (an alias bomb?)")
    sizes[id(node)] = total
    return total


class _BoundedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that counts nodes, aliases and depth while composing, before anything expands."""

    def __init__(self, stream):
        super().__init__(stream)
        self.nodes = self.aliases = self.depth = 0

    def compose_node(self, parent, index):
        self.nodes += 1
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_FRONT_MATTER_ALIASES:
                raise _TooLarge(f"more than {MAX_FRONT_MATTER_ALIASES} YAML aliases (an alias bomb?)")
        if self.nodes > MAX_FRONT_MATTER_NODES:
            raise _TooLarge(f"more than {MAX_FRONT_MATTER_NODES} YAML nodes")
        self.depth += 1
        try:
            if self.depth > MAX_FRONT_MATTER_DEPTH:
                raise _TooLarge(f"YAML nested deeper than {MAX_FRONT_MATTER_DEPTH} levels")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def card_text_lines(text: str) -> list[str]:
    """The card as text lines numbered as in the file: front matter blank, markup and code gone."""
    _, body = split_card(text, "card")
    front = text[: len(text) - len(body)].count("\n")
    return [""] * front + [markup.heading(ln) or ln for ln in markup.text_lines(body)]


# --------------------------------------------------------------------------- ingestion


def _ensure_model(repo_id: str, catalog: Catalog, card_repo: str, released: str | None = None) -> tuple[str, list]:
    """Catalog model for a repo, or a discovered Model (and Organization) entity describing it.

    Discovered in the card's own source (``card:<repo>``), so the entities are read back with it
    (:meth:`lineage.store.Store.discovered_entities`) and kept when ``verify`` rewrites that source.
    ``released`` is the month a discovered model takes (a known model keeps its own).
    """
    known = catalog_model(repo_id, catalog)
    if known is not None:
        return known.id, []
    org_name, name = repo_id.split("/", 1)
    org_id = catalog.find(org_name, EntityKind.ORGANIZATION) or slug(org_name)
    found = {"curation": "discovered", "discovered_in": f"card:{card_repo}"}
    entities: list[Organization | Model] = []
    if org_id not in catalog:
        entities.append(
            Organization(id=org_id, name=org_name, hf_org=org_name, sources=(SourceRef(url=f"https://huggingface.co/{org_name}"),),
                         **found)
        )
    model_id = slug(repo_id.replace("/", "-"))
    entities.append(
        Model(id=model_id, name=name, hf_repo=repo_id, organization=org_id, released=released,
              sources=(SourceRef(url=f"https://huggingface.co/{repo_id}"),), **found)
    )
    return model_id, entities


def catalog_model(repo_id: str, catalog: Catalog, by_repo: bool = True):
    """The catalog model a repo holds: the one with that ``hf_repo``; else the model the repo's name
    names, when the repo's owner is that model's organization (a copy of the lab's card kept under
    the lab's own name, such as a mirror of a repository hosted outside the Hub).  ``by_repo=False``:
    the caller looked the ``hf_repo`` up already."""
    known = catalog.model_by_repo(repo_id) if by_repo else None
    if known is not None:
        return known
    owner, name = repo_id.split("/", 1)
    mid = catalog.find(name, EntityKind.MODEL)
    model = catalog.entities.get(mid) if mid else None
    return model if model is not None and _owned_by_org(owner, model, catalog) else None


def _owned_by_org(owner: str, model, catalog: Catalog) -> bool:
    """Whether a repo owner is the model's organization: its Hugging Face org, the owner of the
    model's own repo, or the organization's id, name or alias."""
    org = catalog.entities.get(model.organization) if model.organization else None
    hf_orgs = {o.lower() for o in filter(None, [getattr(org, "hf_org", None), (model.hf_repo or "").split("/")[0]])}
    return owner.lower() in hf_orgs or (org is not None and catalog.find(owner, EntityKind.ORGANIZATION) == org.id)


def _is_own(repo_id: str, model_id: str, catalog: Catalog) -> bool:
    """A card is the model's own when its repo belongs to the model's organization."""
    model = catalog.entities.get(model_id)
    return model is not None and _owned_by_org(repo_id.split("/")[0], model, catalog)


def ingest_hf(store, catalog: Catalog, repo_id: str, revision: str | None = None) -> CardReport:
    """Ingest a model repo's card (and config.json): everything fetched and checked, then written in one transaction.

    A model the card discovers takes the month the Hub created its repo (:func:`lineage.ingest.hub.created_at`;
    unknown offline or when the call fails); a model the catalog knows is not asked about.
    """
    check_repo(repo_id)
    check_revision(revision)
    # read as a first ingest would: a model or lab this card discovered before is discovered again
    catalog = catalog_without(store, catalog, [f"card:{repo_id}"]) or catalog
    card_path, commit = fetch(repo_id, "README.md", revision)
    config_path, _ = fetch(repo_id, "config.json", commit or revision, required=False)
    month = months.from_hub(created_at(repo_id)) if catalog_model(repo_id, catalog) is None else None
    written, report = prepare_card(catalog, repo_id, card_path, commit, config_path, revision, month)
    store.replace_sources(written)
    return report


def prepare_card(catalog: Catalog, repo_id: str, card_path: Path, commit: str | None, config_path: Path | None = None,
                 revision: str | None = None, month: months.RecordedMonth | None = None) -> tuple[list, CardReport]:
    """The sources (card, and config.json when given) a repo's files become, without touching the store.

    ``card_path`` and ``config_path`` are local files: fetched from a Hub by :func:`ingest_hf`, or a
    corpus folder's copies pinned to ``commit`` (the graph release).  ``month``, a release month the
    repo's publication record gives (:mod:`lineage.ingest.months`), goes to a model the card discovers.
    """

    data = read_bytes(card_path, "card", max(MAX_CARD_BYTES, download.cap("card")))  # LINEAGE_MAX_CARD_MB raises it
    text = check_text(decode(data, "card", repo_id), "card", repo_id)
    card = read_card(text, repo_id, catalog, commit, revision, month)
    model_id, kind, doc, claims, entities = card.model, card.kind, card.doc, card.claims, card.entities

    config_claims = 0
    prepared_config = None
    if config_path is not None and model_id in catalog:
        src = ConfigSource(file="config.json", model=model_id, repo=repo_id, commit=commit, kind=kind,
                           url=f"https://huggingface.co/{repo_id}/blob/{commit}/config.json" if commit else None,
                           note="fetched from the Hugging Face repo with its card")
        prepared_config = prepare(config_path, src)
        config_claims = len(prepared_config.claims)
    # everything is read and checked; the caller writes both sources in one transaction
    claims = judge_ratios(guard_time(claims, catalog))
    written = [(doc, claims, entities)]
    if any(e.source == MEASUREMENT_DOC.id for c in claims for e in c.evidence):  # the document its evidence cites
        written.append((MEASUREMENT_DOC, [], []))
    if prepared_config is not None:
        written.append((prepared_config.doc, prepared_config.claims, []))
    released = next((getattr(e, "released", None) for e in entities if e.id == model_id), None)
    return written, CardReport(repo=repo_id, commit=commit or "", model=model_id, kind=kind, derived_from=card.derived,
                               uses=card.uses, claims=len(claims), config_claims=config_claims, released=released)


@dataclass
class CardRead:
    """Everything one card says, before anything is written."""

    model: str
    kind: SourceKind
    doc: SourceDocument
    claims: list[Claim]
    entities: list
    derived: list[str]
    uses: list[str]


def read_card(text: str, repo_id: str, catalog: Catalog, commit: str | None = None, revision: str | None = None,
              month: months.RecordedMonth | None = None) -> CardRead:
    """The claims of one card's text (front matter and prose), its source document and new entities
    (a model the card discovers takes ``month``, with a claim citing its record)."""
    meta, body = split_card(text, repo_id)
    bases = [str(b) for b in _as_list(meta.get("base_model"))]
    for b in bases:
        if not is_repo_id(b):
            raise SourceFormatError(f'card of "{repo_id}": base_model "{b}" is not a repo id (expected org/name)')
    relation = str(meta.get("base_model_relation") or "").lower() or None
    if relation is not None and relation not in RELATIONS:
        raise SourceFormatError(f'card of "{repo_id}": base_model_relation "{relation}" is not one of {sorted(RELATIONS)}')

    model_id, entities = _ensure_model(repo_id, catalog, repo_id, month.value if month else None)
    own = _is_own(repo_id, model_id, catalog)
    kind = SourceKind.PRIMARY if own else SourceKind.SECONDARY
    details = [f"{k}: {meta[k]}" for k in ("license", "pipeline_tag", "library_name") if meta.get(k)]
    langs = _as_list(meta.get("language"))
    if langs:
        details.append(f"languages: {', '.join(map(str, langs))}")
    doc = SourceDocument(
        id=f"card:{repo_id}",
        title=f"{repo_id} model card",
        kind=kind,
        format="card",
        url=f"https://huggingface.co/{repo_id}" + (f"/blob/{commit}/README.md" if commit else ""),
        revision=commit or f"revision {revision or 'main'}",
        publisher=repo_id.split("/")[0],
        about=model_id,
        note=clip("; ".join(details), 300) if details else None,
    )
    now = utcnow()
    who = "the model's own card" if own else f"a card published by {repo_id.split('/')[0]}"

    def ev(locator: str, snippet: str, supports: bool = True) -> Evidence:
        return Evidence(source=doc.id, revision=doc.revision, source_kind=kind, locator=locator,
                        snippet=clip(snippet), method=Method.CARD, retrieved_at=now, supports=supports)

    claims: list[Claim] = [months.month_claim(model_id, month, doc)] if month and any(e.id == model_id for e in entities) else []
    derived = []
    for b in bases:
        base_id, base_entities = _ensure_model(b, catalog, repo_id)
        entities += [e for e in base_entities if e.id not in {x.id for x in entities}]
        rel = "finetune" if relation == "continued-pretraining" else relation or guess_relation(repo_id, meta)
        derived.append(f"{base_id} ({rel})")
        claims.append(
            derivation_claim(model_id, base_id, rel, (ev("README.md front matter: base_model", f"base_model: {b}" + (
                f"; base_model_relation: {relation}" if relation else "")),), primary=True,
                reason=f"the repo's card front matter names it as base_model ({rel})")
        )
    paper = None
    for tag in _as_list(meta.get("tags")):
        m = re.fullmatch(r"arxiv:(\d{4}\.\d{4,5})", str(tag), re.I)
        if m and f"arxiv-{m.group(1)}" in catalog:
            paper = paper or f"arxiv-{m.group(1)}"
            claims.append(
                settle(Draft(subject=model_id, predicate=Predicate.CITES, object=f"arxiv-{m.group(1)}", qualifiers={"cito": "cites"},
                      primary=own, reason=f"listed in {who}'s tags", evidence=(ev("README.md front matter: tags", f"tags: {tag}"),)))
            )

    # prose: the same adoption extraction as reports, for the card's model (and siblings a series card names)
    lines = card_text_lines(text)
    body_sentences: list[Sentence] = [s for i, ln in enumerate(lines, start=1) if ln for s in sentences(ln, i)]
    subjects = _subjects(model_id, lines, catalog) if own else [model_id]
    names = [n for mid in subjects if mid in catalog for n in (catalog.get(mid).name, *catalog.get(mid).aliases)]
    families = {catalog.get(m).family for m in subjects if m in catalog and catalog.get(m).family}
    found = adoption_rules.find_mentions(body_sentences, alias_patterns(catalog), names + sorted(families))
    uses = []
    for technique, d in sorted(adoption_rules.decide(found).items()):
        if d.verdict is not adoption_rules.Kind.ADOPTION:
            continue
        uses.append(technique)
        evidence = tuple(ev(f"README.md line {m.sentence.page}", m.sentence.text) for m in d.adoptions[:3])
        for mid in subjects:
            claims.append(settle(Draft(subject=mid, predicate=Predicate.USES, object=technique, primary=own,
                                reason=clip(f"{who} adopts it (line {d.adoptions[0].sentence.page})", 200), evidence=evidence)))
    devices = hardware_ties.discover(body_sentences, catalog, doc.id, doc.url or f"urn:lineage:{doc.id}")
    entities += devices
    known = {e.id: e for e in entities} | {mid: catalog.get(mid) for mid in subjects if mid in catalog}
    model_names = {mid: [known[mid].name, *known[mid].aliases] for mid in subjects if mid in known}
    overlay = catalog.with_discovered(devices)
    for f in facts.extract(body_sentences, model_names, overlay, card=True, context=hardware_ties.line_context(lines)):
        claims.append(
            settle(Draft(subject=f.model, predicate=f.predicate, object=f.object, value=f.value, unit=f.unit, qualifiers=f.qualifiers,
                  primary=own, reason=clip(f"stated in {who} (line {f.sentence.page})", 200),
                  evidence=(ev(f"README.md line {f.sentence.page}", f.sentence.text),)))
        )

    return CardRead(model_id, kind, doc, claims, entities, derived, uses)


def guess_relation(repo_id: str, meta: dict) -> str:
    """The relation a card without ``base_model_relation`` implies: a number-format suffix on the repo's name
    (the rule configs follow, :mod:`lineage.ingest.config.derivative`) or quantization tags, else adapter,
    merge or finetune tags."""

    tags = " ".join(map(str, _as_list(meta.get("tags")))).lower()
    if base_name(repo_id.split("/")[-1]) is not None or re.search(r"\b(?:gguf|awq|gptq|quantized|exl2)\b", tags):
        return "quantized"
    if "lora" in tags or "adapter" in tags:
        return "adapter"
    if "merge" in tags:
        return "merge"
    return "finetune"


def _subjects(model_id: str, lines: list[str], catalog: Catalog) -> list[str]:
    """The card's model, plus same-family models a series card names."""
    model = catalog.entities.get(model_id)
    if model is None or model.kind != "model" or not model.family:
        return [model_id]
    text = "\n".join(lines)
    # a series card describes models released together; a sibling named as the base or a comparison
    # (the V3.2-Exp card naming DeepSeek-V3) is not the card's subject
    siblings = [
        m.id
        for m in catalog.of_kind(EntityKind.MODEL)
        if m.family == model.family and m.id != model_id and (m.released or "")[:7] == (model.released or "?")[:7]
        and re.search(rf"(?<![\w-]){re.escape(m.name)}(?![\w-])", text)
    ]
    return [model_id, *siblings]
