"""``lineage diff A B``: two stores or releases compared claim by claim.

A claim is identified by its source and its content key (``lin:claimKey``: subject, predicate,
object or value, unit, qualifiers), so a re-ingest of a new revision under the same source id shows
exactly what it added, removed, or gave another status, with both reasons.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from lineage.errors import SourceFormatError
from lineage.questions.answer import Answer, Field
from lineage.store import Store
from lineage.store.release_files import MANIFEST, load_release

_CLAIMS = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?g ?key ?s ?p ?o ?v ?status ?reason WHERE { GRAPH ?g {
  ?c a lin:Claim ; lin:claimKey ?key ; rdf:subject ?s ; rdf:predicate ?p ; lin:status ?status ; lin:statusReason ?reason .
  OPTIONAL { ?c rdf:object ?o } OPTIONAL { ?c lin:value ?v } } }
"""


class ClaimRow(Answer):
    """A claim as one side of the comparison holds it."""

    source: str = Field(description="Source id whose graph holds the claim.")
    statement: str = Field(description="subject predicate object-or-value.")
    status: str = Field(description="Status in this side.")
    reason: str = Field(description="Reason for that status.")


class StatusChange(Answer):
    """A claim both sides hold, with another status in B."""

    source: str = Field(description="Source id.")
    statement: str = Field(description="subject predicate object-or-value.")
    before: str = Field(description="Status in A.")
    after: str = Field(description="Status in B.")
    reason_before: str = Field(description="Reason in A.")
    reason_after: str = Field(description="Reason in B.")


class Diff(Answer):
    """What changed from A to B."""

    added: list[ClaimRow] = Field(description="Claims only in B.")
    removed: list[ClaimRow] = Field(description="Claims only in A.")
    changed: list[StatusChange] = Field(description="Claims in both whose status differs.")


@contextmanager
def opened(path: Path):
    """A store for ``path``: a release folder is loaded into memory, a store folder is opened."""

    path = Path(path)
    if (path / MANIFEST).is_file():

        store = Store(memory=True)
        load_release(store, path)
    else:
        if not path.is_dir():

            raise SourceFormatError(f'"{path}" is neither a store nor a release folder (with {MANIFEST})')
        store = Store(path, read_only=True)
    try:
        yield store
    finally:
        store.close()


def _rows(store) -> dict[tuple[str, str], ClaimRow]:
    from lineage.store import rdf  # deferred for start-up: rdflib

    out = {}
    for r in store.select(_CLAIMS, entity_ids=True):
        source = rdf.source_id(str(r["g"]))
        if source.startswith("catalog:"):
            continue
        what = r.get("o", r.get("v"))
        statement = f"{r['s']} {str(r['p']).rsplit('#', 1)[-1]} {what}"
        out[(source, str(r["key"]))] = ClaimRow(source=source, statement=statement,
                                                status=str(r["status"]).rsplit("#", 1)[-1].lower(), reason=str(r["reason"]))
    return out


def diff(a: Path, b: Path) -> Diff:
    """Claims added, removed and with another status from store or release ``a`` to ``b``."""
    with opened(a) as sa:
        left = _rows(sa)
    with opened(b) as sb:
        right = _rows(sb)
    changed = [
        StatusChange(source=x.source, statement=x.statement, before=x.status, after=right[k].status,
                     reason_before=x.reason, reason_after=right[k].reason)
        for k, x in sorted(left.items()) if k in right and right[k].status != x.status
    ]
    return Diff(added=[right[k] for k in sorted(right.keys() - left.keys())],
                removed=[left[k] for k in sorted(left.keys() - right.keys())], changed=changed)
