"""Source identity: a document may take a stored source's id only when it is the same document.

A source id derives from what a document says it is (an arXiv id, a model and file name).  Two
different documents can say the same (a 1-page PDF stamped with a report's arXiv id; two files
named ``config.json`` given for one ``--model``), so before a graph is replaced the new bytes are
compared with the stored revision: different bytes under a stored id are refused unless the user
passes ``--replace`` (issue 13).

A document read again is read as a store that never held it would read it (issue 27): what its
stored version discovered is taken out of the catalog first (:func:`catalog_without`), so it
discovers the same entities again and its new graph replaces the old one whole, in one
transaction; an entity is dropped only when the new version no longer discovers it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from lineage.domain import SourceDocument
from lineage.errors import SourceConflict

if TYPE_CHECKING:
    from lineage.catalog import Catalog

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


Prepared = TypeVar("Prepared")


def catalog_without(store, catalog: Catalog, doc_ids: Iterable[str]) -> Catalog | None:
    """``catalog`` as a store without the sources ``doc_ids`` would give it, or None when it is the same.

    The entities those sources discovered are taken out, then put back as the store's other
    sources discovered them (one lab found by a card and by a config stays, with the config's record).
    """
    doc_ids = set(doc_ids)
    own = {e.id for d in doc_ids for e in store.discovered_entities(d)}
    if not own:
        return None
    others = [e for e in store.discovered_entities(excluding=doc_ids) if e.id in own]
    return catalog.without_discovered(own).with_discovered(others)


def same_bytes(store, digests: Iterable[str]) -> list[str]:
    """Ids of the stored sources whose recorded revision names one of the sha256 ``digests``."""
    digests = set(digests)
    if not digests:
        return []
    return [d.id for d in store.sources() if (m := _SHA256.search(d.revision or "")) and m.group(1) in digests]


def prepared_afresh(
    store, catalog: Catalog, prepare: Callable[[Catalog], Prepared], doc_ids: Callable[[Prepared], Iterable[str]],
    digests: Iterable[str] = (),
) -> tuple[Prepared, Catalog]:
    """``prepare(catalog)`` as for a store that never held the documents it gives, and the catalog it used.

    The first reading names the documents (their ids may depend on the catalog, as a config's model
    does); when their stored versions discovered entities, the documents are read again against
    :func:`catalog_without` them, which is what a first ingest would see.  A document's stored
    version is found by the id the first reading gives and by its bytes (``digests``, sha256 hex):
    an id derived from what the document is found to be (a report's subject) may differ when what
    it discovered is already known, while the same bytes are always the same document.
    """
    first = prepare(catalog)
    fresh = catalog_without(store, catalog, [*doc_ids(first), *same_bytes(store, digests)])
    return (first, catalog) if fresh is None else (prepare(fresh), fresh)
