"""Tables of articles as drafts, and the draft every article reader makes.

A table pasted from a web page as plain text runs its cells together ("ModelScoreParameters…",
"Kimi K2.6731.6T256K-1M~1/8").  Its header is split at the seams where words were glued, each column
is typed by what its header says it holds (score, parameters, context, cost), and each row is read by
the pattern those columns make, in their order; the model's name is the catalog name the row starts
with, else the shortest name the values allow.  A table whose header names models gives one column
per model and one row per dimension.  Markdown and HTML tables are read by
:mod:`lineage.ingest.article_units` (rows with their header cells).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lineage.domain import Predicate, clip, slug
from lineage.ingest.stated import context_tokens, scaled

_GLUE = re.compile(r"(?<=[a-z%)’'])(?=[A-Z0-9])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[0-9])(?=[A-Z][a-z])")
_QTY = r"(\d+(?:\.\d+)?)\s*([BT])\b"
_CTX = re.compile(r"(\d+(?:\.\d+)?)\s*([KM])\b")
_COLUMN_VALUES = (
    (re.compile(r"score|points|\bavg|average|mmlu|gpqa|aime|elo", re.I), r"100|\d{2}(?:\.\d{1,2})?", Predicate.BENCHMARK_SCORE),
    (re.compile(r"param|size", re.I), r"\d+(?:\.\d+)?[BT]|N/A", Predicate.TOTAL_PARAMETERS),
    (re.compile(r"context|window", re.I), r"\d+[KM](?:-\d+[KM])?|N/A", Predicate.CONTEXT_LENGTH),
    (re.compile(r"cost|price", re.I), r"~?\d+/\d+|N/A", Predicate.API_COST_RATIO),
)
"""What a column's header says its cells hold, and how such a cell is written; a table pasted as text runs its cells
together ("Kimi K2.6731.6T256K-1M~1/8"), so a row is read by the pattern its header's columns make, in their order."""


def _glued_row(columns: list[str]) -> tuple[re.Pattern, list[tuple[str, Predicate]]] | None:
    """The pattern of a glued row under ``columns`` (the first names the model), or None when a column is of no known kind."""
    kinds: list[tuple[str, Predicate]] = []
    parts: list[str] = []
    for col in columns[1:]:
        kind = next(((pat, pred) for test, pat, pred in _COLUMN_VALUES if test.search(col)), None)
        if kind is None:
            return None
        parts.append(f"(?P<c{len(parts)}>{kind[0]})")
        kinds.append((col, kind[1]))
    return re.compile("^(?P<name>.+?\x00|[^\x00]+?)" + "".join(parts) + "$"), kinds


@dataclass
class ArticleStatement:
    """A statement an article makes and where it makes it; :func:`lineage.ingest.article.draft_claims` turns it into a
    :class:`lineage.domain.Draft`."""

    subject: str
    predicate: Predicate
    object: str | None = None
    value: str | int | float | None = None
    unit: str | None = None
    qualifiers: dict[str, str] = field(default_factory=dict)
    locator: str = ""
    snippet: str = ""
    more: list[tuple[str, str]] = field(default_factory=list)
    """Further (locator, snippet) pairs where the article says the same thing."""
    shape: str = ""
    """The reader that made it (``table-text``, ``prose``, ``maker``, ``hardware``, ``unit-row``, ``unit-item``,
    ``unit-sentence``): a feature of :mod:`lineage.ingest.article_judge`, never written to a claim."""
    context: str = ""
    """The words the cues read for it (a row's cell and header, a list item's label, a clause); empty: the snippet."""
    role: str = "uses"
    """What the phrasing cues around it say (``uses``/``states``, or negation, comparison, plan, hypothetical)."""


def cells(line: str) -> list[str]:
    if "|" in line:
        return [c.strip() for c in line.strip("|").split("|")]
    if "\t" in line:
        return [c.strip() for c in line.split("\t")]
    return [c.strip() for c in _GLUE.split(line) if c.strip()]


def is_prose(line: str) -> bool:
    return bool(re.search(r"[.!?]\s|[.!?]$", line)) and not re.search(r"\d\.\d", line.rstrip(".")) or len(line) > 160


