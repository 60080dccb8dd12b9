"""Ideas named by the titles of cited papers: "RoFormer: Enhanced Transformer with Rotary Position Embedding".

A bibliography entry whose title has the form ``Name: subtitle`` introduces ``Name`` when the name is a
coined one (a single token, or a few words ending in a method's head noun: "Switch Transformers",
"Native Sparse Attention"), the subtitle describes a method (a cue of the table below, which also gives
the category) and not a model, benchmark, data set or system report.  The cited paper is the idea's
origin; its arXiv id, when the entry prints one, gives the origin paper and the month it first appeared.

Names the catalog already knows (any kind, or a model family or lab inside the name), names with
version digits, and generic phrases are left alone.  An entry that resolves to a catalog paper which
introduces a catalog technique is that technique: nothing new is made.  Which body sentences name the
idea, and whether the report's own model uses it, is the report reader's ordinary judgement.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from lineage import domain
from lineage.catalog import Catalog
from lineage.catalog.resolver import Resolver
from lineage.catalog.vocabulary import arxiv_month, expansion, idea_index, idea_key, is_generic, same_idea, variants_of
from lineage.domain import EntityKind, Paper, SourceRef, Technique, TechniqueCategory, clip
from lineage.ingest import references
from lineage.ingest.discovery import slug
from lineage.ingest.entry_titles import entry_title, whole_title_name
from lineage.ingest.proposals import ACR, HEADS, NAME, trim_name
from lineage.ingest.text import Sentence
from lineage.verify_draft import settle

C = TechniqueCategory
CUES: list[tuple[str, TechniqueCategory]] = [
    # (regex on the name and subtitle, category) — first match decides
    (r"\bparallelism\b", C.SYSTEMS),
    (r"quantiz|low-bit|\b(?:fp8|fp4|int8|int4|[1-8]-bit)\b|mixed precision", C.PRECISION),
    (r"speculative|decoding|draft|serving|inference|kv ?cache|prefill|disaggregat", C.INFERENCE),
    (r"position|rotary|extrapolat|context window|length generali[sz]|long[- ]context", C.POSITIONAL),
    (r"mixture[- ]of[- ]experts|\bmoe\b|expert|routing|router|sparsely[- ]gated|load balanc|sparsity|conditional "
     r"computation", C.MOE),
    (r"attention|multi-query|multi-head|linear transformer|state space|recurren|convolution|\brnns?\b|linear sequence "
     r"model|(?:efficient|long-range) transformer|memory augment", C.ATTENTION),
    (r"normali[sz]ation|\bnorm\b|layernorm|rmsnorm", C.NORMALIZATION),
    (r"activation|gelu|\bglu\b|gated linear unit|swish", C.ACTIVATION),
    (r"optimi[sz]er|gradient descent|\badam|momentum|learning rate|second-order|preconditi", C.OPTIMIZER),
    (r"preference|reward|policy|reinforcement|rlhf|feedback|alignment|\baligning\b|reasoning via", C.ALIGNMENT),
    (r"\bloss\b|objective|token prediction|next-token|contrastive|denoising", C.OBJECTIVE),
    (r"parallel|pipeline|distributed|memory optimi|zero redundancy|offload|checkpointing|kernel|io-aware|"
     r"communication|cluster|\bsystem for|sharding", C.SYSTEMS),
    (r"deduplicat|data selection|data mixture|filtering|tokeni[sz]|byte[- ]pair|subword|data synthesis|"
     r"synthetic data|curriculum|domain reweighting|instruction tuning data", C.DATA),
    (r"distillation|fine-tuning|finetuning|pre-training|pretraining|adaptation|low-rank|pruning|scaling law|"
     r"hyperparameter|initiali[sz]ation|training|tuning|merging", C.TRAINING),
    (r"residual|connection|skip", C.RESIDUAL),
]
_MORE_HEADS = {
    "transformers", "encoding", "decoding", "upcycling", "up-cycling", "scheduler", "tuning", "fine-tuning", "merging",
    "pruning", "search", "alignment", "regularization", "dropout", "initialization", "tokenization", "packing",
    "checkpointing", "offloading", "annealing", "warmup", "decay", "clipping", "units", "unit", "gating", "layer",
    "layers", "heads", "disaggregation", "estimation", "average", "hashing", "quantizer",
}
"""Head nouns of descriptive method names beyond the proposal table's."""
_HEAD_CATEGORY = {"estimation": C.ALIGNMENT, "average": C.TRAINING, "hashing": C.DATA, "quantizer": C.PRECISION}
"""The category a name with one of these heads has when nothing else in it gives one ("Exponential Moving Average")."""
_CUES = [(re.compile(p, re.I), c) for p, c in CUES]

