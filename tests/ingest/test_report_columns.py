"""The own model's column in a comparison table (lineage.ingest.report_columns): our own minimal tables."""

from __future__ import annotations

import pytest

from lineage.ingest.report_columns import column_adoptions
from lineage.ingest.text import alias_patterns

OWN, OTHERS = ["Zeta-3B", "Zeta 3B"], ["Omega-7", "Omega 7"]


@pytest.fixture(scope="module")
def patterns(catalog):
    return {t: p for t, p in alias_patterns(catalog).items() if t in ("moe", "gqa", "mha")}


def adopted(page, patterns):
    return sorted({m.technique for m in column_adoptions([page], patterns, OWN, OTHERS)})


def test_the_cell_under_the_own_models_column_is_adopted(patterns):
    # a name broken over two header lines reads top to bottom: "Omega 7B", "Zeta 3B"
    page = "Table 2: Zeta 3B and others.\nBenchmark\nOmega Gamma Zeta\n7B 0513 3B\nArchitecture Dense - MoE\nMMLU 70.1 71.0 75.3"
    assert adopted(page, patterns) == ["moe"]


@pytest.mark.parametrize("page", [
    "Omega-7 Zeta-3B\nArchitecture MoE Dense",  # another model's cell
    "Zeta-3B Omega-7\nBaseline MoE MoE",  # a row that is no design slot
    "Model Zeta-3B Omega-7\nAttention MHA GQA (8)",  # a cell of several words would shift the columns
    "Omega-7 (Think)\nGamma Zeta-3B\nArchitecture MoE - MoE",  # header lines that do not count the columns
    "Zeta-3B Omega-7\nBoth are compared in this section.\nArchitecture MoE MoE",  # prose under the short line
], ids=["other column", "no slot", "wide cell", "uneven header", "prose"])
def test_nothing_else_in_a_comparison_table_is_the_own_models(patterns, page):
    assert adopted(page, patterns) == []
