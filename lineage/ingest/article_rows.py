"""Whom a table row's numbers belong to when its first cell is a download reference, not a name.

Model cards and serving guides list a model's downloads in a table whose first cell is no name but a reference: a Hub
repository ("org/Model-7B") or a registry tag ("org/model:20B-Q4_K_M"), with the row's parameters and context window in
the other cells.  Seen in the model cards of a registry (Docker Hub), a lab's Hub card listing its checkpoints (links
"org/Model-13b"), and hardware-planning notes listing Hub repositories with their sizes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lineage.ingest.structure import Unit

_SIZE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?([BT])(?![\w])")
_REF = re.compile(r"(?<![\w./-])(?:[\w.-]+/)?(?P<name>[A-Za-z][\w.-]*?)(?::(?P<tag>[\w.-]+)|(?<=\S)(?=\s|$))")
"""A download reference as a variant table's first cell: a Hub repo ("org/Model-7B") or a registry tag
("org/model:20B-Q4_K_M"); the part before ``/`` is who publishes the file, not the model."""
_TAG_SIZE = re.compile(r"^(\d+(?:\.\d+)?)([BM])(?![a-z])", re.I)


def variant(u: Unit, m, sizes_header: Callable[[str], bool]) -> tuple[list[str], dict[str, str]]:
    """The model a variant table's row is about when its first cell is a download reference, not a name: the
    repository's name, sized by the reference's tag ("model:20B-Q4") or the row's parameters cell where the name is a
    family's ("| `org/family:8B-Q4` | 8B | 262K tokens |" -> family-8B).  Only names the catalog knows: a registry's
    spelling of a name it lacks ("model3" for "Model 3") would make a second open-world entity."""
    refs = [r for r in _REF.finditer(u.cells[0]) if "/" in r.group(0)]
    if not refs or len(u.cells) != len(u.header):
        return [], {}
    sizes = [c for h, c in zip(u.header, u.cells) if sizes_header(h) and _SIZE.fullmatch(c.strip())]
    for r in sorted(refs, key=lambda r: not r.group("tag") or not _TAG_SIZE.match(r.group("tag"))):
        tag = _TAG_SIZE.match(r.group("tag") or "")
        size = f"{tag.group(1)}{tag.group(2).upper()}" if tag else (sizes[0].strip().replace(" ", "") if len(sizes) == 1 else "")
        whole = m.r.exact.resolve(r.group("name"))
        if whole is not None and whole.kind == "model":
            return [whole.id], {}
        if whole is not None and whole.kind == "family" and size:
            ids, q = m.member(r.group("name"), size, None)
            if ids and not q:
                return ids, q
    return [], {}

