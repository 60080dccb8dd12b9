"""Every candidate statement of an article, from every reader, before the one judgement (:mod:`lineage.ingest.article_judge`).

Each candidate is an :class:`~lineage.ingest.article_tables.ArticleStatement` carrying the reader that proposed it
(``shape``) and the role the phrasing cues read around it (``role``); :func:`lineage.ingest.article.read` judges them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lineage.domain import Predicate
from lineage.ingest.article_candidates import unit_candidates
from lineage.ingest.article_hardware import hardware_drafts
from lineage.ingest.article_tables import ArticleStatement, cells, is_prose, table_drafts
from lineage.ingest.article_units import prose_role
from lineage.ingest.makers import maker_facts
from lineage.ingest.prose import prose_drafts
from lineage.ingest.structure import units

if TYPE_CHECKING:
    from lineage.ingest.article import ArticleResolver, ArticleText

_UNITS = {
    Predicate.CONTEXT_LENGTH: "tokens", Predicate.TRAINING_TOKENS: "tokens",
    Predicate.TOTAL_PARAMETERS: "parameters", Predicate.ACTIVE_PARAMETERS: "parameters",
}


def pool(article: ArticleText, r: ArticleResolver) -> tuple[list[ArticleStatement], list]:
    """Every candidate draft of every reader, each with its ``shape`` and the cues' ``role``, before the judgement;
    and the structural candidates that name no subject."""
    found: list[ArticleStatement] = []
    tables: set[int] = set()
    i = 0
    lines = article.lines
    while i < len(lines):
        line = lines[i]
        if not line:
            i += 1
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        looks_like_table = (
            not is_prose(line) and len(cells(line)) >= 3 and nxt and not is_prose(nxt) and bool(re.search(r"\d", nxt))
        )
        if looks_like_table:
            start = i
            table, i = table_drafts(lines, i, r)
            tables.update(range(start, i))
            found += _shaped(table, "table-text")
            continue
        i += 1
    for shape, facts in (("prose", prose_drafts(lines, r, tables)), ("maker", maker_facts(lines, r, tables))):
        for f in facts:
            role = prose_role(r, f.snippet, f.object) if f.predicate is Predicate.USES else "states"
            q = {"stated": f.stated} if f.stated else {}
            found.append(ArticleStatement(f.subject, f.predicate, object=f.object, value=f.value, unit=_UNITS.get(f.predicate),
                                          qualifiers=q, locator=f"line {f.line}", snippet=f.snippet, shape=shape, role=role))
    found += _shaped(hardware_drafts(lines, r, r.catalog), "hardware")
    structured, undecided = structured_drafts(article, r)
    return found + structured, undecided


def _shaped(drafts: list[ArticleStatement], shape: str) -> list[ArticleStatement]:
    for d in drafts:
        d.shape = shape
        d.role = "uses" if d.predicate is Predicate.USES else "states"
    return drafts


def structured_drafts(article: ArticleText, r: ArticleResolver) -> tuple[list[ArticleStatement], list]:
    """Drafts from the article's list items, table rows and parentheticals (every role the cues gave, in ``role``), and
    the candidates that name no subject."""
    found = unit_candidates(units(article.raw), r, article.title) if article.raw else []
    drafts, undecided = [], []
    for c in found:
        if not c.subjects:
            undecided.append(c)
            continue
        q = {**c.qualifiers, **({"stated": c.stated} if c.stated else {})}
        for subject in c.subjects:
            drafts.append(ArticleStatement(subject, c.predicate, object=c.object, value=c.value, unit=_UNITS.get(c.predicate),
                                qualifiers=dict(q), locator=f"line {c.unit.line} ({c.unit.kind})", snippet=c.unit.text,
                                shape=f"unit-{c.unit.kind}", role=c.role, context=c.context))
    return drafts, undecided
