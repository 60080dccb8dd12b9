"""``python -m lineage``."""

from lineage.cli import run

run()
