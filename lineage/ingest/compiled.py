"""Regular expressions compiled by an earlier process, reused (issue 31: compiling them was 0.2 s of a report).

The readers hold a few hundred patterns (cues at module level, one per catalog entity), and CPython compiles each
in pure Python on every run. What compiling yields is plain data (the pattern's code words, group count and
names), so :func:`save` keeps it in the cache directory (marshal, one file per interpreter and regex engine
version, to which each process appends what it compiled anew) and :func:`load`, run once when
:mod:`lineage.ingest` is imported, gives those patterns back to ``re``'s own cache: ``re.compile`` and ``re.search`` then find them as if this process had compiled them. The
patterns are the very objects ``re`` builds (the engine compiles from the same code words), so nothing a
reader finds changes; a file from another interpreter, a damaged file or a ``re`` without these internals is
ignored and ``re`` compiles as usual.
"""

from __future__ import annotations

import marshal
import os
import re
import sys
from pathlib import Path

from lineage.paths import cache_dir

try:  # CPython's regex engine and its compiler: the internals this cache relies on
    import _sre  # type: ignore[import-not-found]
    from re import _compiler, _parser  # type: ignore[attr-defined]

    _ENGINE = f"{sys.implementation.cache_tag}-sre{_sre.MAGIC}"
    _CACHE = re._cache  # type: ignore[attr-defined]
except (ImportError, AttributeError):  # another interpreter: re compiles as usual
    _ENGINE, _CACHE = "", None

MAX_BYTES = 16 << 20
"""Size past which the file starts over (patterns built from documents, or by a library in a different order each
run, add a little to it on every run that meets them)."""

_known: set[tuple[str, int]] = set()
"""The (pattern, flags) pairs the file held when it was loaded (those need not be saved again)."""
_damaged: list[bool] = []
"""Holds True when :func:`load` met a damaged list: :func:`save` then starts the file over."""


def cache_file() -> Path:
    return cache_dir() / "regex" / f"{_ENGINE}.marshal"


def load() -> int:
    """Put the patterns earlier processes saved into ``re``'s cache; the number put there (0: none usable).

    The file is a sequence of marshalled lists, each after its length in 8 bytes, one appended by each process
    that compiled something new; a damaged list ends the reading (what came before it counts)."""
    if _CACHE is None or _known:
        return 0
    try:
        data = cache_file().read_bytes()
    except OSError:
        return 0
    put, at = 0, 0
    while at < len(data):
        size = int.from_bytes(data[at:at + 8], "little")
        try:
            entries = marshal.loads(data[at + 8:at + 8 + size]) if at + 8 + size <= len(data) else None
        except (EOFError, ValueError, TypeError):
            entries = None
        if entries is None:  # a list cut short or garbled
            _damaged.append(True)
            return put
        at += 8 + size
        for entry in entries if isinstance(entries, list) else ():
            try:
                pattern, flags, final_flags, code, groups, groupindex, indexgroup = entry
                compiled = _sre.compile(pattern, final_flags, code, groups, groupindex, indexgroup)
            except (TypeError, ValueError, RuntimeError):
                continue
            _known.add((pattern, flags))  # all of them, even past re._MAXCACHE: re then drops one old pattern per new
            _CACHE[type(pattern), pattern, flags] = compiled
            put += 1
    return put


def save() -> int:
    """Append the patterns this process compiled that the file lacks; the number added (never raises)."""
    if _CACHE is None:
        return 0
    new = [(pattern, flags) for (kind, pattern, flags) in list(_CACHE)
           if kind is str and (pattern, flags) not in _known and not flags & re.DEBUG]
    if not new:
        return 0
    try:
        added = marshal.dumps([_entry(pattern, flags) for pattern, flags in new])
        added = len(added).to_bytes(8, "little") + added
        path = cache_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        if _damaged or (path.exists() and path.stat().st_size + len(added) > MAX_BYTES):
            path.unlink(missing_ok=True)
            _damaged.clear()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(fd, added)  # one write to a file opened for appending: whole, after whatever is there
        finally:
            os.close(fd)
    except (OSError, ValueError, TypeError, RecursionError):
        return 0
    _known.update(new)
    return len(new)


def _entry(pattern: str, flags: int) -> tuple:
    """What ``re._compiler.compile`` hands the engine for ``pattern``, as plain data."""
    parsed = _parser.parse(pattern, flags)
    code = [int(word) for word in _compiler._code(parsed, flags)]  # named constants are ints
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    return (pattern, flags, flags | parsed.state.flags, code, parsed.state.groups - 1, groupindex, tuple(indexgroup))