def table_drafts(lines: list[str], start: int, r) -> tuple[list[ArticleStatement], int]:
    """Rows of one table starting at ``lines[start]`` (its header); returns drafts and the line after it."""
    header = lines[start]
    rows_end = start + 1
    while rows_end < len(lines) and lines[rows_end] and not is_prose(lines[rows_end]):
        rows_end += 1
    rows = list(range(start + 1, rows_end))
    drafts: list[ArticleStatement] = []
    context = next((lines[i] for i in range(start - 1, max(-1, start - 4), -1) if lines[i]), "")
    header_models = [m for m in r.find(header, glued=True) if m.kind in ("model", "family")]

    glued = _glued_row(cells(header)) if not header_models else None
    if glued is not None:
        # one model per row, the other columns typed by their headers
        pattern, kinds = glued
        for i in rows:
            row = lines[i]
            # the name the catalog knows at the row's start wins over the shortest name the values allow
            starts = [k for k in r.find(row, glued=True) if k.kind in ("model", "family") and k.start == 0]
            m = next((m for k in starts if (m := pattern.match(row[: k.end] + "\x00" + row[k.end :]))), None)
            m = m or pattern.match(row)
            if not m:
                continue
            name = m.group("name").replace("\x00", "").strip()
            known = [k for k in r.find(name, glued=True) if k.kind in ("model", "family") and k.start == 0 and k.end == len(name)]
            subjects = known[0].ids if known else [slug(name)]
            q = {} if known else {"name": name}
            loc = f"line {i + 1} (table row)"
            for k, (col, pred) in enumerate(kinds):
                cell = m.group(f"c{k}")
                if cell == "N/A":
                    continue
                for subject in subjects:
                    drafts.append(_cell_draft(subject, pred, col, cell, {**q}, context, loc, row))
        return drafts, rows_end

    if len(header_models) >= 1:
        # comparison: one column per model named in the header, one row per dimension
        for i in rows:
            row_cells = cells(lines[i])
            if len(row_cells) != 1 + len(header_models):
                continue
            label = row_cells[0].lower()
            loc = f"line {i + 1} (table row)"
            for col, model in zip(row_cells[1:], header_models):
                if "param" in label:
                    for qm in re.finditer(_QTY + r"\s*(total|active|activated)?", col, re.I):
                        pred = Predicate.ACTIVE_PARAMETERS if (qm.group(3) or "").lower().startswith("activ") else Predicate.TOTAL_PARAMETERS
                        for subject in model.ids:
                            drafts.append(ArticleStatement(subject, pred, value=_count(qm.group(0)), unit="parameters",
                                                qualifiers={"stated": qm.group(0).strip()}, locator=loc, snippet=lines[i]))
                elif "context" in label:
                    ctx = _CTX.search(col)
                    if ctx:
                        for subject in model.ids:
                            drafts.append(ArticleStatement(subject, Predicate.CONTEXT_LENGTH, value=_tokens(ctx), unit="tokens",
                                                qualifiers={"stated": ctx.group(0)}, locator=loc, snippet=lines[i]))
    return drafts, rows_end


def _cell_draft(subject: str, pred: Predicate, col: str, cell: str, q: dict, context: str, loc: str, row: str) -> ArticleStatement:
    """One glued-row cell as a draft: the column's header (and the text over the table) says what it measures."""
    if pred is Predicate.BENCHMARK_SCORE:
        return ArticleStatement(subject, pred, value=float(cell), unit="points", qualifiers={**q, "evaluation": clip(context or col, 120)},
                     locator=loc, snippet=row)
    if pred is Predicate.TOTAL_PARAMETERS:
        return ArticleStatement(subject, pred, value=_count(cell), unit="parameters", qualifiers={**q, "stated": cell}, locator=loc, snippet=row)
    if pred is Predicate.CONTEXT_LENGTH:
        return ArticleStatement(subject, pred, value=_tokens(_CTX.match(cell)), unit="tokens", qualifiers={**q, "stated": cell},
                     locator=loc, snippet=row)
    return ArticleStatement(subject, pred, value=cell.lstrip("~"), qualifiers={**q, "column": col}, locator=loc, snippet=row)


def _count(text: str) -> int:
    m = re.match(_QTY, text.strip(), re.I)
    assert m is not None, text  # a cell or span the count pattern matched
    return int(scaled(m.group(1), m.group(2)))


def _tokens(m: re.Match[str] | None) -> int:
    assert m is not None  # a cell or span the context pattern matched
    return context_tokens(m.group(1), m.group(2))
