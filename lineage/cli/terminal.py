"""Source text made safe for a terminal and for Markdown, and the terminal's width: what the option helpers
(:mod:`lineage.cli.text_table`) and the renderings (:mod:`lineage.cli.render`) share."""

from __future__ import annotations

import os
import re
import sys
from typing import Any

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
"""Control characters, zero-width and bidi overrides: shown as ``\\xNN``/``\\uNNNN``, never sent to a terminal."""

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~&\"'])")
"""Every character CommonMark or an HTML renderer gives meaning to; each is backslash-escaped."""


def printable(text: str) -> str:
    """Source text safe for a terminal: control and bidi characters written as escapes."""
    if text.isprintable():  # no control, format or separator character but the space: nothing to escape
        return text
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}", text)


def md_cell(value: Any) -> str:
    """Source text as one Markdown table cell: one line, no raw HTML, links or emphasis.

    Examples
    --------
    >>> md_cell("<img src=x onerror=alert(1)> | [a](javascript:x)")
    '\\\\<img src=x onerror=alert\\\\(1\\\\)\\\\> \\\\| \\\\[a\\\\]\\\\(javascript:x\\\\)'
    """
    text = printable(" ".join(str("" if value is None else value).split()))
    return _MD_SPECIAL.sub(r"\\\1", text)


def terminal_width() -> int | None:
    """Columns to fit: ``$COLUMNS``, else the terminal's width, else ``None`` (a pipe: no limit)."""
    env = os.environ.get("COLUMNS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    if sys.stdout.isatty():
        import shutil

        return shutil.get_terminal_size().columns
    return None
