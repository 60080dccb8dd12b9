"""`lineage explain`: the card without torch, the demo with it, and a clear error when torch is missing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from lineage.cli import app
from lineage.cli.aliases import notice
from lineage.techniques import IMPLEMENTATIONS, implementation_path, module_file

runner = CliRunner()
NO_TORCH = "import sys; sys.modules['torch'] = None; from lineage.cli import main; sys.argv = ['lineage', *sys.argv[1:]]; main()"


def test_every_implemented_technique_is_a_catalog_technique_with_a_file(catalog):
    from lineage.domain import EntityKind

    ids = {t.id for t in catalog.of_kind(EntityKind.TECHNIQUE)}
    assert set(IMPLEMENTATIONS) <= ids
    for tech in IMPLEMENTATIONS:
        assert module_file(tech).is_file(), implementation_path(tech)


def test_importing_the_cli_does_not_import_torch():
    code = "import lineage, lineage.cli, lineage.techniques, lineage.questions.technique, sys; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_explain_prints_card_with_implementation_and_paper(built_store_path):
    result = runner.invoke(app, ["explain", "mla", "--store", str(built_store_path)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Multi-head Latent Attention (mla), attention"
    assert "  paper: DeepSeek-V2: A Strong, Economical, and Efficient Mixture-of-Experts Language Model (arXiv:2405.04434, 2024-05-07)" in lines
    assert "  implementation: lineage/techniques/mla.py" in lines
    assert any(line.startswith("  adopters (13): deepseek-v2, deepseek-v2-lite, deepseek-v3") for line in lines)


def test_explain_mla_run_without_torch_says_how_to_install_the_extra(built_store_path):
    proc = subprocess.run(
        [sys.executable, "-c", NO_TORCH, "explain", "mla", "--run", "--store", str(built_store_path)],
        capture_output=True, text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr == notice("explain") + "\n" + (  # the old name: its deprecation line, then the error
        "Error: running a technique demo needs torch, which is not installed. "
        "Run: pip install -c constraints.txt -e '.[techniques]'\n"
    )
    assert proc.stdout == ""


def test_explain_without_run_works_without_torch(built_store_path):
    proc = subprocess.run(
        [sys.executable, "-c", NO_TORCH, "explain", "muon", "--store", str(built_store_path)],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert "  implementation: lineage/techniques/muon.py" in proc.stdout.splitlines()


def test_explain_mla_run_shows_the_v3_cache_arithmetic(built_store_path):
    pytest.importorskip("torch")
    result = runner.invoke(app, ["explain", "mla", "--run", "--json", "--store", str(built_store_path)])
    assert result.exit_code == 0, result.output
    values = {m["label"]: m["value"] for m in json.loads(result.stdout)["demo"]["measurements"]}
    assert values["MLA cache per token (formula)"] == "(512 + 64) x 61 layers x 2 B = 70,272"
    assert values["MLA cache per token (measured)"] == 70_272
    assert values["MHA, same heads (measured)"] == 3_997_696
    assert values["MHA / MLA"] == 56.9


def test_record_writes_verified_measurement_claims(built_store_path, tmp_path):
    pytest.importorskip("torch")
    from lineage.domain import Method, Predicate, Status
    from lineage.store import Store

    store_path = tmp_path / "store"
    shutil.copytree(built_store_path, store_path)
    result = runner.invoke(app, ["explain", "kv-cache", "--run", "--record", "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    assert "deepseek-v3        70,272          56.9x" in result.stdout
    with Store(store_path) as st:
        claims = {c.subject: c for c in st.claims(predicate=Predicate.KV_BYTES_PER_TOKEN)}
        doc = st.source("measurement:kv-cache")
    v3 = claims["deepseek-v3"]
    assert (v3.value, v3.unit, v3.status) == (70_272, "bytes", Status.VERIFIED)
    assert v3.evidence[0].method is Method.MEASUREMENT and doc.format == "measurement"
    assert "deepseek-v4-flash" not in claims  # estimated layouts are not claimed


SEED_SYSTEMS = ("deepseek-v3", "deepseek-v3.2", "deepseek-v4-pro", "kimi-k2")  # the systems the seed articles compare


def test_every_technique_the_seed_systems_use_has_a_reference_implementation(built_store):
    from lineage.domain import Predicate, SourceKind, Status

    used = {
        c.object
        for model in SEED_SYSTEMS
        for c in built_store.claims(subject=model, predicate=Predicate.USES)
        if c.status is Status.VERIFIED and c.evidence[0].source_kind is SourceKind.PRIMARY
    }
    assert {"mla", "mtp", "dsa", "yarn", "mhc", "compressed-sparse-attention", "fp4-quantization"} <= used
    missing = sorted(t for t in used if implementation_path(t) is None)
    assert not missing, f"no reference implementation for {missing}"


def test_lineage_techniques_names_each_implementation_file(built_store_path):
    result = runner.invoke(app, ["ls", "techniques", "--json", "--store", str(built_store_path)])
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    assert rows["mla"]["implementation"] == "lineage/techniques/mla.py"
    assert rows["heavily-compressed-attention"]["implementation"] == "lineage/techniques/deepseek_v4_attention.py"
    assert rows["mamba"]["implementation"] is None
    table = runner.invoke(app, ["ls", "techniques", "--store", str(built_store_path)]).stdout.splitlines()
    assert table[0].split()[-1] == "IMPLEMENTATION"
    (yarn,) = [line for line in table if line.startswith("yarn ")]
    assert yarn.endswith(" lineage/techniques/yarn.py")
