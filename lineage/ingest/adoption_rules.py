"""Technique adoption in prose: does the document's own model *use* a technique, or only mention it?

Every sentence that names a catalog technique (by any alias) is classified:

- **adoption** — the document's own subject ("we", "our model", the model's
  name) adopts / employs / uses / introduces … the technique in the same
  clause, or the model is described as being one ("Moonlight, a 16B MoE model");
- **negation** — the own subject rules it out ("we do not introduce MTP
  layers", "the design excludes shared experts", "instead of X");
- **mention** — anything else: related work, comparisons, other models.

Per technique, adoptions that outnumber negations make a ``uses`` claim;
negations that win make the ``uses`` claim contradicted, with the sentences as
evidence against it.  The rules are general; there are no per-document cases.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from lineage.ingest import adoption_led
from lineage.ingest.text import Sentence, candidates

VERBS = (
    r"adopt\w*|employ\w*|use|uses|used|using|utili[sz]\w*|appl(?:y|ies|ied)|incorporat\w*|introduc\w*|"
    r"implement(?:s|ed|ing)?|follow\w*|leverag\w*|build\w*|built|adds?|added|propos\w*|design(?:s|ed|ing)?|"
    r"support\w*|equip\w*|cho(?:o)?se\w*|select\w*|train\w*|pre-?train\w*|extend\w*|instantiat\w*|"
    r"integrat(?:e|es|ed|ing)|pioneer\w*|featur(?:e|es|ed|ing)|combin(?:e|es|ed|ing)|relies|rely|retain\w*|keeps?|"
    r"maintain\w*|sets?|perform(?:s|ed)?|isolat\w*|segment\w*|"
    r"enhanc\w*|powered|based|equipped|continue\w*|still|consist\w*|compris\w*|treat\w*|"
    r"interleav(?:e|es|ed|ing)|alternat(?:e|es|ed|ing)"
)
NON_ADOPTING = (
    r"provid\w*|compar\w*|show\w*|evaluat\w*|discuss\w*|analy[sz]\w*|observ\w*|report\w*|illustrat\w*|"
    r"describ\w*|present\w*|investigat\w*|stud(?:y|ies|ied)|examin\w*|conduct\w*|measur\w*|contrast\w*|"
    r"demonstrat\w*|explain\w*|review\w*|ablat\w*|benchmark\w*|versus|vs\.?|respectively|baselines?|unlike|than|"
    r"align\w*\s+with|similar\s+to|same\s+as|in\s+line\s+with|consistent\s+with|allow\w*|enabl\w*|could|would|"
    r"outperform\w*|surpass\w*"
)
NON_ADOPTING_RE = re.compile(rf"\b(?:{NON_ADOPTING})\b", re.I)
_BACKGROUND_SECTION = re.compile(r"\b(?:preliminar\w*|background|related work|prior work)\b", re.I)
SECTION_KINDS = {
    "related work": re.compile(r"\b(?:related\s+work|prior\s+work|literature|background)\b", re.I),
    "ablation": re.compile(r"\b(?:ablations?|ablation\s+stud(?:y|ies)|pilot\s+(?:study|experiments?))\b", re.I),
}
"""Section kinds whose sentences say what others did or what was tried, never what the own model is."""


def section_kind(titles: list[str]) -> str | None:
    """The kind of a section from its heading and the headings above it ("4.3 Ablation Studies" > "4.3.1 …")."""
    for kind, pattern in SECTION_KINDS.items():
        if any(pattern.search(t) for t in titles):
            return kind
    return None
_VERB = re.compile(rf"\b(?:{VERBS})\b", re.I)
NEGATION_RE = re.compile(
    r"\b(?:not|no longer|without|exclud\w*|never|remov\w*|abandon\w*|discard\w*|instead of|rather than)\b",
    re.I,
)
FUTURE = re.compile(
    r"\b(?:we\s+will\s+(?:further\s+)?(?:explore|investigate|consider|try|study)|plan(?:s|ned)?\s+to|"
    r"recommend\w*|suggest\s+(?:that\s+)?(?:hardware|vendors|future)|"
    r"future\s+(?:work|versions?|releases?|models?|iterations?)|next\s+"
    r"(?:version|release|generation)|in\s+the\s+future|leave\b[^.;]{0,60}\bfor\s+future|aim\s+to\s+explore)\b",
    re.I,
)
"""A plan is not an adoption: "we plan to integrate X", "we leave X for future work". ("We intend to use X
for <model>" is the model's design, not a plan.)"""
TRIAL = re.compile(
    r"\b(?:ablat\w*|we\s+(?:also\s+|first\s+|initially\s+|further\s+)?(?:tried|experimented\s+with|explored|tested)|as\s+(?:a|the)\s+baselines?|baseline\s+(?:model|run|setting)s?|for\s+comparison|to\s+compare|"
    r"(?:a|the)\s+(?:baseline|variant|control)s?\s+(?:in\s+which|where|that\s+(?:uses?|keeps?|replaces?))|"
    r"control\s+(?:experiment|run)s?|small-scale\s+(?:experiment|run)s?|"
    r"to\s+(?:evaluate|assess|investigate|study)\s+the\s+(?:influence|effect|impact|role)s?)\b",
    re.I,
)
"""An ablation, a baseline or a comparison run is not the document's own model."""
COMPONENT = re.compile(
    r"\b(?:(?:MTP|multi-token\s+prediction|draft|vision|visual|audio|image|speech)\s+"
    r"(?:modules?|blocks?|layers?|heads?|encoders?|towers?|models?)|indexer|projector|adapter)\b",
    re.I,
)
"""A part of the model, named next to a technique, scopes the sentence to that part."""
_ANAPHOR = re.compile(
    r"^\W*(?:(?:specifically|in addition|additionally|moreover|furthermore|besides|overall|concretely)\s*,\s*)?"
    r"(?:it|the model|this model|(?:this|that)\s+(?:is|was)\s+(?:achieved|done|accomplished|realized|implemented)\s+(?:by|through|via|with))\b",
    re.I,
)
"""A sentence opening with "it" / "the model" right after a sentence about the own model continues it, as does
"This was achieved by …" after what the own subject did ("we extended the context …")."""
_THE_MODEL = r"(?<!\bof\s)(?<!\bto\s)(?<!\bin\s)(?<!\bon\s)(?<!\bfor\s)(?<!\bwith\s)\b(?:the|this)\s+model\b(?!\s+(?:of|from)\b)"
"""Inside a sentence that names the own subject, "the model" is that subject ("Our architecture …: the model has …");
not after a preposition ("we set the context window of the model to …")."""
_PARTIAL = re.compile(r"^\W*(?:in|from|for)\s+(?:the\s+)?(?!attention\b)[\w-]+\s+(?:[\w-]+\s+){0,2}layers\b", re.I)
"""A negation scoped to some of the layers ("we remove X in the sparse attention layers") does not rule X
out for the model; plain "in attention layers" still does."""
_EACH_PART = r"^\W*(?:each|every)\s+(?:[\w-]+\s+){0,2}?(?:layer|block)\b"
"""Like "it" after a sentence about the own model, a sentence opening with one of its parts continues it:
"Each MoE layer comprises …"."""
CLAUSE_BREAK = re.compile(r"[;:]|,\s+(?:but|while|whereas|although|unlike)\b|\b(?:whereas|while|but)\b", re.I)
_WE = r"\b(?:we|our|us)\b"
_SWITCHED_OFF = re.compile(r"(?<!\bof\s)(?<!\bthe\s)(?<!\ba\s)\bdisabl(?:e|es|ed|ing)\s+(?:the\s+|all\s+|any\s+)?$", re.I)
"""Switching a technique off, as a verb right before its name ("… and disabling X"), is no use of it; nor does it
rule it out for the model, since what is switched off is usually one stage or one part ("in this stage", "for the
discriminator"), so the sentence is a mention. "disabled" as an adjective ("the ratio of disabled X") is neither."""
_LONGER_NAME = re.compile(
    r"(?:^|[\s(])(?:the|an?|[a-z][\w-]*)\s(?!(?:The|An?|Our|We|In|For|With|Of|And|Or|On|To|By|Via|From|Using|Under|While|"
    r"Across|Both|Each|All|This|That|These|Its|Their|Table|Figure|Section|Appendix|Eq|Equation)\b)(?P<modifier>[A-Z][a-z]{2,})\s"
    r"(?:[A-Z][\w-]*[A-Z][\w-]*\s\()?$"
)
"""In running prose, a capitalised word (not a sentence's first) directly before a name makes a longer name that names
another thing ("a tailored Local SGD approach", "the Fused Adam kernel"): the shorter name inside it is not adopted,
nor is the short name's spelt-out form in parentheses right after it ("Local SGD (Stochastic …)")."""


_RELEASES = re.compile(r"\b(?:present|releas|develop|open-?sourc)(?:e|es|ed|ing)?\b(?![^.;]*\b(?:analys[ie]s|study|studies|results?)\b)", re.I)
"""The own subject putting out models (what it puts out, not an analysis or a study of them)."""
_RELEASED = re.compile(
    r"(?:\s+and\s+[\w-]+)?\s+(?:(?!(?:for|of|on|to|about|with|in|from|that|which|how)\b)[\w-]+\s+){0,5}?"
    r"(?:(?:series|family|suite|set)\s+of\s+)?", re.I
)
"""From that verb to the technique: the models themselves ("both dense and", "two differently sized", "the Ling series
of"), not what is said about them ("scaling laws for", "a study of")."""
_OF_MODELS = re.compile(r"(?:\s*\([^)]{0,12}\))?\s+(?:[\w-]+\s+){0,2}?(?:models?|LLMs?)\b", re.I)
"""Right after the technique: the models it builds ("MoE models", "MoE large language models", "(MoE) models")."""
_NOT_OURS = re.compile(r"\b(?:baselines?|other|existing|prior|previous|proxy|toy|small-scale)\b", re.I)
"""Models that are not the document's release."""


class Kind(str, Enum):
    ADOPTION = "adoption"
    NEGATION = "negation"
    MENTION = "mention"


@dataclass
class TechniqueMention:
    """One sentence naming one technique, classified."""

    technique: str
    sentence: Sentence
    kind: Kind
    alias: str
    cue: str = ""


@dataclass
class Decision:
    """What a document says about one technique, with the sentences that say it."""

    technique: str
    adoptions: list[TechniqueMention] = field(default_factory=list)
    negations: list[TechniqueMention] = field(default_factory=list)
    mentions: list[TechniqueMention] = field(default_factory=list)

    @property
    def verdict(self) -> Kind:
        if self.adoptions and len(self.adoptions) > len(self.negations):
            return Kind.ADOPTION
        if self.negations:
            return Kind.NEGATION
        return Kind.MENTION


_NUMERIC = re.compile(r"[\d.,%×x~∼±()\-–]+")
"""A word of figures (a table cell, a formula's number)."""


def is_noise(text: str) -> bool:
    """Tables of contents, figure labels and formula soup are not prose."""
    if re.search(r"(?:\.\s){4,}", text) or len(text) > 700:
        return True
    words = text.split()
    if len(words) < 4:
        return True
    numeric = sum(1 for w in words if _NUMERIC.fullmatch(w))
    return numeric / len(words) > 0.35


def own_subject(own_names: list[str]) -> re.Pattern:
    """'we', 'our', or any of the document's own model names."""
    # a name broken at its hyphen by the line end reads "Seed1.5- Thinking"
    names = "|".join(re.escape(n).replace(r"\-", r"-\s?") for n in sorted(own_names, key=len, reverse=True) if n)
    body = _WE + (rf"|(?<![\w-])(?:{names})(?![\w-])" if names else "")
    return re.compile(body, re.I)


def other_subject(other_names: Sequence[str]) -> re.Pattern | None:
    """Any other model's name, or None when there are none."""
    if not other_names:
        return None
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in sorted(other_names, key=len, reverse=True)) + r")(?![\w])")


