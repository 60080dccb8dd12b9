"""Controlled vocabularies the command line needs before anything else loads (no pydantic here).

:mod:`lineage.domain` re-exports them; import them from there in library code.
"""

from __future__ import annotations

from enum import Enum


class Status(str, Enum):
    """How well a primary source backs a claim."""

    VERIFIED = "verified"
    """A primary source (the model's own config, report, card or code) states it."""
    CONTRADICTED = "contradicted"
    """A primary source states the opposite."""
    DISPUTED = "disputed"
    """Primary sources disagree with each other."""
    REPORTED = "reported"
    """Only a secondary source (article, third party, derivative) states it."""
    UNVERIFIED = "unverified"
    """Nobody with standing backs it yet."""


class EntityKind(str, Enum):
    """The five kinds of thing the catalog knows."""

    MODEL = "model"
    TECHNIQUE = "technique"
    PAPER = "paper"
    ORGANIZATION = "organization"
    HARDWARE = "hardware"
