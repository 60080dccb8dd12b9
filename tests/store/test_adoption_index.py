"""The adoption index: one row per (model, technique) with the combined status of its `uses` claims, always exact."""

from __future__ import annotations

from collections import defaultdict

from lineage.combine import combine
from lineage.domain import Claim, Evidence, Predicate, SourceDocument, utcnow
from lineage.questions.saved import load, run
from lineage.store import Store, rdf


def _doc(name: str, kind: str = "primary") -> SourceDocument:
    return SourceDocument(id=f"config:test/{name}.json", title=name, kind=kind, format="config", about="kimi-k2")


def _uses(doc: SourceDocument, technique: str, status: str, model: str = "kimi-k2") -> Claim:
    ev = Evidence(source=doc.id, source_kind=doc.kind, locator="k", snippet="s", method="config",
                  retrieved_at=utcnow(), supports=status != "contradicted")
    return Claim(subject=model, predicate="uses", object=technique, status=status, reason=f"{doc.id} says {status}",
                 evidence=(ev,))


def who_uses(store: Store, technique: str) -> dict[str, str]:
    """Every indexed pair for ``technique``: the users (who_uses.rq) and the ruled-out models (ruled_out.rq)."""
    rows = run(load("who_uses.rq"), {"technique": technique}, store=store)
    ruled_out = run(load("ruled_out.rq"), {"technique": technique}, store=store)
    assert not {r["model"] for r in rows} & {r["model"] for r in ruled_out}
    return {r["model"]: r["status"] for r in rows + ruled_out}


def test_each_write_recombines_the_pairs_it_touches(store):
    config, article, card = _doc("config"), _doc("article", "secondary"), _doc("card")
    store.replace_source(article, [_uses(article, "mla", "reported"), _uses(article, "muon", "reported")])
    assert who_uses(store, "mla") == {"kimi-k2": "reported"}

    store.replace_source(config, [_uses(config, "mla", "verified")])
    assert who_uses(store, "mla") == {"kimi-k2": "verified"}

    store.replace_source(card, [_uses(card, "mla", "contradicted")])
    assert who_uses(store, "mla") == {"kimi-k2": "disputed"}

    store.remove_source(config.id)
    assert who_uses(store, "mla") == {"kimi-k2": "contradicted"}

    store.replace_source(card, [])  # re-ingested without the claim
    store.replace_source(article, [_uses(article, "muon", "reported")])
    assert who_uses(store, "mla") == {}
    assert who_uses(store, "muon") == {"kimi-k2": "reported"}


def test_min_status_filters_on_the_combined_status_and_ruled_out_models_are_apart(store):
    a, b = _doc("a"), _doc("b", "secondary")
    store.replace_source(a, [_uses(a, "mla", "verified", "kimi-k2"), _uses(a, "mla", "contradicted", "glm-5")])
    store.replace_source(b, [_uses(b, "mla", "reported", "deepseek-v3")])
    rows = run(load("who_uses.rq"), {"technique": "mla", "min_status": "disputed"}, store=store)
    assert {(r["model"], r["status"]) for r in rows} == {("kimi-k2", "verified")}
    rows = run(load("who_uses.rq"), {"technique": "mla", "min_status": "reported"}, store=store)
    assert {(r["model"], r["status"]) for r in rows} == {("kimi-k2", "verified"), ("deepseek-v3", "reported")}
    rows = run(load("who_uses.rq"), {"technique": "mla", "min_status": "contradicted"}, store=store)  # every status
    assert {(r["model"], r["status"]) for r in rows} == {("kimi-k2", "verified"), ("deepseek-v3", "reported")}
    assert run(load("ruled_out.rq"), {"technique": "mla"}, store=store) == [{"model": "glm-5", "status": "contradicted"}]


def test_the_index_of_a_built_store_matches_combining_its_claims(built_store):
    pairs: dict[tuple[str, str], list] = defaultdict(list)
    for c in built_store.claims(predicate=Predicate.USES):
        pairs[(c.subject, c.object)].append(c)
    techniques = {t for _, t in pairs}
    indexed = {(m, t): s for t in techniques for m, s in who_uses(built_store, t).items()}
    assert indexed == {pair: combine(claims)[0].value for pair, claims in pairs.items()}
    assert len(indexed) > 100


