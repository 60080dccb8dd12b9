"""``lineage ingest refresh``: re-resolve every Hub-pinned source and fetch only what changed, with the claim diff.

Hub-pinned sources are a repository's card (``card:<repo>``, pinned to the commit its files were read
at) and its listing entry (``hub:<repo>``, pinned to the commit the listing gave).  For each, one
``/api/models/<repo>`` call (bounded like every Hub call) gives the repository's commit now; a source
whose commit is unchanged is left alone and nothing else is fetched.  A changed card is ingested again
(:func:`lineage.ingest.card.ingest_hf`: its card and config at the new commit); a changed listing entry
is rewritten from the answer.  The claims of each rewritten source before and after are compared: the
diff names claims added and removed (a status change shows as both).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from pydantic import BaseModel, Field

from lineage.catalog import Catalog
from lineage.errors import ExternalServiceError
from lineage.ingest import hub_list
from lineage.ingest.hub import is_repo_id, offline_reason, transport_errors
from lineage.ingest.hub_http import bounded
from lineage.store.nquads import load_sources


class RefreshReport(BaseModel):
    """What a refresh found and changed."""

    checked: int = Field(description="Hub-pinned sources whose repository was asked about.")
    unchanged: int = Field(description="Sources whose commit is the one stored (nothing fetched).")
    refreshed: list[str] = Field(description="Sources rewritten because their repository moved to another commit.")
    gone: list[str] = Field(description="Sources whose repository the Hub no longer has (kept as they are).")
    added: list[str] = Field(description="Claims the refreshed sources state now and did not before.")
    removed: list[str] = Field(description="Claims the refreshed sources stated before and do not now.")


def pinned(store) -> list[tuple[str, str, str | None]]:
    """(source id, repo, stored commit) of every Hub-pinned source: cards, ``hub:<repo>`` entries, and each entry
    of a crawled listing page (named ``hub:<repo>``, the source a refresh writes for it)."""
    out = []
    for doc in store.sources():
        kind, _, repo = doc.id.partition(":")
        if kind in ("card", "hub") and is_repo_id(repo):
            out.append((doc.id, repo, doc.revision))
    written = {doc_id for doc_id, _, _ in out}
    out += [(f"hub:{repo}", repo, commit) for repo, (_, _, commit) in listed(store).items()
            if f"hub:{repo}" not in written]
    return sorted(out)


_LISTED = """SELECT ?g ?m ?repo ?rev WHERE { GRAPH ?g { ?m lin:hfRepo ?repo ; lin:revision ?rev } }"""


def listed(store) -> dict[str, tuple[str, str, str]]:
    """repo -> (page source id, model IRI, commit) of every entry of a crawled listing page
    (:func:`lineage.store.nquads.commit_nquads`)."""
    from lineage.store import iris

    out = {}
    for row in store.select(_LISTED):
        doc_id = iris.source_id(str(row["g"]))
        if doc_id.startswith("hub-list:") and is_repo_id(repo := str(row["repo"])):
            out[repo] = (doc_id, str(row["m"]), str(row["rev"]))
    return out


def _unlist(store, page: str, model_iri: str) -> None:
    """Take one entry out of its listing page's graph: its commit and the claims about its model (the
    ``hub:<repo>`` source written for it states them now).  Evidence nodes the page's other claims share stay."""
    from lineage.store import iris

    g, m = iris.ref(iris.source_iri(page)), iris.ref(model_iri)
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    store._update(
        f"DELETE WHERE {{ GRAPH {g} {{ {m} {iris.ref(iris.LIN + 'revision')} ?rev }} }} ;\n"
        f"DELETE {{ GRAPH {g} {{ ?c ?p ?o . {m} ?dp ?base }} }} WHERE {{ GRAPH {g} {{ ?c {iris.ref(rdf + 'subject')} {m} ; "
        f"{iris.ref(rdf + 'predicate')} ?dp ; {iris.ref(rdf + 'object')} ?base ; ?p ?o }} }}",
        f"taking {model_iri} out of {page} failed")


