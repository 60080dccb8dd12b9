"""Two models side by side: facts and techniques with status and evidence.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Literal

from lineage.questions.answer import Answer, Field
from lineage.questions.evidence import EvidenceSummary
from lineage.questions.status import ANY, at_least, edge_evidence, edges_of, organization_of, require_node
from lineage.vocab import Status

if TYPE_CHECKING:
    import networkx as nx


class Side(Answer):
    """One model's value for a compared row."""

    value: str | None = Field(default=None, description="Value (for facts) or technique id.")
    status: Status = Field(description="Status.")
    evidence: list[EvidenceSummary] = Field(default_factory=list, description="Evidence.")


class CompareRow(Answer):
    """One architecture fact or technique, side by side."""

    key: str = Field(description="Fact predicate (architecture, layers …) or technique id.")
    kind: Literal["fact", "technique"] = Field(description="Which sort of row.")
    a: list[Side] = Field(description="Model a's values.")
    b: list[Side] = Field(description="Model b's values.")
    same: bool = Field(description="Both sides have the same set of values.")


class Comparison(Answer):
    """Answer to ``lineage compare``."""

    a: str = Field(description="First model id.")
    b: str = Field(description="Second model id.")
    min_status: Status = Field(description="Weakest status kept.")
    info: dict[str, dict[str, str | None]] = Field(description="model -> organization, released, family.")
    facts: list[CompareRow] = Field(description="Architecture and size facts.")
    techniques: list[CompareRow] = Field(description="Techniques, shared first.")
    shared: list[str] = Field(description="Techniques both use.")
    only_a: list[str] = Field(description="Techniques only a uses.")
    only_b: list[str] = Field(description="Techniques only b uses.")


COMPARED_FACTS = ("architecture", "modelType", "totalParameters", "activeParameters", "layers", "routedExperts",
                  "sharedExperts", "expertsPerToken", "contextLength")


def compare(g: nx.MultiDiGraph, model_a: str, model_b: str, min_status: str | Status = ANY) -> Comparison:
    """Two models side by side: architecture and size facts, then techniques, each with evidence.

    Examples
    --------
    >>> c = compare(example_graph(), "deepseek-v3", "kimi-k2")
    >>> c.shared, c.only_b
    (['mla'], ['muonclip'])
    >>> [(r.key, r.same) for r in c.facts]
    [('architecture', True)]
    """
    for m in (model_a, model_b):
        require_node(g, m, "model")

    def facts(m):
        out: dict[str, list[Side]] = defaultdict(list)
        for pred, values in g.nodes[m].get("facts", {}).items():
            for f in values:
                if f["status"] != "contradicted" and at_least(f["status"], min_status):
                    out[pred].append(Side(value=str(f["value"]), status=Status(f["status"]), evidence=edge_evidence(f)))
        return out

    def techniques(m):
        return {
            t: Side(value=t, status=Status(d["status"]), evidence=edge_evidence(d))
            for t, d in edges_of(g, m, "uses")
            if d["status"] != "contradicted" and at_least(d["status"], min_status)
        }

    fa, fb = facts(model_a), facts(model_b)
    fact_rows = [
        CompareRow(key=p, kind="fact", a=fa.get(p, []), b=fb.get(p, []),
                   same={s.value for s in fa.get(p, [])} == {s.value for s in fb.get(p, [])})
        for p in COMPARED_FACTS
        if p in fa or p in fb
    ]
    ta, tb = techniques(model_a), techniques(model_b)
    shared, only_a, only_b = sorted(ta.keys() & tb.keys()), sorted(ta.keys() - tb.keys()), sorted(tb.keys() - ta.keys())
    tech_rows = [
        CompareRow(key=t, kind="technique", a=[ta[t]] if t in ta else [], b=[tb[t]] if t in tb else [],
                   same=t in ta and t in tb)
        for t in shared + only_a + only_b
    ]
    info = {
        m: {"organization": organization_of(g, m), "released": g.nodes[m].get("released"),
            "family": g.nodes[m].get("family")}
        for m in (model_a, model_b)
    }
    return Comparison(a=model_a, b=model_b, min_status=Status(min_status), info=info, facts=fact_rows,
                      techniques=tech_rows, shared=shared, only_a=only_a, only_b=only_b)
