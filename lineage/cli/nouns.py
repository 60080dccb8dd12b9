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

from lineage.cli import explain, flow, hardware, ideas, query
from lineage.cli.options import LimitOpt
from lineage.cli.pipeline import LISTING, QUESTION, Asked, Command, DerivativesOpt, Show, question
from lineage.cli.render import section, table
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


def show_sections(*sections: tuple[str | None, str, Command]) -> Show:
    """The show of an answer made of others' answers: each ``(title, key, command)`` whose key the answer has, by
    that command's show, after its title (``{given}`` fields filled from the command's arguments)."""

    def show(answer: dict, asked: Asked) -> None:
        for title, key, command in sections:
            if key in answer:
                if title is not None:
                    section(title.format(**asked.given))
                command.show(answer[key], asked)

    return show


@question(show_sections((None, "origin", query.origin_command), ("Adopters over time", "timeline", flow.timeline_command),
                        ("Builds on", "ancestry", ideas.ancestry_command), ("Built on it", "descendants", ideas.descendants_command),
                        ("Reference implementation", "run", explain.explain_command)), QUESTION)
def technique_command(
    asked: Asked,
    technique: TechniqueArg,
    run: Annotated[bool, typer.Option("--run", help="Also run the reference implementation's small demo (needs torch).")] = False,
    variants: VariantsOpt = False,
    derivatives: DerivativesOpt = False,
) -> dict:
    """A technique: its origin, its adopters over time, the ideas it builds on and those built on it."""
    from lineage.questions.adoption import timeline
    from lineage.questions.ideas import ancestry, descendants
    from lineage.questions.who_uses import origin

    catalog, g = asked.graph()
    tid = catalog.resolve(technique, EntityKind.TECHNIQUE)
    with asked.reading() as (st, read):
        answer = {"technique": tid, "origin": origin(st, read, tid),
                  "timeline": timeline(g, tid, asked.least, variants=variants),
                  "ancestry": ancestry(g, tid, asked.least), "descendants": descendants(g, tid, asked.least)}
        if run:
            from lineage.questions.technique import explain as explained

            answer["run"] = explained(st, catalog, tid, run=True)
    return answer


@question(show_sections((None, "show", query.show_command), ("Ideas from other labs", "inherited", flow.inherited_command),
                        ("Hardware", "hardware", hardware.on_hardware_command), ("How {idea} reached it", "path", flow.path_command)),
          QUESTION)
def model_command(
    asked: Asked,
    model: ModelArg,
    idea: Annotated[str | None, typer.Option("--from", metavar="IDEA", help="Also: how this technique or model's idea reached it.")] = None,
) -> dict:
    """A model: every claim about it, the ideas it took from other labs, and its hardware."""
    from lineage.questions.flow import inherited
    from lineage.questions.hardware import on_hardware
    from lineage.questions.listing import show

    catalog, g = asked.graph()
    mid = catalog.resolve(model, EntityKind.MODEL)
    with asked.reading() as (st, read):
        answer = {"model": mid, "show": show(st, read, mid)}
    answer |= {"inherited": inherited(g, mid, asked.least), "hardware": on_hardware(g, mid, asked.least)}
    if idea is not None:
        from lineage.questions.route import path

        answer["path"] = path(g, catalog.get(idea).id, mid, asked.least)
    return answer


_COMPARED = show_sections((None, "compare", flow.compare_command), ("Changes", "changes", ideas.family_changes_command))


def show_comparison(answer, asked: Asked) -> None:
    """``lineage compare``: the two models side by side (and, with ``--changes``, what the newer changed)."""
    (_COMPARED if isinstance(answer, dict) else flow.compare_command.show)(answer, asked)


@question(show_comparison, QUESTION)
def compare_command(
    asked: Asked,
    model_a: Annotated[str, typer.Argument(help="First (older) model id, name or alias.")],
    model_b: Annotated[str, typer.Argument(help="Second (newer) model id, name or alias.")],
    changes: Annotated[bool, typer.Option("--changes", help="Also: what the newer kept, added and dropped.")] = False,
):
    """Two models side by side: architecture, sizes and techniques, with status and evidence."""
    compared = flow.compare_command.ask(asked, model_a, model_b)
    if not changes:
        return compared
    return {"compare": compared, "changes": ideas.family_changes_command.ask(asked, model_a, model_b)}


def show_labs(answer, asked: Asked) -> None:
    """``lineage labs``: the flow between labs, one pair, the hardware shares, or mutual reuse."""
    (flow.symbiosis_command if asked.given["symbiosis"] else flow.flow_command).show(answer, asked)


@question(show_labs, QUESTION)
def labs_command(
    asked: Asked,
    org_a: Annotated[str | None, typer.Argument(metavar="[FROM]", help="Credited lab (with TO: that pair in detail).")] = None,
    org_b: Annotated[str | None, typer.Argument(metavar="[TO]", help="Adopting lab.")] = None,
    symbiosis: Annotated[bool, typer.Option("--symbiosis", help="Pairs and cycles of labs that reuse each other's ideas.")] = False,
    devices: Annotated[bool, typer.Option("--hardware", help="Per lab and half-year: share of models on domestic vs NVIDIA hardware.")] = False,
    derivatives: DerivativesOpt = False,
):
    """Which lab's ideas each lab's models use (the lab x lab flow), one pair in detail, or mutual reuse."""
    if symbiosis:
        return flow.symbiosis_command.ask(asked)
    return flow.flow_command.ask(asked, org_a, org_b, hardware=devices)


@question(hardware.hardware_command.show, QUESTION)
def hardware_command(
    asked: Asked, device: Annotated[str, typer.Argument(help="Hardware id or name, e.g. nvidia-h800 or 'Ascend 910B'.")]
):
    """Models trained, served, supported or optimized on a device (a product line includes its devices)."""
    return hardware.hardware_command.ask(asked, device)


class Listing(str, Enum):
    techniques = "techniques"
    models = "models"
    sources = "sources"
    labs = "labs"


def show_listing(rows, asked: Asked) -> None:
    """``lineage ls``: one line per technique, model, source or lab."""
    what = asked.given["what"]
    if what is Listing.labs:
        typer.echo(table(["ID", "NAME", "MODELS", "FIRST", "LATEST", "TECHNIQUES"],
                         [[r.id, r.name, r.models, r.first or "-", r.latest or "-", r.techniques] for r in rows], keep=[0]))
        return
    LISTED[what].show(rows, asked)


@question(show_listing, LISTING)
def ls_command(
    asked: Asked,
    what: Annotated[Listing, typer.Argument(metavar="techniques|models|sources|labs", help="What to list.")],
    discovered: Annotated[bool, typer.Option("--discovered", help="Techniques: only those ingested sources introduced.")] = False,
    limit: LimitOpt = None,
):
    """List the techniques, models (in release order), ingested sources or labs the store knows."""
    if what is Listing.techniques:
        return query.techniques_command.ask(asked, discovered=discovered)
    if what is not Listing.labs:
        return LISTED[what].ask(asked)
    from lineage.questions.listing import labs

    with asked.reading() as (st, catalog):
        return labs(st, catalog)[:limit]


LISTED = {Listing.techniques: query.techniques_command, Listing.models: query.models_command, Listing.sources: query.sources_command}
"""The command of earlier releases that lists each kind (its ask and its show)."""
