"""Idea lineage in prose: sentences that relate one technique to another.

A report says how its ideas relate to earlier ones: "X extends / builds on / generalises /
improves / is inspired by Y (and Z)", "X, a novel design that builds on Y", "X is an Y
architecture", "we replace Y with X", "unlike Y, X …", "X … compared with (a lab's) Y", "X
outperforms Y", "X combines Y and Z", "we instantiate X based on Y".  Each such sentence becomes a technique -> technique claim (a
:data:`lineage.domain.IDEA_RELATIONS` predicate) with the sentence as page evidence.

Techniques are found by their catalog names and aliases.  A citation marker (``[12]``,
``(Dai et al., 2024)``) stands for the technique its bibliography entry introduces when that
paper introduces exactly one catalog technique, so "we extend the delta rule of [34]" is
resolved through the bibliography to the introducing paper's technique.

The report is a primary record only of its own ideas: when it introduces the subject technique
(the catalog's ``introduced_in`` is this paper) the draft is a primary one (first status **verified**,
decided in :mod:`lineage.verify_draft`); otherwise the report is a third party to it (**reported**).  The rules are general sentence shapes; nothing names a document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from lineage.catalog import Catalog
from lineage.domain import Claim, Draft, EntityKind, Evidence, Predicate, clip
from lineage.ingest import references
from lineage.ingest.text import Sentence, candidates
from lineage.verify_draft import settle

_GAP = r"[^;:.⟦⟧]{0,40}?"
"""What may stand between the parts of one pattern: a few words, no clause break, no other technique."""

_T = r"⟦(\d+)⟧"
_NAME_TAIL = r"(?:\s*\([^()⟦⟧]{0,40}\))?"  # "X (Shazeer, 2019)" or "X [12]" after a name
_LIKE = r"(?:(?:\w+\s+){0,2}?⟦\d+⟧\s+\w+\s+(?:like|such\s+as)\s+)?"
"""Skips "conventional MoE architectures like" so the example, not the family, is the object."""
_APPOSITION = r"(?:an?\s+(?:[\w-]+\s+){0,3}?(?:that|which)\s+|which\s+|that\s+)?"
"""", a novel architecture that builds upon …": the subject's apposition before the verb."""
_AND_T = r"(?:" + _NAME_TAIL + r"\s+and\s+(?:the\s+)?" + _T + ")?"
""""… builds on Y and Z": a second object, coordinated (its group is None when absent)."""
_KIND = r"(?:architecture|method|algorithm|variant|approach|technique|mechanism|design)"
"""Head nouns of "X is an MoE architecture": X is a kind of Y, never "X is a Y model" (a model)."""
_OWNER = r"(?:[\w.-]+\s?['’]s\s+)?"
""""DSv3's MLA": a model's possessive before a technique's name."""
_NAMED = r"(?:⟦\d+⟧(?:\s+\w+)?,\s+)?"
""""our previous sparse attention model, InfLLM": a family named first, then the technique itself
(a family followed by a name the catalog lacks is no object: the rule then finds none)."""
_NOT = re.compile(r"\b(?:not|no|never|neither|nor|cannot|without)\b", re.I)

