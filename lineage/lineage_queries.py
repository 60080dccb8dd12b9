"""Who reused whose idea: lineage questions answered on the networkx projection.

Graph first, one function per question, in the style of networkx: every function takes the
graph built by :func:`lineage.graph.project` (or any graph of the same shape, such as
:func:`example_graph`) and returns a pydantic answer the CLI renders or prints as ``--json``.

Every row carries the status of the claims behind it, and every function takes
``min_status``: a row survives when its status ranks at or above it in
:data:`lineage.models.STATUS_RANK` (``verified`` keeps only what a primary source states).
A row built from several claims (a model's use of a technique *and* the attribution of that
technique to a lab) has the weakest of their statuses.  Uses that a primary source
contradicts are never counted as adoption; answers list them apart.

Attribution follows the evidence.  A technique's introducing organization is an
``introducedBy`` claim from the curated catalog or a primary source (basis ``introduced``);
techniques credited to people rather than a lab (Muon: Keller Jordan, Jeremy Bernstein) have
no introducing organization.  An ``introducedBy`` claim that only secondary sources make
(an article) is kept apart as basis ``claimed``, with its status.  A model whose report cites
another lab's report, whose model used the technique earlier, credits that lab on basis
``cited`` (DeepSeek-V4 citing Moonlight for Muon), again with the weakest status involved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import pairwise
from typing import Literal

import networkx as nx
from pydantic import BaseModel, Field

from lineage.errors import UnknownEntity
from lineage.models import STATUS_RANK, Status
from lineage.queries import EvidenceSummary

_RANK = {s.value: r for s, r in STATUS_RANK.items()} | {"curated": 0}
ANY = Status.UNVERIFIED
"""The default ``min_status``: keep every row, each showing its status."""


# --------------------------------------------------------------------------- status helpers


def at_least(status: str | Status, min_status: str | Status = ANY) -> bool:
    """Whether ``status`` is at least as strong as ``min_status``.

    Examples
    --------
    >>> at_least("verified", "reported"), at_least("reported", "verified")
    (True, False)
    """
    return _RANK[Status(status).value if status != "curated" else status] <= _RANK[Status(min_status).value]


def weakest(*statuses: str | Status) -> str:
    """The weakest of several statuses (what a conclusion drawn from all of them is worth).

    Examples
    --------
    >>> weakest("verified", "reported")
    'reported'
    """
    values = [getattr(s, "value", s) for s in statuses]
    return max(values, key=_RANK.__getitem__)


def _evidence(data: dict) -> list[EvidenceSummary]:
    seen, out = set(), []
    for ev in sorted(data.get("evidence", []), key=lambda e: e["source_kind"] != "primary"):
        key = (ev["source"], ev["locator"])
        if key not in seen:
            seen.add(key)
            out.append(EvidenceSummary(**{k: ev[k] for k in EvidenceSummary.model_fields}))
    return out


def _edges(g: nx.MultiDiGraph, node: str, predicate: str, out: bool = True) -> Iterable[tuple[str, dict]]:
    """(other end, edge data) for ``predicate`` edges leaving (or entering) ``node``."""
    if node not in g:
        return []
    edges = g.out_edges(node, keys=True, data=True) if out else g.in_edges(node, keys=True, data=True)
    return [(v if out else u, d) for u, v, k, d in edges if k == predicate]


def _require(g: nx.MultiDiGraph, ident: str, kind: str | tuple[str, ...]) -> dict:
    kinds = (kind,) if isinstance(kind, str) else kind
    if ident not in g or g.nodes[ident].get("kind") not in kinds:
        import difflib

        pool = [n for n, d in g.nodes(data=True) if d.get("kind") in kinds]
        listing = {"model": "models", "technique": "techniques"}.get(kinds[0])
        raise UnknownEntity(" or ".join(kinds), ident, difflib.get_close_matches(ident, pool, n=3, cutoff=0.6), listing)
    return g.nodes[ident]


def _label(g: nx.MultiDiGraph, node: str | None) -> str:
    return g.nodes[node].get("label", node) if node in g else str(node)


def months_between(start: str | None, end: str | None) -> int | None:
    """Whole months from ``start`` to ``end`` (YYYY-MM[-DD]); ``None`` when either lacks a month.

    Examples
    --------
    >>> months_between("2024-05", "2025-07")
    14
    >>> months_between("2024", "2025-07") is None
    True
    """
    if not start or not end or len(start) < 7 or len(end) < 7:
        return None
    (y1, m1), (y2, m2) = (map(int, start[:7].split("-")), map(int, end[:7].split("-")))
    return (y2 - y1) * 12 + (m2 - m1)


# --------------------------------------------------------------------------- answer models


class Attribution(BaseModel):
    """Why an organization is credited with a technique, and how well that is backed."""

    organization: str = Field(description="Organization id credited.")
    basis: Literal["introduced", "claimed", "cited"] = Field(
        description="introduced: catalog or primary introducedBy claim; claimed: only secondary sources say so; "
        "cited: the adopter's report cites this organization's earlier report whose model used it."
    )
    status: Status = Field(description="Weakest status of the claims behind the attribution.")
    reason: str = Field(description="Why the status is what it is.")
    via: str | None = Field(None, description="For 'cited': the cited paper id.")
    evidence: list[EvidenceSummary] = Field(default_factory=list, description="Evidence, primary first.")


class Introduction(BaseModel):
    """Where a technique came from, per the evidence."""

    technique: str = Field(description="Technique id.")
    name: str = Field(description="Technique name.")
    first_appeared: str | None = Field(None, description="First public appearance (catalog).")
    paper: str | None = Field(None, description="Introducing paper id.")
    organizations: list[Attribution] = Field(default_factory=list, description="Introducing organizations.")
    inventors: list[str] = Field(default_factory=list, description="People credited when no lab is.")
    claimed: list[Attribution] = Field(
        default_factory=list, description="Attributions only secondary sources make (not counted as the origin)."
    )

    @property
    def origin(self) -> str:
        """One line: the introducing organizations, or the people credited."""
        if self.organizations:
            return ", ".join(f"{a.organization} [{a.status.value}]" for a in self.organizations)
        if self.inventors:
            return ", ".join(self.inventors) + " (people, no organization)"
        return "no introducing record"


class Use(BaseModel):
    """One model's use of a technique."""

    model: str = Field(description="Model id.")
    name: str = Field(description="Model name.")
    organization: str | None = Field(None, description="Publisher organization id (developedBy claim).")
    released: str | None = Field(None, description="Release month.")
    technique: str = Field(description="Technique id the evidence names.")
    status: Status = Field(description="Combined status of the uses claims.")
    reason: str = Field(description="Why.")
    lag_months: int | None = Field(None, description="Months from the technique's first appearance to this release.")
    evidence: list[EvidenceSummary] = Field(default_factory=list, description="Evidence, primary first.")


