"""The bridge between techniques and model configs: what measures a model's config with a technique's code.

Every measurement of a bundled config goes through this module (``lineage.techniques`` depends on torch only):
the KV cache of each bundled config (:func:`measure_bundled`, recorded as claims by
:mod:`lineage.ingest.kv_measured`) and the efficiency ratios between two models (:func:`measure_ratio`), what
``verify`` checks ratio claims with.

:data:`FORMULAS` maps a ratio predicate to the formula that computes the quantity for one model
from its config at a context length; the ratio is subject over baseline.  A formula applies to
a pair of models when it accepts a primary bundled config of each (it raises on a layout it
does not model, and that pair is then not measurable).  The KV cache is read at several storage
precisions, since a publisher may count its cache in FP8 while the config says nothing of it.

This module imports no torch; the formulas' modules do, and are imported (inside the functions, for start-up
speed) when a ratio is measured.
A measurement is kept in the cache folder (``ratios/``) under a hash of everything it is computed
from — the code of the formulas (:data:`FORMULA_MODULES`) and of ``lineage/ingest/config``, the
bundled configs and their manifest, the ratio, the two models and the context length — so measuring again with the
same inputs reads it back instead of importing torch (1.5-4 s on a 2-core machine, issue 31).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from lineage.catalog.config_sources import bundled_configs, bundled_dir
from lineage.domain import Predicate, SourceKind
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

    return [(s.file, json.loads((bundled_dir() / s.file).read_text(encoding="utf-8")))
            for s in bundled_configs() if s.model == model and s.kind is SourceKind.PRIMARY]


def measure_ratio(predicate: Predicate, subject: str, baseline: str, tokens: int) -> RatioMeasurement | None:
    """``predicate``'s quantity for ``subject`` over ``baseline`` at ``tokens``; None where no formula applies.

    Read back from the cache when measured before from the same inputs (module docstring).
    Raises :class:`lineage.errors.MissingExtra` when torch (the formulas' modules need it) is absent.
    """
    if predicate not in FORMULAS:
        return None
    path = _memo_path(predicate, subject, baseline, tokens)
    try:
        return _from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, KeyError):  # not measured yet, or an unreadable file: measure
        pass
    found = measure_afresh(predicate, subject, baseline, tokens)
    _remember(path, found)
    return found


def measure_afresh(predicate: Predicate, subject: str, baseline: str, tokens: int) -> RatioMeasurement | None:
    """:func:`measure_ratio` computed with the formulas (torch imported), never read from the cache."""
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


@dataclass(frozen=True)
class KVRow:
    """One model's measured cache, as the benchmark table prints it."""

    model: str
    file: str
    kind: str
    bytes_per_token: float
    mha_bytes_per_token: int
    ratio: float
    window_bytes: int
    estimated: bool
    notes: tuple[str, ...]


def measure_bundled(dtype_bytes: int = 2) -> list[KVRow]:
    """Measure the KV cache of every bundled config (primary sources only)."""
    from lineage.techniques import require_torch

    require_torch()
    from lineage.techniques.kv_cache import kv_footprint, measure

    rows = []
    for src in bundled_configs():
        if src.kind is not SourceKind.PRIMARY:
            continue
        cfg = json.loads((bundled_dir() / src.file).read_text(encoding="utf-8"))
        try:
            fp = kv_footprint(cfg, dtype_bytes, name=src.file)
        except UnsupportedLayout:
            continue
        m = measure(fp, tokens=256)
        if (m.bytes_per_token, m.bytes_at) != (fp.bytes_per_token, fp.bytes_at(256)):
            continue  # measurement disagrees with the formula: claim nothing
        rows.append(
            KVRow(src.model, src.file, fp.kind, m.bytes_per_token, m.mha_bytes_per_token,
                  m.mha_bytes_per_token / m.bytes_per_token, fp.window_bytes, fp.estimated, fp.notes)
        )
    return rows


FORMULA_MODULES = ("deepseek_v4_attention.py", "kv_cache.py", "mla.py")
"""The modules of ``lineage/techniques`` a measurement runs (the formulas and what they import; this module too)."""


def _inputs() -> list[Path]:
    """Every file a measurement is computed from: the formulas' code, the config readers' (the key names a
    formula reads go through them), the bundled configs and their manifest."""
    from lineage.paths import data_dir

    package = Path(__file__).resolve().parent
    configs = data_dir("seeds") / "sources"
    return sorted([Path(__file__).resolve(), *(package / "techniques" / m for m in FORMULA_MODULES), *(package / "ingest" / "config").glob("*.py"),
                   configs / "configs.yaml", *(configs / "configs").iterdir()])


def inputs_key(predicate: Predicate, subject: str, baseline: str, tokens: int) -> str:
    """A hash of everything :func:`measure_ratio` computes from (module docstring): equal keys, equal measurements."""
    digest = hashlib.sha256(json.dumps([predicate.value, subject, baseline, tokens]).encode())
    for path in _inputs():
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _memo_path(predicate: Predicate, subject: str, baseline: str, tokens: int) -> Path:
    from lineage.paths import cache_dir

    return cache_dir() / "ratios" / f"{inputs_key(predicate, subject, baseline, tokens)[:32]}.json"


def _remember(path: Path, found: RatioMeasurement | None) -> None:
    """Write a measurement (or that there is none) atomically; a cache that cannot be written is skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(None if found is None else asdict(found), fh)
        os.replace(tmp, path)
    except OSError:
        pass


def _from_json(data: dict | None) -> RatioMeasurement | None:
    if data is None:
        return None
    return RatioMeasurement(data["formula"], data["subject_config"], data["baseline_config"], data["tokens"],
                            tuple(Reading(**r) for r in data["readings"]))
