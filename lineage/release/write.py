"""``lineage release build DIR --from CORPUS``: every pinned source ingested, verified, written as N-Quads.

The release is the store :func:`lineage.build.build` makes (catalog and bundled configs) plus every
source of ``seeds/sources/release.yaml``: configs first (they discover models), then model cards
(read from the corpus folder, pinned to the listed commit), then reports; ``verify`` last.  Text
evidence of reports and cards is reduced to spans (:mod:`lineage.store.spans`) before it is
written.  What ships:

- ``release.nq.gz``: the source graphs (catalog graphs excepted: ``lineage build`` writes those from
  ``seeds/``), one named graph per source, as sorted N-Quads, gzip without a timestamp, every
  evidence dated :data:`RETRIEVED_AT`: the same corpus gives the same bytes;
- ``manifest.json``: counts, the sha256 of the uncompressed quads, and each source not ingested
  with the reason.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from pathlib import Path

from lineage.domain import EntityKind
from lineage.release.assemble import ingest_all
from lineage.release.sources import ReleaseSource, load
from lineage.store import Store
from lineage.store.release_files import MANIFEST, QUADS, ReleaseManifest, Skipped

RETRIEVED_AT = "2026-06-30T00:00:00+00:00"
"""Retrieval time written on every evidence of the release: when the corpus snapshot was taken
(its newest MANIFEST entries are from June 2026), so two builds of one corpus are byte-identical."""

def build_release(
    out: Path, corpus: Path, sources: list[ReleaseSource] | None = None,
    progress: Callable[[str], None] | None = None,
) -> ReleaseManifest:
    """Ingest ``sources`` (default: the pinned list) from ``corpus`` and write the release to ``out``.

    A file whose sha256 differs from the list is an error naming it: nothing is written.
    """

    sources = load() if sources is None else sources
    corpus = Path(corpus)
    store = Store(memory=True)
    skipped, catalog = ingest_all(store, corpus, sources, progress)
    lines = release_lines(store)
    data = "".join(lines).encode("utf-8")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with (out / QUADS).open("wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, filename="") as gz:
        gz.write(data)
    models = _models(store, catalog)
    graphs = sorted({ln.rsplit(" ", 2)[-2].strip("<>") for ln in lines})
    manifest = ReleaseManifest(
        sources=len(sources), graphs=len(graphs), graph_names=graphs, quads=len(lines), kinds=_kinds(graphs),
        claims=sum(" <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/lineage/vocab#Claim> " in ln
                   for ln in lines),
        models=len(models), organizations=len({m.organization for m in models if m.organization}),
        quads_sha256=hashlib.sha256(data).hexdigest(), retrieved_at=RETRIEVED_AT,
        skipped=[Skipped(path=p, reason=r) for p, r in skipped],
    )
    (out / MANIFEST).write_text(manifest.model_dump_json(indent=1) + "\n", encoding="utf-8")
    return manifest


def _kinds(graphs: list[str]) -> dict[str, int]:
    from lineage.store import rdf  # deferred for start-up: rdflib

    out: dict[str, int] = {}
    for g in graphs:
        kind = rdf.source_id(g).split(":", 1)[0]
        out[kind] = out.get(kind, 0) + 1
    return dict(sorted(out.items()))


def _models(store, catalog) -> list:
    """Models that some source claims something about (what ``lineage models`` lists)."""

    rows = store.select("PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
                        "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?c a lin:Claim ; rdf:subject ?s } }", entity_ids=True)
    subjects = {r["s"] for r in rows}
    return [m for m in catalog.of_kind(EntityKind.MODEL) if m.id in subjects]


def release_lines(store) -> list[str]:
    """The store's source graphs as sorted N-Quads lines, catalog graphs and the adoption index left out.

    Every ``prov:generatedAtTime`` is :data:`RETRIEVED_AT`.
    """
    from pyoxigraph import Literal, NamedNode, Quad

    from lineage.store import rdf  # deferred for start-up: rdflib

    ox = store._ox
    when = Literal(RETRIEVED_AT, datatype=NamedNode("http://www.w3.org/2001/XMLSchema#dateTime"))
    generated = NamedNode("http://www.w3.org/ns/prov#generatedAtTime")
    index, catalog = str(rdf.INDEX), str(rdf.source_iri("catalog:x"))[:-1]
    out = []
    for q in ox:
        g = q.graph_name.value
        if g == index or g.startswith(catalog):
            continue
        if q.predicate == generated:
            q = Quad(q.subject, q.predicate, when, q.graph_name)
        out.append(f"{q} .\n")
    out.sort()
    return out
