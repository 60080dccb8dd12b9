"""Candidate statements inside one structural unit, and one judgement of each candidate's role.

:mod:`lineage.ingest.structure` gives the units (list items with their label, lead-in and headings;
table rows with their header cells; sentences).  Here each unit yields *candidates*: a subject and a
technique or number that the unit puts together by its shape, not by a phrase:

- **list item, label names models, body gives sizes** ("Family: 0.5B, 7B"; "Family: 30B (3B
  activated)") → each size is a member: ``<label>-<size>`` as the catalog resolves it, else that name
  in the open world; total (and active) parameters;
- **list item, label names a technique, body names models** ("MLA camp: A, B, C") → each model
  uses the technique;
- **list item, label (or its start) names a technique, no model in the item** → the model the item
  is about uses it: the model its lead-in names, else the nearest heading that names one, else the
  document's subject (its title);
- **table row**: subject = the row's model (first cell), relation from each header cell (parameters,
  active, context) or, for any other column, the catalog techniques its cell names;
- **name (sizes)** anywhere: "X (671B/37B active)", "X (30B total, 3B active)".

Then :func:`judge` decides each candidate's role once, from the words around it: the subject uses
it, rules it out, compares with it, plans it, or the unit speaks of it hypothetically.  Only "uses"
(and a number the unit gives its subject) becomes a draft; every other role is counted as left
undecided, with its locator, so ``lineage`` can say what it did not turn into a claim.

Every phrasing cue is in :data:`CUES`, so a test can check each fires in more than one document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lineage.domain import Predicate, slug
from lineage.ingest.prose import GENERIC
from lineage.ingest.stated import context_tokens, scaled
from lineage.ingest.structure import Unit, bare_title

CUES: dict[str, re.Pattern] = {
    "negation": re.compile(r"\b(?:non(?=-)|not|no|never|without|unlike|instead of|rather than|drop(?:s|ped)?|remov(?:e|es|ed)|lacks?)\b", re.I),
    "comparison": re.compile(r"\b(?:than|vs\.?|versus|compared?|comparable|similar(?:ly)? to|match(?:es)? the|alternatives?)\b", re.I),
    "plan": re.compile(r"\b(?:will|plans?|planned|future|could|would|might|may)\b", re.I),
    "hypothetical": re.compile(r"\b(?:if|whether)\b", re.I),
    "adoption": re.compile(r"\b(?:adopt\w*|uses?|using|utili[sz]\w*|employ\w*|appl(?:y|ies|ied|ying)|integrat\w*|incorporat\w*|"
                           r"leverag\w*|rel(?:y|ies) on|trained (?:with|using))\b", re.I),
    "first person": re.compile(r"\b(?:we|our|us)\b", re.I),
    "active": re.compile(r"\b(?:active|activated|activation)\b", re.I),
    "total": re.compile(r"\btotal\b", re.I),
    "parameters": re.compile(r"\b(?:param\w*|size)\b", re.I),
    "context": re.compile(r"\b(?:context|window)\b", re.I),
    "apposition": re.compile(r"^[*_]*\s*(?:,|:|\s+(?:is|was|are|were)\s*:?)\s+(?:a|an)\s+"
                             r"(?P<np>[^.;:(),]{0,80})\b(?:models?|LLMs?|family|series)\b", re.I),
    "derivation": re.compile(r"\b(?:fine-?tuned|derived|distilled)\s+(?:directly\s+)?from\s+(?:the\s+)?$", re.I),
    "developer": re.compile(r"^\W*(?:(?:model\s+)?developers?|developed\s+by)\W*$", re.I),
    "definition": re.compile(
        r"^(?P<name>[^,.;:()]{2,40}?)\s*(?:\([^()]{0,40}\)\s*)?(?:is|are)\s+(?:a|an|the)\s+[^.;()]{0,80}?"
        r"\b(?:models?|generation|series|family|LLMs?)\s+(?:that\s+(?:is|are|was|were)\s+)?"
        r"(?:developed|made|built|created|released)\s+by\s+(?:the\s+)?(?P<org>[^,.;()]{2,60})", re.I),
}
"""Phrasing cues, by name (the cue test runs each over the corpus)."""

_SIZE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?([BT])(?![\w])")
_PAIR = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)\s?([BT])\s*(?:total|parameters|params)?\s*"
    r"(?:/\s*(\d+(?:\.\d+)?)\s?([BM])(?:\s*(?:active|activated))?|(?:\(|,)\s*(?:with\s+)?(\d+(?:\.\d+)?)\s?([BM])\s*(?:active|activated))\b\)?"
)
"""A total and an active size: "671B/37B active", "30B (3B activated)", "30B total, 3B active"."""
_CTX = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?([KkM])\b")
_SIZE_NAME = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)([BT])-A(\d+(?:\.\d+)?)([BM])(?![\w.])")
_TOKENS = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d{4,7})(?![\w.,]\d)")
_NAME = re.compile(
    r"^(?!\d+[.)]?\s|\d[\d.]*\s*(?:bits?|[GMK]B|[BTKM]|x|%)(?:\W|$))(?=.*\d|.*[a-z][A-Z])"  # not a section number or a quantity
    r"(?:[A-Z][\w.]*|[a-z][\w.]*\d[\w.]*|\d[\w.]*)(?:[-\s](?:[A-Z][\w.]*|[\w.]*\d[\w.]*))*$"
)
"""An open-world model name: every part capitalised or holding a digit, and the whole holding a digit or inner capitals
("Ling-1T", "GLM 4.6", "LongCat-Chat-Thinking"; not "Multi-machine training", "Reasoning-Oriented RL", "1. Introduction")."""
_GENERIC = re.compile(r"\b(?:moe|dense|models?|series|family|variants?|instruct|base)\b", re.I)
_YES = re.compile(r"^\s*(?:yes|y|✓|✔|☑|true)\s*$", re.I)
_NO = re.compile(r"^\s*(?:no|none|n/?a|-|–|—|✗|✘|x|false)\s*$", re.I)


@dataclass
class Candidate:
    """A subject and what one unit says of it, before the judgement."""

    subjects: list[str]
    predicate: Predicate
    unit: Unit
    object: str | None = None
    value: int | None = None
    stated: str = ""
    context: str = ""
    """The words the judgement reads (the unit's text, or a row's cell and header)."""
    qualifiers: dict[str, str] = field(default_factory=dict)
    role: str = ""


def judge(c: Candidate) -> str:
    """The candidate's role: ``uses`` (or ``states`` for a number), else what the words say instead."""
    if c.predicate is not Predicate.USES:
        return "states"
    for role in ("negation", "plan", "hypothetical", "comparison"):
        if CUES[role].search(c.context):
            return role
    return "uses"


