"""``lineage explain``: a technique's card and, with --run, its measured demo."""

from typing import Annotated

import typer

from lineage.cli.pipeline import STORED, Asked, question
from lineage.cli.query import card
from lineage.cli.render import table
from lineage.cli.stores import load_catalog, open_store


def register(app: typer.Typer) -> None:
    app.command("explain")(explain_command)


def show_explanation(result, asked: Asked) -> None:
    """``lineage explain``: the technique's card, its measured KV cache and, with ``--run``, its demo."""
    o = result.origin
    typer.echo(f"{o.name} ({o.technique}), {o.category}")
    card(o)
    for f in o.facts:
        typer.echo(f"  {f.predicate.value}: {f.label}  [{f.status.value}]")
    shown = ", ".join(result.adopters[:8]) + (f" (+{len(result.adopters) - 8} more)" if len(result.adopters) > 8 else "")
    typer.echo(f"  adopters ({len(result.adopters)}): {shown or 'none in the store'}")
    if result.implementation:
        typer.echo(f"  implementation: {result.implementation}")
        typer.echo(f"  implementation follows: {', '.join(result.papers)}")
    else:
        typer.echo("  implementation: none yet in lineage/techniques/")
    if result.measured:
        typer.echo("\nMeasured KV cache (claims in the store):")
        rows = [[m["model"], f"{int(m['kv_bytes_per_token']):,}", m.get("vs_mha", "")] for m in result.measured]
        typer.echo(table(["MODEL", "B/TOKEN (BF16)", "VS MHA"], rows))
    if asked.given.get("run"):
        if result.demo is None:
            typer.echo("\nNo demo for this technique yet.")
            return
        typer.echo(f"\nDemo ({result.demo['module']}):")
        rows = [
            [m["label"], f"{m['value']:,}" if isinstance(m["value"], int) else m["value"], m["unit"] or "", m["note"] or ""]
            for m in result.demo["measurements"]
        ]
        typer.echo(table(["MEASURED", "VALUE", "UNIT", "HOW"], rows))


@question(show_explanation, STORED)
def explain_command(
    asked: Asked,
    technique: Annotated[str, typer.Argument(help="Technique id, name or alias (see 'lineage ls techniques').")],
    run: Annotated[bool, typer.Option("--run", help="Run the technique's small demo and print what it measures (needs torch).")] = False,
    record: Annotated[bool, typer.Option("--record", help="With --run: write measured KV-cache sizes into the store as claims.")] = False,
):
    """Origin, adopters, reference implementation and paper of a technique; --run measures it."""
    from lineage.questions.technique import explain

    with open_store(asked.store, write=run and record) as st:
        catalog = load_catalog(st)
        if run and record:
            from lineage.ingest.kv_measured import record_kv

            record_kv(st)
        return explain(st, catalog, technique, run=run)
