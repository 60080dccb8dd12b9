"""``lineage export``: the store as RDF (ttl, trig, jsonld), an interactive HTML graph, or for graph
tools: GraphML and GEXF (Gephi, Cytoscape) and a CSV edge list.

The HTML page is fully offline: pyvis inlines vis-network, and the Bootstrap
links pyvis adds are removed.  Every piece of source text in a tooltip is
HTML-escaped before it reaches the page.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pydantic import BaseModel, Field

from lineage.catalog import Catalog
from lineage.errors import SourceFormatError
from lineage.export.graph_formats import to_graph_text
from lineage.export.html import to_html
from lineage.store import Store

RDF_FORMATS = ("ttl", "trig", "jsonld")


GRAPH_FORMATS = ("graphml", "gexf", "csv")


FORMATS = (*RDF_FORMATS, "html", *GRAPH_FORMATS)


class ExportReport(BaseModel):
    """What an export wrote."""

    path: str = Field(description="File written.")
    format: str = Field(description="Export format.")
    bytes: int = Field(description="Size of the file.")
    nodes: int | None = Field(None, description="Nodes in the HTML graph.")
    edges: int | None = Field(None, description="Edges in the HTML graph.")


def check_target(path: Path) -> Path:
    """``path`` when a file can be written there; a one-line error otherwise, before any work is done.

    Where the folder exists, a temporary file is made (and removed) beside the target the way
    :func:`_write_atomic` will make it, so ``/proc/version``, a read-only mount or a name the file
    system refuses (``File name too long``) fail here, not after the whole export.
    """
    path = Path(path)
    try:
        if path.is_dir():
            raise SourceFormatError(f'"{path}" is a directory; give a file name to export to')
        for parent in path.absolute().parents:
            if parent.exists():
                if not parent.is_dir():
                    raise SourceFormatError(f'cannot export to "{path}": "{parent}" is a file, not a directory')
                if not os.access(parent, os.W_OK | os.X_OK) and parent == path.absolute().parent:
                    raise SourceFormatError(f'cannot export to "{path}": directory "{parent}" is not writable')
                break
        if path.exists() and not path.is_file():
            raise SourceFormatError(f'cannot export to "{path}": it exists and is not a regular file')
        if path.parent.is_dir():
            fd, tmp = _temp_beside(path)
            os.close(fd)
            os.unlink(tmp)
    except OSError as exc:
        raise SourceFormatError(f'cannot export to "{_short(path)}": {exc.strerror or exc}') from None
    return path


def _short(path: Path) -> str:
    text = str(path)
    return text if len(text) <= 100 else text[:60] + f"…({len(text)} characters)"


def _temp_beside(path: Path) -> tuple[int, str]:
    """A new temporary file in ``path``'s folder, named after it (what the rename then replaces)."""
    return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")


def _mode(path: Path) -> int:
    """Permissions for a written file: the replaced file's, else what ``open()`` gives (0666 less the umask)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _write_atomic(path: Path, text: str) -> int:
    path = check_target(path)
    data = text.encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _temp_beside(path)
    except OSError as exc:
        raise SourceFormatError(f'cannot export to "{_short(path)}": {exc.strerror or exc}') from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            os.fchmod(fh.fileno(), _mode(path))  # mkstemp makes 0600; an export is an ordinary file
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise SourceFormatError(f'cannot export to "{_short(path)}": {exc.strerror or exc}') from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(data)


def export(store: Store, catalog: Catalog, fmt: str, path: Path) -> ExportReport:
    """Write the store to ``path`` in ``fmt`` (ttl, trig, jsonld, html, graphml, gexf or csv)."""
    if fmt not in FORMATS:
        raise SourceFormatError(f'unknown export format "{fmt}"; choose one of {", ".join(FORMATS)}')
    check_target(path)
    if fmt in GRAPH_FORMATS:
        text, nodes, edges = to_graph_text(store, catalog, fmt)
        return ExportReport(path=str(path), format=fmt, bytes=_write_atomic(path, text), nodes=nodes, edges=edges)
    if fmt == "html":
        page, nodes, edges = to_html(store, catalog)
        return ExportReport(path=str(path), format=fmt, bytes=_write_atomic(path, page), nodes=nodes, edges=edges)
    return ExportReport(path=str(path), format=fmt, bytes=_write_atomic(path, store.serialize(fmt)))
