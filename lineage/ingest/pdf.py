"""PDF text with page numbers, section headings and the references section (pypdfium2).

The result is plain data: pages of cleaned text, the numbered headings found on
them, and where the bibliography starts.  Everything a PDF can do wrong
(corrupt, encrypted, empty, scanned, huge) becomes a one-line
``SourceFormatError`` before anything reaches the store.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lineage.errors import SourceFormatError
from lineage.ingest.download import cap
from lineage.ingest.files import read_bytes

if TYPE_CHECKING:
    from lineage.ingest.text import Sentence

MAX_PDF_BYTES = 64 * 1024 * 1024
"""Technical reports are a few MB; refuse anything far beyond that before parsing."""

MAX_PDF_PAGES = 1000
"""Pages read at most: the longest technical reports run to a few hundred; beyond this, refuse before extracting."""

MAX_PDF_TEXT_CHARS = 10_000_000
"""Extracted text at most (about 2,000 dense pages): bounds the memory and time of the analysis."""

MIN_TEXT_CHARS = 200
"""A PDF with less extractable text than this is treated as having no text layer."""

_HEADING = re.compile(
    r"^(?P<num>(?:[1-9]\d?|[A-H])(?:\.\d{1,2}){0,3})\.?\s+(?P<title>[A-Z][A-Za-z0-9 ,:;&()/'’\-–]{1,80}[A-Za-z)])$"
)
_REFERENCES = re.compile(r"^(?:\d+\.?\s+)?(References|Bibliography|REFERENCES)\s*$")
_APPENDIX = re.compile(r"^(?:[A-H]\.?\s+)?(Appendix|Appendices|APPENDIX)\b.*$")


@dataclass
class Heading:
    """A numbered section heading (``3.2 Multi-Token Prediction``)."""

    page: int
    number: str
    title: str
    offset: int  # character offset in the page text


@dataclass
class PdfText:
    """Text of a PDF, page by page, with its structure."""

    path: Path
    sha256: str
    pages: list[str]
    headings: list[Heading] = field(default_factory=list)
    references_page: int | None = None  # 1-based page where the bibliography starts
    references_offset: int = 0
    references_end: tuple[int, int] | None = None  # (page, offset) of the first appendix after it
    created: str | None = None  # the PDF's own CreationDate metadata, "D:YYYYMMDD…", when present
    _body_sentences: list[Sentence] | None = field(default=None, init=False, repr=False, compare=False)
    """The sentences outside the bibliography, split once (:func:`lineage.ingest.report.body_sentences`)."""

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def section_at(self, page: int, offset: int) -> Heading | None:
        """The last heading at or before (page, offset)."""
        best = None
        for h in self.headings:
            if (h.page, h.offset) <= (page, offset):
                best = h
            else:
                break
        return best

    def in_references(self, page: int, offset: int) -> bool:
        if self.references_page is None:
            return False
        after_start = (page, offset) >= (self.references_page, self.references_offset)
        before_end = self.references_end is None or (page, offset) < self.references_end
        return after_start and before_end

    def body_pages(self) -> list[str]:
        """The pages with their running header blanked (same length, so offsets still hold).

        A running header ("MiniCPM-SALA" above every page) is not part of the first sentence under
        it: left in, "<model name> when utilizing X, the cache …" reads as the model adopting X.
        """
        header = running_header(self.pages)
        if header is None:
            return list(self.pages)
        out = []
        for page in self.pages:
            m = _top_line(page)
            if _header_key(m.group(1)) == header:
                page = page[: m.start(1)] + " " * len(m.group(1)) + page[m.end(1) :]
            out.append(page)
        return out

    def references_text(self) -> str:
        """The bibliography, up to the first appendix that follows it."""
        if self.references_page is None:
            return ""
        end_page, end_offset = self.references_end or (len(self.pages), len(self.pages[-1]))
        if end_page == self.references_page:
            return self.pages[end_page - 1][self.references_offset : end_offset]
        first = self.pages[self.references_page - 1][self.references_offset :]
        middle = self.pages[self.references_page : end_page - 1]
        return "\n".join([first, *middle, self.pages[end_page - 1][:end_offset]])


def _top_line(page: str) -> re.Match[str]:
    """The first non-blank line of a page as group 1 (empty on an empty page: the pattern always matches)."""
    m = re.match(r"\s*([^\n]*)", page)
    assert m is not None
    return m


def _header_key(line: str) -> str:
    """A top line without its page number ("MiniCPM4 12" and "MiniCPM4 13" are one header)."""
    return re.sub(r"^(?:[\d–—-]+\s+)+|(?:\s+[\d–—-]+)+$", "", line.strip())


def running_header(pages: list[str]) -> str | None:
    """The top line most pages repeat (a running header), or None.

    >>> running_header(["Zeta-1\\nTitle", "Zeta-1\\nwhen using X", "Zeta-1 3\\nmore", "4\\nZeta-1 text"])
    'Zeta-1'
    """
    tops = [_header_key(_top_line(p).group(1)) for p in pages]
    counts: dict[str, int] = {}
    for t in tops:
        if len(t) >= 3:
            counts[t] = counts.get(t, 0) + 1
    if not counts:
        return None
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] >= 3 and counts[best] * 3 >= len(pages) else None


_BROKEN = re.compile(r"([A-Za-z]+)\ufffe([A-Za-z]+)")
"""A word broken at a line end, run together on one line: pdfium marks the hyphen it found there as U+FFFE."""


_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


def rejoin_broken_words(pages: list[str]) -> list[str]:
    r"""Join the words a line end split ("con-sists"), keeping the hyphen of a compound ("open-source").

    A hyphen at a line end may be typesetting or part of the word; the document itself tells which:
    a joined word it uses more often than the hyphenated one is joined; when it uses neither, a joined word of
    the English word list ("lever-aged") is; anything else keeps its mark (:func:`clean` makes it a hyphen).

    Examples
    --------
    >>> rejoin_broken_words(["it con\ufffesists of an open\ufffesource model", "it consists of open-source parts"])
    ['it consists of an open\ufffesource model', 'it consists of open-source parts']

    A name broken before a capital ("RM-SNorm") is joined the same way when the document spells it whole
    elsewhere (a table's "RMSNorm"); "Multi-Head" stays, as its hyphenated form is the one used.

    >>> rejoin_broken_words(["with RM\ufffeSNorm and Multi\ufffeHead", "RMSNorm, Multi-Head"])
    ['with RMSNorm and Multi\ufffeHead', 'RMSNorm, Multi-Head']
    """
    words: Counter[str] = Counter()
    for page in pages:
        words.update(map(str.lower, _WORD.findall(page)))

    from lineage.ingest.text import english_word

    def join(m: re.Match) -> str:
        left, right = m.group(1), m.group(2)
        joined, hyphened = words.get((left + right).lower(), 0), words.get(f"{left}-{right}".lower(), 0)
        # neither form elsewhere: an English word ("lever-aged") is joined, a compound ("open-source") is not
        whole = joined > hyphened or (not joined and not hyphened and right.islower() and english_word(left + right))
        return left + right if whole else f"{left}\ufffe{right}"

    return [_BROKEN.sub(join, page) for page in pages]


def clean(text: str) -> str:
    """Undo PDF line-break hyphenation and normalise whitespace and ligatures."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\ufffe\n", "").replace("\ufffe", "-").replace("\u00ad\n", "").replace("\u00ad", "")
    text = text.replace("\ufb01", "fi").replace("\ufb02", "fl").replace("\ufb00", "ff").replace("\ufb03", "ffi")
    text = text.replace("\u2010", "-").replace("\u2011", "-").replace("\u00a0", " ")
    text = re.sub(r"[ \t]+", " ", text)
    return text