_CLAUSE_START = re.compile(r"[.;:!?—–(]\s|,\s")


def clause_before(text: str, start: int) -> str:
    """The words of ``text`` from the start of the clause that holds ``start`` up to it."""
    bounds = [m.end() for m in _CLAUSE_START.finditer(text[:start])]
    return text[bounds[-1] if bounds else 0 : start]


def role_at(text: str, start: int) -> str:
    """The role of a technique named at ``text[start:]``, from its own clause up to it ("Unlike X", "to match ... X")."""
    window = clause_before(text, start)
    for role in ("negation", "plan", "hypothetical", "comparison"):
        if CUES[role].search(window):
            return role
    return "uses"


def prose_role(resolver, snippet: str, technique: str | None) -> str:
    """Role of a ``uses`` draft another reader made from ``snippet``: "uses" when some mention of the technique reads so."""
    roles = [role_at(snippet, m.start) for m in resolver.find(snippet) if m.kind == "technique" and technique in m.ids]
    return "uses" if not roles or "uses" in roles else roles[0]


# --------------------------------------------------------------------------- mentions


class Mentions:
    """Models and techniques of a unit, through the article resolver; open-world names where a slot wants a name."""

    def __init__(self, resolver):
        self.r = resolver

    def models(self, text: str) -> list:
        return [m for m in self.r.find(text) if m.kind in ("model", "family")]

    def techniques(self, text: str) -> list[str]:
        out: list[str] = []
        for m in self.r.find(text):
            if m.kind == "technique" and m.ids[0] not in out and m.ids[0] not in GENERIC:
                out.append(m.ids[0])
        return out

    def names_technique(self, label: str) -> list[str]:
        """The techniques a label *is* ("SwiGLU Activation", "MLA & Muon Split", "MTP with sharing"), not one it describes
        ("KV cache memory growth", "MLA cache per token"): apart from the technique names, at most one word
        before a "with", "&", "+" or "and" that adds another part."""
        found = [m for m in self.r.find(label) if m.kind == "technique" and m.ids[0] not in GENERIC]
        if not found:
            return []
        rest = label
        for f in sorted(found, key=lambda f: -f.start):
            rest = rest[: f.start] + " " + rest[f.end :]
        rest = re.sub(r"\([^)]*\)|[\"'“”]", " ", rest)
        rest = re.split(r"\swith\s", f" {rest} ")[0]
        words = [w for w in re.findall(r"[A-Za-z][\w-]*", rest) if w.lower() != "and"]
        return self.techniques(label) if len(words) <= 1 else []

    def organizations(self, text: str) -> list[str]:
        return [m.ids[0] for m in self.r.find(text) if m.kind == "organization"]

    def name(self, text: str) -> tuple[list[str], dict[str, str]]:
        """The ids of the model ``text`` names as a whole: catalog, else open world (``slug``, with its name)."""
        text = re.sub(r"\s*\([^)]*\)\s*$", "", text).strip(" *_`\"'")
        hit = self.r.exact.resolve(text)
        if hit is not None and hit.kind == "model":
            return [hit.id], {}
        if hit is not None and hit.kind == "family":
            return list(hit.members), {}
        found = self.models(text)
        if len(found) == 1 and found[0].start == 0 and found[0].end >= len(text) - 1:
            return found[0].ids, {}
        whole_lab = any(o.kind == "organization" and o.start == 0 and o.end >= len(text) for o in self.r.find(text))
        if _NAME.match(text) and not self.techniques(text) and not whole_lab:
            return [slug(text)], {"name": text}
        return [], {}

    def member(self, label: str, total: str, active: str | None) -> tuple[list[str], dict[str, str]]:
        """The member a size names under a family label ("Qwen2" + "7B", "Qwen3 MoE" + "30B"/"3B")."""
        base = _GENERIC.sub("", label).strip(" -")
        tries = [f"{base}-{total}-A{active}", f"{base} {total}-A{active}"] if active else []
        tries += [f"{base}-{total}", f"{base} {total}"]
        for t in tries:
            hit = self.r.exact.resolve(t)
            if hit is not None and hit.kind == "model":
                return [hit.id], {}
        name = tries[0]
        return ([slug(name)], {"name": name}) if _NAME.match(name) else ([], {})


