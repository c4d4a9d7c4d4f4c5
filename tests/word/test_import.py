"""`briefing import FILE.docx`: Word papers in, checked draft content files out.

The Word files are made with python-docx (tests/wordpapers.py), in the shape of
a council committee report; two more, made the same way, are committed under
tests/word/.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

import wordpapers
from builder.reading.yamlread import parse_yaml
from builder.model.errors import Problems
from builder.markdown.rendering import sanitise
from builder.word.docx_file import quote
from conftest import TESTS, build, cli, errors_only, parse_html, problem_lines

pytestmark = pytest.mark.without_search

WORD = TESTS / "word"
SITE = """\
title: Test site
organisation: Test Partnership
classification: OFFICIAL
boards:
  safer-stronger: {name: "Safer, Stronger and Resilient Communities Thematic Board"}
  planning: {name: Community Planning Partnership Board}
groups:
  prevent: {name: Prevent Group, remit: Community resilience}
implications: [Financial, HR, Legal, Risk]
"""
REPORT = "reports/serious-organised-crime-staff-awareness-update.md"


@pytest.fixture
def word_project(tmp_path) -> Path:
    content = tmp_path / "content"
    content.mkdir()
    (content / "site.yaml").write_text(SITE, encoding="utf-8")
    return content


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def plain(value):
    """The content reader's value (line-numbered mappings) as plain data."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def front_matter(path: Path) -> tuple[dict, str]:
    """The fields as briefing reads them (in YAML 1.1 'on' would be true) and the body."""
    _, fields, body = path.read_text(encoding="utf-8").split("---\n", 2)
    problems = Problems()
    data = parse_yaml(fields, path.name, 2, problems)
    assert not problems.items, problems.items
    return plain(data), body


def run_import(content: Path, paper: Path, *extra):
    return cli("import", paper, "--content", content, *extra)


# A whole council paper -----------------------------------------------------

@pytest.fixture
def imported(word_project, tmp_path):
    paper = wordpapers.council_paper(tmp_path / "paper.docx", with_emf=True)
    result = run_import(word_project, paper)
    assert result.code == 0, result.err
    return word_project, result


def test_the_header_table_marking_and_implications_become_fields(imported):
    content, result = imported
    fields, _ = front_matter(content / REPORT)
    assert fields["title"] == wordpapers.TITLE
    assert fields["draft"] is True
    assert fields["classification"] == "OFFICIAL-SENSITIVE"  # from the page header
    assert fields["to"] == "safer-stronger"  # the board matched by its name
    assert str(fields["on"]) == "2015-09-02"
    assert fields["report_by"] == "Director of Community Resources"
    assert fields["author"] == {"name": "Fiona Baird", "role": "Community Safety Manager",
                                "phone": "0141 496 0141", "email": "fiona.baird@clydeview.gov.uk"}
    # "Human Resources" is the site's "HR"; "Legal: None" is left to print "None".
    assert fields["implications"] == {"Financial": wordpapers.IMPLICATIONS["Financial"],
                                      "HR": wordpapers.IMPLICATIONS["Human Resources"],
                                      "Risk": wordpapers.IMPLICATIONS["Risk"]}
    assert "Imported" in result.out and "briefing check: " + REPORT + " has no errors" in result.out


def test_numbering_goes_and_formatting_lists_and_tables_stay(imported):
    content, _ = imported
    _, body = front_matter(content / REPORT)
    assert re.findall(r"^## (.*)$", body, re.MULTILINE) == ["SUMMARY", "RECOMMENDATIONS", "BACKGROUND", "Resources"]
    assert not re.search(r"^\s*(\d+\.)+\d*\s", body, re.MULTILINE), "typed or automatic numbers are left"
    assert "(a)" not in body and "1.1" not in body
    assert "**serious organised crime**" in body and "*staff*" in body
    for recommendation in wordpapers.RECOMMENDATIONS:
        assert f"- {recommendation}" in body
    assert "- procurement checks\n- licensing checks" in body
    table = re.search(r"<table>.*?</table>", body, re.DOTALL).group()
    assert 'colspan="2"' in table and sanitise(table) == table  # kept as the sanitiser keeps it
    assert "Implication" not in body and "Fiona Baird" not in body  # read into fields, not left in the text


