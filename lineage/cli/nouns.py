"""The noun-first questions: ``technique``, ``model``, ``compare``, ``labs``, ``hardware`` and ``ls``.

Each answers from the library functions the single-purpose commands of earlier releases call: as
text, those commands' functions render the sections (they live on, hidden, as deprecated aliases:
:mod:`lineage.cli.aliases`); as JSON, one object holds each section's answer under its name.
Every question takes one ``--format`` and one ``--min-status`` (:mod:`lineage.cli.options`, rendered by :mod:`lineage.cli.render`), and
projects the store once however many sections it shows.
"""

from enum import Enum
from typing import Annotated

import typer

from lineage.cli import flow, hardware, ideas, query
from lineage.cli.explain import explain_command
from lineage.cli.failures import handles_errors
from lineage.cli.options import Format, FormatOpt, JsonOpt, LimitOpt, MinStatusOpt, StoreOpt, min_status_or_any
from lineage.cli.render import emit_json, rendering, table
from lineage.cli.stores import open_store, read_catalog
from lineage.vocab import EntityKind

TechniqueArg = Annotated[str, typer.Argument(metavar="TECHNIQUE", help="Technique id, name or alias (see 'lineage ls techniques').")]
ModelArg = Annotated[str, typer.Argument(metavar="MODEL", help="Model id, name or alias (see 'lineage ls models').")]
VariantsOpt = Annotated[bool, typer.Option("--variants", help="Include techniques that are kinds or variants of it.")]


def register(app: typer.Typer) -> None:
    """Add the questions to ``app``, each in place of a command of the same name registered before."""
    for name, fn in (("technique", technique_command), ("model", model_command), ("compare", compare_command),
                     ("labs", labs_command), ("hardware", hardware_command), ("ls", ls_command)):
        app.registered_commands[:] = [c for c in app.registered_commands if c.name != name]
        app.command(name)(fn)


def section(title: str) -> None:
    """A blank line and a section title, between the parts of one answer."""
    typer.echo(f"\n== {title} ==")


