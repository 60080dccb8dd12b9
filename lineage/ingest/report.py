"""Report ingestion: a technical report's PDF becomes claims with page-level evidence.

From one report: ``uses`` claims for techniques its own model adopts (and
contradicted ``uses`` claims for ones it rules out), ``mentions`` for the rest,
``cites`` edges to catalog papers (typed with CiTO where the context allows),
and the numbers it states (parameters, tokens, context, hardware, GPU hours).
Nothing is written unless the whole report was read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field

from lineage.catalog import Catalog
from lineage.catalog.resolver import Resolver, name_key
from lineage.domain import (
    Claim,
    Draft,
    EntityKind,
    Evidence,
    Method,
    Paper,
    Predicate,
    Role,
    SourceDocument,
    SourceKind,
    clip,
    human,
    utcnow,
)
from lineage.ingest import (
    adoption_rules,
    bibliography,
    compiled,
    discovery,
    facts,
    hardware_ties,
    proposals,
    references,
    relations,
    report_architecture,
    report_inherit,
)
from lineage.ingest.identity import check_identity, prepared_afresh
from lineage.ingest.pdf import PdfText, read_pdf
from lineage.ingest.report_columns import column_adoptions
from lineage.ingest.report_subjects import Subjects, discovery_claims, identify, subjects
from lineage.ingest.text import Sentence, alias_patterns, sentences
from lineage.verify import guard_time
from lineage.verify_draft import settle
from lineage.verify_ratios import judge_ratios

MAX_EVIDENCE = 3


class ReportReport(BaseModel):
    """What ingesting one report produced."""

    source: str = Field(description="Source document id.")
    paper: str | None = Field(None, description="Catalog paper id of the report, when known.")
    models: list[str] = Field(description="Models the report describes (claim subjects).")
    pages: int = Field(description="Pages read.")
    uses: list[str] = Field(description="Techniques adopted by the report's own model.")
    ruled_out: list[str] = Field(description="Techniques the report says its model does not use.")
    mentions: list[str] = Field(description="Techniques only mentioned.")
    references: int = Field(description="Bibliography entries parsed.")
    resolved: int = Field(description="Entries resolved to catalog papers.")
    facts: list[str] = Field(description="Stated numbers, one line each.")
    relations: list[str] = Field(default_factory=list, description="Technique -> technique relations stated, one line each.")
    claims: int = Field(description="Claims written.")
    discovered: list[str] = Field(default_factory=list, description="Entities this report introduced (not in the catalog).")
    replaced: str | None = Field(None, description="Revision of the stored source this report replaced (--replace).")


@dataclass
class PreparedReport:
    doc: SourceDocument
    claims: list[Claim]
    report: ReportReport
    entities: list


# --------------------------------------------------------------------------- analysis


def _names(catalog: Catalog, models: list[str]) -> dict[str, list[str]]:
    out = {}
    for mid in models:
        m = catalog.get(mid)
        out[mid] = [m.name, *m.aliases, *_without_lab(catalog, m)]
    return out


def _without_lab(catalog: Catalog, model) -> list[str]:
    """The name without its lab's prefix ("NVIDIA Nemotron 3" is "Nemotron 3" in the prose), when a version is left."""
    org = catalog.entities.get(model.organization) if model.organization else None
    if org is None:
        return []
    for lab in (org.name, *getattr(org, "aliases", ())):
        rest = model.name[len(lab) :].strip(" -") if model.name.lower().startswith(lab.lower() + " ") else ""
        if rest and re.search(r"\d", rest) and rest not in model.aliases:
            return [rest]
    return []


def _own_names(catalog: Catalog, models: list[str]) -> list[str]:
    names = [n for ns in _names(catalog, models).values() for n in ns]
    families = {catalog.get(m).family for m in models if catalog.get(m).family}
    return names + sorted(f for f in families if f)


def _other_names(catalog: Catalog, own: list[str]) -> list[str]:
    own_set = {n.lower() for n in own}
    return [
        n
        for m in catalog.of_kind(EntityKind.MODEL)
        for n in (m.name, *m.aliases)
        if n.lower() not in own_set and len(n) > 3 and "/" not in n
    ]


