"""Documents as structural units: each unit with its file line and what is over it (written for the test)."""

from __future__ import annotations

from lineage.ingest.structure import split_sentences, title_of, units

DOC = """---
title: "A note"
layout: post
---

# Overview

The list below has a lead-in:

- **Camp one**: A, B
- Plain item. It has two sentences.
  - nested under the plain item

{% comment %}

| Model | Params | Context |
|---|---|---|
| M-1 | 7B | 32K |

<div>
<table><tr><td>Key</td><td>Value</td></tr><tr><td>Size</td><td>3B</td></tr></table>
</div>
"""


def test_front_matter_gives_the_title_and_is_not_text():
    assert title_of(DOC) == "A note"
    assert not any("layout" in u.text for u in units(DOC))


def test_units_carry_their_file_line_kind_and_headings():
    got = [(u.kind, u.line, u.text) for u in units(DOC)]
    assert ("heading", 6, "Overview") in got
    assert ("sentence", 8, "The list below has a lead-in:") in got
    assert ("item", 11, "Plain item.") in got and ("item", 11, "It has two sentences.") in got
    assert all(u.headings == ("Overview",) for u in units(DOC) if u.kind != "heading")
    assert not any("comment" in t for _, _, t in got)


def test_list_items_have_label_body_and_lead():
    items = [u for u in units(DOC) if u.kind == "item"]
    camp = items[0]
    assert (camp.label, camp.body, camp.lead, camp.first) == ("Camp one", "A, B", "The list below has a lead-in:", True)
    nested = [u for u in items if u.text.startswith("nested")][0]
    assert nested.lead == "Plain item." and nested.line == 12
    second = [u for u in items if u.text == "It has two sentences."][0]
    assert not second.first


def test_table_rows_carry_their_header_cells_markdown_and_html():
    rows = [u for u in units(DOC) if u.kind == "row"]
    assert (rows[0].line, rows[0].header, rows[0].cells) == (18, ("Model", "Params", "Context"), ("M-1", "7B", "32K"))
    assert rows[1].cells == ("Size", "3B") and rows[1].header == ("Key", "Value")


def test_sentences_keep_the_line_they_start_on():
    assert split_sentences(["First one. Second", "goes on. Third."], 5) == [(5, "First one."), (5, "Second goes on."), (6, "Third.")]


def test_an_html_document_is_read_line_for_line():
    got = [(u.kind, u.line) for u in units("<html>\n<p>One sentence.</p>\n<ul><li>an item</li></ul>\n</html>")]
    assert ("sentence", 2) in got


def test_a_bold_label_opening_a_paragraph_reads_as_an_item():
    got = [u for u in units("# Card\n\n**Model developer**: Meta\n\nPlain **bold** text: not a label.\n") if u.kind != "heading"]
    assert (got[0].kind, got[0].label, got[0].body) == ("item", "Model developer", "Meta")
    assert got[1].kind == "sentence"


def test_the_first_top_level_heading_outside_code_is_a_title():
    from lineage.ingest.structure import first_heading

    text = "---\nlicense: mit\n---\n\n```python\n# a comment\n```\n\n## Section\n\n# Zork-9 Model Card\n"
    assert first_heading(text) == "Zork-9 Model Card"
    assert first_heading("No heading\n\n## Only a section\n") is None
