"""A SPARQL query on the store with a time limit and a size limit on what it returns.

Oxigraph has no query timeout, but it releases the GIL while it evaluates (measured: a thread
beside a three-way cartesian product kept ticking every 10 ms).  So the query runs in a daemon
thread and the caller waits at most ``timeout`` seconds for it: past that, :class:`QueryTimeout`
is raised at once, the worker is told to stop, and it does at its next batch of results (its
writes check a flag).  A query that computes everything before its first row (``COUNT`` over a
product) cannot be stopped mid-way (pyoxigraph has no cancellation); its thread is a daemon, so the
process still exits with the error.  In a long-lived process such threads cannot pile up: while one
left past its limit still runs, the next query waits for it within its own limit, and is refused
(:class:`QueryTimeout`, one line) if it is still running then, so they do not accumulate.
Starting the thread costs about 0.1 ms, nothing beside a query's own time.

Results are serialized by Oxigraph (TSV for SELECT, N-Triples for CONSTRUCT) into a buffer
bounded by :data:`MAX_RESULT_BYTES`, so a query that returns too much fails rather than filling
memory.
"""

from __future__ import annotations

import contextlib
import threading
import time

from lineage.errors import QueryTimeout, SourceFormatError, StoreError

DEFAULT_TIMEOUT = 5.0
"""Seconds a saved query may run (``lineage query --timeout``); every saved query in queries/
answers in well under a second on the shipped release."""

MAX_RESULT_BYTES = 256 * 1024 * 1024
"""Most bytes of serialized results one query may return (256 MB)."""


class _Stop(Exception):
    """Raised inside Oxigraph's serializer (from :meth:`_Sink.write`) to end a cancelled query."""


class _Sink:
    """A binary output for Oxigraph's serializer that stops when told to or when it is full."""

    def __init__(self, stop: threading.Event):
        self.parts: list[bytes] = []
        self.size = 0
        self.stop = stop
        self.full = False

    def write(self, data: bytes) -> int:
        if self.stop.is_set():
            raise _Stop
        self.size += len(data)
        if self.size > MAX_RESULT_BYTES:
            self.full = True
            raise _Stop
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def run(ox_store, sparql: str, *, timeout: float, name: str, **options) -> tuple[str, bytes | bool]:
    """``(kind, result)`` of ``sparql`` on ``ox_store`` (``options`` go to ``Store.query``).

    ``kind`` is ``"select"`` (TSV bytes), ``"ask"`` (a bool) or ``"triples"`` (N-Triples bytes).
    Raises :class:`QueryTimeout` past ``timeout`` seconds, :class:`SourceFormatError` when Oxigraph
    cannot parse the query or the results pass :data:`MAX_RESULT_BYTES`, :class:`StoreError`
    when the store cannot be read.
    """
    from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat

    started, limit = time.monotonic(), timeout
    if not _runaway_ended(timeout):
        raise QueryTimeout(f"{name} did not start: a query past its time limit is still running in this process "
                           f"(Oxigraph cannot stop it); wait for it, or start a new process")
    timeout = max(0.0, timeout - (time.monotonic() - started))
    stop = threading.Event()
    sink = _Sink(stop)
    outcome: dict[str, object] = {}

    def evaluate() -> tuple[str, bytes | bool]:
        result = ox_store.query(sparql, **options)
        if isinstance(result, QueryBoolean):
            return "ask", bool(result)
        if isinstance(result, QuerySolutions):
            result.serialize(sink, QueryResultsFormat.TSV)  # type: ignore[arg-type]  # any object with write(bytes) serves
            return "select", b"".join(sink.parts)
        result.serialize(sink, RdfFormat.N_TRIPLES)
        return "triples", b"".join(sink.parts)

    def work() -> None:
        # Oxigraph's result objects must be dropped on the thread that made them: the error handed
        # over keeps no traceback (whose frames would hold them).
        try:
            outcome["value"] = evaluate()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            outcome["error"] = exc.with_traceback(None)

    if not within(work, timeout, _RUNAWAY):
        stop.set()
        raise QueryTimeout(timeout_message(name, limit))
    error = outcome.get("error")
    if sink.full:
        raise SourceFormatError(f"{name} returned more than {MAX_RESULT_BYTES // 2**20} MB of results; add a LIMIT")
    if isinstance(error, SyntaxError):
        raise SourceFormatError(f"{name} is not valid SPARQL: {str(error).splitlines()[0][:160]}") from None
    if isinstance(error, OSError):
        raise StoreError(f"{name} failed while reading the store: {str(error).splitlines()[0]}") from None
    if isinstance(error, BaseException):
        raise error
    return outcome["value"]  # type: ignore[return-value]


_RUNAWAY: list[threading.Thread] = []
"""Workers left running past their limit (see the module docstring)."""


def _runaway_ended(timeout: float) -> bool:
    """Whether no worker left past its limit still runs, waiting for it up to ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    for worker in list(_RUNAWAY):
        worker.join(max(0.0, deadline - time.monotonic()))
        if worker.is_alive():
            return False
        with contextlib.suppress(ValueError):  # another caller's wait may have removed it
            _RUNAWAY.remove(worker)
    return True


def within(work, timeout: float, left: list[threading.Thread] | None = None) -> bool:
    """Run ``work()`` in a daemon thread; whether it finished within ``timeout`` seconds (else it is left
    running, and appended to ``left`` when given)."""
    worker = threading.Thread(target=work, name="lineage-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        if left is not None:
            left.append(worker)
        return False
    return True


def timeout_message(name: str, timeout: float) -> str:
    """What a query past its time limit reports."""
    return f"{name} ran past the {timeout:g} s time limit; narrow it (LIMIT, fewer patterns) or raise --timeout"