def test_pictures_are_saved_with_their_alt_text_and_metafiles_as_png(imported):
    content, result = imported
    stem = Path(REPORT).stem
    _, body = front_matter(content / REPORT)
    assert f"![The training room set out for a session](../assets/{stem}-1.png)" in body
    assert f"![](../assets/{stem}-2.png)" in body
    assert f"![A diagram drawn in Word](../assets/{stem}-3.png)" in body
    for number in (1, 2, 3):
        assert (content / "assets" / f"{stem}-{number}.png").read_bytes().startswith(b"\x89PNG")
    warnings = [line for line in problem_lines(result.err) if "warning" in line]
    assert any(f"picture 2 (saved as assets/{stem}-2.png) has no alt text" in line for line in warnings)
    assert any("merged cells" in line and "HTML table" in line for line in warnings)


@pytest.mark.pdf
def test_round_trip_to_the_pdf_keeps_paragraphs_recommendations_and_implications_in_order(imported, tmp_path):
    content, _ = imported
    paper = content / REPORT
    paper.write_text(paper.read_text(encoding="utf-8").replace("draft: true", "draft: false"), encoding="utf-8")
    output = tmp_path / "output"
    build(content, output, pdf=True)
    pdf = PdfReader(output / "reports" / f"{paper.stem}.pdf")
    lines = [" ".join(line.split()) for page in pdf.pages
             for line in page.extract_text(extraction_mode="layout").splitlines() if line.strip()]
    text = "\n".join(lines)

    numbered = re.findall(r"^(\d+\.\d+) (.*)$", text, re.MULTILINE)
    assert [number for number, _ in numbered] == ["1.1", "1.2", "2.1", "3.1", "3.2", "3.3", "3.4", "4.1"]
    for (_, printed), original in zip(numbered, wordpapers.PARAGRAPHS):
        assert original.startswith(printed) or printed.startswith(original[:40]), (printed, original)
    sections = re.findall(r"^(\d+)\. (\w+)$", text, re.MULTILINE)
    assert sections == [("1", "SUMMARY"), ("2", "RECOMMENDATIONS"), ("3", "BACKGROUND"), ("4", "Resources")]
    bullets = [line.lstrip("• ") for line in lines if line.startswith("•")]
    assert bullets[:3] == wordpapers.RECOMMENDATIONS
    rows = [line for line in lines if line.split(" ", 1)[0] in ("Financial", "HR", "Legal", "Risk")]
    assert rows == ["Financial " + wordpapers.IMPLICATIONS["Financial"],
                    "HR " + wordpapers.IMPLICATIONS["Human Resources"], "Legal None",
                    "Risk " + wordpapers.IMPLICATIONS["Risk"]]
    assert "OFFICIAL-SENSITIVE" in text


# Comments, tracked changes, hidden text ------------------------------------

def test_comments_changes_and_hidden_text_stop_the_import(word_project, tmp_path):
    paper = wordpapers.council_paper(tmp_path / "paper.docx", comment=True, tracked=True, hidden=True)
    before = snapshot(word_project)
    result = run_import(word_project, paper)
    assert result.code == 1
    lines = problem_lines(result.err)
    assert len(lines) == 4, lines
    assert any("comment by J Smith" in line and "Check this figure with HR" in line for line in lines)
    assert any("inserted by J Smith" in line and "It was refreshed in 2015." in line for line in lines)
    assert any("deleted by J Smith" in line and "It was never reviewed." in line for line in lines)
    assert any("hidden text" in line and "Internal note" in line for line in lines)
    assert all(line.startswith(f"{paper}: ") and "--accept-changes" in line for line in lines)
    assert snapshot(word_project) == before


def test_accept_changes_takes_the_document_as_it_prints(word_project, tmp_path):
    paper = wordpapers.council_paper(tmp_path / "paper.docx", comment=True, tracked=True, hidden=True)
    result = run_import(word_project, paper, "--accept-changes")
    assert result.code == 0, result.err
    text = (word_project / REPORT).read_text(encoding="utf-8")
    assert "It was refreshed in 2015." in text
    assert "never reviewed" not in text and "Internal note" not in text and "Check this figure" not in text