def without_parentheses(text: str) -> str:
    """Drop citations and asides, "(GQA, Ainslie et al., 2023)", so distances count words that matter."""
    previous = None
    while previous != text:
        previous, text = text, re.sub(r"\([^()]*\)", "", text)
    return text


def classify(
    text: str, start: int, end: int, own: re.Pattern, others: re.Pattern | None, continues: bool = False
) -> tuple[Kind, str]:
    """Classify one alias occurrence text[start:end] within its sentence.

    ``continues``: the previous sentence was about the own model (and no other), so an opening
    "it" / "the model" is the own model.
    """
    if continues and not own.search(text) and (others is None or not others.search(text)) and (
        _ANAPHOR.search(text) or re.search(_EACH_PART, text, re.I)
    ):
        own = re.compile(own.pattern + r"|" + _ANAPHOR.pattern + r"|" + _EACH_PART, re.I)
    elif own.search(text) and (others is None or not others.search(text)):
        own = re.compile(own.pattern + r"|" + _THE_MODEL, re.I)
    prefix = without_parentheses(text[:start])
    breaks = list(CLAUSE_BREAK.finditer(prefix))
    clause = prefix[breaks[-1].end() :] if breaks else prefix
    window = clause[-160:]
    near = window[-40:]
    after = text[end : end + 60]
    has_own = bool(own.search(text))
    if re.search(r"\bto (?:denote|represent|indicate|refer to)\b|\bdenotes?\b", text, re.I):
        return Kind.MENTION, "notation"
    if _inside_longer_name(text[max(0, start - 60) : start], own, others):
        return Kind.MENTION, "inside a longer name"

    possessor = re.search(r"([\w.-]+(?:\s[\w.-]+)?)['’]s\s+(?:\w+\s+){0,2}$", text[:start])
    if possessor and not own.search(possessor.group(1)):
        return Kind.MENTION, "another model's"  # "MiniMax-M1's Lightning Attention states"
    if others is not None and others.search(text) and re.search(r"\b(?:its|their)\s+(?:[\w-]+\s+){0,2}$", text[:start]):
        return Kind.MENTION, "another model's"  # "we give <other model> FP8 for its chunked GQA"
    if FUTURE.search(text):
        return Kind.MENTION, "future plan"
    if TRIAL.search(text[:start]) or TRIAL.search(after):
        return Kind.MENTION, "ablation or baseline"
    if _scoped_to_component(text, start, end):
        return Kind.MENTION, "component"
    # "We add a gate after each attention block. This design choice follows gated attention …"
    if continues and (others is None or not others.search(text)) and _CHOICE_FOLLOWS.match(prefix):
        return Kind.ADOPTION, "choice follows"

    negations = list(NEGATION_RE.finditer(window))
    neg = negations[-1] if negations else None  # the negation nearest the alias
    if has_own and neg is not None:
        reach = window[neg.end() :]
        # "we remove X and introduce <alias>", "instead of FP32 to track … <alias>": the negation stops early
        blocked = re.search(r"\b(?:and|then|to)\s+[a-z]+", reach) and not re.fullmatch(r"\s*(?:\w+\s+){0,3}", reach)
        speaker = list(own.finditer(window[: neg.start()]))
        # "we observe that models without X underperform": a finding about other runs, not the model's choice
        reported = speaker and NON_ADOPTING_RE.search(window[speaker[-1].end() : neg.start()])
        if not blocked and not NON_ADOPTING_RE.search(reach) and speaker and not reported:
            if _PARTIAL.search(text[end:]):
                return Kind.MENTION, "some layers"
            # "we remove the KL term in the GRPO loss": what is removed is a part of the technique
            if re.fullmatch(r"\s*(?:the\s+|a\s+|an\s+)?[\w-]+(?:\s+[\w-]+){0,3}\s+(?:in|of|from)\s+(?:the\s+|its\s+)?", reach, re.I):
                return Kind.MENTION, "part of it"
            return Kind.NEGATION, neg.group(0)
    if has_own and re.search(r"\b(?:instead of|rather than)\s+(?:the\s+|a\s+)?$", near, re.I):
        return Kind.NEGATION, "instead of"
    if has_own and _SWITCHED_OFF.search(near):
        return Kind.MENTION, "disabled"

    # "we have replaced the layer normalization … with <alias>"
    if has_own and re.search(rf"(?:{own.pattern})[^.;]{{0,40}}\breplac(?:e|es|ed|ing)\b[^.;]{{0,120}}\bwith\s+(?:the\s+|a\s+)?$", window, re.I):
        return Kind.ADOPTION, "replaced with"
    # "Our PPO process involves …": the own subject's possessive on the technique
    if re.search(r"\bour\s+(?:[\w-]+\s+)?$", window, re.I) and not NON_ADOPTING_RE.search(after[:40]):
        return Kind.ADOPTION, "our"
    # "we use FA3 and FA2 for MFA/GQA": the technique is what a tool is used for, not what is used
    # ("we apply EP for MoE layers" still names the model's own layers)
    if re.search(rf"\b(?:{VERBS})\s+[A-Z][^;]{{0,60}}?\bfor\s+(?:the\s+|both\s+|all\s+)?(?:[\w-]+\s*/\s*)?$", window) and not re.match(
        r"\s*(?:layers?|blocks?|modules?|experts?)\b", after, re.I
    ):
        return Kind.MENTION, "used for"
    subject = None
    for m in own.finditer(window):
        subject = m
    if subject is not None:
        between = window[subject.end() :]
        if others is not None and re.search(others.pattern + rf"\s+(?:also\s+|still\s+)?(?:{VERBS})\b", between, re.I):
            return Kind.MENTION, "other model"
        verbs = list(_VERB.finditer(between))
        if verbs:
            last = verbs[-1]
            if NON_ADOPTING_RE.search(between[last.end() :]) or NON_ADOPTING_RE.search(after[:30]):
                return Kind.MENTION, "comparison"
            if re.match(r"[^.;]{0,30}\bas\s+(?:a\s+|the\s+)?(?:background|baselines?|reference|comparison)", after, re.I):
                return Kind.MENTION, "background"
            return Kind.ADOPTION, last.group(0)
        # "Moonlight, a 16B-parameter MoE model" / "GLM-4.5 is our first MoE model" / "the flagship, Zeta-3B, is an MoE model"
        if re.match(r"\s*(?:,\s*)?(?:,|is|was|are)\s*(?:a|an|our|the)\b", between, re.I) and re.match(
            r"[^.;]{0,40}\b(?:model|architecture|series)", after, re.I
        ):
            return Kind.ADOPTION, "is a"
        # "We release both dense and MoE models", "we present two MoE language models, namely …": what the own
        # subject releases is built as the technique
        put_out = list(_RELEASES.finditer(between))
        if (put_out and _RELEASED.fullmatch(between, put_out[-1].end()) and _OF_MODELS.match(after)
                and not _NOT_OURS.search(between + after[:40])):
            return Kind.ADOPTION, "releases such models"
    # passive: "X is used in our model", "X was adopted for DeepSeek-V3"
    if has_own and re.match(r"\W{0,3}(?:\([^)]{0,40}\)\s*)?(?:is|was|are|were)\s+(?:also\s+)?(?:used|adopted|employed|applied)\b", after, re.I):
        return Kind.ADOPTION, "passive"
    # "For the decoupled queries and key, we set …": a leading phrase naming what the own subject configures
    # ("For X, we use FlashX": a named tool run for X says nothing of the model using X)
    if re.match(r"\s*(?:for|in|with)\s+(?:the\s+)?$", clause, re.I) and re.match(
        rf"[^.;]{{0,40}},\s*(?:{_WE})\s+(?:{VERBS})\b(?!\s+(?-i:[A-Z][\w-]*[A-Z0-9]))", after, re.I
    ):
        return Kind.ADOPTION, "for X, we"
    # "Benefiting from X and Y, Zeta-3B reaches …": what the own subject owes its result to
    if _owed_to(text, end, clause, own):
        return Kind.ADOPTION, "owed to"
    # a feature list's label: "- MuonClip Optimizer: We apply …" — the item names the technique, its body is the own subject's adoption
    if _feature_label(text, start, end, own):
        return Kind.ADOPTION, "feature label"
    # "trained with/using/by X" when the sentence is about the own model
    if has_own and re.search(r"\b(?:train(?:ed)?|optimi[sz]ed|pre-?trained)\s+(?:\w+\s+){0,3}(?:with|using|by)\s+(?:the\s+)?$", window, re.I):
        return Kind.ADOPTION, "trained with"
    # the technique leads: its role in the own model, a parameter of it tuned, it as the subject of an adoption
    led = adoption_led.technique_led(text, start, end, own, others, window, NEGATION_RE, NON_ADOPTING_RE)
    if led:
        return Kind.ADOPTION, led
    return Kind.MENTION, ""



