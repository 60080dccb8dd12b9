"""An article's hardware sentences become claims the verifier classifies against primary sources."""

from __future__ import annotations

from lineage.domain import Claim, EntityKind, Evidence, Method, Predicate, SourceDocument, SourceKind, Status, utcnow
from lineage.ingest.article import ingest_article

ARTICLE = """Hardware notes

DeepSeek-V3 supports Huawei Ascend NPUs for inference.
Kimi K2 was trained on H800 GPUs.
Muon's strengths:
  • Runs better on Ascend chips than older optimizers
Some labs have turned to Ascend hardware.
"""


def _primary_card(store):
    doc = SourceDocument(id="card:demo/DeepSeek-V3", title="card", kind=SourceKind.PRIMARY, format="card",
                         about="deepseek-v3")
    ev = Evidence(source=doc.id, source_kind=SourceKind.PRIMARY, locator="README.md line 9",
                  snippet="runs on Ascend NPUs with MindIE", method=Method.CARD, retrieved_at=utcnow())
    claim = Claim(subject="deepseek-v3", predicate=Predicate.SUPPORTS_HARDWARE, object="huawei-ascend",
                  status=Status.VERIFIED, reason="stated in the model's own card (line 9)", evidence=(ev,))
    store.replace_source(doc, [claim])


def test_each_hardware_sentence_gets_a_status_and_a_reason(store, catalog, tmp_path):
    _primary_card(store)
    path = tmp_path / "notes.md"
    path.write_text(ARTICLE)
    report = ingest_article(store, catalog, path)
    got = {
        (c.subject, c.predicate.value, c.object): (c.status, c.reason.split("]")[0] + "]")
        for p in (Predicate.TRAINED_ON, Predicate.SERVED_ON, Predicate.SUPPORTS_HARDWARE, Predicate.OPTIMIZED_FOR)
        for c in store.claims(predicate=p, source=report.source)
    }
    assert got == {
        ("deepseek-v3", "supportsHardware", "huawei-ascend"): (Status.VERIFIED, "[primary-source]"),
        ("kimi-k2", "trainedOn", "nvidia-h800"): (Status.REPORTED, "[secondary-only]"),
        ("muon", "supportsHardware", "huawei-ascend"): (Status.UNVERIFIED, "[uncheckable]"),
        ("some-labs", "supportsHardware", "huawei-ascend"): (Status.UNVERIFIED, "[unknown-id]"),
    }
    (verified,) = store.claims(subject="deepseek-v3", predicate=Predicate.SUPPORTS_HARDWARE, source=report.source)
    assert {e.source for e in verified.evidence} == {report.source, "card:demo/DeepSeek-V3"}


CLASSES = """Hardware paths

Chinese labs have limited access to NVIDIA GPUs, with some moving to Huawei Ascend chips.
DeepSeek and Moonshot trade ideas, and both are pushing domestic hardware paths.
PathsBoth explore routes beyond NVIDIA serving.
"""


def _hardware_claims(store, source):
    from lineage.domain import HARDWARE_PREDICATES

    return {(c.subject, c.predicate.value, c.object): (c.status, c.reason.split("]")[0] + "]")
            for p in HARDWARE_PREDICATES for c in store.claims(predicate=p, source=source)}


def test_device_classes_are_claims_verified_through_a_member_device(store, catalog, tmp_path):
    _primary_card(store)  # DeepSeek-V3 (a DeepSeek model, a CN lab) supports Ascend, which is Chinese and not NVIDIA
    path = tmp_path / "classes.md"
    path.write_text(CLASSES)
    got = _hardware_claims(store, ingest_article(store, catalog, path).source)
    assert got == {
        ("chinese-labs", "supportsHardware", "nvidia-gpus"): (Status.UNVERIFIED, "[uncheckable]"),
        ("chinese-labs", "supportsHardware", "huawei-ascend"): (Status.VERIFIED, "[primary-member]"),
        # "domestic hardware" is no cue since issue 26 (one seed article used it): that line gives no claim
        ("deepseek", "servedOn", "non-nvidia-accelerators"): (Status.VERIFIED, "[primary-member]"),
        ("moonshot-ai", "servedOn", "non-nvidia-accelerators"): (Status.REPORTED, "[secondary-only]"),
    }


def test_a_class_claim_stays_reported_when_no_member_device_is_stated(store, catalog, tmp_path):
    path = tmp_path / "plain.md"
    path.write_text("Notes\n\nDeepSeek-V3 runs on Chinese chips.\n")
    got = _hardware_claims(store, ingest_article(store, catalog, path).source)
    assert got == {("deepseek-v3", "supportsHardware", "cn-accelerators"): (Status.REPORTED, "[secondary-only]")}


def test_the_catalog_links_devices_to_the_classes_whose_rule_they_meet(catalog):
    assert "nvidia-gpus" in catalog.get("nvidia-h20").broader
    assert {"huawei-ascend", "cn-accelerators", "non-nvidia-accelerators"} <= set(catalog.get("huawei-ascend-910b").broader)
    assert "cn-accelerators" not in catalog.get("amd-mi300x").broader
    assert "non-nvidia-accelerators" in catalog.get("amd-mi300x").broader
    assert catalog.get("cn-accelerators").broader == ()  # classes hold devices, not classes
    found = catalog.with_discovered([catalog.get("nvidia-h20").model_copy(update={"id": "nvidia-q1", "broader": ()})])
    assert found.get("nvidia-q1").broader == ("nvidia-gpus",)


def test_h20_carries_its_export_class_with_a_primary_source(catalog):
    h20 = catalog.get("nvidia-h20")
    assert h20.export_control and "licence" in h20.export_control
    assert any("sec.gov" in s.url and s.kind != "secondary" for s in h20.sources)


def test_a_stack_that_supports_a_model_named_after_it_gives_that_model(catalog, tmp_path):
    from lineage.ingest.article import extract, read_article

    path = tmp_path / "a.md"
    path.write_text("## DSA\n\n- Plugins help. For example, vLLM-Ascend already supports DeepSeek V3.2.\n")
    got = {(d.subject, d.predicate.value, d.object) for d in extract(read_article(path), catalog) if d.object == "huawei-ascend"}
    assert got == {("deepseek-v3.2", "supportsHardware", "huawei-ascend")}


def test_both_after_a_preposition_names_devices_not_two_labs(catalog, tmp_path):
    from lineage.ingest.article import extract, read_article

    path = tmp_path / "a.md"
    path.write_text("Hardware\n\nOne striking detail is that the team trained their model on both AMD MI300X and NVIDIA H100 GPUs.\n")
    got = {(d.subject, d.predicate.value, d.object) for d in extract(read_article(path), catalog)}
    orgs = {o.id for o in catalog.of_kind(EntityKind.ORGANIZATION)}
    assert not any(s in orgs or s.startswith("one-") for s, _, _ in got), got