class OrgAdoption(BaseModel):
    """An organization's first adoption of a technique."""

    organization: str = Field(description="Organization id.")
    first_model: str = Field(description="Its earliest-released adopting model.")
    first_released: str | None = Field(None, description="That model's release month.")
    lag_months: int | None = Field(None, description="Months after the technique's first appearance.")
    models: list[str] = Field(description="All its adopting models.")


class Adopters(BaseModel):
    """Answer to ``lineage adopters``."""

    technique: str = Field(description="Technique id.")
    name: str = Field(description="Technique name.")
    min_status: Status = Field(description="Weakest status kept.")
    introduction: Introduction = Field(description="Origin of the technique.")
    first_adoption: str | None = Field(None, description="Release month of the earliest adopting model.")
    first_adopter: str | None = Field(None, description="Earliest adopting model.")
    rows: list[Use] = Field(description="Adopting models, earliest first.")
    by_organization: list[OrgAdoption] = Field(description="Each organization's first adoption, earliest first.")
    contradicted: list[str] = Field(default_factory=list, description="Models a primary source says do not use it.")


class FlowItem(BaseModel):
    """One model's use of another organization's technique."""

    technique: str = Field(description="Technique id.")
    technique_name: str = Field(description="Technique name.")
    model: str = Field(description="Adopting model id.")
    released: str | None = Field(None, description="Its release month.")
    from_org: str | None = Field(None, description="Credited organization; None when no lab is credited.")
    to_org: str | None = Field(None, description="Adopting organization.")
    origin: str = Field(description="The technique's origin per the evidence, in one line.")
    use_status: Status = Field(description="Status of the model's use.")
    use_evidence: list[EvidenceSummary] = Field(description="Evidence for the use.")
    attribution: Attribution | None = Field(None, description="Why from_org is credited.")
    status: Status = Field(description="Weakest of the use and attribution statuses.")


class FlowPair(BaseModel):
    """Techniques flowing from one organization to another."""

    from_org: str = Field(description="Credited organization.")
    to_org: str = Field(description="Adopting organization.")
    min_status: Status = Field(ANY, description="Weakest status kept.")
    techniques: list[str] = Field(description="Distinct technique ids.")
    items: list[FlowItem] = Field(description="Each model's use, with evidence.")


class Flow(BaseModel):
    """Answer to ``lineage flow``: the organization x organization matrix of reused techniques."""

    min_status: Status = Field(description="Weakest status kept.")
    organizations: list[str] = Field(description="Organizations in the matrix.")
    matrix: dict[str, dict[str, int]] = Field(description="from -> to -> number of distinct techniques.")
    pairs: list[FlowPair] = Field(description="Non-empty cells, largest first.")
    unattributed: list[FlowItem] = Field(description="Uses of techniques no organization is credited with.")


