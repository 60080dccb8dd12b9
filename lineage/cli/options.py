"""The options every command shares: their types, help and defaults (nothing here runs a command).

The rest of the command plumbing lives by concern: errors and exit codes (:mod:`lineage.cli.failures`),
opening the store and the catalog (:mod:`lineage.cli.stores`), output in every format
(:mod:`lineage.cli.render`, the text tables in :mod:`lineage.cli.text_table`) and progress bars
(:mod:`lineage.cli.progress`).  Nothing here imports the library at module import.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from lineage.vocab import STATUS_ORDER, WEAKEST, Status

StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        envvar="LINEAGE_STORE",
        metavar="DIR",
        help="Store directory (default: the user data dir; env LINEAGE_STORE).",
        show_default=False,
        show_envvar=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON (errors too, on stderr).")]
LimitOpt = Annotated[int | None, typer.Option("--limit", min=1, metavar="N", help="Show at most this many rows.")]


class Format(str, Enum):
    """How a question prints its answer."""

    table = "table"
    json = "json"
    md = "md"
    csv = "csv"


FormatOpt = Annotated[
    Format,
    typer.Option("--format", help="table (fitted to the terminal), json, md (Markdown) or csv (the tables only)."),
]
MinStatusOpt = Annotated[
    Status | None,
    typer.Option(
        "--min-status",
        metavar="STATUS",
        help=f"Keep only rows whose status is at least this strong ({STATUS_ORDER}); default: every status.",
        show_default=False,
    ),
]


def min_status_or_any(min_status: Status | None) -> Status:
    """``--min-status`` as the library takes it: not given means every status (the weakest)."""
    return WEAKEST if min_status is None else min_status
