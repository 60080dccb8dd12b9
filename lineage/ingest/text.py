"""Sentences with page locators, and catalog aliases as text patterns.

Shared by every ingestor that reads prose (reports, cards, articles).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from lineage.catalog import Catalog
from lineage.domain import EntityKind

_ABBREV = r"(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bet al\.)(?<!\bFig\.)(?<!\bEq\.)(?<!\bSec\.)(?<!\bvs\.)(?<!\bcf\.)(?<!\bNo\.)(?<!\bTab\.)"
"""Abbreviations whose full stop ends no sentence (looked behind from just after the stop)."""
_SPLIT = re.compile(_ABBREV + r"(?<=[.!?])\s+(?=[A-Z(\[“\"])")


@dataclass
class Sentence:
    """One sentence of a document, located by page (1-based) and character offset in the page."""

    page: int
    offset: int
    text: str


MAX_SENTENCE_CHARS = 2000
"""A "sentence" longer than this (a pasted table, a run-on line without full stops) is cut at
whitespace into pieces of at most this size, so the work per sentence is bounded and splitting
stays linear in the size of the text (issue 13: a 172 KB single-line article took 224 s)."""

_HEADING_LINE = re.compile(r"(?m)^((?:\d{1,2}(?:\.\d{1,2}){0,3}|[A-H](?:\.\d{1,2}){0,2})\.?\s+[A-Z][^.\n]{2,80})$")
_SIZE_LABEL = re.compile(r"(?m)^(?=\d{1,4}(?:\.\d)?\s?[BMT]\s?:\s+[A-Z])")
"""A paragraph per model size ("3B: The smallest model …") starts at its label, whatever the line before it."""


def sentences(page_text: str, page: int) -> list[Sentence]:
    """Split one page into sentences; line breaks inside a paragraph become spaces, headings end one."""
    page_text = _HEADING_LINE.sub("\n\\1\n", page_text)  # a heading is a paragraph of its own
    page_text = _SIZE_LABEL.sub("\n", page_text)
    out = []
    # blank lines and bullets end a paragraph; other line breaks are soft
    for para_match in re.finditer(r"(?:[^\n]|\n(?!\s*\n|\s*[•●▪∙]))+", page_text):
        para = para_match.group(0)
        flat = re.sub(r"\s*\n\s*", " ", para).strip()
        if not flat:
            continue
        start = 0
        for piece in _SPLIT.split(flat):
            piece = piece.strip()
            for cut in _bounded(piece):
                out.append(Sentence(page=page, offset=para_match.start() + start, text=cut))
                start += len(cut) + 1
            start += not piece
    return out


def _bounded(piece: str) -> list[str]:
    """``piece`` in chunks of at most :data:`MAX_SENTENCE_CHARS`, cut at the last space when there is one."""
    chunks = []
    while len(piece) > MAX_SENTENCE_CHARS:
        cut = piece.rfind(" ", MAX_SENTENCE_CHARS // 2, MAX_SENTENCE_CHARS)
        cut = cut if cut > 0 else MAX_SENTENCE_CHARS
        chunks.append(piece[:cut].strip())
        piece = piece[cut:].strip()
    if piece:
        chunks.append(piece)
    return chunks


def _alias_regex(alias: str) -> str:
    body = re.escape(alias).replace(r"\-", "[-‐ ]?").replace(r"\ ", r"[-\s]+")
    if re.search(r"[\s-][A-Za-z]+[^s]s$", alias):  # "mixture of experts" also as "mixture of expert architectures"
        body += "?"
    return r"(?<![A-Za-z0-9])" + body + r"(?![A-Za-z0-9])"


@functools.cache
def _english_words() -> frozenset[str]:
    from english_words import get_english_words_set  # a word list shipped in a package: no download

    return frozenset(get_english_words_set(["web2"], lower=True))


def ordinary_word(alias: str) -> bool:
    """An alias that is one ordinary English word ("Seed", "Ascend", "yarn"): a name only where its spelling
    makes it one (see :func:`alias_patterns`).

    >>> ordinary_word("Ascend"), ordinary_word("Moonlight"), ordinary_word("InternLM"), ordinary_word("Multi-Token")
    (True, True, False, False)
    """
    return bool(re.fullmatch(r"[A-Za-z]+", alias)) and alias.lower() in _english_words()


def usable_alias(alias: str) -> bool:
    """Aliases that are safe to look for in prose: no config keys, nothing shorter than 3 letters."""
    return "_" not in alias and len(alias) >= 3


def alias_patterns(catalog: Catalog, kind: EntityKind = EntityKind.TECHNIQUE) -> dict[str, re.Pattern]:
    """One compiled pattern per entity: all-caps aliases match case-sensitively, others case-insensitively.

    An alias that is an ordinary English word counts only spelt as a name, capitalised ("Ascend", "YaRN", "Yarn";
    never "the curves ascend", "we seed the generator").

    Examples
    --------
    >>> from lineage.catalog import Catalog
    >>> pats = alias_patterns(Catalog.load())
    >>> bool(pats["mla"].search("we adopt Multi-head Latent Attention (MLA)"))
    True
    >>> bool(pats["mla"].search("the mla of"))
    False
    """
    out = {}
    for entity in catalog.of_kind(kind):
        exact, loose, named = [], [], []
        for alias in {entity.name, *entity.aliases}:
            if not usable_alias(alias):
                continue
            letters = re.sub(r"[^A-Za-z]", "", alias)
            if ordinary_word(alias):
                named.append(alias)
                continue
            (exact if len(alias) <= 6 and any(c.isupper() for c in letters[1:]) else loose).append(alias)
        parts = []
        if exact:
            parts.append("(?-i:" + "|".join(_alias_regex(a) for a in sorted(exact, key=len, reverse=True)) + ")")
        if loose:
            parts.append("|".join(_alias_regex(a) for a in sorted(loose, key=len, reverse=True)))
        if named:  # an English word is a name only capitalised: "YaRN", "Yarn", "Ascend", never "ascend"
            parts.append("(?-i:(?=[A-Z]))(?:" + "|".join(_alias_regex(a) for a in sorted(set(named), key=len, reverse=True)) + ")")
        if parts:
            out[entity.id] = re.compile("|".join(parts), re.IGNORECASE)
    return out
