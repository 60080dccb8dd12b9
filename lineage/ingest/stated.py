"""A number (or a device) a source states about one model, and the readings of numbers every fact reader shares.

:mod:`lineage.ingest.facts` reads parameters, tokens, context and hardware into :class:`StatedFact`;
:mod:`lineage.ingest.comparisons` reads efficiency ratios into it; the article readers share the number readings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lineage.domain import Predicate
from lineage.ingest.text import Sentence

_SCALE = {"k": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9, "t": 1e12, "trillion": 1e12}


@dataclass
class StatedFact:
    """One stated number (or hardware) for one model."""

    model: str
    predicate: Predicate
    value: int | float | None
    unit: str | None
    object: str | None
    qualifiers: dict[str, str]
    sentence: Sentence


def scaled(num: str, scale: str) -> float:
    """ "14.8", "trillion" -> 1.48e13; scales T/B/M/K or their words."""
    return float(num.replace(",", "")) * _SCALE[scale.lower()]


def context_tokens(num: str, unit: str) -> int:
    """A context window in tokens: "128", "K" -> 131,072 (K and M read as powers of 1,024)."""
    return int(float(num) * (1024 if unit.upper() == "K" else 1024 * 1024))


def model_for(text: str, pos: int, names: dict[str, list[str]], own_we: bool) -> str | None:
    """The own model named closest before ``pos``; the only model when the sentence just says 'we'."""
    best, best_at = None, -1
    for model, aliases in names.items():
        for alias in aliases:
            for m in re.finditer(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", text):
                if m.start() <= pos and m.start() > best_at:
                    best, best_at = model, m.start()
    if best is None and own_we and len(names) == 1:
        return next(iter(names))
    return best
