"""``lineage export FORMAT PATH``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lineage.cli.options import JsonOpt, StoreOpt, emit_json, handles_errors, load_catalog, open_store


def register(app: typer.Typer) -> None:
    app.command("export")(export_command)
    app.command("validate")(validate_command)


@handles_errors
def export_command(
    fmt: Annotated[str, typer.Argument(metavar="FORMAT", help="ttl, trig, jsonld, html, graphml, gexf or csv.")],
    path: Annotated[Path, typer.Argument(help="File to write.")],
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Export the store as RDF (ttl, trig with one graph per source, jsonld), an offline HTML graph, GraphML/GEXF
    (Gephi, Cytoscape) or a CSV edge list."""
    from lineage.export import export
    from lineage.questions.evidence import require_built

    with open_store(store) as st:
        catalog = load_catalog(st)
        require_built(st)
        report = export(st, catalog, fmt.lower(), path)
    if json_out:
        emit_json(report)
        return
    extra = f" ({report.nodes} nodes, {report.edges} edges)" if report.nodes is not None else ""
    typer.echo(f"Wrote {report.path}: {report.format}, {report.bytes:,} bytes{extra}.")


@handles_errors
def validate_command(store: StoreOpt = None, json_out: JsonOpt = False) -> None:
    """Check the whole store against the SHACL shapes in ontology/shapes.ttl (exit 1 on violations)."""
    from lineage.errors import CheckFailed
    from lineage.questions.evidence import require_built
    from lineage.store.shapes import validate

    with open_store(store) as st:
        require_built(st)
        conforms, report = validate(st.union_graph())
    if json_out:
        emit_json({"conforms": conforms, "report": report})
    elif conforms:
        typer.echo("The store conforms to ontology/shapes.ttl.")
    if not conforms:
        violations = report.count("Constraint Violation")
        if not json_out:
            typer.echo(report)
        raise CheckFailed(f"the store violates ontology/shapes.ttl ({violations} violations, listed above)")
