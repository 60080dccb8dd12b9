"""Domain model: catalog entities, claims, evidence and verification status.

Everything that crosses a boundary of the library (seed YAML in, store rows out,
``--json`` output) is one of these pydantic models.  Ids are stable kebab-case
strings (``mla``, ``deepseek-v3``, ``moonshot-ai``) used as graph node id, IRI
local name and seed key alike.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, date, datetime
from enum import Enum
from typing import Annotated, Any, Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from lineage.vocab import ID_PATTERN, MAX_ID_LENGTH  # defined pydantic-free, re-exported here

EntityId = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)]
SNIPPET_MAX = 300


class Strict(BaseModel):
    """Base for curated data: unknown keys are typos and fail loudly."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- vocabularies

from lineage.vocab import (  # noqa: E402, F401  (re-exported: pydantic-free, so read commands load without pydantic)
    DERIVATIONS,
    ENTITY_PREDICATES,
    FETCH_HINT,
    HARDWARE_PREDICATES,
    IDEA_RELATIONS,
    STATUS_RANK,
    Derivation,
    EntityKind,
    IdeaRelation,
    Method,
    Predicate,
    SourceKind,
    Status,
    TechniqueCategory,
    human,
)

# --------------------------------------------------------------------------- citations


class SourceRef(Strict):
    """Where a curated catalog fact comes from."""

    url: str = Field(description="Public address of the source (arXiv abs page, official repo, vendor page).")
    kind: SourceKind = Field(SourceKind.PRIMARY, description="Primary when the source is the originator's own record.")
    note: str | None = Field(None, description="What in the source supports the entry (own words, not a quote).")


# --------------------------------------------------------------------------- catalog entities


class Entity(Strict):
    """Fields every catalog entity shares."""

    id: EntityId = Field(description="Stable kebab-case id, also the IRI local name.")
    name: str = Field(description="Human-readable name.")
    aliases: tuple[str, ...] = Field((), description="Other names and spellings used in sources.")
    description: str | None = Field(None, description="One or two sentences in our own words.")
    sources: tuple[SourceRef, ...] = Field(min_length=1, description="Public sources for this entry.")
    unconfirmed: tuple[str, ...] = Field(
        (), description="Field names whose values no primary source confirms (the source note says why)."
    )
    curation: Literal["curated", "discovered", "vocabulary"] = Field(
        "curated",
        description="'curated' for catalog entries in seeds/; 'discovered' for entities a source introduced; "
        "'vocabulary' for ideas (and their papers) imported from a public vocabulary (seeds/vocabulary.yaml).",
    )
    discovered_in: str | None = Field(
        None, description="Id of the source document that introduced a discovered entity."
    )


class Organization(Entity):
    """A lab or company that publishes models, papers or hardware."""

    kind: Literal["organization"] = Field("organization", description="Entity kind tag.")
    country: str | None = Field(None, description="ISO 3166 alpha-2 country of the headquarters.")
    homepage: str | None = Field(None, description="Official homepage.")
    hf_org: str | None = Field(None, description="Hugging Face organization name.")


class DeviceClass(Strict):
    """Which devices a class of hardware holds, by their vendor ("NVIDIA GPUs", "domestic chips"):
    the catalog links every matching device to the class (``broader``), so a claim about the
    class is checked against claims about its member devices."""

    vendor: EntityId | None = Field(None, description="Every device of this vendor (organization id).")
    country: str | None = Field(
        None, pattern=r"^[A-Z]{2}$", description="Every device whose vendor is in this country (ISO 3166 alpha-2)."
    )
    except_vendor: EntityId | None = Field(
        None, description="Every device not made by this vendor (organization id): 'beyond NVIDIA'."
    )


class Hardware(Entity):
    """An accelerator used to train or serve models, or a class of them (``members``)."""

    kind: Literal["hardware"] = Field("hardware", description="Entity kind tag.")
    vendor: EntityId | None = Field(description="Organization id of the vendor (None for a class of several vendors' devices).")
    family: str | None = Field(None, description="Product family or architecture (Hopper, Ascend …).")
    released: str | None = Field(None, description="Release year or month, YYYY or YYYY-MM.")
    memory_gb: float | None = Field(None, description="On-device memory in GB.")
    fp8: bool | None = Field(None, description="Tensor cores run FP8 natively (None: no source checked).")
    fp4: bool | None = Field(None, description="Tensor cores run FP4 natively (None: no source checked).")
    export_control: str | None = Field(
        None, description="US export-control class a primary source states for it (e.g. 'ECCN 3A090')."
    )
    broader: tuple[EntityId, ...] = Field(
        (), description="Hardware ids of the product line this device belongs to (skos:broader)."
    )
    members: DeviceClass | None = Field(
        None, description="For a class of devices: which devices belong to it (the catalog adds their broader links)."
    )


