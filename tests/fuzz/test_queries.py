"""Issue 27: a query cannot write or call out, cannot run without a time limit, and its file is read bounded.

SPARQL is judged on the tokens Oxigraph reads (an escape is no keyword), every query stops at
``--timeout``, and a query file is a bounded read of a regular UTF-8 file.  Each case is one
``Error:`` line, exit 2, the store unchanged, well within the harness's hang guard.
"""

from __future__ import annotations

import json
import os
import threading
import time

import pytest

from tests.fuzz.conftest import assert_refused, quads_hash, run_cli

PRODUCT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
"""A five-way cartesian product of every quad: millions of rows even on the small fuzz store (28 quads: 17M rows)."""

QUERY_FILES = {  # file name -> (text, exact error line)
    "service-escape.rq": (
        "SELECT * WHERE { SERV\\u0049CE <http://127.0.0.1:9/s> { ?s ?p ?o } }",
        "Error: service-escape.rq is not valid SPARQL: error at 1:26: expected OPTIONAL",
    ),
    "service-after-local-escape.rq": (
        "PREFIX ex: <urn:x:>\nSELECT * WHERE { { ?s ex:p\\# ?o } UNION { SERVICE <http://127.0.0.1:9/s> { ?a ?b ?c } } }",
        "Error: service-after-local-escape.rq calls another endpoint (SERVICE); pass --allow-service to let it",
    ),
    "service-lower-comment.rq": (
        "select * where { # a comment\n servICE <http://127.0.0.1:9/s> { ?s ?p ?o } }",
        "Error: service-lower-comment.rq calls another endpoint (SERVICE); pass --allow-service to let it",
    ),
    "update-after-prefix.rq": (
        "PREFIX ex: <urn:x:> # SELECT\nINSERT DATA { ex:a ex:b ex:c }",
        "Error: update-after-prefix.rq is a SPARQL update (INSERT); 'lineage query' runs SELECT, ASK and CONSTRUCT only",
    ),
    "product.rq": (PRODUCT, "Error: product.rq ran past the 0.2 s time limit; narrow it (LIMIT, fewer patterns) or raise --timeout"),
}


@pytest.mark.parametrize("name", sorted(QUERY_FILES))
def test_sparql_that_calls_out_writes_or_runs_too_long_is_one_line(fuzz_store, tmp_path, name):
    """Issue 27: SERV\\u0049CE passed the textual guard (a traceback), a product ran past 60 s."""
    text, line = QUERY_FILES[name]
    (tmp_path / name).write_text(text)
    before = quads_hash(fuzz_store)
    limit = ["--timeout", "0.2"] if name == "product.rq" else []
    outcome = run_cli(["query", str(tmp_path / name), *limit, "--store", str(fuzz_store)])
    assert_refused(outcome, 2)
    assert outcome.stderr == line + "\n"
    assert quads_hash(fuzz_store) == before


