"""Lineage commands: flow, adopters, inherited, timeline, path, compare, symbiosis.

Each parses its arguments, projects the store to a graph, calls the function of the same
name in :mod:`lineage.questions` and renders the answer (or prints it with ``--json``).
"""

from typing import Annotated

import typer

from lineage.cli.pipeline import ALIAS_DERIVATIVES, Asked, add_commands, question
from lineage.cli.render import quoted, table
from lineage.vocab import WEAKEST as ANY
from lineage.vocab import EntityKind, Status

VariantsOpt = Annotated[bool, typer.Option("--variants", help="Include techniques that are variants of it.")]
TechniqueArg = Annotated[str, typer.Argument(help="Technique id, name or alias.")]
ModelArg = Annotated[str, typer.Argument(help="Model id, name or alias.")]


def register(app: typer.Typer) -> None:
    add_commands(app, flow_command, adopters_command, inherited_command, timeline_command, path_command, compare_command, symbiosis_command)


def first_evidence(evidence, cut: int = 90, none: str = "-", whole: bool = False) -> str:
    """The first piece of evidence on one line, cut at ``cut`` characters, and how many more there are: its method,
    where (the file or page; ``whole``: the full locator) and its quote (``whole``: the snippet as stored)."""
    if not evidence:
        return none
    ev = evidence[0]
    more = f" (+{len(evidence) - 1} more)" if len(evidence) > 1 else ""
    where, said = (ev.locator, ev.snippet) if whole else (ev.locator.split("#")[0], quoted(ev))
    return f"[{ev.method.value}] {where}: {said}"[:cut] + more


def status_scope(min_status: Status) -> str:
    return "all statuses" if min_status is ANY else f"status at least {min_status.value}"


def _attribution(item) -> str:
    a = item.attribution
    if a is None:
        return f"origin: {item.origin}"
    if a.basis == "cited":
        return f"credited via citation of {a.via} [{a.status.value}]"
    if a.basis == "claimed":
        src = a.evidence[0].source if a.evidence else "?"
        return f"origin: {item.origin}; {a.organization} attribution only claimed by {src} [{a.status.value}]"
    return f"introduced by {a.organization} [{a.status.value}]"


def _render_pair(pair, name) -> list[str]:
    from lineage.questions.status import STATUS_RANK_BY_VALUE

    plural = "s" if len(pair.techniques) != 1 else ""
    lines = [f"{name(pair.from_org)} -> {name(pair.to_org)}: {len(pair.techniques)} technique{plural}"]
    rows = []
    for t in pair.techniques:
        items = [i for i in pair.items if i.technique == t]
        best = min(items, key=lambda i: (STATUS_RANK_BY_VALUE[i.status.value], i.released or "9999"))
        others = len({i.model for i in items}) - 1
        models = best.model + (f" +{others}" if others else "")
        basis = "" if best.attribution is None or best.attribution.basis == "introduced" else f" ({best.attribution.basis})"
        rows.append(["  " + t + basis, best.status.value, models, first_evidence(best.use_evidence)])
    lines.append(table(["  TECHNIQUE", "STATUS", "MODELS", "EVIDENCE (first model)"], rows))
    notes = {(i.technique, _attribution(i)) for i in pair.items if i.attribution and i.attribution.basis != "introduced"}
    lines += [f"  {t}: {note}" for t, note in sorted(notes)]
    return lines


def render_hardware_flow(result, asked: Asked | None = None) -> None:
    """``lineage flow --hardware``: one line per lab and half-year."""
    typer.echo(f"Stated training or serving hardware per lab and half-year ({status_scope(result.min_status)}): "
               "domestic = a vendor in the lab's own country other than NVIDIA.")
    typer.echo("")
    rows = [[c.organization, c.period, c.models, f"{c.domestic_share:.0%}", f"{c.nvidia_share:.0%}", c.status.value,
             ", ".join(sorted({f"{r.model}:{r.device}" for r in c.rows}))[:90]] for c in result.cells]
    typer.echo(table(["ORGANIZATION", "HALF", "MODELS", "DOMESTIC", "NVIDIA", "STATUS", "MODEL:DEVICE"], rows))


