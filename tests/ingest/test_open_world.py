"""Reports of models nobody catalogued land on a newly discovered model, never on a neighbour.

The reports are real corpus PDFs of models that ``seeds/models.yaml`` does not list; nothing is
hand-edited for them.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from lineage.cli import app

pytestmark = pytest.mark.slow  # every test ingests or analyses corpus reports

HUNYUAN = "new/reports/Tencent-Hunyuan__Hunyuan-A13B__Hunyuan_A13B_Technical_Report.pdf"
STEP3 = "new/reports/stepfun-ai__Step3__Step3-Sys-Tech-Report.pdf"


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def hunyuan_store(tmp_path_factory, corpus):
    store = tmp_path_factory.mktemp("open") / "store"
    result = run("ingest", "pdf", corpus / HUNYUAN, "--store", store, "--json")
    assert result.exit_code == 0, result.output
    return store, json.loads(result.stdout)


def test_a_report_of_an_uncatalogued_model_discovers_the_model_its_lab_and_month(hunyuan_store, catalog):
    store, report = hunyuan_store
    assert "hunyuan-a13b" not in catalog  # nothing was curated for it
    assert report["models"] == ["hunyuan-a13b"]
    assert {"hunyuan-a13b", "tencent-hunyuan"} <= set(report["discovered"])
    show = json.loads(run("show", "hunyuan-a13b", "--store", store, "--json").stdout)
    assert show["entity"]["curation"] == "discovered"
    assert show["entity"]["organization"] == "tencent-hunyuan"
    assert show["entity"]["released"] == "2025-06"
    facts = {(f["predicate"], f["label"]) for f in show["about"]}
    assert ("released", "2025-06") in facts
    assert any(p == "developedBy" for p, _ in facts)


def test_its_own_techniques_are_claimed_with_page_evidence(hunyuan_store):
    store, report = hunyuan_store
    assert {"gqa", "moe"} <= set(report["uses"])
    rows = json.loads(run("who-uses", "gqa", "--store", store, "--json").stdout)["rows"]
    row = next(r for r in rows if r["model"] == "hunyuan-a13b")
    assert row["status"] == "verified"
    assert row["evidence"][0]["locator"].startswith("p. ")


def test_models_lists_the_discovered_model_marked_as_such(hunyuan_store):
    store, _ = hunyuan_store
    out = run("ls", "models", "--store", store).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("hunyuan-a13b"))
    assert line.startswith("hunyuan-a13b*") and "Hunyuan-A13B" in line
    assert out.rstrip().endswith("* discovered: introduced by an ingested source, not in the curated catalog")


def test_a_near_miss_model_id_creates_that_model_and_leaves_the_neighbour_alone(tmp_path, corpus):
    store = tmp_path / "store"
    result = run("ingest", "pdf", corpus / STEP3, "--model", "deepseek-v3x", "--store", store, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["models"] == ["deepseek-v3x"]
    neighbour = json.loads(run("show", "deepseek-v3", "--store", store, "--json").stdout)
    assert neighbour["about"] == [] or all(not f["evidence"][0]["source"].startswith("report:") for f in neighbour["about"])
    created = json.loads(run("show", "deepseek-v3x", "--store", store, "--json").stdout)
    assert created["entity"]["curation"] == "discovered"


def test_a_model_id_that_is_not_an_id_is_one_line_exit_2(tmp_path, corpus):
    store = tmp_path / "store"
    # "Step 3!" now names the catalog's Step-3 by its name; a name nothing has is not an id either
    result = run("ingest", "pdf", corpus / STEP3, "--model", "Step 9!", "--store", store)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        'Error: --model "Step 9!" is not a model id: use lowercase letters, digits, "-" and "." '
        "(a new id creates the model), or see 'lineage ls models'"
    ]
    assert json.loads(run("ls", "sources", "--store", store, "--json").stdout) == []


@pytest.mark.parametrize(
    "path,model",
    [
        ("new/reports/Tencent-Hunyuan__Hunyuan-MT__Hunyuan_MT_Technical_Report.pdf", "hunyuan-mt-7b"),
        ("new/reports/meituan-longcat__LongCat-Flash-Thinking__tech_report.pdf", "longcat-flash-thinking"),
        ("new/reports/deepseek-ai__DeepSeek-Prover-V2__DeepSeek_Prover_V2.pdf", "deepseek-prover-v2"),
        ("new/reports/XiaomiMiMo__MiMo-Audio__MiMo-Audio-Technical-Report.pdf", "mimo-audio"),
    ],
)
def test_new_reports_name_their_own_model_and_catalog_lab(corpus, catalog, prepare_once, path, model):
    prepared = prepare_once(corpus / path)
    assert prepared.report.models == [model]
    entity = next(e for e in prepared.entities if e.id == model)
    assert entity.curation == "discovered" and entity.discovered_in == prepared.doc.id
    if model.startswith(("deepseek", "mimo", "longcat")):  # labs the catalog knows are not rediscovered
        assert entity.organization in catalog


def test_techniques_a_report_proposes_or_adopts_with_a_citation_are_discovered(tmp_path, corpus):
    store = tmp_path / "store"
    for path in (STEP3, "new/reports/inclusionAI__Ling__Ling_Coder_Lite_TR.pdf"):
        assert run("ingest", "pdf", corpus / path, "--store", store).exit_code == 0
    rows = {r["id"]: r for r in json.loads(run("ls", "techniques", "--discovered", "--store", store, "--json").stdout)}
    # Step-3 proposes MFA: introduced in its own report, by its lab, used by its model
    mfa = rows["mfa"]
    assert mfa["name"] == "Multi-Matrix Factorization Attention" and mfa["category"] == "attention"
    assert mfa["introduced_in"] == "arxiv-2507.19427" and mfa["introduced_by"] == ["stepfun"]
    assert mfa["adopters"] == 1 and mfa["discovered_in"] == "report:arxiv-2507.19427"
    # Ling-Coder-Lite adopts DPO citing its paper: introduced there, not by Ling's lab
    dpo = rows["dpo"]
    assert dpo["introduced_in"] == "arxiv-2305.18290" and dpo["introduced_by"] == []
    shown = run("ls", "techniques", "--discovered", "--store", store).stdout.splitlines()
    assert shown[0].split() == ["ID", "NAME", "CATEGORY", "INTRODUCED", "IN", "BY", "FIRST", "MODELS", "FOUND", "IN"]
    assert any(line.startswith("mfa ") for line in shown)


def test_every_new_corpus_report_names_its_model_or_says_why_not(corpus, catalog, prepare_once):
    """The 39 reports in new/: each lands on its model (catalog or discovered; a catalog series may be several), nearly all with a lab, or is refused
    in one line asking for --model; none lands on a catalog model that is not its own."""
    from lineage.errors import SourceFormatError

    named, refused, labs = {}, [], 0
    for pdf in sorted((corpus / "new" / "reports").glob("*.pdf")):
        try:
            prepared = prepare_once(pdf)
        except SourceFormatError as exc:
            assert str(exc).endswith("Pass --model ID (a new id creates the model; see 'lineage ls models')."), pdf.name
            refused.append(pdf.name)
            continue
        models = prepared.report.models  # one, or a series the catalog lists (Ling-Lite and Ling-Plus)
        assert len(models) == 1 or all(m in catalog for m in models), (pdf.name, models)
        named[pdf.name] = tuple(models)
        for model in models:
            entity = next((e for e in prepared.entities if e.id == model), None) or catalog.get(model)
            assert entity.curation == "discovered" or model in catalog
        labs += entity.organization is not None  # an academic author block may name no lab: left unknown
    assert len(named) >= 35 and len(refused) <= 4, refused
    assert labs >= len(named) - 2
    assert len(set(named.values())) == len(named)  # no two reports collapse onto one model
