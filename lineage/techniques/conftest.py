"""Doctest collection: the torch modules are skipped, not errors, when the techniques extra is absent."""

import importlib.util

from lineage.techniques import IMPLEMENTATIONS

collect_ignore = [] if importlib.util.find_spec("torch") else sorted({f"{m}.py" for m in IMPLEMENTATIONS.values()})
