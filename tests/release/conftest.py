"""A small release built once per session: no corpus source, so only the bundled configs."""

from __future__ import annotations

import pytest

from lineage.release.write import build_release


@pytest.fixture(scope="session")
def small_release(tmp_path_factory):
    out = tmp_path_factory.mktemp("release")
    manifest = build_release(out, tmp_path_factory.mktemp("corpus"), sources=[])
    return out, manifest
