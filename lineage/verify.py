"""The verification engine: each claim's status, from all the evidence in the store.

A primary source (the model's own config, card, report, or a measurement) outranks any
number of secondary ones:

- **verified** — a primary source states it (values within tolerance: parameters ±5 %,
  context exact in tokens with K read as 1,024 or 1,000);
- **contradicted** — a primary source gives a different value, or rules it out (a config
  whose attention is GQA/MQA/MHA and has no MLA latent contradicts "uses MLA"; the
  catalog's sourced origin contradicts a different inventor);
- **disputed** — primary sources disagree;
- **reported** — only secondary sources state it (or a measured ratio is off by more than the
  tolerance but less than twice it);
- **unverified** — nothing can check it (scores of unnamed evaluations, prices, models that
  are not in the catalog).

An efficiency ratio ("27 % of V3.2's single-token FLOPs") is checked by measurement whoever states
it, the model's own card included: :func:`lineage.verify_ratios.judge_ratio` computes it from both models'
configs (:mod:`lineage.techniques.ratios`) and compares within a stated tolerance.

Every verdict names its rule in the reason (``[rule] …``) and carries the primary evidence
it used, so ``lineage why`` can show it.  Re-running is idempotent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from pydantic import BaseModel, Field

from lineage.domain import Claim, EntityKind, Evidence, Predicate, SourceKind, Status, clip, human
from lineage.verify_ratios import MEASUREMENT_DOC, RATIO_PREDICATES, judge_ratio, judge_ratios

PARAMETER_TOLERANCE = 0.05
EXCLUSIVE_ATTENTION = {"mla", "gqa", "mqa", "mha"}
UNCHECKABLE = {
    Predicate.BENCHMARK_SCORE: "no primary source states scores of this evaluation",
    Predicate.API_COST_RATIO: "API prices are not stated by any primary source lineage reads",
}


def combine(claims: Iterable[Claim]) -> tuple[Status, str]:
    """One status and a one-line reason for claims that all state the same thing.

    Examples
    --------
    >>> combine([])
    (<Status.UNVERIFIED: 'unverified'>, 'no source states it')
    """
    claims = list(claims)
    if not claims:
        return Status.UNVERIFIED, "no source states it"
    pro = [c for c in claims if c.status is Status.VERIFIED]
    con = [c for c in claims if c.status is Status.CONTRADICTED]
    if pro and con:
        return Status.DISPUTED, f"primary sources disagree: {pro[0].reason} / {con[0].reason}"
    if pro:
        n = len({e.source for c in pro for e in c.evidence if e.source_kind is SourceKind.PRIMARY})
        extra = f" ({n} primary sources)" if n > 1 else ""
        return Status.VERIFIED, pro[0].reason + extra
    if con:
        return Status.CONTRADICTED, con[0].reason
    disputed = [c for c in claims if c.status is Status.DISPUTED]
    if disputed:
        return Status.DISPUTED, disputed[0].reason
    reported = [c for c in claims if c.status is Status.REPORTED]
    if reported:
        return Status.REPORTED, reported[0].reason
    return Status.UNVERIFIED, claims[0].reason


def anachronism(catalog, model: str, technique: str) -> str | None:
    """Why a ``model uses technique`` claim cannot be right in time, or None.

    A model released before the technique first appeared cannot have used it; such a claim is
    never verified, whatever the sentence seemed to say (it is nearly always about a later sibling).
    """
    m, t = catalog.entities.get(model), catalog.entities.get(technique)
    released, first = getattr(m, "released", None), getattr(t, "first_appeared", None)
    if released and first and released[:7] < first[:7]:
        return f"[anachronism] {model} was released {released[:7]}, before {technique} first appeared ({first[:7]})"
    return None


def guard_time(claims, catalog):
    """``uses`` claims that would be verified but are anachronistic become unverified, with the reason."""
    out = []
    for c in claims:
        why = anachronism(catalog, c.subject, c.object) if c.predicate is Predicate.USES and c.object else None
        if why and c.status is Status.VERIFIED:
            c = c.model_copy(update={"status": Status.UNVERIFIED, "reason": clip(f"{why}; {c.reason}", 250)})
        out.append(c)
    return out


def _is_primary(claim) -> bool:
    """A claim its own source makes as a primary source (evidence borrowed by verification does not count)."""
    own = [e for e in claim.evidence if e.source == getattr(claim, "source", e.source)]
    return claim.status in (Status.VERIFIED, Status.CONTRADICTED) and any(
        e.source_kind is SourceKind.PRIMARY for e in own
    )


class PrimaryIndex:
    """Primary claims in the store, by (subject, predicate[, object])."""

    def __init__(self, store, exclude_source: str | None = None):
        self.by_spo: dict[tuple, list] = defaultdict(list)
        self.by_sp: dict[tuple, list] = defaultdict(list)
        for c in store.claims():
            if c.source == exclude_source or not _is_primary(c):
                continue
            self.by_sp[(c.subject, c.predicate)].append(c)
            if c.object is not None:
                self.by_spo[(c.subject, c.predicate, c.object)].append(c)


def _primary_evidence(claims, supports: bool, limit: int = 2) -> list[Evidence]:
    out = []
    for c in claims:
        for e in c.evidence:
            if e.source_kind is SourceKind.PRIMARY:
                out.append(e.model_copy(update={"supports": supports}))
                break
        if len(out) >= limit:
            break
    return out


def judge(claim: Claim, idx: PrimaryIndex, catalog) -> tuple[Status, str, list[Evidence]]:
    """Status, ``[rule] reason`` and the primary evidence used, for one secondary claim."""
    subject = catalog.entities.get(claim.subject)
    p = claim.predicate
    if p in UNCHECKABLE:
        return Status.UNVERIFIED, f"[uncheckable] {UNCHECKABLE[p]}", []
    if p in RATIO_PREDICATES:
        return judge_ratio(claim)
    if claim.qualifiers.get("uncheckable"):  # the extractor knew no primary source could state it
        return Status.UNVERIFIED, clip(f"[uncheckable] {claim.qualifiers['uncheckable']}", 250), []
    if subject is None:
        name = claim.qualifiers.get("name", claim.subject)
        return Status.UNVERIFIED, f'[unknown-id] "{name}" is not in the catalog; nothing to check it against', []

    if p is Predicate.INTRODUCED_BY and subject.kind == EntityKind.TECHNIQUE.value:
        status, reason, _ = _judge_origin(claim, subject, catalog)
        record = [c for c in idx.by_sp.get((claim.subject, Predicate.INTRODUCED_IN), []) if c.status is Status.VERIFIED]
        return status, reason, _primary_evidence(record, status is Status.VERIFIED, 1)

    if claim.object is not None:
        same = idx.by_spo.get((claim.subject, p, claim.object), [])
        pro = [c for c in same if c.status is Status.VERIFIED]
        con = [c for c in same if c.status is Status.CONTRADICTED]
        if pro and con:
            return Status.DISPUTED, clip(f"[primary-disagree] {pro[0].reason} / {con[0].reason}", 250), (
                _primary_evidence(pro, True, 1) + _primary_evidence(con, False, 1)
            )
        if pro:
            return Status.VERIFIED, clip(f"[primary-source] {pro[0].reason}", 250), _primary_evidence(pro, True)
        if con:
            return Status.CONTRADICTED, clip(f"[primary-source] {con[0].reason}", 250), _primary_evidence(con, False)
        if p is Predicate.USES and claim.object in EXCLUSIVE_ATTENTION:
            others = [
                c
                for other in sorted(EXCLUSIVE_ATTENTION - {claim.object})
                for c in idx.by_spo.get((claim.subject, Predicate.USES, other), [])
                if c.status is Status.VERIFIED and c.evidence[0].method.value == "config"
            ]
            if others:
                o = others[0]
                return (
                    Status.CONTRADICTED,
                    clip(f"[config-rules-out] its own config shows {o.object} ({o.evidence[0].snippet}), not {claim.object}", 250),
                    _primary_evidence(others, False, 1),
                )
        return Status.REPORTED, "[secondary-only] no primary source in the store states it", []

    values = idx.by_sp.get((claim.subject, p), [])
    if not values or claim.value is None:
        return Status.REPORTED, "[secondary-only] no primary source in the store states it", []
    if p in (Predicate.TOTAL_PARAMETERS, Predicate.ACTIVE_PARAMETERS):
        return _judge_close(claim, values, PARAMETER_TOLERANCE, "parameters")
    if p is Predicate.CONTEXT_LENGTH:
        return _judge_context(claim, values)
    matches = [c for c in values if str(c.value) == str(claim.value)]
    if matches:
        return Status.VERIFIED, f"[primary-source] {matches[0].reason}", _primary_evidence(matches, True)
    return Status.CONTRADICTED, f"[primary-value] primary sources give {values[0].value}", _primary_evidence(values, False)


def _judge_close(claim, values, tolerance: float, what: str):
    v = float(claim.value)
    close = [c for c in values if abs(float(c.value) - v) <= tolerance * float(c.value)]
    if close:
        return Status.VERIFIED, clip(f"[primary-value] within {tolerance:.0%} of {human(float(close[0].value))} {what}: {close[0].reason}", 250), _primary_evidence(close, True)
    shown = ", ".join(sorted({human(float(c.value)) for c in values}))
    return (
        Status.CONTRADICTED,
        clip(f"[primary-value] {human(v)} {what} is off by more than {tolerance:.0%} from the primary figure {shown}", 250),
        _primary_evidence(values, False),
    )


def _judge_context(claim, values):
    v = int(claim.value)
    readings = {v, v // 1024 * 1000}  # "128K" may mean 131,072 or 128,000 tokens
    exact = [c for c in values if int(c.value) in readings]
    if exact:
        return Status.VERIFIED, clip(f"[primary-value] {exact[0].reason}", 250), _primary_evidence(exact, True)
    if all(min(readings) > int(c.value) for c in values):
        shown = ", ".join(sorted({f"{int(c.value):,}" for c in values}))
        return Status.CONTRADICTED, clip(f"[primary-value] longer than any primary figure ({shown} tokens)", 250), _primary_evidence(values, False)
    return Status.REPORTED, "[primary-bound] within the configured maximum but not stated exactly by a primary source", []


def _judge_origin(claim, technique, catalog):
    record = technique.introduced_in and catalog.entities.get(technique.introduced_in)
    where = f" ({record.name}" + (f", arXiv:{record.arxiv}" if getattr(record, "arxiv", None) else "") + ")" if record else ""
    if claim.object in technique.introduced_by:
        return Status.VERIFIED, clip(f"[catalog-origin] the primary record credits {claim.object}{where}", 250), []
    if not (technique.introduced_by or technique.inventors):
        return Status.REPORTED, "[secondary-only] the catalog has no sourced origin for it", []
    credited = ", ".join([*(catalog.entities[o].name for o in technique.introduced_by), *technique.inventors])
    own_variants = [
        t.id for t in catalog.of_kind(EntityKind.TECHNIQUE) if technique.id in t.variant_of and claim.object in t.introduced_by
    ]
    also = f"; {claim.object} introduced the variant {', '.join(own_variants)}" if own_variants else ""
    return Status.CONTRADICTED, clip(f"[catalog-origin] the primary record credits {credited}{where}{also}", 250), []


def verify_claims(store, catalog, claims: list[Claim], source: str | None = None) -> list[Claim]:
    """Secondary claims with status, reason and primary evidence recomputed from the store."""
    idx = PrimaryIndex(store, exclude_source=source)
    out = []
    for c in claims:
        own = tuple(e for e in c.evidence if e.source_kind is SourceKind.SECONDARY) or c.evidence[:1]
        status, reason, extra = judge(c, idx, catalog)
        out.append(c.model_copy(update={"status": status, "reason": reason, "evidence": own + tuple(extra)}))
    return out


class VerifyReport(BaseModel):
    """What ``lineage verify`` did."""

    sources: int = Field(description="Sources re-checked (secondary ones, and primary ones stating efficiency ratios).")
    claims: int = Field(description="Claims re-checked.")
    by_status: dict[str, int] = Field(description="Claims per status afterwards.")
    changed: int = Field(description="Claims whose status changed.")


def verify(store, catalog) -> VerifyReport:
    """Re-check every claim of every secondary source against the primary sources now in the store,
    and every efficiency ratio (primary sources' too) by measurement."""
    docs = [d for d in store.sources() if d.format in ("article", "card", "report")]
    total, changed, counts, measured, done = 0, 0, defaultdict(int), False, 0
    for doc in docs:
        before = store.claims(source=doc.id)
        plain = [Claim.model_validate(c.model_dump(exclude={"source", "ref"})) for c in before]
        if doc.kind is SourceKind.SECONDARY and doc.format != "report":
            after = verify_claims(store, catalog, plain, source=doc.id)
        elif any(c.predicate in RATIO_PREDICATES for c in plain):
            after = judge_ratios(plain)
        else:
            continue
        done += 1
        measured = measured or any(e.source == MEASUREMENT_DOC.id for c in after for e in c.evidence)
        changed += sum(a.status is not b.status for a, b in zip(after, plain))
        total += len(after)
        for c in after:
            counts[c.status.value] += 1
        store.replace_source(doc, after, store.discovered_entities(doc.id))  # the entities the source introduced stay
    if measured:
        store.replace_source(MEASUREMENT_DOC, [])
    return VerifyReport(sources=done, claims=total, by_status=dict(counts), changed=changed)


SINGLE_VALUED = frozenset({
    Predicate.LAYERS, Predicate.HIDDEN_SIZE, Predicate.CONTEXT_LENGTH, Predicate.ROUTED_EXPERTS,
    Predicate.SHARED_EXPERTS, Predicate.EXPERTS_PER_TOKEN,
})
"""Facts a model has one value of: two primary configs giving different values dispute each other."""

DISAGREE = "[primary-disagree]"


def _config_fact(c) -> bool:
    return (
        c.predicate in SINGLE_VALUED and c.status in (Status.VERIFIED, Status.DISPUTED)
        and c.evidence[0].source_kind is SourceKind.PRIMARY and c.evidence[0].method.value == "config"
    )


def reconcile_primary_values(store, batch: dict[str, list[Claim]]) -> dict[str, list[Claim]]:
    """Dispute single-valued facts on which primary configs disagree; restore them when they agree again.

    ``batch`` maps the source ids about to be written to their claims (changed in place).  Returns
    the other sources in the store whose claims changed, with all their claims, to be rewritten.
    A disputed claim keeps its own evidence first and adds each disagreeing source's evidence
    with ``supports=False``; its reason names every value and source.
    """
    stored = defaultdict(list)
    for c in store.claims():
        if c.source not in batch:
            stored[c.source].append(Claim.model_validate(c.model_dump(exclude={"source", "ref"})))
    every = {**stored, **batch}
    groups: dict[tuple, list[tuple[str, int]]] = defaultdict(list)
    for source, claims in every.items():
        for i, c in enumerate(claims):
            if _config_fact(c):
                groups[(c.subject, c.predicate, tuple(sorted(c.qualifiers.items())))].append((source, i))
    changed: set[str] = set()
    for members in groups.values():
        values = {str(every[s][i].value) for s, i in members}
        for source, i in members:
            c = every[source][i]
            own = tuple(e for e in c.evidence if e.source == source)
            if len(values) > 1:
                others = [(s, every[s][j]) for s, j in members if s != source and str(every[s][j].value) != str(c.value)]
                said = "; ".join(f"{s.rsplit('/', 1)[-1]} gives {o.value}" for s, o in [(source, c), *others[:3]])
                update = {
                    "status": Status.DISPUTED,
                    "reason": clip(f"{DISAGREE} primary configs disagree: {said}", 250),
                    "evidence": own + tuple(o.evidence[0].model_copy(update={"supports": False}) for _, o in others[:3]),
                }
            elif c.status is Status.DISPUTED and c.reason.startswith(DISAGREE):
                update = {"status": Status.VERIFIED, "reason": clip(f"stated in the model's own config: {own[0].snippet}", 200),
                          "evidence": own}
            else:
                continue
            new = c.model_copy(update=update)
            if new != c:
                every[source][i] = new
                changed.add(source)
    return {s: stored[s] for s in changed if s in stored}
