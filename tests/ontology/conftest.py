"""Fixtures for the ontology and shape tests."""

from __future__ import annotations

import pytest
from ontology_sample import sample_graph
from rdflib import Graph


@pytest.fixture
def sample() -> Graph:
    """A fresh (mutable) copy of the sample graph."""
    return sample_graph()


@pytest.fixture(scope="session")
def ontology() -> Graph:
    from lineage.store.shapes import ontology_graph

    return ontology_graph()


@pytest.fixture(scope="session")
def shapes() -> Graph:
    from lineage.store.shapes import shapes_graph

    return shapes_graph()
