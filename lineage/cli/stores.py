"""The store and the catalog as a command opens them, and standard input as a file for ingest commands."""

from __future__ import annotations

import contextlib
import functools
import sys
from pathlib import Path

import typer


def open_store(path: Path | None, write: bool = False):
    """The store for one command: read-only (never created, never waiting) unless the command ``write``s.

    A writer that finds another writer's lock prints one line on stderr while it waits.
    """
    from lineage.store import Store

    return Store(path, read_only=not write, on_wait=lambda message: typer.echo(message, err=True))


@functools.cache
def _curated():
    from lineage.catalog import Catalog

    return Catalog.load()


def load_catalog(store=None):
    """The curated catalog (read once per process), overlaid with what ``store``'s sources discovered."""
    catalog = _curated()
    return catalog.with_discovered(store.discovered_entities()) if store is not None else catalog


def read_catalog(store):
    """The catalog overlaid with ``store``'s discoveries, as records, for a command that only reads
    (kept compiled in the store: :func:`lineage.store.read_model.catalog`; no pydantic loaded)."""
    from lineage.store import read_model

    return read_model.catalog(store)


STDIN = Path("-")
"""``-`` as a path: standard input for ingest commands, standard output for ``export``."""


@contextlib.contextmanager
def stdin_as_file(paths: list[Path], name: str, what: str, max_bytes: int):
    """``paths`` with ``-`` replaced by a temporary file named ``name`` holding standard input.

    At most ``max_bytes + 1`` bytes are read, so input over the limit of a ``what`` ("config") is
    refused without being read whole; errors name ``-`` (standard input), not the temporary file.
    """
    if STDIN not in paths:
        yield paths
        return
    import tempfile

    from lineage.errors import LineageError, SourceFormatError

    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise SourceFormatError(
            f'{what} "-" (standard input) is over {max_bytes / 2**20:g} MB; lineage reads {what}s up to {max_bytes / 2**20:g} MB'
        )
    with tempfile.TemporaryDirectory(prefix="lineage-stdin-") as tmp:
        target = Path(tmp) / name
        target.write_bytes(data)
        try:
            yield [target if p == STDIN else p for p in paths]
        except LineageError as exc:
            exc.args = tuple(a.replace(str(target), "-").replace(tmp, "-") if isinstance(a, str) else a for a in exc.args)
            raise

