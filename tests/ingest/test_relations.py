"""Technique -> technique relations from report text, scored against hand labels (issue 15).

Labels: tests/fixtures/labels/relations/edges.yaml, written by reading the sentences.  The
extractor has general sentence rules only; these numbers are what it gets on every corpus report.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lineage.catalog.resolver import Resolver
from lineage.domain import Predicate, Status
from lineage.ingest import proposals, references, relations
from lineage.ingest.report import body_sentences
from lineage.ingest.text import Sentence, alias_patterns

LABELS = yaml.safe_load((Path(__file__).parents[1] / "fixtures" / "labels" / "relations" / "edges.yaml").read_text())
KEY = ("report", "subject", "relation", "object")


def _key(row) -> tuple:
    return tuple(row[k] for k in KEY)


@pytest.fixture(scope="module")
def extracted(corpus, catalog, read_pdf_once, once_in_run) -> dict[tuple, int]:
    """(report, subject, relation, object) -> page, over every corpus report."""
    return once_in_run("relations", lambda: _extract(corpus, catalog, read_pdf_once))


def _extract(corpus, catalog, read_pdf) -> dict[tuple, int]:
    out = {}
    for path in sorted([*(corpus / "reports").glob("*.pdf"), *(corpus / "new" / "reports").glob("*.pdf")]):
        pdf = read_pdf(path)
        body = body_sentences(pdf)
        # as in ingestion: the techniques a report introduces join the catalog for that report
        new = proposals.find(body, Resolver(catalog), references.parse(pdf.references_text(), catalog),
                             None, None, None, f"report:{path.stem}", f"urn:lineage:{path.stem}")
        known = catalog.with_discovered([p.technique for p in new.proposals] + new.papers)
        bib = references.parse(pdf.references_text(), known)
        for r in relations.find(body, alias_patterns(known), known, bib):
            out[(path.name, r.subject, r.predicate.value, r.object)] = r.sentence.page
    return out


@pytest.mark.slow
def test_relation_precision_on_the_hand_labels(extracted):
    correct = {_key(r) for r in LABELS["edges"] if r["correct"]}
    wrong = {_key(r) for r in LABELS["edges"] if not r["correct"]}
    unlabelled = set(extracted) - correct - wrong
    assert not unlabelled, f"label these extracted edges in edges.yaml: {sorted(unlabelled)}"
    tp = set(extracted) & correct
    precision = len(tp) / len(extracted)
    assert precision >= 0.9, sorted(set(extracted) & wrong)
    assert len(tp) >= 10


@pytest.mark.slow
def test_relations_carry_the_labelled_page(extracted):
    for row in LABELS["edges"]:
        if row["correct"] and _key(row) in extracted:
            assert extracted[_key(row)] == row["page"], row


def test_own_introducing_report_verifies_and_a_third_party_only_reports(corpus, prepare_once):
    exp = prepare_once(corpus / "reports" / "deepseek-ai__DeepSeek-V3.2-Exp__DeepSeek_V3_2.pdf")
    [dsa] = [c for c in exp.claims if (c.subject, c.predicate, c.object) == ("dsa", Predicate.EXTENDS, "mla")]
    assert dsa.status is Status.VERIFIED and dsa.evidence[0].locator.startswith("p. 2")
    moon = prepare_once(corpus / "reports" / "MoonshotAI__Moonlight__Moonlight.pdf")
    [rep] = [c for c in moon.claims if (c.subject, c.predicate, c.object) == ("muon", Predicate.REPLACES, "adamw")]
    assert rep.status is Status.REPORTED
    assert "muon replaces adamw (p. 2)" in moon.report.relations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We replace the Multi-Head Attention with Multi-head Latent Attention in every layer.", [("mla", "replaces", "mha")]),
        ("Kimi Delta Attention, which builds on Gated DeltaNet, adds a channel-wise gate.", [("kda", "extends", "gated-deltanet")]),
        ("Hash Layers combines Switch Transformer and MoE routing.", [("hash-routing", "combines", "switch-moe"), ("hash-routing", "combines", "moe")]),
        ("Unlike GShard, DeepSeekMoE isolates shared experts.", [("deepseekmoe", "contrastsWith", "gshard")]),
        ("Hash Layers, a routing design which builds on GShard and Switch Transformer, hashes tokens.",
         [("hash-routing", "extends", "gshard"), ("hash-routing", "extends", "switch-moe")]),
        ("Building on our earlier linear attention design, TransNormer, we introduce Lightning Attention.",
         [("lightning-attention", "extends", "transnormer")]),
        ("Building on our earlier linear attention design, FooNet, we introduce Lightning Attention.", []),
        ("Kimi Delta Attention is inspired by Gated DeltaNet.", [("kda", "extends", "gated-deltanet")]),
        ("GShard is a well-known MoE architecture with top-2 gating.", [("gshard", "variantOf", "moe")]),
        ("GShard is a large MoE model.", []),
        ("We observe that in our runs, the lab's MLA keeps less cache compared with Qwen's GQA.",
         [("mla", "contrastsWith", "gqa")]),
        ("In these runs Muon consistently outperforms AdamW.", [("muon", "contrastsWith", "adamw")]),
        ("DeepSeekMoE 16B outperforms GShard 2B.", []),
        ("GRPO does not extend PPO.", []),
        ("We use GQA and RoPE.", []),
        ("Unlike Qwen2.5-MoE, the Qwen3-MoE design excludes shared experts.", []),
    ],
)
def test_sentence_shapes(catalog, text, expected):
    found = relations.find([Sentence(page=1, offset=0, text=text)], alias_patterns(catalog), catalog)
    assert [(r.subject, r.predicate.value, r.object) for r in found] == expected


def test_a_citation_stands_for_the_technique_its_paper_introduces(catalog):
    bib = references.parse("References\n[1] Z. Qin et al. The Devil in Linear Transformer. arXiv:2210.10340, 2022.\n"
                           "[2] A. B. Other. Another paper. 2020.\n[3] C. D. Third. A third paper. 2021.", catalog)
    found = relations.find([Sentence(page=4, offset=0, text="Lightning Attention extends the design of [1].")],
                           alias_patterns(catalog), catalog, bib)
    assert [(r.subject, r.predicate.value, r.object, r.via_citation) for r in found] == [
        ("lightning-attention", "extends", "transnormer", "arxiv-2210.10340")
    ]
