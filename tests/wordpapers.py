"""Word files for the import tests, made with python-docx in the shape of a
council committee report: a header table, typed and automatic numbering, a
recommendations list, a merged-cell table, images, an implications table and a
marking in the page header. Word itself cannot run here, so every file the
tests read (tests/word/ too) is made this way.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

import docx
from docx.opc.packuri import PackURI
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from PIL import Image

BOARD = "Safer, Stronger and Resilient Communities Thematic Board"
TITLE = "Serious Organised Crime: Staff Awareness Update"

# What the paper says, in order, for the round trip to compare against.
SECTIONS = ["Summary", "Recommendations", "Background", "Resources"]
PARAGRAPHS = [
    "This report updates the Board on serious organised crime awareness training for staff.",
    "Four hundred staff attended awareness sessions during the year.",
    "It is recommended that the Board:",
    "The partnership first agreed a local approach in 2012.",
    "Partners carried out integrity checks on licence applications and contracts.",
    "The awareness sessions are shown in the table below.",
    "The photographs show the training room.",
    "No additional budget is sought.",
]
RECOMMENDATIONS = [
    "notes the contents of this report;",
    "agrees to extend awareness training to Regulatory Services staff; and",
    "asks for a progress report in September 2016.",
]
IMPLICATIONS = {  # as the Word table says; "Human Resources" maps to the site's "HR"
    "Financial": "Met from existing Community Safety budgets.",
    "Human Resources": "Managers will release staff to attend sessions.",
    "Legal": "None",
    "Risk": "Serious organised crime is on the corporate risk register.",
}

MULTILEVEL = 90  # numId and abstractNumId of the paper's own multilevel list


def png(colour: str = "navy", size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def emf() -> bytes:
    """A small Enhanced Metafile: a header, one rectangle, the end record."""
    rectangle = struct.pack("<II4i", 43, 24, 10, 10, 90, 60)
    end = struct.pack("<IIIII", 14, 20, 0, 16, 20)
    header_size = 108
    total = header_size + len(rectangle) + len(end)
    header = struct.pack(
        "<II4i4iIIIIHHIIIii ii",
        1, header_size,
        0, 0, 100, 70,  # bounds (device units)
        0, 0, 2646, 1852,  # frame (0.01 mm)
        0x464D4520, 0x10000, total, 3, 1, 0,  # " EMF", version, bytes, records, handles, reserved
        0, 0, 0,  # description length, offset, palette entries
        1024, 768, 270, 203,  # device size in pixels and millimetres
    ) + struct.pack("<IIIii", 0, 0, 0, 270000, 203000)  # pixel format, OpenGL, size in micrometres
    assert len(header) == header_size, len(header)
    return header + rectangle + end


def add_multilevel_numbering(document: docx.document.Document) -> None:
    """A "1. / 1.1 / (a)" list, as councils' report templates define."""
    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{MULTILEVEL}">'
        '<w:multiLevelType w:val="multilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%3)"/></w:lvl>'
        '</w:abstractNum>')
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{MULTILEVEL}">'
                               f'<w:abstractNumId w:val="{MULTILEVEL}"/></w:num>'))


def numbered(paragraph, level: int, num_id: int = MULTILEVEL):
    numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numbering.get_or_add_ilvl().val = level
    numbering.get_or_add_numId().val = num_id
    return paragraph


def set_alt(shape, alt: str) -> None:
    shape._inline.docPr.set("descr", alt)
    shape._inline.docPr.set("title", "")


def add_image(document, data: bytes, alt: str | None, *, as_emf: bool = False):
    paragraph = document.add_paragraph()
    # A bitmap of its own stands in for a metafile: python-docx shares a part among equal pictures.
    shape = paragraph.add_run().add_picture(io.BytesIO(png("green") if as_emf else data))
    set_alt(shape, alt or "")
    if as_emf:  # python-docx adds only bitmaps: swap the picture's part for a metafile
        rel_id = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        part = document.part.related_parts[rel_id]
        part._blob = data
        part._content_type = "image/x-emf"
        part.partname = PackURI(str(part.partname).rsplit(".", 1)[0] + ".emf")
    return paragraph


def text_box(paragraph, text: str) -> None:
    """A text box anchored to the paragraph (VML, as older templates have them)."""
    paragraph.add_run()._r.append(parse_xml(
        f'<w:pict {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><v:shape style="width:200pt;height:20pt">'
        f'<v:textbox><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></v:textbox>'
        '</v:shape></w:pict>'))


def header_table(document, rows: list[tuple[str, str]]) -> None:
    table = document.add_table(rows=0, cols=2)
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value


