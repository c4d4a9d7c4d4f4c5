"""Nothing hidden in published files: what an asset carries besides what it shows
is taken out as it is copied to the output.

A photograph keeps where and with what it was taken (EXIF, GPS, XMP); a PDF or an
Office file keeps who wrote and edited it, its comments and its revisions. The
copy published is the same picture or document without them. A file that cannot
be cleaned safely (an encrypted PDF, an Office file with comments or tracked
changes, whose removal would change what the document says, an old binary Office
file) is refused, naming what to do.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

# Pillow and pikepdf are imported by the cleaning that needs them: `check`, and a
# build with no picture or PDF to clean, never pay for loading them.

# Pillow's names of the raster formats whose metadata is taken out.
_IMAGES = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP", ".gif": "GIF", ".tif": "TIFF",
           ".tiff": "TIFF"}
# What an image's own info says about how it looks; the rest (comments, EXIF, XMP, IPTC, text) is left behind.
_APPEARANCE = {"transparency", "gamma", "background", "duration", "disposal", "blend", "compression"}
_OFFICE = {".docx", ".xlsx", ".pptx", ".docm", ".xlsm", ".pptm"}
_OPEN_DOCUMENT = {".odt", ".ods", ".odp"}
_BINARY_OFFICE = {".doc", ".xls", ".ppt"}
# A document's own description: kept, since it is what the reader sees as its title.
_KEPT_PDF_KEYS = {"/Title"}
# Annotations that are a reviewer's notes rather than part of the page.
_COMMENT_ANNOTATIONS = {"/Text", "/Popup", "/FreeText", "/Sound", "/FileAttachment"}
# Parts of an Office file that say who worked on it and what they said.
_OFFICE_COMMENTS = re.compile(r"(^|/)(comments[^/]*\.xml|(comments|threadedComments|persons|revisions)/.*|"
                              r"people\.xml|authors\.xml|commentAuthors\.xml)$", re.IGNORECASE)
_TRACKED = re.compile(rb"<w:(ins|del|moveFrom|moveTo) ")
_EMPTY_CORE = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties '
               b'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
               b'xmlns:dc="http://purl.org/dc/elements/1.1/"/>')
_EMPTY_APP = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties '
              b'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>')
_EMPTY_CUSTOM = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties '
                 b'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>')
_EMPTY_ODF_META = (b'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta '
                   b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.2">'
                   b'<office:meta/></office:document-meta>')
_SVG_HIDDEN = (
    re.compile(rb"<metadata\b[^>]*/>|<metadata\b.*?</metadata\s*>", re.DOTALL),
    re.compile(rb"<sodipodi:namedview\b[^>]*/>|<sodipodi:namedview\b.*?</sodipodi:namedview\s*>", re.DOTALL),
    re.compile(rb"\s(?:sodipodi|inkscape):[\w.-]+\s*=\s*(?:\"[^\"]*\"|'[^']*')"),
)
# Fixed so that the same file makes the same bytes on every build.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class Refused(Exception):
    """The file cannot be published clean; the message says what to do."""


def cleaned(source: Path) -> bytes | None:
    """The file's bytes without hidden metadata, or None for a kind of file that
    carries none (text, a bitmap, an icon): it is published as it is."""
    ending = source.suffix.lower()
    if ending in _IMAGES:
        return _image(source, _IMAGES[ending])
    if ending == ".svg":
        return _svg(source)
    if ending == ".pdf":
        return _pdf(source)
    if ending in _OFFICE or ending in _OPEN_DOCUMENT:
        return _zipped(source, ending)
    if ending in _BINARY_OFFICE:
        raise Refused(f"an old {ending} file keeps its authors and revisions in a form that cannot be cleaned: "
                      "save it as a PDF (or .docx, .xlsx, .pptx) and link to that")
    return None


def _image(source: Path, format_name: str) -> bytes:
    from PIL import ExifTags, Image, ImageOps, ImageSequence, JpegImagePlugin

    try:
        with Image.open(source) as image:
            frames = getattr(image, "n_frames", 1)
            # The orientation goes with the rest of the EXIF data: the picture is turned as it said first.
            turned = image.getexif().get(ExifTags.Base.Orientation, 1) not in (1, None)
            upright = ImageOps.exif_transpose(image) if turned else image
            options: dict = {"icc_profile": image.info.get("icc_profile") or None, "dpi": image.info.get("dpi")}
            if format_name == "JPEG":
                # The same compression as the original when it is not turned, so the picture is not made worse.
                options["qtables"] = None if turned else getattr(image, "quantization", None)
                options["subsampling"] = -1 if turned else JpegImagePlugin.get_sampling(image)
                options["quality"] = 92 if turned else None
            pictures = [_pixels_only(upright)]
            if frames > 1 and format_name in ("GIF", "WEBP", "PNG"):
                pictures = [_pixels_only(frame) for frame in ImageSequence.Iterator(image)]
                options.update(save_all=True, append_images=pictures[1:], loop=image.info.get("loop", 0),
                               duration=[picture.info.get("duration", 0) for picture in pictures])
            out = io.BytesIO()
            pictures[0].save(out, format_name, **{key: value for key, value in options.items() if value is not None})
            return out.getvalue()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise Refused(f"the image cannot be read to take out its hidden data ({exc}): save it again as a plain "
                      "image") from None


def _pixels_only(frame: Image.Image) -> Image.Image:
    """The frame as a new image that knows only how it looks: Pillow's writers copy
    what the opened file carried (a JPEG's comment, a TIFF's XMP, IPTC and Photoshop
    tags) from the image they are given, and a copy carries none of the file's tags."""
    picture = frame.copy()
    picture.info = {key: value for key, value in frame.info.items() if key in _APPEARANCE}
    return picture


