"""The questions users ask: who uses a technique, where it came from, what we know about an id.

Each function takes the store (and catalog) and returns a pydantic result; the
CLI renders it as a table or as ``--json``.  Every row carries its status and
evidence.
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, Field

from lineage.catalog import Catalog
from lineage.errors import EmptyStore, UnknownEntity
from lineage.models import Claim, EntityKind, Evidence, Method, Predicate, SourceKind, Status, Technique
from lineage.store import Store, StoredClaim
from lineage.verification import combine


class EvidenceSummary(BaseModel):
    """A piece of evidence, trimmed for display."""

    source: str = Field(description="Source document id.")
    source_kind: SourceKind = Field(description="Primary or secondary.")
    method: Method = Field(description="How it was obtained.")
    locator: str = Field(description="Where in the source.")
    snippet: str = Field(description="Short excerpt.")
    supports: bool = Field(description="False when it speaks against the claim.")

    @classmethod
    def of(cls, ev: Evidence) -> EvidenceSummary:
        return cls(
            source=ev.source,
            source_kind=ev.source_kind,
            method=ev.method,
            locator=ev.locator,
            snippet=ev.snippet,
            supports=ev.supports,
        )


def _evidence(claims: list[StoredClaim]) -> list[EvidenceSummary]:
    seen, out = set(), []
    ranked = sorted(claims, key=lambda c: (c.evidence[0].source_kind is not SourceKind.PRIMARY, c.source))
    for c in ranked:
        for ev in c.evidence:
            key = (ev.source, ev.locator)
            if key not in seen:
                seen.add(key)
                out.append(EvidenceSummary.of(ev))
    return out


def require_built(store: Store) -> None:
    """Raise ``EmptyStore`` unless ``lineage build`` has run."""
    if store.is_empty():
        raise EmptyStore(store.path)


# --------------------------------------------------------------------------- who-uses


class Adoption(BaseModel):
    """One model's use of a technique, with its combined status."""

    model: str = Field(description="Model id.")
    name: str = Field(description="Model name.")
    organization: str | None = Field(None, description="Publisher organization id.")
    released: str | None = Field(None, description="Release month.")
    technique: str = Field(description="Technique id the evidence names (the asked one or a variant).")
    status: Status = Field(description="Combined status over all sources.")
    reason: str = Field(description="Why the status is what it is.")
    qualifiers: dict[str, str] = Field(default_factory=dict, description="Layer shares and other qualifiers.")
    evidence: list[EvidenceSummary] = Field(description="Evidence, primary first.")


class WhoUses(BaseModel):
    """Answer to ``lineage who-uses``."""

    technique: str = Field(description="Technique id.")
    name: str = Field(description="Technique name.")
    first_appeared: str | None = Field(None, description="First public appearance per the catalog.")
    introduced_by: list[str] = Field(default_factory=list, description="Introducing organization ids.")
    introduced_in: str | None = Field(None, description="Introducing paper id.")
    first_adopter: str | None = Field(None, description="Earliest-released model with a verified row.")
    rows: list[Adoption] = Field(description="Models using it, earliest release first.")


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


def who_uses(store: Store, catalog: Catalog, technique: str, variants: bool = False) -> WhoUses:
    """Models that use a technique (optionally its variants too), each with status and evidence."""
    tech: Technique = catalog.get(technique, EntityKind.TECHNIQUE)
    require_built(store)
    wanted = [tech.id] + (narrower(catalog, tech.id) if variants else [])
    by_model: dict[tuple[str, str], list[StoredClaim]] = defaultdict(list)
    for t in wanted:
        for c in store.claims(predicate=Predicate.USES, object=t):
            by_model[(c.subject, t)].append(c)
    rows = []
    for (model_id, t), claims in by_model.items():
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
                evidence=_evidence(claims),
            )
        )
    rows.sort(key=lambda r: (r.released or "9999", r.name))
    first = next((r.model for r in rows if r.status is Status.VERIFIED and r.released), None)
    return WhoUses(
        technique=tech.id,
        name=tech.name,
        first_appeared=tech.first_appeared,
        introduced_by=list(tech.introduced_by),
        introduced_in=tech.introduced_in,
        first_adopter=first,
        rows=rows,
    )


# --------------------------------------------------------------------------- origin