class Inherited(BaseModel):
    """Answer to ``lineage inherited``."""

    model: str = Field(description="Model id.")
    organization: str | None = Field(None, description="Its organization.")
    min_status: Status = Field(description="Weakest status kept.")
    groups: dict[str, list[FlowItem]] = Field(description="Source organization -> techniques it is credited with.")
    unattributed: list[FlowItem] = Field(description="Techniques credited to people, not an organization.")
    own: list[str] = Field(description="Techniques its own organization introduced.")


class MutualPair(BaseModel):
    """Two organizations reusing each other's ideas."""

    a: str = Field(description="First organization.")
    b: str = Field(description="Second organization.")
    a_to_b: list[str] = Field(description="Techniques b took from a.")
    b_to_a: list[str] = Field(description="Techniques a took from b.")
    status: Status = Field(description="Weakest status on the strongest link each way.")


class Symbiosis(BaseModel):
    """Answer to ``lineage symbiosis``."""

    min_status: Status = Field(description="Weakest status kept.")
    pairs: list[MutualPair] = Field(description="Mutual pairs.")
    cycles: list[list[str]] = Field(description="Longer cycles of organizations (3 or 4), each reusing the next's ideas.")


class TimelineEvent(BaseModel):
    """One dated step in a technique's history."""

    date: str | None = Field(None, description="YYYY-MM[-DD], None when unknown.")
    event: Literal["introduced", "adopted"] = Field(description="What happened.")
    technique: str = Field(description="Technique id (the asked one or a variant).")
    model: str | None = Field(None, description="Adopting model.")
    organization: str | None = Field(None, description="Introducing or adopting organization.")
    status: Status = Field(description="Status of the claim behind the event.")
    lag_months: int | None = Field(None, description="Months after first appearance.")
    evidence: list[EvidenceSummary] = Field(default_factory=list, description="Evidence.")


class Timeline(BaseModel):
    """Answer to ``lineage timeline``."""

    technique: str = Field(description="Technique id.")
    name: str = Field(description="Technique name.")
    min_status: Status = Field(description="Weakest status kept.")
    introduction: Introduction = Field(description="Origin.")
    events: list[TimelineEvent] = Field(description="Introduction, then adoptions in date order.")


class Hop(BaseModel):
    """One step on a route an idea took."""

    source: str = Field(description="Node id the step starts from.")
    target: str = Field(description="Node id it reaches.")
    relation: str = Field(description="used by, introduced in, cited by, report of, described in, derived into, "
                                      "architecture reused by, extended as.")
    status: str = Field(description="Status of the claim behind the step ('curated' for catalog facts).")
    detail: str = Field("", description="What the step rests on (architecture class, reason).")
    evidence: list[EvidenceSummary] = Field(default_factory=list, description="Evidence.")


class Route(BaseModel):
    """A chain of steps from the source to the model."""

    nodes: list[str] = Field(description="Node ids along the route.")
    hops: list[Hop] = Field(description="Steps.")
    status: str = Field(description="Weakest status along the route.")


class PathAnswer(BaseModel):
    """Answer to ``lineage path``."""

    source: str = Field(description="Technique or model id the idea starts from.")
    target: str = Field(description="Model id it reached.")
    min_status: Status = Field(description="Weakest status kept on every step.")
    routes: list[Route] = Field(description="Routes, shortest and best-backed first.")


class Side(BaseModel):
    """One model's value for a compared row."""

    value: str | None = Field(None, description="Value (for facts) or technique id.")
    status: Status = Field(description="Status.")
    evidence: list[EvidenceSummary] = Field(default_factory=list, description="Evidence.")


class CompareRow(BaseModel):
    """One architecture fact or technique, side by side."""

    key: str = Field(description="Fact predicate (architecture, layers …) or technique id.")
    kind: Literal["fact", "technique"] = Field(description="Which sort of row.")
    a: list[Side] = Field(description="Model a's values.")
    b: list[Side] = Field(description="Model b's values.")
    same: bool = Field(description="Both sides have the same set of values.")


class Comparison(BaseModel):
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


# --------------------------------------------------------------------------- building blocks


def organization_of(g: nx.MultiDiGraph, model: str) -> str | None:
    """The publisher of a model: its best-backed ``developedBy`` claim, else the catalog's.

    Examples
    --------
    >>> organization_of(example_graph(), "kimi-k2")
    'moonshot-ai'
    """
    claims = sorted(_edges(g, model, "developedBy"), key=lambda od: _RANK.get(od[1]["status"], 9))
    claims = [(o, d) for o, d in claims if d["status"] != "contradicted"]
    return claims[0][0] if claims else g.nodes[model].get("organization") if model in g else None


