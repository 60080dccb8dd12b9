"""A Bolt server that stops answering mid-push: the push gives up within its stall limit (exit 3's error),
rather than holding the client forever (the neo4j driver has no read timeout)."""

import os
import signal
import time

import pytest
from bolt_server import bolt  # noqa: F401  (fixture)

from lineage.backends.neo4j import push
from lineage.errors import ExternalServiceError
from lineage.questions.example import example_graph


def test_a_server_that_stops_answering_stops_the_push_within_its_stall_limit(bolt):  # noqa: F811
    server = getattr(bolt, "server_process", None)
    if server is None:
        pytest.skip("needs the local FalkorDB server of the test fixture (NEO4J_URI points at another server)")
    g = example_graph()
    assert push(g, bolt, batch=1, stall_timeout=10).statements > 0  # a healthy server: the push completes
    os.kill(server.pid, signal.SIGSTOP)
    try:
        start = time.monotonic()
        with pytest.raises(ExternalServiceError, match=r"answered no write for 2 s"):
            push(g, bolt, batch=1, stall_timeout=2)
        assert time.monotonic() - start < 10
    finally:
        os.kill(server.pid, signal.SIGCONT)