def _inside_longer_name(before: str, own: re.Pattern, others: re.Pattern | None) -> bool:
    """Does ``before`` (the text up to a name) end in a capitalised modifier that makes a longer name with it
    (:data:`_LONGER_NAME`)? A model's name ("our Zeta MoE models") is not such a modifier."""
    m = _LONGER_NAME.search(before)
    if m is None:
        return False
    modifier = m.group("modifier")
    return not own.fullmatch(modifier) and not (others is not None and others.fullmatch(modifier))


def _feature_label(text: str, start: int, end: int, own: re.Pattern) -> bool:
    """Is text[start:end] inside a short leading label ("- X Optimizer:", "2. X:") whose body says the own
    subject adopts something ("We apply …"), without negation, comparison or plan?"""
    label = re.match(r"\W{0,3}(?:\d{1,2}[.)]\s*)?(?P<label>[^:.;]{0,60}?):\s+(?P<body>.+)", text)
    if not label or not (label.start("label") <= start and end <= label.end("label")):
        return False
    if len(label.group("label").split()) > 6:
        return False
    body = label.group("body")
    # "- X: To avoid Y, we use …": a purpose clause may lead the body
    first = re.match(rf"(?:to\s+[^,;:.]{{1,150}},\s*)?(?:{own.pattern})\s+(?:also\s+)?(?P<verb>{VERBS})\b", body, re.I)
    return first is not None and not NEGATION_RE.search(body[:80]) and not NON_ADOPTING_RE.search(body[: first.end() + 20])