_NOT_METHOD = re.compile(
    r"bench|evaluat|dataset|data set|corpus|corpora|suite|leaderboard|arena|\bexam|\bquestions?\b|challenge|"
    r"\btest\b(?!-time)|technical report|system card|model card|survey|toolkit|library|platform|assistant|chatbot|"
    r"\bagents?\b|agentic|dialogue|speech|audio|video|image|visual|vision|multimodal|multi-modal|\bocr\b|"
    r"document|theorem|prover|\bproving|formal|math|\bcode\b|\bcoding|programming|software|translation|stor(?:y|ies)|"
    r"poetry|medical|clinical|legal|financ|chemi|protein|molecul|\btts\b|music|reading comprehension|"
    r"commonsense|question answering|retrieval|search engine|web|tool|robot|embodied|game|safety|jailbreak|"
    r"toxic|bias|hallucinat|factual|truthful|knowledge graph|recommend|\bcontest|competition|olympiad|vocoder|codec|"
    r"natural language inference|language understanding|training sets?\b|\d+\s?[bmt]?\s?tokens?\b|introduction|"
    r"textbook|diagnos|deep research|(?:small|conversational|instruction-finetuned|generalist|embedding|foundation)\s+"
    r"(?:language\s+)?models?\b",
    re.I,
)
_MODEL_HEAD = re.compile(
    r"\b(?:models?|llms?|lms?|family|series|chat|assistant)\b(?=\s*(?:$|[,;:(]|\b(?:with|for|that|trained|on|by|at|in)\b))",
    re.I,
)
_PREPOSITION = re.compile(
    r"(?<![\w-])(?:for|of|in|to|with|from|via|on|by|towards?|through|into|as|using|beyond|\w+ing)(?![\w-])", re.I
)
_QUESTION = re.compile(r"(?:what|how|why|when|which|is|are|can|do|does|should)\b", re.I)
_TITLE = re.compile(
    r"(?:^|(?<=[.”\"?!]\s)|(?<=\]\s)|(?<=[“\"]))(?P<name>[A-Z][A-Za-z0-9+\-]*(?:\s[A-Za-z][A-Za-z0-9+\-]*){0,3}):\s+"
    r"(?P<sub>[A-Za-z][^.?!]{8,240})"
)


@dataclass
class Titled:
    """One idea a cited paper's title names (or a body sentence defines, citing it), with the entry cited."""

    technique: Technique
    ref: references.Reference | None
    title: str
    sentence: Sentence | None = None  # the body sentence that spelled it out, for ideas defined in the text


@dataclass
class CitedIdeas:
    ideas: list[Titled] = field(default_factory=list)
    papers: list[Paper] = field(default_factory=list)


def title_parts(entry: str) -> tuple[str, str] | None:
    """(name, subtitle) of an entry whose title reads ``Name: subtitle``, else None."""
    text = re.sub(r"\s+", " ", references.NUMBERED.sub("", entry))
    for m in _TITLE.finditer(text):
        name = m.group("name")
        if is_generic(name):
            continue
        return name, m.group("sub").strip(" ,;")
    return None


