"""``lineage unknowns``: config keys the detector does not understand yet."""

from typing import Annotated

import typer

from lineage.cli.failures import handles_errors
from lineage.cli.options import JsonOpt, LimitOpt, StoreOpt
from lineage.cli.render import emit_json, table
from lineage.cli.stores import open_store


def register(app: typer.Typer) -> None:
    app.command("unknowns")(unknowns_command)


@handles_errors
def unknowns_command(
    model: Annotated[str | None, typer.Option("--model", "-m", help="Only this model's configs.")] = None,
    store: StoreOpt = None,
    limit: LimitOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Architecture keys of ingested configs that no detection rule reads, the most widespread first."""
    from lineage.questions.unknowns import unknowns

    with open_store(store) as st:
        result = unknowns(st, model)
    if json_out:
        emit_json(result[:limit])
        return
    rows = [[u.key, str(len(u.models)), ", ".join(u.models), u.example] for u in result[:limit]]
    typer.echo(table(["KEY", "MODELS", "WHICH", "EXAMPLE"], rows, {2: 50, 3: 60}))
    typer.echo(f"\n{len(rows)} of {len(result)} unrecognised keys")
