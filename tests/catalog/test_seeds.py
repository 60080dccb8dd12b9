"""Checks on the curated seed catalog under seeds/."""

from __future__ import annotations

import re

import pytest

from lineage.catalog import Catalog
from lineage.domain import EntityKind, Hardware, Model, Organization, Paper, Technique

REQUIRED_TECHNIQUES = {
    "mha", "mqa", "gqa", "mla", "decoupled-rope", "kv-cache", "moe", "deepseekmoe",
    "fine-grained-experts", "shared-experts", "aux-loss-free-balancing", "group-limited-routing",
    "hash-routing", "mtp", "muon", "muonclip", "grpo", "rope", "yarn", "fp8-training",
    "fp8-quantization", "fp4-quantization", "dsa", "nsa", "compressed-sparse-attention", "kda",
    "gated-deltanet", "lightning-attention", "linear-attention", "hybrid-attention",
    "sliding-window-attention", "hyper-connections", "mhc", "gated-attention", "qk-norm",
    "swiglu", "rmsnorm", "adamw",
}
REQUIRED_ORGS = {
    "deepseek", "moonshot-ai", "zhipu-ai", "alibaba-qwen", "minimax", "openai", "xiaomi",
    "meituan", "meta", "mistral-ai", "google", "nvidia", "huawei", "bytedance", "microsoft", "amd",
}
REQUIRED_HARDWARE = {
    "nvidia-h800", "nvidia-h100", "nvidia-h20", "nvidia-a100", "nvidia-a800", "nvidia-h200",
    "nvidia-b200", "nvidia-gb200", "huawei-ascend-910b", "huawei-ascend-910c", "amd-mi300x",
    "google-tpu-v5p",
}
REQUIRED_MODELS = {
    "deepseek-v2", "deepseek-v2-lite", "deepseek-v3", "deepseek-v3-0324", "deepseek-r1",
    "deepseek-v3.1", "deepseek-v3.2-exp", "deepseek-v3.2", "deepseek-v4-flash", "deepseek-v4-pro",
    "moonlight-16b-a3b", "kimi-k2", "kimi-k2.5", "kimi-k2.6", "kimi-k3", "kimi-linear-48b-a3b",
    "glm-4.5", "glm-4.7-flash", "glm-5", "qwen3-235b-a22b", "qwen3-30b-a3b", "qwen3-next-80b-a3b",
    "qwen3.5-397b-a17b", "minimax-m2", "minimax-m2.5", "gpt-oss-120b", "mimo-7b-base",
    "longcat-flash-chat", "llama-4-scout-17b-16e",
}
MONTH = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


def _of(catalog: Catalog, kind: EntityKind) -> list:
    return list(catalog.of_kind(kind))


def test_counts(catalog: Catalog) -> None:
    techniques = _of(catalog, EntityKind.TECHNIQUE)
    orgs = _of(catalog, EntityKind.ORGANIZATION)
    models = _of(catalog, EntityKind.MODEL)
    assert len(techniques) >= 25
    assert len(orgs) >= 12
    assert len(models) >= 30
    assert len({m.organization for m in models}) >= 8


def test_required_ids_present(catalog: Catalog) -> None:
    techniques = {t.id for t in _of(catalog, EntityKind.TECHNIQUE)}
    orgs = {o.id for o in _of(catalog, EntityKind.ORGANIZATION)}
    hardware = {h.id for h in _of(catalog, EntityKind.HARDWARE)}
    models = {m.id for m in _of(catalog, EntityKind.MODEL)}
    assert techniques >= REQUIRED_TECHNIQUES, REQUIRED_TECHNIQUES - techniques
    assert orgs >= REQUIRED_ORGS, REQUIRED_ORGS - orgs
    assert hardware >= REQUIRED_HARDWARE, REQUIRED_HARDWARE - hardware
    assert models >= REQUIRED_MODELS, REQUIRED_MODELS - models


def test_every_entry_has_https_source(catalog: Catalog) -> None:
    for entity in catalog.entities.values():
        assert entity.sources, entity.id
        for ref in entity.sources:
            assert ref.url.startswith("https://"), (entity.id, ref.url)


def test_introducing_papers_are_identifiable(catalog: Catalog) -> None:
    for tech in _of(catalog, EntityKind.TECHNIQUE):
        if tech.introduced_in is None:
            continue
        paper = catalog.get(tech.introduced_in, EntityKind.PAPER)
        assert paper.arxiv or paper.id.endswith(("-report", "-post")), (tech.id, paper.id)


def test_paper_ids_follow_convention(catalog: Catalog) -> None:
    for paper in _of(catalog, EntityKind.PAPER):
        assert isinstance(paper, Paper)
        if paper.arxiv:
            assert paper.id == f"arxiv-{paper.arxiv}", paper.id
            assert any(s.url == f"https://arxiv.org/abs/{paper.arxiv}" for s in paper.sources), paper.id
        else:
            assert paper.id.endswith(("-report", "-post")), paper.id


def test_dates_are_well_formed(catalog: Catalog) -> None:
    for entity in catalog.entities.values():
        for field in ("published", "released", "first_appeared"):
            value = getattr(entity, field, None)
            if value is not None:
                assert MONTH.match(value), (entity.id, field, value)


def test_no_model_technique_id_collision(catalog: Catalog) -> None:
    models = {m.id for m in _of(catalog, EntityKind.MODEL)}
    techniques = {t.id for t in _of(catalog, EntityKind.TECHNIQUE)}
    assert not models & techniques
    # names/aliases of a technique must not resolve to a model either
    for tech in _of(catalog, EntityKind.TECHNIQUE):
        for name in (tech.name, *tech.aliases):
            assert catalog.find(name, EntityKind.MODEL) is None, (tech.id, name)