class Paper(Entity):
    """A paper or technical report."""

    kind: Literal["paper"] = Field("paper", description="Entity kind tag.")
    arxiv: str | None = Field(None, pattern=r"^\d{4}\.\d{4,5}$", description="arXiv id without version.")
    published: str | None = Field(None, description="First publication date, YYYY-MM or YYYY-MM-DD.")
    organizations: tuple[EntityId, ...] = Field((), description="Organization ids of the authors' lab(s).")
    title: str | None = Field(None, description="Full title as published.")
    authors: tuple[str, ...] = Field((), description="Author names in order (from the arXiv API when ingested).")
    updated: str | None = Field(None, description="Date of the version read, YYYY-MM-DD.")
    version: str | None = Field(None, description="arXiv version read, e.g. 'v2'.")
    categories: tuple[str, ...] = Field((), description="arXiv categories.")


class TechniqueRelation(Strict):
    """A curated technique -> technique relation, citing the record that states it."""

    relation: IdeaRelation = Field(description="How the technique relates to the target (a Predicate value).")
    to: EntityId = Field(description="Technique id of the related (usually earlier) idea.")
    source: SourceRef = Field(
        description="Where the relation is stated; primary when it is the subject technique's own introducing record."
    )


class Technique(Entity):
    """An architectural, training or inference idea."""

    kind: Literal["technique"] = Field("technique", description="Entity kind tag.")
    category: TechniqueCategory = Field(description="Coarse family.")
    broader: tuple[EntityId, ...] = Field((), description="Technique ids this one is a kind of (skos:broader).")
    variant_of: tuple[EntityId, ...] = Field((), description="Technique ids this one modifies or extends.")
    introduced_in: EntityId | None = Field(None, description="Paper id of the introducing paper, when one exists.")
    introduced_by: tuple[EntityId, ...] = Field((), description="Organization ids that introduced it.")
    inventors: tuple[str, ...] = Field((), description="People credited by the primary record, when no lab is.")
    first_appeared: str | None = Field(None, description="First public appearance, YYYY-MM or YYYY-MM-DD.")
    relations: tuple[TechniqueRelation, ...] = Field(
        (), description="Typed links to the ideas it builds on, each with its own citation (idea lineage)."
    )


class Model(Entity):
    """An open-weights model release."""

    kind: Literal["model"] = Field("model", description="Entity kind tag.")
    hf_repo: str | None = Field(None, description="Hugging Face repo id (org/name).")
    organization: EntityId | None = Field(
        description="Organization id of the publisher (None only for a discovered model whose source names no lab)."
    )
    released: str | None = Field(None, description="Release month, YYYY-MM.")
    family: str | None = Field(None, description="Model family name (DeepSeek-V3, Kimi K2 …).")
    predecessor: EntityId | None = Field(None, description="Model id this one continues or is fine-tuned from.")
    report: EntityId | None = Field(None, description="Paper id of the model's own technical report.")
    open_weights: bool = Field(True, description="False for models known only from a report (weights not released).")


AnyEntity = Annotated[Organization | Hardware | Paper | Technique | Model, Field(discriminator="kind")]


# --------------------------------------------------------------------------- sources, evidence, claims


class SourceDocument(Strict):
    """One ingested document; its claims live in one named graph."""

    id: str = Field(description="Stable document id, e.g. 'config:deepseek-ai/DeepSeek-V3@4c2fdb8'.")
    title: str = Field(description="Short human title.")
    kind: SourceKind = Field(description="Primary when the document is the model's own record.")
    format: Literal["config", "report", "card", "article", "catalog", "measurement", "hub"] = Field(
        description="What sort of document it is."
    )
    url: str | None = Field(None, description="Where the document can be fetched.")
    revision: str | None = Field(None, description="Commit, arXiv version or sha256 of the exact bytes ingested.")
    publisher: str | None = Field(None, description="Who published this copy (repo owner, site).")
    about: EntityId | None = Field(None, description="Model id the document describes, when it describes one.")
    note: str | None = Field(None, description="Caveats about provenance (mirror, derivative, abridged).")


class Evidence(Strict):
    """Why we believe (or doubt) a claim: a located snippet of a source."""

    source: str = Field(description="SourceDocument id.")
    revision: str | None = Field(None, description="Revision of the source the snippet was read from.")
    source_kind: SourceKind = Field(description="Primary or secondary, copied from the source.")
    locator: str = Field(description="Page, section, config key path or line inside the source.")
    snippet: str = Field(max_length=SNIPPET_MAX, description="Short excerpt or 'key = value' rendering; empty where a "
                         "release keeps only the span (quoted text of reports and cards is never shipped).")
    method: Method = Field(description="How the evidence was obtained.")
    retrieved_at: datetime = Field(description="When the source was read (UTC).")
    supports: bool = Field(True, description="False when this evidence speaks against the claim.")
    span_start: int | None = Field(None, ge=0, description="Character offset where the quoted span starts in the "
                                   "document's extracted text (lineage.store.spans.document_text).")
    span_end: int | None = Field(None, ge=0, description="Character offset where the quoted span ends (exclusive).")
    span_sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$", description="sha256 of the quoted span with its "
                                    "whitespace collapsed: what a snippet re-cut from the document must hash to.")


