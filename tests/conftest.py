"""Shared fixtures: the real corpus beside the project, the catalog, built and empty stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from lineage.catalog import Catalog
from lineage.store import Store

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """``../shared/corpus``; tests that read real documents skip without it."""
    if not (CORPUS / "MANIFEST.tsv").exists():
        pytest.skip(f"real corpus not found at {CORPUS} (CI always has ../shared)")
    return CORPUS


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return Catalog.load()


@pytest.fixture
def store(tmp_path) -> Store:
    """An empty on-disk store."""
    s = Store(tmp_path / "store")
    yield s
    s.close()


@pytest.fixture(scope="session")
def built_store_path(tmp_path_factory, catalog) -> Path:
    """A store built once per session by ``lineage.build.build`` (read-only for tests)."""
    from lineage.build import build

    path = tmp_path_factory.mktemp("built") / "store"
    with Store(path) as s:
        build(s, catalog)
    return path


@pytest.fixture
def built_store(built_store_path) -> Store:
    s = Store(built_store_path)
    yield s
    s.close()
