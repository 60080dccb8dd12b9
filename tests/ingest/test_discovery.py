"""The subject of a report from its first page: title forms, "we present X", links, recurrence.

The pages here are made up (invented names, no report's sentences); each shape is one real reports use.
"""

from __future__ import annotations

import pytest

from lineage.catalog import Catalog
from lineage.catalog.resolver import Resolver
from lineage.ingest.discovery import read_identity, slug


@pytest.fixture(scope="module")
def resolver():
    return Resolver(Catalog.load())


def _model(page: str, resolver, second: str = "") -> str | None:
    found = read_identity(page, second, resolver).model
    return found.value if found else None


@pytest.mark.parametrize(
    ("page", "name"),
    [
        # a lower-case name with a dot before "Technical Report"
        ("zeltra-1.5 Technical Report\nZeltra Team\nAbstract\nWe describe zeltra-1.5, a model trained on 4T tokens.",
         "zeltra-1.5"),
        # one plain word, made a name by what follows it
        ("Open Weights for Everyone\nQuillon Lab\nAbstract\nWe present Quillon, a fully open suite of language models.",
         "Quillon"),
        ("A Bilingual Base Model\nTarnwick Inc.\nAbstract\nWe introduce Tarnwick, a series of base and chat models.",
         "Tarnwick"),
        # a name that starts with digits
        ("Small Models That Reason\nSomeone\nAbstract\nWe present 9Lark models, trained from scratch on 2T tokens.",
         "9Lark"),
        # one plain word in the title form "<Name>: ...", then the abstract's fuller name
        ("Brindle: A More Open Model\nBrindle Team\nAbstract\nIn this report we present Brindle-7B, a family of models."
         " We release Brindle-7B along with checkpoints. We release Brindle-7B1 and data.\n1 https://example.org", "Brindle-7B"),
        # two verbs before the name ("we introduce and open-source X", "we release and open source X")
        ("Models for Agents\nSomeone\nAbstract\nToday we release and open source Harlow-M4, a model for agents.",
         "Harlow-M4"),
        ("Code Models\nSomeone\nAbstract\nWe introduce and open-source the Harlow-Coder models, based on a base model.",
         "Harlow-Coder"),
        # an all-caps title name with a version and separate words
        ("VORTA 2.0: A Model with Local Attention\nVorta Systems\nABSTRACT\nWe develop and release Vorta 2.0, a model.",
         "Vorta 2.0"),
    ],
)
def test_subject_names_of_every_shape(page, name, resolver):
    assert _model(page, resolver) == name


def test_a_footnote_mark_after_the_name_is_not_part_of_it(resolver):
    page = ("Every Sample Counts: Efficient Code Models\nSome Team\nABSTRACT\nwe introduce Velo-Coder-Lite, which uses"
            " experts. In this paper we present Velo-Coder-Lite 4 , an efficient model. Velo-Coder-Lite is fast.")
    assert _model(page, resolver) == "Velo-Coder-Lite"


def test_ordinary_words_after_we_present_are_no_name(resolver):
    page = "Scaling Laws Revisited\nA University\nAbstract\nWe present results on scaling. We introduce methods for data."
    assert _model(page, resolver) is None


@pytest.mark.parametrize("compound", ["dense-sparse", "instruction-tuned", "long-context", "open-source"])
def test_a_lower_case_compound_of_ordinary_words_after_we_present_is_no_name(compound, resolver):
    # shapes of two labs' reports ("we present <adjective-adjective> <noun>"; "<adjective-participle> models")
    page = f"Switching Attention\nSome Lab\nAbstract\nWe present {compound} attention, a method for long inputs."
    assert _model(page, resolver) is None
    named = f"Switching Attention\nSome Lab\nAbstract\nWe present {compound.title()}, a family of models."
    assert _model(named, resolver) == compound.title()  # spelt with capitals it is a name


def test_a_lower_case_compound_with_a_coined_part_stays_a_name(resolver):
    page = "Open Weights\nSome Lab\nAbstract\nWe present quorn-lite, a family of small models."
    assert _model(page, resolver) == "quorn-lite"


def test_a_link_and_recurrence_break_a_tie_between_two_names(resolver):
    page = ("A Study of Mixtures\nLab\nAbstract\nWe present Korrin-2, a family of models. We also release Peltar-3, a"
            " tokenizer model. Code: https://github.com/lab/Peltar-3. Peltar-3 is small. Peltar-3 is open.")
    assert _model(page, resolver) == "Peltar-3"


def test_a_title_led_by_a_name_the_page_repeats(resolver):
    page = ("Sorrel Intermediate Checkpoints\n1. Download\nSorrel checkpoints at step XX\nSorrel-A checkpoints\n"
            "Both Sorrel and Sorrel-A share a schedule.")
    assert _model(page, resolver) == "Sorrel"


def test_slugs_of_discovered_names():
    assert [slug(n) for n in ("zeltra-1.5", "9Lark", "Vorta 2.0", "Brindle-7B")] == [
        "zeltra-1.5", "9lark", "vorta-2.0", "brindle-7b"]
