"""Discovering what a source is about when the catalog does not say: its model, lab, month and paper.

The catalog is an overlay, not a gate. A report of a model nobody catalogued still names the
model (title, abstract), its lab (author block) and its month (arXiv stamp, dated title page);
this module reads those from the first page and builds *discovered* entities
(``curation="discovered"``, ``discovered_in`` the source) that live in the source's own graph.

Every name goes through :class:`~lineage.catalog.resolver.Resolver` first: a name the catalog
knows lands on that entity, a family name never lands on one member, and nothing is fuzzy.
The rules read layout and wording common to technical reports, never a particular document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lineage.catalog.resolver import Resolver, name_key
from lineage.domain import ID_PATTERN, Model, Organization, Paper, SourceKind, SourceRef
from lineage.ingest.text import ordinary_word

MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}

# a model name: a token with a letter (it may start lower case or with digits, and hold dots: "Hunyuan-A13B",
# "MiniCPM-o 4.5", "Kimi K1.5", "gpt-oss-120b", "2Name"), plus up to two more tokens ("DeepSeek-OCR 2", "Yuan 2.0")
_WORD = r"(?:\d+[A-Za-z]|[A-Za-z])[A-Za-z0-9.]*"
_PART = r"-[A-Za-z0-9][A-Za-z0-9.]*"  # hyphenated parts may be lower case: "Ring-lite", "MiniCPM-o"
NAME_SHAPE = rf"(?:{_WORD}(?:{_PART})*(?: (?:[A-Z][A-Za-z0-9.]*|\d[\w.]*)(?:{_PART})*){{0,2}})"
_INTRO = re.compile(
    rf"\b[Ww]e\s+(?:also\s+|further\s+)?(?:(?:develop|build|train|introduce|release|present)\s+and\s+)?"
    rf"(?:present|introduce|release|open[- ]source|unveil)\s+(?:the\s+)?"
    rf"({NAME_SHAPE})(?=(\W{{0,3}}(?:\w+\W+){{0,4}}))",
    re.S,
)
_APPOSITIVE = re.compile(r"\W*(?:,\s*)?(?:an?|the|our)?\s*(?:[\w-]+\s+){0,3}?(?:series|family|suite|collection|models?|LLMs?)\b",
                         re.I)
"""What follows a one-word name that makes it one: "<Name>, a series of ...", "<Name> models"."""
_TITLE_FORMS = (
    re.compile(rf"^(?:technical report of\s+)?({NAME_SHAPE})\s*:", re.I),  # "Seed-Coder: Let the …"
    re.compile(rf"^({NAME_SHAPE})\s+technical\s+report\b", re.I),  # "Hunyuan-A13B Technical Report"
    re.compile(rf"^({NAME_SHAPE})\s+(?:is|are)\s+", re.I),  # "Step-3 is Large yet Affordable"
)
_LINK = re.compile(r"(?:github\.com|huggingface\.co)/([\w.-]+)/([\w.-]+)", re.I)
"""A repository or Hub link on the first page: its name agrees with (or gives) the report's subject."""
_NOT_TITLE = re.compile(
    r"^(?:[^A-Za-z]*$|\d{4}-\d{1,2}-\d{1,2}|[A-Z][a-z]+ \d{1,2}, \d{4}|arxiv:|preprint|technical report$|under review|"
    r"published as|work in progress)",
    re.I,
)
_AUTHORISH = re.compile(r"\babstract\b|@|https?://|\bteam\b|\binc\b|\buniversity\b|\d\s*,|\*|†", re.I)
_SERIES_WORDS = {"series", "family", "models", "model"}
_COMMON = {
    "the", "a", "an", "towards", "scaling", "every", "efficient", "open", "large", "language", "technical", "report",
    "advancing", "boosting", "unlocking", "incentivizing", "breaking", "harnessing", "leveraging", "building",
}


@dataclass(frozen=True)
class ReadValue:
    """A value read from the source, with where it was read (page 1 text)."""

    value: str
    snippet: str
    locator: str = "p. 1"


@dataclass
class ReportIdentity:
    """What the first page says the report is."""

    title: ReadValue | None = None
    model: ReadValue | None = None
    organization: ReadValue | None = None
    """An organization name as written (resolved later)."""
    released: ReadValue | None = None
    """The month the page itself gives (arXiv stamp, a dated title page)."""
    created: ReadValue | None = None
    """The month the PDF was produced (its CreationDate): a revised copy's, when the page gives none."""
    arxiv: str | None = None


