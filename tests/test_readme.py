"""The README's tour shows real output: each `$ lineage …` block must match what the command prints now."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lineage.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
BLOCKS = re.findall(r"```text\n\$ (lineage [^\n|]+)\n(.*?)\n```", README, re.S)
COMMANDS = {"lineage who-uses mla", "lineage origin muon", "lineage who-uses mla2", "lineage flow deepseek moonshot-ai"}


def test_readme_has_the_two_setup_commands_and_ci_runs_the_test_one():
    bash = re.findall(r"```bash\n(.*?)\n```", README, re.S)
    assert len(bash) == 2
    install, tests = bash
    assert install.endswith("lineage build && .venv/bin/lineage who-uses mla")
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert install in ci and ci.rstrip().endswith(tests)


@pytest.mark.parametrize("command,shown", [b for b in BLOCKS if b[0] in COMMANDS], ids=lambda v: v if " " in v else "")
def test_readme_output_is_what_the_command_prints(built_store_path, command, shown):
    result = CliRunner().invoke(app, shlex.split(command)[1:] + ["--store", str(built_store_path)])
    assert (result.stdout + result.stderr).rstrip() == shown.rstrip()
