"""Harvesting the Hugging Face Hub into the store: whole families of repositories at once.

``crawl`` walks an author's repositories or a model's descendants and writes each listed repo (a card read by
:mod:`lineage.ingest.card`, or the listing's facts) in bulk loads; ``refresh`` re-resolves every Hub-pinned source
of a store and rewrites those whose repository changed.  Both write through the store's N-Quads loader
(:mod:`lineage.store.nquads`), so they sit above the store; the readers they use sit below it.
"""
