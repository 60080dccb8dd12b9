"""Where lineage finds its bundled data and keeps its store.

Bundled data (``seeds/``, ``ontology/``, ``queries/``) lives at the repository
root in a checkout and under ``lineage/_data/`` in an installed wheel.
The default store lives in the platformdirs user data directory and can be
moved with ``--store PATH`` or ``LINEAGE_STORE``.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Directory of bundled data: ``seeds``, ``ontology`` or ``queries``."""
    for candidate in (_PACKAGE.parent / name, _PACKAGE / "_data" / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled data directory {name!r} is missing from this installation")


def default_store() -> Path:
    """Store location: ``$LINEAGE_STORE`` or the user data dir."""
    env = os.environ.get("LINEAGE_STORE")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("lineage", appauthor=False) / "store"


def cache_dir() -> Path:
    """Download cache (arXiv PDFs, Hugging Face files)."""
    env = os.environ.get("LINEAGE_CACHE")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path("lineage", appauthor=False)


def write_cached(path: Path, data: bytes) -> bool:
    """Write a cache file whole or not at all (readers never see half of it); False where it cannot be written."""
    part = path.with_name(f"{path.name}.{os.getpid()}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        part.write_bytes(data)
        os.replace(part, path)
    except OSError:
        part.unlink(missing_ok=True)
        return False
    return True
