"""Techniques a report proposes or adopts that the catalog lacks: discovered, not dropped.

Two forms, read from body sentences (never the bibliography):

* **proposed** — the document's authors propose, introduce or present a named method with its
  acronym: "we propose Multi-matrix Factorization Attention (MFA)". The technique is introduced
  in this report, by the report's lab, first appearing in its month.
* **adopted with a citation** — "we adopt Foo-Bar Routing (FBR) [12]" / "(Smith et al., 2024)":
  introduced in the cited paper, resolved through the bibliography (a catalog paper, or the
  arXiv id printed in the entry, which becomes a discovered paper).

A name becomes a technique only when its acronym is spelled by the name's initials and its last
word is a method's head noun (attention, routing, optimizer, normalization …, the table below,
which also gives the category). Names the catalog already knows (any kind) are left to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lineage.catalog.resolver import Resolver
from lineage.domain import Paper, SourceKind, SourceRef, Technique, TechniqueCategory
from lineage.ingest import references
from lineage.ingest.discovery import slug
from lineage.ingest.entry_titles import entry_title
from lineage.ingest.text import Sentence

HEADS: dict[str, TechniqueCategory] = {
    # last word of a method's name -> its coarse category
    "attention": TechniqueCategory.ATTENTION,
    "transformer": TechniqueCategory.ATTENTION,
    "routing": TechniqueCategory.MOE,
    "router": TechniqueCategory.MOE,
    "experts": TechniqueCategory.MOE,
    "expert": TechniqueCategory.MOE,
    "optimizer": TechniqueCategory.OPTIMIZER,
    "optimiser": TechniqueCategory.OPTIMIZER,
    "optimization": TechniqueCategory.TRAINING,
    "normalization": TechniqueCategory.NORMALIZATION,
    "norm": TechniqueCategory.NORMALIZATION,
    "embedding": TechniqueCategory.POSITIONAL,
    "encoding": TechniqueCategory.POSITIONAL,
    "prediction": TechniqueCategory.OBJECTIVE,
    "loss": TechniqueCategory.OBJECTIVE,
    "connections": TechniqueCategory.RESIDUAL,
    "connection": TechniqueCategory.RESIDUAL,
    "quantization": TechniqueCategory.PRECISION,
    "decoding": TechniqueCategory.INFERENCE,
    "sampling": TechniqueCategory.INFERENCE,
    "balancing": TechniqueCategory.MOE,
    "policy": TechniqueCategory.ALIGNMENT,
    "learning": TechniqueCategory.TRAINING,
    "training": TechniqueCategory.TRAINING,
    "distillation": TechniqueCategory.TRAINING,
    "scheduling": TechniqueCategory.TRAINING,
    "parallelism": TechniqueCategory.TRAINING,
    "mechanism": TechniqueCategory.ATTENTION,
}

NAME = r"(?P<name>(?:[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*\s+){0,6}[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)"
ACR = r"\((?P<acr>[A-Z][A-Za-z0-9-]{1,11})(?:[,;]\s*(?P<cite>[^()]{1,60}(?:\([^()]{1,12}\))?))?\)"
"""The acronym in parentheses, perhaps with the citation beside it: "(FBR)", "(FBR, Smith et al. (2024))"."""
_PROPOSE = re.compile(
    rf"\b(?:we|this\s+(?:paper|work|report))\s+(?:first\s+)?(?:propose|introduce|present|design|develop|devise)s?\s+"
    rf"(?:a\s+|an\s+|the\s+|our\s+)?(?:new\s+|novel\s+|simple\s+|efficient\s+)*(?:\w+\s+){{0,2}}?{NAME}\s*{ACR}",
    re.I,
)
_ADOPT = re.compile(
    rf"\b(?:we|our\s+model)\s+(?:adopt|employ|use|utili[sz]e|apply|incorporate|follow)s?\s+(?:the\s+|a\s+)?"
    rf"(?:\w+\s+){{0,2}}?{NAME}\s*{ACR}",
    re.I,
)


@dataclass
class Proposal:
    """One technique found in the text, with the sentence that names it."""

    technique: Technique
    sentence: Sentence
    proposed: bool
    cited_paper: str | None = None


@dataclass
class ProposedIdeas:
    proposals: list[Proposal] = field(default_factory=list)
    papers: list[Paper] = field(default_factory=list)


def _spells(acronym: str, name: str) -> bool:
    """Do the name's word (and hyphen-part) initials spell the acronym, in order?"""
    initials = "".join(p[0] for p in re.split(r"[\s-]+", name) if p).lower()
    want = re.sub(r"[^a-z]", "", acronym.lower())
    it = iter(initials)
    return len(want) >= 2 and all(ch in it for ch in want) and initials[0] == want[0]


