"""No phrasing cue of the article reader is written for one document (issue 26).

Every phrasing cue (a compiled pattern the reader matches words with) is split into its alternatives
("adopt|uses?|employ" -> three cues) and run over the articles the cues may be written against: the
labelled articles, the development half of articles2, the seed articles and the model cards of
``../shared/corpus/hf`` (one author per Hub organization) -- never the held-out half of articles2
(see ``benchmarks/reading.py``).  A cue must fire in at least two documents of different authors,
unless :data:`ALLOWED` lists it with its reason.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from lineage.ingest import article_hardware, article_shapes, article_units, makers, prose
from lineage.ingest.article import read_article

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
SEEDS = ROOT.parent / "shared" / "seeds"

CUES = {
    **{f"article_units.CUES[{k}]": v for k, v in article_units.CUES.items()},
    "prose._ADOPT_RE": prose._ADOPT_RE,
    "prose._BLOCK": prose._BLOCK,
    "prose._CHANGE_OLD": prose._CHANGE_OLD,
    "prose._FEATURE_IN": prose._FEATURE_IN,
    "prose._NAME_OF_GROUP": prose._NAME_OF_GROUP,
    "makers._ORIGIN": makers._ORIGIN,
    "article_hardware._COMPARATIVE": article_hardware._COMPARATIVE,
    "article_hardware._BEYOND": article_hardware._BEYOND,
    "article_hardware._ACCESS": article_hardware._ACCESS,
    "article_shapes._SIZES_WORD": article_shapes._SIZES_WORD,
}
"""The phrasing cues of the article reader, by where they live."""

BLOCKING = {
    "article_units.CUES[negation]", "article_units.CUES[comparison]", "article_units.CUES[plan]",
    "article_units.CUES[hypothetical]", "prose._BLOCK", "prose._CHANGE_OLD", "article_hardware._COMPARATIVE",
    "article_hardware._ACCESS",
}
"""Cues that only withhold a claim (negation, comparison, plan, the old side of a change, a device one cannot
get): ordinary English words whose meaning does not depend on the document, and which cannot make a wrong claim,
only leave one unread.  Their alternatives are exempt; every cue that *makes* a claim must pass."""

ALLOWED: dict[tuple[str, str], str] = {}
"""(cue, alternative) pairs allowed to fire in fewer than two authors' documents, with the reason."""


def _documents() -> dict[str, tuple[str, str]]:
    """name -> (author, plain text) of every document cues may be written against."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from reading import split

    docs = {}
    for p in sorted((CORPUS / "articles").glob("*.md")):
        if not p.name.endswith(".labels.md"):
            docs[p.name] = (p.name.split("-")[0], p)
    dev, _ = split(CORPUS / "articles2")
    for name in dev:
        docs[name] = (name.split("-")[0], CORPUS / "articles2" / name)
    for p in sorted(SEEDS.glob("*.txt")):
        docs[p.name] = (f"seed {p.stem}", p)
    for p in sorted((CORPUS / "hf").glob("*/README.md")):  # model cards: the same reader path, many labs
        docs[p.parent.name] = (p.parent.name.split("__")[0].lower(), p)
    return {name: (author, "\n".join(read_article(path).lines)) for name, (author, path) in docs.items()}


def alternatives(pattern: re.Pattern) -> list[tuple[str, re.Pattern]]:
    """The cue's alternatives (the first group holding a ``|`` is split), each as a phrase of its own."""
    src = pattern.pattern
    depth, start, cuts, opened = 0, None, [], None
    i = 0
    while i < len(src):
        ch = src[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = src.index("]", i + 2) + 1
            continue
        if ch == "(":
            depth += 1
            if opened is None and (depth == 1 or start is None):
                opened, start = depth, i
        elif ch == ")":
            if depth == opened:
                if cuts:
                    head_end = src.index(":", start) + 1 if src.startswith("(?:", start) else start + 1
                    parts, last = [], head_end
                    for c in cuts:
                        parts.append(src[last:c])
                        last = c + 1
                    parts.append(src[last:i])
                    return [(p, _bare(p, pattern.flags)) for p in parts]
                opened, start = None, None
            depth -= 1
        elif ch == "|" and depth == opened:
            cuts.append(i)
        elif ch == "|" and depth == 0:
            return [(p, _bare(p, pattern.flags)) for p in src.split("|")]
        i += 1
    return [(src, _bare(src, pattern.flags))]


def _bare(alternative: str, flags: int) -> re.Pattern:
    """The alternative as a phrase anywhere (anchors of the whole cue dropped: it fires where its words occur)."""
    core = re.sub(r"^\^|(?<!\\)\$$", "", alternative)
    return re.compile(r"(?<![\w-])(?:" + core + ")", flags)


@pytest.fixture(scope="module")
def documents():
    if not (CORPUS / "articles").is_dir() or not (CORPUS / "articles2").is_dir():
        pytest.skip(f"article corpus not found at {CORPUS}")
    return _documents()


def test_alternatives_split_the_first_group():
    parts = [p for p, _ in alternatives(re.compile(r"\b(?:adopt\w*|uses?)\b", re.I))]
    assert parts == [r"adopt\w*", "uses?"]


def test_every_cue_fires_in_two_authors_documents(documents):
    lonely = []
    for name, pattern in CUES.items():
        for alt, compiled in alternatives(pattern):
            authors = {author for author, text in documents.values() if compiled.search(text)}
            if len(authors) < 2 and (name, alt) not in ALLOWED and name not in BLOCKING:
                lonely.append(f"{name}: {alt!r} fires for {sorted(authors) or 'no author'}")
    assert not lonely, "cues written for fewer than two authors:\n" + "\n".join(lonely)
