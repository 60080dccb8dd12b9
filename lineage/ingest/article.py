"""Secondary sources (news, blogs, briefings): the claims they make, each with its sentence, list item or table row.

``lineage ingest article FILE`` reads plain text, Markdown or HTML by two paths whose drafts merge:

- **structure** (:mod:`lineage.ingest.structure`, :mod:`lineage.ingest.article_units`): the document
  as headings, sentences, list items with their label, lead-in and headings, and table rows with
  their header cells; candidates inside one unit (an item under a technique's label, a row of a
  many-model table, "X (671B/37B active)") and one judgement of each candidate's role;
- **prose and glued tables** (:mod:`lineage.ingest.prose`, :mod:`lineage.ingest.makers`,
  :mod:`lineage.ingest.article_tables`, :mod:`lineage.ingest.article_hardware`): sentences read by
  their grammar — technique use, origins, sizes, context windows, hardware — and tables pasted as
  text; every ``uses`` they find passes the same judgement.

One statement said twice is one draft with two evidences.  Candidates the judgement turns down
(negation, comparison, plan, hypothetical, no subject) are returned as :class:`Unread`, so the
ingest can say what it did not read.  Every draft is a secondary one (the article is
no model's own source): :mod:`lineage.verify_draft` gives it its first status (``reported``) and
:mod:`lineage.verify` re-checks it.  A model name that is not in the catalog still
yields its claims, under a slug id, and is flagged.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field

from lineage.catalog import Catalog
from lineage.catalog.resolver import Resolver as ExactResolver
from lineage.domain import (
    Claim,
    Draft,
    EntityKind,
    Evidence,
    Method,
    SourceDocument,
    SourceKind,
    clip,
    utcnow,
)
from lineage.ingest import markup
from lineage.ingest.article_judge import Judge, counts, statement_key
from lineage.ingest.article_pool import pool
from lineage.ingest.article_subject import name_pattern, own_id, own_name
from lineage.ingest.article_tables import ArticleStatement
from lineage.ingest.files import check_text, decode, read_bytes
from lineage.ingest.structure import first_heading, title_of
from lineage.ingest.text import alias_patterns, candidates
from lineage.verify_draft import settle

MAX_ARTICLE_BYTES = 2 * 1024 * 1024

class Unread(BaseModel):
    """A candidate statement the reader left undecided: where it is, what it would have said, and why not."""

    locator: str = Field(description="Where in the article (line, and the unit's kind).")
    subject: str | None = Field(None, description="The subject id(s) the unit named, if any.")
    predicate: str = Field(description="The claim kind the candidate would have been.")
    object: str | None = Field(None, description="Its object or value, as read.")
    role: str = Field(description="Why no claim: negation, comparison, plan, hypothetical, or no subject.")
    text: str = Field(description="The unit's text (clipped).")


class ArticleReport(BaseModel):
    """What ingesting one article produced."""

    source: str = Field(description="Source document id.")
    claims: int = Field(description="Claims written.")
    by_status: dict[str, int] = Field(description="Claims per status after verification.")
    unresolved: list[str] = Field(description="Model names that are not in the catalog.")
    undecided: int = Field(0, description="Candidate statements the reader found but made no claim of (see ``unread``).")
    unread: list[Unread] = Field(default_factory=list, description="The undecided candidates, each with its locator and why.")


@dataclass
class ArticleMention:
    kind: str  # model | family | organization | technique
    ids: list[str]
    start: int
    end: int
    text: str


@dataclass
class ArticleText:
    path: Path
    sha256: str
    title: str
    lines: list[str] = field(default_factory=list)
    raw: str = ""
    """The file's text as read (markup kept), for :mod:`lineage.ingest.structure`."""


# --------------------------------------------------------------------------- reading


def read_article(path: Path) -> ArticleText:
    """Text of an article file (txt, md, html); ``SourceFormatError`` for anything unreadable."""
    path = Path(path)
    raw = read_bytes(path, "article", MAX_ARTICLE_BYTES)
    text = check_text(decode(raw, "article", path), "article", path)
    lines = markup.text_lines(text)
    title = title_of(text) or first_heading(text) or next((ln.lstrip("# ") for ln in lines if ln and not ln.startswith("---")), path.name)
    return ArticleText(path=path, sha256=hashlib.sha256(raw).hexdigest(), title=clip(title, 200), lines=lines, raw=text)


# --------------------------------------------------------------------------- entity mentions


