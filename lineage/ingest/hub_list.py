"""The Hub's model listing (``/api/models``), page by page: an organization's repositories, or a base's children.

One request per page through huggingface_hub's HTTP client, bounded like every Hub call
(:func:`lineage.ingest.hub_http.bounded`: size cap, deadline, ``429``/``5xx`` retried within it with
``Retry-After`` honoured).  Pages follow the ``Link: <…>; rel="next"`` header the Hub sends, and each
page hands back the address of the next one, so a crawl can stop after any page and start again
from there (:mod:`lineage.harvest.crawl`).

Each listed repository carries what ``expand=`` asks for: its commit (``sha``), its base models and
their relation (``baseModels``, with the ``base_model:<relation>:<repo>`` tags as a fallback), whether it is
gated, and how many repositories name it as their base (``childrenModelCount``), so the tree is
followed without downloading one card.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field

from lineage.errors import ExternalServiceError, SourceFormatError
from lineage.ingest.hub import check_repo, is_repo_id, offline_reason, transport_errors
from lineage.ingest.hub_http import bounded

PAGE_SIZE = 1000
"""Repositories per listing page (the Hub's largest page)."""

EXPAND = ("sha", "baseModels", "gated", "childrenModelCount", "tags")
"""The properties each listed repository is asked for."""


@dataclass(frozen=True)
class Listed:
    """One repository of a listing page."""

    repo: str
    sha: str | None
    bases: tuple[str, ...] = ()
    relation: str | None = None
    gated: bool = False
    children: int | None = None
    key: str = field(default="baseModels", compare=False)
    """Which field of the answer named the bases (``baseModels`` or ``tags``): the evidence's locator."""


def endpoint() -> str:
    return (os.environ.get("HF_ENDPOINT") or "https://huggingface.co").rstrip("/")


def first_page(*, author: str | None = None, base: str | None = None, limit: int = PAGE_SIZE) -> str:
    """The address of a listing's first page: ``author``'s repositories or ``base``'s direct children."""
    from urllib.parse import urlencode

    params: list[tuple[str, str]] = [("author", author)] if author else [("filter", f"base_model:{base}")]
    params += [("expand[]", e) for e in EXPAND] + [("limit", str(limit))]
    return f"{endpoint()}/api/models?{urlencode(params)}"


def check_author(author: str) -> str:
    """``author`` unchanged, or a one-line error unless it is a Hub user or organization name."""
    if not is_repo_id(f"{author}/x"):
        shown = ascii(author[:100])[1:-1]
        raise SourceFormatError(f'"{shown}" is not a Hugging Face user or organization name (ASCII letters, digits, "_", "." and "-")')
    return author


def page(url: str) -> tuple[list[Listed], str | None]:
    """One listing page: its repositories and the address of the next page (None on the last)."""
    from huggingface_hub.errors import HfHubHTTPError
    from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

    if (why := offline_reason(endpoint())) is not None:
        raise ExternalServiceError(f"cannot list models on Hugging Face ({why}); a crawl needs the Hub, run again online")
    what = "a model listing page"
    try:
        with bounded("api", what):
            response = get_session().get(url, headers=build_hf_headers(), timeout=float(os.environ.get("LINEAGE_HF_TIMEOUT", "30")))
            hf_raise_for_status(response)
            items = response.json()
            following = response.links.get("next", {}).get("url")
    except ExternalServiceError:
        raise
    except HfHubHTTPError as exc:
        status = getattr(getattr(exc, "response", None), "status_code", None)
        raise ExternalServiceError(f"Hugging Face answered HTTP {status or '?'} for {what}") from None
    except ValueError:
        raise ExternalServiceError(f"Hugging Face answered {what} that is not JSON") from None
    except (OSError, transport_errors()) as exc:
        raise ExternalServiceError(f"cannot list models on Hugging Face: {type(exc).__name__}") from None
    if not isinstance(items, list):
        raise ExternalServiceError(f"Hugging Face answered {what} that is not a list of models")
    return [x for x in map(parse, items) if x is not None], following


def pages(url: str) -> Iterator[tuple[list[Listed], str | None]]:
    """Every page from ``url`` on, each with the address of the one after it."""
    following: str | None = url
    while following:
        items, following = page(following)
        yield items, following


def parse(item) -> Listed | None:
    """One listed repository (None for an entry that is not a model repo id: the Hub's own data is not trusted)."""
    if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not is_repo_id(item["id"]):
        return None
    bases, relation, key = _bases(item)
    sha = item.get("sha") if isinstance(item.get("sha"), str) else None
    children = item.get("childrenModelCount")
    return Listed(repo=item["id"], sha=sha, bases=bases, relation=relation, gated=item.get("gated") not in (None, False, "false"),
                  children=children if isinstance(children, int) else None, key=key)


def _bases(item: dict) -> tuple[tuple[str, ...], str | None, str]:
    """(bases, relation, the field that named them): ``baseModels`` first, else the ``base_model:`` tags."""
    found = item.get("baseModels")
    if isinstance(found, dict):
        models = [m.get("id") if isinstance(m, dict) else m for m in found.get("models") or []]
        bases = tuple(dict.fromkeys(m for m in models if isinstance(m, str) and is_repo_id(m)))
        relation = found.get("relation") if isinstance(found.get("relation"), str) else None
        if bases:
            return bases, relation, "baseModels"
    tags = [t for t in item.get("tags") or [] if isinstance(t, str) and t.startswith("base_model:")]
    typed = [t.split(":", 2)[1:] for t in tags if t.count(":") == 2]
    bases = tuple(dict.fromkeys(r for _, r in typed if is_repo_id(r)))
    relation = typed[0][0] if typed else None
    if not bases:
        bases = tuple(dict.fromkeys(t.split(":", 1)[1] for t in tags if is_repo_id(t.split(":", 1)[1])))
    return bases, relation, "tags"


def exists(repo: str) -> bool:
    """Whether the Hub knows ``repo`` (``/api/models/{repo}``); a failure to ask is an external failure."""
    from huggingface_hub.errors import HfHubHTTPError
    from huggingface_hub.utils import build_hf_headers, get_session

    check_repo(repo)
    if (why := offline_reason(endpoint())) is not None:
        raise ExternalServiceError(f"cannot list models on Hugging Face ({why}); a crawl needs the Hub, run again online")
    try:
        with bounded("api", f"the model info of {repo}"):
            response = get_session().get(f"{endpoint()}/api/models/{repo}", headers=build_hf_headers(),
                                         timeout=float(os.environ.get("LINEAGE_HF_TIMEOUT", "30")))
            status = response.status_code
            response.read()
    except ExternalServiceError:
        raise
    except (HfHubHTTPError, OSError, ValueError, transport_errors()) as exc:
        raise ExternalServiceError(f"cannot ask Hugging Face about {repo}: {type(exc).__name__}") from None
    if status in (401, 403, 404):  # the Hub answers 401 for a repo that does not exist (or is private)
        return False
    if status >= 400:
        raise ExternalServiceError(f"Hugging Face answered HTTP {status} for the model info of {repo}")
    return True
