"""Files of a Hugging Face model repo, through ``huggingface_hub`` (``HF_ENDPOINT`` points it at a mirror).

Repo ids and revisions are untrusted input: both are checked against the Hub's own naming
rules before any I/O.  huggingface_hub stores ``refs/<revision>`` in its cache, so a revision
such as ``../../../../etc/passwd`` accepted by a lax mirror would write outside the cache
(issue 13); here it is a one-line error and nothing is fetched.
"""

from __future__ import annotations

import contextlib
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Literal, overload

from lineage.errors import ExternalServiceError, SourceFormatError
from lineage.ingest import download
from lineage.ingest.hub_http import bounded
from lineage.paths import cache_dir

MAX_REPO_PART = 96
"""Longest org or repo name the Hub accepts."""

MAX_REVISION_LENGTH = 80
"""Longest branch or tag name accepted (a commit is 40 hex digits)."""

_PART = rf"[A-Za-z0-9](?:[A-Za-z0-9_.-]{{0,{MAX_REPO_PART - 2}}}[A-Za-z0-9])?"
REPO_ID = re.compile(rf"\A{_PART}/{_PART}\Z")
r"""``org/name``: ASCII letters, digits, ``_ . -``; each part starts and ends with a letter or digit
(``\Z``, not ``$``, so a trailing newline is not accepted; no ``\w``, which would admit Cyrillic ``е``)."""

REVISION = re.compile(r"\A(?:[0-9a-f]{40}|[A-Za-z0-9][A-Za-z0-9_.-]*(?:/[A-Za-z0-9][A-Za-z0-9_.-]*)*)\Z")
"""A 40-hex commit, or a branch/tag name (``main``, ``v1.0``, ``refs/pr/3``): no leading ``/``, no empty part."""


def is_repo_id(value: str) -> bool:
    """Whether ``value`` follows the Hub's repo naming rules (``org/name``, no ``--`` or ``..``)."""
    return len(value) <= 2 * MAX_REPO_PART + 1 and bool(REPO_ID.match(value)) and "--" not in value and ".." not in value


def check_repo(repo_id: str) -> str:
    """``repo_id`` unchanged, or a one-line error when it is not a Hub repo id."""
    if not is_repo_id(repo_id):
        shown = ascii(repo_id if len(repo_id) <= 100 else repo_id[:100] + "…")[1:-1]  # \n, U+0435 (Cyrillic е) visible
        raise SourceFormatError(
            f'"{shown}" is not a Hugging Face repo id (expected org/name in ASCII letters, digits, "_", "." and "-", '
            "e.g. deepseek-ai/DeepSeek-V3)"
        )
    return repo_id


def check_revision(revision: str | None) -> str | None:
    """``revision`` unchanged, or a one-line error unless it is a commit or a branch/tag name."""
    if revision is None:
        return None
    bad = len(revision) > MAX_REVISION_LENGTH or not REVISION.match(revision) or ".." in revision
    if bad or revision.endswith((".", ".lock")):
        shown = revision if len(revision) <= 100 else revision[:100] + "…"
        raise SourceFormatError(
            f'--revision "{shown}" is not a branch, tag or 40-hex commit (no "..", no leading "/", '
            f"at most {MAX_REVISION_LENGTH} characters)"
        )
    return revision


KINDS = {"README.md": "card", "config.json": "config"}
"""Which size cap and deadline a fetched file gets (:mod:`lineage.ingest.download`)."""


@overload
def fetch(repo_id: str, filename: str, revision: str | None, required: Literal[True] = True) -> tuple[Path, str | None]: ...
@overload
def fetch(repo_id: str, filename: str, revision: str | None, required: bool) -> tuple[Path | None, str | None]: ...
def fetch(repo_id: str, filename: str, revision: str | None, required: bool = True) -> tuple[Path | None, str | None]:
    """Download one file of a model repo; returns (path, resolved commit).

    The repo id and revision are checked first (:func:`check_repo`, :func:`check_revision`):
    nothing reaches the network or the cache for a value that fails.  The download is bounded
    (:mod:`lineage.ingest.hub_http`: size cap, deadline, retries) and the file, downloaded or cached,
    is checked against the hash its ``ETag`` names (:func:`check_cached`) before it is read; a file
    that fails is removed and fetched again, and removed for good when the new copy fails too.
    """
    check_repo(repo_id)
    check_revision(revision)
    what = f"{repo_id}/{filename}"
    path, commit = _fetch(repo_id, filename, revision, required)
    if path is not None and check_cached(path) is not None:
        _evict(path)
        path, commit = _fetch(repo_id, filename, revision, required)
        if path is not None and (bad := check_cached(path)) is not None:
            _evict(path)
            raise ExternalServiceError(f"cannot fetch {what} from Hugging Face: {bad}")
    return path, commit