def _pair(p: re.Match) -> tuple[str, str, str, str]:
    """(total number, scale, active number, scale) of a :data:`_PAIR` match; the larger is the total ("2.4B/16B")."""
    first, second = (p.group(1), p.group(2)), (p.group(3) or p.group(5), p.group(4) or p.group(6))
    if scaled_count(*first) < scaled_count(*second):
        first, second = second, first
    return (*first, *second)


def scaled_count(num: str, scale: str) -> int:
    return int(scaled(num, {"M": "million"}.get(scale, scale)))


# --------------------------------------------------------------------------- candidates per unit shape


def size_key(cell: str) -> bool:
    """A row key that says what the row's numbers are: parameters, active, total or context ("Total Params", "Context")."""
    return bool(cell) and any(CUES[k].search(cell) for k in ("parameters", "active", "total", "context"))


def column_models(u: Unit, m: Mentions) -> list[Candidate]:
    """A table with a model per column ("| | Model A | Model B |"): a row whose key is a size or a context gives each
    column's model the number in its cell; a cell that is nothing but technique names ("MoE", "GQA + SWA") gives the
    column's model those techniques (a cell that says more, "MLA-like cache", may be a contrast: no claim)."""
    out: list[Candidate] = []
    for head, cell in zip(u.header[1:], u.cells[1:]):
        ids, q = m.name(head)
        if not ids:
            continue
        out += [c for c in attribute(ids, q, u.cells[0], cell, u, m) if c.predicate is not Predicate.USES]
        if not size_key(u.cells[0]):
            out += [Candidate(ids, Predicate.USES, u, object=t, context=cell, qualifiers=dict(q)) for t in m.names_technique(cell)]
    return out


