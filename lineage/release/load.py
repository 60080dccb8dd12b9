"""The shipped release into a store: its graphs dropped, the N-Quads bulk-loaded, the adoption index rebuilt."""

from __future__ import annotations

import hashlib
from pathlib import Path

from lineage.errors import SourceFormatError
from lineage.paths import data_dir
from lineage.release.build import MANIFEST, QUADS, ReleaseManifest, read_release


def shipped() -> Path | None:
    """The release folder in this installation (``seeds/release``), or None when none is shipped."""
    folder = data_dir("seeds") / "release"
    return folder if (folder / QUADS).is_file() and (folder / MANIFEST).is_file() else None


def load_release(store, directory: Path, sources=()) -> ReleaseManifest:
    """Replace the graphs of the release (and of ``sources``: (document, claims, entities)) in one bulk load.

    The quads must hash as the manifest says; a different file is refused, naming it.
    """
    data, manifest = read_release(directory)
    digest = hashlib.sha256(data).hexdigest()
    if digest != manifest.quads_sha256:
        raise SourceFormatError(
            f'release "{Path(directory) / QUADS}" does not match its manifest (sha256 {digest[:12]}… != '
            f"{manifest.quads_sha256[:12]}…); rebuild it with 'lineage release build'"
        )
    from lineage.store.bulk import load_quads

    load_quads(store, data, manifest.graph_names, sources)
    return manifest