def introduction(g: nx.MultiDiGraph, technique: str) -> Introduction:
    """Who introduced a technique, per the catalog and primary sources; secondary-only claims apart.

    Examples
    --------
    >>> g = example_graph()
    >>> introduction(g, "mla").origin
    'deepseek [verified]'
    >>> intro = introduction(g, "muon")
    >>> intro.origin
    'Keller Jordan, Jeremy Bernstein (people, no organization)'
    >>> [(a.organization, a.basis, a.status.value) for a in intro.claimed]
    [('moonshot-ai', 'claimed', 'reported')]
    """
    data = _require(g, technique, "technique")
    orgs, claimed = [], []
    for org, d in _edges(g, technique, "introducedBy"):
        if d["status"] == "contradicted":
            continue
        curated = any(ev["source"].startswith("catalog:") for ev in d.get("evidence", []))
        primary = d["status"] in ("verified", "disputed")
        basis = "introduced" if curated or primary else "claimed"
        (orgs if basis == "introduced" else claimed).append(
            Attribution(organization=org, basis=basis, status=d["status"], reason=d["reason"], evidence=_evidence(d))
        )
    papers = [p for p, d in _edges(g, technique, "introducedIn") if d["status"] != "contradicted"]
    return Introduction(
        technique=technique,
        name=data.get("label", technique),
        first_appeared=data.get("first_appeared"),
        paper=papers[0] if papers else data.get("introduced_in"),
        organizations=sorted(orgs, key=lambda a: a.organization),
        inventors=list(data.get("inventors", [])),
        claimed=sorted(claimed, key=lambda a: a.organization),
    )


def uses(g: nx.MultiDiGraph, technique: str, min_status: str | Status = ANY) -> list[Use]:
    """Models whose ``uses`` claim for ``technique`` passes ``min_status`` (contradicted ones never).

    Examples
    --------
    >>> [(u.model, u.lag_months) for u in uses(example_graph(), "mla")]
    [('deepseek-v3', 7), ('kimi-k2', 14)]
    """
    first = g.nodes[technique].get("first_appeared") if technique in g else None
    out = []
    for model, d in _edges(g, technique, "uses", out=False):
        if d["status"] == "contradicted" or not at_least(d["status"], min_status):
            continue
        released = g.nodes[model].get("released")
        out.append(
            Use(
                model=model,
                name=_label(g, model),
                organization=organization_of(g, model),
                released=released,
                technique=technique,
                status=d["status"],
                reason=d["reason"],
                lag_months=months_between(first, released),
                evidence=_evidence(d),
            )
        )
    return sorted(out, key=lambda u: (u.released or "9999", u.model))


def _variants(g: nx.MultiDiGraph, technique: str) -> list[str]:
    """Techniques that are variants of ``technique``, transitively (``variantOf`` edges)."""
    seen, frontier = [], [technique]
    while frontier:
        t = frontier.pop()
        for v, _ in _edges(g, t, "variantOf", out=False):
            if v not in seen and v != technique:
                seen.append(v)
                frontier.append(v)
    return seen


def _cited_papers(g: nx.MultiDiGraph, model: str) -> dict[str, dict]:
    """Papers a model cites, directly or through its own report: paper -> the best-backed cites edge's data."""
    out: dict[str, dict] = {}
    citers = [model] + ([g.nodes[model]["report"]] if g.nodes[model].get("report") else [])
    for citer in citers:
        for paper, d in _edges(g, citer, "cites"):
            if d["status"] != "contradicted" and (paper not in out or _RANK[d["status"]] < _RANK[out[paper]["status"]]):
                out[paper] = d
    return out


def attributions(g: nx.MultiDiGraph, technique: str, model: str) -> list[Attribution]:
    """Every organization a model's use of ``technique`` can be credited to, with the basis and status.

    ``introduced`` and ``claimed`` come from :func:`introduction`; ``cited`` when the model (or
    its report) cites the report of another organization's model that used the technique earlier.

    Examples
    --------
    >>> [(a.organization, a.basis, a.via, a.status.value) for a in attributions(example_graph(), "muon", "deepseek-v4")]
    [('moonshot-ai', 'claimed', None, 'reported'), ('moonshot-ai', 'cited', 'moonlight-report', 'verified')]
    """
    intro = introduction(g, technique)
    out = list(intro.organizations) + list(intro.claimed)
    released = g.nodes[model].get("released") or "9999"
    own = organization_of(g, model)
    for paper, cite in _cited_papers(g, model).items():
        for earlier, rep in ((m, d) for m, d in g.nodes(data=True) if d.get("report") == paper):
            if earlier == model or (d_rel := rep.get("released") or "9999") >= released:
                continue
            use = next((d for t, d in _edges(g, earlier, "uses") if t == technique), None)
            org = organization_of(g, earlier)
            if use is None or use["status"] == "contradicted" or org in (None, own):
                continue
            out.append(
                Attribution(
                    organization=org,
                    basis="cited",
                    via=paper,
                    status=weakest(cite["status"], use["status"]),
                    reason=f"{model} cites {paper}, the report of {earlier} ({d_rel}), which uses {technique}",
                    evidence=_evidence(cite) + _evidence(use),
                )
            )
    return out


