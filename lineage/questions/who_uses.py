"""Who uses a technique and where it came from, answered from the store (``who-uses``, ``origin``).

The adoption index makes ``who_uses`` one indexed read; rows carry status and evidence, and
uses a primary source rules out (status ``contradicted``) are listed apart in ``ruled_out``,
never among the users.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from lineage.combine import CATALOG_ONLY, combine
from lineage.questions.answer import Answer, Field
from lineage.questions.derivatives import copies
from lineage.questions.evidence import EvidenceSummary, Fact, ModelUse, evidence_summaries, grouped_facts, require_built
from lineage.questions.status import closest_chain
from lineage.vocab import EntityKind, Predicate, Status

if TYPE_CHECKING:
    from lineage.catalog import Catalog
    from lineage.domain import StoredClaim, Technique
    from lineage.store import Store


class Adoption(ModelUse):
    """One model's use of a technique (in the store), with the qualifiers its claims state."""

    qualifiers: dict[str, str] = Field(default_factory=dict, description="Layer shares and other qualifiers.")
    evidence: list[EvidenceSummary] = Field(description="Evidence, primary first.")
    derivation: str | None = Field(default=None, description="How the model derives from a base ('quantized of deepseek-v3.1') "
                                                     "when it is a derivative (listed only when derivatives are asked for).")


class WhoUses(Answer):
    """Answer to ``lineage who-uses``."""

    technique: str = Field(description="Technique id.")
    name: str = Field(description="Technique name.")
    first_appeared: str | None = Field(default=None, description="First public appearance per the catalog.")
    introduced_by: list[str] = Field(default_factory=list, description="Introducing organization ids.")
    introduced_in: str | None = Field(default=None, description="Introducing paper id.")
    first_adopter: str | None = Field(default=None, description="Earliest-released model with a verified row.")
    rows: list[Adoption] = Field(description="Models using it (no contradicted row), earliest release first.")
    ruled_out: list[Adoption] = Field(
        default_factory=list, description="Models a primary source says do not use it (contradicted), not counted as users."
    )


def narrower(catalog: Catalog, technique: str) -> list[str]:
    """Techniques that are kinds or variants of ``technique``, transitively."""
    out, frontier = [], [technique]
    while frontier:
        current = frontier.pop()
        for t in catalog.of_kind(EntityKind.TECHNIQUE):
            if (current in t.broader or current in t.variant_of) and t.id not in out and t.id != technique:
                out.append(t.id)
                frontier.append(t.id)
    return out


def who_uses(store: Store, catalog: Catalog, technique: str, variants: bool = False,
             derivatives: bool = False) -> WhoUses:
    """Models that use a technique (optionally its variants too), each with status and evidence.

    A model whose use a primary source rules out (combined status ``contradicted``) is not a
    user: it goes to ``ruled_out``, with the evidence against it.  A derivative of another model
    (:mod:`lineage.questions.derivatives`) is not a user either, unless ``derivatives`` asks for them.
    """

    tech: Technique = catalog.get(technique, EntityKind.TECHNIQUE)
    require_built(store)
    wanted = [tech.id] + (narrower(catalog, tech.id) if variants else [])
    by_model: dict[tuple[str, str], list[StoredClaim]] = defaultdict(list)
    for t in wanted:
        for c in store.claim_records(predicate=Predicate.USES, object=t):
            by_model[(c.subject, t)].append(c)
    derived = copies(store, catalog, (m for m, _ in by_model))
    rows = []
    for (model_id, t), claims in by_model.items():
        if model_id in derived and not derivatives:
            continue
        status, reason = combine(claims)
        model = catalog.entities.get(model_id)
        qualifiers: dict[str, str] = {}
        for c in claims:
            qualifiers.update(c.qualifiers)
        rows.append(
            Adoption(
                model=model_id,
                name=model.name if model else model_id,
                organization=getattr(model, "organization", None),
                released=getattr(model, "released", None),
                technique=t,
                status=status,
                reason=reason,
                qualifiers=qualifiers,
                evidence=evidence_summaries(claims),
                derivation=", ".join(f"{d.relation} of {d.base}" for d in derived[model_id]) if model_id in derived else None,
            )
        )
    rows.sort(key=lambda r: (r.released or "9999", r.name))
    ruled_out = [r for r in rows if r.status is Status.CONTRADICTED]
    rows = [r for r in rows if r.status is not Status.CONTRADICTED]
    first = next((r.model for r in rows if r.status is Status.VERIFIED and r.released), None)
    return WhoUses(
        technique=tech.id,
        name=tech.name,
        first_appeared=tech.first_appeared,
        introduced_by=list(tech.introduced_by),
        introduced_in=tech.introduced_in,
        first_adopter=first,
        rows=rows,
        ruled_out=ruled_out,
    )


