"""Saved queries in ``queries/``: SPARQL (``.rq``) for the embedded store, Cypher (``.cypher``) for Neo4j.

Each file starts with a comment header saying what it answers and declaring its
parameters, one per line::

    # @param technique entity  Technique id, e.g. mla
    # @param min_status status=unverified  Weakest status kept

(``//`` instead of ``#`` in Cypher).  Types: ``entity`` (a catalog id; an IRI in SPARQL,
a string in Cypher), ``status`` (a status name, passed as its rank in
:data:`lineage.domain.STATUS_RANK` so queries compare ``rank <= $min_status``),
``integer`` and ``string``.  Values are bound as driver parameters in Cypher; in SPARQL
they are checked terms (an IRI made from a valid id, a typed literal) that either the store
substitutes or :func:`sparql_request` writes in place of the parameter's variable.  A
parameter a query projects is dropped from its rows.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from lineage.errors import SourceFormatError
from lineage.ingest.files import decode, read_bytes
from lineage.paths import data_dir
from lineage.questions.read_only import check_cypher, sparql_form
from lineage.store import iris
from lineage.store.bounded import DEFAULT_TIMEOUT
from lineage.vocab import ID_PATTERN, MAX_ID_LENGTH, STATUS_RANK, Status

MAX_QUERY_BYTES = 256 * 1024
"""Largest query file read (the saved queries are at most 11 kB); a FIFO, a device or a directory is refused before opening."""

MAX_STRING_PARAM = 200
"""Longest ``string`` parameter value; entity values are ids, at most :data:`~lineage.domain.MAX_ID_LENGTH`."""

MAX_INTEGER_DIGITS = 18
"""Integer parameters fit a signed 64-bit integer (what Bolt servers and SPARQL engines take)."""

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
    if not _exists(path):
        candidate = queries_dir() / path.name
        if not _exists(candidate):
            names = sorted(p.name for p in queries_dir().iterdir() if p.suffix in (".rq", ".cypher"))
            import difflib

            hint = difflib.get_close_matches(path.name, names, n=1)
            did = f' Did you mean "{hint[0]}"?' if hint else ""
            raise SourceFormatError(f'query file "{ref}" not found.{did} Saved queries: {", ".join(names)}')
        path = candidate
    language = {".rq": "sparql", ".sparql": "sparql", ".cypher": "cypher", ".cql": "cypher"}.get(path.suffix)
    if language is None:
        raise SourceFormatError(f'"{path}" is neither SPARQL (.rq) nor Cypher (.cypher)')
    text = decode(read_bytes(path, "query file", MAX_QUERY_BYTES), "query file", path)
    description, params = _header(text)
    return SavedQuery(path, language, text, description, params)


@functools.lru_cache(maxsize=256)
def _header(text: str) -> tuple[str, tuple[Param, ...]]:
    """A query's description and declared parameters, from its leading comment lines (read once per text)."""
    params, description = [], []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith(("#", "//")):
            break
        if m := _PARAM.match(stripped):
            params.append(Param(m.group(1), m.group(2), m.group(3), m.group(4).strip()))
        else:
            description.append(stripped.lstrip("#/ ").rstrip())
    return " ".join(d for d in description if d), tuple(params)


def _exists(path: Path) -> bool:
    """Whether ``path`` exists; ``True`` when the system cannot tell (``File name too long``), so the
    bounded read that follows names the problem in one line."""
    try:
        return path.exists()
    except OSError:
        return True


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
            if not re.fullmatch(rf"-?\d{{1,{MAX_INTEGER_DIGITS}}}", value.strip()):
                raise SourceFormatError(f'--param {p.name}="{_short(value)}" is not an integer (at most {MAX_INTEGER_DIGITS} digits)')
            out[p.name] = int(value)
        elif p.type == "entity":
            if len(value) > MAX_ID_LENGTH or not re.fullmatch(ID_PATTERN, value):
                raise SourceFormatError(
                    f'--param {p.name}="{_short(value)}" is not a lineage id (kebab-case, at most {MAX_ID_LENGTH} characters, e.g. mla)'
                )
            out[p.name] = value
        else:
            if len(value) > MAX_STRING_PARAM or re.search(r"[\x00-\x1f\x7f]", value):
                raise SourceFormatError(
                    f'--param {p.name}="{_short(value)}" is not accepted: at most {MAX_STRING_PARAM} characters, no control characters'
                )
            out[p.name] = value
    return out


def _short(value: str) -> str:
    return value if len(value) <= 60 else value[:60] + f"…({len(value)} characters)"


def run_sparql(store, query: SavedQuery, params: dict[str, str | int], allow_service: bool = False,
               timeout: float | None = None) -> list[dict]:
    """Run a read-only SPARQL saved query on the embedded store within ``timeout`` seconds
    (default :data:`lineage.store.bounded.DEFAULT_TIMEOUT`); parameters bound as RDF terms."""

    form = sparql_form(query, allow_service)
    text, bindings = sparql_request(query, params)
    rows = store.read_query(text, timeout=DEFAULT_TIMEOUT if timeout is None else timeout, name=query.path.name,
                            omit=[p.name for p in query.params], **bindings)
    if form == "SelectQuery":
        return rows
    return [{k: str(v) for k, v in row.items()} for row in rows]


