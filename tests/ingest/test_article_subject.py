"""The document's own model the catalog lacks: a title name the document links a repository of (open world)."""

from __future__ import annotations

from lineage.ingest.article import ArticleResolver, read, read_article
from lineage.ingest.article_subject import own_name

POST = """# Running ZORX Chat on Big GPUs

ZORX is a decoder-only language model with 90 billion parameters. ZORX uses grouped query attention (GQA).

```python
model = AutoModelForCausalLM.from_pretrained("acme/zorx-chat")
```
"""


def _drafts(catalog, tmp_path, text: str) -> set[tuple]:
    path = tmp_path / "a.md"
    path.write_text(text)
    drafts, _ = read(read_article(path), catalog)
    return {(d.subject, d.predicate.value, d.object or d.value, d.qualifiers.get("name")) for d in drafts}


def test_a_title_name_with_a_linked_repository_is_the_document_s_model(catalog, tmp_path):
    got = _drafts(catalog, tmp_path, POST)
    assert ("zorx", "uses", "gqa", "ZORX") in got
    assert ("zorx", "totalParameters", 90 * 10**9, "ZORX") in got


def test_without_a_repository_of_that_name_the_title_names_nothing(catalog, tmp_path):
    got = _drafts(catalog, tmp_path, POST.replace("acme/zorx-chat", "acme/other-model"))
    assert not any(s == "zorx" for s, *_ in got), got


def test_words_acronym_plurals_and_catalog_names_are_not_own_names(catalog):
    r = ArticleResolver(catalog)
    assert own_name("Serving LLMs on GPUs", "see org/LLMs and org/GPUs", r) is None
    assert own_name("Notes on Kimi K2 and ZORX", "org/zorx", r) is None  # the catalog names the subject
    assert own_name("Training with Pipelines", "org/pipelines", r) is None  # an English word


def test_a_library_with_a_repository_is_not_a_model_and_a_non_breaking_hyphen_joins_a_name(catalog):
    r = ArticleResolver(catalog)
    assert own_name("ZorkServe V1 is out", "ZorkServe is a library for LLM inference: acme/zorkserve", r) is None
    assert own_name("Serving ZORX\u2011Lite on GPUs", "The ZORX-Lite model is small. acme/zorx-lite-7b", r) == "ZORX-Lite"
