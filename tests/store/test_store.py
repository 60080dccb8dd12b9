"""The Oxigraph store: one named graph per source, atomic replacement, idempotent builds."""

from __future__ import annotations

import pytest

from lineage.build import build
from lineage.domain import Claim, Evidence, SourceDocument, Status, utcnow
from lineage.errors import StoreError
from lineage.questions.saved import load, run
from lineage.store import Store


def _doc(i: str = "1") -> SourceDocument:
    return SourceDocument(id=f"config:test/{i}.json", title="t", kind="primary", format="config", about="deepseek-v3")


def _claim(doc: SourceDocument, obj: str = "mla", snippet: str = "kv_lora_rank = 512") -> Claim:
    ev = Evidence(source=doc.id, source_kind="primary", locator="x.json#/kv_lora_rank", snippet=snippet,
                  method="config", retrieved_at=utcnow())
    return Claim(subject="deepseek-v3", predicate="uses", object=obj, status="verified", reason="stated",
                 evidence=(ev,))


def test_claims_round_trip_with_their_evidence(store):
    doc = _doc()
    claim = _claim(doc, snippet='he said "hi" \\ <b> }} \'\'\' """ \n DROP ALL ; ünïcode')
    store.replace_source(doc, [claim])
    (back,) = store.claims()
    assert back.model_dump(exclude={"source", "ref"}) == claim.model_dump()
    assert back.source == doc.id


def test_evidence_spans_round_trip(store):
    doc = _doc()
    claim = _claim(doc, snippet="")
    ev = claim.evidence[0].model_copy(update={"span_start": 10, "span_end": 42, "span_sha256": "a" * 64})
    claim = claim.model_copy(update={"evidence": (ev,)})
    store.replace_source(doc, [claim])
    (back,) = store.claims()
    assert (back.evidence[0].span_start, back.evidence[0].span_end, back.evidence[0].span_sha256) == (10, 42, "a" * 64)


def test_a_discovered_model_without_a_lab_reads_back(store):
    from lineage.domain import Model, SourceRef

    doc = _doc()
    model = Model(id="no-lab-model", name="No-Lab", organization=None, curation="discovered",
                  discovered_in=doc.id, sources=(SourceRef(url="https://example.org"),))
    store.replace_source(doc, [_claim(doc)], [model])
    assert store.discovered_entities() == [model]


def test_replacing_a_source_touches_only_its_graph(store):
    a, b = _doc("a"), _doc("b")
    store.replace_source(a, [_claim(a, "mla")])
    store.replace_source(b, [_claim(b, "mtp")])
    store.replace_source(a, [_claim(a, "gqa")])
    assert sorted((c.source, c.object) for c in store.claims()) == [(a.id, "gqa"), (b.id, "mtp")]


KILLED_WRITER = """
import sys, pathlib
from lineage.store import Store
from lineage.domain import Claim, Evidence, SourceDocument, utcnow
doc = SourceDocument(id="config:test/flip.json", title="t", kind="primary", format="config", about="deepseek-v3")
def claims(n):
    ev = Evidence(source=doc.id, source_kind="primary", locator="k", snippet="s", method="config", retrieved_at=utcnow())
    uses = Claim(subject="deepseek-v3", predicate="uses", object="mla", status="verified" if n == 400 else "reported",
                 reason=f"set {n}", evidence=(ev,))
    return [uses] + [Claim(subject="deepseek-v3", predicate="layers", value=i, status="verified", reason=f"set {n}",
                           evidence=(ev,)) for i in range(n - 1)]
a, b = claims(400), claims(700)
store = Store(sys.argv[1])
store.replace_source(doc, a)
pathlib.Path(sys.argv[2]).touch()
while True:
    store.replace_source(doc, b)
    store.replace_source(doc, a)
"""


def test_an_ingest_killed_mid_write_leaves_a_complete_graph(tmp_path):
    """SIGKILL a writer that keeps swapping one source between 400 and 700 claims; the adoption index follows."""
    import signal
    import subprocess
    import sys
    import time

    path, ready = tmp_path / "s", tmp_path / "ready"
    for delay in (0.3, 0.7, 1.1):
        ready.unlink(missing_ok=True)
        child = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(path), str(ready)])
        while not ready.exists():
            assert child.poll() is None, "writer died before its first write"
            time.sleep(0.02)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        with Store(path) as s:
            claims = s.claims(source="config:test/flip.json")
            reasons = {c.reason for c in claims}
            assert (len(claims), reasons) in ((400, {"set 400"}), (700, {"set 700"}))
            (row,) = run(load("who_uses.rq"), {"technique": "mla"}, store=s)
            assert row["status"] == ("verified" if len(claims) == 400 else "reported")


def test_a_second_writer_gets_a_clear_error_not_a_crash(store, monkeypatch):
    monkeypatch.setenv("LINEAGE_LOCK_WAIT", "0.2")
    with pytest.raises(StoreError, match=r"^the store .* is locked by .*; gave up after 0.2 s\. Try again when"):
        Store(store.path)