def model_columns(u: Unit, m: Mentions) -> bool:
    """Whether the row's header names a model per column (two or more) and its first cell is no model: a column table."""
    return len(u.cells) == len(u.header) and sum(bool(m.name(h)[0]) for h in u.header[1:]) >= 2


def item_candidates(u: Unit, m: Mentions, topic: list) -> list[Candidate]:
    out: list[Candidate] = []
    if not u.first:
        return out
    label, body = u.label, u.body
    label_models = m.models(label) if label else []
    label_name = m.name(label) if label else ([], {})
    label_tech = m.names_technique(label) if label else []
    label_orgs = m.organizations(label) if label and len(label.split()) <= 3 else []  # the label is the lab
    if label_orgs and not label_models and not label_tech:
        # "Lab, with Model" / "Lab: Model": the item names what the lab made
        named = re.split(r"[,;]| at | with ", re.sub(r"^\W*with\s+", "", body))[0] if body else ""
        ids, q = m.name(named)
        for org in label_orgs if ids else []:
            out.append(Candidate(ids, Predicate.DEVELOPED_BY, u, object=org, context=body, qualifiers=dict(q)))
        return out
    if label and (label_models or (label_name[0] and not label_tech)):
        # "Family: 0.5B, 1.5B" / "Family: 30B (3B activated), 235B (22B activated)"
        pairs = list(_PAIR.finditer(body))
        whole = m.r.exact.resolve(label)
        for p in pairs:
            tn, ts, an, as_ = _pair(p)
            ids, q = ([whole.id], {}) if whole is not None and whole.kind == "model" else m.member(label, tn + ts, an + as_)
            for pred, num, scale in ((Predicate.TOTAL_PARAMETERS, tn, ts), (Predicate.ACTIVE_PARAMETERS, an, as_)):
                out.append(Candidate(ids, pred, u, value=scaled_count(num, scale), stated=p.group(0).strip(), context=body, qualifiers=q))
        if not pairs and re.fullmatch(r"\s*(?:\d+(?:\.\d+)?\s?[BT]\s*,?\s*(?:and\s+)?)+\.?\s*", body):
            for s in _SIZE.finditer(body):
                ids, q = m.member(label, s.group(0).replace(" ", ""), None)
                out.append(Candidate(ids, Predicate.TOTAL_PARAMETERS, u, value=scaled_count(s.group(1), s.group(2)),
                                     stated=s.group(0), context=body, qualifiers=q))
        subject = label_models[0].ids if label_models else label_name[0]
        for t in (x for x in m.r.find(body) if x.kind == "technique" and x.ids[0] not in GENERIC):
            window = clause_before(body, t.start)  # "Model: a variant that adopts T": the label's model adopts T
            if CUES["adoption"].search(window) and not m.models(window):
                out.append(Candidate(subject, Predicate.USES, u, object=t.ids[0], context=window, qualifiers=dict(label_name[1])))
        return out
    if label and CUES["developer"].match(label):
        # "**Developed by**: Lab" / "Model developer: Lab": a key-value item about the model the item is under
        return attribute(*_subject_named(u, m, topic), label, body, u, m)
    if label and not label_models and not label_tech and not label_orgs and re.search(r"\d", body) and (
        CUES["parameters"].search(label) or CUES["context"].search(label)
    ):
        # "Number of Parameters: 235B in total and 22B activated" under a lead-in naming the model
        return attribute(*_subject_named(u, m, topic), label, body, u, m)
    if label_tech and not label_models:
        body_models = m.models(body)
        if body_models and not m.techniques(body):
            # "MLA camp: A, B, C": each model the body names uses what the label names
            for mod in body_models:
                for t in label_tech:
                    out.append(Candidate(mod.ids, Predicate.USES, u, object=t, context=f"{label} {body}"))  # "MLA: Llama 3 might adopt it" plans
            return out
        if not body_models and not m.models(u.text):
            subject = _item_subject(u, m, topic)
            for t in label_tech:
                out.append(Candidate(subject, Predicate.USES, u, object=t, context=f"{label} {u.lead}"))
    return out