def check_cached(path: Path) -> str | None:
    """None when a cached Hub file holds the bytes its blob name (the ``ETag``) says, else why not.

    The Hub's ``ETag`` is the sha256 of a file stored in LFS (64 hex digits) and the git blob id of
    any other file (40).  A blob named otherwise (a mirror's own ETag, or a copy where the cache holds
    no symlinks) is not checked on reuse: its length was checked against ``Content-Length`` when it came.
    """
    blob = Path(os.path.realpath(path))
    name = blob.name
    if not blob.is_file():
        return "the cached file is missing"
    if re.fullmatch(r"[0-9a-f]{64}", name) and download.sha256(blob) != name:
        return f"the bytes do not match their sha256 {name[:12]}…"
    if re.fullmatch(r"[0-9a-f]{40}", name) and _git_sha1(blob) != name:
        return f"the bytes do not match their git blob id {name[:12]}…"
    return None


def _git_sha1(path: Path) -> str:
    """The git blob id of a file (what the Hub's ``ETag`` is for a file not stored in LFS)."""
    import hashlib

    h = hashlib.sha1(f"blob {path.stat().st_size}\0".encode())  # noqa: S324 (git's object id, not security)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(download.MB), b""):
            h.update(block)
    return h.hexdigest()


def _evict(path: Path) -> None:
    """Remove a bad cached file: its blob and the snapshot entry pointing at it."""
    blob = Path(os.path.realpath(path))
    for p in (path, blob):
        with contextlib.suppress(OSError):
            p.unlink()


