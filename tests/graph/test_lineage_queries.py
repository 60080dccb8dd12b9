"""Lineage questions on the real built store, and on the store with the Muon story planted."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from lineage.cli import app
from lineage.errors import UnknownEntity
from lineage.questions.adoption import adopters, timeline
from lineage.questions.compare import compare
from lineage.questions.flow import flow, idea_flow, inherited, symbiosis
from lineage.questions.origin import introduction
from lineage.questions.route import path

runner = CliRunner()


def test_flow_deepseek_to_moonshot_is_mla_and_moe_parts_from_kimi_configs(built_graph):
    pair = idea_flow(built_graph, "deepseek", "moonshot-ai")
    assert {"mla", "shared-experts", "decoupled-rope"} <= set(pair.techniques)
    (k2,) = [i for i in pair.items if i.technique == "mla" and i.model == "kimi-k2"]
    assert k2.status.value == "verified" and k2.attribution.basis == "introduced"
    assert k2.use_evidence[0].method.value == "config"
    assert "moonshotai__Kimi-K2-Instruct.json" in k2.use_evidence[0].locator
    assert "kv_lora_rank = 512" in k2.use_evidence[0].snippet


def test_deepseek_v4_is_not_an_mla_adopter_anywhere(built_graph):
    assert not [u for u in adopters(built_graph, "mla").rows if u.model.startswith("deepseek-v4")]
    own = flow(built_graph).pairs
    assert not [i for p in own for i in p.items if i.technique == "mla" and i.model.startswith("deepseek-v4")]


def test_flow_matrix_counts_distinct_techniques_and_never_self_flow(built_graph):
    f = flow(built_graph)
    assert f.matrix["deepseek"]["moonshot-ai"] == len(idea_flow(built_graph, "deepseek", "moonshot-ai").techniques)
    assert all(f.matrix[o][o] == 0 for o in f.organizations)


def test_min_status_verified_drops_what_only_secondary_sources_say(built_graph):
    everything = [i for p in flow(built_graph).pairs for i in p.items]
    verified = [i for p in flow(built_graph, min_status="verified").pairs for i in p.items]
    reported = {(i.model, i.technique) for i in everything if i.status.value == "reported"}
    assert reported, "the bundled store has third-party configs (reported uses)"
    assert not reported & {(i.model, i.technique) for i in verified}
    assert verified and all(i.status.value == "verified" for i in verified)


def test_muon_origin_is_its_inventors_not_moonshot(story_graph):
    intro = introduction(story_graph, "muon")
    assert intro.organizations == [] and intro.inventors == ["Keller Jordan", "Jeremy Bernstein"]
    (claimed,) = intro.claimed
    assert (claimed.organization, claimed.basis, claimed.status.value) == ("moonshot-ai", "claimed", "reported")
    assert introduction(story_graph, "muonclip").organizations[0].organization == "moonshot-ai"


def test_deepseek_v4_muon_credits_moonshot_only_as_far_as_the_article_claims(story_graph):
    items = [i for i in idea_flow(story_graph, "moonshot-ai", "deepseek").items if i.technique == "muon"]
    assert {(i.attribution.basis, i.status.value) for i in items} == {("claimed", "reported")}
    assert all(i.origin == "Keller Jordan, Jeremy Bernstein (people, no organization)" for i in items)
    strict = idea_flow(story_graph, "moonshot-ai", "deepseek", min_status="verified")
    assert [i for i in strict.items if i.technique == "muon"] == []


def test_citing_another_labs_report_is_no_credit_for_what_its_model_uses(story_graph):
    """V4's report cites Moonlight's report (Moonshot) and Muon's blog post: neither credits a lab with Muon."""
    from lineage.questions.origin import attributions

    assert [(a.organization, a.basis) for a in attributions(story_graph, "muon", "deepseek-v4-pro")] == [
        ("moonshot-ai", "claimed")]


def test_citing_the_introducing_paper_credits_the_introducing_lab(story_graph):
    """V4's config shows MTP and its report cites Meta's multi-token prediction paper."""
    items = [i for i in idea_flow(story_graph, "meta", "deepseek", "verified").items if i.model == "deepseek-v4-pro"]
    cited = [i.attribution for i in items if i.technique == "mtp" and i.attribution.basis == "cited"]
    assert [(a.organization, a.via, a.status.value) for a in cited] == [("meta", "arxiv-2404.19737", "verified")]
    assert cited[0].evidence[0].snippet == "[12] multi-token"


