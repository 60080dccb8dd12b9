"""Adoption shapes in which the technique, not the model, leads the sentence (issue 26).

Read by :func:`lineage.ingest.adoption_rules.classify` after the shapes led by the own subject ("we adopt X") found
nothing: the technique's role in the own model ("X serves as the objective for <model>"), a parameter of it tuned
by the own subject ("we raise the base frequency of X"), the technique as the subject of its own adoption
("X layers are applied to all FFNs"). Each occurs in labelled reports of at least two labs.
"""

from __future__ import annotations

import re

_TUNE_VERB = r"(?:re-?set|adjust\w*|increas\w*|rais\w*|decreas\w*|reduc\w*|lower\w*|enlarg\w*|modif\w*|chang\w*|tun(?:e|es|ed|ing))"
_TUNE = _TUNE_VERB + r"\s+the\s+(?:[\w-]+\s+){1,3}of\s+(?:the\s+)?"
"""A verb that sets a parameter "of" what follows ("we reset the base value of X", "we increase the base frequency of X"):
a model's own technique is what has the parameter."""
_PARAMETER = re.compile(
    r"(?:['’]s)?\s*(?:\([^)]{0,30}\)\s*)?(?:base|frequenc(?:y|ies)|theta|θ|coefficients?|ratio|temperature|scaling\s+factor)\b",
    re.I,
)
"""A technique's parameter named after it ("we increase RoPE base frequency", "we adjusted the RoPE base", "RoPE's base")."""
_ROLE = re.compile(
    r"(?:\s*\[[^\]]*\])?(?:\s*\([^)]*\))?[^.;]{0,40}?\b(?:plays|serves|acts|functions)\s+as\b",
    re.I,
)
"""What a technique "serves as / plays as" in the model named next ("… which serves as an objective for <model>")."""
_SUBJECT_PASSIVE = re.compile(
    r"(?:\s+(?!(?:is|are|was|were|has|have|can|may|will)\b)(?![\w-]+ly\b)[\w-]+){0,2}?\s*(?:\[[^\]]*\])?\s*(?:\([^)]*\))?\s*,?\s*(?:(?:is|was|are|were)\s+)?"
    r"(?:also\s+|specifically\s+|then\s+)?(?:used|adopted|employed|applied|utili[sz]ed)\b"
    r"(?!\s+(?:by|in|across)\s+(?:many|most|other|prior|previous|existing|recent|several|popular|modern|some)\b)",
    re.I,
)
"""A sentence whose subject is the technique and whose verb adopts it ("X layers are applied to all FFNs …",
"X was specifically applied to the decoupled key"); not "X is used in many models"."""

GENERAL = re.compile(
    r"\b(?:widely|commonly|typically|usually|often|originally|traditionally|standard|vanilla|original|conventional|"
    r"many|most|other|popular)\b",
    re.I,
)
"""Words that make a passive a statement about practice at large ("RoPE is widely used"), not about this model."""


def technique_led(
    text: str, start: int, end: int, own: re.Pattern, others: re.Pattern | None, window: str,
    negation: re.Pattern, non_adopting: re.Pattern,
) -> str | None:
    """The cue by which text[start:end] (a technique) is the own model's, or None.

    ``window``: the clause before the technique, citations dropped; ``negation`` and ``non_adopting``: the
    adoption module's cues for a denial and for a comparison or report.
    """
    clean = others is None or not others.search(text)
    after = text[end : end + 60]
    # "we increase the base frequency of X": the own subject tunes a parameter of a technique its model has
    if re.search(rf"(?:{own.pattern})\s+(?:\w+\s+){{0,2}}?{_TUNE}$", window, re.I) and not non_adopting.search(after):
        return "tunes its parameter"
    if (re.search(rf"(?:{own.pattern})\s+(?:\w+\s+){{0,2}}?{_TUNE_VERB}\s+(?:the\s+)?$", window, re.I)
            and _PARAMETER.match(text, end) and not non_adopting.search(after)):
        return "tunes its parameter"
    # "X plays as the non-linearity of the FFN in <model>": the technique's role in the own model
    role = _ROLE.match(text, end)
    if clean and role and not negation.search(window[-40:] + text[end : role.end() + 100]) and re.match(
        rf"[^.;]{{0,100}}?\b(?:in|for|of)\s+(?:the\s+)?(?:{own.pattern})", text[role.end() :], re.I
    ):
        return "role in the model"
    # "The X optimizer, applied for the training process, uses …": the technique is the subject of an adoption
    lead = re.fullmatch(r"\W*(?:(?:the|a|an)\s+)?", text[:start], re.I)
    if clean and lead and not negation.search(text) and not GENERAL.search(text):
        passive = _SUBJECT_PASSIVE.match(text, end)
        if passive and not non_adopting.search(text, passive.end(), passive.end() + 60):
            return "subject, passive"
    return None
