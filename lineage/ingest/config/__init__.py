"""Config ingestion: techniques, shapes and parameter counts read from model configs.

Reads Hugging Face ``config.json`` files (a multimodal wrapper's ``text_config``
too) and DeepSeek's inference-format configs (``dim``, ``n_layers`` …).  Every
finding becomes a claim whose evidence is the ``key = value`` it was read from.

A config only shows what a checkpoint *is*.  It cannot show how the model was
trained (optimizer, RL method, FP8 training): those claims come from reports.

Modules: ``read`` (parsing and typed access), ``detect`` (technique rules), ``params`` and
``counting`` (total and active parameters); this module turns findings into claims and ingests.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from lineage.catalog.config_sources import ConfigSource, bundled_configs
from lineage.catalog.resolver import Resolver, known_only_by_name
from lineage.combine import NO_SOURCE
from lineage.configfile.read import read_config
from lineage.domain import (
    ID_PATTERN,
    Claim,
    Draft,
    EntityKind,
    Evidence,
    Method,
    Predicate,
    Role,
    SourceDocument,
    SourceKind,
    Status,
    clip,
    utcnow,
)
from lineage.errors import SourceFormatError, UnsupportedLayout
from lineage.ingest.config.derivative import base_name, instruct_base, publisher_owns, signs
from lineage.ingest.config.derived import derivative_entities, derived_from
from lineage.ingest.config.detect import Finding, findings_for
from lineage.ingest.config.meta_device import ModuleReading
from lineage.ingest.config.params import count_parameters
from lineage.ingest.config.readers import merge, module_reading
from lineage.ingest.discovery import discovered_model, discovered_organization, resolve_organization
from lineage.ingest.identity import check_batch, check_identity, prepared_afresh
from lineage.ingest.months import RecordedMonth, month_claim, unknown_month
from lineage.verify import reconcile_primary_values
from lineage.verify_draft import settle


class ParameterSummary(BaseModel):
    """Computed counts, or why none could be computed."""

    total: int | None = Field(None, description="Total parameters excluding MTP modules.")
    active: int | None = Field(None, description="Parameters active per token.")
    mtp: int | None = Field(None, description="Parameters of MTP modules, reported separately.")
    mtp_estimated: bool = Field(False, description="The MTP count is an estimate (layout not in the config).")
    layout: str | None = Field(None, description="Layout the count used.")
    unsupported: str | None = Field(None, description="Why the layout could not be counted.")
    method: Method = Field(Method.CONFIG, description="Reader that counted: key rules (config) or transformers' modules.")
    tied: bool | None = Field(None, description="Input embedding and output head share one table (module reading).")


class ConfigReport(BaseModel):
    """Result of ingesting one config."""

    source: str = Field(description="Source document id.")
    model: str = Field(description="Model id.")
    status: Status = Field(description="Status given to the config's claims.")
    techniques: list[str] = Field(description="Technique ids found.")
    claims: int = Field(description="Number of claims written.")
    parameters: ParameterSummary = Field(description="Computed parameter counts.")
    skipped: list[str] = Field(default_factory=list, description="Findings not claimed, with the reason.")
    discovered: bool = Field(False, description="The model was discovered from the source, not found in the catalog.")
    unrecognised: list[str] = Field(default_factory=list, description="Architecture keys the detector does not know.")
    disputed: list[str] = Field(default_factory=list, description="Facts another primary config gives differently.")
    replaced: str | None = Field(None, description="Revision of a different document stored under this id, replaced.")
    reader: str = Field("key rules", description="Which reader read the config: transformers' modules, or key rules and why.")


def _owner(repo: str | None) -> str | None:
    return repo.split("/")[0] if repo else None


def source_id(src: ConfigSource) -> str:
    """The source id of one config file: its model and file name."""
    return f"config:{src.model}/{src.file}"


def source_document(src: ConfigSource, digest: str) -> SourceDocument:
    """The SourceDocument for one config file."""
    title = f"{src.repo or src.model} config ({src.file})"
    return SourceDocument(
        id=source_id(src),
        title=title,
        kind=src.kind,
        format="config",
        url=src.url,
        revision=src.commit or f"sha256:{digest}",
        publisher=_owner(src.copied_from if src.kind is SourceKind.SECONDARY and not src.derivative else src.repo),
        about=src.model,
        note=src.note,
    )


def claims_for(
    findings: list[Finding], doc: SourceDocument, params: ParameterSummary, derivative: bool
) -> tuple[list[Claim], list[str]]:
    """Turn findings into claims with status and evidence; also return what was skipped and why."""
    now = utcnow()
    primary = doc.kind is SourceKind.PRIMARY
    who = doc.publisher or "a third party"
    claims, skipped = [], []

    def evidence(locator: str, snippet: str, method: Method = Method.CONFIG) -> Evidence:
        return Evidence(
            source=doc.id,
            revision=doc.revision,
            source_kind=doc.kind,
            locator=locator,
            snippet=snippet,
            method=method,
            retrieved_at=now,
        )

    file = doc.id.rsplit("/", 1)[-1]
    for f in findings:
        if f.describes_checkpoint and derivative:
            skipped.append(f"{f.object}: {f.snippet} describes the derivative's own encoding, not {doc.about}")
            continue
        if primary and derivative:
            reason = f"architecture key kept unchanged in {who}'s quantized derivative: {f.snippet}"
        elif primary:
            reason = f"stated in the model's own config: {f.snippet}"
        else:
            kind = f"{who}'s derivative" if derivative else f"a third-party copy by {who}"
            reason = f"read from {kind}, not the publisher's own config"
        if f.describes_checkpoint and primary:
            reason = f"released checkpoint is stored this way per its config: {f.snippet}"
        claims.append(
            settle(Draft(
                subject=doc.about,
                predicate=f.predicate,
                object=f.object,
                value=f.value,
                unit=f.unit,
                qualifiers=f.qualifiers,
                primary=primary,
                reason=clip(reason, 200),
                evidence=(evidence(_locator(file, f), f.snippet, f.method),),
            ))
        )
    if params.total is not None:
        for pred, value in (
            (Predicate.TOTAL_PARAMETERS, params.total),
            (Predicate.ACTIVE_PARAMETERS, params.active),
            (Predicate.MTP_PARAMETERS, params.mtp),
        ):
            if value is None or (pred is Predicate.MTP_PARAMETERS and value == 0):
                continue
            if pred is Predicate.MTP_PARAMETERS and params.mtp_estimated:
                skipped.append(f"mtpParameters: ~{value:,} is an estimate (the config does not describe the modules)")
                continue
            reason = (f"counted from the modules of {params.layout}" if params.method is Method.META_DEVICE
                      else f"computed by lineage from the config's shapes (layout {params.layout})")
            if not primary:
                reason += f"; config from {who}, not the publisher"
            claims.append(
                settle(Draft(
                    subject=doc.about,
                    predicate=pred,
                    value=value,
                    unit="parameters",
                    qualifiers={"method": "computed"} | (
                        {"embeddings": "tied" if params.tied else "untied"} if params.tied is not None else {}),
                    primary=primary,
                    reason=reason,
                    evidence=(
                        evidence(
                            f"{file} (whole file; layout {params.layout})",
                            clip(f"{pred.value} = {value:,} computed from the shapes in {file}"),
                            params.method if pred is not Predicate.MTP_PARAMETERS else Method.CONFIG,
                        ),
                    ),
                ))
            )
    return claims, skipped


def count(cfg: dict[str, Any], reading: ModuleReading | str | None = None) -> ParameterSummary:
    """Parameter counts from transformers' modules when ``reading`` has them, else by key rules
    (:mod:`lineage.ingest.config.params`), or the reason there are none.  MTP modules, which
    transformers does not build, are always counted by key rules."""
    try:
        pc = count_parameters(cfg)
    except UnsupportedLayout as exc:
        pc, why = None, str(exc)
    if isinstance(reading, ModuleReading):
        return ParameterSummary(
            total=reading.total, active=reading.active, mtp=pc.mtp if pc else None,
            mtp_estimated=pc.mtp_estimated if pc else False, method=Method.META_DEVICE, tied=reading.tied,
            layout=f"{reading.model_class}, {reading.library}, meta device",
        )
    if pc is None:
        return ParameterSummary(unsupported=why)
    return ParameterSummary(
        total=pc.total, active=pc.active, mtp=pc.mtp, mtp_estimated=pc.mtp_estimated, layout=pc.layout
    )


def _locator(file: str, f: Finding) -> str:
    """``file#/key/path`` of a key-rule finding; a module reading adds the module path it was seen in."""
    keys = f"{file}#/" + ",".join(f.keys).replace(".", "/")
    return f"{keys} (module {f.module})" if f.module else keys


