"""Hardware in prose: which accelerators a document's own model was trained, served, supported or optimized on.

Every sentence that names an accelerator (a catalog alias, an inference stack built for one
device line such as MindIE, or an unknown ``NVIDIA L20``-style device, discovered) is read with
the same own-model rules as technique adoption (:mod:`lineage.ingest.adoption_rules`):

- the clause naming the device must also name the document's own subject ("we", "our", the
  model's name); other models, comparisons, baselines, prior work, examples ("like H800"),
  hypotheticals ("assuming the price of …") and plans say nothing about the model's hardware;
- the role comes from the clause's wording: training or a training cluster (``trainedOn``, with
  the device count when stated), the developers' own deployment or service (``servedOn``),
  support for running it there (``supportsHardware``), kernels or number formats built for
  it (``optimizedFor``).

A model's own card is about its model, so an instruction in a card ("For deployment on Ascend
NPUs, see …") counts without naming it; a report's sentence must name it or say "we".
The rules are general; there are no per-document cases.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from lineage.catalog import Catalog
from lineage.domain import EntityKind, Hardware, Predicate, SourceRef
from lineage.ingest.adoption_rules import CLAUSE_BREAK, FUTURE, TRIAL, is_noise, without_parentheses
from lineage.ingest.discovery import slug
from lineage.ingest.text import Sentence, alias_patterns, candidates

STACKS = {
    # inference stacks that exist for one device line only (each cited in seeds/hardware.yaml's huawei-ascend)
    "MindIE": "huawei-ascend",  # https://www.hiascend.com/en/software/mindie
    "vLLM-Ascend": "huawei-ascend",  # https://github.com/vllm-project/vllm-ascend
    "torch_npu": "huawei-ascend",  # https://github.com/Ascend/pytorch
}
VENDOR_WORDS = {"nvidia": "nvidia", "huawei": "huawei", "amd": "amd", "google": "google"}
"""Vendor names that, written before an unknown device name, make it a discoverable device."""

NATIVE_NAMES = {"昇腾": "huawei-ascend"}
"""Device-line names in other scripts (the catalog's ids and aliases are ASCII): 昇腾 is Ascend's
Chinese name on https://www.hiascend.com/zh/."""
STACK = re.compile(r"(?<![\w-])(" + "|".join(re.escape(s) for s in STACKS) + r")(?![\w-])", re.I)
_NATIVE = re.compile("|".join(re.escape(n) for n in NATIVE_NAMES))
_UNKNOWN = re.compile(
    r"(?<![\w-])(?P<vendor>NVIDIA|Nvidia|Huawei|AMD)\s+(?P<name>(?:[A-Z]{1,3}\d{2,4}[A-Z]?|Ascend\s+\d{3}[A-Z]?|"
    r"Instinct\s+MI\d{3}[A-Z]?))(?:\s+(?:GPUs?|NPUs?|accelerators?|chips?))"
)
_COUNT = r"(\d{1,3}(?:,\d{3})+|\d{1,3}(?:,\d{3})*|\d{2,6})\s*(?:×|x|\*)?\s*(?:NVIDIA\s+|Nvidia\s+|Huawei\s+)?(?:{hw})"
_NOT_OWN = re.compile(
    r"\b(?:compar\w*|baselines?|prior|previous|than|versus|vs\.?|unlike|outperform\w*|surpass\w*|"
    r"each model|other models|e\.g\.|for example|for instance|such as|like|assum\w*|hypothetic\w*|theoretical\w*|"
    r"estimat\w*|would|could|might|if|rental|price|observe\w*|report(?:s|ed)?|experiment)\b",
    re.I,
)
"""Words that make a clause about other hardware, hypothetical hardware or one measurement ("the
experiment is conducted on …"), not the model's own."""
_HEADING = re.compile(r"\s\d{1,2}(?:\.\d{1,2}){1,3}\s+(?=[A-Z])")
"""A section number inside a sentence: the splitter glued a heading on, and it ends the clause."""
_TRAIN = re.compile(r"\b(?:train\w*|pre-?train\w*)\b|训练", re.I)
_CLUSTER = re.compile(r"\bcluster\b", re.I)
_SERVE = re.compile(r"\b(?:we|our)\b[^.;]{0,40}\b(?:deploy\w*|serv(?:e|es|ed|ing)|service)\b|\bservice\s+deployed\b", re.I)
_SUPPORT = re.compile(
    r"\b(?:support\w*|run(?:s|ning)?|deploy\w*|inference|adapt\w*|compatib\w*|serv(?:e|es|ed|ing))\b|部署|推理|支持|适配",
    re.I,
)
_OPTIMIZE = re.compile(r"\b(?:optimi[sz]ed\s+for|kernels?\s+for|tailored\s+(?:to|for)|built\s+for|native\s+to)\b", re.I)
_CONTEXT = re.compile(r"\b(?:deploy\w*|inference|serving)\b|部署|推理", re.I)


@dataclass
class HardwareFact:
    """One stated tie between a model and a device, with the sentence that states it."""

    model: str
    predicate: Predicate
    device: str
    qualifiers: dict[str, str]
    sentence: Sentence


def discover(sentences: list[Sentence], catalog: Catalog, source: str, url: str) -> list[Hardware]:
    """Devices a document names with their vendor ("8 NVIDIA L20 GPUs") that no catalog entry covers.

    Examples
    --------
    >>> from lineage.catalog import Catalog
    >>> found = discover([Sentence(1, 0, "We train it on 64 NVIDIA Q900 GPUs.")], Catalog.load(), "report:x", "urn:x")
    >>> [(h.id, h.vendor, h.curation) for h in found]
    [('nvidia-q900', 'nvidia', 'discovered')]
    """
    known = alias_patterns(catalog, EntityKind.HARDWARE)
    out: dict[str, Hardware] = {}
    for s in sentences:
        for m in _UNKNOWN.finditer(s.text):
            name = " ".join(m.group("name").split())
            if any(p.search(name) for _, p in candidates(known, name)):
                continue
            vendor = VENDOR_WORDS[m.group("vendor").lower()]
            hid = slug(f"{vendor} {name}")
            if hid and hid not in catalog and hid not in out:
                out[hid] = Hardware(
                    id=hid, name=f"{m.group('vendor')} {name}", aliases=(name,), vendor=vendor,
                    sources=(SourceRef(url=url, note=f"named in {source}, page/line {s.page}"),),
                    curation="discovered", discovered_in=source,
                )
    return list(out.values())


def _clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause, split where adoption splits clauses."""
    breaks = [*CLAUSE_BREAK.finditer(text), *_HEADING.finditer(text)]
    cuts = sorted({0, *(m.end() for m in breaks), len(text)})
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def _model_in(clause: str, names: dict[str, list[str]], others: re.Pattern | None, implicit: bool,
              at: int | None = None) -> list[str]:
    """Own models the clause is about: the ones it names; else all of them for 'we'/'our', or a
    card's own model; none when the clause names another model instead, or names another model
    between the own model and the device at ``at`` ("Zeta-9 matches what Other-7B reached on …")."""
    last = {
        mid: max((m.start() for a in aliases if a
                  for m in re.finditer(rf"(?<![\w-]){re.escape(a)}(?![\w-])", clause, re.I)), default=-1)
        for mid, aliases in names.items()
    }
    named = [mid for mid, pos in last.items() if pos >= 0]
    if named and others is not None and at is not None:
        own = max((pos for pos in last.values() if 0 <= pos < at), default=-1)
        other = max((m.start() for m in others.finditer(clause[:at])), default=-1)
        if other > own:
            return []
    if named:
        return named
    if others is not None and others.search(clause):
        return []
    if re.search(r"\b(?:we|our)\b", clause, re.I):  # "we conduct all experiments on …": every own model
        return list(names)
    return list(names)[:1] if implicit and names else []


def _role(clause: str, implicit: bool, context: str) -> Predicate | None:
    if _TRAIN.search(clause):
        return Predicate.TRAINED_ON
    if _SERVE.search(clause):
        return Predicate.SERVED_ON
    if _CLUSTER.search(clause):  # "we conduct all experiments on a cluster of …": the lab's training cluster
        return Predicate.TRAINED_ON
    if _OPTIMIZE.search(clause):
        return Predicate.OPTIMIZED_FOR
    if _SUPPORT.search(clause) or (implicit and _CONTEXT.search(context)):
        return Predicate.SUPPORTS_HARDWARE
    return None


def extract(
    sentences: list[Sentence], names: dict[str, list[str]], catalog: Catalog, card: bool = False,
    context: dict[int, str] | None = None, other_names: Sequence[str] = (),
) -> list[HardwareFact]:
    """Hardware facts about the given own models (model id -> names it goes by).

    ``card``: the document is the model's own card, so instructions count without naming it;
    ``context``: for cards, the text around each line (page number), read for a deployment cue
    when the line itself has none (a bullet under "Deployment").
    """
    patterns = alias_patterns(catalog, EntityKind.HARDWARE)
    others = None
    if other_names:
        alts = "|".join(re.escape(n) for n in sorted(other_names, key=len, reverse=True))
        others = re.compile(rf"(?<![\w-])(?:{alts})(?![\w-])")
    out: dict[tuple, HardwareFact] = {}
    for s in sentences:
        if is_noise(s.text) or FUTURE.search(s.text):
            continue
        text = without_parentheses(s.text)
        hits = [(m.start(), m.end(), hid) for hid, p in candidates(patterns, text) for m in p.finditer(text)]
        hits += [(m.start(), m.end(), STACKS[canonical(m.group(1))]) for m in STACK.finditer(text)]
        hits += [(m.start(), m.end(), NATIVE_NAMES[m.group(0)]) for m in _NATIVE.finditer(text)]
        for start, end, hid in sorted(hits):
            a, b = next((a, b) for a, b in _clauses(text) if a <= start < b)
            clause = text[a:b]
            before = text[max(a, start - 12):start]
            if _NOT_OWN.search(clause) or TRIAL.search(clause) or re.search(r"\b(?:like|than|as)\s*$", before, re.I):
                continue
            models = _model_in(clause, names, others, card, start - a)
            role = _role(clause, card, (context or {}).get(s.page, "")) if models else None
            if role is None:
                continue
            q: dict[str, str] = {}
            count = re.search(_COUNT.replace("{hw}", re.escape(text[start:end])), clause)
            if count and role is Predicate.TRAINED_ON:
                q["count"] = count.group(1).replace(",", "")
            for stack in STACK.finditer(clause):
                q["via"] = canonical(stack.group(1))
            for model in models:
                key = (model, role, hid)
                if key not in out or (q and not out[key].qualifiers):
                    out[key] = HardwareFact(model, role, hid, q, s)
    return list(out.values())


def canonical(stack: str) -> str:
    return next(k for k in STACKS if k.lower() == stack.lower())


def line_context(lines: list[str], reach: int = 3) -> dict[int, str]:
    """For a card's text lines (numbered from 1): the lines around each one, where a bullet under a
    "Deployment" heading finds its cue."""
    return {i: " ".join(lines[max(0, i - 1 - reach): i + reach]) for i in range(1, len(lines) + 1)}
