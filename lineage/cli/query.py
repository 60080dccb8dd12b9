"""Query commands: who-uses, origin, show, claims, techniques, models, sources."""

from functools import partial
from typing import Annotated

import typer

from lineage.cli.flow import DerivativesOpt
from lineage.cli.options import (
    JsonOpt,
    LimitOpt,
    StoreOpt,
    emit_json,
    handles_errors,
    human,
    open_store,
    quantity,
    quoted,
    read_catalog,
    table,
)
from lineage.cli.output import Format, FormatOpt, MinStatusOpt, rendering
from lineage.cli.terminal import md_cell
from lineage.vocab import Status


def register(app: typer.Typer) -> None:
    app.command("who-uses")(who_uses_command)
    app.command("origin")(origin_command)
    app.command("show")(show_command)
    app.command("claims")(claims_command)
    app.command("techniques")(techniques_command)
    app.command("models")(models_command)
    app.command("sources")(sources_command)
    app.command("why")(why_command)
    app.command("flags")(flags_command)


def _evidence_line(ev) -> str:
    where = ev.locator.split("#")[0].split(",")[0]  # file name, or "p. 12" without the section title
    return f"[{ev.method.value}] {where}: {quoted(ev)}"


@handles_errors
def who_uses_command(
    technique: Annotated[str, typer.Argument(help="Technique id, name or alias (see 'lineage ls techniques').")],
    variants: Annotated[bool, typer.Option("--variants", help="Include techniques that are kinds or variants of it.")] = False,
    derivatives: DerivativesOpt = False,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Models that use a technique, each with status and evidence (derivatives only with --derivatives)."""
    from lineage.questions.who_uses import who_uses

    with open_store(store) as st:
        catalog = read_catalog(st)
        result = who_uses(st, catalog, technique, variants=variants, derivatives=derivatives)
    if json_out:
        emit_json(result)
        return
    origin = []
    if result.introduced_by:
        origin.append("introduced by " + ", ".join(catalog.get(o).name for o in result.introduced_by))
    if result.introduced_in:
        paper = catalog.get(result.introduced_in)
        origin.append(f"in {paper.name}" + (f" (arXiv:{paper.arxiv})" if paper.arxiv else ""))
    if result.first_appeared:
        origin.append(f"first appeared {result.first_appeared}")
    typer.echo(f"{result.name} ({result.technique})" + (": " + ", ".join(origin) if origin else ""))
    if not result.rows and not result.ruled_out:
        typer.echo("No model in the store has a claim of using it.")
        return
    if result.rows:
        counts = {s: sum(r.status is s for r in result.rows) for s in Status}
        summary = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
        first = f"; first verified adopter: {result.first_adopter}" if result.first_adopter else ""
        typer.echo(f"{_models(len(result.rows))} ({summary}){first}")
        typer.echo("")
        typer.echo(_adoption_table(result.rows, result.technique, status=True))
    else:
        typer.echo("No model in the store uses it.")
    if result.ruled_out:
        typer.echo("")
        typer.echo(f"Ruled out by a primary source: {_models(len(result.ruled_out))}")
        typer.echo(_adoption_table(result.ruled_out, result.technique, status=False))


def _models(n: int) -> str:
    return f"{n} model{'s' if n != 1 else ''}"


def _adoption_table(rows, technique: str, status: bool) -> str:
    """MODEL, RELEASED, [STATUS,] EVIDENCE: one line per row, its first piece of evidence."""
    lines = []
    for r in rows:
        ev = r.evidence[0]
        more = f" (+{len(r.evidence) - 1} more)" if len(r.evidence) > 1 else ""
        via = f" via {r.technique}" if r.technique != technique else ""
        via += f" ({r.derivation})" if r.derivation else ""
        lines.append([r.name + via, r.released or "-", *([r.status.value] if status else []),
                      _evidence_line(ev)[:90] + more])
    return table(["MODEL", "RELEASED", *(["STATUS"] if status else []), "EVIDENCE"], lines)


@handles_errors
def origin_command(
    technique: Annotated[str, typer.Argument(help="Technique id, name or alias.")],
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Who introduced a technique, when and in which paper, with evidence."""
    from lineage.questions.who_uses import ancestor_chain, origin

    with open_store(store) as st:
        catalog = read_catalog(st)
        result = origin(st, catalog, technique)
        chain = [] if json_out else ancestor_chain(st, catalog, result.technique)
    if json_out:
        emit_json(result)
        return
    typer.echo(f"{result.name} ({result.technique}), {result.category}")
    if len(chain) > 1:
        typer.echo(f"  builds on: {' ← '.join(chain)}")
    if result.description:
        typer.echo(f"  {result.description}")
    if result.paper:
        p = result.paper
        arxiv = f"arXiv:{p['arxiv']}, " if p.get("arxiv") else ""
        typer.echo(f"  paper: {p['title']} ({arxiv}{p.get('published') or 'date unknown'})")
    if result.inventors:
        typer.echo(f"  credited to: {', '.join(result.inventors)}")
    for f in result.facts:
        typer.echo(f"  {f.predicate.value}: {f.label}  [{f.status.value}] {f.reason}")
    if result.variant_of:
        typer.echo(f"  variant of: {', '.join(result.variant_of)}")
    if result.variants:
        typer.echo(f"  variants: {', '.join(result.variants)}")
    if result.earliest_adopters:
        firsts = ", ".join(f"{a.name} ({a.released or '?'}, {a.status.value})" for a in result.earliest_adopters)
        typer.echo(f"  earliest adopters in the store: {firsts}")


@handles_errors
def show_command(
    ident: Annotated[str, typer.Argument(metavar="ID", help="Any catalog id, name or alias.")],
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Everything known about one id: its catalog entry and every claim about it."""
    from lineage.questions.listing import show

    with open_store(store) as st:
        catalog = read_catalog(st)
        result = show(st, catalog, ident)
    if json_out:
        emit_json(result)
        return
    e = result.entity
    typer.echo(f"{e['name']} ({result.id}), {result.kind}"
               + (f", discovered in {e.get('discovered_in')}" if e.get("curation") == "discovered" else ""))
    if e.get("description"):
        typer.echo(f"  {e['description']}")
    for key in ("organization", "released", "hf_repo", "family", "category", "arxiv", "published", "vendor"):
        if key in e:
            typer.echo(f"  {key}: {e[key]}")
    if result.derivatives:
        typer.echo("\nDerivatives:")
        typer.echo(table(["RELATION", "MODEL", "PUBLISHER", "STATUS"],
                         [[relation, d.model, d.organization or "-", d.status.value]
                          for relation, found in result.derivatives.items() for d in found]))
    for title, facts in (("Claims about it", result.about), ("Claims pointing at it", result.referenced_by)):
        if not facts:
            continue
        typer.echo(f"\n{title}:")
        alike: dict[tuple[str, str, str], list] = {}  # one row per value shown: its first evidence, the rest counted
        for f in facts:
            alike.setdefault((f.predicate.value, quantity(f.predicate.value, f.label), f.status.value), []).append(f)
        rows = [[*key, _evidence_line(same[0].evidence[0]) + (f" (+{len(same) - 1} more sources)" if len(same) > 1 else "")]
                for key, same in alike.items()]
        typer.echo(table(["PREDICATE", "VALUE", "STATUS", "EVIDENCE"], rows, {1: 32, 3: 80}))


def _value(c) -> str:
    """A claim's literal value with its unit, numbers written for people (3.58B, 202,752 tokens)."""
    text = quantity(c.predicate.value, c.value)
    return text if text != str(c.value) or not c.unit else f"{c.value} {c.unit}"


def _best_evidence(c) -> str:
    primary = [e for e in c.evidence if e.source_kind.value == "primary"]
    ev = (primary or list(c.evidence))[0]
    return _evidence_line(ev)


@handles_errors
def claims_command(
    status: Annotated[Status | None, typer.Option("--status", help="Only claims with this status.")] = None,
    source: Annotated[
        str | None,
        typer.Option("--source", metavar="SOURCE", help="Only claims from this source: its id, or the path or URL ingested."),
    ] = None,
    subject: Annotated[str | None, typer.Option("--subject", metavar="ID", help="Only claims about this id.")] = None,
    min_status: MinStatusOpt = None,
    why: Annotated[
        str | None, typer.Option("--why", metavar="CLAIM", help="Why a claim has its status: its id (from this list), or 'SUBJECT PREDICATE [OBJECT]'.")
    ] = None,
    flagged: Annotated[
        bool, typer.Option("--flagged", help="Every claim that is not verified, plus anachronisms and unknown ids.")
    ] = False,
    fmt: FormatOpt = Format.table,
    limit: LimitOpt = None,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """List claims with status, reason and best evidence, filtered by status, source or subject (see 'lineage ls sources')."""
    from lineage.questions.claims import claims

    if why is not None:  # a claim id, or "SUBJECT PREDICATE [OBJECT]"
        return why_command(*why.split(maxsplit=2), store=store, json_out=json_out or fmt is Format.json)
    if flagged:
        with rendering(fmt, json_out) as as_json:
            return flags_command(store=store, limit=limit, json_out=as_json)
    with open_store(store) as st:
        result = claims(st, status=status, source=source, subject=subject, min_status=min_status)
    shown = result[:limit] if limit else result
    if json_out or fmt is Format.json:
        emit_json(shown)
        return
    rows = [
        [
            c.ref.rsplit("/", 1)[-1],
            f"{c.subject} {c.predicate.value} {c.object or _value(c)}",
            c.status.value,
            c.reason,
            partial(_best_evidence, c),  # made only if the table has room for it
        ]
        for c in shown
    ]
    if fmt is Format.md:
        typer.echo("| claim | statement | status | reason | best evidence |")
        typer.echo("|---|---|---|---|---|")
        for r in rows:
            typer.echo("| " + " | ".join(md_cell(x() if callable(x) else x) for x in r) + " |")
        return
    with rendering(fmt, False):
        typer.echo(table(["CLAIM", "STATEMENT", "STATUS", "REASON", "EVIDENCE"], rows, {1: 50, 3: 70, 4: 70},
                         keep=[0], wrap=[1], optional=[4]))
        typer.echo(f"\n{len(shown)} of {len(result)} claims")


@handles_errors
def why_command(
    claim_id: Annotated[str, typer.Argument(metavar="CLAIM", help="Claim id (c-…), as listed by 'lineage claims', or a subject id.")],
    predicate: Annotated[str | None, typer.Argument(metavar="[PREDICATE]", help="With a subject: the predicate (kvCacheRatio).")] = None,
    obj: Annotated[str | None, typer.Argument(metavar="[OBJECT]", help="With a predicate: the object id or value.")] = None,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Why a claim has its status: the rule, the reason and every piece of evidence used."""
    from lineage.questions.claims import claim, claims_about

    with open_store(store) as st:
        found = claims_about(st, claim_id, predicate, obj) if predicate else [claim(st, claim_id)]
    if json_out:
        emit_json(found if predicate else found[0])
        return
    for i, c in enumerate(found):
        if i:
            typer.echo("")
        _why(c)


def _why(c) -> None:
    obj = c.object if c.object is not None else _value(c)
    typer.echo(f"{c.subject} {c.predicate.value} {obj}")
    typer.echo(f"  status: {c.status.value}")
    typer.echo(f"  reason: {c.reason}")
    typer.echo(f"  source: {c.source}")
    if c.qualifiers:
        typer.echo(f"  qualifiers: {c.qualifiers}")
    for e in c.evidence:
        stance = "supports" if e.supports else "against"
        typer.echo(f"  - [{stance}, {e.source_kind.value}, {e.method.value}] {e.source} {e.locator}: {quoted(e)}")


@handles_errors
def flags_command(store: StoreOpt = None, limit: LimitOpt = None, json_out: JsonOpt = False) -> None:
    """Every claim that is not verified (contradicted first), plus anachronisms and unknown ids."""
    from lineage.questions.claims import flags

    with open_store(store) as st:
        catalog = read_catalog(st)
        result = flags(st, catalog)
    shown = result[:limit] if limit else result
    if json_out:
        emit_json(shown)
        return
    rows = [[f.kind, f.statement, f.source, f.reason] for f in shown]
    typer.echo(table(["FLAG", "STATEMENT", "SOURCE", "REASON"], rows, {1: 50, 2: 36, 3: 90}, wrap=[3]))
    typer.echo(f"\n{len(shown)} of {len(result)} flags")


@handles_errors
def techniques_command(
    discovered: Annotated[
        bool, typer.Option("--discovered", help="Only techniques that ingested sources introduced (not in the catalog).")
    ] = False,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Every technique, with its origin, how many models use it and its reference implementation."""
    from lineage.questions.listing import techniques

    with open_store(store) as st:
        catalog = read_catalog(st)
        rows = techniques(st, catalog, discovered=discovered)
    if json_out:
        emit_json(rows)
        return
    if discovered:
        if not rows:
            typer.echo("No ingested source introduced a technique the catalog lacks.")
            return
        typer.echo(
            table(
                ["ID", "NAME", "CATEGORY", "INTRODUCED IN", "BY", "FIRST", "MODELS", "FOUND IN"],
                [[r.id, r.name, r.category, r.introduced_in or "-", ", ".join(r.introduced_by) or "-",
                  r.first_appeared or "-", r.adopters, r.discovered_in] for r in rows],
                {1: 40},
            )
        )
        return
    typer.echo(
        table(
            ["ID", "NAME", "CATEGORY", "INTRODUCED BY", "FIRST", "MODELS", "IMPLEMENTATION"],
            [[r.id + _MARK.get(r.curation, ""), r.name, r.category, ", ".join(r.introduced_by),
              r.first_appeared, r.adopters, r.implementation or "-"] for r in rows],
            {1: 40},
            optional=[6, 1],
        )
    )
    if any(r.curation == "vocabulary" for r in rows):
        typer.echo("+ vocabulary: imported from the Papers with Code methods archive (seeds/vocabulary.yaml)")


_MARK = {"discovered": "*", "vocabulary": "+"}
"""How a listing marks an entity the curated catalog does not hold."""


@handles_errors
def models_command(store: StoreOpt = None, json_out: JsonOpt = False) -> None:
    """Every catalog model, with computed sizes and technique counts where configs were ingested."""
    from lineage.questions.listing import models

    with open_store(store) as st:
        catalog = read_catalog(st)
        rows = models(st, catalog)
    if json_out:
        emit_json(rows)
        return
    typer.echo(
        table(
            ["ID", "NAME", "ORG", "RELEASED", "TOTAL", "ACTIVE", "TECHNIQUES"],
            [
                [r.id + ("*" if r.curation == "discovered" else ""), r.name, r.organization, r.released,
                 human(r.total_parameters), human(r.active_parameters), r.techniques]
                for r in rows
            ],
            {1: 32},
            optional=[1],
        )
    )
    if any(r.curation == "discovered" for r in rows):
        typer.echo("* discovered: introduced by an ingested source, not in the curated catalog")


@handles_errors
def sources_command(store: StoreOpt = None, json_out: JsonOpt = False) -> None:
    """Every ingested source document (one named graph each)."""
    with open_store(store) as st:
        docs, unfinished = st.sources(), st.unfinished_build()
    if json_out:
        emit_json(docs)
    else:
        typer.echo(
            table(
                ["ID", "KIND", "FORMAT", "ABOUT", "REVISION"],
                [[d.id, d.kind.value, d.format, d.about, (d.revision or "")[:16]] for d in docs],
                optional=[4, 2],
            )
        )
    if unfinished:
        typer.echo(f"Warning: {unfinished}", err=True)