def category(name: str, subtitle: str) -> TechniqueCategory | None:
    """The category a method's name and subtitle give, or None when nothing marks a method."""
    text = f"{name} {subtitle}"
    return next((c for pattern, c in _CUES if pattern.search(text)), None)


def model_like(subtitle: str) -> bool:
    """A subtitle whose head noun is a model ("Open and efficient foundation language models").

    >>> model_like("A strong, economical, and efficient mixture-of-experts language model")
    True
    >>> model_like("Efficient context window extension of large language models")
    False
    """
    m = _MODEL_HEAD.search(subtitle)
    return m is not None and not _PREPOSITION.search(subtitle[: m.start()])


def coined(name: str) -> bool:
    """A coined name: one token ("RoFormer", "GQA"), or a few words ending in a method's head noun."""
    words = name.split()
    if any(ch.isdigit() for ch in name):
        return False  # versions name releases, not ideas
    if len(words) == 1:
        return len(name) >= 3
    if len(words) > 3 or words[0].lower().endswith("ing"):
        return False  # "Improving transformer", "X meets Y": a description, not a name
    head = words[-1].lower()
    return head in HEADS or head.rstrip("s") in HEADS or head in _MORE_HEADS


def _singular_head(name: str) -> str:
    head = name.split()[-1].lower()
    return head if head in HEADS else head[:-1] if head.endswith("s") and head[:-1] in HEADS else head


def _whole_title(entry: str) -> str | None:
    """The entry's whole title when it is a method's name ("Zero bubble pipeline parallelism"), else None."""
    title = entry_title(entry)
    return whole_title_name(title, HEADS.keys() | _MORE_HEADS) if title else None


_DATA_AFTER = r"\s*(?:-\s*)?(?:dataset|data\s+set|data|corpus|benchmark|problems|prompts)\b"
_DATA_BEFORE = r"\b(?:data|problems|prompts|questions|samples)\s+(?:\w+\s+){0,2}from\s+(?:the\s+)?"


def _only_as_data(name: str, body: Sequence[Sentence]) -> bool:
    """Every sentence naming ``name`` uses it as the name of data ("the X dataset", "data primarily from X")."""
    n = re.escape(name)
    named = re.compile(rf"\b{n}\b", re.I)
    as_data = re.compile(rf"\b{n}\b{_DATA_AFTER}|{_DATA_BEFORE}(?:[\w-]+,\s+)*{n}\b", re.I)
    hits = [s.text for s in body if named.search(s.text)]
    return bool(hits) and all(as_data.search(t) for t in hits)


def _successor_known(name: str, techniques) -> bool:
    """A known idea is this name with a version ("InfLLM v2" of "InfLLM"): the name would read the successor's
    mentions as its own, so the predecessor is left to the catalog's successor."""
    versioned = re.compile(rf"{re.escape(name)}[\s-]*v?\d", re.I)
    return any(versioned.fullmatch(n) for t in techniques for n in (t.name, *t.aliases))


def _model_stems(catalog: Catalog) -> set[str]:
    """The leading word of every model's name and id ("glm" of "GLM-4.5", "qwen" of "qwen3-8b")."""
    out = set()
    for m in catalog.of_kind(EntityKind.MODEL):
        for text in (m.id, m.name):
            stem = re.match(r"[A-Za-z]+", text)
            if stem and len(stem.group(0)) >= 3:
                out.add(stem.group(0).lower())
    return out


def _names_known_thing(name: str, resolver: Resolver, stems: Collection[str] = frozenset()) -> bool:
    """The name, or one of its parts, is an entity the catalog lists (a lab or model family inside a name),
    or the stem of a model's name ("GLM" of GLM-4.5): a model series, not an idea."""
    if resolver.resolve(name) or name.lower() in stems:
        return True
    parts = [p for p in re.split(r"[\s\-]+", name) if len(p) >= 3]
    return any((r := resolver.resolve(p)) and r.kind in (EntityKind.MODEL.value, EntityKind.ORGANIZATION.value)
               for p in parts)


