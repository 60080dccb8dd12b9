"""Crawling the Hub's model tree: an organization's repositories, or every descendant of a base, breadth first.

The listing (:mod:`lineage.ingest.hub_list`) names each repository's base models and their relation,
so nothing is downloaded per repository.  Each listed repository becomes one source, ``hub:<repo>``,
pinned to the commit the listing gives: its ``derivedFrom`` claims (``qualifiers={"relation": …}``,
as a card's front matter gives them, :mod:`lineage.ingest.card`) with the listing's field as evidence,
and the model (and lab) it discovers.  A page is written in one bulk load (:func:`lineage.store.nquads.load_sources`).

**Resumable.**  After each page is written, a journal beside the store (``<store>.crawl.jsonl``) gets one line:
the crawl's queue, the repositories the page wrote and the address of the next page.  A crawl killed
at any point and run again with the same arguments starts from the journal: a page written before the kill
but not yet journaled is fetched and written again, replacing the same graphs, so nothing is lost and
nothing is stored twice.  The journal is removed when the crawl ends.

A self-reference (a repository naming itself as its base) is skipped and counted; a cycle ends because
each repository is listed once; a missing parent (a base the Hub does not list) becomes a discovered
model, as a card's ``base_model`` does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

from pydantic import BaseModel, Field

from lineage.catalog import Catalog
from lineage.domain import (
    Claim,
    Draft,
    EntityKind,
    Evidence,
    Method,
    Model,
    Organization,
    Predicate,
    SourceDocument,
    SourceKind,
    SourceRef,
    slug,
    utcnow,
)
from lineage.errors import SourceFormatError
from lineage.ingest import hub_list
from lineage.ingest.card import RELATIONS, catalog_model, guess_relation
from lineage.ingest.hub import check_repo
from lineage.store.nquads import load_prepared, prepare
from lineage.verify_draft import settle

JOURNAL_VERSION = 1


class CrawlReport(BaseModel):
    """What one crawl wrote."""

    target: str = Field(description="What was crawled: 'author:ORG' or 'descendants:REPO'.")
    repositories: int = Field(description="Repositories written, one source each (this run and any run it resumed).")
    derivations: int = Field(description="derivedFrom claims written.")
    relations: dict[str, int] = Field(description="derivedFrom claims per relation.")
    pages: int = Field(description="Listing pages read (this run and any run it resumed).")
    resumed: bool = Field(description="Whether the run went on from a journal an interrupted run left.")
    self_references: list[str] = Field(description="Repositories naming themselves as their base (skipped).")
    gated: int = Field(description="Gated repositories among those written (their listing is public; no file was fetched).")
    truncated: bool = Field(description="Whether --limit stopped the crawl before the listing ended.")


class Models:
    """Model and lab ids for repositories, with the entities a discovered one needs (labs looked up once)."""

    def __init__(self, catalog: Catalog):
        self.catalog, self.orgs = catalog, {}
        self.repos = {m.hf_repo.lower(): m for m in catalog.of_kind(EntityKind.MODEL) if m.hf_repo}

    def known(self, repo: str):
        """The catalog model a repo holds (:func:`lineage.ingest.card.catalog_model`, its repo index built once)."""
        return self.repos.get(repo.lower()) or catalog_model(repo, self.catalog, by_repo=False)

    def org(self, owner: str) -> str:
        if owner not in self.orgs:
            self.orgs[owner] = self.catalog.find(owner, EntityKind.ORGANIZATION) or slug(owner)
        return self.orgs[owner]

    def model(self, repo: str, discovered_in: str) -> tuple[str, list]:
        """The model id of ``repo`` and, when the catalog lacks it, the discovered Model (its lab: :meth:`owner_source`)."""
        known = self.known(repo)
        if known is not None:
            return known.id, []
        owner, name = repo.split("/", 1)
        model_id = slug(repo.replace("/", "-"))
        return model_id, [Model(id=model_id, name=name, hf_repo=repo, organization=self.org(owner),
                                sources=(SourceRef(url=f"https://huggingface.co/{repo}"),), curation="discovered",
                                discovered_in=discovered_in)]

    def owner_source(self, owner: str) -> tuple[SourceDocument, list, list] | None:
        """The source ``hub:<owner>`` discovering a lab the catalog lacks (None for a known one): written once
        per owner, not in each of its repositories' sources."""
        org_id = self.org(owner)
        if org_id in self.catalog:
            return None
        doc = SourceDocument(id=f"hub:{owner}", title=f"{owner} on the Hugging Face Hub", kind=SourceKind.SECONDARY,
                             format="hub", url=f"https://huggingface.co/{owner}", publisher=owner)
        org = Organization(id=org_id, name=owner, hf_org=owner, sources=(SourceRef(url=doc.url),), curation="discovered",
                           discovered_in=doc.id)
        return doc, [], [org]


