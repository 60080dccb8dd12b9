"""An architecture taken from a named model: inferred uses of that model's configured architecture techniques."""

from __future__ import annotations

import pytest

from lineage.catalog import Catalog
from lineage.domain import Draft, Evidence, Method, Predicate, Role, SourceDocument, SourceKind, Status
from lineage.ingest import report_inherit
from lineage.ingest.text import Sentence
from lineage.verify_draft import settle

OWN, IDS = ["Quokka-7B"], ["quokka-7b"]


@pytest.fixture(scope="module")
def catalog():
    return Catalog.load()


def _find(catalog, *texts, sections=None):
    body = [Sentence(1, i * 200, t) for i, t in enumerate(texts)]
    return report_inherit.find(body, catalog, OWN, IDS, sections=sections)


def _inherited(catalog, *texts, **kw) -> set[str]:
    return {t for f in _find(catalog, *texts, **kw) for t in f.techniques}


def test_same_architecture_as_a_configured_model_gives_its_architecture_techniques(catalog):
    got = _inherited(catalog, "For simplicity we adopt the same architecture as DeepSeek-V3 for all our model sizes.")
    config = report_inherit.config_techniques()["deepseek-v3"]
    assert {"mla", "rope", "deepseekmoe", "shared-experts"} <= got <= config
    assert not got & {"mtp", "fp8-quantization"}  # a training objective and a checkpoint precision are no architecture


@pytest.mark.parametrize("text", [
    "Quokka-7B follows the architecture of DeepSeek-V3 in every layer.",
    "Our model is built upon the DeepSeek-V3 architecture with a smaller hidden size.",
    "The architecture of Quokka-7B inherits the overall architecture of DeepSeek-V3 with fewer layers.",
])
def test_the_cue_shapes_name_the_model(catalog, text):
    assert [f.model for f in _find(catalog, text)] == ["deepseek-v3"]


def test_what_the_document_changed_is_taken_out(catalog):
    got = _inherited(catalog, "We keep the same architecture as DeepSeek-V3, except that attention uses GQA instead of MLA.")
    assert "rope" in got and not got & {"mla", "gqa", "dsa"}  # the attention kind was changed, all of it
    got = _inherited(catalog, "Our model follows the architecture of DeepSeek-V3.",
                     "However, we replace the Mixture-of-Experts layers with dense feed-forward layers.")
    assert "mla" in got and not got & {"moe", "deepseekmoe", "shared-experts", "fine-grained-experts"}


@pytest.mark.parametrize("text", [
    "DeepSeek-V3 adopts the same architecture as DeepSeek-V2 with more experts.",  # another model's choice
    "In future work we plan to adopt the same architecture as DeepSeek-V3 at larger scale.",  # a plan
    "As a baseline, we train a model with the same architecture as DeepSeek-V3 on fewer tokens.",  # a baseline
    "We compare against a model with the same architecture as DeepSeek-V3 at equal cost.",  # a comparison
    "We adopt the same architecture as Mistral-7B for all sizes.",  # no bundled config: nothing is known of it
    "We adopt the same tokenizer as DeepSeek-V3 for all sizes.",  # not the architecture
])
def test_nothing_is_inferred_for_others_plans_baselines_or_unknown_models(catalog, text):
    assert _find(catalog, text) == []


def test_related_work_is_not_the_own_model(catalog):
    text = "We adopt the same architecture as DeepSeek-V3 for all sizes."
    assert _find(catalog, text, sections=lambda s: "related work") == []
    assert _find(catalog, text, sections=lambda s: None) != []


def test_the_drafts_are_inferred_and_settle_reported_never_verified(catalog):
    found = _find(catalog, "We adopt the same architecture as DeepSeek-V3 for all sizes.")

    def evidence(s: Sentence) -> Evidence:
        return Evidence(source="doc", revision="r", source_kind=SourceKind.PRIMARY, locator=f"p. {s.page}",
                        snippet=s.text, method=Method.TEXT, retrieved_at="2026-01-01T00:00:00Z")

    added, drafts = report_inherit.drafts(found, IDS, {"rope"}, evidence)
    assert "rope" not in added and "mla" in added  # what the document decided itself stays its own claim
    assert drafts and all(d.role is Role.INFERRED for d in drafts)
    claims = [settle(d) for d in drafts]
    assert all(c.status is Status.REPORTED for c in claims)
    assert {c.subject for c in claims} == set(IDS) and all(c.predicate is Predicate.USES for c in claims)
    assert "DeepSeek-V3" in claims[0].evidence[0].snippet


def _uses(doc, subject: str, technique: str, primary: bool):
    ev = Evidence(source=doc.id, revision="r1", source_kind=doc.kind, locator="p. 2", snippet=f"{subject} / {technique}",
                  method=Method.TEXT, retrieved_at="2026-01-01T00:00:00Z")
    return settle(Draft(subject=subject, predicate=Predicate.USES, object=technique, primary=primary,
                        reason="test", evidence=(ev,)))


def test_a_store_adds_what_its_primary_sources_verified(catalog, store):
    """A model with no bundled config is known once its own sources were ingested (verified, primary only)."""
    own = SourceDocument(id="report:mistral-7b/test", title="t", kind=SourceKind.PRIMARY, format="report",
                         about="mistral-7b")
    other = SourceDocument(id="article:test", title="a", kind=SourceKind.SECONDARY, format="article")
    store.replace_source(own, [_uses(own, "mistral-7b", t, True) for t in ("gqa", "sliding-window-attention", "adamw")])
    store.replace_source(other, [_uses(other, "mistral-7b", "rmsnorm", False)])
    stored = report_inherit.stored_techniques(store)
    assert stored["mistral-7b"] == {"gqa", "sliding-window-attention", "adamw"}  # the article's claim is only reported
    text = "We adopt the same architecture as Mistral-7B for all sizes."
    assert _find(catalog, text) == []
    got = {t for f in report_inherit.find([Sentence(1, 0, text)], catalog, OWN, IDS, stored=stored) for t in f.techniques}
    assert got == {"gqa", "sliding-window-attention"}  # an optimizer is no architecture
