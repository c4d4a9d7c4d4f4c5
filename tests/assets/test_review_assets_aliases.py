"""Adversarial review of issue 23's "nothing hidden in published files" and
"renamed items keep their addresses", through the command line: hidden data a
scrubber can miss, and old addresses a redirect can miss."""

from __future__ import annotations

import io

import pikepdf
import pytest
from PIL import Image, PngImagePlugin

from conftest import build, cli, pdf_text

XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>HIDDENAUTHOR</dc:creator>'
       b'</rdf:Description></rdf:RDF></x:xmpmeta>')


def _image(format_name: str, **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (24, 16), "teal").save(out, format_name, **options)
    return out.getvalue()


def _png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "HIDDENAUTHOR")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    return _image("PNG", pnginfo=info)


def _pdf_with_page_xmp() -> bytes:
    document = pikepdf.new()
    document.add_blank_page()
    stream = pikepdf.Stream(document, XMP)
    stream.Type, stream.Subtype = pikepdf.Name.Metadata, pikepdf.Name.XML
    document.pages[0].obj.Metadata = stream
    out = io.BytesIO()
    document.save(out, compress_streams=False)
    return out.getvalue()


def _published(make_project, tmp_path, name: str, data: bytes, profile: str = "public") -> bytes:
    content = make_project({f"assets/{name}": data,
                            "pages/evidence.md": f"---\ntitle: Evidence\n---\n[The file](../assets/{name})\n"})
    build(content, tmp_path / "out", "--profile", profile)
    published = tmp_path / "out/assets" / name
    assert published.exists()
    raw = published.read_bytes()
    if name.endswith(".pdf"):  # streams may be compressed on the way: read them back whole
        with pikepdf.open(io.BytesIO(raw)) as document:
            raw += b"".join(obj.read_bytes() for obj in document.objects if isinstance(obj, pikepdf.Stream))
    return raw


@pytest.mark.parametrize("name, data", [
    ("photo.png", _png_with_text()),
    ("photo.webp", _image("WEBP", xmp=XMP)),
    ("photo.gif", _image("GIF", comment=b"HIDDENAUTHOR took this")),
    ("photo.jpg", _image("JPEG", xmp=XMP)),
])
def test_hidden_text_of_an_image_is_not_published(make_project, tmp_path, name, data):
    assert b"HIDDENAUTHOR" in data
    assert b"HIDDENAUTHOR" not in _published(make_project, tmp_path, name, data)


def test_a_jpeg_comment_is_not_published(make_project, tmp_path):
    data = _image("JPEG", comment=b"HIDDENAUTHOR took this at 12 Main Street")
    assert b"HIDDENAUTHOR" not in _published(make_project, tmp_path, "photo.jpg", data)


def test_the_xmp_of_a_tiff_is_not_published(make_project, tmp_path):
    data = _image("TIFF", tiffinfo={700: XMP})
    assert b"HIDDENAUTHOR" not in _published(make_project, tmp_path, "scan.tif", data)


def test_the_xmp_of_a_pdf_page_is_not_published(make_project, tmp_path):
    assert b"HIDDENAUTHOR" not in _published(make_project, tmp_path, "paper.pdf", _pdf_with_page_xmp())


# Aliases ---------------------------------------------------------------------------

REPORT = """---
title: Renamed report
to: main-board
on: 2015-09-02
report_by: Director of Tests
aliases: [old-report]
---
## Summary

Text.
"""
SITE = ("title: Test site\norganisation: Test Partnership\nclassification: OFFICIAL\nurl: https://example.org/safety/\n"
        "boards:\n  main-board: {name: Main Board}\ngroups:\n  prevent: {name: Prevent Group, remit: R}\n")


def test_a_renamed_papers_old_pdf_address_still_works(make_project, tmp_path):
    content = make_project({"site.yaml": SITE, "reports/new-report.md": REPORT})
    build(content, tmp_path / "out", "--profile", "public", pdf=True)
    assert (tmp_path / "out/reports/new-report.pdf").exists()
    nginx = (tmp_path / "server/nginx/out.conf").read_text()
    assert (tmp_path / "out/reports/old-report.pdf").exists() or "old-report.pdf" in nginx


def test_the_server_redirects_renamed_pages_under_the_sites_path(make_project, tmp_path):
    content = make_project({"site.yaml": SITE, "reports/new-report.md": REPORT})
    build(content, tmp_path / "out", "--profile", "public")
    apache = (tmp_path / "server/apache/out.conf").read_text()
    assert 'Redirect permanent "/safety/reports/old-report.html" "/safety/reports/new-report.html"' in apache