def show_flow(result, asked: Asked) -> None:
    """``lineage flow``: every pair of labs, one pair in detail, or the hardware shares."""
    from lineage.questions.flow import FlowItem, FlowPair
    from lineage.questions.hardware import HardwareFlow

    if isinstance(result, HardwareFlow):
        render_hardware_flow(result)
        return
    catalog = asked.graph()[0]

    def name(org):
        return catalog.entities[org].name if org in catalog.entities else org

    if isinstance(result, FlowPair):
        if not result.items:
            typer.echo(f"No technique credited to {name(result.from_org)} is used by a {name(result.to_org)} model "
                       f"({status_scope(asked.least)}).")
            return
        typer.echo("\n".join(_render_pair(result, name)))
        typer.echo("")
        rows = [[i.technique, i.model, i.released or "-", i.status.value, first_evidence(i.use_evidence)] for i in result.items]
        typer.echo(table(["TECHNIQUE", "MODEL", "RELEASED", "STATUS", "EVIDENCE"], rows))
        return
    typer.echo(f"Idea flow between organizations ({status_scope(asked.least)}): {len(result.pairs)} pairs, "
               "each technique credited by the catalog or a primary source unless marked.")
    for pair in result.pairs:
        typer.echo("")
        typer.echo("\n".join(_render_pair(pair, name)))
    if result.unattributed:
        typer.echo("")
        typer.echo("Used across organizations but credited to no organization:")
        seen: dict[str, list[FlowItem]] = {}
        for i in result.unattributed:
            seen.setdefault(i.technique, []).append(i)
        for t, items in seen.items():
            users = ", ".join(f"{i.model} [{i.status.value}]" for i in items[:4]) + (" …" if len(items) > 4 else "")
            typer.echo(f"  {t}: origin {items[0].origin}; used by {users}")


@question(show_flow, ALIAS_DERIVATIVES)
def flow_command(
    asked: Asked,
    org_a: Annotated[str | None, typer.Argument(help="Credited organization (with ORG_B: one cell in detail).")] = None,
    org_b: Annotated[str | None, typer.Argument(help="Adopting organization.")] = None,
    hardware: Annotated[bool, typer.Option("--hardware", help="Per lab and half-year: share of models whose "
                                           "stated training or serving hardware is domestic vs NVIDIA.")] = False,
):
    """Which organization's techniques each organization's models use (the org x org flow)."""
    from lineage.errors import SourceFormatError
    from lineage.questions.flow import flow, idea_flow

    if (org_a is None) != (org_b is None):
        raise SourceFormatError("give two organizations (FROM TO) or none; see 'lineage flow --help'")
    catalog, g = asked.graph()
    if hardware:
        from lineage.questions.hardware import hardware_flow

        return hardware_flow(g, asked.least)
    if org_a is not None:
        a, b = catalog.resolve(org_a, EntityKind.ORGANIZATION), catalog.resolve(org_b, EntityKind.ORGANIZATION)
        return idea_flow(g, a, b, asked.least)
    return flow(g, asked.least)


def show_adopters(result, asked: Asked) -> None:
    """``lineage adopters``: the first adoption, each lab's, then every adopting model."""
    intro = result.introduction
    typer.echo(f"{result.name} ({result.technique}): origin {intro.origin}, first appeared "
               f"{intro.first_appeared or 'unknown'}")
    if not result.rows:
        typer.echo(f"No model in the store uses it ({status_scope(asked.least)}).")
        _ruled_out(result.ruled_out)
        return
    typer.echo(f"First adoption: {result.first_adopter} ({result.first_adoption})")
    typer.echo("")
    typer.echo(table(["ORGANIZATION", "FIRST MODEL", "RELEASED", "LAG (MONTHS)", "MODELS"],
                     [[o.organization, o.first_model, o.first_released or "-",
                       "-" if o.lag_months is None else o.lag_months, len(o.models)] for o in result.by_organization]))
    typer.echo("")
    typer.echo(table(["MODEL", "RELEASED", "LAG", "STATUS", "EVIDENCE"],
                     [[u.model + (f" via {u.technique}" if u.technique != result.technique else "")
                       + (f" ({u.derivation})" if u.derivation else ""),
                       u.released or "-", "-" if u.lag_months is None else u.lag_months, u.status.value,
                       first_evidence(u.evidence)] for u in result.rows]))
    _ruled_out(result.ruled_out)


