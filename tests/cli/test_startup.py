"""What a command loads before it answers: ``--help`` and the read queries stay off the heavy libraries."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_REPORT_MODULES = """\
import sys
sys.argv = ["lineage", *sys.argv[1:]]
from lineage.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
sys.stdout.flush()
sys.stderr.write("\\nexit=%s modules=%s" % (code, " ".join(sorted({m.split(".")[0] for m in sys.modules}))))
"""


def loaded_by(*args: str, store: Path | None = None) -> tuple[int, set[str]]:
    """Exit code of ``lineage ARGS`` run in a fresh interpreter, and the top-level packages it imported."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if store is not None:
        env["LINEAGE_STORE"] = str(store)
    env.pop("LINEAGE_DEBUG", None)
    done = subprocess.run([sys.executable, "-c", _REPORT_MODULES, *args], env=env, capture_output=True, text=True)
    code, modules = done.stderr.rsplit("\nexit=", 1)[1].split(" modules=")
    return int(code), set(modules.split())


def test_help_loads_neither_pydantic_nor_rdf_libraries():
    code, modules = loaded_by("--help")
    assert code == 0
    assert not modules & {"pydantic", "rdflib", "pyoxigraph", "yaml", "rich"}
