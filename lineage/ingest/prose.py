"""Article prose as claims: who each sentence is about, what it says they use, and their sizes.

Rules over sentence structure, no per-article cases:

- **subjects** — the models a sentence names (coordinated names share a prefix: "DeepSeek V2, V3,
  and R1", "DeepSeek V3/R1"; a family name stands for all its members).  A sentence that names none
  but refers back ("it", "the model", "these models", "both models") is about the last subject; a
  list item is about the subject of the line that introduced the list ("… a combination of:") or of
  its heading ("## Kimi K2"); otherwise the article's title names the topic;
- **uses** — a technique in the same clause as its subject with an adoption cue (a verb such as
  adopt/use/feature/ship/incorporate, "with", "the use of", "is a … <technique> model", a list item
  that starts with the technique) and no negation, contrast or comparison in between.  "X, which is
  used in A, B and C" gives each of A, B, C.  Changes give only the new side: "moved from X to Y",
  "swapped X for Y", "replacing X with Y", "Y instead of X" are uses Y, never uses X;
- **sizes** — parameter counts with what they count ("671B total", "37B active", "a total of 671
  billion parameters", "3B parameters are active per token", "a 1.6T parameter M", "M's 37B"); a
  number in parentheses with no word of its own counts what the number before it counts;
- **tokens and context** — "trained on 14.8T tokens", "up to one million tokens of context",
  "a 128k-token window".

Numbers are never given to a family (its members differ in size); techniques are.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from lineage.domain import Predicate
from lineage.ingest.markup import bullet, heading
from lineage.ingest.stated import context_tokens, scaled
from lineage.ingest.text import sentences

_ADOPT = (
    r"adopt\w*|uses?|using|used|inherit\w*|employ\w*|featur\w*|incorporat\w*|integrat\w*|"
    r"equipped|rely|quantiz\w*|built on|builds? on|based on|train\w* (?:with|using)|leverag\w*|combin\w*|"
    r"with|comes? from|introduc\w*|(?:mov|switch|migrat|return)\w*\b[^.;]{0,40}\bto|"
    r"replac\w*[^.;]{0,40}\bwith|appl(?:y|ies|ied)|add\w*|the use of|such as"
)
_ADOPT_RE = re.compile(rf"\b(?:{_ADOPT})\b", re.I)
_BLOCK = re.compile(
    r"\b(?:not|never|no longer|without|instead of|rather than|unlike|than|compar\w*|similar\w*|vs\.?|versus|"
    r"alternatives?|outperform\w*|beat\w*|predecessor|successor|like|plans?|will|would|could|might|if|"
    r"separate from|different from)\b|\?",
    re.I,
)
_CHANGE_OLD = re.compile(
    r"\b(?:(?:mov\w*|switch\w*|migrat\w*|went|go(?:es|ing)?|chang\w*)\s+(?:away\s+)?from|swap\w*|replac\w*|"
    r"drop\w*|abandon\w*|remov\w*|instead of|rather than|in place of)\s+(?:the\s+|a\s+|an\s+|standard\s+|regular\s+)?$",
    re.I,
)
_CLAUSE = re.compile(r"[;:—–]|\.\s|,\s+(?:but|while|whereas|although|though|unlike)\b|\b(?:but|whereas|while)\b", re.I)
_ANAPHOR = re.compile(
    r"^\W*(?:(?:its|their|this|these|both|the|our)\s+(?:[\w-]+\s+){0,2}(?:models?|releases?|variants?)\b|it\b|its\b|they\b)",
    re.I,
)
_NUM = r"(\d+(?:\.\d+)?)\s*(trillion|billion|million|T|B)\b"
_PARAM = re.compile(_NUM, re.I)
_WORD_NUM = {"one": 1, "two": 2, "four": 4, "half a": 0.5}
_CONTEXT = re.compile(
    r"\b(?:up to|supports?|scal\w* to|extend\w* to|window of|context (?:window|length) of)\s+(?:the\s+|an?\s+)?"
    r"(?:(\d+(?:\.\d+)?)\s*([KM])\b|(\d+(?:\.\d+)?|one|two|four|half a)\s+million)[-\s]*(?:tokens?)?"
    r"(?P<after>(?=[^.;]{0,25}\bcontext\b|[-\s]*(?:context|window)\b))?",
    re.I,
)
"""A context window: "supports a 128K context window", "context length of 32K tokens", "up to 1M tokens"; the word
"context" follows, or comes shortly before in the sentence (:data:`_CONTEXT_BEFORE`: "context lengths (up to 200K tokens)")."""
_CONTEXT_BEFORE = re.compile(r"\bcontext\b[^.;]{0,30}$", re.I)
GENERIC = {"kv-cache"}
"""Parts every decoder has: naming them says nothing about what a model chose."""
_SIZE_IN_NAME = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)([BT])-A(\d+(?:\.\d+)?)([BM])(?![\w.])", re.I)
_NAME_OF_GROUP = re.compile(r"^\s*(?:team|authors|library|kernels?|repo(?:sitory)?|project|community|contributors)\b", re.I)
_FEATURE_IN = re.compile(r"\b(?:innovations?|features?|additions?|changes?|upgrades?)\s+(?:in|of|to)\s+$", re.I)
_TOKENS = re.compile(r"(\d+(?:\.\d+)?)\s*(trillion|T)\b(\s+tokens\b)?", re.I)


@dataclass
class ProseClaim:
    """One claim read from prose, before it becomes an ArticleStatement."""

    subject: str
    predicate: Predicate
    object: str | None
    value: int | str | None  # a count, or an ISO date for ``released``
    stated: str
    line: int
    snippet: str


def title_topic(lines: list[str], r) -> list:
    """The models the article's title names (front-matter ``title:`` or the first heading)."""
    for line in lines[:15]:
        m = re.match(r'title:\s*"?(.+?)"?$', line) or re.match(r"#\s+(.+)$", line)
        if m:
            return _subjects(r.find(m.group(1)))
    return []


