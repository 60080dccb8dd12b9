"""What the store knows about one id (``show``) and the lists of techniques and models.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from lineage.questions.answer import Answer, Field
from lineage.questions.derivatives import derivatives_of
from lineage.questions.evidence import Fact, grouped_facts, require_built
from lineage.store import iris
from lineage.techniques import implementation_path
from lineage.vocab import EntityKind, Predicate, Status

if TYPE_CHECKING:
    from lineage.catalog import Catalog
    from lineage.store import Store


class Show(Answer):
    """Answer to ``lineage show``: an entity and every claim about it."""

    id: str = Field(description="Entity id.")
    kind: str = Field(description="Entity kind.")
    entity: dict = Field(description="Catalog entry.")
    about: list[Fact] = Field(description="Claims with the entity as subject.")
    referenced_by: list[Fact] = Field(description="Claims with the entity as object (subject in 'object').")
    derivatives: dict = Field(default_factory=dict, description="A model's derivatives by relation (quantized, "
                              "finetune, adapter, merge, distill): lineage.questions.derivatives.Derived rows.")


def show(store: Store, catalog: Catalog, ident: str) -> Show:
    """Everything the catalog and the store say about one id."""
    entity = catalog.get(ident)
    require_built(store)
    about = store.claim_records(subject=entity.id)
    incoming = store.claim_records(object=entity.id)
    found = {}
    if entity.kind == EntityKind.MODEL.value:

        found = derivatives_of(store, catalog, entity.id)
    return Show(
        id=entity.id,
        kind=entity.kind,
        entity=entity.model_dump(mode="json", exclude_none=True),
        about=sorted(grouped_facts(catalog, about), key=lambda f: (f.predicate.value, f.label or "")),
        referenced_by=sorted(grouped_facts(catalog, incoming, objects=False), key=lambda f: (f.predicate.value, f.label or "")),
        derivatives=found,
    )


class TechniqueRow(Answer):
    """One line of ``lineage techniques``."""

    id: str = Field(description="Technique id.")
    name: str = Field(description="Name.")
    category: str = Field(description="Category.")
    introduced_by: list[str] = Field(description="Introducing organizations.")
    first_appeared: str | None = Field(default=None, description="First appearance.")
    adopters: int = Field(description="Models with a verified or reported 'uses' claim.")
    introduced_in: str | None = Field(default=None, description="Paper id of the introducing paper, when known.")
    curation: str = Field(default="curated", description="'curated' (catalog) or 'discovered' (found in a source).")
    discovered_in: str | None = Field(default=None, description="Source that introduced a discovered technique.")
    implementation: str | None = Field(default=None, description="Reference implementation under lineage/techniques/, if any.")


def techniques(store: Store, catalog: Catalog, discovered: bool = False) -> list[TechniqueRow]:
    """Every technique with how many models use it and its reference implementation; with ``discovered``
    only those sources introduced."""

    users: dict[str, set[str]] = defaultdict(set)
    for c in store.claim_records(predicate=Predicate.USES):
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
            introduced_in=t.introduced_in,
            curation=t.curation,
            discovered_in=t.discovered_in,
            implementation=implementation_path(t.id),
        )
        for t in catalog.of_kind(EntityKind.TECHNIQUE)
        if not discovered or t.curation == "discovered"
    ]


class ModelRow(Answer):
    """One line of ``lineage models``."""

    id: str = Field(description="Model id.")
    name: str = Field(description="Name.")
    organization: str | None = Field(description="Publisher (None when a discovered model's source names no lab).")
    released: str | None = Field(default=None, description="Release month.")
    hf_repo: str | None = Field(default=None, description="Hugging Face repo.")
    techniques: int = Field(description="Techniques with a 'uses' claim.")
    total_parameters: int | None = Field(default=None, description="Computed total parameters, when a config was ingested.")
    active_parameters: int | None = Field(default=None, description="Computed active parameters.")
    curation: str = Field(default="curated", description="'curated' (catalog) or 'discovered' (introduced by a source).")
    discovered_in: str | None = Field(default=None, description="Source that introduced a discovered model.")


_TECHNIQUES_USED = f"""SELECT ?m (COUNT(?t) AS ?n) WHERE {{
  VALUES ?p {{ {" ".join(iris.ref(p) for p in iris.USES_WITH_STATUS.values())} }}
  GRAPH {iris.ref(iris.INDEX)} {{ ?m ?p ?t }}
}} GROUP BY ?m"""
"""Techniques per model from the adoption index: one row per (model, technique) with any ``uses`` claim."""

_SIZES = f"""SELECT ?s ?p ?v ?status WHERE {{
  VALUES ?p {{ lin:totalParameters lin:activeParameters }}
  GRAPH ?g {{ ?c {iris.ref(iris.RDF + "predicate")} ?p ; {iris.ref(iris.RDF + "subject")} ?s ; lin:value ?v ; lin:status ?status }}
}}"""
"""Parameter-count claims without their evidence (the list shows the numbers only)."""


def models(store: Store, catalog: Catalog) -> list[ModelRow]:
    """Every catalog model with what the store knows about it (a verified parameter count wins)."""
    uses = {r["m"]: r["n"] for r in store.select(_TECHNIQUES_USED, entity_ids=True)}
    verified = iris.status_iri(Status.VERIFIED)
    sizes: dict[tuple[str, Predicate], int] = {}
    for r in sorted(store.select(_SIZES, entity_ids=True), key=lambda r: r["status"] == verified):
        sizes[(r["s"], Predicate(r["p"].removeprefix(iris.LIN)))] = int(r["v"])
    return [
        ModelRow(
            id=m.id,
            name=m.name,
            organization=m.organization,
            released=m.released,
            hf_repo=m.hf_repo,
            techniques=uses.get(m.id, 0),
            total_parameters=sizes.get((m.id, Predicate.TOTAL_PARAMETERS)),
            active_parameters=sizes.get((m.id, Predicate.ACTIVE_PARAMETERS)),
            curation=m.curation,
            discovered_in=m.discovered_in,
        )
        for m in sorted(catalog.of_kind(EntityKind.MODEL), key=lambda m: (m.released is None, m.released or "", m.id))
    ]


class LabRow(Answer):
    """One line of ``lineage ls labs``."""

    id: str = Field(description="Organization id.")
    name: str = Field(description="Name.")
    models: int = Field(description="Models it published that the store knows.")
    first: str | None = Field(default=None, description="Release month of its earliest model with a known month.")
    latest: str | None = Field(default=None, description="Release month of its latest model with a known month.")
    techniques: int = Field(description="Techniques credited to it (introducedBy in the catalog or a source).")


def labs(store: Store, catalog: Catalog) -> list[LabRow]:
    """Every organization that published a model or introduced a technique, most models first."""
    published: dict[str, list[str | None]] = defaultdict(list)
    for m in catalog.of_kind(EntityKind.MODEL):
        if m.organization:
            published[m.organization].append(m.released)
    credited: dict[str, int] = defaultdict(int)
    for t in techniques(store, catalog):
        for org in t.introduced_by:
            credited[org] += 1
    rows = []
    for org in set(published) | set(credited):
        entity = catalog.entities.get(org)
        months = sorted(x for x in published.get(org, []) if x)
        rows.append(LabRow(id=org, name=entity.name if entity is not None else org, models=len(published.get(org, [])),
                           first=months[0] if months else None, latest=months[-1] if months else None,
                           techniques=credited.get(org, 0)))
    return sorted(rows, key=lambda r: (-r.models, -r.techniques, r.id))