def slug(name: str) -> str:
    """A kebab-case id for a name (dots kept inside version numbers); '' when nothing is left.

    >>> slug("Hunyuan-A13B"), slug("MiniCPM-o 4.5"), slug("Kimi K1.5"), slug("Seed1.5-Thinking")
    ('hunyuan-a13b', 'minicpm-o-4.5', 'kimi-k1.5', 'seed1.5-thinking')
    """
    text = re.sub(r"[^a-z0-9.]+", "-", name.lower())
    text = re.sub(r"\.(?![0-9])|(?<![0-9])\.", "-", text)
    text = re.sub(r"-{2,}", "-", text).strip("-")[:80].strip("-.")
    return text if re.fullmatch(ID_PATTERN, text) else ""


def model_like(name: str, named: bool = False) -> bool:
    """A name: a token with a digit, a hyphen, a dot or an inner capital (any case: "gpt-oss", "2Name"), or a
    single plain word where the context makes it one (``named``: a title's "<Name>: …", "<Name>, a family of …").
    A lower-case compound of ordinary English words is an adjective, not a name ("we present dense-sparse …",
    "instruction-tuned"); spelt with a capital ("Step-Audio") or holding a coined part ("gpt-oss") it may be one.

    >>> model_like("dense-sparse"), model_like("instruction-tuned"), model_like("gpt-oss"), model_like("Ring-lite")
    (False, False, True, True)
    """
    words = name.split()
    if not words or words[0].lower() in _COMMON or len(name) > 40 or not re.search(r"[A-Za-z]", name):
        return False
    if name.islower() and "-" in name and all(ordinary_word(w) for w in re.split(r"[- ]", name)):
        return False
    if re.search(r"\d|-|\.\w|[a-z][A-Z]", name):
        return True
    return named and len(words) == 1 and len(name) >= 2 and not (name.islower() and ordinary_word(name))


def _series_title(name: str) -> bool:
    """A title naming a model series by its plural ("Granite Code Models:"): capitalised words, the last a
    series word, the first not a common title word ("Large Language Models:" names no series)."""
    words = name.split()
    return (
        1 < len(words) <= 4 and words[-1].lower() in ("models", "llms") and words[0].lower() not in _COMMON
        and all(w[0].isupper() for w in words)
    )


def _trim(name: str) -> str:
    """Drop trailing generic words: "Llama-Nemotron series" -> "Llama-Nemotron"."""
    words = name.split()
    while len(words) > 1 and (words[-1].lower() in _SERIES_WORDS | _COMMON or words[-1].lower() in {"an", "and", "of"}):
        words.pop()
    return " ".join(words).rstrip(".,;:")


def _title(lines: list[str]) -> ReadValue | None:
    kept: list[str] = []
    for line in lines[:8]:
        if _NOT_TITLE.search(line) or (not kept and len(line) < 3):
            continue
        if kept and (_AUTHORISH.search(line) or len(" ".join(kept)) > 160):
            break
        if not kept and _AUTHORISH.search(line):
            continue
        kept.append(line)
        if len(kept) == 3:
            break
    # a running header repeating the model name ("MiniCPM4" above "MiniCPM4: …") is not the title
    # ("IBM Granite Code Models" above "Granite Code Models: …": the header may lead with the lab)
    if len(kept) > 1 and (
        kept[1].lower().startswith(kept[0].lower())
        or (len(kept[0].split()) > 2 and kept[1].lower().startswith(kept[0].lower().split(" ", 1)[1]))
    ):
        kept = kept[1:]
    return ReadValue(" ".join(kept), " ".join(kept)) if kept else None


def _cased(name: str, text: str) -> str:
    """An all-caps title name in the spelling the body uses ("KIMI K1.5" -> "Kimi k1.5")."""
    if name != name.upper():
        return name
    for m in re.finditer(re.escape(name), text, re.I):
        if m.group(0) != m.group(0).upper():
            return m.group(0)
    return name


