"""Crawling the Hub's model listing (issue 30, items 2 and 4): ``lineage ingest hf --author`` / ``--descendants``.

The real CLI runs against the project's local Hub (:mod:`tests.fixtures.hf_server`) serving recorded-style
``/api/models`` pages: ``Link`` pagination, ``429`` with ``Retry-After``, ``5xx``, a cycle in ``base_model``,
a self-reference, a missing parent, a gated repository; and a crawl killed with SIGKILL mid-way and run again.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lineage.domain import Predicate
from lineage.store import Store
from tests.fixtures.hf_server import index, serve
from tests.fuzz.conftest import assert_refused, quads_hash, run_cli

ROOT = "deepseek-ai/DeepSeek-V3"
RELATIONS = ("quantized", "finetune", "adapter", "merge")


def record(repo: str, *bases: str, relation: str | None = "quantized", gated=False, children: int | None = 0) -> dict:
    """A model as the Hub's listing gives it with expand=sha,baseModels,gated,childrenModelCount."""
    out = {"_id": repo, "id": repo, "sha": f"{abs(hash(repo)) % 16**40:040x}", "gated": gated}
    if bases:
        out["baseModels"] = {"relation": relation, "models": [{"id": b} for b in bases]}
    if children is not None:
        out["childrenModelCount"] = children
    return out


def tree(n: int) -> list[dict]:
    """``ROOT`` and ``n`` children of it, by several relations and publishers."""
    kids = [record(f"user{i % 7}/DeepSeek-V3-{RELATIONS[i % 4]}-{i}", ROOT, relation=RELATIONS[i % 4]) for i in range(n)]
    return [record(ROOT, children=n), *kids]


@pytest.fixture
def hub(monkeypatch, tmp_path):
    server, handler = serve({})
    for k, v in {"HF_ENDPOINT": f"http://127.0.0.1:{server.server_port}", "LINEAGE_CACHE": str(tmp_path / "cache"),
                 "HF_HUB_DISABLE_TELEMETRY": "1", "LINEAGE_RETRY_WAIT": "0.05", "LINEAGE_DOWNLOAD_DEADLINE": "3"}.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    yield handler
    server.shutdown()


def derivations(path: Path) -> dict[str, list[tuple[str, str]]]:
    """subject -> [(base, relation)] of every stored derivedFrom claim (a claim stored twice shows twice)."""
    out: dict[str, list] = {}
    with Store(path, read_only=True) as st:
        for c in st.claims(predicate=Predicate.DERIVED_FROM):
            out.setdefault(c.subject, []).append((c.object, c.qualifiers.get("relation")))
    return out


def crawl(store: Path, *args: str, json_out: bool = True):
    return run_cli(["ingest", "hf", *args, "--store", str(store), *(["--json"] if json_out else [])], bound=60)


def listing_requests(handler) -> list[str]:
    return [r for r in handler.requests if r.startswith("GET /api/models?")]


def test_descendants_follow_the_link_pages_and_type_each_relation(hub, tmp_path):
    index(tree(25))
    hub.page_size = 10
    out = crawl(tmp_path / "s", "--descendants", ROOT)
    assert out.code == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["repositories"] == 25 and report["pages"] == 3
    assert len(listing_requests(hub)) == 3 and "cursor=20" in listing_requests(hub)[-1]
    found = derivations(tmp_path / "s")
    assert len(found) == 25 and all(v == [("deepseek-v3", k.split("-")[-2])] for k, v in found.items())
    assert report["relations"] == {"adapter": 6, "finetune": 6, "merge": 6, "quantized": 7}
    assert not any("/resolve/" in r for r in hub.requests)  # no card or file was downloaded


def test_an_author_crawl_writes_every_repo_of_the_org_with_its_bases(hub, tmp_path):
    index([record("lab-x/Base", children=1), record("lab-x/Base-Instruct", "lab-x/Base", relation="finetune"),
           record("lab-x/Base-AWQ", "lab-x/Base-Instruct", relation=None), record("other/Thing", "lab-x/Base")])
    out = crawl(tmp_path / "s", "--author", "lab-x")
    assert out.code == 0, out.stderr
    assert json.loads(out.stdout)["repositories"] == 3
    # a relation the listing does not give is guessed from the name, and the reason says so
    assert derivations(tmp_path / "s") == {"lab-x-base-instruct": [("lab-x-base", "finetune")],
                                           "lab-x-base-awq": [("lab-x-base-instruct", "quantized")]}
    with Store(tmp_path / "s", read_only=True) as st:
        (awq,) = st.claims(subject="lab-x-base-awq")
        assert "guessed" in awq.reason
        assert {e.id for e in st.discovered_entities()} >= {"lab-x", "lab-x-base", "lab-x-base-awq"}


