"""Hardware questions: which models were trained or served on a device, what a model ran on, and
which labs' stated hardware is domestic rather than NVIDIA, half-year by half-year.

Rows come from the ``trainedOn`` / ``servedOn`` / ``supportsHardware`` / ``optimizedFor`` edges of
the projection, each with its combined status and evidence.  A product line (``huawei-ascend``)
answers for its devices too (the catalog's ``broader`` links: Ascend 910B -> Ascend).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Literal

from lineage.questions.answer import Answer, Field
from lineage.questions.evidence import EvidenceSummary
from lineage.questions.status import ANY, at_least, edge_evidence, edges_of, require_node, weakest
from lineage.vocab import HARDWARE_PREDICATES, EntityKind, Status

if TYPE_CHECKING:
    import networkx as nx

PREDICATES = tuple(p.value for p in HARDWARE_PREDICATES)
Origin = Literal["domestic", "nvidia", "other"]


class HardwareRow(Answer):
    """One model tied to one device (evidence: primary first, a report's page before a card's line)."""

    model: str = Field(description="Model id.")
    model_name: str = Field(description="Model name.")
    released: str | None = Field(default=None, description="The model's release month.")
    organization: str | None = Field(default=None, description="The model's organization.")
    predicate: str = Field(description="trainedOn, servedOn, supportsHardware or optimizedFor.")
    device: str = Field(description="Hardware id.")
    count: str | None = Field(default=None, description="Number of devices, when the source states it.")
    status: Status = Field(description="Combined status of the claims.")
    evidence: list[EvidenceSummary] = Field(description="Evidence, primary first.")


class DeviceUse(Answer):
    """Answer to ``lineage hardware DEVICE``."""

    device: str = Field(description="Hardware id asked about.")
    name: str = Field(description="Its name.")
    vendor: str | None = Field(default=None, description="Vendor organization id.")
    country: str | None = Field(default=None, description="The vendor's country (ISO 3166 alpha-2).")
    facts: dict[str, str] = Field(default_factory=dict, description="Catalog facts: family, memory, FP8/FP4, export class.")
    devices: list[str] = Field(description="The device and, for a product line, the devices in it.")
    min_status: Status = Field(description="Weakest status kept.")
    rows: list[HardwareRow] = Field(description="Models tied to it, oldest release first.")


class ModelHardware(Answer):
    """Answer to ``lineage on-hardware MODEL``."""

    model: str = Field(description="Model id.")
    name: str = Field(description="Model name.")
    min_status: Status = Field(description="Weakest status kept.")
    rows: list[HardwareRow] = Field(description="Devices it is tied to.")


class HalfYear(Answer):
    """One lab's models in one half-year, by where their stated hardware comes from."""

    organization: str = Field(description="Organization id.")
    period: str = Field(description="Half-year, e.g. 2025-H1 (from the model's release month).")
    models: int = Field(description="Models with stated training or serving hardware.")
    domestic: list[str] = Field(description="Models with hardware from a vendor in the lab's own country (not NVIDIA).")
    nvidia: list[str] = Field(description="Models with NVIDIA hardware.")
    other: list[str] = Field(description="Models with hardware from another vendor.")
    domestic_share: float = Field(description="Share of the models with domestic hardware (a model may count twice).")
    nvidia_share: float = Field(description="Share of the models with NVIDIA hardware.")
    status: Status = Field(description="Weakest status of the rows behind the cell.")
    rows: list[HardwareRow] = Field(description="The rows behind the cell.")


class HardwareFlow(Answer):
    """Answer to ``lineage flow --hardware``."""

    min_status: Status = Field(description="Weakest status kept.")
    cells: list[HalfYear] = Field(description="Per organization and half-year.")


def _row(g: nx.MultiDiGraph, model: str, device: str, key: str, d: dict) -> HardwareRow:
    node = g.nodes[model]
    return HardwareRow(
        model=model, model_name=node.get("label", model), released=node.get("released"),
        organization=node.get("organization"), predicate=key, device=device,
        count=(d.get("qualifiers") or {}).get("count"), status=Status(d["status"]),
        evidence=sorted(edge_evidence(d), key=lambda e: (e.source_kind.value != "primary", e.method.value != "text")),
    )


def _order(rows: list[HardwareRow]) -> list[HardwareRow]:
    return sorted(rows, key=lambda r: (r.released or "9999", r.model, PREDICATES.index(r.predicate), r.device))


