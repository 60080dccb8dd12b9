"""What read commands load instead of asking the store: compiled answers kept beside RocksDB's files.

Listing every claim means one SPARQL join over the whole store (0.8 s for 3,700 claims, measured)
and the catalog overlaid with the entities sources discovered means validating their JSON records
(0.04 s, and pydantic loaded: 0.1 s).  A reader that computed either saves it in the store folder
(``lineage.read.<part>.marshal``) as records (:mod:`lineage.records`, written with :mod:`marshal`,
which runs no code when read), and the next reader of the same store state loads it (~15 ms for
every claim) without opening RocksDB at all.

The file holds, beside the records, everything they depend on, and a reader loads it only when all
of it is what it would read now, so a changed store is never answered from an old file:

* the store's RocksDB files, name, size and time of each (:func:`lineage.store.access.fingerprint`).
  A write changes them, whoever makes it (any version of lineage, any process): a commit appends to
  the write-ahead log, a flush or compaction writes new tables.  The saving reader takes them before
  it opens the store, so what it saves is the state they name or a later one — and a later write
  changes them again, so no reader after it is answered from the file;
* the code that builds the records (size and time of its modules, as Python's bytecode cache),
  and for the catalog the compiled seeds (:func:`lineage.catalog.seeds.compiled_key`).

Only readers use the files: a writer's own answers would change with its next write.  A reader
that cannot write in the folder (read-only media, another user's store) answers in memory; files
are written whole under a temporary name and renamed, so a reader never loads a half-written one,
and an unreadable one is computed again.
"""

from __future__ import annotations

import gc
import marshal
import os
import sys
import time
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lineage.records import Record, record_class, record_of

if TYPE_CHECKING:
    from lineage.catalog import Catalog
    from lineage.records import Record
    from lineage.store import Store

FORMAT = 4
"""Bumped when what the files hold changes shape (the code's state changes with it anyway)."""

PREFIX = "lineage.read."
"""File names in the store folder: ``lineage.read.<part>.marshal``."""

_CODE = ("records.py", "vocab.py", "domain.py", "store/read_model.py", "store/dataset.py", "store/claim_lookup.py",
         "store/results.py", "store/iris.py", "catalog/seeds.py")
"""Modules that decide what a file holds (relative to the package)."""


def catalog(store: Store) -> Catalog:
    """The curated catalog overlaid with the entities the store's sources discovered, as records.

    Equal, entity by entity, to ``Catalog.load().with_discovered(store.discovered_entities())``.
    """
    from lineage.catalog import Catalog  # deferred: the catalog loads only when its compiled copy is stale
    from lineage.catalog.seeds import compiled_key  # deferred: the catalog loads only when its compiled copy is stale

    state = _state(store, "catalog", compiled_key())
    found = _load(store, "catalog", state)
    if found is not None:
        entities, names = found
        return Catalog({e.id: e for e in entities}, names)

    overlay = Catalog.load().with_discovered(store.discovered_entities())
    entities = [record_of(e) for e in overlay.entities.values()]
    _save(store, "catalog", state, (entities, overlay._names))
    return Catalog({e.id: e for e in entities}, dict(overlay._names))


def claims(store: Store, compute) -> list[Record]:
    """Every claim in the store, as ``compute()`` gives them (claim records), from the saved file when current."""
    state = _state(store, "claims")
    found = _load(store, "claims", state)
    if found is not None:
        return found[0]
    out = compute()
    _save(store, "claims", state, (out, None))
    return out


def derived(store: Store, part: str, compute, code: tuple[str, ...], *extra: Any) -> Any:
    """``compute()``, a plain value :mod:`marshal` writes (a question's graph, its parts), from the saved file when
    current.  It depends on the store's state, on the modules in ``code`` (relative to the package) beside
    those of the claims and the catalog, and on ``extra``."""
    state = _state(store, part, _code(code), *extra)
    found = _read(store, part, state)
    if found is not None:
        return found[0]
    value = compute()
    _write(store, part, state, (value,))
    return value


def _state(store: Store, part: str, *extra: Any) -> tuple | None:
    """Everything ``part`` depends on for the state ``store`` reads (a saved file must hold the same), or ``None``
    when that cannot be told (a writer, an in-memory store, a folder that cannot be listed)."""
    if store.path is None or not store.read_only or store.files is None:
        return None
    return FORMAT, sys.version_info[:2], _code(_CODE), part, store.files, *extra


@cache
def _code(names: tuple[str, ...]) -> tuple:
    """Size and modification time of each module that decides what a file holds (as Python's bytecode cache)."""
    root = Path(__file__).resolve().parent.parent
    return tuple((name, (st := (root / name).stat()).st_size, st.st_mtime_ns) for name in names)


def _path(store: Store, part: str) -> Path:
    return store.path / f"{PREFIX}{part}.marshal"


def _load(store: Store, part: str, state: tuple | None) -> Any:
    """``(records, extra)`` as :func:`_save` wrote them for ``state``, or ``None`` when absent, of another state
    or unreadable."""
    found = _read(store, part, state)
    if found is None:
        return None
    models, rows, extra = found
    enabled = gc.isenabled()
    gc.disable()  # thousands of new objects, none of them garbage
    try:
        return _unpack(models, rows), extra
    except Exception:  # unreadable: computed again
        return None
    finally:
        if enabled:
            gc.enable()