def test_a_cited_paper_is_credited_on_its_best_backed_citation():
    from lineage.questions.example import example_graph
    from lineage.questions.origin import attributions

    g = example_graph()
    g.edges["kimi-k2", "deepseek-v2-report", "cites"]["status"] = "reported"  # the model's own cite: weak
    g.add_node("kimi-k2-report", kind="paper", label="Kimi K2 report")
    g.nodes["kimi-k2"]["report"] = "kimi-k2-report"
    g.add_edge("kimi-k2-report", "deepseek-v2-report", key="cites", predicate="cites", status="verified",
               reason="the report's reference list", evidence=[])
    cited = [a for a in attributions(g, "mla", "kimi-k2") if a.basis == "cited"]
    assert [(a.organization, a.status.value) for a in cited] == [("deepseek", "verified")]
    g.remove_edge("kimi-k2-report", "deepseek-v2-report", key="cites")
    cited = [a for a in attributions(g, "mla", "kimi-k2") if a.basis == "cited"]
    assert [(a.organization, a.status.value) for a in cited] == [("deepseek", "reported")]


def test_symbiosis_finds_deepseek_and_moonshot_once_v4_muon_is_in(built_graph, story_graph):
    assert not any({p.a, p.b} == {"deepseek", "moonshot-ai"} for p in symbiosis(built_graph).pairs)
    (pair,) = [p for p in symbiosis(story_graph).pairs if {p.a, p.b} == {"deepseek", "moonshot-ai"}]
    assert "mla" in pair.a_to_b and pair.b_to_a == ["muon"]


def test_inherited_groups_by_introducing_org(story_graph):
    k2 = inherited(story_graph, "kimi-k2")
    assert "mla" in [i.technique for i in k2.groups["deepseek"]]
    v4 = inherited(story_graph, "deepseek-v4-pro", min_status="verified")
    assert "moonshot-ai" not in v4.groups
    mtp = {i.attribution.basis for i in v4.groups["meta"] if i.technique == "mtp"}
    assert mtp == {"introduced", "cited"}
    assert "compressed-sparse-attention" in v4.own


def test_adopters_report_first_adoption_and_lag(built_graph):
    a = adopters(built_graph, "mla")
    assert (a.first_adopter, a.first_adoption) in {("deepseek-v2", "2024-05"), ("deepseek-v2-lite", "2024-05")}
    moonshot = next(o for o in a.by_organization if o.organization == "moonshot-ai")
    assert (moonshot.first_model, moonshot.first_released, moonshot.lag_months) == ("kimi-k2", "2025-07", 14)


def test_timeline_starts_with_the_introduction_then_dated_adoptions(story_graph):
    t = timeline(story_graph, "muon")
    assert [e.event for e in t.events][:1] == ["introduced"]
    adopted = [(e.date, e.model) for e in t.events if e.event == "adopted"]
    assert adopted == [("2025-02", "moonlight-16b-a3b"), ("2026-04", "deepseek-v4-pro")]


def test_path_shows_kimi_k2_got_mla_through_deepseek_v3s_architecture(built_graph):
    routes = path(built_graph, "mla", "kimi-k2").routes
    assert routes[0].nodes == ["mla", "kimi-k2"]
    arch = [r for r in routes if [h.relation for h in r.hops] == ["used by", "architecture reused by"]]
    assert arch and arch[0].nodes[1] == "deepseek-v3"


def test_path_through_a_citation(story_graph):
    routes = path(story_graph, "moonlight-16b-a3b", "deepseek-v4-pro").routes
    assert routes[0].nodes == ["moonlight-16b-a3b", "arxiv-2502.16982", "deepseek-v4-pro"]
    assert [h.relation for h in routes[0].hops] == ["described in", "cited by"]
    assert routes[0].hops[1].evidence[0].snippet == "[41] Muon is scalable"


def test_compare_deepseek_v3_and_kimi_k2(built_graph):
    c = compare(built_graph, "deepseek-v3", "kimi-k2")
    arch = next(r for r in c.facts if r.key == "architecture")
    assert arch.same and arch.a[0].value == "DeepseekV3ForCausalLM"
    assert "mla" in c.shared and "mtp" in c.only_a


