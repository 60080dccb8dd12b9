"""Ingesting a source again keeps what it discovered (issue 27): a second run, ``--replace`` and a
new version of the source give the store a first ingest of that version gives."""

from __future__ import annotations

import re
import shutil

import pytest
from typer.testing import CliRunner

from lineage.cli import app
from lineage.store import Store
from tests.fixtures.sources import difference, dump

runner = CliRunner()


@pytest.fixture
def store_path(built_store_path, tmp_path):
    """A copy of the ``lineage build --no-release`` store, for one test to write."""
    path = tmp_path / "store"
    shutil.copytree(built_store_path, path)
    return path


def run(store_path, *args):
    return runner.invoke(app, [*args, "--store", str(store_path)])


def dumped(path):
    with Store(path) as st:
        return dump(st)


def test_a_config_ingested_twice_keeps_the_model_it_discovered(store_path, corpus):
    config = corpus / "new" / "configs" / "MiniMaxAI__MiniMax-M3.json"
    states = []
    for _ in range(2):
        result = run(store_path, "ingest", "config", str(config))
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("config:minimax-m3/MiniMaxAI__MiniMax-M3.json: 21 claims (verified) about minimax-m3")
        shown = run(store_path, "show", "minimax-m3")
        assert shown.exit_code == 0, shown.output  # was: entity "minimax-m3" not found after the second run
        assert shown.stdout.splitlines()[0] == (
            "MiniMax-M3 (minimax-m3), model, discovered in config:minimax-m3/MiniMaxAI__MiniMax-M3.json")
        models = run(store_path, "ls", "models")
        assert "minimax-m3*" in {line.split()[0] for line in models.stdout.splitlines() if line.strip()}
        states.append(dumped(store_path))
    checked = run(store_path, "dev", "validate")  # SHACL over the whole store: once, after the second run
    assert checked.exit_code == 0, checked.output  # was: Value does not have class lin:Model
    assert states[1] == states[0], difference(states[0], states[1])


def test_a_report_ingested_twice_or_replaced_keeps_the_technique_it_discovered(store_path, corpus):
    pdf = corpus / "new" / "reports" / "stepfun-ai__Step3__Step3-Sys-Tech-Report.pdf"
    states, counts = [], []
    for extra in ([], [], ["--replace"]):
        result = run(store_path, "ingest", "pdf", str(pdf), *extra)
        assert result.exit_code == 0, result.output
        head = re.match(r"report:arxiv-2507\.19427: (\d+) claims about step3", result.stdout)
        assert head, result.stdout
        counts.append(int(head.group(1)))  # was 25 -> 22 -> 25 (the second run lost what it discovered)
        shown = run(store_path, "show", "mfa")
        assert shown.exit_code == 0, shown.output
        assert "discovered in report:arxiv-2507.19427" in shown.stdout.splitlines()[0]
        states.append(dumped(store_path))
    assert counts[1] == counts[2] == counts[0], counts
    assert states[1] == states[0], difference(states[0], states[1])
    assert states[2] == states[0], difference(states[0], states[2])


def test_a_config_replaced_by_other_bytes_keeps_the_model_both_versions_discover(store_path, corpus, tmp_path):
    original = corpus / "new" / "configs" / "MiniMaxAI__MiniMax-M3.json"
    edited = tmp_path / "edited" / original.name
    edited.parent.mkdir()
    edited.write_text(original.read_text().replace("{", '{"lineage_test_key": 1, ', 1))
    assert run(store_path, "ingest", "config", str(original)).exit_code == 0
    first = dumped(store_path)
    refused = run(store_path, "ingest", "config", str(edited))
    assert refused.exit_code == 2 and "pass --replace" in refused.stderr
    replaced = run(store_path, "ingest", "config", "--replace", str(edited))
    assert replaced.exit_code == 0, replaced.output
    assert replaced.stdout.startswith("replaced config:minimax-m3/MiniMaxAI__MiniMax-M3.json (sha256:")
    assert run(store_path, "show", "minimax-m3").exit_code == 0
    back = run(store_path, "ingest", "config", "--replace", str(original))
    assert back.exit_code == 0, back.output
    assert dumped(store_path) == first, difference(first, dumped(store_path))


def _publish(hub, tmp_path, repo, commit, text):
    folder = tmp_path / "hub" / commit
    folder.mkdir(parents=True)
    (folder / "README.md").write_text(text)
    hub.repos[repo] = (folder, commit)


def test_a_new_card_version_drops_only_what_it_no_longer_discovers(store_path, hub, tmp_path):
    repo, base = "someone-new/Widget-7B-Chat", "otherlab-new/Widget-7B"
    card = "# Widget 7B Chat\n\nA chat model.\n"
    _publish(hub, tmp_path, repo, "1" * 40, f"---\nbase_model: {base}\nbase_model_relation: finetune\n---\n{card}")
    for _ in range(2):  # twice: the second run keeps the model, its lab and its base
        assert run(store_path, "ingest", "hf", repo).exit_code == 0
        with Store(store_path) as st:
            found = {e.id for e in st.discovered_entities(f"card:{repo}")}
        assert {"someone-new-widget-7b-chat", "otherlab-new-widget-7b", "someone-new", "otherlab-new"} <= found
    _publish(hub, tmp_path, repo, "2" * 40, card)  # the new version names no base model
    result = run(store_path, "ingest", "hf", repo)
    assert result.exit_code == 0, result.output
    with Store(store_path) as st:
        now = {e.id for e in st.discovered_entities()}
    assert "someone-new-widget-7b-chat" in now and "someone-new" in now
    assert "otherlab-new-widget-7b" not in now and "otherlab-new" not in now
    assert run(store_path, "dev", "validate").exit_code == 0


def test_a_report_whose_model_it_discovers_ingested_twice_is_the_same_store(store_path, corpus):
    """The catalog knows this report's paper by its arXiv id only, and no model of it: the first run
    discovers the model ``--model`` names; the second finds that model known and reads the report as a
    first run would, because its prior discoveries are found by its bytes, not by an id derived from
    its subject (was: a second source id and 249 more quads)."""
    pdf = corpus / "new" / "reports" / "OpenBMB__MiniCPM__InfLLM-V2-paper.pdf"
    before = dumped(store_path)
    refused = run(store_path, "ingest", "pdf", str(pdf))  # its first page names a technique, no model
    assert refused.exit_code == 2 and "cannot tell which model this report describes" in refused.stderr, refused.output
    assert dumped(store_path) == before  # (was: a model "dense-sparse", the adjective of its title)
    heads, states = [], []
    for _ in range(2):
        result = run(store_path, "ingest", "pdf", str(pdf), "--model", "lineage-test-lm")
        assert result.exit_code == 0, result.output
        heads.append(result.stdout.splitlines()[0])
        states.append(dumped(store_path))
    assert heads[0].startswith("report:arxiv-2509.24663: "), heads
    assert heads[1] == heads[0], heads
    assert states[1] == states[0], difference(states[0], states[1])
    with Store(store_path) as st:
        assert [d.id for d in st.sources() if d.revision and "f232a352a93def64" in d.revision] == [
            "report:arxiv-2509.24663"]
