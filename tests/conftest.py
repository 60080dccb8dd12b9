"""Shared fixtures: the real corpus beside the project, the catalog, built and empty stores, analysed reports.

What is costly (building a store, analysing a report PDF) is done once per run, whichever
pytest-xdist worker asks first (:mod:`tests.fixtures.once`).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from lineage.catalog import Catalog
from lineage.store import Store
from tests.fixtures import once as once_cache
from tests.fixtures.once import content_key, fingerprint, once, run_folder, store_once
from tests.graph.lineage_story import (  # noqa: F401  (session fixtures: defined here, each is built once)
    built_graph,
    relations_graph,
    reports_graph,
    reports_store_path,
    story_graph,
    story_store_path,
)

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
"""torch's OpenMP threads sleep while they wait instead of spinning (set before torch loads; pytest-xdist
workers inherit it).  With two workers on two cores each worker's default intra-op threads spun on the
cores the other worker needed: the technique tests' ``threads=default`` runs took 48 CPU-s against 2.3 for
``threads=1`` (one MoE test 20.8 CPU-s, 0.3 with one thread; 3.8 CPU-s with this setting).  The number of
threads, and so how kernels split their reductions, is unchanged."""

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"

SLOW_FIXTURES = {"prepare_once", "reports_store_path", "reports_graph", "bolt"}
"""A test that uses one of these (reports analysed one by one, every corpus report ingested, a Bolt server) is slow."""


TERMINAL_ENV = ("COLUMNS", "LINES")
"""What the CLI reads to fit tables to a terminal (``lineage.cli.text_table``); unset when output goes to a pipe."""


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """pytest-xdist, in the controller: hand each worker the terminal size variables this session has (or not),
    and the once-cache's fingerprint (:data:`tests.fixtures.once.RUN_FINGERPRINT`)."""
    node.workerinput["terminal_env"] = {name: os.environ.get(name) for name in TERMINAL_ENV}
    node.workerinput["once_fingerprint"] = fingerprint()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist, in the controller: ``--dist loadscope`` hands out the costliest work first
    (:class:`tests.fixtures.schedule.CostFirst`); other modes are xdist's own."""
    if config.getvalue("dist") == "loadscope":
        from tests.fixtures.schedule import CostFirst

        return CostFirst(config, log)
    return None


def pytest_configure(config):
    """In an xdist worker, restore the controller's ``COLUMNS``/``LINES`` (the worker's readline exports 80x24)
    and take the controller's once-cache fingerprint."""
    once_cache.RUN_FINGERPRINT = getattr(config, "workerinput", {}).get("once_fingerprint")
    env = getattr(config, "workerinput", {}).get("terminal_env")
    for name, value in (env or {}).items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def pytest_collection_modifyitems(config, items):
    """Mark ``slow`` what ``-m "not slow"`` leaves out: the fixtures above, browser tests and the CLI fuzzing.

    Tests slow for their own reasons carry ``@pytest.mark.slow`` in their module.
    """
    fuzz = ROOT / "tests" / "fuzz"
    for item in items:
        if (SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) or item.get_closest_marker("browser")
                or fuzz in Path(str(item.path)).parents):
            item.add_marker(pytest.mark.slow)


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
    """A store built once per run by ``lineage.build.build``, copied for this worker (read-only for tests)."""
    from lineage.build import build

    def build_at(path):
        with Store(path) as s:
            build(s, catalog)

    return store_once(run_folder(tmp_path_factory, "stores"), "built", build_at,
                      tmp_path_factory.mktemp("built") / "store")


@pytest.fixture(scope="session")
def prepare_once(tmp_path_factory, catalog):
    """``prepare_once(path, model=None)``: ``lineage.ingest.report.prepare(path, catalog, model=model)``, once per run.

    Keyed by the PDF's path, the sha256 of its bytes and ``model``; each caller gets its own copy
    (unpickled), and a refusal (``SourceFormatError``) is raised again to every caller.
    """
    from lineage.ingest.report import prepare

    folder = run_folder(tmp_path_factory, "prepared")

    def get(path: Path, model: str | None = None):
        return once(folder, content_key(path, model), lambda: prepare(path, catalog, model=model))

    return get


@pytest.fixture(scope="session")
def read_pdf_once(tmp_path_factory):
    """``read_pdf_once(path)``: ``lineage.ingest.pdf.read_pdf(path)``, once per run (keyed as :func:`prepare_once`)."""
    from lineage.ingest.pdf import read_pdf

    folder = run_folder(tmp_path_factory, "pdf")

    def get(path: Path):
        return once(folder, content_key(path), lambda: read_pdf(path))

    return get


@pytest.fixture(scope="session")
def once_in_run(tmp_path_factory):
    """``once_in_run(key, compute)``: ``compute()`` once per run and code (:func:`tests.fixtures.once.once`),
    for a module's costly reading of the corpus; ``key`` names it within its module."""
    folder = run_folder(tmp_path_factory, "modules")
    return lambda key, compute: once(folder, key, compute)


@pytest.fixture
def built_copy(built_store_path, tmp_path) -> Path:
    """A copy of the built store this test may change: what ``build`` writes into an empty store."""
    return Path(shutil.copytree(built_store_path, tmp_path / "built"))


@pytest.fixture
def built_copy_store(built_copy) -> Store:
    """The built store, opened on a copy this test may change."""
    s = Store(built_copy)
    yield s
    s.close()


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