def _info(repo: str) -> dict | None:
    """The Hub's record of ``repo`` (commit, bases, gated…), or None when it has none."""
    from huggingface_hub.utils import build_hf_headers, get_session

    expand = "&".join(f"expand[]={e}" for e in hub_list.EXPAND)
    try:
        with bounded("api", f"the model info of {repo}"):
            response = get_session().get(f"{hub_list.endpoint()}/api/models/{repo}?{expand}", headers=build_hf_headers(),
                                         timeout=float(os.environ.get("LINEAGE_HF_TIMEOUT", "30")))
            status = response.status_code
            body = response.read()
    except ExternalServiceError:
        raise
    except (OSError, ValueError, transport_errors()) as exc:
        raise ExternalServiceError(f"cannot ask Hugging Face about {repo}: {type(exc).__name__}") from None
    if status in (401, 403, 404):
        return None
    if status >= 400:
        raise ExternalServiceError(f"Hugging Face answered HTTP {status} for the model info of {repo}")
    import json

    try:
        info = json.loads(body)
    except ValueError:
        raise ExternalServiceError(f"Hugging Face answered the model info of {repo} with something not JSON") from None
    return info if isinstance(info, dict) else None


def _claims(store, doc_ids: list[str], subject: str | None = None, label: str | None = None) -> set[str]:
    """The claims of ``doc_ids`` (about ``subject`` only, when given) as diff lines, each naming its source
    (or ``label``: a listing page's entry is named as the ``hub:<repo>`` source a refresh writes for it)."""
    out = set()
    for doc_id in doc_ids:
        for c in store.claims(source=doc_id, **({"subject": subject} if subject else {})):
            what = c.object if c.object is not None else f"{c.value}{' ' + c.unit if c.unit else ''}"
            extra = f" {c.qualifiers}" if c.qualifiers else ""
            out.add(f"{c.subject} {c.predicate.value} {what}{extra} [{c.status.value}] ({label or doc_id})")
    return out


def refresh(store, catalog: Catalog, progress: Callable[[int], None] | None = None) -> RefreshReport:
    """Re-resolve every Hub-pinned source of ``store``; rewrite those whose repository changed."""
    from lineage.ingest.card import ingest_hf  # deferred for start-up: yaml
    from lineage.ingest.hub_pages import Models, listed_source  # deferred for start-up: yaml

    if (why := offline_reason(hub_list.endpoint())) is not None:
        raise ExternalServiceError(f"cannot refresh from Hugging Face ({why}); run again online")
    report = RefreshReport(checked=0, unchanged=0, refreshed=[], gone=[], added=[], removed=[])
    models = Models(catalog)
    entries = listed(store)
    for doc_id, repo, revision in pinned(store):
        info = _info(repo)
        report.checked += 1
        if progress:
            progress(1)
        if info is None:
            report.gone.append(doc_id)
            continue
        sha = info.get("sha") if isinstance(info.get("sha"), str) else None
        if sha is not None and sha == revision:
            report.unchanged += 1
            continue
        page, model_iri, _ = entries.get(repo, (None, None, None))
        before = _claims(store, [doc_id])
        if page is not None and model_iri is not None:
            from lineage.store import iris

            before |= _claims(store, [page], iris.entity_id(model_iri), label=doc_id)
        if doc_id.startswith("card:"):
            ingest_hf(store, catalog, repo)
        else:
            item = hub_list.parse(info)
            if item is None:
                raise ExternalServiceError(f"Hugging Face answered the model info of {repo} without its id")
            load_sources(store, [listed_source(item, models)])
            if page is not None and model_iri is not None:
                _unlist(store, page, model_iri)
        after = _claims(store, [doc_id])
        report.refreshed.append(doc_id)
        report.added += sorted(after - before)
        report.removed += sorted(before - after)
    return report