def council_paper(path: Path, *, board: str = BOARD, marking: str | None = "OFFICIAL-SENSITIVE",
                  comment: bool = False, tracked: bool = False, hidden: bool = False,
                  missing_alt: bool = True, with_emf: bool = False, metafile: bytes | None = None,
                  exempt_note: bool = False,
                  extra_header_rows: list[tuple[str, str]] = ()) -> Path:
    """The whole council paper; each flag adds one thing the import must notice."""
    document = docx.Document()
    add_multilevel_numbering(document)
    if marking:
        document.sections[0].header.paragraphs[0].text = marking
        document.sections[0].footer.paragraphs[0].text = marking
    if exempt_note:
        document.add_paragraph("NOT FOR PUBLICATION by virtue of paragraph 6 of Part 1 of Schedule 7A to the "
                               "Local Government (Scotland) Act 1973")
    header_table(document, [
        ("To:", board),
        ("On:", "2 September 2015"),
        ("Report by:", "Director of Community Resources"),
        ("Subject:", TITLE),
        ("Author:", "Fiona Baird, Community Safety Manager, 0141 496 0141, fiona.baird@clydeview.gov.uk"),
        *extra_header_rows,
    ])

    # Section 1: typed numbers, a bold typed heading.
    heading = document.add_paragraph()
    heading.add_run("1.\tSUMMARY").bold = True
    first = document.add_paragraph("1.1\t")
    first.add_run(PARAGRAPHS[0].split(" serious")[0])
    first.add_run(" serious organised crime").bold = True
    first.add_run(" awareness training for ")
    first.add_run("staff").italic = True
    first.add_run(".")
    second = document.add_paragraph(f"1.2 {PARAGRAPHS[1]}")
    if comment:
        document.add_comment(second.runs[0], text="Check this figure with HR", author="J Smith", initials="JS")
    if hidden:
        second.add_run(" Internal note: figures unverified.").font.hidden = True

    # Section 2: Word's own multilevel numbering, typed (a) (b) (c) recommendations.
    numbered(document.add_paragraph("RECOMMENDATIONS"), 0)
    numbered(document.add_paragraph(PARAGRAPHS[2]), 1)
    for letter, text in zip("abc", RECOMMENDATIONS):
        document.add_paragraph(f"({letter})\t{text}")

    # Section 3: a Heading style, lists, tables, images.
    numbered(document.add_paragraph("BACKGROUND"), 0)
    background = numbered(document.add_paragraph(PARAGRAPHS[3]), 1)
    if tracked:
        background._p.append(parse_xml(
            f'<w:ins {nsdecls("w")} w:id="901" w:author="J Smith" w:date="2015-08-20T10:00:00Z">'
            '<w:r><w:t xml:space="preserve"> It was refreshed in 2015.</w:t></w:r></w:ins>'))
        background._p.append(parse_xml(
            f'<w:del {nsdecls("w")} w:id="902" w:author="J Smith" w:date="2015-08-20T10:00:00Z">'
            '<w:r><w:delText xml:space="preserve"> It was never reviewed.</w:delText></w:r></w:del>'))
    numbered(document.add_paragraph(PARAGRAPHS[4]), 1)
    document.add_paragraph("procurement checks", style="List Bullet")
    document.add_paragraph("licensing checks", style="List Bullet")
    numbered(document.add_paragraph(PARAGRAPHS[5]), 1)
    merged = document.add_table(rows=3, cols=3)
    merged.style = "Table Grid"
    for row, values in zip(merged.rows, [("Quarter", "Sessions", "Staff"), ("Q1", "4", "120"), ("Q2", "6", "280")]):
        for cell, value in zip(row.cells, values):
            cell.text = value
    merged.cell(0, 1).merge(merged.cell(0, 2)).text = "Sessions and staff"
    numbered(document.add_paragraph(PARAGRAPHS[6]), 1)
    add_image(document, png("navy"), "The training room set out for a session")
    add_image(document, png("maroon"), None if missing_alt else "A second view of the room")
    if with_emf or metafile:
        add_image(document, metafile or emf(), "A diagram drawn in Word", as_emf=True)

    document.add_heading("Resources", level=1)
    document.add_paragraph(PARAGRAPHS[7])

    document.add_heading("Implications", level=1)
    implications = document.add_table(rows=1, cols=2)
    implications.rows[0].cells[0].text = "Implication"
    implications.rows[0].cells[1].text = "Comment"
    for heading_text, text in IMPLICATIONS.items():
        cells = implications.add_row().cells
        cells[0].text = heading_text
        cells[1].text = text

    document.core_properties.title = TITLE
    style = document.styles["Normal"]
    style.font.size = Pt(12)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


