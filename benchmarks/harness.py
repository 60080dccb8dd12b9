"""What the benchmarks share: a command timed as a whole process, the machine's load, the quick flag.

``run(argv, env)`` starts one process and returns its wall seconds, CPU seconds (user + system) and
peak resident memory, read from the kernel's accounting of that child alone (``os.wait4``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_mib: float


def run(argv: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> Run:
    """One process of ``argv`` (output discarded; it must exit 0), timed by the kernel's accounting of it."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(map(str, argv))} failed ({proc.returncode}): {proc.stderr.read().decode()[-2000:]}")
    proc.stderr.close()
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def median(runs: list[Run]) -> Run:
    return Run(*(statistics.median(getattr(r, f) for r in runs) for f in ("wall", "cpu", "peak_mib")))


def environment(**extra: str) -> dict[str, str]:
    """The environment a benchmark's processes run in: this checkout first on the path, no debug output, and
    Python's bytecode cached as an installed package has it (``PYTHONDONTWRITEBYTECODE``, set on some shared
    machines, makes every process compile lineage's 80-odd modules again: 0.2 s of a command; issue 31)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **extra}
    env.pop("LINEAGE_DEBUG", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def parser(doc: str) -> argparse.ArgumentParser:
    """An argument parser with ``--quick``: a smoke run, small and fast, so the benchmark cannot rot."""
    p = argparse.ArgumentParser(description=doc.strip().splitlines()[0])
    p.add_argument("--quick", action="store_true", help="a smoke run: small sizes, one run each")
    return p
