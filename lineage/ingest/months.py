"""Release months from where a source was published, for models the source discovers.

A report may date itself (its arXiv stamp or dated first page, :mod:`lineage.ingest.discovery`);
a config or a model card does not.  Where such a source was published can still tell a month:

- the Hub's creation date of the model repo (``createdAt`` of ``/api/models/{repo}``), read by
  ``lineage ingest hf`` (:func:`lineage.ingest.hub.created_at`);
- the month a corpus manifest records for a file (``pub_month`` of ``MANIFEST.tsv``), carried by
  the graph release's pinned sources (:mod:`lineage.release.sources`).

Either is a proxy, not the publisher's word: a repo is often created before its weights go
public, and a manifest's month is its curator's reading of commit dates.  So the month only fills
a gap (a model no catalog entry and no dated report gives one) and its claim is ``reported``,
with the record as evidence (method ``metadata``): it never verifies or contradicts anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from lineage.domain import Claim, Draft, Evidence, Method, Predicate, Role, SourceDocument, SourceKind, clip, utcnow
from lineage.verify_draft import settle

HUB_FIRST_CREATION = "2022-03-02"
"""The Hub began storing creation dates on this day: an older repo reads as created then (huggingface_hub's
``ModelInfo.created_at``), which says nothing about its month."""

MONTH = re.compile(r"^(20\d{2})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class RecordedMonth:
    """A release month taken from a source's publication record, with where it was read."""

    value: str
    """YYYY-MM."""
    snippet: str
    """The record as read (``createdAt: 2025-04-28T09:12:00+00:00``)."""
    locator: str
    """Which record (``Hugging Face API: createdAt``)."""
    reason: str
    """One line: what the month stands for."""


def from_hub(created: datetime | None) -> RecordedMonth | None:
    """The month of a repo's Hub creation date; None when unknown or before the Hub kept such dates.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> from_hub(datetime(2025, 4, 28, 9, 12, tzinfo=UTC)).value
    '2025-04'
    >>> from_hub(datetime(2022, 3, 2, 23, 29, 4, tzinfo=UTC)) is None  # the floor: an older repo
    True
    """
    if created is None or created.date().isoformat() <= HUB_FIRST_CREATION:
        return None
    return RecordedMonth(
        value=created.strftime("%Y-%m"),
        snippet=f"createdAt: {created.isoformat()}",
        locator="Hugging Face API: createdAt",
        reason="month the model's Hugging Face repo was created (the Hub's record; weights may go public later)",
    )


def from_manifest(month: str | None, manifest: str = "MANIFEST.tsv") -> RecordedMonth | None:
    """The ``pub_month`` a corpus manifest records for a file; None when blank or not YYYY-MM.

    Examples
    --------
    >>> from_manifest("2025-04").locator, from_manifest(""), from_manifest("2025")
    ('MANIFEST.tsv: pub_month', None, None)
    """
    if not month or not MONTH.match(month):
        return None
    return RecordedMonth(
        value=month,
        snippet=f"pub_month: {month}",
        locator=f"{manifest}: pub_month",
        reason="publication month the corpus manifest records for this file (its curator's reading of the publisher's repo)",
    )


def unknown_month(catalog, model_id: str) -> bool:
    """Whether nothing the catalog (curated entries, and discoveries overlaid) holds gives the model a month."""
    return not getattr(catalog.entities.get(model_id), "released", None)


def month_claim(model_id: str, month: RecordedMonth, doc: SourceDocument) -> Claim:
    """``model released YYYY-MM``, reported, its evidence the record the month was read from."""
    return settle(Draft(
        subject=model_id,
        predicate=Predicate.RELEASED,
        value=month.value,
        primary=doc.kind is SourceKind.PRIMARY,
        role=Role.INFERRED,
        reason=clip(month.reason, 200),
        evidence=(
            Evidence(source=doc.id, revision=doc.revision, source_kind=doc.kind, locator=month.locator,
                     snippet=clip(month.snippet), method=Method.METADATA, retrieved_at=utcnow()),
        ),
    ))
