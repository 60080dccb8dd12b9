"""The own model's architecture as a report lays it out: configuration tables, architecture sections, appositions.

Reports often state what their model is built from only in a table or in a section that never
repeats the model's name.  Three rules, all general, add adoptions that prose analysis
(:mod:`lineage.ingest.adoption_rules`) cannot see:

- **configuration tables** — a table whose caption names the document's own model or is a model
  configuration ("Model configurations for <own> models", "Architectural hyperparameters of <own>",
  "Model architecture"), that is no comparison (ablation, baselines, scaling-law runs, results) and
  has no row or column headed by another model.  Each row naming a technique in a cell adopts it
  ("Key-Value heads 32 (MHA) 8 (GQA)", "Position embedding RoPE", "RoPE θ 10^6"), unless every
  value in the row says no ("QK-Norm No No") or the row negates or compares ("w/o RoPE");
- **architecture sections** — in a section headed as the model's architecture (not background),
  or a paragraph run in under "Architecture.", "the model", "this model", "the 8B model" and a
  per-size label ("3B: …") are the own model, and a technique that is the subject of "is used"
  is the model's ("Layer normalization is used to stabilise training");
- **appositions** — "we release <own>-mini and <own>-flash, two MoE variants": the own model's
  variants (its name with a suffix) described as models of the technique.

Sentences or rows that name another model, compare or negate are left to prose analysis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lineage.ingest import adoption_rules
from lineage.ingest.adoption_led import GENERAL
from lineage.ingest.adoption_rules import Kind, TechniqueMention
from lineage.ingest.pdf import PdfText
from lineage.ingest.text import Sentence, candidates

_CAPTION = re.compile(
    r"^(?:Table|TABLE|Tab\.)\s*[A-Z]?\d{1,2}(?:\.\d{1,2})?(?:\s*[:.|]\s*|\s+(?=[A-Z]))(?P<title>.+)$"
)
_CONFIG = re.compile(
    r"\b(?:configurations?|hyper-?parameters|architectur\w*|model\s+card|specifications?)\b", re.I
)
"""A caption that says the table configures a model ("Model configurations", "Hyperparameters for …")."""
_MODEL = re.compile(r"\b(?:models?|architectur\w*)\b", re.I)
_NOT_OWN = re.compile(
    r"\b(?:ablat\w*|compar\w*|baselines?|scaling|proxy|small-scale|toy|results?|performance|benchmarks?|evaluat\w*|"
    r"versus|vs\.?|other|existing|prior|previous|competitors?|variants?|candidates?|search)\b",
    re.I,
)
"""A table of runs, rivals or results: its rows are not the released model."""
_ROW_BLOCK = re.compile(r"\b(?:w/o|without|not|instead|rather|baselines?|vanilla|vs\.?|versus|compared?)\b", re.I)
_NO = re.compile(r"(?:no|none|n/a|0(?:\.0+)?|[-–—✗×]|false)", re.I)
"""Cells that say a row's technique is absent or turned off ("No", "–", "0", "0.0")."""
_FUNCTION = re.compile(r"\b(?:the|an?|of|to|is|are|was|were|that|this|which|for|in|by)\b", re.I)
"""Words that a table cell seldom has and a sentence seldom lacks."""
_BULLET = re.compile(r"^\s*[•●▪∙]")
_NUMBERED_HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,3}\.?\s+[A-Z][a-z]+(?:\s+[A-Z&][\w-]*){0,6}$")
MAX_ROWS = 60


@dataclass
class Table:
    """One table read from a page: its caption and its rows as (offset, text) pairs."""

    page: int
    caption: str
    rows: list[tuple[int, str]]


def _lines(page_text: str) -> list[tuple[int, str]]:
    out, offset = [], 0
    for line in page_text.split("\n"):
        out.append((offset, line.strip()))
        offset += len(line) + 1
    return out