_CHOICE_FOLLOWS = re.compile(
    r"\W*(?:this|that|such\s+an?)\s+(?:[\w-]+\s+){0,2}?(?:choice|design|decision|setting|configuration|setup)\s+"
    r"(?:also\s+|closely\s+)?(?:follows|mirrors|aligns\s+with|is\s+(?:in\s+line|consistent)\s+with|"
    r"is\s+(?:similar|identical)\s+to|is\s+the\s+same\s+as|is\s+inspired\s+by)\s"
    r"(?![^.;]*\b(?:not|unlike|than)\b)[^.;]{0,60}$",
    re.I,
)
"""Right after the own model's choice, "this design choice follows / aligns with <technique>" names what it is."""
_OWED_TO = re.compile(r"\W*(?:benefit(?:s|ed|ing)?\s+from|thanks\s+to|owing\s+to)\s[^,]*$", re.I)
"""A leading phrase naming what the main clause's subject owes its result to (no comma before the technique)."""


def _owed_to(text: str, end: int, clause: str, own: re.Pattern) -> bool:
    """ "Thanks to X [3] and Y, we / Zeta-3B …": a leading owed-to phrase whose main clause has the own subject."""
    if not _OWED_TO.match(clause):
        return False
    rest = re.sub(r"\[[^\[\]]*\]", "", without_parentheses(text[end:]))  # citations hold commas
    lead = re.match(r"[^.;,]{0,80}?,\s*", rest)
    return lead is not None and bool(own.match(rest, lead.end()))


