"""One pipeline for every question: resolve -> ask -> render.

A question command is two functions.  Its *ask* takes :class:`Asked` (what every question shares:
the store, the weakest status kept, whether derivatives count; and the store's catalog and graph,
projected once) and its own arguments, resolves the names it was given to ids and returns the
answer of a function in :mod:`lineage.questions`.  Its *show* prints that answer as text (its
tables through :func:`lineage.cli.render.table`, so ``--format md``/``csv`` render them too).
:func:`question` makes the command: it adds the options every question takes (a tail of
:data:`QUESTION` or :data:`ALIAS`) to the ask's own, turns library errors into exit codes
(:func:`lineage.cli.failures.handles_errors`) and prints the answer as JSON or with the show.

Typer reads a command's options from its signature (``inspect.signature``, which honours
``__signature__``, typer's public contract): the command's signature is the ask's own parameters, then the
tail.  A module defining asks does not use ``from __future__ import annotations`` (typer reads real annotations).
"""

import contextlib
import functools
import inspect
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Protocol, cast

import typer

from lineage.cli.failures import handles_errors
from lineage.cli.options import Format, FormatOpt, JsonOpt, MinStatusOpt, StoreOpt, min_status_or_any
from lineage.cli.render import emit_json, rendering
from lineage.cli.stores import open_store, read_catalog
from lineage.vocab import STATUS_ORDER, WEAKEST, Status

AtLeastOpt = Annotated[
    Status,
    typer.Option(
        "--min-status",
        metavar="STATUS",
        help=f"Keep only rows whose status is at least this strong ({STATUS_ORDER}); default: every status.",
        show_default=False,
    ),
]
"""``--min-status`` of the commands of earlier releases (:mod:`lineage.cli.aliases`): its default the weakest status."""
DerivativesOpt = Annotated[bool, typer.Option(
    "--derivatives", help="Also count derivatives (quantizations, adapters, merges, other labs' fine-tunes) as models.")]


def _option(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)


MIN_STATUS = _option("min_status", MinStatusOpt, None)
AT_LEAST = _option("min_status", AtLeastOpt, WEAKEST)
DERIVATIVES = _option("derivatives", DerivativesOpt, False)
FORMAT = _option("fmt", FormatOpt, Format.table)
STORE = _option("store", StoreOpt, None)
JSON = _option("json_out", JsonOpt, False)

QUESTION = (MIN_STATUS, FORMAT, STORE, JSON)
"""The options every noun-first question takes, after its own."""
LISTING = (FORMAT, STORE, JSON)
"""A question with no status to filter on (``ls``)."""
STORED = (STORE, JSON)
"""A command of earlier releases that reads the store with no status to filter on."""
ALIAS = (AT_LEAST, STORE, JSON)
"""The options of the commands of earlier releases: text or ``--json``, no ``--format``."""
ALIAS_DERIVATIVES = (AT_LEAST, DERIVATIVES, STORE, JSON)
"""The same, for a question that may count derivatives as models."""


class Asked:
    """What one question was asked with, and the store's catalog and graph (projected once, when first needed)."""

    def __init__(self, store: Any = None, least: Status = WEAKEST, derivatives: bool = False, given: dict | None = None):
        self.store, self.least, self.derivatives = store, least, derivatives
        self.given = given or {}
        """The command's own arguments, as given (a show may print by them: ``--discovered``)."""
        self._catalog: Any = None
        self._graphs: dict[bool, tuple[Any, Any]] = {}

    @contextlib.contextmanager
    def reading(self) -> Iterator[tuple[Any, Any]]:
        """The store, opened read-only, and its catalog (:func:`lineage.cli.stores.read_catalog`, read once)."""
        with open_store(self.store) as st:
            if self._catalog is None:
                self._catalog = read_catalog(st)
            yield st, self._catalog

    def catalog(self) -> Any:
        """The store's catalog (read once)."""
        if self._catalog is None:
            with self.reading():
                pass
        return self._catalog

    def graph(self, derivatives: bool | None = None) -> tuple[Any, Any]:
        """The catalog and the store's projection (derivatives' uses only when asked), made once per command for
        every section of its answer, both kept in the store's read model (no networkx, no pydantic:
        :func:`lineage.questions.projection.projected`); the store must be built."""
        from lineage.questions.projection import projected

        wanted = self.derivatives if derivatives is None else derivatives
        if wanted not in self._graphs:
            with self.reading() as (st, catalog):
                self._graphs[wanted] = catalog, projected(st, catalog, derivatives=wanted)
        return self._graphs[wanted]

    def resolve(self, name: str, kind: Any) -> str:
        """The id ``name`` (an id, name or alias) stands for among entities of ``kind``, or a not-found error."""
        return self.graph()[0].resolve(name, kind)


Show = Callable[[Any, Asked], None]


class Command(Protocol):
    """A question command (typer calls it with every option), with its ask and show for questions made of sections."""

    ask: Callable[..., Any]
    show: Show

    def __call__(self, *args: Any, **kwargs: Any) -> None: ...


def question(show: Show, tail: tuple[inspect.Parameter, ...] = ALIAS) -> Callable[[Callable[..., Any]], Command]:
    """The command answering with ``ask`` (decorated): its options are the ask's own and ``tail``'s; the answer
    is printed as JSON with ``--json`` (or ``--format json``), else by ``show(answer, asked)``."""

    def make(ask: Callable[..., Any]) -> Command:
        own = list(inspect.signature(ask).parameters.values())[1:]  # the first is the Asked
        signature = inspect.Signature([*own, *tail], return_annotation=None)
        formats = any(p.name == "fmt" for p in tail)
        names = {p.name for p in own}

        @handles_errors
        @functools.wraps(ask)
        def command(*args: Any, **kwargs: Any) -> None:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            given = bound.arguments
            fmt, json_out = given.pop("fmt", Format.table), given.pop("json_out")
            store, least = given.pop("store"), min_status_or_any(given.pop("min_status", None))
            derivatives = given.get("derivatives", False) if "derivatives" in names else given.pop("derivatives", False)
            asked = Asked(store, least, derivatives, dict(given))
            if not formats:  # the aliases print text as it comes (no --format, nothing fitted)
                answer(asked, ask(asked, **given), show, json_out)
                return
            with rendering(fmt, json_out) as as_json:
                answer(asked, ask(asked, **given), show, as_json)

        del command.__wrapped__  # type: ignore[attr-defined]  # typer reads the signature below, not the ask's
        command.__signature__ = signature  # type: ignore[attr-defined]
        made = cast(Command, command)
        made.ask, made.show = ask, show  # for a question made of others' sections
        return made

    return make


def answer(asked: Asked, result: Any, show: Show, as_json: bool) -> None:
    """Print ``result``: as JSON, or as text by ``show``."""
    if as_json:
        emit_json(result)
    else:
        show(result, asked)


def add_commands(app: typer.Typer, *commands: Callable[..., Any]) -> None:
    """Register each command under its function's name (``who_uses_command`` is ``who-uses``)."""
    for fn in commands:
        app.command(fn.__name__.removesuffix("_command").replace("_", "-"))(fn)
