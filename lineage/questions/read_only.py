"""What a saved query may do: read.  Checks that refuse a query that writes or calls out, before it runs.

SPARQL (:func:`sparql_form`): SELECT, ASK and CONSTRUCT only; no update, no DESCRIBE, no SERVICE
unless asked for.  Cypher (:func:`check_cypher`): no clause that writes (``CREATE``, ``MERGE``,
``SET``, ``DELETE``, ``REMOVE``, ``DROP``, ``LOAD CSV`` …) and no procedure that writes
(``CALL db.idx.fulltext.createNodeIndex``, ``apoc.*``, ``dbms.*``; :func:`writing_procedure`).
Cypher also runs in a read-access session (:func:`lineage.backends.neo4j.run_read`), which a
Neo4j server enforces; FalkorDB's Bolt endpoint does not (measured: a ``CREATE`` in a read
transaction is committed), so these checks are the guard there.  Each refusal is one
:class:`~lineage.errors.UnsafeQuery` line.
"""

from __future__ import annotations

import functools
import re

from lineage.errors import SourceFormatError, UnsafeQuery

READ_FORMS = ("SelectQuery", "AskQuery", "ConstructQuery")
"""SPARQL query forms ``lineage query`` runs; updates and DESCRIBE are refused."""

_CYPHER_WRITE = re.compile(
    r"\b(?:CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|FOREACH|LOAD\s+CSV|IN\s+TRANSACTIONS)\b",
    re.I,
)
"""Cypher clauses that write; refused before the query reaches the server (procedures: :func:`writing_procedure`)."""

_CYPHER_CODE = re.compile(r"//[^\n]*|/\*[\s\S]*?\*/|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|`[^`]*`")
"""Cypher comments, strings and quoted names: blanked before looking for write clauses."""

_CYPHER_NAME = r"(?:`(?:[^`]|``)*`|[A-Za-z_][\w$]*)"
_CALL = re.compile(rf"\bCALL\s+({_CYPHER_NAME}(?:\s*\.\s*{_CYPHER_NAME})*)", re.I)
"""``CALL`` and the procedure's dotted name, parts possibly quoted with backticks (``CALL `db`.idx…``)."""

_CYPHER_TEXT = re.compile(r"//[^\n]*|/\*[\s\S]*?\*/|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'")
"""Cypher comments and strings (quoted names kept: they may name a procedure)."""

WRITE_WORDS = frozenset(re.findall(r"\w+",
    "create drop delete remove merge set add write mutate import export load clear refresh install uninstall kill "
    "terminate rename copy clone periodic trigger lock atomic refactor run do execute commit upsert insert update "
    "truncate restore backup stop start assert declare enable disable reset purge expire move detach link unlink "
    "collapse invert redirect",
))
"""Words in a procedure's name that mark it as writing (``createNodeIndex`` -> create, node, index)."""

WRITING_FAMILIES = ("dbms.", "apoc.", "gds.")
"""Procedure families refused whole: server administration, and plugins whose calls write or run
arbitrary Cypher (``apoc.cypher.run*``, ``apoc.periodic.*``, ``gds.*.write``)."""


