"""Readers and writers of one store, in real processes: readers never wait, writers wait a bound, builds resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lineage.store import Store

ROOT = Path(__file__).resolve().parents[2]
SOURCE = "config:test/flip.json"

HOLDING_WRITER = """
import pathlib, sys, time
from lineage.store import Store
from lineage.domain import Claim, Evidence, SourceDocument, utcnow
doc = SourceDocument(id="config:test/flip.json", title="t", kind="primary", format="config", about="deepseek-v3")
def claims(n):
    ev = Evidence(source=doc.id, source_kind="primary", locator="k", snippet="s", method="config", retrieved_at=utcnow())
    return [Claim(subject="deepseek-v3", predicate="layers", value=i, status="verified", reason=f"set {n}",
                  evidence=(ev,)) for i in range(n)]
a, b = claims(40), claims(70)
store = Store(sys.argv[1])
store.replace_source(doc, a)
pathlib.Path(sys.argv[2]).touch()
stop = pathlib.Path(sys.argv[3])
while not stop.exists():  # holds the lock the whole time, committing a new graph again and again
    store.replace_source(doc, b)
    store.replace_source(doc, a)
    time.sleep(0.05)  # leaves the readers some of a small machine's CPU
store.close()
"""


def lineage(*args: str, env: dict | None = None, **kw) -> subprocess.Popen:
    """``python -m lineage ARGS`` in a child process."""
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    full.pop("LINEAGE_DEBUG", None)
    return subprocess.Popen([sys.executable, "-m", "lineage", *args], env=full, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def finish(proc: subprocess.Popen, timeout: float = 120) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


@pytest.fixture
def writer(tmp_path):
    """A process holding the store's write lock (and writing) until the test ends."""
    path, ready, stop = tmp_path / "s", tmp_path / "ready", tmp_path / "stop"
    child = subprocess.Popen([sys.executable, "-c", HOLDING_WRITER, str(path), str(ready), str(stop)],
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    while not ready.exists():
        assert child.poll() is None, "writer died before its first write"
        time.sleep(0.02)
    yield path, stop
    stop.touch()
    child.wait(timeout=60)


def test_readers_run_while_a_writer_holds_the_store_and_see_whole_commits(writer):
    path, _ = writer
    readers = [lineage("claims", "--source", SOURCE, "--json", "--store", str(path)) for _ in range(3)]
    readers.append(lineage("ls", "sources", "--store", str(path)))
    for proc in readers[:3]:
        code, out, err = finish(proc)
        assert (code, err) == (0, "")
        reasons = [c["reason"] for c in json.loads(out)]
        assert (len(reasons), set(reasons)) in ((40, {"set 40"}), (70, {"set 70"}))
    code, out, err = finish(readers[3])
    assert (code, err) == (0, "") and SOURCE in out
    for _ in range(5):  # the library's reader too, opened again and again during the writes
        with Store(path, read_only=True) as st:
            assert {len(st.claims(source=SOURCE))} <= {40, 70}


def test_a_second_writer_waits_then_fails_with_one_line_naming_the_holder(writer, tmp_path):
    path, _ = writer
    config = ROOT / "seeds" / "sources" / "configs" / "deepseek-ai__DeepSeek-V3.json"
    start = time.monotonic()
    code, out, err = finish(lineage("ingest", "config", str(config), "--store", str(path), env={"LINEAGE_LOCK_WAIT": "1"}))
    assert code == 3 and out == ""
    waiting, error = err.splitlines()
    assert waiting.startswith("waiting for the store lock held by pid ")
    assert waiting.endswith("(up to 1 s; LINEAGE_LOCK_WAIT)")
    assert error.startswith(f'Error: the store "{path}" is locked by pid ')
    assert error.endswith("gave up after 1 s. Try again when it finishes (LINEAGE_LOCK_WAIT sets the wait).")
    assert time.monotonic() - start >= 1


def test_a_second_writer_gets_the_store_when_the_first_finishes(writer):
    path, stop = writer
    config = ROOT / "seeds" / "sources" / "configs" / "deepseek-ai__DeepSeek-V3.json"
    second = lineage("ingest", "config", str(config), "--store", str(path), env={"LINEAGE_LOCK_WAIT": "120"})
    assert second.stderr.readline().startswith("waiting for the store lock held by pid ")
    stop.touch()
    code, out, err = finish(second)
    assert (code, err) == (0, "")
    assert out.startswith("config:deepseek-v3/deepseek-ai__DeepSeek-V3.json: ")


@pytest.mark.parametrize("command", [["technique", "mla"], ["claims"], ["ls", "sources"], ["ls", "models"], ["dev", "validate"]])
def test_read_commands_never_create_a_store(tmp_path, command):
    from typer.testing import CliRunner

    from lineage.cli import app

    missing = tmp_path / "nowhere" / "store"
    result = CliRunner().invoke(app, [*command, "--store", str(missing)])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"Error: no store at \"{missing}\". Run 'lineage build' first.\n"
    assert not (tmp_path / "nowhere").exists()


def test_a_build_killed_mid_way_is_reported_and_redone(tmp_path):
    """kill -9 a real ``lineage build --fresh``; the store says it is incomplete until ``build`` redoes it."""
    path, mine = tmp_path / "s", tmp_path / "mine.json"
    mine.write_text(json.dumps({"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 2,
                                "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 128,
                                "vocab_size": 100}))
    assert finish(lineage("ingest", "config", str(mine), "--model", "llama-3-8b", "--store", str(path)))[0] == 0
    build = lineage("build", "--fresh", "--store", str(path))
    while not (path / "lineage.incomplete").exists():
        assert build.poll() is None, "build finished before it could be killed"
        time.sleep(0.01)
    time.sleep(0.5)
    build.send_signal(signal.SIGKILL)
    build.wait()

    code, out, err = finish(lineage("ls", "sources", "--store", str(path)))
    assert code == 0
    assert err.startswith(f'Warning: the store "{path}" is incomplete: the \'lineage build\' started at ')
    assert err.endswith(" did not finish. Run 'lineage build' to redo it.\n")
    code, out, err = finish(lineage("dev", "validate", "--store", str(path)))
    assert code == 1 and err.startswith(f'Error: the store "{path}" is incomplete') and len(err.splitlines()) == 1

    code, out, err = finish(lineage("build", "--store", str(path)), timeout=300)  # no --fresh: the mark says so
    assert (code, err) == (0, "")
    assert out.startswith("Redid the build started at ")
    assert not (path / "lineage.incomplete").exists()
    code, out, err = finish(lineage("ls", "sources", "--json", "--store", str(path)))
    assert (code, err) == (0, "")
    ids = {d["id"] for d in json.loads(out)}
    assert "catalog:models" in ids
    assert "config:llama-3-8b/mine.json" not in ids  # the redone build was fresh, as the killed one
