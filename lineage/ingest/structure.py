"""A text document as structural units: headings, sentences, list items with what is over them, table rows.

Every reader of prose (articles now; cards and report text can take the same path) needs more than
sentences: the shapes documents use most are list items under a heading or a lead-in line
("**MLA camp**: A, B, C"), table rows read through their header cells, and parentheticals.  This
module turns Markdown (CommonMark with tables, parsed by ``markdown-it-py``) or HTML/plain text into
:class:`Unit` values, each carrying its 1-based line in the file, so a locator names the line the
user can open.

- front matter (``---`` … ``---``) gives the title and is not read as text; template tags
  (``{% … %}``, ``{{% … %}}``) are skipped;
- a heading is a unit of its own and heads every unit under it (``headings``, outermost first);
- a paragraph is split into sentences;
- a list item is split into sentences, each with the item's ``label`` (its leading bold or
  ``Label:`` text), its ``body`` (what follows the label) and its ``lead`` (the lead-in sentence over
  the list, or, in a nested list, the parent item's label or first sentence);
- a table row carries its cells and the header cells over them.

Examples
--------
>>> us = units("# Title\\n\\nIntro to the list:\\n\\n- **A camp**: X, Y\\n\\n| Model | Params |\\n|---|---|\\n| X | 7B |\\n")
>>> [(u.kind, u.line) for u in us]
[('heading', 1), ('sentence', 3), ('item', 5), ('row', 9)]
>>> us[2].label, us[2].body, us[2].lead, us[3].header, us[3].cells
('A camp', 'X, Y', 'Intro to the list:', ('Model', 'Params'), ('X', '7B'))
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from lineage.ingest import markup
from lineage.ingest.text import MAX_SENTENCE_CHARS, SPLIT


@dataclass
class Unit:
    """One structural unit of a document."""

    kind: str
    """``heading``, ``sentence``, ``item`` (a sentence of a list item) or ``row`` (a table row)."""
    text: str
    """Plain text, markup removed (a row: its cells joined by `` | ``)."""
    line: int
    """1-based line of the file where the unit starts."""
    headings: tuple[str, ...] = ()
    label: str = ""
    body: str = ""
    lead: str = ""
    header: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()
    first: bool = True
    """For an item: whether this is the item's first sentence (the one its label starts)."""


_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
_TEMPLATE = re.compile(r"^\s*\{\{?%.*%\}\}?\s*$")
_LABEL = re.compile(r"^\s*(?:(\*\*|__)(?P<a>[^*_\n]{1,80}?)\s*[:.]?\s*\1\s*[:,—–]?|(?P<b>[A-Z][^:.!?\n]{0,60}?):)(?=\s|$)\s*")
_MD = MarkdownIt("commonmark").enable("table")


def title_of(text: str) -> str | None:
    """The ``title:`` of a document's front matter, if it has one."""
    front = _FRONT.match(text)
    m = re.search(r"(?m)^title:\s*[\"']?(.*?)[\"']?\s*$", front.group(1)) if front else None
    return m.group(1) if m else None


def first_heading(text: str) -> str | None:
    """The first top-level Markdown heading outside the front matter and code fences (``# Title`` or one underlined
    with ``=``)."""
    fenced = False
    lines = _blank_front(text).split("\n")
    for k, ln in enumerate(lines):
        if re.match(r"\s*(?:```|~~~)", ln):
            fenced = not fenced
            continue
        if fenced:
            continue
        h = re.match(r"\s{0,3}#\s+(.*?)[\s#]*$", ln)
        if h and h.group(1).strip():
            return h.group(1).strip()
        if ln.strip() and k + 1 < len(lines) and re.fullmatch(r"\s*=+\s*", lines[k + 1]):
            return ln.strip()
    return None


_TITLE_TAIL = re.compile(r"[-\s]+(?:specific\s+)?(?:features?|summary|architecture|overview|model\s+card|technical\s+report)\b.*$",
                         re.I)


def bare_title(text: str) -> str:
    """A heading or title without what follows a model's name ("Zork-9 Model Card", "Zork-9-Specific Features")."""
    return _TITLE_TAIL.sub("", text)


def _blank_front(text: str) -> str:
    front = _FRONT.match(text)
    if front:
        text = "\n" * front.group(0).count("\n") + text[front.end():]
    return "\n".join("" if _TEMPLATE.match(ln) else ln for ln in text.split("\n"))


def _plain(raw: str) -> list[str]:
    """Raw inline Markdown as plain lines, one per source line."""
    raw = re.sub(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])", r"\1", raw)  # *emphasis*
    return [ln.replace("\n\n", " ") for ln in markup.text_lines(raw)]


def split_sentences(lines: list[str], first_line: int) -> list[tuple[int, str]]:
    """(line, sentence) for the sentences of consecutive plain ``lines`` starting at ``first_line``."""
    joined = "\n".join(lines)
    flat = joined.replace("\n", " ")  # same length: offsets stay valid
    out, start = [], 0
    for m in list(SPLIT.finditer(flat)) + [None]:
        end = m.start() if m else len(flat)
        piece = flat[start:end]
        lead = len(piece) - len(piece.lstrip())
        piece = piece.strip()
        if piece:
            at = start + lead
            for k in range(0, len(piece), MAX_SENTENCE_CHARS):
                out.append((first_line + joined.count("\n", 0, at + k), piece[k : k + MAX_SENTENCE_CHARS]))
        start = m.end() if m else end
    return out


