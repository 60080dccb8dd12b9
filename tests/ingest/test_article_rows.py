"""Variant tables: a row whose first cell is a download reference is the model it names (catalog names only)."""

from __future__ import annotations

from lineage.ingest.article import read, read_article


def _read(catalog, tmp_path, text: str) -> set[tuple]:
    path = tmp_path / "a.md"
    path.write_text(text)
    drafts, _ = read(read_article(path), catalog)
    return {(d.subject, d.predicate.value, d.object or d.value, d.locator.split(" (")[0]) for d in drafts}


def test_a_variant_table_row_is_the_model_its_download_reference_names(catalog, tmp_path):
    text = ("# Variants\n\n| Variant | Parameters | Context window |\n|---|---|---|\n"
            "| `acme/gpt-oss:120B-Q4_K_M` | 120B | 131K tokens |\n| `registry/qwen3:latest` | 8B | 32K tokens |\n"
            "| `acme/zork9:7B-Q8_0` | 7B | 8K tokens |\n")
    got = _read(catalog, tmp_path, text)
    assert ("gpt-oss-120b", "contextLength", 134144, "line 5") in got
    assert ("gpt-oss-120b", "totalParameters", 120 * 10**9, "line 5") in got
    assert not any(s.startswith(("zork", "acme", "registry")) for s, _, _, _ in got), got  # a registry's spelling the catalog lacks

