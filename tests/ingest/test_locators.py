"""Every evidence snippet of every corpus card and article is found at the line its locator names."""

from __future__ import annotations

import re

import pytest

from lineage.ingest.article import extract, read_article
from lineage.ingest.card import card_text_lines, read_card
from lineage.ingest.markup import text_lines


def _words(text: str) -> str:
    return " ".join(text.replace("…", " ").split())


def _misplaced(snippets: list[tuple[str, str]], raw: str) -> list[str]:
    """(locator, snippet) pairs whose snippet is not on the locator's line of the raw file (markup taken
    out of that one line alone, so the reference does not depend on how the reader numbered lines)."""
    lines = [" ".join(text_lines(line)) for line in raw.splitlines()]
    wrong = []
    for locator, snippet in snippets:
        m = re.search(r"\bline (\d+)", locator)
        if m is None:
            continue  # front matter, config keys: not a line of prose
        n = int(m.group(1))
        line = _words(lines[n - 1]) if 0 < n <= len(lines) else ""
        head = _words(snippet)[:-1] if snippet.endswith("…") else _words(snippet)
        if head not in line:
            wrong.append(f"{locator}: {snippet[:60]!r} not in {line[:60]!r}")
    return wrong


def test_text_lines_keep_the_file_line_numbers():
    text = '<div align="center">\n  <img src="a.png"\n   width="80%">\n</div>\n\n```\ncode\n```\nWe use MLA.<br>It helps.'
    lines = text_lines(text)
    assert len(lines) == text.count("\n") + 1
    assert lines[8] == "We use MLA.\n\nIt helps." and lines[:8] == [""] * 8


def test_card_lines_count_the_front_matter():
    lines = card_text_lines("---\nlicense: mit\n---\n# Title\n\nWe use MLA.\n")
    assert lines[3] == "Title" and lines[5] == "We use MLA."


def test_every_corpus_card_snippet_is_at_its_line(corpus, catalog):
    wrong = []
    for card in sorted((corpus / "hf").glob("*/README.md")):
        text = card.read_text(encoding="utf-8")
        repo = card.parent.name.replace("__", "/", 1)
        read = read_card(text, repo, catalog)
        pairs = [(e.locator, e.snippet) for c in read.claims for e in c.evidence]
        wrong += [f"{repo} {w}" for w in _misplaced(pairs, text)]
    assert not wrong, "\n".join(wrong[:20])


def test_every_corpus_article_snippet_is_at_its_line(corpus, catalog):
    articles = sorted((corpus / "articles").glob("*.md"))
    articles = [a for a in articles if not a.name.endswith(".labels.md")]
    if not articles:
        pytest.skip("no corpus articles")
    wrong = []
    for path in articles:
        article = read_article(path)
        drafts = extract(article, catalog)
        wrong += [f"{path.name} {w}" for w in _misplaced([pair for d in drafts for pair in [(d.locator, d.snippet), *d.more]], path.read_text(encoding="utf-8"))]
    assert not wrong, "\n".join(wrong[:20])