def _subjects(mentions) -> list:
    return [m for m in mentions if m.kind in ("model", "family")]


NAME = re.compile(
    r"^(?!\d+[.)]?\s|\d[\d.]*\s*(?:bits?|[GMK]B|[BTKM]|x|%)(?:\W|$))(?=.*\d|.*[a-z][A-Z])"  # not a section number or a quantity
    r"(?:[A-Z][\w.]*|[a-z][\w.]*\d[\w.]*|\d[\w.]*)(?:[-\s](?:[A-Z][\w.]*|[\w.]*\d[\w.]*))*$"
)
"""An open-world model name: every part capitalised or holding a digit, and the whole holding a digit or inner capitals
("Ling-1T", "GLM 4.6", "LongCat-Chat-Thinking"; not "Multi-machine training", "Reasoning-Oriented RL", "1. Introduction")."""
NAME_TOKEN = re.compile(r"(?<![\w./-])[A-Za-z][\w.]*(?:-[\w.]+)+|(?<![\w./-])[A-Z][a-z]+[A-Z][\w.]*|(?<![\w./-])[A-Z][A-Za-z]*\d[\w.]*")


def unknown_name(text: str, mentions) -> bool:
    """Whether ``text`` names a model outside the catalog ("LongCat-Chat-Thinking", "Zork9"): a token shaped as an
    open-world model name (:data:`NAME`) that no mention of the resolver covers."""
    covered = [(m.start, m.end) for m in mentions]
    for t in NAME_TOKEN.finditer(re.sub(r"https?://\S+|`[^`]*`", lambda u: " " * len(u.group(0)), text)):
        name = t.group(0).rstrip(".")
        device_like = re.fullmatch(r"[A-Z]+\d+[A-Z]*", name)  # "FP8", "H800", "GB200": formats and chips, not models
        if NAME.match(name) and not device_like and not any(a <= t.start() < b for a, b in covered):
            return True
    return False