_RUN_IN_HEADING = re.compile(r"(?:[A-Z][\w-]*)(?:\s+(?:[A-Z][\w-]*|of|and|for|in|with|the|via|by|on)){0,5}\.")
"""A paragraph's run-in heading, "Load Balancing Loss." ahead of its first sentence: capitalised words and a full stop."""


def _run_in_heading(s: Sentence, following: Sentence | None) -> Sentence | None:
    """ "Shared Experts. We use …": the heading and the first sentence under it, read as one feature-list item
    ("Shared Experts: We use …"), so that the heading's technique is what the sentence adopts."""
    if following is None or following.page != s.page or not _RUN_IN_HEADING.fullmatch(s.text):
        return None
    return Sentence(s.page, s.offset, f"{s.text[:-1]}: {following.text}")


def names_a_variant(text: str, pattern: re.Pattern, own: re.Pattern) -> bool:
    """ "Zeta-3B (RoPE)": the own model's name with a technique in parentheses names a variant being
    compared (a table row, an ablation arm), so nothing in the sentence is the model's own choice."""
    return any(pattern.search(v) for v in _variant_labels(text, own))


def _variant_labels(text: str, own: re.Pattern) -> list[str]:
    """What stands in parentheses right after the own model's name (:func:`names_a_variant`), read once a sentence."""
    out = []
    for m in own.finditer(text):
        if m.group(0).lower() in ("we", "our", "us"):
            continue
        paren = re.match(r"\s*\(([^()]{1,40})\)", text[m.end():])
        if paren:
            out.append(paren.group(1))
    return out


