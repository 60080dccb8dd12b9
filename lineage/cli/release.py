"""``lineage release``: the pinned source list and the graph release built from it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lineage.cli.failures import handles_errors
from lineage.cli.options import JsonOpt, StoreOpt
from lineage.cli.progress import progress
from lineage.cli.render import emit_json
from lineage.cli.stores import open_store

release_app = typer.Typer(help="The graph release: pinned sources, built into N-Quads.", no_args_is_help=True)

FromOpt = Annotated[Path, typer.Option("--from", help="Corpus folder with MANIFEST.tsv (e.g. ../shared/corpus).")]


def register(app: typer.Typer) -> None:
    app.add_typer(release_app, name="release")
    app.command("fetch")(fetch_command)
    app.command("diff")(diff_command)


@release_app.command("sources")
@handles_errors
def sources_command(corpus: FromOpt, output: Annotated[Path | None, typer.Option("--output", "-o", help="Where to write (default: seeds/sources/release.yaml).")] = None) -> None:
    """Regenerate the pinned source list from a corpus folder's MANIFEST files and bytes."""
    from lineage.release.sources import from_corpus, write

    found = from_corpus(corpus)
    path = write(found, output)
    counts = {k: sum(s.kind == k for s in found) for k in ("config", "report", "card")}
    typer.echo(f"Wrote {path}: {len(found)} sources ({', '.join(f'{n} {k}s' for k, n in counts.items())}).")


@release_app.command("build")
@handles_errors
def build_command(
    directory: Annotated[Path, typer.Argument(help="Where to write release.nq.gz and manifest.json (shipped: seeds/release).")],
    corpus: FromOpt,
    json_out: JsonOpt = False,
) -> None:
    """Ingest every pinned source from a corpus folder, verify, and write the release as N-Quads."""
    from lineage.release.sources import load
    from lineage.release.write import build_release
    from lineage.store.release_files import QUADS

    sources = load()
    with progress(len(sources), "Building release", show=not json_out) as bar:
        manifest = build_release(directory, corpus, sources, progress=lambda _: bar.update(1))
    if json_out:
        emit_json(manifest)
        return
    size = (directory / QUADS).stat().st_size / 1e6
    typer.echo(
        f"Wrote {directory / QUADS} ({size:.1f} MB): {manifest.graphs} source graphs, {manifest.claims} claims, "
        f"{manifest.quads} quads; {manifest.models} models from {manifest.organizations} organizations."
    )
    for s in manifest.skipped:
        typer.echo(f"  skipped {s.path}: {s.reason}")


@handles_errors
def fetch_command(
    sources: Annotated[list[str] | None, typer.Argument(help="Source ids or corpus paths (default: every report and card).")] = None,
    mirror: Annotated[Path | None, typer.Option("--mirror", help="A folder laid out like the corpus (e.g. ../shared/corpus); default: download each document from the repository and commit it is pinned to (env LINEAGE_RAW_BASE).")] = None,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Bring the release's reports and cards into the cache (sha256 checked), so evidence shows its text."""
    from lineage.questions.evidence import require_built
    from lineage.release.fetch import fetch

    with open_store(store) as st, progress(None, "Fetching documents", show=not json_out) as bar:
        require_built(st)
        report = fetch(st, mirror, sources or [], progress=bar.pages)
    if json_out:
        emit_json(report)
        return
    typer.echo(f"Fetched {len(report.fetched)} documents into {report.cache}; evidence now shows their text.")


@handles_errors
def diff_command(
    a: Annotated[Path, typer.Argument(help="A store folder or a release folder (with manifest.json).")],
    b: Annotated[Path, typer.Argument(help="The store or release to compare it with.")],
    json_out: JsonOpt = False,
) -> None:
    """Compare two stores or releases claim by claim: added, removed, status changed (with reasons)."""
    from lineage.release.diff import diff

    report = diff(a, b)
    if json_out:
        emit_json(report)
        return
    typer.echo(f"{len(report.added)} added, {len(report.removed)} removed, {len(report.changed)} changed status.")
    for r in report.added:
        typer.echo(f"+ {r.source}  {r.statement}  [{r.status}]")
    for r in report.removed:
        typer.echo(f"- {r.source}  {r.statement}  [{r.status}]")
    for c in report.changed:
        typer.echo(f"~ {c.source}  {c.statement}  {c.before} -> {c.after}: {c.reason_after}")