class Fact(BaseModel):
    """A catalog or ingested fact with its status and evidence."""

    predicate: Predicate = Field(description="What is stated.")
    object: str | None = Field(None, description="Entity id.")
    label: str | None = Field(None, description="Name of the entity, or the literal value.")
    status: Status = Field(description="Combined status.")
    reason: str = Field(description="Why.")
    evidence: list[EvidenceSummary] = Field(description="Evidence.")


def _facts(catalog: Catalog, claims: list[StoredClaim], objects: bool = True) -> list[Fact]:
    groups: dict[tuple, list[StoredClaim]] = defaultdict(list)
    for c in claims:
        key = (c.predicate, c.object if objects else c.subject, c.value, tuple(sorted(c.qualifiers.items())))
        groups[key].append(c)
    out = []
    for (predicate, other, value, _), group in groups.items():
        status, reason = combine(group)
        entity = catalog.entities.get(other) if other else None
        label = entity.name if entity else str(value) if value is not None else other
        out.append(
            Fact(
                predicate=predicate,
                object=other,
                label=label,
                status=status,
                reason=reason,
                evidence=_evidence(group),
            )
        )
    return out


class Origin(BaseModel):
    """Answer to ``lineage origin``: who introduced a technique, when, in which paper."""

    technique: str = Field(description="Technique id.")
    name: str = Field(description="Technique name.")
    category: str = Field(description="Technique category.")
    description: str | None = Field(None, description="What it is.")
    paper: dict[str, str | None] | None = Field(None, description="Introducing paper: id, title, arxiv, published.")
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
        for c in store.claims(subject=tech.id)
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
        facts=_facts(catalog, claims),
        earliest_adopters=adopters[:3],
    )


# --------------------------------------------------------------------------- show


class Show(BaseModel):
    """Answer to ``lineage show``: an entity and every claim about it."""

    id: str = Field(description="Entity id.")
    kind: str = Field(description="Entity kind.")
    entity: dict = Field(description="Catalog entry.")
    about: list[Fact] = Field(description="Claims with the entity as subject.")
    referenced_by: list[Fact] = Field(description="Claims with the entity as object (subject in 'object').")


def show(store: Store, catalog: Catalog, ident: str) -> Show:
    """Everything the catalog and the store say about one id."""
    entity = catalog.get(ident)
    require_built(store)
    about = store.claims(subject=entity.id)
    incoming = store.claims(object=entity.id)
    return Show(
        id=entity.id,
        kind=entity.kind,
        entity=entity.model_dump(mode="json", exclude_none=True),
        about=sorted(_facts(catalog, about), key=lambda f: (f.predicate.value, f.label or "")),
        referenced_by=sorted(_facts(catalog, incoming, objects=False), key=lambda f: (f.predicate.value, f.label or "")),
    )


# --------------------------------------------------------------------------- listings


def claims(store: Store, status: Status | None = None, source: str | None = None) -> list[StoredClaim]:
    """Claims filtered by status and/or source document."""
    require_built(store)
    if source is not None:
        ids = [d.id for d in store.sources()]
        if source not in ids:
            import difflib

            raise UnknownEntity("source", source, difflib.get_close_matches(source, ids, n=3, cutoff=0.5), "sources")
    return sorted(store.claims(status=status, source=source), key=lambda c: (c.subject, c.predicate.value, str(c.object or c.value)))


class TechniqueRow(BaseModel):
    """One line of ``lineage techniques``."""

    id: str = Field(description="Technique id.")
    name: str = Field(description="Name.")
    category: str = Field(description="Category.")
    introduced_by: list[str] = Field(description="Introducing organizations.")
    first_appeared: str | None = Field(None, description="First appearance.")
    adopters: int = Field(description="Models with a verified or reported 'uses' claim.")


def techniques(store: Store, catalog: Catalog) -> list[TechniqueRow]:
    """Every catalog technique with how many models use it."""
    users: dict[str, set[str]] = defaultdict(set)
    for c in store.claims(predicate=Predicate.USES):
        if c.status in (Status.VERIFIED, Status.REPORTED):
            users[c.object].add(c.subject)
    return [
        TechniqueRow(
            id=t.id,
            name=t.name,
            category=t.category.value,
            introduced_by=list(t.introduced_by),
            first_appeared=t.first_appeared,
            adopters=len(users[t.id]),
        )
        for t in catalog.of_kind(EntityKind.TECHNIQUE)
    ]