@dataclass
class PreparedConfig:
    """A parsed, analysed config ready to be written in one transaction."""

    doc: SourceDocument
    claims: list[Claim]
    report: ConfigReport
    source: ConfigSource | None = None


def prepare(path: Path, src: ConfigSource, catalog=None) -> PreparedConfig:
    """Read, validate and analyse one config file without touching the store (``catalog`` names a copy's model)."""
    cfg, raw = read_config(path)
    digest = hashlib.sha256(raw).hexdigest()
    if src.sha256 and src.sha256 != digest:
        raise SourceFormatError(
            f'config "{path}" does not match the sha256 recorded for it ({src.sha256[:12]}…); '
            "was the bundled copy edited?"
        )
    reading = module_reading(cfg)
    known = reading.known_keys if isinstance(reading, ModuleReading) else frozenset()
    findings = merge(findings_for(cfg, path.name, known), reading, cfg)
    doc = source_document(src, digest)
    params = count(cfg, reading)
    claims, skipped = claims_for(findings, doc, params, src.derivative)
    claims += _variant_of(src, doc)
    if src.derivative and src.repo:
        claims.append(derived_from(src.repo, src.model, doc, signs(src.repo, cfg, path), catalog))
    techniques = sorted({c.object for c in claims if c.predicate is Predicate.USES and c.object})
    report = ConfigReport(
        source=doc.id,
        model=src.model,
        status=claims[0].status if claims else NO_SOURCE,
        techniques=techniques,
        claims=len(claims),
        parameters=params,
        skipped=skipped,
        discovered=src.discovered,
        unrecognised=[str(c.value) for c in claims if c.predicate is Predicate.UNRECOGNISED_CONFIG_KEY],
        reader=(f"transformers' modules ({reading.model_class}, {reading.library}, meta device)"
                if isinstance(reading, ModuleReading) else f"key rules: {reading}"),
    )
    return PreparedConfig(doc=doc, claims=claims, report=report, source=src)


