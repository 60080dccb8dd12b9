"""Limits on config input, in one place: what a file may be, how it may parse, what values may hold.

Every check runs before any claim is written, and every violation is a
:class:`~lineage.errors.SourceFormatError` whose one-line message names the file, the key and
the limit.  The bounds are far above every real config (the largest model in the corpus has
128 layers, hidden size 16,384, 512 experts and a 10M-token context) and far below what would
make counting or storing hang (``num_hidden_layers: 10**12`` is a loop of 10^12 layers).

File
    ``MAX_CONFIG_BYTES``; regular files only (a FIFO, ``/dev/zero`` or a directory is refused
    from ``stat`` alone, before opening).
Parse
    ``MAX_CONFIG_KEYS`` (keys of the config and of its ``text_config``); ``MAX_JSON_DEPTH`` (checked by a linear scan before ``json.loads``, so deep nesting can
    never raise ``RecursionError``); ``MAX_INT_DIGITS``; numbers finite (``NaN``,
    ``Infinity`` and overflowing literals such as ``1e400`` are refused) except in the keys of
    ``INFINITE_ALLOWED``; strings encodable as UTF-8 (no lone surrogates such as ``"\\ud800"``).
Values
    ``BOUNDS`` per value kind; which key has which kind is data in :mod:`.keys`.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from lineage.errors import SourceFormatError

MAX_CONFIG_BYTES = 5 * 1024 * 1024
"""Real configs are a few kB; anything above this is not a config."""

MAX_CONFIG_KEYS = 1000
"""Most keys in the config object and in its ``text_config`` (real: at most 85, Hunyuan-A13B).  Each
unknown key becomes a claim, so 100,000 keys took over 60 s and 4.2 GB before this bound."""

MAX_JSON_DEPTH = 64
"""Deepest nesting of objects and lists; real configs nest 4 levels (quantization groups)."""

MAX_INT_DIGITS = 30
"""Longest integer literal; real configs hold token ids and sizes of at most 10 digits."""

MAX_LAYERS = 10_000
"""Layers, MTP layers, dense-prefix layers and other per-model layer counts."""

MAX_WIDTH = 1 << 20
"""Hidden, intermediate, head and latent sizes, window lengths (1,048,576; real: <= 65,536)."""

MAX_HEADS = 1 << 16
"""Attention and key-value heads (65,536; real: <= 256)."""

MAX_EXPERTS = 1 << 16
"""Routed, shared and per-token experts, expert groups (65,536; real: <= 896)."""

MAX_VOCAB = 1 << 24
"""Vocabulary size (16,777,216; real: <= 262,144)."""

MAX_CONTEXT = 1 << 32
"""Context length in tokens (4,294,967,296; real: <= 10,485,760)."""

BOUNDS: dict[str, tuple[int, int, str]] = {
    # kind -> (minimum, maximum, name of the bound for messages)
    "layers": (1, MAX_LAYERS, "MAX_LAYERS"),
    "layers0": (0, MAX_LAYERS, "MAX_LAYERS"),
    "width": (1, MAX_WIDTH, "MAX_WIDTH"),
    "width0": (0, MAX_WIDTH, "MAX_WIDTH"),
    "heads": (1, MAX_HEADS, "MAX_HEADS"),
    "experts": (1, MAX_EXPERTS, "MAX_EXPERTS"),
    "experts0": (0, MAX_EXPERTS, "MAX_EXPERTS"),
    "vocab": (1, MAX_VOCAB, "MAX_VOCAB"),
    "context": (1, MAX_CONTEXT, "MAX_CONTEXT"),
}
"""Integer kinds: a ``0`` suffix allows zero (``q_lora_rank: 0`` means no query compression)."""

KNOWN_DTYPES = frozenset({
    "float16", "float32", "float64", "bfloat16", "half", "float", "double",
    "float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2", "float8_e8m0fnu", "fp8", "fp4", "mxfp4", "nvfp4",
    "int4", "int8", "uint8", "auto",
})
"""Values of dtype keys (``torch_dtype``, ``dtype`` …), with or without a ``torch.`` prefix."""

INFINITE_ALLOWED = frozenset({"time_step_limit"})
"""Keys whose values may be infinite: Mamba-2's clamp on the SSM step, ``(0.0, inf)`` by
default in transformers' ``Mamba2Config`` and NVIDIA's ``NemotronHConfig``."""


class _Refused(ValueError):
    """Raised from inside ``json.loads`` hooks; turned into a SourceFormatError by ``parse``."""


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _Refused(f"holds an integer of {len(text.lstrip('-')):,} digits (limit MAX_INT_DIGITS = {MAX_INT_DIGITS})")
    return int(text)


def _parse_constant(text: str) -> float:
    return float(text)  # NaN and ±Infinity: kept here, refused by the walk unless the key allows it


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)


def json_depth(raw: bytes) -> int:
    """Deepest nesting of ``[``/``{`` in JSON text, strings skipped; linear in the input.

    Examples
    --------
    >>> json_depth(b'{"a": [1, {"b": "[[["}]}')
    3
    """
    depth = deepest = 0
    for m in re.finditer(rb"[\[\]{}]", _STRING.sub(b"", raw)):
        depth += 1 if m.group() in (b"[", b"{") else -1
        deepest = max(deepest, depth)
    return deepest


def parse(raw: bytes, name: str) -> Any:
    """JSON within the limits above, or a one-line SourceFormatError naming the file and the limit."""
    where = f'config "{name}"'
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SourceFormatError(f"{where} is not UTF-8 text") from None
    depth = json_depth(raw)
    if depth > MAX_JSON_DEPTH:
        raise SourceFormatError(f"{where} nests {depth} levels deep (limit MAX_JSON_DEPTH = {MAX_JSON_DEPTH})")
    try:
        data = json.loads(text, parse_int=_parse_int, parse_constant=_parse_constant)
    except _Refused as exc:
        raise SourceFormatError(f"{where} {exc}") from None
    except json.JSONDecodeError as exc:
        raise SourceFormatError(f"{where} is not valid JSON: {exc.msg} at line {exc.lineno}") from None
    _walk(data, where, "")
    return data


def _walk(value: Any, where: str, path: str, infinite_ok: bool = False) -> None:
    """Refuse non-finite numbers (outside ``INFINITE_ALLOWED``) and strings that are not valid Unicode."""
    if isinstance(value, float):
        if math.isnan(value) or (math.isinf(value) and not infinite_ok):
            shown = "NaN" if math.isnan(value) else "Infinity (or a literal too large for a float)"
            raise SourceFormatError(f'{where}: key "{path or "(top level)"}" holds {shown}; numbers must be finite')
    elif isinstance(value, str):
        _text(value, where, path)
    elif isinstance(value, dict):
        for k, v in value.items():
            _text(k, where, path)
            _walk(v, where, f"{path}.{k}" if path else k, infinite_ok or k in INFINITE_ALLOWED)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _walk(v, where, f"{path}[{i}]", infinite_ok)


def _text(s: str, where: str, path: str) -> None:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        raise SourceFormatError(
            f'{where}: key "{path or "(top level)"}" holds a lone surrogate ({ascii(s)[:40]}); text must be valid Unicode'
        ) from None


def check_value(kind: str, value: Any, where: str, key: str) -> None:
    """Check one value against its kind (a key of ``BOUNDS``, or bool / str / number / dtype).

    Integer kinds also accept a per-layer list of such integers (Hunyuan's ``moe_topk``).
    """
    def bad(want: str) -> SourceFormatError:
        return SourceFormatError(f'{where}: key "{key}" should be {want}, got {_show(value)}')

    if value is None:
        return
    if kind in BOUNDS:
        lo, hi, bound = BOUNDS[kind]
        want = f"{'a positive' if lo else 'a non-negative'} integer <= {hi:,} ({bound})"
        for v in value if isinstance(value, list) and len(value) <= MAX_LAYERS else [value]:
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
                raise bad(want)
    elif kind == "bool" and not isinstance(value, bool):
        raise bad("true or false")
    elif kind == "str" and not isinstance(value, str):
        raise bad("a string")
    elif kind == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise bad("a number")
    elif kind == "dtype" and (not isinstance(value, str) or value.removeprefix("torch.") not in KNOWN_DTYPES):
        raise bad(f"a known dtype ({', '.join(sorted(KNOWN_DTYPES))})")


def _show(value: Any) -> str:
    return f"{type(value).__name__} {json.dumps(value)[:40]}"
