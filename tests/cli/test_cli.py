"""The command line, as a user sees it: exact messages, exit codes and JSON."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from lineage.cli import app

runner = CliRunner()


def run(*args, store=None):
    argv = list(args) + (["--store", str(store)] if store else [])
    return runner.invoke(app, argv)


def test_who_uses_mla_lists_the_mla_family_with_config_evidence(built_store_path):
    result = run("who-uses", "mla", store=built_store_path)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "Multi-head Latent Attention (mla): introduced by DeepSeek, in DeepSeek-V2 report (arXiv:2405.04434), "
        "first appeared 2024-05"
    )
    assert lines[3].split() == ["MODEL", "RELEASED", "STATUS", "EVIDENCE"]
    rows = {line.split("  ")[0]: line for line in lines[4:]}
    for name in ("DeepSeek-V3", "DeepSeek-R1", "Kimi K2", "Kimi K2.5", "Kimi K2.6", "GLM-5"):
        assert name in rows, f"{name} missing from:\n{result.stdout}"
        assert ("[config]" in rows[name] or "[meta-device]" in rows[name]) and "kv_lora_rank = 512" in rows[name]
    assert " verified " in rows["DeepSeek-V3"]
    assert " verified " in rows["Kimi K2.6"]  # NVIDIA's NVFP4 quantization keeps its architecture keys
    assert not any(name.startswith("DeepSeek-V4") for name in rows)


def test_who_uses_json_has_status_reason_and_evidence_per_row(built_store_path):
    result = run("who-uses", "MLA", "--json", store=built_store_path)
    data = json.loads(result.stdout)
    assert data["technique"] == "mla"
    v3 = next(r for r in data["rows"] if r["model"] == "deepseek-v3")
    assert v3["status"] == "verified"
    assert v3["reason"].startswith("stated in the model's own config: ")
    assert {e["source"] for e in v3["evidence"]} == {
        "config:deepseek-v3/deepseek-ai__DeepSeek-V3.json",
        "config:deepseek-v3/deepseek-ai__DeepSeek-V3-inference-config_671B.json",
    }


def test_unknown_technique_suggests_the_closest_id(built_store_path):
    result = run("technique", "mla2", store=built_store_path)
    assert result.exit_code == 2
    assert result.stderr == "Error: technique \"mla2\" not found. Did you mean \"mla\"? See 'lineage ls techniques'.\n"


def test_unknown_source_filter_is_an_error(built_store_path):
    result = run("claims", "--source", "config:nope", store=built_store_path)
    assert result.exit_code == 2
    assert result.stderr.startswith('Error: source "config:nope" not found.')


def test_queries_on_an_empty_store_say_to_build_first(tmp_path):
    from lineage.store import Store

    Store(tmp_path / "empty").close()  # created by a writer, never built
    result = run("technique", "mla", store=tmp_path / "empty")
    assert result.exit_code == 2
    assert result.stderr == f"Error: the store at \"{tmp_path / 'empty'}\" is empty. Run 'lineage build' first.\n"


def test_claims_as_markdown_escape_html_and_markdown_in_source_text(tmp_path):
    """Snippets and reasons come from documents: rendered Markdown must show them, never run or link them."""
    from lineage.domain import Claim, Evidence, SourceDocument, utcnow
    from lineage.store import Store

    payloads = ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "[click](javascript:alert(3))",
                "![x](https://example.org/t.png)", "a | b", "**bold** `code` <!-- c -->", "&lt;b&gt;"]
    doc = SourceDocument(id="config:test/x.json", title="t", kind="primary", format="config", about="deepseek-v3")
    claims = [
        Claim(subject="deepseek-v3", predicate="layers", value=i, status="verified", reason=f"said {p}",
              evidence=(Evidence(source=doc.id, source_kind="primary", locator="x.json", snippet=p,
                                 method="config", retrieved_at=utcnow()),))
        for i, p in enumerate(payloads, 1)
    ]
    with Store(tmp_path / "s") as st:
        st.replace_source(doc, claims)
    result = run("claims", "--format", "md", store=tmp_path / "s")
    assert result.exit_code == 0, result.output
    header, rule, *rows = result.stdout.splitlines()
    assert len(rows) == len(payloads)
    for row in rows:
        assert row.startswith("| ") and row.endswith(" |")
        cells = row[2:-2].split(" | ")
        assert len(cells) == 5  # no payload adds a column
        for cell in cells:  # every character Markdown or HTML gives meaning to is backslash-escaped
            assert re.search(r"(?<!\\)[<>\[\]()`*!&|]", cell) is None, cell
    assert "said \\<script\\>alert\\(1\\)\\</script\\>" in result.stdout


def test_malformed_config_exits_2_with_one_line_and_leaves_store_unchanged(built_store_path, tmp_path):
    bad = tmp_path / "config.json"
    bad.write_text('{"model_type": ')
    before = run("claims", "--json", store=built_store_path).stdout
    result = run("ingest", "config", str(bad), "--model", "deepseek-v3", store=built_store_path)
    assert result.exit_code == 2
    assert result.stderr == f'Error: config "{bad}" is not valid JSON: Expecting value at line 1\n'
    assert run("claims", "--json", store=built_store_path).stdout == before


def test_origin_names_the_introducing_paper(built_store_path):
    result = run("origin", "gqa", "--json", store=built_store_path)
    data = json.loads(result.stdout)
    assert data["paper"]["arxiv"] == "2305.13245"
    by = [f for f in data["facts"] if f["predicate"] == "introducedBy"]
    assert [f["object"] for f in by] == ["google"] and by[0]["status"] == "verified"


def test_show_lists_claims_about_a_model(built_store_path):
    result = run("show", "deepseek-v3", "--json", store=built_store_path)
    data = json.loads(result.stdout)
    uses = {f["object"] for f in data["about"] if f["predicate"] == "uses"}
    assert {"mla", "mtp", "aux-loss-free-balancing"} <= uses
    total = next(f for f in data["about"] if f["predicate"] == "totalParameters")
    assert abs(int(total["label"]) - 671e9) / 671e9 < 0.01


def test_claims_filter_by_status(built_store_path):
    data = json.loads(run("claims", "--status", "reported", "--json", store=built_store_path).stdout)
    assert data and all(c["status"] == "reported" for c in data)
    assert "glm-4.7-flash" in {c["subject"] for c in data}  # an abridged third-party copy


@pytest.mark.parametrize("command", ["techniques", "models", "sources", "labs"])
def test_listings_have_json(built_store_path, command):
    result = run("ls", command, "--json", store=built_store_path)
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) > 10


def test_help_lists_the_noun_first_commands_and_no_more_than_16():
    result = run("--help")
    listed = re.findall(r"^  ([a-z-]+)  ", result.stdout.split("Commands:")[1], re.M)
    assert listed[:8] == ["technique", "model", "compare", "labs", "hardware", "claims", "ls", "query"]
    assert {"build", "ingest", "verify", "export", "release", "dev"} <= set(listed) and len(listed) <= 16
    assert not {"who-uses", "origin", "show", "techniques", "flags", "why", "schema", "fetch"} & set(listed)


def test_a_catalog_fact_no_primary_source_confirms_is_unverified(built_store_path):
    data = json.loads(run("show", "kimi-k2.6", "--json", store=built_store_path).stdout)
    released = next(f for f in data["about"] if f["predicate"] == "released")
    developed = next(f for f in data["about"] if f["predicate"] == "developedBy")
    assert released["status"] == "unverified" and "not confirmed by a primary source" in released["reason"]
    assert developed["status"] == "verified"


def test_validate_reports_a_conforming_store(built_store_path):
    result = run("dev", "validate", store=built_store_path)
    assert result.exit_code == 0
    assert result.stdout == "The store conforms to ontology/shapes.ttl.\n"
