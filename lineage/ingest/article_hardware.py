"""Hardware sentences of articles (secondary sources) as claims the verifier can classify.

An article line that names an accelerator (a catalog alias, or an Ascend stack such as MindIE)
becomes one claim per subject:

- the subject is the model (or family) named before the device, or after it by "… supports M";
  else, for a bullet, the model or technique its lead-in line names ("Muon's core advantages:" then "• … on Huawei Ascend NPUs");
  else the group the sentence starts with ("Chinese model companies have …"), kept under a slug
  id that no catalog entry has, so the verifier says it cannot be checked;
- the predicate comes from the wording (train → ``trainedOn``, serve/deploy → ``servedOn``,
  optimization/adaptation/native → ``optimizedFor``, otherwise ``supportsHardware``);
- a comparison of how well something runs there ("better adaptation … than …") is marked
  ``uncheckable``: no primary source measures it.
"""

from __future__ import annotations

import re

from lineage.catalog import Catalog
from lineage.domain import EntityKind, Predicate
from lineage.ingest.hardware import _STACK, NATIVE_NAMES, STACKS, _canonical
from lineage.ingest.text import alias_patterns, sentences

_BULLET = re.compile(r"^\s*(?:[•●▪∙*+-]|\d+\.)\s+")
_COMPARATIVE = re.compile(r"\b(?:better|worse|faster|slower|more|less|higher|lower)\b[^.;]*\bthan\b", re.I)
_GROUP = re.compile(r"^([A-Z][\w-]*(?:\s+[a-z][\w-]*){0,4})\s+(?:have|has|are|is|were|was)\b")
UNCHECKABLE = "the article compares how well it runs on the device; no primary source measures that"


def _role(text: str) -> Predicate:
    if re.search(r"\btrain\w*\b", text, re.I):
        return Predicate.TRAINED_ON
    if re.search(r"\b(?:serv(?:e|es|ed|ing)|deploy\w*)\b", text, re.I):
        return Predicate.SERVED_ON
    if re.search(r"\b(?:optimi[sz](?:ed|es|ing|ations?)|adapt\w*|native)\b", text, re.I):
        return Predicate.OPTIMIZED_FOR
    return Predicate.SUPPORTS_HARDWARE


def _devices(text: str, patterns: dict) -> list[tuple[int, str]]:
    found = [(m.start(), hid) for hid, p in patterns.items() for m in p.finditer(text)]
    found += [(m.start(), STACKS[_canonical(m.group(1))]) for m in _STACK.finditer(text)]
    found += [(text.index(n), hid) for n, hid in NATIVE_NAMES.items() if n in text]
    return sorted(found)


def hardware_drafts(lines: list[str], resolver, catalog: Catalog) -> list:
    """Drafts (see :class:`lineage.ingest.article.Draft`) for every article line that names a device."""
    from lineage.ingest.article import Draft, slug

    patterns = alias_patterns(catalog, EntityKind.HARDWARE)
    out, lead = [], []
    for i, line in enumerate(lines, start=1):
        if not line:
            continue
        bullet = bool(_BULLET.match(line))
        for s in sentences(_BULLET.sub("", line), i):
            mentions = resolver.find(s.text)
            named = [m for m in mentions if m.kind in ("model", "family", "technique")]
            if not bullet and named:
                lead = named[0].ids
            devices = _devices(s.text, patterns)
            if not devices:
                continue
            at, device = devices[0]
            before = [m for m in named if m.end <= at and m.kind != "technique"] or [m for m in named if m.end <= at]
            qualifiers: dict[str, str] = {}
            after = [m for m in named if m.start > at and m.kind != "technique"]
            if before:
                subjects = before[-1].ids
            elif after and re.search(r"\b(?:support\w*|runs?)\b", s.text[at : after[0].start], re.I):
                subjects = after[0].ids  # "vLLM-Ascend already supports M"
            elif bullet and lead:
                subjects = lead
            else:
                # the sentence's own start: a quotation may have glued the previous one on ("… constraints.” Chinese …")
                starts = [m.end() for m in re.finditer(r"[.!?][\"”’']?\s+", s.text[:at])]
                group = _GROUP.match(s.text[starts[-1] if starts else 0:])
                if not group:
                    continue
                subjects = [slug(group.group(1))]
                qualifiers["name"] = group.group(1)
            if _COMPARATIVE.search(s.text):
                qualifiers["uncheckable"] = UNCHECKABLE
            for subject in subjects:
                out.append(Draft(subject, _role(s.text), object=device, qualifiers=dict(qualifiers),
                                 locator=f"line {i}", snippet=line))
    return out
