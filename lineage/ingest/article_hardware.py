"""Hardware sentences of articles (secondary sources) as claims the verifier can classify.

An article line that names an accelerator — a catalog device, a product line, a class of devices
("NVIDIA GPUs", "Chinese chips"), an inference stack built for one line (MindIE), a relative
class ("beyond NVIDIA": the class of every other vendor's devices) — becomes one claim per subject and device:

- the subject is the model (or family) named before the device, or after it by "… supports M"; "both" names the last two labs
  the sentence (or, failing that, the lines before it) speaks of; else, for a bullet, the model or
  technique its lead-in line names ("Muon's core advantages:" then "• … on Huawei Ascend NPUs");
  else the group the sentence starts with ("Chinese model companies have …"), kept under a slug id
  with the country its nationality word names, so the verifier can check it against that
  country's labs;
- a device that belongs to a class the sentence also names is enough: the class is dropped
  ("Chinese chip compatibility … on Huawei Ascend NPUs" is about Ascend);
- the predicate comes from the wording (train → ``trainedOn``, serve/deploy → ``servedOn``,
  optimization/adaptation/native → ``optimizedFor``, otherwise ``supportsHardware``);
- a comparison of how well something runs there ("better adaptation … than …") and access to
  a device ("limited access to …", export rules) are marked ``uncheckable``: no primary source
  states them as a model's hardware.
"""

from __future__ import annotations

import re

from lineage.catalog import Catalog
from lineage.domain import EntityKind, Predicate, slug
from lineage.ingest.article_tables import ArticleStatement
from lineage.ingest.hardware_ties import NATIVE_NAMES, STACK, STACKS, canonical
from lineage.ingest.text import alias_patterns, sentences

_BULLET = re.compile(r"^\s*(?:[•●▪∙*+-]|\d+\.)\s+")
_COMPARATIVE = re.compile(r"\b(?:better|worse|faster|slower|more|less|higher|lower)\b[^.;]*\bthan\b", re.I)
_GROUP = re.compile(r"^([A-Z][\w-]*(?:\s+[a-z][\w-]*){0,4}(?<=[^s]s))\s+(?:have|are|were)\b")
"""A sentence that starts with a group of labs: a plural noun phrase and a plural verb ("Chinese model companies have"),
not any phrase ("One notable aspect is")."""
_BOTH = re.compile(r"(?<!\b(?:on|in|to|at|of|by)\s)(?<!\b(?:for|and)\s)(?<!\bwith\s)(?<!\bfrom\s)(?<!\bacross\s)"
                   r"(?:\b[Bb]|(?<=[a-z])B)oth\b(?!\s+\w+\s+and\b)")
"""'both' as a subject ("… and both are …"), not as the object of a preposition ("trained on both X and Y": the devices,
not two labs); a capital B glued to a word is a table cell's start."""
_BEYOND = re.compile(r"\b(?:beyond|instead of|non-)\s*(?:pure(?:ly)?\s+)?(?P<vendor>[A-Z][\w-]+)")
_ACCESS = re.compile(r"\b(?:limited|restricted|no|little|lack(?:s|ing)? of)\s+access\b|\bexport\s+(?:controls?|restrictions?|rules?|bans?)\b|"
                     r"\bsanction\w*\b|\bban(?:s|ned)?\b", re.I)
NATIONALITIES = {"Chinese": "CN", "American": "US", "US": "US", "French": "FR", "Korean": "KR", "Japanese": "JP"}
"""Nationality words that start a group of labs ("Chinese model companies"), and their ISO 3166 codes."""
UNCHECKABLE = "the article compares how well it runs on the device; no primary source measures that"
ACCESS = "access to a device (supply, export rules) is not a model's hardware; no primary source states it as a tie"


def _role(text: str) -> Predicate:
    if re.search(r"\btrain\w*\b", text, re.I):
        return Predicate.TRAINED_ON
    if re.search(r"\b(?:serv(?:e|es|ed|ing)|deploy\w*)\b", text, re.I):
        return Predicate.SERVED_ON
    if re.search(r"\b(?:optimi[sz](?:ed|es|ing|ations?)|adapt\w*|native)\b", text, re.I):
        return Predicate.OPTIMIZED_FOR
    return Predicate.SUPPORTS_HARDWARE


def _classes(catalog: Catalog) -> list:
    return [h for h in catalog.of_kind(EntityKind.HARDWARE) if h.members is not None]