def listed_source(item: hub_list.Listed, models: Models, now=None) -> tuple[SourceDocument, list[Claim], list]:
    """The source one listed repository becomes: its model, its ``derivedFrom`` claims (a self-reference left out)."""
    doc_id = f"hub:{item.repo}"
    model_id, entities = models.model(item.repo, doc_id)
    revision = item.sha or "listing (no commit given)"
    doc = SourceDocument(id=doc_id, title=f"{item.repo} in the Hugging Face model listing", kind=SourceKind.SECONDARY,
                         format="hub", url=f"https://huggingface.co/{item.repo}", revision=revision,
                         publisher=item.repo.split("/")[0], about=model_id,
                         note="gated repository: listed metadata only" if item.gated else None)
    now = now or utcnow()
    given = (item.relation or "").lower()
    relation = given if given in RELATIONS else guess_relation(item.repo, {})
    how = f"the Hub's model listing names it as base model ({relation})" if given in RELATIONS else \
        f"the Hub's model listing names it as base model; relation {relation} guessed from the repo name"
    claims = []
    for base in item.bases:
        if base == item.repo:
            continue
        base_id, base_entities = models.model(base, doc_id)
        entities += [e for e in base_entities if e.id not in {x.id for x in entities}]
        snippet = f"{item.key}: {base}" + (f" (relation: {item.relation})" if item.relation else "")
        claims.append(settle(Draft(subject=model_id, predicate=Predicate.DERIVED_FROM, object=base_id,
                            qualifiers={"relation": relation}, primary=True, reason=how,
                            evidence=(Evidence(source=doc_id, revision=revision, source_kind=SourceKind.SECONDARY,
                                               locator=f"Hub API /api/models: {item.key}", snippet=snippet,
                                               method=Method.METADATA, retrieved_at=now),))))
    return doc, claims, entities


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
    else:
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
    for batch, written, record in _ahead((prepare(batch), len(batch) - _owners(batch), record)
                                         for batch, record in walk.batches()):
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


def _owners(batch: list) -> int:
    """How many of a page's sources are ``hub:<owner>`` sources of discovered labs (not repositories)."""
    return sum("/" not in doc.id for doc, _, _ in batch)


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

    def batches(self) -> Iterator[tuple[list, dict]]:
        state = self.state
        while state["queue"] and not state["truncated"]:
            head, level = state["queue"][0]
            url = state["url"] or hub_list.first_page(**({"author": head} if self.by_author else {"base": head}))
            while url:
                items, following = hub_list.page(url)
                batch = self._page(items, level)
                state["pages"] += 1
                url = state["url"] = None if state["truncated"] else following
                yield batch, self.record()
            state["queue"].pop(0)
            state["url"] = None
            yield [], self.record()

    def _page(self, items: list[hub_list.Listed], level: int) -> list:
        state, batch, now = self.state, [], utcnow()
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
            doc, claims, entities = listed_source(item, self.models, now)
            for owner in {r.split("/")[0] for r in (item.repo, *item.bases)} - self.owners:
                self.owners.add(owner)
                self.owners_added.append(owner)
                if (found := self.models.owner_source(owner)) is not None:
                    batch.append(found)
            batch.append((doc, claims, entities))
            state["gated"] += item.gated
            for c in claims:
                state["relations"][c.qualifiers["relation"]] = state["relations"].get(c.qualifiers["relation"], 0) + 1
            if not self.by_author and level + 1 < self.depth and item.children != 0:
                state["queue"].append([item.repo, level + 1])
        return batch


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