def _svg(source: Path) -> bytes:
    """An SVG image (already checked as safe XML by `assets`) without its <metadata>
    (an author, a licence, XMP) and the drawing program's notes, which name the file
    and the folders it was saved and exported to."""
    text = source.read_bytes()
    for pattern in _SVG_HIDDEN:
        text = pattern.sub(b"", text)
    return text


def _pdf(source: Path) -> bytes:
    import pikepdf

    try:
        document = pikepdf.open(source)
    except pikepdf.PasswordError:
        raise Refused("the PDF is encrypted, so its author and comments cannot be taken out: save it again "
                      "without a password") from None
    except pikepdf.PdfError as exc:
        raise Refused(f"the PDF cannot be read ({exc}): save it again from the program that made it") from None
    with document:
        for key in list(document.docinfo.keys()):
            if key not in _KEPT_PDF_KEYS:
                del document.docinfo[key]
        for page in document.pages:
            if "/Annots" in page.obj:
                kept_annotations = [annotation for annotation in page.obj.Annots
                                    if annotation.get("/Subtype") not in _COMMENT_ANNOTATIONS]
                page.obj.Annots = pikepdf.Array(kept_annotations)
                for annotation in kept_annotations:
                    _without_hidden_keys(annotation, pikepdf)
        # Not only the catalog: a page, a form, an image or an annotation may keep its own XMP (its author,
        # the program and file it came from), and everything written out is an object of the document.
        for obj in document.objects:
            _without_hidden_keys(obj, pikepdf)
        out = io.BytesIO()
        # Written whole: the earlier revisions an edited PDF keeps after its end are gone.
        document.save(out, deterministic_id=True)
        return out.getvalue()


def _without_hidden_keys(obj, pikepdf) -> None:
    if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
        for key in ("/Metadata", "/PieceInfo"):
            if key in obj:
                del obj[key]


def _zipped(source: Path, ending: str) -> bytes:
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile):
        raise Refused(f"this {ending} file cannot be opened (it may be encrypted or damaged): save it again "
                      "without a password, or publish it as a PDF") from None
    out = io.BytesIO()
    with archive, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as cleaned_archive:
        for entry in archive.infolist():
            name = entry.filename
            data = archive.read(entry)
            if _OFFICE_COMMENTS.search(name):
                raise Refused(f"this {ending} file holds comments or the names of the people who edited it "
                              f"({name}): delete the comments and accept the changes in Word, Excel or PowerPoint "
                              "(Review > Delete all comments, Accept all changes), save, and build again")
            if name.startswith(("word/document", "word/footnotes", "word/endnotes")) and _TRACKED.search(data):
                raise Refused(f"this {ending} file holds tracked changes, which name who made them: accept or "
                              "reject them (Review > Accept all changes), save, and build again")
            data = {"docProps/core.xml": _EMPTY_CORE, "docProps/app.xml": _EMPTY_APP,
                    "docProps/custom.xml": _EMPTY_CUSTOM, "meta.xml": _EMPTY_ODF_META}.get(name, data)
            info = zipfile.ZipInfo(name, _ZIP_DATE)
            # The first part of an OpenDocument file, its type, must be stored as it is.
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            cleaned_archive.writestr(info, data)
    return out.getvalue()
