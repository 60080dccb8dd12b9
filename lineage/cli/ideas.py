"""Idea-lineage commands: ancestry, descendants, family-changes.

Each parses its arguments, projects the store to a graph, calls the function of the same name
in :mod:`lineage.questions.ideas` and renders the answer (or prints it with ``--json``).
"""

from typing import Annotated

import typer

from lineage.cli.flow import TechniqueArg, first_evidence
from lineage.cli.pipeline import Asked, add_commands, question
from lineage.vocab import EntityKind

OlderArg = Annotated[str, typer.Argument(help="Older model id, name or alias.")]
NewerArg = Annotated[str, typer.Argument(help="Newer model id, name or alias.")]


def register(app: typer.Typer) -> None:
    add_commands(app, ancestry_command, descendants_command, family_changes_command)


def _evidence_line(evidence) -> str:
    return first_evidence(evidence, cut=150, none="no evidence", whole=True)


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


def show_ancestry(tree, asked: Asked) -> None:
    """``lineage ancestry``: the ideas a technique builds on, as indented lines."""
    typer.echo("\n".join(render_tree(tree, older=True)))


def show_descendants(tree, asked: Asked) -> None:
    """``lineage descendants``: what built on a technique, as indented lines."""
    typer.echo("\n".join(render_tree(tree, older=False)))


@question(show_ancestry)
def ancestry_command(asked: Asked, technique: TechniqueArg):
    """The ideas a technique builds on, as a tree, each link with status and evidence."""
    from lineage.questions.ideas import ancestry

    return ancestry(asked.graph()[1], asked.resolve(technique, EntityKind.TECHNIQUE), asked.least)


@question(show_descendants)
def descendants_command(asked: Asked, technique: TechniqueArg):
    """What built on a technique, and which models use each descendant."""
    from lineage.questions.ideas import descendants

    return descendants(asked.graph()[1], asked.resolve(technique, EntityKind.TECHNIQUE), asked.least)


def show_family_changes(result, asked: Asked) -> None:
    """``lineage family-changes``: what the newer model kept, added and dropped."""
    a, b = result.older, result.newer
    typer.echo(f"{a} -> {b}: {len(result.kept)} kept, {len(result.added)} added, {len(result.dropped)} dropped")
    for label, rows in (("kept", result.kept), ("added", result.added), ("dropped", result.dropped)):
        typer.echo(f"{label}:")
        for r in rows:
            typer.echo(f"  {r.technique} [{r.status.value}]  {_evidence_line(r.after or r.before)}")


@question(show_family_changes)
def family_changes_command(asked: Asked, model_a: OlderArg, model_b: NewerArg):
    """What a newer model kept, added and dropped relative to an older one, with the configs/reports that show it."""
    from lineage.questions.ideas import family_changes

    older, newer = (asked.resolve(m, EntityKind.MODEL) for m in (model_a, model_b))
    return family_changes(asked.graph()[1], older, newer, asked.least)
