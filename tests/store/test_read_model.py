"""Compiled answers kept in the store folder: a reader after a write never gets the old answer."""
# ruff: noqa: F811  (fixtures imported from a helper module are redefined as test arguments)

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_access import writer  # noqa: F401  (fixture: a process writing the store all along)
from typer.testing import CliRunner

from lineage.cli import app
from lineage.domain import Claim, Evidence, Model, SourceDocument, SourceRef, utcnow
from lineage.store import Store, iris, read_model

ROOT = Path(__file__).resolve().parents[2]
DOC = SourceDocument(id="config:test/flip.json", title="t", kind="primary", format="config", about="deepseek-v3")


def _claims(n: int, reason: str | None = None) -> list[Claim]:
    ev = Evidence(source=DOC.id, source_kind="primary", locator="k", snippet="s", method="config", retrieved_at=utcnow())
    return [Claim(subject="deepseek-v3", predicate="layers", value=i, status="verified", reason=reason or f"set {n}",
                  evidence=(ev,)) for i in range(n)]


def _write(path: Path, claims: list[Claim], entities=()) -> None:
    with Store(path) as st:
        st.replace_source(DOC, claims, entities)


def _saved(path: Path, part: str) -> list[Path]:
    return sorted(path.glob(f"lineage.read.{part}.marshal"))


def _read(path: Path) -> list:
    with Store(path, read_only=True) as st:
        return st.claim_records()


def test_a_reader_saves_every_claim_once_and_the_next_reader_loads_them(tmp_path, monkeypatch):
    path = tmp_path / "s"
    _write(path, _claims(3))
    first = _read(path)
    assert len(first) == 3 and len(_saved(path, "claims")) == 1
    monkeypatch.setattr(Store, "select", lambda *a, **k: pytest.fail("answered from the store, not the saved file"))
    assert _read(path) == first


def test_after_a_write_the_next_reader_sees_the_new_claims(tmp_path):
    path = tmp_path / "s"
    _write(path, _claims(3))
    assert len(_read(path)) == 3
    _write(path, _claims(5))
    assert {(len(c := _read(path)), c[0].reason)} == {(5, "set 5")}
    assert len(_saved(path, "claims")) == 1  # the new state's file in the old one's place


def test_claims_command_shows_an_ingest_at_once(tmp_path):
    path = tmp_path / "s"
    _write(path, _claims(2, "first"))
    runner = CliRunner()
    before = runner.invoke(app, ["claims", "--store", str(path)])
    assert before.exit_code == 0 and "first" in before.stdout
    _write(path, _claims(2, "second"))
    after = runner.invoke(app, ["claims", "--store", str(path)])
    assert "second" in after.stdout and "first" not in after.stdout


def test_an_entity_a_new_source_discovers_is_shown_at_once(tmp_path):
    path = tmp_path / "s"
    _write(path, _claims(1))
    runner = CliRunner()
    assert runner.invoke(app, ["show", "new-model", "--store", str(path)]).exit_code == 2  # compiles the catalog
    model = Model(id="new-model", name="New-Model", organization=None, curation="discovered",
                  discovered_in=DOC.id, sources=(SourceRef(url="https://example.org"),))
    _write(path, _claims(1), [model])
    result = runner.invoke(app, ["show", "new-model", "--store", str(path)])
    assert result.exit_code == 0 and result.stdout.startswith("New-Model (new-model), model, discovered in ")


def test_a_write_from_outside_lineage_still_changes_the_answer(tmp_path):
    """Whoever writes (an older lineage, Oxigraph itself), the store's files change, and so does the answer."""
    path = tmp_path / "s"
    _write(path, _claims(3))
    assert len(_read(path)) == 3
    with Store(path) as st:
        st._ox.update(f"DROP GRAPH <{iris.source_iri(DOC.id)}>")  # bypasses Store._update
    assert _read(path) == []


def test_a_current_answer_is_read_without_opening_rocksdb(tmp_path, monkeypatch):
    from lineage.store import access

    path = tmp_path / "s"
    _write(path, _claims(3))
    first = _read(path)
    monkeypatch.setattr(access, "open_reader", lambda *a: pytest.fail("opened the store"))
    assert _read(path) == first
    runner = CliRunner()
    assert runner.invoke(app, ["claims", "--store", str(path)]).exit_code == 0


def test_a_reader_that_cannot_write_the_file_answers_all_the_same(tmp_path, monkeypatch):
    path = tmp_path / "s"
    _write(path, _claims(3))

    def refuse(*args, **kwargs):
        raise PermissionError("read-only folder")

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    assert len(_read(path)) == 3
    assert _saved(path, "claims") == [] and not list(path.glob("lineage.read.*"))


def test_an_unreadable_saved_file_is_computed_again(tmp_path):
    path = tmp_path / "s"
    _write(path, _claims(3))
    first = _read(path)
    (saved,) = _saved(path, "claims")
    saved.write_bytes(b"not marshal data")
    assert _read(path) == first


def test_writers_answer_from_the_store_and_save_nothing(tmp_path):
    path = tmp_path / "s"
    _write(path, _claims(3))
    with Store(path) as st:
        assert len(st.claim_records()) == 3
    assert _saved(path, "claims") == []


def test_every_claim_of_a_built_store_is_written_and_read_back_equal(built_store_path):
    from lineage.store.dataset import saved_query

    with Store(built_store_path, read_only=True) as st:
        computed = list(st._assemble(st.select(saved_query("claims"))))
    assert len(computed) > 500
    assert read_model._unpack(*read_model._pack(computed)) == computed


def test_the_saved_catalog_is_the_overlaid_catalog(built_store_path, catalog):
    with Store(built_store_path, read_only=True) as st:
        expected = catalog.with_discovered(st.discovered_entities())
        for _ in range(2):  # computed, then loaded
            got = read_model.catalog(st)
            assert list(got.entities) == list(expected.entities) and got._names == expected._names
            assert all(got.entities[k].model() == e for k, e in expected.entities.items())


def test_readers_beside_a_writer_answer_every_claim_from_whole_commits(writer):
    path, _ = writer
    for _ in range(4):  # read while the writer commits again and again: each reader saves or loads its state
        done = subprocess.run([sys.executable, "-m", "lineage", "claims", "--json", "--store", str(path)],
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=120)
        assert (done.returncode, done.stderr) == (0, "")
        reasons = [c["reason"] for c in json.loads(done.stdout)]
        assert (len(reasons), set(reasons)) in ((40, {"set 40"}), (70, {"set 70"}))