class ArticleResolver:
    """Finds catalog models, model families, organizations and techniques in text."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.exact = ExactResolver(catalog)
        self.techniques = alias_patterns(catalog, EntityKind.TECHNIQUE)
        self.orgs = alias_patterns(catalog, EntityKind.ORGANIZATION)
        self.models = alias_patterns(catalog, EntityKind.MODEL)
        families: dict[str, list[str]] = {}
        for m in catalog.of_kind(EntityKind.MODEL):
            if m.family:
                families.setdefault(m.family, []).append(m.id)
        self.papers = alias_patterns(catalog, EntityKind.PAPER)
        self.families = {name: (_family_pattern(name), ids) for name, ids in families.items()}
        self._loose_models = {k: _drop_left_boundary(p) for k, p in self.models.items()}
        self._loose_families = {k: (_drop_left_boundary(p), ids) for k, (p, ids) in self.families.items()}
        self._scanned: dict[tuple[str, bool], list[ArticleMention]] = {}
        self.own: dict[str, re.Pattern] = {}
        """The document's own model where the catalog lacks it (:mod:`lineage.ingest.article_subject`): id -> pattern."""

    def add_own(self, name: str) -> str:
        """Read ``name`` as a model's wherever the document writes it (open world); returns its id."""
        mid = own_id(name)
        self.own[mid] = name_pattern(name)
        self._scanned.clear()
        return mid

    def find(self, text: str, glued: bool = False, context: Sequence[ArticleMention] = ()) -> list[ArticleMention]:
        """Mentions, longest first where they overlap.

        ``glued``: table text whose cells ran together ("DimensionDeepSeek v3 …"), so a name
        may start right after a letter.  ``context``: the models the text before this one was
        about, for a bare size that names a member of their family.
        """
        kept = self._scanned.get((text, glued))
        if kept is None:
            kept = self._scanned[(text, glued)] = self._scan(text, glued)  # each rule family asks again
        return self._sized(text, self._members(text, self._coordinated(text, list(kept))), list(context))

    def _scan(self, text: str, glued: bool) -> list[ArticleMention]:
        """Every name the catalog's patterns match, longest first where they overlap."""
        models, families = (self._loose_models, self._loose_families) if glued else (self.models, self.families)
        found: list[ArticleMention] = []
        for mid, pat in [*candidates(models, text), *self.own.items()]:
            for m in pat.finditer(text):
                found.append(ArticleMention("model", [mid], m.start(), m.end(), m.group(0)))
        for pat, ids in families.values():
            for m in pat.finditer(text):
                found.append(ArticleMention("family", ids, m.start(), m.end(), m.group(0)))
        for oid, pat in candidates(self.orgs, text):
            for m in pat.finditer(text):
                found.append(ArticleMention("organization", [oid], m.start(), m.end(), m.group(0)))
        for tid, pat in candidates(self.techniques, text):
            for m in pat.finditer(text):
                found.append(ArticleMention("technique", [tid], m.start(), m.end(), m.group(0)))
        # a model's name that runs on into a derivative's marker names the derivative, not the model
        # ("DeepSeek-R1-Distill-Qwen-7B", "Qwen3-8B-GGUF"): the open world reads the whole name
        found = [x for x in found if x.kind not in ("model", "family") or not _DERIVATIVE.match(text, x.end)]
        # a lab's alias that runs into a model's name names the model ("Meta Llama" of "Meta Llama 4")
        named = [x for x in found if x.kind in ("model", "family")]
        found = [x for x in found if x.kind != "organization"
                 or not any(n.start < x.end and n.end > x.end and n.start > x.start for n in named)]
        # longest match wins where mentions overlap ("DeepSeek V4 Flash" over "DeepSeek V4")
        found.sort(key=lambda x: (x.start, -(x.end - x.start)))
        kept: list[ArticleMention] = []
        for mention in found:
            if kept and mention.start < kept[-1].end:
                continue
            kept.append(mention)
        return kept

    def _members(self, text: str, kept: list[ArticleMention]) -> list[ArticleMention]:
        """A word that names a member of a family named earlier: "Llama 4 … for Scout" is Llama 4 Scout."""
        out = list(kept)
        for fam in (k for k in kept if k.kind == "family"):
            for w in re.finditer(r"(?<![\w.-])[A-Za-z][\w.]{2,}(?![\w-])", text[fam.end :]):
                start, end = fam.end + w.start(), fam.end + w.end()
                if any(k.start < end and k.end > start for k in out):
                    continue
                hit = self.exact.resolve(f"{fam.text} {w.group(0)}")
                if hit is not None and hit.kind == "model" and hit.id in fam.ids:
                    out.append(ArticleMention("model", [hit.id], start, end, w.group(0)))
        return sorted(out, key=lambda x: x.start)

    def _sized(self, text: str, kept: list[ArticleMention], context: list[ArticleMention]) -> list[ArticleMention]:
        """A bare total-active size ("the flagship 80B-A3B model") names the member of the family named before it."""
        out = list(kept)
        for m in _SIZE_NAME.finditer(text):
            if any(k.start < m.end() and k.end > m.start() for k in kept):
                continue
            prior = context + [k for k in kept if k.end <= m.start() and k.kind in ("model", "family")]
            if not prior:
                continue
            last = prior[-1]
            family = last.text if last.kind == "family" else getattr(self.catalog.entities[last.ids[0]], "family", None)
            hit = self.exact.resolve(f"{family}-{m.group(0)}") if family else None
            if hit is not None and hit.kind == "model":
                out.append(ArticleMention("model", [hit.id], m.start(), m.end(), m.group(0)))
        return sorted(out, key=lambda x: x.start)

    def _coordinated(self, text: str, kept: list[ArticleMention]) -> list[ArticleMention]:
        """Names that share the previous name's prefix: "DeepSeek V3/R1", "DeepSeek V2, V3, and R1"."""
        out: list[ArticleMention] = []
        for m in kept:
            out.append(m)
            if m.kind not in ("model", "family"):
                continue
            prefix = re.split(r"(?<=[\s-])(?=[^\s-]+$)", m.text)[0] if re.search(r"[\s-]", m.text) else ""
            pos = m.end
            while prefix:
                nxt = re.match(r"(?:\s*/\s*|,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)([A-Za-z]{0,2}\d[\w.]*)(?![\w-])", text[pos:])
                if not nxt or any(k.start < pos + nxt.end() and k.end > pos for k in kept if k is not m):
                    break
                hit = self.exact.resolve(prefix + nxt.group(1))
                if hit is None or hit.kind not in ("model", "family"):
                    break
                ids = list(hit.members) if hit.kind == "family" else [hit.id]
                start = pos + nxt.start(1)
                pos += nxt.end()
                out.append(ArticleMention(hit.kind, ids, start, pos, nxt.group(1)))
        return out


