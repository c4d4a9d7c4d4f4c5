"""Word's automatic multilevel numbering ("1." / "1.1") as paragraph numbering.

Converters turn such numbering into nested ordered lists; briefing numbers
sections and paragraphs itself. A numbering level whose number includes its
parent's ("%1.%2", shown 1.1) numbers paragraphs, and the top level of such a
list numbers sections: those paragraphs lose their numbering and take a style
(`SECTION_STYLE`, `PARAGRAPH_STYLE`) that the conversion maps to `##` headings
and plain paragraphs. Any other numbering ("(a)", bullets) stays a list.

The numbering definitions are read through python-docx's numbering part.
"""

from __future__ import annotations

from docx.document import Document
from docx.oxml.ns import qn

from builder.word.docx_file import quote

SECTION_STYLE = "BriefingSection"
PARAGRAPH_STYLE = "BriefingParagraph"


def _val(element, path: str) -> str | None:
    found = element.find(path) if element is not None else None
    return found.get(qn("w:val")) if found is not None else None


class _Definitions:
    def __init__(self, document: Document):
        # Found by its relationship: a document without numbering has no such part.
        parts = [rel.target_part for rel in document.part.rels.values()
                 if not rel.is_external and rel.reltype.endswith("/numbering")]
        self.numbering = parts[0].element if parts else None
        self.styles = document.styles.element

    def abstract(self, num_id: str, depth: int = 0):
        if self.numbering is None or depth > 2:
            return None, None
        num = self.numbering.find(f"{qn('w:num')}[@{qn('w:numId')}='{num_id}']")
        abstract_id = _val(num, qn("w:abstractNumId"))
        abstract = self.numbering.find(f"{qn('w:abstractNum')}[@{qn('w:abstractNumId')}='{abstract_id}']")
        link = _val(abstract, qn("w:numStyleLink"))
        if link:  # the list is defined by a list style
            style = self.styles.find(f"{qn('w:style')}[@{qn('w:styleId')}='{link}']")
            linked = _val(style, f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
            return self.abstract(linked, depth + 1) if linked else (num, None)
        return num, abstract

    def level(self, num_id: str, ilvl: int):
        """(lvlText, numFmt) of a list's level, overrides included."""
        num, abstract = self.abstract(num_id)
        lvl = None
        if num is not None:
            lvl = num.find(f"{qn('w:lvlOverride')}[@{qn('w:ilvl')}='{ilvl}']/{qn('w:lvl')}")
        if lvl is None and abstract is not None:
            lvl = abstract.find(f"{qn('w:lvl')}[@{qn('w:ilvl')}='{ilvl}']")
        return (_val(lvl, qn("w:lvlText")) or "", _val(lvl, qn("w:numFmt")) or "") if lvl is not None else None

    def style_numbering(self, style_id: str | None, depth: int = 0):
        """(numId, ilvl) a paragraph style gives, following the styles it is based on."""
        style = self.styles.find(f"{qn('w:style')}[@{qn('w:styleId')}='{style_id}']") if style_id else None
        if style is None or depth > 10:
            return None
        num_id = _val(style, f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        if num_id is None:
            return self.style_numbering(_val(style, qn("w:basedOn")), depth + 1)
        ilvl = _val(style, f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:ilvl')}")
        if ilvl is None:  # a level of the list may name the style instead
            _, abstract = self.abstract(num_id)
            linked = abstract.find(f"{qn('w:lvl')}/{qn('w:pStyle')}[@{qn('w:val')}='{style_id}']/..") \
                if abstract is not None else None
            ilvl = linked.get(qn("w:ilvl")) if linked is not None else "0"
        return num_id, int(ilvl)


def _compound(text: str, ilvl: int) -> bool:
    """A number that includes its parent's, such as "%1.%2" (1.1)."""
    return ilvl >= 1 and f"%{ilvl}" in text and f"%{ilvl + 1}" in text


def number_paragraphs(document: Document, warnings: list[str]) -> dict:
    """Turn paragraph numbering into section and paragraph styles; return each
    changed paragraph's element -> "section" or "paragraph"."""
    definitions = _Definitions(document)
    roles = {}
    deep = []
    for p in document.element.body.iterchildren(qn("w:p")):
        ppr = p.pPr
        direct = ppr.numPr if ppr is not None else None
        if direct is not None and direct.numId is not None:
            num_id, ilvl = str(direct.numId.val), direct.ilvl.val if direct.ilvl is not None else 0
        else:
            found = definitions.style_numbering(ppr.style if ppr is not None else None)
            if found is None:
                continue
            num_id, ilvl = found
        if num_id == "0":
            continue
        level = definitions.level(num_id, ilvl)
        below = definitions.level(num_id, ilvl + 1)
        if level is None:
            continue
        if _compound(level[0], ilvl):
            role = "paragraph"
            if ilvl >= 2:
                deep.append(p)
        elif ilvl == 0 and below is not None and _compound(below[0], 1):
            role = "section"
        else:
            if direct is not None and ilvl >= 2 and definitions.level(num_id, 1) is not None \
                    and _compound(definitions.level(num_id, 1)[0], 1):
                direct.ilvl.val = 0  # "(a)" under a numbered paragraph: a list of its own
            continue
        if direct is not None:
            ppr.remove(direct)
        ppr = p.get_or_add_pPr()
        ppr.style = SECTION_STYLE if role == "section" else PARAGRAPH_STYLE
        roles[p] = role
    if deep:
        text = "".join(t.text or "" for t in deep[0].iter(qn("w:t")))
        warnings.append(f"{len(deep)} paragraph(s) numbered at a third level (such as 1.2.1), the first "
                        f"{quote(text)}, became paragraphs of their own: briefing numbers two levels, 1. and 1.1")
    return roles
