"""Command-line conventions (issue 18): version, help, pipes, stdin/stdout, JSON errors, terminal fit."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lineage.cli import app
from lineage.cli.render import table

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = Path(__file__).with_name("snapshots")
runner = CliRunner()


def lineage(*args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    """``python -m lineage ARGS`` in a child process, as a shell runs it (main(), real pipes)."""
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    full.pop("LINEAGE_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "lineage", *args], env=full, capture_output=True, text=True, **kw)


@pytest.fixture
def writable_store(built_store_path, tmp_path) -> Path:
    """A copy of the built store that a test may write to."""
    shutil.copytree(built_store_path, tmp_path / "store")
    return tmp_path / "store"


def test_version_prints_the_package_version():
    from lineage import __version__

    result = runner.invoke(app, ["--version"])
    assert (result.exit_code, result.stdout) == (0, f"lineage {__version__}\n")


def test_bare_lineage_prints_help_and_exits_0():
    result = lineage()
    assert result.returncode == 0
    assert result.stdout.startswith("Usage: python -m lineage [OPTIONS] COMMAND [ARGS]...\n")
    assert result.stderr == ""


def test_help_has_no_bool_metavars_and_documents_the_environment():
    top = runner.invoke(app, ["--help"]).stdout
    claims = runner.invoke(app, ["claims", "--help"]).stdout
    assert "<bool>" not in top + claims
    assert "--install-completion" in top and "--version" in top
    for var in ("LINEAGE_STORE", "LINEAGE_CACHE", "LINEAGE_DEBUG", "NO_COLOR", "HF_ENDPOINT"):
        assert var in " ".join(top.split())
    assert "  --json " in claims and "  --limit N " in claims and "  --store DIR " in claims


def test_a_closed_pipe_ends_the_command_quietly(built_store_path):
    child = subprocess.Popen(
        [sys.executable, "-m", "lineage", "claims", "--store", str(built_store_path)],
        env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    child.stdout.readline()  # what `| head -1` reads
    child.stdout.close()
    assert child.wait(timeout=120) == 0
    assert child.stderr.read() == b""


def test_json_errors_are_json_on_stderr_with_the_same_exit_code(built_store_path):
    result = runner.invoke(app, ["technique", "mla2", "--format", "json", "--store", str(built_store_path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert json.loads(result.stderr) == {
        "error": "technique \"mla2\" not found. Did you mean \"mla\"? See 'lineage ls techniques'.",
        "code": 2,
    }


def test_json_usage_errors_are_json_too():
    result = lineage("claims", "--status", "maybe", "--json")
    assert result.returncode == 2
    error = json.loads(result.stderr)
    assert error["code"] == 2 and error["error"].startswith("Invalid value for '--status': 'maybe' is not one of")
    assert error["error"].endswith("See 'python -m lineage claims --help'.")


def test_claims_at_80_columns_fit_and_match_the_snapshot(built_store_path):
    env = {"COLUMNS": "80"}
    full = runner.invoke(app, ["claims", "--store", str(built_store_path)], env=env).stdout
    assert max(len(line) for line in full.splitlines()) <= 80
    shown = runner.invoke(app, ["claims", "--status", "reported", "--limit", "6", "--store", str(built_store_path)], env=env)
    assert shown.stdout == (SNAPSHOTS / "claims-reported-80.txt").read_text()


def test_without_a_terminal_or_columns_nothing_is_cut(built_store_path):
    out = runner.invoke(app, ["claims", "--store", str(built_store_path)], env={"COLUMNS": ""}).stdout
    assert max(len(line) for line in out.splitlines()) > 120


def test_show_prints_parameter_counts_and_context_lengths_for_people(built_store_path):
    out = runner.invoke(app, ["show", "kimi-k2", "--store", str(built_store_path)]).stdout
    rows = {" ".join(line.split()[:2]) for line in out.splitlines()}
    assert {"totalParameters 1.03T", "activeParameters 31.7B"} <= rows
    assert any(line.split()[:3] == ["contextLength", "128K", "tokens"] for line in out.splitlines())
    exact = json.loads(runner.invoke(app, ["show", "kimi-k2", "--json", "--store", str(built_store_path)]).stdout)
    assert 131072 in [int(float(f["label"])) for f in exact["about"] if f["predicate"] == "contextLength"]


def test_table_shrinks_the_widest_column_keeps_ids_and_drops_optional_columns():
    rows = [["c-0123456789", "a statement " * 5, "verified", "reason " * 8]]
    assert table(["CLAIM", "STATEMENT", "STATUS", "REASON"], rows, keep=[0], optional=[3], wrap=[1], width=40) == (
        "CLAIM         STATEMENT         STATUS\n"
        "c-0123456789  a statement a     verified\n"
        "              statement a\n"
        "              statement a\n"
        "              statement a\n"
        "              statement"
    )
    assert table(["N"], [[262144], [262144]], width=80) == "N\n262,144"  # numbers grouped, repeated rows once


def test_status_is_coloured_only_on_a_terminal_and_never_with_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert "\x1b[" not in table(["STATUS"], [["verified"]])  # not a terminal
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    assert table(["STATUS"], [["verified"]], width=80) == "STATUS\n\x1b[32mverified\x1b[0m"
    monkeypatch.setenv("NO_COLOR", "1")
    assert table(["STATUS"], [["verified"]], width=80) == "STATUS\nverified"


CONFIG = {
    "model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_size": 2048, "num_hidden_layers": 16,
    "num_attention_heads": 32, "num_key_value_heads": 8, "intermediate_size": 8192, "vocab_size": 128256,
    "max_position_embeddings": 131072,
}


def test_ingest_config_dash_reads_stdin(writable_store):
    result = runner.invoke(app, ["ingest", "config", "-", "--model", "stdin-test-model", "--store", str(writable_store)],
                           input=json.dumps(CONFIG))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("config:stdin-test-model/stdin.json: ")


def test_claims_source_accepts_the_path_that_was_ingested(writable_store, tmp_path):
    article = tmp_path / "notes.md"
    article.write_text("# Notes\n\nDeepSeek-V3 uses Multi-head Latent Attention.\n")
    ingested = runner.invoke(app, ["ingest", "article", str(article), "--json", "--store", str(writable_store)])
    source = json.loads(ingested.stdout)["source"]
    by_id = runner.invoke(app, ["claims", "--source", source, "--json", "--store", str(writable_store)])
    by_path = runner.invoke(app, ["claims", "--source", str(article), "--json", "--store", str(writable_store)])
    assert by_path.exit_code == 0 and by_path.stdout == by_id.stdout
    assert json.loads(by_path.stdout), "the article's claim is listed"


def test_export_dash_writes_stdout_and_files_get_umask_permissions(built_store_path, tmp_path):
    out = runner.invoke(app, ["export", "csv", "-", "--store", str(built_store_path)])
    assert out.exit_code == 0 and out.stdout.splitlines()[0].startswith("source,")
    old = os.umask(0o022)
    try:
        runner.invoke(app, ["export", "csv", str(tmp_path / "edges.csv"), "--store", str(built_store_path)])
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "edges.csv").stat().st_mode) == 0o644
    assert (tmp_path / "edges.csv").read_text() == out.stdout


def test_offline_hub_fails_at_once_naming_the_mirror(monkeypatch, tmp_path):
    import huggingface_hub.constants  # noqa: F401  (reads HF_HUB_OFFLINE once, at import: before it is set here)

    from lineage.errors import ExternalServiceError
    from lineage.ingest.hub import fetch, hub_cache

    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    assert hub_cache() == tmp_path / "hf-home" / "hub"
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ExternalServiceError) as err:
        fetch("deepseek-ai/DeepSeek-V3", "config.json", None)
    assert str(err.value) == (
        "cannot fetch deepseek-ai/DeepSeek-V3/config.json from Hugging Face (HF_HUB_OFFLINE is set) and it is not "
        "cached; set HF_ENDPOINT to a mirror, or run again online"
    )


def test_a_cell_given_as_a_function_is_made_only_when_its_column_is_shown():
    made = []

    def evidence(text):
        def make():
            made.append(text)
            return text
        return make

    head, caps = ["ID", "TEXT", "EVIDENCE"], {2: 20}
    eager = [["a", "x" * 30, "e" * 40], ["b", "y" * 30, "f" * 40]]
    lazy = [[a, b, evidence(c)] for a, b, c in eager]
    assert table(head, lazy, caps, optional=[2], width=40) == table(head, eager, caps, optional=[2], width=40)
    assert made == ["e" * 40]  # the first is as wide as the column may be; then it is left out
    made.clear()
    assert table(head, lazy, caps, optional=[2], width=200) == table(head, eager, caps, optional=[2], width=200)
    assert made == ["e" * 40, "f" * 40]  # shown: each made once


def test_table_cells_wrap_as_textwrap_wraps_them():
    import random
    import textwrap

    from lineage.cli.text_table import _Wrapper

    class Reference(textwrap.TextWrapper):  # textwrap's own, but a word too wide for its column starts a line
        def _handle_long_word(self, reversed_chunks, cur_line, cur_len, width):
            if not cur_line:
                super()._handle_long_word(reversed_chunks, cur_line, cur_len, width)

    rnd = random.Random(18)
    pieces = ["deepseek-v3", "uses", "mla", "kv_lora_rank", "--", "-b", "a-b-c-d", "x--y", "e.g.", "long" * 9,
              "ünï-códe", "3-4", "A-B", "!", "(see", "it)", "", "foo-", "-bar"]
    spaces = [" ", "  ", "\t", " \n "]
    wrappers = {}  # one per width, as a table keeps one per column: words split once, met again
    for _ in range(3000):
        words = [rnd.choice(pieces) for _ in range(rnd.randint(1, 9))]
        text = "".join(w + rnd.choice(spaces) for w in words)[: rnd.randint(1, 80)]
        width = rnd.randint(1, 40)
        wrapper = wrappers.setdefault(width, _Wrapper(width))
        assert wrapper.wrap(text) == Reference(width, break_long_words=True).wrap(text), (text, width)
