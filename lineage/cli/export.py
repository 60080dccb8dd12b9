"""``lineage export FORMAT PATH``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lineage.cli.options import JsonOpt, StoreOpt, emit_json, handles_errors, load_catalog, open_store


def register(app: typer.Typer) -> None:
    app.command("export")(export_command)


@handles_errors
def export_command(
    fmt: Annotated[str, typer.Argument(metavar="FORMAT", help="ttl, trig, jsonld or html.")],
    path: Annotated[Path, typer.Argument(help="File to write.")],
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Export the store as RDF (ttl, trig with one graph per source, jsonld) or an offline HTML graph."""
    from lineage.export import export
    from lineage.queries import require_built

    catalog = load_catalog()
    with open_store(store) as st:
        require_built(st)
        report = export(st, catalog, fmt.lower(), path)
    if json_out:
        emit_json(report)
        return
    extra = f" ({report.nodes} nodes, {report.edges} edges)" if report.nodes is not None else ""
    typer.echo(f"Wrote {report.path}: {report.format}, {report.bytes:,} bytes{extra}.")
