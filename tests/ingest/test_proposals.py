"""Techniques a report proposes become discovered entities (lineage.ingest.proposals)."""

from __future__ import annotations

from lineage.catalog.resolver import Resolver
from lineage.ingest import proposals, references
from lineage.ingest.text import Sentence

TEXT = "In this work we propose Zebra Stripe Attention (ZSA), a new way to attend."


def test_a_report_without_a_catalog_paper_proposes_a_technique_with_no_introducing_paper(catalog):
    bib = references.parse("", catalog)
    found = proposals.find([Sentence(1, 0, TEXT)], Resolver(catalog), bib, None, None, "2025-07",
                           "report:some-model/sha256-0123456789abcdef", "urn:lineage:report:some-model")
    (p,) = found.proposals
    assert (p.technique.id, p.technique.introduced_in, p.proposed) == ("zsa", None, True)


def test_with_a_catalog_paper_the_technique_is_introduced_in_it(catalog):
    bib = references.parse("", catalog)
    found = proposals.find([Sentence(1, 0, TEXT)], Resolver(catalog), bib, "arxiv-2412.19437", None, "2025-07",
                           "report:arxiv-2412.19437", "https://arxiv.org/abs/2412.19437")
    assert found.proposals[0].technique.introduced_in == "arxiv-2412.19437"


def _adopted(catalog, text, bib_text):
    bib = references.parse(bib_text, catalog)
    return proposals.find([Sentence(1, 0, text)], Resolver(catalog), bib, None, None, "2025-07",
                          "report:some-model/sha256-0123456789abcdef", "urn:lineage:report:some-model").proposals


def test_an_adopted_technique_cited_inside_its_acronyms_parentheses_is_discovered(catalog):
    bib = "References\nAda Smith and Bo Li. Zebra stripe routing. arXiv preprint arXiv:2401.01234, 2024."
    (p,) = _adopted(catalog, "At the last stage we use Zebra Stripe Routing (ZSR, Smith et al. (2024)) for stability.", bib)
    assert (p.technique.id, p.technique.introduced_in, p.proposed) == ("zsr", "arxiv-2401.01234", False)
    # without a citation it says nothing of where the technique comes from: not discovered
    assert _adopted(catalog, "At the last stage we use Zebra Stripe Routing (ZSR) for stability.", bib) == []
