"""Entity resolution that does not guess: names, aliases and repo ids to ids, or to nothing.

One resolver serves every ingestor and command. A name resolves when, after normalisation, it is
exactly an entity's id, name, alias or Hugging Face repo id (with or without the owner). Nothing
is fuzzy: "Did you mean" belongs in error messages (:meth:`lineage.catalog.Catalog.unknown`),
never in a lookup.

Normalisation (:func:`name_key`) folds case, spaces, hyphens, underscores and slashes, so
``DeepSeek V3``, ``DeepSeek-V3``, ``deepseek_v3`` and ``deepseek-ai/DeepSeek-V3`` meet; it keeps
every digit and the boundary between two numbers, so version numbers and sizes stay identity:
``MiniMax-M1`` is not ``MiniMax-M2``, ``Qwen3.6 27B`` is not ``Qwen3.5-27B``, ``Qwen3 6B`` is not
``Qwen3.6B``.

A family name alone ("Kimi", "Mistral", "DeepSeek-V3") never lands on one member: it resolves to
the family (:attr:`Resolution.members`) or, when it is only a lab's name, to the organization.

Examples
--------
>>> name_key("DeepSeek V3") == name_key("deepseek-ai/DeepSeek-V3".split("/")[1]) == name_key("deepseek_v3")
True
>>> name_key("Qwen3.6 27B"), name_key("Qwen3.5-27B"), name_key("Qwen3 6B")
('qwen3.6_27b', 'qwen3.5_27b', 'qwen3_6b')
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lineage.vocab import EntityKind

if TYPE_CHECKING:
    from lineage.catalog.seeds import Catalog

_TOKEN = re.compile(r"[a-z]+|\d+(?:\.\d+)*")


def name_key(text: str) -> str:
    """Case, spacing and punctuation folded; digits and number boundaries kept."""
    tokens = _TOKEN.findall(text.lower())
    out = ""
    for tok in tokens:
        if out and out[-1].isdigit() and tok[0].isdigit():
            out += "_"  # "3 6" stays apart from "36" and from "3.6"
        out += tok
    return out


@dataclass(frozen=True)
class Resolution:
    """What a name refers to: one entity, or a family of models."""

    kind: str
    """An :class:`~lineage.domain.EntityKind` value, or ``"family"``."""
    id: str
    """The entity id; for a family, the family's key."""
    members: tuple[str, ...] = ()
    """Model ids of a family, in catalog order."""
    organization: str | None = None
    """For a family, the organization all its members share (None when they differ)."""


@dataclass
class Resolver:
    """Exact lookups over a catalog (curated entries plus any discovered ones)."""

    catalog: Catalog
    _by_key: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list), repr=False)
    _by_alias: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list), repr=False)
    _families: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list), repr=False)

    def __post_init__(self) -> None:
        for e in self.catalog.entities.values():
            names = [e.id, e.name]  # what the entity is called; aliases rank below a family's name
            repo = getattr(e, "hf_repo", None)
            if repo:
                names += [repo, repo.split("/", 1)[1]]
            if e.kind == "organization" and e.hf_org:
                names.append(e.hf_org)
            for index, group in ((self._by_key, names), (self._by_alias, e.aliases)):
                for n in group:
                    key = name_key(n)
                    if key and e.id not in index[key]:
                        index[key].append(e.id)
            if e.kind == "model" and e.family:
                self._families[name_key(e.family)].append(e.id)

    def resolve(self, name: str, kind: EntityKind | None = None) -> Resolution | None:
        """The entity or family ``name`` refers to, or ``None``; never a close match.

        A name that is an entity's own id, name or alias wins over a family of the same name
        (the catalog may list a model "Qwen3" beside the family "Qwen3").
        """
        name = name.strip()
        if not name:
            return None
        exact = self.catalog.entities.get(name)
        if exact is not None and (kind is None or exact.kind == kind.value):
            return Resolution(exact.kind, exact.id)
        key = name_key(name)
        owner, _, rest = name.partition("/")
        members = self._families.get(key) or (self._families.get(name_key(rest)) if rest else None)

        def of_kind(ids: list[str]) -> list[str]:
            return [i for i in ids if kind is None or self.catalog.entities[i].kind == kind.value]

        hits = of_kind(self._by_key.get(key, []))
        if not hits and not (members and len(members) > 1):  # an alias, unless it is a family's name
            hits = of_kind(self._by_alias.get(key, []))
        if not hits and rest:
            # "org/Name": a repo id the catalog does not list resolves by its name, within that org
            hits = [
                i for i in self._by_key.get(name_key(rest), []) + self._by_alias.get(name_key(rest), [])
                if self.catalog.entities[i].kind == EntityKind.MODEL.value
                and self._same_org(self.catalog.entities[i], owner)
                and (kind is None or kind is EntityKind.MODEL)
            ]
        models = [i for i in hits if self.catalog.entities[i].kind == EntityKind.MODEL.value]
        if members and kind in (None, EntityKind.MODEL) and not models:
            orgs = {e.organization for m in members if (e := self.catalog.entities[m]).kind == "model"}  # a family's members are models
            return Resolution("family", key, tuple(members), orgs.pop() if len(orgs) == 1 else None)
        if len(hits) == 1:
            e = self.catalog.entities[hits[0]]
            return Resolution(e.kind, e.id)
        if len(models) == 1:  # a model and, say, its report share a name: the model is what names mean
            return Resolution(EntityKind.MODEL.value, models[0])
        return None

    def model(self, name: str) -> str | None:
        """The one model ``name`` names, or ``None`` (a family, another kind, or nothing)."""
        found = self.resolve(name, EntityKind.MODEL)
        return found.id if found is not None and found.kind == EntityKind.MODEL.value else None

    def organization(self, name: str) -> str | None:
        """The organization ``name`` (or an HF namespace) names, or ``None``."""
        found = self.resolve(name, EntityKind.ORGANIZATION)
        return found.id if found is not None else None

    def _same_org(self, model: Any, owner: str) -> bool:
        if known_only_by_name(model):  # discovered through a third party's copy: any owner's repo of that name
            return True
        org = self.catalog.entities.get(model.organization or "")
        repo_owner = (model.hf_repo or "").split("/")[0].lower()
        return owner.lower() == repo_owner or (org is not None and owner.lower() == (getattr(org, "hf_org", "") or "").lower())


def known_only_by_name(model: Any) -> bool:
    """A discovered model with neither lab nor repo (a third party's quantization named it): its
    publisher's own repo of the same name is the same model."""
    return getattr(model, "curation", None) == "discovered" and not model.organization and not model.hf_repo