def read_pdf(path: Path, progress: Callable[[int, int], None] | None = None) -> PdfText:
    """Extract text per page; ``SourceFormatError`` for anything that is not a readable text PDF.

    ``progress(page, pages)`` is called after each page is read.
    """
    path = Path(path)
    data = read_bytes(path, "PDF", max(MAX_PDF_BYTES, cap("pdf")), plural="reports")  # LINEAGE_MAX_PDF_MB raises it
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise SourceFormatError(f'"{path}" is not a PDF (no %PDF header)')
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = str(exc).split("(")[0].strip().rstrip(".") or "unreadable"
        if "password" in str(exc).lower():
            raise SourceFormatError(f'PDF "{path}" is encrypted; decrypt it first (qpdf --decrypt)') from None
        raise SourceFormatError(f'PDF "{path}" is corrupt: {reason}') from None
    try:
        created = (doc.get_metadata_dict().get("CreationDate") or "").strip() or None
        if len(doc) > MAX_PDF_PAGES:
            raise SourceFormatError(f'PDF "{path}" has {len(doc)} pages; lineage reads reports up to {MAX_PDF_PAGES} pages')
        pages, chars = [], 0
        for i in range(len(doc)):
            try:
                page = doc[i]
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                textpage.close()
                page.close()
            except pdfium.PdfiumError as exc:
                reason = str(exc).split("(")[0].strip().rstrip(".") or "unreadable"
                raise SourceFormatError(f'PDF "{path}" is corrupt: page {i + 1}: {reason}') from None
            chars += len(text)
            if chars > MAX_PDF_TEXT_CHARS:
                raise SourceFormatError(
                    f'PDF "{path}" holds more than {MAX_PDF_TEXT_CHARS:,} characters of text by page {i + 1}; '
                    "lineage reads reports up to that"
                )
            pages.append(text)
            if progress is not None:
                progress(i + 1, len(doc))
    finally:
        doc.close()
    if not pages:
        raise SourceFormatError(f'PDF "{path}" has no pages')
    pages = [clean(p) for p in rejoin_broken_words(pages)]
    if sum(len(p.strip()) for p in pages) < MIN_TEXT_CHARS:
        raise SourceFormatError(
            f'PDF "{path}" has no text layer ({len(pages)} pages, image-only?); OCR it first (ocrmypdf)'
        )
    result = PdfText(path=path, sha256=hashlib.sha256(data).hexdigest(), pages=pages, created=created)
    _find_structure(result)
    return result


