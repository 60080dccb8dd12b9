"""The verification engine: each claim's status, from all the evidence in the store.

A primary source (the model's own config, card, report, or a measurement) outranks any
number of secondary ones:

- **verified** — a primary source states it (values within tolerance: parameters ±5 %,
  context exact in tokens with K read as 1,024 or 1,000, release dates to the month);
- **contradicted** — a primary source gives a different value, or rules it out (a config
  whose attention is GQA/MQA/MHA and has no MLA latent contradicts "uses MLA"; the
  catalog's sourced origin contradicts a different inventor, its sourced developer a different
  developer, its release month a different month);
- **disputed** — primary sources disagree;
- **reported** — only secondary sources state it (or a measured ratio is off by more than the
  tolerance but less than twice it);
- **unverified** — nothing can check it (scores of unnamed evaluations, prices, models that
  are not in the catalog).

An efficiency ratio ("27 % of V3.2's single-token FLOPs") is checked by measurement whoever states
it, the model's own card included: :func:`lineage.verify_ratios.judge_ratio` computes it from both models'
configs (:mod:`lineage.measure`) and compares within a stated tolerance.

Every verdict names its rule in the reason (``[rule] …``) and carries the primary evidence
it used, so ``lineage why`` can show it.  Re-running is idempotent.
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, Field

from lineage.combine import combine  # noqa: F401  (re-exported: the rule lives where read commands load it without pydantic)
from lineage.domain import HARDWARE_PREDICATES, Claim, EntityKind, Evidence, Predicate, SourceKind, Status, clip, human
from lineage.verify_index import PrimaryIndex
from lineage.verify_ratios import MEASUREMENT_DOC, RATIO_PREDICATES, judge_ratio, judge_ratios
from lineage.vocab import CONFIG_METHODS, Method

PARAMETER_TOLERANCE = 0.05
EXCLUSIVE_ATTENTION = {"mla", "gqa", "mqa", "mha"}
UNCHECKABLE = {
    Predicate.BENCHMARK_SCORE: "no primary source states scores of this evaluation",
    Predicate.API_COST_RATIO: "API prices are not stated by any primary source lineage reads",
}


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


def _from_tuned_release(claim: Claim, idx: PrimaryIndex):
    """Parameter counts and context length of ``claim.subject`` as its instruction-tuned release's config states them.

    Instruction tuning keeps every weight shape, so a parameter count carries over and may verify or
    contradict.  It can lengthen the context window, so a context length only verifies on an exact match
    and is otherwise left reported.
    """
    for release in idx.tuned(claim.subject):
        values = idx.sp(release, claim.predicate)
        if not values:
            continue
        if claim.predicate is Predicate.CONTEXT_LENGTH:
            status, reason, ev = _judge_context(claim, values)
            if status is not Status.VERIFIED:
                shown = ", ".join(sorted({f"{int(v.value):,}" for v in values}))
                return Status.REPORTED, f"[variant-bound] its instruction-tuned release {release} configures {shown} tokens", []
        else:
            status, reason, ev = _judge_close(claim, values, PARAMETER_TOLERANCE, "parameters")
        return status, clip(f"{reason.split('] ', 1)[0]}] its instruction-tuned release {release}: {reason.split('] ', 1)[-1]}", 250), ev
    return None


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
    if p in HARDWARE_PREDICATES:
        found = judge_hardware(claim, idx, catalog)
        if found is not None:
            return found
    if subject is None:
        name = claim.qualifiers.get("name", claim.subject)
        return Status.UNVERIFIED, f'[unknown-id] "{name}" is not in the catalog; nothing to check it against', []

    if p is Predicate.INTRODUCED_BY and subject.kind == EntityKind.TECHNIQUE.value:
        status, reason, _ = _judge_origin(claim, subject, catalog)
        record = [c for c in idx.sp(claim.subject, Predicate.INTRODUCED_IN) if c.status is Status.VERIFIED]
        return status, reason, _primary_evidence(record, status is Status.VERIFIED, 1)

    if claim.object is not None:
        same = idx.spo(claim.subject, p, claim.object)
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
                for c in idx.spo(claim.subject, Predicate.USES, other)
                if c.status is Status.VERIFIED and c.evidence[0].method in CONFIG_METHODS
            ]
            if others:
                o = others[0]
                return (
                    Status.CONTRADICTED,
                    clip(f"[config-rules-out] its own config shows {o.object} ({o.evidence[0].snippet}), not {claim.object}", 250),
                    _primary_evidence(others, False, 1),
                )
        if p is Predicate.DEVELOPED_BY:
            makers = [c for c in idx.sp(claim.subject, p) if c.status is Status.VERIFIED]
            if makers:
                credited = ", ".join(sorted({c.object for c in makers}))
                return Status.CONTRADICTED, clip(f"[primary-source] the primary record credits {credited}", 250), _primary_evidence(makers, False, 1)
        return Status.REPORTED, "[secondary-only] no primary source in the store states it", []

    values = idx.sp(claim.subject, p)
    if not values and claim.value is not None and p in (Predicate.TOTAL_PARAMETERS, Predicate.ACTIVE_PARAMETERS,
                                                        Predicate.CONTEXT_LENGTH):
        judged = _from_tuned_release(claim, idx)
        if judged is not None:
            return judged
    if not values or claim.value is None:
        return Status.REPORTED, "[secondary-only] no primary source in the store states it", []
    if p in (Predicate.TOTAL_PARAMETERS, Predicate.ACTIVE_PARAMETERS):
        return _judge_close(claim, values, PARAMETER_TOLERANCE, "parameters")
    if p is Predicate.CONTEXT_LENGTH:
        return _judge_context(claim, values)
    if p is Predicate.RELEASED:
        return _judge_month(claim, values)
    matches = [c for c in values if str(c.value) == str(claim.value)]
    if matches:
        return Status.VERIFIED, f"[primary-source] {matches[0].reason}", _primary_evidence(matches, True)
    return Status.CONTRADICTED, f"[primary-value] primary sources give {values[0].value}", _primary_evidence(values, False)


RUNS_ON = (Predicate.TRAINED_ON, Predicate.SERVED_ON, Predicate.SUPPORTS_HARDWARE)
"""What a lab's or a group's hardware path is made of: a sentence about labs does not tell training from serving."""


def judge_hardware(claim: Claim, idx: PrimaryIndex, catalog) -> tuple[Status, str, list[Evidence]] | None:
    """A hardware claim about a lab, a country's labs or a class of devices, checked through its members.

    The subject stands for its models (a lab: the models it publishes; a group with a ``country``
    qualifier: the models of that country's labs), the object for itself and every device that
    points at it (``broader``: Ascend 910B -> Ascend -> Chinese accelerators).  A primary claim
    tying one such model to one such device verifies it (for labs and groups, training, serving
    and stated support all count).  None for a model and a single device: the plain rules apply.
    """
    subject = catalog.entities.get(claim.subject)
    devices = _members(catalog, claim.object)
    if subject is not None and subject.kind == EntityKind.MODEL.value:
        if len(devices) == 1 or idx.spo(subject.id, claim.predicate, claim.object):
            return None  # a single device, or the device itself stated: the plain rules
        models, what = [subject.id], subject.id
    elif subject is not None and subject.kind == EntityKind.ORGANIZATION.value:
        models, what = [m.id for m in catalog.of_kind(EntityKind.MODEL) if m.organization == subject.id], f"a {subject.name} model"
    elif subject is None and claim.qualifiers.get("country"):
        country = claim.qualifiers["country"]
        labs = {o.id for o in catalog.of_kind(EntityKind.ORGANIZATION) if o.country == country}
        models, what = [m.id for m in catalog.of_kind(EntityKind.MODEL) if m.organization in labs], f"a model of a {country} lab"
    else:
        return None
    predicates = RUNS_ON if claim.predicate in RUNS_ON and what != claim.subject else (claim.predicate,)
    naming = {d: idx.naming(d) for d in devices}  # read by device: a lab or a country has many models
    pro = [c for m in models for q in predicates for d in devices
           for c in naming[d] if c.subject == m and c.predicate is q and c.status is Status.VERIFIED]
    if pro:
        c = pro[0]
        return (Status.VERIFIED, clip(f"[primary-member] {c.subject} {c.predicate.value} {c.object}: {c.reason}", 250),
                _primary_evidence(pro, True))
    scope = claim.object if len(devices) == 1 else f"{claim.object} or a device in it"
    return Status.REPORTED, clip(f"[secondary-only] no primary source in the store ties {what} to {scope}", 250), []


def _members(catalog, device: str | None) -> list[str]:
    """The device and every catalog device that points at it through ``broader``, transitively."""
    found = [device] if device else []
    for d in found:
        found += [h.id for h in catalog.of_kind(EntityKind.HARDWARE) if d in h.broader and h.id not in found]
    return found


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


def _judge_month(claim, values):
    """A release date against the primary one, at month precision (a year alone checks nothing)."""
    stated = str(claim.value)[:7]
    months = [c for c in values if len(str(c.value)) >= 7]
    same = [c for c in months if str(c.value)[:7] == stated]
    if same:
        return Status.VERIFIED, clip(f"[primary-value] released {stated}: {same[0].reason}", 250), _primary_evidence(same, True)
    if months and len(stated) == 7:
        shown = ", ".join(sorted({str(c.value)[:7] for c in months}))
        return Status.CONTRADICTED, clip(f"[primary-value] the primary record gives {shown}, not {stated}", 250), _primary_evidence(months, False)
    return Status.REPORTED, "[primary-bound] no primary source states the month", []


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


def verify_claims(store, catalog, claims: list[Claim], source: str | None = None,
                  index: PrimaryIndex | None = None) -> list[Claim]:
    """Secondary claims with status, reason and primary evidence recomputed from the store.

    ``source``'s own claims in the store are not evidence for them; ``index`` is the run's
    :class:`~lineage.verify_index.PrimaryIndex` when several sources are checked (read once for all).
    """
    idx = (index or PrimaryIndex(store)).without(source)
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
    written: int = Field(0, description="Sources rewritten: those with a claim whose status, reason or evidence changed.")


def verify(store, catalog) -> VerifyReport:
    """Re-check every claim of every secondary source against the primary sources now in the store,
    and every efficiency ratio (primary sources' too) by measurement.

    The primary claims are read once for the whole run (:class:`~lineage.verify_index.PrimaryIndex`);
    the sources whose claims changed are written in one transaction, the others are left as they are.
    """
    sources = store.sources()
    stating_ratios = store.sources_stating(RATIO_PREDICATES)
    index = PrimaryIndex(store)
    counts: defaultdict[str, int] = defaultdict(int)
    total, changed, measured, done = 0, 0, False, 0
    writes = []
    for doc in sources:
        if doc.format not in ("article", "card", "report"):
            continue
        secondary = doc.kind is SourceKind.SECONDARY and doc.format != "report"
        if not secondary and doc.id not in stating_ratios:
            continue
        plain = [Claim.model_validate(c.model_dump(exclude={"source", "ref"})) for c in store.claims(source=doc.id)]
        after = verify_claims(store, catalog, plain, doc.id, index) if secondary else judge_ratios(plain)
        done += 1
        measured = measured or any(e.source == MEASUREMENT_DOC.id for c in after for e in c.evidence)
        changed += sum(a.status is not b.status for a, b in zip(after, plain))
        total += len(after)
        for c in after:
            counts[c.status.value] += 1
        if any(_content(a) != _content(b) for a, b in zip(after, plain)):
            writes.append((doc, after, store.discovered_entities(doc.id)))  # the entities the source introduced stay
    stored_measurement = next((d for d in sources if d.id == MEASUREMENT_DOC.id), None)
    if measured and (stored_measurement is None or stored_measurement.model_dump() != MEASUREMENT_DOC.model_dump()):
        writes.append((MEASUREMENT_DOC, [], ()))
    if writes:
        store.replace_sources(writes)
    return VerifyReport(sources=done, claims=total, by_status=dict(counts), changed=changed,
                        written=len([d for d, _, _ in writes if d.id != MEASUREMENT_DOC.id]))


def _content(claim: Claim) -> tuple:
    """What verify decides of a claim: status, reason and evidence in any order (the store keeps it by locator),
    less the time a measurement was taken (taken anew on every run)."""
    evidence = sorted(e.model_dump_json(exclude={"retrieved_at"} if e.method is Method.MEASUREMENT else None)
                      for e in claim.evidence)
    return claim.status, claim.reason, evidence


SINGLE_VALUED = frozenset({
    Predicate.LAYERS, Predicate.HIDDEN_SIZE, Predicate.CONTEXT_LENGTH, Predicate.ROUTED_EXPERTS,
    Predicate.SHARED_EXPERTS, Predicate.EXPERTS_PER_TOKEN,
})
"""Facts a model has one value of: two primary configs giving different values dispute each other."""

DISAGREE = "[primary-disagree]"


def _config_fact(c) -> bool:
    return (
        c.predicate in SINGLE_VALUED and c.status in (Status.VERIFIED, Status.DISPUTED)
        and c.evidence[0].source_kind is SourceKind.PRIMARY and c.evidence[0].method in CONFIG_METHODS
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
