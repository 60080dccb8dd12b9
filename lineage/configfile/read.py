"""Reading a model config: size and format checks, JSON parsing, and typed access with key paths.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from lineage.configfile.consistency import check_consistent
from lineage.configfile.keys import ALIASES, INFERENCE_KEYS, check_values
from lineage.configfile.limits import MAX_CONFIG_BYTES, MAX_CONFIG_KEYS, parse
from lineage.domain import clip
from lineage.errors import SourceFormatError

__all__ = ["MAX_CONFIG_BYTES", "View", "is_inference_format", "read_config", "text_config"]


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file of at most ``MAX_CONFIG_BYTES``; never opens a FIFO or a device."""
    try:
        st = os.stat(path)
    except (OSError, ValueError) as exc:
        raise SourceFormatError(f'config "{path}" cannot be read: {getattr(exc, "strerror", None) or exc}') from None
    if not stat.S_ISREG(st.st_mode):
        what = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file (a device, FIFO or socket)"
        raise SourceFormatError(f'config "{path}" is {what}; give a config.json file')
    if st.st_size > MAX_CONFIG_BYTES:
        raise SourceFormatError(
            f'config "{path}" is {st.st_size / 1e6:.1f} MB; model configs are a few kB '
            f"(limit {MAX_CONFIG_BYTES // (1024 * 1024)} MB). Is this a weights or data file?"
        )
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise SourceFormatError(f'config "{path}" cannot be read: {exc.strerror or exc}') from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise SourceFormatError(f'config "{path}" grew past {MAX_CONFIG_BYTES // (1024 * 1024)} MB while being read')
    return raw


def read_config(path: Path) -> tuple[dict[str, Any], bytes]:
    """Parse and check a config file; ``SourceFormatError`` with a one-line reason otherwise.

    The limits (file kind and size, JSON depth, integer size, finite numbers, valid text,
    value kinds and bounds) are in :mod:`lineage.configfile.limits`; values that contradict
    each other are refused by :mod:`lineage.configfile.consistency`.
    """
    raw = read_bytes(path)
    data = parse(raw, str(path))
    if not isinstance(data, dict):
        raise SourceFormatError(f'config "{path}" holds a JSON {type(data).__name__}, expected an object')
    inner = data.get("text_config")
    for obj, where in ((data, "the config object"), (inner, '"text_config"')):
        if isinstance(obj, dict) and len(obj) > MAX_CONFIG_KEYS:
            raise SourceFormatError(
                f'config "{path}" has {len(obj):,} keys in {where} (limit MAX_CONFIG_KEYS = {MAX_CONFIG_KEYS:,}; '
                "real configs have fewer than 100)"
            )
    check_values(data, path.name)
    if isinstance(inner, dict):
        check_values(inner, path.name, "text_config.")
    check_consistent(data, path.name)
    return data, raw


def is_inference_format(cfg: dict[str, Any]) -> bool:
    """DeepSeek's inference configs use ``dim``/``n_layers`` instead of HF names."""
    return "dim" in cfg and "n_layers" in cfg


class View:
    """Typed access to a config dict that remembers key paths for evidence."""

    def __init__(self, cfg: dict[str, Any], prefix: str, name: str):
        self.cfg, self.prefix, self.name = cfg, prefix, name
        self.inference = is_inference_format(cfg)
        self._alias = {hf: inf for inf, hf in INFERENCE_KEYS.items()} if self.inference else {}

    def key(self, hf_key: str) -> str:
        """Actual key spelling in this config for an HF key name (see ``keys.ALIASES``)."""
        alt = self._alias.get(hf_key)
        if alt is not None and alt in self.cfg:
            return alt
        if self.cfg.get(hf_key) is None:
            return next((a for a in ALIASES.get(hf_key, ()) if self.cfg.get(a) is not None), hf_key)
        return hf_key

    def path(self, hf_key: str) -> str:
        return self.prefix + self.key(hf_key)

    def has(self, hf_key: str) -> bool:
        return self.cfg.get(self.key(hf_key)) is not None

    def raw(self, hf_key: str) -> Any:
        return self.cfg.get(self.key(hf_key))

    def _bad(self, hf_key: str, want: str) -> SourceFormatError:
        got = self.raw(hf_key)
        return SourceFormatError(
            f'config "{self.name}": key "{self.path(hf_key)}" should be {want}, '
            f"got {type(got).__name__} {json.dumps(got)[:40]}"
        )

    def integer(self, hf_key: str) -> int | None:
        """An integer; a per-layer list gives its value when every layer has the same one, else None."""
        v = self.raw(hf_key)
        if isinstance(v, list) and v and all(x == v[0] for x in v):
            v = v[0]
        elif isinstance(v, list) and v:
            return None
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float)) or (isinstance(v, float) and not v.is_integer()):
            raise self._bad(hf_key, "an integer")
        return int(v)

    def boolean(self, hf_key: str) -> bool | None:
        v = self.raw(hf_key)
        if v is None:
            return None
        if not isinstance(v, bool):
            raise self._bad(hf_key, "true or false")
        return v

    def string(self, hf_key: str) -> str | None:
        v = self.raw(hf_key)
        if v is None:
            return None
        if not isinstance(v, str):
            raise self._bad(hf_key, "a string")
        return v

    def mapping(self, hf_key: str) -> dict[str, Any] | None:
        v = self.raw(hf_key)
        if v is None:
            return None
        if not isinstance(v, dict):
            raise self._bad(hf_key, "an object")
        return v

    def sequence(self, hf_key: str) -> list[Any] | None:
        v = self.raw(hf_key)
        if v is None:
            return None
        if not isinstance(v, list):
            raise self._bad(hf_key, "a list")
        return v

    def first(self, *hf_keys: str) -> str | None:
        """First of several alternative spellings that is present."""
        return next((k for k in hf_keys if self.has(k)), None)

    def show(self, *hf_keys: str) -> str:
        """``key = value; key = value`` for the keys that are present."""
        parts = []
        for k in hf_keys:
            if self.has(k):
                v = self.raw(k)
                if isinstance(v, list) and len(v) > 8:
                    shown = json.dumps(v[:6])[:-1] + f", … ({len(v)} items)]"
                else:
                    shown = json.dumps(v)
                parts.append(f"{self.path(k)} = {shown}")
        return clip("; ".join(parts))


def text_config(cfg: dict[str, Any], name: str) -> tuple[dict[str, Any], str]:
    """The language-model part of a config and the key prefix that reaches it."""
    inner = cfg.get("text_config")
    if inner is None:
        return cfg, ""
    if not isinstance(inner, dict):
        raise SourceFormatError(f'config "{name}": key "text_config" should be an object')
    return inner, "text_config."
