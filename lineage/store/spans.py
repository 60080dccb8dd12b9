"""Quoted text becomes a span: character offsets into a document's extracted text and a hash.

The graph release never ships sentences of reports or cards.  Each piece of text evidence keeps
its locator (page, section, line), the offsets of the quoted span in the document's extracted
text (:func:`document_text`) and the sha256 of that span with its whitespace collapsed; its
snippet is emptied.  With the document at hand (``lineage fetch``) the snippet is re-cut by the
offsets and checked against the hash (:func:`recut`): a different document is an error naming
it, never a silently wrong quote.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

from lineage.errors import SourceFormatError
from lineage.vocab import Method

if TYPE_CHECKING:
    from lineage.domain import Evidence

KEPT_LOCATORS = ("README.md front matter",)
"""Card evidence rendered from front-matter values (``base_model: org/name``): facts, not sentences."""


def document_text(kind: str, path: Path) -> str:
    """The extracted text offsets refer to: a report's PDF pages joined by form feeds, a card's text lines by newlines.

    The same readers the ingestors use (pypdfium2 through :func:`lineage.ingest.pdf.read_pdf`;
    :func:`lineage.ingest.card.card_text_lines` on the card body).
    """
    if kind == "report":
        from lineage.ingest.pdf import read_pdf  # deferred: the PDF and card readers load only when a quote is re-cut

        return "\f".join(read_pdf(Path(path)).pages)
    if kind == "card":
        from lineage.ingest.card import (  # deferred for start-up: pydantic, yaml
            MAX_CARD_BYTES,
            card_text_lines,
            split_card,
        )
        from lineage.ingest.files import (  # deferred: the PDF and card readers load only when a quote is re-cut
            decode,
            read_bytes,
        )

        text = decode(read_bytes(Path(path), "card", MAX_CARD_BYTES), "card", str(path))
        return "\n".join(card_text_lines(split_card(text, str(path))[1]))
    raise ValueError(f"no extracted text for a {kind!r} document")


def span_hash(text: str) -> str:
    """sha256 of ``text`` with runs of whitespace collapsed to one space (how snippets are written)."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def _page_start(text: str, locator: str) -> int:
    """Offset of the page a ``p. N`` locator names (0 for any other locator)."""
    m = re.match(r"p\. (\d+)", locator)
    if not m:
        return 0
    start = 0
    for _ in range(int(m.group(1)) - 1):
        start = text.find("\f", start) + 1
        if start == 0:
            return 0
    return start


def locate(text: str, snippet: str, locator: str = "") -> tuple[int, int] | None:
    """``(start, end)`` of ``snippet`` (whitespace-collapsed, maybe clipped with "…") in ``text``, or None.

    The search starts on the page the locator names and falls back to the whole text.

    Examples
    --------
    >>> locate("Intro.\\fWe adopt  MLA\\nand MTP. Done.", "We adopt MLA and MTP.", "p. 2")
    (7, 29)
    >>> locate("abc", "xyz") is None
    True
    """
    words = snippet.removesuffix("…").split()
    if not words:
        return None
    pattern = re.compile(r"\s+".join(map(re.escape, words)))
    m = pattern.search(text, _page_start(text, locator)) or pattern.search(text)
    return (m.start(), m.end()) if m else None


def redact(ev: Evidence, text: str | None) -> Evidence:
    """``ev`` without its quoted text: the snippet emptied, the span (when found in ``text``) kept.

    Evidence already without text, front-matter renderings and publication records (a manifest's
    ``pub_month: 2025-04``: a fact about the document, not a quote of it) come back unchanged.
    """
    if not ev.snippet or ev.locator.startswith(KEPT_LOCATORS) or ev.method is Method.METADATA:
        return ev
    span = locate(text, ev.snippet, ev.locator) if text is not None else None
    if text is None or span is None:
        return ev.model_copy(update={"snippet": ""})
    start, end = span
    return ev.model_copy(update={"snippet": "", "span_start": start, "span_end": end,
                                 "span_sha256": span_hash(text[start:end])})


def recut(ev: Evidence, text: str, name: str) -> str:
    """The snippet of ``ev`` re-cut from ``text`` by its offsets; a hash mismatch names the document.

    Raises :class:`~lineage.errors.SourceFormatError` when the span does not hash as recorded.
    """
    from lineage.domain import clip  # deferred for start-up: pydantic

    start, end = ev.span_start, ev.span_end
    quoted = text[start:end]
    if start is None or end is None or end > len(text) or span_hash(quoted) != ev.span_sha256:
        raise SourceFormatError(
            f'document "{name}" does not match the release: the span {ev.span_start}-{ev.span_end} of '
            f'{ev.source} ({ev.locator}) hashes differently. Fetch it again with \'lineage release fetch\''
        )
    return clip(quoted)
