"""Architecture taken from a named model: "we adopt the same architecture as <M>", "following the architecture of <M>".

A report may state its model's architecture only by reference to another model and never name RoPE,
GQA or SwiGLU itself.  When the document's own model (we, our, its names) is said to take the
architecture of a model ``M`` that the catalog's bundled primary configs (``seeds/sources/configs``)
describe, the own model is inferred to use M's architecture techniques (attention, positional,
normalization, activation and MoE kinds; never training, data, precision or optimizer ones), minus
what the sentence or the next one says was changed ("except", "instead of", "replace", "unlike"):
every technique named there, and M's techniques of the same category.

The inference is the reader's, not the document's: drafts carry ``Role.INFERRED`` and so start
**reported** (:mod:`lineage.verify_draft`), never verified.  Only the bundled configs are known to a
report read alone, so a model the catalog has no config for (most dense models) gives nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lineage.catalog import Catalog
from lineage.catalog.config_sources import bundled_configs, bundled_dir
from lineage.domain import Draft, EntityKind, Evidence, Predicate, Role, SourceKind, Status, Technique, clip
from lineage.ingest import adoption_rules as adoption
from lineage.ingest.text import Sentence, alias_patterns, candidates
from lineage.paths import cache_dir, data_dir, write_cached

_SLOT = r"(?:the\s+|our\s+(?:previous\s+|earlier\s+)?)?(?=[A-Z0-9])"
"""Where the inherited model's name starts (it is then matched against the catalog's model names)."""
_INHERIT = (
    re.compile(r"\b(?:same|identical)\s+(?:model\s+|overall\s+|basic\s+|network\s+)?architectures?\s+(?:as|to|with)\s+"
               r"(?:that\s+of\s+)?" + _SLOT, re.I),
    re.compile(r"\b(?:follow(?:s|ed|ing)?|adopt(?:s|ed|ing)?|inherit(?:s|ed|ing)?|based\s+on|built\s+(?:up)?on|"
               r"draw(?:s|ing)?\s+from)\s+the\s+(?:same\s+|overall\s+|model\s+|basic\s+)?architecture\s+of\s+" + _SLOT,
               re.I),
    re.compile(r"\b(?:follow(?:s|ed|ing)?|adopt(?:s|ed|ing)?|inherit(?:s|ed|ing)?|based\s+on|built\s+(?:up)?on)\s+"
               r"the\s+(?=[A-Z0-9])(?P<name>[\w.\-]+(?:\s[\w.\-]+){0,2}?)\s+architecture\b"),
)
"""Cues that the sentence's subject takes the whole architecture of a named model."""
_CHANGED = re.compile(
    r"\b(?:except|with\s+the\s+exceptions?\s+of|instead\s+of|rather\s+than|replac\w*|substitut\w*|unlike|"
    r"differ\w*|modif\w*|but|whereas|however)\b", re.I
)
"""What a document says it changed from the model it follows."""
_COMPARED = re.compile(
    r"\b(?:compar\w*|against|baselines?|versus|vs\.?|than|unlike|reproduc\w*|re-?implement\w*|hypothetical)\b", re.I
)
"""Before the cue: a model built only to be compared with, or a reproduction, is not the document's own."""
ARCHITECTURE = frozenset({"attention", "positional", "normalization", "activation", "moe"})
"""Technique categories that are a model's architecture (a config shows them; training ideas it does not)."""
_BLOCKED_SECTIONS = frozenset({"related work", "ablation"})


@dataclass(frozen=True)
class Inheritance:
    """The own model takes ``model``'s architecture; ``techniques`` are the ones it is inferred to use."""

    model: str
    techniques: tuple[str, ...]
    sentence: Sentence


@lru_cache(maxsize=1)
def config_techniques() -> dict[str, frozenset[str]]:
    """Per catalog model, the techniques its bundled primary configs show as verified.

    Reading the configs costs seconds (the config reader loads transformers), so the answer is kept in the
    cache folder under a key of the configs' bytes and the config reader's code: read once per machine, and
    again only when either changes; a cache that cannot be read or written is only slower.
    """
    key = _configs_key()
    path = cache_dir() / "report-inherit" / f"{key}.json"
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
        return {m: frozenset(ts) for m, ts in cached.items()}
    except (OSError, ValueError, AttributeError):
        pass
    found = _read_configs()
    write_cached(path, json.dumps({m: sorted(ts) for m, ts in sorted(found.items())}).encode("utf-8"))
    return found


_READER_CODE = ("ingest/config", "configfile", "measure", "techniques", "catalog")
"""Packages whose code decides what a config shows (their sources are part of the cache key)."""