def _item_subject(u: Unit, m: Mentions, topic: list) -> list[str]:
    """Who a technique item is about: its lead-in's model, the nearest heading's, else the document's."""
    return _subject_named(u, m, topic)[0]


def _subject_named(u: Unit, m: Mentions, topic: list) -> tuple[list[str], dict[str, str]]:
    """:func:`_item_subject`, with the ``name`` qualifier of a model the catalog lacks."""
    for text in (u.lead, *reversed(u.headings)):
        found = m.models(text)
        if found:
            return found[-1].ids, {}
        ids, q = m.name(bare_title(text))
        if ids and text:
            return ids, q
    return (topic[0].ids, dict(getattr(topic[0], "q", {}))) if topic else ([], {})


def adopted_in(u: Unit, m: Mentions, topic: list) -> list[Candidate]:
    """"The authors utilize GRPO", "Applying GRPO to …": a technique after an adoption verb in a unit that names no
    model is adopted by the model the unit is about (lead-in, heading, title).  "We" is the article's author, not a model's."""
    if m.models(u.text) or CUES["first person"].search(u.text) or (u.kind == "item" and u.first and u.label and m.names_technique(u.label)):
        return []
    out = []
    for t in (x for x in m.r.find(u.text) if x.kind == "technique" and x.ids[0] not in GENERIC):
        bounds = [b.end() for b in _CLAUSE_START.finditer(u.text[: t.start])]
        window = u.text[bounds[-1] if bounds else 0 : t.start]
        others = [w for w in re.findall(r"\S+", window)[1:] if re.match(r"[A-Z\d]|\w+[A-Z]", w)]
        if CUES["adoption"].search(window) and not others:  # "vLLM integrates X", "DeepSeek-style models use X": another subject
            subject = _item_subject(u, m, topic)
            if subject:
                out.append(Candidate(subject, Predicate.USES, u, object=t.ids[0], context=u.text[bounds[-1] if bounds else 0 : t.start]))
    return out


def row_candidates(u: Unit, m: Mentions, topic: list) -> list[Candidate]:
    """A row of many models (its first cell names one; each column's header says what its cell is), or a
    key-value row ("| Total Parameters | 1T |") about the model the table is under."""
    out: list[Candidate] = []
    if not u.cells or len(u.cells) < 2:
        return out
    ids, q = m.name(u.cells[0])
    if not ids and len(u.cells) == 2 and not any(m.models(h) for h in u.header):
        return attribute(*_subject_named(u, m, topic), u.cells[0], u.cells[1], u, m)
    if not ids and len(u.cells) == len(u.header) and (size_key(u.cells[0]) or model_columns(u, m)):
        return column_models(u, m)
    if not ids or len(u.cells) != len(u.header):
        return out
    for head, cell in zip(u.header[1:], u.cells[1:]):
        out += attribute(ids, q, head, cell, u, m)
    return out


