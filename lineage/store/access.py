"""Who may open the store, and in what state it is: readers, the one writer, unfinished builds.

Oxigraph keeps the store in RocksDB, which lets one process open it read-write (it holds the
``LOCK`` file) and any number open it read-only beside that writer.  A read-only open replays the
writer's log, so a reader sees every transaction committed before it opened and never half of
one (measured: readers opened 30 times during a writer swapping a 400- and a 700-claim graph
saw one or the other, never a mix).  Read commands therefore open read-only and never wait; a
writer that finds the lock taken waits up to :data:`LOCK_WAIT_SECONDS` for it.

Two small files beside RocksDB's own record the rest:

* ``lineage.writer`` — the writer now holding the lock (pid and command), named in the message
  a waiting writer prints;
* ``lineage.incomplete`` — written when ``lineage build`` starts and removed when it finishes, so
  a build that was killed is reported by ``sources`` and ``validate`` and redone by ``build``.

Readers also keep compiled answers there (``lineage.read.*``, :mod:`lineage.store.read_model`),
each with the :func:`fingerprint` of the store it was read from, among other things: RocksDB's own
files change whenever anything is written, by any version of lineage.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from lineage.errors import BadStorePath, MissingStore, StoreError, StoreLocked

LOCK_WAIT_SECONDS = 30.0
"""How long a writer waits for another writer's lock before giving up (env ``LINEAGE_LOCK_WAIT``).
Long enough for an ingest of a large report (36 s for 3,000 pages is the worst measured), short
enough that a forgotten process is reported rather than waited on forever."""

FLUSH_SECONDS = 1.0
"""A writer flushes its memory tables to disk after a commit when this long has passed since the
last flush.  A reader's open replays the writer's unflushed log: without flushing, a writer
committing for 14 minutes left a 1.1 GB log and readers that took minutes to open."""

LOCK_POLL_SECONDS = 0.2
"""How often a waiting writer tries the lock again."""

READ_ATTEMPTS = 5
"""How many times a reader tries to open beside a writer that is replacing table files."""

WRITER_FILE = "lineage.writer"
INCOMPLETE_FILE = "lineage.incomplete"


def lock_wait() -> float:
    """The writer's wait bound: ``$LINEAGE_LOCK_WAIT`` seconds, else :data:`LOCK_WAIT_SECONDS`."""
    raw = os.environ.get("LINEAGE_LOCK_WAIT")
    if raw is None:
        return LOCK_WAIT_SECONDS
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value < 86_400:
        raise StoreError(f'LINEAGE_LOCK_WAIT="{raw}" is not a number of seconds between 0 and 86400')
    return value


def is_store(path: Path) -> bool:
    """Whether ``path`` holds a store (RocksDB's ``CURRENT`` file is written when it is created);
    ``False`` for a path the system refuses (``File name too long``)."""
    try:
        return (path / "CURRENT").is_file()
    except OSError:
        return False


def open_reader(path: Path):
    """Open the store at ``path`` read-only; never creates it, never waits for a writer.

    An open can race the writer's compaction, which deletes a table file the reader's manifest
    still lists ("Corruption: … No such file"): measured once in 109 opens beside a busy
    writer.  The open is then tried again on the newer manifest, up to :data:`READ_ATTEMPTS` times.
    """
    import pyoxigraph

    if not is_store(path):
        raise MissingStore(path)
    for attempt in range(READ_ATTEMPTS):
        try:
            return pyoxigraph.Store.read_only(str(path))
        except (OSError, RuntimeError) as exc:  # Oxigraph reports RocksDB's Corruption as RuntimeError
            if attempt == READ_ATTEMPTS - 1 or "No such file" not in str(exc):
                raise StoreError(f'cannot read the store "{path}": {_first_line(exc)}') from None
            time.sleep(LOCK_POLL_SECONDS / 4)


