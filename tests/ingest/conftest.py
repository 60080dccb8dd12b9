"""Fixtures of the ingest tests: a local Hub-like server for the card ingestor."""

from __future__ import annotations

import pytest

from tests.fixtures.hf_server import corpus_repos, serve


@pytest.fixture
def hub(corpus, monkeypatch, tmp_path):
    """The corpus's model repos served as the Hub (``HF_ENDPOINT``), with a throwaway download cache."""
    server, handler = serve(corpus_repos(corpus))
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("LINEAGE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    yield handler
    server.shutdown()