def _scoped_to_component(text: str, start: int, end: int) -> bool:
    """Is the technique at text[start:end] said of one part of the model ("the MTP module uses a dense FFN
    rather than MoE", "no MoE in the vision encoder") rather than of the model? The part must not be the
    technique itself ("the MTP module" names MTP)."""
    for m in COMPONENT.finditer(text):
        if m.start() < end and m.end() > start:  # the technique is the component
            return False
    return bool(COMPONENT.search(text))


_UNSET = object()


def find_mentions(
    sentences: list[Sentence],
    patterns: dict[str, re.Pattern],
    own_names: list[str],
    other_names: Sequence[str] = (),
    sections: Callable[[Sentence], str | None] | None = None,
) -> list[TechniqueMention]:
    """Classify every alias occurrence in the given sentences (one result per technique per sentence).

    ``sections``: the kind of section a sentence stands in (:func:`section_kind`); in related work nothing is
    the own model's choice or refusal, and in an ablation nothing is its choice.
    """
    own = own_subject(own_names)
    others = other_subject(other_names)
    out: list[TechniqueMention] = []
    previous: Sentence | None = None
    for i, s in enumerate(sentences):
        continues = (
            previous is not None and previous.page == s.page and bool(own.search(previous.text))
            and (others is None or not others.search(previous.text))
        )
        previous, label = s, len(s.text)
        heading = _run_in_heading(s, sentences[i + 1] if i + 1 < len(sentences) else None)
        if heading is not None:
            s = heading  # only the heading's own techniques are read here; its sentence comes next
        elif is_noise(s.text):
            continue
        variants = _variant_labels(s.text[:label], own)
        where: str | None | object = _UNSET  # the section's kind, read once a technique is found in the sentence
        for technique, pattern in candidates(patterns, s.text):
            best: TechniqueMention | None = None
            in_variant = next((hit for v in variants if (hit := pattern.search(v))), None)
            if in_variant is not None:
                m = pattern.search(s.text) or in_variant  # a variant label is part of the text
                out.append(TechniqueMention(technique, s, Kind.MENTION, m.group(0), "variant"))
                continue
            if where is _UNSET:
                where = sections(s) if sections is not None else None
            for m in pattern.finditer(s.text, 0, label):
                kind, cue = classify(s.text, m.start(), m.end(), own, others, continues)
                if where is not None and (kind is Kind.ADOPTION or where == "related work"):
                    kind, cue = Kind.MENTION, f"{where} section"
                candidate = TechniqueMention(technique, s, kind, m.group(0), cue)
                if best is None or _rank(kind) < _rank(best.kind):
                    best = candidate
            if best is not None:
                out.append(best)
    return out