def sparql_request(query: SavedQuery, params: dict[str, str | int]) -> tuple[str, dict]:
    """The query text and the substitutions :func:`run_sparql` sends for checked ``params``.

    A parameter no SELECT projects and nothing assigns (``AS ?x``) is written into the text as
    its term, the way a constant would be (measured: who_uses.rq at a million models, 10,000
    rows, 3 ms less than a ``VALUES`` join).  One the outermost SELECT projects
    (``SELECT ?technique …``) is substituted as a term by the store.  An entity parameter a
    grouping subquery projects is pinned with ``VALUES`` at the top of every group opened by
    ``WHERE``, which the store's substitution does not reach (measured: 5x slower at 20k
    models without).  The values written are IRIs made from checked ids and literals written
    in N-Triples syntax, and only in place of the parameter's own variable tokens.
    """
    from pyoxigraph import Literal, NamedNode

    types = {p.name: p.type for p in query.params}
    terms = {
        k: NamedNode(iris.entity_iri(str(v))) if types[k] == "entity"
        else Literal(str(v), datatype=NamedNode(_XSD_INTEGER)) if isinstance(v, int) else Literal(v)
        for k, v in params.items()
    }
    shape = _shape(query.text)
    tokens, projected = shape.tokens, shape.projected
    constants = {k: v for k, v in terms.items() if k in tokens and k not in shape.chosen}
    pinned = {
        k: v for k, v in terms.items() if k in tokens and k not in constants and (types[k] == "entity" or k not in projected)
    }
    substituted = {k: v for k, v in terms.items() if k in projected}
    text = shape.write(constants) if constants else query.text
    pins = " ".join(f"VALUES ?{k} {{ {v} }}" for k, v in pinned.items())
    if pins:
        text = re.sub(r"(WHERE\s*\{)", lambda m: m.group(1) + " " + pins + " ", text, flags=re.I)
    return text, substituted


# Comments, string literals and IRIs are skipped whole, so only real variable tokens match.
_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"

_SPARQL_TOKEN = re.compile(
    r"""#[^\n]*|\"\"\"[\s\S]*?\"\"\"|'\'\'[\s\S]*?'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'"""
    r"""|<[^<>"{}|^`\\\x00-\x20]*>|[?$](\w+)"""
)


@dataclass(frozen=True)
class _Shape:
    """What :func:`sparql_request` reads of a query's text, read once per text (:func:`_shape`)."""

    tokens: frozenset[str]  # variables named in the code (not in comments, strings or IRIs)
    projected: frozenset[str]  # variables the outermost SELECT projects
    chosen: frozenset[str]  # variables any SELECT names or ``AS`` assigns
    pieces: tuple[tuple[str, str, str], ...]  # (code before, variable name, the token as written), in order
    tail: str  # the code after the last variable token

    def write(self, constants: dict) -> str:
        """The text with each variable token named in ``constants`` replaced by its term."""
        out: list[str] = []
        for before, name, token in self.pieces:
            out += (before, str(constants[name]) if name in constants else token)
        out.append(self.tail)
        return "".join(out)


@functools.lru_cache(maxsize=256)
def _shape(text: str) -> _Shape:
    pieces, last = [], 0
    for m in _SPARQL_TOKEN.finditer(text):
        if m.group(1):
            pieces.append((text[last:m.start()], m.group(1), m.group(0)))
            last = m.end()
    tokens = frozenset(name for _, name, _ in pieces)
    return _Shape(tokens, frozenset(_projected(text)), frozenset(k for k in tokens if _selected_or_assigned(text, k)),
                  tuple(pieces), text[last:])


_SELECT_CLAUSE = re.compile(r"\bSELECT\s+(.*?)\s*(?:WHERE\b|\{)", flags=re.I | re.S)
"""What a SELECT projects, up to its WHERE or opening brace."""


def _code(text: str) -> str:
    """The query without its comment lines (the header)."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _projected(text: str) -> set[str]:
    """Variables the outermost SELECT projects (every variable of the query for ``SELECT *``)."""
    body = _code(text)
    m = _SELECT_CLAUSE.search(body)
    clause = m.group(1) if m else ""
    return set(re.findall(r"\?(\w+)", body if clause.strip().endswith("*") else clause))


def _selected_or_assigned(text: str, name: str) -> bool:
    """Whether any SELECT clause (subqueries too) names ``?name``, or ``AS ?name`` assigns it."""
    body = _code(text)
    if any(c.strip().endswith("*") or re.search(rf"[?$]{name}\b", c) for c in _SELECT_CLAUSE.findall(body)):
        return True
    return re.search(rf"\bAS\s+[?$]{name}\b", body, flags=re.I) is not None


def run_cypher(bolt, query: SavedQuery, params: dict[str, str | int], timeout: float | None = None) -> list[dict]:
    """Run a Cypher saved query on a Bolt server (:func:`lineage.backends.neo4j.connect`), read-only, within
    ``timeout`` seconds; driver parameters."""
    return bolt.read(query.text, params, timeout=timeout, name=query.path.name)


def run(query: SavedQuery, params: dict[str, str], *, store=None, bolt=None, allow_service: bool = False,
        timeout: float | None = None) -> list[dict]:
    """Run a saved query, read-only, on the backend its language needs, within ``timeout`` seconds."""
    bound = bind(query, params)
    if query.language == "sparql":
        if store is None:
            raise SourceFormatError(f"{query.path.name} is SPARQL; it runs on the embedded store, not --backend neo4j")
        return run_sparql(store, query, bound, allow_service, timeout)
    check_cypher(query)
    if bolt is None:
        raise SourceFormatError(f"{query.path.name} is Cypher; run it with --backend neo4j --uri bolt://…")
    return run_cypher(bolt, query, bound, timeout)
