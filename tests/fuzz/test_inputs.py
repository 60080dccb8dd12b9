"""Issue 27: inputs bounded before they are read whole, named as the user gave them; no traceback left.

Config names that reduce to no id, 100,000 config keys, stdin past its limit, card values YAML
cannot construct, export targets that cannot be written, identifiers that only look valid, and a
Hub that redirects forever: each is one ``Error:`` line with the right exit code, the store
unchanged.
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.fuzz.conftest import CASE_SECONDS, assert_refused, quads_hash, run_cli

ROOT = Path(__file__).resolve().parents[2]


def lineage_process(args: list[str], stdin=None, stdout=subprocess.PIPE, input: bytes | None = None):
    """``lineage *args`` in its own process (for real stdin and stdout), with this checkout first on the path."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "lineage", *args], stdin=stdin, stdout=stdout, stderr=subprocess.PIPE,
                          input=input, env=env, timeout=CASE_SECONDS)


@pytest.fixture(scope="module")
def config_text(corpus) -> str:
    return (corpus / "configs" / "deepseek-ai__DeepSeek-V3.json").read_text()


@pytest.mark.parametrize("name", ["中文__模型.json", "org__😀.json", "__.json", "org__---.json"])
def test_config_file_name_that_reduces_to_no_id_is_one_line(corpus, fuzz_store, tmp_path, name):
    """Issue 27: the empty id failed pydantic validation (a traceback)."""
    config = json.loads((corpus / "new" / "configs" / "MiniMaxAI__MiniMax-M3.json").read_text())
    (tmp_path / name).write_text(json.dumps(config))
    before = quads_hash(fuzz_store)
    outcome = run_cli(["ingest", "config", str(tmp_path / name), "--store", str(fuzz_store)])
    assert_refused(outcome, 2)
    assert outcome.stderr == (
        f"Error: the path '{name.removesuffix('.json')}' names no model lineage can give an id: the org and the name "
        "(org__name) each need a letter a-z or a digit. Rename the file, or pass --model ID (see 'lineage ls models').\n"
    )
    assert quads_hash(fuzz_store) == before


def test_config_with_100000_keys_is_refused_before_claims_are_made(config_text, fuzz_store, tmp_path):
    """Issue 27: each unknown key became a claim: > 60 s and 4.2 GB."""
    config = json.loads(config_text) | {f"unknown_key_{i}": i for i in range(100_000)}
    path = tmp_path / "deepseek-ai__DeepSeek-V3.json"
    path.write_text(json.dumps(config))
    before = quads_hash(fuzz_store)
    outcome = run_cli(["ingest", "config", str(path), "--store", str(fuzz_store)], bound=20)
    assert_refused(outcome, 2)
    assert outcome.stderr == (f'Error: config "{path}" has 100,043 keys in the config object (limit MAX_CONFIG_KEYS = '
                              "1,000; real configs have fewer than 100)\n")
    assert quads_hash(fuzz_store) == before


def test_every_corpus_config_is_within_the_key_limit(corpus):
    from lineage.configfile.limits import MAX_CONFIG_KEYS

    sizes = [len(json.loads(p.read_text())) for p in corpus.glob("**/configs/*.json")]
    assert sizes and max(sizes) < MAX_CONFIG_KEYS / 10


@pytest.mark.parametrize("kind,limit", [("config", 5), ("article", 2)])
def test_endless_stdin_is_refused_after_limit_bytes_and_named_dash(fuzz_store, kind, limit):
    """Issue 27: stdin was read whole (300 MB) before the limit refused it, and the error named a temp file."""
    before = quads_hash(fuzz_store)
    with open("/dev/zero", "rb") as zero:  # never ends: only a bounded read can answer
        done = lineage_process(["ingest", kind, "-", *(["--model", "deepseek-v3"] if kind == "config" else []),
                                "--store", str(fuzz_store)], stdin=zero)
    assert done.returncode == 2
    assert done.stderr.decode() == (f'Error: {kind} "-" (standard input) is over {limit} MB; '
                                    f"lineage reads {kind}s up to {limit} MB\n")
    assert quads_hash(fuzz_store) == before


