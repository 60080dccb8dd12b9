"""The first status of every statement a reader found: the one place a draft becomes a claim.

Readers (reports, cards, configs, articles, the catalog's records) judge what a statement does
and produce a :class:`~lineage.domain.Draft` without a status; :func:`settle` decides it from the
draft's facts alone, by one table:

- the source is primary for the subject and states it — **verified**;
- the source is primary for the subject and rules it out — **contradicted**;
- a secondary source states or rules it out, or any source infers it from a convention it does
  not state — **reported**;
- nothing can check it — **unverified**.

:mod:`lineage.verify` then re-checks secondary claims against the primary ones in the store.
This module depends on the domain only, so every reader may call it.
"""

from __future__ import annotations

from collections.abc import Iterable

from lineage.domain import Claim, Draft, Role, Status

_PRIMARY = {Role.STATES: Status.VERIFIED, Role.RULES_OUT: Status.CONTRADICTED}


def first_status(draft: Draft) -> Status:
    """The status a draft starts with (see the module's table).

    Examples
    --------
    >>> from lineage.domain import Evidence, Predicate, SourceKind
    >>> ev = Evidence(source="s", revision="r", source_kind=SourceKind.PRIMARY, locator="p. 1", snippet="x",
    ...               method="text", retrieved_at="2026-01-01T00:00:00Z")
    >>> d = Draft(subject="m", predicate=Predicate.USES, object="mla", primary=True, reason="r", evidence=(ev,))
    >>> first_status(d).value, first_status(d.model_copy(update={"primary": False})).value
    ('verified', 'reported')
    """
    if draft.role is Role.UNCHECKABLE:
        return Status.UNVERIFIED
    if draft.primary and draft.role in _PRIMARY:
        return _PRIMARY[draft.role]
    return Status.REPORTED


def settle(draft: Draft) -> Claim:
    """The claim a draft becomes: its statement, reason and evidence, with :func:`first_status`."""
    fields = {name: getattr(draft, name) for name in Claim.model_fields if name != "status"}
    return Claim(**fields, status=first_status(draft))


def settle_all(drafts: Iterable[Draft]) -> list[Claim]:
    """:func:`settle` for each draft, in order."""
    return [settle(d) for d in drafts]