def test_depth_limit_a_cycle_and_a_self_reference_end_and_write_each_repo_once(hub, tmp_path):
    index([record("a/A", "b/B", children=2), record("b/B", "a/A", relation="finetune", children=1),
           record("c/C", "a/A", children=1), record("d/D", "c/C", children=1), record("e/E", "d/D", "e/E")])
    out = crawl(tmp_path / "s", "--descendants", "a/A", "--depth", "9")
    assert out.code == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["self_references"] == ["e/E"]
    found = derivations(tmp_path / "s")
    # a/A is the root: written by its child's source only as a base; b/B names a/A and a/A names b/B (a cycle)
    assert found == {"b-b": [("a-a", "finetune")], "c-c": [("a-a", "quantized")], "d-d": [("c-c", "quantized")],
                     "e-e": [("d-d", "quantized")]}
    shallow = crawl(tmp_path / "t", "--descendants", "a/A", "--depth", "1")
    assert set(derivations(tmp_path / "t")) == {"b-b", "c-c"} and json.loads(shallow.stdout)["repositories"] == 2
    limited = crawl(tmp_path / "u", "--descendants", "a/A", "--depth", "9", "--limit", "3")
    assert json.loads(limited.stdout)["truncated"] is True and len(derivations(tmp_path / "u")) == 3


def test_a_missing_parent_is_discovered_and_a_gated_repo_is_listed_without_fetching_it(hub, tmp_path):
    index([record(ROOT, children=2), record("u/Gated-FP8", ROOT, gated="manual"),
           record("u/Merge", ROOT, "ghost/Never-Listed", relation="merge")])
    out = crawl(tmp_path / "s", "--descendants", ROOT)
    assert out.code == 0, out.stderr
    assert json.loads(out.stdout)["gated"] == 1
    found = derivations(tmp_path / "s")
    assert sorted(found["u-merge"]) == [("deepseek-v3", "merge"), ("ghost-never-listed", "merge")]
    with Store(tmp_path / "s", read_only=True) as st:
        assert "ghost-never-listed" in {e.id for e in st.discovered_entities()}
        (gated,) = st.claims(subject="u-gated-fp8")
        assert "gated repository" in gated.evidence[0].snippet and gated.source.startswith("hub-list:")
    assert not any("/resolve/" in r for r in hub.requests)


def test_a_429_with_retry_after_and_a_passing_500_are_waited_out(hub, tmp_path):
    index(tree(30))
    hub.page_size = 10
    hub.list_faults = {1: "429-once", 3: "500"}
    start = time.monotonic()
    out = crawl(tmp_path / "s", "--descendants", ROOT)
    assert out.code == 0, out.stderr
    assert time.monotonic() - start >= 1  # Retry-After: 1 was honoured
    assert len(derivations(tmp_path / "s")) == 30 and out.stderr == ""


def test_a_failing_hub_keeps_the_pages_written_and_the_next_run_resumes_without_duplicates(hub, tmp_path):
    index(tree(30))
    hub.page_size = 10
    hub.list_faults = dict.fromkeys(range(1, 40), "503")
    out = crawl(tmp_path / "s", "--descendants", ROOT, json_out=False)
    assert_refused(out, 3, "HTTP 503")
    assert len(derivations(tmp_path / "s")) == 10
    assert (tmp_path / "s.crawl.jsonl").is_file()
    hub.list_faults = {}
    with open(tmp_path / "s.crawl.jsonl", "a") as fh:
        fh.write('{"version": 1, "target": "descendants:')  # a line cut off by a kill mid-write is not read
    out = crawl(tmp_path / "s", "--descendants", ROOT)
    assert out.code == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["resumed"] and report["repositories"] == 30
    found = derivations(tmp_path / "s")
    assert len(found) == 30 and all(len(v) == 1 for v in found.values())
    assert not (tmp_path / "s.crawl.jsonl").exists()


@pytest.mark.parametrize("args, message", [
    (["--author", "bad name!"], "is not a Hugging Face user or organization name"),
    (["--descendants", "not-a-repo"], "is not a Hugging Face repo id"),
    (["--descendants", ROOT, "--depth", "0"], "--depth and --limit must be at least 1"),
    (["--descendants", "nobody/Nothing"], 'Hugging Face has no model repo "nobody/Nothing"'),
    (["--author", "x", "--descendants", ROOT], "give either --author ORG or --descendants REPO"),
])
def test_bad_input_is_one_line_exit_2_store_unchanged(hub, tmp_path, args, message):
    index(tree(3))
    Store(tmp_path / "s").close()
    before = quads_hash(tmp_path / "s")
    assert_refused(crawl(tmp_path / "s", *args, json_out=False), 2, message)
    assert quads_hash(tmp_path / "s") == before


def test_offline_mode_is_one_line_exit_3(hub, tmp_path, monkeypatch):
    index(tree(3))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert_refused(crawl(tmp_path / "s", "--author", "user1", json_out=False), 3, "HF_HUB_OFFLINE is set")
    assert listing_requests(hub) == []