@question(show_adopters, ALIAS_DERIVATIVES)
def adopters_command(asked: Asked, technique: TechniqueArg, variants: VariantsOpt = False):
    """Models using a technique, the first adoption, and each organization's lag after first appearance."""
    from lineage.questions.adoption import adopters

    return adopters(asked.graph()[1], asked.resolve(technique, EntityKind.TECHNIQUE), asked.least, variants=variants)


def _ruled_out(models: list[str]) -> None:
    if models:
        typer.echo(f"\nRuled out by a primary source: {', '.join(models)}")


def show_inherited(result, asked: Asked) -> None:
    """``lineage inherited``: a model's techniques credited to other labs, by lab."""
    typer.echo(f"{result.model} ({result.organization}): techniques credited to other organizations "
               f"({status_scope(asked.least)})")
    if not result.groups:
        typer.echo("  none")
    for org, items in result.groups.items():
        typer.echo(f"\nfrom {org}:")
        typer.echo(table(["  TECHNIQUE", "STATUS", "CREDIT", "EVIDENCE"],
                         [["  " + i.technique, i.status.value, _attribution(i), first_evidence(i.use_evidence)] for i in items]))
    if result.unattributed:
        typer.echo("\nCredited to no organization:")
        for i in result.unattributed:
            typer.echo(f"  {i.technique} [{i.status.value}]: origin {i.origin}")
    if result.own:
        typer.echo(f"\nIts own organization's: {', '.join(result.own)}")


@question(show_inherited)
def inherited_command(asked: Asked, model: ModelArg):
    """Techniques a model uses that another organization introduced, grouped by that organization."""
    from lineage.questions.flow import inherited

    return inherited(asked.graph()[1], asked.resolve(model, EntityKind.MODEL), asked.least)


def show_timeline(result, asked: Asked) -> None:
    """``lineage timeline``: the introduction and what it builds on, then each adoption in date order."""
    from lineage.questions.ideas import ancestor_line

    typer.echo(f"{result.name} ({result.technique}), origin {result.introduction.origin}")
    ancestors = ancestor_line(asked.graph()[1], result.technique, asked.least)
    if ancestors:
        typer.echo(f"  builds on: {ancestors}")
    for a in result.introduction.claimed:
        typer.echo(f"  attribution to {a.organization} only claimed by {a.evidence[0].source if a.evidence else '?'}"
                   f" [{a.status.value}]")
    typer.echo("")
    rows = []
    for e in result.events:
        who = e.model if e.event == "adopted" else (e.organization or result.introduction.origin)
        rows.append([e.date or "-", e.event, who, e.organization if e.event == "adopted" else "",
                     e.status.value, first_evidence(e.evidence)])
    typer.echo(table(["DATE", "EVENT", "WHO", "ORG", "STATUS", "EVIDENCE"], rows))


@question(show_timeline, ALIAS_DERIVATIVES)
def timeline_command(asked: Asked, technique: TechniqueArg, variants: VariantsOpt = False):
    """A technique's introduction, then each adoption in date order, with status."""
    from lineage.questions.adoption import timeline

    return timeline(asked.graph()[1], asked.resolve(technique, EntityKind.TECHNIQUE), asked.least, variants=variants)


