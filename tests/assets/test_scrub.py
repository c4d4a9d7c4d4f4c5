"""Nothing hidden in published files (issue 23): assets are copied without the
metadata they carry, or refused."""

from __future__ import annotations

import io
import zipfile

import pikepdf
import pytest
from PIL import ExifTags, Image, PngImagePlugin
from pypdf import PdfReader

from conftest import build, cli

pytestmark = pytest.mark.without_search

PAGE = "---\ntitle: Evidence\n---\n![A photograph](../assets/photo.jpg)\n\n[The paper](../assets/paper.pdf)\n\n" \
       "[The sheet](../assets/sheet.docx)\n\n![A drawing](../assets/drawing.svg)\n"
SVG = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
     xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" viewBox="0 0 10 10"
     sodipodi:docname="secret-plan.svg" inkscape:export-filename="/home/jo/secret/plan.png">
  <metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">Jo Secret</rdf:RDF></metadata>
  <sodipodi:namedview id="view" pagecolor="#ffffff"/>
  <rect width="10" height="10" fill="teal"/>
</svg>
"""


def _jpeg_with_gps(orientation: int = 1) -> bytes:
    image = Image.new("RGB", (40, 30), "teal")
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "SecretCam"
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (55.0, 57.0, 1.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">HiddenXmp</x:xmpmeta>')
    return out.getvalue()


def _pdf_with_author() -> bytes:
    document = pikepdf.new()
    document.add_blank_page()
    page = document.pages[0]
    page.obj.Annots = document.make_indirect(pikepdf.Array([pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Rect=[0, 0, 10, 10], Contents="a reviewer's note")]))
    with document.open_metadata() as meta:
        meta["dc:creator"] = ["Jo Secret"]
    document.docinfo["/Author"] = "Jo Secret"
    document.docinfo["/Title"] = "The paper"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx(extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document><w:body><w:p>Text</w:p></w:body></w:document>")
        archive.writestr("docProps/core.xml", "<cp:coreProperties><dc:creator>Jo Secret</dc:creator>"
                                              "<cp:lastModifiedBy>Jo Secret</cp:lastModifiedBy></cp:coreProperties>")
        archive.writestr("docProps/app.xml", "<Properties><Company>Secret Ltd</Company></Properties>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.fixture
def project(make_project):
    return make_project({"pages/evidence.md": PAGE, "assets/photo.jpg": _jpeg_with_gps(),
                         "assets/paper.pdf": _pdf_with_author(), "assets/sheet.docx": _docx(), "assets/drawing.svg": SVG})


@pytest.mark.parametrize("profile", ["internal", "public"])
def test_published_assets_carry_no_hidden_metadata(project, tmp_path, profile):
    out = tmp_path / "out"
    build(project, out, "--profile", profile)
    photo = (out / "assets/photo.jpg").read_bytes()
    assert b"SecretCam" not in photo and b"HiddenXmp" not in photo
    with Image.open(out / "assets/photo.jpg") as image:
        assert image.size == (40, 30) and not image.getexif() and "xmp" not in image.info
    paper = (out / "assets/paper.pdf").read_bytes()
    assert b"Jo Secret" not in paper and b"reviewer" not in paper
    reader = PdfReader(out / "assets/paper.pdf")
    assert dict(reader.metadata) == {"/Title": "The paper"} and len(reader.pages) == 1
    with zipfile.ZipFile(out / "assets/sheet.docx") as archive:
        everything = b"".join(archive.read(name) for name in archive.namelist())
        assert b"Jo Secret" not in everything and b"Secret Ltd" not in everything
        assert b"Text" in archive.read("word/document.xml")
    drawing = (out / "assets/drawing.svg").read_text()
    assert "secret" not in drawing.lower() and '<rect width="10" height="10" fill="teal"/>' in drawing
    # The author's own files are left as they were.
    assert b"SecretCam" in (project / "assets/photo.jpg").read_bytes()


def test_a_photo_taken_sideways_is_turned_before_its_exif_goes(make_project, tmp_path):
    content = make_project({"pages/evidence.md": "---\ntitle: Evidence\n---\n![A photo](../assets/photo.jpg)\n",
                            "assets/photo.jpg": _jpeg_with_gps(orientation=6)})
    build(content, tmp_path / "out")
    with Image.open(tmp_path / "out/assets/photo.jpg") as image:
        assert image.size == (30, 40) and not image.getexif()


def test_office_file_with_comments_is_refused(project, tmp_path):
    (project / "assets/sheet.docx").write_bytes(_docx({"word/comments.xml": "<w:comments/>"}))
    (project / "assets/paper.pdf").write_bytes(b"%PDF-1.4 not really")
    out = tmp_path / "out"
    result = build(project, out, expect=1)
    assert ("assets/sheet.docx: this .docx file holds comments or the names of the people who edited it "
            "(word/comments.xml)") in result.out + result.err
    assert "assets/paper.pdf: the PDF cannot be read" in result.out + result.err
    assert not out.exists()
    checked = cli("check", "--content", project)
    assert checked.code == 1 and "assets/sheet.docx: this .docx file holds comments or" in checked.out + checked.err


@pytest.mark.pdf
def test_briefing_pdfs_carry_only_chosen_metadata(copy_site, tmp_path):
    content = copy_site("minimal", {"assets/photo.jpg": _jpeg_with_gps()})
    report = content / "reports/alpha-report.md"
    report.write_text(report.read_text() + "\n![A photograph](../assets/photo.jpg)\n")
    out = tmp_path / "out"
    build(content, out, "--profile", "public", pdf=True)
    for path in sorted(out.rglob("*.pdf")):
        reader = PdfReader(path)
        assert set(reader.metadata) == {"/Title", "/Creator", "/Producer", "/Author", "/Subject", "/contentversion"}
        assert reader.metadata["/Creator"] == "briefing"
        xmp = reader.xmp_metadata.stream.get_data()
        assert reader.metadata["/Title"].encode() in xmp
        assert b"SecretCam" not in path.read_bytes() and b"HiddenXmp" not in path.read_bytes(), path
    paper = PdfReader(out / "reports/alpha-report.pdf").metadata
    assert paper["/Title"] == "Alpha report" and paper["/Author"] == "An Officer"


def test_tracked_changes_and_old_office_files_are_refused(make_project, tmp_path):
    tracked = _docx({"word/footnotes.xml": '<w:footnotes><w:ins w:author="Jo">x</w:ins></w:footnotes>'})
    content = make_project({"pages/files.md": "---\ntitle: Files\n---\n[a](../assets/a.docx) [b](../assets/b.doc)\n",
                            "assets/a.docx": tracked, "assets/b.doc": b"\xd0\xcf\x11\xe0 old"})
    result = build(content, tmp_path / "out", "--profile", "public", expect=1)
    text = result.out + result.err
    assert "assets/a.docx: this .docx file holds tracked changes" in text
    assert "assets/b.doc: an old .doc file" in text


# Hidden text a scrubber can miss ------------------------------------------------------
# From an adversarial review: text chunks, comments and XMP in every image format,
# and the XMP of a PDF's page rather than of the document.

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
