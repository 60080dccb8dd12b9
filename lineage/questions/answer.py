"""The one kind of answer every question returns: a frozen dataclass whose fields carry descriptions.

An answer subclasses :class:`Answer` and declares its fields with :func:`Field` as pydantic's are (a default or a
factory, and a description); the subclass is made a frozen, keyword-only dataclass. Building one loads nothing (no
pydantic, no validators), so a cold question pays only for the work it does, and the command line prints one as
JSON field by field (:func:`lineage.cli.render.emit_json`). An answer is not changed once made
(:func:`dataclasses.replace` makes a changed copy); a value pydantic would have coerced (a status given as text)
is converted where the answer is built.
"""

from __future__ import annotations

import dataclasses
from typing import Any, dataclass_transform


def Field(default: Any = dataclasses.MISSING, *, default_factory: Any = dataclasses.MISSING, description: str) -> Any:  # noqa: N802 (named as pydantic's)
    """An answer's field: its default (or factory) and its description."""
    return dataclasses.field(default=default, default_factory=default_factory, metadata={"description": description})


@dataclass_transform(frozen_default=True, kw_only_default=True, field_specifiers=(Field,))
class Answer:
    """A question's answer (or a part of one): each subclass is a frozen, keyword-only dataclass."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclasses.dataclass(frozen=True, kw_only=True)(cls)
