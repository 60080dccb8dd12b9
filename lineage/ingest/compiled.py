"""Regular expressions compiled by an earlier process, reused (issue 31: compiling them was 0.2 s of a report).

The readers hold a few hundred patterns (cues at module level, one per catalog entity), and CPython compiles each
in pure Python on every run. What compiling yields is plain data (the pattern's code words, group count and
names), so :func:`save` keeps it in the cache directory (marshal, one file per interpreter and regex engine
version) and :func:`load`, run once when :mod:`lineage.ingest` is imported, gives those patterns back to
``re``'s own cache: ``re.compile`` and ``re.search`` then find them as if this process had compiled them. The
patterns are the very objects ``re`` builds (the engine compiles from the same code words), so nothing a
reader finds changes; a file from another interpreter, a damaged file or a ``re`` without these internals is
ignored and ``re`` compiles as usual.
"""

from __future__ import annotations

import marshal
import re
import sys
from pathlib import Path

from lineage.paths import cache_dir, write_cached

try:  # CPython's regex engine and its compiler: the internals this cache relies on
    import _sre  # type: ignore[import-not-found]
    from re import _compiler, _parser  # type: ignore[attr-defined]

    _ENGINE = f"{sys.implementation.cache_tag}-sre{_sre.MAGIC}"
    _CACHE = re._cache  # type: ignore[attr-defined]
except (ImportError, AttributeError):  # another interpreter: re compiles as usual
    _ENGINE, _CACHE = "", None

MAX_PATTERNS = 4096
"""Patterns kept in the file at most (more: the file is rewritten with this process's patterns only)."""

_known: set[tuple[str, int]] = set()
"""The (pattern, flags) pairs the file held when it was loaded (those need not be saved again)."""


def cache_file() -> Path:
    return cache_dir() / "regex" / f"{_ENGINE}.marshal"


def load() -> int:
    """Put the patterns an earlier process saved into ``re``'s cache; the number put there (0: none usable)."""
    if _CACHE is None or _known:
        return 0
    try:
        entries = marshal.loads(cache_file().read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return 0
    put = 0
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
    """Keep the patterns this process compiled that the file lacks; the number added (never raises)."""
    if _CACHE is None:
        return 0
    new = [(pattern, flags) for (kind, pattern, flags) in list(_CACHE)
           if kind is str and (pattern, flags) not in _known and not flags & re.DEBUG]
    if not new:
        return 0
    try:
        path = cache_file()
        try:
            entries = marshal.loads(path.read_bytes())
            entries = entries if isinstance(entries, list) else []
        except (OSError, EOFError, ValueError, TypeError):
            entries = []
        if len(entries) + len(new) > MAX_PATTERNS:  # patterns built from documents: keep the ones in use
            entries = []
        added = [_entry(pattern, flags) for pattern, flags in new]
        kept = {(e[0], e[1]): e for e in [*entries, *added] if isinstance(e, tuple) and len(e) == 7}
        if not write_cached(path, marshal.dumps(list(kept.values()))):
            return 0
    except (ValueError, TypeError, RecursionError):
        return 0
    _known.update(new)
    return len(added)


def _entry(pattern: str, flags: int) -> tuple:
    """What ``re._compiler.compile`` hands the engine for ``pattern``, as plain data."""
    parsed = _parser.parse(pattern, flags)
    code = [int(word) for word in _compiler._code(parsed, flags)]  # named constants are ints
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    return (pattern, flags, flags | parsed.state.flags, code, parsed.state.groups - 1, groupindex, tuple(indexgroup))
