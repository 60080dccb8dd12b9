"""``lineage diff A B``: a re-ingest at another revision lists exactly the claims it changed."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from lineage.build import build
from lineage.catalog.config_sources import bundled_configs, bundled_dir
from lineage.cli import app
from lineage.ingest.config import ingest_config
from lineage.release.diff import diff
from lineage.store import Store

FILE = "deepseek-ai__DeepSeek-V3.json"


def test_a_release_against_itself_differs_in_nothing(small_release):
    folder, _ = small_release
    d = diff(folder, folder)
    assert (d.added, d.removed, d.changed) == ([], [], [])


def test_one_source_reingested_at_another_revision_shows_exactly_its_changed_claims(small_release, catalog, tmp_path):
    folder, _ = small_release
    src = next(s for s in bundled_configs() if s.file == FILE)
    cfg = json.loads((bundled_dir() / FILE).read_text())
    cfg["max_position_embeddings"] = 2 * cfg["max_position_embeddings"]  # "a new revision" doubling the context
    changed = tmp_path / FILE
    changed.write_text(json.dumps(cfg))
    store_path = tmp_path / "store"
    with Store(store_path) as st:
        build(st, catalog, release=folder)
        ingest_config(st, catalog, [changed], model=src.model, replace=True)  # other bytes: issue 13 asks for --replace
    d = diff(folder, store_path)
    sources = {r.source for r in d.added + d.removed}
    assert sources == {f"config:{src.model}/{FILE}"}
    assert [r.statement for r in d.removed] == [f"{src.model} contextLength {cfg['max_position_embeddings'] // 2}"]
    assert [r.statement for r in d.added] == [f"{src.model} contextLength {cfg['max_position_embeddings']}"]
    result = CliRunner().invoke(app, ["release", "diff", str(folder), str(store_path)])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == f"{len(d.added)} added, {len(d.removed)} removed, {len(d.changed)} changed status."
