"""Backend commands: ``lineage query FILE`` (saved SPARQL or Cypher) and ``lineage push neo4j``."""

from typing import Annotated

import typer

from lineage.cli.failures import handles_errors
from lineage.cli.options import JsonOpt, StoreOpt
from lineage.cli.progress import progress
from lineage.cli.render import emit_json, table
from lineage.cli.stores import load_catalog, open_store

UriOpt = Annotated[
    str | None,
    typer.Option("--uri", envvar="NEO4J_URI", help="Bolt URI of the Neo4j (or FalkorDB) server; env NEO4J_URI."),
]
UserOpt = Annotated[str | None, typer.Option("--user", envvar="NEO4J_USER", help="User (no auth when unset).")]
PasswordOpt = Annotated[str | None, typer.Option("--password", envvar="NEO4J_PASSWORD", help="Password.")]
DatabaseOpt = Annotated[str | None, typer.Option("--database", help="Database name (server default when unset).")]

push_app = typer.Typer(help="Copy the graph to another backend.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("query")(query_command)
    app.add_typer(push_app, name="push")
    push_app.command("neo4j")(push_neo4j_command)


def _connect(uri, user, password, database):
    from lineage.backends.neo4j import connect
    from lineage.errors import SourceFormatError

    if not uri:
        raise SourceFormatError("no Bolt server given; pass --uri bolt://host:7687 or set NEO4J_URI")
    return connect(uri, user, password, database=database)


def _params(pairs: list[str]) -> dict[str, str]:
    from lineage.errors import SourceFormatError

    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise SourceFormatError(f'--param "{pair}" is not KEY=VALUE, e.g. --param technique=mla')
        out[key.strip()] = value.strip()
    return out


@handles_errors
def query_command(
    file: Annotated[str, typer.Argument(metavar="FILE", help="A .rq or .cypher file, or a name in queries/.")],
    param: Annotated[list[str] | None, typer.Option("--param", help="KEY=VALUE, repeatable.")] = None,
    backend: Annotated[str, typer.Option("--backend", help="embedded (SPARQL) or neo4j (Cypher).")] = "embedded",
    uri: UriOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    database: DatabaseOpt = None,
    allow_service: Annotated[
        bool, typer.Option("--allow-service", help="Let a SPARQL query call other endpoints (SERVICE).")
    ] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.01, max=3600, metavar="SECONDS", help="Stop the query after this long.")
    ] = 5.0,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Run a saved query, read-only: SPARQL (SELECT, ASK, CONSTRUCT) on the embedded store, Cypher on Neo4j.

    Parameters are bound, never pasted; a query that writes is refused; one that runs past --timeout
    seconds stops with exit 2.
    """
    from lineage.errors import SourceFormatError
    from lineage.questions.saved import load, run

    query = load(file)
    params = _params(param or [])
    if backend not in ("embedded", "neo4j"):
        raise SourceFormatError(f'unknown backend "{backend}"; choose embedded or neo4j')
    if (backend == "neo4j") != (query.language == "cypher"):
        raise SourceFormatError(
            f"{query.path.name} is {query.language.upper()}; "
            + ("use --backend neo4j --uri bolt://…" if query.language == "cypher" else "run it without --backend neo4j")
        )
    if query.language == "sparql":
        from lineage.questions.evidence import require_built

        with open_store(store) as st:
            require_built(st)
            rows = run(query, params, store=st, allow_service=allow_service, timeout=timeout)
    else:
        from lineage.questions.saved import check_cypher

        check_cypher(query)  # before any connection
        bolt = _connect(uri, user, password, database)
        try:
            rows = run(query, params, bolt=bolt, timeout=timeout)
        finally:
            bolt.close()
    if json_out:
        emit_json(rows)
        return
    if not rows:
        typer.echo("No rows.")
        return
    headers = list(dict.fromkeys(k for r in rows for k in r))
    typer.echo(table(headers, [[r.get(h) for h in headers] for r in rows]))
    typer.echo(f"\n{len(rows)} rows")


@handles_errors
def push_neo4j_command(
    uri: UriOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    database: DatabaseOpt = None,
    batch: Annotated[int, typer.Option("--batch", min=1, help="Rows per UNWIND statement.")] = 20,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", min=0, help="Parameter bytes per statement (0: no cap; FalkorDB needs < 4 KB).")
    ] = 3000,
    fresh: Annotated[bool, typer.Option("--fresh", help="Delete lineage nodes on the server first.")] = False,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Push entities, claims (as relationships) and evidence to a Neo4j/Bolt server with batched MERGE."""
    from lineage.backends.neo4j import push
    from lineage.questions.evidence import require_built
    from lineage.questions.projection import project

    with open_store(store) as st:
        catalog = load_catalog(st)
        require_built(st)
        g = project(st, catalog)
    from lineage.backends.neo4j import rows

    bolt = _connect(uri, user, password, database)
    nodes, rels, evidence = rows(g)
    total = len(nodes) + sum(map(len, rels.values())) + len(evidence)
    try:
        with progress(total, "Pushing rows", show=not json_out) as bar:
            report = push(g, bolt, batch=batch, max_bytes=max_bytes, fresh=fresh, progress=bar.update)
    finally:
        bolt.close()
    if json_out:
        emit_json(report)
        return
    typer.echo(
        f"Pushed to {report.uri} ({report.server}): {report.nodes} entities, {report.relationships} claim "
        f"relationships, {report.evidence} evidence nodes in {report.statements} statements, "
        f"{report.seconds:.2f}s ({report.rows_per_second:,.0f} rows/s); ids unique by {report.constraints}."
    )

