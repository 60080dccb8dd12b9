"""The document's own model when the catalog lacks it: a name in the title that the document links a repository of.

A blog post or model card about a model the catalog does not know names it in its title ("Serving Zork on X GPUs",
"Lab's Zork model on ...") and links its repository (``huggingface.co/<org>/zork-7b``, ``github.com/<org>/zork``,
``from_pretrained("org/Zork-7B")``).  Three signals that agree (issue 26, item 2): a title token shaped as a name (not an
English word, not a catalog name of any kind, two capitals, a digit or inner capitals; not an acronym's plural such as
"GPUs"), a repository reference whose name is that token, alone or followed by a size or variant part, and a sentence
that calls it a model ("N is a ... model", "the N model"; a library or engine with a repository is not one).  The
document's sentences then read that name as a model's, in the open world (``slug``, with its ``name`` qualifier).
"""

from __future__ import annotations

import re

from lineage.domain import slug
from lineage.ingest.text import english_word

_HYPHENS = "\u2010\u2011-"
_TOKEN = re.compile(rf"(?<![\w.{_HYPHENS}])[A-Za-z][\w.]*(?:[{_HYPHENS}][\w.]+)*")
"""A title token; a name's hyphen may be a non-breaking one ("GPT\u2011OSS"), which is the same name."""
_SHAPE = re.compile(r"^(?=(?:.*[A-Z]){2}|.*\d|.*[a-z][A-Z])(?![A-Z]+s$)[A-Za-z][\w.-]*[A-Za-z\d]$")
"""Two capitals, a digit or an inner capital ("DBRX", "OLMo", "Zork-9"), not an acronym's plural ("GPUs", "LLMs")."""


def own_name(title: str, raw: str, resolver) -> str | None:
    """The title's name of a model the catalog lacks that the document links a repository of, else None."""
    found = resolver.find(title)
    if any(m.kind in ("model", "family") for m in found):
        return None  # the catalog names the subject
    covered = [(m.start, m.end) for m in found]
    for t in _TOKEN.finditer(title):
        name = re.sub(f"[{_HYPHENS}]", "-", t.group(0).rstrip("."))
        if any(a < t.end() and t.start() < b for a, b in covered) or not _SHAPE.match(name) or english_word(name):
            continue
        repo = re.compile(r"(?<![\w.-])[\w.-]+/" + re.escape(name) + r"(?:[-_.][\w.-]*)?(?![\w/])", re.I)
        if repo.search(raw) and _called_a_model(name, raw) and not resolver.exact.resolve(name):
            return name
    return None


def _called_a_model(name: str, raw: str) -> bool:
    """Whether the document calls ``name`` a model once: "the N model", "N Instruct model", "N is a ... model", "N, a ...
    model" (a library or a serving engine with a repository is no model: "N is a library for LLM inference")."""
    n = name_pattern(name).pattern
    return bool(re.search(rf"{n}(?:\s+[\w-]+)?\s+model\b|{n}(?:\s+[\w-]+)?(?:,|\s+(?:is|was))\s+(?:a|an|the)\s+"
                          r"[^.;:]{0,80}?\bmodel\b", raw))


def name_pattern(name: str) -> re.Pattern:
    """The pattern of the own name in the document's text: the name as written, as a whole word."""
    body = re.escape(name).replace(r"\-", f"[{_HYPHENS}]")
    return re.compile(rf"(?<![\w.{_HYPHENS}])" + body + rf"(?![\w{_HYPHENS}]|\.\d)")


def own_id(name: str) -> str:
    return slug(name)
