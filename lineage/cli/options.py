"""Options shared by every command, the error table in action, and plain-text rendering helpers."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from lineage.domain import json_default
from lineage.errors import LineageError, exit_code_for

StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        envvar="LINEAGE_STORE",
        help="Store directory (default: the user data dir; env LINEAGE_STORE).",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead of a table.")]
LimitOpt = Annotated[int | None, typer.Option("--limit", min=1, help="Show at most this many rows.")]


def fail(message: str, code: int) -> typer.Exit:
    """Print ``Error: message`` on stderr and return the Exit to raise."""
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code)


def handles_errors(fn: Callable) -> Callable:
    """Turn library errors into one-line messages and exit codes (tracebacks with LINEAGE_DEBUG=1)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except LineageError as exc:
            if os.environ.get("LINEAGE_DEBUG"):
                raise
            raise fail(str(exc).splitlines()[0], exit_code_for(exc)) from None
        except KeyboardInterrupt:
            raise fail("interrupted; every source already written is complete, the rest unchanged", 130) from None

    return wrapper


def open_store(path: Path | None):
    from lineage.store import Store

    return Store(path)


@functools.cache
def _curated():
    from lineage.catalog import Catalog

    return Catalog.load()


def load_catalog(store=None):
    """The curated catalog (read once per process), overlaid with what ``store``'s sources discovered."""
    catalog = _curated()
    return catalog.with_discovered(store.discovered_entities()) if store is not None else catalog


def emit_json(value: Any) -> None:
    """Print pydantic models (or lists of them) as indented JSON."""

    def plain(v):
        if hasattr(v, "model_dump"):
            return v.model_dump(mode="json")
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v

    typer.echo(json.dumps(plain(value), indent=2, default=json_default, ensure_ascii=False))


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
"""Control characters, zero-width and bidi overrides: shown as ``\\xNN``/``\\uNNNN``, never sent to a terminal."""

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~&\"'])")
"""Every character CommonMark or an HTML renderer gives meaning to; each is backslash-escaped."""


def printable(text: str) -> str:
    """Source text safe for a terminal: control and bidi characters written as escapes."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}", text)


def md_cell(value: Any) -> str:
    """Source text as one Markdown table cell: one line, no raw HTML, links or emphasis.

    Examples
    --------
    >>> md_cell("<img src=x onerror=alert(1)> | [a](javascript:x)")
    '\\\\<img src=x onerror=alert\\\\(1\\\\)\\\\> \\\\| \\\\[a\\\\]\\\\(javascript:x\\\\)'
    """
    text = printable(" ".join(str("" if value is None else value).split()))
    return _MD_SPECIAL.sub(r"\\\1", text)


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], widths: dict[int, int] | None = None) -> str:
    """Left-aligned plain-text table; column ``i`` is cut to ``widths[i]`` characters."""
    widths = widths or {}
    cells = [[str(h) for h in headers]]
    for row in rows:
        out = []
        for i, v in enumerate(row):
            text = printable("" if v is None else str(v))
            limit = widths.get(i)
            if limit and len(text) > limit:
                text = text[: limit - 1] + "…"
            out.append(text)
        cells.append(out)
    sizes = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(sizes[i]) for i, c in enumerate(r)).rstrip() for r in cells]
    return "\n".join(lines)


class _Silent:
    def update(self, n: int) -> None:
        pass


def progress(total: int, label: str):
    """A progress bar on stderr, drawn only when stderr is a terminal (pipes and logs stay clean)."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext(_Silent())
    return typer.progressbar(length=total, label=label, file=sys.stderr, show_pos=True)


def human(n: int | None) -> str:
    """1_234_000_000 -> '1.23B'; '-' when there is no number."""
    from lineage.domain import human as short

    return "-" if n is None else short(n)
