"""``lineage fetch``: the release's documents into the cache, so evidence shows its text again.

The release keeps spans, not sentences (:mod:`lineage.store.spans`).  ``fetch`` copies each pinned
report and card from a mirror (a folder laid out like the corpus, e.g. ``../shared/corpus``), checks
its sha256 against ``seeds/sources/release.yaml``, and caches the document's extracted text under
``<cache>/documents/``, indexed by source id.  From then on :func:`quoted` re-cuts each snippet by its
offsets and checks it against the span's hash; a cached text that does not hash as the release
says is an error naming the document.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from lineage.errors import ExternalServiceError, SourceFormatError
from lineage.ingest import download as bounded
from lineage.paths import cache_dir
from lineage.release.assemble import check_bytes
from lineage.release.sources import ReleaseSource, load
from lineage.store.documents import documents_dir, documents_index, fetched_text, quoted, snippet  # noqa: F401  (their home before)
from lineage.store.spans import document_text


class FetchReport(BaseModel):
    """What ``lineage fetch`` brought into the cache."""

    fetched: list[str] = Field(description="Source ids whose text is now cached.")
    cache: str = Field(description="Folder of the cached texts.")


def source_ids(store, pinned: list[ReleaseSource]) -> dict[str, ReleaseSource]:
    """Source id in the store -> its pinned document (reports by the sha256 in their revision, cards by repo)."""
    by_sha = {s.sha256: s for s in pinned if s.kind == "report"}
    by_repo = {s.hub_repo: s for s in pinned if s.kind == "card"}
    out = {}
    for doc in store.sources():
        if doc.format == "report":
            m = re.search(r"sha256:([0-9a-f]{64})", doc.revision or "")
            if m and m.group(1) in by_sha:
                out[doc.id] = by_sha[m.group(1)]
        elif doc.format == "card" and doc.id.removeprefix("card:") in by_repo:
            out[doc.id] = by_repo[doc.id.removeprefix("card:")]
    return out


def fetch(
    store, mirror: Path | None, wanted: Sequence[str] = (), progress: Callable[[int, int], None] | None = None
) -> FetchReport:
    """Copy the documents of the release's reports and cards from ``mirror`` into the cache.

    Without a mirror each document is downloaded from the repository and commit it is pinned to
    (:func:`download`).  ``wanted`` narrows it to source ids or corpus paths.  A document whose bytes
    are not the pinned ones is refused, naming it, before anything is cached for it.
    ``progress(done, total)`` is called after each document.
    """

    ids = source_ids(store, load())
    chosen = {i: s for i, s in ids.items() if not wanted or i in wanted or s.path in wanted}
    unknown = [w for w in wanted if w not in chosen and all(s.path != w for s in chosen.values())]
    if unknown:
        raise SourceFormatError(f'"{unknown[0]}" is not a report or card of the release; see \'lineage sources\'')
    folder = documents_dir()
    folder.mkdir(parents=True, exist_ok=True)
    index = documents_index()
    for done, (doc_id, s) in enumerate(sorted(chosen.items()), 1):
        path = Path(mirror) / s.path / ("README.md" if s.kind == "card" else "") if mirror else download(s)
        check_bytes(path, s.sha256, s.path)
        text_file = folder / f"{s.sha256}.txt"
        text_file.write_text(document_text(s.kind, path), encoding="utf-8")
        index[doc_id] = {"path": s.path, "sha256": s.sha256, "text": text_file.name}
        if progress:
            progress(done, len(chosen))
    (folder / "index.json").write_text(json.dumps(index, indent=1, sort_keys=True), encoding="utf-8")
    fetched_text.cache_clear()
    return FetchReport(fetched=sorted(chosen), cache=str(folder))


RAW_BASE = "https://raw.githubusercontent.com"  # override: LINEAGE_RAW_BASE (a mirror, or a local test server)


def raw_url(s: ReleaseSource) -> str:
    """Where the pinned bytes of ``s`` are served: ``<base>/<repo>/<commit>/<path in repo>``."""
    import os
    from urllib.parse import quote

    if not s.commit or not s.path_in_repo:
        raise SourceFormatError(f'source "{s.path}" has no pinned commit and path to download it from; use --mirror DIR')
    base = os.environ.get("LINEAGE_RAW_BASE", RAW_BASE).rstrip("/")
    return f"{base}/{quote(s.repo)}/{s.commit}/{quote(s.path_in_repo)}"


def download(s: ReleaseSource) -> Path:
    """Download the pinned document of ``s`` into the cache; return the file.

    Bounded like every download (:mod:`lineage.ingest.download`: at most its pinned size, a deadline,
    retries), and kept only when its sha256 is the pinned one.  Any failure is one line naming the
    document (exit 3).
    """
    from dataclasses import replace


    url = raw_url(s)
    target = cache_dir() / "downloads" / s.sha256
    if target.is_file() and bounded.sha256(target) == s.sha256:
        return target
    limits = bounded.limits("document")
    job = bounded.Job(replace(limits, cap=min(limits.cap, s.bytes)), f'"{s.path}"', url)

    def pinned(path: Path) -> str | None:
        digest = bounded.sha256(path)
        return None if digest == s.sha256 else f"the bytes do not match its pinned sha256 ({digest[:12]}… != {s.sha256[:12]}…)"

    try:
        return bounded.fetch_file(url, target, job, check=pinned, retry_bad=False)
    except ExternalServiceError as exc:
        raise ExternalServiceError(f"{exc} (--mirror DIR reads a local copy)") from None
