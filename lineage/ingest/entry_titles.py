"""The title of a bibliography entry, and the method a whole title names ("Root mean square layer normalization").

Entries print authors, then the title, then the venue: ``A. Author, B. Author, and C. Author. Title. In Venue,
2020.``, the ACL form with the year after the authors (``Authors. 2023. Title. Venue.``), or the title in quotes
(``Author et al. “Title”. In: Venue``).  :func:`entry_title` finds that title; :func:`whole_title_name` says when
the whole title is a method's name: a few words ending in a method's head noun ("Zero bubble pipeline
parallelism", "Truncated importance sampling"), not a sentence about one ("Knowledge neurons in pretrained
transformers", "Improving language understanding with unsupervised learning") nor a field ("Reinforcement learning").
"""

from __future__ import annotations

import re

from lineage.catalog.vocabulary import is_generic
from lineage.ingest import references

_QUOTED = re.compile(r"[“\"]([^”\"]{6,250})[”\"]")
_SEGMENT_END = re.compile(r"(?<!\b[A-Z])(?<!\bal\.)\.\s+|\?\s+")
"""A sentence end that is no initial ("J. Smith") — the title ends at one."""
_YEAR_ONLY = re.compile(r"(?:19|20)\d\d[a-z]?")
_TRAILING_DATE = re.compile(r",?\s*(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+)?(?:19|20)\d\d[a-z]?\s*$")
_VENUE = re.compile(r"^(?:in|in:)\s|arxiv|preprint|proceedings|conference|journal|\burl\b|https?:|\bcorr\b|abs/", re.I)

_JOINERS = {"for", "of", "in", "to", "with", "from", "via", "on", "by", "toward", "towards", "through", "into", "as",
            "using", "beyond", "is", "are", "all", "you", "need", "a", "an", "the", "and", "or", "at", "we", "can",
            "do", "does", "not", "without", "what", "how", "why", "when", "your", "our", "scale", "revisited", "improve",
            "improves", "meets", "matters", "helps", "works", "makes", "beats", "versus", "vs"}
"""Words that make a title a sentence or a description rather than a name."""
_DESCRIBING = re.compile(r"(?!(?:ring|sliding|rolling|gating|routing|packing|string)$)[\w-]{2,}ing")
"""A title's leading verb ("Improving …", "Scaling …", "Training …"); a few -ing words are adjectives of a name
("Ring attention", "Sliding window attention")."""
_FIELD = {"machine", "deep", "reinforcement", "learning", "language", "modeling", "modelling", "neural", "network",
          "networks", "training", "representation", "representations", "supervised", "unsupervised", "self-supervised",
          "transfer", "statistical", "natural", "processing", "multi-task", "multitask", "online", "federated",
          "pre-training", "pretraining", "fine-tuning", "sequence", "generative", "large"}
"""Words of a field's name: a title made only of them ("Deep reinforcement learning") names no one idea."""
_FOR_ARCHITECTURE = re.compile(
    r"\s+(?:for|in|of)\s+(?:(?:large|deep|neural|pretrained|pre-trained|efficient|autoregressive)\s+)*"
    r"(?:transformers?|language\s+models?|llms?|(?:neural\s+)?networks?)$", re.I)
"""'Query-key normalization for transformers': the architecture a method is for is no part of its name."""


def entry_title(entry: str) -> str | None:
    """The title an entry prints, or None when no segment after the authors looks like one.

    >>> entry_title("V. A. Korthikanti, J. Casper, and B. Catanzaro. Reducing activation recomputation. MLSys, 2023.")
    'Reducing activation recomputation'
    >>> entry_title("Mengzhou Xia, and Ves Stoyanov. 2023. Training trajectories of language models across scales.")
    'Training trajectories of language models across scales'
    >>> entry_title("Roy, Olivier and Martin Vetterli. “The effective rank: A measure”. In: EUSIPCO. 2007.")
    'The effective rank: A measure'
    """
    text = re.sub(r"\s+", " ", references.NUMBERED.sub("", entry)).strip()
    quoted = _QUOTED.search(text)
    if quoted:
        return _TRAILING_DATE.sub("", quoted.group(1)).strip(" .,") or None
    segments = [s.strip(" ,") for s in _SEGMENT_END.split(text)][1:]  # the first is the authors
    while segments and _YEAR_ONLY.fullmatch(segments[0]):
        segments = segments[1:]
    if not segments:
        return None
    title = _TRAILING_DATE.sub("", segments[0]).strip(" .,")
    return None if not title or _VENUE.search(title) else title


def whole_title_name(title: str, heads) -> str | None:
    """The title itself, less an architecture it is "for", when it reads as a method's name, else None.

    ``heads``: the head nouns a method's name may end in.

    >>> heads = {"normalization", "parallelism", "sampling", "transformer", "learning"}
    >>> whole_title_name("Root mean square layer normalization", heads)
    'Root mean square layer normalization'
    >>> whole_title_name("Query-key normalization for transformers", heads)
    'Query-key normalization'
    >>> whole_title_name("Knowledge neurons in pretrained transformers", heads), whole_title_name("Deep reinforcement learning", heads)
    (None, None)
    """
    name = _FOR_ARCHITECTURE.sub("", title.strip())
    words = name.split()
    if not 2 <= len(words) <= 5 or any(ch.isdigit() for ch in name) or ":" in name or is_generic(name):
        return None
    lower = [w.lower().strip(",;") for w in words]
    if _DESCRIBING.fullmatch(lower[0]) and lower[0] not in heads or any(w in _JOINERS for w in lower):
        return None  # "Improving …", "X with Y": a sentence about a method
    if all(w in _FIELD for w in lower):
        return None
    head = lower[-1]
    return name if head in heads or head.rstrip("s") in heads or (head.endswith("s") and head[:-1] in heads) else None