def trim_name(name: str, acronym: str) -> str | None:
    """The shortest tail of ``name`` whose initials start with the acronym's first letter and spell it."""
    words = name.split()
    for i in range(len(words)):
        tail = " ".join(words[i:])
        if _spells(acronym, tail):
            return tail
    return None


def find(
    body: list[Sentence],
    resolver: Resolver,
    bib: references.Bibliography,
    paper_id: str | None,
    organization: str | None,
    month: str | None,
    doc_id: str,
    url: str,
) -> ProposedIdeas:
    """Discovered techniques (and the cited papers they come from) in a report's body (pure).

    ``paper_id`` is the report's catalog paper, or None for a report no catalog paper describes:
    a technique it proposes then has no ``introduced_in`` (the report's source id is no paper id).
    """
    out = ProposedIdeas()
    seen: set[str] = set()
    for s in body:
        for pattern, proposed in ((_PROPOSE, True), (_ADOPT, False)):
            for m in pattern.finditer(s.text):
                name, acr = trim_name(m.group("name"), m.group("acr")), m.group("acr")
                if name is None or name.split()[-1].lower() not in HEADS:
                    continue
                if resolver.resolve(name) or resolver.resolve(acr):
                    continue  # the catalog (or an earlier source) already knows it
                if {slug(acr), slug(name)} & seen:
                    continue  # named again later in the report
                ident = slug(acr) if not resolver.resolve(slug(acr)) else slug(name)
                if not ident:
                    continue
                cited = None
                if not proposed:
                    beside = re.sub(r"[()]", " ", m.group("cite") or "")  # "Smith et al. (2024)" read as "Smith et al. 2024"
                    cited = _cited_paper(f"{beside} {s.text[m.end():m.end() + 80]}", bib, out, doc_id)
                    if cited is None:
                        continue  # adopted without saying from where: a mention, not a discovery
                seen |= {ident, slug(acr), slug(name)}
                words = name.split()
                technique = Technique(
                    id=ident,
                    name=" ".join(w if w.isupper() else w[:1].upper() + w[1:] for w in words),
                    aliases=(acr,),
                    category=HEADS[words[-1].lower()],
                    introduced_in=paper_id if proposed else cited,
                    introduced_by=(organization,) if proposed and organization else (),
                    first_appeared=month if proposed else None,
                    sources=(SourceRef(url=url, kind=SourceKind.PRIMARY,
                                       note="proposed in this report" if proposed else "adopted here, citing its origin"),),
                    curation="discovered",
                    discovered_in=doc_id,
                )
                out.proposals.append(Proposal(technique, s, proposed, cited))
    return out


def _cited_paper(after: str, bib: references.Bibliography, out: ProposedIdeas, doc_id: str) -> str | None:
    """The paper cited right after the name: a catalog paper, or a discovered one from its arXiv id."""
    for ref in references.citations_in(after, bib):
        if ref.paper:
            return ref.paper
        if ref.arxiv:
            pid = f"arxiv-{ref.arxiv}"
            if all(p.id != pid for p in out.papers):
                title = entry_title(ref.text) or re.sub(r"\s+", " ", ref.text)[:200]
                out.papers.append(Paper(id=pid, name=title[:120], title=title, arxiv=ref.arxiv,
                                        sources=(SourceRef(url=f"https://arxiv.org/abs/{ref.arxiv}", note="cited in a report"),),
                                        curation="discovered", discovered_in=doc_id))
            return pid
    return None
