"""RDF written by Oxigraph's serializers: merged formats write each triple once, by the engine or by a set alike."""

from __future__ import annotations

import io

import pytest

from lineage.domain import Claim, Evidence, SourceDocument, utcnow
from lineage.store import serialize


def _source(name: str) -> tuple[SourceDocument, list[Claim]]:
    doc = SourceDocument(id=f"config:test/{name}.json", title=name, kind="primary", format="config", about="kimi-k2")
    ev = Evidence(source=doc.id, source_kind="primary", locator="k", snippet="s", method="config", retrieved_at=utcnow())
    return doc, [Claim(subject="kimi-k2", predicate="uses", object="mla", status="verified", reason="r", evidence=(ev,))]


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_a_triple_two_sources_state_is_written_once_by_the_engine_as_by_a_set(store, monkeypatch, fmt):
    for name in ("a", "b"):
        store.replace_source(*_source(name))

    def written() -> bytes:
        out = io.BytesIO()
        serialize.write(store._ox, fmt, out)
        return out.getvalue()

    by_engine = written()
    monkeypatch.setattr(serialize, "MERGE_WINDOW", 0)  # a store past the engine's window: merged by a set
    assert written() == by_engine
    if fmt == "nt":
        lines = by_engine.decode().splitlines()
        assert len(lines) == len(set(lines)) > 0
        assert sum("/id/kimi-k2> <https://w3id.org/lineage/vocab#uses> <" in line for line in lines) == 1
