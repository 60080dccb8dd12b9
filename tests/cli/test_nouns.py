"""The noun-first command set: each question, its one --format and --min-status, and every old command's alias."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from lineage.cli import app
from lineage.cli.aliases import RENAMED, notice
from lineage.vocab import STATUS_ORDER, STATUS_RANK, Status

runner = CliRunner()


def run(*args, store=None):
    return runner.invoke(app, list(args) + (["--store", str(store)] if store else []))


def ok(*args, store):
    result = run(*args, store=store)
    assert result.exit_code == 0, result.output
    return result


def test_one_status_order_contradicted_is_weakest():
    assert STATUS_ORDER == "verified > disputed > reported > unverified > contradicted"
    assert sorted(Status, key=STATUS_RANK.__getitem__)[-1] is Status.CONTRADICTED
    for command in (["technique"], ["model"], ["labs"], ["hardware"], ["claims"], ["timeline"]):
        assert STATUS_ORDER in " ".join(run(*command, "--help").stdout.split()), command


def test_min_status_keeps_claims_at_least_that_strong_and_never_a_contradicted_one(built_store_path):
    from lineage.questions.status import at_least

    assert not at_least("contradicted", "unverified") and at_least("reported", "unverified")
    assert at_least("contradicted", "contradicted")  # the default: every status
    every = json.loads(ok("claims", "--json", store=built_store_path).stdout)
    kept = json.loads(ok("claims", "--min-status", "reported", "--json", store=built_store_path).stdout)
    assert {c["status"] for c in every} >= {"unverified", "reported", "verified"}
    assert {c["status"] for c in kept} == {c["status"] for c in every} - {"unverified", "contradicted"}
    assert len(kept) == sum(c["status"] not in ("unverified", "contradicted") for c in every)


def test_technique_shows_origin_adopters_over_time_and_idea_trees(built_store_path):
    out = ok("technique", "mla", store=built_store_path).stdout
    assert out.startswith("Multi-head Latent Attention (mla), attention\n")
    sections = [line for line in out.splitlines() if line.startswith("== ")]
    assert sections == ["== Adopters over time ==", "== Builds on ==", "== Built on it =="]
    timeline = run("timeline", "mla", store=built_store_path)  # the alias: the same rows, inside the answer
    assert timeline.stdout.strip() in out


def test_technique_json_has_every_section_and_the_adopters_who_uses_lists(built_store_path):
    data = json.loads(ok("technique", "MLA", "--json", store=built_store_path).stdout)
    assert set(data) == {"technique", "origin", "timeline", "ancestry", "descendants"} and data["technique"] == "mla"
    adopted = {e["model"] for e in data["timeline"]["events"] if e["event"] == "adopted"}
    old = run("who-uses", "mla", "--json", store=built_store_path)
    assert adopted == {r["model"] for r in json.loads(old.stdout)["rows"]} and "kimi-k2.6" in adopted
    same = json.loads(ok("technique", "mla", "--format", "json", store=built_store_path).stdout)
    assert same == data


def test_model_shows_claims_inherited_ideas_and_hardware(built_store_path):
    out = ok("model", "kimi-k2.6", "--from", "mla", store=built_store_path).stdout
    assert out.startswith("Kimi K2.6 (kimi-k2.6), model")
    assert [line for line in out.splitlines() if line.startswith("== ")] == [
        "== Ideas from other labs ==", "== Hardware ==", "== How mla reached it =="]
    assert "\nfrom deepseek:" in out and "  mla " in out.split("== Hardware ==")[0]
    data = json.loads(ok("model", "kimi-k2.6", "--from", "mla", "--json", store=built_store_path).stdout)
    assert set(data) == {"model", "show", "inherited", "hardware", "path"}
    assert "mla" in {i["technique"] for i in data["inherited"]["groups"]["deepseek"]}
    assert data["path"]["routes"]


def test_compare_with_changes_adds_the_family_changes(built_store_path):
    out = ok("compare", "deepseek-v3", "deepseek-v3.2", "--changes", store=built_store_path).stdout
    assert out.splitlines()[0].split() == ["deepseek-v3", "deepseek-v3.2"]
    changes = out.split("== Changes ==\n")[1]
    assert changes.startswith("deepseek-v3 -> deepseek-v3.2: ") and "\nadded:\n" in changes
    data = json.loads(ok("compare", "deepseek-v3", "deepseek-v3.2", "--changes", "--json", store=built_store_path).stdout)
    assert set(data) == {"compare", "changes"}


def test_labs_answers_flow_pair_and_symbiosis_as_the_old_commands(built_store_path):
    pair = ok("labs", "deepseek", "moonshot-ai", store=built_store_path).stdout
    assert pair.startswith("DeepSeek -> Moonshot AI: ")
    old = run("flow", "deepseek", "moonshot-ai", store=built_store_path)
    assert old.stdout == pair and old.stderr == notice("flow") + "\n"
    assert run("symbiosis", store=built_store_path).stdout == ok("labs", "--symbiosis", store=built_store_path).stdout


def test_format_csv_prints_the_tables_only_and_md_markdown_tables(built_store_path):
    out = ok("labs", "--format", "csv", store=built_store_path).stdout
    rows = [r for r in csv.reader(io.StringIO(out)) if r]  # tables are separated by a blank line
    assert rows[0] == ["TECHNIQUE", "STATUS", "MODELS", "EVIDENCE (first model)"]
    assert all(len(r) == 4 for r in rows) and len(rows) > 5  # no prose line in the CSV
    labs = list(csv.DictReader(io.StringIO(ok("ls", "labs", "--format", "csv", store=built_store_path).stdout)))
    as_json = json.loads(ok("ls", "labs", "--json", store=built_store_path).stdout)
    assert [r["ID"] for r in labs] == [r["id"] for r in as_json] and labs[0]["MODELS"] == str(as_json[0]["models"])
    md = ok("ls", "labs", "--format", "md", store=built_store_path).stdout
    assert md.startswith("\n| ID | NAME | MODELS | FIRST | LATEST | TECHNIQUES |\n|---|---|---|---|---|---|\n| ")


def test_claims_filters_by_subject_explains_and_flags(built_store_path):
    data = json.loads(ok("claims", "--subject", "deepseek-v3", "--json", store=built_store_path).stdout)
    assert data and {c["subject"] for c in data} == {"deepseek-v3"}
    missing = run("claims", "--subject", "deepseek-v33", store=built_store_path)
    assert missing.exit_code == 2 and missing.stderr.startswith('Error: subject "deepseek-v33" not found. Did you mean')
    why = ok("claims", "--why", data[0]["ref"].rsplit("/", 1)[-1], store=built_store_path).stdout
    assert why.startswith("deepseek-v3 ") and "\n  status: " in why
    flagged = ok("claims", "--flagged", "--limit", "3", store=built_store_path).stdout
    assert flagged.splitlines()[0].split()[:2] == ["FLAG", "STATEMENT"] and "of" in flagged.splitlines()[-1]


@pytest.mark.parametrize("what,first", [("techniques", "ID"), ("models", "ID"), ("sources", "ID"), ("labs", "ID")])
def test_ls_lists_each_kind(built_store_path, what, first):
    out = ok("ls", what, store=built_store_path).stdout
    assert out.split()[0] == first and len(out.splitlines()) > 10


def test_ls_models_are_in_release_order(built_store_path):
    rows = json.loads(ok("ls", "models", "--json", store=built_store_path).stdout)
    months = [r["released"] for r in rows]
    dated = [m for m in months if m]
    assert dated == sorted(dated) and months[: len(dated)] == dated  # undated models last


ALIASES = {
    "who-uses": ["mla"], "origin": ["mla"], "explain": ["mla"], "adopters": ["mla"], "timeline": ["mla"],
    "ancestry": ["kda"], "descendants": ["mha"], "show": ["deepseek-v3"], "inherited": ["kimi-k2"],
    "on-hardware": ["deepseek-v3"], "path": ["mla", "kimi-k2"], "family-changes": ["deepseek-v3", "deepseek-v3.2"],
    "flow": [], "symbiosis": [], "techniques": [], "models": [], "sources": [], "why": ["deepseek-v3", "totalParameters"],
    "flags": ["--limit", "2"], "unknowns": ["--limit", "2"], "validate": [], "fetch": None, "diff": None, "schema": None,
}
SAME_AS = {"techniques": ["ls", "techniques"], "models": ["ls", "models"], "sources": ["ls", "sources"],
           "why": ["claims", "--why", "deepseek-v3 totalParameters"], "flags": ["claims", "--flagged", "--limit", "2"],
           "unknowns": ["dev", "unknowns", "--limit", "2"], "validate": ["dev", "validate"], "flow": ["labs"],
           "symbiosis": ["labs", "--symbiosis"]}
WITHIN = {"origin": ["technique", "mla"], "timeline": ["technique", "mla"], "ancestry": ["technique", "kda"],
          "descendants": ["technique", "mha"], "show": ["model", "deepseek-v3"], "inherited": ["model", "kimi-k2"],
          "on-hardware": ["model", "deepseek-v3"], "path": ["model", "kimi-k2", "--from", "mla"],
          "family-changes": ["compare", "deepseek-v3", "deepseek-v3.2", "--changes"]}


def test_every_renamed_command_is_covered():
    assert set(ALIASES) == set(RENAMED)


@pytest.mark.parametrize("old", sorted(ALIASES))
def test_each_alias_prints_one_deprecation_line_and_the_same_answer(built_store_path, old):
    if ALIASES[old] is None:  # writes files or needs the network: its help, and that it is hidden
        result = run(old, "--help")
        assert result.exit_code == 0 and "Usage:" in result.stdout
        assert old not in run("--help").stdout.split("Commands:")[1].split()
        new = RENAMED[old].split()
        assert run(*new, "--help").exit_code == 0
        return
    result = run(old, *ALIASES[old], store=built_store_path)
    assert result.exit_code == 0, result.output
    assert result.stderr == notice(old) + "\n"
    assert result.stdout.strip()
    if old in SAME_AS:
        assert ok(*SAME_AS[old], store=built_store_path).stdout == result.stdout
    elif old in WITHIN:
        assert result.stdout.strip() in ok(*WITHIN[old], store=built_store_path).stdout


@pytest.mark.parametrize("what,key", [("models", "id"), ("sources", "id"), ("techniques", "id")])
def test_ids_are_never_cut_at_80_columns(built_store_path, what, key):
    ids = [r[key] for r in json.loads(ok("ls", what, "--json", store=built_store_path).stdout)]
    shown = runner.invoke(app, ["ls", what, "--store", str(built_store_path)], env={"COLUMNS": "80"}).stdout
    firsts = {line.split()[0].rstrip("*+") for line in shown.splitlines()[1:] if line.strip()}
    assert set(ids) <= firsts and "…" not in "".join(line.split()[0] for line in shown.splitlines()[1:] if line.strip())


@pytest.mark.parametrize("old", sorted(old for old, args in ALIASES.items() if args is not None))
def test_an_alias_with_json_prints_pure_json_on_stdout_and_its_notice_on_stderr(built_store_path, old):
    if "--json" not in run(old, "--help").stdout:
        pytest.skip(f"'lineage {old}' has no --json")
    result = run(old, *ALIASES[old], "--json", store=built_store_path)
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)  # the whole of stdout is one JSON document
    assert result.stderr == notice(old) + "\n"
