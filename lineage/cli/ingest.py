"""``lineage ingest …``: read source documents into the store."""

from pathlib import Path
from typing import Annotated

import typer

from lineage.cli.failures import handles_errors
from lineage.cli.options import JsonOpt, StoreOpt
from lineage.cli.progress import progress
from lineage.cli.render import emit_json, human
from lineage.cli.stores import load_catalog, open_store, stdin_as_file
from lineage.errors import SourceFormatError

ReplaceOpt = Annotated[
    bool, typer.Option("--replace", help="Replace a stored source of the same id made from different bytes.")
]

ingest_app = typer.Typer(help="Read source documents (configs, …) into the store.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(ingest_app, name="ingest")


@ingest_app.command("config")
@handles_errors
def config_command(
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="PATH...", help="config.json files (Hugging Face or DeepSeek inference format); - reads stdin."),
    ],
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="Model id the configs describe (see 'lineage ls models').")
    ] = None,
    replace: ReplaceOpt = False,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Ingest model configs: techniques, shapes and parameter counts, each with key = value evidence.

    Every file is checked before anything is written; a malformed file leaves the store unchanged.
    """
    from lineage.configfile.limits import MAX_CONFIG_BYTES
    from lineage.ingest.config import ingest_config

    with stdin_as_file(paths, "stdin.json", "config", MAX_CONFIG_BYTES) as files, open_store(store, write=True) as st, \
            progress(len(files), "Ingesting configs") as bar:
        catalog = load_catalog(st)
        reports = ingest_config(st, catalog, files, model=model, progress=lambda _: bar.update(1), replace=replace)
    from lineage.ingest.config.meta_device import unavailable

    if unavailable():  # once per command, not per file
        typer.echo(f"note: {unavailable()}", err=True)
    if json_out:
        emit_json(reports)
        return
    for r in reports:
        p = r.parameters
        if r.replaced:
            typer.echo(f"replaced {r.source} ({r.replaced})")
        typer.echo(f"{r.source}: {r.claims} claims ({r.status.value}) about {r.model}")
        typer.echo(f"  techniques: {', '.join(r.techniques) or '-'}")
        if p.total is not None:
            mtp = f", MTP {human(p.mtp)} separate" if p.mtp else ""
            typer.echo(f"  parameters: {human(p.total)} total, {human(p.active)} active{mtp} (layout {p.layout})")
        else:
            typer.echo(f"  parameters: not computed: {p.unsupported}")
        typer.echo(f"  read by: {r.reader}")
        for s in r.skipped:
            typer.echo(f"  skipped: {s}")


@ingest_app.command("pdf")
@handles_errors
def pdf_command(
    path: Annotated[Path, typer.Argument(help="Technical report PDF.")],
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="Model the report describes (default: from the catalog).")
    ] = None,
    arxiv: Annotated[str | None, typer.Option("--arxiv", help="arXiv id of the report, e.g. 2412.19437.")] = None,
    replace: ReplaceOpt = False,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Ingest a technical report: technique adoption, citations and stated facts, each with page evidence.

    The whole PDF is read and analysed before anything is written; a bad PDF leaves the store unchanged.
    """
    from lineage.ingest.report import ingest_pdf

    with open_store(store, write=True) as st, progress(None, "Reading pages") as bar:
        catalog = load_catalog(st)
        report = ingest_pdf(st, catalog, path, model=model, arxiv=arxiv, replace=replace, progress=bar.pages)
    if json_out:
        emit_json(report)
        return
    _print_report(report)


def _print_report(report) -> None:
    if getattr(report, "replaced", None):
        typer.echo(f"replaced {report.source} ({report.replaced})")
    typer.echo(f"{report.source}: {report.claims} claims about {', '.join(report.models)} ({report.pages} pages)")
    typer.echo(f"  uses: {', '.join(report.uses) or '-'}")
    if report.ruled_out:
        typer.echo(f"  ruled out by the report: {', '.join(report.ruled_out)}")
    typer.echo(f"  mentions only: {', '.join(report.mentions) or '-'}")
    typer.echo(f"  references: {report.references} parsed, {report.resolved} resolved to catalog papers")
    for line in report.facts:
        typer.echo(f"  stated: {line}")


