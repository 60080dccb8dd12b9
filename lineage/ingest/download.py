"""Bounded downloads: a size cap per kind of file, one deadline per file, bounded retries, nothing partial kept.

Every file lineage fetches (a Hub card or config, an arXiv feed page or PDF, a release document) goes
through one :class:`Job`: it knows the kind's size cap (:func:`limits`), the moment the whole fetch must
be over (retries and waits included), and how many tries are left.  Socket timeouts are cut to what is
left of the deadline, every chunk read is counted against the cap and the clock, ``Content-Length`` is
checked against the bytes that came, and a file is written to a temporary name beside its target and
renamed only once every check passed (:func:`fetch_file`), so a cache never holds a partial file.

Failures are one line (:class:`~lineage.errors.ExternalServiceError`, exit 3) naming the file, what went
wrong and, for a limit, the variable that raises it:

``LINEAGE_MAX_<KIND>_MB`` (``CARD``, ``CONFIG``, ``PDF``, ``FEED``, ``API``, ``DOCUMENT``), ``LINEAGE_DOWNLOAD_DEADLINE``
(seconds per file, all tries together), ``LINEAGE_DOWNLOAD_TRIES`` (3), ``LINEAGE_RETRY_WAIT`` (first backoff,
doubled after) and ``LINEAGE_NET_TIMEOUT`` (one socket wait, 30 s).  A ``Retry-After`` is honoured when the wait
fits in the deadline, refused at once when it does not.  Past the deadline a connection's socket is shut down
(:meth:`Job.watch`), so even headers sent a byte at a time stop there.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path

from lineage.errors import ExternalServiceError

MB = 1024 * 1024

CAPS: dict[str, int] = {
    "card": 1 * MB,  # the card reader's own limit (lineage.ingest.card.MAX_CARD_BYTES)
    "config": 5 * MB,  # the config reader's limit (lineage.configfile.limits.MAX_CONFIG_BYTES)
    "pdf": 64 * MB,  # the PDF reader's limit (lineage.ingest.pdf.MAX_PDF_BYTES)
    "feed": 4 * MB,  # one arXiv API page of 10 entries is ~50 KB
    "api": 4 * MB,  # one Hub API answer (model info)
    "document": 64 * MB,  # a release document (lineage fetch); its pinned size caps it further
}
"""Default size cap per kind, in bytes: what lineage's readers accept, so nothing bigger is ever fetched."""

DEADLINES: dict[str, float] = {"card": 60, "config": 60, "feed": 60, "api": 30, "pdf": 300, "document": 300}
"""Default seconds one file of a kind may take, all tries and waits together."""

NAMES = {"pdf": "PDF", "feed": "feed page", "api": "API answer"}
"""How messages name a kind."""

TRIES = 3
TIMEOUT_S = 30.0
MAX_REDIRECTS = 10
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
SLACK = 0.05
"""A socket timeout this close to the deadline was cut by it: reported as the deadline."""


current: contextvars.ContextVar[Job | None] = contextvars.ContextVar("lineage_download", default=None)
"""The download under way in this context (its sockets are watched, its reads cut to its deadline)."""


@dataclass(frozen=True)
class Limits:
    """How one kind of download is bounded."""

    kind: str
    cap: int
    deadline: float
    tries: int
    wait: float
    timeout: float

    def too_large(self) -> str:
        return (f"larger than the {self.cap / MB:g} MB limit for a {NAMES.get(self.kind, self.kind)} "
                f"(LINEAGE_MAX_{self.kind.upper()}_MB raises it)")


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    try:
        return float(value) if value else default
    except ValueError:
        return default


def cap(kind: str) -> int:
    """Size cap of ``kind`` in bytes: ``LINEAGE_MAX_<KIND>_MB`` when set, else :data:`CAPS`."""
    mb = _env_float(f"LINEAGE_MAX_{kind.upper()}_MB", 0)
    return int(mb * MB) if mb > 0 else CAPS[kind]


def limits(kind: str, wait: float = 1.0) -> Limits:
    """The bounds of one download of ``kind`` (``wait``: first backoff, doubled after each try)."""
    deadline = _env_float("LINEAGE_DOWNLOAD_DEADLINE", 0) or DEADLINES[kind]
    tries = max(1, int(_env_float("LINEAGE_DOWNLOAD_TRIES", TRIES)))
    return Limits(kind, cap(kind), deadline, tries, _env_float("LINEAGE_RETRY_WAIT", wait),
                  _env_float("LINEAGE_NET_TIMEOUT", TIMEOUT_S))


