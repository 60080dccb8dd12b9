"""How ideas flow between labs: per-lab credit, what a model inherited, mutual borrowing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from lineage.questions.answer import Answer, Field
from lineage.questions.evidence import EvidenceSummary
from lineage.questions.origin import Attribution, Introduction, attributions, introduction
from lineage.questions.status import (
    ANY,
    STATUS_RANK_BY_VALUE,
    at_least,
    edge_evidence,
    edges_of,
    organization_of,
    require_node,
    weakest,
)
from lineage.vocab import Status

if TYPE_CHECKING:
    import networkx as nx


class FlowItem(Answer):
    """One model's use of another organization's technique."""

    technique: str = Field(description="Technique id.")
    technique_name: str = Field(description="Technique name.")
    model: str = Field(description="Adopting model id.")
    released: str | None = Field(default=None, description="Its release month.")
    from_org: str | None = Field(default=None, description="Credited organization; None when no lab is credited.")
    to_org: str | None = Field(default=None, description="Adopting organization.")
    origin: str = Field(description="The technique's origin per the evidence, in one line.")
    use_status: Status = Field(description="Status of the model's use.")
    use_evidence: list[EvidenceSummary] = Field(description="Evidence for the use.")
    attribution: Attribution | None = Field(default=None, description="Why from_org is credited.")
    status: Status = Field(description="Weakest of the use and attribution statuses.")


class FlowPair(Answer):
    """Techniques flowing from one organization to another."""

    from_org: str = Field(description="Credited organization.")
    to_org: str = Field(description="Adopting organization.")
    min_status: Status = Field(default=ANY, description="Weakest status kept.")
    techniques: list[str] = Field(description="Distinct technique ids.")
    items: list[FlowItem] = Field(description="Each model's use, with evidence.")


class Flow(Answer):
    """Answer to ``lineage flow``: the organization x organization matrix of reused techniques."""

    min_status: Status = Field(description="Weakest status kept.")
    organizations: list[str] = Field(description="Organizations in the matrix.")
    matrix: dict[str, dict[str, int]] = Field(description="from -> to -> number of distinct techniques.")
    pairs: list[FlowPair] = Field(description="Non-empty cells, largest first.")
    unattributed: list[FlowItem] = Field(description="Uses of techniques no organization is credited with.")


class Inherited(Answer):
    """Answer to ``lineage inherited``."""

    model: str = Field(description="Model id.")
    organization: str | None = Field(default=None, description="Its organization.")
    min_status: Status = Field(description="Weakest status kept.")
    groups: dict[str, list[FlowItem]] = Field(description="Source organization -> techniques it is credited with.")
    unattributed: list[FlowItem] = Field(description="Techniques credited to people, not an organization.")
    own: list[str] = Field(description="Techniques its own organization introduced.")


class MutualPair(Answer):
    """Two organizations reusing each other's ideas."""

    a: str = Field(description="First organization.")
    b: str = Field(description="Second organization.")
    a_to_b: list[str] = Field(description="Techniques b took from a.")
    b_to_a: list[str] = Field(description="Techniques a took from b.")
    status: Status = Field(description="Weakest status on the strongest link each way.")


class Symbiosis(Answer):
    """Answer to ``lineage symbiosis``."""

    min_status: Status = Field(description="Weakest status kept.")
    pairs: list[MutualPair] = Field(description="Mutual pairs.")
    cycles: list[list[str]] = Field(description="Longer cycles of organizations (3 or 4), each reusing the next's ideas.")


def _flow_items(g: nx.MultiDiGraph, min_status: str | Status, models: Iterable[str] | None = None) -> list[FlowItem]:
    """Every (model, technique, credited organization) triple, statuses combined and filtered."""
    items = []
    intros: dict[str, Introduction] = {}
    pool = models if models is not None else (n for n, d in g.nodes(data=True) if d.get("kind") == "model")
    for model in pool:
        to_org = organization_of(g, model)
        for technique, d in edges_of(g, model, "uses"):
            if d["status"] == "contradicted" or technique not in g:
                continue
            intro = intros.setdefault(technique, introduction(g, technique))
            base = {
                "technique": technique,
                "technique_name": intro.name,
                "model": model,
                "released": g.nodes[model].get("released"),
                "to_org": to_org,
                "origin": intro.origin,
                "use_status": d["status"],
                "use_evidence": edge_evidence(d),
            }
            credited = attributions(g, technique, model)
            if not credited:
                if at_least(d["status"], min_status):
                    items.append(FlowItem(**base, status=Status(d["status"])))
                continue
            for a in credited:
                status = weakest(d["status"], a.status)
                if at_least(status, min_status):
                    items.append(FlowItem(**base, from_org=a.organization, attribution=a, status=Status(status)))
    return items