@pytest.mark.slow
def test_build_twice_gives_the_same_store(built_copy, catalog):
    with Store(built_copy) as s:  # the first build: the session's, into an empty store
        first = len(s), sorted(c.ref for c in s.claims())
        build(s, catalog)
        assert (len(s), sorted(c.ref for c in s.claims())) == first


def test_every_claim_in_a_built_store_has_evidence_and_a_reason(built_store):
    claims = built_store.claims()
    assert len(claims) > 300
    for c in claims:
        assert c.evidence and c.reason and "\n" not in c.reason
        assert c.status in Status


def test_direct_edges_support_property_paths(built_store):
    rows = built_store.query(
        "SELECT ?m WHERE { ?m lin:uses ?t . ?t lin:variantOf* ent:mha }",
    )
    models = {str(r["m"]).rsplit("/", 1)[-1] for r in rows}
    assert {"deepseek-v3", "qwen3-235b-a22b", "deepseek-v4-pro"} <= models


def test_select_reads_every_kind_of_term_as_the_term_objects_give_it(store):
    """select() splits Oxigraph's TSV output, escapes (tab, newline, quote, backslash) decoded."""
    from lineage.store.results import plain_ox

    xsd = "http://www.w3.org/2001/XMLSchema#"
    store._ox.update(f"""INSERT DATA {{ GRAPH <http://g> {{ <http://a> <http://p> "plain", "lang"@en, "ünï ☃", "",
        "42"^^<{xsd}integer>, "-7"^^<{xsd}integer>, "4.5"^^<{xsd}decimal>, "1e3"^^<{xsd}double>, true,
        "2024-12"^^<{xsd}gYearMonth>, <http://x/y?z=1#f> . <http://b> <http://p> "tab\\there", "quote\\"q", "line\\nbreak \\\\ back\\\\slash\\"", "\\"q\\"@en" . }} }}""")
    for subject in ("<http://a>", "<http://b>", "?s"):
        query = f"SELECT ?o ?none WHERE {{ {subject} <http://p> ?o OPTIONAL {{ ?o <http://q> ?none }} }}"
        terms = store._ox.query(query, use_default_graph_as_union=True)
        expected = sorted(repr(plain_ox(row[0])) for row in terms)
        got = store.select(query)
        assert all(set(r) == {"o"} for r in got)
        assert sorted(repr(r["o"]) for r in got) == expected
    assert {r["o"] for r in store.select("SELECT ?o WHERE { <http://a> <http://p> ?o }")} >= {42, -7, 4.5, 1000.0, True,
                                                                                               "2024-12", "lang"}


def test_select_columns_keep_unbound_cells_out_and_strip_only_entity_iris(store):
    ent = "https://w3id.org/lineage/id/"
    store._ox.update(f"""INSERT DATA {{ GRAPH <http://g> {{ <{ent}a> <http://p> <{ent}mla> .
        <{ent}b> <http://p> <http://elsewhere/x> . <{ent}b> <http://q> "note" . <{ent}c> <http://p> 7 }} }}""")
    query = "SELECT ?s ?o ?note ?none WHERE { ?s <http://p> ?o OPTIONAL { ?s <http://q> ?note } } ORDER BY ?s"
    assert store.select(query, entity_ids=True) == [
        {"s": "a", "o": "mla"}, {"s": "b", "o": "http://elsewhere/x", "note": "note"}, {"s": "c", "o": 7}]
    assert store.select(query, omit=["note"]) == [
        {"s": f"{ent}a", "o": f"{ent}mla"}, {"s": f"{ent}b", "o": "http://elsewhere/x"}, {"s": f"{ent}c", "o": 7}]
    assert store.select("SELECT ?s WHERE { ?s <http://q> ?o }", entity_ids=True) == [{"s": "b"}]
    assert store.select("SELECT ?s WHERE { ?s <http://nothing> ?o }") == []


def test_select_gives_entity_ids_on_both_read_paths(store):
    store._ox.update('INSERT DATA { GRAPH <http://g> { <http://a> <http://p> <https://w3id.org/lineage/id/mla>, '
                     '<http://elsewhere/x> . <http://b> <http://p> <https://w3id.org/lineage/id/moe>, "esc\\"aped" } }')
    for subject, expected in (("<http://a>", {"mla", "http://elsewhere/x"}), ("<http://b>", {"moe", 'esc"aped'})):
        rows = store.select(f"SELECT ?o WHERE {{ {subject} <http://p> ?o }}", entity_ids=True)
        assert {r["o"] for r in rows} == expected


def test_rotated_rocksdb_logs_do_not_pile_up(tmp_path):
    """Issue 13: each open left a ~130 KB LOG.old file; after ~800 CLI calls they were 109 MB."""
    for _ in range(4):
        Store(tmp_path / "store").close()
    assert sorted(p.name for p in (tmp_path / "store").glob("LOG*")) == ["LOG"]
