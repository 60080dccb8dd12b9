"""The commands of earlier releases, kept for one release as hidden aliases of the noun-first set.

Each still runs its own function with its own options (so it answers as before) after one line on
stderr naming the command that replaces it.  Developer tools move under ``lineage dev``; ``fetch``
and ``diff`` under ``lineage release``.
"""

import functools

import typer

from lineage.cli.build import schema_command
from lineage.cli.export import validate_command
from lineage.cli.release import diff_command, fetch_command, release_app
from lineage.cli.unknowns import unknowns_command

RENAMED = {
    "who-uses": "technique",
    "origin": "technique",
    "explain": "technique --run",
    "adopters": "technique",
    "timeline": "technique",
    "ancestry": "technique",
    "descendants": "technique",
    "show": "model",
    "inherited": "model",
    "on-hardware": "model",
    "path": "model --from",
    "family-changes": "compare --changes",
    "flow": "labs",
    "symbiosis": "labs --symbiosis",
    "techniques": "ls techniques",
    "models": "ls models",
    "sources": "ls sources",
    "why": "claims --why",
    "flags": "claims --flagged",
    "fetch": "release fetch",
    "diff": "release diff",
    "schema": "dev schema",
    "unknowns": "dev unknowns",
    "validate": "dev validate",
}
"""Old command -> the command (and option) that answers it now: the map the README and docs/cli.md print."""

dev_app = typer.Typer(help="Developer tools: seed schemas, unread config keys, SHACL validation.", no_args_is_help=True)
dev_app.command("schema")(schema_command)
dev_app.command("unknowns")(unknowns_command)
dev_app.command("validate")(validate_command)
release_app.command("fetch")(fetch_command)
release_app.command("diff")(diff_command)


def notice(old: str) -> str:
    """The one line an alias prints on stderr."""
    return f"Note: 'lineage {old}' is deprecated and goes in the next release; use 'lineage {RENAMED[old]}'."


def deprecated(old: str, fn):
    """``fn`` (a command function), printing :func:`notice` first; typer reads ``fn``'s options through ``__wrapped__``."""

    @functools.wraps(fn)
    def alias(*args, **kwargs):
        typer.echo(notice(old), err=True)
        return fn(*args, **kwargs)

    return alias


def register(app: typer.Typer) -> None:
    """Hide every renamed command of ``app`` behind its deprecation line; add ``dev`` and ``release fetch|diff``."""
    for info in app.registered_commands:
        if info.name in RENAMED and not info.hidden:
            info.hidden = True
            info.callback = deprecated(info.name, info.callback)
    app.add_typer(dev_app, name="dev")
