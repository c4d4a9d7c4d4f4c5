"""PDF board papers, agenda packs and spotlight notes, read back with pypdf and
pdfua, on the partnership fixture project (tests/sites/partnership/)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SITES, build, build_args, pdf_pages, pdf_text, run_process, write_files
from pypdf import PdfReader

pytestmark = [pytest.mark.pdf, pytest.mark.without_search]

PAPER = "reports/soc-strategy-refresh.pdf"
EXEMPT_PAPER = "reports/waste-contract-integrity.pdf"
SENSITIVE_PAPER = "reports/licensing-intelligence.pdf"
PACK = "meetings/2015-09-02-ssr.pdf"
PRIVATE_PACK = "meetings/2015-09-02-ssr-private.pdf"
SECOND_PACK = "meetings/2015-12-02-cpp.pdf"
SPOTLIGHT = "spotlights/wrap-regulatory-services.pdf"
ALL_PDFS = (PAPER, EXEMPT_PAPER, SENSITIVE_PAPER, PACK, PRIVATE_PACK, SECOND_PACK, SPOTLIGHT)


@pytest.fixture(scope="module")
def internal(site_build) -> Path:
    return site_build("partnership", "internal", pdf=True)


@pytest.fixture(scope="module")
def public(site_build) -> Path:
    return site_build("partnership", "public", pdf=True)


def text_positions(page) -> list[tuple[str, float]]:
    """Each text run on a page with its height on the page (0 bottom, 1 top)."""
    height = float(page.mediabox.height)
    runs: list[tuple[str, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            runs.append((text.strip(), (cm[5] + tm[5] * cm[3]) / height))

    page.extract_text(visitor_text=visit)
    return runs


@pytest.mark.parametrize("name", ALL_PDFS)
def test_pdfua_check_finds_nothing(internal, name):
    pdfua = Path(sys.executable).parent / "pdfua"
    result = subprocess.run([str(pdfua), "check", "-f", "json", "--min-severity", "error", str(internal / name)],
                            capture_output=True, text=True)
    report = json.loads(result.stdout)
    assert report["summary"]["findings"] == 0, report["findings"]
    assert result.returncode == 0


@pytest.mark.parametrize("name", ALL_PDFS)
def test_every_page_has_marking_top_and_bottom_and_page_x_of_y(internal, name):
    reader = PdfReader(internal / name)
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        runs = text_positions(page)
        markings = [height for text, height in runs if text.startswith("OFFICIAL")]
        assert any(h > 0.9 for h in markings), f"{name} page {number}: no marking at the top"
        assert any(h < 0.1 for h in markings), f"{name} page {number}: no marking at the bottom"
        assert f"Page {number} of {total}" in page.extract_text()


@pytest.mark.parametrize("name", [EXEMPT_PAPER, SENSITIVE_PAPER])
def test_sensitive_paper_is_marked_sensitive_on_every_page(internal, name):
    for text in pdf_pages(internal / name):
        assert text.count("OFFICIAL-SENSITIVE") >= 2


def test_paper_header_block_and_numbering(internal):
    pages = pdf_pages(internal / PAPER)
    first = pages[0]
    assert "Agenda item 5" in first
    assert "To Safer, Stronger and Resilient Communities Thematic Board" in first
    assert "On 2 September 2015" in first
    assert "Report by Director of Community Resources" in first
    assert "Subject: Serious Organised Crime Strategy Refresh" in first
    whole = "\n".join(pages)
    for number in ("1.1", "1.2", "2.1", "3.1", "3.2", "4.1"):
        assert re.search(rf"(^|\n){re.escape(number)}\b|\b{re.escape(number)}(\n|$)", whole), number
    assert "2.2" not in whole.split("Background")[0], "the recommendations list must not be numbered"


def test_paper_ends_with_implications_contact_and_appendices(internal):
    whole = "\n".join(pdf_pages(internal / PAPER))
    implications = whole[whole.index("Implications"):]
    for heading in ("Financial", "HR", "Legal", "Procurement", "Privacy Impact"):
        assert heading in implications
    assert "None" in implications, "a heading the paper leaves out prints None"
    assert "Person to contact: Fiona Baird" in whole
    assert "Appendix 1: Roofing fraud against an elderly householder" in whole
    assert "Appendix 3: wrap-session-plan.txt" in whole


def test_exempt_paper_says_not_for_publication_on_its_first_page(internal):
    first = pdf_pages(internal / EXEMPT_PAPER)[0]
    assert "NOT FOR PUBLICATION" in first
    assert "paragraph 14 of Part I of Schedule 7A" in first


def test_metadata_language_and_title_in_title_bar(internal):
    reader = PdfReader(internal / PAPER)
    assert reader.metadata.title == "Serious Organised Crime Strategy Refresh"
    assert reader.metadata.author == "Fiona Baird"
    assert "Board paper to Safer, Stronger and Resilient Communities Thematic Board" in reader.metadata.subject
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert "/StructTreeRoot" in root and bool(root["/MarkInfo"]["/Marked"])


def test_paper_has_a_bookmark_per_section(internal):
    outline = PdfReader(internal / PAPER).outline
    titles = [entry["/Title"] for entry in _flatten(outline)]
    assert titles[0] == "Serious Organised Crime Strategy Refresh"
    for section in ("1. Summary", "2. Recommendations", "3. Background", "4. Resources", "5. Prevention",
                    "6. Community Involvement"):
        assert section in titles


def _flatten(outline):
    for entry in outline:
        if isinstance(entry, list):
            yield from _flatten(entry)
        else:
            yield entry


def test_fonts_are_embedded(internal):
    for name in ALL_PDFS:
        reader = PdfReader(internal / name)
        for page in reader.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
                descriptor = descendant["/FontDescriptor"]
                assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
                assert "Briefing-Sans" in font["/BaseFont"]


def _structure(reader: PdfReader) -> list:
    """The elements of a tagged PDF's structure tree, in document order."""
    found = []

    def walk(node):
        node = node.get_object()
        if not hasattr(node, "get"):
            return
        if "/S" in node:
            found.append(node)
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else ([] if kids is None else [kids]):
            walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_structure_tree_has_headings_paragraphs_lists_and_tables_in_order(internal):
    types = [str(node["/S"]) for node in _structure(PdfReader(internal / PAPER))]
    for tag in ("/H1", "/H2", "/P", "/L", "/LI", "/Table", "/TR", "/TH", "/TD"):
        assert tag in types, tag
    first_list = types.index("/L")
    assert types.index("/H1") < types.index("/H2") < first_list
    assert "/Table" in types[first_list:], "the table in the Resources section follows the list"