def simple_paper(path: Path, *, title: str = "Cyber resilience", board: str = BOARD,
                 paragraphs: tuple[str, ...] = ("First point.", "Second point.")) -> Path:
    """A short paper with Heading 1 sections and no numbering at all."""
    document = docx.Document()
    header_table(document, [("To", board), ("On", "02/09/2015"), ("Subject", title)])
    document.add_heading("Summary", level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


def styled_paper(path: Path) -> Path:
    """A paper on another common template: its header written as labelled
    paragraphs, sections in Heading 1 and paragraphs in a "Numbered Para" style,
    both numbered through the styles by one multilevel list; a marking in a text
    box in the page header; content controls and a table of contents; a "not
    for publication" note; a plain table; a web link; and an author's contact
    lines at the end."""
    document = docx.Document()
    add_multilevel_numbering(document)
    styles = document.styles
    para = styles.add_style("Numbered Para", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    para.base_style = styles["Normal"]
    for style, level in ((styles["Heading 1"], 0), (para, 1)):
        style.element.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = MULTILEVEL
        lvl = document.part.numbering_part.element.find(
            f"{qn('w:abstractNum')}[@{qn('w:abstractNumId')}='{MULTILEVEL}']/{qn('w:lvl')}[@{qn('w:ilvl')}='{level}']")
        lvl.insert(2, parse_xml(f'<w:pStyle {nsdecls("w")} w:val="{style.style_id}"/>'))
    text_box(document.sections[0].header.paragraphs[0], "OFFICIAL-SENSITIVE")
    document.add_paragraph("NOT FOR PUBLICATION by virtue of paragraphs 1 and 6 of Part 1 of Schedule 7A to "
                           "the Local Government (Scotland) Act 1973")
    for line in ("Report to: Community Planning Partnership Board", "Date: Wednesday 4th November 2015",
                 "Report by: ", "Subject: Integrity checks on waste contracts", "Wards affected: All",
                 "Consultation: "):
        document.add_paragraph(line)
    # Templates ask for some values in content controls; one still shows its placeholder.
    report_by, consultation = document.paragraphs[-4], document.paragraphs[-1]
    report_by._p.append(parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtPr><w:alias w:val="Report by"/></w:sdtPr><w:sdtContent><w:r>'
        '<w:t>Chief Officer, Legal Services</w:t></w:r></w:sdtContent></w:sdt>'))
    consultation._p.append(parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:r>'
        '<w:t>Click or tap here to enter text.</w:t></w:r></w:sdtContent></w:sdt>'))
    consultation._p.addnext(parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
        '</w:docPartObj></w:sdtPr><w:sdtContent><w:p><w:r><w:t>Contents</w:t></w:r></w:p>'
        '<w:p><w:r><w:t>Purpose\t1</w:t></w:r></w:p></w:sdtContent></w:sdt>'))
    document.add_paragraph("Purpose", style="Heading 1")
    document.add_paragraph("This report sets out the results of integrity checks on waste contracts.",
                           style="Numbered Para")
    document.add_paragraph("Recommendations", style="Heading 1")
    document.add_paragraph("It is recommended that the Board:", style="Numbered Para")
    for text in ("notes the results of the checks; and", "agrees the revised contract conditions."):
        numbered(document.add_paragraph(text), 2)
    document.add_paragraph("Findings", style="Heading 1")
    found = document.add_paragraph("The checks followed the ", style="Numbered Para")
    link = found.part.relate_to("https://www.gov.scot/soc", docx.opc.constants.RELATIONSHIP_TYPE.HYPERLINK,
                                is_external=True)
    found._p.append(parse_xml(f'<w:hyperlink {nsdecls("w", "r")} r:id="{link}"><w:r><w:t>national guidance'
                              '</w:t></w:r></w:hyperlink>'))
    found.add_run(".")
    table = document.add_table(rows=3, cols=2)
    for row, values in zip(table.rows, [("Contract", "Result"), ("Waste collection", "Passed"),
                                        ("Skip hire", "Referred to Police Scotland")]):
        for cell, value in zip(row.cells, values):
            cell.text = value
    document.add_paragraph("Two contracts were checked.", style="Numbered Para")
    document.add_paragraph("Author: Sam Ahmed, Senior Solicitor")
    document.add_paragraph("Telephone: 0141 496 0190")
    document.add_paragraph("E-mail: sam.ahmed@clydeview.gov.uk")
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


COMMITTED = {"heading-styles.docx": simple_paper, "styled-numbering.docx": styled_paper,
             "council-paper.docx": lambda path: council_paper(path, comment=True, tracked=True)}


if __name__ == "__main__":  # python tests/wordpapers.py: remake the files in tests/word/
    for name, make in COMMITTED.items():
        make(Path(__file__).parent / "word" / name)


def add_footnote(document, paragraph, text: str) -> None:
    """A footnote at the end of the paragraph (python-docx has no footnotes of its
    own: the part is added as Word writes it)."""
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.part import Part

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {w}>'
           '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
           '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
           f'</w:footnote><w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> '
           f'{text}</w:t></w:r></w:p></w:footnote></w:footnotes>')
    part = Part(PackURI("/word/footnotes.xml"), CONTENT_TYPE.WML_FOOTNOTES, xml.encode(), document.part.package)
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                                  '<w:footnoteReference w:id="1"/></w:r>'))