def _rank(kind: Kind) -> int:
    return {Kind.NEGATION: 0, Kind.ADOPTION: 1, Kind.MENTION: 2}[kind]


_STRONG = re.compile(r"^(?:adopt|employ|us(?:e|ed|es|ing)$|utili|introduc|appl|incorporat|trained with|is a|passive)", re.I)


def _strength(m: TechniqueMention) -> tuple[int, int]:
    """Best evidence first: explicit adoption verbs, then plain prose over captions, then page order."""
    caption = bool(re.match(r"^\(?[a-z]\)|^(?:Figure|Table|Fig\.)", m.sentence.text))
    return (0 if _STRONG.match(m.cue) else 1) + (2 if caption else 0), m.sentence.page


def decide(mentions: list[TechniqueMention]) -> dict[str, Decision]:
    """Group classified mentions per technique, strongest evidence first."""
    out: dict[str, Decision] = defaultdict(lambda: Decision(""))
    for m in mentions:
        d = out[m.technique]
        d.technique = m.technique
        {Kind.ADOPTION: d.adoptions, Kind.NEGATION: d.negations, Kind.MENTION: d.mentions}[m.kind].append(m)
    for d in out.values():
        d.adoptions.sort(key=_strength)
    _carried(out)
    return dict(out)


_CARRIES = r"\s+(?:that|which)\s+(?:carr(?:y|ies)|appl(?:y|ies)|uses?)\s+(?:the\s+|a\s+|an\s+)?"


def _carried(decisions: dict[str, Decision]) -> None:
    """ "the decoupled key that carries RoPE": what a part of an adopted technique carries is adopted with it."""
    adopted = {t for t, d in decisions.items() if d.verdict is Kind.ADOPTION}
    in_sentence: dict[int, list[TechniqueMention]] = defaultdict(list)
    for d in decisions.values():
        for m in (*d.adoptions, *d.negations, *d.mentions):
            in_sentence[id(m.sentence)].append(m)
    for d in decisions.values():
        if d.verdict is not Kind.MENTION:
            continue
        for m in d.mentions:
            for host in in_sentence[id(m.sentence)]:
                link = rf"(?<![\w-]){re.escape(host.alias)}{_CARRIES}{re.escape(m.alias)}(?![\w-])"
                if host.technique in adopted and host.technique != d.technique and re.search(link, m.sentence.text):
                    d.adoptions.append(TechniqueMention(d.technique, m.sentence, Kind.ADOPTION, m.alias, f"carried by {host.technique}"))
                    break