def prose_drafts(lines: list[str], r, skip: Collection[int] = frozenset()) -> list[ProseClaim]:
    """Claims from every prose line (0-based indices in ``skip`` are tables, read elsewhere)."""
    topic = title_topic(lines, r)
    if lines and lines[0] == "---":  # front matter: metadata, not the article's statements
        end = next((i for i in range(1, len(lines)) if lines[i] == "---"), 0)
        skip = set(skip) | set(range(end + 1))
    section: list = []
    intro: list = []
    last: list = topic
    out: list[ProseClaim] = []
    for i, line in enumerate(lines):
        if not line or i in skip:
            continue
        h = heading(line)
        if h is not None:
            section = _subjects(r.find(h))
            intro, last = [], section or topic
            continue
        item = bullet(line)
        if item is None and not line.startswith(" "):
            intro = []
        paragraph: dict[str, object] = {}  # the models this line named so far, by id
        for s in sentences(item or line, i + 1):
            mentions = r.find(s.text, context=last)
            named = _subjects(mentions)
            if unknown_name(s.text, mentions):
                fallback = []  # the sentence names a model the catalog does not know: it, not an earlier one, is the subject
            elif item is not None:
                fallback = intro or section or (last if _ANAPHOR.match(s.text) else [])
            else:
                fallback = last if _ANAPHOR.match(s.text) else []
            out += _uses(s.text, mentions, fallback, i + 1, item is not None)
            sole = list(paragraph.values()) if len(paragraph) == 1 else []  # "M has … . This means 37B are active"
            numbers = _numbers(s.text, mentions, fallback or sole if _ANAPHOR.match(s.text) or not named else [], i + 1)
            said = {(f.subject, f.predicate, f.value) for f in numbers}
            out += numbers + [f for f in _named_sizes(s.text, named, i + 1) if (f.subject, f.predicate, f.value) not in said]
            paragraph.update({m.ids[0]: m for m in named if m.kind == "model"})
            if named:
                last = [named[0]]
        if line.rstrip("*").endswith(":"):
            intro = _subjects(r.find(item or line)) or last
    return out


def _named_sizes(text: str, named, line: int) -> list[ProseClaim]:
    """Sizes a model's name states in the total-active notation ("Qwen3-30B-A3B": 30B total, 3B active)."""
    out = []
    for m in named:
        size = _SIZE_IN_NAME.search(m.text)
        if m.kind == "model" and size:
            for pred, (num, unit) in ((Predicate.TOTAL_PARAMETERS, size.group(1, 2)), (Predicate.ACTIVE_PARAMETERS, size.group(3, 4))):
                out.append(ProseClaim(m.ids[0], pred, None, int(scaled(num, unit)), m.text, line, text))
    return out


def _ids(mention, numbers: bool = False) -> list[str]:
    if numbers and mention.kind == "family" and len(mention.ids) > 1:
        return []
    return mention.ids


def _uses(text: str, mentions, fallback, line: int, is_item: bool) -> list[ProseClaim]:
    out = []
    techniques = [m for m in mentions if m.kind == "technique" and m.ids[0] not in GENERIC]
    if is_item and re.search(r"=|\$", text):
        return []  # a list item that works out a formula states a quantity, not a choice
    for t in techniques:
        if _NAME_OF_GROUP.match(text[t.end :]):
            continue  # "the Flash Linear Attention team": a group named after the technique
        if _CHANGE_OLD.search(text[: t.start]):
            continue  # the old side of a change
        subjects = _subject_for(text, t, mentions, fallback, is_item)
        for s in subjects:
            for mid in s.ids if hasattr(s, "ids") else [s]:
                out.append(ProseClaim(mid, Predicate.USES, t.ids[0], None, "", line, text))
    return out


