"""Which report is this, and which model does it describe? Catalog first, then the report itself.

1. ``--model ID``: that model. An id the catalog lacks is a new model (checked against the id
   pattern), never the nearest known id.
2. A catalog paper (by ``--arxiv``, the page-1 arXiv stamp, or its exact title): the catalog's
   models whose report it is.
3. Otherwise the first page (:func:`lineage.ingest.discovery.read_identity`): the model it
   names, resolved exactly; a model nobody catalogued becomes a discovered model with its lab,
   month and report, each a claim with page-1 evidence.  The month is the page's own when it
   gives one; else the report's publication record, when the caller has one (a corpus manifest's
   ``pub_month``, :mod:`lineage.ingest.months`); else the PDF's CreationDate, which dates the copy
   read (a revision may be months younger than the report).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lineage.catalog import Catalog
from lineage.catalog.resolver import Resolver
from lineage.domain import ID_PATTERN, Claim, Draft, Entity, EntityKind, Evidence, Method, Paper, Predicate, clip
from lineage.errors import SourceFormatError
from lineage.ingest import discovery, months
from lineage.ingest.pdf import PdfText
from lineage.verify_draft import settle


def identify(pdf: PdfText, catalog: Catalog, arxiv: str | None = None) -> Paper | None:
    """The catalog paper a PDF is: by ``--arxiv``, an arXiv stamp on page 1, or its title on page 1."""
    if arxiv:
        arxiv = re.sub(r"v\d+$", "", arxiv.removeprefix("arXiv:").removeprefix("arxiv-"))
        found = catalog.entities.get(f"arxiv-{arxiv}")
        return found if isinstance(found, Paper) else None
    first = pdf.pages[0][:3000]
    stamp = re.search(r"arXiv:(\d{4}\.\d{4,5})", first)
    stamped = catalog.entities.get(f"arxiv-{stamp.group(1)}") if stamp else None
    if stamped is not None and stamped.kind == "paper":  # a record stands in for a Paper in a store's catalog
        return stamped
    norm_first = re.sub(r"[^a-z0-9]+", " ", first.lower())
    best = None
    for paper in catalog.of_kind(EntityKind.PAPER):
        if paper.title and len(paper.title) > 15:
            title = re.sub(r"[^a-z0-9]+", " ", paper.title.lower()).strip()
            if title in norm_first and (best is None or len(title) > len(best.title or "")):
                best = paper
    return best


@dataclass
class Subjects:
    """The report's paper and models, and what had to be discovered to name them."""

    models: list[str]
    paper: Paper | None
    catalog: Catalog
    """The catalog overlaid with the discovered entities (the analysis resolves names in it)."""
    entities: list[Entity] = field(default_factory=list)
    facts: list[tuple[str, Predicate, str | None, str | None, discovery.ReadValue | months.RecordedMonth]] = field(
        default_factory=list)
    """(subject, predicate, object, value, where it was read) for each discovered fact."""


def subjects(pdf: PdfText, catalog: Catalog, paper: Paper | None, model: str | None,
             month: months.RecordedMonth | None = None) -> Subjects:
    """Models (and paper) of a report, discovering what the catalog lacks; see the module docstring.

    ``month`` (the report's publication record) dates a discovered model whose report's first page gives no month.
    """
    resolver = Resolver(catalog)
    if model is None and paper is not None:
        found = [m.id for m in catalog.of_kind(EntityKind.MODEL) if m.report == paper.id]
        if found:
            return Subjects(found, paper, catalog)
    if model is not None:
        known = resolver.model(model) or (model if model in catalog else None)
        if known is not None and catalog.get(known).kind == EntityKind.MODEL.value:
            return Subjects([known], paper, catalog)
        if known is not None or not re.fullmatch(ID_PATTERN, model) or len(model) > 80:
            raise SourceFormatError(
                f'--model "{model}" is not a model id: use lowercase letters, digits, "-" and "." '
                "(a new id creates the model), or see 'lineage ls models'"
            )
    ident = discovery.read_identity(pdf.pages[0], pdf.pages[1] if pdf.page_count > 1 else "", resolver, pdf.created)
    if model is None:
        if ident.model is None:
            raise SourceFormatError(
                "cannot tell which model this report describes: its first page names none. "
                "Pass --model ID (a new id creates the model; see 'lineage ls models')."
            )
        known = resolver.model(ident.model.value)
        if known is not None:
            return Subjects([known], paper, catalog)
        model = discovery.slug(ident.model.value)
        if not model:
            raise SourceFormatError(f'the report names "{ident.model.value}", which gives no usable id. Pass --model ID.')
    return _discover(ident, model, paper, catalog, resolver, month)