def _is_prose(line: str) -> bool:
    """A line of running text, a bullet or a numbered heading ends a table."""
    words = line.split()
    if _BULLET.match(line) or _NUMBERED_HEADING.match(line):
        return True
    if len(words) >= 6 and (re.search(r"\b(?:we|our)\b", line, re.I) or len(_FUNCTION.findall(line)) >= 3):
        return True
    plain = len([w for w in words if re.fullmatch(r"[a-z][a-z,;.:'’()-]*", w)])
    return len(words) >= 7 and plain >= 0.7 * len(words) or len(words) >= 6 and line.endswith(".") and plain >= len(words) / 2


def _rows(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    rows = []
    for offset, line in lines[:MAX_ROWS]:
        if not line:
            continue
        if _is_prose(line) or _CAPTION.match(line):
            break
        rows.append((offset, line))
    return rows


def tables(page_text: str, page: int) -> list[Table]:
    """The captioned tables on one page, with the rows under their caption (or above it, when there are more)."""
    lines = _lines(page_text)
    out = []
    for i, (_, line) in enumerate(lines):
        m = _CAPTION.match(line)
        if not m:
            continue
        caption, j = line, i + 1
        while j < len(lines) and not caption.endswith(".") and j - i <= 3 and re.match(r"[a-z(]", lines[j][1]):
            caption, j = f"{caption} {lines[j][1]}", j + 1
        below = _rows(lines[j:])
        above = list(reversed(_rows(list(reversed(lines[:i])))))
        digits = [sum(bool(re.search(r"\d", r)) for _, r in side) for side in (below, above)]
        rows = below if digits[0] >= digits[1] else above
        out.append(Table(page, caption, rows))
    return out


def _own_table(table: Table, own: re.Pattern, others: re.Pattern | None) -> bool:
    caption = _CAPTION.match(table.caption)
    assert caption is not None  # a table's caption starts with the line _CAPTION matched (_tables)
    title = caption.group("title")
    names_own = any(m.group(0).lower() not in ("we", "us") and re.search(r"[A-Za-z]", m.group(0)) for m in own.finditer(title))
    if not (_CONFIG.search(title) and (names_own or _MODEL.search(title))) or _NOT_OWN.search(title):
        return False
    # a column or a row headed by another model: a comparison; a backbone named in parentheses is a part of the model
    return others is None or not any(others.search(adoption_rules.without_parentheses(r)) for _, r in table.rows)


def _adopts(row: str, m: re.Match, own: re.Pattern, pattern: re.Pattern) -> bool:
    if _ROW_BLOCK.search(row) or adoption_rules.names_a_variant(row, pattern, own) or adoption_rules.COMPONENT.search(row):
        return False
    values = [c for c in adoption_rules.without_parentheses(row[m.end() :]).split() if re.search(r"\w", c)]
    heads = not re.search(r"\d", row[: m.start()])  # the technique heads the row ("QK-Norm Yes No")
    return not (heads and values and all(_NO.fullmatch(c) for c in values))


def table_mentions(pdf: PdfText, patterns: dict[str, re.Pattern], own: re.Pattern, others: re.Pattern | None) -> list[TechniqueMention]:
    """Adoptions stated as rows of the own model's configuration tables (one per technique per table)."""
    out = []
    for page_no, text in enumerate(pdf.body_pages(), start=1):
        for table in tables(text, page_no):
            if not table.rows or pdf.in_references(page_no, table.rows[0][0]) or not _own_table(table, own, others):
                continue
            caption = re.split(r"(?<=\.)\s", table.caption, maxsplit=1)[0]
            for technique, pattern in candidates(patterns, "\n".join(row for _, row in table.rows)):
                for offset, row in table.rows:
                    m = pattern.search(row)
                    if m and _adopts(row, m, own, pattern):
                        sentence = Sentence(page_no, offset, f"{caption} … {row}")
                        out.append(TechniqueMention(technique, sentence, Kind.ADOPTION, m.group(0), "configuration table"))
                        break
    return out


_ARCH_HEADING = re.compile(r"\barchitectur\w*|\bmodel\s+(?:configurations?|design|structure)\b", re.I)
_NOT_ARCH = re.compile(
    r"\b(?:preliminar\w*|background|related|prior|ablat\w*|compar\w*|analys[ie]s|experiments?|baselines?|future)\b", re.I
)
_RUN_IN = re.compile(r"^(?P<label>[A-Z][\w-]*(?:\s+[\w-]+){0,3})\s*[.:]\s+[A-Z]")
_ARCH_LABEL = re.compile(r"(?:(?:model|network|overall)\s+)?architectur\w*", re.I)
_HERE = (
    r"(?<!\bof\s)(?<!\bto\s)(?<!\bin\s)(?<!\bon\s)(?<!\bfor\s)(?<!\bwith\s)\b(?:the|this)\s+(?:\d+(?:\.\d+)?\s?[BMT]\s+)?"
    r"model\b(?!\s+(?:of|from)\b)|^\W*\d{1,4}(?:\.\d)?\s?[BMT]\b"
)
"""In the own model's architecture section, "the model", "this model", "the 8B model" and a per-size label are the model."""
_SIZE_LABEL = re.compile(r"^(\W*\d{1,4}(?:\.\d)?\s?[BMT]\s?):")
_PASSIVE = re.compile(
    r"\W{0,3}(?:[(\[][^)\]]{0,40}[)\]]\s*)?(?:is|are|was|were)\s+(?:also\s+)?"
    r"(?:used|adopted|employed|applied|utili[sz]ed|incorporated)\b",
    re.I,
)
_LEAD = re.compile(r"\W*(?:(?:additionally|moreover|furthermore|in addition|also)\s*,?\s*)?(?:the\s+|a\s+|an\s+)?", re.I)


def _architecture_spans(pdf: PdfText, pages: list[str]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where the model's architecture is described, as ((page, offset), (page, offset)) spans: sections headed so
    (none of their parents background) and paragraphs run in under "Architecture." up to the next run-in label."""
    spans = []
    heads = pdf.headings
    for i, h in enumerate(heads):
        chain = [g for g in heads[: i + 1] if (h.number + ".").startswith(g.number + ".")]
        if _ARCH_HEADING.search(h.title) and not any(_NOT_ARCH.search(g.title) for g in chain):
            end = (heads[i + 1].page, heads[i + 1].offset) if i + 1 < len(heads) else (len(pages) + 1, 0)
            spans.append(((h.page, h.offset), end))
    starts = {(h.page, h.offset) for h in heads}
    for page_no, text in enumerate(pages, start=1):
        label = None
        for offset, line in [*_lines(text), (len(text), "")]:
            run_in = _RUN_IN.match(line)
            if run_in or (page_no, offset) in starts or offset == len(text):
                if label is not None:
                    spans.append(((page_no, label), (page_no, offset)))
                label = offset if run_in and _ARCH_LABEL.fullmatch(run_in.group("label")) else None
    return spans


def section_mentions(
    pdf: PdfText, sentences: list[Sentence], patterns: dict[str, re.Pattern], own: re.Pattern, others: re.Pattern | None
) -> list[TechniqueMention]:
    """Adoptions in the own model's architecture section that name it only as "the model", a size or not at all."""
    here = re.compile(own.pattern + "|" + _HERE, re.I)
    spans = _architecture_spans(pdf, pdf.body_pages())
    out = []
    for s in sentences:
        if not any(a <= (s.page, s.offset) < b for a, b in spans):
            continue
        if adoption_rules.is_noise(s.text) or adoption_rules.NON_ADOPTING_RE.search(s.text) or (others and others.search(s.text)):
            continue  # another model, a comparison or a baseline: left to prose analysis
        text = _SIZE_LABEL.sub(r"\1 ", s.text)  # "3B: The smallest model …": the label is the subject, no clause of its own
        for technique, pattern in candidates(patterns, text):
            for m in pattern.finditer(text):
                kind, cue = adoption_rules.classify(text, m.start(), m.end(), here, others)
                if kind is Kind.MENTION and not cue and _passive(text, m):
                    kind, cue = Kind.ADOPTION, "passive"
                if kind is Kind.ADOPTION:
                    out.append(TechniqueMention(technique, s, kind, m.group(0), cue))
                    break
    return out


def _passive(text: str, m: re.Match) -> bool:
    """ "Layer normalization is used to …": the technique, subject of the sentence, is used (by the model described)."""
    lead = _LEAD.fullmatch(text[: m.start()])
    return bool(lead and _PASSIVE.match(text[m.end() :])) and not (GENERAL.search(text) or adoption_rules.NEGATION_RE.search(text))


def with_architecture(mentions: list[TechniqueMention], extra: list[TechniqueMention]) -> list[TechniqueMention]:
    """``mentions`` with each plain mention that ``extra`` reads as an adoption replaced by it, and new ones added."""
    index = {(m.technique, m.sentence.page, m.sentence.offset): i for i, m in enumerate(mentions)}
    out = list(mentions)
    for e in extra:
        i = index.get((e.technique, e.sentence.page, e.sentence.offset))
        if i is None:
            out.append(e)
        elif out[i].kind is Kind.MENTION:
            out[i] = e
    return out


_APPOSITION = re.compile(r",\s*(?:a|an|two|three|four|both)\s+(?:[\w-]+\s+){0,3}$", re.I)
_DESCRIBED = re.compile(r"\s*(?:\([^()]{0,40}\)\s*)?(?:models?|variants?|versions?)\b", re.I)


def appositive_mentions(
    sentences: list[Sentence], patterns: dict[str, re.Pattern], own_names: list[str], others: re.Pattern | None
) -> list[TechniqueMention]:
    """ "… <own>-mini and <own>-flash, two instruction-tuned MoE variants": an apposition describing the own model's
    variants (its name with a suffix) as models built on the technique."""
    names = "|".join(re.escape(n) for n in sorted(own_names, key=len, reverse=True) if re.search(r"[A-Za-z]", n))
    if not names:
        return []
    named = re.compile(rf"(?<![\w-])(?:{names})", re.I)
    variant = re.compile(rf"(?<![\w-])(?:{names})(?:-[\w.]+)*\s*$", re.I)
    out = []
    for s in sentences:
        if not named.search(s.text) or adoption_rules.is_noise(s.text):
            continue
        for technique, pattern in candidates(patterns, s.text):
            m = pattern.search(s.text)
            if not m or (others is not None and others.search(s.text[: m.start()])):
                continue
            before = adoption_rules.without_parentheses(s.text[: m.start()])
            apposition = _APPOSITION.search(before)
            described = _DESCRIBED.match(s.text[m.end() :])
            said = apposition.group(0) + s.text[m.start() : m.end() + described.end()] if apposition and described else ""
            blocked = adoption_rules.NON_ADOPTING_RE.search(said) or adoption_rules.NEGATION_RE.search(said)
            if said and apposition is not None and not blocked and variant.search(before[: apposition.start()]):
                out.append(TechniqueMention(technique, s, Kind.ADOPTION, m.group(0), "apposition"))
    return out


def mentions(
    pdf: PdfText, sentences: list[Sentence], patterns: dict[str, re.Pattern], own_names: list[str], other_names: list[str]
) -> list[TechniqueMention]:
    """Adoptions from the own model's configuration tables, architecture section and appositions (module docstring)."""
    own = adoption_rules.own_subject(own_names)
    others = adoption_rules.other_subject(other_names)
    return (
        table_mentions(pdf, patterns, own, others)
        + section_mentions(pdf, sentences, patterns, own, others)
        + appositive_mentions(sentences, patterns, own_names, others)
    )
