"""Hardware commands: ``lineage hardware DEVICE`` and ``lineage on-hardware MODEL`` (``flow --hardware``
lives with the other flow commands, in :mod:`lineage.cli.flow`)."""

from typing import Annotated

import typer

from lineage.cli.flow import first_evidence, status_scope
from lineage.cli.pipeline import Asked, add_commands, question
from lineage.cli.render import table
from lineage.vocab import EntityKind

ROLE = {"trainedOn": "trained", "servedOn": "served", "supportsHardware": "supported", "optimizedFor": "optimized"}


def register(app: typer.Typer) -> None:
    add_commands(app, hardware_command, on_hardware_command)


def show_device(result, asked: Asked) -> None:
    """``lineage hardware``: the device, then the models tied to it."""
    facts = ", ".join(f"{k} {v}" for k, v in result.facts.items())
    vendor = f"{result.vendor} ({result.country})" if result.country else result.vendor or "-"
    typer.echo(f"{result.name} ({result.device}), vendor {vendor}" + (f"; {facts}" if facts else ""))
    if len(result.devices) > 1:
        typer.echo(f"  includes: {', '.join(result.devices[1:])}")
    if not result.rows:
        typer.echo(f"No model is tied to it ({status_scope(asked.least)}).")
        return
    typer.echo(f"{len({r.model for r in result.rows})} models ({status_scope(asked.least)})")
    typer.echo("")
    rows = [[r.model_name, r.released or "-", ROLE[r.predicate], r.device, r.count or "-", r.status.value, first_evidence(r.evidence)]
            for r in result.rows]
    typer.echo(table(["MODEL", "RELEASED", "ROLE", "DEVICE", "COUNT", "STATUS", "EVIDENCE"], rows))


@question(show_device)
def hardware_command(
    asked: Asked, device: Annotated[str, typer.Argument(help="Hardware id or name, e.g. nvidia-h800 or 'Ascend 910B'.")]
):
    """Models trained, served, supported or optimized on a device (a product line includes its devices)."""
    from lineage.questions.hardware import hardware

    return hardware(asked.graph()[1], asked.resolve(device, EntityKind.HARDWARE), asked.least)


def show_model_hardware(result, asked: Asked) -> None:
    """``lineage on-hardware``: a model's ties to devices."""
    if not result.rows:
        typer.echo(f"No hardware is stated for {result.name} ({status_scope(asked.least)}).")
        return
    typer.echo(f"{result.name} ({result.model}): {len(result.rows)} hardware ties ({status_scope(asked.least)})")
    typer.echo("")
    rows = [[ROLE[r.predicate], r.device, r.count or "-", r.status.value, first_evidence(r.evidence)] for r in result.rows]
    typer.echo(table(["ROLE", "DEVICE", "COUNT", "STATUS", "EVIDENCE"], rows))


@question(show_model_hardware)
def on_hardware_command(asked: Asked, model: Annotated[str, typer.Argument(help="Model id or name, e.g. deepseek-v3.")]):
    """Devices a model was trained, served, supported or optimized on."""
    from lineage.questions.hardware import on_hardware

    return on_hardware(asked.graph()[1], asked.resolve(model, EntityKind.MODEL), asked.least)
