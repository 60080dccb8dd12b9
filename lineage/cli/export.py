"""``lineage export FORMAT PATH``."""

from pathlib import Path
from typing import Annotated

import typer

from lineage.cli.failures import handles_errors, quiet_stdout
from lineage.cli.options import JsonOpt, StoreOpt
from lineage.cli.progress import progress
from lineage.cli.render import emit_json
from lineage.cli.stores import STDIN, load_catalog, open_store


def register(app: typer.Typer) -> None:
    app.command("export")(export_command)
    app.command("validate")(validate_command)


@handles_errors
def export_command(
    fmt: Annotated[str, typer.Argument(metavar="FORMAT", help="ttl, trig, nq, nt, jsonld, html, graphml, gexf or csv.")],
    path: Annotated[Path, typer.Argument(help="File to write; - writes to stdout.")],
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Export the store as RDF (trig and nq with one graph per source; ttl, nt and jsonld merged), an offline HTML
    graph, GraphML/GEXF (Gephi, Cytoscape) or a CSV edge list."""
    if path == STDIN:
        import shutil
        import sys
        import tempfile

        from lineage.errors import SourceFormatError

        with tempfile.TemporaryDirectory(prefix="lineage-export-") as tmp:
            target = Path(tmp) / f"export.{fmt.lower()}"
            _export(store, fmt, target)
            try:
                with open(target, "rb") as fh:
                    shutil.copyfileobj(fh, sys.stdout.buffer)
                sys.stdout.flush()
            except BrokenPipeError:
                raise
            except OSError as exc:  # ENOSPC (> /dev/full), EIO
                quiet_stdout()
                raise SourceFormatError(f'cannot write the export to standard output ("-"): {exc.strerror or exc}') from None
        return
    report = _export(store, fmt, path)
    if json_out:
        emit_json(report)
        return
    extra = f" ({report.nodes} nodes, {report.edges} edges)" if report.nodes is not None else ""
    typer.echo(f"Wrote {report.path}: {report.format}, {report.bytes:,} bytes{extra}.")


def _export(store, fmt: str, path: Path):
    from lineage.export import export
    from lineage.questions.evidence import require_built

    with open_store(store) as st, progress(None, f"Exporting {fmt}"):
        catalog = load_catalog(st)
        require_built(st)
        return export(st, catalog, fmt.lower(), path)


@handles_errors
def validate_command(store: StoreOpt = None, json_out: JsonOpt = False) -> None:
    """Check the whole store against the SHACL shapes in ontology/shapes.ttl (exit 1 on violations)."""
    from lineage.errors import CheckFailed
    from lineage.questions.evidence import require_built
    from lineage.store.shapes import validate

    with open_store(store) as st, progress(None, "Validating against ontology/shapes.ttl"):
        if unfinished := st.unfinished_build():
            raise unfinished
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