def test_stdin_errors_name_dash_not_a_temporary_file(fuzz_store):
    done = lineage_process(["ingest", "config", "-", "--model", "deepseek-v3", "--store", str(fuzz_store)],
                           input=b'{"model_type": ')
    assert (done.returncode, done.stderr.decode()) == (2, 'Error: config "-" is not valid JSON: Expecting value at line 1\n')


CARD_VALUES = {  # front matter -> what YAML could not construct
    "created: 2025-02-30": "day is out of range for month",
    "x: !!float abc": "could not convert string to float: 'abc'",
    "x: !!int abc": "invalid literal for int() with base 10: 'abc'",
    "x: !!timestamp abc": "'NoneType' object has no attribute 'groupdict'",
}


@pytest.mark.parametrize("front", sorted(CARD_VALUES))
def test_card_value_yaml_cannot_construct_is_one_line(hub, fuzz_store, tmp_path, front):
    """Issue 27: an impossible date or a bad tag raised ValueError (a traceback)."""
    handler, _ = hub
    repo = f"fuzz/value-{sorted(CARD_VALUES).index(front)}"
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / "README.md").write_text(f"---\n{front}\n---\nA model.")
    handler.repos[repo] = (folder, "2" * 40)
    before = quads_hash(fuzz_store)
    outcome = run_cli(["ingest", "hf", repo, "--store", str(fuzz_store)])
    assert_refused(outcome, 2)
    assert outcome.stderr.endswith(f"has front matter with a value YAML cannot construct ({CARD_VALUES[front]})\n")
    assert quads_hash(fuzz_store) == before


def test_export_to_a_full_stdout_is_one_line(fuzz_store):
    """Issue 27: ``export ttl - > /dev/full`` ended in an OSError traceback."""
    with open("/dev/full", "wb") as full:
        done = lineage_process(["export", "ttl", "-", "--store", str(fuzz_store)], stdout=full)
    assert done.returncode == 2
    assert done.stderr.decode() == 'Error: cannot write the export to standard output ("-"): No space left on device\n'


def test_export_to_a_300_character_name_is_one_line(fuzz_store, tmp_path):
    """Issue 27: ``File name too long`` was a traceback."""
    path = tmp_path / ("a" * 300 + ".ttl")
    outcome = run_cli(["export", "ttl", str(path), "--store", str(fuzz_store)])
    assert_refused(outcome, 2)
    assert outcome.stderr == f'Error: cannot export to "{str(path)[:60]}…({len(str(path))} characters)": File name too long\n'


def test_an_unwritable_target_is_found_before_exporting():
    """Issue 27: ``export ttl /proc/version`` failed only after the whole export (as root, /proc passes os.access)."""
    from lineage.errors import SourceFormatError
    from lineage.export import check_target

    with pytest.raises(SourceFormatError, match='^cannot export to "/proc/version": '):
        check_target(Path("/proc/version"))


REPO_IDS = ["dеepseek-ai/DeepSeek-V3", "a/b\n", "deepseek-ai/DeepSeek-V３", "a/b\n\n"]  # Cyrillic е, newline, fullwidth 3


@pytest.mark.parametrize("repo", REPO_IDS, ids=range(len(REPO_IDS)))
def test_repo_id_that_only_looks_valid_is_refused_before_any_request(hub, fuzz_store, repo):
    """Issue 27: ``\\w`` is Unicode and ``$`` matches before a newline, so these passed and failed later (exit 3)."""
    handler, _ = hub
    handler.requests.clear()
    outcome = run_cli(["ingest", "hf", "--store", str(fuzz_store), "--", repo])
    assert_refused(outcome, 2)
    assert outcome.stderr == (f'Error: "{ascii(repo)[1:-1]}" is not a Hugging Face repo id (expected org/name in ASCII '
                              'letters, digits, "_", "." and "-", e.g. deepseek-ai/DeepSeek-V3)\n')
    assert handler.requests == []


