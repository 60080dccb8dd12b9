"""SHACL validation of lineage RDF against ``ontology/shapes.ttl``.

The shapes are written so that they need no RDFS inference: SHACL itself follows
``rdfs:subClassOf`` for ``sh:targetClass`` and ``sh:class`` through the ontology
(``ontology/lineage.ttl``), which pyshacl mixes into a copy of the data graph, and
every type the shapes test is asserted by :mod:`lineage.store.rdf`.  The default
``inference="none"`` therefore gives the same verdict as ``"rdfs"`` on data that
lineage writes, several times faster (RDFS closure with owlrl dominates the run
time on graphs of tens of thousands of triples).

pyshacl is imported inside :func:`validate` so that ``import lineage`` stays fast.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from lineage.paths import data_dir

if TYPE_CHECKING:
    from rdflib import Graph

INFERENCE = ("none", "rdfs", "owlrl", "both")


@cache
def _load(name: str) -> Graph:
    from rdflib import Graph

    graph = Graph()
    graph.parse(data_dir("ontology") / name, format="turtle")
    return graph


def ontology_graph() -> Graph:
    """The vocabulary, ``ontology/lineage.ttl`` (parsed once; do not modify)."""
    return _load("lineage.ttl")


def shapes_graph() -> Graph:
    """The SHACL shapes, ``ontology/shapes.ttl`` (parsed once; do not modify)."""
    return _load("shapes.ttl")


def validate(graph: Graph, *, inference: str = "none") -> tuple[bool, str]:
    """Check ``graph`` against the lineage shapes; return ``(conforms, report_text)``.

    ``graph`` is a single merged graph (``Store.union_graph()`` or a parsed
    ``lineage export ttl``); it is not modified.  ``report_text`` is pyshacl's
    human-readable validation report, listing each violation with its focus node.
    """
    if inference not in INFERENCE:
        raise ValueError(f'inference "{inference}" is not one of {", ".join(INFERENCE)}')
    from pyshacl import validate as shacl_validate

    conforms, _report_graph, report_text = shacl_validate(
        graph,
        shacl_graph=shapes_graph(),
        ont_graph=ontology_graph(),
        inference=inference,
        abort_on_first=False,
        allow_warnings=False,
    )
    return bool(conforms), str(report_text)


def validation_results(graph: Graph, *, inference: str = "none") -> list[dict[str, str]]:
    """Like :func:`validate`, but each violation as a dict (focus, path, shape, message, ...)."""
    if inference not in INFERENCE:
        raise ValueError(f'inference "{inference}" is not one of {", ".join(INFERENCE)}')
    from pyshacl import validate as shacl_validate
    from rdflib.namespace import SH

    _conforms, report, _text = shacl_validate(
        graph, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference=inference
    )
    fields = {
        "focus": SH.focusNode,
        "path": SH.resultPath,
        "value": SH.value,
        "shape": SH.sourceShape,
        "component": SH.sourceConstraintComponent,
        "message": SH.resultMessage,
    }
    out = []
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        row = {}
        for key, prop in fields.items():
            value = report.value(result, prop)
            if value is not None:
                row[key] = str(value)
        out.append(row)
    return sorted(out, key=lambda r: (r.get("focus", ""), r.get("path", ""), r.get("component", "")))


__all__ = ["ontology_graph", "shapes_graph", "validate", "validation_results"]
