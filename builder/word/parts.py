"""The parts of a Word paper that become fields rather than text, read with
python-docx: the header table (To, On, Report by, Subject, Author), the marking
in the page header or footer or at the top of the body, a "not for publication"
note (both read by `markings`, which says what it cannot read for certain), the
implications table, the author's contact lines, and Word's own paragraph
numbering.

What is read is taken out of the document, so that the text converted after it
(`body`) holds only the paper's body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from builder.project.kinds import Kind
from builder.word import markings
from builder.word.docx_file import quote
from builder.word.numbering import number_paragraphs

# A header row's label, as officers write it, -> the field it fills.
LABELS = {
    "to": "to", "report to": "to", "board": "to", "committee": "to", "meeting": "to", "submitted to": "to",
    "on": "on", "date": "on", "date of meeting": "on", "meeting date": "on", "meeting on": "on",
    "report by": "report_by", "from": "report_by", "by": "report_by", "report from": "report_by",
    "lead officer": "report_by", "presented by": "report_by",
    "subject": "title", "title": "title", "report title": "title", "subject of report": "title",
    "author": "author", "report author": "author", "contact": "author", "contact officer": "author",
    "person to contact": "author", "author and role": "author", "officer": "author",
    "role": "role", "job title": "role", "designation": "role", "position": "role",
    "tel": "phone", "telephone": "phone", "phone": "phone", "tel no": "phone", "telephone number": "phone",
    "contact number": "phone", "email": "email", "e-mail": "email", "e mail": "email", "email address": "email",
    "classification": "marking", "marking": "marking", "protective marking": "marking",
    "security classification": "marking", "purpose": "summary", "summary": "summary",
    "agenda item": "agenda", "item": "agenda", "item no": "agenda", "item number": "agenda",
}
CONTACT_FIELDS = ("author", "role", "phone", "email")
# Labels that start an author's contact line anywhere in a paper, not only at its top.
_AUTHOR_LINES = {"author", "report author", "contact officer", "person to contact"}
_PAGE_NUMBER = re.compile(r"(page\s*)?\d*(\s*(of|/)\s*\d+)?", re.IGNORECASE)
_LABELLED = re.compile(r"\s*([A-Za-z][A-Za-z .\-]{0,30}?)\s*[:\t]\s*(.*)", re.DOTALL)
_TYPED_NUMBER = re.compile(r"\s*(\d+(\.\d+)*\.?|\([a-z]{1,4}\)|[a-z]\))\s+")
_OBJECTS = {qn("w:object"): "an embedded object", qn("m:oMath"): "an equation",
            "{http://schemas.openxmlformats.org/drawingml/2006/chart}chart": "a chart",
            "{http://schemas.openxmlformats.org/drawingml/2006/diagram}relIds": "a SmartArt diagram"}


@dataclass(frozen=True)
class Found:
    """A marking or an exemption note, or what looks like one, and where it is."""

    text: str  # as written
    where: str  # "the page header of section 1", "paragraph 2 of the body"


@dataclass(frozen=True)
class Marked(Found):
    marking: str  # one of markings.MARKINGS, read for certain


@dataclass
class Parts:
    """What was read from the Word paper besides its body."""

    fields: dict[str, str] = field(default_factory=dict)  # LABELS' values -> text as written
    markings: list[Marked] = field(default_factory=list)
    exempt: list[tuple[list[int], str]] = field(default_factory=list)  # (paragraph numbers, the note), read for certain
    marking_doubts: list[Found] = field(default_factory=list)  # like a marking, not read for certain
    exempt_doubts: list[Found] = field(default_factory=list)  # like an exemption note, its paragraph not read
    implications: list[tuple[str, str]] = field(default_factory=list)  # (heading as written, text)
    title_paragraph: str = ""  # a paragraph in Word's Title style
    document_title: str = ""  # the title in the document's properties (File > Info)
    warnings: list[str] = field(default_factory=list)


def _label(text: str) -> str:
    return " ".join(_TYPED_NUMBER.sub("", text, count=1).strip().rstrip(":").replace(".", " ").lower().split())


def _remove(block) -> None:
    element = block._element
    element.getparent().remove(element)


def _cells(row) -> list[str]:
    """A row's cells' texts, a merged cell once."""
    texts, seen = [], set()
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            texts.append(cell.text.strip())
    return texts


def _note(parts: Parts, text: str, where: str, place: str) -> bool:
    """A marking or an exemption note, or what looks like one (see
    `markings.read`; `place` is one of its places): recorded, and True."""
    reading = markings.read(text, place)
    parts.markings += [Marked(text, where, marking) for marking in reading.markings]
    if reading.marking_doubt:
        parts.marking_doubts.append(Found(text, where))
    if reading.exempt is not None:
        parts.exempt.append((reading.exempt, text))
    if reading.exempt_doubt:
        parts.exempt_doubts.append(Found(text, where))
    return reading.found


def _text_of(paragraph) -> str:
    """A paragraph's own text, its tabs kept (headers and footers set things apart
    with them); a text box anchored in it is a paragraph of its own."""
    return "".join(node.text or "" if node.tag == qn("w:t") else "\t"
                   for node in paragraph.iter(qn("w:t"), qn("w:tab"), qn("w:br"))
                   if next(node.iterancestors(qn("w:p"))) is paragraph).strip()


def _page_parts(document: Document, parts: Parts) -> None:
    """Markings and notes in page headers and footers (text boxes in them too)."""
    seen = set()
    for number, section in enumerate(document.sections, start=1):
        for name in ("header", "first_page_header", "even_page_header",
                     "footer", "first_page_footer", "even_page_footer"):
            part = getattr(section, name)
            if part.is_linked_to_previous or id(part._element) in seen:
                continue
            seen.add(id(part._element))
            which = name.rsplit("_", 1)[-1]
            where = f"the {name.split('_')[0]}-page {which}" if name.count("_") == 2 else f"the page {which}"
            where += f" of section {number}"
            for paragraph in part._element.iter(qn("w:p")):
                if any(a.tag == _FALLBACK for a in paragraph.iterancestors()):
                    continue  # the copy of a text box kept for old versions of Word
                text = _text_of(paragraph)
                if text and not _note(parts, text, where, markings.PAGE) and not _PAGE_NUMBER.fullmatch(text):
                    parts.warnings.append(f"{where} says {quote(text)}, which is not carried into the paper")


def _header_table(table: Table, parts: Parts) -> bool:
    """A table of labelled rows at the top: read into fields, and True."""
    rows = [_cells(row) for row in table.rows]
    pairs = [(cells[i], cells[i + 1]) for cells in rows for i in range(0, len(cells) - 1, 2)]
    if sum(_label(label) in LABELS for label, _ in pairs) < 2:
        return False
    for label, value in pairs:
        _field(parts, label, value, "the header table")
    return True


def _field(parts: Parts, label: str, value: str, where: str) -> None:
    key = LABELS.get(_label(label))
    label = label.strip().rstrip(":")
    value = " ".join(value.replace("\n", ", ").split()) if key != "author" else value.strip()
    if not value:
        return
    if key is None:
        parts.warnings.append(f"the header row {quote(f'{label}: {value}')} is not a field briefing knows, "
                              "so it is not carried into the paper")
    elif key == "agenda":
        parts.warnings.append(f"the header row {quote(f'{label}: {value}')} is left out: agenda item numbers "
                              "come from the meeting file")
    elif key == "marking":
        _note(parts, value, where, markings.FIELD)
    elif key in parts.fields and key not in CONTACT_FIELDS:
        parts.warnings.append(f"the header row {quote(f'{label}: {value}')} repeats '{label}'; the "
                              "first one is used")
    else:
        parts.fields[key] = f"{parts.fields[key]}\n{value}" if key in parts.fields else value


def _labelled(paragraph: Paragraph) -> tuple[str, str] | None:
    match = _LABELLED.fullmatch(paragraph.text)
    if match and _label(match.group(1)) in LABELS and match.group(2).strip():
        return match.group(1), match.group(2)
    return None


def _is_contact_line(paragraph: Paragraph, after_author: bool) -> bool:
    """An author line ("Author: ..."), or a phone or e-mail line straight after one."""
    labelled = _labelled(paragraph)
    if not labelled:
        return False
    label, value = _label(labelled[0]), labelled[1]
    key = LABELS[label]
    if label in _AUTHOR_LINES:
        return len(value) < 160
    return after_author and ((key == "phone" and re.search(r"\d{3}", value) is not None)
                             or (key == "email" and "@" in value) or (key == "role" and len(value) < 100))


def _implications_table(table: Table, known, parts: Parts, after_heading: bool) -> bool:
    rows = [_cells(row) for row in table.rows]
    matched = sum(bool(cells) and known(cells[0]) is not None for cells in rows)
    if matched < 2 and not (after_heading and matched):
        return False
    for cells in rows:
        if not cells or not "".join(cells):
            continue
        text = " ".join(" ".join(c.split()) for c in dict.fromkeys(cells[1:]) if c.strip())
        if known(cells[0]) is None and _label(cells[0]) in ("implication", "implications", "heading", "area",
                                                             "type", "issue"):
            continue  # the table's own header row
        parts.implications.append((cells[0], text))
    return True


def _is_heading(block, roles) -> bool:
    if not isinstance(block, Paragraph):
        return False
    style = (block.style.name if block.style is not None else "") or ""
    return style.lower().startswith("heading") or roles.get(block._p) == "section" \
        or (bool(block.text.strip()) and all(r.bold for r in block.runs if r.text.strip())
            and len(block.text) < 80)


def _plain(text: str) -> str:
    return " ".join(_TYPED_NUMBER.sub("", text, count=1).split()).lower()


def read_parts(document: Document, known_implication, kind: Kind) -> Parts:
    """Read, and take out of the document, everything that becomes a field of the
    kind. `known_implication(text)` is the site.yaml heading a row's heading maps
    to, or None."""
    parts = Parts(document_title=" ".join((document.core_properties.title or "").split()))
    _page_parts(document, parts)
    roles = number_paragraphs(document, parts.warnings)
    blocks = list(document.iter_inner_content())
    started = False  # past the header: the first heading, or the first numbered paragraph
    number = 0  # of the paragraphs with text, as messages count them
    after_author = False  # the paragraph before was a header or contact line
    for index, block in enumerate(blocks):
        after_author, was_after_author = False, after_author
        if isinstance(block, Table):
            if not started and not parts.fields and _header_table(block, parts):
                _remove(block)
                continue
            before = blocks[index - 1] if index else None
            after_heading = isinstance(before, Paragraph) and _plain(before.text).startswith("implications")
            if "implications" in kind.fields and _implications_table(block, known_implication, parts, after_heading):
                _remove(block)
                following = blocks[index + 1] if index + 1 < len(blocks) else None
                if after_heading and (following is None or _is_heading(following, roles)) \
                        and before._p.getparent() is not None:
                    _remove(before)
            started = True
            continue
        text = block.text.strip()
        style = (block.style.name if block.style is not None else "") or ""
        if not text:
            after_author = was_after_author
            continue
        number += 1
        where = f"paragraph {number} of the body"
        if style.lower().startswith("toc "):  # a table of contents typed or made without a content control
            if not any("table of contents" in w for w in parts.warnings):
                parts.warnings.append("the table of contents is left out: the site and the PDFs make their own")
            _remove(block)
        elif _note(parts, text, where, markings.BODY if started else markings.TOP):
            _remove(block)
        elif style in ("Title", "Subtitle") and not started:
            if style == "Title" and not parts.title_paragraph:
                parts.title_paragraph = text
            else:
                parts.warnings.append(f"the paragraph {quote(text)} in the {style} style is not carried into "
                                      "the paper")
            _remove(block)
        elif (not started and _labelled(block)) or _is_contact_line(block, was_after_author):
            _field(parts, *_labelled(block), where)
            _remove(block)
            after_author = True
            continue
        elif not started and (row := _LABELLED.fullmatch(text)) and len(row.group(1).split()) <= 4 \
                and not _is_heading(block, roles):
            _field(parts, row.group(1), row.group(2), where)  # a header line briefing has no field for
            _remove(block)
        else:
            started = started or _is_heading(block, roles) or block._p in roles
            if not started and kind.numbered:
                parts.warnings.append(f"the paragraph {quote(text)} comes before the first heading, so it is "
                                      "not numbered; move it into a section if it belongs to the paper")
    _text_boxes(document, parts)
    _unmapped_objects(document, parts)
    return parts


_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _text_boxes(document: Document, parts: Parts) -> None:
    """A marking or note in a text box is read (and taken out), as at the top of
    the body, wherever the box is; any other text box text is kept, after the
    paragraph it is anchored to, with a warning."""
    for box in list(document.element.body.iter(qn("w:txbxContent"))):
        copy = any(a.tag == _FALLBACK for a in box.iterancestors())  # Word keeps a second copy for old versions
        for paragraph in list(box.iter(qn("w:p"))):
            text = _text_of(paragraph)
            if markings.read(text, markings.TOP).found if copy else _note(parts, text, "a text box in the body",
                                                                         markings.TOP):
                paragraph.getparent().remove(paragraph)
            elif text and not copy:
                parts.warnings.append(f"the text box {quote(text)} is placed after the paragraph it is anchored "
                                      "to; check that is where it belongs")


def _unmapped_objects(document: Document, parts: Parts) -> None:
    for paragraph in document.element.body.iter(qn("w:p")):
        for element in paragraph.iter(*_OBJECTS):
            text = "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
            parts.warnings.append(f"{_OBJECTS[element.tag]} in the paragraph {quote(text or '(no text)')} is not "
                                  "carried into the paper; in Word, copy it and paste it as a picture")
            break