def open_writer(path: Path, on_wait: Callable[[str], None] | None = None):
    """Open the store at ``path`` read-write (creating it), waiting up to :func:`lock_wait` for the lock.

    ``on_wait`` is called once, with a one-line message naming the holder, if the lock is taken.
    """
    import pyoxigraph

    check_name(path)
    bound, waited = lock_wait(), False
    deadline = time.monotonic() + bound
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        try:
            store = pyoxigraph.Store(str(path))
            break
        except OSError as exc:
            if "LOCK" not in str(exc):
                raise StoreError(f'cannot open store "{path}": {_first_line(exc)}') from None
            if time.monotonic() >= deadline:
                raise StoreLocked(path, holder(path), bound) from None
            if not waited and on_wait is not None:
                on_wait(f"waiting for the store lock held by {holder(path)} (up to {bound:g} s; LINEAGE_LOCK_WAIT)")
            waited = True
            time.sleep(min(LOCK_POLL_SECONDS, max(0.0, deadline - time.monotonic())))
    (path / WRITER_FILE).write_text(
        json.dumps({"pid": os.getpid(), "command": " ".join(["lineage", *sys.argv[1:]])[:200]}), encoding="utf-8"
    )
    return store


def check_name(path: Path) -> None:
    """Refuse a path the system would refuse as too long (``ENAMETOOLONG``: a name past ``NAME_MAX``
    bytes or the whole past ``PATH_MAX``) before anything is created: the name is bad input."""
    full = path.absolute()
    anchor = next((p for p in full.parents if os.path.isdir(p)), Path(full.anchor))
    limits = {}
    for key, default in (("PC_NAME_MAX", 255), ("PC_PATH_MAX", 4096)):
        try:
            limits[key] = os.pathconf(anchor, key)
        except (OSError, ValueError):
            limits[key] = default
    longest = max(full.parts, key=lambda part: len(os.fsencode(part)))
    if len(os.fsencode(longest)) > limits["PC_NAME_MAX"]:
        problem = f'a name in it is {len(os.fsencode(longest))} bytes long, over the {limits["PC_NAME_MAX"]} the file system allows'
    elif len(os.fsencode(str(full))) >= limits["PC_PATH_MAX"]:
        problem = f'it is {len(os.fsencode(str(full)))} bytes long, over the {limits["PC_PATH_MAX"]} the system allows'
    else:
        return
    raise BadStorePath(f'the store path "{path}" is too long: {problem}. Choose a shorter --store.')


def release_writer(path: Path) -> None:
    """Forget the writer record (called as the writer closes)."""
    (path / WRITER_FILE).unlink(missing_ok=True)


def holder(path: Path) -> str:
    """Who holds the lock, as the writer recorded it: ``pid 123 (lineage ingest pdf x.pdf)``."""
    try:
        record = json.loads((path / WRITER_FILE).read_text(encoding="utf-8"))
        return f"pid {int(record['pid'])} ({str(record['command'])[:120]})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"


def mark_incomplete(path: Path | None, fresh: bool) -> None:
    """Record that a build of the store at ``path`` started (``None``: an in-memory store, nothing to record)."""
    if path is not None:
        started = datetime.now(UTC).isoformat(timespec="seconds")
        (path / INCOMPLETE_FILE).write_text(json.dumps({"started": started, "fresh": fresh}), encoding="utf-8")


def mark_complete(path: Path | None) -> None:
    """Record that the build finished."""
    if path is not None:
        (path / INCOMPLETE_FILE).unlink(missing_ok=True)


def incomplete(path: Path | None) -> dict | None:
    """The record of an unfinished build of the store at ``path`` (``started``, ``fresh``), else ``None``."""
    if path is None or not (path / INCOMPLETE_FILE).exists():
        return None
    try:
        record = json.loads((path / INCOMPLETE_FILE).read_text(encoding="utf-8"))
        return {"started": str(record["started"]), "fresh": bool(record["fresh"])}
    except (OSError, ValueError, KeyError, TypeError):
        return {"started": "an unknown time", "fresh": True}


def fingerprint(path: Path) -> tuple | None:
    """Name, size and modification time of every RocksDB file of the store at ``path`` but its info logs.

    Any write changes it (the write-ahead log grows, a flush or compaction writes tables); opening
    and reading do not.  Taken before a reader opens, it names a state at or before the one read.
    ``None`` when the folder cannot be listed.
    """
    try:
        entries = sorted(os.scandir(path), key=lambda e: e.name)
        return tuple((e.name, (st := e.stat()).st_size, st.st_mtime_ns) for e in entries
                     if not e.name.startswith(("LOG", "lineage.")))
    except OSError:
        return None


def drop_old_logs(path: Path) -> None:
    """Remove RocksDB's rotated info logs (``LOG.old.*``, ~130 KB per open: 109 MB after ~800 calls, issue 13).

    They are diagnostics only; the current ``LOG`` is kept.
    """
    for old in path.glob("LOG.old.*"):
        old.unlink(missing_ok=True)


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
