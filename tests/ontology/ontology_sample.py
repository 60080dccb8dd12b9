"""Sample data for the ontology and shape tests: every entity kind, predicate, status,
method and source kind, run through lineage/store/rdf.py (imported by conftest.py and the tests)."""

from __future__ import annotations

from datetime import UTC, datetime

from rdflib import Graph

from lineage.domain import (
    ENTITY_PREDICATES,
    IDEA_RELATIONS,
    Claim,
    Evidence,
    Hardware,
    Method,
    Model,
    Organization,
    Paper,
    Predicate,
    SourceDocument,
    SourceKind,
    SourceRef,
    Status,
    Technique,
    TechniqueCategory,
)
from lineage.store import rdf

WHEN = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
REF = (SourceRef(url="https://example.org/primary", note="the record itself"),)

CONFIG_DOC = SourceDocument(
    id="config:demo-lab/Demo-1@abc1234",
    title="Demo-1 config.json",
    kind=SourceKind.PRIMARY,
    format="config",
    url="https://huggingface.co/demo-lab/Demo-1/blob/abc1234/config.json",
    revision="abc1234",
    publisher="demo-lab",
    about="demo-1",
    note="sample",
)
ARTICLE_DOC = SourceDocument(
    id="article:demo-review",
    title="A review of Demo-1",
    kind=SourceKind.SECONDARY,
    format="article",
)

ORG = Organization(
    id="demo-lab", name="Demo Lab", aliases=("DemoLab",), description="A lab.", sources=REF,
    country="US", homepage="https://demo.example", hf_org="demo-lab",
)
VENDOR = Organization(id="chip-co", name="Chip Co", sources=REF)
HARDWARE_LINE = Hardware(id="chip-x", name="Chip X line", sources=REF, vendor="chip-co", family="X")
HARDWARE = Hardware(id="chip-x1", name="Chip X1", sources=REF, vendor="chip-co", family="X", memory_gb=80,
                    fp8=True, fp4=False, export_control="ECCN 3A090", broader=("chip-x",))
PAPER = Paper(
    id="demo-1-report", name="Demo-1 technical report", sources=REF, arxiv="2501.01234",
    published="2025-01", organizations=("demo-lab",), title="Demo-1: a demonstration",
)
OLD_PAPER = Paper(id="old-paper", name="An old paper", sources=REF, published="2017")
BASE_TECHNIQUE = Technique(id="attention", name="Attention", sources=REF, category=TechniqueCategory.ATTENTION)
TECHNIQUE = Technique(
    id="demo-attention", name="Demo attention", sources=REF, category=TechniqueCategory.ATTENTION,
    broader=("attention",), variant_of=("attention",), introduced_in="demo-1-report", inventors=("A. Person",),
    first_appeared="2025-01",
)
MODEL = Model(
    id="demo-1", name="Demo-1", sources=REF, hf_repo="demo-lab/Demo-1", organization="demo-lab",
    released="2025-01", family="Demo", report="demo-1-report",
)
PREDECESSOR = Model(id="demo-0", name="Demo-0", sources=REF, organization="demo-lab")
ENTITIES = (ORG, VENDOR, HARDWARE_LINE, HARDWARE, PAPER, OLD_PAPER, BASE_TECHNIQUE, TECHNIQUE, MODEL, PREDECESSOR)