def members(g: nx.MultiDiGraph, device: str) -> list[str]:
    """The device and every device whose product line it is (through ``broader`` edges)."""
    found = [device]
    for d in found:
        found += [u for u, _ in edges_of(g, d, "broader", out=False) if u not in found]
    return found


def hardware(g: nx.MultiDiGraph, device: str, min_status: Status | str = ANY) -> DeviceUse:
    """Models trained, served, supported or optimized on ``device`` (or any device of its line).

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("chip", kind="hardware", label="Chip")
    >>> g.add_node("m", kind="model", label="M", released="2025-01")
    >>> _ = g.add_edge("m", "chip", key="trainedOn", status="verified", qualifiers={"count": "64"}, evidence=[])
    >>> [(r.model, r.predicate, r.count) for r in hardware(g, "chip").rows]
    [('m', 'trainedOn', '64')]
    """
    require_node(g, device, EntityKind.HARDWARE.value)
    node = g.nodes[device]
    devices = members(g, device)
    rows = [
        _row(g, m, dev, key, d)
        for dev in devices for key in PREDICATES for m, d in edges_of(g, dev, key, out=False)
        if at_least(d["status"], min_status)
    ]
    vendor = node.get("vendor")
    facts = {k: str(node[k]) for k in ("family", "memory_gb", "fp8", "fp4", "export_control") if node.get(k) is not None}
    country = g.nodes[vendor].get("country") if vendor in g else None
    return DeviceUse(device=device, name=node.get("label", device), vendor=vendor, country=country, facts=facts,
                     devices=devices, min_status=Status(min_status), rows=_order(rows))


def on_hardware(g: nx.MultiDiGraph, model: str, min_status: Status | str = ANY) -> ModelHardware:
    """Devices ``model`` was trained, served, supported or optimized on."""
    require_node(g, model, EntityKind.MODEL.value)
    rows = [
        _row(g, model, dev, key, d)
        for key in PREDICATES for dev, d in edges_of(g, model, key)
        if at_least(d["status"], min_status)
    ]
    return ModelHardware(model=model, name=g.nodes[model].get("label", model), min_status=Status(min_status),
                         rows=_order(rows))


def origin(g: nx.MultiDiGraph, device: str, lab_country: str | None) -> Origin:
    """'nvidia' for NVIDIA devices, 'domestic' for a vendor in the lab's own country, else 'other'."""
    vendor = g.nodes[device].get("vendor") if device in g else None
    if vendor == "nvidia":
        return "nvidia"
    country = g.nodes[vendor].get("country") if vendor in g else None
    return "domestic" if country and country == lab_country else "other"


def half_year(month: str | None) -> str | None:
    """'2025-04' -> '2025-H1'; None without a month."""
    if not month or len(month) < 7:
        return None
    return f"{month[:4]}-H{1 if int(month[5:7]) <= 6 else 2}"


def hardware_flow(g: nx.MultiDiGraph, min_status: Status | str = ANY) -> HardwareFlow:
    """Per lab and half-year: how many models' stated training or serving hardware is domestic or NVIDIA.

    ``optimizedFor`` does not count (a kernel for a device is not running on it); ``supportsHardware``
    does, since an official statement of support is a serving path.
    """
    cells: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    rows: dict[tuple[str, str], list[HardwareRow]] = defaultdict(list)
    for model, device, key, d in g.edges(keys=True, data=True):
        if key not in PREDICATES[:3] or not at_least(d["status"], min_status) or d["status"] == "contradicted":
            continue
        node = g.nodes[model]
        org, period = node.get("organization"), half_year(node.get("released"))
        if not org or not period:
            continue
        lab_country = g.nodes[org].get("country") if org in g else None
        cells[(org, period)][origin(g, device, lab_country)].add(model)
        rows[(org, period)].append(_row(g, model, device, key, d))
    out = []
    for (org, period), by in sorted(cells.items()):
        models = set().union(*by.values())
        n = len(models)
        out.append(HalfYear(
            organization=org, period=period, models=n, domestic=sorted(by["domestic"]), nvidia=sorted(by["nvidia"]),
            other=sorted(by["other"]), domestic_share=round(len(by["domestic"]) / n, 3),
            nvidia_share=round(len(by["nvidia"]) / n, 3),
            status=Status(weakest(*(r.status for r in rows[(org, period)]))), rows=_order(rows[(org, period)]),
        ))
    return HardwareFlow(min_status=Status(min_status), cells=out)