class Role(str, Enum):
    """What a statement does for its subject, as the reader judged it (one of the facts a status is decided from)."""

    STATES = "states"
    """The source says it of the subject."""
    RULES_OUT = "rules-out"
    """The source says the subject does not have it ("we do not use X")."""
    INFERRED = "inferred"
    """Read from metadata, a naming convention or a difference of configs, not said by the source."""
    UNCHECKABLE = "uncheckable"
    """Nothing can check it (a field the catalog marks unconfirmed)."""


class _Statement(Strict):
    """What is claimed: subject, predicate, and an entity or literal object (shared by drafts and claims)."""

    subject: EntityId = Field(description="Entity id the claim is about.")
    predicate: Predicate = Field(description="What is claimed.")
    object: EntityId | None = Field(None, description="Entity id, for relations.")
    value: str | int | float | None = Field(None, description="Literal value, for attributes.")
    unit: str | None = Field(None, description="Unit of the literal value (parameters, tokens …).")
    qualifiers: dict[str, str] = Field(default_factory=dict, description="Extra context (layers, variant …).")

    @model_validator(mode="after")
    def _object_xor_value(self) -> Self:
        has_obj, has_val = self.object is not None, self.value is not None
        if has_obj == has_val:
            raise ValueError("a claim has exactly one of object or value")
        if has_obj != (self.predicate in ENTITY_PREDICATES):
            raise ValueError(f"predicate {self.predicate.value!r} takes {'an entity' if not has_obj else 'a value'}")
        if "\n" in getattr(self, "reason", ""):  # Draft and Claim have one
            raise ValueError("reason must be one line")
        return self

    @property
    def id(self) -> str:
        """Content hash of what is claimed (not of its status or evidence)."""
        key = json.dumps(
            [self.subject, self.predicate.value, self.object, self.value, self.unit, sorted(self.qualifiers.items())],
            default=str,
        )
        return "c-" + hashlib.sha256(key.encode()).hexdigest()[:16]


class Draft(_Statement):
    """A statement as a reader found it, before it has a status: what every reader produces.

    It carries only the facts a status is decided from (whether the source is primary for the subject,
    the statement's role); :func:`lineage.verify_draft.settle` alone turns it into a :class:`Claim`.
    """

    primary: bool = Field(description="The source is a primary one for the subject: its own report, card or "
                                      "config, or the catalog's sourced record.")
    role: Role = Field(Role.STATES, description="What the statement does for its subject: states it, rules it out, "
                                                "is inferred from a convention, or cannot be checked.")
    reason: str = Field(description="One line saying what the source does with it.")
    evidence: tuple[Evidence, ...] = Field(min_length=1, description="At least one piece of evidence.")


class Claim(_Statement):
    """A sourced statement: subject, predicate, and an entity or literal object."""

    status: Status = Field(description="Verification status.")
    reason: str = Field(description="One line saying why the status is what it is.")
    evidence: tuple[Evidence, ...] = Field(min_length=1, description="At least one piece of evidence.")


class StoredClaim(Claim):
    """A claim as read back from the store, with where it lives."""

    source: str = Field(description="Id of the source document whose graph holds the claim.")
    ref: str = Field(description="IRI of the claim resource.")


def slug(name: str) -> str:
    """A valid id for any name: lowercase, runs of other characters become one ``-``.

    A name longer than :data:`MAX_ID_LENGTH` keeps its start and gains a hash of the whole,
    so two long names never share a slug.

    Examples
    --------
    >>> slug("Qwen3.6 27B"), slug("x/a._b"), slug("...")
    ('qwen3.6-27b', 'x-a-b', 'unknown')
    >>> len(slug("m" * 500)) <= MAX_ID_LENGTH
    True
    """
    text = re.sub(r"[^a-z0-9.]+", "-", name.lower())
    text = re.sub(r"[.-]*-[.-]*|\.{2,}", "-", text).strip("-.") or "unknown"
    if len(text) > MAX_ID_LENGTH:
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        text = text[: MAX_ID_LENGTH - len(digest) - 1].rstrip("-.") + "-" + digest
    return text


def utcnow() -> datetime:
    """Timezone-aware now, truncated to seconds (what evidence records)."""
    return datetime.now(UTC).replace(microsecond=0)


def clip(text: str, limit: int = SNIPPET_MAX) -> str:
    """Collapse whitespace and cut text to fit an evidence snippet."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def month_of(value: str | date | None) -> str | None:
    """Normalise YYYY, YYYY-MM or a date to a comparable string."""
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def json_default(value: Any) -> Any:
    """``json.dumps`` default for enums and datetimes in CLI output."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(type(value).__name__)


_E = TypeVar("_E", bound=Entity)


def merge_discovered(known: _E, other: Entity) -> _E:
    """One entity that two sources discovered: each fills what the other left blank (a lab, a repo, a month).

    The first record's values stand; a curated entity, or a record of another kind, is never changed.
    """
    if known.curation != "discovered" or other.curation != "discovered" or type(known) is not type(other):
        return known
    gaps = {k: v for k, v in other if v not in (None, (), "") and getattr(known, k) in (None, (), "")}
    return known.model_copy(update=gaps) if gaps else known