def test_agenda_page_ranges_match_where_each_paper_starts_and_ends(internal):
    pages = pdf_pages(internal / PACK)
    cover = pages[0] + pages[1]
    match = re.search(r"Serious Organised Crime Strategy Refresh.*?(\d+) - (\d+)", cover, re.S)
    assert match, cover
    start, end = int(match.group(1)), int(match.group(2))
    starts = [n for n, text in enumerate(pages, start=1) if "Subject: Serious Organised Crime Strategy Refresh" in text]
    assert starts == [start]
    assert end == len(pages), "the last paper ends on the last page of the pack"
    assert "Page 1 of" in pages[0] and f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_pack_has_a_bookmark_per_agenda_item_and_keeps_exempt_paper_out(internal):
    reader = PdfReader(internal / PACK)
    top = [entry["/Title"] for entry in reader.outline if not isinstance(entry, list)]
    assert top == ["Agenda", "Item 5: Serious Organised Crime Strategy Refresh"]
    whole = "\n".join(pdf_pages(internal / PACK))
    assert "Procurement Integrity in Waste Contracts" not in " ".join(whole.split())
    assert "Exempt item: not for publication by virtue of paragraph 14" in " ".join(whole.split())


def test_private_pack_holds_the_exempt_paper(internal):
    reader = PdfReader(internal / PRIVATE_PACK)
    top = [entry["/Title"] for entry in reader.outline if not isinstance(entry, list)]
    assert top == ["Agenda", "Item 7: Procurement Integrity in Waste Contracts"]
    whole = "\n".join(pdf_pages(internal / PRIVATE_PACK))
    assert "Subject: Procurement Integrity in Waste Contracts" in whole
    assert "Subject: Serious Organised Crime Strategy Refresh" not in whole


def test_a_pack_binds_a_sensitive_paper_in_the_internal_build_only(internal, public):
    assert "Subject: Licensing Intelligence on Nail Bar Premises" in pdf_text(internal / SECOND_PACK)
    whole = pdf_text(public / SECOND_PACK)
    assert "Licensing Intelligence" not in whole and "OFFICIAL-SENSITIVE" not in whole


def test_public_build_has_no_exempt_or_private_pdf(public):
    assert not (public / PRIVATE_PACK).exists()
    assert not (public / EXEMPT_PAPER).exists()
    assert not (public / SENSITIVE_PAPER).exists()
    whole = pdf_text(public / PACK)
    assert "Procurement Integrity in Waste Contracts" not in whole
    assert "OFFICIAL-SENSITIVE" not in whole


