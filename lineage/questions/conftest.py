"""Doctests of the graph questions run on the small hand-made graph of :mod:`lineage.questions.example`."""

import networkx as nx
import pytest

from lineage.questions.example import example_graph


@pytest.fixture(autouse=True)
def _example_graph(doctest_namespace):
    doctest_namespace["example_graph"] = example_graph
    doctest_namespace["nx"] = nx  # the modules import it for their annotations only
