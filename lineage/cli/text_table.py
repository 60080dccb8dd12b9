"""Tables and lines of text fitted to the terminal.

:func:`table` shrinks its widest columns to ``$COLUMNS`` (or the terminal's width; nothing is cut
when output goes to a pipe without ``COLUMNS``) and colours status cells only on a terminal and never
under ``NO_COLOR``; :func:`fitted` wraps a long line at its spaces.  Commands call
:func:`lineage.cli.render.table`, which renders Markdown and CSV itself and text here.
"""

from __future__ import annotations

import io
import os
import re
import sys
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

from lineage.cli.terminal import printable, terminal_width
from lineage.store.documents import quoted as release_quoted
from lineage.vocab import FETCH_HINT, FETCH_NOTE


def colour() -> bool:
    """Whether to colour output: stdout is a terminal and ``NO_COLOR`` is unset (https://no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


STATUS_COLOURS = {"verified": "32", "reported": "33", "disputed": "35", "contradicted": "31", "unverified": "2"}
"""ANSI SGR code per status: green, yellow, magenta, red, dim."""


def paint(text: str, status: str) -> str:
    """``text`` in the colour of ``status`` when colour is on (call with the already padded cell)."""
    code = STATUS_COLOURS.get(status.strip())
    return f"\x1b[{code}m{text}\x1b[0m" if code and colour() else text



def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is str:
        return value if value.isprintable() else printable(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10_000:
        return f"{value:,}"
    return printable(str(value))



def _text(value: Any) -> str:
    """A cell's text, whole (a table wraps it; it never cuts it)."""
    return value if type(value) is str and value.isprintable() else cell_text(value)


def _made(row: list) -> tuple[str, ...]:
    """``row`` with every cell that is a function replaced by its text (in place), as a tuple."""
    for i, x in enumerate(row):
        if callable(x):
            row[i] = _text(x())
    return tuple(row)


def _fit(natural: list[int], floors: list[int], budget: int) -> list[int]:
    """Column widths summing to at most ``budget``: the widest shrinkable column gives up space first."""
    sizes = list(natural)
    excess = sum(sizes) - budget
    while excess > 0:
        candidates = [i for i, s in enumerate(sizes) if s > floors[i]]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: sizes[i])
        others = [sizes[i] for i in candidates if i != widest]
        step = min(excess, sizes[widest] - floors[widest], max(1, sizes[widest] - max(others, default=0)))
        sizes[widest] -= step
        excess -= step
    return sizes


KEPT = {"STATUS", "ID", "CLAIM", "MODEL", "SOURCE", "DEVICE", "TECHNIQUE", "WHO", "ORG", "ORGANIZATION"}
"""Columns never cut, whatever the width: statuses, and the ids a user copies into the next command."""



def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: dict[int, int] | None = None,
    *,
    wrap: Iterable[int] = (),
    keep: Iterable[int] = (),
    optional: Sequence[int] = (),
    width: int | None = None,
) -> str:
    """Left-aligned plain-text table that fits the terminal (:func:`lineage.cli.render.table` in ``--format table``).

    ``widths[i]`` caps the width of column ``i``; when the table is wider than ``width`` (default
    :func:`terminal_width`), the widest columns shrink first, down to their header, except those in
    ``keep`` and those headed as in :data:`KEPT` (ids a user copies: never cut, never capped). When
    that would leave a column narrower than 20 characters, the ``optional`` columns are left out
    instead, in the order given. A cell wider than its column wraps onto more lines: nothing is cut
    (``wrap`` is accepted for callers that name it; every column wraps). Integers of five digits or more get thousands separators; a ``STATUS`` column is
    coloured on a terminal. Identical rows are shown once. A cell may be a function of no arguments,
    called only when its text is needed: its column shown, as wide as it may be, or its row alike
    to another in every other cell (the evidence of 3,700 claims, left out at 100 columns).

    Examples
    --------
    >>> print(table(["ID", "TEXT"], [["a", "one two three four"], ["b", 12345]], width=12))
    ID  TEXT
    a   one two
        three
        four
    b   12,345
    """
    head = [str(h) for h in headers]
    keep = set(keep) | {i for i, h in enumerate(head) if h.strip() in KEPT}
    caps = {i: cap for i, cap in (widths or {}).items() if i not in keep and cap}
    cells: list[list] = []
    kept: dict[tuple, list[list]] = {}  # rows shown, by their cells that are text already
    for row in rows:
        out = [v if callable(v) else _text(v) for v in row]
        alike = kept.setdefault(tuple([None if callable(x) else x for x in out]), [])
        if alike and any(_made(r) == _made(out) for r in alike):
            continue
        alike.append(out)
        cells.append(out)
    natural = []
    for i, h in enumerate(head):
        cap, most = caps.get(i), len(h)
        for r in cells:
            if cap and most >= cap:  # the column is as wide as its cap: longer cells wrap
                break
            if callable(r[i]):
                r[i] = _text(r[i]())
            most = max(most, len(r[i]))
        natural.append(max(len(h), min(most, cap)) if cap else most)
    limit = width if width is not None else terminal_width()
    sizes, shown = natural, list(range(len(head)))
    optional = list(optional)
    while limit:
        floors = [natural[i] if i in keep else min(natural[i], max(len(head[i]), 6, _word(cells, i, 12))) for i in shown]
        budget = limit - 2 * (len(shown) - 1)
        first = next((n for n, i in enumerate(shown) if i in keep), None)
        if first is not None:  # the first id column: as wide as the others leave, nine ids in ten at most
            room = max(budget - sum(floors) + floors[first], 12)
            floors[first] = max(len(head[shown[first]]), min(floors[first], _id_floor(cells, shown[first]), room))
        sizes = _fit([natural[i] for i in shown], floors, budget)
        squeezed = sum(sizes) > budget or any(s < min(natural[i], 20) for s, i in zip(sizes, shown) if i not in keep)
        if not (squeezed and optional):
            break
        shown.remove(optional.pop(0))
    for r in cells:
        for i in shown:
            if callable(r[i]):
                r[i] = _text(r[i]())
    if len(shown) < len(head):
        head = [head[i] for i in shown]
        cells = [[r[i] for i in shown] for r in cells]
    status_col = next((i for i, h in enumerate(head) if h.strip() == "STATUS"), None) if colour() else None
    wrappers = [_Wrapper(size) for size in sizes]
    if status_col is None:  # every cell padded by one format (thousands of lines: claims)
        padded = "  ".join(f"{{:<{size}}}" for size in sizes).format

        def line(texts: list[str]) -> str:
            return padded(*texts).rstrip()
    else:

        def line(texts: list[str]) -> str:
            return _line(texts, sizes, status_col)

    lines = [_line(head, sizes, None)]
    for r in cells:
        if all(len(text) <= size for text, size in zip(r, sizes)):
            lines.append(line(r))
            continue
        for i, (text, size) in enumerate(zip(r, sizes)):
            if len(text) > size and shown[i] in keep:
                lines.append(" " * (sum(sizes[:i]) + 2 * i) + text)  # an id longer than its column: whole, alone
                r = r[:i] + [""] + r[i + 1:]
        parts = [[text] if len(text) <= size else wrappers[i].wrap(text) or [""] for i, (text, size) in enumerate(zip(r, sizes))]
        lines.extend(line([p[n] if n < len(p) else "" for p in parts]) for n in range(max(map(len, parts))))
    if _UNSHIPPED[0]:  # one line under the table, not the same words in every row
        _UNSHIPPED[0] = False
        lines.append(FETCH_NOTE)
    return "\n".join(lines)