_APPOSED_MODEL = re.compile(
    rf"(?<![\w-])({discovery.NAME_SHAPE}),\s+(?:a|an)\s+(?:[\w-]+\s+){{0,3}}?(?:model|LLM)\b(?!\s+(?:of|from)\b)")
"""A model the document introduces by apposition ("<Name>, a model claimed to …", "<Name>, an open MoE model")."""


def document_models(body: list[Sentence], own: list[str]) -> list[str]:
    """Models the document itself presents as models, other than its own (the catalog need not know them):
    a sentence whose subject is one of them is about that model, never the document's own."""
    own_keys = [name_key(n) for n in own if n]
    found = set()
    for s in body:
        for m in _APPOSED_MODEL.finditer(s.text):
            name = m.group(1)
            key = name_key(name)
            if discovery.model_like(name) and key and not any(key.startswith(k) or k.startswith(key) for k in own_keys):
                found.add(name)
    return sorted(found)


def _section_kind(pdf: PdfText, s: Sentence) -> str | None:
    """The kind of section the sentence stands in, from its heading and the headings above it."""
    heading = pdf.section_at(s.page, s.offset)
    if heading is None:
        return None
    parts = heading.number.split(".")
    above = {".".join(parts[:i]) for i in range(1, len(parts))}
    titles = {h.number: h.title for h in pdf.headings
              if h.number in above and (h.page, h.offset) <= (heading.page, heading.offset)}  # the latest of each
    return adoption_rules.section_kind([*titles.values(), heading.title])


def body_sentences(pdf: PdfText) -> list[Sentence]:
    """Every sentence outside the bibliography (split once per PDF read)."""
    cached = pdf._body_sentences
    if cached is None:
        cached = pdf._body_sentences = [
            s
            for page_no, text in enumerate(pdf.body_pages(), start=1)
            for s in sentences(text, page_no)
            if not pdf.in_references(s.page, s.offset)
        ]
    return list(cached)


def _evidence(doc: SourceDocument, s: Sentence, pdf: PdfText, now, supports: bool = True) -> Evidence:
    heading = pdf.section_at(s.page, s.offset)
    where = f"p. {s.page}" + (f", §{heading.number} {heading.title}" if heading else "")
    return Evidence(
        source=doc.id,
        revision=doc.revision,
        source_kind=doc.kind,
        locator=clip(where, 120),
        snippet=clip(s.text),
        method=Method.TEXT,
        retrieved_at=now,
        supports=supports,
    )


def _cito(sentence: str, kind: adoption_rules.Kind) -> str:
    if re.search(r"\b(?:extend\w*|build\w* (?:up)?on|based on|improv\w*|modif\w*)\b", sentence, re.I):
        return "extends"
    if kind is adoption_rules.Kind.ADOPTION:
        return "usesMethodIn"
    if re.search(r"\b(?:compar\w*|than|baseline|unlike|versus)\b", sentence, re.I):
        return "citesForInformation"
    return "cites"