def discovered_model_id(repo: str, catalog) -> str:
    """A model id for a Hugging Face repo the catalog lacks: the repo name in lowercase kebab-case.

    ``Qwen/Qwen3.6-27B`` -> ``qwen3.6-27b``.  When that id already names a catalog entity (whose
    repo is a different one, or the catalog would have matched it), the owner is prefixed
    (``someone/DeepSeek-V3`` -> ``someone-deepseek-v3``) so a claim never lands on a neighbour.
    Kept in one function for the entity resolver (``lineage/catalog/resolver.py``) to replace.

    Examples
    --------
    >>> discovered_model_id("Qwen/Qwen3.6-27B", {})
    'qwen3.6-27b'
    >>> discovered_model_id("nvidia/Llama-3_3-Nemotron-Super-49B-v1", {})
    'llama-3-3-nemotron-super-49b-v1'
    >>> discovered_model_id("someone/DeepSeek-V3", {"deepseek-v3": None})
    'someone-deepseek-v3'
    """
    import re

    def kebab(text: str) -> str:
        return re.sub(r"[-.]*[^a-z0-9.]+[-.]*", "-", text.lower()).strip("-.")[:80].strip("-.")

    owner, _, name = repo.rpartition("/")
    ident = kebab(name)
    if ident in catalog and owner:
        ident = kebab(f"{owner}-{name}")
    return ident


def _repo_named_by(path: Path, cfg: dict[str, Any]) -> tuple[str, str] | None:
    """``(repo, where)``: the repo an ``org__name`` file or folder name, else ``_name_or_path``, names."""
    import re

    for candidate in (path.parent.name, path.stem):
        if "__" in candidate:
            return candidate.replace("__", "/", 1), f"the path {candidate!r}"
    named = cfg.get("_name_or_path")
    if isinstance(named, str) and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*", named):
        return named, f"_name_or_path {named!r}"
    return None


