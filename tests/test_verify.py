"""``verify`` over a whole store: one index of the primary claims, and only changed sources written."""

from __future__ import annotations

import shutil

import pytest

from lineage.domain import Claim, Evidence, Method, Predicate, SourceDocument, SourceKind, Status, utcnow
from lineage.store import Store
from lineage.verify import verify, verify_claims


class CountingStore(Store):
    """The store, noting each transaction that writes sources and each claim read."""

    def __init__(self, path):
        super().__init__(path)
        self.writes: list[list[str]] = []
        self.reads: list[dict] = []

    def replace_sources(self, sources):
        sources = list(sources)
        self.writes.append([doc.id for doc, _, _ in sources])
        return super().replace_sources(sources)

    def claim_records(self, *args, **filters):
        self.reads.append(filters)
        return super().claim_records(*args, **filters)


def _article(doc_id: str, subject: str, value: int, status: Status) -> tuple[SourceDocument, list[Claim], tuple]:
    doc = SourceDocument(id=doc_id, title="an article", kind=SourceKind.SECONDARY, format="article")
    ev = Evidence(source=doc_id, revision="r1", source_kind=SourceKind.SECONDARY, locator="line 1",
                  snippet=f"{subject} has {value} parameters", method=Method.TEXT, retrieved_at=utcnow())
    claim = Claim(subject=subject, predicate=Predicate.TOTAL_PARAMETERS, value=value, unit="parameters",
                  status=status, reason="stated by the article", evidence=(ev,))
    return doc, [claim], ()


@pytest.fixture
def built_copy(built_store_path, tmp_path):
    path = tmp_path / "store"
    shutil.copytree(built_store_path, path)
    store = CountingStore(path)
    yield store
    store.close()


def _deepseek_v3_total(store) -> int:
    return int(next(c.value for c in store.claims(subject="deepseek-v3", predicate=Predicate.TOTAL_PARAMETERS)
                    if c.status is Status.VERIFIED))


def test_verify_on_a_store_it_already_verified_reads_no_whole_store_and_writes_nothing(built_copy, catalog):
    total = _deepseek_v3_total(built_copy)
    built_copy.replace_sources([_article("article:a", "deepseek-v3", total, Status.UNVERIFIED),
                                _article("article:b", "kimi-k2.6", 1_600_000_000_000, Status.VERIFIED)])
    first = verify(built_copy, catalog)
    assert first.written == 2
    built_copy.writes.clear()
    built_copy.reads.clear()
    again = verify(built_copy, catalog)
    assert again.sources == first.sources > 0 and again.claims == first.claims > 0
    assert again.by_status == first.by_status and again.changed == 0 and again.written == 0
    assert built_copy.writes == []
    assert {} not in built_copy.reads  # every claim is never listed: the index reads claims per entity


def test_only_the_sources_whose_claims_changed_are_written_in_one_transaction(built_copy, catalog):
    total = _deepseek_v3_total(built_copy)
    right = _article("article:right", "deepseek-v3", total, Status.UNVERIFIED)
    wrong = _article("article:wrong", "deepseek-v3", total * 3, Status.VERIFIED)
    built_copy.replace_sources([right, wrong])
    verify(built_copy, catalog)
    built_copy.writes.clear()
    (done,) = built_copy.claims(source="article:wrong")
    assert done.status is Status.CONTRADICTED and done.reason.startswith("[primary-value]")

    built_copy.replace_sources([_article("article:wrong", "deepseek-v3", total * 3, Status.VERIFIED)])
    built_copy.writes.clear()
    report = verify(built_copy, catalog)
    assert built_copy.writes == [["article:wrong"]]  # the right one is left as it is
    assert report.written == 1 and report.changed == 1
    (again,) = built_copy.claims(source="article:wrong")
    assert (again.status, again.reason) == (done.status, done.reason)
    assert [e for e in again.evidence if e.source != "article:wrong"] == [e for e in done.evidence if e.source != "article:wrong"]


def test_one_index_for_the_run_judges_as_a_fresh_index_per_source(built_copy, catalog):
    from lineage.verify_index import PrimaryIndex

    a = _article("article:a", "deepseek-v3", _deepseek_v3_total(built_copy), Status.UNVERIFIED)
    b = _article("article:b", "kimi-k2.6", 1_600_000_000_000, Status.UNVERIFIED)
    built_copy.replace_sources([a, b])
    shared = PrimaryIndex(built_copy)
    for doc, claims, _ in (a, b):
        once = verify_claims(built_copy, catalog, claims, doc.id, shared)
        fresh = verify_claims(built_copy, catalog, claims, doc.id)
        assert [(c.status, c.reason, c.evidence) for c in once] == [(c.status, c.reason, c.evidence) for c in fresh]
        assert once[0].status in (Status.VERIFIED, Status.CONTRADICTED)
