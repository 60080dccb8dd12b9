"""Bulk loads: a release's N-Quads in one text or in parts give the same store, its adoption index derived."""

from __future__ import annotations

from pyoxigraph import RdfFormat

from lineage.domain import Claim, Evidence, SourceDocument, utcnow
from lineage.questions.saved import load, run
from lineage.store import Store, adoption_index, bulk, nquads


def _source(i: int) -> tuple[SourceDocument, list[Claim], list]:
    doc = SourceDocument(id=f"config:test/{i}.json", title=str(i), kind="primary" if i % 2 else "secondary",
                         format="config", about=f"model-{i}")
    ev = Evidence(source=doc.id, source_kind=doc.kind, locator="k", snippet="s", method="config", retrieved_at=utcnow())
    status = "verified" if i % 2 else "reported"
    return doc, [Claim(subject=f"model-{i % 4}", predicate="uses", object="mla", status=status, reason="r", evidence=(ev,))], []


def _quads(store: Store) -> list[str]:
    return sorted(store._ox.dump(format=RdfFormat.N_QUADS).decode().splitlines())


def test_a_release_loaded_in_parts_is_the_release_loaded_whole_with_its_index(tmp_path):
    lines = [line for i in range(6) for line in nquads.document_nquads(*_source(i))]
    parts = [("\n".join(lines[:7]) + "\n").encode(), ("\n".join(lines[7:]) + "\n").encode()]
    whole, split = Store(tmp_path / "whole"), Store(tmp_path / "split")
    bulk.load_quads(whole, b"".join(parts), [])
    bulk.load_quads(split, iter(parts), [])
    assert _quads(whole) == _quads(split)
    assert split._ox.query(adoption_index.is_current())
    rows = run(load("who_uses.rq"), {"technique": "mla"}, store=split)
    # odd sources are primary (verified), even ones secondary (reported); model-k is claimed by sources k and k + 4
    assert {(r["model"], r["status"]) for r in rows} == {("model-0", "reported"), ("model-1", "verified"),
                                                         ("model-2", "reported"), ("model-3", "verified")}
    whole.close()
    split.close()