class Origin(Answer):
    """Answer to ``lineage origin``: who introduced a technique, when, in which paper."""

    technique: str = Field(description="Technique id.")
    name: str = Field(description="Technique name.")
    category: str = Field(description="Technique category.")
    description: str | None = Field(default=None, description="What it is.")
    paper: dict[str, str | None] | None = Field(default=None, description="Introducing paper: id, title, arxiv, published.")
    inventors: list[str] = Field(default_factory=list, description="People credited when no lab is.")
    variant_of: list[str] = Field(default_factory=list, description="Techniques it modifies.")
    variants: list[str] = Field(default_factory=list, description="Techniques that modify it.")
    facts: list[Fact] = Field(description="introducedBy / introducedIn / firstAppeared with evidence.")
    earliest_adopters: list[Adoption] = Field(description="First models with a verified or reported use.")


def origin(store: Store, catalog: Catalog, technique: str) -> Origin:
    """Who introduced a technique per the primary record, when, in which paper, and its first adopters."""
    tech: Technique = catalog.get(technique, EntityKind.TECHNIQUE)
    require_built(store)
    claims = [
        c
        for c in store.claim_records(subject=tech.id)
        if c.predicate in (Predicate.INTRODUCED_BY, Predicate.INTRODUCED_IN, Predicate.FIRST_APPEARED)
    ]
    paper = None
    if tech.introduced_in:
        p = catalog.get(tech.introduced_in)
        paper = {"id": p.id, "title": p.title or p.name, "arxiv": p.arxiv, "published": p.published}
    adopters = [r for r in who_uses(store, catalog, tech.id).rows if r.status in (Status.VERIFIED, Status.REPORTED)]
    return Origin(
        technique=tech.id,
        name=tech.name,
        category=tech.category.value,
        description=tech.description,
        paper=paper,
        inventors=list(tech.inventors),
        variant_of=list(tech.variant_of),
        variants=[t.id for t in catalog.of_kind(EntityKind.TECHNIQUE) if tech.id in t.variant_of],
        facts=grouped_facts(catalog, claims),
        earliest_adopters=adopters[:3],
    )


_BUILDS_ON = (Predicate.EXTENDS, Predicate.VARIANT_OF, Predicate.SIMPLIFIES, Predicate.COMBINES, Predicate.REPLACES)
"""Idea relations whose object is the earlier idea (``componentOf`` points the other way; ``contrastsWith`` is no step back)."""


def ancestor_chain(store: Store, catalog: Catalog, technique: str) -> list[str]:
    """``technique`` and the closest chain of ideas it builds on (``['kda', 'gated-deltanet', 'deltanet']``).

    The chain :func:`lineage.questions.ideas.ancestor_line` draws on the projection of the whole
    store, read here from the claims about each idea on the way (and the catalog's own
    ``variant_of``, counted as reported where no claim states it).
    """

    def links_back(idea: str) -> dict[str, list[tuple[str, str]]]:
        groups: dict[tuple[str, str], list] = defaultdict(list)
        for c in store.claim_records(subject=idea):
            if c.predicate in _BUILDS_ON and c.object is not None:
                groups[(c.object, c.predicate.value)].append(c)
        for c in store.claim_records(predicate=Predicate.COMPONENT_OF, object=idea):
            groups[(c.subject, c.predicate.value)].append(c)
        out: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for (other, relation), claims in groups.items():
            out[other].append((combine(claims)[0].value, relation))
        entity = catalog.entities.get(idea)
        if entity is not None and entity.kind == EntityKind.TECHNIQUE.value:
            for other in entity.variant_of:
                if (other, Predicate.VARIANT_OF.value) not in groups:
                    out[other].append((CATALOG_ONLY.value, Predicate.VARIANT_OF.value))
        return out

    return closest_chain(technique, links_back)