def _month(text: str) -> ReadValue | None:
    stamp = re.search(r"arXiv:(\d{2})(\d{2})\.\d{4,5}(v\d+)?", text)
    if stamp:  # the id's yymm is the month of version 1
        return ReadValue(f"20{stamp.group(1)}-{stamp.group(2)}", stamp.group(0))
    iso = re.search(r"^\s*(20\d{2})-(\d{1,2})-\d{1,2}\s*$", text[:400], re.M)
    if iso:
        return ReadValue(f"{iso.group(1)}-{int(iso.group(2)):02d}", iso.group(0).strip())
    written = re.search(r"\b([A-Z][a-z]{2})[a-z]*\.? (\d{1,2}), (20\d{2})\b", text[:600])
    if written and written.group(1).lower() in MONTHS:
        return ReadValue(f"{written.group(3)}-{MONTHS[written.group(1).lower()]:02d}", written.group(0))
    return None


_LAB = re.compile(r"([A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,3}?)\s+(Group|Inc\.?|Corporation|Technologies|Team|Lab|Labs)\b")


def _created_month(created: str | None) -> ReadValue | None:
    """The month of the PDF's CreationDate ("D:20250626085228Z"): when the report was produced."""
    m = re.match(r"D:(20\d{2})(\d{2})", created or "")
    if m and 1 <= int(m.group(2)) <= 12:
        return ReadValue(f"{m.group(1)}-{m.group(2)}", f"CreationDate {created}", "PDF metadata: CreationDate")
    return None


def _organization(header: str, resolver: Resolver | None = None) -> ReadValue | None:
    """The author block's lab: a line the catalog knows as a lab ("NVIDIA"), else a company
    ("AI@Ant Group", "StepFun Inc.") before a team ("Tencent Hunyuan Team")."""
    lines = [ln.strip() for ln in header.splitlines() if ln.strip()]
    if resolver is not None:
        for line in lines:
            for part in re.split(r",|&| and |@", line):
                if resolver.organization(part.strip()):
                    return ReadValue(part.strip(), line)
    found = []
    for line in lines:
        for m in _LAB.finditer(line):
            name = m.group(1).split("@")[-1] + ("" if m.group(2) in ("Team", "Lab", "Labs") else " " + m.group(2))
            found.append((m.group(2) in ("Team", "Lab", "Labs"), ReadValue(name.strip(), line)))
    found.sort(key=lambda f: f[0])  # companies before teams
    return found[0][1] if found else None


def read_identity(
    first_page: str, second_page: str = "", resolver: Resolver | None = None, created: str | None = None
) -> ReportIdentity:
    """Title, model name, lab line, month and arXiv id from a report's first page (pure)."""
    lines = [ln.strip() for ln in first_page.splitlines() if ln.strip()]
    head, _, _ = first_page.partition("Abstract") if "Abstract" in first_page else first_page.partition("ABSTRACT")
    ident = ReportIdentity(title=_title(lines), released=_month(first_page), created=_created_month(created))
    stamp = re.search(r"arXiv:(\d{4}\.\d{4,5})", first_page)
    ident.arxiv = stamp.group(1) if stamp else None
    candidates: list[tuple[ReadValue, bool]] = []  # (name, whether its context makes a single word a name)
    series: set[str] = set()
    body = first_page + "\n" + second_page
    flat = re.sub(r"\s+", " ", body)
    if ident.title:
        for form in _TITLE_FORMS:
            m = form.match(ident.title.value)
            if m:
                candidates.append((ReadValue(_trim(m.group(1)), ident.title.value), True))
                if _trim(m.group(1)) != m.group(1).strip() and _series_title(m.group(1)):
                    series.add(_trim(m.group(1)))  # "Granite Code Models: A Family of …"
                break
    for m in _INTRO.finditer(flat):
        candidates.append((ReadValue(_trim(m.group(1)), m.group(0)), bool(_APPOSITIVE.match(m.group(2)))))
    if not candidates and ident.title:  # "<Name> Intermediate Checkpoints": a title led by a name the page repeats
        lead = re.match(rf"({NAME_SHAPE})\b", ident.title.value)
        word = lead.group(1).split()[0] if lead else ""
        if word and len(re.findall(rf"(?<![\w-]){re.escape(word)}(?![\w-])", flat)) >= 3:
            candidates.append((ReadValue(word, ident.title.value), True))
    cased = [(ReadValue(_cased(c.value, body), c.snippet), named) for c, named in candidates]
    names = [c for c, named in cased if (model_like(c.value, named) or c.value in series)
             and not _acronym_defined(c.value, ident.title) and not _names_something_else(c.value, resolver)]
    if names:
        ident.model = _agreed(names, flat, resolver)
    ident.organization = _organization(head[:1500], resolver)
    return ident