def _styled_hidden_paper(path: Path) -> Path:
    """Hidden text the way templates hide it: a character style, and a paragraph
    style based on a hidden one, with one run in it that turns Hidden off."""
    document = wordpapers.docx.Document()
    styles = document.styles
    wordpapers.header_table(document, [("To", wordpapers.BOARD), ("On", "2015-09-02"), ("Subject", "Styles")])
    document.add_heading("Summary", level=1)
    aside = styles.add_style("Aside", wordpapers.docx.enum.style.WD_STYLE_TYPE.CHARACTER)
    aside.font.hidden = True
    shown = document.add_paragraph("The partnership met four times.")
    shown.add_run(" Drafting note: check with Police Scotland.", style="Aside")
    guidance = styles.add_style("Template Guidance", wordpapers.docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    guidance.font.hidden = True
    officer_note = styles.add_style("Officer Note", wordpapers.docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    officer_note.base_style = guidance
    note = document.add_paragraph("Names of the informants are held on file. ", style="Officer Note")
    note.add_run("Printed all the same.").font.hidden = False
    document.add_paragraph("Costs are met from existing budgets.")
    document.save(path)
    return path


def test_text_hidden_through_a_style_stops_the_import(word_project, tmp_path):
    """Issue 29 finding 3: hidden through a character or paragraph style, not only on the run."""
    paper = _styled_hidden_paper(tmp_path / "styles.docx")
    before = snapshot(word_project)
    result = run_import(word_project, paper)
    assert result.code == 1
    lines = problem_lines(result.err)
    assert len(lines) == 2, lines
    assert 'hidden text in the body: "Drafting note: check with Police Scotland."' in lines[0]
    assert 'the character style "Aside"' in lines[0]
    assert 'hidden text in the body: "Names of the informants are held on file.", in' in lines[1]
    assert 'hidden by the paragraph style "Officer Note" (from "Template Guidance")' in lines[1]
    assert 'clear Hidden in the style "Template Guidance"' in lines[1]
    assert all("--accept-changes" in line for line in lines)
    assert snapshot(word_project) == before

    result = run_import(word_project, paper, "--accept-changes")
    assert result.code == 0, result.err
    _, body = front_matter(word_project / "reports/styles.md")
    assert "Drafting note" not in body and "informants" not in body
    assert "The partnership met four times." in body and "Printed all the same." in body


def test_text_hidden_by_the_document_defaults_is_hidden_text():
    from builder.word.docx_file import review_marks

    document = wordpapers.docx.Document()
    document.add_paragraph("Every word of this is hidden.")
    defaults = document.styles.element.find(f"{wordpapers.qn('w:docDefaults')}/{wordpapers.qn('w:rPrDefault')}")
    defaults.find(wordpapers.qn("w:rPr")).append(wordpapers.parse_xml(f"<w:vanish {wordpapers.nsdecls('w')}/>"))
    marks = review_marks(document)
    assert len(marks) == 1 and "Every word of this is hidden." in marks[0] and "document's default" in marks[0]


# Notes, markings and what cannot be mapped ---------------------------------

def test_not_for_publication_note_sets_exempt_and_unmapped_rows_are_quoted(word_project, tmp_path):
    paper = wordpapers.council_paper(tmp_path / "paper.docx", exempt_note=True,
                                     extra_header_rows=[("Wards affected:", "All wards")])
    result = run_import(word_project, paper)
    assert result.code == 0, result.err
    fields, body = front_matter(word_project / REPORT)
    assert fields["exempt"] == 6
    assert "NOT FOR PUBLICATION" not in body
    assert any('"Wards affected: All wards"' in line and "not carried into the paper" in line
               for line in problem_lines(result.err))


def test_text_boxes_in_the_body_give_the_marking_and_are_warned_about(word_project, tmp_path):
    document = wordpapers.docx.Document()
    wordpapers.header_table(document, [("To", wordpapers.BOARD), ("On", "2015-09-02"), ("Subject", "Boxes")])
    wordpapers.text_box(document.add_paragraph(), "OFFICIAL-SENSITIVE")
    document.add_heading("Summary", level=1)
    wordpapers.text_box(document.add_paragraph("The partnership met four times."), "Key message: keep going")
    document.save(tmp_path / "boxes.docx")
    result = run_import(word_project, tmp_path / "boxes.docx")
    assert result.code == 0, result.err
    fields, body = front_matter(word_project / "reports/boxes.md")
    assert fields["classification"] == "OFFICIAL-SENSITIVE"
    assert "OFFICIAL" not in body and "Key message: keep going" in body
    assert any('the text box "Key message: keep going"' in line for line in problem_lines(result.err))


MARKUP = ["<script>alert(1)</script> & [x](javascript:alert(1)) *not bold* _x_ `code` a | b &amp;",
          "::: chart facts nothing", "# not a heading", "1. not a list", "---", "> not a quote"]


def test_word_text_that_looks_like_markup_stays_text(word_project, tmp_path):
    document = wordpapers.docx.Document()
    wordpapers.header_table(document, [("To", wordpapers.BOARD), ("On", "2015-09-02"), ("Subject", "Markup")])
    document.add_heading("Summary", level=1)
    for text in MARKUP:
        document.add_paragraph(text)
    document.save(tmp_path / "markup.docx")
    assert run_import(word_project, tmp_path / "markup.docx").code == 0
    paper = word_project / "reports/markup.md"
    paper.write_text(paper.read_text(encoding="utf-8").replace("draft: true", "draft: false"), encoding="utf-8")
    output = tmp_path / "output"
    build(word_project, output)
    page = parse_html(output / "reports/markup.html")
    paragraphs = [p.text() for p in page.find_all("p", cls="numbered")]
    assert paragraphs == [f"1.{n} {text}" for n, text in enumerate(MARKUP, start=1)]


def test_footnotes_become_markdown_footnotes(word_project, tmp_path):
    document = wordpapers.docx.Document()
    wordpapers.header_table(document, [("To", wordpapers.BOARD), ("On", "2015-09-02"), ("Subject", "Notes")])
    document.add_heading("Summary", level=1)
    wordpapers.add_footnote(document, document.add_paragraph("Seventy per cent are in the West."),
                            "Scottish Government, 2015.")
    document.save(tmp_path / "notes.docx")
    result = run_import(word_project, tmp_path / "notes.docx")
    assert result.code == 0, result.err
    _, body = front_matter(word_project / "reports/notes.md")
    assert "Seventy per cent are in the West.[^f1]" in body
    assert "[^f1]: Scottish Government, 2015." in body


@pytest.mark.parametrize("marking", ["OFFICIAL \u2013 SENSITIVE", "OFFICIAL\u2013SENSITIVE", "OFFICIAL\u2011SENSITIVE",
                                     "OFFICIAL: SENSITIVE", "OFFICIAL \u2014 SENSITIVE"])
def test_a_marking_written_with_a_dash_or_colon_is_never_read_lower(word_project, tmp_path, marking):
    """Issue 29 finding 3: Word's autocorrect dashes and the non-breaking hyphen."""
    paper = wordpapers.council_paper(tmp_path / "paper.docx", marking=marking)
    result = run_import(word_project, paper)
    assert result.code == 0, result.err
    fields, _ = front_matter(word_project / REPORT)
    assert fields["classification"] == "OFFICIAL-SENSITIVE"


def test_an_exempt_information_note_sets_exempt(word_project, tmp_path):
    document = wordpapers.docx.Document()
    wordpapers.header_table(document, [("To", wordpapers.BOARD), ("On", "2015-09-02"), ("Subject", "Exempt")])
    document.add_paragraph("EXEMPT INFORMATION \u2013 Schedule 7A, Paragraph 14")
    document.add_heading("Summary", level=1)
    document.add_paragraph("The partnership met four times.")
    document.save(tmp_path / "exempt.docx")
    result = run_import(word_project, tmp_path / "exempt.docx")
    assert result.code == 0, result.err
    fields, body = front_matter(word_project / "reports/exempt.md")
    assert fields["exempt"] == 14 and "EXEMPT INFORMATION" not in body


def test_a_marking_above_official_sensitive_is_refused(word_project, tmp_path):
    paper = wordpapers.council_paper(tmp_path / "paper.docx", marking="SECRET")
    result = run_import(word_project, paper)
    assert result.code == 1
    assert any("marked SECRET" in line for line in problem_lines(result.err))
    assert not (word_project / "reports").exists()


# What looks like a marking or an exemption but cannot be read for certain ---

def _paper(path: Path, *, header: str | None = None, top: tuple[str, ...] = (), rows: tuple = (),
           body: tuple[str, ...] = ("The partnership met four times.",)) -> Path:
    """A short paper: a page header, lines at the top of the body, then a section."""
    document = wordpapers.docx.Document()
    if header is not None:
        document.sections[0].header.paragraphs[0].text = header
    for line in top:
        document.add_paragraph(line)
    wordpapers.header_table(document, [("To", wordpapers.BOARD), ("On", "2015-09-02"), ("Subject", "Doubts"),
                                       *rows])
    document.add_heading("Summary", level=1)
    for line in body:
        document.add_paragraph(line)
    document.save(path)
    return path


DOUBTFUL_MARKINGS = ["OFFICIAL SENSITIVE-ISH", "OFFICIAL-SENSTIVE", "OFFICIAL \u2013 SENS", "Official (Sensitive)",
                     "OFFICIAL/SENSITIVE", "RESTRICTED", "PROTECT", "CONFIDENTIAL", "COMMERCIAL IN CONFIDENCE"]


@pytest.mark.parametrize("written", DOUBTFUL_MARKINGS)
def test_a_marking_that_cannot_be_read_for_certain_stops_the_import(word_project, tmp_path, written):
    """Issue 29 finding 3: never guessed down (OFFICIAL-SENSTIVE was read as OFFICIAL)."""
    before = snapshot(word_project)
    for paper, where in ((_paper(tmp_path / "header.docx", header=written), "the page header of section 1"),
                         (_paper(tmp_path / "top.docx", top=(written,)), "paragraph 1 of the body")):
        result = run_import(word_project, paper)
        assert result.code == 1, result.err
        errors = errors_only(result.err)
        assert len(errors) == 1, errors
        assert errors[0].startswith(f"{paper}: {where} says {quote(written)}, which looks like a protective marking")
        assert "--classification OFFICIAL or --classification OFFICIAL-SENSITIVE" in errors[0]
        assert snapshot(word_project) == before


def test_the_marking_row_and_later_sections_are_read_too(word_project, tmp_path):
    document = wordpapers.docx.Document()
    wordpapers.header_table(document, [("To", wordpapers.BOARD), ("On", "2015-09-02"), ("Subject", "Sections"),
                                       ("Classification", "OFFICIAL SENSTIVE")])
    document.add_heading("Summary", level=1)
    document.add_paragraph("The partnership met four times.")
    annex = document.add_section()
    annex.header.is_linked_to_previous = False
    annex.header.paragraphs[0].text = "Restricted \u2013 Management"
    document.add_paragraph("Annex text.")
    document.save(tmp_path / "sections.docx")
    errors = errors_only(run_import(word_project, tmp_path / "sections.docx").err)
    assert len(errors) == 2, errors
    assert 'the header table says "OFFICIAL SENSTIVE"' in errors[0]
    assert 'the page header of section 2 says "Restricted \u2013 Management"' in errors[1]


def test_a_marking_in_doubt_in_a_header_text_box_is_named_once(word_project, tmp_path):
    document = wordpapers.docx.Document()
    wordpapers.text_box(document.sections[0].header.paragraphs[0], "RESTRICTED")
    wordpapers.header_table(document, [("To", wordpapers.BOARD), ("On", "2015-09-02"), ("Subject", "Box")])
    document.add_heading("Summary", level=1)
    document.save(tmp_path / "box.docx")
    errors = errors_only(run_import(word_project, tmp_path / "box.docx").err)
    assert len(errors) == 1 and 'the page header of section 1 says "RESTRICTED"' in errors[0], errors


def test_ordinary_text_with_marking_words_does_not_stop_the_import(word_project, tmp_path):
    paper = _paper(tmp_path / "ordinary.docx", header="Official Statistics on Recorded Crime 2015",
                   top=("Officials met on 3 May to agree the official response.",),
                   body=("PREVENT, PURSUE, PROTECT, PREPARE", "Protect", "Restricted access to sensitive sites."))
    result = run_import(word_project, paper)
    assert result.code == 0, result.err
    _, body = front_matter(word_project / "reports/doubts.md")
    for line in ("the official response", "PREVENT, PURSUE, PROTECT, PREPARE", "Protect\n", "Restricted access"):
        assert line in body


def test_a_marking_beside_a_tab_in_the_page_header_is_read_whole(word_project, tmp_path):
    """"OFFICIAL-SENSITIVE", a tab, "Page 1" was read as OFFICIAL: its text had no space before "Page"."""
    document = wordpapers.docx.Document()
    header = document.sections[0].header.paragraphs[0]
    header.add_run("OFFICIAL-SENSITIVE").add_tab()
    header.add_run("Page 1")
    wordpapers.header_table(document, [("To", wordpapers.BOARD), ("On", "2015-09-02"), ("Subject", "Tabs")])
    document.add_heading("Summary", level=1)
    document.save(tmp_path / "tabs.docx")
    result = run_import(word_project, tmp_path / "tabs.docx")
    assert result.code == 0, result.err
    assert front_matter(word_project / "reports/tabs.md")[0]["classification"] == "OFFICIAL-SENSITIVE"


def test_classification_settles_a_marking_in_doubt_but_never_lower(word_project, tmp_path):
    doubtful = _paper(tmp_path / "doubtful.docx", header="OFFICIAL-SENSTIVE")
    result = run_import(word_project, doubtful, "--classification", "OFFICIAL-SENSITIVE")
    assert result.code == 0, result.err
    assert front_matter(word_project / "reports/doubts.md")[0]["classification"] == "OFFICIAL-SENSITIVE"
    assert any('"OFFICIAL-SENSTIVE": the paper is marked OFFICIAL-SENSITIVE, as --classification says' in line
               for line in problem_lines(result.err))

    unmarked = _paper(tmp_path / "unmarked.docx")
    result = run_import(word_project, unmarked, "--classification", "OFFICIAL", "--id", "unmarked")
    assert result.code == 0, result.err
    assert front_matter(word_project / "reports/unmarked.md")[0]["classification"] == "OFFICIAL"
    assert "no protective marking was found" not in result.err

    before = snapshot(word_project)
    for header in ("OFFICIAL-SENSITIVE", "OFFICIAL SENSITIVE-ISH"):  # the second could mean OFFICIAL-SENSITIVE
        paper = _paper(tmp_path / "marked.docx", header=header)
        result = run_import(word_project, paper, "--classification", "OFFICIAL", "--id", "marked")
        assert result.code == 1
        errors = errors_only(result.err)
        assert len(errors) == 1, errors
        assert f"the page header of section 1 says {quote(header)}, which is OFFICIAL-SENSITIVE: --classification " \
               "OFFICIAL would mark the paper lower than the document does" in errors[0]
        assert snapshot(word_project) == before


DOUBTFUL_NOTES = ["Exempt under paragraph ?", "Schedule 7A paragraph", "NOT FOR PUBLICATION",
                  "NOT FOR PUBLICATION by virtue of paragraph 16 of Part 1 of Schedule 7A",
                  "Appendix 2 is exempt under paragraph 3.2"]


@pytest.mark.parametrize("written", DOUBTFUL_NOTES)
def test_an_exemption_note_without_a_readable_paragraph_stops_the_import(word_project, tmp_path, written):
    paper = _paper(tmp_path / "note.docx", header="OFFICIAL-SENSITIVE", top=(written,))
    result = run_import(word_project, paper)
    assert result.code == 1
    errors = errors_only(result.err)
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{paper}: paragraph 1 of the body says {quote(written)}, which looks like a note of "
                                "exempt information")
    assert "--exempt N (the paragraph, 1 to 15)" in errors[0]

    result = run_import(word_project, paper, "--exempt", "6")
    assert result.code == 0, result.err
    fields, body = front_matter(word_project / "reports/doubts.md")
    assert fields["exempt"] == 6 and written not in body
    (word_project / "reports/doubts.md").unlink()


def test_an_exemption_note_in_the_page_footer_is_read_and_can_be_settled(word_project, tmp_path):
    document = wordpapers.docx.Document()
    document.sections[0].footer.paragraphs[0].text = "OFFICIAL-SENSITIVE \u2013 exempt: Schedule 7A, para ?"
    wordpapers.header_table(document, [("To", wordpapers.BOARD), ("On", "2015-09-02"), ("Subject", "Footer")])
    document.add_heading("Summary", level=1)
    document.save(tmp_path / "footer.docx")
    errors = errors_only(run_import(word_project, tmp_path / "footer.docx").err)
    assert len(errors) == 1 and "the page footer of section 1 says" in errors[0] and "--exempt N" in errors[0]
    result = run_import(word_project, tmp_path / "footer.docx", "--exempt", "14")
    assert result.code == 0, result.err
    fields, _ = front_matter(word_project / "reports/footer.md")
    assert fields["exempt"] == 14 and fields["classification"] == "OFFICIAL-SENSITIVE"


@pytest.mark.parametrize("options, message", [
    (("--exempt", "16"), "'16' is not a paragraph of Schedule 7A: give a whole number from 1 to 15"),
    (("--exempt", "six"), "'six' is not a paragraph of Schedule 7A"),
    (("--exempt", "0"), "'0' is not a paragraph of Schedule 7A"),
    (("--classification", "SECRET"), "invalid choice: 'SECRET'"),
])
def test_settling_options_are_checked(word_project, tmp_path, options, message):
    result = run_import(word_project, _paper(tmp_path / "paper.docx"), *options)
    assert result.code == 2 and message in result.err and "Traceback" not in result.err
    assert not (word_project / "reports").exists()


def test_exempt_is_for_a_report_only(word_project, tmp_path):
    result = run_import(word_project, _paper(tmp_path / "page.docx"), "--kind", "page", "--exempt", "6")
    assert result.code == 1
    assert any("is given --exempt, which only a report can be" in line for line in errors_only(result.err))


def test_committed_word_files_import_and_pass_check(word_project):
    result = run_import(word_project, WORD / "heading-styles.docx")
    assert result.code == 0, result.err
    fields, body = front_matter(word_project / "reports/cyber-resilience.md")
    assert fields["to"] == "safer-stronger" and str(fields["on"]) == "2015-09-02"
    assert body.startswith("## Summary\n\nFirst point.\n\nSecond point.")

    result = run_import(word_project, WORD / "styled-numbering.docx")
    assert result.code == 0, result.err
    fields, body = front_matter(word_project / "reports/integrity-checks-on-waste-contracts.md")
    assert fields["to"] == "planning" and str(fields["on"]) == "2015-11-04"
    assert fields["report_by"] == "Chief Officer, Legal Services"  # from a content control
    assert "Click or tap" not in body and "Contents" not in body
    assert any("table of contents is left out" in line for line in problem_lines(result.err))
    assert fields["classification"] == "OFFICIAL-SENSITIVE"  # from a text box in the page header
    assert fields["exempt"] == 1
    assert fields["author"]["email"] == "sam.ahmed@clydeview.gov.uk"
    assert re.findall(r"^## (.*)$", body, re.MULTILINE) == ["Purpose", "Recommendations", "Findings"]
    assert "1. notes the results of the checks; and" in body  # "(a)" numbering under 2.1 stays a list
    assert "[national guidance](https://www.gov.scot/soc)" in body
    assert "| Skip hire | Referred to Police Scotland |" in body
    assert any('"Wards affected: All"' in line for line in problem_lines(result.err))
    assert "has no errors" in result.out


def test_the_committed_council_paper_needs_its_review_marks_dealt_with(word_project):
    result = run_import(word_project, WORD / "council-paper.docx")
    assert result.code == 1 and len(problem_lines(result.err)) == 3  # a comment, an insertion, a deletion
    result = run_import(word_project, WORD / "council-paper.docx", "--accept-changes")
    assert result.code == 0, result.err
    assert "It was refreshed in 2015." in (word_project / REPORT).read_text(encoding="utf-8")


def test_another_kind_and_id(word_project):
    result = run_import(word_project, WORD / "heading-styles.docx", "--kind", "page", "--id", "cyber-page")
    assert result.code == 0, result.err
    fields, _ = front_matter(word_project / "pages/cyber-page.md")
    assert set(fields) == {"title", "draft"}
    assert any("is not a field of a page" in line for line in problem_lines(result.err))


# Bad input: one line, exit 1, nothing written ------------------------------

def _not_word(tmp_path: Path) -> Path:
    path = tmp_path / "notes.docx"
    path.write_text("These are just notes.\n", encoding="utf-8")
    return path


def _cut_short(tmp_path: Path) -> Path:
    whole = wordpapers.simple_paper(tmp_path / "whole.docx").read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(whole[: len(whole) // 2])
    return path


def _damaged_xml(tmp_path: Path) -> Path:
    source = zipfile.ZipFile(wordpapers.simple_paper(tmp_path / "whole.docx"))
    path = tmp_path / "damaged.docx"
    with zipfile.ZipFile(path, "w") as damaged:
        for name in source.namelist():
            data = source.read(name)
            damaged.writestr(name, data[:150] if name == "word/document.xml" else data)
    return path


def _password(tmp_path: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    with wordpapers.simple_paper(tmp_path / "plain.docx").open("rb") as plain:
        OOXMLFile(plain).encrypt("secret", out)
    path = tmp_path / "locked.docx"
    path.write_bytes(out.getvalue())
    return path


def _spreadsheet(tmp_path: Path) -> Path:
    path = tmp_path / "book.docx"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                                             'package/2006/content-types"/>')
    return path


def _unknown_board(tmp_path: Path) -> Path:
    return wordpapers.council_paper(tmp_path / "paper.docx", board="Safer Communities Thematic Board")


@pytest.mark.parametrize("make, message", [
    (_not_word, "this is not a Word document (.docx)"),
    (_cut_short, "the Word document is damaged"),
    (_damaged_xml, "the Word document is damaged"),
    (_password, "protected by a password"),
    (_spreadsheet, "this is not a Word document (.docx)"),
    (_unknown_board, "which is not a board in site.yaml (did you mean "
                     "'Safer, Stronger and Resilient Communities Thematic Board'?)"),
    (lambda tmp_path: tmp_path / "missing.docx", "no such file"),
], ids=["not-word", "cut-short", "damaged-xml", "password", "not-a-document", "unknown-board", "missing"])
def test_bad_input_is_one_line_and_writes_nothing(word_project, tmp_path, make, message):
    paper = make(tmp_path)
    before = snapshot(word_project)
    result = run_import(word_project, paper)
    assert result.code == 1
    lines = problem_lines(result.err)
    errors = [line for line in lines if ": warning: " not in line]
    assert len(errors) == 1 and errors[0].startswith(f"{paper}: ") and message in errors[0], result.err
    assert snapshot(word_project) == before


def test_a_picture_that_cannot_be_converted_is_named(word_project, tmp_path):
    paper = wordpapers.council_paper(tmp_path / "paper.docx", metafile=b"not really a metafile")
    before = snapshot(word_project)
    result = run_import(word_project, paper)
    assert result.code == 1
    errors = [line for line in problem_lines(result.err) if ": warning: " not in line]
    assert len(errors) == 1 and errors[0].startswith(f'{paper}: picture 3 ("A diagram drawn in Word")'), errors
    assert "save it as a PNG picture" in errors[0]
    assert snapshot(word_project) == before


def test_an_existing_file_is_never_overwritten(word_project, tmp_path):
    paper = wordpapers.simple_paper(tmp_path / "paper.docx")
    (word_project / "reports").mkdir()
    (word_project / "reports/cyber-resilience.md").write_text("mine\n", encoding="utf-8")
    before = snapshot(word_project)
    result = run_import(word_project, paper)
    assert result.code == 1
    errors = [line for line in problem_lines(result.err) if ": warning: " not in line]
    assert errors == ["reports/cyber-resilience.md: already exists and was left as it is; give the import another "
                      "--id, or move that file away first"]
    assert snapshot(word_project) == before
    assert run_import(word_project, paper, "--id", "cyber-resilience-2").code == 0


def test_an_error_check_finds_in_the_new_file_takes_it_back(word_project, tmp_path, monkeypatch):
    import builder.checks
    from builder.model.errors import ContentError, Problem

    def check(content, profile, today):
        raise ContentError([Problem(REPORT, 12, "something check refuses")])

    monkeypatch.setattr(builder.checks, "check", check)
    before = snapshot(word_project)
    result = run_import(word_project, wordpapers.council_paper(tmp_path / "paper.docx"))
    assert result.code == 1
    assert f"{REPORT}:12: something check refuses" in result.err
    assert snapshot(word_project) == before
    assert not (word_project / "reports").exists() and not (word_project / "assets").exists()


def test_a_bad_id_is_refused(word_project, tmp_path):
    result = run_import(word_project, wordpapers.simple_paper(tmp_path / "paper.docx"), "--id", "Cyber Paper")
    assert result.code == 1
    assert "cannot be a file name" in result.err
    assert not (word_project / "reports").exists()


@pytest.mark.parametrize("written, expected", [
    ("2 September 2015", "2015-09-02"), ("Wednesday 2nd Sept 2015 at 10am", "2015-09-02"),
    ("02/09/2015", "2015-09-02"), ("2015-09-02", "2015-09-02"), ("September 2, 2015", "2015-09-02"),
    ("31/02/2015", None), ("next week", None),
])
def test_meeting_dates_as_officers_write_them(written, expected):
    from builder.word.importer import parse_date

    found = parse_date(written)
    assert (found.isoformat() if found else None) == expected


def test_implication_headings_as_officers_write_them():
    from builder.model.partnership import Site
    from builder.word.importer import implication_matcher

    site = Site(title="t", organisation="o", classification="OFFICIAL",
                implications=("Financial", "HR", "Property/Assets", "Equality and Human Rights", "Privacy Impact"))
    known = implication_matcher(site)
    assert [known(text) for text in ("Financial Implications", "Human Resources", "Property", "Equalities",
                                     "Privacy", "property / assets", "Transport")] == [
        "Financial", "HR", "Property/Assets", "Equality and Human Rights", "Privacy Impact", "Property/Assets", None]
