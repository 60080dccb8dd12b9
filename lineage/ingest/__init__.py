"""Ingestors: each reads one kind of source document and writes its claims to the store."""
