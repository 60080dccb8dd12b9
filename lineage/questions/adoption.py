"""Who uses a technique: adopters per model and per lab, over time (networkx projection).

The store-backed ``who_uses`` (the CLI's ``who-uses``) lives in :mod:`lineage.questions.who_uses`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import TYPE_CHECKING, Literal

from lineage.combine import NO_SOURCE
from lineage.questions.answer import Answer, Field
from lineage.questions.evidence import EvidenceSummary, ModelUse
from lineage.questions.origin import Attribution, Introduction, introduction
from lineage.questions.status import (
    ANY,
    at_least,
    edge_evidence,
    edges_of,
    months_between,
    node_label,
    organization_of,
    require_node,
)
from lineage.vocab import Status

if TYPE_CHECKING:
    import networkx as nx


class Use(ModelUse):
    """One model's use of a technique (in the projected graph), with its lag after the technique first appeared."""

    lag_months: int | None = Field(default=None, description="Months from the technique's first appearance to this release.")
    evidence: list[EvidenceSummary] = Field(default_factory=list, description="Evidence, primary first.")
    derivation: str | None = Field(default=None, description="How the model derives from a base ('quantized of deepseek-v3.1') "
                                                     "when it is a derivative (listed only when derivatives are asked for).")


class OrgAdoption(Answer):
    """An organization's first adoption of a technique."""

    organization: str = Field(description="Organization id.")
    first_model: str = Field(description="Its earliest-released adopting model.")
    first_released: str | None = Field(default=None, description="That model's release month.")
    lag_months: int | None = Field(default=None, description="Months after the technique's first appearance.")
    models: list[str] = Field(description="All its adopting models.")


class TechniqueAdoption(Answer):
    """The part of an answer about a technique's adoption that names it: the technique, its origin, the status kept."""

    technique: str = Field(description="Technique id.")
    name: str = Field(description="Technique name.")
    min_status: Status = Field(description="Weakest status kept.")
    introduction: Introduction = Field(description="Origin of the technique.")


class Adopters(TechniqueAdoption):
    """Answer to ``lineage adopters``."""

    first_adoption: str | None = Field(default=None, description="Release month of the earliest adopting model.")
    first_adopter: str | None = Field(default=None, description="Earliest adopting model.")
    rows: list[Use] = Field(description="Adopting models, earliest first.")
    by_organization: list[OrgAdoption] = Field(description="Each organization's first adoption, earliest first.")
    ruled_out: list[str] = Field(
        default_factory=list, description="Models a primary source says do not use it (contradicted), not counted."
    )


class TimelineEvent(Answer):
    """One dated step in a technique's history."""

    date: str | None = Field(default=None, description="YYYY-MM[-DD], None when unknown.")
    event: Literal["introduced", "adopted"] = Field(description="What happened.")
    technique: str = Field(description="Technique id (the asked one or a variant).")
    model: str | None = Field(default=None, description="Adopting model.")
    organization: str | None = Field(default=None, description="Introducing or adopting organization.")
    status: Status = Field(description="Status of the claim behind the event.")
    lag_months: int | None = Field(default=None, description="Months after first appearance.")
    evidence: list[EvidenceSummary] = Field(default_factory=list, description="Evidence.")


class Timeline(TechniqueAdoption):
    """Answer to ``lineage timeline``."""

    events: list[TimelineEvent] = Field(description="Introduction, then adoptions in date order.")


def uses(g: nx.MultiDiGraph, technique: str, min_status: str | Status = ANY) -> list[Use]:
    """Models whose ``uses`` claim for ``technique`` passes ``min_status`` (contradicted ones never).

    Examples
    --------
    >>> [(u.model, u.lag_months) for u in uses(example_graph(), "mla")]
    [('deepseek-v3', 7), ('kimi-k2', 14)]
    """
    first = g.nodes[technique].get("first_appeared") if technique in g else None
    out = []
    for model, d in edges_of(g, technique, "uses", out=False):
        if d["status"] == "contradicted" or not at_least(d["status"], min_status):
            continue
        released = g.nodes[model].get("released")
        out.append(
            Use(
                model=model,
                name=node_label(g, model),
                organization=organization_of(g, model),
                released=released,
                technique=technique,
                status=Status(d["status"]),
                reason=d["reason"],
                lag_months=months_between(first, released),
                evidence=edge_evidence(d),
                derivation=derivation(g, model),
            )
        )
    return sorted(out, key=lambda u: (u.released or "9999", u.model))


def derivation(g: nx.MultiDiGraph, model: str) -> str | None:
    """'quantized of deepseek-v3.1' for a derivative in the projection, else None.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("x-nvfp4", derivative_of=[{"base": "x", "relation": "quantized", "status": "verified"}])
    >>> derivation(g, "x-nvfp4"), derivation(g, "x")
    ('quantized of x', None)
    """
    found = g.nodes[model].get("derivative_of") if model in g else None
    return ", ".join(f"{d['relation']} of {d['base']}" for d in found) if found else None


def _variants(g: nx.MultiDiGraph, technique: str) -> list[str]:
    """Techniques that are variants of ``technique``, transitively (``variantOf`` edges)."""
    seen, frontier = [], [technique]
    while frontier:
        t = frontier.pop()
        for v, _ in edges_of(g, t, "variantOf", out=False):
            if v not in seen and v != technique:
                seen.append(v)
                frontier.append(v)
    return seen


def adopters(g: nx.MultiDiGraph, technique: str, min_status: str | Status = ANY, variants: bool = False) -> Adopters:
    """Models using a technique, the first adoption and each organization's lag after first appearance.

    Parameters
    ----------
    g : MultiDiGraph
        The projection (:func:`lineage.questions.projection.project`).
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
    data = require_node(g, technique, "technique")
    wanted = [technique] + (_variants(g, technique) if variants else [])
    rows = []
    for t in wanted:
        for u in uses(g, t, min_status):
            rows.append(replace(u, lag_months=months_between(data.get("first_appeared"), u.released)))
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
    ruled_out = sorted(m for t in wanted for m, d in edges_of(g, t, "uses", out=False) if d["status"] == "contradicted")
    return Adopters(
        technique=technique,
        name=data.get("label", technique),
        min_status=Status(min_status),
        introduction=introduction(g, technique),
        first_adoption=dated[0].released if dated else None,
        first_adopter=dated[0].model if dated else None,
        rows=rows,
        by_organization=sorted(orgs, key=lambda o: (o.first_released or "9999", o.organization)),
        ruled_out=ruled_out,
    )


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
    by: list[Attribution | None] = [*intro.organizations] or [None]
    for a in by:
        status = a.status if a else Status(first["status"]) if first else NO_SOURCE
        if at_least(status, min_status):
            events.append(
                TimelineEvent(
                    date=intro.first_appeared,
                    event="introduced",
                    technique=technique,
                    organization=a.organization if a else None,
                    status=status,
                    lag_months=0 if intro.first_appeared else None,
                    evidence=a.evidence if a else edge_evidence(first or {}),
                )
            )
    for u in adopters(g, technique, min_status, variants=variants).rows:
        events.append(
            TimelineEvent(date=u.released, event="adopted", technique=u.technique, model=u.model,
                          organization=u.organization, status=u.status, lag_months=u.lag_months, evidence=u.evidence)
        )
    events.sort(key=lambda e: (e.date or "9999", e.event != "introduced"))
    return Timeline(technique=technique, name=intro.name, min_status=Status(min_status), introduction=intro, events=events)
