"""Measured KV-cache sizes as claims: one ``kvBytesPerToken`` claim per model with a bundled config.

The number comes from :func:`lineage.measure.measure_bundled` (torch tensors built at the config's shapes
by :mod:`lineage.techniques.kv_cache`, their ``nbytes`` counted) and must equal the formula, or no claim is made.
The evidence names the config file and the implementation, so anyone can re-run it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lineage.domain import Claim, Draft, Evidence, Method, Predicate, SourceDocument, SourceKind, clip, utcnow
from lineage.measure import KVRow, measure_bundled
from lineage.verify_draft import settle

if TYPE_CHECKING:  # the store is handed in; readers sit below it
    from lineage.store import Store

DOC_ID = "measurement:kv-cache"


def kv_claims(rows: list[KVRow]) -> tuple[SourceDocument, list[Claim]]:
    """The measurement document and one verified claim per model (estimated layouts are skipped)."""
    doc = SourceDocument(
        id=DOC_ID,
        title="KV-cache bytes per token measured by lineage/techniques/kv_cache.py",
        kind=SourceKind.PRIMARY,
        format="measurement",
        url="lineage/techniques/kv_cache.py",
        note="Torch caches built at each bundled config's shapes (BF16); nbytes counted and checked against the formula.",
    )
    now, claims, seen = utcnow(), [], set()
    for r in rows:
        if r.estimated or r.model in seen or not float(r.bytes_per_token).is_integer():
            continue
        seen.add(r.model)
        snippet = clip(
            f"{r.kind}: {int(r.bytes_per_token):,} B/token in BF16 measured on torch caches; "
            f"MHA with the same heads {r.mha_bytes_per_token:,} B/token ({r.ratio:.1f}x)"
            + (f"; sliding windows hold {r.window_bytes:,} B" if r.window_bytes else "")
            + ("; " + "; ".join(r.notes) if r.notes else "")
        )
        claims.append(
            settle(Draft(
                subject=r.model,
                predicate=Predicate.KV_BYTES_PER_TOKEN,
                value=int(r.bytes_per_token),
                unit="bytes",
                qualifiers={"dtype": "bf16", "mha_bytes_per_token": str(r.mha_bytes_per_token), "vs_mha": f"{r.ratio:.1f}x"},
                primary=True,
                reason=clip(f"measured by lineage on caches shaped by the model's own config {r.file}", 200),
                evidence=(
                    Evidence(
                        source=doc.id,
                        source_kind=SourceKind.PRIMARY,
                        locator=f"lineage/techniques/kv_cache.py measure(kv_footprint({r.file}))",
                        snippet=snippet,
                        method=Method.MEASUREMENT,
                        retrieved_at=now,
                    ),
                ),
            ))
        )
    return doc, claims


def record_kv(store: Store, rows: list[KVRow] | None = None) -> int:
    """Write the measurement claims into ``store`` (replacing earlier ones); return the claim count."""
    doc, claims = kv_claims(rows if rows is not None else measure_bundled())
    store.replace_source(doc, claims)
    return len(claims)
