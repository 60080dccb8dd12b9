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
from dataclasses import dataclass, field

from lineage import domain
from lineage.catalog import Catalog
from lineage.catalog.resolver import Resolver
from lineage.catalog.vocabulary import expansion, idea_index, idea_key, is_generic, same_idea, variants_of
from lineage.domain import EntityKind, Paper, SourceRef, Technique, TechniqueCategory, clip
from lineage.ingest import references
from lineage.ingest.discovery import slug
from lineage.ingest.proposals import ACR, HEADS, NAME, trim_name
from lineage.ingest.text import Sentence
from lineage.verify_draft import settle

C = TechniqueCategory
CUES: list[tuple[str, TechniqueCategory]] = [
    # (regex on the name and subtitle, category) — first match decides
    (r"\bparallelism\b", C.SYSTEMS),
    (r"quantiz|low-bit|\b(?:fp8|fp4|int8|int4|[1-8]-bit)\b|mixed precision", C.PRECISION),
    (r"speculative|decoding|draft|serving|inference|kv ?cache|prefill", C.INFERENCE),
    (r"position|rotary|extrapolat|context window|length generali[sz]|long[- ]context", C.POSITIONAL),
    (r"mixture[- ]of[- ]experts|\bmoe\b|expert|routing|router|sparsely[- ]gated|load balanc", C.MOE),
    (r"attention|multi-query|multi-head|linear transformer|state space|recurren|convolution", C.ATTENTION),
    (r"normali[sz]ation|\bnorm\b|layernorm|rmsnorm", C.NORMALIZATION),
    (r"activation|gelu|\bglu\b|gated linear unit|swish", C.ACTIVATION),
    (r"optimi[sz]er|gradient descent|\badam|momentum|learning rate|second-order|preconditi", C.OPTIMIZER),
    (r"preference|reward|policy|reinforcement|rlhf|feedback|alignment|\baligning\b|reasoning via", C.ALIGNMENT),
    (r"\bloss\b|objective|token prediction|next-token|contrastive|denoising", C.OBJECTIVE),
    (r"parallel|pipeline|distributed|memory optimi|zero redundancy|offload|checkpointing|kernel|io-aware|"
     r"communication|cluster|\bsystem for", C.SYSTEMS),
    (r"deduplicat|data selection|data mixture|filtering|tokeni[sz]|byte[- ]pair|subword|data synthesis|"
     r"synthetic data|curriculum|domain reweighting|instruction tuning data", C.DATA),
    (r"distillation|fine-tuning|finetuning|pre-training|pretraining|adaptation|low-rank|pruning|scaling law|"
     r"hyperparameter|initiali[sz]ation|training|tuning", C.TRAINING),
    (r"residual|connection|skip", C.RESIDUAL),
]
_MORE_HEADS = {
    "transformers", "encoding", "decoding", "upcycling", "up-cycling", "scheduler", "tuning", "fine-tuning", "merging",
    "pruning", "search", "alignment", "regularization", "dropout", "initialization", "tokenization", "packing",
    "checkpointing", "offloading", "annealing", "warmup", "decay", "clipping", "units", "unit", "gating", "layer",
    "layers", "heads",
}
"""Head nouns of descriptive method names beyond the proposal table's."""
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
    return bool(m) and not _PREPOSITION.search(subtitle[: m.start()])


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


_DATA_AFTER = r"\s*(?:-\s*)?(?:dataset|data\s+set|data|corpus|benchmark|problems|prompts)\b"
_DATA_BEFORE = r"\b(?:data|problems|prompts|questions|samples)\s+(?:\w+\s+){0,2}from\s+(?:the\s+)?"


def _only_as_data(name: str, body: list[Sentence]) -> bool:
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


def _names_known_thing(name: str, resolver: Resolver, stems: set[str] = frozenset()) -> bool:
    """The name, or one of its parts, is an entity the catalog lists (a lab or model family inside a name),
    or the stem of a model's name ("GLM" of GLM-4.5): a model series, not an idea."""
    if resolver.resolve(name) or name.lower() in stems:
        return True
    parts = [p for p in re.split(r"[\s\-]+", name) if len(p) >= 3]
    return any((r := resolver.resolve(p)) and r.kind in (EntityKind.MODEL.value, EntityKind.ORGANIZATION.value)
               for p in parts)


