"""What each saved query must return, computed from the library functions (shared with tests/neo4j)."""

from __future__ import annotations

from lineage.questions.adoption import adopters, timeline
from lineage.questions.compare import compare
from lineage.questions.flow import flow, inherited
from lineage.questions.hardware import hardware
from lineage.questions.ideas import ancestry, descendants, family_changes, idea_links
from lineage.questions.route import path
from lineage.questions.status import at_least, edges_of
from lineage.questions.tree import descendants as tree_descendants
from lineage.questions.tree import graph_edges, most_derived, who_quantizes

CASES = {
    # query name -> list of parameter sets
    "who_uses": [{"technique": "mla"}, {"technique": "muon"}, {"technique": "mtp", "min_status": "contradicted"}],
    "ruled_out": [{"technique": "mtp"}, {"technique": "mla"}],
    "adopters": [{"technique": "mla"}, {"technique": "muon"}, {"technique": "moe", "min_status": "verified"}],
    "flow": [{}, {"min_status": "verified"}],
    "inherited": [{"model": "kimi-k2"}, {"model": "deepseek-v4-pro"}, {"model": "kimi-k2.6", "min_status": "verified"},
                  {"model": "qwen3-235b-a22b"}],
    "symbiosis": [{}, {"min_status": "verified"}],
    "timeline": [{"technique": "mla"}, {"technique": "muon", "min_status": "verified"}],
    "compare": [{"a": "deepseek-v3", "b": "kimi-k2"}, {"a": "kimi-k2.6", "b": "glm-5", "min_status": "verified"}],
    "path": [{"technique": "mla", "model": "kimi-k2.5"}, {"technique": "mla", "model": "deepseek-r1"}],
    "hardware": [{"device": "nvidia-h800"}, {"device": "huawei-ascend"}, {"device": "nvidia-h800", "min_status": "verified"}],
    "ancestry": [{"technique": "kda"}, {"technique": "mhc"}, {"technique": "deepseekmoe", "min_status": "verified"},
                 {"technique": "grpo", "min_status": "reported"}],
    "descendants": [{"technique": "muon"}, {"technique": "mla", "min_status": "verified"}, {"technique": "gated-deltanet"}],
    "family_changes": [{"older": "deepseek-v3.2", "newer": "deepseek-v4-flash"},
                       {"older": "kimi-k2", "newer": "kimi-k2.6", "min_status": "verified"}],
    # Cypher only (no .rq twin): the model tree
    "derivatives": [{"model": "deepseek-v3"}, {"model": "deepseek-v3.1", "relation": "quantized"},
                    {"model": "kimi-k2", "min_status": "verified"}],
    "most_derived": [{}, {"relation": "quantized"}],
    "who_quantizes": [{}, {"min_status": "verified"}],
}


def _tree_edges(g, tree, older: bool, ms) -> set[tuple]:
    """Every link of an ancestry/descendants tree's nodes one step further (and the root's contrasts), and its models."""
    rows, nodes = set(), [tree.root]
    while nodes:
        node = nodes.pop()
        nodes += node.children
        rows |= {(link.subject, link.relation, link.object, link.status.value)
                 for links in idea_links(g, node.technique, older, ms).values() for link in links}
        rows |= {(node.technique, "usedBy", m, d["status"]) for m, d in edges_of(g, node.technique, "uses", out=False)
                 if m in node.models}
    return rows | {(link.subject, link.relation, link.object, link.status.value) for link in tree.contrasts}


