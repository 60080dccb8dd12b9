"""Neo4j backend: push the graph to a Bolt server and run Cypher there.

Layout on the server (portable Cypher, no server-specific functions):

- ``(:Entity {id, kind, label, description, organization, released, first_appeared, inventors, report})``,
  one per catalog entity (``id`` unique);
- one relationship per (subject, predicate, object), typed by the predicate
  (``USES``, ``INTRODUCED_BY``, ``DEVELOPED_BY``, ``CITES``, ``DERIVED_FROM``, …) and carrying
  the claim: ``status``, ``rank`` (its :data:`~lineage.domain.STATUS_RANK`, so queries filter
  ``rank <= $min_status``), ``relation`` (a ``DERIVED_FROM``'s quantized, finetune, adapter, merge…), ``reason``, ``basis`` (for ``INTRODUCED_BY``: ``introduced`` when
  the catalog or a primary source makes it, ``claimed`` otherwise), ``sources`` and ``key``;
- ``(:Evidence {id, edge, subject, predicate, object, source, source_kind, method, locator,
  snippet, supports})``, one per piece of evidence, ``edge`` naming the relationship's ``key``.

Rows are written with ``UNWIND $rows AS r MERGE …`` in batches of at most ``batch`` rows
and ``max_bytes`` of parameters (FalkorDB's Bolt endpoint crashes on messages over about
4 KB), so pushing twice gives the same graph.  The ``neo4j`` driver is imported here only.

FalkorDB's Bolt endpoint (it reports itself as Neo4j 5.13) splices string parameters into
single-quoted literals on the server, so a parameter containing ``'`` fails there.
:func:`connect` probes for this once and, only on such a server, escapes ``\\`` and ``'``
in every string parameter, which the server decodes back; values round-trip unchanged.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator

import networkx as nx
from pydantic import BaseModel, Field

from lineage.domain import STATUS_RANK
from lineage.errors import ExternalServiceError, QueryTimeout, SourceFormatError
from lineage.store.bounded import DEFAULT_TIMEOUT, timeout_message, within

log = logging.getLogger(__name__)

_RANK = {s.value: r for s, r in STATUS_RANK.items()} | {"curated": 0}
TEXT_MAX = 600
"""Longer strings (descriptions, reasons) are cut to this many characters before pushing."""
DEFAULT_BATCH = 20
DEFAULT_MAX_BYTES = 3000
STALL_TIMEOUT = 60.0
"""Seconds a push waits for the server to answer one write before it gives up (a stalled server otherwise
holds the client forever: the driver has no read timeout)."""


def rel_type(predicate: str) -> str:
    """``introducedBy`` -> ``INTRODUCED_BY`` (relationship types cannot be parameters, so they come
    only from this fixed mapping of known predicates, never from input text).

    Examples
    --------
    >>> rel_type("introducedBy")
    'INTRODUCED_BY'
    """
    out = "".join("_" + c if c.isupper() else c for c in predicate).upper()
    if not out.replace("_", "").isalpha():
        raise SourceFormatError(f'predicate "{predicate}" cannot be a relationship type')
    return out


class PushReport(BaseModel):
    """What ``lineage push neo4j`` wrote."""

    uri: str = Field(description="Bolt URI.")
    server: str = Field(description="Server agent string.")
    nodes: int = Field(description="Entity nodes merged.")
    relationships: int = Field(description="Claim relationships merged.")
    evidence: int = Field(description="Evidence nodes merged.")
    statements: int = Field(description="UNWIND statements sent.")
    seconds: float = Field(description="Wall time of the push.")
    rows_per_second: float = Field(description="Rows (nodes + relationships + evidence) per second.")
    constraints: str = Field(description="'unique' when a uniqueness constraint exists, else what was used.")


def _clip(text: str | None) -> str | None:
    if text is None or len(text) <= TEXT_MAX:
        return text
    return text[: TEXT_MAX - 1] + "…"


def rows(g: nx.MultiDiGraph) -> tuple[list[dict], dict[str, list[dict]], list[dict]]:
    """(entity rows, relationship rows per type, evidence rows) for a projected graph."""
    nodes = []
    for n, d in g.nodes(data=True):
        nodes.append({
            "id": n,
            "kind": d.get("kind", "unknown"),
            "label": _clip(d.get("label", n)),
            "description": _clip(d.get("description") or None),
            "organization": d.get("organization"),
            "released": d.get("released") or d.get("published"),
            "first_appeared": d.get("first_appeared"),
            "inventors": list(d.get("inventors", [])) or None,
            "report": d.get("report"),
        })
    rels: dict[str, list[dict]] = {}
    evidence = []
    for s, o, k, d in g.edges(keys=True, data=True):
        key = f"{s}|{k}|{o}"
        evs = d.get("evidence", [])
        curated = any(ev["source"].startswith("catalog:") for ev in evs)
        basis = None
        if k == "introducedBy":
            basis = "introduced" if curated or d["status"] in ("verified", "disputed") else "claimed"
        rels.setdefault(rel_type(k), []).append({
            "s": s,
            "o": o,
            "key": key,
            "status": d["status"],
            "rank": _RANK.get(d["status"], 4),
            "reason": _clip(d.get("reason", "")),
            "basis": basis,
            "sources": sorted({ev["source"] for ev in evs}) or None,
            "relation": ((d.get("qualifiers") or {}).get("relation") or "unknown") if k == "derivedFrom" else None,
        })
        for i, ev in enumerate(evs):
            evidence.append({
                "id": f"{key}#{i}",
                "edge": key,
                "s": s,
                "p": k,
                "o": o,
                "source": ev["source"],
                "source_kind": ev["source_kind"],
                "method": ev["method"],
                "locator": _clip(ev["locator"]),
                "snippet": _clip(ev["snippet"]),
                "supports": bool(ev.get("supports", True)),
            })
    return nodes, rels, evidence


NODE_MERGE = (
    "UNWIND $rows AS r MERGE (n:Entity {id: r.id}) "
    "SET n.kind = r.kind, n.label = r.label, n.description = r.description, n.organization = r.organization, "
    "n.released = r.released, n.first_appeared = r.first_appeared, n.inventors = r.inventors, n.report = r.report"
)
REL_MERGE = (
    "UNWIND $rows AS r MATCH (a:Entity {id: r.s}) MATCH (b:Entity {id: r.o}) MERGE (a)-[e:%s]->(b) "
    "SET e.key = r.key, e.status = r.status, e.rank = r.rank, e.reason = r.reason, e.basis = r.basis, "
    "e.sources = r.sources, e.relation = r.relation"
)
EVIDENCE_MERGE = (
    "UNWIND $rows AS r MERGE (v:Evidence {id: r.id}) "
    "SET v.edge = r.edge, v.subject = r.s, v.predicate = r.p, v.object = r.o, v.source = r.source, "
    "v.source_kind = r.source_kind, v.method = r.method, v.locator = r.locator, v.snippet = r.snippet, "
    "v.supports = r.supports"
)


def batches(items: Iterable[dict], batch: int = DEFAULT_BATCH, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[list]:
    """Split rows into lists of at most ``batch`` rows and about ``max_bytes`` of JSON (0: no byte cap).

    Examples
    --------
    >>> [len(b) for b in batches([{"id": "x" * 40}] * 5, batch=3, max_bytes=100)]
    [2, 2, 1]
    """
    current: list[dict] = []
    size = 0
    for item in items:
        n = len(json.dumps(item, ensure_ascii=False).encode())
        if current and (len(current) >= batch or (max_bytes and size + n > max_bytes)):
            yield current
            current, size = [], 0
        current.append(item)
        size += n
    if current:
        yield current


class Bolt:
    """One driver to a Bolt server plus what :func:`connect` learnt about it (keep one per process)."""

    def __init__(self, driver, uri: str, splices_strings: bool, database: str | None = None):
        self.driver, self.uri, self.splices_strings, self.database = driver, uri, splices_strings, database

    def params(self, value):
        """Parameters as the server needs them (escaped only where it splices strings)."""
        if not self.splices_strings:
            return value
        if isinstance(value, str):
            return value.replace("\\", "\\\\").replace("'", "\\'")
        if isinstance(value, list):
            return [self.params(v) for v in value]
        if isinstance(value, dict):
            return {k: self.params(v) for k, v in value.items()}
        return value

    def run(self, session, cypher: str, params: dict | None = None):
        return session.run(cypher, self.params(params or {}))

    def session(self, access_mode: str | None = None):
        """A session; ``READ_ACCESS`` makes the server run it as a read transaction."""
        extra = {"default_access_mode": access_mode} if access_mode else {}
        return self.driver.session(database=self.database, **extra)

    @property
    def agent(self) -> str:
        try:
            return self.driver.get_server_info().agent
        except Exception:  # noqa: BLE001 - the driver raises many unrelated types
            return "unknown"

    def read(self, cypher: str, params: dict | None = None, *, timeout: float | None = None,
             name: str = "the Cypher query") -> list[dict]:
        """:func:`run_read` on this server (what :func:`lineage.questions.saved.run` calls: questions sit below
        the backends and reach them through the object :func:`connect` returned)."""
        return run_read(self, cypher, params, timeout=timeout, name=name)

    def close(self) -> None:
        self.driver.close()


def connect(uri: str, user: str | None = None, password: str | None = None, *, database: str | None = None,
            handshake_timeout: float = 5.0, attempts: int = 3) -> Bolt:
    """A neo4j driver for ``uri`` (no auth unless a user is given); keep one per process.

    A handshake that stalls is abandoned after ``handshake_timeout`` seconds and retried
    (FalkorDB's Bolt endpoint sometimes stalls the handshake after another client closed).
    """
    try:
        from neo4j import GraphDatabase
    except ImportError:
        raise ExternalServiceError(
            "the neo4j driver is not installed; pip install 'lineage[neo4j]'"
        ) from None
    auth = (user, password or "") if user else None
    try:
        driver = GraphDatabase.driver(uri, auth=auth, connection_acquisition_timeout=handshake_timeout)
    except Exception as exc:  # noqa: BLE001 - the driver raises many unrelated types
        raise ExternalServiceError(f'cannot use the Bolt URI "{uri}": {str(exc).splitlines()[0]}') from None
    for attempt in range(attempts):
        try:
            driver.verify_connectivity()
            return Bolt(driver, uri, _splices_strings(driver, database), database)
        except Exception as exc:  # noqa: BLE001 - the driver raises many unrelated types
            log.info("Bolt handshake attempt %d with %s failed: %s", attempt + 1, uri, exc)
            error = exc
    driver.close()
    raise ExternalServiceError(f'cannot reach the Bolt server at "{uri}": {str(error).splitlines()[0]}')


def _splices_strings(driver, database: str | None) -> bool:
    """Whether the server fails on a quote in a string parameter (FalkorDB does)."""
    with driver.session(database=database) as session:
        try:
            return session.run("RETURN $q AS q", q="'").single()["q"] != "'"
        except Exception:  # noqa: BLE001 - the driver raises many unrelated types
            return True


def _write(bolt: Bolt, session, statement: str, rows_: list[dict]) -> None:
    try:
        bolt.run(session, statement, {"rows": rows_}).consume()
    except Exception as exc:  # noqa: BLE001 - the driver raises many unrelated types
        raise ExternalServiceError(
            f"pushing to the Bolt server failed on {statement.split(' MERGE ')[1][:40]!r} with {len(rows_)} rows: "
            f"{str(exc).splitlines()[0]}"
        ) from None


def ensure_schema(session) -> str:
    """A uniqueness constraint on ``Entity.id`` and ``Evidence.id``; falls back to indexes with a warning."""
    try:
        for label in ("Entity", "Evidence"):
            session.run(
                f"CREATE CONSTRAINT lineage_{label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
            ).consume()
        return "unique"
    except Exception as exc:  # noqa: BLE001 - the driver raises many unrelated types
        log.warning("uniqueness constraints not supported by this server (%s); using indexes, and MERGE keeps ids "
                    "unique", str(exc).splitlines()[0][:120])
    for label in ("Entity", "Evidence"):
        try:
            session.run(f"CREATE INDEX FOR (n:{label}) ON (n.id)").consume()
        except Exception as exc:  # noqa: BLE001 - the driver raises many unrelated types
            log.debug("index on %s.id: %s", label, exc)
    return "index"


def clear(session, batch: int = 1000, answered: Callable[[], None] | None = None) -> None:
    """Delete every lineage node (Entity, Evidence) and its relationships (``answered`` is called after each
    batch the server deleted)."""
    for label in ("Evidence", "Entity"):
        while True:
            rec = session.run(
                f"MATCH (n:{label}) WITH n LIMIT $n DETACH DELETE n RETURN count(*) AS c", n=batch
            ).single()
            if answered:
                answered()
            if not rec or rec["c"] == 0:
                break


def push(
    g: nx.MultiDiGraph,
    bolt: Bolt,
    *,
    batch: int = DEFAULT_BATCH,
    max_bytes: int = DEFAULT_MAX_BYTES,
    fresh: bool = False,
    progress: Callable[[int], None] | None = None,
    stall_timeout: float = STALL_TIMEOUT,
) -> PushReport:
    """Write the projection to the server behind ``driver`` with batched ``UNWIND … MERGE``;
    ``progress`` is told the rows of each statement once it is written.  A server that answers no write for
    ``stall_timeout`` seconds stops the push (:class:`~lineage.errors.ExternalServiceError`; what was written
    stays, and a later push MERGEs over it)."""
    if batch < 1:
        raise SourceFormatError("--batch must be at least 1")
    nodes, rels, evidence = rows(g)
    start = time.perf_counter()
    written: queue.Queue[int] = queue.Queue()  # rows per statement written, told to ``progress`` in this thread
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            with bolt.session() as session:
                outcome["constraints"] = ensure_schema(session)
                if fresh:
                    clear(session, answered=lambda: written.put(0))
                plan = [(NODE_MERGE, nodes), *((REL_MERGE % t, items) for t, items in sorted(rels.items())),
                        (EVIDENCE_MERGE, evidence)]
                for statement, items in plan:
                    for chunk in batches(items, batch, max_bytes):
                        _write(bolt, session, statement, chunk)
                        written.put(len(chunk))
        except Exception as exc:  # noqa: BLE001 - reported in the calling thread
            outcome["error"] = exc.with_traceback(None)

    statements = _watch(work, written, progress, stall_timeout, bolt.uri)
    error = outcome.get("error")
    if isinstance(error, ExternalServiceError):
        raise error
    if error is not None:
        raise ExternalServiceError(f"pushing to the Bolt server failed: {str(error).splitlines()[0]}")
    constraints = str(outcome["constraints"])
    seconds = time.perf_counter() - start
    n_rels = sum(len(v) for v in rels.values())
    total = len(nodes) + n_rels + len(evidence)
    return PushReport(
        uri=bolt.uri,
        server=bolt.agent,
        nodes=len(nodes),
        relationships=n_rels,
        evidence=len(evidence),
        statements=statements,
        seconds=round(seconds, 3),
        rows_per_second=round(total / seconds, 1) if seconds else 0.0,
        constraints=constraints,
    )


def _watch(work: Callable[[], None], written: queue.Queue[int], progress: Callable[[int], None] | None,
           stall_timeout: float, uri: str) -> int:
    """Run ``work`` in a daemon thread, telling ``progress`` what it wrote; the statements written.  Raises
    :class:`~lineage.errors.ExternalServiceError` when no write is answered for ``stall_timeout`` seconds (the
    stalled thread is left to the process's end)."""
    worker = threading.Thread(target=work, name="lineage-push", daemon=True)
    worker.start()
    statements, last = 0, time.monotonic()
    while True:
        try:
            rows_ = written.get(timeout=0.2)
        except queue.Empty:
            if not worker.is_alive() and written.empty():
                return statements
            if time.monotonic() - last > stall_timeout:
                raise ExternalServiceError(
                    f'the Bolt server at "{uri}" answered no write for {stall_timeout:g} s '
                    f"({statements} statements written before it stalled); push again once it answers") from None
            continue
        last = time.monotonic()
        if rows_:  # 0: a batch of ``clear``, answered but no statement of the push
            statements += 1
            if progress:
                progress(rows_)


def run_read(bolt: Bolt, cypher: str, params: dict | None = None, *, timeout: float | None = None,
             name: str = "the Cypher query") -> list[dict]:
    """Run Cypher in a read-access session's read transaction and return plain dict rows.

    Queries that write are refused before this is called (:func:`lineage.questions.read_only.check_cypher`);
    a Neo4j server also refuses a write in a read transaction.  (FalkorDB's Bolt endpoint does not,
    and answers an auto-commit query in a read-access session from an empty graph, so the read goes
    through ``execute_read``.)  The server is asked to stop the transaction after ``timeout``
    seconds and the client stops waiting then too (:class:`~lineage.errors.QueryTimeout`).
    """
    from neo4j import READ_ACCESS, unit_of_work


    limit = DEFAULT_TIMEOUT if timeout is None else timeout
    outcome: dict[str, object] = {}

    @unit_of_work(timeout=limit)
    def read(tx) -> list[dict]:
        return [record.data() for record in bolt.run(tx, cypher, params)]

    def work() -> None:
        try:
            with bolt.session(READ_ACCESS) as session:
                outcome["rows"] = session.execute_read(read)
        except Exception as exc:  # noqa: BLE001 - the driver raises many unrelated types
            outcome["error"] = exc.with_traceback(None)

    if not within(work, limit):
        raise QueryTimeout(timeout_message(name, limit))
    error = outcome.get("error")
    if error is not None:
        if "TransactionTimedOut" in str(getattr(error, "code", "")):
            raise QueryTimeout(timeout_message(name, limit))
        raise ExternalServiceError(f"the Cypher query failed on the server: {str(error).splitlines()[0]}")
    return outcome["rows"]  # type: ignore[return-value]


__all__ = ["Bolt", "PushReport", "batches", "clear", "connect", "ensure_schema", "push", "rel_type", "rows", "run_read"]

