"""``lineage ingest arxiv ID…``: paper metadata through the ``arxiv`` client, the PDF pinned to its version.

Follows arXiv's API etiquette: one client for the whole run (it waits 3 s
between API calls), requests retried with backoff from 3 s, and nothing
downloaded twice — PDFs are cached under ``<cache>/arxiv/<id>v<N>.pdf``.
Every request is bounded (:mod:`lineage.ingest.download`: a feed page and a PDF
each have a size cap and a deadline); a PDF is written there only once complete,
its length and structure checked, with its sha256 beside it (``.sha256``), and a
cached PDF that fails those checks is fetched again.  The PDF then goes through
the report ingestor with the paper's metadata attached.

``LINEAGE_ARXIV_PDF_BASE`` points downloads at a mirror (default
``https://arxiv.org/pdf``), ``LINEAGE_ARXIV_API`` the metadata queries (default
``https://export.arxiv.org/api/query``).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

from pydantic import BaseModel, Field

from lineage.catalog import Catalog
from lineage.domain import EntityKind, Paper, SourceRef
from lineage.errors import ExternalServiceError, SourceFormatError
from lineage.ingest import download
from lineage.ingest.identity import catalog_without
from lineage.ingest.pdf import read_pdf
from lineage.ingest.report import ReportReport, analyse_subjects
from lineage.ingest.report_subjects import subjects
from lineage.paths import cache_dir

ARXIV_ID = re.compile(r"^(?:arXiv:)?(?P<id>\d{4}\.\d{4,5})(?P<version>v\d+)?$", re.I)
PDF_BASE = "https://arxiv.org/pdf"
API = "https://export.arxiv.org/api/query"
RETRY_WAIT_S = 3.0
"""First wait before a retry (then 6 s, …): arXiv asks for at least 3 s between requests."""


class PaperMetadata(BaseModel):
    """What the arXiv API says about one paper version."""

    arxiv: str = Field(description="Id without version.")
    version: str = Field(description="Version, e.g. 'v2'.")
    title: str = Field(description="Title.")
    authors: list[str] = Field(description="Author names in order.")
    published: str = Field(description="First version date, YYYY-MM-DD.")
    updated: str = Field(description="This version's date, YYYY-MM-DD.")
    primary_category: str | None = Field(None, description="Primary arXiv category.")
    categories: list[str] = Field(default_factory=list, description="All categories.")
    doi: str | None = Field(None, description="DOI, when the paper has one.")
    links: list[str] = Field(default_factory=list, description="Links the API lists (abs, pdf, doi).")


class ArxivReport(BaseModel):
    """One ``ingest arxiv`` result."""

    metadata: PaperMetadata = Field(description="Paper metadata.")
    pdf: str = Field(description="Cached PDF path.")
    downloaded: bool = Field(description="False when the PDF came from the cache.")
    report: ReportReport = Field(description="What the PDF yielded.")


def parse_id(text: str) -> tuple[str, str | None]:
    """``2412.19437v2`` -> (``2412.19437``, ``v2``); a clear error for anything else."""
    m = ARXIV_ID.match(text.strip())
    if not m:
        raise SourceFormatError(f'"{text}" is not an arXiv id (expected e.g. 2412.19437 or 2412.19437v2)')
    return m.group("id"), m.group("version")


def fetch_metadata(client, ident: str, version: str | None) -> PaperMetadata:
    """Metadata of one paper (the requested version, or the latest)."""
    import arxiv
    import requests

    query = f"{ident}{version or ''}"
    session = getattr(client, "_session", None)
    if not isinstance(session, FeedSession):
        session = client._session = FeedSession(session)
    session.what = query
    try:
        results = list(client.results(arxiv.Search(id_list=[query])))
    except arxiv.HTTPError as exc:
        raise ExternalServiceError(f"arXiv API answered HTTP {exc.status} for {query} after {exc.retry + 1} tries") from None
    except arxiv.UnexpectedEmptyPageError:
        raise ExternalServiceError(f"arXiv API returned an empty page for {query}; try again later") from None
    except requests.RequestException as exc:
        raise ExternalServiceError(f"cannot reach the arXiv API for {query}: {type(exc).__name__}") from None
    if not results:  # FeedSession let only a well-formed Atom feed with totalResults 0 through
        raise SourceFormatError(f'arXiv has no paper "{query}". Check the id.')
    r = results[0]
    short = r.get_short_id()
    m = re.match(r"(?P<id>\d{4}\.\d{4,5})(?P<version>v\d+)", short)
    if not m:
        raise ExternalServiceError(f"arXiv API returned an entry without a versioned id for {query}")
    return PaperMetadata(
        arxiv=m.group("id"),
        version=m.group("version"),
        title=" ".join(r.title.split()),
        authors=[a.name for a in r.authors],
        published=r.published.date().isoformat(),
        updated=r.updated.date().isoformat(),
        primary_category=r.primary_category,
        categories=list(r.categories),
        doi=r.doi,
        links=[link.href for link in r.links],
    )


ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


def feed_problem(data: bytes) -> str | None:
    """None for a well-formed Atom feed that answers the query, else what is wrong with the page.

    The ``arxiv`` client parses with recovery, so a feed cut short or an HTML error page served
    with 200 reads as an empty result ("no paper"); only a whole Atom feed whose
    ``opensearch:totalResults`` agrees with its entries (0 and none: no such paper) is an answer.
    """
    from xml.etree import ElementTree

    if re.search(rb"<!(DOCTYPE|ENTITY)", data, re.I):  # an Atom feed has neither (an HTML page has the first)
        return "a page that is not an Atom feed"
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return "a page that is not well-formed XML"
    if root.tag != f"{ATOM}feed":
        return "a page that is not an Atom feed"
    total = (root.findtext(f"{OPENSEARCH}totalResults") or "").strip()
    if not total.isdigit() or (int(total) == 0) != (root.find(f"{ATOM}entry") is None):
        return "a feed whose totalResults does not match its entries"
    return None


class FeedSession:
    """What the ``arxiv`` client calls to fetch a feed page: each page a bounded download (:mod:`lineage.ingest.download`).

    Failures are one-line errors the client does not retry: the retries (with backoff) are done here.
    """

    def __init__(self, session=None, what: str = "a query"):
        self.session, self.what = session, what

    def get(self, url: str, headers: dict | None = None):
        job = download.Job(download.limits("feed", RETRY_WAIT_S), self.what, "arXiv API")
        data = download.fetch_bytes(url, job, self.session, headers)
        problem = feed_problem(data)
        if problem:  # not an answer about the id: the service failed
            raise ExternalServiceError(f"arXiv API returned {problem} for {self.what}; try again later")
        return SimpleNamespace(status_code=200, content=data)


def make_client():
    """The run's ``arxiv`` client: 3 s between API calls, retries left to :class:`FeedSession`."""
    import arxiv

    c = arxiv.Client(page_size=10, delay_seconds=3.0, num_retries=0)
    c.query_url_format = os.environ.get("LINEAGE_ARXIV_API", API).rstrip("?") + "?{}"
    c._session = FeedSession(c._session)
    return c