def attribute(ids: list[str], q: dict, head: str, cell: str, u: Unit, m: Mentions) -> list[Candidate]:
    """What ``cell`` says of ``ids`` under the name ``head`` (a column header, a key, a list item's label)."""
    if not ids or not cell or _NO.match(cell):
        return []
    ctx = f"{head} {cell}"
    if CUES["developer"].match(head):  # "| Developed by | Lab |": the lab is named first in the cell
        orgs = m.organizations(cell)
        return [Candidate(ids, Predicate.DEVELOPED_BY, u, object=orgs[0], context=ctx, qualifiers=dict(q))] if orgs else []
    if CUES["context"].search(head):
        c = _CTX.search(cell) or _TOKENS.search(cell)
        if not c:
            return []
        value = context_tokens(c.group(1), c.group(2)) if c.re is _CTX else int(c.group(1).replace(",", ""))
        return [Candidate(ids, Predicate.CONTEXT_LENGTH, u, value=value, stated=c.group(0), context=ctx, qualifiers=dict(q))]
    if CUES["parameters"].search(head) or CUES["active"].search(head) or CUES["total"].search(head):
        named = _SIZE_NAME.search(cell)  # "355B-A32B": total and active
        if named:
            return [Candidate(ids, pred, u, value=scaled_count(named.group(n), named.group(n + 1)), stated=named.group(0), context=ctx,
                              qualifiers=dict(q)) for pred, n in ((Predicate.TOTAL_PARAMETERS, 1), (Predicate.ACTIVE_PARAMETERS, 3))]
        pair = _PAIR.search(cell)
        if pair:
            tn, ts, an, as_ = _pair(pair)
            return [Candidate(ids, pred, u, value=scaled_count(num, scale), stated=pair.group(0).strip(), context=ctx, qualifiers=dict(q))
                    for pred, num, scale in ((Predicate.TOTAL_PARAMETERS, tn, ts), (Predicate.ACTIVE_PARAMETERS, an, as_))]
        out = []
        for s in _SIZE.finditer(cell):
            after = re.split(r"[\d(]", cell[s.end() : s.end() + 14], maxsplit=1)[0]  # this size's words, up to the next number
            active = CUES["active"].search(after) or (CUES["active"].search(head) and not CUES["total"].search(head + after))
            pred = Predicate.ACTIVE_PARAMETERS if active else Predicate.TOTAL_PARAMETERS
            out.append(Candidate(ids, pred, u, value=scaled_count(s.group(1), s.group(2)), stated=s.group(0), context=ctx, qualifiers=dict(q)))
        return out
    if _YES.match(cell):  # a column per technique: "| MTP |" over "✓"
        return [Candidate(ids, Predicate.USES, u, object=t, context=head, qualifiers=dict(q)) for t in m.names_technique(head)]
    return [Candidate(ids, Predicate.USES, u, object=t, context=cell, qualifiers=dict(q)) for t in m.techniques(cell)]


def named_pairs(u: Unit, m: Mentions) -> list[Candidate]:
    """"X (671B/37B active)" and "X (30B total, 3B active)": a model and the sizes in the parenthesis after it."""
    out: list[Candidate] = []
    for mod in m.models(u.text):
        after = re.match(r"\s*\(([^)]{2,60})\)", u.text[mod.end:])
        if not after or mod.kind != "model":
            continue
        p = _PAIR.search(after.group(1))
        if p:
            tn, ts, an, as_ = _pair(p)
            for pred, num, scale in ((Predicate.TOTAL_PARAMETERS, tn, ts), (Predicate.ACTIVE_PARAMETERS, an, as_)):
                out.append(Candidate(mod.ids, pred, u, value=scaled_count(num, scale), stated=p.group(0).strip(), context=after.group(1)))
    return out

