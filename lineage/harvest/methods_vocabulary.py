"""Import of a public vocabulary of methods (the Papers with Code methods archive) into ``seeds/vocabulary.yaml``.

The archive (CC BY-SA 4.0) lists machine-learning methods with a short name, a full name, the collections they
belong to and the paper that introduced them.  Only facts are kept: names, the collections, the arXiv id of the
introducing paper and its title; never a method's description (prose).

What matters for open LLMs is chosen by collection (:data:`COLLECTIONS`, each mapped to one of our categories): a
method is kept when one of its collections is listed, none of them belongs to an area of vision, graphs or audio
(an attention module of image networks is listed under the general "Attention Mechanisms" collection too, but
also under an image collection), and the title of its introducing paper does not place it in vision, speech,
graphs or robotics (:data:`OTHER_FIELDS`) unless the field at large uses it (:data:`GENERAL`).  The catalog reads the file (:mod:`lineage.catalog.vocabulary_seed`), joins
each entry to the idea it already knows under the same key, and adds the others as ideas of curation
"vocabulary".
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

from lineage.catalog.vocabulary import idea_key, spelled_by
from lineage.ingest.text import ordinary_word
from lineage.vocab import TechniqueCategory as C

COLLECTIONS: dict[str, C] = {
    **dict.fromkeys(("Attention Mechanisms", "Attention Modules", "Attention Patterns", "Attention",
                     "Synthesized Attention Mechanisms", "Long-Range Interaction Layers"), C.ATTENTION),
    **dict.fromkeys(("Position Embeddings", "Inference Extrapolation"), C.POSITIONAL),
    "Normalization": C.NORMALIZATION,
    "Activation Functions": C.ACTIVATION,  # not "Output Functions": softmax and its variants are parts, rarely choices
    **dict.fromkeys(("Stochastic Optimization", "Optimization", "Large Batch Optimization", "Momentum Rules",
                     "Learning Rate Schedules"), C.OPTIMIZER),
    **dict.fromkeys(("Loss Functions", "Language Model Pre-Training"), C.OBJECTIVE),
    **dict.fromkeys(("Regularization", "Parameter Norm Penalties", "Initialization", "Fine-Tuning",
                     "Knowledge Distillation", "Distillation", "Parameter Sharing", "Input Embedding Factorization",
                     "Adaptive Computation", "Pruning"), C.TRAINING),
    "Skip Connections": C.RESIDUAL,
    "Policy Gradient Methods": C.ALIGNMENT,
    **dict.fromkeys(("Distributed Methods", "Data Parallel Methods", "Model Parallel Methods", "Hybrid Parallel Methods",
                     "Replicated Data Parallel", "Asynchronous Pipeline Parallel", "Sharded Data Parallel Methods",
                     "Intra-Layer Parallel", "Synchronous Pipeline Parallel", "2D Parallel Distributed Methods",
                     "Auto Parallel Methods", "Parameter Server Methods", "Asynchronous Data Parallel",
                     "Distributed Communication"), C.SYSTEMS),
    "Mixture-of-Experts": C.MOE,
    **dict.fromkeys(("Subword Segmentation", "Tokenizers"), C.DATA),
    "Ternarization": C.PRECISION,
    "Sequence Decoding Methods": C.INFERENCE,
}
"""Papers with Code collection -> our category: the collections that hold ideas open LLMs use."""

PRIORITY = (C.MOE, C.ATTENTION, C.POSITIONAL, C.NORMALIZATION, C.ACTIVATION, C.ALIGNMENT, C.SYSTEMS, C.PRECISION,
            C.OBJECTIVE, C.OPTIMIZER, C.INFERENCE, C.DATA, C.RESIDUAL, C.TRAINING)
"""Which category wins for a method in collections of several (a sharded optimizer is a systems idea)."""

OTHER_AREAS = {"Computer Vision", "Graphs", "Audio"}
"""Areas whose methods are left out, even where a general collection lists them too."""

OTHER_FIELDS = re.compile(
    r"\b(images?|visual|vision|object|detection|detector|segmentation|convnets?|cnns?|gans?|generative adversarial|"
    r"pose|face|facial|video|person|re-identification|speech|speaker|graph neural|gnn|point clouds?|3d|"
    r"super-resolution|scene|pixels?|photo|robot\w*|visuomotor|image-to-image|stylization|style transfer)\b", re.I)
"""Words of an introducing paper's title that place a method in vision, speech, graphs or robotics."""

GENERAL = 500
"""Papers the archive links to a method before it counts as general whatever field its first paper is in
(the residual connection came from image recognition, batch normalization from image classifiers)."""

_ARXIV = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})")


def arxiv_id(url: str | None) -> str | None:
    """The arXiv id (no version) of an arXiv address, else None.

    >>> arxiv_id("http://arxiv.org/abs/1810.06801v4"), arxiv_id("https://openreview.net/forum?id=x")
    ('1810.06801', None)
    """
    m = _ARXIV.search(url or "")
    return m.group(1) if m else None