class ModelRow(BaseModel):
    """One line of ``lineage models``."""

    id: str = Field(description="Model id.")
    name: str = Field(description="Name.")
    organization: str = Field(description="Publisher.")
    released: str | None = Field(None, description="Release month.")
    hf_repo: str | None = Field(None, description="Hugging Face repo.")
    techniques: int = Field(description="Techniques with a 'uses' claim.")
    total_parameters: int | None = Field(None, description="Computed total parameters, when a config was ingested.")
    active_parameters: int | None = Field(None, description="Computed active parameters.")


def models(store: Store, catalog: Catalog) -> list[ModelRow]:
    """Every catalog model with what the store knows about it."""
    uses: dict[str, set[str]] = defaultdict(set)
    for c in store.claims(predicate=Predicate.USES):
        uses[c.subject].add(c.object)
    sizes: dict[tuple[str, Predicate], int] = {}
    for pred in (Predicate.TOTAL_PARAMETERS, Predicate.ACTIVE_PARAMETERS):
        for c in sorted(store.claims(predicate=pred), key=lambda c: c.status is not Status.VERIFIED, reverse=True):
            sizes[(c.subject, pred)] = int(c.value)
    return [
        ModelRow(
            id=m.id,
            name=m.name,
            organization=m.organization,
            released=m.released,
            hf_repo=m.hf_repo,
            techniques=len(uses[m.id]),
            total_parameters=sizes.get((m.id, Predicate.TOTAL_PARAMETERS)),
            active_parameters=sizes.get((m.id, Predicate.ACTIVE_PARAMETERS)),
        )
        for m in catalog.of_kind(EntityKind.MODEL)
    ]


__all__ = ["Claim", "claims", "models", "origin", "show", "techniques", "who_uses"]


# --------------------------------------------------------------------------- verification views


def claim(store: Store, ident: str) -> StoredClaim:
    """One claim by its id (``c-…`` as shown by ``lineage claims --json``, or its full IRI)."""
    require_built(store)
    local = ident.rsplit("/", 1)[-1]
    for c in store.claims():
        if c.ref.rsplit("/", 1)[-1] == local:
            return c
    raise UnknownEntity("claim", ident, [], "claims --json")


class Flag(BaseModel):
    """A claim that is not verified, or something odd about one."""

    kind: str = Field(description="contradicted, disputed, unverified, reported, anachronism or unknown-id.")
    claim: str = Field(description="Claim id.")
    source: str = Field(description="Source document of the claim.")
    statement: str = Field(description="subject predicate object/value.")
    status: Status = Field(description="The claim's status.")
    reason: str = Field(description="Why it is flagged.")


FLAG_ORDER = {"contradicted": 0, "disputed": 1, "anachronism": 2, "unknown-id": 3, "unverified": 4, "reported": 5}


def _statement(c: StoredClaim) -> str:
    obj = c.object if c.object is not None else f"{c.value}{' ' + c.unit if c.unit else ''}"
    return f"{c.subject} {c.predicate.value} {obj}"


def flags(store: Store, catalog: Catalog) -> list[Flag]:
    """Every claim that is not verified, contradicted first; plus anachronisms and ids not in the catalog."""
    require_built(store)
    out: list[Flag] = []
    for c in store.claims():
        ident = c.ref.rsplit("/", 1)[-1]
        if c.status is not Status.VERIFIED:
            kind = "unknown-id" if c.reason.startswith("[unknown-id]") else c.status.value
            out.append(Flag(kind=kind, claim=ident, source=c.source, statement=_statement(c), status=c.status, reason=c.reason))
        if c.predicate is Predicate.USES and c.status is not Status.CONTRADICTED:
            model, tech = catalog.entities.get(c.subject), catalog.entities.get(c.object)
            released = getattr(model, "released", None)
            first = getattr(tech, "first_appeared", None)
            if released and first and released[:7] < first[:7]:
                out.append(
                    Flag(
                        kind="anachronism",
                        claim=ident,
                        source=c.source,
                        statement=_statement(c),
                        status=c.status,
                        reason=f"{c.subject} was released {released}, before {c.object} first appeared ({first})",
                    )
                )
    return sorted(out, key=lambda f: (FLAG_ORDER.get(f.kind, 9), f.source, f.statement))