def discover(bib: references.Bibliography, catalog: Catalog, doc_id: str, url: str,
             body: Sequence[Sentence] = ()) -> CitedIdeas:
    """Ideas the titles of ``bib``'s entries name that the catalog lacks, then those ``body`` defines citing them (pure)."""
    resolver = Resolver(catalog)
    techniques = list(catalog.of_kind(EntityKind.TECHNIQUE))
    introduced = {t.introduced_in for t in techniques} - {None}
    index = idea_index(techniques)
    stems = _model_stems(catalog)
    unsourced = {t.id: t for t in techniques if t.curation == "discovered" and not t.introduced_in}
    out = CitedIdeas()
    seen: set[str] = set()
    for ref in bib.entries:
        parts = title_parts(ref.text)
        whole = None if parts else _whole_title(ref.text)
        if parts is not None:
            name, sub = parts
        elif whole is not None:
            name, sub = whole, ""
        else:
            continue
        # "Mixture of block attention" of "MoBA" (or "Moba", as entries lower-case it): what it is, first
        spelled = expansion(name if len(name) > 6 or " " in name else name.upper(), sub) if sub else None
        cat = category(spelled or name, "") or category(name, sub) or (HEADS.get(_singular_head(name)) if whole else None)
        if cat is None or not (whole or coined(name)):
            continue
        if _QUESTION.match(sub):
            continue  # "What's the real context size …": a study, not a method
        described = len(name.split()) > 1  # "Direct Preference Optimization": the name says what it is
        broad = name.split()[-1].lower() in {"learning", "training"}  # "Reinforcement learning: An introduction"
        if _NOT_METHOD.search(name if described and not broad else f"{name} {sub}") or (not described and model_like(sub)):
            continue
        if (known := unsourced.get(same_idea(index, name))) and known.id not in seen:
            _origin_found(known, ref, f"{name}: {sub}" if sub else name, introduced, seen, out, doc_id, url)
            continue  # an idea another source discovered without its paper: this entry names the paper
        if _names_known_thing(name, resolver, stems) or same_idea(index, name) or _successor_known(name, techniques):
            continue
        if body and _only_as_data(name, body):
            continue  # "trained on the X dataset", "data from X": here X names data, not the method
        origin = _origin(ref, name)
        if origin and origin in introduced:
            continue  # the catalog's idea, under the catalog's name
        words = name.split()
        if len(words) > 1:
            words[-1] = words[-1][:-1] if words[-1].lower().endswith("s") and words[-1].lower().rstrip("s") in HEADS \
                else words[-1]
        canonical = " ".join(w if any(c.isupper() for c in w[1:]) or w.isupper() else w[:1].upper() + w[1:]
                             for w in words)
        key = idea_key(canonical)
        ident = slug(canonical)
        if not ident or key in seen or ident in catalog.entities:
            continue
        long = spelled or expansion(name, sub)
        if long and (resolver.resolve(long) or same_idea(index, long)):
            continue  # the acronym of an idea the catalog names in full
        seen.add(key)
        aliases = tuple(dict.fromkeys(a for a in (name, long) if a and a != canonical))
        title = f"{name}: {sub}" if sub else name
        if origin and not ref.paper and origin not in catalog.entities and all(p.id != origin for p in out.papers):
            out.papers.append(_paper(origin, title, doc_id))
        technique = Technique(
            id=ident,
            name=canonical,
            aliases=aliases,
            category=cat,
            variant_of=variants_of(canonical, techniques),
            introduced_in=origin,
            first_appeared=_arxiv_month(origin) if not ref.paper else None,
            sources=(SourceRef(url=url, note=f"named by {'the whole' if whole else 'the'} title of a cited paper "
                                        f"(references, entry {ref.number or ref.index})"),),
            curation="discovered",
            discovered_in=doc_id,
        )
        out.ideas.append(Titled(technique, ref, title))
    _defined(body, bib, resolver, index, introduced, seen, out, doc_id, url)
    return out


