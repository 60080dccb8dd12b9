"""The ``lineage`` command line: a thin layer over the library (one module per command group)."""

from __future__ import annotations

import typer

from lineage.cli import backends, build, explain, export, flow, ingest, query, release, unknowns

app = typer.Typer(
    name="lineage",
    help="Who reused which idea among open LLMs, with evidence and verification status for every claim.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
build.register(app)
ingest.register(app)
query.register(app)
export.register(app)
explain.register(app)
flow.register(app)
backends.register(app)
unknowns.register(app)
release.register(app)


def main() -> None:
    """Console-script entry point: usage errors are one line on stderr (exit 2), never a usage box."""
    import sys

    from typer._click import exceptions as click  # typer vendors click (0.29+); its errors live here

    try:
        code = app(standalone_mode=False)
    except click.NoArgsIsHelpError as exc:  # a bare group: its help, as before
        typer.echo(exc.ctx.get_help())
        sys.exit(exc.exit_code)
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx else "lineage"
        message = " ".join(exc.format_message().replace("Value error, ", "").split()).rstrip(".")
        typer.echo(f"Error: {message}. See '{where} --help'.", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        typer.echo(f"Error: {' '.join(exc.format_message().split())}", err=True)
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("Error: aborted", err=True)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