def _subject_for(text: str, t, mentions, fallback, is_item: bool) -> list:
    """The models a technique mention is said of, or [] when the sentence does not adopt it."""
    models = _subjects(mentions)
    before = [m for m in models if m.end <= t.start]
    clause_start = max([c.end() for c in _CLAUSE.finditer(text[: t.start])], default=0)
    # "T, which is used in A, B, and C" / "T is used by A"
    after = re.match(r"[^.;]{0,40}?\b(?:is|are|was|were)\s+(?:also\s+)?(?:used|adopted|employed)\s+(?:in|by)\s+", text[t.end :], re.I)
    if after:
        start = t.end + after.end()
        group = _group(text, [m for m in models if m.start >= start], start)
        if group:
            return group
    if len(before) > 1 and re.match(r"['’]s\b", text[before[-1].end :]) and _ADOPT_RE.search(text[before[-2].end : before[-1].start]):
        before = before[:-1]  # "A adopted B's MoE": B is where it came from, A adopts it
    if before:
        m = before[-1]
        group = _group_back(text, before)
        between = text[m.end : t.start]
        if m.start >= clause_start or not re.search(r"[;:]", between):
            if _FEATURE_IN.search(text[: m.start]) and re.fullmatch(r"\s+(?:is|are|was|were|includes?)\s+(?:the\s+|a\s+|an\s+)?", between):
                return group  # "another innovation in M is T"
            adopts = _ADOPT_RE.search(between + " " + text[t.end : t.end + 12]) and not _BLOCK.search(between)
            if not adopts and not _is_a(between, text[t.end :]):
                return []
            if re.search(r"\b(?:in|on|for|of)\s*$", text[max(0, m.start - 5) : m.start]) and not _ADOPT_RE.search(between):
                return []
            return group
        return []
    if not fallback or any(m.kind == "organization" and m.end <= t.start for m in mentions):
        return []  # "Kimi uses X": the clause has a subject of its own
    lead = text[clause_start : t.start]
    if is_item and re.fullmatch(r"\W*(?:\d{1,2}[.)])?\W*(?:[A-Z][a-z]+\s+)?", text[: t.start]):
        return fallback  # a list item that starts with the technique ("Efficient MoE …")
    if _ANAPHOR.match(text) and not _BLOCK.search(lead) and (_ADOPT_RE.search(lead) or _is_a(lead, text[t.end :])):
        return fallback
    return []


def _is_a(between: str, after: str) -> bool:
    """ "… is a sparse <technique> model": the model is described as one."""
    return bool(
        re.search(r"(?:\b(?:is|was|are)|['’]s)\s+(?:a|an|their|its|our)\b[^.;]{0,40}$", between, re.I)
        and re.match(r"[^.;,]{0,20}\b(?:model|architecture|design)s?\b", after, re.I)
    )


def _group_back(text: str, before) -> list:
    """The last model before a position and those coordinated with it ("A, B and C adopt …")."""
    group = [before[-1]]
    for m in reversed(before[:-1]):
        if re.fullmatch(r"\s*(?:,|and|&|/|or|,\s*and)\s*", text[m.end : group[0].start]):
            group.insert(0, m)
        else:
            break
    return group


def _group(text: str, models, start: int) -> list:
    group = []
    pos = start
    for m in models:
        if re.fullmatch(r"\s*(?:,|and|&|/|,\s*and)?\s*(?:the\s+)?", text[pos : m.start]):
            group.append(m)
            pos = m.end
        else:
            break
    return group


