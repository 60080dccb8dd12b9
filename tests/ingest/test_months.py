"""A discovered model's release month from where its source was published, never invented.

Real corpus configs; the recorded months are the corpus manifest's own ``pub_month`` cells.
"""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from lineage.cli import app
from lineage.domain import Method, Model, Predicate, SourceKind, SourceRef, Status
from lineage.ingest.config import ingest_config
from lineage.ingest.months import from_manifest

QWEN3_SMALL = "new/configs/Qwen__Qwen3-0.6B.json"
DBRX_INSTRUCT = "new/configs/databricks__dbrx-instruct.json"


def pub_month(corpus, path: str) -> str:
    with open(corpus / "MANIFEST.tsv", encoding="utf-8", newline="") as fh:
        return next(r["pub_month"] for r in csv.DictReader(fh, delimiter="\t") if r["relative_path"] == path)


def test_a_config_given_on_the_command_line_discovers_its_model_without_inventing_a_month(corpus, tmp_path):
    store = tmp_path / "store"
    run = CliRunner().invoke
    result = run(app, ["ingest", "config", str(corpus / QWEN3_SMALL), "--store", str(store), "--json"])
    assert result.exit_code == 0, result.output
    (row,) = [r for r in json.loads(run(app, ["ls", "models", "--store", str(store), "--json"]).stdout) if r["id"] == "qwen3-0.6b"]
    assert row["curation"] == "discovered" and row["released"] is None  # the manifest has a month; the file has none
    show = json.loads(run(app, ["show", "qwen3-0.6b", "--store", str(store), "--json"]).stdout)
    assert "released" not in show["entity"]
    assert not [f for f in show["about"] if f["predicate"] == "released"]


def test_a_recorded_month_dates_the_model_a_config_discovers_with_its_record_as_evidence(corpus, catalog, store):
    month = from_manifest(pub_month(corpus, QWEN3_SMALL))
    (report,) = ingest_config(store, catalog, [corpus / QWEN3_SMALL], month=month)
    (model,) = [e for e in store.discovered_entities(report.source) if e.id == "qwen3-0.6b"]
    assert model.released == month.value == "2025-04"
    (claim,) = store.claims(subject="qwen3-0.6b", predicate=Predicate.RELEASED)
    assert claim.value == "2025-04" and claim.status is Status.REPORTED
    (ev,) = claim.evidence
    assert (ev.source, ev.locator, ev.snippet, ev.method) == (
        report.source, "MANIFEST.tsv: pub_month", "pub_month: 2025-04", Method.METADATA)


def test_a_recorded_month_dates_the_configs_own_model_not_the_base_its_name_suffix_names(corpus, catalog, store):
    (report,) = ingest_config(store, catalog, [corpus / DBRX_INSTRUCT], month=from_manifest(pub_month(corpus, DBRX_INSTRUCT)))
    months = {e.id: e.released for e in store.discovered_entities(report.source) if e.kind == "model"}
    assert months == {"dbrx-instruct": "2024-03", "dbrx": None}


def test_a_recorded_month_never_replaces_a_month_already_known(corpus, catalog, store):
    """A catalog entry's month, and a month another source gave a discovered model, both stand."""
    dated = Model(id="qwen3-0.6b", name="Qwen3-0.6B", organization=None, released="2025-05", curation="discovered",
                  discovered_in="report:x", sources=(SourceRef(url="https://example.org/report", kind=SourceKind.PRIMARY),))
    overlay = catalog.with_discovered([dated])
    (report,) = ingest_config(store, overlay, [corpus / QWEN3_SMALL], month=from_manifest("2025-04"))
    assert store.claims(predicate=Predicate.RELEASED) == []
    assert [e.released for e in store.discovered_entities(report.source) if e.id == "qwen3-0.6b"] == [None]
    assert overlay.with_discovered(store.discovered_entities()).get("qwen3-0.6b").released == "2025-05"
    (report,) = ingest_config(store, catalog, [corpus / "configs" / "deepseek-ai__DeepSeek-V3.json"],
                              month=from_manifest("2020-01"))
    assert report.model == "deepseek-v3" and not report.discovered
    assert store.claims(predicate=Predicate.RELEASED) == []


def test_a_discovered_record_never_changes_a_curated_month(catalog):
    curated = catalog.get("deepseek-v3")
    other = curated.model_copy(update={"released": "2020-01", "curation": "discovered", "discovered_in": "card:x/y"})
    assert catalog.with_discovered([other]).get("deepseek-v3").released == curated.released != "2020-01"


@pytest.mark.parametrize("value", ["", None, "2025", "2025-13", "April 2025"])
def test_a_blank_or_malformed_manifest_cell_gives_no_month(value):
    assert from_manifest(value) is None
