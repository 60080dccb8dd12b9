"""huggingface_hub's HTTP client, bounded: every request it makes goes through :class:`BoundedTransport`.

``huggingface_hub`` lets a program supply the ``httpx2`` client it uses (``set_client_factory``); ours is
the library's own client with each of its transports (direct, or a proxy from the environment) wrapped.  Inside :func:`bounded`
(one file being fetched) that transport applies the file's :class:`~lineage.ingest.download.Job`:

- each request's timeouts are cut to what is left of the deadline;
- ``408/429/5xx`` and network failures are retried here, with backoff and ``Retry-After`` within the
  deadline, so the library's own retries (each a warning on stderr) never start;
- a size announced by a ``HEAD`` (``X-Linked-Size``/``Content-Length``) or a ``GET`` above the cap is
  refused before any body is read, and every chunk is counted against the cap, the clock and the
  announced length;
- bodies are asked for uncompressed (``Accept-Encoding: identity``), so the bytes counted are the bytes kept;
- redirects are counted (at most :data:`~lineage.ingest.download.MAX_REDIRECTS` per file).

Its failures are :class:`~lineage.errors.ExternalServiceError`, which the library does not catch: the
download stops, the library removes its temporary file, and nothing reaches the cache.  Xet transfers
(which bypass the client) are turned off while a bounded fetch runs; the library's logging is quieted to
errors, so a failure prints one line.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator

from lineage.ingest.download import (
    RETRY_STATUSES,
    SLACK,
    BodyFailure,
    Job,
    content_length,
    current,
    describe,
    limits,
    retry_after,
)

SOURCE = "Hugging Face"
_installed = False


@contextlib.contextmanager
def bounded(kind: str, what: str) -> Iterator[Job]:
    """Run the Hub calls inside the block as the download of one file of ``kind`` (``what`` names it)."""
    from huggingface_hub import constants

    install()
    job = Job(limits(kind), what, SOURCE)
    token = current.set(job)
    logger = logging.getLogger("huggingface_hub")
    level, xet = logger.level, constants.HF_HUB_DISABLE_XET
    logger.setLevel(logging.ERROR)
    constants.HF_HUB_DISABLE_XET = True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield job
    finally:
        constants.HF_HUB_DISABLE_XET = xet
        logger.setLevel(level)
        current.reset(token)


def install() -> None:
    """Make ``huggingface_hub`` build its client with :class:`BoundedTransport` (once per process)."""
    global _installed
    if _installed:
        return
    from huggingface_hub import set_client_factory

    set_client_factory(_client)
    _installed = True


def _client():
    """The library's default client, each of its transports (the direct one, any proxy from the environment)
    wrapped in :class:`BoundedTransport`."""
    from huggingface_hub.utils._http import default_client_factory

    client = default_client_factory()
    client._transport = BoundedTransport(client._transport)
    client._mounts = {pattern: None if t is None else BoundedTransport(t) for pattern, t in client._mounts.items()}
    for transport in (client._transport, *client._mounts.values()):
        pool = getattr(getattr(transport, "inner", None), "_pool", None)
        if pool is not None and hasattr(pool, "_network_backend"):
            pool._network_backend = _deadline_backend(pool._network_backend)
    return client


def _deadline_backend(inner):
    """``inner`` (httpcore's network backend) with every socket read and write cut to the current job's deadline:
    a server that sends its headers a byte at a time is stopped at the deadline too."""
    import httpcore2

    def cut(timeout: float | None) -> float | None:
        job = current.get()
        if job is None:
            return timeout
        return min(timeout if timeout is not None else job.limits.timeout, job.remaining(SLACK))

    class Stream(httpcore2.NetworkStream):
        def __init__(self, stream):
            self.stream = stream

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            return self.stream.read(max_bytes, cut(timeout))

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self.stream.write(buffer, cut(timeout))

        def close(self) -> None:
            self.stream.close()

        def start_tls(self, ssl_context, server_hostname=None, timeout=None):
            return Stream(self.stream.start_tls(ssl_context, server_hostname, cut(timeout)))

        def get_extra_info(self, info: str):
            return self.stream.get_extra_info(info)

    class Backend(httpcore2.NetworkBackend):
        def connect_tcp(self, *args, **kwargs):
            return Stream(inner.connect_tcp(*args, **kwargs))

        def connect_unix_socket(self, *args, **kwargs):
            return Stream(inner.connect_unix_socket(*args, **kwargs))

        def sleep(self, seconds: float) -> None:
            inner.sleep(seconds)

    return Backend()


def _stream_class():
    import httpx2

    class CountedStream(httpx2.SyncByteStream):
        """A response body passed on chunk by chunk, each checked by the job (:meth:`Job.count`)."""

        def __init__(self, inner, job: Job, expected: int | None):
            self.inner, self.job, self.expected = inner, job, expected

        def _raw(self) -> Iterator[bytes]:
            try:
                yield from self.inner
            except httpx2.RemoteProtocolError:
                return  # the body broke off: Job.count names it against Content-Length
            except httpx2.TransportError as exc:
                self.job.remaining(SLACK)
                raise BodyFailure(self.job, describe(exc)) from None

        def __iter__(self) -> Iterator[bytes]:
            yield from self.job.count(self._raw(), self.expected)

        def close(self) -> None:
            self.inner.close()

    return CountedStream


def BoundedTransport(inner):  # noqa: N802 (a class, built on first use so httpx2 loads only when the Hub is asked)
    """``inner`` (an ``httpx2`` transport) with every request bounded by the current :class:`Job`."""
    import httpx2

    stream_class = _stream_class()

    class _BoundedTransport(httpx2.BaseTransport):
        def __init__(self):
            self.inner = inner

        def handle_request(self, request):
            job = current.get() or Job(limits("api"), request.url.path, SOURCE)
            request.headers["Accept-Encoding"] = "identity"
            while True:
                t = job.timeout()
                request.extensions["timeout"] = {"connect": t, "read": t, "write": t, "pool": t}
                try:
                    response = self.inner.handle_request(request)
                except httpx2.TransportError as exc:
                    job.remaining(SLACK)
                    job.retry(describe(exc))
                    continue
                status = response.status_code
                if status in RETRY_STATUSES:
                    response.close()
                    job.retry(f"HTTP {status}", status, retry_after(response.headers))
                    continue
                if 300 <= status < 400 and "location" in response.headers:
                    job.redirected()
                if request.method == "HEAD":
                    job.check_length(_announced(response.headers))
                    return response
                expected = content_length(response.headers)
                job.check_length(expected)
                return httpx2.Response(status, headers=response.headers, request=request,
                                       stream=stream_class(response.stream, job, expected),
                                       extensions=response.extensions)

        def close(self):
            self.inner.close()

    return _BoundedTransport()


def _announced(headers) -> int | None:
    """The file size a Hub ``HEAD`` announces (``X-Linked-Size`` for a file behind a redirect)."""
    try:
        return int(headers.get("X-Linked-Size") or headers.get("Content-Length"))
    except (TypeError, ValueError):
        return None

