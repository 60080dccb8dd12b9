"""The ``lineage`` command line: a thin layer over the library (one module per command group).

Importing it loads typer and the command modules only; each command imports the library it calls
when it runs, so ``lineage --help`` never loads pydantic, rdflib or Oxigraph. The command modules
do not use ``from __future__ import annotations``: typer would evaluate every string annotation
each time it builds a command; real annotations are evaluated once, at import. :func:`main` builds
only the command it runs (typer derives each command's options from its signature: ~0.1 s for all).
"""

from typing import Annotated

import typer

from lineage.cli import (
    aliases,
    backends,
    build,
    explain,
    export,
    flow,
    hardware,
    ideas,
    ingest,
    nouns,
    query,
    release,
    tree,
    unknowns,
)
from lineage.cli.coercion import install

install()  # typer converts plain values without pydantic (lineage.cli.coercion)

ENVIRONMENT = """\
Environment: LINEAGE_STORE (store directory, as --store), LINEAGE_CACHE (downloads and the compiled
catalog), LINEAGE_DEBUG=1 (tracebacks instead of one-line errors), NO_COLOR (no colour), COLUMNS
(table width), HF_ENDPOINT (Hugging Face mirror), HF_HOME / HF_HUB_CACHE (Hub cache), HF_HUB_OFFLINE=1.
Exit codes: 0 ok, 1 a check failed, 2 bad input or usage, 3 an external service or the store failed."""

def _typer_app() -> typer.Typer:
    """The top-level app's settings (the full app and the one-command app of :func:`_only` share them)."""
    return typer.Typer(
        name="lineage",
        help="Who reused which idea among open LLMs, with evidence and verification status for every claim.",
        epilog=ENVIRONMENT,
        no_args_is_help=True,
        add_completion=True,
        rich_markup_mode=None,  # plain click help: no rich import (~0.1 s), no <bool> metavars on flags
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )


app = _typer_app()


def _version(value: bool) -> None:
    if value:
        from lineage import __version__

        typer.echo(f"lineage {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    pass  # the group's help is the app's; this callback only carries --version


build.register(app)
ingest.register(app)
query.register(app)
export.register(app)
explain.register(app)
flow.register(app)
ideas.register(app)
hardware.register(app)
backends.register(app)
unknowns.register(app)
release.register(app)
tree.register(app)
nouns.register(app)  # the questions, in place of the commands of the same name
aliases.register(app)  # last: every renamed command hidden, with its deprecation line
QUESTIONS_FIRST = ["technique", "model", "compare", "labs", "hardware", "claims", "ls", "query", "build", "verify", "export"]
app.registered_commands.sort(key=lambda c: QUESTIONS_FIRST.index(c.name) if c.name in QUESTIONS_FIRST else len(QUESTIONS_FIRST))


def _command_name(argv: list[str]) -> str | None:
    """The command (or command group) ``argv`` runs: its first word that is not an option."""
    return next((a for a in argv if not a.startswith("-")), None)


def _only(name: str | None) -> typer.Typer:
    """``app`` with only the command ``name`` registered (``app`` itself for help or an unknown name)."""
    commands = [c for c in app.registered_commands if c.name == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return app
    lite = _typer_app()
    lite.registered_callback = app.registered_callback
    lite.registered_commands, lite.registered_groups = commands, groups
    return lite


def main() -> None:
    """Console-script entry point: usage errors are one line on stderr (exit 2), never a usage box.

    A bare ``lineage`` (or command group) prints its help and exits 0; a closed pipe
    (``lineage claims | head -1``) ends the command quietly with 0. With ``--json`` a usage error
    is ``{"error": …, "code": 2}`` on stderr.
    """
    import os
    import sys

    from lineage.cli.failures import quiet_stdout, report_error

    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")  # no entry-point scan (~50 ms); typer uses pydantic
    argv = sys.argv[1:]
    json_out = "--json" in argv or "--format=json" in argv or any(a == "--format" and b == "json" for a, b in zip(argv, argv[1:]))
    try:
        code = _only(_command_name(sys.argv[1:]))(standalone_mode=False)
        sys.stdout.flush()
    except BrokenPipeError:
        quiet_stdout()
        sys.exit(0)
    except typer.TyperException as exc:  # typer's public base of its usage and parameter errors
        ctx = getattr(exc, "ctx", None)
        if ctx is not None and type(exc).__name__ == "NoArgsIsHelpError":  # a bare group: its help
            typer.echo(ctx.get_help())
            sys.exit(0)
        if hasattr(exc, "ctx"):  # a usage error (it knows its command): where to read the usage
            where = ctx.command_path if ctx else "lineage"
            message = " ".join(exc.format_message().replace("Value error, ", "").split()).rstrip(".")
            stop = "" if message.endswith("?") else "."
            report_error(f"{message}{stop} See '{where} --help'.", exc.exit_code, json_out)
        else:
            report_error(" ".join(exc.format_message().split()), exc.exit_code, json_out)
        sys.exit(exc.exit_code)
    except typer.Abort:
        report_error("aborted", 130, json_out)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


def run() -> None:
    """The ``lineage`` process (``python -m lineage``, the console script): :func:`main`, made for a process
    that ends when it returns.

    What the imports built lives as long as the process, so the collector is told to leave it be
    (measured: claims, 3,700 records, 0.37 -> 0.32 s).  At the end, when nothing waits to run at
    exit (no ``atexit`` hook, no other thread), the process leaves without tearing the interpreter
    down: freeing every object one by one is work the operating system does at once (~30 ms after
    3,700 claims).  Output is flushed first; every file a command writes it closes itself.
    """
    import atexit
    import gc
    import os
    import sys
    import threading

    gc.freeze()
    try:
        main()
        code = 0
    except SystemExit as exc:
        if exc.code is not None and not isinstance(exc.code, int):
            raise
        code = exc.code or 0
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: the normal exit says nothing more either
        sys.exit(code)
    if threading.active_count() == 1 and not getattr(atexit, "_ncallbacks", lambda: 1)():
        os._exit(code)
    sys.exit(code)
