"""What a command loads before it answers: ``--help`` and the read queries stay off the heavy libraries."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_who_uses_answers_without_rdflib_or_yaml_once_the_catalog_is_compiled(built_store_path):
    loaded_by("who-uses", "mla", store=built_store_path)  # the first command compiles the catalog (reads YAML)
    code, modules = loaded_by("who-uses", "mla", store=built_store_path)
    assert code == 0
    assert "pyoxigraph" in modules
    assert not modules & {"rdflib", "oxrdflib", "pyshacl", "yaml", "rich"}


def test_progress_draws_on_a_terminal_only_and_never_when_asked_not_to(monkeypatch, capsys):
    from lineage.cli.progress import progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    for show in (False, True):
        with progress(2, "Fetching documents", show=show) as bar:
            bar.pages(1, 2)
        drawn = capsys.readouterr().err
        assert ("Fetching documents" in drawn) is show
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    with progress(2, "Fetching documents") as bar:
        bar.update(1)
    assert capsys.readouterr().err == ""


def test_models_counts_techniques_and_prefers_verified_sizes_as_the_claims_say(built_store, catalog):
    from collections import defaultdict

    from lineage.domain import Predicate, Status
    from lineage.questions.listing import models

    rows = {r.id: r for r in models(built_store, catalog)}
    used = defaultdict(set)
    for c in built_store.claims(predicate=Predicate.USES):
        used[c.subject].add(c.object)
    assert used and all(rows[m].techniques == len(ts) for m, ts in used.items() if m in rows)
    verified = defaultdict(set)
    for c in built_store.claims(predicate=Predicate.TOTAL_PARAMETERS, status=Status.VERIFIED):
        verified[c.subject].add(int(c.value))
    assert verified and all(rows[m].total_parameters in sizes for m, sizes in verified.items() if m in rows)


@pytest.mark.parametrize("args", [["who-uses", "mla"], ["origin", "mla"], ["show", "deepseek-v3"], ["claims"], ["models"],
                                  ["ls", "models"], ["ls", "techniques"], ["claims", "--subject", "deepseek-v3"]])
def test_query_commands_answer_without_pydantic_or_networkx_once_compiled(built_store_path, args):
    """The 0.3 s budget (issue 18): records from the compiled catalog and the store, answers as dataclasses."""
    loaded_by(*args, store=built_store_path)  # the first reader compiles what the next one loads
    code, modules = loaded_by(*args, store=built_store_path)
    assert code == 0
    assert not modules & {"pydantic", "pydantic_core", "networkx", "rdflib", "yaml", "rich"}
