"""Patterns compiled by one process and reused by the next (lineage.ingest.compiled, issue 31)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PATTERN = r"(?<![A-Za-z0-9])(?P<name>multi[-‐ ]?token[-\s]+predictions?)(?![A-Za-z0-9])|(?-i:MTP)"
TEXTS = ["We use Multi-Token Prediction (MTP).", "mtp is lower-case", "multi token  predictions", "none here"]
PROBE = f"""
import json, re, sys
from lineage.ingest import compiled
pattern = re.compile({PATTERN!r}, re.IGNORECASE)
reused = (re._cache.get((str, {PATTERN!r}, int(re.IGNORECASE))) is pattern) and ({PATTERN!r}, 2) in compiled._known
found = [[m.span(), m.group(0), m.groupdict()] for t in {TEXTS!r} for m in pattern.finditer(t)]
print(json.dumps({{"reused": reused, "found": found, "groups": pattern.groups, "flags": pattern.flags,
                  "saved": compiled.save()}}))
"""


def _probe(cache: Path) -> dict:
    env = {**os.environ, "LINEAGE_CACHE": str(cache), "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="the cache keeps CPython's regex code")
def test_a_pattern_saved_by_one_process_is_the_same_pattern_in_the_next(tmp_path):
    first = _probe(tmp_path)
    assert not first["reused"] and first["saved"] >= 1
    second = _probe(tmp_path)
    assert second["reused"] and second["saved"] == 0
    assert second["found"] == first["found"] and second["groups"] == first["groups"] == 1
    assert second["flags"] == first["flags"]
    assert [f[1] for f in first["found"]] == ["Multi-Token Prediction", "MTP", "multi token  predictions"]


def test_a_damaged_cache_file_is_ignored(tmp_path):
    first = _probe(tmp_path)
    [saved] = (tmp_path / "regex").iterdir()
    saved.write_bytes(b"\x00not marshal")
    again = _probe(tmp_path)
    assert not again["reused"] and again["found"] == first["found"]



ALIAS_PATTERNS = """
import hashlib
from lineage.catalog import Catalog
from lineage.ingest.text import alias_patterns
patterns = alias_patterns(Catalog.load())
print(len(patterns), hashlib.sha256("\\n".join(patterns[key].pattern for key in patterns).encode()).hexdigest())
"""


def test_an_entitys_pattern_is_spelled_the_same_in_every_process(tmp_path):
    """Aliases go into a pattern in sorted order, not a set's (which changes with each process's hash seed): the
    cache finds a catalog's patterns again, and a report reads the same in every run."""
    found = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "LINEAGE_CACHE": str(tmp_path), "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", ALIAS_PATTERNS], env=env, check=True, capture_output=True, text=True)
        found.add(done.stdout.strip())
    assert len(found) == 1 and int(next(iter(found)).split()[0]) > 20
