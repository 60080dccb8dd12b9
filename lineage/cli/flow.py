"""Lineage commands: flow, adopters, inherited, timeline, path, compare, symbiosis.

Each parses its arguments, projects the store to a graph, calls the function of the same
name in :mod:`lineage.questions` and renders the answer (or prints it with ``--json``).
"""

import contextlib
from typing import Annotated

import typer

from lineage.cli.failures import handles_errors
from lineage.cli.options import JsonOpt, StoreOpt
from lineage.cli.render import emit_json, quoted, table
from lineage.cli.stores import open_store, read_catalog
from lineage.vocab import STATUS_ORDER, EntityKind, Status
from lineage.vocab import WEAKEST as ANY

MinStatusOpt = Annotated[
    Status,
    typer.Option(
        "--min-status",
        metavar="STATUS",
        help=f"Keep only rows whose status is at least this strong ({STATUS_ORDER}); default: every status.",
        show_default=False,
    ),
]
VariantsOpt = Annotated[bool, typer.Option("--variants", help="Include techniques that are variants of it.")]
DerivativesOpt = Annotated[bool, typer.Option(
    "--derivatives", help="Also count derivatives (quantizations, adapters, merges, other labs' fine-tunes) as models.")]


def register(app: typer.Typer) -> None:
    app.command("flow")(flow_command)
    app.command("adopters")(adopters_command)
    app.command("inherited")(inherited_command)
    app.command("timeline")(timeline_command)
    app.command("path")(path_command)
    app.command("compare")(compare_command)
    app.command("symbiosis")(symbiosis_command)


_PROJECTED: list[dict] = []
"""While :func:`one_projection` runs: the store's projection, made once for every section of one answer."""


@contextlib.contextmanager
def one_projection():
    """Project the store once for a command that answers in several sections (``lineage technique``)."""
    _PROJECTED.append({})
    try:
        yield
    finally:
        _PROJECTED.pop()


def catalog_and_graph(store, derivatives: bool = False):
    """The catalog and the projection of the store (the store must be built; derivatives' uses only when asked),
    both kept in the store's read model (no networkx, no pydantic: :func:`lineage.questions.projection.projected`)."""
    from lineage.questions.projection import projected

    if _PROJECTED and (store, derivatives) in _PROJECTED[-1]:
        return _PROJECTED[-1][(store, derivatives)]
    with open_store(store) as st:
        catalog = read_catalog(st)
        answer = catalog, projected(st, catalog, derivatives=derivatives)
    if _PROJECTED:
        _PROJECTED[-1][(store, derivatives)] = answer
    return answer


def first_evidence(evidence) -> str:
    if not evidence:
        return "-"
    ev = evidence[0]
    more = f" (+{len(evidence) - 1} more)" if len(evidence) > 1 else ""
    return f"[{ev.method.value}] {ev.locator.split('#')[0]}: {quoted(ev)}"[:90] + more


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


def render_hardware_flow(result) -> None:
    """``lineage flow --hardware``: one line per lab and half-year."""
    typer.echo(f"Stated training or serving hardware per lab and half-year ({status_scope(result.min_status)}): "
               "domestic = a vendor in the lab's own country other than NVIDIA.")
    typer.echo("")
    rows = [[c.organization, c.period, c.models, f"{c.domestic_share:.0%}", f"{c.nvidia_share:.0%}", c.status.value,
             ", ".join(sorted({f"{r.model}:{r.device}" for r in c.rows}))[:90]] for c in result.cells]
    typer.echo(table(["ORGANIZATION", "HALF", "MODELS", "DOMESTIC", "NVIDIA", "STATUS", "MODEL:DEVICE"], rows))


