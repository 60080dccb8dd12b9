"""Idea lineage: which ideas a technique builds on, what built on it, and what a model family changed.

Graph first, on :func:`lineage.questions.projection.project`'s graph: technique -> technique edges
keyed by an idea relation (:data:`lineage.domain.IDEA_RELATIONS`), each with the combined status and
evidence of its claims.  An edge ``u -[extends|variantOf|simplifies|combines|replaces]-> v`` means
``u`` builds on (or took the place of) ``v``; ``u -[componentOf]-> v`` means ``v`` is built from ``u``;
``contrastsWith`` is shown beside the tree, never followed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from lineage.questions.answer import Answer, Field
from lineage.questions.evidence import EvidenceSummary
from lineage.questions.status import ANY, at_least, closest_chain, edge_evidence, weakest
from lineage.vocab import IDEA_RELATIONS, Status

if TYPE_CHECKING:
    import networkx as nx

FORWARD = ("extends", "variantOf", "simplifies", "combines", "replaces")
"""Relations whose object is an earlier idea the subject builds on or took the place of."""
BACKWARD = ("componentOf",)
"""Relations whose subject is an earlier idea the object is built from."""
RELATIONS = tuple(p.value for p in IDEA_RELATIONS)


class IdeaLink(Answer):
    """One relation claim between two techniques, with its status and evidence."""

    relation: str = Field(description="Idea relation (extends, variantOf, … ) as stated, subject -> object.")
    subject: str = Field(description="Technique id the relation is stated about.")
    object: str = Field(description="Technique id it relates to.")
    status: Status = Field(description="Combined status of the claims stating it.")
    reason: str = Field(description="Why the status is what it is.")
    evidence: list[EvidenceSummary] = Field(description="Where it is stated (primary first).")


class IdeaNode(Answer):
    """A technique in an ancestry or descendants tree, with the links that put it there."""

    technique: str = Field(description="Technique id.")
    name: str = Field(description="Human-readable name.")
    first_appeared: str | None = Field(default=None, description="First public appearance, from the catalog.")
    links: list[IdeaLink] = Field(default_factory=list, description="Relations joining it to its parent (empty at the root).")
    models: list[str] = Field(default_factory=list, description="Models with a uses claim (descendants only).")
    children: list[IdeaNode] = Field(default_factory=list, description="Next generation of the tree.")


class IdeaTree(Answer):
    """Answer of ``ancestry`` and ``descendants``."""

    root: IdeaNode = Field(description="The technique asked about, its tree below it.")
    contrasts: list[IdeaLink] = Field(default_factory=list, description="contrastsWith links of the root, either way.")
    min_status: Status = Field(default=ANY, description="Weakest status kept.")


def _link(u: str, v: str, key: str, data: dict) -> IdeaLink:
    return IdeaLink(relation=key, subject=u, object=v, status=Status(data["status"] if data["status"] != "curated" else "reported"),
                    reason=data.get("reason", ""), evidence=edge_evidence(data))


def idea_links(g: nx.MultiDiGraph, technique: str, older: bool, min_status: str | Status = ANY) -> dict[str, list[IdeaLink]]:
    """Neighbours one step back (``older=True``: ideas it builds on) or forward, with the linking claims.

    Examples
    --------
    >>> from lineage.questions.example import example_graph
    >>> {k: [link.relation for link in v] for k, v in idea_links(example_graph(), "muonclip", older=True).items()}
    {'muon': ['variantOf']}
    >>> list(idea_links(example_graph(), "muon", older=False))
    ['muonclip']
    """
    out: dict[str, list[IdeaLink]] = {}
    if technique not in g:
        return out
    forward = g.out_edges(technique, keys=True, data=True) if older else g.in_edges(technique, keys=True, data=True)
    backward = g.in_edges(technique, keys=True, data=True) if older else g.out_edges(technique, keys=True, data=True)
    for u, v, key, data in forward:
        if key in FORWARD and at_least(data["status"], min_status):
            out.setdefault(v if older else u, []).append(_link(u, v, key, data))
    for u, v, key, data in backward:
        if key in BACKWARD and at_least(data["status"], min_status):
            out.setdefault(u if older else v, []).append(_link(u, v, key, data))
    return out


def _models(g: nx.MultiDiGraph, technique: str, min_status) -> list[str]:
    # only models use techniques: a discovered model the projection's catalog lacks counts too
    return sorted(
        u for u, _, k, d in g.in_edges(technique, keys=True, data=True) if k == "uses" and at_least(d["status"], min_status)
    )


def _tree(g, technique, older: bool, min_status, seen: set[str], with_models: bool) -> IdeaNode:
    node = g.nodes[technique] if technique in g else {}
    here = IdeaNode(technique=technique, name=node.get("label", technique), first_appeared=node.get("first_appeared"),
                    models=_models(g, technique, min_status) if with_models else [])
    for other, links in sorted(idea_links(g, technique, older, min_status).items()):
        if other in seen:
            continue
        seen.add(other)
        child = replace(_tree(g, other, older, min_status, seen, with_models), links=links)
        here.children.append(child)
    return here


def _contrasts(g: nx.MultiDiGraph, technique: str, min_status) -> list[IdeaLink]:
    edges = [*g.out_edges(technique, keys=True, data=True), *g.in_edges(technique, keys=True, data=True)]
    return [_link(u, v, k, d) for u, v, k, d in edges if k == "contrastsWith" and at_least(d["status"], min_status)]


def ancestry(g: nx.MultiDiGraph, technique: str, min_status: str | Status = ANY) -> IdeaTree:
    """The ideas ``technique`` builds on, as a tree, each link with status and evidence.

    Examples
    --------
    >>> from lineage.questions.example import example_graph
    >>> tree = ancestry(example_graph(), "muonclip")
    >>> [(c.technique, c.links[0].relation, c.links[0].status.value) for c in tree.root.children]
    [('muon', 'variantOf', 'reported')]
    """
    return IdeaTree(root=_tree(g, technique, True, min_status, {technique}, False),
                    contrasts=_contrasts(g, technique, min_status), min_status=Status(min_status))


def descendants(g: nx.MultiDiGraph, technique: str, min_status: str | Status = ANY) -> IdeaTree:
    """What built on ``technique``, as a tree, and which models use each descendant.

    Examples
    --------
    >>> from lineage.questions.example import example_graph
    >>> tree = descendants(example_graph(), "muon")
    >>> tree.root.models, [(c.technique, c.models) for c in tree.root.children]
    (['deepseek-v4', 'moonlight'], [('muonclip', ['kimi-k2'])])
    """
    return IdeaTree(root=_tree(g, technique, False, min_status, {technique}, True),
                    contrasts=_contrasts(g, technique, min_status), min_status=Status(min_status))


def ancestor_line(g: nx.MultiDiGraph, technique: str, min_status: str | Status = ANY) -> str:
    """The closest chain of ancestors in one line (``kda ← gated-deltanet ← deltanet``), or ``""``.

    At each step the strongest link is followed (status, then extends before variantOf …).

    Examples
    --------
    >>> from lineage.questions.example import example_graph
    >>> ancestor_line(example_graph(), "muonclip")
    'muonclip ← muon'
    >>> ancestor_line(example_graph(), "mla")
    ''
    """

    def links_back(idea: str) -> dict[str, list[tuple[str, str]]]:
        return {other: [(link.status.value, link.relation) for link in links]
                for other, links in idea_links(g, idea, True, min_status).items()}

    chain = closest_chain(technique, links_back)
    return " ← ".join(chain) if len(chain) > 1 else ""


class TechniqueChange(Answer):
    """One technique kept, added or dropped between two models, with what shows it."""

    technique: str = Field(description="Technique id.")
    name: str = Field(description="Human-readable name.")
    change: str = Field(description="kept, added or dropped.")
    before: list[EvidenceSummary] = Field(default_factory=list, description="Evidence that the older model uses it.")
    after: list[EvidenceSummary] = Field(default_factory=list, description="Evidence that the newer model uses it.")
    status: Status = Field(description="Weakest status of the uses claims it rests on.")
    replaces: list[IdeaLink] = Field(default_factory=list, description="For an added technique: replaces links to dropped ones.")


class FamilyChanges(Answer):
    """Answer of ``family-changes``: what a newer model kept, added and dropped relative to an older one."""

    older: str = Field(description="Model id of the older model.")
    newer: str = Field(description="Model id of the newer model.")
    kept: list[TechniqueChange] = Field(description="Techniques both use.")
    added: list[TechniqueChange] = Field(description="Techniques only the newer model uses.")
    dropped: list[TechniqueChange] = Field(description="Techniques only the older model uses.")
    min_status: Status = Field(default=ANY, description="Weakest uses status kept.")


def _uses(g: nx.MultiDiGraph, model: str, min_status) -> dict[str, dict]:
    if model not in g:
        return {}
    return {
        v: d for _, v, k, d in g.out_edges(model, keys=True, data=True)
        if k == "uses" and d["status"] != Status.CONTRADICTED.value and at_least(d["status"], min_status)
    }


def _this_pair(link: IdeaLink, older: str, newer: str) -> IdeaLink:
    """A replaces link with only the evidence about this pair of models (config-diff candidates name theirs)."""
    own = [e for e in link.evidence if not re.match(r"^[a-z0-9.-]+: ", e.snippet) or e.snippet.split(":")[0] in (older, newer)]
    reason = link.reason
    if reason.startswith("[config-diff]"):
        reason = (f"[config-diff] {older}'s config shows {link.object}, {newer}'s shows {link.subject} instead; "
                  "a candidate until a primary text states it")
    return replace(link, evidence=own, reason=reason)


def family_changes(g: nx.MultiDiGraph, older: str, newer: str, min_status: str | Status = ANY) -> FamilyChanges:
    """Techniques ``newer`` kept, added and dropped relative to ``older``, with the evidence on both sides.

    An added technique lists its ``replaces`` links to dropped ones (curated, from report text, or
    candidates read from the two configs).

    Examples
    --------
    >>> from lineage.questions.example import example_graph
    >>> ch = family_changes(example_graph(), "deepseek-v3", "deepseek-v4")
    >>> [c.technique for c in ch.kept], [c.technique for c in ch.added], [c.technique for c in ch.dropped]
    ([], ['muon'], ['mla'])
    """

    a, b = _uses(g, older, min_status), _uses(g, newer, min_status)

    def row(t: str, change: str) -> TechniqueChange:
        sides = [d for d in (a.get(t), b.get(t)) if d]
        links = []
        if change == "added":
            links = [_this_pair(link, older, newer) for other, ls in idea_links(g, t, True, min_status).items()
                     if other in set(a) - set(b) for link in ls if link.relation == "replaces"]
        return TechniqueChange(
            technique=t, name=g.nodes[t].get("label", t) if t in g else t, change=change,
            before=edge_evidence(a[t])[:2] if t in a else [], after=edge_evidence(b[t])[:2] if t in b else [],
            status=Status(weakest(*(d["status"] for d in sides))), replaces=links,
        )

    return FamilyChanges(
        older=older, newer=newer,
        kept=[row(t, "kept") for t in sorted(set(a) & set(b))],
        added=[row(t, "added") for t in sorted(set(b) - set(a))],
        dropped=[row(t, "dropped") for t in sorted(set(a) - set(b))],
        min_status=Status(min_status),
    )