def test_spotlight_notes_list_presenters_threats_and_actions(internal):
    whole = pdf_text(internal / SPOTLIGHT)
    assert "18 November 2015" in whole
    assert "Presenters" in whole and "Police Scotland" in whole
    assert "Threats covered" in whole and "Human trafficking" in whole
    assert "Action" in whole and "Owner" in whole and "Due" in whole and "Status" in whole
    assert "Prevent Group" in whole


def test_html_pages_link_their_pdfs(internal):
    assert 'href="soc-strategy-refresh.pdf"' in (internal / "reports/soc-strategy-refresh.html").read_text()
    meeting = (internal / "meetings/2015-09-02-ssr.html").read_text()
    assert 'href="2015-09-02-ssr.pdf"' in meeting and 'href="2015-09-02-ssr-private.pdf"' in meeting
    assert 'href="wrap-regulatory-services.pdf"' in (internal / "spotlights/wrap-regulatory-services.html").read_text()


@pytest.mark.slow
def test_same_input_gives_the_same_bytes(internal, copy_site, tmp_path):
    """Slow: test_pdf_bytes_depend_on_content_bytes_only (incremental/test_incremental.py)
    and test_content_version_without_git_is_a_hash_of_the_inputs (project/test_lifecycle.py)
    build the same input again, elsewhere, and compare the PDFs' bytes, on smaller projects."""
    build(copy_site("partnership"), tmp_path / "again", pdf=True)
    for name in ALL_PDFS:
        assert (tmp_path / "again" / name).read_bytes() == (internal / name).read_bytes(), name


def test_no_pdf_skips_pdfs_and_their_links(site_build):
    output = site_build("partnership")  # HTML only
    assert not list(output.rglob("*.pdf"))
    assert ".pdf" not in (output / "reports/soc-strategy-refresh.html").read_text(encoding="utf-8")


# The fetcher: a project's own template may ask for anything; only assets are served.

@pytest.mark.parametrize(
    "markup",
    [
        '<img src="file:///etc/passwd" alt="x">',
        '<link rel="attachment" href="file:///etc/hostname">',
        '<img src="{url}/probe.png" alt="x">',
        '<link rel="stylesheet" href="{url}/style.css">',
        '<img src="../../../../../../etc/passwd" alt="x">',
    ],
)
def test_fetcher_refuses_anything_but_assets(copy_site, tmp_path, counting_server, markup):
    content = copy_site()
    for folder in ("meetings", "spotlights"):  # one PDF is enough
        shutil.rmtree(content / folder)
    base = (REPO / "templates/pdf/base.html").read_text(encoding="utf-8")
    write_files(tmp_path / "templates/pdf", {
        "base.html": base.replace("</head>", markup.format(url=counting_server.url) + "\n</head>"),
    })
    output = tmp_path / "output"
    err = build(content, output, pdf=True, expect=1).err
    assert re.search(r"^reports/alpha-report\.md: the PDF reports/alpha-report\.pdf was not made: "
                     r"it asks for ", err, re.M), err
    assert "Traceback" not in err
    assert counting_server.requests == []
    assert not output.exists()


def test_fetcher_serves_images_from_assets(copy_site, tmp_path):
    report = (SITES / "minimal/reports/alpha-report.md").read_text(encoding="utf-8")
    content = copy_site(overlay={"reports/alpha-report.md": report + "\n\n![The partnership logo](../assets/logo.svg)\n"})
    build(content, tmp_path / "out", pdf=True)
    figures = [node for node in _structure(PdfReader(tmp_path / "out/reports/alpha-report.pdf"))
               if node["/S"] == "/Figure"]
    assert figures and all(f.get("/Alt") for f in figures), "every figure has alternative text"
    assert "The partnership logo" in [f.get("/Alt") for f in figures]


def test_a_build_leaves_nothing_behind_in_the_temporary_folder(copy_site, tmp_path):
    # WeasyPrint keeps a font configuration's fonts in a temporary folder until it is
    # freed: each PDF process frees its own before it ends, the build's own process too.
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    args = build_args(copy_site("minimal"), tmp_path / "output", "--jobs", "2", pdf=True)
    result = run_process(*args, env={"TMPDIR": str(temporary)})
    assert result.code == 0, result.err
    assert "Exception ignored" not in result.err and "Traceback" not in result.err
    assert sorted(temporary.iterdir()) == []
