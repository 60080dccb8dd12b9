"""Every status is decided in the verify layer: readers produce drafts, :func:`settle` gives the first status.

The AST scan below fails when a module outside the verify layer names a status to give one: a
``Status.X`` that is not compared with, a ``Status("...")`` literal, a ``Claim(status=...)`` or a
``model_copy(update={"status": ...})``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from lineage.domain import Claim, Draft, Evidence, Method, Predicate, Role, SourceKind, Status, utcnow
from lineage.verify_draft import first_status, settle

PACKAGE = Path(__file__).resolve().parents[1] / "lineage"

VERIFY_LAYER = {"verify.py", "verify_index.py", "verify_ratios.py", "verify_draft.py", "combine.py"}
"""Where statuses are decided: the first status of a draft, re-checks against primary sources, and the
verdict over several claims that read commands show."""

FILTERS = {
    "questions/listing.py": "sorts stored rows so a verified parameter count wins; it reads stored statuses",
}
"""Modules that name a status member outside a comparison to filter or sort by, never to give one."""


def _violations(source: str, filters_ok: bool = False) -> list[tuple[int, str]]:
    """Where ``source`` names a status to give one: (line, what)."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    defaults = {id(d) for node in ast.walk(tree) if isinstance(node, ast.arguments)
                for d in [*node.defaults, *node.kw_defaults] if d is not None}
    keys = {id(k) for node in ast.walk(tree) if isinstance(node, ast.Dict) for k in node.keys if k is not None}

    def read_only(node) -> bool:
        while node in parents:
            if isinstance(node, ast.Compare) or id(node) in defaults or id(node) in keys:
                return True
            if isinstance(parents[node], ast.Subscript) and parents[node].slice is node:
                return True
            node = parents[node]
        return False

    out = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Status"
                and node.attr.isupper() and not filters_ok and not read_only(node)):
            out.append((node.lineno, f"Status.{node.attr}"))
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name == "Status" and node.args and isinstance(node.args[0], ast.Constant):
                out.append((node.lineno, f"Status({node.args[0].value!r})"))
            if name == "Claim" and any(k.arg == "status" for k in node.keywords):
                out.append((node.lineno, "Claim(status=...)"))
            if name == "model_copy":
                for k in node.keywords:
                    if k.arg == "update" and isinstance(k.value, ast.Dict) and any(
                            isinstance(x, ast.Constant) and x.value == "status" for x in k.value.keys):
                        out.append((node.lineno, 'model_copy(update={"status": ...})'))
    return out


def test_statuses_are_set_only_in_the_verify_layer():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel in VERIFY_LAYER:
            continue
        found += [f"lineage/{rel}:{line}: {what}" for line, what in _violations(path.read_text(), rel in FILTERS)]
    assert not found, "statuses set outside the verify layer (produce a Draft and settle it):\n" + "\n".join(found)


def test_every_filter_exception_is_still_needed():
    for rel in FILTERS:
        assert _violations((PACKAGE / rel).read_text()), f"{rel} no longer names a status outside a comparison"


@pytest.mark.parametrize(("source", "expected"), [
    ("c = Claim(subject='m', status=Status.VERIFIED)", ["Status.VERIFIED", "Claim(status=...)"]),
    ("status = Status.VERIFIED if own else Status.REPORTED", ["Status.VERIFIED", "Status.REPORTED"]),
    ("c = c.model_copy(update={'status': s})", ['model_copy(update={"status": ...})']),
    ("s = Status('verified')", ["Status('verified')"]),
    ("ok = c.status is Status.VERIFIED or c.status in (Status.REPORTED,)", []),
    ("def f(min_status=Status.UNVERIFIED): return RANK[Status.DISPUTED]", []),
    ("RANK = {Status.VERIFIED: 0}", []),
    ("s = Status(row['status'])", []),
])
def test_the_scan_tells_giving_a_status_from_reading_one(source, expected):
    assert sorted(what for _, what in _violations(source)) == sorted(expected)


def _draft(**update) -> Draft:
    ev = Evidence(source="report:x", source_kind=SourceKind.PRIMARY, locator="p. 1", snippet="s",
                  method=Method.TEXT, retrieved_at=utcnow())
    return Draft(subject="m", predicate=Predicate.USES, object="mla", primary=True, reason="r", evidence=(ev,)).model_copy(
        update=update)


@pytest.mark.parametrize(("primary", "role", "status"), [
    (True, Role.STATES, Status.VERIFIED),
    (True, Role.RULES_OUT, Status.CONTRADICTED),
    (True, Role.INFERRED, Status.REPORTED),
    (True, Role.UNCHECKABLE, Status.UNVERIFIED),
    (False, Role.STATES, Status.REPORTED),
    (False, Role.RULES_OUT, Status.REPORTED),
    (False, Role.INFERRED, Status.REPORTED),
    (False, Role.UNCHECKABLE, Status.UNVERIFIED),
])
def test_first_status_table(primary, role, status):
    d = _draft(primary=primary, role=role)
    assert first_status(d) is status
    c = settle(d)
    assert isinstance(c, Claim) and c.status is status
    assert (c.id, c.reason, c.evidence) == (d.id, d.reason, d.evidence)


def test_a_draft_is_checked_like_a_claim():
    with pytest.raises(ValueError, match="exactly one of object or value"):
        Draft(subject="m", predicate=Predicate.USES, primary=True, reason="r", evidence=_draft().evidence)
