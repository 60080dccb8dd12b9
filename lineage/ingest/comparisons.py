"""Efficiency comparisons a source states: "<N>% of <baseline>'s single-token FLOPs / KV cache".

A sentence that names the document's own model (or says "we") and another catalog model, and
gives a percentage *of* a quantity lineage can measure, becomes a ratio claim about the own
model: value N / 100, unit ``ratio``, qualifiers ``baseline`` (the other model's id),
``context_tokens`` (the context the sentence sets, "1M-token" read as 1,048,576, when it states
one) and ``stated`` (the words).  The baseline is the model the percentage is *of* ("of
X's FLOPs"), else the one the sentence compares with ("compared with X", "relative to X"),
else the only other model it names.  ``lineage verify`` checks these claims by measurement
(:mod:`lineage.measure`).
"""

from __future__ import annotations

import re

from lineage.domain import Predicate
from lineage.ingest.stated import StatedFact, context_tokens, model_for
from lineage.ingest.text import Sentence

QUANTITIES: dict[Predicate, str] = {
    # predicate -> the words naming the quantity right after "N% of [X's]"
    Predicate.INFERENCE_FLOPS_RATIO: r"(?:(?:single|per)[- ]token\s+)?(?:inference\s+|decoding\s+)?FLOPs\b",
    Predicate.KV_CACHE_RATIO: r"KV[- ]cache\b(?:\s+(?:size|memory))?",
}
_OF = r"(?P<pct>\d+(?:\.\d+)?)\s*%\s+of\s+(?:the\s+|its\s+|their\s+)?(?:(?P<owner>[\w.\- ]{2,40}?)['’]s\s+)?"
_PATTERNS = {p: re.compile(_OF + f"(?P<what>{words})", re.I) for p, words in QUANTITIES.items()}
_CONTEXT = re.compile(r"\b(\d+(?:\.\d+)?)\s*([KM])(?:[- ]tokens?\b|\s+tokens\b|[- ]context\b)", re.I)
_AGAINST = re.compile(r"\b(?:compared\s+(?:with|to)|relative\s+to|versus|vs\.?|than)\s+", re.I)


def _mentions(text: str, patterns: dict[str, re.Pattern]) -> list[tuple[int, int, str]]:
    """(start, end, model id) of every catalog model named in ``text``, longest name first at a place."""
    found = sorted(((m.start(), -m.end(), mid) for mid, p in patterns.items() for m in p.finditer(text)))
    out, end = [], -1
    for start, neg_end, mid in found:
        if start >= end:
            out.append((start, -neg_end, mid))
            end = -neg_end
    return out


def _baseline(text: str, owner: str | None, mentions, subject: str) -> str | None:
    others = [(s, e, mid) for s, e, mid in mentions if mid != subject]
    if owner:  # "27% of DeepSeek-V3.2's FLOPs"
        named = [mid for s, e, mid in others if text[s:e].strip().lower() == owner.strip().lower()]
        if named:
            return named[0]
    for m in _AGAINST.finditer(text):  # "compared with DeepSeek-V3.2"
        after = [mid for s, _, mid in others if s == m.end()]
        if after:
            return after[0]
    ids = {mid for _, _, mid in others}
    return ids.pop() if len(ids) == 1 else None


def extract(sentence: Sentence, text: str, models: dict[str, list[str]], patterns: dict[str, re.Pattern],
            we: bool) -> list[StatedFact]:
    """Ratio facts stated in one sentence (``text`` is its text without parentheses).

    Examples
    --------
    >>> import re
    >>> pats = {"big": re.compile("Big-2"), "old": re.compile("Old-1")}
    >>> s = Sentence(1, 0, "At a 128K-token context Big-2 needs 40% of Old-1's KV cache.")
    >>> [(f.model, f.predicate.value, f.value, f.qualifiers["baseline"]) for f in extract(s, s.text, {"big": ["Big-2"]}, pats, False)]
    [('big', 'kvCacheRatio', 0.4, 'old')]
    """
    mentions = None
    out = []
    for predicate, pattern in _PATTERNS.items():
        for m in pattern.finditer(text):
            subject = model_for(text, m.start(), models, we)
            if subject is None:
                continue
            mentions = mentions if mentions is not None else _mentions(text, patterns)
            baseline = _baseline(text, m.group("owner"), mentions, subject)
            if baseline is None:
                continue
            q = {"baseline": baseline, "stated": m.group(0).strip()}
            ctx = _CONTEXT.search(text)
            if ctx:
                q["context_tokens"] = str(context_tokens(ctx.group(1), ctx.group(2)))
            out.append(StatedFact(subject, predicate, round(float(m.group("pct")) / 100, 6), "ratio", None, q, sentence))
    return out