# (predicate, pattern, group of the subject, groups of the objects); patterns run on a skeleton in
# which each technique mention is replaced by ⟦i⟧.
_RULES: list[tuple[Predicate, re.Pattern, int, tuple[int, ...]]] = [
    (
        Predicate.EXTENDS,
        re.compile(
            _T + _NAME_TAIL + r",?\s+" + _APPOSITION + r"(?:is\s+|was\s+|further\s+)?"
            r"(?:extends|extended|builds\s+(?:up)?on|built\s+(?:up)?on|generali[sz]es|improves\s+(?:up)?on|inspired\s+by|"
            r"an?\s+(?:extension|generali[sz]ation|improved\s+version|refinement)\s+of)\s+(?:the\s+)?"
            r"(?:(?:[\w-]+\s+){1,3}?(?:of|in)\s+)?" + _T + _AND_T,
            re.I,
        ),
        1,
        (2, 3),
    ),
    (
        Predicate.EXTENDS,
        re.compile(r"\binstantiat\w*\s+" + _T + r"\s+(?:based\s+on|on\s+top\s+of|under)\s+(?:the\s+)?" + _T, re.I),
        1,
        (2,),
    ),
    (
        Predicate.VARIANT_OF,
        re.compile(
            _T + r"[^;:⟦⟧]{0,40}?,?\s+(?:which\s+is\s+|is\s+|as\s+)?an?\s+(?:\w+\s+)?variant(?:\s+version)?\s+of\s+"
            r"(?:the\s+)?" + _T,
            re.I,
        ),
        1,
        (2,),
    ),
    (
        Predicate.VARIANT_OF,
        re.compile(
            _T + _NAME_TAIL + r",?\s+(?:is|was)\s+(?:an?|another)\s+(?:[\w-]+\s+){0,2}?" + _T + r"\s+" + _KIND + r"\b",
            re.I,
        ),
        1,
        (2,),
    ),
    (
        Predicate.EXTENDS,
        re.compile(
            r"\b(?:on\s+top\s+of|based\s+on|building\s+(?:up)?on)\s+(?:the\s+|our\s+)?(?:\w+\s+){0,2}?" + _NAMED + _T
            + r"(?!(?:\s+\w+)?,\s+(?-i:[A-Z]))[^;:⟦⟧]{0,60}?,\s+we\s+(?:introduce|propose|present|develop|design)\s+"
            r"(?:an?\s+(?:[\w-]+\s+){0,2}?)?" + _NAMED + _T,
            re.I,
        ),
        2,
        (1,),
    ),
    (
        Predicate.SIMPLIFIES,
        re.compile(
            _T + _NAME_TAIL + r",?\s+(?:which\s+)?(?:simplifies|is\s+an?\s+simplified\s+(?:form|version)\s+of)\s+"
            r"(?:the\s+)?" + _T,
            re.I,
        ),
        1,
        (2,),
    ),
    (
        Predicate.REPLACES,
        re.compile(
            r"\b(?:replac\w*|substitut\w*)\s+(?:the\s+)?(?:\w+\s+){0,3}?" + _T
            + r"[^;:⟦⟧]{0,50}?\s+(?:with|by)\s+(?:an?\s+|the\s+|our\s+)?" + _T,
            re.I,
        ),
        2,
        (1,),
    ),
    (
        Predicate.REPLACES,
        re.compile(
            _T + _NAME_TAIL + r",?\s+(?:which\s+)?(?:can\s+(?:\w+\s+)?)?(?:replaces?|supersedes?)\s+(?:the\s+)?" + _T,
            re.I,
        ),
        1,
        (2,),
    ),
    (
        Predicate.CONTRASTS_WITH,
        re.compile(
            r"(?:^|[(,]\s*)(?:unlike|in\s+contrast\s+(?:to|with)|different\s+from|as\s+opposed\s+to|"
            r"compared\s+(?:with|to))\s+(?:the\s+)?" + _LIKE + _T + r"[^;:⟦⟧]{0,80}?,\s+(?:\w+\s+){0,3}?" + _T,
            re.I,
        ),
        2,
        (1,),
    ),
    (
        Predicate.CONTRASTS_WITH,
        re.compile(
            r"(?:^(?:\w+,\s+)?|\bthat\s+(?:[^;:,⟦⟧]{0,30},\s+)?)(?:the\s+)?" + _OWNER + _T
            + r"(?:\s+\w+)?(?:\s*\([^()⟦⟧]{0,40}\))?\s+(?:[^;:⟦⟧]{0,70}?)"
            r"\b(?:compared\s+(?:with|to)|in\s+contrast\s+to|relative\s+to)\s+(?:the\s+)?(?:its\s+)?" + _OWNER + _LIKE + _T,
            re.I,
        ),
        1,
        (2,),
    ),
    (
        Predicate.CONTRASTS_WITH,
        re.compile(
            _T + _NAME_TAIL + r"\s+(?:to\s+|can\s+)?(?:\w+ly\s+)?(?:outperforms?|surpass(?:es)?)\s+(?:the\s+)?" + _OWNER + _T,
            re.I,
        ),
        1,
        (2,),
    ),
    (
        Predicate.COMBINES,
        re.compile(
            _T + _NAME_TAIL + r",?\s+(?:which\s+|that\s+)?(?:combines|integrates|unifies)\s+(?:the\s+)?" + _T
            + _NAME_TAIL + r"\s+(?:and|with)\s+(?:the\s+)?" + _T,
            re.I,
        ),
        1,
        (2, 3),
    ),
]


@dataclass(frozen=True)
class Relation:
    """One technique -> technique relation stated in one sentence."""

    subject: str
    predicate: Predicate
    object: str
    sentence: Sentence
    via_citation: str | None = None  # paper id when the object was resolved through the bibliography


def _introduces(catalog: Catalog) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for t in catalog.of_kind(EntityKind.TECHNIQUE):
        if t.introduced_in:
            out.setdefault(t.introduced_in, []).append(t.id)
    return out


