"""Every numeric technique test runs twice: on one intra-op thread and on torch's default count.

Parallel kernels split reductions differently from single-threaded ones, and vectorised kernels
round differently from scalar ones and from CPU to CPU (issue 21: float32 ``cos`` rounded
differently on AMD EPYC than on Intel). A tolerance that holds for one split only is tighter than
the dtype allows; running both splits catches that on whatever machine CI gets.
"""

import pytest


def pytest_generate_tests(metafunc):
    """Modules that import torch at the top (``torch = pytest.importorskip("torch")``) get both runs."""
    if getattr(metafunc.module, "torch", None) is not None:
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
