"""Doctest collection: the torch modules are skipped, not errors, when the techniques extra is absent."""

import importlib.util

collect_ignore = [] if importlib.util.find_spec("torch") else [
    "mla.py", "kv_cache.py", "moe.py", "muon.py", "mtp.py", "dsa.py",
    "gated_deltanet.py", "kda.py", "lightning_attention.py", "deepseek_v4_attention.py",
]
