"""Numbers a report states about its own model: parameters, context, tokens, hardware, GPU hours,
and efficiency ratios against another model (:mod:`lineage.ingest.comparisons`).

Only sentences about the document's own model count (they name it, or say
"we"/"our"); when a report covers several models, a number is assigned to the
model named closest before it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lineage.catalog import Catalog
from lineage.domain import HARDWARE_PREDICATES, EntityKind, Predicate
from lineage.ingest import comparisons
from lineage.ingest import hardware_ties as devices
from lineage.ingest.adoption_rules import is_noise, without_parentheses
from lineage.ingest.stated import StatedFact, context_tokens, model_for, scaled
from lineage.ingest.text import Sentence, alias_patterns

_NUM = r"(\d+(?:[.,]\d+)?)\s*(trillion|billion|million|[TBMK])\b"
_PARAMS = re.compile(_NUM + r"(?=(?P<after>[^.;]{0,40}))", re.I)
_SLASH = re.compile(r"(\d+(?:\.\d+)?)B\s*/\s*(\d+(?:\.\d+)?)B[- ]parameters?", re.I)
_TOKENS = re.compile(r"(\d+(?:\.\d+)?)\s*(trillion|billion|T|B)\s+(?:[\w-]+\s+){0,4}?tokens", re.I)
_CONTEXT_WORD = re.compile(r"\bcontext(?:\s+(?:window|length))\b", re.I)
_CONTEXT = re.compile(r"\b(?:to|of|up to|within|supports?)\s+(?:the\s+|a\s+)?(\d+(?:\.\d+)?)\s*([KM])\b", re.I)
_GPU_HOURS = re.compile(r"(\d+(?:\.\d+)?)\s*([MK])\s+(?P<hw>[\w\- ]{2,30}?)\s+GPU\s+hours", re.I)


def extract(
    sentences: list[Sentence], models: dict[str, list[str]], catalog: Catalog, card: bool = False,
    context: dict[int, str] | None = None, other_names: Sequence[str] = (),
) -> list[StatedFact]:
    """Stated facts about the given models (model id -> names it goes by).

    Hardware ties (trained / served / supported / optimized on) come from :mod:`lineage.ingest.hardware_ties`,
    which ``card``, ``context`` and ``other_names`` are passed to.
    """
    hardware = alias_patterns(catalog, EntityKind.HARDWARE)
    model_patterns = alias_patterns(catalog, EntityKind.MODEL)
    facts: list[StatedFact] = []
    seen: set[tuple] = set()

    def add(fact: StatedFact) -> None:
        key = (fact.model, fact.predicate, fact.object, fact.value)
        first_of_kind = not any(
            f.model == fact.model and f.predicate == fact.predicate and f.object == fact.object for f in facts
        )
        if key not in seen and (first_of_kind or fact.predicate in HARDWARE_PREDICATES):
            seen.add(key)
            facts.append(fact)

    for s in sentences:
        if is_noise(s.text):
            continue
        text = without_parentheses(s.text)
        we = bool(re.search(r"\b(?:we|our)\b", text, re.I))
        for fact in comparisons.extract(s, text, models, model_patterns, we):  # before comparisons are skipped
            add(fact)
        if re.search(r"\b(?:compar\w*|baselines?|than|outperform\w*|surpass\w*)\b", text, re.I):
            continue
        # "a 3B/16B-parameter MoE model": active / total
        for m in _SLASH.finditer(text):
            model = model_for(text, m.start(), models, False)  # sizes need the model named
            if model:
                active, total = float(m.group(1)) * 1e9, float(m.group(2)) * 1e9
                q = {"stated": m.group(0)}
                add(StatedFact(model, Predicate.TOTAL_PARAMETERS, int(total), "parameters", None, q, s))
                add(StatedFact(model, Predicate.ACTIVE_PARAMETERS, int(active), "parameters", None, q, s))
        for m in _PARAMS.finditer(text):
            after = m.group("after").lower()
            before = text[max(0, m.start() - 45) : m.start()].lower()
            stated = re.match(r"\s*(?:total\s+|activated\s+|active\s+)?(?:parameters|params)\b|\s*(?:are\s+)?activated\b", after)
            # a table flattened to text puts the label before the number: "Total Parameters (LLM) 316 Billion"
            label = re.search(r"\b(total|activated|active)\s+(?:parameters|params)(?:\s*\([^)]*\))?(?:\s+per\s+token)?\s*$", before)
            if not stated and not label and not ("total of" in before and re.match(r"[^.;]{0,15}\bparameters\b", after)):
                continue
            model = model_for(text, m.start(), models, False)  # "2B parameters" alone may be an ablation model
            if model is None:
                continue
            value = int(scaled(m.group(1), m.group(2)))
            if value < 1e8:
                continue
            if label:
                active = label.group(1) != "total"
            else:  # "37B activated parameters", "activating 38B parameters per token"
                active = bool(re.match(r"\s*(?:are\s+)?(?:activated|active)\b", after) or re.search(r"\bactivat\w*\s*$", before))
            pred = Predicate.ACTIVE_PARAMETERS if active else Predicate.TOTAL_PARAMETERS
            add(StatedFact(model, pred, value, "parameters", None, {"stated": m.group(0)[:40].strip()}, s))
        if re.search(r"\b(?:pre-?train\w*|train\w*)\b", text, re.I) and not re.search(
            r"\b(?:continued|steps?|stage|indexer)\b", text, re.I
        ):
            for m in _TOKENS.finditer(text):
                model = model_for(text, m.start(), models, we)
                if model:
                    value = int(scaled(m.group(1), m.group(2)))
                    if value >= 1e11:
                        add(StatedFact(model, Predicate.TRAINING_TOKENS, value, "tokens", None, {"stated": m.group(0)}, s))
        ctx = _CONTEXT_WORD.search(text)
        # "how memory grows with context length, from 8K to 32K, for each model": an analysis range
        if ctx and not re.search(r"\b(?:each|every|all|different)\s+models?\b|\bgrow\w*|\bvar(?:y|ies|ying)\b", text, re.I):
            found = list(_CONTEXT.finditer(text, ctx.end()))
            if found:
                m = found[-1]  # "from 4K to 32K and then to 128K": the last is where it ends
                model = model_for(text, len(text), models, we)
                if model:
                    tokens = context_tokens(m.group(1), m.group(2))
                    add(StatedFact(model, Predicate.CONTEXT_LENGTH, tokens, "tokens", None, {"stated": m.group(0)}, s))
        hours_stated = list(_GPU_HOURS.finditer(text))
        for hw_id, pattern in hardware.items() if hours_stated else ():
            for m in hours_stated:
                if pattern.fullmatch(m.group("hw").strip()) or pattern.search(m.group("hw")):
                    model = model_for(text, m.start(), models, we)
                    if model:
                        hours = scaled(m.group(1), m.group(2))
                        add(StatedFact(model, Predicate.GPU_HOURS, hours, "GPU hours", None, {"hardware": hw_id}, s))
    for h in devices.extract(sentences, models, catalog, card, context, other_names):
        add(StatedFact(h.model, h.predicate, None, None, h.device, h.qualifiers, h.sentence))
    return facts
