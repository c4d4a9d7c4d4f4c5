"""Opening a Word file for `briefing import`, and what Word keeps beside the text
as it prints: comments, tracked changes and hidden text.

Everything here goes through python-docx: its document model, and its element
access (lxml) for the marks it has no model for.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import olefile
from docx.document import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.styles import BabelFish
from docx.oxml.ns import qn
from lxml import etree

from builder.model.errors import ContentError, Problem

# The first bytes of files that are often mistaken for a Word document.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OTHER_FORMATS = {
    b"%PDF": "a PDF; import needs the Word file the PDF was made from",
    b"{\\rtf": "a Rich Text (.rtf) file; open it in Word and save it as a Word Document (.docx)",
}
_OFF = {"0", "false", "off"}
DAMAGED = ("the Word document is damaged and cannot be read ({}); open it in Word, which can often repair it, "
            "and save it again")
# Tracked changes to the text: insertions, deletions and moves (formatting
# changes are not listed: formatting is not imported).
_CHANGES = {qn("w:ins"): "inserted", qn("w:del"): "deleted", qn("w:moveFrom"): "moved away",
            qn("w:moveTo"): "moved here"}


def _fail(shown: str, message: str) -> ContentError:
    return ContentError([Problem(shown, 0, message)])


def open_document(path: Path, shown: str) -> Document:
    """The document, or a one-line error saying what the file is instead."""
    if not path.is_file():
        raise _fail(shown, "no such file; give the path of a Word document (.docx)")
    with path.open("rb") as file:
        start = file.read(8)
    if start.startswith(_OLE):
        raise _fail(shown, _ole_problem(path))
    for magic, what in _OTHER_FORMATS.items():
        if start.startswith(magic):
            raise _fail(shown, f"this is {what}")
    if not zipfile.is_zipfile(path):
        if start.startswith(b"PK"):  # a .docx is a zip file: this one was cut short or damaged
            raise _fail(shown, DAMAGED.format("its zip container is incomplete"))
        raise _fail(shown, "this is not a Word document (.docx): open it in Word and save it as a Word Document")
    try:
        with zipfile.ZipFile(path) as package:
            has_word = any(name.startswith("word/") for name in package.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise _fail(shown, DAMAGED.format(_reason(exc))) from None
    if not has_word:  # another kind of zip file: a spreadsheet, a presentation, an archive
        raise _fail(shown, "this is not a Word document (.docx): open it in Word and save it as a Word Document")
    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, ValueError) as exc:
        raise _fail(shown, f"this is not a Word document (.docx) ({_reason(exc)}): open it in Word and save it "
                           "as a Word Document") from None
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, OSError, EOFError) as exc:
        raise _fail(shown, DAMAGED.format(_reason(exc))) from None


def _reason(exc: Exception) -> str:
    return " ".join(str(exc).split())[:120] or type(exc).__name__


def _ole_problem(path: Path) -> str:
    """An OLE file is either an encrypted (password-protected) .docx or an old .doc."""
    try:
        with olefile.OleFileIO(str(path)) as ole:
            encrypted = ole.exists("EncryptedPackage")
    except OSError:
        encrypted = False
    if encrypted:
        return ("the Word document is protected by a password; in Word, choose File > Info > Protect Document > "
                "Encrypt with Password, clear the password, save, and import the saved file")
    return ("this is an old-style Word 97-2003 document (.doc); open it in Word and save it as a Word Document "
            "(.docx)")


# Comments, tracked changes, hidden text -----------------------------------

def _parts(document: Document):
    """The XML of the body and of every page header and footer."""
    yield "the body", document.element.body
    seen = set()
    for section in document.sections:
        for name in ("header", "first_page_header", "even_page_header",
                     "footer", "first_page_footer", "even_page_footer"):
            part = getattr(section, name)
            if part.is_linked_to_previous:
                continue
            element = part._element
            if id(element) not in seen:
                seen.add(id(element))
                yield f"the page {name.rsplit('_', 1)[-1]}", element


def _text(element) -> str:
    return "".join(node.text or "" for node in element.iter(qn("w:t"), qn("w:delText")))


def quote(text: str, limit: int = 80) -> str:
    """A Word paragraph as a message quotes it."""
    text = " ".join(text.split())
    return f'"{text[:limit - 1]}…"' if len(text) > limit else f'"{text}"'


def _paragraph_of(element) -> str:
    paragraph = next(element.iterancestors(qn("w:p")), None)
    return quote(_text(paragraph)) if paragraph is not None else "a table"


def _hidden_setting(properties) -> bool | None:
    """Hidden (w:vanish) in run properties: on, off, or not said."""
    vanish = properties.find(qn("w:vanish")) if properties is not None else None
    return None if vanish is None else vanish.get(qn("w:val"), "true").lower() not in _OFF


class _Hiding:
    """What hides a run from print, as Word works it out: Hidden set on the run
    itself is final, on or off; without it, the run is hidden when its character
    style or its paragraph's style hides text, or a style either is based on, or
    the document's default font.

    In a style Word takes Hidden as a switch: set off it changes nothing, so a
    style cannot show what another hides; set on twice, in a hidden character
    style within a hidden paragraph style, it shows the text again (ECMA-376
    17.7.3). That text is still taken as hidden: asked about, or with
    --accept-changes left out, rather than published against its author's mind."""

    def __init__(self, document: Document):
        styles = document.styles.element
        self._styles = {style.get(qn("w:styleId")): style for style in styles.iter(qn("w:style"))}
        self._defaults = {style.get(qn("w:type")): style.get(qn("w:styleId")) for style in styles.iter(qn("w:style"))
                          if style.get(qn("w:default")) in ("1", "true", "on")}
        self._default_font_hides = _hidden_setting(
            styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")) is True

    def of(self, run) -> tuple[str, str] | None:
        """None if the run prints; else what hides it, as a message says it
        ("" for Hidden set on the run), and what to do about it."""
        own = _hidden_setting(run.find(qn("w:rPr")))
        if own is not None:
            return ("", _REMEDY["hidden"]) if own else None
        paragraph = next(run.iterancestors(qn("w:p")), None)
        paragraph_style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") if paragraph is not None else None
        character_style = run.find(f"{qn('w:rPr')}/{qn('w:rStyle')}")
        for kind, style in (("character", character_style), ("paragraph", paragraph_style)):
            chain = self._chain(style.get(qn("w:val")) if style is not None else self._defaults.get(kind))
            hiding = [style_id for style_id in chain if _hidden_setting(self._styles[style_id].find(qn("w:rPr")))]
            if hiding:
                source = f" (from {self._name(hiding[0])})" if hiding[0] != chain[0] else ""
                return (f"the {kind} style {self._name(chain[0])}{source}",
                        f"delete it in Word, or clear Hidden in the style {self._name(hiding[0])} (Modify > Format > "
                        "Font)")
        if self._default_font_hides:
            return "the document's default font", ("delete it in Word, or clear Hidden in the default font (Font > "
                                                   "Set As Default)")
        return None

    def _chain(self, style_id: str | None) -> list[str]:
        """The style and the styles it is based on, nearest first."""
        chain = []
        while style_id in self._styles and style_id not in chain:
            chain.append(style_id)
            based_on = self._styles[style_id].find(qn("w:basedOn"))
            style_id = based_on.get(qn("w:val")) if based_on is not None else None
        return chain

    def _name(self, style_id: str) -> str:
        name = self._styles[style_id].find(qn("w:name"))
        return f'"{BabelFish.internal2ui(name.get(qn("w:val")) if name is not None else style_id)}"'


_REMEDY = {"comment": "delete it in Word (Review > Delete)",
           "change": "accept or reject it in Word (Review > Accept or Reject)",
           "hidden": "delete it in Word, or show it (Font > clear Hidden)"}


def _hidden_text(root, hiding: _Hiding):
    """Each stretch of runs in a paragraph hidden the same way: (text, its first
    run, what hides it and what to do)."""
    stretch: list = []  # hidden runs one after another, hidden the same way

    def ended():
        text = "".join(_text(run) for run in stretch)
        return [(text, stretch[0], hiding.of(stretch[0]))] if text.strip() else []

    for run in root.iter(qn("w:r")):
        hidden = hiding.of(run)
        if stretch and (hidden != hiding.of(stretch[0]) or not _same_paragraph(run, stretch[-1])):
            if hidden is not None or _text(run).strip():
                yield from ended()
                stretch = []
        if hidden is not None:
            stretch.append(run)
    yield from ended()


def _same_paragraph(run, other) -> bool:
    return next(run.iterancestors(qn("w:p")), None) is next(other.iterancestors(qn("w:p")), None)


def review_marks(document: Document) -> list[str]:
    """Each comment, tracked change and piece of hidden text, described in one
    line that ends with what to do about it."""
    found = []
    hiding = _Hiding(document)
    for comment in document.comments:
        anchor = document.element.body.find(f".//{qn('w:commentReference')}[@{qn('w:id')}='{comment.comment_id}']")
        where = f" on {_paragraph_of(anchor)}" if anchor is not None else ""
        found.append(f"comment by {comment.author or 'someone'}{where}: {quote(comment.text)}; {_REMEDY['comment']}")
    for where, root in _parts(document):
        for element in root.iter(*_CHANGES):
            changed = _text(element).strip()
            if changed or element.find(f".//{qn('w:drawing')}") is not None:
                author = element.get(qn("w:author")) or "someone"
                found.append(f"tracked change in {where}: {_CHANGES[element.tag]} by {author}: "
                             f"{quote(changed or 'a picture')}, in {_paragraph_of(element)}; {_REMEDY['change']}")
        for text, run, (cause, remedy) in _hidden_text(root, hiding):
            hidden_by = f", hidden by {cause}" if cause else ""
            found.append(f"hidden text in {where}: {quote(text)}, in {_paragraph_of(run)}{hidden_by}; {remedy}")
    return found


def accept_review_marks(document: Document) -> None:
    """Make the document what it prints: insertions and moves accepted, deleted and
    hidden text gone, comments left out."""
    hiding = _Hiding(document)
    for _, root in _parts(document):
        for tag in (qn("w:del"), qn("w:moveFrom")):
            for element in list(root.iter(tag)):
                parent = element.getparent()
                if parent.tag == qn("w:trPr"):  # a deleted table row
                    row = parent.getparent()
                    row.getparent().remove(row)
                elif parent.tag != qn("w:rPr"):  # not a mark on a paragraph's end
                    parent.remove(element)
        for tag in (qn("w:ins"), qn("w:moveTo")):
            for element in list(root.iter(tag)):
                parent = element.getparent()
                if parent.tag in (qn("w:rPr"), qn("w:trPr")):
                    parent.remove(element)
                    continue
                index = parent.index(element)
                for child in list(element):
                    parent.insert(index, child)
                    index += 1
                parent.remove(element)
        for run in [run for run in root.iter(qn("w:r")) if hiding.of(run) is not None]:
            run.getparent().remove(run)
    for tag in ("w:commentRangeStart", "w:commentRangeEnd", "w:commentReference"):
        for element in list(document.element.body.iter(qn(tag))):
            parent = element.getparent()
            if tag == "w:commentReference" and parent.tag == qn("w:r") and len(parent) <= 2:
                parent.getparent().remove(parent)  # the run that holds only the reference
            else:
                parent.remove(element)


def unwrap_containers(document: Document) -> list[str]:
    """Content controls (the "click here to enter text" boxes of report templates),
    smart tags and simple fields hold text that python-docx's paragraphs and cells
    do not see: keep their text in place of them. A control still showing its
    placeholder holds nothing the author wrote, and goes; so does a table of
    contents (the site and the PDFs make their own), with a warning."""
    warnings = []
    containers = {qn("w:sdt"): qn("w:sdtContent"), qn("w:smartTag"): None, qn("w:customXml"): None,
                  qn("w:fldSimple"): None}
    for _, root in _parts(document):
        for element in list(root.iter(*containers)):
            parent = element.getparent()
            if parent is None:
                continue
            if element.find(f"{qn('w:sdtPr')}/{qn('w:showingPlcHdr')}") is not None:
                parent.remove(element)
                continue
            gallery = element.find(f"{qn('w:sdtPr')}/{qn('w:docPartObj')}/{qn('w:docPartGallery')}")
            if gallery is not None and gallery.get(qn("w:val"), "").startswith("Table of Contents"):
                warnings.append("the table of contents is left out: the site and the PDFs make their own")
                parent.remove(element)
                continue
            holder = element.find(containers[element.tag]) if containers[element.tag] else element
            index = parent.index(element)
            for child in list(holder if holder is not None else ()):
                if child.tag in (qn("w:sdtPr"), qn("w:sdtEndPr"), qn("w:smartTagPr"), qn("w:customXmlPr")):
                    continue
                parent.insert(index, child)
                index += 1
            parent.remove(element)
    return warnings


# What the HTML conversion (mammoth) reads of a style: its type and id on the
# element, its name, and a numbering style's list. Its XML reader is slow, and a
# council template's styles part runs to thousands of elements of fonts and
# spacing that the conversion never looks at.
_STYLE_PARTS_READ = {qn("w:name"), qn("w:pPr")}


def saved_for_conversion(document: Document) -> bytes:
    """The document as a .docx for the HTML conversion, its styles cut to what the
    conversion reads (the document is not used after: it is cut in place)."""
    styles = document.styles.element
    for child in list(styles):
        if child.tag != qn("w:style"):
            styles.remove(child)
            continue
        for part in list(child):
            if part.tag not in _STYLE_PARTS_READ:
                child.remove(part)
            elif part.tag == qn("w:pPr"):
                for setting in list(part):
                    if setting.tag != qn("w:numPr"):
                        part.remove(setting)
    saved = io.BytesIO()
    document.save(saved)
    return saved.getvalue()