OBJECT_OF = {
    Predicate.USES: ("demo-1", "demo-attention"),
    Predicate.MENTIONS: ("demo-1-report", "attention"),
    Predicate.INTRODUCED_BY: ("demo-attention", "demo-lab"),
    Predicate.INTRODUCED_IN: ("demo-attention", "demo-1-report"),
    Predicate.DEVELOPED_BY: ("demo-1", "demo-lab"),
    Predicate.DERIVED_FROM: ("demo-1", "demo-0"),
    Predicate.PUBLISHED_BY: ("demo-1-report", "demo-lab"),
    Predicate.TRAINED_ON: ("demo-1", "chip-x1"),
    Predicate.SERVED_ON: ("demo-1", "chip-x1"),
    Predicate.SUPPORTS_HARDWARE: ("demo-1", "chip-x"),
    Predicate.OPTIMIZED_FOR: ("demo-1", "chip-x1"),
    Predicate.CITES: ("demo-1-report", "old-paper"),
    **dict.fromkeys(IDEA_RELATIONS, ("demo-attention", "attention")),
}
VALUE_OF = {
    Predicate.ARCHITECTURE: "DemoForCausalLM",
    Predicate.MODEL_TYPE: "demo",
    Predicate.TOTAL_PARAMETERS: 671_000_000_000,
    Predicate.ACTIVE_PARAMETERS: 37_000_000_000,
    Predicate.MTP_PARAMETERS: 14_000_000_000,
    Predicate.KV_BYTES_PER_TOKEN: 70_272,
    Predicate.CONTEXT_LENGTH: 131072,
    Predicate.ROUTED_EXPERTS: 256,
    Predicate.SHARED_EXPERTS: 1,
    Predicate.EXPERTS_PER_TOKEN: 8,
    Predicate.LAYERS: 61.0,
    Predicate.HIDDEN_SIZE: 7168,
    Predicate.UNRECOGNISED_CONFIG_KEY: "text_config.attn_res_block_size",
    Predicate.FIRST_APPEARED: "2025-01",
    Predicate.RELEASED: "2025-01",
    Predicate.TRAINING_TOKENS: 14_800_000_000_000,
    Predicate.GPU_HOURS: 2_788_000.0,
    Predicate.BENCHMARK_SCORE: 73.0,
    Predicate.API_COST_RATIO: "1/8",
    Predicate.INFERENCE_FLOPS_RATIO: 0.27,
    Predicate.KV_CACHE_RATIO: 0.1,
}


def evidence(doc: SourceDocument, method: Method, *, supports: bool = True, n: int = 0) -> Evidence:
    if method is Method.TEXT:  # as the graph release ships text evidence: a span, no quoted text
        return Evidence(
            source=doc.id, revision=doc.revision, source_kind=doc.kind, locator=f"line {n}", snippet="",
            method=method, retrieved_at=WHEN, supports=supports, span_start=10 * n, span_end=10 * n + 9,
            span_sha256="0" * 64,
        )
    return Evidence(
        source=doc.id, revision=doc.revision, source_kind=doc.kind, locator=f"#/key{n}",
        snippet=f"key{n} = value", method=method, retrieved_at=WHEN, supports=supports,
    )


def sample_claims() -> tuple[list[Claim], list[Claim]]:
    """(claims from the config document, claims from the article): every predicate, status and method."""
    statuses, methods = list(Status), list(Method)
    config_claims = []
    for i, pred in enumerate(Predicate):
        if pred in ENTITY_PREDICATES:
            subject, obj = OBJECT_OF[pred]
            value = None
        else:
            subject = "demo-attention" if pred is Predicate.FIRST_APPEARED else "demo-1"
            obj, value = None, VALUE_OF[pred]
        config_claims.append(
            Claim(
                subject=subject, predicate=pred, object=obj, value=value,
                unit="parameters" if "parameters" in pred.value.lower() else None,
                qualifiers={"variant": "base"} if pred is Predicate.LAYERS else {},
                status=statuses[i % len(statuses)], reason=f"sample claim {i}",
                evidence=(
                    evidence(CONFIG_DOC, methods[i % len(methods)], n=i),
                    evidence(CONFIG_DOC, methods[(i + 1) % len(methods)], supports=i % 2 == 0, n=i + 100),
                ),
            )
        )
    article_claims = [
        Claim(
            subject="demo-1", predicate=Predicate.USES, object="attention", status=Status.REPORTED,
            reason="only an article says so", evidence=(evidence(ARTICLE_DOC, Method.TEXT),),
        )
    ]
    return config_claims, article_claims


def sample_graph() -> Graph:
    config_claims, article_claims = sample_claims()
    g = Graph()
    for prefix, ns in rdf.PREFIXES.items():
        g.bind(prefix, ns)
    for t in rdf.document_triples(CONFIG_DOC, config_claims, ENTITIES):
        g.add(t)
    for t in rdf.document_triples(ARTICLE_DOC, article_claims):
        g.add(t)
    return g
