"""The graph release: every corpus source ingested once, shipped as N-Quads, loaded by ``lineage build``.

``sources.py`` pins the documents (``seeds/sources/release.yaml``), ``build.py`` ingests them and
writes the release, ``spans.py`` replaces quoted text by offsets and hashes, ``load.py`` bulk-loads a
release into a store.
"""
