"""Credit and users on the built store with every corpus report ingested (issue 12, items 6 and 7).

``flow`` credits an organization on basis ``cited`` only when the model's report cites the paper
that introduced the technique; ``who-uses`` never counts a model a primary source rules out.
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from lineage.cli import app
from lineage.domain import Predicate, Status
from lineage.store import Store

runner = CliRunner()


def _record(path) -> tuple[dict, dict, dict]:
    """From the store's claims, not the question code: introducing orgs, introducing papers, citations."""
    by, papers, cites, reports = {}, {}, {}, {}
    with Store(path) as s:
        for c in s.claims():
            if c.status is Status.CONTRADICTED:
                continue
            if c.predicate is Predicate.INTRODUCED_BY:
                by.setdefault(c.subject, set()).add(c.object)
            elif c.predicate is Predicate.INTRODUCED_IN:
                papers.setdefault(c.subject, set()).add(c.object)
            elif c.predicate is Predicate.CITES:
                cites.setdefault(c.subject, set()).add(c.object)
        for m in s.select("SELECT ?m ?r WHERE { ?m <https://w3id.org/lineage/vocab#report> ?r }", entity_ids=True):
            reports[m["m"]] = m["r"]
    cited_by_model = {m: cites.get(m, set()) | cites.get(reports.get(m), set()) for m in set(cites) | set(reports)}
    return by, papers, cited_by_model


def test_every_cited_credit_in_flow_json_names_the_techniques_introducing_organization(reports_store_path):
    result = runner.invoke(app, ["labs", "--json", "--store", str(reports_store_path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    items = [i for p in data["pairs"] for i in p["items"]] + data["unattributed"]
    cited = [i for i in items if i["attribution"] and i["attribution"]["basis"] == "cited"]
    by, papers, cites = _record(reports_store_path)
    wrong = [
        (i["from_org"], i["to_org"], i["technique"], i["model"], i["attribution"]["via"])
        for i in cited
        if i["from_org"] not in by.get(i["technique"], set())
        or i["attribution"]["via"] not in papers.get(i["technique"], set())
        or i["attribution"]["via"] not in cites.get(i["model"], set())
    ]
    assert wrong == []
    assert len(cited) >= 20  # the corpus reports cite the introducing papers of what they use
    credited = {(i["from_org"], i["technique"]) for i in cited}
    assert ("moonshot-ai", "muon") not in credited  # citing Moonlight's report is no credit for Muon
    assert {("google", "gqa"), ("meta", "mtp"), ("zhuiyi", "rope")} <= credited


def test_who_uses_mtp_lists_moonlight_as_ruled_out_and_counts_only_users(reports_store_path):
    result = runner.invoke(app, ["who-uses", "mtp", "--json", "--store", str(reports_store_path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    users = {r["model"] for r in data["rows"]}
    assert [r["model"] for r in data["ruled_out"]] == ["moonlight-16b-a3b"]
    assert "moonlight-16b-a3b" not in users
    assert {"deepseek-v3", "mimo-7b-base", "glm-4.5", "glm-4.5-air"} <= users
    assert all(r["status"] != "contradicted" for r in data["rows"])
    (moonlight,) = data["ruled_out"]
    assert moonlight["evidence"][0]["supports"] is False and moonlight["evidence"][0]["locator"].startswith("p. ")

    text = runner.invoke(app, ["who-uses", "mtp", "--store", str(reports_store_path)]).stdout.splitlines()
    assert text[1] == f"{len(users)} models ({len(users)} verified); first verified adopter: deepseek-v3"
    at = text.index("Ruled out by a primary source: 1 model")
    assert text[at + 1].split() == ["MODEL", "RELEASED", "EVIDENCE"]
    assert text[at + 2].startswith("Moonlight-16B-A3B  2025-02   [text] p. ")
    assert len(text) == at + 3
