"""The files of a graph release (``lineage release build``) and loading them into a store.

A release folder holds ``release.nq.gz`` (sorted N-Quads) and ``manifest.json``
(:class:`ReleaseManifest`).  Loading drops the release's graphs, bulk-loads the N-Quads and rebuilds the
adoption index.  Written by :mod:`lineage.release.write`; loaded by :func:`lineage.build.build`.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

from pydantic import BaseModel, Field

from lineage.errors import SourceFormatError
from lineage.paths import data_dir

QUADS = "release.nq.gz"
MANIFEST = "manifest.json"


class Skipped(BaseModel):
    path: str = Field(description="Corpus path of the source.")
    reason: str = Field(description="Why it is not in the release.")


class ReleaseManifest(BaseModel):
    """What a release holds."""

    sources: int = Field(description="Pinned sources read.")
    graphs: int = Field(description="Named graphs (source documents) in the release.")
    quads: int = Field(description="Quads in release.nq.gz.")
    claims: int = Field(description="Claims in the release.")
    models: int = Field(description="Models with at least one claim in the release or the catalog.")
    organizations: int = Field(description="Organizations of those models.")
    quads_sha256: str = Field(description="sha256 of the uncompressed, sorted N-Quads.")
    kinds: dict[str, int] = Field(default_factory=dict, description="Source graphs per kind (config, report, card).")
    graph_names: list[str] = Field(default_factory=list, description="IRIs of the named graphs in the release.")
    retrieved_at: str = Field(description="Retrieval time written on every evidence.")
    skipped: list[Skipped] = Field(default_factory=list, description="Listed sources not ingested, with the reason.")


def read_release(directory: Path) -> tuple[bytes, ReleaseManifest]:
    """The uncompressed quads and the manifest of a release folder."""
    directory = Path(directory)
    manifest = ReleaseManifest.model_validate_json((directory / MANIFEST).read_text(encoding="utf-8"))
    return gzip.decompress((directory / QUADS).read_bytes()), manifest


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
    from lineage.store.bulk import load_quads  # deferred for start-up: rdflib

    load_quads(store, data, manifest.graph_names, sources)
    return manifest
