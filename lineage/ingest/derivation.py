"""The one ``derivedFrom`` claim builder: a card's front matter, a Hub listing entry and a quantized copy's config
all state "``model`` is derived from ``base`` (``relation``)" through :func:`derivation_claim`.

The status is the verify layer's (:func:`lineage.verify_draft.settle`): the builder only says what was read,
from where (``evidence``), whether the source speaks for the model (``primary``) and whether it states the
derivation or it was inferred (``role``: a name suffix, a guessed relation).
"""

from __future__ import annotations

from collections.abc import Iterable

from lineage.domain import Claim, Draft, Evidence, Predicate, Role
from lineage.verify_draft import settle


def derivation_claim(model: str, base: str, relation: str, evidence: Iterable[Evidence], *, primary: bool,
                     reason: str, role: Role = Role.STATES) -> Claim:
    """``model derivedFrom base`` with qualifier ``relation`` (quantized, finetune, adapter, merge, distill…)."""
    return settle(Draft(subject=model, predicate=Predicate.DERIVED_FROM, object=base, qualifiers={"relation": relation},
                        primary=primary, role=role, reason=reason[:200], evidence=tuple(evidence)))