def _numbers(text: str, mentions, fallback, line: int) -> list[ProseClaim]:
    out = []
    models = _subjects(mentions)
    kind_before = None
    for m in _PARAM.finditer(text):
        value = scaled(m.group(1), m.group(2))
        after, before = text[m.end() : m.end() + 45], text[max(0, m.start() - 30) : m.start()]
        kind = _param_kind(after, before)
        in_paren = text[: m.start()].count("(") > text[: m.start()].count(")")
        if kind is None and in_paren and kind_before and re.match(r"\s*\)", after):
            kind = kind_before
        if kind is None or value < 1e8 or re.search(r"\d\s*[BT]?\s*(?:,|/|to|-|–|and|,\s*and)\s*$", before):
            continue  # a range or a list of sizes ("from 1 to 7B", "32B, 14B, 8B") is not one model's size
        kind_before = kind
        owner = _owner(text, m, models, in_paren) or (fallback if not in_paren else [])
        for s in owner:
            for mid in _ids(s, numbers=True):
                out.append(ProseClaim(mid, kind, None, int(value), m.group(0).strip(), line, text))
    if re.search(r"\b(?:train\w*|pre-?train\w*)\b", text, re.I):
        counted: set[str] = set()  # ">30T tokens of X and 5T of Y": a model's budget is the first
        for m in _TOKENS.finditer(text):
            if not (m.group(3) or re.search(r"\btokens?\b", text, re.I)) or re.match(r"[\s-]*(?:total|active|param|models?\b)", text[m.end() :], re.I):
                continue  # a bare "40T" counts tokens only in a sentence about tokens, never parameters
            owner = _for_model(text, m, models) or _owner(text, m, models, False) or fallback
            for s in owner:
                for mid in [i for i in _ids(s, numbers=True) if i not in counted]:
                    counted.add(mid)
                    out.append(ProseClaim(mid, Predicate.TRAINING_TOKENS, None, int(scaled(m.group(1), m.group(2))), m.group(0), line, text))
    for m in _CONTEXT.finditer(text):
        if m.group("after") is None and not _CONTEXT_BEFORE.search(text[: m.start()]) and "context" not in m.group(0).lower():
            continue
        if m.group(1):
            tokens = context_tokens(m.group(1), m.group(2))
        else:
            n = _WORD_NUM.get(m.group(3).lower()) or float(m.group(3))
            tokens = int(n * 1_000_000)
        owner = _owner(text, m, models, False) or fallback
        if m.group("after") is None and "context" not in m.group(0).lower() and models:
            # "context ... up to 256K tokens": the window of the sentence's subject, not of a model it compares with
            owner = models[:1] if not unknown_name(text[: models[0].start], mentions) else []
        for s in owner:
            for mid in s.ids:
                out.append(ProseClaim(mid, Predicate.CONTEXT_LENGTH, None, tokens, m.group(0).strip(), line, text))
    return out


def _for_model(text: str, m: re.Match, models) -> list:
    """ "40T for Scout", "22T multimodal for Maverick": the model a count is given for."""
    lead = re.match(r"\s*(?:[\w-]+\s+){0,3}?for\s+(?:the\s+)?", text[m.end() :])
    return [x for x in models if lead and x.start == m.end() + lead.end()][:1]


def _param_kind(after: str, before: str) -> Predicate | None:
    """What a parameter count counts, from the words around it; None when it is not a parameter count."""
    head = re.split(r"\d", after, maxsplit=1)[0]
    if re.match(r"[\s-]*(?:active|activated)\b", head, re.I) or re.match(
        r"[\s-]*parameters?\s+(?:are\s+|is\s+)?(?:active|activated|used for each)\b", head, re.I
    ):
        return Predicate.ACTIVE_PARAMETERS
    if re.match(r"[\s-]*(?:total\b|parameters?\b|params\b)", head, re.I):
        return Predicate.TOTAL_PARAMETERS
    if re.search(r"\btotal of\s*$", before, re.I) and re.match(r"\s*parameters", head, re.I):
        return Predicate.TOTAL_PARAMETERS
    return None


def _owner(text: str, m: re.Match, models, in_paren: bool) -> list:
    """The model a number belongs to: "M's N", "N parameter M", or the nearest model named before it."""
    poss = [x for x in models if x.end <= m.start() and re.fullmatch(r"['’]s\s*", text[x.end : m.start()])]
    if poss:
        return _group_back(text, [x for x in models if x.end <= poss[-1].end])
    nxt = [x for x in models if x.start >= m.end() and re.fullmatch(r"[\s-]*(?:parameters?\s+)?[`'\"]?", text[m.end() : x.start])]
    if nxt:
        return [nxt[0]]
    prior = [x for x in models if x.end <= m.start()]
    if not in_paren:  # a model named inside parentheses is an aside
        prior = [x for x in prior if text[: x.start].count("(") == text[: x.start].count(")")]
    return _group_back(text, prior) if prior else []
