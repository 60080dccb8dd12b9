"""The bounds of a download (lineage.ingest.download): caps, deadlines and Retry-After as the environment sets them.

The network behaviour itself is tested against misbehaving local servers in tests/fuzz/test_network.py.
"""

from __future__ import annotations

import subprocess
from email.utils import formatdate
from pathlib import Path

import pytest

from lineage.configfile.limits import MAX_CONFIG_BYTES
from lineage.ingest import download
from lineage.ingest.card import MAX_CARD_BYTES
from lineage.ingest.hub import _git_sha1
from lineage.ingest.pdf import MAX_PDF_BYTES


def test_default_caps_are_what_the_readers_accept():
    assert (download.CAPS["card"], download.CAPS["config"], download.CAPS["pdf"]) == (
        MAX_CARD_BYTES, MAX_CONFIG_BYTES, MAX_PDF_BYTES)


def test_caps_and_deadlines_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("LINEAGE_MAX_PDF_MB", "200")
    monkeypatch.setenv("LINEAGE_DOWNLOAD_DEADLINE", "7.5")
    monkeypatch.setenv("LINEAGE_DOWNLOAD_TRIES", "not a number")  # ignored: the default stands
    got = download.limits("pdf")
    assert (got.cap, got.deadline, got.tries) == (200 * download.MB, 7.5, download.TRIES)
    assert "LINEAGE_MAX_PDF_MB raises it" in got.too_large() and "200 MB limit for a PDF" in got.too_large()


@pytest.mark.parametrize(("header", "seconds"), [("120", 120.0), ("0", 0.0), ("soon", None), ("", None)])
def test_retry_after_in_seconds(header, seconds):
    assert download.retry_after({"Retry-After": header} if header else {}) == seconds


def test_retry_after_as_an_http_date():
    import time

    wait = download.retry_after({"Retry-After": formatdate(time.time() + 60, usegmt=True)})
    assert 55 <= wait <= 61


def test_a_rate_limit_past_the_deadline_is_refused_without_waiting(monkeypatch):
    monkeypatch.setenv("LINEAGE_DOWNLOAD_DEADLINE", "5")
    job = download.Job(download.limits("card"), "a/b/README.md", "Hugging Face")
    with pytest.raises(download.Unavailable, match=r"retry after 3600 s, past the 5 s deadline"):
        job.retry("HTTP 429", 429, 3600)
    assert job.left() > 4.9  # no time was spent waiting


def test_the_git_blob_id_is_the_one_git_computes(corpus):
    card = next((corpus / "hf").glob("*/README.md"))
    git = subprocess.run(["git", "hash-object", str(card)], capture_output=True, text=True, check=True)
    assert _git_sha1(Path(card)) == git.stdout.strip()