def _origin_found(known: Technique, ref: references.Reference, title: str, introduced: set, seen: set, out: CitedIdeas,
                  doc_id: str, url: str) -> None:
    """The origin of an idea an earlier source discovered without one, from an entry whose title names it.

    The idea is recorded again with the paper; records of one id merge, blanks filled from the others."""
    origin = _origin(ref, title.split(":")[0])
    if not origin or origin in introduced:
        return
    seen.add(known.id)
    if not ref.paper and all(p.id != origin for p in out.papers):
        out.papers.append(_paper(origin, title, doc_id))
    note = f"its origin named by the title of a cited paper (references, entry {ref.number or ref.index})"
    technique = known.model_copy(update={
        "introduced_in": origin, "first_appeared": known.first_appeared or (_arxiv_month(origin) if not ref.paper else None),
        "sources": (SourceRef(url=url, note=note),), "discovered_in": doc_id})
    out.ideas.append(Titled(technique, ref, title))


_DEFINED = re.compile(rf"{NAME}\s*{ACR}")
_BROAD = {"learning", "training", "optimization", "prediction", "mechanism"}
"""Heads of names that may be a whole field ("Machine Learning (ML)"): an idea only with the paper that introduced it."""


def _defined(body, bib, resolver, index, introduced, seen, out: CitedIdeas, doc_id: str, url: str) -> None:
    """'Direct Preference Optimization (DPO) [12]': a method's name spelled out with its acronym and a citation.

    The cited entry is the idea's origin; a sentence that cites nothing says nothing of where it comes from.
    """
    for s in body:
        for m in _DEFINED.finditer(s.text):
            acr = m.group("acr")
            name = trim_name(m.group("name"), acr)
            if not name or len(name.split()) < 2 or is_generic(name) or acr[-1].isdigit():  # "TP4": a setting
                continue
            head = name.split()[-1].lower()
            if head not in HEADS and head not in _MORE_HEADS or _NOT_METHOD.search(name):
                continue
            cat = category(name, "") or HEADS.get(head) or _HEAD_CATEGORY.get(head)
            if cat is None or any(resolver.resolve(n) or same_idea(index, n) for n in (name, acr)):
                continue
            cite = re.sub(r"[()]", " ", m.group("cite") or "")
            refs = references.citations_in(f"{cite} {s.text[m.end():m.end() + 60]}", bib)
            if len(refs) > 1 or (not refs and head in _BROAD):
                continue  # several citations: the origin is not one paper; a field's name is no idea without one
            ref = refs[0] if refs else None
            origin = _origin(ref) if ref and _title_names(ref, name, acr) else None  # cited as a user: no origin
            key, ident = idea_key(acr), slug(name)  # the name, not the acronym: "DP" is more than one idea
            if not ident or origin in introduced or key in seen or idea_key(name) in seen or ident in resolver.catalog.entities:
                continue
            seen |= {key, idea_key(name)}
            canonical = " ".join(w if w.isupper() else w[:1].upper() + w[1:] for w in name.split())
            if ref is not None and origin and not ref.paper and all(p.id != origin for p in out.papers):
                out.papers.append(_paper(origin, entry_title(ref.text) or re.sub(r"\s+", " ", ref.text)[:200], doc_id))
            cites = f", citing references entry {ref.number or ref.index}" if ref else ""
            out.ideas.append(Titled(Technique(
                id=ident, name=canonical, aliases=(acr,), category=cat, introduced_in=origin,
                variant_of=variants_of(canonical, resolver.catalog.of_kind(EntityKind.TECHNIQUE)),
                first_appeared=_arxiv_month(origin) if ref is not None and origin and not ref.paper else None,
                sources=(SourceRef(url=url, note=f"spelled out with its acronym (p. {s.page}){cites}"),),
                curation="discovered", discovered_in=doc_id), ref, canonical, s))