def download_pdf(meta: PaperMetadata, session=None) -> tuple[Path, bool]:
    """The PDF of exactly this version: from the cache when it passes :func:`pdf_problem`, else downloaded."""
    target = cache_dir() / "arxiv" / f"{meta.arxiv}{meta.version}.pdf"
    if target.exists() and pdf_problem(target) is None:
        return target, False
    base = os.environ.get("LINEAGE_ARXIV_PDF_BASE", PDF_BASE).rstrip("/")
    url = f"{base}/{meta.arxiv}{meta.version}"
    job = download.Job(download.limits("pdf", RETRY_WAIT_S), f"the PDF of {meta.arxiv}{meta.version}", "arXiv")
    _hash_file(target).unlink(missing_ok=True)
    download.fetch_file(url, target, job, session, check=lambda p: pdf_problem(p, recorded=False))
    _hash_file(target).write_text(json.dumps({"sha256": download.sha256(target), "bytes": target.stat().st_size}))
    return target, True


def pdf_problem(path: Path, recorded: bool = True) -> str | None:
    """None for a whole PDF, else what is wrong: no ``%PDF-`` header, no ``%%EOF`` in its last 2 KB (cut
    short), or (``recorded``) not the bytes whose sha256 was recorded when it was downloaded."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(5)
        fh.seek(max(0, size - 2048))
        tail = fh.read()
    if head != b"%PDF-":
        return "a response that is not a PDF"
    if b"%%EOF" not in tail:
        return "a PDF cut short (no %%EOF at its end)"
    if recorded:
        try:
            kept = json.loads(_hash_file(path).read_text())
        except (OSError, ValueError):
            return "no record of its hash"
        if kept.get("bytes") != size or kept.get("sha256") != download.sha256(path):
            return "not the bytes downloaded"
    return None


def _hash_file(pdf: Path) -> Path:
    return pdf.with_name(pdf.name + ".sha256")


def paper_entity(meta: PaperMetadata, catalog: Catalog) -> Paper:
    """The catalog's paper, with the API's metadata filled in."""
    known = catalog.entities.get(f"arxiv-{meta.arxiv}")
    fields = dict(
        authors=tuple(meta.authors),
        updated=meta.updated,
        version=meta.version,
        categories=tuple(meta.categories),
    )
    if isinstance(known, Paper):
        return known.model_copy(update=fields)
    return Paper(
        id=f"arxiv-{meta.arxiv}",
        name=meta.title[:80],
        title=meta.title,
        arxiv=meta.arxiv,
        published=meta.published,
        sources=(SourceRef(url=f"https://arxiv.org/abs/{meta.arxiv}{meta.version}"),),
        curation="discovered",
        discovered_in=f"report:arxiv-{meta.arxiv}",
        **fields,
    )


def ingest_arxiv(
    store,
    catalog: Catalog,
    ids: list[str],
    model: str | None = None,
    client=None,
    progress: Callable[[str], None] | None = None,
) -> list[ArxivReport]:
    """Ingest papers by arXiv id: metadata, pinned PDF, then the report analysis; one graph per paper."""
    parsed = [parse_id(i) for i in ids]  # every id is checked before any request
    client = client or make_client()
    out = []
    for ident, version in parsed:
        meta = fetch_metadata(client, ident, version)
        path, downloaded = download_pdf(meta, session=getattr(client._session, "session", None))
        # read as a first ingest would: what this paper's report discovered before is discovered again
        cat = catalog_without(store, catalog, [f"report:arxiv-{meta.arxiv}"]) or catalog
        paper = paper_entity(meta, cat)
        pdf = read_pdf(path)
        found = subjects(pdf, cat.with_discovered([paper]), paper, model)
        prepared = analyse_subjects(pdf, found, meta.version)
        report = prepared.report
        store.replace_source(prepared.doc, prepared.claims, [paper, *(e for e in prepared.entities if e.id != paper.id)])
        out.append(ArxivReport(metadata=meta, pdf=str(path), downloaded=downloaded, report=report))
        if progress:
            progress(meta.arxiv)
    return out


__all__ = ["ArxivReport", "PaperMetadata", "EntityKind", "ingest_arxiv", "parse_id"]
