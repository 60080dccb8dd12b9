"""The document's own model when the catalog lacks it: a name in the title that the document links a repository of.

A blog post or model card about a model the catalog does not know names it in its title ("Serving Zork on X GPUs",
"Lab's Zork model on ...") and links its repository (``huggingface.co/<org>/zork-7b``, ``github.com/<org>/zork``,
``from_pretrained("org/Zork-7B")``).  Two signals that agree (issue 26, item 2): a title token shaped as a name (not an
English word, not a catalog name of any kind, two capitals, a digit or inner capitals; not an acronym's plural such as
"GPUs") and a repository reference whose name is that token, alone or followed by a size or variant part.  The
document's sentences then read that name as a model's, in the open world (``slug``, with its ``name`` qualifier).
"""

from __future__ import annotations

import re

from lineage.domain import slug
from lineage.ingest.text import english_word

_TOKEN = re.compile(r"(?<![\w.-])[A-Za-z][\w.]*(?:-[\w.]+)*")
_SHAPE = re.compile(r"^(?=(?:.*[A-Z]){2}|.*\d|.*[a-z][A-Z])(?![A-Z]+s$)[A-Za-z][\w.-]*[A-Za-z\d]$")
"""Two capitals, a digit or an inner capital ("DBRX", "OLMo", "Zork-9"), not an acronym's plural ("GPUs", "LLMs")."""


def own_name(title: str, raw: str, resolver) -> str | None:
    """The title's name of a model the catalog lacks that the document links a repository of, else None."""
    found = resolver.find(title)
    if any(m.kind in ("model", "family") for m in found):
        return None  # the catalog names the subject
    covered = [(m.start, m.end) for m in found]
    for t in _TOKEN.finditer(title):
        name = t.group(0).rstrip(".")
        if any(a < t.end() and t.start() < b for a, b in covered) or not _SHAPE.match(name) or english_word(name):
            continue
        repo = re.compile(r"(?<![\w.-])[\w.-]+/" + re.escape(name) + r"(?:[-_.][\w.-]*)?(?![\w/])", re.I)
        if repo.search(raw) and not resolver.exact.resolve(name):
            return name
    return None


def name_pattern(name: str) -> re.Pattern:
    """The pattern of the own name in the document's text: the name as written, as a whole word."""
    return re.compile(r"(?<![\w.-])" + re.escape(name) + r"(?![\w-]|\.\d)")


def own_id(name: str) -> str:
    return slug(name)
