"""Options shared by every command, the error table in action, and the terminal renderers.

Rendering fits the terminal: :func:`table` shrinks its widest columns to ``$COLUMNS`` (or the
terminal's width; nothing is cut when output goes to a pipe without ``COLUMNS``), colours status
cells only on a terminal and never under ``NO_COLOR``; numbers are written for people
(:func:`human`, :func:`quantity`).  Nothing here imports the library at module import.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
import textwrap
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from lineage.cli import output
from lineage.cli.terminal import printable, terminal_width
from lineage.errors import LineageError, exit_code_for
from lineage.store.documents import quoted as release_quoted
from lineage.vocab import FETCH_HINT, FETCH_NOTE

StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        envvar="LINEAGE_STORE",
        metavar="DIR",
        help="Store directory (default: the user data dir; env LINEAGE_STORE).",
        show_default=False,
        show_envvar=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON (errors too, on stderr).")]
LimitOpt = Annotated[int | None, typer.Option("--limit", min=1, metavar="N", help="Show at most this many rows.")]


def report_error(message: str, code: int, json_out: bool = False) -> None:
    """One error on stderr: ``Error: message``, or ``{"error": message, "code": code}`` with ``--json``."""
    if json_out:
        typer.echo(json.dumps({"error": message, "code": code}, ensure_ascii=False), err=True)
    else:
        typer.echo(f"Error: {message}", err=True)


def fail(message: str, code: int, json_out: bool = False) -> typer.Exit:
    """Report ``message`` on stderr and return the Exit to raise."""
    report_error(message, code, json_out)
    return typer.Exit(code)


def handles_errors(fn: Callable) -> Callable:
    """Turn library errors into one-line messages and exit codes (tracebacks with LINEAGE_DEBUG=1).

    A command called with ``--json`` reports its error as JSON on stderr, with the same exit code.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        json_out = bool(kwargs.get("json_out")) or getattr(kwargs.get("fmt"), "value", None) == "json"
        try:
            return fn(*args, **kwargs)
        except LineageError as exc:
            if os.environ.get("LINEAGE_DEBUG"):
                raise
            raise fail(str(exc).splitlines()[0], exit_code_for(exc), json_out) from None
        except KeyboardInterrupt:
            message = "interrupted; every source already written is complete, the rest unchanged"
            raise fail(message, 130, json_out) from None
        except BrokenPipeError:  # the reader left (`lineage claims | head -1`): not an error
            quiet_stdout()
            raise typer.Exit(0) from None

    return wrapper


def quiet_stdout() -> None:
    """Point stdout at /dev/null after a broken pipe, so the flush at exit does not fail again."""
    with contextlib.suppress(OSError, ValueError):  # no real file descriptor: a test runner's buffer
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def open_store(path: Path | None, write: bool = False):
    """The store for one command: read-only (never created, never waiting) unless the command ``write``s.

    A writer that finds another writer's lock prints one line on stderr while it waits.
    """
    from lineage.store import Store

    return Store(path, read_only=not write, on_wait=lambda message: typer.echo(message, err=True))


@functools.cache
def _curated():
    from lineage.catalog import Catalog

    return Catalog.load()


def load_catalog(store=None):
    """The curated catalog (read once per process), overlaid with what ``store``'s sources discovered."""
    catalog = _curated()
    return catalog.with_discovered(store.discovered_entities()) if store is not None else catalog


def read_catalog(store):
    """The catalog overlaid with ``store``'s discoveries, as records, for a command that only reads
    (kept compiled in the store: :func:`lineage.store.read_model.catalog`; no pydantic loaded)."""
    from lineage.store import read_model

    return read_model.catalog(store)


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


