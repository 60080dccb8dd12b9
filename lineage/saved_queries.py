"""Saved queries in ``queries/``: SPARQL (``.rq``) for the embedded store, Cypher (``.cypher``) for Neo4j.

Each file starts with a comment header saying what it answers and declaring its
parameters, one per line::

    # @param technique entity  Technique id, e.g. mla
    # @param min_status status=unverified  Weakest status kept

(``//`` instead of ``#`` in Cypher).  Types: ``entity`` (a catalog id; an IRI in SPARQL,
a string in Cypher), ``status`` (a status name, passed as its rank in
:data:`lineage.models.STATUS_RANK` so queries compare ``rank <= $min_status``),
``integer`` and ``string``.  Values are always bound as terms or driver parameters,
never pasted into the query text.  Oxigraph substitutes only variables the SELECT
projects, so every SPARQL parameter is also a projected column (dropped from the rows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lineage import rdf
from lineage.errors import SourceFormatError
from lineage.models import ID_PATTERN, STATUS_RANK, Status
from lineage.paths import data_dir

_PARAM = re.compile(r"^(?:#|//)\s*@param\s+(\w+)\s+(entity|status|integer|string)(?:=(\S+))?\s*(.*)$")
TYPES = ("entity", "status", "integer", "string")


@dataclass(frozen=True)
class Param:
    """One declared parameter."""

    name: str
    type: str
    default: str | None = None
    help: str = ""


@dataclass(frozen=True)
class SavedQuery:
    """A saved query file, parsed."""

    path: Path
    language: str  # "sparql" or "cypher"
    text: str
    description: str
    params: tuple[Param, ...] = field(default_factory=tuple)

    @property
    def name(self) -> str:
        return self.path.stem


def queries_dir() -> Path:
    return data_dir("queries")


def load(ref: str | Path) -> SavedQuery:
    """A saved query by path, or by file name inside ``queries/`` (``flow.rq``, ``flow.cypher``)."""
    path = Path(ref)
    if not path.exists():
        candidate = queries_dir() / path.name
        if not candidate.exists():
            names = sorted(p.name for p in queries_dir().iterdir() if p.suffix in (".rq", ".cypher"))
            import difflib

            hint = difflib.get_close_matches(path.name, names, n=1)
            did = f' Did you mean "{hint[0]}"?' if hint else ""
            raise SourceFormatError(f'query file "{ref}" not found.{did} Saved queries: {", ".join(names)}')
        path = candidate
    language = {".rq": "sparql", ".sparql": "sparql", ".cypher": "cypher", ".cql": "cypher"}.get(path.suffix)
    if language is None:
        raise SourceFormatError(f'"{path}" is neither SPARQL (.rq) nor Cypher (.cypher)')
    text = path.read_text(encoding="utf-8")
    params, description = [], []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith(("#", "//")):
            break
        if m := _PARAM.match(stripped):
            params.append(Param(m.group(1), m.group(2), m.group(3), m.group(4).strip()))
        else:
            description.append(stripped.lstrip("#/ ").rstrip())
    return SavedQuery(path, language, text, " ".join(d for d in description if d), tuple(params))


def bind(query: SavedQuery, raw: dict[str, str]) -> dict[str, str | int]:
    """Check and convert ``--param k=v`` values: entity -> id, status -> rank, integer -> int."""
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(raw) - set(declared))
    if unknown:
        raise SourceFormatError(
            f'{query.path.name} has no parameter "{unknown[0]}"; it takes: {", ".join(declared) or "none"}'
        )
    out: dict[str, str | int] = {}
    for p in query.params:
        value = raw.get(p.name, p.default)
        if value is None:
            raise SourceFormatError(f'{query.path.name} needs --param {p.name}=… ({p.help or p.type})')
        if p.type == "status":
            try:
                out[p.name] = STATUS_RANK[Status(value)]
            except ValueError:
                raise SourceFormatError(
                    f'--param {p.name}="{value}" is not a status; use one of {", ".join(s.value for s in Status)}'
                ) from None
        elif p.type == "integer":
            try:
                out[p.name] = int(value)
            except ValueError:
                raise SourceFormatError(f'--param {p.name}="{value}" is not an integer') from None
        elif p.type == "entity":
            if not re.match(ID_PATTERN, value):
                raise SourceFormatError(f'--param {p.name}="{value}" is not a lineage id (kebab-case, e.g. mla)')
            out[p.name] = value
        else:
            out[p.name] = value
    return out


def run_sparql(store, query: SavedQuery, params: dict[str, str | int]) -> list[dict]:
    """Run a SPARQL saved query on the embedded store; parameters bound as RDF terms."""
    text, bindings = sparql_request(query, params)
    return store.select(text, omit=[p.name for p in query.params], entity_ids=True, **bindings)


def sparql_request(query: SavedQuery, params: dict[str, str | int]) -> tuple[str, dict]:
    """The query text and the substitutions :func:`run_sparql` sends for checked ``params``.

    A parameter the query projects (``SELECT ?technique …``) is substituted as a term.  One it
    does not project is pinned instead with ``VALUES`` at the top of every group opened by
    ``WHERE``, and so are entity parameters inside grouping subqueries, which the store does
    not substitute (measured: 5x slower at 20k models).  Projecting a parameter costs a term
    to decode per row (measured: who_uses.rq at a million models, 10,000 rows, 80 -> 48 ms).
    The values are IRIs made from checked ids and integers, written with ``n3()``; nothing
    else is pasted.
    """
    from rdflib import Literal

    types = {p.name: p.type for p in query.params}
    terms = {k: rdf.entity_iri(v) if types[k] == "entity" else Literal(v) for k, v in params.items()}
    projected = _projected(query.text)
    pinned = {k: v for k, v in terms.items() if f"?{k}" in query.text and (types[k] == "entity" or k not in projected)}
    substituted = {k: v for k, v in terms.items() if k in projected}
    pins = " ".join(f"VALUES ?{k} {{ {v.n3()} }}" for k, v in pinned.items())
    text = re.sub(r"(WHERE\s*\{)", lambda m: m.group(1) + " " + pins + " ", query.text, flags=re.I) if pins else query.text
    return text, substituted


def _projected(text: str) -> set[str]:
    """Variables the outermost SELECT projects (every variable of the query for ``SELECT *``)."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    m = re.search(r"\bSELECT\s+(.*?)\s*(?:WHERE\b|\{)", body, flags=re.I | re.S)
    clause = m.group(1) if m else ""
    return set(re.findall(r"\?(\w+)", body if clause.strip().endswith("*") else clause))


def run_cypher(bolt, query: SavedQuery, params: dict[str, str | int]) -> list[dict]:
    """Run a Cypher saved query on a Bolt server (:func:`lineage.neo4j_backend.connect`); driver parameters."""
    from lineage.neo4j_backend import run_read

    return run_read(bolt, query.text, params)


def run(query: SavedQuery, params: dict[str, str], *, store=None, bolt=None) -> list[dict]:
    """Run a saved query on the backend its language needs."""
    bound = bind(query, params)
    if query.language == "sparql":
        if store is None:
            raise SourceFormatError(f"{query.path.name} is SPARQL; it runs on the embedded store, not --backend neo4j")
        return run_sparql(store, query, bound)
    if bolt is None:
        raise SourceFormatError(f"{query.path.name} is Cypher; run it with --backend neo4j --uri bolt://…")
    return run_cypher(bolt, query, bound)
