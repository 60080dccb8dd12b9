"""Stored domain objects read back without pydantic: a model's fields as plain attributes.

What was validated when it was written — a catalog entity compiled from the seeds, a claim and
its evidence in the store — is read back as a :class:`Record`: a frozen object holding the
model's fields in the model's order, nested models as records, enums as members.  Read commands
answer from records and never import pydantic (~0.1 s of their 0.3 s budget, issue 18).

A record stands in for its model wherever it is only read: :meth:`Record.model` gives the
pydantic instance (``lineage.domain.<name>``, built unvalidated, as the store hands claims out),
and any attribute the record lacks (``model_dump_json``, ``Claim.id`` …) is looked up on it.
``model_dump`` and ``model_copy`` answer without pydantic for the plain cases.

Examples
--------
>>> from lineage.vocab import SourceKind
>>> ref = record("SourceRef", url="https://arxiv.org/abs/2405.04434", kind=SourceKind.PRIMARY, note=None)
>>> ref.url, ref.kind.value
('https://arxiv.org/abs/2405.04434', 'primary')
>>> ref.model_dump(mode="json", exclude_none=True)
{'url': 'https://arxiv.org/abs/2405.04434', 'kind': 'primary'}
>>> ref.model_copy(update={"note": "abstract"}).note
'abstract'
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from enum import Enum
from typing import Any


class _Fallback(Exception):
    """A value the plain dump does not write as pydantic would: the model writes it."""


class Record:
    """A domain object read back without validation: the fields of the model named ``_model``."""

    _model = ""

    def __init__(self, **fields: Any):
        self.__dict__.update(fields)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{self._model} record is read-only: use model_copy(update=...)")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{self._model} record is read-only")

    def __getattr__(self, name: str) -> Any:
        """An attribute that is not a field: found on the pydantic model (loaded then)."""
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.model(), name)

    def model(self) -> Any:
        """This record as its pydantic model instance (unvalidated, like ``model_construct``)."""
        from lineage import domain  # deferred for start-up: pydantic

        return getattr(domain, self._model).model_construct(**{k: _to_model(v) for k, v in self.__dict__.items()})

    def model_dump(self, *, mode: str = "python", exclude_none: bool = False, **options: Any) -> dict[str, Any]:
        """The fields as a dict, as pydantic's ``model_dump`` writes them."""
        if not options and mode in ("python", "json"):
            try:
                return _dump(self, mode == "json", exclude_none)
            except _Fallback:
                pass
        return self.model().model_dump(mode=mode, exclude_none=exclude_none, **options)

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Record:
        """A copy with ``update`` applied, unvalidated (as pydantic's ``model_copy``)."""
        if deep:
            return record_of(self.model().model_copy(update=update, deep=True))
        return type(self)(**{**self.__dict__, **(update or {})})

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        """``(field, value)`` pairs, as iterating a pydantic model gives."""
        return iter(self.__dict__.items())

    def __eq__(self, other: object) -> bool:
        if type(other) is type(self):
            return self.__dict__ == other.__dict__
        if type(other).__name__ == self._model and hasattr(type(other), "model_fields"):
            return self.model() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self._model, *self.__dict__.values()))

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)  # unpickling: defined, so pickle never asks __getattr__ for it

    def __repr__(self) -> str:
        return f"{self._model}({', '.join(f'{k}={v!r}' for k, v in self.__dict__.items())})"


_CLASSES: dict[str, type[Record]] = {}


def record_class(model: str) -> type[Record]:
    """The record class standing in for ``lineage.domain.<model>`` (one per model, so kinds compare by type).

    It is ``lineage.records.<model>Record``, so pickle finds it by name (pickled records load
    in C: the fields dict is set, no Python call per record).
    """
    cls = _CLASSES.get(model)
    if cls is None:
        cls = _CLASSES[model] = type(f"{model}Record", (Record,), {"_model": model, "__module__": __name__})
    return cls


def __getattr__(name: str) -> type[Record]:
    if name.endswith("Record") and name != "Record":
        return record_class(name.removesuffix("Record"))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def record(model: str, **fields: Any) -> Record:
    """A record of ``model`` with ``fields`` (every field of the model, in its order)."""
    return record_class(model)(**fields)


def record_of(value: Any) -> Any:
    """``value`` with every pydantic model in it turned into a record (tuples, lists and dicts walked)."""
    fields = getattr(type(value), "model_fields", None)
    if fields is not None:
        return record(type(value).__name__, **{name: record_of(getattr(value, name)) for name in fields})
    if isinstance(value, tuple | list):
        return type(value)(record_of(v) for v in value)
    if isinstance(value, dict):
        return {k: record_of(v) for k, v in value.items()}
    return value


def _to_model(value: Any) -> Any:
    if isinstance(value, Record):
        return value.model()
    if isinstance(value, tuple | list):
        return type(value)(_to_model(v) for v in value)
    if isinstance(value, dict):
        return {k: _to_model(v) for k, v in value.items()}
    return value


_PLAIN = (str, int, float, bool, type(None))


def _dump(value: Any, json: bool, exclude_none: bool) -> Any:
    if isinstance(value, Record):
        return {k: _dump(v, json, exclude_none) for k, v in value.__dict__.items() if not (exclude_none and v is None)}
    if isinstance(value, Enum):
        return value.value if json else value
    if isinstance(value, _PLAIN) and not (isinstance(value, float) and value - value != 0):  # not inf or nan
        return value
    if isinstance(value, tuple | list):
        items = [_dump(v, json, exclude_none) for v in value]
        return items if json or isinstance(value, list) else tuple(items)
    if isinstance(value, dict) and not (exclude_none and None in value.values()):
        return {k: _dump(v, json, exclude_none) for k, v in value.items()}
    if isinstance(value, datetime):  # pydantic writes ISO 8601, "Z" for UTC (evidence's retrieved_at)
        if not json:
            return value
        text = value.isoformat()
        return text[:-6] + "Z" if value.utcoffset() == timedelta(0) else text
    raise _Fallback(type(value).__name__)  # anything else: pydantic's own format
