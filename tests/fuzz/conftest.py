"""The fuzz harness: run the real CLI entry point in-process on hostile input, under a time bound.

Every case asserts what issue 13 asks of bad input: the exit code, exactly one line on stderr
starting ``Error:``, no traceback, the store's quads unchanged (sha256 of the sorted quads), and
an answer within :data:`CASE_SECONDS`.  Cases run in-process (``lineage.cli.main`` with
``sys.argv``) so the catalog loads once and the suite stays within about a minute of CPU; a hang
is cut by ``SIGALRM`` and reported as a failure.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from lineage.store import Store
from tests.fixtures.hf_server import serve

CASE_SECONDS = 60.0
"""A hang guard on one refused case's wall time, not a speed target: each takes well under a second
once the catalog is loaded, but a blocking read (a FIFO) uses no CPU, so the guard must be wall time,
and 60 s leaves room for a loaded 2-core CI machine (10 s was exceeded there by a truncated PDF)."""

LARGE_INPUT_CPU_SECONDS = 30.0
"""Bound on the CPU time of a large input that is read (a 172 KB single-line article: about 6 s of
CPU; 224 s and 6.8 GB before splitting became linear).  Wall time is cut at twice this."""


class Hang(Exception):
    pass


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str
    seconds: float
    cpu: float


def run_cli(args: list[str], bound: float = CASE_SECONDS) -> Outcome:
    """``lineage *args`` through the console-script entry point; a hang past ``bound`` raises :class:`Hang`."""
    from lineage.cli import main

    out, err = io.StringIO(), io.StringIO()

    def alarm(*_):
        raise Hang(f"lineage {' '.join(args)[:200]} ran past {bound} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, bound)
    argv, start, cpu, code = sys.argv, time.monotonic(), time.process_time(), None
    sys.argv = ["lineage", *args]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        sys.argv = argv
    return Outcome(code if code is not None else 0, out.getvalue(), err.getvalue(), time.monotonic() - start,
                   time.process_time() - cpu)


def quads_hash(path: Path) -> str:
    """sha256 of the store's quads, sorted (what "the store is unchanged" means)."""
    with Store(path) as st:
        return hashlib.sha256("\n".join(sorted(str(q) for q in st._ox)).encode()).hexdigest()


def assert_refused(outcome: Outcome, code: int = 2, message: str = "") -> None:
    """One ``Error:`` line on stderr naming the problem, the exit code, no traceback."""
    lines = outcome.stderr.splitlines()
    assert "Traceback" not in outcome.stderr, outcome.stderr[-2000:]
    assert outcome.code == code, (outcome.code, outcome.stderr[-500:])
    assert len(lines) == 1 and lines[0].startswith("Error: "), outcome.stderr[-500:]
    assert message in lines[0], (message, lines[0])
    assert outcome.seconds < CASE_SECONDS


@pytest.fixture(scope="session")
def fuzz_store(tmp_path_factory) -> Path:
    """A store holding one article's claims, so "unchanged" is checked against real content."""
    from lineage.catalog import Catalog
    from lineage.ingest.article import ingest_article

    root = tmp_path_factory.mktemp("fuzz")
    article = root / "seed.md"
    article.write_text("# Seed\n\nDeepSeek-V3 adopts Multi-head Latent Attention (MLA) from DeepSeek-V2.\n")
    path = root / "store"
    with Store(path) as st:
        ingest_article(st, Catalog.load(), article)
    return path


@pytest.fixture(scope="session")
def hub(tmp_path_factory):
    """A local Hub-like server (``HF_ENDPOINT``) and a throwaway download cache."""
    cache = tmp_path_factory.mktemp("hf-cache")
    server, handler = serve({})
    saved = {k: os.environ.get(k) for k in ("HF_ENDPOINT", "LINEAGE_CACHE", "HF_HUB_DISABLE_TELEMETRY", "LINEAGE_HF_TIMEOUT")}
    os.environ.update(HF_ENDPOINT=f"http://127.0.0.1:{server.server_port}", LINEAGE_CACHE=str(cache),
                      HF_HUB_DISABLE_TELEMETRY="1", LINEAGE_HF_TIMEOUT="5")
    yield handler, cache
    server.shutdown()
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
