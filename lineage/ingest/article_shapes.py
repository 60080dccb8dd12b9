"""More unit shapes: a definition sentence, sizes tagged total/active in a sentence, a table with a model per column.

Each shape was found in the documents of four labs or more (articles and model cards of ``../shared/corpus``):

- **definition**: "M is a family of language models developed by ORG" -> M is developed by ORG;
- **tagged sizes**: "M had 37B active and 671B total parameters" -> the sizes belong to the model named last before
  them, parentheses aside;
- **an open-world name and its size**: "Lab, with *NewModel-Chat* at 500B parameters" -> the only model the sentence names,
  one the catalog does not know, has the only parameter count it gives (unless the sentence hedges, plans or compares);
- **apposition**: "M, a strong MoE language model", "M: a family of dense and MoE models", "M is a 744B MoE model"
  -> M uses the techniques named before the noun (not after it: "a dense model, unlike MoE ones");
- **a model per column**: "| Benchmark | A | B |" over "| # Total Params | 671B | 1T |" -> each column's model has the
  number of its cell (numbers only: a technique in such a row may be a column's contrast).

- **a list of sizes**: "M comes in different sizes: 1B, 7B and 65B", "M series, available in 1.8B, 7B, and 20B versions" ->
  one member of M per size (``M-<size>``, the catalog's member or the open world's), when the sentence names one
  model or family before the list and says the numbers are sizes, versions, variants or scales (model cards of four labs
  and a hardware vendor's blog);
- **derivation**: "M is derived from B", "M, fine-tuned from B", "M was distilled from B" -> M derives from B (the model
  named right after the phrase; M the model named just before it, catalog or open world), unless the clause negates,
  plans or supposes it.

Called from :func:`lineage.ingest.article_units.candidates`; the phrasing cues are in its ``CUES``.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

from lineage.domain import Predicate
from lineage.ingest.article_units import CUES, Candidate, Mentions, clause_before, scaled_count
from lineage.ingest.prose import GENERIC, NAME_TOKEN
from lineage.ingest.structure import Unit, bare_title

_TAGGED_SIZE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?([BT])\s+(?:parameters?\s+)?(total|active|activated)\b", re.I)
"""A size its next word calls total or active: "37B active", "671B total parameters"."""
_PARAM_SIZE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?([BT])\s+(?:(total|active|activated)\s+)?param(?:eter)?s\b", re.I)
SIZE_REACH = 100
"""Characters between a model's name and a tagged size that the size may still be the model's."""


def defined(u: Unit, m: Mentions) -> list[Candidate]:
    """"M is a family of language models developed by Lab": a definition names who made the model it opens with."""
    d = CUES["definition"].match(u.text.strip(" *_"))
    if not d:
        return []
    ids, q = m.name(d.group("name"))
    orgs = m.organizations(d.group("org"))
    if not ids or not orgs or set(ids) <= set(m.organizations(d.group("name"))):
        return []
    return [Candidate(ids, Predicate.DEVELOPED_BY, u, object=orgs[0], context=d.group(0), qualifiers=dict(q))]


def sized(u: Unit, m: Mentions) -> list[Candidate]:
    """"M had 37B active and 671B total parameters": a size tagged total or active belongs to the model named last before
    it in the sentence (within :data:`SIZE_REACH` characters), parentheses aside ("(~1.5x Y's 671B)" speaks of Y)."""
    text = re.sub(r"\([^()]*\)", lambda p: " " * len(p.group(0)), u.text)
    models = [x for x in m.models(text) if x.kind == "model"]
    out = []
    for s in _TAGGED_SIZE.finditer(text):
        before = [x for x in models if x.end <= s.start()]
        if not before or s.start() - before[-1].end > SIZE_REACH:
            continue
        pred = Predicate.TOTAL_PARAMETERS if s.group(3).lower() == "total" else Predicate.ACTIVE_PARAMETERS
        out.append(Candidate(before[-1].ids, pred, u, value=scaled_count(s.group(1), s.group(2)), stated=s.group(0),
                             context=text[before[-1].start : s.end()]))
    return out


_ONE_SIZE = r"\d+(?:\.\d+)?[BM](?:-A\d+(?:\.\d+)?[BM])?"
_SIZE_LIST = re.compile(rf"(?<![\w.]){_ONE_SIZE}(?:\s*,\s*{_ONE_SIZE})*,?\s+(?:and|or)\s+{_ONE_SIZE}(?![\w-]|\.\d)")
_SIZES_WORD = re.compile(r"\b(?:sizes?|versions|variants|scales|comes?\s+in|available\s+in)\b", re.I)


def size_list(u: Unit, m: Mentions) -> list[Candidate]:
    """"M comes in different sizes: 1B, 7B and 65B": one member of the one model or family named before the list per size
    (the catalog's names, else the open world's: "the Lab app, built on M" names one model); "30B-A3B" in the list is a
    member's total and active size."""
    lst = _SIZE_LIST.search(u.text)
    if not lst or not _SIZES_WORD.search(u.text) or any(CUES[k].search(u.text) for k in ("plan", "hypothetical", "comparison")):
        return []
    before = u.text[: lst.start()]
    named = [(x.start, x.end, x.ids) for x in m.models(before)] or [(a, b, ids) for a, b, ids, q in _names(before, m) if q]
    if not named or len({tuple(ids) for _, _, ids in named}) != 1:
        return []
    name = u.text[named[-1][0] : named[-1][1]]
    out = []
    for s in re.finditer(r"(\d+(?:\.\d+)?)([BM])(?:-A(\d+(?:\.\d+)?)([BM]))?", lst.group(0)):
        ids, q = m.member(name, s.group(1) + s.group(2), s.group(3) + s.group(4) if s.group(3) else None)
        sizes = [(Predicate.TOTAL_PARAMETERS, s.group(1), s.group(2))]
        sizes += [(Predicate.ACTIVE_PARAMETERS, s.group(3), s.group(4))] if s.group(3) else []
        out += [Candidate(ids, pred, u, value=scaled_count(num, scale), stated=s.group(0), context=u.text, qualifiers=dict(q))
                for pred, num, scale in sizes if ids]
    return out