def _find_structure(pdf: PdfText) -> None:
    """Numbered headings (in increasing order) and the start of the references."""
    last_top = 0
    for pno, text in enumerate(pdf.pages, start=1):
        offset = 0
        for line in text.split("\n"):
            stripped = line.strip()
            if pdf.references_page is None and _REFERENCES.match(stripped) and pno > 1:
                pdf.references_page, pdf.references_offset = pno, offset
            m = _HEADING.match(stripped)
            if m and not stripped.endswith(".") and len(stripped.split()) <= 12 and not re.search(r"\s\d+\s", m.group("title")):
                top = m.group("num").split(".")[0]
                top_n = int(top) if top.isdigit() else 100 + ord(top)
                # headings go forward: 2, 2.1, 3 … (rejects table rows and list items)
                letter = not top.isdigit()
                if letter and len(m.group("title").split()) < 2:
                    pass  # "H Zhang" in an author list, not an appendix
                elif top_n >= last_top and top_n <= last_top + 2 or (letter and top_n >= last_top):
                    pdf.headings.append(Heading(pno, m.group("num"), m.group("title").strip(), offset))
                    last_top = top_n
                    after_refs = pdf.references_page is not None and (pno, offset) > (
                        pdf.references_page,
                        pdf.references_offset,
                    )
                    if letter and after_refs and pdf.references_end is None:
                        pdf.references_end = (pno, offset)
            offset += len(line) + 1
