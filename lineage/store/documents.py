"""Fetched documents in the cache, and evidence text re-cut from them (``lineage fetch`` puts them there).

:func:`quoted` is what a table shows for a piece of evidence; read commands call it for every row,
so this module loads nothing beyond the standard library until a span is re-cut.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from lineage.paths import cache_dir
from lineage.store.spans import recut
from lineage.vocab import FETCH_HINT


def documents_dir() -> Path:
    return cache_dir() / "documents"


def documents_index() -> dict:
    path = documents_dir() / "index.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


@cache
def fetched_text(doc_id: str) -> tuple[str, str] | None:
    entry = documents_index().get(doc_id)
    if entry is None:
        return None
    path = documents_dir() / entry["text"]
    return (path.read_text(encoding="utf-8"), entry["path"]) if path.is_file() else None


def snippet(ev) -> str:
    """The evidence's snippet, else its span re-cut from a fetched document, else ``""``.

    Raises :class:`~lineage.errors.SourceFormatError` naming the document when the cached text does
    not hash as the span says (a tampered or different document).
    """
    if ev.snippet or ev.span_sha256 is None:
        return ev.snippet
    cached = fetched_text(ev.source)
    if cached is None:
        return ""

    return recut(ev, *cached)


def quoted(ev) -> str:
    """What a table shows for a piece of evidence: :func:`snippet`, or how to get the text."""
    return snippet(ev) or FETCH_HINT
