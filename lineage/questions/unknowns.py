"""Config keys lineage does not understand yet, across every ingested config.

Config ingestion records each architecture key its detector does not know as an
``unrecognisedConfigKey`` claim (:mod:`lineage.configfile.keys`).  Listing them by key shows
a new mechanism the day its first config is ingested, and how many models share it.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict

from lineage.domain import ID_PATTERN, MAX_ID_LENGTH, Predicate
from lineage.errors import SourceFormatError, UnknownEntity
from lineage.questions.answer import Answer, Field
from lineage.questions.evidence import require_built
from lineage.store import Store
from lineage.store.iris import RDF


class UnknownKey(Answer):
    """One config key the detector does not interpret, and the models whose configs carry it."""

    key: str = Field(description="Key name, without a wrapper prefix such as 'text_config.'.")
    models: list[str] = Field(description="Model ids whose configs carry the key, sorted.")
    sources: list[str] = Field(description="Config source ids the key was read from, sorted.")
    example: str = Field(description="One 'key = value' snippet, from the first source.")


def unknowns(store: Store, model: str | None = None) -> list[UnknownKey]:
    """Unrecognised config keys, the most widespread first; only ``model``'s when given."""
    if model is not None and (len(model) > MAX_ID_LENGTH or not re.fullmatch(ID_PATTERN, model)):
        shown = ascii(model[:MAX_ID_LENGTH])[1:-1]
        raise SourceFormatError(
            f'--model "{shown}" is not a model id (lowercase letters, digits, "-" and ".", e.g. deepseek-v3); '
            "see 'lineage ls models'"
        )
    require_built(store)
    if model is not None:
        _require_model(store, model)
    by_key: dict[str, list] = defaultdict(list)
    for c in store.claims(subject=model, predicate=Predicate.UNRECOGNISED_CONFIG_KEY):
        by_key[str(c.value).rsplit(".", 1)[-1]].append(c)
    rows = [
        UnknownKey(
            key=key,
            models=sorted({c.subject for c in claims}),
            sources=sorted({c.source for c in claims}),
            example=sorted(claims, key=lambda c: c.source)[0].evidence[0].snippet,
        )
        for key, claims in by_key.items()
    ]
    return sorted(rows, key=lambda r: (-len(r.models), r.key))


_MODELS = f"""SELECT DISTINCT ?m WHERE {{ {{ ?m a lin:Model }} UNION {{ ?c a lin:Claim ; <{RDF}subject> ?m }} }}"""


def _require_model(store: Store, model: str) -> None:
    """An id that is no model of the store (typed so, or the subject of a claim) is an unknown entity, with close ids."""
    known = {r["m"] for r in store.select(_MODELS, entity_ids=True)}
    if model not in known:
        raise UnknownEntity("model", model, difflib.get_close_matches(model, sorted(known), n=3, cutoff=0.6), "ls models")
