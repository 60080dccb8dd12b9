"""Query commands: who-uses, origin, show, claims, techniques, models, sources."""

from functools import partial
from typing import Annotated

import typer

from lineage.cli.failures import handles_errors
from lineage.cli.options import Format, FormatOpt, JsonOpt, LimitOpt, MinStatusOpt, StoreOpt
from lineage.cli.pipeline import STORED, Asked, DerivativesOpt, add_commands, question
from lineage.cli.render import emit_json, human, quantity, quoted, rendering, table
from lineage.cli.stores import open_store, read_catalog
from lineage.cli.terminal import md_cell
from lineage.vocab import Status


def register(app: typer.Typer) -> None:
    add_commands(app, who_uses_command, origin_command, show_command, claims_command, techniques_command, models_command,
                 sources_command, why_command, flags_command)


def _evidence_line(ev) -> str:
    where = ev.locator.split("#")[0].split(",")[0]  # file name, or "p. 12" without the section title
    return f"[{ev.method.value}] {where}: {quoted(ev)}"


def show_who_uses(result, asked: Asked) -> None:
    """``lineage who-uses``: the technique's origin, then its adopters and the models ruled out."""
    catalog = asked.catalog()
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


@question(show_who_uses, STORED)
def who_uses_command(
    asked: Asked,
    technique: Annotated[str, typer.Argument(help="Technique id, name or alias (see 'lineage ls techniques').")],
    variants: Annotated[bool, typer.Option("--variants", help="Include techniques that are kinds or variants of it.")] = False,
    derivatives: DerivativesOpt = False,
):
    """Models that use a technique, each with status and evidence (derivatives only with --derivatives)."""
    from lineage.questions.who_uses import who_uses

    with asked.reading() as (st, catalog):
        return who_uses(st, catalog, technique, variants=variants, derivatives=derivatives)


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


def card(origin) -> None:
    """A technique's description and paper, indented under its name (``lineage origin``, ``lineage explain``)."""
    if origin.description:
        typer.echo(f"  {origin.description}")
    if origin.paper:
        p = origin.paper
        arxiv = f"arXiv:{p['arxiv']}, " if p.get("arxiv") else ""
        typer.echo(f"  paper: {p['title']} ({arxiv}{p.get('published') or 'date unknown'})")


def show_origin(result, asked: Asked) -> None:
    """``lineage origin``: who introduced a technique, in which paper, what it builds on, its first adopters."""
    from lineage.questions.who_uses import ancestor_chain

    with asked.reading() as (st, catalog):
        chain = ancestor_chain(st, catalog, result.technique)
    typer.echo(f"{result.name} ({result.technique}), {result.category}")
    if len(chain) > 1:
        typer.echo(f"  builds on: {' ← '.join(chain)}")
    card(result)
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


@question(show_origin, STORED)
def origin_command(asked: Asked, technique: Annotated[str, typer.Argument(help="Technique id, name or alias.")]):
    """Who introduced a technique, when and in which paper, with evidence."""
    from lineage.questions.who_uses import origin

    with asked.reading() as (st, catalog):
        return origin(st, catalog, technique)


def show_entity(result, asked: Asked) -> None:
    """``lineage show``: the catalog entry, its derivatives, then the claims about it and pointing at it."""
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


@question(show_entity, STORED)
def show_command(asked: Asked, ident: Annotated[str, typer.Argument(metavar="ID", help="Any catalog id, name or alias.")]):
    """Everything known about one id: its catalog entry and every claim about it."""
    from lineage.questions.listing import show

    with asked.reading() as (st, catalog):
        return show(st, catalog, ident)

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


def show_why(found, asked: Asked) -> None:
    """``lineage why``: each claim's rule, reason and evidence."""
    for i, c in enumerate(found if isinstance(found, list) else [found]):
        if i:
            typer.echo("")
        _why(c)


@question(show_why, STORED)
def why_command(
    asked: Asked,
    claim_id: Annotated[str, typer.Argument(metavar="CLAIM", help="Claim id (c-…), as listed by 'lineage claims', or a subject id.")],
    predicate: Annotated[str | None, typer.Argument(metavar="[PREDICATE]", help="With a subject: the predicate (kvCacheRatio).")] = None,
    obj: Annotated[str | None, typer.Argument(metavar="[OBJECT]", help="With a predicate: the object id or value.")] = None,
):
    """Why a claim has its status: the rule, the reason and every piece of evidence used."""
    from lineage.questions.claims import claim, claims_about

    with asked.reading() as (st, _):
        return claims_about(st, claim_id, predicate, obj) if predicate else claim(st, claim_id)


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


def show_techniques(rows, asked: Asked) -> None:
    """``lineage techniques``: one line per technique (``--discovered``: where each was found)."""
    if asked.given.get("discovered"):
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


@question(show_techniques, STORED)
def techniques_command(
    asked: Asked,
    discovered: Annotated[
        bool, typer.Option("--discovered", help="Only techniques that ingested sources introduced (not in the catalog).")
    ] = False,
):
    """Every technique, with its origin, how many models use it and its reference implementation."""
    from lineage.questions.listing import techniques

    with asked.reading() as (st, catalog):
        return techniques(st, catalog, discovered=discovered)


def show_models(rows, asked: Asked) -> None:
    """``lineage models``: one line per model, in release order."""
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


@question(show_models, STORED)
def models_command(asked: Asked):
    """Every catalog model, with computed sizes and technique counts where configs were ingested."""
    from lineage.questions.listing import models

    with asked.reading() as (st, catalog):
        return models(st, catalog)


def show_sources(docs, asked: Asked) -> None:
    """``lineage sources``: one line per ingested source."""
    typer.echo(
        table(
            ["ID", "KIND", "FORMAT", "ABOUT", "REVISION"],
            [[d.id, d.kind.value, d.format, d.about, (d.revision or "")[:16]] for d in docs],
            optional=[4, 2],
        )
    )


@question(show_sources, STORED)
def sources_command(asked: Asked):
    """Every ingested source document (one named graph each)."""
    with asked.reading() as (st, _):
        docs, unfinished = st.sources(), st.unfinished_build()
    if unfinished:
        typer.echo(f"Warning: {unfinished}", err=True)
    return docs