def test_unknown_ids_raise_with_suggestions(built_graph):
    with pytest.raises(UnknownEntity, match='did you mean "mla"|Did you mean "mla"'):
        adopters(built_graph, "mla2")


# --------------------------------------------------------------------------- CLI


def run(*args, store):
    return runner.invoke(app, [*args, "--store", str(store)])


def test_cli_flow_shows_deepseek_to_moonshot_with_config_evidence(built_store_path):
    result = run("labs", store=built_store_path)
    assert result.exit_code == 0, result.output
    block = result.stdout.split("DeepSeek -> Moonshot AI:")[1].split("\n\n")[0]
    mla = next(line for line in block.splitlines() if line.strip().startswith("mla "))
    assert mla.split()[:3] == ["mla", "verified", "kimi-k2"] and "[config] moonshotai__Kimi-K2-Instruct.json" in mla


def test_cli_flow_pair_and_story_json(story_store_path):
    result = run("labs", "Moonshot AI", "deepseek", "--json", store=story_store_path)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["techniques"] == ["muon"]
    assert {i["attribution"]["basis"] for i in data["items"]} == {"claimed"}
    text = run("labs", "moonshot-ai", "deepseek", store=story_store_path).stdout
    assert "muon: origin: Keller Jordan, Jeremy Bernstein (people, no organization); moonshot-ai attribution only " \
           "claimed by article:muon-is-moonshots [reported]" in text


@pytest.mark.parametrize(
    "args",
    [
        ["adopters", "mla"],
        ["inherited", "kimi-k2"],
        ["timeline", "MLA"],
        ["path", "mla", "kimi-k2"],
        ["compare", "deepseek-v3", "kimi-k2"],
        ["labs", "--symbiosis"],
        ["labs", "deepseek", "moonshot-ai"],
    ],
)
def test_cli_commands_take_json_and_min_status(built_store_path, args):
    text = run(*args, store=built_store_path)
    assert text.exit_code == 0, text.output
    result = run(*args, "--json", "--min-status", "verified", store=built_store_path)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["min_status"] == "verified"
    assert '"reported"' not in result.stdout.replace('"min_status": "reported"', "")


def test_cli_unknown_technique_exits_2_with_suggestion(built_store_path):
    result = run("technique", "mla2", store=built_store_path)
    assert result.exit_code == 2
    assert result.stderr == 'Error: technique "mla2" not found. Did you mean "mla"? See \'lineage ls techniques\'.\n'


def test_cli_who_uses_lists_a_model_a_primary_source_rules_out_apart_and_does_not_count_it(story_store_path):
    result = run("who-uses", "mtp", store=story_store_path)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    users = lines[4:lines.index("", 4)]
    assert lines[-4:] == [
        "",
        "Ruled out by a primary source: 1 model",
        "MODEL              RELEASED  EVIDENCE",
        "Moonlight-16B-A3B  2025-02   [text] section 2: Moonlight has no MTP layers",
    ]
    data = json.loads(run("who-uses", "mtp", "--json", store=story_store_path).stdout)
    assert [r["model"] for r in data["ruled_out"]] == ["moonlight-16b-a3b"]
    assert "moonlight-16b-a3b" not in {r["model"] for r in data["rows"]}
    assert lines[1].startswith(f"{len(data['rows'])} models ({len(data['rows'])} verified)")
    assert len(users) == len(data["rows"])
    adopters_text = run("adopters", "mtp", store=story_store_path).stdout
    assert adopters_text.endswith("\n\nRuled out by a primary source: moonlight-16b-a3b\n")


def test_origin_reads_the_ancestor_line_the_projection_draws_from_the_claims_of_each_step(story_store_path, catalog):
    from lineage.domain import EntityKind
    from lineage.questions.ideas import ancestor_line
    from lineage.questions.projection import project
    from lineage.questions.who_uses import ancestor_chain
    from lineage.store import Store

    with Store(story_store_path, read_only=True) as s:
        overlay = catalog.with_discovered(s.discovered_entities())
        g = project(s, overlay)
        techniques = [t.id for t in overlay.of_kind(EntityKind.TECHNIQUE)]
        lines = {t: " ← ".join(chain) if len(chain := ancestor_chain(s, overlay, t)) > 1 else "" for t in techniques}
    assert lines == {t: ancestor_line(g, t) for t in techniques}
    assert sum(bool(line) for line in lines.values()) >= 10