def show_path(result, asked: Asked) -> None:
    """``lineage path``: each route, hop by hop, with its first evidence."""
    if not result.routes:
        typer.echo(f"No route from {result.source} to {result.target} ({status_scope(asked.least)}).")
        return
    for n, route in enumerate(result.routes, 1):
        typer.echo(f"{n}. {' > '.join(route.nodes)}  [{route.status}]")
        for h in route.hops:
            typer.echo(f"     {h.source} {h.relation} {h.target} [{h.status}]: {h.detail}"[:150])
            if h.evidence:
                typer.echo(f"       {first_evidence(h.evidence)}")


@question(show_path)
def path_command(
    asked: Asked,
    source: Annotated[str, typer.Argument(help="Technique or model id the idea starts from.")],
    model: Annotated[str, typer.Argument(help="Model id it reached.")],
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show at most this many routes.")] = 5,
):
    """How an idea reached a model: uses, citations, base-model derivation, architecture inheritance."""
    from lineage.questions.route import path

    catalog, g = asked.graph()
    src = catalog.get(source)
    return path(g, src.id, catalog.resolve(model, EntityKind.MODEL), asked.least, limit=limit)


def show_comparison(result, asked: Asked) -> None:
    """``lineage compare``: the two models' facts, then their techniques, side by side."""
    from collections import Counter
    from dataclasses import replace

    from lineage.cli.render import quantity

    def cell(sides, key=""):
        """Each value once, as a person reads it (671B; exact in --json), with how many sources state it."""
        said = Counter((quantity(key, s.value), s.status.value) for s in sides)
        return ", ".join(f"{v} [{st}]" + (f" x{n}" if n > 1 else "") for (v, st), n in said.items()) or "-"

    a, b = result.a, result.b
    info = [["organization", result.info[a]["organization"], result.info[b]["organization"], ""],
            ["released", result.info[a]["released"], result.info[b]["released"], ""]]
    facts = [[r.key, cell(r.a, r.key), cell(r.b, r.key), "same" if r.same else ""] for r in result.facts]
    techniques = [[r.key, cell([replace(s, value="uses") for s in r.a]),
                   cell([replace(s, value="uses") for s in r.b]), "both" if r.same else ""]
                  for r in result.techniques]
    typer.echo(table(["", a, b, ""], info + facts, wrap=[1, 2]))  # values wrap to fit, never cut
    typer.echo("")
    typer.echo(table(["TECHNIQUE", a, b, ""], techniques, wrap=[1, 2]))


@question(show_comparison)
def compare_command(
    asked: Asked,
    model_a: Annotated[str, typer.Argument(help="First model id, name or alias.")],
    model_b: Annotated[str, typer.Argument(help="Second model id, name or alias.")],
):
    """Two models side by side: architecture, sizes and techniques, with status and evidence."""
    from lineage.questions.compare import compare

    a, b = asked.resolve(model_a, EntityKind.MODEL), asked.resolve(model_b, EntityKind.MODEL)
    return compare(asked.graph()[1], a, b, asked.least)


def show_symbiosis(result, asked: Asked) -> None:
    """``lineage symbiosis``: pairs of labs that reuse each other's ideas, then cycles."""
    if not result.pairs and not result.cycles:
        typer.echo(f"No two organizations reuse each other's ideas ({status_scope(asked.least)}).")
        return
    typer.echo(table(["A", "B", "A -> B", "B -> A", "STATUS"],
                     [[p.a, p.b, ", ".join(p.a_to_b), ", ".join(p.b_to_a), p.status.value] for p in result.pairs],
                     {2: 50, 3: 50}))
    if result.cycles:
        typer.echo("\nCycles:")
        for c in result.cycles:
            typer.echo("  " + " -> ".join(c + c[:1]))


@question(show_symbiosis, ALIAS_DERIVATIVES)
def symbiosis_command(asked: Asked):
    """Pairs and cycles of organizations that reuse each other's ideas."""
    from lineage.questions.flow import symbiosis

    return symbiosis(asked.graph()[1], asked.least)