@pytest.mark.parametrize("aliases, message", [
    ("[index]", "the alias 'index' is not an id"),
    ("['../../evil']", "the alias '../../evil' is not an id"),
    ("['old name']", "the alias 'old name' is not an id"),
    ("[new-report]", "the alias 'new-report' is the item's own id"),
    ("[old-a, old-a]", "the alias 'old-a' is listed twice"),
])
def test_an_alias_that_cannot_be_an_old_address_is_an_error_at_its_line(make_project, aliases, message):
    content = make_project({"reports/new-report.md": REPORT.replace("[old-report]", aliases)})
    run = cli("check", "--content", content, "--today", "2016-01-15")
    assert run.code == 1 and "Traceback" not in run.err
    assert f"reports/new-report.md:6: {message}" in run.err


def test_an_alias_of_a_withheld_paper_leaves_no_redirect_in_a_public_build(make_project, tmp_path):
    content = make_project({"site.yaml": SITE,
                            "reports/new-report.md": REPORT.replace("aliases:", "publish_from: 2099-01-01\naliases:")})
    build(content, tmp_path / "out", "--profile", "public")
    for folder in (tmp_path / "out", tmp_path / "server", tmp_path / "out.release"):
        for path in folder.rglob("*"):
            if path.is_file():
                assert b"old-report" not in path.read_bytes(), path


# Exempt appendices that are files ----------------------------------------------------

EXEMPT_FILE_PAPER = """---
title: Open paper
to: main-board
on: 2015-09-02
report_by: Director of Tests
appendices:
  - {file: assets/bids.txt, exempt: 8}
  - {item: case-studies/bid-case, exempt: 8}
---
## Summary

The tenders are summarised in the appendices.
"""
LINKING_PAGE = ("---\ntitle: Procurement\n---\nSee [the bids](../assets/bids.txt) and "
                "[the case](../case-studies/bid-case.md).\n")


def _exempt_file_project(make_project, more: dict | None = None):
    return make_project({"reports/open-paper.md": EXEMPT_FILE_PAPER, "pages/procurement.md": LINKING_PAGE,
                         "assets/bids.txt": "Prices BIDSSECRET\n",
                         "case-studies/bid-case.md": "---\ntitle: Case BIDCASE\nsummary: S.\n---\nBody BIDCASE.\n",
                         **(more or {})})


def test_an_exempt_appendix_item_linked_from_a_public_page_is_plain_text_with_a_warning(make_project, tmp_path):
    run = build(_exempt_file_project(make_project), tmp_path / "out", "--profile", "public")
    assert "pages/procurement.md:4: warning: links to case-studies/bid-case.md" in run.err
    assert not (tmp_path / "out/case-studies/bid-case.html").exists()


def test_an_exempt_appendix_file_is_never_published_by_a_public_build(make_project, tmp_path):
    run = build(_exempt_file_project(make_project), tmp_path / "out", "--profile", "public")
    assert "pages/procurement.md:4: warning: links to assets/bids.txt, which the public profile leaves out" in run.err
    assert not (tmp_path / "out/assets/bids.txt").exists()
    assert not any(b"BIDSSECRET" in path.read_bytes() for path in (tmp_path / "out").rglob("*") if path.is_file())


def test_an_exempt_appendix_item_never_reaches_an_open_pack_through_another_paper(make_project, tmp_path):
    later = EXEMPT_FILE_PAPER.replace("title: Open paper", "title: Later paper").replace(
        "  - {file: assets/bids.txt, exempt: 8}\n  - {item: case-studies/bid-case, exempt: 8}\n",
        "  - case-studies/bid-case\n")
    meeting = ("board: main-board\ndate: 2015-09-02\ntime: \"10:00\"\nvenue: Room\n"
               "items:\n  - report: open-paper\n  - report: later-paper\n")
    content = _exempt_file_project(make_project, {"reports/later-paper.md": later,
                                                   "meetings/2015-09-02-board.yaml": meeting})
    run = build(content, tmp_path / "out", pdf=True)
    pack = pdf_text(tmp_path / "out/meetings/2015-09-02-board.pdf")
    assert "BIDCASE" not in pack or "bid-case" in run.err
    assert pack.count("paragraph 8") >= 3  # the open paper's two exempt appendices and the later paper's
