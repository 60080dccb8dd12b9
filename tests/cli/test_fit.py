"""Tables and lines at 80 columns: ids never cut, other columns and long lines wrap, nothing cut with an ellipsis."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from lineage.cli import app
from lineage.cli.render import quantity, table
from lineage.cli.text_table import fitted

runner = CliRunner()
QUESTIONS = [
    ["technique", "mla"], ["model", "deepseek-v3"], ["hardware", "huawei-ascend"], ["claims"],
    ["compare", "deepseek-v3", "kimi-k2"], ["labs", "deepseek", "moonshot"],
    ["ls", "models"], ["ls", "techniques"], ["ls", "sources"], ["ls", "labs"],
]


def at_80(store, *args: str) -> str:
    result = runner.invoke(app, [*args, "--store", str(store)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("args", QUESTIONS, ids=" ".join)
def test_no_line_is_wider_than_80_columns_but_a_single_word(built_store_path, args):
    out = at_80(built_store_path, *args)
    assert out.strip()
    wide = [line for line in out.splitlines() if len(line) > 80]
    assert all(len(line.split()) == 1 for line in wide), wide[:3]


@pytest.mark.parametrize("what", ["models", "sources", "techniques"])
def test_every_id_is_shown_whole_on_a_line_of_its_own_or_first_in_its_row(built_store_path, what):
    ids = [r["id"] for r in json.loads(runner.invoke(app, ["ls", what, "--json", "--store", str(built_store_path)]).stdout)]
    out = at_80(built_store_path, "ls", what)
    firsts = {line.split()[0].rstrip("*+") for line in out.splitlines()[1:] if line.strip() and not line[0].isspace()}
    assert set(ids) <= firsts
    assert "…" not in out


def test_model_claims_collapse_one_value_and_count_its_other_sources(built_store_path):
    facts = json.loads(runner.invoke(app, ["model", "deepseek-v3", "--json", "--store", str(built_store_path)]).stdout)
    out = runner.invoke(app, ["show", "deepseek-v3", "--store", str(built_store_path)], env={"COLUMNS": "200"}).stdout
    rows = [line.split()[:3] for line in out.split("Claims about it:")[1].split("\n\n")[0].splitlines()[1:]
            if line and not line[0].isspace()]
    assert len(rows) == len({tuple(r) for r in rows})  # each value with its status once
    if len(rows) < len(facts.get("about", facts.get("claims", []))):
        assert "more sources)" in out


def test_a_long_cell_wraps_and_a_long_id_gets_a_line_of_its_own():
    rows = [["an-id-far-too-long-for-its-column", "one two three four five six"], ["b", "x"], ["c", "y"]]
    shown = table(["ID", "TEXT"], rows, width=20)
    assert "…" not in shown and max(map(len, shown.splitlines())) <= len(rows[0][0])
    assert rows[0][0] in shown.splitlines()
    assert " ".join(shown.split()) == "ID TEXT an-id-far-too-long-for-its-column one two three four five six b x c y"
    assert all(len(line) <= 20 for line in shown.splitlines() if line != rows[0][0])


def test_a_capped_column_wraps_at_its_cap_instead_of_being_cut():
    shown = table(["KEY", "NOTE"], [["k", "alpha beta gamma delta"]], {1: 11}, width=None)
    assert shown.splitlines() == ["KEY  NOTE", "k    alpha beta", "     gamma delta"]


def test_long_lines_wrap_under_their_indent_and_keep_addresses_whole():
    line = "  introducedBy: X  [verified] curated from the primary record: https://arxiv.org/abs/2405.04434"
    wrapped = fitted(line, 60).splitlines()
    assert wrapped[0].startswith("  introducedBy") and all(w.startswith("    ") for w in wrapped[1:])
    assert "https://arxiv.org/abs/2405.04434" in wrapped[-1] and " ".join(wrapped).split() == line.split()
    assert fitted("short", 60) == "short"


def test_context_lengths_read_in_binary_thousands():
    assert [quantity("contextLength", n) for n in (131072, 163840, 1048576, 32000)] == [
        "128K tokens", "160K tokens", "1M tokens", "32,000 tokens"]
