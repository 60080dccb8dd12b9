"""``lineage tree``: the model tree from the store (descendants by relation and depth, most-derived bases,
who quantizes whom), :mod:`lineage.questions.tree`."""

from typing import Annotated

import typer

from lineage.cli.failures import handles_errors
from lineage.cli.options import JsonOpt, LimitOpt, StoreOpt
from lineage.cli.render import emit_json
from lineage.cli.stores import load_catalog, open_store
from lineage.errors import SourceFormatError


def register(app: typer.Typer) -> None:
    app.command("tree")(tree_command)


@handles_errors
def tree_command(
    model: Annotated[str | None, typer.Argument(metavar="MODEL", help="Model id or Hub repo whose descendants to list.")] = None,
    relation: Annotated[str | None, typer.Option("--relation", help="Only steps of this relation (quantized, finetune, adapter, merge…).")] = None,
    depth: Annotated[int | None, typer.Option("--depth", min=1, help="Generations below MODEL.")] = None,
    most_derived: Annotated[bool, typer.Option("--most-derived", help="Bases with the most direct derivatives.")] = False,
    quantizers: Annotated[bool, typer.Option("--quantizers", help="Who publishes quantized copies of whose models.")] = False,
    min_status: Annotated[str, typer.Option("--min-status", help="Weakest status of an edge kept.")] = "unverified",
    limit: LimitOpt = None,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """The model tree: MODEL's descendants, breadth first, with the relation and depth of each, or
    --most-derived bases, or --quantizers (who quantizes whom)."""
    from lineage.domain import Status, slug
    from lineage.questions import tree

    if sum([model is not None, most_derived, quantizers]) != 1:
        raise SourceFormatError("give one of MODEL, --most-derived or --quantizers")
    if min_status not in {s.value for s in Status}:
        raise SourceFormatError(f'--min-status "{min_status}" is not one of {", ".join(s.value for s in Status)}')
    with open_store(store) as st:
        catalog = load_catalog(st)
        edges = tree.store_edges(st, catalog, min_status)
    if model is not None:
        ident = (catalog.model_by_repo(model).id if "/" in model and catalog.model_by_repo(model) else
                 slug(model.replace("/", "-")) if "/" in model else model)
        if ident not in catalog and not any(ident in (e.model, e.base) for e in edges):
            raise SourceFormatError(f'no model "{model}" in the catalog or the store\'s derivations')
        rows = tree.descendants(edges, ident, relation, depth)
        rows = rows[:limit] if limit else rows
        if json_out:
            emit_json(rows)
            return
        for r in rows:
            typer.echo(f"{'  ' * (r.depth - 1)}{r.model}  {r.relation} of {r.base} ({r.status})")
        typer.echo(f"{len(rows)} descendants of {ident}" + (f" ({relation})" if relation else ""))
        return
    if most_derived:
        derived = tree.most_derived(edges, relation, limit or 10)
        if json_out:
            emit_json(derived)
            return
        for d in derived:
            typer.echo(f"{d.derivatives:>8}  {d.base}  ({', '.join(f'{k} {v}' for k, v in d.relations.items())})")
        return
    found = tree.who_quantizes(edges, limit)
    if json_out:
        emit_json(found)
        return
    for q in found:
        typer.echo(f"{q.copies:>8}  {q.publisher} quantizes {q.of} ({q.bases} base models)")