def discover(bib: references.Bibliography, catalog: Catalog, doc_id: str, url: str,
             body: list[Sentence] = ()) -> CitedIdeas:
    """Ideas the titles of ``bib``'s entries name that the catalog lacks, then those ``body`` defines citing them (pure)."""
    resolver = Resolver(catalog)
    techniques = list(catalog.of_kind(EntityKind.TECHNIQUE))
    introduced = {t.introduced_in for t in techniques} - {None}
    index = idea_index(techniques)
    stems = _model_stems(catalog)
    out = CitedIdeas()
    seen: set[str] = set()
    for ref in bib.entries:
        parts = title_parts(ref.text)
        if parts is None:
            continue
        name, sub = parts
        cat = category(name, sub)
        if cat is None or not coined(name):
            continue
        if _QUESTION.match(sub):
            continue  # "What's the real context size …": a study, not a method
        described = len(name.split()) > 1  # "Direct Preference Optimization": the name says what it is
        broad = name.split()[-1].lower() in {"learning", "training"}  # "Reinforcement learning: An introduction"
        if _NOT_METHOD.search(name if described and not broad else f"{name} {sub}") or (not described and model_like(sub)):
            continue
        if _names_known_thing(name, resolver, stems) or same_idea(index, name) or _successor_known(name, techniques):
            continue
        if body and _only_as_data(name, body):
            continue  # "trained on the X dataset", "data from X": here X names data, not the method
        origin = ref.paper or (f"arxiv-{ref.arxiv}" if ref.arxiv else None)
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
        long = expansion(name, sub)
        if long and (resolver.resolve(long) or same_idea(index, long)):
            continue  # the acronym of an idea the catalog names in full
        seen.add(key)
        aliases = tuple(dict.fromkeys(a for a in (name, long) if a and a != canonical))
        title = f"{name}: {sub}"
        if origin and not ref.paper and origin not in catalog.entities and all(p.id != origin for p in out.papers):
            out.papers.append(_paper(ref, title, doc_id))
        technique = Technique(
            id=ident,
            name=canonical,
            aliases=aliases,
            category=cat,
            variant_of=variants_of(canonical, techniques),
            introduced_in=origin,
            first_appeared=_month(ref.arxiv) if ref.arxiv and not ref.paper else None,
            sources=(SourceRef(url=url, note=f"named by the title of a cited paper (references, entry {ref.number or ref.index})"),),
            curation="discovered",
            discovered_in=doc_id,
        )
        out.ideas.append(Titled(technique, ref, title))
    _defined(body, bib, resolver, index, introduced, seen, out, doc_id, url)
    return out


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
            cat = category(name, "") or HEADS.get(head)
            if cat is None or any(resolver.resolve(n) or same_idea(index, n) for n in (name, acr)):
                continue
            cite = re.sub(r"[()]", " ", m.group("cite") or "")
            refs = references.citations_in(f"{cite} {s.text[m.end():m.end() + 60]}", bib)
            if len(refs) > 1 or (not refs and head in _BROAD):
                continue  # several citations: the origin is not one paper; a field's name is no idea without one
            ref = refs[0] if refs else None
            origin = (ref.paper or (f"arxiv-{ref.arxiv}" if ref.arxiv else None)) if ref else None
            key, ident = idea_key(acr), slug(name)  # the name, not the acronym: "DP" is more than one idea
            if not ident or origin in introduced or key in seen or idea_key(name) in seen or ident in resolver.catalog.entities:
                continue
            seen |= {key, idea_key(name)}
            canonical = " ".join(w if w.isupper() else w[:1].upper() + w[1:] for w in name.split())
            if origin and not ref.paper and all(p.id != origin for p in out.papers):
                out.papers.append(_paper(ref, re.sub(r"\s+", " ", ref.text)[:200], doc_id))
            cites = f", citing references entry {ref.number or ref.index}" if ref else ""
            out.ideas.append(Titled(Technique(
                id=ident, name=canonical, aliases=(acr,), category=cat, introduced_in=origin,
                variant_of=variants_of(canonical, resolver.catalog.of_kind(EntityKind.TECHNIQUE)),
                first_appeared=_month(ref.arxiv) if origin and not ref.paper else None,
                sources=(SourceRef(url=url, note=f"spelled out with its acronym (p. {s.page}){cites}"),),
                curation="discovered", discovered_in=doc_id), ref, canonical, s))


def _paper(ref: references.Reference, title: str, doc_id: str) -> Paper:
    """The cited paper, discovered from the arXiv id its entry prints."""
    return Paper(id=f"arxiv-{ref.arxiv}", name=title[:120], title=title[:200], arxiv=ref.arxiv, published=_month(ref.arxiv),
                 sources=(SourceRef(url=f"https://arxiv.org/abs/{ref.arxiv}", note="cited in a report"),),
                 curation="discovered", discovered_in=doc_id)


def _month(arxiv: str | None) -> str | None:
    """The month an arXiv id was assigned in ("2104.09864" -> "2021-04")."""
    if not arxiv:
        return None
    yy, mm = arxiv[:2], arxiv[2:4]
    return f"20{yy}-{mm}" if 1 <= int(mm) <= 12 else None


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
        facts = [(domain.Predicate.INTRODUCED_IN, t.introduced_in, None)] if t.introduced_in else []
        if t.first_appeared:
            facts.append((domain.Predicate.FIRST_APPEARED, None, t.first_appeared))
        for predicate, obj, value in facts:
            out.append(settle(domain.Draft(subject=t.id, predicate=predicate, object=obj, value=value, primary=False,
                                           reason=f"{how} a paper the report cites ({entry})", evidence=(ev,))))
    return out
