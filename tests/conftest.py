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

def pytest_generate_tests(metafunc):
    """Technique tests run twice: on one intra-op thread and on torch's default count.

    Modules under ``tests/techniques/`` that import torch at the top
    (``torch = pytest.importorskip("torch")``) get both runs. Parallel kernels split reductions
    differently from single-threaded ones, and vectorised kernels round differently from scalar
    ones and from CPU to CPU (issue 21: float32 ``cos`` rounded differently on AMD EPYC than on
    Intel). A tolerance that holds for one split only is tighter than the dtype allows; running
    both splits catches that on whatever machine CI gets.
    """
    in_techniques = Path(str(metafunc.definition.path)).parent.name == "techniques"
    if in_techniques and getattr(metafunc.module, "torch", None) is not None:
        metafunc.parametrize("torch_threads", [1, 0], indirect=True, ids=["threads=1", "threads=default"])


@pytest.fixture(autouse=True)
def torch_threads(request):
    """Set torch's intra-op threads for one test (0 = leave the default), restoring them after."""
    threads = getattr(request, "param", 0)
    if not threads:
        yield threads
        return
    import torch

    default = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield threads
    finally:
        torch.set_num_threads(default)
