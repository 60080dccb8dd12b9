"""Hardware commands: ``lineage hardware DEVICE`` and ``lineage on-hardware MODEL`` (``flow --hardware``
lives with the other flow commands, in :mod:`lineage.cli.flow`)."""

from __future__ import annotations

from typing import Annotated

import typer

from lineage.cli.failures import handles_errors
from lineage.cli.flow import ANY, MinStatusOpt, catalog_and_graph, first_evidence, status_scope
from lineage.cli.options import JsonOpt, StoreOpt
from lineage.cli.render import emit_json, table
from lineage.vocab import EntityKind

ROLE = {"trainedOn": "trained", "servedOn": "served", "supportsHardware": "supported", "optimizedFor": "optimized"}


def register(app: typer.Typer) -> None:
    app.command("hardware")(hardware_command)
    app.command("on-hardware")(on_hardware_command)


@handles_errors
def hardware_command(
    device: Annotated[str, typer.Argument(help="Hardware id or name, e.g. nvidia-h800 or 'Ascend 910B'.")],
    min_status: MinStatusOpt = ANY,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Models trained, served, supported or optimized on a device (a product line includes its devices)."""
    from lineage.questions.hardware import hardware

    catalog, g = catalog_and_graph(store)
    result = hardware(g, catalog.resolve(device, EntityKind.HARDWARE), min_status)
    if json_out:
        emit_json(result)
        return
    facts = ", ".join(f"{k} {v}" for k, v in result.facts.items())
    vendor = f"{result.vendor} ({result.country})" if result.country else result.vendor or "-"
    typer.echo(f"{result.name} ({result.device}), vendor {vendor}" + (f"; {facts}" if facts else ""))
    if len(result.devices) > 1:
        typer.echo(f"  includes: {', '.join(result.devices[1:])}")
    if not result.rows:
        typer.echo(f"No model is tied to it ({status_scope(min_status)}).")
        return
    typer.echo(f"{len({r.model for r in result.rows})} models ({status_scope(min_status)})")
    typer.echo("")
    rows = [[r.model_name, r.released or "-", ROLE[r.predicate], r.device, r.count or "-", r.status.value, first_evidence(r.evidence)]
            for r in result.rows]
    typer.echo(table(["MODEL", "RELEASED", "ROLE", "DEVICE", "COUNT", "STATUS", "EVIDENCE"], rows))


@handles_errors
def on_hardware_command(
    model: Annotated[str, typer.Argument(help="Model id or name, e.g. deepseek-v3.")],
    min_status: MinStatusOpt = ANY,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Devices a model was trained, served, supported or optimized on."""
    from lineage.questions.hardware import on_hardware

    catalog, g = catalog_and_graph(store)
    result = on_hardware(g, catalog.resolve(model, EntityKind.MODEL), min_status)
    if json_out:
        emit_json(result)
        return
    if not result.rows:
        typer.echo(f"No hardware is stated for {result.name} ({status_scope(min_status)}).")
        return
    typer.echo(f"{result.name} ({result.model}): {len(result.rows)} hardware ties ({status_scope(min_status)})")
    typer.echo("")
    rows = [[ROLE[r.predicate], r.device, r.count or "-", r.status.value, first_evidence(r.evidence)] for r in result.rows]
    typer.echo(table(["ROLE", "DEVICE", "COUNT", "STATUS", "EVIDENCE"], rows))
