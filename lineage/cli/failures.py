"""Library errors as one line on stderr and an exit code (:func:`lineage.errors.exit_code_for`):
0 ok, 1 a check failed, 2 bad input, 3 an external failure, 130 interrupted."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from collections.abc import Callable

import typer

from lineage.errors import LineageError, exit_code_for


def report_error(message: str, code: int, json_out: bool = False) -> None:
    """One error on stderr: ``Error: message``, or ``{"error": message, "code": code}`` with ``--json``."""
    if json_out:
        typer.echo(json.dumps({"error": message, "code": code}, ensure_ascii=False), err=True)
    else:
        typer.echo(f"Error: {message}", err=True)


def fail(message: str, code: int, json_out: bool = False) -> typer.Exit:
    """Report ``message`` on stderr and return the Exit to raise."""
    report_error(message, code, json_out)
    return typer.Exit(code)


def handles_errors(fn: Callable) -> Callable:
    """Turn library errors into one-line messages and exit codes (tracebacks with LINEAGE_DEBUG=1).

    A command called with ``--json`` reports its error as JSON on stderr, with the same exit code.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        json_out = bool(kwargs.get("json_out")) or getattr(kwargs.get("fmt"), "value", None) == "json"
        try:
            return fn(*args, **kwargs)
        except LineageError as exc:
            if os.environ.get("LINEAGE_DEBUG"):
                raise
            raise fail(str(exc).splitlines()[0], exit_code_for(exc), json_out) from None
        except KeyboardInterrupt:
            message = "interrupted; every source already written is complete, the rest unchanged"
            raise fail(message, 130, json_out) from None
        except BrokenPipeError:  # the reader left (`lineage claims | head -1`): not an error
            quiet_stdout()
            raise typer.Exit(0) from None

    return wrapper


def quiet_stdout() -> None:
    """Point stdout at /dev/null after a broken pipe, so the flush at exit does not fail again."""
    with contextlib.suppress(OSError, ValueError):  # no real file descriptor: a test runner's buffer
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

