"""The own model's architecture read from configuration tables, architecture sections and appositions (issue 12).

Pages and sentences are our own minimal versions of layouts seen in reports: a model configuration
table, a per-size paragraph, an appendix paragraph run in under "Architecture.".  The models are
fictional: Zeta is the report's own, Omega another lab's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lineage.ingest import adoption_rules, report_architecture
from lineage.ingest.pdf import Heading, PdfText
from lineage.ingest.report import body_sentences
from lineage.ingest.text import Sentence, alias_patterns, sentences

OWN = ["Zeta"]
OTHERS = ["Omega-7B"]


@pytest.fixture(scope="module")
def patterns(catalog):
    return alias_patterns(catalog)


def page(*lines: str) -> str:
    return "\n".join(lines)


def adopted(patterns, *pages: str, headings=()) -> dict[str, str]:
    """technique -> cue of each adoption the rules find on the given pages."""
    pdf = PdfText(path=Path("zeta.pdf"), sha256="0", pages=list(pages), headings=list(headings))
    found = report_architecture.mentions(pdf, body_sentences(pdf), patterns, OWN, OTHERS)
    return {m.technique: m.cue for m in found}


def test_a_table_of_the_own_models_configuration_adopts_its_cells(patterns):
    table = page(
        "Table 2: Model configurations for Zeta models.",
        "Model 1B 7B",
        "Key-Value heads 16 (MHA) 4 (GQA)",
        "Normalization RMSNorm RMSNorm",
        "Position embedding RoPE RoPE",
    )
    found = adopted(patterns, table)
    assert found == dict.fromkeys(["mha", "gqa", "rmsnorm", "rope"], "configuration table")


def test_the_evidence_of_a_table_row_is_its_caption_and_row(patterns):
    table = page("Table 2: Model configurations for Zeta models.", "Model 1B 7B", "Activation SwiGLU SwiGLU")
    pdf = PdfText(path=Path("zeta.pdf"), sha256="0", pages=["Intro.", table])
    (m,) = report_architecture.mentions(pdf, [], patterns, OWN, OTHERS)
    assert m.sentence.page == 2 and m.sentence.text == "Table 2: Model configurations for Zeta models. … Activation SwiGLU SwiGLU"


def test_a_vertical_table_with_a_backbone_in_parentheses_is_still_the_own_model(patterns):
    table = page(
        "Table 9: Architectural hyperparameters of Zeta-3B.",
        "Component Hyperparameter Value",
        "Language model (Omega-7B, 7.1B)",
        "KV heads (GQA) 8",
        "RoPE θ 10000",
    )
    assert adopted(patterns, table) == dict.fromkeys(["gqa", "rope"], "configuration table")


def test_a_caption_below_its_table_reads_the_rows_above(patterns):
    table = page("Configuration Zeta", "# Layers 32", "# Shared Experts 1", "Table 1: Key hyper-parameters of Zeta.")
    assert adopted(patterns, table) == {"shared-experts": "configuration table"}


NOT_OWN_TABLES = [
    # a column headed by another model: a comparison
    page("Table 3: Model architecture of Zeta and Omega-7B.", "Model Zeta Omega-7B", "Attention GQA MHA"),
    # an ablation or a results table names variants, not the released model
    page("Table 4: Ablation of position encodings.", "Zeta (RoPE) 45.1", "Zeta (NoPE) 44.0"),
    page("Table 5: Model configurations of the scaling-law runs.", "Attention GQA GQA"),
    # a table about training stages is no configuration, whatever its cells say
    page("Table 6: Training stages of Zeta.", "Stage 1 Linear Attention Disabled 4K"),
]


@pytest.mark.parametrize("table", NOT_OWN_TABLES, ids=[t.split("\n")[0][:40] for t in NOT_OWN_TABLES])
def test_comparison_ablation_and_process_tables_adopt_nothing(patterns, table):
    assert adopted(patterns, table) == {}


def test_rows_that_say_no_turn_it_off_or_compare_adopt_nothing(patterns):
    table = page(
        "Table 2: Model configurations for Zeta models.",
        "Model 1B 7B",
        "QK-Norm No –",
        "Weight decay 0.0 0.00",
        "Positions w/o RoPE w/o RoPE",
        "Attention GQA rather than MLA",
        "We compare against models that use multi-query attention in all of their layers.",
    )
    assert adopted(patterns, table) == {}


def test_a_row_with_a_nonzero_value_still_adopts(patterns):
    table = page("Table 2: Model configurations for Zeta models.", "Model 1B 7B", "Weight decay 0.1 0.05")
    assert adopted(patterns, table) == {"weight-decay": "configuration table"}


ARCHITECTURE = Heading(1, "3", "Model Architecture", 0)


def test_a_per_size_paragraph_in_the_architecture_section_is_the_own_model(patterns):
    text = page(
        "3 Model Architecture",
        "1B: The smallest model of the family is trained with rotary position embedding. The 1B model is trained",
        "with a context of 4K tokens.",
        "7B: The 7B model has the same architecture as the 1B model except for using grouped-query attention.",
    )
    assert adopted(patterns, text, headings=[ARCHITECTURE]) == {"rope": "trained", "gqa": "using"}


def test_the_model_and_a_bare_passive_in_an_architecture_paragraph_are_the_own_model(patterns):
    text = page(
        "B Implementation Details",
        "Architecture. The network has 32 layers. Layer normalization is used to stabilize training. To handle",
        "positions, the model is equipped with rotary position embedding.",
        "Inference. Layer normalization is used by many systems.",
    )
    found = adopted(patterns, text, headings=[Heading(1, "B", "Implementation Details", 0)])
    assert found == {"layernorm": "subject, passive", "rope": "equipped"}  # read by adoption_led before the section rule


NOT_THE_OWN_MODEL = [
    # the same sentences under a background section describe the field, not the model
    ("2.1 Transformer Architecture", "Layer normalization is used to stabilize training.", "layernorm"),
    # practice at large, another model, a comparison
    ("3 Model Architecture", "Rotary position embedding is widely used in language models.", "rope"),
    ("3 Model Architecture", "The 7B model of Omega-7B uses grouped-query attention.", "gqa"),
    ("3 Model Architecture", "We compare with a baseline in which the model uses multi-query attention.", "mqa"),
]


@pytest.mark.parametrize("heading,text,technique", NOT_THE_OWN_MODEL, ids=[t[:40] for _, t, _ in NOT_THE_OWN_MODEL])
def test_background_practice_and_comparisons_in_architecture_sections_are_not_adoptions(patterns, heading, text, technique):
    number, title = heading.split(" ", 1)
    headings = [Heading(1, "2", "Background", 0), Heading(1, number, title, 11)] if number == "2.1" else [Heading(1, number, title, 0)]
    pages = page("2 Background", heading, text) if number == "2.1" else page(heading, text)
    assert technique not in adopted(patterns, pages, headings=headings)


def test_a_per_size_label_starts_a_paragraph():
    text = page("Vocab size 32000 32000", "7B: The 7B model uses GQA.")
    assert [s.text for s in sentences(text, 1)] == ["Vocab size 32000 32000", "7B: The 7B model uses GQA."]


def test_an_apposition_naming_the_own_models_variants_adopts_its_technique(patterns):
    said = "Finally, we obtain Zeta-mini (16B) and Zeta-flash (100B), two instruction-tuned MoE variants for deployment."
    assert adopted(patterns, said) == {"moe": "apposition"}
    for other in (
        "Finally, we evaluate Omega-mini and Omega-flash, two instruction-tuned MoE variants for deployment.",
        "Finally, we obtain Zeta-mini and Zeta-flash, two variants compared with MoE models.",
    ):
        assert "moe" not in adopted(patterns, other)


def test_this_was_achieved_by_continues_the_own_subject(patterns):
    def kinds(first):
        texts = [first, "This was achieved by using YaRN with a scaling factor of 2."]
        found = adoption_rules.find_mentions([Sentence(1, i, t) for i, t in enumerate(texts)], {"yarn": patterns["yarn"]}, OWN)
        return [m.kind.value for m in found]

    assert kinds("We extended the context window of Zeta to 64K tokens.") == ["adoption"]
    assert kinds("Omega-7B extended the context window to 64K tokens.") == ["mention"]
