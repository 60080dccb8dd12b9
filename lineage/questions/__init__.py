"""The questions users ask, one module per question family, one public function per question.

Where a question is answered (the store's adoption index, SPARQL, or the networkx projection) is
a detail of its function:

* ``who_uses`` — who uses a technique, where it came from (store and adoption index);
* ``adoption`` — adopters per lab and over time (projection);
* ``origin`` — introducing paper and lab, and who credits whom;
* ``flow`` — ideas between labs, what a model inherited, mutual borrowing;
* ``paths`` — provenance paths from an idea to a model;
* ``compare`` — two models side by side;
* ``hardware`` — models on a device, devices of a model, domestic vs NVIDIA hardware per lab;
* ``listing`` — one id (``show``), the technique and model lists;
* ``claims`` — stored claims and flags;
* ``saved`` — the saved SPARQL/Cypher queries in ``queries/``;
* ``projection`` — the networkx graph the graph questions run on; ``status`` and ``evidence``
  hold what the questions share.
"""
