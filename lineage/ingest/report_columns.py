"""The own model's column in a comparison table: "Architecture - MoE Dense MoE" under model names.

Reports compare their model with others in tables whose first rows say what each column's model is
built as.  A PDF gives such a table as lines of whitespace-separated cells: one to three header
lines of exactly one cell per column (a name broken over two lines reads top to bottom), then rows
of a label and one cell per column::

    Omega DeepSeek Zeta
    7B V3 3B
    Architecture Dense MoE MoE

A row adopts a technique for the own model when its label is a design slot (architecture, attention,
normalization …), the cell under the own model's column is exactly one of the technique's aliases,
and that column's header names the own model and no other.  Cells count only when every header line
has as many cells as the row, so a header broken unevenly is never read into the wrong column.
"""

from __future__ import annotations

import re

from lineage.ingest.adoption_rules import Kind, TechniqueMention, own_subject
from lineage.ingest.text import Sentence, candidates

_SLOT = re.compile(
    r"(?:model\s+)?(?:architecture|arch\.?|model\s+type|attention(?:\s+type)?|position(?:al)?\s+(?:embedding|encoding)s?|"
    r"normali[sz]ation|activation(?:\s+function)?|optimi[sz]er)",
    re.I,
)
"""Row labels that name a part of the model's design, not a score or a size."""
_CELL = re.compile(r"[-–—✓✗×]|[\d.,]+[KMBT%]?|[A-Z][\w.+-]*")
"""A one-word cell: a dash, a number, or a capitalised word ("MoE", "Dense", "Yes")."""
MAX_ROWS_ABOVE = 30
"""How far above a row its header may be (rows of the same table in between)."""


def column_adoptions(pages: list[str], patterns: dict[str, re.Pattern], own_names: list[str], other_names: list[str]) -> list[TechniqueMention]:
    """Adoptions read from the own model's column of every comparison table (pages as :meth:`PdfText.body_pages`)."""
    own = own_subject(own_names)
    others = re.compile("|".join(rf"(?<![\w-]){re.escape(n)}(?![\w-])" for n in other_names)) if other_names else None
    out = []
    for page_no, text in enumerate(pages, start=1):
        offset = 0
        lines = []
        for line in text.split("\n"):
            lines.append((offset, line.split()))
            offset += len(line) + 1
        for i, (at, row) in enumerate(lines):
            if len(row) < 3 or not _SLOT.match(" ".join(row[:3])):
                continue
            found = _header(lines[max(0, i - MAX_ROWS_ABOVE) : i], row)
            if found is None:
                continue
            columns, header_lines = found
            label, cells = " ".join(row[: -len(columns)]), row[-len(columns) :]
            if not _SLOT.fullmatch(label) or not all(_CELL.fullmatch(c) for c in cells):
                continue  # a cell of several words ("GQA (8 groups)") would shift the others out of their columns
            for name, cell in zip(columns, cells, strict=True):
                if not own.search(name) or (others is not None and others.search(name)):  # "DeepSeek R1", not "DeepSeek V3"
                    continue
                for technique, pattern in candidates(patterns, cell):  # those that can match at all
                    m = pattern.fullmatch(cell)
                    if m:
                        shown = " / ".join([*header_lines, " ".join(row)])
                        out.append(TechniqueMention(technique, Sentence(page_no, at, shown), Kind.ADOPTION, m.group(0), "own column"))
    return out


def _header(above: list[tuple[int, list[str]]], row: list[str]) -> tuple[list[str], list[str]] | None:
    """The column names over ``row`` (each header line's cells joined top to bottom) and the header lines, or None.

    Going up from the row: lines with at least as many cells as the row are rows of the table; the
    first shorter line starts the header, which is that line and those just above with as many cells.
    """
    for k in range(len(above) - 1, -1, -1):
        cells = above[k][1]
        if len(cells) >= len(row):
            continue
        n = len(cells)
        if n < 2:
            return None
        top = k
        while top > 0 and len(above[top - 1][1]) == n and k - top < 2:
            top -= 1
        header = [above[j][1] for j in range(top, k + 1)]
        if any(2 * sum(bool(re.fullmatch(r"[\d.,%±-]+", c)) for c in line) > n for line in header):
            return None  # a row of numbers, not names ("GPT-4o 0513" may hold one)
        if any(len(cells) > n + 8 or cells[-1].endswith(".") for _, cells in above[k + 1 :]):
            return None  # prose between: the short line is no header of this row
        return [" ".join(line[c] for line in header) for c in range(n)], [" ".join(line) for line in header]
    return None
