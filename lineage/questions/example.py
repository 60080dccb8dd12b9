"""A small hand-made graph of the projection's shape, used by the questions' doctests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

    from lineage.questions.light_graph import LightGraph


def example_graph(light: bool = False) -> nx.MultiDiGraph | LightGraph:
    """A tiny hand-made graph, shaped like :func:`lineage.questions.projection.project`'s, for the examples.

    DeepSeek introduced MLA (2024-05, in its DeepSeek-V2 report) and used it in DeepSeek-V3; Kimi K2
    declares DeepSeek-V3's architecture, uses MLA citing the DeepSeek-V2 report, and uses Moonshot's
    MuonClip (a Muon variant).  Muon is credited to people; an article claims Moonshot introduced
    it.  Moonlight (Moonshot) used Muon first; DeepSeek-V4 uses Muon and cites Moonlight's report,
    which is not where Muon was introduced.

    Examples
    --------
    >>> g = example_graph()
    >>> g.number_of_nodes(), g.number_of_edges()
    (11, 16)

    With ``light``, the same graph as a :class:`~lineage.questions.light_graph.LightGraph`.
    """

    def ev(source, snippet, kind="primary", method="config"):
        return {"source": source, "source_kind": kind, "method": method, "locator": source.split(":")[-1],
                "snippet": snippet, "supports": True}

    def claim(u, v, predicate, status="verified", *evidence):
        g.add_edge(u, v, key=predicate, predicate=predicate, status=status, reason=f"{u} {predicate} {v}",
                   evidence=list(evidence) or [ev(f"catalog:{u}", f"{u} {predicate} {v}", method="curated")])

    g: Any
    if light:
        from lineage.questions.light_graph import LightGraph

        g = LightGraph()
    else:
        import networkx as nx

        g = nx.MultiDiGraph()
    for org in ("deepseek", "moonshot-ai"):
        g.add_node(org, kind="organization", label=org)
    g.add_node("mla", kind="technique", label="Multi-head Latent Attention", first_appeared="2024-05")
    g.add_node("muon", kind="technique", label="Muon", first_appeared="2024-10",
               inventors=["Keller Jordan", "Jeremy Bernstein"])
    g.add_node("muonclip", kind="technique", label="MuonClip", first_appeared="2025-07")
    g.add_node("moonlight-report", kind="paper", label="Muon is Scalable for LLM Training")
    g.add_node("deepseek-v2-report", kind="paper", label="DeepSeek-V2 report")
    arch: dict[str, object] = {"value": "DeepseekV3ForCausalLM", "unit": None, "qualifiers": {}, "status": "verified", "reason": "config"}
    for m, org, released in (("deepseek-v3", "deepseek", "2024-12"), ("moonlight", "moonshot-ai", "2025-02"),
                             ("kimi-k2", "moonshot-ai", "2025-07"), ("deepseek-v4", "deepseek", "2026-04")):
        g.add_node(m, kind="model", label=m, organization=org, released=released)
        claim(m, org, "developedBy")
    g.nodes["moonlight"]["report"] = "moonlight-report"
    for m in ("deepseek-v3", "kimi-k2"):
        g.nodes[m]["facts"] = {"architecture": [dict(arch, evidence=[ev(f"config:{m}", "architectures")])]}
    claim("mla", "deepseek", "introducedBy")
    claim("mla", "deepseek-v2-report", "introducedIn")
    claim("muonclip", "moonshot-ai", "introducedBy")
    claim("muonclip", "muon", "variantOf", "curated")
    claim("muon", "moonshot-ai", "introducedBy", "reported", ev("article:blog", "Moonshot's Muon", "secondary", "text"))
    claim("deepseek-v3", "mla", "uses", "verified", ev("config:deepseek-v3", "kv_lora_rank = 512"))
    claim("kimi-k2", "mla", "uses", "verified", ev("config:kimi-k2", "kv_lora_rank = 512"))
    claim("kimi-k2", "muonclip", "uses", "verified", ev("report:kimi-k2", "we use MuonClip", method="text"))
    claim("moonlight", "muon", "uses", "verified", ev("report:moonlight", "we train with Muon", method="text"))
    claim("deepseek-v4", "muon", "uses", "verified", ev("report:deepseek-v4", "we adopt Muon", method="text"))
    claim("deepseek-v4", "moonlight-report", "cites", "verified", ev("report:deepseek-v4", "[12]", method="citation"))
    claim("kimi-k2", "deepseek-v2-report", "cites", "verified", ev("report:kimi-k2", "[7]", method="citation"))
    return g