def test_catalog_never_records_usage(catalog: Catalog) -> None:
    for entity in catalog.entities.values():
        assert not hasattr(entity, "uses")
        if isinstance(entity, Model):
            text = (entity.description or "").lower()
            assert " uses " not in f" {text} ", entity.id


def test_hardware_vendors(catalog: Catalog) -> None:
    vendors = {h.id: h.vendor for h in _of(catalog, EntityKind.HARDWARE) if isinstance(h, Hardware)}
    assert vendors["nvidia-h800"] == "nvidia"
    assert vendors["huawei-ascend-910b"] == "huawei"
    assert vendors["amd-mi300x"] == "amd"
    assert vendors["google-tpu-v5p"] == "google"


def test_aliases_resolve(catalog: Catalog) -> None:
    assert catalog.resolve("Multi-Head Latent Attention") == "mla"
    assert catalog.resolve("Multi-Latent Attention") == "mla"
    assert catalog.resolve("QK-Clip") == "muonclip"
    assert catalog.resolve("node-limited routing") == "group-limited-routing"
    assert catalog.resolve("Kimi-K2-Instruct") == "kimi-k2"
    assert catalog.resolve("H800") == "nvidia-h800"
    assert catalog.resolve("zai-org") == "zhipu-ai"


@pytest.mark.parametrize(
    ("technique", "paper", "orgs"),
    [
        ("mla", "arxiv-2405.04434", {"deepseek"}),
        ("muonclip", "arxiv-2507.20534", {"moonshot-ai"}),
        ("gqa", "arxiv-2305.13245", {"google"}),
        ("mqa", "arxiv-1911.02150", {"google"}),
        ("rope", "arxiv-2104.09864", {"zhuiyi"}),
        ("yarn", "arxiv-2309.00071", {"nous-research", "eleutherai"}),
        ("deepseekmoe", "arxiv-2401.06066", {"deepseek"}),
        ("aux-loss-free-balancing", "arxiv-2408.15664", {"deepseek"}),
        ("mtp", "arxiv-2404.19737", {"meta"}),
        ("grpo", "arxiv-2402.03300", {"deepseek"}),
        ("nsa", "arxiv-2502.11089", {"deepseek"}),
        ("gated-deltanet", "arxiv-2412.06464", {"nvidia"}),
        ("kda", "arxiv-2510.26692", {"moonshot-ai"}),
        ("hyper-connections", "arxiv-2409.19606", {"bytedance"}),
        ("mhc", "arxiv-2512.24880", {"deepseek"}),
        ("mha", "arxiv-1706.03762", {"google"}),
    ],
)
def test_spot_facts(catalog: Catalog, technique: str, paper: str, orgs: set[str]) -> None:
    tech = catalog.get(technique, EntityKind.TECHNIQUE)
    assert isinstance(tech, Technique)
    assert tech.introduced_in == paper
    assert set(tech.introduced_by) == orgs


def test_variant_relations(catalog: Catalog) -> None:
    def variant_of(tid: str) -> set[str]:
        return set(catalog.get(tid, EntityKind.TECHNIQUE).variant_of)

    assert "muon" in variant_of("muonclip")
    assert "mha" in variant_of("gqa")
    assert "mha" in variant_of("mqa")
    assert "mha" in variant_of("mla")
    assert "rope" in variant_of("yarn")
    assert "hyper-connections" in variant_of("mhc")
    assert "moe" in variant_of("deepseekmoe")
    muon = catalog.get("muon", EntityKind.TECHNIQUE)
    assert not muon.introduced_by and "Keller Jordan" in muon.inventors


def test_model_spot_facts(catalog: Catalog) -> None:
    k2 = catalog.get("kimi-k2", EntityKind.MODEL)
    assert k2.name == "Kimi K2" and k2.hf_repo == "moonshotai/Kimi-K2-Instruct"
    assert catalog.get("kimi-k2.6", EntityKind.MODEL).hf_repo == "moonshotai/Kimi-K2.6"
    assert catalog.get("kimi-k3", EntityKind.MODEL).released is None
    assert catalog.get("deepseek-r1", EntityKind.MODEL).predecessor == "deepseek-v3"
    assert catalog.get("deepseek-v3-0324", EntityKind.MODEL).predecessor == "deepseek-v3"
    assert catalog.get("deepseek-v3", EntityKind.MODEL).report == "arxiv-2412.19437"
    assert catalog.model_by_repo("deepseek-ai/DeepSeek-V4-Flash").id == "deepseek-v4-flash"
    orgs = {o.id for o in catalog.of_kind(EntityKind.ORGANIZATION) if isinstance(o, Organization)}
    assert catalog.get("zhipu-ai", EntityKind.ORGANIZATION).hf_org == "zai-org"
    assert "alibaba-qwen" in orgs


def test_names_and_aliases_are_unambiguous(catalog: Catalog) -> None:
    """Every id, name and alias normalizes to one entity, so lookups by name never land on the wrong kind."""
    from lineage.catalog.seeds import _norm

    owners: dict[str, set[str]] = {}
    for entity in catalog.entities.values():
        for name in (entity.id, entity.name, *entity.aliases):
            key = _norm(name)
            assert key, (entity.id, name)
            owners.setdefault(key, set()).add(entity.id)
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    assert not clashes, clashes
