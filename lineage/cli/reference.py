"""The CLI reference (docs/cli.md), generated from the app: every visible command's ``--help``, and the
map of old command names to the commands that replace them.

``python -m lineage.cli.reference > docs/cli.md`` writes it; ``tests/test_docs.py`` fails when the
committed file differs from what the app prints now.
"""

from __future__ import annotations

import os

import typer.main

from lineage.cli import app
from lineage.cli.aliases import RENAMED

HEAD = """# Command reference

Generated from the app by `python -m lineage.cli.reference > docs/cli.md` (a test fails when it is stale).
Every question takes `--format table|json|md|csv` (`--json` is short for `--format json`) and
`--min-status STATUS`, with one status order: verified > disputed > reported > unverified > contradicted.
"""


def _help(command, path: list[str]) -> str:
    with command.make_context(path[-1], ["--help"], resilient_parsing=True) as ctx:
        ctx.info_name = " ".join(path)
        return command.get_help(ctx)


def _walk(command, path: list[str]):
    yield path, command
    for name in getattr(command, "list_commands", lambda ctx: [])(None):
        sub = command.get_command(None, name)
        if sub is not None and not sub.hidden:
            yield from _walk(sub, [*path, name])


def reference() -> str:
    """The Markdown of docs/cli.md, at 100 columns whatever the terminal."""
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "100"
    try:
        parts = [HEAD]
        for path, command in _walk(typer.main.get_command(app), ["lineage"]):
            parts.append(f"## {' '.join(path)}\n\n```text\n{_help(command, path).rstrip()}\n```\n")
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved
    rows = "\n".join(f"| `lineage {old}` | `lineage {new}` |" for old, new in RENAMED.items())
    parts.append("## Old command names\n\nEach still runs, hidden from `--help`, after one line on stderr naming its "
                 f"replacement; they go in the next release.\n\n| old | now |\n|---|---|\n{rows}\n")
    return "\n".join(parts)


if __name__ == "__main__":
    print(reference(), end="")
