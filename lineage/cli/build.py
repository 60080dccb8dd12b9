"""``lineage build``: the store from the seed catalog and the bundled sources."""

from pathlib import Path
from typing import Annotated

import typer

from lineage.cli.failures import handles_errors
from lineage.cli.options import JsonOpt, StoreOpt
from lineage.cli.progress import progress
from lineage.cli.render import emit_json, human
from lineage.cli.stores import load_catalog, open_store


def _counted(n: int, kind: str) -> str:
    """``163 configs``, ``1 measurement``, ``2 family-change graphs``."""
    name = {"family": "family-change graph"}.get(kind, kind)
    return f"{n} {name}" + ("" if n == 1 else "s")


def register(app: typer.Typer) -> None:
    app.command("build")(build_command)
    app.command("schema")(schema_command)
    app.command("verify")(verify_command)


@handles_errors
def build_command(
    store: StoreOpt = None,
    fresh: bool = typer.Option(False, "--fresh", help="Empty the store first (drops ingested reports too)."),
    no_release: bool = typer.Option(False, "--no-release", help="Ingest the bundled configs instead of loading the shipped graph release."),
    json_out: JsonOpt = False,
) -> None:
    """Build the store from seeds/ (catalog) and the shipped graph release (else the bundled model configs)."""
    from lineage.build import build
    from lineage.catalog.config_sources import bundled_configs
    from lineage.store.release_files import shipped

    release = None if no_release else shipped()
    steps = 5 + (0 if release else len(bundled_configs()))
    with open_store(store, write=True) as st, progress(steps, "Building store") as bar:
        catalog = load_catalog(st)
        report = build(st, catalog, fresh=fresh, progress=lambda _: bar.update(1), release=release)
    if json_out:
        emit_json(report)
        return
    if report.restarted:
        typer.echo(f"Redid the build started at {report.restarted}, which did not finish.")
    if report.release is not None:
        r = report.release
        typer.echo(
            f"Built {report.store}: {report.entities} catalog entities and the graph release: {r.graphs} sources "
            f"({', '.join(_counted(n, k) for k, n in r.kinds.items())}), {r.claims} claims; {r.models} models from "
            f"{r.organizations} organizations; {report.triples} triples."
        )
        typer.echo("Text evidence of reports and cards is kept as locators; 'lineage release fetch --mirror DIR' shows it.")
        return
    n_claims = report.catalog_claims + sum(c.claims for c in report.configs)
    typer.echo(
        f"Built {report.store}: {report.entities} catalog entities, {len(report.configs)} configs, "
        f"{n_claims} claims, {report.triples} triples."
    )
    for c in report.configs:
        p = c.parameters
        size = f"{human(p.total)} total / {human(p.active)} active" if p.total else "parameters: layout not supported"
        file = c.source.rsplit("/", 1)[-1]
        typer.echo(f"  {c.model:<18} {c.status.value:<9} {len(c.techniques):>2} techniques, {size:<32} {file}")


@handles_errors
def schema_command(
    directory: Annotated[Path | None, typer.Argument(help="Where to write (default: seeds/schema).")] = None,
) -> None:
    """Regenerate the JSON Schemas of the seed files from the pydantic models."""
    from lineage.catalog.schema import write_schemas

    for path in write_schemas(directory):
        typer.echo(f"Wrote {path}")


@handles_errors
def verify_command(store: StoreOpt = None, json_out: JsonOpt = False) -> None:
    """Re-check every secondary claim against the primary sources now in the store, and efficiency ratios by measurement (idempotent)."""
    from lineage.questions.evidence import require_built
    from lineage.verify import verify

    with open_store(store, write=True) as st:
        catalog = load_catalog(st)
        require_built(st)
        report = verify(st, catalog)
    if json_out:
        emit_json(report)
        return
    counts = ", ".join(f"{n} {s}" for s, n in sorted(report.by_status.items()))
    typer.echo(f"Verified {report.claims} claims from {report.sources} sources: {counts or 'none'}.")
    typer.echo(f"{report.changed} changed status. See 'lineage claims --flagged'.")