def test_a_store_without_the_index_is_indexed_when_opened(tmp_path):
    path = tmp_path / "store"
    doc = _doc("x")
    with Store(path) as s:
        s.replace_source(doc, [_uses(doc, "mla", "verified")])
        s._ox.update(f"DROP GRAPH {rdf.INDEX.n3()}")  # as a store written before the index existed
    with Store(path) as s:
        assert who_uses(s, "mla") == {"kimi-k2": "verified"}


def test_the_index_is_derived_data_left_out_of_counts_and_exports(store):
    doc = _doc("x")
    store.replace_source(doc, [_uses(doc, "mla", "verified")])
    quads = len(list(store._ox))
    assert len(store) < quads  # the index rows and version marker are not counted
    for fmt in ("trig", "ttl"):
        text = store.serialize(fmt)
        assert "usesVerified" not in text and "index/adoption" not in text
        assert "config:test" in text or "config%3Atest" in text  # the source itself is exported


def _relation(doc: SourceDocument, subject: str, relation: str, obj: str, status: str) -> Claim:
    ev = Evidence(source=doc.id, source_kind=doc.kind, locator="p. 1", snippet="s", method="text",
                  retrieved_at=utcnow(), supports=status != "contradicted")
    return Claim(subject=subject, predicate=relation, object=obj, status=status, reason=f"{doc.id} says {status}",
                 evidence=(ev,))


def _ancestry(store: Store, technique: str, min_status: str = "unverified") -> set[tuple]:
    rows = run(load("ancestry.rq"), {"technique": technique, "min_status": min_status}, store=store)
    return {(r["subject"], r["relation"], r["object"], r["status"]) for r in rows}


def test_idea_relations_are_indexed_as_steps_back_and_recombined_on_each_write(store):
    a, b = _doc("a"), _doc("b", "secondary")
    store.replace_source(a, [_relation(a, "kda", "extends", "gated-deltanet", "verified"),
                             _relation(a, "delta-rule", "componentOf", "gated-deltanet", "verified")])
    # componentOf is a step back from the whole to its part: kda <- gated-deltanet <- delta-rule
    assert _ancestry(store, "kda") == {("kda", "extends", "gated-deltanet", "verified"),
                                       ("delta-rule", "componentOf", "gated-deltanet", "verified")}
    assert _ancestry(store, "delta-rule") == set()

    store.replace_source(b, [_relation(b, "delta-rule", "componentOf", "gated-deltanet", "reported")])
    assert ("delta-rule", "componentOf", "gated-deltanet", "verified") in _ancestry(store, "kda")

    store.remove_source(a.id)  # only the secondary source is left: a reported step, cut at min_status verified
    assert _ancestry(store, "kda") == set()
    assert _ancestry(store, "gated-deltanet") == {("delta-rule", "componentOf", "gated-deltanet", "reported")}
    assert _ancestry(store, "gated-deltanet", "verified") == set()
    store.reindex()
    assert _ancestry(store, "gated-deltanet") == {("delta-rule", "componentOf", "gated-deltanet", "reported")}


def test_a_bulk_rebuild_writes_the_rows_and_marker_the_transactional_one_does(store):
    from pyoxigraph import NamedNode, RdfFormat

    from lineage.store import adoption_index

    a, b, c = _doc("a"), _doc("b", "secondary"), _doc("c")
    store.replace_source(a, [_uses(a, "mla", "verified"), _uses(a, "mla", "contradicted", "glm-5"),
                             _relation(a, "kda", "extends", "gated-deltanet", "verified"),
                             _relation(a, "delta-rule", "componentOf", "gated-deltanet", "verified")])
    store.replace_source(b, [_uses(b, "mla", "reported", "deepseek-v3"), _uses(b, "muon", "reported"),
                             _relation(b, "delta-rule", "componentOf", "gated-deltanet", "reported")])
    store.replace_source(c, [_uses(c, "mla", "contradicted"), _uses(c, "muon", "verified", "glm-5")])

    def index() -> list[str]:
        dump = store._ox.dump(format=RdfFormat.N_TRIPLES, from_graph=NamedNode(rdf.INDEX)).decode()
        return sorted(dump.splitlines())

    store.reindex()
    written = index()
    store.reindex(bulk=True)
    assert index() == written and len(written) == 8  # 5 uses pairs, 2 idea steps, the marker
    assert store._ox.query(adoption_index.is_current())
    assert who_uses(store, "mla") == {"kimi-k2": "disputed", "glm-5": "contradicted", "deepseek-v3": "reported"}
