"""Hostile cards, repo ids, revisions, query parameters, query files, export paths and usage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fuzz.conftest import assert_refused, quads_hash, run_cli

BOMB = "a: &a [" + ",".join(['"lol"'] * 9) + "]\n" + "".join(
    f"{n}: &{n} [" + ",".join([f"*{p}"] * 9) + "]\n" for p, n in zip("abcdefgh", "bcdefghi")
)

CARDS = {  # front matter / body -> message part; the repo is served by the local Hub
    "alias-bomb": (f"---\n{BOMB}---\nhi", "an alias bomb"),
    "recursive-alias": ("---\na: &a [*a]\n---\nhi", "contains itself"),
    "deep-nesting": ("---\nx: " + "[" * 500 + "]" * 500 + "\n---\nhi", "nested deeper than 50"),
    "broken-yaml": ("---\nlicense: [mit\n---\nhi", "not valid YAML"),
    "list-front-matter": ("---\n- a\n- b\n---\nhi", "not a mapping"),
    "surrogate-escape": ('---\nlicense: "\\ud800"\n---\nhi', "lone surrogate"),
    "python-tag": ("---\nx: !!python/object/apply:os.system ['id']\n---\nhi", "not valid YAML"),
    "bad-base": ("---\nbase_model: ../../etc/passwd\n---\nhi", "is not a repo id"),
    "long-base": ("---\nbase_model: " + "a" * 300 + "/b\n---\nhi", "is not a repo id"),
    "bad-relation": ("---\nbase_model: a/b\nbase_model_relation: <script>\n---\nhi", "base_model_relation"),
}


def _serve(hub, tmp: Path, repo: str, files: dict[str, bytes]) -> None:
    handler, _ = hub
    folder = tmp / repo.replace("/", "__")
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    handler.repos[repo] = (folder, "1" * 40)


@pytest.mark.parametrize("case", sorted(CARDS))
def test_hostile_card_is_one_line_exit_2_and_store_unchanged(hub, fuzz_store, tmp_path, case):
    text, message = CARDS[case]
    _serve(hub, tmp_path, f"fuzz/{case}", {"README.md": text.encode("utf-8", "surrogatepass")})
    before = quads_hash(fuzz_store)
    assert_refused(run_cli(["ingest", "hf", f"fuzz/{case}", "--store", str(fuzz_store)]), 2, message)
    assert quads_hash(fuzz_store) == before


def test_card_whose_config_holds_a_lone_surrogate_writes_nothing(corpus, hub, fuzz_store, tmp_path):
    """Issue 13: the card graph was written, then the config crashed; now one transaction or nothing."""
    config = json.loads((corpus / "configs" / "deepseek-ai__DeepSeek-V3.json").read_text())
    config["architectures"] = ["DeepseekV3ForCausalLM\ud800"]
    config = json.dumps(config, ensure_ascii=True).encode()
    _serve(hub, tmp_path, "deepseek-ai/DeepSeek-V3", {"README.md": b"---\nlicense: mit\n---\nDeepSeek-V3 uses MLA.",
                                                     "config.json": config})
    before = quads_hash(fuzz_store)
    outcome = run_cli(["ingest", "hf", "deepseek-ai/DeepSeek-V3", "--store", str(fuzz_store)])
    assert_refused(outcome, 2, "lone surrogate")
    assert quads_hash(fuzz_store) == before


REVISIONS = [
    "../../../../etc/passwd", "/etc/passwd", "main/../../x", "..", "refs/../../x", "a//b", "main/", ".hidden",
    "x" * 81, "main\nx", "ma in", "v1.lock", "-rf", "%2e%2e%2fetc", "main;rm", "\u202emain", "",
]


@pytest.mark.parametrize("revision", REVISIONS, ids=range(len(REVISIONS)))
def test_bad_revision_is_refused_before_any_request(hub, fuzz_store, revision):
    """Issue 13: ``--revision ../../../../etc/passwd`` wrote outside the cache; now nothing is fetched."""
    handler, cache = hub
    handler.requests.clear()
    before = quads_hash(fuzz_store)
    outcome = run_cli(["ingest", "hf", "deepseek-ai/DeepSeek-V3", "--revision", revision, "--store", str(fuzz_store)])
    assert_refused(outcome, 2, "--revision")
    assert handler.requests == []
    assert quads_hash(fuzz_store) == before


REPO_IDS = [
    "", "a", "a/b/c", "../x", "a/..", "-a/b", "a--b/c", "a/b.", "x" * 200 + "/y", "a/b\x00", "a /b", "a/b?x=1",
    "a/b#c", "https://huggingface.co/a/b", "a/" + "b" * 97,
]


@pytest.mark.parametrize("repo", REPO_IDS, ids=range(len(REPO_IDS)))
def test_bad_repo_id_is_refused_before_any_request(hub, fuzz_store, repo):
    handler, _ = hub
    handler.requests.clear()
    assert_refused(run_cli(["ingest", "hf", "--store", str(fuzz_store), "--", repo]), 2, "is not a Hugging Face repo id")
    assert handler.requests == []


def test_a_repo_id_whose_slug_was_no_id_is_ingested(hub, tmp_path):
    """Issue 13: ``x/a._b`` made a model id that failed validation (traceback)."""
    _serve(hub, tmp_path, "x/a._b", {"README.md": b"---\nlicense: mit\n---\nA model."})
    outcome = run_cli(["ingest", "hf", "x/a._b", "--store", str(tmp_path / "store")])
    assert outcome.code == 0 and outcome.stderr == "", outcome.stderr
    assert "about x-a-b" in outcome.stdout


PARAMS = {  # (query file, params) -> message part
    "long-entity": ("who_uses.rq", ["technique=" + "m" * 81], "at most 80 characters"),
    "huge-entity": ("who_uses.rq", ["technique=" + "m" * 10_000], "at most 80 characters"),
    "iri-injection": ("who_uses.rq", ["technique=mla> } DROP ALL #"], "is not a lineage id"),
    "quote-injection": ("who_uses.rq", ["technique=mla\" . ?s ?p ?o"], "is not a lineage id"),
    "uppercase": ("who_uses.rq", ["technique=MLA"], "is not a lineage id"),
    "unicode": ("who_uses.rq", ["technique=mla\u0301"], "is not a lineage id"),
    "empty": ("who_uses.rq", ["technique="], "is not a lineage id"),
    "bad-status": ("adopters.rq", ["technique=mla", "min_status=true"], "is not a status"),
    "unknown-param": ("who_uses.rq", ["technique=mla", "x=1"], 'has no parameter "x"'),
    "no-equals": ("who_uses.rq", ["technique"], "is not KEY=VALUE"),
    "missing": ("who_uses.rq", [], "needs --param technique"),
}


@pytest.mark.parametrize("case", sorted(PARAMS))
def test_hostile_query_parameter_is_refused(fuzz_store, case):
    file, params, message = PARAMS[case]
    before = quads_hash(fuzz_store)
    args = ["query", file, "--store", str(fuzz_store)] + [a for p in params for a in ("--param", p)]
    assert_refused(run_cli(args), 2, message)
    assert quads_hash(fuzz_store) == before


QUERY_FILES = {  # user query file -> message part
    "drop.rq": ("DROP ALL", "is a SPARQL update"),
    "insert.rq": ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "is a SPARQL update"),
    "delete-where.rq": ("DELETE WHERE { ?s ?p ?o }", "is a SPARQL update"),
    "clear.rq": ("CLEAR DEFAULT", "is a SPARQL update"),
    "load.rq": ("LOAD <http://127.0.0.1:9/x.ttl>", "is a SPARQL update"),
    "service.rq": ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "--allow-service"),
    "service-lower.rq": ("select * where { service <http://127.0.0.1:9/s> { ?s ?p ?o } }", "--allow-service"),
    "describe.rq": ("DESCRIBE <urn:x>", "is a DESCRIBE query"),
    "syntax.rq": ("SELECT ?x WHERE { ?x", "is not valid SPARQL"),
    "text.txt": ("SELECT * WHERE { ?s ?p ?o }", "is neither SPARQL"),
    "write.cypher": ("MATCH (n) DETACH DELETE n", "is CYPHER"),
}


@pytest.mark.parametrize("name", sorted(QUERY_FILES))
def test_user_query_that_writes_or_calls_out_is_refused(fuzz_store, tmp_path, name):
    """Issue 13: DROP gave a traceback, SERVICE made a request; now each is one line and nothing runs."""
    text, message = QUERY_FILES[name]
    path = tmp_path / name
    path.write_text(text)
    before = quads_hash(fuzz_store)
    assert_refused(run_cli(["query", str(path), "--store", str(fuzz_store)]), 2, message)
    assert quads_hash(fuzz_store) == before


def test_cypher_write_clauses_are_refused_before_any_connection(tmp_path):
    from lineage.errors import SourceFormatError
    from lineage.questions.saved import check_cypher, load

    for text in ["MATCH (n) DETACH DELETE n", "CREATE (n:X)", "MATCH (n) SET n.x = 1", "MERGE (a:A)",
                 "match (n) remove n.x", "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
                 "CALL dbms.killQueries([])", "MATCH (n) CALL { DELETE n } IN TRANSACTIONS"]:
        path = tmp_path / "w.cypher"
        path.write_text(text)
        with pytest.raises(SourceFormatError, match="runs read-only Cypher"):
            check_cypher(load(path))
    path.write_text("// SET in a comment\nMATCH (n {name: 'CREATE'}) RETURN n.`delete` AS x")
    check_cypher(load(path))  # words inside comments, strings and quoted names are not clauses


EXPORTS = {  # target -> message part
    "parent-is-file": (lambda t: t / "file.txt" / "out.html", "is a file, not a directory"),
    "grandparent-is-file": (lambda t: t / "file.txt" / "sub" / "out.ttl", "is a file, not a directory"),
    "directory": (lambda t: t, "is a directory"),
    "dev-null-dir": (lambda t: Path("/dev/null/out.html"), "is a file, not a directory"),
    "proc": (lambda t: Path("/proc/version"), ""),
}


@pytest.mark.parametrize("case", sorted(EXPORTS))
def test_export_to_an_impossible_path_is_one_line(fuzz_store, tmp_path, case):
    (tmp_path / "file.txt").write_text("x")
    target, message = EXPORTS[case]
    fmt = "html" if case != "grandparent-is-file" else "ttl"
    assert_refused(run_cli(["export", fmt, str(target(tmp_path)), "--store", str(fuzz_store)]), 2, message)
    assert (tmp_path / "file.txt").read_text() == "x"


USAGE = [
    ["claims", "--status", "verifed"], ["claims", "--status", ""], ["claims", "--limit", "0"],
    ["claims", "--format", "html"], ["claims", "--bogus"], ["nosuch"], ["export", "xml", "out.xml"],
    ["technique", "m" * 10_000], ["technique", "../../etc/passwd"], ["model", "\x1b[31mred"],
    ["claims", "--source", "x" * 10_000],
]


@pytest.mark.parametrize("args", USAGE, ids=range(len(USAGE)))
def test_usage_mistakes_are_one_line(fuzz_store, tmp_path, args):
    """Issue 13: a ``--status`` typo printed a 6-138 line usage box."""
    before = quads_hash(fuzz_store)
    assert_refused(run_cli([*args, "--store", str(fuzz_store)]), 2)
    assert quads_hash(fuzz_store) == before