@pytest.mark.parametrize("model", ["../x", "mla\n", "DeepSeek V3"])
def test_unknowns_for_a_model_that_is_no_id_is_refused(fuzz_store, model):
    """Issue 27: ``unknowns --model ../x`` exited 0 with an empty table."""
    outcome = run_cli(["dev", "unknowns", "--model", model, "--store", str(fuzz_store)])
    assert_refused(outcome, 2)
    assert outcome.stderr == (f'Error: --model "{ascii(model)[1:-1]}" is not a model id (lowercase letters, digits, '
                              """"-" and ".", e.g. deepseek-v3); see 'lineage ls models'\n""")


class _Loop(http.server.BaseHTTPRequestHandler):
    def _redirect(self):
        self.send_response(302)
        self.send_header("Location", self.path)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD = _redirect  # noqa: N815

    def log_message(self, *args):
        pass


def test_hub_redirect_loop_is_an_external_failure(hub, fuzz_store, monkeypatch):
    """Issue 27: TooManyRedirects escaped as a traceback."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Loop)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.server_port}")
    try:
        outcome = run_cli(["ingest", "hf", "loop/forever", "--store", str(fuzz_store)])
    finally:
        server.shutdown()
    assert_refused(outcome, 3)
    assert outcome.stderr == "Error: cannot fetch loop/forever/README.md from Hugging Face: more than 10 redirects (a redirect loop?)\n"


@pytest.mark.parametrize("command", [["claims"], ["dev", "unknowns"], ["query", "who_uses.rq", "--param", "technique=mla"]])
def test_a_store_path_the_system_refuses_is_no_store(tmp_path, command):
    """Issue 27: a 300-character ``--store`` name raised ``File name too long`` (a traceback)."""
    store = tmp_path / ("s" * 300)
    outcome = run_cli([*command, "--store", str(store)])
    assert_refused(outcome, 2)
    assert outcome.stderr == f"Error: no store at \"{store}\". Run 'lineage build' first.\n"


@pytest.mark.parametrize("command", ["config", "article"])
@pytest.mark.parametrize("where", ["store", "folder above"])
def test_a_writer_given_a_store_name_the_system_refuses_is_bad_input(config_text, tmp_path, command, where):
    """Issue 27: a 300-character ``--store`` name made a writer exit 3 ("cannot open store"): the name is bad input."""
    source = tmp_path / "in" / ("deepseek-ai__DeepSeek-V3.json" if command == "config" else "note.md")
    source.parent.mkdir()
    source.write_text(config_text if command == "config" else "# Note\n\nDeepSeek-V3 adopts MLA.\n")
    store = tmp_path / ("s" * 300) if where == "store" else tmp_path / ("s" * 300) / "store"
    outcome = run_cli(["ingest", command, str(source), "--store", str(store)])
    assert_refused(outcome, 2)
    assert outcome.stderr == (f'Error: the store path "{store}" is too long: a name in it is 300 bytes long, over the '
                              "255 the file system allows. Choose a shorter --store.\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]  # nothing created


def test_unknowns_for_a_model_the_store_does_not_hold_names_it(fuzz_store):
    """Issue 27: a well-formed id that is in no claim of the store printed an empty table with exit 0."""
    before = quads_hash(fuzz_store)
    outcome = run_cli(["dev", "unknowns", "--model", "deepseek-v9", "--store", str(fuzz_store)])
    assert_refused(outcome, 2)
    assert outcome.stderr == """Error: model "deepseek-v9" not found. Did you mean "deepseek-v3"? See 'lineage ls models'.\n"""
    assert quads_hash(fuzz_store) == before
    held = run_cli(["dev", "unknowns", "--model", "deepseek-v3", "--store", str(fuzz_store)])  # held, no unknown key
    assert (held.code, held.stderr) == (0, "") and held.stdout.rstrip().endswith("0 of 0 unrecognised keys")
