"""JSON Schemas for the seed files, generated from the pydantic models.

``lineage schema`` writes them to ``seeds/schema/``; editors use them to check
seed YAML as it is typed, and a test fails when the committed copies are stale.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import TypeAdapter

from lineage.catalog.config_sources import ConfigSource
from lineage.catalog.seeds import SEED_FILES
from lineage.paths import data_dir


def schemas() -> dict[str, str]:
    """File name -> JSON Schema text, one per seed file."""
    models = {**SEED_FILES, "sources/configs.yaml": ConfigSource}
    out = {}
    for seed, model in models.items():
        schema = TypeAdapter(list[model]).json_schema()  # type: ignore[valid-type]  # the item model is the file's
        schema["title"] = f"lineage seeds/{seed}"
        name = seed.replace("/", "-").removesuffix(".yaml") + ".schema.json"
        out[name] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return out


def write_schemas(directory: Path | None = None) -> list[Path]:
    """Write every schema to ``directory`` (default ``seeds/schema``); return the paths written."""
    directory = directory or data_dir("seeds") / "schema"
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schemas().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