@handles_errors
def flow_command(
    org_a: Annotated[str | None, typer.Argument(help="Credited organization (with ORG_B: one cell in detail).")] = None,
    org_b: Annotated[str | None, typer.Argument(help="Adopting organization.")] = None,
    min_status: MinStatusOpt = ANY,
    hardware: Annotated[bool, typer.Option("--hardware", help="Per lab and half-year: share of models whose "
                                           "stated training or serving hardware is domestic vs NVIDIA.")] = False,
    derivatives: DerivativesOpt = False,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Which organization's techniques each organization's models use (the org x org flow)."""
    from lineage.errors import SourceFormatError
    from lineage.questions.flow import FlowItem, flow, idea_flow

    if (org_a is None) != (org_b is None):
        raise SourceFormatError("give two organizations (FROM TO) or none; see 'lineage flow --help'")
    catalog, g = catalog_and_graph(store, derivatives)
    if hardware:
        from lineage.questions.hardware import hardware_flow

        shares = hardware_flow(g, min_status)
        emit_json(shares) if json_out else render_hardware_flow(shares)
        return

    def name(org):
        return catalog.entities[org].name if org in catalog.entities else org

    if org_a is not None:
        a, b = catalog.resolve(org_a, EntityKind.ORGANIZATION), catalog.resolve(org_b, EntityKind.ORGANIZATION)
        pair = idea_flow(g, a, b, min_status)
        if json_out:
            emit_json(pair)
            return
        if not pair.items:
            typer.echo(f"No technique credited to {name(a)} is used by a {name(b)} model ({status_scope(min_status)}).")
            return
        typer.echo("\n".join(_render_pair(pair, name)))
        typer.echo("")
        rows = [[i.technique, i.model, i.released or "-", i.status.value, first_evidence(i.use_evidence)] for i in pair.items]
        typer.echo(table(["TECHNIQUE", "MODEL", "RELEASED", "STATUS", "EVIDENCE"], rows))
        return
    result = flow(g, min_status)
    if json_out:
        emit_json(result)
        return
    typer.echo(f"Idea flow between organizations ({status_scope(min_status)}): {len(result.pairs)} pairs, "
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


@handles_errors
def adopters_command(
    technique: Annotated[str, typer.Argument(help="Technique id, name or alias.")],
    variants: VariantsOpt = False,
    min_status: MinStatusOpt = ANY,
    derivatives: DerivativesOpt = False,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Models using a technique, the first adoption, and each organization's lag after first appearance."""
    from lineage.questions.adoption import adopters

    catalog, g = catalog_and_graph(store, derivatives)
    result = adopters(g, catalog.resolve(technique, EntityKind.TECHNIQUE), min_status, variants=variants)
    if json_out:
        emit_json(result)
        return
    intro = result.introduction
    typer.echo(f"{result.name} ({result.technique}): origin {intro.origin}, first appeared "
               f"{intro.first_appeared or 'unknown'}")
    if not result.rows:
        typer.echo(f"No model in the store uses it ({status_scope(min_status)}).")
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


def _ruled_out(models: list[str]) -> None:
    if models:
        typer.echo(f"\nRuled out by a primary source: {', '.join(models)}")


@handles_errors
def inherited_command(
    model: Annotated[str, typer.Argument(help="Model id, name or alias.")],
    min_status: MinStatusOpt = ANY,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Techniques a model uses that another organization introduced, grouped by that organization."""
    from lineage.questions.flow import inherited

    catalog, g = catalog_and_graph(store)
    result = inherited(g, catalog.resolve(model, EntityKind.MODEL), min_status)
    if json_out:
        emit_json(result)
        return
    typer.echo(f"{result.model} ({result.organization}): techniques credited to other organizations "
               f"({status_scope(min_status)})")
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


@handles_errors
def timeline_command(
    technique: Annotated[str, typer.Argument(help="Technique id, name or alias.")],
    variants: VariantsOpt = False,
    min_status: MinStatusOpt = ANY,
    derivatives: DerivativesOpt = False,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """A technique's introduction, then each adoption in date order, with status."""
    from lineage.questions.adoption import timeline

    catalog, g = catalog_and_graph(store, derivatives)
    result = timeline(g, catalog.resolve(technique, EntityKind.TECHNIQUE), min_status, variants=variants)
    if json_out:
        emit_json(result)
        return
    typer.echo(f"{result.name} ({result.technique}), origin {result.introduction.origin}")
    from lineage.questions.ideas import ancestor_line

    ancestors = ancestor_line(g, result.technique, min_status)
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


@handles_errors
def path_command(
    source: Annotated[str, typer.Argument(help="Technique or model id the idea starts from.")],
    model: Annotated[str, typer.Argument(help="Model id it reached.")],
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show at most this many routes.")] = 5,
    min_status: MinStatusOpt = ANY,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """How an idea reached a model: uses, citations, base-model derivation, architecture inheritance."""
    from lineage.questions.route import path

    catalog, g = catalog_and_graph(store)
    src = catalog.get(source)
    result = path(g, src.id, catalog.resolve(model, EntityKind.MODEL), min_status, limit=limit)
    if json_out:
        emit_json(result)
        return
    if not result.routes:
        typer.echo(f"No route from {result.source} to {result.target} ({status_scope(min_status)}).")
        return
    for n, route in enumerate(result.routes, 1):
        typer.echo(f"{n}. {' > '.join(route.nodes)}  [{route.status}]")
        for h in route.hops:
            typer.echo(f"     {h.source} {h.relation} {h.target} [{h.status}]: {h.detail}"[:150])
            if h.evidence:
                typer.echo(f"       {first_evidence(h.evidence)}")


@handles_errors
def compare_command(
    model_a: Annotated[str, typer.Argument(help="First model id, name or alias.")],
    model_b: Annotated[str, typer.Argument(help="Second model id, name or alias.")],
    min_status: MinStatusOpt = ANY,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Two models side by side: architecture, sizes and techniques, with status and evidence."""
    from lineage.questions.compare import compare

    catalog, g = catalog_and_graph(store)
    a, b = catalog.resolve(model_a, EntityKind.MODEL), catalog.resolve(model_b, EntityKind.MODEL)
    result = compare(g, a, b, min_status)
    from collections import Counter

    from lineage.cli.render import quantity

    if json_out:
        emit_json(result)
        return

    def cell(sides, key=""):
        """Each value once, as a person reads it (671B; exact in --json), with how many sources state it."""
        said = Counter((quantity(key, s.value), s.status.value) for s in sides)
        return ", ".join(f"{v} [{st}]" + (f" x{n}" if n > 1 else "") for (v, st), n in said.items()) or "-"

    info = [["organization", result.info[a]["organization"], result.info[b]["organization"], ""],
            ["released", result.info[a]["released"], result.info[b]["released"], ""]]
    facts = [[r.key, cell(r.a, r.key), cell(r.b, r.key), "same" if r.same else ""] for r in result.facts]
    techniques = [[r.key, cell([s.model_copy(update={"value": "uses"}) for s in r.a]),
                   cell([s.model_copy(update={"value": "uses"}) for s in r.b]), "both" if r.same else ""]
                  for r in result.techniques]
    typer.echo(table(["", a, b, ""], info + facts, wrap=[1, 2]))  # values wrap to fit, never cut
    typer.echo("")
    typer.echo(table(["TECHNIQUE", a, b, ""], techniques, wrap=[1, 2]))


@handles_errors
def symbiosis_command(
    min_status: MinStatusOpt = ANY,
    derivatives: DerivativesOpt = False,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Pairs and cycles of organizations that reuse each other's ideas."""
    from lineage.questions.flow import symbiosis

    _, g = catalog_and_graph(store, derivatives)
    result = symbiosis(g, min_status)
    if json_out:
        emit_json(result)
        return
    if not result.pairs and not result.cycles:
        typer.echo(f"No two organizations reuse each other's ideas ({status_scope(min_status)}).")
        return
    typer.echo(table(["A", "B", "A -> B", "B -> A", "STATUS"],
                     [[p.a, p.b, ", ".join(p.a_to_b), ", ".join(p.b_to_a), p.status.value] for p in result.pairs],
                     {2: 50, 3: 50}))
    if result.cycles:
        typer.echo("\nCycles:")
        for c in result.cycles:
            typer.echo("  " + " -> ".join(c + c[:1]))
