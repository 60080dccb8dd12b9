"""``lineage ingest arxiv ID…``: paper metadata through the ``arxiv`` client, the PDF pinned to its version.

Follows arXiv's API etiquette: one client for the whole run (it waits 3 s
between API calls and retries), PDF downloads retried with backoff, and
nothing downloaded twice — PDFs are cached under ``<cache>/arxiv/<id>v<N>.pdf``
and written there only once complete.  The PDF then goes through the report
ingestor with the paper's metadata attached.

``LINEAGE_ARXIV_PDF_BASE`` points downloads at a mirror (default
``https://arxiv.org/pdf``).
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from lineage.catalog import Catalog
from lineage.domain import EntityKind, Paper, SourceRef
from lineage.errors import ExternalServiceError, SourceFormatError
from lineage.ingest.identity import catalog_without
from lineage.ingest.pdf import read_pdf
from lineage.ingest.report import ReportReport, analyse_subjects
from lineage.ingest.report_subjects import subjects
from lineage.paths import cache_dir

ARXIV_ID = re.compile(r"^(?:arXiv:)?(?P<id>\d{4}\.\d{4,5})(?P<version>v\d+)?$", re.I)
PDF_BASE = "https://arxiv.org/pdf"
DOWNLOAD_TRIES = 4
TIMEOUT_S = 60


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
    malformed = _MalformedFeeds()
    logging.getLogger("arxiv").addHandler(malformed)
    try:
        results = list(client.results(arxiv.Search(id_list=[query])))
    except arxiv.HTTPError as exc:
        raise ExternalServiceError(f"arXiv API answered HTTP {exc.status} for {query} after {exc.retry + 1} tries") from None
    except arxiv.UnexpectedEmptyPageError:
        raise ExternalServiceError(f"arXiv API returned an empty page for {query}; try again later") from None
    except requests.RequestException as exc:
        raise ExternalServiceError(f"cannot reach the arXiv API for {query}: {type(exc).__name__}") from None
    finally:
        logging.getLogger("arxiv").removeHandler(malformed)
    if not results and malformed.seen:  # not an answer about the id: the service failed
        raise ExternalServiceError(f"arXiv API returned a malformed feed for {query}; try again later")
    if not results:
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


class _MalformedFeeds(logging.Handler):
    """Notes the ``arxiv`` client's "Malformed feed" warning: its only sign that a page was not Atom."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        self.seen = self.seen or record.getMessage().startswith("Malformed feed")


def download_pdf(meta: PaperMetadata, session=None, sleep: Callable[[float], None] = time.sleep) -> tuple[Path, bool]:
    """The PDF of exactly this version, from the cache or downloaded (with retries and backoff)."""
    import requests

    target = cache_dir() / "arxiv" / f"{meta.arxiv}{meta.version}.pdf"
    if target.exists() and target.stat().st_size > 0 and target.read_bytes()[:5] == b"%PDF-":
        return target, False
    target.parent.mkdir(parents=True, exist_ok=True)
    base = os.environ.get("LINEAGE_ARXIV_PDF_BASE", PDF_BASE).rstrip("/")
    url = f"{base}/{meta.arxiv}{meta.version}"
    session = session or requests.Session()
    last = ""
    for attempt in range(DOWNLOAD_TRIES):
        if attempt:
            sleep(3.0 * 2 ** (attempt - 1))  # 3 s, 6 s, 12 s: arXiv asks for at least 3 s between requests
        try:
            resp = session.get(url, timeout=TIMEOUT_S, headers={"user-agent": "lineage (https://w3id.org/lineage)"})
        except requests.RequestException as exc:
            last = type(exc).__name__
            continue
        if resp.status_code == 200 and resp.content[:5] == b"%PDF-":
            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
            with os.fdopen(fd, "wb") as fh:
                fh.write(resp.content)
            os.replace(tmp, target)  # only a complete file ever has the final name
            return target, True
        last = f"HTTP {resp.status_code}" if resp.status_code != 200 else "a response that is not a PDF"
        if 400 <= resp.status_code < 500 and resp.status_code != 429:
            break
    raise ExternalServiceError(f"downloading {url} failed: {last} after {attempt + 1} tries")


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
    import arxiv

    parsed = [parse_id(i) for i in ids]  # every id is checked before any request
    client = client or arxiv.Client(page_size=10, delay_seconds=3.0, num_retries=3)
    out = []
    for ident, version in parsed:
        meta = fetch_metadata(client, ident, version)
        path, downloaded = download_pdf(meta, session=getattr(client, "_session", None))
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
