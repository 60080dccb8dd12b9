"""The crawl's fast writer (lineage.store.nquads) gives the quads of the rdflib mapping (lineage.store.rdf), source by source."""

from __future__ import annotations

import pyoxigraph
import pytest

from lineage.domain import (
    Claim,
    Evidence,
    Method,
    Model,
    Organization,
    Predicate,
    SourceDocument,
    SourceKind,
    SourceRef,
    Status,
    utcnow,
)
from lineage.store import Store, rdf
from lineage.store.nquads import covered, document_nquads, load_sources


def _quads(lines: list[str]) -> set:
    return set(pyoxigraph.parse(("\n".join(lines) + "\n").encode(), format=pyoxigraph.RdfFormat.N_QUADS))


def _source(repo: str, status: Status = Status.VERIFIED, note: str | None = None, snippet: str = "baseModels: a/b"):
    doc = SourceDocument(id=f"hub:{repo}", title=f'{repo} "listed"', kind=SourceKind.SECONDARY, format="hub",
                         url=f"https://huggingface.co/{repo}", revision="f" * 40, publisher=repo.split("/")[0],
                         about="x-model", note=note)
    ev = Evidence(source=doc.id, revision=doc.revision, source_kind=doc.kind, locator="Hub API /api/models: baseModels",
                  snippet=snippet, method=Method.METADATA, retrieved_at=utcnow())
    claim = Claim(subject="x-model", predicate=Predicate.DERIVED_FROM, object="deepseek-v3", qualifiers={"relation": "quantized"},
                  status=status, reason="the listing says so\\ (quoted \"here\")", evidence=(ev,))
    model = Model(id="x-model", name="Model", hf_repo=repo, organization="x", sources=(SourceRef(url=doc.url),),
                  curation="discovered", discovered_in=doc.id)
    org = Organization(id="x", name="x", hf_org="x", sources=(SourceRef(url="https://huggingface.co/x"),), curation="discovered",
                       discovered_in=doc.id)
    return doc, [claim], [model, org]


def _rdflib_quads(doc, claims, entities) -> set:
    """The quads of the rdflib mapping, written by rdflib's n3() as the store's SPARQL update writes them (TriG)."""
    body = "\n".join(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in rdf.document_triples(doc, claims, entities))
    text = f"{rdf.source_iri(doc.id).n3()} {{\n{body}\n}}\n"
    return set(pyoxigraph.parse(text.encode(), format=pyoxigraph.RdfFormat.TRIG))


@pytest.mark.parametrize("status, note, snippet", [
    (Status.VERIFIED, None, "baseModels: a/b"),
    (Status.CONTRADICTED, "gated repository", "line\nbreak and ünïcode and a back\\slash"),
])
def test_the_fast_writer_gives_the_rdflib_mappings_quads(status, note, snippet):
    doc, claims, entities = _source("x/Model-GGUF", status, note, snippet)
    assert covered(claims, entities)
    fast = _quads(document_nquads(doc, claims, entities))
    assert fast == _rdflib_quads(doc, claims, entities)
    assert len(fast) > 30


def test_what_the_fast_writer_does_not_cover_goes_through_rdflib():
    doc, claims, entities = _source("x/Model")
    valued = [Claim(subject="x-model", predicate=Predicate.TOTAL_PARAMETERS, value=7e9, status=Status.REPORTED, reason="r",
                    evidence=claims[0].evidence)]
    described = [entities[0].model_copy(update={"description": "two\nlines"})]
    assert not covered(valued, entities) and not covered(claims, described)
    assert _quads(document_nquads(doc, valued, entities)) == _rdflib_quads(doc, valued, entities)
    assert _quads(document_nquads(doc, claims, described)) == _rdflib_quads(doc, claims, described)


def test_a_batch_replaces_the_graphs_of_its_sources_and_reads_back(tmp_path):
    with Store(tmp_path / "s") as st:
        load_sources(st, [_source("x/A"), _source("x/B")])
        load_sources(st, [_source("x/A", Status.CONTRADICTED)])  # replaced, not added to
        claims = st.claims(subject="x-model")
        assert sorted((c.source, c.status.value) for c in claims) == [("hub:x/A", "contradicted"), ("hub:x/B", "verified")]
        assert {d.id for d in st.sources()} == {"hub:x/A", "hub:x/B"}
        assert any(e.id == "x-model" for e in st.discovered_entities())


def test_claims_of_one_source_resting_on_the_same_evidence_share_one_node_in_both_writers(tmp_path):
    doc, (claim,), entities = _source("x/Page")
    other = claim.model_copy(update={"subject": "y-model"})  # a second entry of the page, same field and snippet
    distinct = claim.model_copy(update={"subject": "z-model", "evidence": (claim.evidence[0].model_copy(
        update={"snippet": "baseModels: c/d"}),)})
    claims = [claim, other, distinct]
    fast = _quads(document_nquads(doc, claims, entities))
    assert fast == _rdflib_quads(doc, claims, entities)
    evidence = {q.subject for q in fast if q.predicate.value.endswith("#type") and q.object.value.endswith("#Evidence")}
    assert len(evidence) == 2  # one per distinct evidence, not one per claim
    with Store(tmp_path / "s") as st:
        load_sources(st, [(doc, claims, entities)])
        read = {c.subject: c.evidence[0].snippet for c in st.claims(predicate=Predicate.DERIVED_FROM)}
    assert read == {"x-model": "baseModels: a/b", "y-model": "baseModels: a/b", "z-model": "baseModels: c/d"}
