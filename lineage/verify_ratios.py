"""Efficiency ratios checked by measurement: "27 % of V3.2's single-token FLOPs" against the formula.

A ratio claim (:mod:`lineage.ingest.comparisons`) names its baseline model and context length;
:func:`judge_ratio` computes the ratio from both models' own configs with the formulas of
:mod:`lineage.measure` and compares it with the stated one within
:data:`RATIO_TOLERANCE`.  The source's own word does not verify it, even on the model's own card:
the measurement does.
"""

from __future__ import annotations

from lineage.domain import Claim, Evidence, Method, Predicate, SourceDocument, SourceKind, Status, clip, human, utcnow
from lineage.errors import MissingExtra
from lineage.measure import inputs_key, measure_ratio

RATIO_PREDICATES = frozenset({Predicate.INFERENCE_FLOPS_RATIO, Predicate.KV_CACHE_RATIO})
RATIO_TOLERANCE = 0.20
"""Relative tolerance on a stated efficiency ratio.  The source rounds to whole percent (half a
point is 5 % of a 10 % figure), its accounting differs from the formula's (the formulas count
matrix multiplies only: no norms, softmaxes, RoPE, hyper-connections), and the storage precision
of a KV cache is the publisher's choice (each precision is tried; the closest reading is kept).
Off by more than twice the tolerance contradicts; in between stays reported with both numbers."""
MEASUREMENT_DOC = SourceDocument(
    id="measurement:ratios", title="Efficiency ratios computed by lineage from two models' configs",
    kind=SourceKind.PRIMARY, format="measurement", url="lineage/measure.py",
    note="Formulas of lineage/techniques/ on each model's own bundled config; see lineage.verify_ratios.judge_ratio.",
)


def judge_ratio(claim: Claim) -> tuple[Status, str, list[Evidence]]:
    """Status, ``[rule] reason`` and the measurement evidence for one efficiency-ratio claim.

    The measurement evidence names, as its revision, a hash of everything the verdict follows from
    (:func:`judgement_key`); a claim whose measurement carries the key of the inputs as they are now
    keeps its verdict and evidence without measuring again (the formulas import torch: seconds).
    """

    baseline, tokens = claim.qualifiers.get("baseline"), claim.qualifiers.get("context_tokens")
    if not baseline or not tokens:
        return Status.REPORTED, "[no-measurement] the statement names no baseline model or no context length", []
    if claim.value is None:
        return Status.REPORTED, "[no-measurement] the statement states no ratio", []
    stated = float(claim.value)
    key = judgement_key(claim, baseline, int(tokens))
    kept = [e for e in claim.evidence if e.method is Method.MEASUREMENT and e.revision == key]
    if kept and claim.reason.startswith("[measured] "):
        return claim.status, claim.reason, kept[:1]
    try:
        m = measure_ratio(claim.predicate, claim.subject, baseline, int(tokens))
    except MissingExtra as e:
        return Status.REPORTED, clip(f"[no-measurement] {e}", 250), []
    if m is None:
        return Status.REPORTED, f"[no-measurement] no formula in lineage/techniques models both {claim.subject} and {baseline}", []
    best = min(m.readings, key=lambda r: abs(r.ratio - stated))
    off = abs(best.ratio - stated) / stated
    evidence = Evidence(
        source=MEASUREMENT_DOC.id, source_kind=SourceKind.PRIMARY, method=Method.MEASUREMENT, retrieved_at=utcnow(),
        revision=key,
        locator=f"{m.formula}({m.subject_config} | {m.baseline_config}, tokens={m.tokens})",
        snippet=clip("; ".join(f"{r.label}: {human(r.subject)} / {human(r.baseline)} {r.unit} = {r.ratio:.1%}" for r in m.readings)),
        supports=off <= RATIO_TOLERANCE,
    )
    said = (f"stated {stated:.0%}, measured {best.ratio:.1%} ({best.label}) at {m.tokens:,} tokens "
            f"from {m.subject_config} and {m.baseline_config}")
    if off <= RATIO_TOLERANCE:
        return Status.VERIFIED, clip(f"[measured] {said}; within the {RATIO_TOLERANCE:.0%} tolerance", 250), [evidence]
    if off > 2 * RATIO_TOLERANCE:
        return Status.CONTRADICTED, clip(f"[measured] {said}; off by {off:.0%}, over {2 * RATIO_TOLERANCE:.0%}", 250), [evidence]
    return Status.REPORTED, clip(f"[measured] {said}; off by {off:.0%}, beyond the {RATIO_TOLERANCE:.0%} tolerance", 250), [evidence]


def judgement_key(claim: Claim, baseline: str, tokens: int) -> str:
    """``sha256:…`` of a ratio verdict's inputs: the measurement's (:func:`lineage.measure.inputs_key`),
    the stated value and this module's rules."""
    import hashlib
    from pathlib import Path


    assert claim.value is not None  # judge_ratio keys only stated ratios
    digest = hashlib.sha256(inputs_key(claim.predicate, claim.subject, baseline, tokens).encode())
    digest.update(repr(float(claim.value)).encode() + b"\0" + Path(__file__).read_bytes())
    return f"sha256:{digest.hexdigest()}"


def judge_ratios(claims: list[Claim]) -> list[Claim]:
    """Efficiency-ratio claims judged by measurement (their own evidence kept first); other claims unchanged."""
    out = []
    for c in claims:
        if c.predicate in RATIO_PREDICATES:
            status, reason, extra = judge_ratio(c)
            own = tuple(e for e in c.evidence if e.method is not Method.MEASUREMENT)
            c = c.model_copy(update={"status": status, "reason": reason, "evidence": own + tuple(extra)})
        out.append(c)
    return out