def analyse(
    pdf: PdfText, doc: SourceDocument, catalog: Catalog, models: list[str], paper: Paper | None, stored=None
) -> tuple[list[Claim], ReportReport]:
    """Claims for one report (pure: reads nothing, writes nothing; ``stored``: see :func:`report_inherit.find`)."""
    now = utcnow()
    own = _own_names(catalog, models)
    body = body_sentences(pdf)
    patterns, others = alias_patterns(catalog), _other_names(catalog, own)
    others += document_models(body, own)
    mentions = adoption_rules.find_mentions(body, patterns, own, others, sections=lambda s: _section_kind(pdf, s))
    mentions = report_architecture.with_architecture(mentions, report_architecture.mentions(pdf, body, patterns, own, others))
    decisions = adoption_rules.decide(mentions)
    for m in column_adoptions(pdf.body_pages(), alias_patterns(catalog), own, others):
        decisions.setdefault(m.technique, adoption_rules.Decision(m.technique)).adoptions.append(m)
    bib = references.parse(pdf.references_text(), catalog)
    claims: list[Claim] = []
    where_paper = paper.id if paper else None
    uses, ruled_out, mentioned = [], [], []

    for technique, d in sorted(decisions.items()):
        verdict = d.verdict
        if verdict is adoption_rules.Kind.ADOPTION:
            uses.append(technique)
            first = d.adoptions[0].sentence
            ev = [_evidence(doc, m.sentence, pdf, now) for m in d.adoptions[:MAX_EVIDENCE]]
            ev += [_evidence(doc, m.sentence, pdf, now, supports=False) for m in d.negations[:1]]
            for model in models:
                claims.append(
                    settle(Draft(
                        subject=model,
                        predicate=Predicate.USES,
                        object=technique,
                        primary=True,
                        reason=clip(f"the model's own report adopts it (p. {first.page}, {len(d.adoptions)} sentences)", 200),
                        evidence=tuple(ev),
                    ))
                )
        elif verdict is adoption_rules.Kind.NEGATION:
            ruled_out.append(technique)
            first = d.negations[0].sentence
            ev = [_evidence(doc, m.sentence, pdf, now, supports=False) for m in d.negations[:MAX_EVIDENCE]]
            for model in models:
                claims.append(
                    settle(Draft(
                        subject=model,
                        predicate=Predicate.USES,
                        object=technique,
                        primary=True,
                        role=Role.RULES_OUT,
                        reason=clip(f"the model's own report rules it out (p. {first.page})", 200),
                        evidence=tuple(ev),
                    ))
                )
        else:
            mentioned.append(technique)
            ev = [_evidence(doc, m.sentence, pdf, now) for m in d.mentions[:2]]
            claims.append(
                settle(Draft(
                    subject=where_paper or models[0],
                    predicate=Predicate.MENTIONS,
                    object=technique,
                    primary=True,
                    reason="named in the report without being adopted for its model",
                    evidence=tuple(ev),
                ))
            )

    inherited = report_inherit.find(body, catalog, own, models, lambda s: _section_kind(pdf, s), stored)
    added, drafts = report_inherit.drafts(inherited, models, {*uses, *ruled_out}, lambda s: _evidence(doc, s, pdf, now))
    uses = sorted({*uses, *added})
    claims += [settle(d) for d in drafts]

    # citations: every resolved entry, typed by the sentences that cite it next to a technique
    if where_paper:
        cite_context: dict[str, tuple[str, Sentence | None]] = {}
        for m in mentions:
            for ref in references.citations_in(m.sentence.text, bib):
                if ref.paper and ref.paper != where_paper:
                    kind = _cito(m.sentence.text, m.kind)
                    if ref.paper not in cite_context or kind in ("usesMethodIn", "extends"):
                        cite_context[ref.paper] = (kind, m.sentence)
        for ref in bib.resolved:
            if ref.paper is None or ref.paper == where_paper:
                continue
            kind, sentence = cite_context.get(ref.paper, ("cites", None))
            ev = [
                Evidence(
                    source=doc.id,
                    revision=doc.revision,
                    source_kind=doc.kind,
                    locator=f"references, entry {ref.number or ref.index}",
                    snippet=clip(ref.text),
                    method=Method.CITATION,
                    retrieved_at=now,
                )
            ]
            if sentence is not None:
                ev.append(_evidence(doc, sentence, pdf, now))
            claims.append(
                settle(Draft(
                    subject=where_paper,
                    predicate=Predicate.CITES,
                    object=ref.paper,
                    qualifiers={"cito": kind},
                    primary=True,
                    reason=f"in the report's bibliography (resolved by {ref.resolved_by})",
                    evidence=tuple(ev),
                ))
            )

    stated = facts.extract(body, _names(catalog, models), catalog, other_names=others)
    fact_lines = []
    for f in stated:
        claims.append(
            settle(Draft(
                subject=f.model,
                predicate=f.predicate,
                object=f.object,
                value=f.value,
                unit=f.unit,
                qualifiers=f.qualifiers,
                primary=True,
                reason=clip(f"stated in the model's own report (p. {f.sentence.page})", 200),
                evidence=(_evidence(doc, f.sentence, pdf, now),),
            ))
        )
        shown = f.object or f.value
        if not f.object and isinstance(f.value, int | float) and not isinstance(f.value, bool) and abs(f.value) >= 1e6:
            shown = human(f.value)
        stated_as = "".join(f', {k} "{v}"' for k, v in f.qualifiers.items())  # 'stated "671B"', never a dict repr
        fact_lines.append(f"{f.model} {f.predicate.value} {shown} (p. {f.sentence.page}{stated_as})")

    related = relations.find(body, alias_patterns(catalog), catalog, bib)
    claims += relations.claims(related, catalog, where_paper, lambda s: _evidence(doc, s, pdf, now))

    claims = judge_ratios(guard_time(_merge_duplicates(claims), catalog))
    report = ReportReport(
        source=doc.id,
        paper=where_paper,
        models=models,
        pages=pdf.page_count,
        uses=uses,
        ruled_out=ruled_out,
        mentions=mentioned,
        references=len(bib.entries),
        resolved=len(bib.resolved),
        facts=fact_lines,
        relations=[f"{r.subject} {r.predicate.value} {r.object} (p. {r.sentence.page})" for r in related],
        claims=len(claims),
    )
    return claims, report