def _mentions(text: str, patterns: dict[str, re.Pattern]) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, technique) spans, longest first."""
    spans = sorted(
        ((m.start(), m.end(), tid) for tid, pat in candidates(patterns, text) for m in pat.finditer(text)),
        key=lambda s: (-(s[1] - s[0]), s[0]),
    )
    taken: list[tuple[int, int, str]] = []
    for s in spans:
        if all(s[1] <= t[0] or s[0] >= t[1] for t in taken):
            taken.append(s)
    return sorted(taken)


def _cited(text: str, bib: references.Bibliography, introduces: dict[str, list[str]], named: list) -> list:
    """Citation markers that stand alone for a technique: (start, end, technique, paper)."""
    out = []
    for m in re.finditer(r"\[[\d,;\s–-]+\]|\([A-Z][^()]{2,60}?(?:19|20)\d\d[a-z]?\)", text):
        if any(abs(m.start() - end) <= 2 for _, end, _ in named):
            continue  # "GQA [3]": the citation only confirms the name before it
        for ref in references.citations_in(m.group(0), bib):
            techs = introduces.get(ref.paper or "", [])
            if len(techs) == 1:
                out.append((m.start(), m.end(), techs[0], ref.paper))
                break
    return out


def _merge(spans: list[tuple[int, int, str]], text: str) -> list[tuple[int, int, str]]:
    """One span for a technique named twice in a row ("Group Relative Policy Optimization (GRPO) [12]")."""
    out: list[tuple[int, int, str]] = []
    for a, b, t in spans:
        if out and out[-1][2] == t and b - out[-1][1] <= 80 and not re.search(r"[;:]|\b(?:and|or|with|than)\b", text[out[-1][1]:a]):
            close = text.find(")", b)
            end = close + 1 if 0 <= close - b <= 3 else b
            out[-1] = (out[-1][0], end, t)
        else:
            out.append((a, b, t))
    return out


def find(
    sentences: list[Sentence],
    patterns: dict[str, re.Pattern],
    catalog: Catalog,
    bib: references.Bibliography | None = None,
) -> list[Relation]:
    """Technique -> technique relations stated in ``sentences`` (pure; reads nothing else).

    Examples
    --------
    >>> from lineage.ingest.text import alias_patterns
    >>> catalog = Catalog.load()
    >>> s = Sentence(page=3, offset=0, text="Kimi Delta Attention extends Gated DeltaNet with a finer gate.")
    >>> [(r.subject, r.predicate.value, r.object) for r in find([s], alias_patterns(catalog), catalog)]
    [('kda', 'extends', 'gated-deltanet')]
    >>> s = Sentence(page=2, offset=0, text="Unlike GShard, DeepSeekMoE segments experts finely.")
    >>> [(r.subject, r.predicate.value, r.object) for r in find([s], alias_patterns(catalog), catalog)]
    [('deepseekmoe', 'contrastsWith', 'gshard')]
    """
    introduces = _introduces(catalog)
    found: dict[tuple[str, Predicate, str], Relation] = {}
    for s in sentences:
        named = _mentions(s.text, patterns)
        cited = _cited(s.text, bib, introduces, named) if bib else []
        spans = _merge(sorted(named + [(a, b, t) for a, b, t, _ in cited]), s.text)
        if len({t for *_, t in spans}) < 2:
            continue
        papers = {a: p for a, _, _, p in cited}
        skeleton, last, starts = [], 0, []
        for i, (a, b, _) in enumerate(spans):
            skeleton.append(s.text[last:a] + f"⟦{i}⟧")
            starts.append(a)
            last = b
        text = "".join(skeleton) + s.text[last:]
        for predicate, rule, subj_group, obj_groups in _RULES:
            for m in rule.finditer(text):
                if _NOT.search(m.group(0)):
                    continue
                subject = spans[int(m.group(subj_group))][2]
                for g in obj_groups:
                    if m.group(g) is None:
                        continue  # an optional second object that is not there
                    k = int(m.group(g))
                    obj = spans[k][2]
                    if obj == subject:
                        continue
                    key = (subject, predicate, obj)
                    found.setdefault(key, Relation(subject, predicate, obj, s, papers.get(starts[k])))
    return list(found.values())


def claims(
    relations: list[Relation],
    catalog: Catalog,
    paper: str | None,
    evidence: Callable[[Sentence], Evidence],
) -> list[Claim]:
    """One claim per relation: verified when this report introduces the subject, reported otherwise."""
    out = []
    for r in relations:
        subject = catalog.entities[r.subject]
        own = paper is not None and getattr(subject, "introduced_in", None) == paper
        via = f", object resolved through the citation of {r.via_citation}" if r.via_citation else ""
        if own:
            reason = f"[own-record] stated in the report that introduces {r.subject} (p. {r.sentence.page}){via}"
        else:
            reason = f"[report-text] stated in a report that is not {r.subject}'s introducing record (p. {r.sentence.page}){via}"
        out.append(
            settle(Draft(
                subject=r.subject,
                predicate=r.predicate,
                object=r.object,
                primary=own,
                reason=clip(reason, 200),
                evidence=(evidence(r.sentence),),
            ))
        )
    return out
