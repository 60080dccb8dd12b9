"""Idea-lineage commands: ancestry, descendants, family-changes.

Each parses its arguments, projects the store to a graph, calls the function of the same name
in :mod:`lineage.questions.ideas` and renders the answer (or prints it with ``--json``).
"""

from __future__ import annotations

from typing import Annotated

import typer

from lineage.cli.failures import handles_errors
from lineage.cli.flow import ANY, MinStatusOpt, catalog_and_graph
from lineage.cli.options import JsonOpt, StoreOpt
from lineage.cli.render import emit_json
from lineage.vocab import EntityKind, Status


def register(app: typer.Typer) -> None:
    app.command("ancestry")(ancestry_command)
    app.command("descendants")(descendants_command)
    app.command("family-changes")(family_changes_command)


def _evidence_line(evidence) -> str:
    if not evidence:
        return "no evidence"
    ev = evidence[0]
    more = f" (+{len(evidence) - 1} more)" if len(evidence) > 1 else ""
    return f"[{ev.method.value}] {ev.locator}: {ev.snippet}"[:150] + more


def render_tree(tree, older: bool) -> list[str]:
    """The tree as indented lines: each link with its status, then its first evidence."""
    root = tree.root
    lines = [f"{root.name} ({root.technique})" + (f", first appeared {root.first_appeared}" if root.first_appeared else "")]
    if root.models:
        lines.append(f"  used by: {', '.join(root.models)}")

    def walk(node, depth):
        for child in node.children:
            pad = "  " * depth
            for i, link in enumerate(child.links):
                said = f"{link.subject} {link.relation} {link.object}"
                head = f"{pad}- {child.name} ({child.technique})" if i == 0 else f"{pad}  also"
                lines.append(f"{head}: {said} [{link.status.value}]")
                lines.append(f"{pad}    {_evidence_line(link.evidence)}")
            if child.models:
                lines.append(f"{pad}    used by: {', '.join(child.models)}")
            walk(child, depth + 1)

    walk(root, 1)
    if not root.children:
        what = "No idea it builds on" if older else "No idea built on it"
        lines.append(f"  {what} is recorded at this status.")
    for link in tree.contrasts:
        lines.append(f"  contrast: {link.subject} contrastsWith {link.object} [{link.status.value}]")
    return lines


def _tree_command(question: str, technique: str, min_status: Status, store, json_out: bool) -> None:
    from lineage.questions import ideas

    catalog, g = catalog_and_graph(store)
    result = getattr(ideas, question)(g, catalog.resolve(technique, EntityKind.TECHNIQUE), min_status)
    if json_out:
        emit_json(result)
        return
    typer.echo("\n".join(render_tree(result, older=question == "ancestry")))


TechniqueArg = Annotated[str, typer.Argument(help="Technique id, name or alias.")]


@handles_errors
def ancestry_command(
    technique: TechniqueArg, min_status: MinStatusOpt = ANY, store: StoreOpt = None, json_out: JsonOpt = False
) -> None:
    """The ideas a technique builds on, as a tree, each link with status and evidence."""
    _tree_command("ancestry", technique, min_status, store, json_out)


@handles_errors
def descendants_command(
    technique: TechniqueArg, min_status: MinStatusOpt = ANY, store: StoreOpt = None, json_out: JsonOpt = False
) -> None:
    """What built on a technique, and which models use each descendant."""
    _tree_command("descendants", technique, min_status, store, json_out)


@handles_errors
def family_changes_command(
    model_a: Annotated[str, typer.Argument(help="Older model id, name or alias.")],
    model_b: Annotated[str, typer.Argument(help="Newer model id, name or alias.")],
    min_status: MinStatusOpt = ANY, store: StoreOpt = None, json_out: JsonOpt = False,
) -> None:
    """What a newer model kept, added and dropped relative to an older one, with the configs/reports that show it."""
    from lineage.questions.ideas import family_changes

    catalog, g = catalog_and_graph(store)
    older, newer = (catalog.resolve(m, EntityKind.MODEL) for m in (model_a, model_b))
    result = family_changes(g, older, newer, min_status)
    if json_out:
        return emit_json(result)
    a, b = result.older, result.newer
    typer.echo(f"{a} -> {b}: {len(result.kept)} kept, {len(result.added)} added, {len(result.dropped)} dropped")
    for label, rows in (("kept", result.kept), ("added", result.added), ("dropped", result.dropped)):
        typer.echo(f"{label}:")
        for r in rows:
            typer.echo(f"  {r.technique} [{r.status.value}]  {_evidence_line(r.after or r.before)}")
            for link in r.replaces:
                typer.echo(f"    replaces {link.object} [{link.status.value}]: {link.reason}"[:140])
