"""Doctest collection: the torch modules are skipped, not errors, when the techniques extra is absent."""

import importlib.util

collect_ignore = [] if importlib.util.find_spec("torch") else [
    "mla.py", "kv_cache.py", "moe.py", "muon.py", "mtp.py", "dsa.py", "yarn.py", "mhc.py", "hash_routing.py", "grpo.py",
    "fp8_blockwise.py",
]
