"""Reading a source file from disk: regular files only, bounded in size, text decoded strictly.

Shared by every ingestor that reads a local file (reports, articles, cards).  Each refusal is a
one-line :class:`~lineage.errors.SourceFormatError` naming the file and the limit, raised before
the file is opened: a FIFO, a device (``/dev/zero``) or a directory is never read, so nothing
blocks or grows without bound.  Each source kind names its own size limit next to its reader.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from lineage.errors import SourceFormatError


def read_bytes(path: Path, what: str, max_bytes: int, plural: str | None = None) -> bytes:
    """The bytes of regular file ``path`` (``what``: "PDF", "article", …), at most ``max_bytes`` of them.

    ``plural`` names the kind in the size message ("lineage reads reports up to 64 MB").
    """
    limit = f"lineage reads {plural or what + 's'} up to {max_bytes / 2**20:g} MB"
    try:
        info = os.stat(path)
    except OSError as exc:
        raise SourceFormatError(f'{what} "{path}" cannot be read: {exc.strerror or exc}') from None
    if stat.S_ISDIR(info.st_mode):
        raise SourceFormatError(f'{what} "{path}" is a directory; pass a file')
    if not stat.S_ISREG(info.st_mode):
        raise SourceFormatError(f'{what} "{path}" is not a regular file (a pipe or device?); pass a file')
    if info.st_size == 0:
        raise SourceFormatError(f'{what} "{path}" is empty (0 bytes)')
    if info.st_size > max_bytes:
        raise SourceFormatError(f'{what} "{path}" is {info.st_size / 1e6:.3g} MB; {limit}')
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)  # the file may have grown since stat()
    except OSError as exc:
        raise SourceFormatError(f'{what} "{path}" cannot be read: {exc.strerror or exc}') from None
    if len(data) > max_bytes:
        raise SourceFormatError(f'{what} "{path}" grew while it was read; {limit}')
    return data


def decode(data: bytes, what: str, path: object) -> str:
    """UTF-8 text (an optional BOM dropped); anything else, NUL bytes included, is a one-line error."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceFormatError(f'{what} "{path}" is not UTF-8 text (bad byte at offset {exc.start})') from None
    if "\x00" in text:
        raise SourceFormatError(f'{what} "{path}" contains NUL bytes; it is binary, not text')
    return text


def check_text(text: str, what: str, path: object) -> str:
    """``text`` unchanged, or a one-line error when it holds a lone surrogate (``&#xd800;``, ``"\\ud800"``)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise SourceFormatError(
            f'{what} "{path}" holds an invalid character (lone surrogate U+{ord(text[exc.start]):04X} at {exc.start})'
        ) from None
    return text
