"""Every candidate of an article's units: each unit shape's reader (:mod:`lineage.ingest.article_units`,
:mod:`lineage.ingest.article_shapes`) run over the units, then each candidate's role judged once."""

from __future__ import annotations

from lineage.ingest import article_shapes as shapes
from lineage.ingest.article_units import (
    Candidate,
    Mentions,
    adopted_in,
    item_candidates,
    judge,
    named_pairs,
    row_candidates,
)
from lineage.ingest.structure import Unit


def unit_candidates(units: list[Unit], resolver, title: str) -> list[Candidate]:
    """Every candidate of every unit (see the module docstring)."""
    m = Mentions(resolver)
    topic = m.models(title)[:1] or shapes.named_title(title, m)
    out: list[Candidate] = []
    for u in units:
        if u.kind == "row":
            out += row_candidates(u, m, topic)
        elif u.kind == "item":
            out += item_candidates(u, m, topic)
        if u.kind in ("item", "sentence"):
            out += named_pairs(u, m) + adopted_in(u, m, topic) + shapes.technique_members(u, m)
        if u.kind == "sentence":
            out += shapes.sized(u, m)
        if u.kind in ("item", "sentence"):
            out += shapes.defined(u, m) + shapes.open_sized(u, m) + shapes.apposed(u, m) + shapes.derived(u, m)
            out += shapes.size_list(u, m)
    for c in out:
        c.role = judge(c)
    return out
