"""The committed JSON Schemas in seeds/schema/ are what `lineage schema` generates now."""

from lineage.catalog.schema import schemas
from lineage.paths import data_dir


def test_committed_schemas_are_up_to_date():
    committed = data_dir("seeds") / "schema"
    for name, text in schemas().items():
        path = committed / name
        assert path.exists(), f"{path} missing: run 'lineage schema'"
        assert path.read_text() == text, f"{path} is stale: run 'lineage schema'"