def identify(path: Path, catalog, model: str | None) -> ConfigSource:
    """Provenance for a config given on the command line.

    A file whose bytes match a bundled source inherits that source's provenance;
    otherwise the model comes from ``--model``, or from the Hugging Face repo an ``org__name``
    folder or file name (else the config's ``_name_or_path``) names: the catalog's model for
    that repo, or a *discovered* model (:func:`discovered_model_id`) when the catalog lacks it.
    ``--model`` must still name a catalog model (``catalog.resolve`` below refuses others).
    """

    cfg, raw = read_config(path)
    digest = hashlib.sha256(raw).hexdigest()
    known = {s.sha256: s for s in bundled_configs()}
    if model is not None:
        model_id = Resolver(catalog).model(model) or (model if model in catalog else None)
        if model_id is None:  # a new id creates the model; a near miss never maps to a neighbour
            if not re.fullmatch(ID_PATTERN, model) or len(model) > 80:
                raise SourceFormatError(
                    f'--model "{model}" is not a model id: use lowercase letters, digits, "-" and "." '
                    "(a new id creates the model), or see 'lineage ls models'"
                )
            return ConfigSource(file=path.name, model=model, sha256=None, kind=SourceKind.PRIMARY, discovered=True,
                                note=f"ingested from local file {path.name}; a new model named by the user (--model)")
        if catalog.get(model_id).kind != EntityKind.MODEL.value:
            raise SourceFormatError(f'--model "{model}" names a {catalog.get(model_id).kind}, not a model')
        if digest in known and known[digest].model == model_id:
            return known[digest]
        return ConfigSource(file=path.name, model=model_id, sha256=None, kind=SourceKind.PRIMARY,
                            note=f"ingested from local file {path.name}; provenance given by the user (--model)")
    if digest in known:
        return known[digest]
    named = _repo_named_by(path, cfg)
    if named is None:
        raise SourceFormatError(
            f'cannot tell which model "{path}" describes: no org__name file or folder name and no '
            "_name_or_path. Pass --model ID (see 'lineage ls models')."
        )
    repo, where = named
    if not all(re.search(r"[A-Za-z0-9]", part) for part in repo.split("/", 1)) or not discovered_model_id(repo, catalog):
        raise SourceFormatError(
            f"{where} names no model lineage can give an id: the org and the name (org__name) each need a letter "
            "a-z or a digit. Rename the file, or pass --model ID (see 'lineage ls models')."
        )
    derived = _as_derivative(repo, where, cfg, catalog, path)
    if derived is not None:
        return derived
    m = catalog.model_by_repo(repo) or catalog.entities.get(Resolver(catalog).model(repo) or "")
    if m is not None:
        return ConfigSource(file=path.name, model=m.id, repo=m.hf_repo or repo, kind=SourceKind.PRIMARY,
                            discovered=known_only_by_name(m),  # its own repo now names its lab
                            # the note follows the curated catalog, not which other source named it first
                            note=f"model discovered from {where}; not in the catalog" if known_only_by_name(m)
                            else f"model inferred from {where}")
    return ConfigSource(file=path.name, model=discovered_model_id(repo, catalog), repo=repo, kind=SourceKind.PRIMARY,
                        discovered=True, note=f"model discovered from {where}; not in the catalog")


def _model_name(src: ConfigSource) -> str:
    """The model's name as its repo spells it (a derivative's base name, else the repo's name)."""
    name = src.repo.split("/")[-1] if src.repo else src.model
    return (base_name(name) if src.derivative else None) or name


def _variant_of(src: ConfigSource, doc: SourceDocument) -> list[Claim]:
    """A discovered instruction-tuned release is derived from the base its name names (reported: a naming convention)."""
    base = instruct_base(_model_name(src)) if src.discovered else None
    if base is None:
        return []
    ev = Evidence(source=doc.id, revision=doc.revision, source_kind=doc.kind, locator="repo name",
                  snippet=src.repo or src.model, method=Method.CONFIG, retrieved_at=utcnow())
    return [settle(Draft(subject=src.model, predicate=Predicate.DERIVED_FROM, object=discovered_model_id(base, {}),
                  qualifiers={"relation": "finetune"}, primary=doc.kind is SourceKind.PRIMARY, role=Role.INFERRED,
                  evidence=(ev,), reason=f"named as an instruction-tuned release of {base} (name suffix); the config does not state it"))]


def _as_derivative(repo: str, where: str, cfg: dict[str, Any], catalog, path: Path) -> ConfigSource | None:
    """A quantized derivative's config speaks about its base model (see :mod:`.derivative`)."""
    owner, _, name = repo.rpartition("/")
    base = base_name(name)
    if base is None:
        return None
    model = catalog.entities.get(Resolver(catalog).model(base) or "")
    ident = model.id if model is not None else discovered_model_id(base, {})
    if model is None and ident in catalog:
        model = catalog.get(ident)
    who = "its publisher's own" if publisher_owns(owner, model, catalog) else f"{owner}'s"
    return ConfigSource(file=path.name, model=ident, repo=repo, kind=SourceKind.PRIMARY, derivative=True,
                        discovered=model is None,
                        note=f"{who} quantized derivative of {base} (from {where}): architecture keys describe "
                             f"{base}, quantization keys only the derivative")