def _agreed(names: list[ReadValue], text: str, resolver: Resolver | None) -> ReadValue:
    """The name most signals agree on: the title's and the "we present" sentences' names, counted with the
    repository or Hub links and how often each recurs on the first pages; ties keep the earliest (the title)."""
    links = {name_key(m.group(2)) for m in _LINK.finditer(text)}
    keys = [name_key(n.value) for n in names]

    def votes(i: int) -> int:
        key = keys[i]
        said = sum(1 for k in keys if k == key)
        linked = any(link == key or link.startswith(key) for link in links)
        recurs = len(re.findall(rf"(?<![\w-]){re.escape(names[i].value)}(?![\w-])", text)) >= 3
        return said + linked + recurs

    best = max(range(len(names)), key=lambda i: (votes(i), -i))
    pick = names[best]
    known = resolver is not None and resolver.model(pick.value) is not None
    for c in names:  # "MiMo: …" then "we present MiMo-7B": the abstract's fuller name, written more than once
        longer = c.value[len(pick.value):]  # (never "<Name>1" or "<Name> 4": a footnote mark)
        if (not known and c.value.lower().startswith(pick.value.lower()) and re.match(r"[- ]\w", longer)
                and len(re.findall(rf"(?<![\w-]){re.escape(c.value)}(?![\w-])", text)) >= 2):
            return c
    return pick


def _names_something_else(name: str, resolver: Resolver | None) -> bool:
    """A name the catalog knows as a technique or a lab ("Muon", "Qwen") is not the report's model."""
    found = resolver.resolve(name) if resolver is not None else None
    return found is not None and found.kind not in ("model", "family")


def _acronym_defined(name: str, title: ReadValue | None) -> bool:
    """ "MoBA: Mixture of Block Attention": a title that spells its acronym out names a method, not a model."""
    if title is None or not re.fullmatch(r"[A-Za-z]{2,8}", name):
        return False
    rest = title.value.split(":", 1)[1] if ":" in title.value else ""
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z][\w-]*", rest) if w[0].isupper())
    return initials.lower().startswith(name.lower()[: max(2, len(name) - 1)])


# --------------------------------------------------------------------------- discovered entities


def _ref(url: str, note: str) -> tuple[SourceRef, ...]:
    return (SourceRef(url=url, kind=SourceKind.PRIMARY, note=note),)


def discovered_organization(name: str, doc_id: str, url: str) -> Organization | None:
    ident = slug(re.sub(r"\s+(?:team|inc\.?)$", "", name, flags=re.I))
    if not ident:
        return None
    return Organization(id=ident, name=name, sources=_ref(url, "named in the source's author block"),
                        curation="discovered", discovered_in=doc_id)


def discovered_model(ident: str, name: str, organization: str | None, released: str | None, report: str | None,
                     doc_id: str, url: str, hf_repo: str | None = None) -> Model:
    return Model(id=ident, name=name, organization=organization, released=released, report=report, hf_repo=hf_repo,
                 sources=_ref(url, "the model's own source names it"), curation="discovered", discovered_in=doc_id)


def discovered_paper(ident: str, title: str, arxiv: str | None, published: str | None,
                     organizations: tuple[str, ...], doc_id: str, url: str) -> Paper:
    return Paper(id=ident, name=title[:120], title=title, arxiv=arxiv, published=published,
                 organizations=organizations, sources=_ref(url, "the report itself"),
                 curation="discovered", discovered_in=doc_id)


def resolve_organization(resolver: Resolver, found: ReadValue | None, model_name: str | None) -> str | None:
    """A catalog organization for the author-block line or the model name's prefix, if one matches exactly."""
    if found is not None:
        for part in re.split(r",|&| and |@", found.value):
            hit = resolver.organization(part.strip())
            if hit:
                return hit
        words = found.value.split()
        for n in range(len(words), 0, -1):  # "Tencent Hunyuan" -> "Tencent"; "ByteDance Seed" -> "ByteDance"
            hit = resolver.organization(" ".join(words[:n]))
            if hit:
                return hit
    if model_name:
        prefix = re.split(r"[- ]", model_name)[0]
        hit = resolver.organization(prefix)
        if hit:
            return hit
        key = name_key(prefix)
        for e in resolver.catalog.entities.values():  # "DeepSeekMath-V2": a lab name starting the model name
            if e.kind == "organization" and key.startswith(name_key(e.name)) and len(name_key(e.name)) >= 4:
                return e.id
    return None
