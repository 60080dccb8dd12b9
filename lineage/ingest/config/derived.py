"""The ``derivedFrom`` claim and the model entity of a quantized copy read from its config.

:mod:`.derivative` decides that a repo is a quantized copy and of which base; here the copy
becomes a model of its own (``owner-name``, published by the repo's owner) with one claim,
``copy derivedFrom base`` (relation ``quantized``), whose evidence is every sign found: the
quantization key or sibling file (the copy's own statement: verified) and the repo name
(a naming convention: reported when it is the only sign, and then judged by ``verify``).
"""

from __future__ import annotations

from lineage.catalog.resolver import Resolver
from lineage.domain import (
    Claim,
    Derivation,
    Evidence,
    Method,
    Role,
    SourceDocument,
    SourceKind,
    slug,
    utcnow,
)
from lineage.ingest.config.derivative import Sign
from lineage.ingest.derivation import derivation_claim
from lineage.ingest.discovery import discovered_model, discovered_organization


def derivative_id(repo: str, catalog) -> str:
    """The model id of a copy's repo: the catalog's model for it, else ``owner-name`` (as a card names it:
    two quantizers' copies of one base never share an id)."""
    known = catalog.model_by_repo(repo) if hasattr(catalog, "model_by_repo") else None
    return known.id if known is not None else slug(repo.replace("/", "-"))


def derived_from(repo: str, base: str, doc: SourceDocument, found: list[Sign], catalog=None) -> Claim:
    """``copy derivedFrom base`` (quantized) with one evidence per sign (the repo name always among them)."""
    now = utcnow()
    evidence = tuple(
        Evidence(source=doc.id, revision=doc.revision, source_kind=doc.kind, locator=s.locator, snippet=s.snippet,
                 method=Method.CONFIG if s.stated else Method.METADATA, retrieved_at=now)
        for s in found
    )
    stated = [s for s in found if s.stated]
    if stated:
        role = Role.STATES
        reason = f"its own files say it is quantized ({stated[0].snippet}); the repo name names the base"
    else:
        role = Role.INFERRED
        reason = "the repo name carries a number-format suffix after the base's name; no quantization key states it"
    return derivation_claim(derivative_id(repo, catalog or {}), base, Derivation.QUANTIZED.value, evidence,
                            primary=doc.kind is SourceKind.PRIMARY, role=role, reason=reason)


def derivative_entities(repo: str, doc: SourceDocument, catalog) -> list:
    """The copy's model (and its publisher, when the catalog lacks it); nothing when the catalog has the model."""

    if catalog.model_by_repo(repo) is not None:
        return []
    owner, _, name = repo.rpartition("/")
    url = f"https://huggingface.co/{repo}"
    out: list = []
    org = Resolver(catalog).organization(owner) if owner else None
    if owner and org is None:
        found = discovered_organization(owner, doc.id, f"https://huggingface.co/{owner}")
        if found is not None:
            org = found.id
            if org not in catalog:
                out.append(found)
    out.append(discovered_model(derivative_id(repo, catalog), name, org, None, None, doc.id, url, hf_repo=repo))
    return out