_SIZE_NAME = re.compile(r"(?<![\w.-])\d+(?:\.\d+)?B-A\d+(?:\.\d+)?B(?![\w-])", re.I)
_DERIVATIVE = re.compile(r"[-_](?:[\w.]+[-_])*?(?:Distill(?:ed)?|GGUF|AWQ|GPTQ|MLX|bnb|EXL2|NVFP4|Int[48])(?![A-Za-z])"
                         r"|-\d+(?:\.\d+)*(?![\w.])", re.I)
"""Hub naming conventions of derivatives (distillations, quantized copies), whoever publishes them, and a version or
date after a name ("Ling-lite-1.5", "DeepSeek-V2-0506"): another model than the one the name starts with."""


def _family_pattern(name: str) -> re.Pattern:
    """A family name as written in prose: hyphens and spaces interchangeable, "Qwen3" also as "Qwen 3"."""
    parts = re.split(r"(?<=[A-Za-z])(?=\d)", name)
    body = "[-\\s]?".join(re.escape(p).replace(r"\-", "[-\\s]?").replace(r"\ ", r"[-\s]+") for p in parts)
    return re.compile(r"(?<![\w.-])" + body + r"(?![\w-]|\.\d)", re.I)


def _drop_left_boundary(pattern: re.Pattern) -> re.Pattern:
    text = pattern.pattern.replace("(?<![A-Za-z0-9])", "").replace("(?<![\\w.-])", "")
    text = text.replace("(?![A-Za-z0-9])", "").replace("(?![\\w-]|\\.\\d)", "")  # glued on both sides
    return re.compile(text, pattern.flags)


# --------------------------------------------------------------------------- extraction


def extract(article: ArticleText, catalog: Catalog) -> list[ArticleStatement]:
    """Every claim the article makes that lineage can represent."""
    return read(article, catalog)[0]


