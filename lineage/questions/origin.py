"""Where an idea came from: the introducing paper and lab of a technique, and who credits whom.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from lineage.questions.answer import Answer, Field
from lineage.questions.evidence import EvidenceSummary
from lineage.questions.status import STATUS_RANK_BY_VALUE, edge_evidence, edges_of, require_node, weakest
from lineage.vocab import Status

if TYPE_CHECKING:
    import networkx as nx


class Attribution(Answer):
    """Why an organization is credited with a technique, and how well that is backed."""

    organization: str = Field(description="Organization id credited.")
    basis: Literal["introduced", "claimed", "cited"] = Field(
        description="introduced: catalog or primary introducedBy claim; claimed: only secondary sources say so; "
        "cited: the adopter (or its report) cites the paper that introduced the technique, whose "
        "introducing organization this is."
    )
    status: Status = Field(description="Weakest status of the claims behind the attribution.")
    reason: str = Field(description="Why the status is what it is.")
    via: str | None = Field(default=None, description="For 'cited': the cited paper id.")
    evidence: list[EvidenceSummary] = Field(default_factory=list, description="Evidence, primary first.")


class Introduction(Answer):
    """Where a technique came from, per the evidence."""

    technique: str = Field(description="Technique id.")
    name: str = Field(description="Technique name.")
    first_appeared: str | None = Field(default=None, description="First public appearance (catalog).")
    paper: str | None = Field(default=None, description="Introducing paper id.")
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
    data = require_node(g, technique, "technique")
    orgs: list[Attribution] = []
    claimed: list[Attribution] = []
    for org, d in edges_of(g, technique, "introducedBy"):
        if d["status"] == "contradicted":
            continue
        curated = any(ev["source"].startswith("catalog:") for ev in d.get("evidence", []))
        primary = d["status"] in ("verified", "disputed")
        basis: Literal["introduced", "claimed"] = "introduced" if curated or primary else "claimed"
        (orgs if basis == "introduced" else claimed).append(
            Attribution(organization=org, basis=basis, status=Status(d["status"]), reason=d["reason"], evidence=edge_evidence(d))
        )
    papers = [p for p, d in edges_of(g, technique, "introducedIn") if d["status"] != "contradicted"]
    return Introduction(
        technique=technique,
        name=data.get("label", technique),
        first_appeared=data.get("first_appeared"),
        paper=papers[0] if papers else data.get("introduced_in"),
        organizations=sorted(orgs, key=lambda a: a.organization),
        inventors=list(data.get("inventors", [])),
        claimed=sorted(claimed, key=lambda a: a.organization),
    )


def _cited_papers(g: nx.MultiDiGraph, model: str) -> dict[str, dict]:
    """Papers a model cites, directly or through its own report: paper -> the best-backed cites edge's data."""
    out: dict[str, dict] = {}
    citers = [model] + ([g.nodes[model]["report"]] if g.nodes[model].get("report") else [])
    for citer in citers:
        for paper, d in edges_of(g, citer, "cites"):
            if d["status"] != "contradicted" and (paper not in out or STATUS_RANK_BY_VALUE[d["status"]] < STATUS_RANK_BY_VALUE[out[paper]["status"]]):
                out[paper] = d
    return out


def attributions(g: nx.MultiDiGraph, technique: str, model: str) -> list[Attribution]:
    """Every organization a model's use of ``technique`` can be credited to, with the basis and status.

    ``introduced`` and ``claimed`` come from :func:`introduction`.  ``cited`` when the model (or
    its report) cites **the paper that introduced the technique** (its ``introducedIn`` paper):
    the credit goes to the technique's introducing organizations and nobody else.  Citing another
    lab's report is not credit for everything that lab's model uses, and a technique credited to
    people, not a lab, gives no organization ``cited`` credit.

    Examples
    --------
    >>> g = example_graph()
    >>> [(a.organization, a.basis, a.via, a.status.value) for a in attributions(g, "mla", "kimi-k2")]
    [('deepseek', 'introduced', None, 'verified'), ('deepseek', 'cited', 'deepseek-v2-report', 'verified')]

    DeepSeek-V4 cites Moonlight's report, which is not where Muon was introduced: no ``cited`` credit.

    >>> [(a.organization, a.basis, a.status.value) for a in attributions(g, "muon", "deepseek-v4")]
    [('moonshot-ai', 'claimed', 'reported')]
    """
    intro = introduction(g, technique)
    out = list(intro.organizations) + list(intro.claimed)
    if not intro.organizations:
        return out
    cited = _cited_papers(g, model)
    for paper, record in edges_of(g, technique, "introducedIn"):
        cite = cited.get(paper)
        if cite is None or record["status"] == "contradicted":
            continue
        for a in intro.organizations:
            out.append(
                Attribution(
                    organization=a.organization,
                    basis="cited",
                    via=paper,
                    status=Status(weakest(cite["status"], record["status"], a.status)),
                    reason=f"{model} cites {paper}, the paper that introduced {technique} ({a.organization})",
                    evidence=edge_evidence(cite) + a.evidence,
                )
            )
    return out