def ingest_config(
    store, catalog, paths: list[Path], model: str | None = None, progress=None, replace: bool = False,
    month: RecordedMonth | None = None,
) -> list[ConfigReport]:
    """Ingest config files: every file is checked first, then each source graph is replaced atomically.

    If any file is malformed nothing is written.  A file whose id names a stored source made
    from different bytes (two ``config.json`` files for one ``--model``) is refused unless
    ``replace`` (:mod:`lineage.ingest.identity`).  ``progress`` is called once per file written
    (for progress bars).  A config states no date: ``month``, when the files' publication record
    gives one (a corpus manifest, :mod:`lineage.ingest.months`), dates a model they discover and the
    catalog does not date; without it the model's month stays unknown.
    """
    def sources(catalog) -> list[ConfigSource]:
        out = [identify(Path(path), catalog, model) for path in paths]
        for src in out:
            if src.model not in catalog and not src.discovered:
                raise catalog.unknown(src.model)
        return out

    # identified as a first ingest would: a model these files discovered before is discovered again
    srcs, catalog = prepared_afresh(store, catalog, sources, lambda srcs: [source_id(s) for s in srcs])
    prepared = [prepare(Path(path), src, catalog) for path, src in zip(paths, srcs)]
    check_batch([(p.doc, Path(path)) for p, path in zip(prepared, paths)])
    for p, path in zip(prepared, paths):
        p.report.replaced = check_identity(store, p.doc, Path(path), replace)
    for p in prepared:
        found = {e.id for e in discovered_entities(p, catalog)}
        for c in p.claims:
            if c.object is not None and c.object not in catalog and c.object not in found:
                raise catalog.unknown(c.object)
    dated = {p.doc.id: _month_for(p, catalog, month) for p in prepared}
    batch = {p.doc.id: _with_month(p, dated[p.doc.id]) for p in prepared}
    others = reconcile_primary_values(store, batch)
    written = []
    for p in prepared:
        p.report.disputed = [f"{c.predicate.value} {c.value}" for c in batch[p.doc.id] if c.status is Status.DISPUTED]
        dated_month = dated[p.doc.id]
        released = dated_month.value if dated_month else None
        written.append((p.doc, batch[p.doc.id], discovered_entities(p, catalog, released)))
    # a source rewritten for a dispute keeps the entities it discovered
    written += [(doc, others[doc.id], store.discovered_entities(doc.id)) for doc in store.sources() if doc.id in others]
    store.replace_sources(written)  # every file, and every source a dispute touches, in one transaction
    if progress:
        for p in prepared:
            progress(p.report)
    return [p.report for p in prepared]


def _with_month(p: PreparedConfig, month: RecordedMonth | None) -> list[Claim]:
    """The config's claims, with the release month the catalog lacked (:func:`_month_for`) when there is one."""
    if month is None or p.doc.about is None:
        return list(p.claims)
    return p.claims + [month_claim(p.doc.about, month, p.doc)]


def _month_for(p: PreparedConfig, catalog, month: RecordedMonth | None) -> RecordedMonth | None:
    """``month`` when the config discovers its model and nothing in the catalog dates that model, else None."""
    if month is None or p.source is None or not unknown_month(catalog, p.source.model):
        return None
    return month if any(e.id == p.source.model for e in discovered_entities(p, catalog)) else None


def discovered_entities(p: PreparedConfig, catalog, released: str | None = None) -> list:
    """The model a config introduced (its lab, from the repo's owner, and the base an instruction-tuned name names).

    A quantized derivative's model is its base: its lab is not the derivative's publisher, so it comes
    from the model name's prefix when that names a catalog lab, else stays unknown.  ``released`` dates
    the config's own model only (the base a name suffix names may have come out earlier).
    """

    src = p.source
    copies = derivative_entities(src.repo, p.doc, catalog) if src is not None and src.derivative and src.repo else []
    if src is None or not src.discovered or (src.model in catalog and not known_only_by_name(catalog.get(src.model))):
        return copies
    repo, name, out = src.repo, _model_name(src), copies
    owner = repo.split("/")[0] if repo and "/" in repo and not src.derivative else None
    org = Resolver(catalog).organization(owner) if owner else None
    if src.derivative:
        org = resolve_organization(Resolver(catalog), None, name)
    elif owner and org is None:
        found = discovered_organization(owner, p.doc.id, f"https://huggingface.co/{owner}")
        if found is not None:
            org = found.id
            if org not in catalog:
                out.append(found)
    url = p.doc.url or (f"https://huggingface.co/{repo}" if repo else f"urn:lineage:{p.doc.id}")
    hf_repo = repo if repo and not src.derivative else None
    out.append(discovered_model(src.model, name, org, released, None, p.doc.id, url, hf_repo=hf_repo))
    base = instruct_base(name)  # what _variant_of derives the model from
    if base is not None:
        out += [discovered_model(c.object, base, org, None, None, p.doc.id, url)
                for c in _variant_of(src, p.doc) if c.object is not None and c.object not in catalog]
    return out
