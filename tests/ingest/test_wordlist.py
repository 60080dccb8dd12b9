"""The English word list from its compact sorted copy (lineage.ingest.wordlist, issue 31)."""

from __future__ import annotations

from english_words import get_english_words_set

from lineage.ingest import wordlist

SAMPLE = ["scaling", "leverage", "consist", "ascend", "yarn", "moonlight", "zymurgy", "a", "zzzz", "opensource",
          "finegrained", "", "Scaling", "aardvark"]


def test_the_sorted_copy_answers_as_the_packaged_set(tmp_path, monkeypatch):
    monkeypatch.setenv("LINEAGE_CACHE", str(tmp_path))
    packaged = get_english_words_set([wordlist.SOURCE], lower=True)
    wordlist.english_words.cache_clear()
    first = wordlist.english_words()  # from the package; writes the copy
    [copy] = (tmp_path / "words").iterdir()
    wordlist.english_words.cache_clear()
    second = wordlist.english_words()  # from the copy
    assert len(first) == len(second) == len(packaged)
    for word in SAMPLE:
        assert (word in first) == (word in second) == (word in packaged), word
    assert copy.read_text(encoding="utf-8").split("\n") == sorted(packaged)
    wordlist.english_words.cache_clear()
