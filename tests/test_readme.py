"""The README's two commands: install and run the main job, then the tests, which .ci/run calls exactly.

Its tour blocks, and those of docs/, are checked against a fresh run by tests/test_docs.py.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_readme_has_the_two_setup_commands_and_ci_runs_the_test_one():
    bash = re.findall(r"```bash\n(.*?)\n```", README, re.S)
    assert len(bash) == 2
    install, tests = bash
    assert install.endswith("lineage build && .venv/bin/lineage technique mla")
    ci = (ROOT / ".ci" / "run").read_text()
    assert install in ci and ci.rstrip().endswith(tests)


def test_readme_is_short_and_links_every_docs_page():
    assert len(README.split()) <= 1500
    pages = sorted(p.name for p in (ROOT / "docs").glob("*.md"))
    assert pages == ["architecture.md", "cli.md", "concepts.md", "explorer.md", "performance.md", "questions.md",
                     "sources.md"]
    assert all(f"(docs/{page})" in README for page in pages)