def _devices(text: str, patterns: dict, catalog: Catalog, country: str | None) -> list[tuple[int, int, str]]:
    """(start, end, hardware id) of every device, line or class the text names, in order."""
    found = [(m.start(), m.end(), hid) for hid, p in patterns.items() for m in p.finditer(text)]
    found += [(m.start(), m.end(), STACKS[canonical(m.group(1))]) for m in STACK.finditer(text)]
    found += [(text.index(n), text.index(n) + len(n), hid) for n, hid in NATIVE_NAMES.items() if n in text]
    classes = _classes(catalog)
    for m in _BEYOND.finditer(text):
        vendor = catalog.find(m.group("vendor"), EntityKind.ORGANIZATION)
        found += [(m.start(), m.end(), c.id) for c in classes if vendor and c.members.except_vendor == vendor]
        found = [f for f in found if not (m.start() <= f[0] < m.end() and catalog.get(f[2]).members is None)]
    named = {hid for _, _, hid in found}
    # a class named beside one of its own members says no more than the member
    found = [f for f in found if not any(f[2] in catalog.get(other).broader for other in named if other != f[2])]
    return sorted(found)


def _orgs(mentions, catalog: Catalog) -> list[str]:
    """Organizations of the labs, models and families mentioned, in order of mention."""
    out = []
    for m in mentions:
        if m.kind == "organization":
            out += m.ids
        elif m.kind in ("model", "family"):
            out += [o for o in (getattr(catalog.entities.get(i), "organization", None) for i in m.ids) if o]
    return out


def _last_two(orgs: list[str]) -> list[str]:
    distinct: list[str] = []
    for o in reversed(orgs):
        if o not in distinct:
            distinct.append(o)
    return distinct[:2] if len(distinct) >= 2 else []


def hardware_drafts(lines: list[str], resolver, catalog: Catalog) -> list:
    """Drafts (see :class:`lineage.ingest.article.ArticleStatement`) for every article line that names a device."""

    patterns = alias_patterns(catalog, EntityKind.HARDWARE)
    out: list[ArticleStatement] = []
    lead: list[str] = []
    recent: list[str] = []
    for i, line in enumerate(lines, start=1):
        if not line:
            continue
        bullet = bool(_BULLET.match(line))
        for s in sentences(_BULLET.sub("", line), i):
            mentions = resolver.find(s.text)
            named = [m for m in mentions if m.kind in ("model", "family", "technique")]
            if not bullet and named:
                lead = named[0].ids
            labs = _orgs(mentions, catalog)
            lab = catalog.entities.get(labs[-1]) if labs else None
            subjects_country = lab.country if lab is not None and lab.kind == "organization" else None
            end = 0
            for at, stop, device in _devices(s.text, patterns, catalog, subjects_country or _group_country(s.text)):
                segment, end = s.text[end:stop], stop
                subjects, qualifiers = _subjects(s.text, at, mentions, recent, lead if bullet else [], catalog, slug)
                if not subjects:
                    continue
                if _ACCESS.search(segment):
                    qualifiers["uncheckable"] = ACCESS
                elif _COMPARATIVE.search(s.text):
                    qualifiers["uncheckable"] = UNCHECKABLE
                for subject in subjects:
                    out.append(ArticleStatement(subject, _role(s.text), object=device, qualifiers=dict(qualifiers),
                                     locator=f"line {i}", snippet=line))
            recent += labs
    return out


def _group_country(text: str) -> str | None:
    group = _GROUP.match(text)
    return NATIONALITIES.get(group.group(1).split()[0]) if group else None


def _subjects(text: str, at: int, mentions, recent, lead, catalog, slug) -> tuple[list[str], dict[str, str]]:
    """Who the device at ``at`` is about, and the qualifiers that say so (see the module docstring)."""
    if _BOTH.search(text[:at]):
        labs_before = _orgs([m for m in mentions if m.end <= at], catalog)
        pair = _last_two(labs_before) or _last_two(recent + labs_before)
        if pair:
            return pair, {}
    named = [m for m in mentions if m.kind in ("model", "family", "technique")]
    before = [m for m in named if m.end <= at and m.kind != "technique"] or [m for m in named if m.end <= at]
    after = [m for m in named if m.start > at and m.kind != "technique"]
    if before:
        return before[-1].ids, {}
    if after and re.search(r"\b(?:support\w*|runs?)\b", text[at : after[0].start], re.I):
        return after[0].ids, {}  # "vLLM-Ascend already supports M"
    if lead:
        return lead, {}
    # the sentence's own start: a quotation may have glued the previous one on ("… constraints.” Chinese …")
    starts = [m.end() for m in re.finditer(r"[.!?][\"”’']?\s+", text[:at])]
    group = _GROUP.match(text[starts[-1] if starts else 0:])
    if not group:
        return [], {}
    qualifiers = {"name": group.group(1)}
    country = NATIONALITIES.get(group.group(1).split()[0])
    if country:
        qualifiers["country"] = country
    return [slug(group.group(1))], qualifiers
