"""The imported vocabulary of ideas (``seeds/vocabulary.yaml``) joined to the catalog.

Each row names a method of a public vocabulary (the Papers with Code methods archive, imported by
:mod:`lineage.harvest.methods_vocabulary`): its names, category, collections and introducing paper.  Joining it:

- a row any of whose names has the key (:func:`lineage.catalog.vocabulary.idea_key`) of a technique the catalog
  knows is that technique: nothing is added (the catalog names and corrects);
- any other row becomes a technique of curation ``"vocabulary"``, with the row's names as name and aliases and, when
  the row gives an arXiv id, that paper as its origin (``introduced_in``; a paper entity of curation
  ``"vocabulary"`` is added when the catalog has none) and the paper's month as ``first_appeared``;
- nothing else merges: two rows, or a row and a technique, whose keys differ stay two ideas.

The archive is a secondary record: every fact it gives cites the method's page there.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lineage.catalog.vocabulary import arxiv_month, idea_index, idea_key
from lineage.errors import CatalogError
from lineage.vocab import ID_PATTERN, MAX_ID_LENGTH, EntityKind, SourceKind

if TYPE_CHECKING:
    from lineage.catalog.seeds import Catalog
    from lineage.domain import Paper, Technique

VOCABULARY_FILE = "vocabulary.yaml"
"""The seed file of the imported vocabulary, beside the curated seed files (optional)."""

ARCHIVE_URL = "https://paperswithcode.com/method/"
"""Where a row's method is listed (the archive's page of the method, by its slug)."""


def read_rows(text: str, path: Path) -> list[dict[str, Any]]:
    """The rows of the vocabulary file; ``CatalogError`` naming the first malformed one."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    found = yaml.load(text, Loader=loader) or []
    for i, r in enumerate(found):
        if not (isinstance(r, dict) and isinstance(r.get("pwc"), str) and r.get("names") and r.get("category")):
            raise CatalogError(f"{path.name}: entry {i}: needs pwc, names and category")
    return found


def _id(name: str, taken: dict[str, Any]) -> str:
    """The technique id of a row: its first name in kebab case (an id is a name too, so never the archive's slug,
    which can be a bare acronym of another idea), "-2", "-3" … appended where the catalog already uses it."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:MAX_ID_LENGTH - 4].strip("-") or "idea"
    ident, n = base, 1
    while ident in taken or not re.fullmatch(ID_PATTERN, ident):
        n += 1
        ident = f"{base}-{n}"
    return ident


def join(catalog: Catalog, rows: list[dict[str, Any]]) -> tuple[list[Technique | Paper], dict[str, str]]:
    """The entities the vocabulary adds to ``catalog`` and, for the rows it already knows, row slug -> technique id."""
    from lineage.domain import Paper, SourceRef, Technique  # deferred for start-up: pydantic

    index = idea_index(catalog.of_kind(EntityKind.TECHNIQUE))
    known: dict[str, str] = {}
    added: list[Technique | Paper] = []
    taken = dict(catalog.entities)
    for r in rows:
        same = next((index[k] for k in map(idea_key, r["names"]) if k in index), None)
        if same is not None:
            known[r["pwc"]] = same
            continue
        page = ARCHIVE_URL + r["pwc"]
        paper_id = f"arxiv-{r['arxiv']}" if r.get("arxiv") else None
        if paper_id and paper_id not in taken:
            paper = Paper(id=paper_id, name=f"{r.get('paper_title') or 'arXiv ' + r['arxiv']} paper", title=r.get("paper_title"),
                          arxiv=r["arxiv"], published=arxiv_month(r["arxiv"]),
                          sources=(SourceRef(url=f"https://arxiv.org/abs/{r['arxiv']}"),), curation="vocabulary")
            taken[paper_id] = paper
            added.append(paper)
        collections = ", ".join(r.get("collections", ()))
        technique = Technique(
            id=_id(r["names"][0], taken), name=r["names"][0], aliases=tuple(r["names"][1:]), category=r["category"],
            introduced_in=paper_id,
            first_appeared=arxiv_month(r.get("arxiv")),
            sources=(SourceRef(url=page, kind=SourceKind.SECONDARY,
                               note=f"Papers with Code methods archive; collections: {collections}"),),
            curation="vocabulary",
        )
        taken[technique.id] = technique
        for key in map(idea_key, r["names"]):
            index.setdefault(key, technique.id)
        added.append(technique)
    return added, known


def with_vocabulary(catalog: Catalog, text: str, path: Path) -> Catalog:
    """``catalog`` with the vocabulary's new ideas (and their papers) added in place; returns it."""
    added, _ = join(catalog, read_rows(text, path))
    for entity in added:
        catalog.add(entity)
    return catalog


SAMPLE_SIZE = 120
"""How many imported ideas the labels cover: those whose ids' SHA-1 digests come first (a random draw that a
changed import disturbs only where it adds or removes an idea)."""


def sample(catalog: Catalog) -> list[str]:
    """The ids of the imported ideas the labels cover, sorted."""
    import hashlib

    ids = [t.id for t in catalog.of_kind(EntityKind.TECHNIQUE) if t.curation == "vocabulary"]
    return sorted(sorted(ids, key=lambda i: hashlib.sha1(i.encode()).hexdigest())[:SAMPLE_SIZE])


def quality(labels: list[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    """Right / judged per question over labelled imported ideas: is it an idea, is its category right (over ideas),
    is its origin paper right (over ideas given one), would an open LLM use it."""
    ideas = [r for r in labels if r["idea"]]
    origins = [r for r in ideas if r.get("origin_right") is not None]
    return {
        "idea": (len(ideas), len(labels)),
        "category": (sum(bool(r["category_right"]) for r in ideas), len(ideas)),
        "origin": (sum(bool(r["origin_right"]) for r in origins), len(origins)),
        "llm": (sum(bool(r["llm"]) for r in labels), len(labels)),
    }
