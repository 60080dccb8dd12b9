"""The primary claims ``verify`` judges against: one index per run, filled from the store per entity.

:class:`PrimaryIndex` answers the lookups of :func:`lineage.verify.judge` — the primary claims
about an entity by (subject, predicate[, object]), the primary claims naming a device, the
instruction-tuned releases of a base model — and reads an entity's claims from the store the
first time it is asked, through the store's subject and object indexes
(:mod:`lineage.store.claim_lookup`).  Re-checking the few dozen secondary claims of the default
build reads the claims about their subjects once, instead of every claim in the store once per
source (measured: 17 full reads, 14 of 16.7 s of ``lineage verify``, issue 31).

One index serves a whole run: :meth:`PrimaryIndex.without` views it without one source's own
claims, as each source is judged against the others.
"""

from __future__ import annotations

from typing import Any

from lineage.vocab import CONFIG_METHODS, Predicate, SourceKind, Status


def is_primary(claim: Any) -> bool:
    """A claim its own source makes as a primary source (evidence borrowed by verification does not count)."""
    own = [e for e in claim.evidence if e.source == getattr(claim, "source", e.source)]
    return claim.status in (Status.VERIFIED, Status.CONTRADICTED) and any(
        e.source_kind is SourceKind.PRIMARY for e in own
    )


def names_a_tuned_release(c: Any) -> bool:
    """``X derivedFrom B`` (finetune) read by a config ingest: X is B's instruction-tuned release, same shapes."""
    return (c.predicate is Predicate.DERIVED_FROM and c.qualifiers.get("relation") == "finetune"
            and any(e.method in CONFIG_METHODS for e in c.evidence))


class PrimaryIndex:
    """Primary claims in ``store``, by subject and by object, read when first asked (``exclude_source``'s left out)."""

    def __init__(self, store: Any, exclude_source: str | None = None):
        self._store = store
        self._exclude = exclude_source
        self._by_subject: dict[str, list] = {}
        self._by_object: dict[str, list] = {}

    def without(self, source: str | None) -> PrimaryIndex:
        """The same index (sharing what it has read) leaving ``source``'s own claims out."""
        view = PrimaryIndex(self._store, source)
        view._by_subject, view._by_object = self._by_subject, self._by_object
        return view

    def _about(self, subject: str) -> list:
        found = self._by_subject.get(subject)
        if found is None:
            found = self._by_subject[subject] = self._store.claims(subject=subject)
        return [c for c in found if c.source != self._exclude]

    def _naming(self, obj: str) -> list:
        found = self._by_object.get(obj)
        if found is None:
            found = self._by_object[obj] = self._store.claims(object=obj)
        return [c for c in found if c.source != self._exclude]

    def sp(self, subject: str, predicate: Predicate) -> list:
        """Primary claims of ``subject`` ``predicate`` (any object or value)."""
        return [c for c in self._about(subject) if c.predicate is predicate and is_primary(c)]

    def spo(self, subject: str, predicate: Predicate, obj: str | None) -> list:
        """Primary claims of ``subject`` ``predicate`` ``obj``."""
        return [c for c in self.sp(subject, predicate) if c.object == obj]

    def naming(self, obj: str) -> list:
        """Primary claims whose object is ``obj`` (any subject and predicate)."""
        return [c for c in self._naming(obj) if is_primary(c)]

    def tuned(self, base: str) -> list[str]:
        """The instruction-tuned releases of ``base`` (their configs name it)."""
        return [c.subject for c in self._naming(base) if names_a_tuned_release(c)]
