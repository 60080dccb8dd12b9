"""The ``lineage`` command line: a thin layer over the library (one module per command group)."""

from __future__ import annotations

import typer

from lineage.cli import backends, build, explain, export, flow, hardware, ingest, query

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
hardware.register(app)
backends.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
