"""Malformed config values and hostile files: one stderr line, exit 2, no traceback, store unchanged.

Each case runs through the CLI (``lineage ingest config``) against a store that already holds a
real config, and compares the store's quads before and after.  A SIGALRM bounds every case, so
a hang (``num_hidden_layers: 10**12``, a FIFO, ``/dev/zero``) fails the test instead of the run.
"""

from __future__ import annotations

import json
import os
import re
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lineage.catalog.config_sources import bundled_dir
from lineage.cli import app
from lineage.ingest.config import ingest_config
from lineage.store import Store

CASE_SECONDS = 20
"""Bound on one case; each takes well under a second."""

GOOD = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "num_hidden_layers": 2,
        "hidden_size": 64, "num_attention_heads": 4, "num_key_value_heads": 2}


def _json(**changes) -> str:
    return json.dumps({**GOOD, **changes})


CASES: dict[str, tuple[str | bytes, str]] = {
    # name: (file content, expected fragment of the one-line error)
    "issue-12-example": (
        '{"model_type": "deepseek_v3", "hidden_size": "seven", "num_hidden_layers": -3}',
        'key "hidden_size" should be a positive integer <= 1,048,576 (MAX_WIDTH), got str "seven"',
    ),
    "negative-layers": (_json(num_hidden_layers=-3), 'key "num_hidden_layers" should be a positive integer <= 10,000 (MAX_LAYERS), got int -3'),
    "zero-heads": (_json(num_attention_heads=0), 'key "num_attention_heads" should be a positive integer <= 65,536 (MAX_HEADS), got int 0'),
    "layers-10-to-the-12": (_json(num_hidden_layers=10**12), 'key "num_hidden_layers" should be a positive integer <= 10,000 (MAX_LAYERS), got int 1000000000000'),
    "hidden-2-to-the-70": (_json(hidden_size=2**70), 'key "hidden_size" should be a positive integer <= 1,048,576 (MAX_WIDTH), got int 1180591620717411303424'),
    "negative-experts": (_json(n_routed_experts=-8, num_experts_per_tok=2), 'key "n_routed_experts" should be a positive integer <= 65,536 (MAX_EXPERTS), got int -8'),
    "negative-lora-rank": (_json(kv_lora_rank=-512), 'key "kv_lora_rank" should be a non-negative integer <= 1,048,576 (MAX_WIDTH), got int -512'),
    "fractional-heads": (_json(num_key_value_heads=2.5), 'key "num_key_value_heads" should be a positive integer <= 65,536 (MAX_HEADS), got float 2.5'),
    "bool-as-count": (_json(num_hidden_layers=True), 'key "num_hidden_layers" should be a positive integer <= 10,000 (MAX_LAYERS), got bool true'),
    "context-2-to-the-40": (_json(max_position_embeddings=2**40), 'key "max_position_embeddings" should be a positive integer <= 4,294,967,296 (MAX_CONTEXT)'),
    "string-bool": (_json(tie_word_embeddings="yes"), 'key "tie_word_embeddings" should be true or false, got str "yes"'),
    "unknown-dtype": (_json(torch_dtype="float13"), 'key "torch_dtype" should be a known dtype'),
    "text-config-value": (
        json.dumps({"model_type": "wrapper", "text_config": {**GOOD, "num_hidden_layers": 0}}),
        'key "text_config.num_hidden_layers" should be a positive integer <= 10,000 (MAX_LAYERS), got int 0',
    ),
    "infinity": ('{"model_type": "llama", "num_hidden_layers": 2, "rope_theta": Infinity}', 'key "rope_theta" holds Infinity'),
    "nan": ('{"model_type": "llama", "num_hidden_layers": 2, "rms_norm_eps": NaN}', 'key "rms_norm_eps" holds NaN'),
    "1e400": ('{"model_type": "llama", "num_hidden_layers": 2, "rope_theta": 1e400}', 'key "rope_theta" holds Infinity (or a literal too large for a float)'),
    "5000-digit-integer": ('{"model_type": "llama", "num_hidden_layers": ' + "9" * 5000 + "}", "holds an integer of 5,000 digits (limit MAX_INT_DIGITS = 30)"),
    "100k-deep": ('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", "nests 100,001 levels deep (limit MAX_JSON_DEPTH = 64)".replace(",", "")),
    "lone-surrogate": ('{"model_type": "llama", "num_hidden_layers": 2, "architectures": ["\\ud800"]}', 'key "architectures[0]" holds a lone surrogate'),
    "lone-surrogate-key": ('{"model_type": "llama", "num_hidden_layers": 2, "\\udfff": 1}', "holds a lone surrogate"),
    "no-layers": (json.dumps({"model_type": "llama", "hidden_size": 64}), 'has no layer count ("num_hidden_layers", "n_layer", "num_layers", "n_layers")'),
    "not-an-object": ("[1, 2]", "holds a JSON list, expected an object"),
}


@pytest.fixture
def alarm():
    """Fail a case that runs longer than CASE_SECONDS instead of hanging the suite."""
    def expire(*_):
        raise TimeoutError(f"case ran past {CASE_SECONDS} s")

    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(CASE_SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.fixture
def seeded_store(catalog, tmp_path) -> Path:
    """A store holding GLM-5's bundled config, closed so the CLI can open it."""
    path = tmp_path / "store"
    with Store(path) as s:
        ingest_config(s, catalog, [bundled_dir() / "zai-org__GLM-5.json"])
    return path


def quads(path: Path) -> list[str]:
    with Store(path) as s:
        return sorted(map(str, s.dataset.store._inner))


def refuse(store: Path, target: Path, model: str | None = "llama-3.1-8b") -> str:
    """Run ``lineage ingest config`` on a good file and ``target``; check the refusal; return stderr."""
    before = quads(store)
    good = target.parent / "someone__Good-1B.json"  # a discoverable model when no --model is given
    good.write_text(json.dumps(GOOD))
    argv = ["ingest", "config", str(good), str(target), "--store", str(store)] + (["--model", model] if model else [])
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert quads(store) == before
    return result.stderr


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_config_is_one_line_exit_2_and_store_unchanged(seeded_store, tmp_path, alarm, case):
    content, fragment = CASES[case]
    bad = tmp_path / "in" / f"{case}.json"
    bad.parent.mkdir()
    bad.write_bytes(content if isinstance(content, bytes) else content.encode())
    assert fragment in refuse(seeded_store, bad)


def refuse_in_child(store: Path, target: Path) -> str:
    """``refuse`` in a child process capped at 1 GiB and CASE_SECONDS: old code read /dev/zero into memory."""
    import resource
    import subprocess
    import sys

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    before = quads(store)
    argv = [sys.executable, "-m", "lineage", "ingest", "config", str(target), "--model", "llama-3.1-8b", "--store", str(store)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=CASE_SECONDS * 3, preexec_fn=cap,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.returncode == 2, done.stderr[-500:]
    assert done.stdout == "" and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert quads(store) == before
    return done.stderr


def test_a_fifo_is_refused_without_blocking(seeded_store, tmp_path):
    fifo = tmp_path / "in" / "config.json"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    assert "is not a regular file (a device, FIFO or socket)" in refuse_in_child(seeded_store, fifo)


def test_dev_zero_is_refused_without_reading(seeded_store):
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero on this system")
    assert refuse_in_child(seeded_store, Path("/dev/zero")) == (
        'Error: config "/dev/zero" is not a regular file (a device, FIFO or socket); give a config.json file\n'
    )


def test_a_directory_is_refused(seeded_store, tmp_path, alarm):
    folder = tmp_path / "in" / "config.json"
    folder.mkdir(parents=True)
    assert f'Error: config "{folder}" is a directory; give a config.json file\n' == refuse(seeded_store, folder)


def test_a_malformed_file_of_a_discovered_model_writes_nothing(seeded_store, tmp_path, alarm):
    bad = tmp_path / "in" / "someone__Brand-New-9B.json"
    bad.parent.mkdir()
    bad.write_text(_json(num_hidden_layers=-1))
    assert 'key "num_hidden_layers" should be a positive integer' in refuse(seeded_store, bad, model=None)


def _two_config_jsons(tmp_path: Path) -> tuple[Path, Path]:
    """Two different files, both named config.json (as two Hub repos' copies are)."""
    first, second = tmp_path / "a" / "config.json", tmp_path / "b" / "config.json"
    for path, heads in ((first, 2), (second, 4)):
        path.parent.mkdir()
        path.write_text(_json(num_key_value_heads=heads))
    return first, second


def test_a_different_config_under_a_stored_id_is_refused_unless_replace(seeded_store, tmp_path, alarm):
    first, second = _two_config_jsons(tmp_path)
    ingest = ["ingest", "config", "--model", "llama-3.1-8b", "--store", str(seeded_store)]
    assert CliRunner().invoke(app, [*ingest, str(first)]).exit_code == 0
    before = quads(seeded_store)
    result = CliRunner().invoke(app, [*ingest, str(second)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f'Error: "{second}" claims to be source "config:llama-3.1-8b/config.json", '
                                    "which the store holds from different bytes (sha256:")
    assert re.search(r", \d+ claims\); pass --replace to replace it\n$", result.stderr)
    assert quads(seeded_store) == before
    again = CliRunner().invoke(app, [*ingest, str(first)])  # the same bytes again: an idempotent re-ingest
    assert again.exit_code == 0 and not again.stdout.startswith("replaced")
    replaced = CliRunner().invoke(app, [*ingest, str(second), "--replace"])
    assert replaced.exit_code == 0
    assert replaced.stdout.startswith("replaced config:llama-3.1-8b/config.json (sha256:")
    with Store(seeded_store) as s:
        (gqa,) = [c for c in s.claims(source="config:llama-3.1-8b/config.json") if c.object == "gqa"] or [None]
    assert gqa is None  # 4 of 4 key/value heads: the second file's plain multi-head attention


def test_two_different_config_jsons_in_one_command_are_refused(seeded_store, tmp_path, alarm):
    first, second = _two_config_jsons(tmp_path)
    before = quads(seeded_store)
    argv = ["ingest", "config", str(first), str(second), "--model", "llama-3.1-8b", "--store", str(seeded_store)]
    for replace in ([], ["--replace"]):  # neither file can win
        result = CliRunner().invoke(app, argv + replace)
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == (f'Error: "{first}" and "{second}" are different files that both claim to be source '
                                 '"config:llama-3.1-8b/config.json"; ingest one of them, or rename the other\n')
        assert quads(seeded_store) == before