@dataclass
class Job:
    """One file being fetched: its bounds, the clock, and what the error messages call it."""

    limits: Limits
    what: str  # "deepseek-ai/DeepSeek-V3/README.md"
    source: str  # "Hugging Face"
    started: float = field(default_factory=time.monotonic)
    tries: int = 0
    redirects: int = 0
    expired: bool = False
    _timer: threading.Timer | None = field(default=None, repr=False)
    _socks: list = field(default_factory=list, repr=False)

    def error(self, reason: str, cls: type[ExternalServiceError] = ExternalServiceError) -> ExternalServiceError:
        return cls(f"cannot fetch {self.what} from {self.source}: {reason}")

    def left(self) -> float:
        """Seconds left before the deadline (negative past it)."""
        return self.limits.deadline - (time.monotonic() - self.started)

    def remaining(self, slack: float = 0.0) -> float:
        """Seconds left; within ``slack`` of the deadline or past it this raises the deadline error."""
        left = self.left()
        if left <= slack or self.expired:
            raise self.error(f"no complete answer within {self.limits.deadline:g} s "
                             "(LINEAGE_DOWNLOAD_DEADLINE sets the deadline)", Unavailable)
        return left

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock`` down when the deadline passes, whatever it waits for (headers sent a byte at a time)."""
        self._socks.append(sock)
        if self._timer is None:
            self._timer = threading.Timer(max(0.0, self.left()), self._expire)
            self._timer.daemon = True
            self._timer.start()

    def _expire(self) -> None:
        self.expired = True
        for sock in self._socks:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        """The fetch is over: no socket is shut down later."""
        if self._timer is not None:
            self._timer.cancel()
        self._timer, self._socks = None, []

    def timeout(self) -> float:
        """A socket timeout that ends by the deadline."""
        return max(0.01, min(self.limits.timeout, self.remaining()))

    def redirected(self) -> None:
        self.redirects += 1
        if self.redirects > MAX_REDIRECTS:
            raise self.error(f"more than {MAX_REDIRECTS} redirects (a redirect loop?)")

    def check_length(self, length: int | None) -> None:
        """Refuse an announced size over the cap before any of the body is read."""
        if length is not None and length > self.limits.cap:
            raise self.error(self.limits.too_large())

    def retry(self, failure: str, status: int | None = None, retry_after: float | None = None) -> None:
        """Wait before the next try, or raise when no try or time is left.

        ``failure`` says what went wrong ("connection reset"); ``status`` an HTTP status the source gave.
        """
        self.tries += 1
        final = (f"{self.source} answered HTTP {status} for {self.what} after {self.tries} tries" if status
                 else f"cannot fetch {self.what} from {self.source}: {failure} ({self.tries} tries)")
        if self.tries >= self.limits.tries:
            raise Unavailable(final)
        wait = self.limits.wait * 2 ** (self.tries - 1)
        if retry_after is not None:
            if retry_after > self.left():
                raise self.error(f"rate limited (HTTP {status}, retry after {retry_after:g} s, past the "
                                 f"{self.limits.deadline:g} s deadline); try again later", Unavailable)
            wait = max(wait, retry_after)
        if wait >= self.left():
            raise Unavailable(final)
        time.sleep(wait)

    def count(self, chunks: Iterator[bytes], expected: int | None) -> Iterator[bytes]:
        """``chunks`` passed on, each checked against the cap and the deadline; then the length against ``expected``."""
        got = 0
        for chunk in chunks:
            got += len(chunk)
            if got > self.limits.cap:
                raise self.error(self.limits.too_large())
            self.remaining()
            yield chunk
        self.remaining(SLACK)  # a body that ended because the deadline shut its socket
        if expected is not None and got != expected:
            raise BodyFailure(self, f"the connection closed after {got} of {expected} bytes")


class Unavailable(ExternalServiceError):
    """The source could not be reached or did not answer in time (a cached copy may stand in)."""


class BodyFailure(ExternalServiceError):
    """A body that broke off or came short; ``reason`` says how (the whole file is tried again)."""

    def __init__(self, job: Job, reason: str):
        super().__init__(str(job.error(reason)))
        self.reason = reason


def retry_after(headers) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (a number or an HTTP date); None without one."""
    value = (headers.get("Retry-After") or "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def content_length(headers) -> int | None:
    """The ``Content-Length`` header as a number (None when absent or not a number)."""
    try:
        return int(headers.get("Content-Length"))
    except (TypeError, ValueError):
        return None


def describe(exc: BaseException) -> str:
    """A network failure in a few words ("connection refused", "connection reset", "timed out")."""
    text = f"{type(exc).__name__} {exc}".lower()
    for needle, words in (("refused", "connection refused"), ("reset", "connection reset"),
                          ("timeout", "timed out"), ("timed out", "timed out"),
                          ("remotedisconnected", "connection closed without an answer"),
                          ("without response", "connection closed without an answer"),
                          ("without sending", "connection closed without an answer"),
                          ("name or service", "host not found"), ("nodename", "host not found")):
        if needle in text:
            return words
    return type(exc).__name__


def fetch_bytes(url: str, job: Job, session=None, headers: dict | None = None) -> bytes:
    """The body at ``url`` (at most the job's cap; it is the caller's to keep in memory)."""
    parts: list[bytes] = []
    _get(url, job, parts.append, lambda: parts.clear(), session, headers)
    return b"".join(parts)


def fetch_file(url: str, target: Path, job: Job, session=None, headers: dict | None = None,
               check: Callable[[Path], str | None] | None = None, retry_bad: bool = True) -> Path:
    """Stream ``url`` into ``target``: a temporary file beside it, renamed only after every check passed.

    ``check(path)`` returns None for good bytes or the reason they are not (e.g. "not a PDF"); a failed
    check is retried like a network failure (``retry_bad``) or final.  On any failure the temporary
    file is removed.
    """
    import tempfile

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            def restart() -> None:
                fh.seek(0)
                fh.truncate()
            while True:
                _get(url, job, fh.write, restart, session, headers)
                fh.flush()
                bad = check(tmp) if check else None
                if bad is None:
                    break
                if not retry_bad:
                    raise job.error(bad)
                restart()
                job.retry(bad)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _get(url: str, job: Job, write: Callable[[bytes], object], restart: Callable[[], None], session,
         headers: dict | None) -> None:
    """GET ``url`` through ``requests`` within the job's bounds, passing the body to ``write``; retried within them."""
    import requests

    session = _watched(session or requests.Session())
    sent = {"user-agent": "lineage (https://w3id.org/lineage)", **(headers or {}), "Accept-Encoding": "identity",
            "Connection": "close"}  # a new connection per request: each is watched by its own job
    token = current.set(job)
    try:
        while True:
            restart()
            try:
                with session.get(url, headers=sent, stream=True, allow_redirects=False,
                                 timeout=(job.timeout(), job.timeout())) as resp:
                    if resp.is_redirect:
                        job.redirected()
                        url = requests.compat.urljoin(url, resp.headers["Location"])
                        continue
                    if resp.status_code in RETRY_STATUSES:
                        job.retry(f"HTTP {resp.status_code}", resp.status_code, retry_after(resp.headers))
                        continue
                    if resp.status_code != 200:
                        raise ExternalServiceError(f"{job.source} answered HTTP {resp.status_code} for {job.what}")
                    expected = content_length(resp.headers)
                    job.check_length(expected)
                    for chunk in job.count(_chunks(resp.raw, job), expected):
                        write(chunk)
                    return
            except requests.RequestException as exc:
                job.remaining(SLACK)  # a timeout cut to the deadline, or a socket it shut, is the deadline's error
                job.retry(describe(exc))
            except BodyFailure as exc:
                job.retry(exc.reason)
    finally:
        current.reset(token)
        job.stop()


def _watched(session):
    """``session`` with adapters whose new connections are watched by the current job (:meth:`Job.watch`)."""
    if not getattr(session, "_lineage_watched", False):
        adapter = _adapter_class()()
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session._lineage_watched = True
    return session


def _adapter_class():
    import requests
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    def watched(pool_class):
        class WatchedPool(pool_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.ConnectionCls = _watching(pool_class.ConnectionCls)  # the class in force now (a test's stub too)

        return WatchedPool

    class WatchedAdapter(requests.adapters.HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": watched(HTTPConnectionPool),
                                                       "https": watched(HTTPSConnectionPool)}

    return WatchedAdapter


@functools.cache
def _watching(connection_class):
    """``connection_class`` whose socket, once connected, is watched by the current job."""

    class Watching(connection_class):
        def connect(self) -> None:
            super().connect()
            job, sock = current.get(), getattr(self, "sock", None)
            if job is not None and isinstance(sock, socket.socket):
                job.watch(sock)

    return Watching


def _chunks(raw, job: Job, size: int = 64 * 1024) -> Iterator[bytes]:
    """The raw body, one socket read at a time (never waits to fill a buffer past the deadline)."""
    import urllib3

    while True:
        try:
            chunk = raw.read1(size)  # requests leaves decoding off; identity was asked for anyway
        except (urllib3.exceptions.ProtocolError, urllib3.exceptions.ReadTimeoutError, OSError) as exc:
            job.remaining(SLACK)
            if "IncompleteRead" in repr(exc):
                return  # counted against Content-Length by the caller
            raise BodyFailure(job, describe(exc)) from None
        if not chunk:
            job.remaining(SLACK)  # the deadline shut the socket
            return
        yield chunk


def sha256(path: Path) -> str:
    """Hex sha256 of a file, read in blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(MB), b""):
            h.update(block)
    return h.hexdigest()