def writing_procedure(text: str) -> str | None:
    """The name of the first procedure ``CALL``ed in Cypher ``text`` that may write, else ``None``.

    Examples
    --------
    >>> writing_procedure("CALL db.idx.fulltext.createNodeIndex('Entity', 'label')")
    'db.idx.fulltext.createNodeIndex'
    >>> writing_procedure("CALL `db`.`idx`.fulltext.drop('Entity')")
    'db.idx.fulltext.drop'
    >>> writing_procedure("CALL db.labels() YIELD label RETURN label") is None
    True
    """
    code = _CYPHER_TEXT.sub(" ", text)
    for m in _CALL.finditer(code):
        parts = [p.strip()[1:-1].replace("``", "`") if p.strip().startswith("`") else p.strip()
                 for p in re.findall(_CYPHER_NAME, m.group(1))]
        name = ".".join(parts)
        words = {w.lower() for part in parts for w in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", part)}
        if name.lower().startswith(WRITING_FAMILIES) or words & WRITE_WORDS:
            return name
    return None


def check_cypher(query) -> None:
    """A one-line refusal when a Cypher saved query (``path``, ``text``) writes or calls a procedure that may."""
    if name := writing_procedure(query.text):
        raise UnsafeQuery(
            f"{query.path.name} calls the procedure {name}, which may write; 'lineage query' runs read-only Cypher"
        )
    code = _CYPHER_CODE.sub(" ", query.text)
    if m := _CYPHER_WRITE.search(code):
        raise UnsafeQuery(f"{query.path.name} writes ({m.group(0).upper()}); 'lineage query' runs read-only Cypher")


def sparql_form(query, allow_service: bool = False) -> str:
    """The query's form (``SelectQuery``, ``AskQuery``, ``ConstructQuery``); a one-line refusal for anything else.

    Updates (``DROP``, ``INSERT`` …) and ``DESCRIBE`` are refused, and so is ``SERVICE`` (a call to
    another endpoint) unless ``allow_service``.  Judged on the tokens Oxigraph, which then parses
    and runs the query, reads as code (:func:`code_words`): comments, strings, IRIs and variables
    are not code, and a ``\\u`` escape stands for a character only inside strings and IRIs, so
    ``SERV\\u0049CE`` is no keyword (Oxigraph refuses it as a syntax error, reported in one line).
    pyoxigraph has no parse-only call (its ``query`` already sends a SERVICE request, measured), so
    this check comes first; Oxigraph's query entry point parses queries only, so an update that got
    past it would not parse there either.
    """
    name = query.path.name
    first, service = _form_words(query.text)
    if first in _UPDATE_WORDS:
        raise UnsafeQuery(f"{name} is a SPARQL update ({first}); 'lineage query' runs SELECT, ASK and CONSTRUCT only")
    if first == "DESCRIBE":
        raise UnsafeQuery(f"{name} is a DESCRIBE query; 'lineage query' runs SELECT, ASK and CONSTRUCT only")
    if first not in _FORMS:
        shown = f'"{first.lower()}"' if first else "no keyword"
        raise SourceFormatError(f"{name} is not valid SPARQL: it starts with {shown}, not SELECT, ASK or CONSTRUCT")
    if not allow_service and service:
        raise UnsafeQuery(f"{name} calls another endpoint (SERVICE); pass --allow-service to let it")
    return _FORMS[first]


@functools.lru_cache(maxsize=256)
def _form_words(text: str) -> tuple[str, bool]:
    """The first keyword of a query's code, upper-cased, and whether it calls SERVICE (read once per query text)."""
    code = code_words(text)
    m = _FIRST_WORD.match(code)
    return (m.group(1) if m else "").upper(), re.search(r"\bSERVICE\b", code, re.I) is not None


_FORMS = {"SELECT": "SelectQuery", "ASK": "AskQuery", "CONSTRUCT": "ConstructQuery"}
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_FIRST_WORD = re.compile(r"\s*(?:(?:BASE|PREFIX\s*[^\s:]*:)\s*)*([A-Za-z]*)", re.I)
"""The first keyword after the prologue (``BASE``, ``PREFIX p:``; their IRIs already blanked)."""

_NOT_CODE = re.compile(
    r"""\\.|#[^\n\r]*"""  # a backslash escape outside strings (PN_LOCAL_ESC such as \#, or an error); a comment
    r'''|"""(?:[^"\\]|\\.|"(?!""))*"""'''  # long strings
    r"""|'''(?:[^'\\]|\\.|'(?!''))*'''"""
    r"""|"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*'"""  # strings
    r"""|<[^<>"{}|^`\\\x00-\x20]*>|[?$]\w+"""  # IRIs, variables
)


def code_words(text: str) -> str:
    """``text`` with comments, strings, IRIs and variables blanked: the keywords and names SPARQL reads.

    Examples
    --------
    >>> code_words('SELECT ?service { ?s <urn:SERVICE> "SERVICE" } # SERVICE')
    'SELECT   {       }  '
    """
    return _NOT_CODE.sub(" ", text)