def _read(store: Store, part: str, state: tuple | None) -> tuple | None:
    """What :func:`_write` saved as ``part`` for ``state``, or ``None`` when absent, of another state or unreadable."""
    if state is None:
        return None
    enabled = gc.isenabled()
    gc.disable()
    try:
        saved, *value = marshal.loads(_path(store, part).read_bytes())  # load(file) reads in small pieces
        return tuple(value) if saved == state else None
    except Exception:  # absent, or unreadable: computed again
        return None
    finally:
        if enabled:
            gc.enable()


def _save(store: Store, part: str, state: tuple | None, value: tuple[list[Record], Any]) -> None:
    """Write ``(records, extra)`` as ``part`` for ``state``; any failure leaves it in memory.  Written whole under
    a temporary name, then renamed; ``chmod``-ed as RocksDB's own ``CURRENT``, so whoever may read the store may
    read it."""
    if state is None:
        return
    try:
        records, extra = value
        _write(store, part, state, (*_pack(records), extra))
    except Exception:  # a record marshal cannot write: the answer stands, unsaved
        pass


def _write(store: Store, part: str, state: tuple | None, value: tuple) -> None:
    """Write ``value`` (plain values) as ``part`` for ``state``; any failure leaves it in memory."""
    if state is None:
        return
    try:
        import tempfile

        data = marshal.dumps((state, *value))
        fd, tmp = tempfile.mkstemp(dir=store.path, prefix=f"{PREFIX}{part}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, os.stat(store.path / "CURRENT").st_mode & 0o666)
            os.replace(tmp, _path(store, part))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for left in store.path.glob(f"{PREFIX}*.tmp"):  # a reader killed while writing left it
            if left.stat().st_mtime < time.time() - 3600:
                left.unlink(missing_ok=True)
    except Exception:  # a folder it may not write in, a full disk: the answer stands, unsaved
        pass


# ---------------------------------------------------------------------------- the file format
#
# marshal (it runs no code when read, unlike pickle) of plain values: each record a pair (model
# number, its fields as a dict: marshal makes the record's own dict); per model its name, field
# names and how to turn the non-plain fields back (an enum of lineage.vocab by value, a datetime
# from ISO text, a record, a tuple of records).  Equal strings are written once.


def _pack(records: list[Record]) -> tuple[list, list]:
    """Records as marshal-able rows, and the models they need (:func:`_unpack` reverses it)."""

    kinds: dict[str, dict[str, Any]] = {}

    def survey(rec: Record) -> None:
        fields = kinds.setdefault(rec._model, dict.fromkeys(rec.__dict__, "plain"))
        for name, value in rec.__dict__.items():
            kind = _kind(value)
            if isinstance(value, Record):
                survey(value)
            elif kind == "records":
                for item in value:
                    survey(item)
            if kind != "plain" and fields[name] != kind:
                if fields[name] != "plain":
                    raise TypeError(f"{rec._model}.{name} holds both {fields[name]} and {kind}")
                fields[name] = kind

    for rec in records:
        survey(rec)
    number = {model: i for i, model in enumerate(kinds)}
    texts: dict[str, str] = {}

    def plain(value):
        if type(value) is str:
            return texts.setdefault(value, value)
        if isinstance(value, tuple):
            return tuple(plain(v) for v in value)
        if isinstance(value, dict):
            return {plain(k): plain(v) for k, v in value.items()}
        return value

    def row(rec: Record) -> tuple:
        fields = kinds[rec._model]
        out = {}
        for name, value in rec.__dict__.items():
            kind = fields[name]
            if value is None or kind == "plain":
                out[plain(name)] = plain(value)
            elif kind == "datetime":
                out[plain(name)] = plain(value.isoformat())
            elif kind == "record":
                out[plain(name)] = row(value)
            elif kind == "records":
                out[plain(name)] = tuple(row(v) for v in value)
            else:
                out[plain(name)] = plain(value.value)
        return number[rec._model], out

    models = [(model, tuple(fields), tuple(fields.values())) for model, fields in kinds.items()]
    return models, [row(r) for r in records]


def _kind(value: Any) -> Any:

    if isinstance(value, Enum):
        return (type(value).__module__, type(value).__name__)
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, Record):
        return "record"
    if isinstance(value, tuple) and value and all(isinstance(v, Record) for v in value):
        return "records"
    return "plain"


def _unpack(models: list, rows: list) -> list[Record]:
    """The records :func:`_pack` wrote: each row's fields dict (made by marshal) converted in place."""
    import importlib


    builders: list = []

    def shared_times() -> Callable[[str], datetime]:
        seen: dict[str, datetime] = {}  # claims of one ingest share their time

        def parse(v: str) -> datetime:
            return seen.get(v) or seen.setdefault(v, datetime.fromisoformat(v))

        return parse

    def builder(cls: type, convert: list):
        new, set_fields = object.__new__, object.__setattr__

        def build(fields: dict) -> Record:
            for name, fn in convert:
                if fields[name] is not None:
                    fields[name] = fn(fields[name])
            rec: Record = new(cls)
            set_fields(rec, "__dict__", fields)
            return rec

        return build

    for model, names, kinds in models:
        convert: list[tuple[str, Callable[[Any], Any]]] = []
        for name, kind in zip(names, kinds):
            if kind == "datetime":
                convert.append((name, shared_times()))
            elif kind == "record":
                convert.append((name, lambda v: builders[v[0]](v[1])))
            elif kind == "records":
                convert.append((name, lambda v: tuple([builders[n](x) for n, x in v])))
            elif kind != "plain":
                members = {m.value: m for m in getattr(importlib.import_module(kind[0]), kind[1])}
                convert.append((name, members.__getitem__))
        builders.append(builder(record_class(model), convert))
    return [builders[n](fields) for n, fields in rows]
