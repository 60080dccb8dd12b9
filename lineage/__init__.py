"""lineage: a typed, queryable knowledge graph of who reused which idea among open LLMs.

Every fact is a claim with evidence and a verification status.  The library
never prints; the ``lineage`` command line is a thin layer on top of it.
"""

__version__ = "0.1.0"
