"""Sentences with page locators, and catalog aliases as text patterns.

Shared by every ingestor that reads prose (reports, cards, articles).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lineage.catalog import Catalog
from lineage.domain import EntityKind
from lineage.ingest.wordlist import english_words

_ABBREV = r"(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bet al\.)(?<!\bFig\.)(?<!\bEq\.)(?<!\bSec\.)(?<!\bvs\.)(?<!\bcf\.)(?<!\bNo\.)(?<!\bTab\.)"
"""Abbreviations whose full stop ends no sentence (looked behind from just after the stop)."""
SPLIT = re.compile(_ABBREV + r"(?<=[.!?])\s+(?=[A-Z(\[“\"])")


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
        for piece in SPLIT.split(flat):
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


def ordinary_word(alias: str) -> bool:
    """An alias that is one ordinary English word ("Seed", "Ascend", "yarn"): a name only where its spelling
    makes it one (see :func:`alias_patterns`).

    >>> ordinary_word("Ascend"), ordinary_word("Moonlight"), ordinary_word("InternLM"), ordinary_word("Multi-Token")
    (True, True, False, False)
    """
    return bool(re.fullmatch(r"[A-Za-z]+", alias)) and alias.lower() in english_words()


def english_word(word: str) -> bool:
    """A word of the English word list, or one of its inflections ("leveraged", "consists", "scaling").

    >>> english_word("leveraged"), english_word("consists"), english_word("opensource"), english_word("finegrained")
    (True, True, False, False)
    """
    w, words = word.lower(), english_words()
    if w in words:
        return True
    stems = [w[: -len(end)] + add for end, add in (("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""), ("ed", ""),
                                                   ("ed", "e"), ("d", ""), ("ing", ""), ("ing", "e"), ("ly", ""))
             if w.endswith(end) and len(w) - len(end) >= 3]
    return any(stem in words for stem in stems)


def usable_alias(alias: str) -> bool:
    """Aliases that are safe to look for in prose: no config keys, nothing shorter than 3 letters."""
    return "_" not in alias and len(alias) >= 3


MAX_REMEMBERED = 20_000
"""Texts whose candidate patterns :class:`AliasPatterns` keeps (a long report has a few thousand sentences)."""


class _Unbuilt:
    """A pattern :class:`AliasPatterns` has not compiled yet, where a copy of its dict holds one: compiled on first use."""

    __slots__ = ("_owner", "_key")

    def __init__(self, owner: AliasPatterns, key: str):
        self._owner, self._key = owner, key

    def __getattr__(self, name: str):
        return getattr(self._owner[self._key], name)


class AliasPatterns(dict):
    """Compiled alias patterns by entity id, each with the literal pieces of its aliases.

    A pattern can match a text only if the text, case-folded (:func:`folded`), contains every piece of one of its
    entity's aliases; :meth:`candidates` uses that to skip the patterns that cannot match before running any.
    It decides *whether* to look, never what is found: the matches are the patterns' own.

    Each pattern is compiled when first used (a report's sentences name a fraction of the catalog, and compiling
    every entity's pattern was a third of reading one: issue 31); indexing, ``get``, ``items`` and ``values``
    give compiled patterns, as :meth:`candidates` does.
    """

    def __init__(self, build: dict[str, Callable[[], re.Pattern]], anchors: dict[str, tuple[frozenset[str], ...] | None]):
        super().__init__({key: _Unbuilt(self, key) for key in build})
        self._build = build
        self.anchors = anchors
        self._pieces = sorted(set().union(*(alias for aliases in anchors.values() if aliases for alias in aliases)))
        self._order = {key: i for i, key in enumerate(build)}
        self._unanchored = [key for key in build if anchors.get(key) is None]
        self._by_piece: dict[str, list[str]] = {}  # each alias under its longest piece: a text lacking it lacks the alias
        for key in build:
            for alias in anchors.get(key) or ():
                self._by_piece.setdefault(max(sorted(alias), key=len), []).append(key)

        self._seen: dict[str, tuple[tuple[str, re.Pattern], ...]] = {}

    def __getitem__(self, key: str) -> re.Pattern:
        pattern = dict.__getitem__(self, key)
        if type(pattern) is _Unbuilt:
            pattern = self._build[key]()
            dict.__setitem__(self, key, pattern)
        return pattern

    def __iter__(self) -> Iterator[str]:  # also makes dict(patterns) and {**patterns} read through __getitem__
        return iter(self.keys())

    def get(self, key: str, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def items(self) -> list[tuple[str, re.Pattern]]:  # type: ignore[override]
        return [(key, self[key]) for key in self]

    def values(self) -> list[re.Pattern]:  # type: ignore[override]
        return [self[key] for key in self]

    def candidates(self, text: str) -> tuple[tuple[str, re.Pattern], ...]:
        """The (id, pattern) pairs that may match ``text``, in the patterns' order (kept for the texts last asked:
        a report's readers ask for each sentence in turn)."""
        found = self._seen.get(text)
        if found is None:
            low = folded(text)
            present = {piece for piece in self._pieces if piece in low}
            indexed = {key for piece in present for key in self._by_piece.get(piece, ())}
            keys = [key for key in indexed if any(alias <= present for alias in self.anchors[key] or ())]
            found = tuple((key, self[key]) for key in sorted([*self._unanchored, *keys], key=self._order.__getitem__))
            if len(self._seen) >= MAX_REMEMBERED:
                self._seen.clear()
            self._seen[text] = found
        return found


def candidates(patterns: dict[str, re.Pattern], text: str) -> tuple[tuple[str, re.Pattern], ...]:
    """The patterns worth running on ``text``: every one for a plain dict, the anchored few for :class:`AliasPatterns`."""
    return patterns.candidates(text) if isinstance(patterns, AliasPatterns) else tuple(patterns.items())


_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
"""The non-ASCII letters that case-insensitive ``re`` matching takes for ASCII ones (İ, ı, ſ, Kelvin sign)."""


def folded(text: str) -> str:
    """``text`` lower-cased, with the letters ``re.IGNORECASE`` equates with ASCII ones spelt in ASCII."""
    return text.translate(_FOLD).lower()


def _pieces(alias: str) -> frozenset[str] | None:
    """The literal pieces every match of :func:`_alias_regex` for ``alias`` contains, lower-cased (None: a piece
    that is not ASCII, or none at all)."""
    pieces = re.split(r"[- ]", alias)
    if re.search(r"[\s-][A-Za-z]+[^s]s$", alias):  # the trailing "s" is optional there
        pieces[-1] = pieces[-1][:-1]
    pieces = [p.lower() for p in pieces if p]
    return frozenset(pieces) if pieces and all(p.isascii() for p in pieces) else None


def _anchors(aliases: list[str]) -> tuple[frozenset[str], ...] | None:
    found = []
    for alias in aliases:
        pieces = _pieces(alias)
        if pieces is None:
            return None
        found.append(pieces)
    return tuple(found)


_PATTERNS: dict[tuple, AliasPatterns] = {}
"""Compiled once per process for each catalog content and entity kind (reports compile them many times over)."""


def alias_patterns(catalog: Catalog, kind: EntityKind = EntityKind.TECHNIQUE) -> AliasPatterns:
    """One compiled pattern per entity: all-caps aliases match case-sensitively, others case-insensitively.

    An alias that is an ordinary English word counts only spelt as a name, capitalised ("Ascend", "YaRN", "Yarn";
    never "the curves ascend", "we seed the generator"). The result is shared: do not change it.

    Examples
    --------
    >>> from lineage.catalog import Catalog
    >>> pats = alias_patterns(Catalog.load())
    >>> bool(pats["mla"].search("we adopt Multi-head Latent Attention (MLA)"))
    True
    >>> bool(pats["mla"].search("the mla of"))
    False
    """
    entities = list(catalog.of_kind(kind))
    key = (kind, tuple((e.id, e.name, tuple(sorted(e.aliases))) for e in entities))
    if key not in _PATTERNS:
        if len(_PATTERNS) >= 32:
            _PATTERNS.clear()
        _PATTERNS[key] = _compiled(entities)
    return _PATTERNS[key]


def _compiled(entities: list) -> AliasPatterns:
    build: dict[str, Callable[[], re.Pattern]] = {}
    anchors: dict[str, tuple[frozenset[str], ...] | None] = {}
    for entity in entities:
        aliases = sorted(alias for alias in {entity.name, *entity.aliases} if usable_alias(alias))  # one pattern text per run
        if aliases:
            build[entity.id] = functools.partial(_entity_pattern, aliases)
            anchors[entity.id] = _anchors(aliases)
    return AliasPatterns(build, anchors)


def _entity_pattern(aliases: list[str]) -> re.Pattern:
    """One entity's pattern, from its usable aliases (see :func:`alias_patterns`)."""
    exact: list[str] = []
    loose: list[str] = []
    named: list[str] = []
    for alias in aliases:
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
        parts.append("(?-i:(?=[A-Z]))(?:" + "|".join(_alias_regex(a) for a in sorted(sorted(set(named)), key=len, reverse=True)) + ")")
    return re.compile("|".join(parts), re.IGNORECASE)