def _journaled_pages(journal: Path) -> int:
    """Pages the crawl journal says are written (its last whole line)."""
    lines = journal.read_text().splitlines() if journal.is_file() else []
    for line in reversed(lines):
        try:
            return json.loads(line)["pages"]
        except ValueError:
            continue
    return 0


def test_a_crawl_killed_with_sigkill_and_run_again_loses_nothing_and_stores_nothing_twice(hub, tmp_path):
    index(tree(120))
    hub.page_size, hub.list_delay = 10, 0.3
    store = tmp_path / "s"
    cmd = [sys.executable, "-m", "lineage", "ingest", "hf", "--descendants", ROOT, "--store", str(store), "--json"]
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    journal = tmp_path / "s.crawl.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _journaled_pages(journal) < 3:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    partial = derivations(store)
    assert 30 <= len(partial) < 120
    hub.list_delay = 0.0
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["resumed"] and report["repositories"] == 120
    found = derivations(store)
    assert len(found) == 120 and all(len(v) == 1 for v in found.values())
    with Store(store, read_only=True) as st:
        commits = st.select("SELECT ?g ?m WHERE { GRAPH ?g { ?m lin:revision ?rev } }")
        pages = {d.id for d in st.sources() if d.id.startswith("hub-list:")}
    # each entry's commit is stored once, in one of the 12 pages' graphs (a page written again replaced its graph)
    assert len(commits) == len({str(r["m"]) for r in commits}) == 120 and len(pages) == 12


def test_refresh_asks_once_per_pinned_source_and_rewrites_only_what_changed_with_the_claim_diff(hub, tmp_path):
    records = tree(4)
    index(records)
    assert crawl(tmp_path / "s", "--descendants", ROOT).code == 0
    moved = records[1]
    moved["sha"] = "e" * 40
    moved["baseModels"]["relation"] = "finetune"  # the repo's new commit declares another relation
    index([r for r in records if r["id"] != records[2]["id"]])  # and one repo was deleted
    hub.requests.clear()
    out = run_cli(["ingest", "refresh", "--store", str(tmp_path / "s"), "--json"], bound=60)
    assert out.code == 0, out.stderr
    report = json.loads(out.stdout)
    assert (report["checked"], report["unchanged"]) == (4, 2)
    assert report["refreshed"] == [f"hub:{moved['id']}"] and report["gone"] == [f"hub:{records[2]['id']}"]
    model = moved["id"].replace("/", "-").lower()
    assert report["added"] == [f"{model} derivedFrom deepseek-v3 {{'relation': 'finetune'}} [verified] (hub:{moved['id']})"]
    assert report["removed"] == [f"{model} derivedFrom deepseek-v3 {{'relation': 'quantized'}} [verified] (hub:{moved['id']})"]
    assert len(hub.requests) == 4 and all(r.startswith("GET /api/models/") for r in hub.requests)
    assert derivations(tmp_path / "s")[model] == [("deepseek-v3", "finetune")]
    again = json.loads(run_cli(["ingest", "refresh", "--store", str(tmp_path / "s"), "--json"], bound=60).stdout)
    assert again["refreshed"] == [] and again["unchanged"] == 3


def test_refresh_offline_is_one_line_exit_3_store_unchanged(hub, tmp_path, monkeypatch):
    index(tree(2))
    assert crawl(tmp_path / "s", "--descendants", ROOT).code == 0
    before = quads_hash(tmp_path / "s")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert_refused(run_cli(["ingest", "refresh", "--store", str(tmp_path / "s")], bound=60), 3, "HF_HUB_OFFLINE is set")
    assert quads_hash(tmp_path / "s") == before


def test_crawled_sources_conform_to_the_shapes(hub, tmp_path):
    from lineage.store.shapes import validate

    index([record(ROOT, children=2), record("u/A-GGUF", ROOT), record("u/B", ROOT, relation="finetune", gated="auto")])
    assert crawl(tmp_path / "s", "--descendants", ROOT).code == 0
    with Store(tmp_path / "s", read_only=True) as st:
        conforms, text = validate(st.union_graph())
    assert conforms, text[:2000]


@pytest.mark.parametrize("fault, message", [
    ("429", "rate limited (HTTP 429, retry after 3600 s"),
    ("truncate", "the connection closed after 1 of 2 bytes"),
    ("reset", "connection reset"),
])
def test_a_listing_page_the_hub_refuses_or_breaks_is_one_line_exit_3_and_nothing_of_it_is_written(hub, tmp_path, fault, message):
    index(tree(5))
    hub.list_faults = dict.fromkeys(range(10), fault)
    assert_refused(crawl(tmp_path / "s", "--descendants", ROOT, json_out=False), 3, message)
    assert derivations(tmp_path / "s") == {}