def _configs_key() -> str:
    """A digest of the bundled configs (list and files) and of the code that reads them."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    files = [bundled_dir().parent / "configs.yaml", *sorted(bundled_dir().glob("*"))]
    for part in _READER_CODE:
        files += sorted((package / part).rglob("*.py"))
    files += sorted((data_dir("seeds")).glob("*.yaml"))  # aliases and ids the reader resolves against
    for f in files:
        if f.is_file():
            digest.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def _read_configs() -> dict[str, frozenset[str]]:
    from lineage.ingest.config import prepare  # deferred: the config reader loads transformers

    out: dict[str, set[str]] = {}
    for src in bundled_configs():
        if src.derivative or src.kind != "primary":
            continue
        found = prepare(bundled_dir() / src.file, src)
        out.setdefault(src.model, set()).update(
            c.object for c in found.claims
            if c.predicate is Predicate.USES and c.status is Status.VERIFIED and c.object
        )
    return {m: frozenset(ts) for m, ts in out.items()}


def _named_model(text: str, start: int, models: dict[str, re.Pattern]) -> str | None:
    """The catalog model whose name begins at ``start`` (the longest one)."""
    window = text[start : start + 80]
    best, length = None, 0
    for mid, pattern in models.items():
        m = pattern.search(window)
        if m and m.start() == 0 and m.end() > length:
            best, length = mid, m.end()
    return best


def _cited(s: Sentence, models: dict[str, re.Pattern]) -> tuple[str, int] | None:
    """The model a sentence says its subject takes the architecture of, with where the cue starts."""
    for cue in _INHERIT:
        for m in cue.finditer(s.text):
            where = m.start("name") if "name" in cue.groupindex else m.end()
            named = _named_model(s.text, where, models)
            if named:
                return named, m.start()
    return None


def _changed(texts: list[str], patterns: dict[str, re.Pattern], category: Callable[[str], str | None]
             ) -> tuple[set[str], set[str]]:
    """Techniques named after a change cue in the texts, and their categories."""
    named: set[str] = set()
    for text in texts:
        cue = _CHANGED.search(text)
        if cue:
            named |= {t for t, _ in candidates(patterns, text[cue.start():])}
    return named, {c for c in map(category, named) if c}


def find(
    body: list[Sentence],
    catalog: Catalog,
    own: list[str],
    models: list[str],
    sections: Callable[[Sentence], str | None] | None = None,
    stored: Mapping[str, frozenset[str]] | Callable[[], Mapping[str, frozenset[str]]] | None = None,
) -> list[Inheritance]:
    """Every statement that the own model takes a configured catalog model's architecture.

    ``own``: the own model's names; ``models``: its ids (a model never inherits from itself); ``stored``: per
    model, techniques a store holds as verified from primary sources (:func:`stored_techniques`), added to
    what the bundled configs show.
    """
    others = {mid: p for mid, p in alias_patterns(catalog, EntityKind.MODEL).items() if mid not in models}
    techniques = alias_patterns(catalog)
    own_pattern = adoption.own_subject(own)

    def category(tid: str) -> str | None:
        t = catalog.entities.get(tid)
        return t.category.value if isinstance(t, Technique) and t.category else None

    out = []
    known: dict[str, frozenset[str]] | None = None
    for i, s in enumerate(body):
        cited = _cited(s, others) if not adoption.is_noise(s.text) else None
        if cited is None:
            continue
        model, at = cited
        before = s.text[:at]
        if not own_pattern.search(before) or any(p.search(before) for p in others.values()):
            continue  # the subject is not the own model, or another model is
        if adoption.FUTURE.search(s.text) or adoption.TRIAL.search(s.text) or _COMPARED.search(before):
            continue
        if sections is not None and sections(s) in _BLOCKED_SECTIONS:
            continue
        if known is None:  # read only once a sentence says the own model takes a named model's architecture
            known = dict(config_techniques_if_any())
            for m, ts in (stored() if callable(stored) else stored or {}).items():
                known[m] = known.get(m, frozenset()) | ts
        if not known.get(model):
            continue
        following = body[i + 1].text if i + 1 < len(body) else ""
        named, kinds = _changed([s.text[at:], following], techniques, category)
        inferred = tuple(sorted(
            t for t in known[model]
            if category(t) in ARCHITECTURE and t not in named and category(t) not in kinds
        ))
        if inferred:
            out.append(Inheritance(model, inferred, s))
    return out


def stored_techniques(store) -> dict[str, frozenset[str]]:
    """Per model, the techniques a store holds as verified ``uses`` with evidence from a primary source."""
    out: dict[str, set[str]] = {}
    for c in store.claims():
        if c.predicate is Predicate.USES and c.status is Status.VERIFIED and c.object and any(
            e.source_kind is SourceKind.PRIMARY and e.supports for e in c.evidence
        ):
            out.setdefault(c.subject, set()).add(c.object)
    return {m: frozenset(ts) for m, ts in out.items()}


def config_techniques_if_any() -> dict[str, frozenset[str]]:
    """:func:`config_techniques`, or nothing when no configs are bundled."""
    try:
        return config_techniques()
    except FileNotFoundError:
        return {}


def drafts(
    found: list[Inheritance], models: list[str], decided: set[str], evidence: Callable[[Sentence], Evidence]
) -> tuple[list[str], list[Draft]]:
    """``uses`` drafts (role inferred) for each inherited technique the document did not itself decide on
    (``decided``: adopted or ruled out), with the sentences that state the inheritance as evidence."""
    by_technique: dict[str, list[Inheritance]] = {}
    for f in found:
        for t in f.techniques:
            if t not in decided:
                by_technique.setdefault(t, []).append(f)
    out = []
    for t, stated in sorted(by_technique.items()):
        sources = sorted({f.model for f in stated})
        reason = clip(f"the report says its model takes the architecture of {', '.join(sources)}, whose bundled "
                      f"config shows it (p. {stated[0].sentence.page})", 200)
        ev = tuple(evidence(f.sentence) for f in stated[:3])
        out += [Draft(subject=m, predicate=Predicate.USES, object=t, primary=True, role=Role.INFERRED,
                      reason=reason, evidence=ev) for m in models]
    return sorted(by_technique), out
