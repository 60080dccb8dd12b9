"""Evidence rows as answers show them, and the checks every store-backed question shares.
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, Field

from lineage.catalog import Catalog
from lineage.domain import Evidence, Method, Predicate, SourceKind, Status
from lineage.errors import EmptyStore
from lineage.store import Store, StoredClaim
from lineage.verify import combine


class EvidenceSummary(BaseModel):
    """A piece of evidence, trimmed for display."""

    source: str = Field(description="Source document id.")
    source_kind: SourceKind = Field(description="Primary or secondary.")
    method: Method = Field(description="How it was obtained.")
    locator: str = Field(description="Where in the source.")
    snippet: str = Field(description="Short excerpt; empty where the release keeps only the span.")
    supports: bool = Field(description="False when it speaks against the claim.")
    span_start: int | None = Field(None, description="Offset of the quoted span in the document's extracted text.")
    span_end: int | None = Field(None, description="Offset just after the quoted span.")
    span_sha256: str | None = Field(None, description="sha256 of the quoted span, whitespace collapsed.")

    @classmethod
    def of(cls, ev: Evidence) -> EvidenceSummary:
        """The summary of ``ev``, its snippet re-cut from a fetched document where the release kept a span."""
        from lineage.release.fetch import snippet

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



def _evidence(claims: list[StoredClaim]) -> list[EvidenceSummary]:
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


class Fact(BaseModel):
    """A catalog or ingested fact with its status and evidence."""

    predicate: Predicate = Field(description="What is stated.")
    object: str | None = Field(None, description="Entity id.")
    label: str | None = Field(None, description="Name of the entity, or the literal value.")
    status: Status = Field(description="Combined status.")
    reason: str = Field(description="Why.")
    evidence: list[EvidenceSummary] = Field(description="Evidence.")


def _facts(catalog: Catalog, claims: list[StoredClaim], objects: bool = True) -> list[Fact]:
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
                evidence=_evidence(group),
            )
        )
    return out