def units(text: str) -> list[Unit]:
    """The units of a Markdown or HTML/plain-text document, in document order."""
    if re.match(r"\s*<(?:!DOCTYPE|html|body|head)\b", text, re.I):
        return _line_units(markup.text_lines(text))
    return _markdown_units(_blank_front(text))


def _line(token: Token) -> int:
    """The first line (from 1) of a block token; markdown-it maps every block token to its lines."""
    assert token.map is not None
    return token.map[0] + 1


def _markdown_units(text: str) -> list[Unit]:
    tokens = _MD.parse(text)
    out: list[Unit] = []
    headings: list[tuple[int, str]] = []
    lists: list[str] = []  # lead of each open list, innermost last
    items: list[dict] = []  # open list items: label, text of first sentence
    last_para = ""
    header: list[str] = []
    row: list[str] | None = None
    row_line = 0
    in_head = False
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.type == "heading_open":
            level = int(t.tag[1])
            content = " ".join(_plain(tokens[i + 1].content)).strip()
            headings = [h for h in headings if h[0] < level] + [(level, content)]
            out.append(Unit("heading", content, _line(t), tuple(h for _, h in headings[:-1])))
            last_para = ""
            i += 3
            continue
        if t.type in ("bullet_list_open", "ordered_list_open"):
            parent = items[-1] if items else None
            lists.append((parent["label"] or parent["text"]) if parent else last_para)
        elif t.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            last_para = ""
        elif t.type == "list_item_open":
            items.append({"label": "", "text": "", "started": False})
        elif t.type == "list_item_close":
            items.pop()
        elif t.type == "thead_open":
            in_head, header = True, []
        elif t.type == "thead_close":
            in_head = False
        elif t.type == "tr_open":
            row, row_line = [], _line(t)
        elif t.type == "tr_close" and row is not None:
            if in_head:
                header = row
            else:
                out.append(Unit("row", " | ".join(row), row_line, tuple(h for _, h in headings),
                                header=tuple(header), cells=tuple(row)))
            row = None
        elif t.type == "html_block" and t.map:
            for u in _line_units(markup.text_lines(t.content)):
                u.line += t.map[0]
                u.headings = tuple(h for _, h in headings)
                out.append(u)
        elif t.type == "inline" and row is not None:
            # a cell that is one code span is an identifier ("`org/model:tag`"), not a command line as in prose
            cell = re.sub(r"^\s*`([^`]+)`\s*$", r"\1", t.content)
            row.append(" ".join(_plain(cell)).strip())
        elif t.type == "inline" and t.map:
            out += _paragraph(t.content, t.map[0] + 1, tuple(h for _, h in headings), items, lists)
            if not items:
                last_para = out[-1].text if out and out[-1].kind == "sentence" else last_para
        i += 1
    return out


def _paragraph(raw: str, line: int, headings: tuple[str, ...], items: list[dict], lists: list[str]) -> list[Unit]:
    if not items:
        m = _LABEL.match(raw)
        if m and m.group("a") and raw[m.end():].strip():
            # "**Label**: body" opening a paragraph reads as a list item does: the label says what its body is
            label = " ".join(_plain(m.group("a"))).strip().rstrip(":")
            body = " ".join(_plain(raw[m.end():])).strip()
            return [Unit("item", s, ln, headings, label=label, body=body if k == 0 else s, first=k == 0)
                    for k, (ln, s) in enumerate(split_sentences(_plain(raw), line))]
        return [Unit("sentence", s, ln, headings) for ln, s in split_sentences(_plain(raw), line)]
    item = items[-1]
    label, body_raw = "", raw
    m = _LABEL.match(raw) if not item["started"] else None
    if m and (m.group("a") or len((m.group("b") or "").split()) <= 6):
        label = " ".join(_plain(m.group("a") or m.group("b"))).strip().rstrip(":")
        body_raw = raw[m.end():]
    plain = _plain(raw)
    found = split_sentences(plain, line)
    opening = not item["started"]
    if opening:
        item.update(label=label, text=found[0][1] if found else "", started=True)
    body = " ".join(_plain(body_raw)).strip()
    lead = lists[-1] if lists else ""
    return [Unit("item", s, ln, headings, label=item["label"], body=body if k == 0 else s, lead=lead, first=opening and k == 0)
            for k, (ln, s) in enumerate(found)]


def _line_units(lines: list[str]) -> list[Unit]:
    """Units of text already flattened line for line (HTML, plain text): paragraphs, pipe rows, bullets."""
    out: list[Unit] = []
    header: tuple[str, ...] = ()
    lead = ""
    for n, line in enumerate(lines, start=1):
        for part in line.split("\n\n"):
            part = part.strip()
            if not part:
                header = ()
                continue
            if part.count(" | ") >= 1 and not re.search(r"[.!?]\s", part):
                cells = tuple(c.strip() for c in part.split("|") if c.strip())  # a tag per cell edge leaves empty ones
                if not header:
                    header = cells
                else:
                    out.append(Unit("row", part, n, header=header, cells=cells))
                continue
            header = ()
            item = markup.bullet(part)
            if item is not None:
                m = _LABEL.match(item)
                label = (m.group("a") or m.group("b") or "").strip() if m else ""
                body = item[m.end():] if m else item
                out += [Unit("item", s, n, label=label, body=body, lead=lead, first=k == 0)
                        for k, (_, s) in enumerate(split_sentences([item], n))]
                continue
            title = markup.heading(part)
            if title is not None:
                out.append(Unit("heading", title, n))
                continue
            found = split_sentences([part], n)
            out += [Unit("sentence", s, n) for _, s in found]
            lead = found[-1][1] if found else lead
    return out
