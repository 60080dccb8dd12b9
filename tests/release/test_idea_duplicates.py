"""No two ids for one idea among the 100 most used techniques of the default build (the catalog, its imported
vocabulary and the shipped graph release): pairwise, no shared key, no acronym of one spelt out by the other's
name, no variant spelling (British / American endings)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from lineage.catalog.vocabulary import idea_key, spelled_by
from lineage.questions.listing import techniques
from lineage.store import Store
from lineage.vocab import EntityKind

RELEASE = Path(__file__).parents[2] / "seeds" / "release"
TOP = 100


@pytest.fixture(scope="module")
def most_used(tmp_path_factory, catalog):
    """The techniques with most adopters (at most :data:`TOP`, each used by one model at least) and the catalog."""
    from lineage.build import build

    with Store(tmp_path_factory.mktemp("ideas") / "store") as s:
        build(s, catalog, release=RELEASE)
        full = catalog.with_discovered(s.discovered_entities())
        rows = sorted(techniques(s, full), key=lambda r: (-r.adopters, r.id))[:TOP]
        return [full.entities[r.id] for r in rows if r.adopters], full


def _names(t) -> list[str]:
    return [t.id, t.name, *t.aliases]


def _spelling(key: str) -> str:
    """A key with British endings made American ("normalisation" -> "normalization")."""
    return re.sub(r"is(e|ed|ing|ation)", r"iz\1", key)


def _acronym(name: str) -> bool:
    """A name of letters only with two capitals or more, short ("GQA", "MoBA"; not "SM3", whose digit initials skip)."""
    return bool(re.fullmatch(r"[A-Za-z]+", name)) and sum(c.isupper() for c in name) >= 2 and len(name) <= 6


DISTINCT = {
    frozenset(p) for p in (
        ("sliding-window-attention", "stochastic-weight-averaging"),  # both "SWA"
        ("dsa", "dense-synthesized-attention"), ("dsa", "3-dimensional-soft-attention"),  # DeepSeek Sparse Attention
        ("sortcut-sinkhorn-attention", "streaming-sparse-attention"), ("sparse-sinkhorn-attention", "streaming-sparse-attention"),
        ("singular-value-decomposition-parameterization", "sequence-parallelism"),  # "SP"
    )
}
"""Pairs of distinct ideas one acronym stands for, checked by hand (merges refused)."""


def same_idea_reasons(a, b) -> list[str]:
    """Why ``a`` and ``b`` might be one idea under two ids (empty when nothing says so)."""
    ka, kb = ({idea_key(n) for n in _names(t)} - {""} for t in (a, b))
    why = [f"same key {k}" for k in ka & kb]
    why += [f"variant spelling {p} / {q}" for p, q in itertools.product(ka, kb) if p != q and _spelling(p) == _spelling(q)]
    for x, y in ((a, b), (b, a)):
        why += [f"{n} spelt out by {m}" for n in _names(x) if _acronym(n) for m in _names(y)
                if len(m.split()) > 1 and spelled_by(n, re.findall(r"[A-Za-z][A-Za-z\-]*", m))]
    return why


def _initials(name: str) -> str:
    return "".join(p[0] for w in re.findall(r"[A-Za-z][A-Za-z\-]*", name) for p in w.split("-") if p).lower()


def duplicate_pairs(ideas) -> dict[tuple[str, str], list[str]]:
    """Pairs of ``ideas`` :func:`same_idea_reasons` would flag (less :data:`DISTINCT`), found through indexes
    of keys, American spellings and initials rather than pair by pair."""
    by: dict[str, set[str]] = {}
    for t in ideas:
        for n in _names(t):
            if key := idea_key(n):
                by.setdefault("k" + _spelling(key), set()).add(t.id)
            if len(n.split()) > 1:
                by.setdefault("i" + _initials(n), set()).add(t.id)
    pairs = set()
    for t in ideas:
        for n in _names(t):
            near = by.get("k" + _spelling(idea_key(n)), set())
            if _acronym(n):
                near = near | by.get("i" + n.lower(), set())
            pairs |= {tuple(sorted((t.id, o))) for o in near if o != t.id}
    index = {t.id: t for t in ideas}
    return {p: why for p in sorted(pairs) if frozenset(p) not in DISTINCT and (why := same_idea_reasons(*map(index.get, p)))}


def test_the_most_used_techniques_are_many(most_used):
    used, _ = most_used
    assert len(used) >= 50


def test_no_two_ids_for_one_idea_among_the_most_used(most_used):
    used, _ = most_used
    found = {(a.id, b.id): why for a, b in itertools.combinations(used, 2)
             if frozenset((a.id, b.id)) not in DISTINCT and (why := same_idea_reasons(a, b))}
    assert not found, found
    assert duplicate_pairs(used) == found


def test_no_idea_has_two_ids_in_the_whole_default_build(most_used):
    _, catalog = most_used
    assert not duplicate_pairs(list(catalog.of_kind(EntityKind.TECHNIQUE)))


def test_the_check_finds_a_duplicate_it_is_shown(most_used):
    _, catalog = most_used
    gqa = catalog.entities["gqa"]
    twin = gqa.model_copy(update={"id": "grouped-query-attention-2", "name": "grouped query attention", "aliases": ()})
    acronym = gqa.model_copy(update={"id": "gqa-2", "name": "GQA", "aliases": ()})
    spelt = gqa.model_copy(update={"id": "x", "name": "Grouped Query Normalisation", "aliases": ()})
    american = gqa.model_copy(update={"id": "y", "name": "Grouped Query Normalization", "aliases": ()})
    assert same_idea_reasons(gqa, twin) and same_idea_reasons(acronym, twin) and same_idea_reasons(spelt, american)
    assert not same_idea_reasons(gqa, catalog.entities["mqa"])
    assert set(duplicate_pairs([gqa, twin, acronym, spelt, american, catalog.entities["mqa"]])) == {
        ("gqa", "gqa-2"), ("gqa", "grouped-query-attention-2"), ("gqa-2", "grouped-query-attention-2"), ("x", "y")}