@handles_errors
def technique_command(
    technique: TechniqueArg,
    run: Annotated[bool, typer.Option("--run", help="Also run the reference implementation's small demo (needs torch).")] = False,
    variants: VariantsOpt = False,
    derivatives: flow.DerivativesOpt = False,
    min_status: MinStatusOpt = None,
    fmt: FormatOpt = Format.table,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """A technique: its origin, its adopters over time, the ideas it builds on and those built on it."""
    least = min_status_or_any(min_status)
    with rendering(fmt, json_out) as as_json, flow.one_projection():
        if as_json:
            emit_json(technique_answer(store, technique, least, variants, run, derivatives))
            return
        query.origin_command(technique, store=store)
        section("Adopters over time")
        flow.timeline_command(technique, variants=variants, min_status=least, derivatives=derivatives, store=store)
        section("Builds on")
        ideas.ancestry_command(technique, min_status=least, store=store)
        section("Built on it")
        ideas.descendants_command(technique, min_status=least, store=store)
        if run:
            section("Reference implementation")
            explain_command(technique, run=True, store=store)


def technique_answer(store, technique: str, least, variants: bool, run: bool, derivatives: bool = False) -> dict:
    """``lineage technique --json``: each section's answer under its name."""
    from lineage.questions.adoption import timeline
    from lineage.questions.ideas import ancestry, descendants
    from lineage.questions.who_uses import origin

    catalog, g = flow.catalog_and_graph(store, derivatives)
    tid = catalog.resolve(technique, EntityKind.TECHNIQUE)
    with open_store(store) as st:
        answer = {"technique": tid, "origin": origin(st, read_catalog(st), tid),
                  "timeline": timeline(g, tid, least, variants=variants),
                  "ancestry": ancestry(g, tid, least), "descendants": descendants(g, tid, least)}
        if run:
            from lineage.questions.technique import explain

            answer["run"] = explain(st, catalog, tid, run=True)
    return answer


@handles_errors
def model_command(
    model: ModelArg,
    idea: Annotated[str | None, typer.Option("--from", metavar="IDEA", help="Also: how this technique or model's idea reached it.")] = None,
    min_status: MinStatusOpt = None,
    fmt: FormatOpt = Format.table,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """A model: every claim about it, the ideas it took from other labs, and its hardware."""
    least = min_status_or_any(min_status)
    with rendering(fmt, json_out) as as_json, flow.one_projection():
        if as_json:
            emit_json(model_answer(store, model, idea, least))
            return
        query.show_command(model, store=store)
        section("Ideas from other labs")
        flow.inherited_command(model, min_status=least, store=store)
        section("Hardware")
        hardware.on_hardware_command(model, min_status=least, store=store)
        if idea is not None:
            section(f"How {idea} reached it")
            flow.path_command(idea, model, min_status=least, store=store)


def model_answer(store, model: str, idea: str | None, least) -> dict:
    """``lineage model --json``: each section's answer under its name."""
    from lineage.questions.flow import inherited
    from lineage.questions.hardware import on_hardware
    from lineage.questions.listing import show

    catalog, g = flow.catalog_and_graph(store)
    mid = catalog.resolve(model, EntityKind.MODEL)
    with open_store(store) as st:
        answer = {"model": mid, "show": show(st, read_catalog(st), mid)}
    answer |= {"inherited": inherited(g, mid, least), "hardware": on_hardware(g, mid, least)}
    if idea is not None:
        from lineage.questions.route import path

        answer["path"] = path(g, catalog.get(idea).id, mid, least)
    return answer


@handles_errors
def compare_command(
    model_a: Annotated[str, typer.Argument(help="First (older) model id, name or alias.")],
    model_b: Annotated[str, typer.Argument(help="Second (newer) model id, name or alias.")],
    changes: Annotated[bool, typer.Option("--changes", help="Also: what the newer kept, added and dropped.")] = False,
    min_status: MinStatusOpt = None,
    fmt: FormatOpt = Format.table,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Two models side by side: architecture, sizes and techniques, with status and evidence."""
    least = min_status_or_any(min_status)
    with rendering(fmt, json_out) as as_json, flow.one_projection():
        if as_json and changes:
            from lineage.questions.compare import compare
            from lineage.questions.ideas import family_changes

            catalog, g = flow.catalog_and_graph(store)
            a, b = (catalog.resolve(m, EntityKind.MODEL) for m in (model_a, model_b))
            emit_json({"compare": compare(g, a, b, least), "changes": family_changes(g, a, b, least)})
            return
        flow.compare_command(model_a, model_b, min_status=least, store=store, json_out=as_json)
        if changes:
            section("Changes")
            ideas.family_changes_command(model_a, model_b, min_status=least, store=store)


@handles_errors
def labs_command(
    org_a: Annotated[str | None, typer.Argument(metavar="[FROM]", help="Credited lab (with TO: that pair in detail).")] = None,
    org_b: Annotated[str | None, typer.Argument(metavar="[TO]", help="Adopting lab.")] = None,
    symbiosis: Annotated[bool, typer.Option("--symbiosis", help="Pairs and cycles of labs that reuse each other's ideas.")] = False,
    devices: Annotated[bool, typer.Option("--hardware", help="Per lab and half-year: share of models on domestic vs NVIDIA hardware.")] = False,
    derivatives: flow.DerivativesOpt = False,
    min_status: MinStatusOpt = None,
    fmt: FormatOpt = Format.table,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Which lab's ideas each lab's models use (the lab x lab flow), one pair in detail, or mutual reuse."""
    least = min_status_or_any(min_status)
    with rendering(fmt, json_out) as as_json:
        if symbiosis:
            flow.symbiosis_command(min_status=least, derivatives=derivatives, store=store, json_out=as_json)
        else:
            flow.flow_command(org_a, org_b, min_status=least, hardware=devices, derivatives=derivatives, store=store, json_out=as_json)


@handles_errors
def hardware_command(
    device: Annotated[str, typer.Argument(help="Hardware id or name, e.g. nvidia-h800 or 'Ascend 910B'.")],
    min_status: MinStatusOpt = None,
    fmt: FormatOpt = Format.table,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Models trained, served, supported or optimized on a device (a product line includes its devices)."""
    with rendering(fmt, json_out) as as_json:
        hardware.hardware_command(device, min_status=min_status_or_any(min_status), store=store, json_out=as_json)


class Listing(str, Enum):
    techniques = "techniques"
    models = "models"
    sources = "sources"
    labs = "labs"


@handles_errors
def ls_command(
    what: Annotated[Listing, typer.Argument(metavar="techniques|models|sources|labs", help="What to list.")],
    discovered: Annotated[bool, typer.Option("--discovered", help="Techniques: only those ingested sources introduced.")] = False,
    limit: LimitOpt = None,
    fmt: FormatOpt = Format.table,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """List the techniques, models (in release order), ingested sources or labs the store knows."""
    with rendering(fmt, json_out) as as_json:
        if what is Listing.techniques:
            query.techniques_command(discovered=discovered, store=store, json_out=as_json)
        elif what is Listing.models:
            query.models_command(store=store, json_out=as_json)
        elif what is Listing.sources:
            query.sources_command(store=store, json_out=as_json)
        else:
            _labs(store, limit, as_json)


def _labs(store, limit: int | None, as_json: bool) -> None:
    from lineage.questions.listing import labs

    with open_store(store) as st:
        rows = labs(st, read_catalog(st))[:limit]
    if as_json:
        emit_json(rows)
        return
    typer.echo(table(["ID", "NAME", "MODELS", "FIRST", "LATEST", "TECHNIQUES"],
                     [[r.id, r.name, r.models, r.first or "-", r.latest or "-", r.techniques] for r in rows], keep=[0]))
