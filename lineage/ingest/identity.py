"""Source identity: a document may take a stored source's id only when it is the same document.

A source id derives from what a document says it is (an arXiv id, a model and file name).  Two
different documents can say the same (a 1-page PDF stamped with a report's arXiv id; two files
named ``config.json`` given for one ``--model``), so before a graph is replaced the new bytes are
compared with the stored revision: different bytes under a stored id are refused unless the user
passes ``--replace`` (issue 13).
"""

from __future__ import annotations

import re
from pathlib import Path

from lineage.domain import SourceDocument
from lineage.errors import SourceConflict

_SHA256 = re.compile(r"sha256:([0-9a-f]+)")


def same_document(old: str | None, new: str | None) -> bool:
    """Whether two recorded revisions name the same bytes (the same commit, or the same sha256)."""
    if old is not None and old == new:
        return True
    a, b = _SHA256.search(old or ""), _SHA256.search(new or "")
    return bool(a and b and a.group(1) == b.group(1))


def check_identity(store, doc: SourceDocument, path: Path, replace: bool = False) -> str | None:
    """The revision ``doc`` would replace; refuses different bytes under a stored id unless ``replace``."""
    old = store.source(doc.id)
    if old is None or same_document(old.revision, doc.revision):
        return None  # new, or the same bytes again: an idempotent re-ingest
    if not replace:
        count = len(store.claims(source=doc.id))
        raise SourceConflict(
            f'"{path}" claims to be source "{doc.id}", which the store holds from different bytes '
            f"({old.revision}, {count} claims); pass --replace to replace it"
        )
    return old.revision or "an unrecorded revision"


def check_batch(docs: list[tuple[SourceDocument, Path]]) -> None:
    """Refuse two different documents of one command that claim the same id (neither could win)."""
    seen: dict[str, tuple[SourceDocument, Path]] = {}
    for doc, path in docs:
        first = seen.setdefault(doc.id, (doc, path))
        if first[0] is not doc and not same_document(first[0].revision, doc.revision):
            raise SourceConflict(
                f'"{first[1]}" and "{path}" are different files that both claim to be source "{doc.id}"; '
                "ingest one of them, or rename the other"
            )