def expected(g, name: str, params: dict) -> set[tuple]:
    """The library's answer, as a set of rows comparable with :func:`actual`."""
    p = dict(params)
    ms = p.pop("min_status", "unverified")
    if name == "who_uses":
        return {(m, d["status"]) for m, d in edges_of(g, p["technique"], "uses", out=False)
                if d["status"] != "contradicted" and at_least(d["status"], ms)}
    if name == "ruled_out":
        return {(m, d["status"]) for m, d in edges_of(g, p["technique"], "uses", out=False) if d["status"] == "contradicted"}
    if name == "adopters":
        return {(u.model, u.released, u.status.value) for u in adopters(g, p["technique"], ms).rows}
    if name == "flow":
        return {(i.from_org, i.to_org, i.technique, i.model, i.attribution.basis, i.status.value)
                for pair in flow(g, ms).pairs for i in pair.items}
    if name == "inherited":
        r = inherited(g, p["model"], ms)
        return {(org, i.technique, i.attribution.basis, i.status.value)
                for org, items in r.groups.items() for i in items}
    if name == "symbiosis":
        cells: dict[tuple[str, str], set[str]] = {}
        for pair in flow(g, ms).pairs:
            techniques = {i.technique for i in pair.items}
            if techniques:
                cells[(pair.from_org, pair.to_org)] = techniques
        return {(a, b, len(t), len(cells[(b, a)])) for (a, b), t in cells.items() if a < b and (b, a) in cells}
    if name == "timeline":
        return {(e.date, e.event, e.organization if e.event == "introduced" else e.model, e.status.value)
                for e in timeline(g, p["technique"], ms).events if e.event == "adopted" or e.organization}
    if name == "compare":
        c = compare(g, p["a"], p["b"], ms)
        return {(m, r.key, s.status.value) for r in c.techniques for m, sides in ((p["a"], r.a), (p["b"], r.b))
                for s in sides}
    if name == "path":
        routes = path(g, p["technique"], p["model"], limit=50, cutoff=8).routes
        return {(n,) for r in routes if {h.relation for h in r.hops} == {"used by", "derived into"}
                for n in r.nodes[1:-1]}
    if name == "hardware":
        return {(r.model, r.predicate, r.device, r.status.value) for r in hardware(g, p["device"], ms).rows}
    if name in ("ancestry", "descendants"):
        question = ancestry if name == "ancestry" else descendants
        return _tree_edges(g, question(g, p["technique"], ms), name == "ancestry", ms)
    if name == "family_changes":
        c = family_changes(g, p["older"], p["newer"], ms)
        return {(r.technique, r.change, r.status.value, link) for r in (*c.kept, *c.added, *c.dropped)
                for link in [x.object for x in r.replaces] or [None]}
    if name == "derivatives":
        edges = graph_edges(g, ms)
        rel = p.get("relation", "any")
        tree = {d.model for d in tree_descendants(edges, p["model"], None if rel == "any" else rel)} | {p["model"]}
        return {(e.model, e.base, e.relation, e.status) for e in edges if e.model in tree and e.base in tree
                and e.model != p["model"] and rel in ("any", e.relation)}
    if name == "most_derived":
        rel = p.get("relation", "any")
        return {(d.base, d.derivatives) for d in most_derived(graph_edges(g, ms), None if rel == "any" else rel, None)}
    if name == "who_quantizes":
        return {(q.publisher, q.of, q.copies, q.bases) for q in who_quantizes(graph_edges(g, ms))}
    raise KeyError(name)


def actual(name: str, rows: list[dict]) -> set[tuple]:
    """Saved-query rows as a set of tuples in the order :func:`expected` uses."""
    cols = {
        "who_uses": ("model", "status"),
        "ruled_out": ("model", "status"),
        "adopters": ("model", "released", "status"),
        "flow": ("from_org", "to_org", "technique", "model", "basis", "status"),
        "inherited": ("from_org", "technique", "basis", "status"),
        "symbiosis": ("a", "b", "a_to_b", "b_to_a"),
        "timeline": ("date", "event", "who", "status"),
        "compare": ("model", "technique", "status"),
        "path": ("ancestor",),
        "hardware": ("model", "predicate", "on", "status"),
        "ancestry": ("subject", "relation", "object", "status"),
        "descendants": ("subject", "relation", "object", "status"),
        "family_changes": ("technique", "change", "status", "replaced"),
        "derivatives": ("model", "base", "relation", "status"),
        "most_derived": ("base", "derivatives"),
        "who_quantizes": ("publisher", "of", "copies", "bases"),
    }[name]
    return {tuple(r.get(c) for c in cols) for r in rows}