def _merge_duplicates(claims: list[Claim]) -> list[Claim]:
    """One claim per statement: a paper cited twice keeps the first, with the evidence of both."""
    out: dict[str, Claim] = {}
    for c in claims:
        if c.id in out:
            ev = (*out[c.id].evidence, *c.evidence)[: MAX_EVIDENCE + 1]
            out[c.id] = out[c.id].model_copy(update={"evidence": ev})
        else:
            out[c.id] = c
    return list(out.values())


# --------------------------------------------------------------------------- entry points


def report_document(pdf: PdfText, paper: Paper | None, models: list[str], version: str | None = None) -> SourceDocument:
    # identity: the catalog paper it is, or else its bytes (never the file name alone)
    ident = f"report:{paper.id}" if paper else f"report:{models[0]}/sha256-{pdf.sha256[:16]}"
    url = f"https://arxiv.org/abs/{paper.arxiv}{version or ''}" if paper and paper.arxiv else None
    return SourceDocument(
        id=ident,
        title=(paper.title or paper.name) if paper else pdf.path.name,
        kind=SourceKind.PRIMARY,
        format="report",
        url=url,
        revision=(f"arXiv {paper.arxiv}{version} " if version and paper else "") + f"sha256:{pdf.sha256}",
        publisher=", ".join(paper.organizations) if paper and paper.organizations else None,
        about=models[0],
        note=None if len(models) == 1 else f"describes {', '.join(models)}",
    )