def open_sized(u: Unit, m: Mentions) -> list[Candidate]:
    """"Lab, with *NewModel-Chat* at 500B parameters": one open-world name, no catalog model, one parameter count."""
    sizes = list(_PARAM_SIZE.finditer(u.text))
    if len(sizes) != 1 or m.models(u.text) or any(CUES[k].search(u.text) for k in ("plan", "hypothetical", "comparison")):
        return []
    covered = [(x.start, x.end) for x in m.r.find(u.text)]
    names = {t.group(0).rstrip("."): m.name(t.group(0).rstrip(".")) for t in NAME_TOKEN.finditer(u.text)
             if not any(a <= t.start() < b for a, b in covered) and not re.fullmatch(r"[A-Z]+\d+[A-Z]*", t.group(0))}
    named = {n: iq for n, iq in names.items() if iq[0] and not any(o != n and o.startswith(n) for o in names)}  # "Lab, with Lab-Chat"
    if len(named) != 1:
        return []
    (ids, q), s = next(iter(named.values())), sizes[0]
    pred = Predicate.ACTIVE_PARAMETERS if s.group(3) and s.group(3).lower() != "total" else Predicate.TOTAL_PARAMETERS
    return [Candidate(ids, pred, u, value=scaled_count(s.group(1), s.group(2)), stated=s.group(0), context=u.text, qualifiers=dict(q))]


def apposed(u: Unit, m: Mentions) -> list[Candidate]:
    """"M, a strong Mixture-of-Experts (MoE) language model": the techniques of the noun phrase set beside M are M's."""
    out: list[Candidate] = []
    text = re.sub(r"\(([^()]*)\)", lambda p: " " * len(p.group(0)), u.text)  # "(MoE)" repeats the name before it
    for mod in m.models(text):
        a = CUES["apposition"].match(text[mod.end :])
        if not a or CUES["negation"].search(a.group("np")):  # "a non-MoE model", "a model without MoE"
            continue
        out += [Candidate(mod.ids, Predicate.USES, u, object=t, context=a.group(0)) for t in m.techniques(a.group("np"))]
    return out


_DERIVED_GAP = re.compile(r"^\s*(?:\([^()]*\)\s*)?,?\s*(?:(?:is|was|are|were|has been|have been|been)\s+)?"
                          r"(?:(?:further|continually|then|first|also)\s+)?$", re.I)
"""What may stand between the derived model's name and the derivation phrase: "M is", "M (8B), further"."""


def _names(text: str, m: Mentions) -> list[tuple[int, int, list[str], dict[str, str]]]:
    """(start, end, ids, qualifiers) of every model the text names: catalog models, else open-world name tokens."""
    found: list[tuple[int, int, list[str], dict[str, str]]] = [
        (x.start, x.end, x.ids, {}) for x in m.models(text) if x.kind == "model"]
    covered = [(x.start, x.end) for x in m.r.find(text) if x.kind in ("model", "family", "technique")]
    for t in NAME_TOKEN.finditer(text):
        if any(a < t.end() and t.start() < b for a, b in covered):
            continue
        ids, q = m.name(t.group(0).rstrip("."))
        if ids and q:
            found.append((t.start(), t.start() + len(t.group(0).rstrip(".")), ids, q))
    return sorted(found)


def derived(u: Unit, m: Mentions) -> list[Candidate]:
    """"M is derived from B", "M, fine-tuned from B": M derives from B (see the module docstring)."""
    text = u.text
    names = _names(text, m)
    out: list[Candidate] = []
    for start, _, base, _ in names:
        phrase = CUES["derivation"].search(text[:start])
        if not phrase or len(base) != 1:
            continue
        before = [n for n in names if n[1] <= phrase.start() and _DERIVED_GAP.match(text[n[1] : phrase.start()])]
        if not before:
            continue
        clause = text[before[-1][0] : start]
        if any(CUES[k].search(clause) for k in ("negation", "plan", "hypothetical")):
            continue
        ids, q = before[-1][2], before[-1][3]
        out += [Candidate([i], Predicate.DERIVED_FROM, u, object=base[0], context=clause, qualifiers=dict(q))
                for i in ids if i != base[0]]
    return out


def named_title(title: str, m: Mentions) -> list:
    """A title that is a model's name the catalog lacks ("Zork-9", "Zork-9 Model Card: ..."): the document's subject."""
    head = re.split(r"\s*[:|–—]\s+|\s+-\s+", title or "")[0]
    ids, q = m.name(bare_title(head))
    return [SimpleNamespace(ids=ids, q=q)] if ids else []


def technique_members(u: Unit, m: Mentions) -> list[Candidate]:
    """"Mixture-of-Experts models (A, B)": the models in the parenthesis after a technique's models are built with it."""
    out: list[Candidate] = []
    for t in (x for x in m.r.find(u.text) if x.kind == "technique" and x.ids[0] not in GENERIC):
        after = re.match(r"\s*(?:[\w-]+\s+)?(?:models?|variants?|architectures?|LLMs?)\s*\(([^)]{2,120})\)", u.text[t.end :])
        if after:
            window = clause_before(u.text, t.start)
            out += [Candidate(mod.ids, Predicate.USES, u, object=t.ids[0], context=window) for mod in m.models(after.group(1))]
    return out
