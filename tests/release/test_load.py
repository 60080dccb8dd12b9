"""``lineage build`` with a graph release: bulk-loaded, indexed, equal to what was ingested."""

from __future__ import annotations

import gzip

import pytest

from lineage.build import build
from lineage.errors import SourceFormatError
from lineage.store import Store
from lineage.store.release_files import QUADS


def claim_keys(store):
    return sorted((c.source, c.id, c.status.value, len(c.evidence)) for c in store.claims() if not c.source.startswith("catalog:"))


def test_a_store_loaded_from_a_release_holds_what_was_ingested(small_release, built_store, catalog, tmp_path):
    folder, manifest = small_release
    # the bundled configs, and the family-change graphs derived from them (no corpus source)
    assert manifest.kinds["config"] == 25 and set(manifest.kinds) == {"config", "family"}
    with Store(tmp_path / "s") as st:
        report = build(st, catalog, release=folder)
        assert report.release.quads == manifest.quads
        assert claim_keys(st) == claim_keys(built_store)
        # the adoption index was rebuilt from the loaded claims
        rows = st.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/lineage/index/adoption> { ?m ?p ?t } }")
        assert rows[0]["n"] > 50


def test_loading_twice_changes_nothing(small_release, catalog, tmp_path):
    folder, _ = small_release
    with Store(tmp_path / "s") as st:
        build(st, catalog, release=folder)
        first = len(st)
        build(st, catalog, release=folder)
        assert len(st) == first


def test_a_release_that_does_not_match_its_manifest_is_refused(small_release, catalog, tmp_path):
    folder, _ = small_release
    bad = tmp_path / "bad"
    bad.mkdir()
    for f in folder.iterdir():
        (bad / f.name).write_bytes(f.read_bytes())
    data = gzip.decompress((bad / QUADS).read_bytes()).replace(b"vocab#Verified", b"vocab#Reported", 1)
    assert data != gzip.decompress((folder / QUADS).read_bytes())
    (bad / QUADS).write_bytes(gzip.compress(data))
    with Store(tmp_path / "s") as st, pytest.raises(SourceFormatError, match="does not match its manifest"):
        build(st, catalog, release=bad)
