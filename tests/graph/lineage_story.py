"""A store with the Muon story planted: the claims report ingestion would add.

Moonlight's report says it uses Muon and no MTP layers.  DeepSeek-V4's report says it uses Muon and cites Moonlight's report (Moonshot, whose
Moonlight model used Muon first), Muon's blog post (people, no lab) and Meta's multi-token
prediction paper (its config shows MTP), and that it runs on Ascend 910B NPUs; an article claims
Moonshot introduced Muon and that V4 was trained on H800 GPUs.  Shared by
tests/graph, tests/queries and tests/neo4j: tests/conftest.py imports the fixtures below, so each
store is built once per session (and once per run: every xdist worker copies the same one).
"""

from __future__ import annotations

import shutil

import pytest

from lineage.domain import Claim, Evidence, SourceDocument, utcnow
from lineage.store import Store
from tests.fixtures.once import run_folder, store_once


def _claim(doc, subject, predicate, obj, status, snippet, method="text"):
    ev = Evidence(source=doc.id, source_kind=doc.kind, locator="section 2", snippet=snippet, method=method,
                  retrieved_at=utcnow())
    return Claim(subject=subject, predicate=predicate, object=obj, status=status, reason=f"{doc.title}: {snippet}",
                 evidence=(ev,))


def plant_muon_story(store) -> None:
    """Add the three documents of the story to a built store."""
    v4 = SourceDocument(id="report:deepseek-v4", title="DeepSeek-V4 report", kind="primary", format="report",
                        about="deepseek-v4-pro")
    store.replace_source(v4, [
        _claim(v4, "deepseek-v4-pro", "uses", "muon", "verified", "we employ the Muon optimizer"),
        _claim(v4, "arxiv-2606.19348", "cites", "arxiv-2502.16982", "verified", "[41] Muon is scalable", "citation"),
        _claim(v4, "arxiv-2606.19348", "cites", "muon-blog-post", "verified", "[23] Muon blog", "citation"),
        _claim(v4, "arxiv-2606.19348", "cites", "arxiv-2404.19737", "verified", "[12] multi-token", "citation"),
        _claim(v4, "deepseek-v4-pro", "supportsHardware", "huawei-ascend-910b", "verified", "it runs on Ascend 910B"),
    ])
    moonlight = SourceDocument(id="report:moonlight", title="Moonlight report", kind="primary", format="report",
                               about="moonlight-16b-a3b")
    store.replace_source(moonlight, [
        _claim(moonlight, "moonlight-16b-a3b", "uses", "muon", "verified", "we train Moonlight with Muon"),
        _claim(moonlight, "moonlight-16b-a3b", "uses", "mtp", "contradicted", "Moonlight has no MTP layers"),
    ])
    article = SourceDocument(id="article:muon-is-moonshots", title="A blog post", kind="secondary", format="article")
    store.replace_source(article, [
        _claim(article, "muon", "introducedBy", "moonshot-ai", "reported", "Moonshot's Muon optimizer"),
        _claim(article, "deepseek-v4-pro", "trainedOn", "nvidia-h800", "reported", "V4 was trained on H800s"),
    ])


@pytest.fixture(scope="session")
def story_store_path(tmp_path_factory, built_store_path):
    """A built store plus the Muon story (read-only for tests)."""

    def plant(path):
        shutil.copytree(built_store_path, path)
        with Store(path) as s:
            plant_muon_story(s)

    return store_once(run_folder(tmp_path_factory, "stores"), "story", plant, tmp_path_factory.mktemp("story") / "store")


@pytest.fixture(scope="session")
def story_graph(story_store_path, catalog):
    from lineage.questions.projection import project

    with Store(story_store_path) as s:
        return project(s, catalog)


@pytest.fixture(scope="session")
def built_graph(built_store_path, catalog):
    from lineage.questions.projection import project

    with Store(built_store_path) as s:
        return project(s, catalog)


@pytest.fixture(scope="session")
def reports_store_path(tmp_path_factory, corpus, catalog, built_store_path):
    """A built store with every corpus report (``../shared/corpus/reports/*.pdf``) ingested (read-only).

    A report whose model cannot be told is left out (it is refused, the store unchanged); at least
    ten of the corpus reports must go in.
    """
    from lineage.errors import SourceFormatError
    from lineage.ingest.report import ingest_pdf

    def ingest(path):
        shutil.copytree(built_store_path, path)
        ingested = []
        with Store(path) as s:
            for pdf in sorted((corpus / "reports").glob("*.pdf")):
                try:
                    ingested.append(ingest_pdf(s, catalog, pdf).source)
                except SourceFormatError:
                    continue
        assert len(ingested) >= 10, ingested

    return store_once(run_folder(tmp_path_factory, "stores"), "reports", ingest,
                      tmp_path_factory.mktemp("reports") / "store")


@pytest.fixture(scope="session")
def reports_graph(reports_store_path, catalog):
    from lineage.questions.projection import project

    with Store(reports_store_path) as s:  # as the CLI projects: with what the reports discovered
        return project(s, catalog.with_discovered(s.discovered_entities()))


@pytest.fixture(scope="session")
def relations_graph(tmp_path_factory, built_store_path, catalog):
    """The built graph plus idea relations read from a report's text (page locators), as ingestion writes them."""
    from lineage.questions.projection import project

    path = tmp_path_factory.mktemp("relations") / "store"
    shutil.copytree(built_store_path, path)
    doc = SourceDocument(id="report:kimi-linear", title="Kimi Linear report", kind="primary", format="report",
                         about="kimi-linear-48b-a3b")
    claims = [
        _claim(doc, "kda", "extends", "gated-deltanet", "verified", "our attention refines the gated delta rule"),
        _claim(doc, "kda", "contrastsWith", "mla", "verified", "unlike latent attention, it keeps a fixed-size state"),
    ]
    claims = [c.model_copy(update={"evidence": tuple(e.model_copy(update={"locator": "p. 3, §2"}) for e in c.evidence)})
              for c in claims]
    with Store(path) as s:
        s.replace_source(doc, claims)
        return project(s, catalog)
