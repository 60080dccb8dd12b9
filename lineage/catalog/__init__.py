"""The curated catalog: what techniques, models, papers, labs and hardware *are*, each citing its source.

``seeds`` loads and checks ``seeds/*.yaml``; ``schema`` generates their JSON Schemas. The catalog
names and corrects entities; it never says which model uses which technique (those are claims).
"""

from lineage.catalog.seeds import Catalog

__all__ = ["Catalog"]
