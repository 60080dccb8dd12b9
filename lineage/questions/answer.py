"""The one kind of answer every question returns: a frozen dataclass whose fields carry descriptions.

Answers are ``@dataclass(frozen=True, kw_only=True)`` classes, their fields declared with :func:`Field` as pydantic's are (a default or a
factory, and a description): building one loads nothing (no pydantic, no validators), so a cold question pays only
for the work it does, and the command line prints one as JSON field by field
(:func:`lineage.cli.render.emit_json`). An answer is not changed once made (:func:`dataclasses.replace` makes
a changed copy).
"""

from __future__ import annotations

import dataclasses
from typing import Any


def Field(default: Any = dataclasses.MISSING, *, default_factory: Any = dataclasses.MISSING, description: str) -> Any:  # noqa: N802 (named as pydantic's)
    """An answer's field: its default (or factory) and its description."""
    return dataclasses.field(default=default, default_factory=default_factory, metadata={"description": description})
