"""The bridge between techniques and model configs: what measures a model's config with a technique's code.

Every measurement of a config goes through this module (``lineage.techniques`` depends on torch only and
reads no config file): a config read into KV caches (:func:`kv_footprint`, through the config reader's key
spellings in :mod:`lineage.configfile`), the KV cache of each bundled config (:func:`measure_bundled`, recorded
as claims by :mod:`lineage.ingest.kv_measured`), DeepSeek-V4-Pro against V3.2 (:func:`v4_vs_v32_at`) and the
efficiency ratios between two models (:func:`measure_ratio`), what ``verify`` checks ratio claims with.

:data:`FORMULAS` maps a ratio predicate to the formula that computes the quantity for one model
from its config at a context length; the ratio is subject over baseline.  A formula applies to
a pair of models when it accepts a primary bundled config of each (it raises on a layout it
does not model, and that pair is then not measurable).  The KV cache is read at several storage
precisions, since a publisher may count its cache in FP8 while the config says nothing of it.

This module imports no torch; the formulas' modules do, and are imported (inside the functions, for start-up
speed) when a ratio is measured.
A measurement is kept in the cache folder (``ratios/``) under a hash of everything it is computed
from — the code of the formulas (:data:`FORMULA_MODULES`), of this module and of the config readers
(``lineage/configfile``, ``lineage/ingest/config``), the
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
from typing import TYPE_CHECKING, Any

from lineage.catalog.config_sources import bundled_configs, bundled_dir
from lineage.configfile.read import View, text_config
from lineage.domain import Predicate, SourceKind
from lineage.errors import UnsupportedLayout
from lineage.paths import cache_dir, data_dir
from lineage.techniques import require_torch

if TYPE_CHECKING:
    from lineage.techniques.kv_cache import KVFootprint

FLOPS = "lineage/techniques/deepseek_v4_attention.py flops_per_token"
KV = "lineage/measure.py kv_bytes_at"
PRECISIONS = {"BF16": 2, "FP8": 1}  # KV-cache storage widths in bytes; configs state neither


# --------------------------------------------------------------------------- configs read for the formulas


def bundled_config(name: str) -> dict:
    """A bundled config file (``seeds/sources/configs/NAME``) as a dict."""
    return json.loads((bundled_dir() / name).read_text(encoding="utf-8"))


def kv_footprint(config: dict[str, Any], dtype_bytes: int = 2, name: str = "config.json") -> KVFootprint:
    """Per-layer KV caches of a model from its config, at ``dtype_bytes`` per number (the caches are
    :mod:`lineage.techniques.kv_cache`'s).

    Examples
    --------
    >>> v3 = {"model_type": "deepseek_v3", "num_hidden_layers": 61, "num_attention_heads": 128,
    ...       "kv_lora_rank": 512, "qk_rope_head_dim": 64, "qk_nope_head_dim": 128, "v_head_dim": 128}
    >>> fp = kv_footprint(v3)
    >>> fp.bytes_per_token, fp.mha_bytes_per_token, round(fp.ratio_vs_mha, 1)
    (70272, 3997696, 56.9)
    >>> kv_footprint({"num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
    ...               "hidden_size": 4096}).bytes_per_token  # Llama-3-8B-like GQA
    131072
    """
    from lineage.techniques.kv_cache import KVFootprint, LayerCache  # deferred for start-up: numpy, torch

    inner, prefix = text_config(config, name)
    v = View(inner, prefix, name)
    layers, heads = v.integer("num_hidden_layers"), v.integer("num_attention_heads")
    if not layers or not heads:
        raise UnsupportedLayout(f'config "{name}" has no KV cache lineage can size (needs layer and head counts)')
    notes: list[str] = []
    caches: list[LayerCache] = []
    estimated = False
    kv_lora, rope = v.integer("kv_lora_rank"), v.integer("qk_rope_head_dim") or 0
    ratios = v.sequence("compress_ratios")
    window = v.integer("sliding_window")
    linear = v.mapping("linear_attn_config") or {}
    layer_types = v.sequence("layer_types") or []

    if ratios:
        # DeepSeek-V4 (inference/model.py): one KV head of head_dim per layer; every layer keeps a
        # sliding window; layers with ratio r > 0 add one compressed entry per r tokens, and r == 4
        # layers an indexer key per 4 tokens.
        hd = v.integer("head_dim") or 0
        ratios = ratios[:layers]
        caches.append(LayerCache("sliding", layers, hd, window=window or 128, heads=1, head_dim=hd, shared_kv=True))
        for r in sorted({r for r in ratios if r}):
            caches.append(LayerCache("compressed", ratios.count(r), hd, ratio=r))
        n4 = ratios.count(4)
        if n4 and (index_dim := v.integer("index_head_dim")):
            caches.append(LayerCache("dsa-indexer", n4, index_dim, ratio=4))
        estimated = True
        notes.append("compressed layers estimated from compress_ratios (one entry per r tokens, window kept)")
        mha = (heads, hd, hd)
    elif kv_lora:
        n = len(linear.get("full_attn_layers") or []) or layers
        if n < layers:
            notes.append(f"{layers - n} linear-attention layers keep a fixed-size state, not counted")
        caches.append(LayerCache("mla", n, kv_lora + rope))
        if index_dim := v.integer("index_head_dim"):
            caches.append(LayerCache("dsa-indexer", n, index_dim))
            notes.append("DSA indexer keys counted at the same dtype (DeepSeek's inference code stores them in FP8)")
        # DeepSeek-V2 table 1 compares with MHA whose keys and values have d_h = qk_nope_head_dim
        mha = (heads, v.integer("qk_nope_head_dim") or 0, v.integer("v_head_dim") or 0)
    else:
        kv_heads = v.integer("num_key_value_heads") or heads
        hidden = v.integer("hidden_size")
        hd = v.integer("head_dim") or (hidden // heads if hidden else 0)
        if not hd:
            raise UnsupportedLayout(f'config "{name}" gives neither "head_dim" nor "hidden_size"')
        kind = "mqa" if kv_heads == 1 else "gqa" if kv_heads < heads else "mha"
        full, sliding = layers, 0
        if layer_types:
            full = sum(t == "full_attention" for t in layer_types[:layers])
            sliding = sum(t == "sliding_attention" for t in layer_types[:layers])
            if layers - full - sliding:
                notes.append(f"{layers - full - sliding} linear-attention layers keep a fixed-size state, not counted")
        elif window and v.boolean("use_sliding_window") is not False:
            full, sliding = 0, layers
        if full:
            caches.append(LayerCache(kind, full, 2 * kv_heads * hd, heads=kv_heads, head_dim=hd))
        if sliding:
            caches.append(LayerCache("sliding", sliding, 2 * kv_heads * hd, window=window, heads=kv_heads, head_dim=hd))
        mha = (heads, hd, hd)
    return KVFootprint(tuple(caches), layers, *mha, dtype_bytes, estimated, tuple(notes))


def kv_bytes_at(config: dict, tokens: int, dtype_bytes: int = 2) -> int:
    """KV cache bytes of one sequence at ``tokens`` (all layers): :func:`kv_footprint`."""
    return kv_footprint(config, dtype_bytes).bytes_at(tokens)


V4_PRO, V32 = "deepseek-ai__DeepSeek-V4-Pro.json", "deepseek-ai__DeepSeek-V3.2.json"


def v4_vs_v32_at(tokens: int = 2**20, v4: dict | None = None, v32: dict | None = None) -> dict[str, float]:
    """V4-Pro over V3.2 at ``tokens`` of context: single-token FLOPs and KV-cache bytes, from the bundled configs.

    The V4 report's claim is about 1M tokens ("27% of the single-token FLOPs, 10% of the KV cache").
    """
    v4 = v4 or bundled_config(V4_PRO)
    v32 = v32 or bundled_config(V32)
    from lineage.techniques.deepseek_v4_attention import flops_per_token  # deferred for start-up: numpy, torch

    f4, f32 = flops_per_token(v4, tokens), flops_per_token(v32, tokens)
    k4, k32 = kv_bytes_at(v4, tokens), kv_bytes_at(v32, tokens)
    return {"tokens": tokens, "flops_ratio": f4["total"] / f32["total"], "attention_flops_ratio": f4["attention"] / f32["attention"],
            "kv_ratio": k4 / k32, "v4_flops": f4["total"], "v32_flops": f32["total"], "v4_kv_bytes": k4, "v32_kv_bytes": k32}


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
    from lineage.techniques.deepseek_v4_attention import flops_per_token  # deferred for start-up: numpy, torch

    a, b = flops_per_token(subject, tokens)["total"], flops_per_token(baseline, tokens)["total"]
    return [Reading("matmul FLOPs, all layers and the output head", a / b, a, b, "FLOPs")]


def _kv(subject: dict, baseline: dict, tokens: int) -> list[Reading]:

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

    require_torch()
    from lineage.techniques.kv_cache import measure  # deferred for start-up: numpy, torch

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

    package = Path(__file__).resolve().parent
    configs = data_dir("seeds") / "sources"
    return sorted([Path(__file__).resolve(), *(package / "techniques" / m for m in FORMULA_MODULES), *(package / "ingest" / "config").glob("*.py"),
                   *(package / "configfile").glob("*.py"), configs / "configs.yaml", *(configs / "configs").iterdir()])


def inputs_key(predicate: Predicate, subject: str, baseline: str, tokens: int) -> str:
    """A hash of everything :func:`measure_ratio` computes from (module docstring): equal keys, equal measurements."""
    digest = hashlib.sha256(json.dumps([predicate.value, subject, baseline, tokens]).encode())
    for path in _inputs():
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _memo_path(predicate: Predicate, subject: str, baseline: str, tokens: int) -> Path:

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
