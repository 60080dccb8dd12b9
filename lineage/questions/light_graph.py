"""The projection as the graph questions read it, without importing networkx (0.2-0.3 s of a cold question).

:class:`LightGraph` keeps a :class:`networkx.MultiDiGraph`'s own layout (a node's attribute dict;
successors and predecessors as ``{neighbour: {key: data}}``, one data dict shared by both sides) and
offers the part of its interface the questions use, iterating in the same order: nodes as added,
a node's edges by neighbour as first linked, then by key.  A question that needs one of networkx's
algorithms (the routes of ``path``, the cycles of ``symbiosis``) or an export that writes networkx's
formats converts it with :meth:`LightGraph.to_networkx`; every question also takes a networkx graph.

Its plain parts (:meth:`LightGraph.parts`) are what the store's read model saves, so that a cold
question loads the projection instead of computing it (:func:`lineage.store.read_model.projection`).

Examples
--------
>>> g = LightGraph()
>>> g.add_edge("deepseek-v3", "mla", key="uses", status="verified")
'uses'
>>> list(g.in_edges("mla", keys=True, data=True))
[('deepseek-v3', 'mla', 'uses', {'status': 'verified'})]
>>> sorted(g.nodes), g.number_of_edges(), g.to_networkx().number_of_edges()
(['deepseek-v3', 'mla'], 1, 1)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any


class _Nodes(dict):
    """``g.nodes``: the node -> attributes dict itself (``g.nodes[n]``, ``n in g.nodes``), and as networkx's
    view, ``g.nodes(data=True)`` yields ``(n, attributes)``."""

    __slots__ = ()

    def __call__(self, data: bool | str = False, default: Any = None) -> Iterable:
        if data is False:
            return list(self)
        if data is True:
            return list(self.items())
        return [(n, d.get(data, default)) for n, d in self.items()]


class LightGraph:
    """A directed multigraph with the :class:`networkx.MultiDiGraph` interface the questions use."""

    def __init__(self) -> None:
        self._node: _Nodes = _Nodes()
        self._succ: dict[str, dict[str, dict[Any, dict]]] = {}
        self._pred: dict[str, dict[str, dict[Any, dict]]] = {}

    @property
    def nodes(self) -> _Nodes:
        return self._node

    def __contains__(self, n: object) -> bool:
        try:
            return n in self._node
        except TypeError:
            return False

    def __iter__(self) -> Iterator[str]:
        return iter(self._node)

    def __len__(self) -> int:
        return len(self._node)

    def add_node(self, n: str, **attr: Any) -> None:
        if n not in self._node:
            self._succ[n], self._pred[n], self._node[n] = {}, {}, attr
        else:
            self._node[n].update(attr)

    def add_edge(self, u: str, v: str, key: Any = None, **attr: Any) -> Any:
        for n in (u, v):
            if n not in self._node:
                self.add_node(n)
        keys = self._succ[u].get(v)
        if keys is None:
            keys = self._succ[u][v] = {}
            self._pred[v][u] = keys  # networkx shares the key dict between both sides too
        if key is None:
            key = len(keys)
            while key in keys:
                key += 1
        if key in keys:
            keys[key].update(attr)
        else:
            keys[key] = attr
        return key

    def has_edge(self, u: str, v: str, key: Any = None) -> bool:
        keys = self._succ.get(u, {}).get(v)
        return keys is not None and (key is None or key in keys)

    def number_of_nodes(self) -> int:
        return len(self._node)

    def number_of_edges(self) -> int:
        return sum(len(keys) for nbrs in self._succ.values() for keys in nbrs.values())

    def _bunch(self, nbunch: Any) -> Iterable[str]:
        if nbunch is None:
            return self._node
        if nbunch in self:
            return (nbunch,)
        return [n for n in nbunch if n in self._node]  # as networkx's nbunch_iter: an iterable of nodes

    @staticmethod
    def _edges(adj: dict, bunch: Iterable[str], out: bool, data: bool | str, keys: bool, default: Any) -> list:
        found: list[tuple] = []
        for n in bunch:
            for nbr, kd in adj[n].items():
                u, v = (n, nbr) if out else (nbr, n)
                for k, d in kd.items():
                    value = d if data is True else d.get(data, default)
                    if data is False:
                        found.append((u, v, k) if keys else (u, v))
                    else:
                        found.append((u, v, k, value) if keys else (u, v, value))
        return found

    def edges(self, nbunch: Any = None, data: bool | str = False, keys: bool = False, default: Any = None) -> list:
        return self._edges(self._succ, self._bunch(nbunch), True, data, keys, default)

    out_edges = edges

    def in_edges(self, nbunch: Any = None, data: bool | str = False, keys: bool = False, default: Any = None) -> list:
        return self._edges(self._pred, self._bunch(nbunch), False, data, keys, default)

    def parts(self) -> tuple[list, list, list]:
        """Plain values (for :mod:`marshal`): the nodes with their attributes, the edges ``(u, v, key, data)``,
        and each node's predecessors in the order they were linked."""
        return (list(self._node.items()), self.edges(keys=True, data=True),
                [(v, list(nbrs)) for v, nbrs in self._pred.items() if nbrs])

    @classmethod
    def from_parts(cls, nodes: list, edges: list, preds: list) -> LightGraph:
        """The graph :meth:`parts` describes, in the same order."""
        g = cls()
        succ = g._succ
        for n, attr in nodes:
            succ[n], g._pred[n], g._node[n] = {}, {}, attr
        for u, v, k, d in edges:
            keys = succ[u].get(v)
            if keys is None:
                keys = succ[u][v] = {}
            keys[k] = d
        for v, nbrs in preds:
            g._pred[v] = {u: succ[u][v] for u in nbrs}
        return g

    @classmethod
    def of(cls, g: Any) -> LightGraph:
        """``g`` itself when it is one, else the same graph as a networkx (multi)digraph reads, in the same order
        (its attribute dicts shared): what code that reads a graph many times works on."""
        if isinstance(g, LightGraph):
            return g
        return cls.from_parts(list(g.nodes(data=True)), list(g.edges(keys=True, data=True)),
                              [(v, list(nbrs)) for v, nbrs in g.pred.items() if nbrs])

    def to_networkx(self):
        """The same graph as a :class:`networkx.MultiDiGraph`, in the same order (edge data dicts shared)."""
        import networkx as nx

        g = nx.MultiDiGraph()
        g.add_nodes_from(self._node.items())
        for u, nbrs in self._succ.items():
            g._succ[u] = {v: dict(keys) for v, keys in nbrs.items()}
        for v, nbrs in self._pred.items():
            g._pred[v] = {u: g._succ[u][v] for u in nbrs}
        return g
