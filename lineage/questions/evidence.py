"""Evidence rows as answers show them, and the checks every store-backed question shares.

Every answer is a frozen dataclass (:mod:`lineage.questions.answer`), built from stored records
(:mod:`lineage.records`) without loading pydantic.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from lineage.combine import combine
from lineage.errors import EmptyStore
from lineage.questions.answer import Answer, Field
from lineage.store.documents import snippet
from lineage.vocab import Method, Predicate, SourceKind, Status

if TYPE_CHECKING:
    from lineage.catalog import Catalog
    from lineage.domain import Evidence, StoredClaim
    from lineage.store import Store


class EvidenceSummary(Answer):
    """A piece of evidence, trimmed for display."""

    source: str = Field(description="Source document id.")
    source_kind: SourceKind = Field(description="Primary or secondary.")
    method: Method = Field(description="How it was obtained.")
    locator: str = Field(description="Where in the source.")
    snippet: str = Field(description="Short excerpt; empty where the release keeps only the span.")
    supports: bool = Field(description="False when it speaks against the claim.")
    span_start: int | None = Field(default=None, description="Offset of the quoted span in the document's extracted text.")
    span_end: int | None = Field(default=None, description="Offset just after the quoted span.")
    span_sha256: str | None = Field(default=None, description="sha256 of the quoted span, whitespace collapsed.")

    @classmethod
    def from_json(cls, data: dict) -> EvidenceSummary:
        """The summary of evidence dumped as JSON (a projection's edge data): unknown keys left out."""
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**fields | {"source_kind": SourceKind(fields["source_kind"]), "method": Method(fields["method"])})

    @classmethod
    def of(cls, ev: Evidence) -> EvidenceSummary:
        """The summary of ``ev``, its snippet re-cut from a fetched document where the release kept a span."""

        return cls(
            source=ev.source,
            source_kind=ev.source_kind,
            method=ev.method,
            locator=ev.locator,
            snippet=snippet(ev),
            supports=ev.supports,
            span_start=ev.span_start,
            span_end=ev.span_end,
            span_sha256=ev.span_sha256,
        )


def evidence_summaries(claims: list[StoredClaim]) -> list[EvidenceSummary]:
    seen, out = set(), []
    ranked = sorted(claims, key=lambda c: (c.evidence[0].source_kind is not SourceKind.PRIMARY, c.source))
    for c in ranked:
        for ev in c.evidence:
            key = (ev.source, ev.locator)
            if key not in seen:
                seen.add(key)
                out.append(EvidenceSummary.of(ev))
    return out


def require_built(store: Store) -> None:
    """Raise ``EmptyStore`` unless ``lineage build`` has run."""
    if store.is_empty():
        raise EmptyStore(store.path)


class ModelUse(Answer):
    """One model's use of a technique, with its combined status (the part every answer listing adopters shares)."""

    model: str = Field(description="Model id.")
    name: str = Field(description="Model name.")
    organization: str | None = Field(default=None, description="Publisher organization id (developedBy claim).")
    released: str | None = Field(default=None, description="Release month.")
    technique: str = Field(description="Technique id the evidence names (the asked one or a variant).")
    status: Status = Field(description="Combined status of the uses claims over all sources.")
    reason: str = Field(description="Why the status is what it is.")


class Fact(Answer):
    """A catalog or ingested fact with its status and evidence."""

    predicate: Predicate = Field(description="What is stated.")
    object: str | None = Field(default=None, description="Entity id.")
    label: str | None = Field(default=None, description="Name of the entity, or the literal value.")
    status: Status = Field(description="Combined status.")
    reason: str = Field(description="Why.")
    evidence: list[EvidenceSummary] = Field(description="Evidence.")


def grouped_facts(catalog: Catalog, claims: list[StoredClaim], objects: bool = True) -> list[Fact]:
    groups: dict[tuple, list[StoredClaim]] = defaultdict(list)
    for c in claims:
        key = (c.predicate, c.object if objects else c.subject, c.value, tuple(sorted(c.qualifiers.items())))
        groups[key].append(c)
    out = []
    for (predicate, other, value, _), group in groups.items():
        status, reason = combine(group)
        entity = catalog.entities.get(other) if other else None
        label = entity.name if entity else str(value) if value is not None else other
        out.append(
            Fact(
                predicate=predicate,
                object=other,
                label=label,
                status=status,
                reason=reason,
                evidence=evidence_summaries(group),
            )
        )
    return out