def _id_floor(cells: list[list], i: int) -> int:
    """As wide as nine ids in ten of column ``i``; longer ones get a line of their own."""
    sizes = sorted(len(r[i]) for r in cells) or [0]
    return sizes[(len(sizes) - 1) * 9 // 10]


def _word(cells: list[list], i: int, most: int) -> int:
    """The longest word in column ``i``, up to ``most`` (a column narrower than its words breaks them)."""
    longest = 0
    for r in cells:
        if len(r[i]) > longest:
            longest = max(longest, *(len(w) for w in r[i].split())) if r[i].strip() else longest
            if longest >= most:
                return most
    return longest


class _Wrapper(textwrap.TextWrapper):
    """``textwrap.wrap(text, width, break_long_words=True)``, each distinct word split into chunks once.

    Its word separator reads no further than the spaces round a word, so a text's chunks are its
    words' chunks and the spaces between them (table cells repeat ids: 1,165 distinct words in
    3,700 claim statements).
    """

    def __init__(self, width: int):
        super().__init__(width, break_long_words=True)
        self._words: dict[str, list[str]] = {}

    def _handle_long_word(self, reversed_chunks, cur_line, cur_len, width):
        if not cur_line:  # a word wider than the column starts a line of its own before it is split
            super()._handle_long_word(reversed_chunks, cur_line, cur_len, width)

    def _split(self, text: str) -> list[str]:
        chunks = []
        for part in self.wordsep_simple_re.split(text):  # words and the whitespace between them
            if part.isspace():
                chunks.append(part)
            elif part:
                found = self._words.get(part)
                if found is None:
                    found = self._words[part] = super()._split(part)
                chunks += found
        return chunks


def _line(texts: list[str], sizes: list[int], status_col: int | None) -> str:
    """One line of cells padded to ``sizes``; the ``status_col`` cell coloured (``None``: no colour)."""
    padded = [t.ljust(size) for t, size in zip(texts, sizes)]
    if status_col is not None:
        padded[status_col] = paint(padded[status_col], texts[status_col])
    return "  ".join(padded).rstrip()


_UNSHIPPED = [False]
"""Whether a quote made since the last table was :data:`~lineage.vocab.FETCH_HINT` (the table then says how to get it)."""


def quoted(ev) -> str:
    """What a table shows for a piece of evidence (:func:`lineage.store.documents.quoted`)."""
    text = release_quoted(ev)
    if text == FETCH_HINT:
        _UNSHIPPED[0] = True
    return text


_SGR = re.compile(r"\x1b\[[0-9;]*m")


class Fitted(io.TextIOBase):
    """``stream`` with every line wider than ``width`` wrapped at its spaces, continued two spaces
    deeper than it began (a table's lines fit already; words, ids and addresses are never split)."""

    def __init__(self, stream: Any, width: int):
        self._stream, self._width, self._pending = stream, width, ""

    def isatty(self) -> bool:
        return self._stream.isatty()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        *done, self._pending = (self._pending + text).split("\n")
        if done:
            self._stream.write("".join(fitted(line, self._width) + "\n" for line in done))
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._stream.write(fitted(self._pending, self._width))
            self._pending = ""
        self._stream.flush()


def fitted(line: str, width: int) -> str:
    """``line`` wrapped to ``width`` columns (colour codes not counted); unchanged when it fits.

    Examples
    --------
    >>> print(fitted("  used by: alpha-1, beta-2, gamma-3", 20))
      used by: alpha-1,
        beta-2, gamma-3
    """
    if len(line) <= width or len(_SGR.sub("", line)) <= width:
        return line
    indent = line[: len(line) - len(line.lstrip(" "))]
    return "\n".join(textwrap.wrap(line.strip(), width, initial_indent=indent, subsequent_indent=indent + "  ",
                                    break_long_words=False, break_on_hyphens=False)) or line
