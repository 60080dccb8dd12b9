"""Alias patterns skip what cannot match, and find exactly what running every pattern finds (lineage.ingest.text).

:class:`AliasPatterns.candidates` is a speed-up only: a pattern it leaves out must have no match in the text.
Checked on spellings of every catalog alias and on the sentences of real reports (four labs), where the readers
that use it (adoption, relations, architecture mentions) must give what they give on a plain dict
of the same patterns, which runs every pattern on every sentence.
"""

from __future__ import annotations

import re

import pytest

from lineage.domain import EntityKind
from lineage.ingest import adoption_rules, relations, report_architecture
from lineage.ingest.pdf import read_pdf
from lineage.ingest.report import _other_names, _own_names, _section_kind, body_sentences, pdf_subjects
from lineage.ingest.text import AliasPatterns, _compiled, alias_patterns, candidates, folded

KINDS = (EntityKind.TECHNIQUE, EntityKind.MODEL, EntityKind.HARDWARE, EntityKind.ORGANIZATION, EntityKind.PAPER)
REPORTS = (  # four labs
    "deepseek-ai__DeepSeek-V3__DeepSeek_V3.pdf",
    "QwenLM__Qwen3__Qwen3_Technical_Report.pdf",
    "zai-org__GLM-4.5__GLM_4_5_technical_report.pdf",
    "MoonshotAI__Moonlight__Moonlight.pdf",
)


def spellings(alias: str) -> list[str]:
    """Ways prose writes an alias that its pattern accepts or not: cases, hyphens, plurals, Unicode look-alikes."""
    out = {alias, alias.lower(), alias.upper(), alias.title(), alias.replace("-", ""), alias.replace("-", " "),
           alias.replace(" ", "-"), alias.replace(" ", "\n"), alias[:-1], alias + "s", alias.replace("i", "\u0131"),
           alias.replace("I", "\u0130"), alias.replace("s", "\u017f"), alias.replace("K", "\u212a")}
    return [f"as {s}, then" for s in out]


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.value)
def test_no_pattern_that_matches_is_skipped(catalog, kind):
    patterns = alias_patterns(catalog, kind)
    assert isinstance(patterns, AliasPatterns) and patterns
    checked = 0
    for entity in catalog.of_kind(kind):
        for alias in {entity.name, *entity.aliases}:
            for text in spellings(alias):
                kept = {key for key, _ in candidates(patterns, text)}
                matched = {key for key, p in patterns.items() if p.search(text)}
                assert matched <= kept, (alias, text, matched - kept)
                checked += bool(matched)
    assert checked > len(patterns)  # most spellings match something: the check is not vacuous


def test_candidates_skip_patterns_whose_anchors_are_absent(catalog):
    patterns = alias_patterns(catalog)
    kept = {key for key, _ in candidates(patterns, "We train with Multi-head Latent Attention.")}
    assert "mla" in kept and len(kept) < len(patterns) / 4
    assert candidates(dict(patterns), "nothing here") == tuple(patterns.items())  # a plain dict runs every pattern


def test_compiled_once_per_catalog_content(catalog):
    assert alias_patterns(catalog) is alias_patterns(catalog)
    assert alias_patterns(catalog, EntityKind.HARDWARE) is not alias_patterns(catalog)


def test_a_pattern_is_compiled_when_first_asked_for(catalog):
    fresh = _compiled(list(catalog.of_kind(EntityKind.MODEL)))
    assert len(fresh) > 20 and not any(isinstance(p, re.Pattern) for p in dict.values(fresh))
    kept = [key for key, _ in candidates(fresh, "We compare with DeepSeek-V3 and Kimi K2.")]
    assert "deepseek-v3" in kept
    assert [key for key, p in dict.items(fresh) if isinstance(p, re.Pattern)] == kept  # only those compiled
    assert fresh["deepseek-v3"].search("as DeepSeek-V3 does") and fresh.get("no-such-model") is None
    assert dict(fresh) == dict(fresh.items()) == {**fresh}  # a copy holds compiled patterns
    assert all(isinstance(p, re.Pattern) for p in dict(fresh).values())


def test_folding_keeps_what_ignorecase_equates():
    assert folded("\u0130NTERN \u212aimi \u017fparse") == "intern kimi sparse"


@pytest.fixture(scope="module", params=REPORTS)
def report(request, corpus, catalog):
    path = corpus / "reports" / request.param
    pdf = read_pdf(path)
    found = pdf_subjects(pdf, catalog)
    own = _own_names(catalog, found.models)
    return pdf, body_sentences(pdf), own, _other_names(catalog, own)


@pytest.mark.slow
def test_report_readers_find_what_every_pattern_finds(report, catalog):
    pdf, body, own, others = report
    fast = alias_patterns(catalog)
    every = dict(fast)
    sections = lambda s: _section_kind(pdf, s)  # noqa: E731
    found = adoption_rules.find_mentions(body, fast, own, others, sections=sections)
    assert found == adoption_rules.find_mentions(body, every, own, others, sections=sections)
    assert len(found) > 20 and {m.kind for m in found} >= {adoption_rules.Kind.ADOPTION, adoption_rules.Kind.MENTION}
    assert report_architecture.mentions(pdf, body, fast, own, others) == report_architecture.mentions(
        pdf, body, every, own, others)
    assert relations.find(body, fast, catalog) == relations.find(body, every, catalog)
