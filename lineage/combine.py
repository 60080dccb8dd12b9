"""One status and reason for several claims that state the same thing: the verdict an answer shows.

A primary source outranks any number of secondary ones (the rules are in :mod:`lineage.verify`);
:func:`combine` merges what the sources of one statement say.  It reads only ``status``,
``reason`` and evidence, so it works on pydantic claims and on stored records alike
(:mod:`lineage.records`), and loads no pydantic.
"""

from __future__ import annotations

from collections.abc import Iterable

from lineage.vocab import SourceKind, Status

NO_SOURCE = Status.UNVERIFIED
"""The status of a statement no claim makes (a summary over no claims)."""

CATALOG_ONLY = Status.REPORTED
"""The status of a relation the catalog names that no claim in the store states."""


def combine(claims: Iterable) -> tuple[Status, str]:
    """One status and a one-line reason for claims that all state the same thing.

    Examples
    --------
    >>> combine([])
    (<Status.UNVERIFIED: 'unverified'>, 'no source states it')
    """
    claims = list(claims)
    if not claims:
        return NO_SOURCE, "no source states it"
    pro = [c for c in claims if c.status is Status.VERIFIED]
    con = [c for c in claims if c.status is Status.CONTRADICTED]
    if pro and con:
        return Status.DISPUTED, f"primary sources disagree: {pro[0].reason} / {con[0].reason}"
    if pro:
        n = len({e.source for c in pro for e in c.evidence if e.source_kind is SourceKind.PRIMARY})
        extra = f" ({n} primary sources)" if n > 1 else ""
        return Status.VERIFIED, pro[0].reason + extra
    if con:
        return Status.CONTRADICTED, con[0].reason
    disputed = [c for c in claims if c.status is Status.DISPUTED]
    if disputed:
        return Status.DISPUTED, disputed[0].reason
    reported = [c for c in claims if c.status is Status.REPORTED]
    if reported:
        return Status.REPORTED, reported[0].reason
    return Status.UNVERIFIED, claims[0].reason
