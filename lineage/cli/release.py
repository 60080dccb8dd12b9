"""``lineage release``: the pinned source list and the graph release built from it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lineage.cli.options import handles_errors

release_app = typer.Typer(help="The graph release: pinned sources, built into N-Quads.", no_args_is_help=True)

FromOpt = Annotated[Path, typer.Option("--from", help="Corpus folder with MANIFEST.tsv (e.g. ../shared/corpus).")]


def register(app: typer.Typer) -> None:
    app.add_typer(release_app, name="release")


@release_app.command("sources")
@handles_errors
def sources_command(corpus: FromOpt, output: Annotated[Path | None, typer.Option("--output", "-o", help="Where to write (default: seeds/sources/release.yaml).")] = None) -> None:
    """Regenerate the pinned source list from a corpus folder's MANIFEST files and bytes."""
    from lineage.release.sources import from_corpus, write

    found = from_corpus(corpus)
    path = write(found, output)
    counts = {k: sum(s.kind == k for s in found) for k in ("config", "report", "card")}
    typer.echo(f"Wrote {path}: {len(found)} sources ({', '.join(f'{n} {k}s' for k, n in counts.items())}).")
