"""Derivatives: models made from another model (quantized, finetune, adapter, merge, distill).

A derivative carries its base's architecture; it never adopts the base's techniques, and its
publisher never becomes a lab that reuses them (:func:`lineage.vocab.is_derivative` decides which
``derivedFrom`` links make one).  The questions count base models: the projection leaves a
derivative's ``uses`` edges out unless asked (``project(..., derivatives=True)``), ``who_uses``
drops its rows likewise, and :func:`derivatives_of` lists a base's derivatives by relation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from lineage.combine import combine
from lineage.questions.answer import Answer, Field
from lineage.questions.evidence import EvidenceSummary, evidence_summaries
from lineage.vocab import Derivation, Predicate, Status, is_derivative

if TYPE_CHECKING:
    from lineage.catalog import Catalog
    from lineage.store import Store


class Derived(Answer):
    """One model derived from a base."""

    model: str = Field(description="The derivative's model id.")
    base: str = Field(description="The base model's id.")
    relation: str = Field(description="quantized, finetune, adapter, merge or distill.")
    organization: str | None = Field(default=None, description="The derivative's publisher.")
    status: Status = Field(description="Combined status of the derivedFrom claims.")
    evidence: list[EvidenceSummary] = Field(default_factory=list, description="Evidence, primary first.")


def links(claims: Iterable, organization: Callable[[str], str | None]) -> dict[str, list[Derived]]:
    """Derivative model -> its derivations, from ``derivedFrom`` claims (any others are ignored).

    Claims are grouped by (model, base, relation) and their statuses combined; a contradicted link
    makes nothing a derivative, nor does a link :func:`lineage.vocab.is_derivative` rejects (a lab's
    own instruction-tuned release, a catalog predecessor).
    """
    groups: dict[tuple[str, str, str], list] = defaultdict(list)
    for c in claims:
        if c.predicate is Predicate.DERIVED_FROM and c.object:
            groups[(c.subject, c.object, c.qualifiers.get("relation") or "")].append(c)
    out: dict[str, list[Derived]] = defaultdict(list)
    for (model, base, relation), group in sorted(groups.items()):
        status, _ = combine(group)
        org = organization(model)
        if status is Status.CONTRADICTED or not is_derivative(relation, org, organization(base)):
            continue
        out[model].append(Derived(model=model, base=base, relation=relation, organization=org, status=status,
                                  evidence=evidence_summaries(group)))
    return dict(out)


def _organization(catalog: Catalog) -> Callable[[str], str | None]:
    return lambda ident: getattr(catalog.entities.get(ident), "organization", None)


def copies(store: Store, catalog: Catalog, models: Iterable[str]) -> dict[str, list[Derived]]:
    """Which of ``models`` are derivatives (each looked up through the store's subject index)."""
    claims = [c for m in set(models) for c in store.claim_records(subject=m, predicate=Predicate.DERIVED_FROM)]
    return links(claims, _organization(catalog))


RELATION_ORDER = [d.value for d in Derivation]


def derivatives_of(store: Store, catalog: Catalog, base: str) -> dict[str, list[Derived]]:
    """``base``'s derivatives by relation (quantized, finetune, adapter, merge, distill), publisher then id within."""
    claims = store.claim_records(object=base, predicate=Predicate.DERIVED_FROM)
    found = [d for ds in links(claims, _organization(catalog)).values() for d in ds if d.base == base]
    out: dict[str, list[Derived]] = {}
    for relation in RELATION_ORDER:
        rows = sorted((d for d in found if d.relation == relation), key=lambda d: (d.organization or "~", d.model))
        if rows:
            out[relation] = rows
    return out
