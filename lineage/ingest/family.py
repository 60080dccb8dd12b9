"""Configs across a model family: what one generation dropped and the next added.

When a technique detected in one generation's config (``kv_lora_rank`` -> MLA) is gone from
the next generation's config and a technique of the same category is new there
(``compress_ratios`` -> compressed sparse attention), the new one is recorded as a
``replaces`` *candidate* of the old one.  The configs are primary, but the relation is our
inference from their difference, so the claim is **reported**, never verified, until a primary
text states it (a verified ``replaces`` claim from a report or the catalog then wins in
:func:`lineage.verify.combine`).

The generation before a model is its catalog ``predecessor``, else the latest earlier model of
the same organization in another family (DeepSeek-V4-Flash -> DeepSeek-V3.2).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from lineage.catalog import Catalog
from lineage.domain import (
    Claim,
    Draft,
    EntityKind,
    Evidence,
    Predicate,
    Role,
    SourceDocument,
    SourceKind,
    Status,
    clip,
)
from lineage.verify_draft import settle
from lineage.vocab import CONFIG_METHODS


class FamilyChange(BaseModel):
    """What ingesting one pair of generations wrote."""

    older: str = Field(description="Model id of the earlier generation.")
    newer: str = Field(description="Model id of the later generation.")
    dropped: list[str] = Field(description="Techniques in the older config and not in the newer.")
    added: list[str] = Field(description="Techniques in the newer config and not in the older.")
    replaces: list[str] = Field(description="'new replaces old' candidates written, one line each.")


def previous_generation(catalog: Catalog, model: str) -> str | None:
    """The model a generation follows: its predecessor, else the latest earlier model of its lab in another family.

    Examples
    --------
    >>> previous_generation(Catalog.load(), "deepseek-v4-flash")
    'deepseek-v3.2'
    >>> previous_generation(Catalog.load(), "deepseek-v3.2")
    'deepseek-v3.2-exp'
    """
    m = catalog.get(model, EntityKind.MODEL)
    if m.predecessor:
        return m.predecessor
    if not (m.released and m.family):
        return None
    earlier = [
        o
        for o in catalog.of_kind(EntityKind.MODEL)
        if o.organization == m.organization and o.family and o.family != m.family and o.released
        and o.released < m.released
    ]
    return max(earlier, key=lambda o: o.released).id if earlier else None


def config_uses(store) -> dict[str, dict[str, Evidence]]:
    """Per model, the techniques its own configs show (verified ``uses`` claims read from a config), one evidence each."""
    out: dict[str, dict[str, Evidence]] = {}
    for c in store.claims():
        if c.predicate is not Predicate.USES or c.status is not Status.VERIFIED:
            continue
        ev = next((e for e in c.evidence if e.method in CONFIG_METHODS and e.source_kind is SourceKind.PRIMARY), None)
        if ev is not None:
            out.setdefault(c.subject, {}).setdefault(c.object, ev)
    return out


def family_document(older: str, newer: str) -> SourceDocument:
    """The named graph for one pair's derived claims."""
    return SourceDocument(
        id=f"family:{older}..{newer}",
        title=f"config changes from {older} to {newer}",
        kind=SourceKind.SECONDARY,
        format="config",
        about=newer,
        note="Derived by lineage from the two generations' primary configs; a candidate until a primary text states it.",
    )


def _related(catalog: Catalog, a: str, b: str, hops: int = 2) -> bool:
    """Whether two techniques are linked by curated lineage (variant_of, relations) within ``hops``, either way."""
    near: dict[str, set[str]] = {}
    for t in catalog.of_kind(EntityKind.TECHNIQUE):
        for other in (*t.variant_of, *(r.to for r in t.relations)):
            near.setdefault(t.id, set()).add(other)
            near.setdefault(other, set()).add(t.id)
    frontier, seen = {a}, {a}
    for _ in range(hops):
        frontier = {n for f in frontier for n in near.get(f, ())} - seen
        seen |= frontier
    return b in seen


def replacement_claims(catalog: Catalog, older: str, newer: str, before: dict, after: dict) -> list[Claim]:
    """``new replaces old`` candidates: a dropped and an added technique of the same category that are
    either the only change in that category or linked by curated lineage within two steps."""
    dropped = sorted(set(before) - set(after))
    added = sorted(set(after) - set(before))

    def category(t: str):
        return getattr(catalog.entities.get(t), "category", None)

    out = []
    for new in added:
        for old in dropped:
            if category(new) is None or category(new) != category(old):
                continue
            alone = [a for a in added if category(a) == category(new)] == [new] and [
                d for d in dropped if category(d) == category(old)
            ] == [old]
            if not (alone or _related(catalog, new, old)):
                continue
            reason = (
                f"[config-diff] {older}'s config shows {old} and {newer}'s does not, while {newer}'s shows {new}; "
                "a candidate until a primary text states it"
            )
            evidence = (
                before[old].model_copy(update={"snippet": clip(f"{older}: {before[old].snippet}")}),
                after[new].model_copy(update={"snippet": clip(f"{newer}: {after[new].snippet}")}),
            )
            out.append(
                settle(Draft(
                    subject=new,
                    predicate=Predicate.REPLACES,
                    object=old,
                    qualifiers={"from": older, "to": newer},
                    primary=True,
                    role=Role.INFERRED,
                    reason=clip(reason, 250),
                    evidence=evidence,
                ))
            )
    return out


def ingest_family_changes(store, catalog: Catalog) -> list[FamilyChange]:
    """For every model whose previous generation has configs in the store, write the replacement candidates."""
    out = []
    shown = config_uses(store)
    for m in catalog.of_kind(EntityKind.MODEL):
        older = previous_generation(catalog, m.id)
        if older is None:
            continue
        before, after = shown.get(older, {}), shown.get(m.id, {})
        if not before or not after:
            continue
        claims = replacement_claims(catalog, older, m.id, before, after)
        if not claims:
            continue
        store.replace_source(family_document(older, m.id), claims)
        out.append(
            FamilyChange(
                older=older,
                newer=m.id,
                dropped=sorted(set(before) - set(after)),
                added=sorted(set(after) - set(before)),
                replaces=[f"{c.subject} replaces {c.object}" for c in claims],
            )
        )
    return out


__all__ = ["FamilyChange", "config_uses", "ingest_family_changes", "previous_generation", "replacement_claims"]
