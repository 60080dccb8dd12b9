"""The English word list the readers consult, read from a compact sorted copy (issue 31).

The list ships with the ``english-words`` package as a pickled set of 234,450 words; unpickling it and hashing
every word was 0.14 s of reading one report, for the few hundred words a report asks about. The first process
keeps the words sorted, one a line, in the cache directory (named by the package file's size and time, so an
upgrade writes a new copy); later ones split that text and look words up by bisection (0.02 s).
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from importlib.util import find_spec
from pathlib import Path

from lineage.paths import cache_dir, write_cached

SOURCE = "web2"
"""Webster's Second International, the list the readers were tuned with."""


class SortedWords:
    """Membership in a sorted list of words (``"scaling" in words``)."""

    def __init__(self, words: list[str]):
        self._words = words

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        i = bisect_left(self._words, word)
        return i < len(self._words) and self._words[i] == word

    def __len__(self) -> int:
        return len(self._words)


@functools.cache
def english_words() -> SortedWords:
    """The lower-cased English word list (see the module docstring)."""
    copy = _copy_path()
    if copy is not None:
        try:
            return SortedWords(copy.read_text(encoding="utf-8").split("\n"))
        except (OSError, UnicodeDecodeError):
            pass
    from english_words import get_english_words_set  # a word list shipped in a package: no download

    words = sorted(w for w in get_english_words_set([SOURCE], lower=True) if w and "\n" not in w)
    if copy is not None:
        write_cached(copy, "\n".join(words).encode("utf-8"))
    return SortedWords(words)


def _copy_path() -> Path | None:
    spec = find_spec("english_words")
    if spec is None or not spec.submodule_search_locations:
        return None
    try:
        stat = (Path(next(iter(spec.submodule_search_locations))) / "data" / f"{SOURCE}_lower.pickle").stat()
    except OSError:
        return None
    return cache_dir() / "words" / f"{SOURCE}-lower-{stat.st_size}-{stat.st_mtime_ns}.txt"