def category(collections: list[str]) -> C | None:
    """Our category for a method in ``collections``: the listed one first in :data:`PRIORITY`, or None."""
    found = {COLLECTIONS[c] for c in collections if c in COLLECTIONS}
    return next((c for c in PRIORITY if c in found), None)


KNOWN_BY_ACRONYM = 40
"""Papers the archive links to a method before its short acronym counts as a name of it: an idea few papers use
("DMA", "AMP" of the archive) is not what the field means by those letters (memory access, mixed precision)."""


KNOWN_BY_WORD = 100
"""Papers the archive links to a method before a name that is an ordinary English word counts as its only name:
"Adam", "Dropout" and "REINFORCE" are what the field means by those words; "Chimera" or "ZeRO" of few papers
are, in a report, as likely a model's name or the word "Zero"."""


def short_name_usable(name: str, full_name: str, papers: int) -> bool:
    """Whether a method's short name can stand as a name to look for in reports.  An acronym of up to four letters
    counts only when its full name spells it, it is no ordinary word ("RAN", "FA") and at least
    :data:`KNOWN_BY_ACRONYM` papers use the method ("PPO" = Proximal Policy Optimization; not "SFT" for a
    distillation method named otherwise, nor "AMP" for a method few papers use).  An ordinary English word as the
    method's only name ("Adam") stays: the report reader counts it only where it is spelt as a name
    (:func:`lineage.ingest.text.alias_patterns`).

    >>> short_name_usable("PPO", "Proximal Policy Optimization", 179), short_name_usable("SFT", "Shrink and Fine-Tune", 9)
    (True, False)
    >>> short_name_usable("AMP", "Adversarial Model Perturbation", 20), short_name_usable("RAN", "Residual Attention Network", 149)
    (False, False)
    >>> short_name_usable("AdamW", "AdamW", 1)
    True
    """
    letters = re.sub(r"[^A-Za-z]", "", name)
    if len(letters) <= 4 and sum(c.isupper() for c in letters) >= 2 and idea_key(name) != idea_key(full_name):
        words = re.findall(r"[A-Za-z][A-Za-z\-]*", full_name)
        return spelled_by(name, words) and not ordinary_word(name) and papers >= KNOWN_BY_ACRONYM
    return True


def row(method: dict[str, Any]) -> dict[str, Any] | None:
    """One seed row of a method of the archive in the LLM subset, or None when it is outside it.

    A row keeps the method's slug, the names it is found under (full name first), our category, the collections and
    the introducing paper (arXiv id and title); not the archive's year, which is often wrong ("2000" for
    unknown, 1943 for weight decay): an arXiv id dates the idea.  A
    method known only by an ordinary English word is kept when :data:`KNOWN_BY_WORD` papers use it.
    """
    collections = [c["collection"] for c in method.get("collections") or []]
    if any(c.get("area") in OTHER_AREAS for c in method.get("collections") or []):
        return None
    title = (method.get("source_title") or (method.get("paper") or {}).get("title") or "").strip()
    if OTHER_FIELDS.search(title) and (method.get("num_papers") or 0) < GENERAL:
        return None
    cat = category(collections)
    if cat is None:
        return None
    name, full = method["name"].strip(), (method.get("full_name") or method["name"]).strip()
    papers = method.get("num_papers") or 0
    names = [full]
    if short_name_usable(name, full, papers) and idea_key(name) != idea_key(full):
        names.append(name)
    if all(ordinary_word(n) for n in names) and papers < KNOWN_BY_WORD:
        return None
    slug = method["url"].rstrip("/").rsplit("/", 1)[-1]
    out: dict[str, Any] = {"pwc": slug, "names": names, "category": cat.value,
                           "collections": sorted(c for c in collections if c in COLLECTIONS)}
    paper = arxiv_id(method.get("source_url"))
    if paper:
        out["arxiv"] = paper
    if title:
        out["paper_title"] = title
    return out


def rows(dump: Path) -> list[dict[str, Any]]:
    """The seed rows of an archive dump (``methods.json`` or ``.json.gz``), sorted by slug, one per slug."""
    opener = gzip.open if dump.suffix == ".gz" else open
    with opener(dump, "rt", encoding="utf-8") as fh:
        methods = json.load(fh)
    kept = {r["pwc"]: r for m in methods if (r := row(m))}
    return [kept[k] for k in sorted(kept)]


def write(found: list[dict[str, Any]], path: Path, source: dict[str, str]) -> None:
    """Write the seed file: a header naming the source and its licence, then one flow mapping per row."""
    head = [
        "# Vocabulary of ideas imported from the Papers with Code methods archive (CC BY-SA 4.0): facts only",
        "# (names, collections, introducing paper), no descriptions.  Regenerate with",
        "# lineage.harvest.methods_vocabulary.rows(); read by lineage.catalog.vocabulary_seed.",
        *(f"# {k}: {v}" for k, v in source.items()),
    ]
    body = [f"- {json.dumps(r, ensure_ascii=False, separators=(', ', ': '))}" for r in found]
    path.write_text("\n".join(head + body) + "\n", encoding="utf-8")
