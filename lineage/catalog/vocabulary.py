"""Resolution of idea names: one key per idea, never a merge of two ideas.

Names of one idea differ in case, hyphenation, spacing and number ("Switch Transformers",
"switch transformer", "Multi-Query" / "multi query"); an acronym stands for its expansion when a
source spells one out beside the other.  Nothing else merges: two names whose keys differ are two
ideas, however alike they look ("GQA" and "MQA", "Muon" and "MuonClip").  Generic phrases ("our
method", "the model") name no idea at all.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lineage.domain import Technique

_GENERIC_HEADS = {
    "method", "methods", "approach", "approaches", "model", "models", "framework", "technique", "techniques",
    "algorithm", "algorithms", "system", "systems", "work", "paper", "baseline", "baselines", "variant", "variants",
    "architecture", "recipe", "strategy", "scheme", "design", "version", "setting", "study",
}
_GENERIC_LEAD = {"our", "the", "a", "an", "this", "that", "these", "those", "new", "novel", "proposed", "their", "its"}
_STOP_NAMES = {
    "in", "url", "proceedings", "appendix", "note", "preprint", "online", "available", "accessed", "blog", "github",
    "technical report", "tech report", "abstract", "introduction", "conclusion", "arxiv", "corr", "part", "chapter",
    "volume", "findings", "workshop", "tutorial", "keynote", "correction", "erratum", "supplementary",
}


def arxiv_month(arxiv: str | None) -> str | None:
    """The month an arXiv id was assigned in ("2104.09864" -> "2021-04"); None without an id or for a month
    out of range. An idea's first appearance and its paper's date when nothing else dates them."""
    if not arxiv:
        return None
    yy, mm = arxiv[:2], arxiv[2:4]
    return f"20{yy}-{mm}" if 1 <= int(mm) <= 12 else None


def _singular(word: str) -> str:
    """A plural head noun in singular form ("transformers" -> "transformer"); other words unchanged."""
    w = word.lower()
    if len(w) > 4 and w.endswith("ies"):
        return word[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "sis")) and w[-2].isalpha():
        return word[:-1]
    return word


@functools.lru_cache(maxsize=65536)  # a report asks for the same few thousand names many times over (issue 31)
def idea_key(name: str) -> str:
    """The key two spellings of one idea share: case, hyphens, spaces and a plural last word folded.

    >>> idea_key("Switch Transformers") == idea_key("switch-transformer")
    True
    >>> idea_key("GQA") == idea_key("MQA"), idea_key("Muon") == idea_key("MuonClip")
    (False, False)
    """
    words = re.split(r"[\s\-_/]+", name.strip())
    if len(words) > 1 or (words and words[0][:1].islower()):
        words[-1] = _singular(words[-1])
    return re.sub(r"[^a-z0-9+.]", "", "".join(words).lower()).strip(".")


def is_generic(name: str) -> bool:
    """A phrase that names no particular idea ("our method", "the model", "a new approach", "In", "URL").

    >>> is_generic("our method"), is_generic("a new approach"), is_generic("Switch Transformers")
    (True, True, False)
    """
    text = name.strip().lower()
    if not text or text in _STOP_NAMES or len(re.sub(r"[^a-z0-9]", "", text)) < 2:
        return True
    words = text.split()
    while words and words[0] in _GENERIC_LEAD:
        words = words[1:]
    return not words or all(w in _GENERIC_HEADS or w in _GENERIC_LEAD for w in words)


def spelled_by(acronym: str, words: list[str]) -> bool:
    """Do the initials of ``words`` (hyphen parts counted) spell ``acronym`` exactly, in order?

    >>> spelled_by("MoBA", "Mixture of Block Attention".split()), spelled_by("GQA", ["Multi-Query", "Attention"])
    (True, False)
    """
    initials = "".join(p[0] for w in words for p in w.split("-") if p).lower()
    letters = re.sub(r"[^a-z]", "", acronym.lower())
    return len(letters) >= 2 and initials == letters


def expansion(acronym: str, text: str) -> str | None:
    """The run of words in ``text`` whose initials spell ``acronym`` ("MoBA" in "mixture of block attention …")."""
    if not re.fullmatch(r"[A-Za-z]*[A-Z][A-Za-z]*", acronym) or sum(c.isupper() for c in acronym) < 2:
        return None
    words = re.findall(r"[A-Za-z][A-Za-z\-]*", text)
    for i in range(len(words)):
        for j in range(i + 1, min(len(words), i + 8) + 1):
            if spelled_by(acronym, words[i:j]):
                return " ".join(words[i:j])
    return None


def idea_index(techniques: Iterable[Technique]) -> dict[str, str]:
    """idea key -> technique id, over every technique's id, name and aliases (the first technique holding a key wins)."""
    out: dict[str, str] = {}
    for t in techniques:
        for name in (t.id, t.name, *t.aliases):
            key = idea_key(name)
            if key:
                out.setdefault(key, t.id)
    return out


def same_idea(index: dict[str, str], name: str) -> str | None:
    """The technique ``name`` spells (up to case, hyphens, spaces and plural), or None: never a near match."""
    return index.get(idea_key(name))


def variants_of(name: str, techniques: Iterable[Technique]) -> tuple[str, ...]:
    """Ids of known ideas whose several-word name ends ``name`` after modifiers: "Fully Sharded Data
    Parallelism" is a variant of "Data Parallelism", "Byte-level Byte-Pair Encoding" of "Byte-Pair Encoding".

    A one-word name ("Attention") is too broad to stand as the idea modified.
    """
    words = [idea_key(w) for w in re.split(r"\s+", name.strip()) if w]
    out = []
    for t in techniques:
        for other in (t.name, *t.aliases):
            tail = [idea_key(w) for w in other.split()]
            if 2 <= len(tail) < len(words) and words[-len(tail):] == tail:
                out.append(t.id)
                break
    return tuple(dict.fromkeys(out))