def _flow_items(g: nx.MultiDiGraph, min_status: str | Status, models: Iterable[str] | None = None) -> list[FlowItem]:
    """Every (model, technique, credited organization) triple, statuses combined and filtered."""
    items = []
    intros: dict[str, Introduction] = {}
    pool = models if models is not None else (n for n, d in g.nodes(data=True) if d.get("kind") == "model")
    for model in pool:
        to_org = organization_of(g, model)
        for technique, d in _edges(g, model, "uses"):
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
                "use_evidence": _evidence(d),
            }
            credited = attributions(g, technique, model)
            if not credited:
                if at_least(d["status"], min_status):
                    items.append(FlowItem(**base, status=d["status"]))
                continue
            for a in credited:
                status = weakest(d["status"], a.status)
                if at_least(status, min_status):
                    items.append(FlowItem(**base, from_org=a.organization, attribution=a, status=status))
    return items


# --------------------------------------------------------------------------- the questions


def adopters(g: nx.MultiDiGraph, technique: str, min_status: str | Status = ANY, variants: bool = False) -> Adopters:
    """Models using a technique, the first adoption and each organization's lag after first appearance.

    Parameters
    ----------
    g : MultiDiGraph
        The projection (:func:`lineage.graph.project`).
    technique : str
        Technique id.
    min_status : Status, optional
        Weakest claim status kept (default: all, each row showing its status).
    variants : bool, optional
        Also count variants of the technique (``variantOf``, transitively).

    Examples
    --------
    >>> a = adopters(example_graph(), "mla")
    >>> a.first_adopter, a.first_adoption
    ('deepseek-v3', '2024-12')
    >>> [(o.organization, o.first_model, o.lag_months) for o in a.by_organization]
    [('deepseek', 'deepseek-v3', 7), ('moonshot-ai', 'kimi-k2', 14)]
    >>> [u.model for u in adopters(example_graph(), "muon", variants=True).rows]
    ['moonlight', 'kimi-k2', 'deepseek-v4']
    """
    data = _require(g, technique, "technique")
    wanted = [technique] + (_variants(g, technique) if variants else [])
    rows = []
    for t in wanted:
        for u in uses(g, t, min_status):
            u.lag_months = months_between(data.get("first_appeared"), u.released)
            rows.append(u)
    rows.sort(key=lambda u: (u.released or "9999", u.model))
    by_org: dict[str, list[Use]] = defaultdict(list)
    for u in rows:
        by_org[u.organization or "unknown"].append(u)
    orgs = [
        OrgAdoption(
            organization=org,
            first_model=us[0].model,
            first_released=us[0].released,
            lag_months=us[0].lag_months,
            models=list(dict.fromkeys(u.model for u in us)),
        )
        for org, us in by_org.items()
    ]
    dated = [u for u in rows if u.released]
    contradicted = sorted(m for t in wanted for m, d in _edges(g, t, "uses", out=False) if d["status"] == "contradicted")
    return Adopters(
        technique=technique,
        name=data.get("label", technique),
        min_status=min_status,
        introduction=introduction(g, technique),
        first_adoption=dated[0].released if dated else None,
        first_adopter=dated[0].model if dated else None,
        rows=rows,
        by_organization=sorted(orgs, key=lambda o: (o.first_released or "9999", o.organization)),
        contradicted=contradicted,
    )


