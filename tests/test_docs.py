"""Every output README.md and docs/ show is what the command prints now, and docs/cli.md is the app's help.

Each ```text block that starts with ``$ lineage …`` is run again on the store the tests build, at 100
columns, and compared with what the page shows. ``LINEAGE_UPDATE_DOCS=1`` rewrites the pages instead
(then read the diff before committing it).
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lineage.cli import app

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"```text\n\$ (lineage [^\n|]+)\n(.*?)\n```", re.S)
UPDATE = bool(os.environ.get("LINEAGE_UPDATE_DOCS"))
SHOWN = [(page, command) for page in PAGES for command, _ in BLOCK.findall(page.read_text())]


def printed(command: str, store: Path) -> str:
    result = CliRunner().invoke(app, shlex.split(command)[1:] + ["--store", str(store)], env={"COLUMNS": "100"})
    return (result.stdout + result.stderr).rstrip()


def test_docs_show_outputs_and_the_readme_tour_answers_the_four_questions():
    tour = {command for page, command in SHOWN if page.name == "README.md"}
    assert {c.split()[1] for c in tour} >= {"technique", "labs", "claims"}
    assert len(SHOWN) >= 10


@pytest.mark.parametrize("page,command", SHOWN, ids=[f"{p.name}:{c}" for p, c in SHOWN])
def test_shown_output_is_what_the_command_prints(built_store_path, page, command):
    now = printed(command, built_store_path)
    text = page.read_text()
    start = text.index(f"```text\n$ {command}\n") + len(f"```text\n$ {command}\n")
    shown = text[start:text.index("\n```", start)]
    if UPDATE and shown.rstrip() != now:
        page.write_text(text[:start] + now + text[text.index("\n```", start):])
        return
    assert shown.rstrip() == now


def test_cli_reference_is_generated_from_the_app():
    from lineage.cli.reference import reference

    path = ROOT / "docs" / "cli.md"
    if UPDATE:
        path.write_text(reference())
    assert path.read_text() == reference(), "docs/cli.md is stale: python -m lineage.cli.reference > docs/cli.md"
