"""Claims as they are stored, one claim by id, and the flags worth a reader's attention.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lineage.errors import UnknownEntity
from lineage.questions.answer import Answer, Field
from lineage.questions.evidence import require_built
from lineage.vocab import STATUS_RANK, Predicate, Status

if TYPE_CHECKING:
    from lineage.catalog import Catalog
    from lineage.domain import StoredClaim
    from lineage.store import Store


def claims(
    store: Store,
    status: Status | None = None,
    source: str | None = None,
    subject: str | None = None,
    min_status: Status | None = None,
) -> list[StoredClaim]:
    """Claims filtered by status, source document, subject id and/or least status.

    ``source`` is a source id (``lineage ls sources``), or the path or URL that was ingested: a file
    is matched by the hash of its bytes (or its file name), a URL by the source's URL.  ``subject``
    is the id the claims are about; ``min_status`` keeps claims at least that strong
    (:data:`lineage.vocab.STATUS_ORDER`).  Every claim (no filter) may come from what the store keeps
    compiled (:mod:`lineage.store.read_model`); the store is asked whether it was built only when
    there is no claim to show.
    """

    found = store.claim_records() if status is None and source is None else []
    if not found:
        require_built(store)
        if source is not None:
            source = source_id(store, source)
        found = store.claim_records(status=status, source=source)
    if subject is not None:
        found = [c for c in found if c.subject == subject]
        if not found and not any(c.subject == subject for c in store.claim_records()):
            import difflib

            subjects = sorted({c.subject for c in store.claim_records()})
            raise UnknownEntity("subject", subject, difflib.get_close_matches(subject, subjects, n=3), "claims")
    if min_status is not None:
        found = [c for c in found if STATUS_RANK[c.status] <= STATUS_RANK[min_status]]
    return sorted(found, key=lambda c: (c.subject, c.predicate, str(c.object or c.value)))  # a Predicate sorts as its text


def source_id(store: Store, given: str) -> str:
    """The id of the ingested source that ``given`` names: an id, the file that was ingested, or its URL."""
    import hashlib
    from pathlib import Path

    docs = store.sources()
    ids = [d.id for d in docs]
    if given in ids:
        return given
    path = Path(given).expanduser()
    try:  # a regular file of bounded size, as every reader takes; a name too long for the OS is no file
        is_file = len(given) <= 4096 and path.is_file()
    except OSError:
        is_file = False
    if is_file:
        digest = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
        found = [d.id for d in docs if d.revision and digest in d.revision]
        found = found or [d.id for d in docs if d.id.endswith((f"/{path.name}", f":{path.name}"))]
    else:
        url = given.rstrip("/")
        found = [d.id for d in docs if d.url and d.url.rstrip("/") == url]
    if len(found) == 1:
        return found[0]
    import difflib

    suggestions = found or (difflib.get_close_matches(given, ids, n=3, cutoff=0.5) if len(given) <= 200 else [])
    raise UnknownEntity("source", given, suggestions, "ls sources")


def claim(store: Store, ident: str) -> StoredClaim:
    """One claim by its id (``c-…`` as shown by ``lineage claims --json``, or its full IRI)."""
    require_built(store)
    local = ident.rsplit("/", 1)[-1]
    for c in store.claim_records():
        if c.ref.rsplit("/", 1)[-1] == local:
            return c
    raise UnknownEntity("claim", ident, [], "claims --json")


def claims_about(store: Store, subject: str, predicate: str, obj: str | None = None) -> list[StoredClaim]:
    """Every claim ``subject predicate [object or value]`` (``deepseek-v4-pro kvCacheRatio``), strongest status first."""

    require_built(store)
    try:
        p = Predicate(predicate)
    except ValueError:
        import difflib

        raise UnknownEntity("predicate", predicate, difflib.get_close_matches(predicate, [x.value for x in Predicate], n=1)) from None
    found = [c for c in store.claim_records() if c.subject == subject and c.predicate is p
             and (obj is None or obj in (c.object, str(c.value)))]
    if not found:
        said = " ".join(x for x in (subject, predicate, obj) if x)
        raise UnknownEntity("claim", said, [], "claims")
    return sorted(found, key=lambda c: (STATUS_RANK[c.status], c.source))


class Flag(Answer):
    """A claim that is not verified, or something odd about one."""

    kind: str = Field(description="contradicted, disputed, unverified, reported, anachronism or unknown-id.")
    claim: str = Field(description="Claim id.")
    source: str = Field(description="Source document of the claim.")
    statement: str = Field(description="subject predicate object/value.")
    status: Status = Field(description="The claim's status.")
    reason: str = Field(description="Why it is flagged.")


FLAG_ORDER = {"contradicted": 0, "disputed": 1, "anachronism": 2, "unknown-id": 3, "unverified": 4, "reported": 5}


def _statement(c: StoredClaim) -> str:
    obj = c.object if c.object is not None else f"{c.value}{' ' + c.unit if c.unit else ''}"
    return f"{c.subject} {c.predicate.value} {obj}"


def flags(store: Store, catalog: Catalog) -> list[Flag]:
    """Every claim that is not verified, contradicted first; plus anachronisms and ids not in the catalog."""
    require_built(store)
    out: list[Flag] = []
    for c in store.claim_records():
        ident = c.ref.rsplit("/", 1)[-1]
        if c.status is not Status.VERIFIED:
            kind = "unknown-id" if c.reason.startswith("[unknown-id]") else c.status.value
            out.append(Flag(kind=kind, claim=ident, source=c.source, statement=_statement(c), status=c.status, reason=c.reason))
        if c.predicate is Predicate.USES and c.status is not Status.CONTRADICTED:
            model, tech = catalog.entities.get(c.subject), catalog.entities.get(c.object)
            released = getattr(model, "released", None)
            first = getattr(tech, "first_appeared", None)
            if released and first and released[:7] < first[:7]:
                out.append(
                    Flag(
                        kind="anachronism",
                        claim=ident,
                        source=c.source,
                        statement=_statement(c),
                        status=c.status,
                        reason=f"{c.subject} was released {released}, before {c.object} first appeared ({first})",
                    )
                )
    return sorted(out, key=lambda f: (FLAG_ORDER.get(f.kind, 9), f.source, f.statement))