def read(article: ArticleText, catalog: Catalog) -> tuple[list[ArticleStatement], list[Unread]]:
    """The article's drafts, and the candidate statements it left undecided (what no claim was made of, and why).

    Every candidate of :func:`pool` passes one judgement (:mod:`lineage.ingest.article_judge`): the phrasing cues'
    role, and learned weights over general features where a weights file is shipped (none is: their
    document-grouped cross-validation did not beat the cues)."""
    r = ArticleResolver(catalog)
    own = own_name(article.title, article.raw, r)
    own_ids = {r.add_own(own): own} if own else {}
    found, undecided = pool(article, r)
    for d in found:
        if d.subject in own_ids:
            d.qualifiers.setdefault("name", own_ids[d.subject])
    judge, said = Judge.load(), counts(found)
    drafts: list[ArticleStatement] = []
    unread: list[Unread] = []
    for d in found:
        role = judge.role(d, r, said[statement_key(d)])
        if role in ("uses", "states"):
            drafts.append(d)
        else:
            unread.append(Unread(locator=d.locator, subject=d.subject, predicate=d.predicate.value,
                                 object=d.object or (str(d.value) if d.value is not None else None), role=role,
                                 text=clip(d.snippet, 160)))
    for c in undecided:
        unread.append(Unread(locator=f"line {c.unit.line} ({c.unit.kind})", subject=",".join(c.subjects) or None,
                             predicate=c.predicate.value, object=c.object or (str(c.value) if c.value is not None else None),
                             role="no subject", text=clip(c.unit.text, 160)))
    seen: dict[tuple, Unread] = {}
    for u in unread:
        seen.setdefault((u.locator.split(" (")[0], u.subject, u.predicate, u.object), u)
    return merged(drafts), list(seen.values())


_SAME_STATEMENT = ("name", "column", "uncheckable", "country")
"""Qualifiers that change what a draft says; the others ("stated", "evaluation") only say how it was written."""


def merged(drafts: list[ArticleStatement]) -> list[ArticleStatement]:
    """One draft per statement, in first-seen order; where the article says it again, the place is another evidence."""
    unique: dict[tuple, ArticleStatement] = {}
    for d in drafts:
        key = (d.subject, d.predicate, d.object, d.value, tuple((k, d.qualifiers.get(k)) for k in _SAME_STATEMENT))
        first = unique.setdefault(key, d)
        if first is not d and d.locator not in {first.locator, *(loc for loc, _ in first.more)}:
            first.more.append((d.locator, d.snippet))
    return list(unique.values())


# --------------------------------------------------------------------------- entry point


def article_document(article: ArticleText) -> SourceDocument:
    return SourceDocument(
        id=f"article:{article.sha256[:16]}",
        title=article.title,
        kind=SourceKind.SECONDARY,
        format="article",
        url=None,
        revision=f"sha256:{article.sha256}",
        note=f"read from {article.path.name}",
    )


def draft_claims(drafts: list[ArticleStatement], doc: SourceDocument) -> list[Claim]:
    """Drafts as ``reported`` claims with the article's sentence or row as evidence."""
    now = utcnow()
    out = []
    for d in drafts:
        ev = tuple(
            Evidence(source=doc.id, revision=doc.revision, source_kind=SourceKind.SECONDARY, locator=locator,
                     snippet=clip(snippet), method=Method.TEXT, retrieved_at=now)
            for locator, snippet in [(d.locator, d.snippet), *d.more]
        )
        out.append(
            settle(Draft(
                subject=d.subject,
                predicate=d.predicate,
                object=d.object,
                value=d.value,
                unit=d.unit,
                qualifiers=d.qualifiers,
                primary=False,
                reason="stated only by a secondary source",
                evidence=ev,
            ))
        )
    return out


def ingest_article(store, catalog: Catalog, path: Path) -> ArticleReport:
    """Read an article, extract its claims, verify them against the store, write them as one graph."""
    from lineage.verify import verify_claims

    article = read_article(path)
    doc = article_document(article)
    drafts, unread = read(article, catalog)
    claims = draft_claims(drafts, doc)
    claims = verify_claims(store, catalog, claims)
    store.replace_source(doc, claims)
    counts: dict[str, int] = {}
    for c in claims:
        counts[c.status.value] = counts.get(c.status.value, 0) + 1
    unresolved = sorted({c.qualifiers["name"] for c in claims if "name" in c.qualifiers})
    return ArticleReport(source=doc.id, claims=len(claims), by_status=counts, unresolved=unresolved,
                         undecided=len(unread), unread=unread)
