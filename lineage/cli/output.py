"""One output option for every question: ``--format table|json|md|csv`` (``--json`` its shorthand),
and one ``--min-status`` with one documented order (:data:`lineage.vocab.STATUS_ORDER`).

A command renders its answer once, with :func:`lineage.cli.options.table` for its tables and plain
lines round them; :func:`rendering` decides what that becomes:

- ``table``: text fitted to the terminal (the default);
- ``md``: the same lines, each table a Markdown table (cells escaped: source text never runs or links);
- ``csv``: the tables only, each as CSV with its header row, one blank line between tables
  (the lines round them, which are not rows, are left out);
- ``json``: the answer itself, as the library returns it (commands print it with ``emit_json``).

Nothing here imports the library at module import.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import sys
import textwrap
from collections.abc import Iterator, Sequence
from enum import Enum
from typing import Annotated, Any

import typer

from lineage.cli.terminal import md_cell, terminal_width
from lineage.vocab import STATUS_ORDER, WEAKEST, Status


class Format(str, Enum):
    """How a question prints its answer."""

    table = "table"
    json = "json"
    md = "md"
    csv = "csv"


FormatOpt = Annotated[
    Format,
    typer.Option("--format", help="table (fitted to the terminal), json, md (Markdown) or csv (the tables only)."),
]
MinStatusOpt = Annotated[
    Status | None,
    typer.Option(
        "--min-status",
        metavar="STATUS",
        help=f"Keep only rows whose status is at least this strong ({STATUS_ORDER}); default: every status.",
        show_default=False,
    ),
]


_MODE: list[Format] = [Format.table]
"""The format tables are rendered in now (the last entry): set by :func:`rendering` for one command."""
_CSV: list[str] = []
"""The CSV tables a ``--format csv`` command made, printed together when it ends."""


def mode() -> Format:
    """The format :func:`lineage.cli.options.table` renders in now."""
    return _MODE[-1]


@contextlib.contextmanager
def rendering(fmt: Format, json_out: bool) -> Iterator[bool]:
    """Render one command's answer in ``fmt``; yields whether to print JSON (``--json`` or ``--format json``).

    With ``csv`` every line the command prints is dropped but its tables, which are printed at the end.
    """
    as_json = json_out or fmt is Format.json
    if fmt is Format.json or as_json:
        yield as_json
        return
    if fmt is Format.table:
        width = terminal_width()
        if not width:
            yield False
            return
        saved = sys.stdout
        sys.stdout = _Fitted(saved, width)
        try:
            yield False
        finally:
            sys.stdout.flush()
            sys.stdout = saved
        return
    _MODE.append(fmt)
    saved, start = sys.stdout, len(_CSV)
    if fmt is Format.csv:
        sys.stdout = io.StringIO()
    try:
        yield False
    finally:
        _MODE.pop()
        if fmt is Format.csv:
            sys.stdout = saved
            tables = _CSV[start:]
            del _CSV[start:]
            if tables:
                typer.echo("\n".join(tables).rstrip("\n"))


def min_status_or_any(min_status: Status | None) -> Status:
    """``--min-status`` as the library takes it: not given means every status (the weakest)."""
    return WEAKEST if min_status is None else min_status


def rendered_table(headers: Sequence[str], rows: list[list[Any]]) -> str | None:
    """``rows`` (cells made to text) as the current format wants them; ``None`` in ``table`` mode.

    In ``csv`` mode the table is kept for the end of the command and an empty string is returned.
    """
    fmt = mode()
    if fmt is Format.md:
        head = [h.strip() or " " for h in headers]
        lines = ["| " + " | ".join(md_cell(h) for h in head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(md_cell(c) for c in r) + " |" for r in rows]
        return "\n" + "\n".join(lines) + "\n"
    if fmt is Format.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([h.strip() for h in headers])
        writer.writerows([[str(c).strip() for c in r] for r in rows])
        _CSV.append(buffer.getvalue())
        return ""
    return None


_SGR = re.compile(r"\x1b\[[0-9;]*m")


class _Fitted(io.TextIOBase):
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
