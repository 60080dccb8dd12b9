"""No phrasing cue of the report path is written for one document.

Every compiled pattern a report-path module keeps at module level (alone or inside a dict, list or tuple) is
run over the text of every corpus report, card and article (the modules read all three); a pattern that fires in fewer than two documents of
different labs fails, unless :data:`LISTED` gives the reason it stays. Catalog aliases are not cues (they
are names); aliases that are ordinary English words are tested separately: they count only spelt as a name.
Patterns written inline in a function are not collected here (keep cues at module level, named).
"""

from __future__ import annotations

import importlib
import re
from collections import defaultdict
from pathlib import Path

import pytest

from lineage.catalog import Catalog
from lineage.domain import EntityKind
from lineage.ingest.text import alias_patterns, ordinary_word

MODULES = (
    "adoption_rules", "adoption_led", "comparisons", "discovery", "facts", "hardware_ties", "makers", "prose", "relations", "report",
    "report_architecture", "report_columns", "report_inherit", "report_subjects",
)
_RELATION_SHAPE = ("a relation shape between two technique names; this test's stand-in for relations.find (names "
                   "replaced by a placeholder, citations not resolved) under-counts it: test_relations.py measures it")
LISTED: dict[str, str] = {
    # "module.NAME": the reason a pattern that fires in fewer than two labs' documents stays
    "comparisons._PATTERNS[Predicate.INFERENCE_FLOPS_RATIO]": "a number with its unit (N% of FLOPs), not a phrase",
    "comparisons._PATTERNS[Predicate.KV_CACHE_RATIO]": "a number with its unit (N% of the KV cache), not a phrase",
    "facts._SLASH": "a number shape (active/total parameters, '3B/16B-parameter'), not a phrase",
    "hardware_ties._NATIVE": "a device line's name in another script (an alias, cited in seeds/hardware.yaml), not a phrase",
    **{f"relations._RULES[{i}][1]": _RELATION_SHAPE for i in (0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11)},
}


def cues() -> dict[str, re.Pattern]:
    out: dict[str, re.Pattern] = {}

    def walk(name: str, value, depth: int = 0) -> None:
        if isinstance(value, re.Pattern):
            out[name] = value
        elif depth < 3 and isinstance(value, dict):
            for k, v in value.items():
                walk(f"{name}[{k}]", v, depth + 1)
        elif depth < 3 and isinstance(value, list | tuple):
            for i, v in enumerate(value):
                walk(f"{name}[{i}]", v, depth + 1)

    for module_name in MODULES:
        module = importlib.import_module(f"lineage.ingest.{module_name}")
        for attr, value in vars(module).items():
            if not attr.startswith("__"):
                walk(f"{module_name}.{attr}", value)
    return out


def loosened(pattern: re.Pattern) -> re.Pattern:
    """A cue anchored to the start or end of the fragment it is applied to ("^…", "…$"), unanchored, so that
    it can be looked for anywhere in a document."""
    source = re.sub(r"^\^", "", pattern.pattern)
    source = re.sub(r"(?<!\\)\$$", "", source)
    return re.compile(source, pattern.flags)


def marked(text: str, patterns: dict[str, re.Pattern]) -> str:
    """The text with every technique name replaced by a placeholder, as relation rules read it."""
    for pattern in patterns.values():
        text = pattern.sub("⟦0⟧", text)
    return text


def lab_of(path: Path) -> str:
    """The lab (a report's or card's repository owner) or the author (an article's site) of a document."""
    if path.name == "README.md":
        return path.parent.name.split("__")[0].lower()
    return re.split(r"__|-", path.name)[0].lower()


def other_documents(corpus: Path) -> list[Path]:
    """Cards and articles: the modules that read reports read these too."""
    articles = [p for folder in ("articles", "articles2") for p in sorted((corpus / folder).glob("*.md"))
                if not p.name.endswith(".labels.md") and p.name != "README.md"]
    return articles + sorted((corpus / "hf").glob("*/README.md"))


@pytest.fixture(scope="module")
def texts(corpus, read_pdf_once) -> dict[Path, str]:
    pdfs = sorted((corpus / "reports").glob("*.pdf")) + sorted((corpus / "new" / "reports").glob("*.pdf"))
    if not pdfs:
        pytest.skip("no corpus reports here (../shared/corpus/reports)")
    patterns = alias_patterns(Catalog.load())
    out = {}
    for p in pdfs + other_documents(corpus):
        raw = "\n".join(read_pdf_once(p).pages) if p.suffix == ".pdf" else p.read_text(errors="replace")
        text = re.sub(r"\s+", " ", raw)
        out[p] = text + "\n" + marked(text, patterns)
    return out


def firing(texts: dict[Path, str]) -> dict[str, set[str]]:
    labs: dict[str, set[str]] = defaultdict(set)
    for name, pattern in cues().items():
        loose = loosened(pattern)
        for path, text in texts.items():
            if loose.search(text):
                labs[name].add(lab_of(path))
    return labs


def test_cues_are_collected():
    found = cues()
    assert len(found) > 50 and "adoption_rules.NEGATION_RE" in found


def test_every_cue_fires_in_reports_of_two_labs(texts):
    labs = firing(texts)
    lonely = {name: sorted(labs.get(name, ())) for name in cues() if len(labs.get(name, ())) < 2 and name not in LISTED}
    assert not lonely, f"cues that fire in fewer than two labs' reports (generalise, drop, or list with a reason): {lonely}"


def test_listed_cues_exist():
    assert set(LISTED) <= set(cues())


@pytest.mark.parametrize("kind", [EntityKind.TECHNIQUE, EntityKind.HARDWARE, EntityKind.MODEL])
def test_aliases_that_are_english_words_count_only_as_names(kind):
    catalog = Catalog.load()
    patterns = alias_patterns(catalog, kind)
    checked = 0
    for entity in catalog.of_kind(kind):
        for alias in {entity.name, *entity.aliases}:
            if not ordinary_word(alias) or entity.id not in patterns:
                continue
            checked += 1
            word = alias.lower()
            assert not patterns[entity.id].search(f"then the values {word} slowly"), (entity.id, alias)
    assert checked or kind is EntityKind.MODEL