@ingest_app.command("arxiv")
@handles_errors
def arxiv_command(
    ids: Annotated[list[str], typer.Argument(help="arXiv ids, optionally versioned (2412.19437 or 2412.19437v2).")],
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="Model the papers describe (default: from the catalog).")
    ] = None,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Fetch papers from arXiv (metadata + PDF pinned to its version, cached) and ingest them as reports.

    Requests are spaced 3 s apart and retried with backoff; cached PDFs are not downloaded again.
    """
    from lineage.ingest.arxiv import ingest_arxiv

    with open_store(store, write=True) as st, progress(len(ids), "Ingesting arXiv papers") as bar:
        catalog = load_catalog(st)
        results = ingest_arxiv(st, catalog, ids, model=model, progress=lambda _: bar.update(1))
    if json_out:
        emit_json(results)
        return
    for r in results:
        m = r.metadata
        typer.echo(f"arXiv {m.arxiv}{m.version}: {m.title} ({len(m.authors)} authors, {m.published})")
        typer.echo(f"  pdf: {r.pdf} ({'downloaded' if r.downloaded else 'from cache'})")
        _print_report(r.report)


@ingest_app.command("article")
@handles_errors
def article_command(
    path: Annotated[Path, typer.Argument(help="Article as plain text, Markdown or HTML; - reads stdin.")],
    store: StoreOpt = None,
    json_out: JsonOpt = False,
    unread: Annotated[bool, typer.Option("--unread", help="List the candidate statements left undecided, with locators.")] = False,
) -> None:
    """Ingest a secondary source: its claims are checked against the primary sources in the store."""
    from lineage.ingest.article import MAX_ARTICLE_BYTES, ingest_article

    with stdin_as_file([path], "stdin.md", "article", MAX_ARTICLE_BYTES) as (file,), open_store(store, write=True) as st:
        catalog = load_catalog(st)
        report = ingest_article(st, catalog, file)
    if json_out:
        emit_json(report)
        return
    counts = ", ".join(f"{n} {s}" for s, n in sorted(report.by_status.items()))
    typer.echo(f"{report.source}: {report.claims} claims ({counts})")
    if report.unresolved:
        typer.echo(f"  not in the catalog: {', '.join(report.unresolved)}")
    typer.echo(f"  {report.undecided} candidate statements left undecided" + ("" if unread or not report.undecided else " (--unread lists them)"))
    if unread:
        for u in report.unread:
            typer.echo(f"    {u.locator}: {u.subject or '?'} {u.predicate} {u.object or ''} [{u.role}] {u.text[:80]}")
    typer.echo(f"  see: lineage claims --source {report.source}")


@ingest_app.command("hf")
@handles_errors
def hf_command(
    repo_id: Annotated[str | None, typer.Argument(metavar="REPO_ID", help="Hugging Face model repo, e.g. deepseek-ai/DeepSeek-V4-Flash.")] = None,
    revision: Annotated[str | None, typer.Option("--revision", help="Branch, tag or commit (default: main).")] = None,
    author: Annotated[str | None, typer.Option("--author", help="Crawl every model repo of this user or organization.")] = None,
    descendants: Annotated[str | None, typer.Option("--descendants", help="Crawl the model tree below this repo, breadth first.")] = None,
    depth: Annotated[int, typer.Option("--depth", help="Generations below --descendants to follow.")] = 1,
    limit: Annotated[int | None, typer.Option("--limit", help="Stop a crawl after this many repos.")] = None,
    store: StoreOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Ingest a model repo's card (front matter, base_model lineage, adoption in its prose) and config.json,
    or crawl the Hub's model listing (--author, --descendants): each repo's base models and relation, no file fetched.

    Set HF_ENDPOINT to use a mirror. Files are pinned to the commit the Hub resolves. A crawl is resumable:
    run the same command again after an interruption and it goes on from the last page written.
    """
    if author is not None or descendants is not None:
        if repo_id is not None or revision is not None:
            raise SourceFormatError("a crawl (--author, --descendants) takes no REPO_ID or --revision")
        _crawl(author, descendants, depth, limit, store, json_out)
        return
    if repo_id is None:
        raise SourceFormatError("give a REPO_ID, --author ORG or --descendants REPO")
    from lineage.ingest.card import ingest_hf

    with open_store(store, write=True) as st:
        catalog = load_catalog(st)
        report = ingest_hf(st, catalog, repo_id, revision=revision)
    if json_out:
        emit_json(report)
        return
    typer.echo(f"card:{report.repo} @ {report.commit[:12] or '?'}: {report.claims} claims about {report.model} ({report.kind.value})")
    if report.derived_from:
        typer.echo(f"  derived from: {', '.join(report.derived_from)}")
    typer.echo(f"  uses: {', '.join(report.uses) or '-'}")
    if report.config_claims:
        typer.echo(f"  config.json: {report.config_claims} claims")
    if report.released:
        typer.echo(f"  released: {report.released} (the month the Hub created the repo)")


def _crawl(author: str | None, descendants: str | None, depth: int, limit: int | None, store, json_out: bool) -> None:
    from lineage.harvest.crawl import crawl

    with open_store(store, write=True) as st, progress(limit, "Crawling the Hub's model listing", show=not json_out) as bar:
        catalog = load_catalog(st)
        report = crawl(st, catalog, author=author, descendants=descendants, depth=depth, limit=limit, progress=bar.update)
    if json_out:
        emit_json(report)
        return
    resumed = " (resumed)" if report.resumed else ""
    typer.echo(f"{report.target}: {report.repositories} repos, {report.derivations} derivedFrom claims, "
               f"{report.pages} listing pages{resumed}")
    if report.relations:
        typer.echo("  relations: " + ", ".join(f"{k} {v}" for k, v in report.relations.items()))
    if report.gated:
        typer.echo(f"  gated: {report.gated} (listed metadata only)")
    if report.self_references:
        typer.echo(f"  skipped self-references: {', '.join(report.self_references)}")
    if report.truncated:
        typer.echo("  stopped at --limit")


@ingest_app.command("refresh")
@handles_errors
def refresh_command(store: StoreOpt = None, json_out: JsonOpt = False) -> None:
    """Re-resolve every Hub-pinned source (cards, crawled listing entries): fetch only the repos whose commit
    changed, rewrite their sources, and print the claims added and removed."""
    from lineage.harvest.refresh import pinned, refresh

    with open_store(store, write=True) as st:
        catalog = load_catalog(st)
        with progress(len(pinned(st)), "Asking the Hub", show=not json_out) as bar:
            report = refresh(st, catalog, progress=bar.update)
    if json_out:
        emit_json(report)
        return
    typer.echo(f"{report.checked} Hub-pinned sources: {report.unchanged} unchanged, {len(report.refreshed)} refreshed, "
               f"{len(report.gone)} gone from the Hub")
    for line in report.added:
        typer.echo(f"+ {line}")
    for line in report.removed:
        typer.echo(f"- {line}")
