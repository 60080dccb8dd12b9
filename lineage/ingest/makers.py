"""Who made a model or a technique, and when: developer, introducer and release date in article prose.

Rules over sentence structure, no per-article cases:

- **developed by** — an organization that releases a model ("ORG released / dropped / launched
  [their] M"), owns it ("ORG's [long-awaited] M") or is named as its source ("M, the latest models
  from the ORG team", "M by ORG").  An organization that releases "two models" without naming them
  releases the models the article's title names;
- **released** — a release sentence ("ORG released M", "M was released", "M came out") with a
  calendar date ("December 26th, 2024", "26 Dec 2024", "2024-12-26", "March 2025"), kept at the
  precision it was stated (day or month).  Relative dates ("today", "last week") say nothing.
  Dates are never given to a family (its members came out at different times);
- **introduced by / in** — "T, originally developed by ORG"; "ORG / the P paper / M introduced T"
  (a model stands for its organization, a paper for itself: ``introducedIn``).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from lineage.domain import Predicate
from lineage.ingest.markup import bullet
from lineage.ingest.prose import ProseClaim, title_topic
from lineage.ingest.text import sentences

_ORIGIN = re.compile(r"\b(?:originally\s+)?(?:developed|created|proposed|introduced)\s+by\b", re.I)
_ORIGIN_GAP = re.compile(r"\s*(?:\([^()]*\)\s*)?(?:,|\s[^.;,()—–]{0,30}?\s*[—–])?\s*(?:(?:which|that)\s+)?"
                         r"(?:(?:was|were|is|are|has been|had been)\s+)?", re.I)
"""What may stand between a technique and "developed by": "T, originally", "T (X), which was", "T in its training —"
(a dash's aside speaks of what stands before it); not "a T language model developed by" (the model was)."""
_INTRODUCED = re.compile(r"^\s*(?:(?:first|originally|also)\s+)?introduced\s+(?:the\s+)?$", re.I)
_RELEASE = r"(?:released?|releases|launch(?:ed|es)?|dropped|drops|unveil(?:ed|s)?|open-?sourced|debut(?:ed|s)|shipped|ships|announced)"
_SUBJECT_VERB = re.compile(rf"^\s*,?\s*(?:has\s+|have\s+|just\s+|finally\s+|officially\s+|quietly\s+)*{_RELEASE}\s+", re.I)
_OBJECT_LEAD = re.compile(r"^\s*(?:(?:their|its|the|a|an|new|latest|open|open-weight|flagship|first)\s+)*$", re.I)
_PASSIVE = re.compile(r"\s*,?\s*(?:(?:was|were|is|has been|had been|got|first)\s+)*")
_POSSESSIVE = re.compile(r"^['’]s\s+(?:[a-z][\w-]*\s+){0,3}$")
_SOURCE_AFTER = re.compile(
    r"^(?:,\s*(?:the|a|an)\s+[^.;,()]{0,60}?\b(?:models?|generation|series|family|release|LLMs?)\s+)?"
    r",?\s*(?:from|(?:developed|made|built|created|trained|released)\s+by|by)\s+(?:the\s+)?$",
    re.I,
)
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_DATES = (
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I), ("m", "d", "y")),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(\d{{4}})\b", re.I), ("d", "m", "y")),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), ("y", "n", "d")),
    (re.compile(rf"\b{_MONTH}\s+(\d{{4}})\b", re.I), ("m", "y")),
)


def _models(mentions) -> list:
    return [m for m in mentions if m.kind in ("model", "family")]


def dates(text: str) -> list[tuple[int, str]]:
    """(position, ISO date) for every calendar date in ``text``, at the precision it is stated.

    Examples
    --------
    >>> dates("On December 26th, 2024, and again in March 2025.")
    [(3, '2024-12-26'), (37, '2025-03')]
    """
    found: list[tuple[int, int, str]] = []
    for pattern, order in _DATES:
        for m in pattern.finditer(text):
            if any(s <= m.start() < e for s, e, _ in found):
                continue
            parts = dict(zip(order, m.groups()))
            month = _MONTHS[parts["m"][:3].lower()] if "m" in parts else int(parts["n"])
            if not 1 <= month <= 12:
                continue
            day = f"-{int(parts['d']):02d}" if "d" in parts else ""
            found.append((m.start(), m.end(), f"{parts['y']}-{month:02d}{day}"))
    return [(s, v) for s, _, v in sorted(found)]


def _developer(text: str, mentions, topic) -> list[tuple[str, list]]:
    """(organization id, model mentions) pairs for who made which model in one sentence."""
    out = []
    models = _models(mentions)
    for org in (m for m in mentions if m.kind == "organization"):
        rest = text[org.end :]
        verb = _SUBJECT_VERB.match(rest)
        after = [m for m in models if m.start >= org.end]
        if verb:
            obj = [m for m in after if _OBJECT_LEAD.match(text[org.end + verb.end() : m.start])]
            if obj:
                out.append((org.ids[0], _coordinated(text, after, obj[0])))
            elif not after and re.match(r"[^.;]{0,60}\bmodels?\b", rest[verb.end() :]) and topic:
                out.append((org.ids[0], list(topic)))  # "ORG released two open models today"
            continue
        owned = [m for m in after if _POSSESSIVE.match(text[org.end : m.start])]
        if owned:
            out.append((org.ids[0], [owned[0]]))
            continue
        source = [m for m in models if m.end <= org.start and _SOURCE_AFTER.match(text[m.end : org.start])]
        if source:
            out.append((org.ids[0], [source[-1]]))
    return out


