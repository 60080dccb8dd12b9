"""One place renders every answer: ``--format table|json|md|csv`` (``--json`` its shorthand).

A command renders its answer once, with :func:`table` for its tables and plain lines round them;
:func:`rendering` decides what that becomes:

- ``table``: text fitted to the terminal (the default; :mod:`lineage.cli.text_table`);
- ``md``: the same lines, each table a Markdown table (cells escaped: source text never runs or links);
- ``csv``: the tables only, each as CSV with its header row, one blank line between tables
  (the lines round them, which are not rows, are left out);
- ``json``: the answer itself, as the library returns it (:func:`emit_json`).

Numbers are written for people (:func:`human`, :func:`quantity`).  Nothing here imports the library
at module import.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import typer

from lineage.cli import text_table
from lineage.cli.options import Format
from lineage.cli.terminal import md_cell, terminal_width
from lineage.cli.text_table import cell_text, quoted

__all__ = ["Format", "emit_json", "human", "mode", "quantity", "quoted", "rendering", "section", "table"]

_MODE: list[Format] = [Format.table]
"""The format tables are rendered in now (the last entry): set by :func:`rendering` for one command."""
_CSV: list[str] = []
"""The CSV tables a ``--format csv`` command made, printed together when it ends."""


def mode() -> Format:
    """The format :func:`table` renders in now."""
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
        sys.stdout = text_table.Fitted(saved, width)
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


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], widths: dict[int, int] | None = None, **layout: Any) -> str:
    """A table in the current format: fitted text (:func:`lineage.cli.text_table.table`, which takes
    ``widths`` and the ``layout`` keywords), or with ``--format md``/``csv`` every cell whole."""
    if mode() is Format.table:
        return text_table.table(headers, rows, widths, **layout)
    made = [[cell_text(v() if callable(v) else v).strip() for v in row] for row in rows]
    rendered = rendered_table(headers, made)
    assert rendered is not None  # None only in table mode
    return rendered


def section(title: str) -> None:
    """A blank line and a section title, between the parts of one answer."""
    typer.echo(f"\n== {title} ==")


def emit_json(value: Any) -> None:
    """Print answers (dataclasses), pydantic models or records, or lists of them, as indented JSON."""
    import dataclasses

    from lineage.domain import json_default

    def plain(v):
        if hasattr(v, "model_dump"):
            return v.model_dump(mode="json")
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            return {f.name: plain(getattr(v, f.name)) for f in dataclasses.fields(v)}
        if isinstance(v, list | tuple):
            return [plain(x) for x in v]
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        return v

    typer.echo(json.dumps(plain(value), indent=2, default=json_default, ensure_ascii=False))


def human(n: float | None) -> str:
    """1_234_000_000 -> '1.23B'; '-' when there is no number."""
    from lineage.vocab import human as short

    return "-" if n is None else short(n)


QUANTITIES = {
    "totalParameters": "parameters",
    "activeParameters": "parameters",
    "mtpParameters": "parameters",
    "trainingTokens": "tokens",
    "contextLength": "tokens",
    "kvBytesPerToken": "bytes/token",
    "gpuHours": "GPU hours",
    "inferenceFlopsRatio": "%",
    "kvCacheRatio": "%",
}
"""Predicates whose value is a count, and its unit: parameter and token counts are read in B/T."""


def quantity(predicate: str, value: Any) -> str:
    """A claim's value as a person reads it.

    Examples
    --------
    >>> quantity("totalParameters", "1026408232448"), quantity("contextLength", 262144)
    ('1.03T', '256K tokens')
    >>> quantity("trainingTokens", 14.8e12), quantity("layers", 61), quantity("released", "2025-07")
    ('14.8T tokens', '61', '2025-07')
    >>> quantity("kvCacheRatio", 0.1), quantity("inferenceFlopsRatio", 0.261)
    ('10%', '26.1%')
    """
    unit = QUANTITIES.get(predicate)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "" if value is None else str(value)
    if unit is None:
        return f"{int(number):,}" if number.is_integer() and abs(number) >= 10_000 else str(value)
    if unit == "parameters":
        return human(number)
    if unit == "%":  # a fraction of a baseline's
        return f"{number:.1%}".replace(".0%", "%")
    if predicate == "contextLength" and number.is_integer() and number >= 1024 and number % 1024 == 0:
        kib = int(number) // 1024  # windows are powers of two: 131,072 is read 128K
        return f"{kib // 1024}M {unit}" if kib % 1024 == 0 else f"{kib}K {unit}"
    if number >= 1e9:
        return f"{human(number)} {unit}"
    return f"{int(number):,} {unit}" if number.is_integer() else f"{number:,} {unit}"
