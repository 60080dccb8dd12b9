"""``lineage explain``: a technique's card (origin, adopters, implementation, paper) and its demo.

Importing this module does not import torch; only ``run=True`` does, through the demo.
"""

from __future__ import annotations

from lineage.catalog import Catalog
from lineage.domain import EntityKind, Predicate, Status
from lineage.questions.answer import Answer, Field
from lineage.questions.who_uses import Origin, origin, who_uses
from lineage.store import Store
from lineage.techniques import IMPLEMENTATIONS, PAPERS, implementation_path, require_torch


class Explanation(Answer):
    """Answer to ``lineage explain``."""

    technique: str = Field(description="Technique id.")
    origin: Origin = Field(description="Who introduced it, when, in which paper (lineage origin).")
    adopters: list[str] = Field(description="Models with a verified or reported 'uses' claim, earliest first.")
    implementation: str | None = Field(default=None, description="Repository path of lineage's reference implementation.")
    papers: list[str] = Field(default_factory=list, description="arXiv ids or URLs the implementation follows.")
    measured: list[dict] = Field(default_factory=list, description="Measurement claims in the store about adopters.")
    demo: dict | None = Field(default=None, description="Numbers measured by running the demo (with run=True).")


def explain(store: Store, catalog: Catalog, technique: str, run: bool = False) -> Explanation:
    """The card for ``technique``; with ``run`` also run its demo (needs torch)."""
    if run:
        require_torch()  # fail before any work, with the install command
    card = origin(store, catalog, technique)
    tech = card.technique
    adopters = [r.model for r in who_uses(store, catalog, tech).rows if r.status in (Status.VERIFIED, Status.REPORTED)]
    module = IMPLEMENTATIONS.get(tech)
    measured = []
    if tech in ("mla", "kv-cache", "dsa", "gqa", "mqa", "mha", "sliding-window-attention"):
        for c in store.claims(predicate=Predicate.KV_BYTES_PER_TOKEN):
            if c.subject in adopters or tech == "kv-cache":
                measured.append({"model": c.subject, "kv_bytes_per_token": c.value, **c.qualifiers})
    demo = None
    if run:
        from lineage.demos import DEMOS  # deferred: the demos and the bridge load only with run=True

        fn = DEMOS.get(tech) or (DEMOS.get(module.replace("_", "-")) if module else None)
        if fn is not None:
            demo = fn().model_dump()
    return Explanation(
        technique=tech,
        origin=card,
        adopters=adopters,
        implementation=implementation_path(tech),
        papers=list(PAPERS.get(module, ())) if module else [],
        measured=measured,
        demo=demo,
    )


def implemented(catalog: Catalog) -> list[str]:
    """Technique ids that have a reference implementation (all of them catalog ids)."""
    ids = {t.id for t in catalog.of_kind(EntityKind.TECHNIQUE)}
    return [t for t in IMPLEMENTATIONS if t in ids]
