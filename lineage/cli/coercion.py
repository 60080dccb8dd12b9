"""Command-line values converted without pydantic where typer's conversion is the identity.

Typer (0.29+) converts every parameter value through a pydantic ``TypeAdapter`` built the first
time the parameter is parsed: a query command paid ~0.12 s importing pydantic and ~0.05 s
building adapters before it ran, only to turn ``"mla"`` into ``"mla"``.  :func:`install`
gives every parameter a converter that handles the values whose conversion is
plain — a missing value, a string for a ``str``, a path for a ``Path`` (checked by typer's own
path rules), a member or name of an ``Enum`` — and hands every other value (a number, a value
that fails) to typer's converter, built then, so results and error messages stay typer's own.

With a typer that converts otherwise (before 0.29, or a later layout) nothing is changed.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any


class PlainValue:
    """Typer's runtime converter for one parameter, built only for a value that needs it."""

    def __init__(self, descriptor: Any):
        self.descriptor = descriptor
        self._typer: Any = None  # typer's own converter (typer._coercion.RuntimeParam), built when first needed

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        """``value`` converted as typer would (``None`` for a missing value, ``()`` for a missing list)."""
        if value is None and not (param.multiple or param.nargs == -1):
            return None
        try:
            return self._plain(value, param, ctx)
        except Exception:  # typer's converter decides, and words the error
            pass
        if self._typer is None:
            from typer._coercion import build_runtime_param

            self._typer = build_runtime_param(self.descriptor)
        return self._typer.coerce(value, param=param, ctx=ctx)

    def _plain(self, value: Any, param: Any, ctx: Any) -> Any:
        annotation, info = self.descriptor.annotation, self.descriptor.parameter_info
        if param.multiple or param.nargs != 1 or info.parser is not None or self.descriptor.file_annotation is not None:
            raise TypeError("not a plain value")
        if annotation is str and isinstance(value, str):
            return value
        if annotation is Path and isinstance(value, str | Path) and str(value) and info.path_type is None:
            from typer._param_types import coerce_cli_path

            return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
        if isinstance(annotation, type) and issubclass(annotation, Enum):
            from typer._param_types import coerce_cli_choice

            return coerce_cli_choice(value, choices=tuple(annotation), case_sensitive=info.case_sensitive, ctx=ctx)
        raise TypeError("not a plain value")


def install() -> None:
    """Make every typer parameter convert through :class:`PlainValue` (idempotent; a no-op where typer has no such hook)."""
    try:
        from typer.core import _TyperParameter
    except ImportError:
        return
    if not callable(getattr(_TyperParameter, "get_runtime_param", None)) or getattr(_TyperParameter, "_plain", False):
        return

    def get_runtime_param(self):
        if self._runtime_param is None:
            self._runtime_param = PlainValue(self.type_descriptor)
        return self._runtime_param

    _TyperParameter.get_runtime_param = get_runtime_param  # type: ignore[method-assign]  # the hook this module replaces
    setattr(_TyperParameter, "_plain", True)  # noqa: B010 (marks the class patched; typer declares no such attribute)
