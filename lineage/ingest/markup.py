"""Markdown and HTML to plain text, line for line, so a locator's line number is the file's line.

Cards and articles are cited by line ("README.md line 49"): the text lineage reads must keep every
line of the file where it was.  :func:`text_lines` drops what is not prose (code blocks, comments,
scripts, tags, link targets, emphasis marks) without adding or removing a line break; a block
element that starts or ends inside a line ("<li>a</li><li>b</li>") becomes a paragraph break *within*
that line ("\\n\\n"), so sentences do not run together and still carry the line they came from.

Examples
--------
>>> lines = text_lines('<div align="center">\\n<img src="x.png">\\n</div>\\nWe use **MLA**, see [paper](http://a.b).')
>>> len(lines), lines[3]
(4, 'We use MLA, see paper.')
>>> text_lines("```python\\nuse_mla = True\\n```\\nDone.")
['', '', '', 'Done.']
"""

from __future__ import annotations

import html
import re

_BLOCK = "\x1e"  # a block boundary inside a line, until lines are split
_DROP = re.compile(
    r"```.*?(?:```|\Z)|~~~.*?(?:~~~|\Z)|<!--.*?(?:-->|\Z)|<(script|style|noscript|template)\b.*?(?:</\1\s*>|\Z)",
    re.S | re.I,
)
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|li|ul|ol|tr|h[1-6]|section|article|table|thead|tbody|blockquote|center|details|summary)\b[^>]*>",
    re.I,
)
_CELL_TAG = re.compile(r"</?t[dh]\b[^>]*>", re.I)
_TAG = re.compile(r"</?[A-Za-z][^>]*>|<!DOCTYPE[^>]*>", re.S)


def _keep_breaks(m: re.Match) -> str:
    return "\n" * m.group(0).count("\n")


def text_lines(text: str) -> list[str]:
    """One plain-text string per line of ``text`` (same count, same order)."""
    text = _DROP.sub(_keep_breaks, text)
    text = _BLOCK_TAG.sub(lambda m: _keep_breaks(m) + _BLOCK, text)
    text = _CELL_TAG.sub(lambda m: _keep_breaks(m) + " | ", text)
    text = _TAG.sub(_keep_breaks, text)
    out = []
    for line in text.split("\n"):
        line = html.unescape(line)
        line = re.sub(r"\{[#.][^}]*\}", "", line)  # pandoc attributes: {#id .class key=value}
        line = re.sub(r"\[\d{1,3}\]\(#[^)]*\)", "", line)  # footnote references: [2](#footnote-2)
        line = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", line)  # ![alt](src) -> alt
        line = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", line)  # [label](url) -> label
        line = re.sub(r"^\s*`[^`]+`\s*$", "", line)  # a line that is one code span is a command, not prose
        line = re.sub(r"\*\*|__|`", "", line)
        line = re.sub(r"\\([\\`*_{}\[\]()#+\-.!~'\"<>|$])", r"\1", line)  # Markdown escapes: \~ \" \'
        line = re.sub(r"\\$", "", line)  # a hard line break
        line = re.sub(r"[ \t\u00a0]+", " ", line)
        parts = [p.strip() for p in line.split(_BLOCK)]
        out.append("\n\n".join(p for p in parts if p))
    return out


def heading(line: str) -> str | None:
    """The text of a Markdown heading line ("## Kimi K2" -> "Kimi K2"), else None."""
    m = re.match(r"#{1,6}\s+(.+?)\s*#*$", line)
    return m.group(1) if m else None


def bullet(line: str) -> str | None:
    """The text of a list item ("- Uses X", "2. Uses X", "• Uses X"), else None."""
    m = re.match(r"(?:[-*+•●▪]|\d{1,2}[.)])\s+(.+)$", line)
    return m.group(1) if m else None