def inherited(g: nx.MultiDiGraph, model: str, min_status: str | Status = ANY) -> Inherited:
    """Techniques a model uses that another organization is credited with, grouped by that organization.

    Examples
    --------
    >>> r = inherited(example_graph(), "kimi-k2")
    >>> {org: [i.technique for i in items] for org, items in r.groups.items()}
    {'deepseek': ['mla']}
    >>> r.own
    ['muonclip']
    >>> r = inherited(example_graph(), "deepseek-v4", min_status="verified")
    >>> [(org, i.technique, i.attribution.basis) for org, items in r.groups.items() for i in items]
    [('moonshot-ai', 'muon', 'cited')]
    """
    _require(g, model, "model")
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
        min_status=min_status,
        groups={k: sorted(v, key=lambda i: (i.technique, i.attribution.basis)) for k, v in sorted(groups.items())},
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
    >>> flow(example_graph(), min_status="verified").pairs[1].items[0].attribution.basis
    'cited'
    """
    items = [i for i in _flow_items(g, min_status) if i.from_org != i.to_org]
    cells: dict[tuple[str, str], list[FlowItem]] = defaultdict(list)
    for i in items:
        if i.from_org is not None and i.to_org is not None:
            cells[(i.from_org, i.to_org)].append(i)
    orgs = sorted({o for pair in cells for o in pair})
    matrix = {a: {b: 0 for b in orgs} for a in orgs}
    pairs = []
    for (a, b), its in cells.items():
        techniques = sorted({i.technique for i in its})
        matrix[a][b] = len(techniques)
        pairs.append(FlowPair(from_org=a, to_org=b, min_status=min_status, techniques=techniques,
                              items=sorted(its, key=lambda i: (i.technique, i.released or "9999", i.model))))
    pairs.sort(key=lambda p: (-len(p.techniques), p.from_org, p.to_org))
    unattributed = sorted((i for i in items if i.from_org is None), key=lambda i: (i.technique, i.model))
    return Flow(min_status=min_status, organizations=orgs, matrix=matrix, pairs=pairs, unattributed=unattributed)


def idea_flow(g: nx.MultiDiGraph, org_a: str, org_b: str, min_status: str | Status = ANY) -> FlowPair:
    """Techniques organization ``org_b`` took from ``org_a``, each use with its evidence and status.

    Examples
    --------
    >>> p = idea_flow(example_graph(), "deepseek", "moonshot-ai")
    >>> p.techniques, p.items[0].model, p.items[0].use_evidence[0].method.value
    (['mla'], 'kimi-k2', 'config')
    """
    for org in (org_a, org_b):
        _require(g, org, "organization")
    models = [m for m, d in g.nodes(data=True) if d.get("kind") == "model" and organization_of(g, m) == org_b]
    items = [i for i in _flow_items(g, min_status, models) if i.from_org == org_a and i.to_org == org_b]
    items.sort(key=lambda i: (i.technique, i.released or "9999", i.model))
    return FlowPair(from_org=org_a, to_org=org_b, min_status=min_status, techniques=sorted({i.technique for i in items}),
                    items=items)


def symbiosis(g: nx.MultiDiGraph, min_status: str | Status = ANY) -> Symbiosis:
    """Pairs (and 3- or 4-cycles) of organizations that reuse each other's ideas.

    Examples
    --------
    >>> s = symbiosis(example_graph())
    >>> [(p.a, p.b, p.a_to_b, p.b_to_a, p.status.value) for p in s.pairs]
    [('deepseek', 'moonshot-ai', ['mla'], ['muon'], 'verified')]
    """
    f = flow(g, min_status)
    best: dict[tuple[str, str], str] = {}
    for p in f.pairs:
        best[(p.from_org, p.to_org)] = min((i.status.value for i in p.items), key=_RANK.__getitem__)
    cells = {(p.from_org, p.to_org): p.techniques for p in f.pairs}
    pairs = []
    for (a, b), techniques in sorted(cells.items()):
        if a < b and (b, a) in cells:
            pairs.append(MutualPair(a=a, b=b, a_to_b=techniques, b_to_a=cells[(b, a)],
                                    status=weakest(best[(a, b)], best[(b, a)])))
    org_graph = nx.DiGraph(list(cells))
    cycles = []
    for cycle in nx.simple_cycles(org_graph, length_bound=4):
        if len(cycle) > 2:
            i = cycle.index(min(cycle))
            cycles.append(cycle[i:] + cycle[:i])
    return Symbiosis(min_status=min_status, pairs=pairs, cycles=sorted(cycles))


def timeline(g: nx.MultiDiGraph, technique: str, min_status: str | Status = ANY, variants: bool = False) -> Timeline:
    """A technique's introduction, then each adoption in date order, each with its status.

    Examples
    --------
    >>> t = timeline(example_graph(), "mla")
    >>> [(e.date, e.event, e.model or e.organization, e.status.value) for e in t.events]
    [('2024-05', 'introduced', 'deepseek', 'verified'), ('2024-12', 'adopted', 'deepseek-v3', 'verified'), \
('2025-07', 'adopted', 'kimi-k2', 'verified')]
    """
    intro = introduction(g, technique)
    events = []
    first = next(iter(g.nodes[technique].get("facts", {}).get("firstAppeared", [])), None)
    by = intro.organizations or [None]
    for a in by:
        status = a.status if a else Status(first["status"]) if first else Status.UNVERIFIED
        if at_least(status, min_status):
            events.append(
                TimelineEvent(
                    date=intro.first_appeared,
                    event="introduced",
                    technique=technique,
                    organization=a.organization if a else None,
                    status=status,
                    lag_months=0 if intro.first_appeared else None,
                    evidence=a.evidence if a else _evidence(first or {}),
                )
            )
    for u in adopters(g, technique, min_status, variants=variants).rows:
        events.append(
            TimelineEvent(date=u.released, event="adopted", technique=u.technique, model=u.model,
                          organization=u.organization, status=u.status, lag_months=u.lag_months, evidence=u.evidence)
        )
    events.sort(key=lambda e: (e.date or "9999", e.event != "introduced"))
    return Timeline(technique=technique, name=intro.name, min_status=min_status, introduction=intro, events=events)


# --------------------------------------------------------------------------- path


def provenance_graph(g: nx.MultiDiGraph, min_status: str | Status = ANY) -> nx.DiGraph:
    """The routes an idea can travel, as a DiGraph whose edges carry ``relation``, ``status``, ``evidence``.

    Steps: technique *used by* model, technique *introduced in* paper, paper *cited by* model
    (the model or its report cites it), paper *report of* model and model *described in* paper, model *derived into* model
    (``derivedFrom``), model *architecture reused by* later model (same declared architecture
    class, from the earliest model declaring it), technique *extended as* variant.

    Examples
    --------
    >>> h = provenance_graph(example_graph())
    >>> h.edges["deepseek-v3", "kimi-k2"]["relation"]
    'architecture reused by'
    """
    h = nx.DiGraph()

    def add(u, v, relation, data, detail=""):
        status = data.get("status", "curated")
        if status == "contradicted" or not at_least(status, min_status):
            return
        old = h.get_edge_data(u, v)
        if old is None or _RANK[status] < _RANK[old["status"]]:
            h.add_edge(u, v, relation=relation, status=status, detail=detail or data.get("reason", ""),
                       evidence=_evidence(data))

    for u, v, k, d in g.edges(keys=True, data=True):
        if k == "uses":
            add(v, u, "used by", d)
        elif k == "introducedIn":
            add(u, v, "introduced in", d)
        elif k == "cites" and g.nodes[u].get("kind") == "model":
            add(v, u, "cited by", d)
        elif k == "derivedFrom":
            add(v, u, "derived into", d)
        elif k == "variantOf":
            add(v, u, "extended as", d)
    for m, d in g.nodes(data=True):
        if d.get("kind") != "model":
            continue
        if d.get("report"):
            report = {"status": "curated", "reason": "catalog: the model's own report"}
            add(d["report"], m, "report of", report)
            add(m, d["report"], "described in", report)
            for paper, cite in _edges(g, d["report"], "cites"):
                add(paper, m, "cited by", cite)
    by_arch: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for m, d in g.nodes(data=True):
        for fact in d.get("facts", {}).get("architecture", []):
            by_arch[str(fact["value"])].append((m, fact))
    for arch, declared in by_arch.items():
        declared.sort(key=lambda mf: (g.nodes[mf[0]].get("released") or "9999", mf[0]))
        origin, origin_fact = declared[0]
        for m, fact in declared[1:]:
            status = weakest(origin_fact["status"], fact["status"])
            add(origin, m, "architecture reused by",
                {"status": status, "evidence": fact["evidence"] + origin_fact["evidence"]},
                detail=f"both declare {arch}; {origin} released first")
    return h


def path(
    g: nx.MultiDiGraph, source: str, model: str, min_status: str | Status = ANY, cutoff: int = 4, limit: int = 5
) -> PathAnswer:
    """How an idea (a technique, or a model's design) reached a model: citations, derivation, architecture.

    For a technique, every model a route passes through must itself use the technique (or a
    variant on the route), so a route is a chain of adopters.

    Examples
    --------
    >>> r = path(example_graph(), "mla", "kimi-k2")
    >>> [" > ".join(route.nodes) for route in r.routes]
    ['mla > kimi-k2', 'mla > deepseek-v3 > kimi-k2']
    >>> r.routes[1].hops[1].relation
    'architecture reused by'
    """
    src = _require(g, source, ("technique", "model"))
    _require(g, model, "model")
    h = provenance_graph(g, min_status)
    routes: list[Route] = []
    if source not in h or model not in h:
        return PathAnswer(source=source, target=model, min_status=min_status, routes=[])
    try:
        candidates = nx.shortest_simple_paths(h, source, model)
        for nodes in candidates:
            if len(nodes) - 1 > cutoff or len(routes) >= limit:
                break
            if src.get("kind") == "technique" and not _adopter_chain(g, nodes):
                continue
            hops = [Hop(source=u, target=v, **h.edges[u, v]) for u, v in pairwise(nodes)]
            routes.append(Route(nodes=nodes, hops=hops, status=weakest(*(hop.status for hop in hops))))
    except nx.NetworkXNoPath:
        pass
    return PathAnswer(source=source, target=model, min_status=min_status, routes=routes)


def _adopter_chain(g: nx.MultiDiGraph, nodes: list[str]) -> bool:
    techniques = {n for n in nodes if g.nodes[n].get("kind") == "technique"}
    for n in nodes[1:-1]:
        if g.nodes[n].get("kind") == "model":
            used = {t for t, d in _edges(g, n, "uses") if d["status"] != "contradicted"}
            if not used & techniques:
                return False
    return True


# --------------------------------------------------------------------------- compare

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
        _require(g, m, "model")

    def facts(m):
        out: dict[str, list[Side]] = defaultdict(list)
        for pred, values in g.nodes[m].get("facts", {}).items():
            for f in values:
                if f["status"] != "contradicted" and at_least(f["status"], min_status):
                    out[pred].append(Side(value=str(f["value"]), status=f["status"], evidence=_evidence(f)))
        return out

    def techniques(m):
        return {
            t: Side(value=t, status=d["status"], evidence=_evidence(d))
            for t, d in _edges(g, m, "uses")
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
    return Comparison(a=model_a, b=model_b, min_status=min_status, info=info, facts=fact_rows,
                      techniques=tech_rows, shared=shared, only_a=only_a, only_b=only_b)


# --------------------------------------------------------------------------- example


def example_graph() -> nx.MultiDiGraph:
    """A tiny hand-made graph, shaped like :func:`lineage.graph.project`'s, for the examples.

    DeepSeek introduced MLA (2024-05) and used it in DeepSeek-V3; Kimi K2 declares DeepSeek-V3's
    architecture and uses MLA and Moonshot's MuonClip (a Muon variant).  Muon is credited to
    people; an article claims Moonshot introduced it.  Moonlight (Moonshot) used Muon first;
    DeepSeek-V4 uses Muon and cites Moonlight's report.

    Examples
    --------
    >>> g = example_graph()
    >>> g.number_of_nodes(), g.number_of_edges()
    (10, 14)
    """

    def ev(source, snippet, kind="primary", method="config"):
        return {"source": source, "source_kind": kind, "method": method, "locator": source.split(":")[-1],
                "snippet": snippet, "supports": True}

    def claim(u, v, predicate, status="verified", *evidence):
        g.add_edge(u, v, key=predicate, predicate=predicate, status=status, reason=f"{u} {predicate} {v}",
                   evidence=list(evidence) or [ev(f"catalog:{u}", f"{u} {predicate} {v}", method="curated")])

    g = nx.MultiDiGraph()
    for org in ("deepseek", "moonshot-ai"):
        g.add_node(org, kind="organization", label=org)
    g.add_node("mla", kind="technique", label="Multi-head Latent Attention", first_appeared="2024-05")
    g.add_node("muon", kind="technique", label="Muon", first_appeared="2024-10",
               inventors=["Keller Jordan", "Jeremy Bernstein"])
    g.add_node("muonclip", kind="technique", label="MuonClip", first_appeared="2025-07")
    g.add_node("moonlight-report", kind="paper", label="Muon is Scalable for LLM Training")
    arch = {"value": "DeepseekV3ForCausalLM", "unit": None, "qualifiers": {}, "status": "verified", "reason": "config"}
    for m, org, released in (("deepseek-v3", "deepseek", "2024-12"), ("moonlight", "moonshot-ai", "2025-02"),
                             ("kimi-k2", "moonshot-ai", "2025-07"), ("deepseek-v4", "deepseek", "2026-04")):
        g.add_node(m, kind="model", label=m, organization=org, released=released)
        claim(m, org, "developedBy")
    g.nodes["moonlight"]["report"] = "moonlight-report"
    for m in ("deepseek-v3", "kimi-k2"):
        g.nodes[m]["facts"] = {"architecture": [dict(arch, evidence=[ev(f"config:{m}", "architectures")])]}
    claim("mla", "deepseek", "introducedBy")
    claim("muonclip", "moonshot-ai", "introducedBy")
    claim("muonclip", "muon", "variantOf", "curated")
    claim("muon", "moonshot-ai", "introducedBy", "reported", ev("article:blog", "Moonshot's Muon", "secondary", "text"))
    claim("deepseek-v3", "mla", "uses", "verified", ev("config:deepseek-v3", "kv_lora_rank = 512"))
    claim("kimi-k2", "mla", "uses", "verified", ev("config:kimi-k2", "kv_lora_rank = 512"))
    claim("kimi-k2", "muonclip", "uses", "verified", ev("report:kimi-k2", "we use MuonClip", method="text"))
    claim("moonlight", "muon", "uses", "verified", ev("report:moonlight", "we train with Muon", method="text"))
    claim("deepseek-v4", "muon", "uses", "verified", ev("report:deepseek-v4", "we adopt Muon", method="text"))
    claim("deepseek-v4", "moonlight-report", "cites", "verified", ev("report:deepseek-v4", "[12]", method="citation"))
    return g


__all__ = [
    "adopters",
    "at_least",
    "attributions",
    "compare",
    "example_graph",
    "flow",
    "idea_flow",
    "inherited",
    "introduction",
    "months_between",
    "organization_of",
    "path",
    "provenance_graph",
    "symbiosis",
    "timeline",
    "uses",
    "weakest",
]