def inherited(g: nx.MultiDiGraph, model: str, min_status: str | Status = ANY) -> Inherited:
    """Techniques a model uses that another organization is credited with, grouped by that organization.

    Examples
    --------
    >>> r = inherited(example_graph(), "kimi-k2")
    >>> {org: [(i.technique, i.attribution.basis) for i in items] for org, items in r.groups.items()}
    {'deepseek': [('mla', 'cited'), ('mla', 'introduced')]}
    >>> r.own
    ['muonclip']

    DeepSeek-V4 cites Moonlight's report, not Muon's introducing paper: Moonshot is credited only
    as far as an article's claim goes, and not at all from primary sources.

    >>> [(org, i.technique, i.attribution.basis) for org, items in inherited(example_graph(), "deepseek-v4").groups.items()
    ...  for i in items]
    [('moonshot-ai', 'muon', 'claimed')]
    >>> inherited(example_graph(), "deepseek-v4", min_status="verified").groups
    {}
    """
    require_node(g, model, "model")
    org = organization_of(g, model)
    groups: dict[str, list[FlowItem]] = defaultdict(list)
    unattributed, own = [], set()
    for item in _flow_items(g, min_status, [model]):
        if item.from_org is None:
            unattributed.append(item)
        elif item.from_org == org:
            own.add(item.technique)
        else:
            groups[item.from_org].append(item)
    return Inherited(
        model=model,
        organization=org,
        min_status=Status(min_status),
        groups={k: sorted(v, key=lambda i: (i.technique, i.attribution.basis if i.attribution else "")) for k, v in sorted(groups.items())},
        unattributed=sorted(unattributed, key=lambda i: i.technique),
        own=sorted(own - {i.technique for items in groups.values() for i in items}),
    )


def flow(g: nx.MultiDiGraph, min_status: str | Status = ANY) -> Flow:
    """The organization x organization matrix: how many distinct techniques each took from each.

    Examples
    --------
    >>> f = flow(example_graph())
    >>> f.matrix["deepseek"]["moonshot-ai"], f.matrix["moonshot-ai"]["deepseek"]
    (1, 1)
    >>> [(p.from_org, p.to_org, i.technique, i.attribution.basis) for p in flow(example_graph(), "verified").pairs
    ...  for i in p.items]
    [('deepseek', 'moonshot-ai', 'mla', 'introduced'), ('deepseek', 'moonshot-ai', 'mla', 'cited')]
    """
    items = [i for i in _flow_items(g, min_status) if i.from_org != i.to_org]
    cells: dict[tuple[str, str], list[FlowItem]] = defaultdict(list)
    for i in items:
        if i.from_org is not None and i.to_org is not None:
            cells[(i.from_org, i.to_org)].append(i)
    orgs = sorted({o for pair in cells for o in pair})
    matrix = {a: dict.fromkeys(orgs, 0) for a in orgs}
    pairs = []
    for (a, b), its in cells.items():
        techniques = sorted({i.technique for i in its})
        matrix[a][b] = len(techniques)
        pairs.append(FlowPair(from_org=a, to_org=b, min_status=Status(min_status), techniques=techniques,
                              items=sorted(its, key=lambda i: (i.technique, i.released or "9999", i.model))))
    pairs.sort(key=lambda p: (-len(p.techniques), p.from_org, p.to_org))
    unattributed = sorted((i for i in items if i.from_org is None), key=lambda i: (i.technique, i.model))
    return Flow(min_status=Status(min_status), organizations=orgs, matrix=matrix, pairs=pairs, unattributed=unattributed)


def idea_flow(g: nx.MultiDiGraph, org_a: str, org_b: str, min_status: str | Status = ANY) -> FlowPair:
    """Techniques organization ``org_b`` took from ``org_a``, each use with its evidence and status.

    Examples
    --------
    >>> p = idea_flow(example_graph(), "deepseek", "moonshot-ai")
    >>> p.techniques, p.items[0].model, p.items[0].use_evidence[0].method.value
    (['mla'], 'kimi-k2', 'config')
    """
    for org in (org_a, org_b):
        require_node(g, org, "organization")
    models = [m for m, d in g.nodes(data=True) if d.get("kind") == "model" and organization_of(g, m) == org_b]
    items = [i for i in _flow_items(g, min_status, models) if i.from_org == org_a and i.to_org == org_b]
    items.sort(key=lambda i: (i.technique, i.released or "9999", i.model))
    return FlowPair(from_org=org_a, to_org=org_b, min_status=Status(min_status), techniques=sorted({i.technique for i in items}),
                    items=items)


def symbiosis(g: nx.MultiDiGraph, min_status: str | Status = ANY) -> Symbiosis:
    """Pairs (and 3- or 4-cycles) of organizations that reuse each other's ideas.

    Examples
    --------
    >>> s = symbiosis(example_graph())
    >>> [(p.a, p.b, p.a_to_b, p.b_to_a, p.status.value) for p in s.pairs]
    [('deepseek', 'moonshot-ai', ['mla'], ['muon'], 'reported')]
    """
    f = flow(g, min_status)
    best: dict[tuple[str, str], str] = {}
    for p in f.pairs:
        best[(p.from_org, p.to_org)] = min((i.status.value for i in p.items), key=STATUS_RANK_BY_VALUE.__getitem__)
    cells = {(p.from_org, p.to_org): p.techniques for p in f.pairs}
    pairs = []
    for (a, b), techniques in sorted(cells.items()):
        if a < b and (b, a) in cells:
            pairs.append(MutualPair(a=a, b=b, a_to_b=techniques, b_to_a=cells[(b, a)],
                                    status=Status(weakest(best[(a, b)], best[(b, a)]))))
    import networkx as nx

    org_graph = nx.DiGraph(list(cells))
    cycles = []
    for cycle in nx.simple_cycles(org_graph, length_bound=4):
        if len(cycle) > 2:
            i = cycle.index(min(cycle))
            cycles.append(cycle[i:] + cycle[:i])
    return Symbiosis(min_status=Status(min_status), pairs=pairs, cycles=sorted(cycles))