def _coordinated(text: str, models, first) -> list:
    group, pos = [first], first.end
    for m in models:
        if m.start >= pos and re.fullmatch(r"\s*(?:,|and|&|,\s*and)\s*(?:the\s+)?", text[pos : m.start]):
            group.append(m)
            pos = m.end
    return group


def _released(text: str, mentions) -> list:
    """The models a release sentence says came out: objects of the release verb, or its subjects."""
    models = _models(mentions)
    verb = re.search(rf"\b{_RELEASE}\b|\bcame out\b", text, re.I)
    if verb is None:
        return []
    after = [m for m in models if m.start >= verb.end() and _OBJECT_LEAD.match(text[verb.end() : m.start].strip() + " ")]
    if after:
        return _coordinated(text, models, after[0])
    before = [m for m in models if m.end <= verb.start() and _PASSIVE.fullmatch(text[m.end : verb.start()])]
    return before[-1:]


INTRODUCER_WINDOW = 400
"""Characters before a technique in which its introducer ("ORG introduced", "the P paper introduced") is looked for."""


def _introduced(text: str, mentions, r) -> list[tuple[str, Predicate, str]]:
    """(technique, predicate, origin) for "ORG / M / the P paper introduced T"."""
    out: list[tuple[str, Predicate, str]] = []
    if not re.search(r"\bintroduced\b", text, re.I):
        return out + _originally(text, mentions)
    for t in (m for m in mentions if m.kind == "technique"):
        # the introducer stands within a clause before the technique: a bounded window keeps a long line linear
        start = max(0, t.start - INTRODUCER_WINDOW)
        lead = [m for m in mentions if start <= m.start and m.end <= t.start and _INTRODUCED.search(text[m.end : t.start])]
        papers = [(start + m.end(), pid) for pid, p in r.papers.items() for m in p.finditer(text[start : t.start])]
        papers = [(end, pid) for end, pid in papers if re.fullmatch(r"[*_\"”’']*\s*(?:paper\s+)?introduced\s+(?:the\s+)?", text[end : t.start], re.I)]
        if papers:
            out.append((t.ids[0], Predicate.INTRODUCED_IN, papers[-1][1]))
        elif lead and lead[-1].kind == "organization":
            out.append((t.ids[0], Predicate.INTRODUCED_BY, lead[-1].ids[0]))
        elif lead and lead[-1].kind == "model":
            org = getattr(r.catalog.entities.get(lead[-1].ids[0]), "organization", None)
            if org:
                out.append((t.ids[0], Predicate.INTRODUCED_BY, org))
    return out + _originally(text, mentions)


def _originally(text: str, mentions) -> list[tuple[str, Predicate, str]]:
    """(technique, introducedBy, org) for "Y, originally developed by ORG"."""
    out = []
    for origin in _ORIGIN.finditer(text):
        # the technique is what was developed (the phrase follows it, a parenthesis or "which was" aside: not "a T
        # language model developed by", which speaks of the model), and the lab is who developed it (right after "by")
        tech = [m for m in mentions if m.end <= origin.start() and m.kind == "technique"
                and _ORIGIN_GAP.fullmatch(text[m.end : origin.start()])]
        orgs = [m for m in mentions if m.start >= origin.end() and m.kind == "organization"
                and re.fullmatch(r"\s*(?:the\s+)?(?:[\w-]+\s*/\s*)?", text[origin.end() : m.start])]  # "by Model/Lab"
        orgs += [m for m in mentions if orgs and m.kind == "organization" and m.start >= orgs[0].end
                 and re.fullmatch(r"\s*(?:,|and|&|,\s*and)\s*(?:the\s+)?", text[orgs[0].end : m.start])][:1]
        if tech and orgs:
            out += [(tech[-1].ids[0], Predicate.INTRODUCED_BY, o) for o in sorted({o.ids[0] for o in orgs[:2]})]
    return out


def maker_facts(lines: list[str], r, skip: Collection[int] = frozenset()) -> list[ProseClaim]:
    """Developer, release-date and origin claims from every prose line (0-based ``skip``: tables)."""
    topic = title_topic(lines, r)
    start = 0
    if lines and lines[0] == "---":  # front matter: metadata, not statements
        start = next((i for i in range(1, len(lines)) if lines[i] == "---"), 0) + 1
    out: list[ProseClaim] = []
    for i in range(start, len(lines)):
        if not lines[i] or i in skip:
            continue
        for s in sentences(bullet(lines[i]) or lines[i], i + 1):
            mentions = r.find(s.text)
            for org, models in _developer(s.text, mentions, topic):
                out += [ProseClaim(mid, Predicate.DEVELOPED_BY, org, None, "", i + 1, s.text) for m in models for mid in m.ids]
            stated = dates(s.text)
            if stated:
                for m in _released(s.text, mentions):
                    if m.kind == "model":
                        out.append(ProseClaim(m.ids[0], Predicate.RELEASED, None, stated[0][1], stated[0][1], i + 1, s.text))
            for tech, pred, origin in _introduced(s.text, mentions, r):
                out.append(ProseClaim(tech, pred, origin, None, "", i + 1, s.text))
    return out
