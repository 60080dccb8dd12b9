"""Ingestors: each reads one kind of source document and writes its claims to the store."""

from lineage.ingest import compiled

compiled.load()  # the readers' patterns as an earlier process compiled them (see lineage.ingest.compiled)