def _title_names(ref: references.Reference, name: str, acronym: str) -> bool:
    """The entry's title names the idea itself: its acronym, or its name with no modifier before it ("Zero bubble
    pipeline parallelism" names a variant of pipeline parallelism; "DeepSeek-V3 technical report" none)."""
    title = (entry_title(ref.text) or "").lower().replace("-", " ")
    words = name.lower().replace("-", " ")
    return bool(re.search(rf"\b{re.escape(acronym.lower())}\b", title) or re.match(rf"{re.escape(words)}\b", title))


def _paper(origin: str, title: str, doc_id: str) -> Paper:
    """The cited paper, discovered from the arXiv id its entry prints (``origin``: "arxiv-<id>")."""
    arxiv = origin.removeprefix("arxiv-")
    return Paper(id=origin, name=title[:120], title=title[:200], arxiv=arxiv, published=arxiv_month(arxiv),
                 sources=(SourceRef(url=f"https://arxiv.org/abs/{arxiv}", note="cited in a report"),),
                 curation="discovered", discovered_in=doc_id)


def _origin(ref: references.Reference, title: str | None = None) -> str | None:
    """The paper an entry cites: the catalog's, else the arXiv id printed after ``title`` (the entry's own,
    by default), when it is assigned no more than a year after the year printed next after that title.

    An entry that swallowed its neighbour (a split the layout hid) prints the neighbour's id: before the
    title, or after it under another paper's year.
    """
    if ref.paper or not ref.arxiv:
        return ref.paper
    text = re.sub(r"\s+", " ", ref.text)
    title = title or entry_title(ref.text)
    at = text.lower().find(title[:30].lower()) if title else -1
    if at < 0 or not title:
        return None
    rest = text[at + len(title[:30]):]
    arxiv = next((m.group(1) + "." + m.group(2) for m in references.ARXIV.finditer(rest)), None)
    if arxiv is None:
        return None
    year = references.YEAR.search(re.sub(r"(?:https?://|doi:)\S+|\d{4}\s*\.\s*\d{4,5}", " ", rest))
    printed, assigned = (int(year.group(1)) if year else None), 2000 + int(arxiv[:2])
    return f"arxiv-{arxiv}" if printed is None or assigned - 1 <= printed <= assigned + 2 else None


def _arxiv_month(origin: str | None) -> str | None:
    return arxiv_month(origin.removeprefix("arxiv-")) if origin and origin.startswith("arxiv-") else None


def claims(found: CitedIdeas, doc, now) -> list[domain.Claim]:
    """introducedIn / firstAppeared claims of the ideas found, each citing its bibliography entry.

    The report is not the idea's own record: what it says of another paper's idea is reported.
    """
    out = []
    for idea in found.ideas:
        t, ref = idea.technique, idea.ref
        if ref is None:
            continue  # defined in the text without a citation: nothing said of its origin
        entry = f"references, entry {ref.number or ref.index}"
        ev = domain.Evidence(source=doc.id, revision=doc.revision, source_kind=doc.kind, locator=entry,
                             snippet=clip(ref.text), method=domain.Method.CITATION, retrieved_at=now)
        how = f"p. {idea.sentence.page} spells it out citing" if idea.sentence else "named by the title of"
        facts: list[tuple[domain.Predicate, str | None, str | None]] = (
            [(domain.Predicate.INTRODUCED_IN, t.introduced_in, None)] if t.introduced_in else [])
        if t.first_appeared:
            facts.append((domain.Predicate.FIRST_APPEARED, None, t.first_appeared))
        for predicate, obj, value in facts:
            out.append(settle(domain.Draft(subject=t.id, predicate=predicate, object=obj, value=value, primary=False,
                                           reason=f"{how} a paper the report cites ({entry})", evidence=(ev,))))
    return out