def colour() -> bool:
    """Whether to colour output: stdout is a terminal and ``NO_COLOR`` is unset (https://no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


STATUS_COLOURS = {"verified": "32", "reported": "33", "disputed": "35", "contradicted": "31", "unverified": "2"}
"""ANSI SGR code per status: green, yellow, magenta, red, dim."""


def paint(text: str, status: str) -> str:
    """``text`` in the colour of ``status`` when colour is on (call with the already padded cell)."""
    code = STATUS_COLOURS.get(status.strip())
    return f"\x1b[{code}m{text}\x1b[0m" if code and colour() else text


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is str:
        return value if value.isprintable() else printable(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10_000:
        return f"{value:,}"
    return printable(str(value))


def _text(value: Any) -> str:
    """A cell's text, whole (a table wraps it; it never cuts it)."""
    return value if type(value) is str and value.isprintable() else _cell(value)


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
    """Left-aligned plain-text table that fits the terminal.

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
    if output.mode() is not output.Format.table:  # --format md or csv: every cell whole
        made = [[_cell(v() if callable(v) else v).strip() for v in row] for row in rows]
        rendered = output.rendered_table(headers, made)
        assert rendered is not None  # None only in table mode
        return rendered
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


# --------------------------------------------------------------------------- numbers


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


# --------------------------------------------------------------------------- files


STDIN = Path("-")
"""``-`` as a path: standard input for ingest commands, standard output for ``export``."""


@contextlib.contextmanager
def stdin_as_file(paths: list[Path], name: str, what: str, max_bytes: int):
    """``paths`` with ``-`` replaced by a temporary file named ``name`` holding standard input.

    At most ``max_bytes + 1`` bytes are read, so input over the limit of a ``what`` ("config") is
    refused without being read whole; errors name ``-`` (standard input), not the temporary file.
    """
    if STDIN not in paths:
        yield paths
        return
    import tempfile

    from lineage.errors import LineageError, SourceFormatError

    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise SourceFormatError(
            f'{what} "-" (standard input) is over {max_bytes / 2**20:g} MB; lineage reads {what}s up to {max_bytes / 2**20:g} MB'
        )
    with tempfile.TemporaryDirectory(prefix="lineage-stdin-") as tmp:
        target = Path(tmp) / name
        target.write_bytes(data)
        try:
            yield [target if p == STDIN else p for p in paths]
        except LineageError as exc:
            exc.args = tuple(a.replace(str(target), "-").replace(tmp, "-") if isinstance(a, str) else a for a in exc.args)
            raise


_UNSHIPPED = [False]
"""Whether a quote made since the last table was :data:`~lineage.vocab.FETCH_HINT` (the table then says how to get it)."""


def quoted(ev) -> str:
    """What a table shows for a piece of evidence (:func:`lineage.store.documents.quoted`)."""
    text = release_quoted(ev)
    if text == FETCH_HINT:
        _UNSHIPPED[0] = True
    return text


# --------------------------------------------------------------------------- progress


class _Silent:
    def update(self, n: int = 1) -> None:
        pass

    def pages(self, done: int, total: int) -> None:
        pass


class _Bar:
    def __init__(self, progress, task):
        self._progress, self._task = progress, task

    def update(self, n: int = 1) -> None:
        self._progress.advance(self._task, n)

    def pages(self, done: int, total: int) -> None:
        """Set the position when the total is learnt as the work goes (pages of a PDF)."""
        self._progress.update(self._task, completed=done, total=total)


@contextlib.contextmanager
def progress(total: int | None, label: str, show: bool = True):
    """A rich progress bar on stderr, only when stderr is a terminal (pipes and logs stay clean).

    ``total=None`` draws a spinner with the elapsed time, for work that cannot count its steps.
    ``show=False`` (a ``--json`` run) draws nothing either.
    """
    if not show or not sys.stderr.isatty():
        yield _Silent()
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = [SpinnerColumn(), TextColumn("{task.description}")]
    if total is not None:
        columns += [BarColumn(), MofNCompleteColumn()]
    with Progress(*columns, TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
        yield _Bar(bar, bar.add_task(label, total=total))