def test_a_query_past_its_time_limit_stops_its_worker(fuzz_store, tmp_path):
    """The time limit ends the command at once and the streaming worker at its next batch of rows."""
    (tmp_path / "product.rq").write_text(PRODUCT)
    outcome = run_cli(["query", str(tmp_path / "product.rq"), "--timeout", "0.3", "--store", str(fuzz_store)])
    assert outcome.code == 2 and outcome.seconds < 5, (outcome.code, outcome.seconds)
    deadline = time.monotonic() + 10
    while any(t.name == "lineage-query" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(t.name == "lineage-query" for t in threading.enumerate())


def test_small_queries_answer_within_the_default_limit(fuzz_store, tmp_path):
    (tmp_path / "ask.rq").write_text("ASK { ?s ?p ?o }")
    (tmp_path / "construct.rq").write_text("CONSTRUCT { ?s ?p ?o } WHERE { ?s a ?o ; ?p ?o } LIMIT 2")
    ask = run_cli(["query", str(tmp_path / "ask.rq"), "--json", "--store", str(fuzz_store)])
    assert (ask.code, json.loads(ask.stdout)) == (0, [{"ask": "True"}])
    construct = run_cli(["query", str(tmp_path / "construct.rq"), "--json", "--store", str(fuzz_store)])
    assert construct.code == 0 and '"predicate": "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"' in construct.stdout


def _fifo(tmp):
    os.mkfifo(tmp / "fifo.rq")
    return tmp / "fifo.rq"


def _dir(tmp):
    (tmp / "x.rq").mkdir()
    return tmp / "x.rq"


def _zero(tmp):
    (tmp / "zero.rq").symlink_to("/dev/zero")
    return tmp / "zero.rq"


def _latin1(tmp):
    (tmp / "latin.rq").write_bytes("# caf\xe9\nSELECT * WHERE { ?s ?p ?o }".encode("latin-1"))
    return tmp / "latin.rq"


def _huge(tmp):
    (tmp / "huge.rq").write_text("# " + "x" * 300_000 + "\nSELECT * WHERE { ?s ?p ?o }")
    return tmp / "huge.rq"


def _long(tmp):
    return tmp / ("q" * 300 + ".rq")


QUERY_PATHS = {  # how to make it -> message after the path
    "fifo": (_fifo, "is not a regular file (a pipe or device?); pass a file"),
    "directory": (_dir, "is a directory; pass a file"),
    "dev-zero": (_zero, "is not a regular file (a pipe or device?); pass a file"),
    "not-utf8": (_latin1, "is not UTF-8 text (bad byte at offset 5)"),
    "huge": (_huge, "is 0.3 MB; lineage reads query files up to 0.25 MB"),
    "300-character-name": (_long, "cannot be read: File name too long"),
}


@pytest.mark.parametrize("case", sorted(QUERY_PATHS))
def test_query_file_that_is_no_text_file_is_refused_without_blocking(fuzz_store, tmp_path, case):
    """Issue 27: a FIFO blocked, a directory and non-UTF-8 bytes gave tracebacks."""
    make, message = QUERY_PATHS[case]
    path = make(tmp_path)
    outcome = run_cli(["query", str(path), "--store", str(fuzz_store)])
    assert_refused(outcome, 2)
    assert outcome.stderr == f'Error: query file "{path}" {message}\n'


def test_timeout_must_be_positive(fuzz_store):
    assert_refused(run_cli(["query", "who_uses.rq", "--param", "technique=mla", "--timeout", "0",
                            "--store", str(fuzz_store)]), 2, "--timeout")


CYPHER = {  # text -> procedure named in the refusal
    "CALL db.idx.fulltext.createNodeIndex('Entity', 'label')": "db.idx.fulltext.createNodeIndex",
    "CALL `db`.`idx`.fulltext.drop('Entity')": "db.idx.fulltext.drop",
    "CALL `db.idx.fulltext.createNodeIndex`('Entity', 'label')": "db.idx.fulltext.createNodeIndex",
    "CALL /* x */ db.idx.vector.createNodeIndex('Entity', 'v', 2, 'euclidean')": "db.idx.vector.createNodeIndex",
    "CALL db.index.fulltext.createNodeIndex('n', ['Entity'], ['label'])": "db.index.fulltext.createNodeIndex",
    "CALL `apoc`.create.node(['X'], {})": "apoc.create.node",
    "MATCH (n) CALL apoc.refactor.rename.label('A', 'B') YIELD total RETURN total": "apoc.refactor.rename.label",
    "CALL gds.pageRank.write('g', {writeProperty: 'p'})": "gds.pageRank.write",
    "CALL dbms.setConfigValue('x', 'y')": "dbms.setConfigValue",
    "CALL my.plugin.addLabel('X')": "my.plugin.addLabel",
}


@pytest.mark.parametrize("text", sorted(CYPHER))
def test_cypher_calling_a_procedure_that_writes_is_refused_before_any_connection(tmp_path, text):
    """Issue 27: ``CALL db.idx.fulltext.createNodeIndex`` ran and created an index on FalkorDB."""
    (tmp_path / "w.cypher").write_text(text)
    outcome = run_cli(["query", str(tmp_path / "w.cypher"), "--backend", "neo4j", "--uri", "bolt://127.0.0.1:9"])
    assert_refused(outcome, 2)
    assert outcome.stderr == (f"Error: w.cypher calls the procedure {CYPHER[text]}, which may write; "
                              "'lineage query' runs read-only Cypher\n")


def test_cypher_procedures_that_read_pass_the_check(tmp_path):
    from lineage.questions.read_only import writing_procedure

    for text in ["CALL db.labels() YIELD label RETURN label", "CALL db.idx.fulltext.queryNodes('Entity', 'mla')",
                 "MATCH (n) RETURN n.created AS created", "CALL db.relationshipTypes()",
                 "// CALL db.idx.fulltext.createNodeIndex('Entity')\nMATCH (n {note: 'CALL apoc.create.node'}) RETURN n"]:
        assert writing_procedure(text) is None, text


def test_a_saved_sparql_query_loads_no_rdf_library(fuzz_store):
    """The check reads Oxigraph's tokens and the query runs on Oxigraph: rdflib and its parser (pyparsing,
    ~0.3 s to import) stay off the query path."""
    from tests.cli.test_startup import loaded_by

    code, modules = loaded_by("query", "who_uses.rq", "--param", "technique=mla", store=fuzz_store)
    assert code == 0 and not modules & {"rdflib", "pyparsing"}
