"""Idea-lineage commands (issue 15): ancestry, descendants, family-changes, exact text and JSON."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from lineage.cli import app

runner = CliRunner()


def run(*args, store):
    return runner.invoke(app, [*args, "--store", str(store)])


def test_ancestry_mhc_shows_hyper_connections_with_status_and_evidence(built_store_path):
    result = run("ancestry", "mhc", store=built_store_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Manifold-Constrained Hyper-Connections (mhc), first appeared 2025-12",
        "  - Hyper-Connections (hyper-connections): mhc extends hyper-connections [verified]",
        "      [curated] seeds/techniques.yaml#mhc (cites https://arxiv.org/abs/2512.24880): mhc extends hyper-connections"
        " — Constrains Hyper-Connections' residual m",
        "    also: mhc variantOf hyper-connections [verified]",
        "      [curated] seeds/techniques.yaml#mhc (cites https://arxiv.org/abs/2512.24880): mhc variantOf hyper-connections",
    ]


def test_ancestry_kda_reaches_linear_attention_through_gated_deltanet(built_store_path):
    result = run("ancestry", "kda", "--json", store=built_store_path)
    tree = json.loads(result.stdout)["root"]
    [gdn] = tree["children"]
    assert gdn["technique"] == "gated-deltanet"
    assert {(link["relation"], link["status"]) for link in gdn["links"]} == {("extends", "verified"), ("variantOf", "verified")}
    assert all(link["evidence"] for link in gdn["links"])
    [deltanet] = gdn["children"]
    assert deltanet["technique"] == "deltanet"
    assert [c["technique"] for c in deltanet["children"]] == ["linear-attention"]


def test_descendants_muon_lists_muonclip_and_its_models(built_store_path):
    result = run("descendants", "muon", store=built_store_path)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Muon (muon), first appeared 2024-10-04"
    assert lines[1] == "  - MuonClip (muonclip): muonclip variantOf muon [verified]"
    assert "  contrast: muon contrastsWith adamw [verified]" in lines


def test_family_changes_v32_to_v4_flash(built_store_path):
    result = run("family-changes", "deepseek-v3.2", "deepseek-v4-flash", "--json", store=built_store_path)
    data = json.loads(result.stdout)
    kept = {r["technique"] for r in data["kept"]}
    added = {r["technique"]: r for r in data["added"]}
    dropped = {r["technique"] for r in data["dropped"]}
    assert {"aux-loss-free-balancing", "mtp", "moe", "shared-experts", "deepseekmoe", "fine-grained-experts"} <= kept
    assert {"mla", "group-limited-routing", "dsa"} <= dropped
    assert {"compressed-sparse-attention", "heavily-compressed-attention", "mhc", "hash-routing"} <= set(added)
    csa = added["compressed-sparse-attention"]
    assert csa["status"] == "verified" and csa["after"][0]["method"] in ("config", "meta-device")
    replaced = {link["object"]: link["status"] for link in csa["replaces"]}
    assert replaced == {"mla": "reported", "dsa": "reported"}  # a config diff is a candidate, never verified
    assert {link["object"] for link in added["hash-routing"]["replaces"]} == {"group-limited-routing"}
    text = run("family-changes", "deepseek-v3.2", "deepseek-v4-flash", store=built_store_path).stdout.splitlines()
    assert text[0] == f"deepseek-v3.2 -> deepseek-v4-flash: {len(kept)} kept, {len(added)} added, {len(dropped)} dropped"
    assert (len(kept), len(added), len(dropped)) == (9, 8, 4)


def test_min_status_verified_hides_reported_candidates(built_store_path):
    result = run("family-changes", "deepseek-v3.2", "deepseek-v4-flash", "--json", "--min-status", "verified",
                 store=built_store_path)
    added = {r["technique"]: r for r in json.loads(result.stdout)["added"]}
    assert added["compressed-sparse-attention"]["replaces"] == []


def test_origin_and_timeline_show_the_ancestors_in_one_line(built_store_path):
    assert "  builds on: kda ← gated-deltanet ← deltanet ← linear-attention" in run(
        "origin", "kda", store=built_store_path).stdout.splitlines()
    assert run("timeline", "mhc", store=built_store_path).stdout.splitlines()[1] == "  builds on: mhc ← hyper-connections"


def test_ancestry_of_an_unknown_technique_names_the_fix(built_store_path):
    result = run("ancestry", "kdaa", store=built_store_path)
    assert result.exit_code == 2
    assert "Error: technique \"kdaa\" not found" in result.output
