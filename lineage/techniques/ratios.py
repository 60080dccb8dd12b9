"""Efficiency ratios between two models, measured from their configs: what ``verify`` checks ratio claims with.

:data:`FORMULAS` maps a ratio predicate to the formula that computes the quantity for one model
from its config at a context length; the ratio is subject over baseline.  A formula applies to
a pair of models when it accepts a primary bundled config of each (it raises on a layout it
does not model, and that pair is then not measurable).  The KV cache is read at several storage
precisions, since a publisher may count its cache in FP8 while the config says nothing of it.

This module imports no torch; the formulas' modules do, and are imported when a ratio is measured.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from lineage.domain import Predicate
from lineage.errors import UnsupportedLayout

FLOPS = "lineage/techniques/deepseek_v4_attention.py flops_per_token"
KV = "lineage/techniques/deepseek_v4_attention.py kv_bytes_at"
PRECISIONS = {"BF16": 2, "FP8": 1}  # KV-cache storage widths in bytes; configs state neither


@dataclass(frozen=True)
class Reading:
    """One way of computing the ratio."""

    label: str  # "BF16 KV for both"
    ratio: float
    subject: float  # the quantity for the subject model
    baseline: float
    unit: str  # of subject and baseline: "FLOPs", "bytes"


@dataclass(frozen=True)
class RatioMeasurement:
    """A ratio measured from two configs, with every reading and the inputs to re-run it."""

    formula: str
    subject_config: str
    baseline_config: str
    tokens: int
    readings: tuple[Reading, ...]


def _flops(subject: dict, baseline: dict, tokens: int) -> list[Reading]:
    from lineage.techniques.deepseek_v4_attention import flops_per_token

    a, b = flops_per_token(subject, tokens)["total"], flops_per_token(baseline, tokens)["total"]
    return [Reading("matmul FLOPs, all layers and the output head", a / b, a, b, "FLOPs")]


def _kv(subject: dict, baseline: dict, tokens: int) -> list[Reading]:
    from lineage.techniques.deepseek_v4_attention import kv_bytes_at

    (low, low_w), (high, high_w) = sorted(PRECISIONS.items(), key=lambda kv: kv[1])
    a, b = kv_bytes_at(subject, tokens, high_w), kv_bytes_at(baseline, tokens, high_w)
    out = [Reading(f"{high} KV for both; same in {low}", a / b, a, b, "bytes")]
    for (sa, wa), (sb, wb) in (((low, low_w), (high, high_w)), ((high, high_w), (low, low_w))):
        a, b = kv_bytes_at(subject, tokens, wa), kv_bytes_at(baseline, tokens, wb)
        out.append(Reading(f"{sa} KV vs {sb} KV", a / b, a, b, "bytes"))
    return out


FORMULAS: dict[Predicate, tuple[str, Callable[[dict, dict, int], list[Reading]]]] = {
    Predicate.INFERENCE_FLOPS_RATIO: (FLOPS, _flops),
    Predicate.KV_CACHE_RATIO: (KV, _kv),
}


def _configs(model: str) -> list[tuple[str, dict]]:
    from lineage.domain import SourceKind
    from lineage.ingest.config import bundled_configs
    from lineage.ingest.config.read import bundled_dir

    return [(s.file, json.loads((bundled_dir() / s.file).read_text(encoding="utf-8")))
            for s in bundled_configs() if s.model == model and s.kind is SourceKind.PRIMARY]


def measure_ratio(predicate: Predicate, subject: str, baseline: str, tokens: int) -> RatioMeasurement | None:
    """``predicate``'s quantity for ``subject`` over ``baseline`` at ``tokens``; None where no formula applies.

    Raises :class:`lineage.errors.MissingExtra` when torch (the formulas' modules need it) is absent.
    """
    if predicate not in FORMULAS:
        return None
    from lineage.techniques import require_torch

    require_torch()
    formula, compute = FORMULAS[predicate]
    for file_a, a in _configs(subject):
        for file_b, b in _configs(baseline):
            try:
                readings = compute(a, b, tokens)
            except (KeyError, TypeError, UnsupportedLayout):  # a layout the formula does not model
                continue
            return RatioMeasurement(formula, file_a, file_b, tokens, tuple(readings))
    return None
