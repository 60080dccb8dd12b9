"""Crawling the Hub's model tree: an organization's repositories, or every descendant of a base, breadth first.

The listing (:mod:`lineage.ingest.hub_list`) names each repository's base models and their relation,
so nothing is downloaded per repository.  Each listing page becomes one source, ``hub-list:<target>#<n>``
(:func:`lineage.ingest.hub_pages.page_source`): every listed repository's model (and the labs it discovers, one ``hub:<owner>``
source each), its ``derivedFrom`` claims (``qualifiers={"relation": …}``, built as a card's and a quantized
config's are, :func:`lineage.ingest.derivation.derivation_claim`), and the commit the listing gave for it.
The page is the evidence: claims naming the same base in the same field share one evidence record, so an
entry costs its model, its claim and its commit (about 20 quads, against 37 as a source of its own).
Pages are written :data:`PAGES_PER_LOAD` at a time in one bulk load (:func:`lineage.store.nquads.load_prepared`).

**Resumable.**  After each bulk load, a journal beside the store (``<store>.crawl.jsonl``) gets one line:
the crawl's queue, the repositories the load wrote and the address of the next page.  A crawl killed
at any point and run again with the same arguments starts from the journal: pages written before the kill
but not yet journaled are fetched and written again under the same numbers, replacing their own graphs,
so nothing is lost and nothing is stored twice.  The journal is removed when the crawl ends.

A self-reference (a repository naming itself as its base) is skipped and counted; a cycle ends because
each repository is listed once; a missing parent (a base the Hub does not list) becomes a discovered
model, as a card's ``base_model`` does.  ``ingest refresh`` (:mod:`lineage.ingest.refresh`) rewrites a
moved entry as a source of its own, ``hub:<repo>`` (:func:`lineage.ingest.hub_pages.listed_source`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

from pydantic import BaseModel, Field

from lineage.catalog import Catalog
from lineage.errors import SourceFormatError
from lineage.ingest import hub_list
from lineage.ingest.hub import check_repo
from lineage.ingest.hub_pages import Models, page_source
from lineage.store.nquads import commit_nquads, load_prepared, prepare

JOURNAL_VERSION = 1


class CrawlReport(BaseModel):
    """What one crawl wrote."""

    target: str = Field(description="What was crawled: 'author:ORG' or 'descendants:REPO'.")
    repositories: int = Field(description="Repositories written (this run and any run it resumed).")
    derivations: int = Field(description="derivedFrom claims written.")
    relations: dict[str, int] = Field(description="derivedFrom claims per relation.")
    pages: int = Field(description="Listing pages read (this run and any run it resumed).")
    resumed: bool = Field(description="Whether the run went on from a journal an interrupted run left.")
    self_references: list[str] = Field(description="Repositories naming themselves as their base (skipped).")
    gated: int = Field(description="Gated repositories among those written (their listing is public; no file was fetched).")
    truncated: bool = Field(description="Whether --limit stopped the crawl before the listing ended.")


# --------------------------------------------------------------------------- journal


def journal_path(store) -> Path | None:
    """Where a store's crawl journal lives (beside the store's folder; None for a store in memory)."""
    return None if store.path is None else store.path.parent / f"{store.path.name}.crawl.jsonl"


def _load_journal(path: Path | None, target: str) -> dict | None:
    """The state the journal's records add up to (None without a journal of this crawl).

    One JSON line per written page: the crawl's state then, and the repositories and owners that page added
    (so a page costs a line, not the whole crawl).  A line cut off by a kill mid-write ends the journal there:
    its page was loaded but not journaled, and is fetched and written again.
    """
    if path is None or not path.is_file():
        return None
    state, seen, owners = None, [], []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            try:
                record = json.loads(line)
            except ValueError:
                break
            if not isinstance(record, dict) or record.get("version") != JOURNAL_VERSION or record.get("target") != target:
                return None
            seen += record.pop("added", [])
            owners += record.pop("owners_added", [])
            state = record
    return None if state is None else dict(state, seen=seen, owners=owners)


def _save_journal(path: Path | None, record: dict) -> None:
    if path is None:
        return
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")


# --------------------------------------------------------------------------- crawling


def crawl(store, catalog: Catalog, *, author: str | None = None, descendants: str | None = None, depth: int = 1,
          limit: int | None = None, progress: Callable[[int], None] | None = None) -> CrawlReport:
    """Crawl ``author``'s repositories or ``descendants``' tree (``depth`` generations, at most ``limit`` repositories).

    Bad input (a name the Hub cannot hold, ``depth``/``limit`` below 1, a base the Hub does not know) is refused
    before anything is written; an external failure stops the crawl with every finished page kept and journaled.
    The next page is fetched and turned into quads in a thread while the store loads the one before
    (the bulk loader releases the GIL).
    """
    if (author is None) == (descendants is None):
        raise SourceFormatError("give either --author ORG or --descendants REPO")
    if depth < 1 or (limit is not None and limit < 1):
        raise SourceFormatError("--depth and --limit must be at least 1")
    if author is not None:
        hub_list.check_author(author)
    elif descendants is not None:
        check_repo(descendants)
    target = f"author:{author}" if author else f"descendants:{descendants}"
    path = journal_path(store)
    state = _load_journal(path, target)
    resumed = state is not None
    if state is None:
        if descendants is not None and not hub_list.exists(descendants):
            raise SourceFormatError(f'Hugging Face has no model repo "{descendants}" (or it is private)')
        state = {"version": JOURNAL_VERSION, "target": target, "queue": [[author or descendants, 0]], "url": None,
                 "seen": [] if author else [descendants], "owners": [], "pages": 0, "relations": {}, "self": [],
                 "gated": 0, "truncated": False}
    walk = _Walk(state, Models(catalog), by_author=author is not None, depth=depth, limit=limit)
    if not resumed:
        if path is not None:
            path.unlink(missing_ok=True)  # a journal of another crawl: this one starts afresh
        _save_journal(path, walk.record())
    # the next page is listed and rendered as quads in the producer thread while this one loads
    for batch, written, record in _ahead((prepare(batch, commit_nquads(commits)), len(commits), record)
                                         for batch, commits, record in _grouped(walk.batches())):
        load_prepared(store, batch)  # on disk when it returns (the bulk loader writes its files), then journaled
        _save_journal(path, record)
        if progress:
            progress(written)
    final = walk.record()
    if path is not None:
        path.unlink(missing_ok=True)
    return CrawlReport(target=target, repositories=len(walk.seen) - (0 if author else 1),
                       derivations=sum(final["relations"].values()), relations=dict(sorted(final["relations"].items())),
                       pages=final["pages"], resumed=resumed, self_references=sorted(set(final["self"])),
                       gated=final["gated"], truncated=final["truncated"])


PAGES_PER_LOAD = 5
"""Listing pages written by one bulk load (each load has a fixed cost: measured 1 x 5,000 entries 20% faster
than 5 x 1,000).  A kill redoes at most this many pages."""


def _grouped(pages: Iterator[tuple[list, list, dict]], size: int | None = None) -> Iterator[tuple[list, list, dict]]:
    """``pages`` (sources, commits, journal record) joined ``size`` at a time, each group with one journal record:
    its last page's state and what all its pages added.  A group ends early where a listing ends (an empty
    page), and where the listing fails: the pages read before are written, then the error is raised."""
    group: list = []
    size = size or PAGES_PER_LOAD

    def joined():
        record = dict(group[-1][2], added=[r for _, _, rec in group for r in rec["added"]],
                      owners_added=[o for _, _, rec in group for o in rec["owners_added"]])
        return [x for b, _, _ in group for x in b], [c for _, cs, _ in group for c in cs], record

    try:
        for page in pages:
            group.append(page)
            if len(group) >= size or not page[0]:
                out, group = joined(), []
                yield out
    except Exception:
        if group:
            out, group = joined(), []
            yield out
        raise
    if group:
        yield joined()


class _Walk:
    """The crawl's state, advanced page by page: each page's sources with the journal state once they are written."""

    def __init__(self, state: dict, models: Models, *, by_author: bool, depth: int, limit: int | None):
        self.state, self.models, self.by_author, self.depth, self.limit = state, models, by_author, depth, limit
        self.seen, self.owners = set(state.pop("seen")), set(state.pop("owners"))
        self.added, self.owners_added = list(self.seen), list(self.owners)
        self.base = 0 if by_author else 1  # the root of a descendants crawl is seen, not written

    def record(self) -> dict:
        """The journal line for the state now: what was added since the last line, and the crawl's counters."""
        out = dict(self.state, queue=[list(q) for q in self.state["queue"]], relations=dict(self.state["relations"]),
                   self=list(self.state["self"]), added=self.added, owners_added=self.owners_added)
        self.added, self.owners_added = [], []
        return out

    def batches(self) -> Iterator[tuple[list, list, dict]]:
        state = self.state
        while state["queue"] and not state["truncated"]:
            head, level = state["queue"][0]
            url = state["url"] or hub_list.first_page(**({"author": head} if self.by_author else {"base": head}))
            while url:
                items, following = hub_list.page(url)
                batch, commits = self._page(items, level, url)
                state["pages"] += 1
                url = state["url"] = None if state["truncated"] else following
                yield batch, commits, self.record()
            state["queue"].pop(0)
            state["url"] = None
            yield [], [], self.record()

    def _page(self, items: list[hub_list.Listed], level: int, url: str) -> tuple[list, list]:
        """A page's sources (the page's own, and the ``hub:<owner>`` sources of labs first seen on it) and
        its entries' commits; the page's source is numbered by the crawl's pages, so a page written again
        after a kill replaces its own graph."""
        state, batch, entries = self.state, [], []
        for item in items:
            if item.repo in item.bases:
                state["self"].append(item.repo)
            if item.repo in self.seen:
                continue
            if self.limit is not None and len(self.seen) - self.base >= self.limit:
                state["truncated"] = True
                break
            self.seen.add(item.repo)
            self.added.append(item.repo)
            entries.append(item)
            for owner in {r.split("/")[0] for r in (item.repo, *item.bases)} - self.owners:
                self.owners.add(owner)
                self.owners_added.append(owner)
                if (found := self.models.owner_source(owner)) is not None:
                    batch.append(found)
            state["gated"] += item.gated
            if not self.by_author and level + 1 < self.depth and item.children != 0:
                state["queue"].append([item.repo, level + 1])
        if not entries:
            return batch, []
        number = state["pages"] + 1
        doc, claims, entities, commits = page_source(
            entries, f"hub-list:{state['target']}#{number}", f"Hugging Face model listing ({state['target']}), page {number}",
            url, self.models)
        for c in claims:
            state["relations"][c.qualifiers["relation"]] = state["relations"].get(c.qualifiers["relation"], 0) + 1
        return [*batch, (doc, claims, entities)], commits


def _ahead(items: Iterator, size: int = 2) -> Iterator:
    """``items``, produced in a thread up to ``size`` ahead of the consumer; the producer's error is raised here."""
    import queue
    import threading

    box: queue.Queue = queue.Queue(maxsize=size)
    done = object()
    stop = threading.Event()

    def put(item) -> bool:
        """Hand ``item`` over; False when the consumer stopped (it never takes it)."""
        while not stop.is_set():
            try:
                box.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(done)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, which raises it
            put(exc)

    thread = threading.Thread(target=produce, daemon=True)
    thread.start()
    try:
        while (item := box.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