def _discover(ident, model: str, paper: Paper | None, catalog: Catalog, resolver: Resolver,
              month: months.RecordedMonth | None = None) -> Subjects:
    url = f"https://arxiv.org/abs/{ident.arxiv}" if ident.arxiv else f"urn:lineage:report:{model}"
    doc_id = f"report:{paper.id}" if paper else None
    entities: list[Entity] = []
    facts: list[tuple[str, Predicate, str | None, str | None, discovery.ReadValue | months.RecordedMonth]] = []
    name = ident.model.value if ident.model and discovery.slug(ident.model.value) == model else model
    org = discovery.resolve_organization(resolver, ident.organization, name)
    if org is None and ident.organization is not None:
        new_org = discovery.discovered_organization(ident.organization.value, doc_id or "", url)
        if new_org is not None and new_org.id == model:
            new_org = None  # "<Model> Team": the team that wrote the report, named after the model, is no lab
        if new_org is not None and new_org.id in catalog and catalog.entities[new_org.id].kind != "organization":
            new_org = None  # an id the catalog gives to something else (a model, a technique) is no lab's
        if new_org is not None:
            org = new_org.id if new_org.id in catalog else None
            if org is None:
                entities.append(new_org)
                org = new_org.id
    when = ident.released or month or ident.created  # see the module docstring
    if paper is None:
        pid = f"arxiv-{ident.arxiv}" if ident.arxiv else f"report-{model}"
        title = ident.title.value if ident.title else f"{name} report"
        known = catalog.entities.get(pid)
        paper = known if known is not None and known.kind == "paper" else discovery.discovered_paper(
            pid, title, ident.arxiv, when.value if when else None, (org,) if org else (), "", url
        )
        if paper.curation == "discovered":
            entities.append(paper)
    doc_id = f"report:{paper.id}"
    released = when.value if when else None
    entities.append(discovery.discovered_model(model, name, org, released, paper.id, doc_id, url))
    entities = [e.model_copy(update={"discovered_in": doc_id}) for e in entities]
    if org and ident.organization:
        facts.append((model, Predicate.DEVELOPED_BY, org, None, ident.organization))
    if when:
        facts.append((model, Predicate.RELEASED, None, released, when))
    return Subjects([model], paper, catalog.with_discovered(entities), entities, facts)


def discovery_claims(found: Subjects, doc, now) -> list[Claim]:
    """Claims for what the first page (or the publication record) says about discovered entities (lab, month, report)."""
    out = []
    for subject, predicate, obj, value, where in found.facts:
        if isinstance(where, months.RecordedMonth):
            out.append(months.month_claim(subject, where, doc))
            continue
        out.append(
            settle(Draft(
                subject=subject,
                predicate=predicate,
                object=obj,
                value=value,
                primary=True,
                reason=f"read from the model's own report ({where.locator}; entity discovered there)",
                evidence=(
                    Evidence(source=doc.id, revision=doc.revision, source_kind=doc.kind, locator=where.locator,
                             snippet=clip(where.snippet), method=Method.TEXT, retrieved_at=now),
                ),
            ))
        )
    return out
