"""Every pinned source into one store: configs, then cards, then reports, then ``verify``.

Each source is checked against its sha256 first.  A source the ingestors refuse (a report whose
model cannot be told, a second file of a document already ingested) is skipped with the reason,
which the release manifest lists; a hash mismatch stops the build.  A source's recorded month
(the manifest's ``pub_month``) dates a model it discovers when nothing better is known
(:mod:`lineage.ingest.months`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from lineage.errors import LineageError, SourceFormatError
from lineage.ingest.months import RecordedMonth, from_manifest
from lineage.release.sources import ReleaseSource
from lineage.store.spans import document_text, redact

ORDER = {"config": 0, "card": 1, "report": 2}


def check_bytes(path: Path, sha256: str, name: str) -> None:
    """Refuse a file whose bytes are not the pinned ones, naming it."""
    if not path.is_file():
        raise SourceFormatError(f'source "{name}" is missing: no file at {path}')
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise SourceFormatError(f'source "{name}" does not match its pinned sha256 ({digest[:12]}… != {sha256[:12]}…)')


def _redacted(claims, doc_id: str, text: str | None):
    out = []
    for c in claims:
        ev = tuple(redact(e, text) if e.source == doc_id else e for e in c.evidence)
        out.append(c.model_copy(update={"evidence": ev}))
    return out


def ingest_all(store, corpus: Path, sources: list[ReleaseSource], progress: Callable[[str], None] | None = None):
    """Build ``store`` from the catalog, the bundled configs and ``sources``; return (skipped, catalog)."""
    from lineage.build import build  # deferred: the readers and the main job load only when a release is built
    from lineage.catalog import Catalog  # deferred: the readers and the main job load only when a release is built
    from lineage.catalog.config_sources import (
        bundled_configs,  # deferred: the readers and the main job load only when a release is built
    )
    from lineage.verify import verify  # deferred: the readers and the main job load only when a release is built

    for s in sources:
        check_bytes(corpus / s.path if s.kind != "card" else corpus / s.path / "README.md", s.sha256, s.path)
        if s.config_sha256:
            check_bytes(corpus / s.path / "config.json", s.config_sha256, f"{s.path}/config.json")
    curated = Catalog.load()
    build(store, curated)
    bundled = {c.sha256 for c in bundled_configs()}
    skipped: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for s in sorted(sources, key=lambda s: (ORDER[s.kind], s.path)):
        catalog = curated.with_discovered(store.discovered_entities())
        try:
            if s.kind == "config":
                if s.sha256 in bundled:
                    continue  # written by build() with its curated provenance
                _config(store, catalog, corpus / s.path, from_manifest(s.month))
            elif s.kind == "card":
                _card(store, catalog, corpus, s, seen)
            else:
                _report(store, catalog, corpus / s.path, s, seen)
        except LineageError as exc:
            skipped.append((s.path, " ".join(str(exc).split())[:300]))
        if progress:
            progress(s.path)
    catalog = curated.with_discovered(store.discovered_entities())
    verify(store, catalog)
    store.optimize()
    return skipped, catalog


def _config(store, catalog, path: Path, month: RecordedMonth | None) -> None:
    from lineage.ingest.config import (
        ingest_config,  # deferred: the readers and the main job load only when a release is built
    )

    ingest_config(store, catalog, [path], month=month)


def _card(store, catalog, corpus: Path, s: ReleaseSource, seen: dict[str, str]) -> None:
    from lineage.ingest.card import prepare_card  # deferred for start-up: yaml

    folder = corpus / s.path
    config = folder / "config.json" if s.config_sha256 else None
    month = from_manifest(s.month)
    written, _ = prepare_card(catalog, s.hub_repo, folder / "README.md", s.commit, config, month=month)
    doc, claims, entities = written[0]
    _claim_once(seen, doc.id, s.path)
    text = document_text("card", folder / "README.md")
    written[0] = (doc, _redacted(claims, doc.id, text), entities)
    store.replace_sources(written)
    if config is not None and len(written) == 1:  # the card's model is new: its config discovers it
        _config(store, catalog, config, month)


def _report(store, catalog, path: Path, s: ReleaseSource, seen: dict[str, str]) -> None:
    from lineage.ingest.pdf import read_pdf  # deferred: the readers and the main job load only when a release is built
    from lineage.ingest.report import (
        analyse_subjects,  # deferred: the readers and the main job load only when a release is built
    )
    from lineage.ingest.report_subjects import (  # deferred: the readers and the main job load only when a release is built
        identify,
        subjects,
    )

    pdf = read_pdf(path)
    paper = identify(pdf, catalog, s.arxiv if s.arxiv and f"arxiv-{s.arxiv}" in catalog else None)
    try:
        found = subjects(pdf, catalog, paper, None, from_manifest(s.month))
    except SourceFormatError:
        # a first page that names no model: the repository the report is published in may name a
        # known one (MoonshotAI/Moonlight -> moonlight-16b-a3b); a repo named after a technique or a
        # series (MoBA, granite-code-models) is no model, so the report stays skipped with the reason
        model = repo_model(s.repo, catalog)
        if model is None:
            raise
        found = subjects(pdf, catalog, paper, model, from_manifest(s.month))
    prepared = analyse_subjects(pdf, found)
    _claim_once(seen, prepared.doc.id, s.path)
    claims = _redacted(prepared.claims, prepared.doc.id, "\f".join(pdf.pages))
    store.replace_source(prepared.doc, claims, prepared.entities)


def repo_model(repo: str, catalog) -> str | None:
    """The known model a report's repository names (by the resolver), or None.

    Examples
    --------
    >>> from lineage.catalog import Catalog
    >>> repo_model("MoonshotAI/Moonlight", Catalog.load()), repo_model("MoonshotAI/MoBA", Catalog.load())
    ('moonlight-16b-a3b', None)
    """
    from lineage.catalog.resolver import (
        Resolver,  # deferred: the readers and the main job load only when a release is built
    )

    return Resolver(catalog).model(repo.rsplit("/", 1)[-1])


def _claim_once(seen: dict[str, str], doc_id: str, path: str) -> None:
    if doc_id in seen:
        raise SourceFormatError(f'it is the document "{doc_id}" again, already ingested from {seen[doc_id]}')
    seen[doc_id] = path
