"""The seed catalog: what models, techniques, papers, organizations and hardware *are*.

The catalog is curated YAML under ``seeds/``, every entry citing a public source.
It never says which model uses which technique: those are claims, and claims
come from ingesting sources.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lineage.catalog.vocabulary_seed import VOCABULARY_FILE, with_vocabulary
from lineage.errors import CatalogError, UnknownEntity
from lineage.paths import cache_dir, data_dir
from lineage.vocab import EntityKind

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pydantic import BaseModel

    from lineage.domain import Hardware, Model, Organization, Paper, Technique

SEED_MODELS = {
    "organizations.yaml": "Organization",
    "hardware.yaml": "Hardware",
    "papers.yaml": "Paper",
    "techniques.yaml": "Technique",
    "models.yaml": "Model",
}
"""Seed file -> name of the :mod:`lineage.domain` model of its entries (in loading order)."""


@cache
def seed_files() -> dict[str, type]:
    """Seed file -> the pydantic model of its entries (``SEED_FILES``; importing the models loads pydantic)."""
    from lineage import domain  # deferred for start-up: pydantic

    return {filename: getattr(domain, name) for filename, name in SEED_MODELS.items()}


def __getattr__(name: str) -> dict[str, type[BaseModel]]:
    if name == "SEED_FILES":
        return seed_files()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

_CODE = [Path(__file__), *(Path(__file__).with_name(f) for f in ("resolver.py", "vocabulary.py", "vocabulary_seed.py")), *(Path(__file__).parent.parent / f for f in ("domain.py", "vocab.py"))]
"""Source files whose change invalidates the compiled catalog (the models it pickles)."""


def _compiled_path(texts: dict[str, bytes]) -> Path:
    """Cache file of the catalog compiled from ``texts``: named by a hash of the seeds and the code."""
    digest = hashlib.sha256()
    for name, data in sorted(texts.items()):
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    for code in _CODE:
        digest.update(code.read_bytes())
    return cache_dir() / "catalog" / f"{digest.hexdigest()[:24]}.pickle"


def _seed_texts(seeds: Path) -> dict[str, bytes]:
    """The bytes of every seed file under ``seeds``; ``CatalogError`` naming a missing one."""
    texts = {}
    for filename in SEED_MODELS:
        path = seeds / filename
        if not path.exists():
            raise CatalogError(f'seed file "{path}" is missing')
        texts[filename] = path.read_bytes()
    vocabulary = seeds / VOCABULARY_FILE
    if vocabulary.exists():  # optional: the imported vocabulary of ideas
        texts[VOCABULARY_FILE] = vocabulary.read_bytes()
    return texts


def compiled_key(seeds: Path | None = None) -> str:
    """The hash naming the compiled catalog of ``seeds`` (default seeds): it changes with any seed file or the
    code that reads them, so anything derived from the catalog can be keyed by it."""
    return _compiled_path(_seed_texts(seeds or data_dir("seeds"))).stem


def _save(catalog: Catalog, path: Path) -> None:
    """Write the compiled catalog atomically; a cache that cannot be written is skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("*.pickle"):  # one compiled catalog per seed state is enough
            old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(catalog, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass


LISTING = {
    EntityKind.MODEL: "ls models",
    EntityKind.TECHNIQUE: "ls techniques",
}


def _member(vendor: str, country: str | None, rule: Any) -> bool:
    """Whether a device of ``vendor`` (in ``country``) meets a class's ``members`` rule (every part stated)."""
    return (
        (rule.vendor is None or rule.vendor == vendor)
        and (rule.country is None or rule.country == country)
        and (rule.except_vendor is None or rule.except_vendor != vendor)
    )


def _norm(text: str) -> str:
    """The lookup key of a name: :func:`lineage.catalog.resolver.name_key` (versions and sizes kept)."""
    from lineage.catalog.resolver import name_key  # deferred: the resolver loads only for a seed that names others

    return name_key(text)


@dataclass
class Catalog:
    """All curated entities, indexed by id and by every name and alias."""

    entities: dict[str, Organization | Hardware | Paper | Technique | Model] = field(default_factory=dict)
    _names: dict[str, str] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(cls, seeds: Path | None = None) -> Catalog:
        """Read and validate every seed file; raise ``CatalogError`` naming the first problem.

        A catalog that validated is kept compiled (pickled) in the cache directory under the hash
        of the seed files and of the code that reads them, so a later process unpickles it
        (~10 ms) instead of parsing and validating the YAML again (~0.5 s); editing a seed file
        or the domain models changes the hash.
        """
        seeds = seeds or data_dir("seeds")
        texts = _seed_texts(seeds)
        cached = _compiled_path(texts)
        try:
            with open(cached, "rb") as fh:
                return pickle.load(fh)
        except Exception:  # absent, unreadable or stale: validate the YAML
            pass
        catalog = cls._validate(seeds, texts)
        _save(catalog, cached)
        return catalog

    @classmethod
    def _validate(cls, seeds: Path, texts: dict[str, bytes]) -> Catalog:
        import yaml
        from pydantic import TypeAdapter, ValidationError

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~20x faster than pure Python
        catalog = cls()
        for filename, model in seed_files().items():
            path = seeds / filename
            rows = yaml.load(texts[filename].decode("utf-8"), Loader=loader) or []
            adapter = TypeAdapter(list[model])  # type: ignore[valid-type]  # the item model is the file's, chosen at run time
            try:
                entries = adapter.validate_python(rows)
            except ValidationError as exc:
                err = exc.errors()[0]
                where = ".".join(str(p) for p in err["loc"])
                raise CatalogError(f'{path.name}: entry {where}: {err["msg"]}') from None
            for entry in entries:
                catalog.add(entry)
        catalog.check_references()
        if VOCABULARY_FILE in texts:
            with_vocabulary(catalog, texts[VOCABULARY_FILE].decode("utf-8"), seeds / VOCABULARY_FILE)
        catalog.link_classes()
        return catalog

    def add(self, entry: Organization | Hardware | Paper | Technique | Model) -> None:
        """Add one entity; ids are unique across all kinds."""
        if entry.id in self.entities:
            raise CatalogError(f'duplicate id "{entry.id}" ({self.entities[entry.id].kind} and {entry.kind})')
        self.entities[entry.id] = entry
        for name in (entry.id, entry.name, *entry.aliases):
            self._names.setdefault(_norm(name), entry.id)

    def with_discovered(self, entities: Iterable[Any]) -> Catalog:  # entities, or records standing in for them
        """A copy overlaid with entities that sources introduced; a curated entry of the same id wins.
        """
        from lineage.domain import merge_discovered  # deferred for start-up: pydantic

        out = Catalog(dict(self.entities), dict(self._names))
        for e in entities:
            known = out.entities.get(e.id)
            if known is None:
                out.add(e)
            elif known.curation == "discovered":
                out.entities[e.id] = merge_discovered(known, e)
        out.link_classes()
        return out

    def without_discovered(self, ids: Iterable[str]) -> Catalog:
        """A copy without the discovered entities of ``ids`` (a curated entity of one of those ids stays).

        Names are indexed again as :meth:`add` indexes them, so a name a removed entity held
        goes to the next entity that has it, or to none.
        """
        drop = {i for i in ids if i in self.entities and self.entities[i].curation == "discovered"}
        if not drop:
            return self
        out = Catalog({k: e for k, e in self.entities.items() if k not in drop})
        for e in out.entities.values():
            for name in (e.id, e.name, *e.aliases):
                out._names.setdefault(_norm(name), e.id)
        return out

    def link_classes(self) -> None:
        """Link every device to the device classes whose ``members`` rule it meets (``broader``).

        A class holds devices by vendor, by the vendor's country or by not being one vendor's;
        classes hold devices, not other classes.  Idempotent.
        """
        classes = [h for h in self.of_kind(EntityKind.HARDWARE) if h.members is not None]
        for h in list(self.of_kind(EntityKind.HARDWARE)):
            if h.members is not None:
                continue
            country = getattr(self.entities.get(h.vendor), "country", None)
            extra = tuple(c.id for c in classes if c.id not in h.broader and _member(h.vendor, country, c.members))
            if extra:
                self.entities[h.id] = h.model_copy(update={"broader": h.broader + extra})

    def check_references(self) -> None:
        """Every id an entry points at exists and has the right kind."""
        from lineage.domain import Hardware, Model, Paper, Technique  # deferred for start-up: pydantic

        refs: list[tuple[str, str, str | None, EntityKind]] = []
        for e in self.entities.values():
            if isinstance(e, Hardware):
                refs.append((e.id, "vendor", e.vendor, EntityKind.ORGANIZATION))
                refs += [(e.id, "broader", b, EntityKind.HARDWARE) for b in e.broader]
                if e.members is not None:
                    refs += [(e.id, f"members.{k}", getattr(e.members, k), EntityKind.ORGANIZATION)
                             for k in ("vendor", "except_vendor")]
            elif isinstance(e, Paper):
                refs += [(e.id, "organizations", o, EntityKind.ORGANIZATION) for o in e.organizations]
            elif isinstance(e, Technique):
                refs += [(e.id, "broader", t, EntityKind.TECHNIQUE) for t in e.broader]
                refs += [(e.id, "variant_of", t, EntityKind.TECHNIQUE) for t in e.variant_of]
                refs += [(e.id, f"relations.{r.relation}", r.to, EntityKind.TECHNIQUE) for r in e.relations]
                refs += [(e.id, "introduced_by", o, EntityKind.ORGANIZATION) for o in e.introduced_by]
                refs.append((e.id, "introduced_in", e.introduced_in, EntityKind.PAPER))
            elif isinstance(e, Model):
                refs.append((e.id, "organization", e.organization, EntityKind.ORGANIZATION))
                refs.append((e.id, "predecessor", e.predecessor, EntityKind.MODEL))
                refs.append((e.id, "report", e.report, EntityKind.PAPER))
        for e in self.entities.values():
            for name in e.unconfirmed:
                if name not in type(e).model_fields or name in ("id", "sources", "unconfirmed"):
                    raise CatalogError(f'"{e.id}".unconfirmed names "{name}", which is not a field of a {e.kind}')
        for owner, fld, target, kind in refs:
            if target is None:
                continue
            found = self.entities.get(target)
            if found is None or found.kind != kind.value:
                raise CatalogError(f'"{owner}".{fld} points at unknown {kind.value} "{target}"')

    # ------------------------------------------------------------------ lookup

    def get(self, ident: str, kind: EntityKind | None = None) -> Any:  # an entity, or the record standing in for it
        """Entity by id, name or alias; ``UnknownEntity`` with suggestions otherwise."""
        hit = self.entities.get(ident) or self.entities.get(self._names.get(_norm(ident), ""))
        if hit is not None and (kind is None or hit.kind == kind.value):
            return hit
        raise self.unknown(ident, kind)

    def resolve(self, ident: str, kind: EntityKind | None = None) -> str:
        """Id for an id, name or alias."""
        return self.get(ident, kind).id

    def find(self, name: str, kind: EntityKind | None = None) -> str | None:
        """Id for a name or alias, or ``None``."""
        found = self._names.get(_norm(name))
        if found and (kind is None or self.entities[found].kind == kind.value):
            return found
        return None

    def unknown(self, ident: str, kind: EntityKind | None = None) -> UnknownEntity:
        """The error for an id that is not here, with close matches."""
        pool = [e.id for e in self.of_kind(kind)] if kind else list(self.entities)
        suggestions = difflib.get_close_matches(ident.lower(), pool, n=3, cutoff=0.6)
        label = kind.value if kind else "entity"
        return UnknownEntity(label, ident, suggestions, LISTING.get(kind) if kind else None)

    def of_kind(self, kind: EntityKind) -> Iterator:
        """All entities of one kind, in seed order."""
        return (e for e in self.entities.values() if e.kind == kind.value)

    def __contains__(self, ident: str) -> bool:
        return ident in self.entities

    def __len__(self) -> int:
        return len(self.entities)

    def model_by_repo(self, repo: str) -> Model | None:
        """The model whose Hugging Face repo id matches, case-insensitively."""
        for m in self.of_kind(EntityKind.MODEL):
            if m.hf_repo and m.hf_repo.lower() == repo.lower():
                return m
        return None