def _fetch(repo_id: str, filename: str, revision: str | None, required: bool) -> tuple[Path | None, str | None]:
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import (
        EntryNotFoundError,
        HfHubHTTPError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    endpoint = os.environ.get("HF_ENDPOINT") or None
    offline = offline_reason(endpoint)
    what = f"{repo_id}/{filename}"
    try:
        with bounded(KINDS.get(filename, "config"), what):
            path = Path(
                hf_hub_download(
                    repo_id,
                    filename,
                    revision=revision,
                    endpoint=endpoint,
                    cache_dir=str(hub_cache()),
                    etag_timeout=float(os.environ.get("LINEAGE_HF_TIMEOUT", "30")),
                    local_files_only=offline is not None,
                )
            )
    except download.Unavailable:  # the Hub is down or slow: a copy cached earlier stands in, as the library does
        cached = _cached(repo_id, filename, revision)
        if cached is None:
            raise
        if cached is False:  # the Hub answered earlier that the repo lacks the file
            if required:
                raise SourceFormatError(f'repo "{repo_id}" has no {filename}') from None
            return None, None
        path = cached
    except ExternalServiceError:
        raise
    except LocalEntryNotFoundError as exc:  # the Hub could not be reached and nothing is cached
        if not required and _known_absent(repo_id, filename, revision):
            return None, None
        cause = exc.__cause__ or exc.__context__
        status = getattr(getattr(cause, "response", None), "status_code", None)
        if status:
            raise ExternalServiceError(f"Hugging Face answered HTTP {status} for {what}") from None
        name = offline or (type(cause).__name__ if cause else "no connection")
        raise ExternalServiceError(
            f"cannot fetch {what} from Hugging Face ({name}) and it is not cached; "
            "set HF_ENDPOINT to a mirror, or run again online"
        ) from None
    except RepositoryNotFoundError:
        raise SourceFormatError(f'Hugging Face has no model repo "{repo_id}" (or it is private)') from None
    except RevisionNotFoundError:
        raise SourceFormatError(f'repo "{repo_id}" has no revision "{revision}"') from None
    except EntryNotFoundError:
        if required:
            raise SourceFormatError(f'repo "{repo_id}" has no {filename}') from None
        return None, None
    except HfHubHTTPError as exc:
        status = getattr(getattr(exc, "response", None), "status_code", None)
        if status == 404 and not required:
            return None, None
        raise ExternalServiceError(f"Hugging Face answered HTTP {status or '?'} for {what}") from None
    except (OSError, ValueError, transport_errors()) as exc:  # timeouts, dropped or refused connections
        raise ExternalServiceError(f"cannot fetch {what} from Hugging Face: {download.describe(exc)}") from None
    commit = path.parent.name if re.fullmatch(r"[0-9a-f]{40}", path.parent.name) else None
    return path, commit


def created_at(repo_id: str) -> datetime | None:
    """When the Hub says the model repo was created (``createdAt`` of ``/api/models/{repo}``); None when unknown.

    One request asking for that property alone.  The repo's first commit would date it too (the Hub
    makes it with the repo) but listing commits pages through the whole history, oldest last.  Never
    raises: offline (``HF_HUB_OFFLINE``, no connection), a refused or failed call, or an answer without
    the date all read as unknown, and ingestion goes on without a month.
    """
    check_repo(repo_id)
    endpoint = os.environ.get("HF_ENDPOINT") or None
    if offline_reason(endpoint) is not None:
        return None
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    try:
        with bounded("api", f"the model info of {repo_id}"):
            info = HfApi(endpoint=endpoint).model_info(
                repo_id, expand=["createdAt"], timeout=float(os.environ.get("LINEAGE_HF_TIMEOUT", "30"))
            )
    except (HfHubHTTPError, OSError, ValueError, transport_errors()):  # not found, HTTP errors, timeouts, bad JSON
        return None
    return info.created_at


def _cached(repo_id: str, filename: str, revision: str | None) -> Path | Literal[False] | None:
    """The cached copy of a file for ``revision`` (False: the cache recorded that the repo lacks it; None: unknown)."""
    from huggingface_hub import _CACHED_NO_EXIST, try_to_load_from_cache

    found = try_to_load_from_cache(repo_id, filename, cache_dir=str(hub_cache()), revision=revision)
    if found is _CACHED_NO_EXIST:
        return False
    return Path(found) if isinstance(found, str) else None


def _known_absent(repo_id: str, filename: str, revision: str | None) -> bool:
    """Whether the cache recorded that the repo lacks the file (the Hub answered "no such entry" when online)."""
    return _cached(repo_id, filename, revision) is False


def hub_cache() -> Path:
    """Where Hub files are cached: ``$HF_HUB_CACHE``, ``$HF_HOME/hub``, else lineage's cache directory."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    return cache_dir() / "hf"


def offline_reason(endpoint: str | None) -> str | None:
    """Why the Hub cannot be reached, found at once (``None`` when it answers a TCP connect).

    ``HF_HUB_OFFLINE`` is honoured; otherwise one connection to the endpoint's host, with a
    2 s timeout, replaces the client's ~25 s of retries when there is no network. Offline, files
    come from the cache only.
    """
    import socket
    from urllib.parse import urlsplit

    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on"):
        return "HF_HUB_OFFLINE is set"
    url = urlsplit(endpoint or "https://huggingface.co")
    host, port = url.hostname or "huggingface.co", url.port or (80 if url.scheme == "http" else 443)
    try:
        socket.create_connection((host, port), timeout=float(os.environ.get("LINEAGE_HF_CONNECT_TIMEOUT", "2"))).close()
    except OSError as exc:
        return f"no connection to {host}: {exc.strerror or type(exc).__name__}"
    return None


def transport_errors() -> type[Exception]:
    """The HTTP client's base class for request failures (httpx2 in huggingface_hub 2.x; redirect loops included)."""
    try:
        import httpx2

        return httpx2.RequestError
    except ImportError:  # older huggingface_hub on requests
        import requests

        return requests.RequestException