def prepare(
    path: Path, catalog: Catalog, model: str | None = None, arxiv: str | None = None, version: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PreparedReport:
    """Read and analyse a report PDF without touching the store (``progress(page, pages)`` per page read)."""
    pdf = read_pdf(Path(path), progress)
    return analyse_subjects(pdf, pdf_subjects(pdf, catalog, model, arxiv), version)


def pdf_subjects(pdf: PdfText, catalog: Catalog, model: str | None = None, arxiv: str | None = None) -> Subjects:
    """The paper and models of a report already read (the catalog's, or discovered)."""
    paper = identify(pdf, catalog, arxiv)
    if arxiv and paper is None:
        raise catalog.unknown(f"arxiv-{arxiv}", EntityKind.PAPER)
    return subjects(pdf, catalog, paper, model)


def analyse_subjects(pdf: PdfText, found: Subjects, version: str | None = None, stored=None) -> PreparedReport:
    """The document, claims and discovered entities of a report whose subjects are settled.

    Techniques the report proposes, or adopts citing their origin, that no catalog lists are
    discovered first (:mod:`lineage.ingest.proposals`), so the adoption analysis sees their names.
    """
    doc = report_document(pdf, found.paper, found.models, version)
    now = utcnow()
    bib = references.parse(pdf.references_text(), found.catalog)
    new = _proposals(pdf, found, doc, bib)
    devices = hardware_ties.discover(body_sentences(pdf), found.catalog, doc.id, doc.url or f"urn:lineage:{doc.id}")
    catalog = found.catalog.with_discovered([p.technique for p in new.proposals] + new.papers + devices)
    cited = bibliography.discover(bib, catalog, doc.id, doc.url or f"urn:lineage:{doc.id}", body_sentences(pdf))
    catalog = catalog.with_discovered([i.technique for i in cited.ideas] + cited.papers)
    claims, report = analyse(pdf, doc, catalog, found.models, found.paper, stored)
    claims += discovery_claims(found, doc, now) + _proposal_claims(new, doc, pdf, now) + bibliography.claims(cited, doc, now)
    entities = [*found.entities, *new.papers, *(p.technique for p in new.proposals), *devices,
                *cited.papers, *(i.technique for i in cited.ideas)]
    report = report.model_copy(update={"claims": len(claims), "discovered": [e.id for e in entities]})
    compiled.save()  # the next process reads its patterns instead of compiling them
    return PreparedReport(doc=doc, claims=claims, report=report, entities=entities)


def _proposals(pdf: PdfText, found: Subjects, doc: SourceDocument, bib: references.Bibliography) -> proposals.ProposedIdeas:
    model = found.catalog.entities.get(found.models[0])
    paper = found.paper
    month = (paper.published if paper else None) or getattr(model, "released", None)
    org = getattr(model, "organization", None)
    return proposals.find(body_sentences(pdf), Resolver(found.catalog), bib, paper.id if paper else None,
                          org, month, doc.id, doc.url or f"urn:lineage:{doc.id}")


def _proposal_claims(new: proposals.ProposedIdeas, doc: SourceDocument, pdf: PdfText, now) -> list[Claim]:
    out = []
    for p in new.proposals:
        t = p.technique
        facts: list[tuple[Predicate, str | None, str | None]] = (
            [(Predicate.INTRODUCED_IN, t.introduced_in, None)] if t.introduced_in else [])
        facts += [(Predicate.INTRODUCED_BY, o, None) for o in t.introduced_by]
        if t.first_appeared:
            facts.append((Predicate.FIRST_APPEARED, None, t.first_appeared))
        how = "proposed in this report" if p.proposed else "adopted here citing its introducing paper"
        for predicate, obj, value in facts:
            out.append(settle(Draft(subject=t.id, predicate=predicate, object=obj, value=value, primary=p.proposed,
                                    reason=f"technique discovered in the report: {how} (p. {p.sentence.page})",
                                    evidence=(_evidence(doc, p.sentence, pdf, now),))))
    return out


def ingest_pdf(
    store, catalog: Catalog, path: Path, model: str | None = None, arxiv: str | None = None,
    version: str | None = None, replace: bool = False, progress: Callable[[int, int], None] | None = None,
) -> ReportReport:
    """Ingest one report PDF: analysed completely first, then written as one named graph in one transaction.

    A different PDF under the id of a stored report is refused unless ``replace``
    (:func:`check_identity`); the report then says what it replaced.
    """
    pdf = read_pdf(Path(path), progress)
    found, _ = prepared_afresh(  # read as a first ingest would: what it discovered before is discovered again
        store, catalog, lambda cat: pdf_subjects(pdf, cat, model, arxiv),
        lambda found: [report_document(pdf, found.paper, found.models, version).id], digests=[pdf.sha256])
    prepared = analyse_subjects(pdf, found, version, lambda: report_inherit.stored_techniques(store))
    replaced = check_identity(store, prepared.doc, Path(path), replace)
    store.replace_source(prepared.doc, prepared.claims, prepared.entities)
    return prepared.report.model_copy(update={"replaced": replaced})
