"""The bundled model configs: ``seeds/sources/configs.yaml`` lists where each file in
``seeds/sources/configs/`` came from (the config reader ingests them; measurements read them).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from lineage.domain import SourceKind
from lineage.paths import data_dir


class ConfigSource(BaseModel):
    """Where a config file came from (from ``seeds/sources/configs.yaml`` or the command line)."""

    file: str = Field(description="File name.")
    model: str = Field(description="Model id the config describes.")
    repo: str | None = Field(None, description="Hugging Face repo whose config this is.")
    copied_from: str | None = Field(None, description="Repository this copy was taken from.")
    path_in_repo: str | None = Field(None, description="Path of the file in that repository.")
    commit: str | None = Field(None, description="Commit of that repository.")
    sha256: str | None = Field(None, description="Hash of the exact bytes.")
    kind: SourceKind = Field(SourceKind.PRIMARY, description="Primary for the publisher's own file.")
    derivative: bool = Field(False, description="A third party's re-encoding (quantization) of the model.")
    url: str | None = Field(None, description="Where to fetch this exact copy.")
    note: str | None = Field(None, description="Provenance caveats.")
    discovered: bool = Field(False, description="The model is not in the catalog; its id comes from the repo name.")


def bundled_configs() -> list[ConfigSource]:
    """The configs shipped in ``seeds/sources/configs.yaml``."""
    import yaml

    rows = yaml.safe_load((data_dir("seeds") / "sources" / "configs.yaml").read_text(encoding="utf-8"))
    return [ConfigSource.model_validate(r) for r in rows]


def bundled_dir() -> Path:
    """The folder of the bundled configs (``seeds/sources/configs``)."""
    return data_dir("seeds") / "sources" / "configs"
