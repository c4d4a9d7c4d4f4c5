"""Asset files checked before anything is published: an SVG image is a document
that can run code, and a file served from the site runs on the site's own origin,
where it could read every internal page.

An SVG is parsed safely (`defusedxml`: no entity expansion, nothing fetched) and
refused when it holds a script, an event handler, a `foreignObject`, a reference to
anything outside itself, or an entity declaration. A raster image must be what its
name says. A web page or script in assets/ is refused: it would run on the site.
"""

from __future__ import annotations

import io
import re
import xml.sax
from pathlib import Path
from xml.sax.handler import ContentHandler, feature_namespaces

import defusedxml
import defusedxml.sax

from builder.model import files
from builder.model.errors import Problems

# The first bytes of each kind of image, by the endings that name it.
_SIGNATURES = {
    ".png": ("PNG", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("JPEG", (b"\xff\xd8\xff",)),
    ".jpeg": ("JPEG", (b"\xff\xd8\xff",)),
    ".gif": ("GIF", (b"GIF87a", b"GIF89a")),
    ".webp": ("WebP", (b"RIFF",)),
    ".bmp": ("BMP", (b"BM",)),
    ".ico": ("icon", (b"\x00\x00\x01\x00",)),
}
# Files a browser runs as a page or a program when they are opened from the site.
_ACTIVE = {".html", ".htm", ".xhtml", ".xht", ".shtml", ".js", ".mjs", ".xml", ".xsl", ".xslt", ".svgz", ".swf"}
_SCRIPT_ELEMENTS = {"script", "handler", "listener"}
_EMBEDDING_ELEMENTS = {"foreignobject", "iframe", "embed", "object"}
_ANIMATIONS = {"set", "animate", "animatetransform", "animatemotion", "animatecolor"}
# An SVG may show raster images it carries inside itself.
_EMBEDDED_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp);", re.IGNORECASE)
# Styles, and the presentation attributes a browser reads as styles (fill="...",
# filter="..."), are checked by what they may hold: these functions, url() only of
# the image's own parts, and these @-rules. Anything else is refused, whatever it
# is (image-set(), @import, what a later browser adds), and escapes ("\\75 rl(")
# and comments are undone first, as a browser reads them.
_CSS_FUNCTIONS = {
    "rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch", "color", "calc", "min", "max", "clamp",
    "var", "matrix", "matrix3d", "translate", "translatex", "translatey", "translatez", "translate3d", "rotate",
    "rotatex", "rotatey", "rotatez", "rotate3d", "scale", "scalex", "scaley", "scalez", "scale3d", "skew", "skewx",
    "skewy", "perspective", "cubic-bezier", "steps", "linear-gradient", "radial-gradient", "conic-gradient",
    "repeating-linear-gradient", "repeating-radial-gradient", "blur", "brightness", "contrast", "drop-shadow",
    "grayscale", "hue-rotate", "invert", "opacity", "saturate", "sepia", "inset", "circle", "ellipse", "polygon",
    "local", "format", "url",
}
_CSS_AT_RULES = {"media", "supports", "keyframes", "-webkit-keyframes", "font-face"}
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.DOTALL)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\r\n\f]?|\\(.)", re.DOTALL)
_CSS_FUNCTION = re.compile(r"(-?[a-z_][a-z0-9_-]*)\(\s*(?:(['\"])\s*)?([^'\")\s]*)")
_CSS_AT_RULE = re.compile(r"@(-?[a-z_][a-z0-9_-]*)")
# Attributes (of no namespace) that are names or free text, never read as a style.
_TEXT_ATTRIBUTES = {"id", "class", "title", "alt", "role", "lang", "tabindex", "href", "src"}
_MAX_PROBLEMS = 3  # per file: the first few tell the author what to do


def check_assets(root: Path, paths: tuple[str, ...] | list[str], problems: Problems) -> None:
    """Every SVG, raster image and web page under assets/, each problem at its file and line."""
    for rel in paths:
        ending = Path(rel).suffix.lower()
        kind = files.special(root / rel)
        if kind:
            problems.error(rel, 0, f"this is {kind}, not a file: {files.NOT_REGULAR}")
        elif ending in _ACTIVE:
            problems.error(rel, 0, f"a {ending} file in assets/ would run as a page or program on the site's own "
                                   "origin when opened: publish it as a PDF, or link to where it is published")
        elif ending == ".svg":
            for line, message in svg_problems(_read(root / rel)):
                problems.error(rel, line, message)
        elif ending in _SIGNATURES:
            message = raster_problem(ending, _read(root / rel, 16))
            if message:
                problems.error(rel, 0, message)


def _read(file: Path, size: int = -1) -> bytes:
    if files.special(file):
        return b""
    try:
        with open(file, "rb") as handle:
            return handle.read(size)
    except OSError:
        return b""


def raster_problem(ending: str, start: bytes) -> str | None:
    """Why a raster image is not what its ending says, or None when it is."""
    kind, signatures = _SIGNATURES[ending]
    if any(start.startswith(signature) for signature in signatures) and (ending != ".webp" or start[8:12] == b"WEBP"):
        return None
    actual = next((name for name, marks in _SIGNATURES.values() if any(start.startswith(m) for m in marks)), None)
    text = start.lstrip().lower()
    if actual is None and text.startswith((b"<svg", b"<?xml")):
        actual = "SVG (XML)"
    elif actual is None and text.startswith((b"<!doctype", b"<html", b"<")):
        actual = "HTML"
    seems = f" (it is {actual})" if actual else ""
    return (f"this file's name says it is a {kind} image, but it is not{seems}: save it as a {kind} image, or give "
            "it the ending of what it is")


# More elements than a partnership's diagram or logo needs, once <use> copies are counted.
_MAX_SVG_ELEMENTS = 20_000
# Copies of copies nested this deep are no drawing's (and counting them stays within Python's depth).
_MAX_USE_DEPTH = 50


class _SvgReader(ContentHandler):
    """Notes each thing an SVG image may not hold, at its line."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[int, str]] = []
        self.locator = None
        self.in_style = 0
        self.style_text: list[str] = []
        # For the copies <use> makes: each open element's [id, elements under it, ids it <use>s],
        # and, by id, the elements under each element that has one and the ids it uses.
        self.open: list[list] = [[None, 0, []]]
        self.by_id: dict[str, tuple[int, list[str]]] = {}

    def setDocumentLocator(self, locator) -> None:
        self.locator = locator

    def _note(self, message: str) -> None:
        if len(self.found) < _MAX_PROBLEMS and all(message != known for _, known in self.found):
            line = self.locator.getLineNumber() if self.locator else 0
            self.found.append((line, message))

    def startElementNS(self, name, qname, attrs) -> None:
        element = name[1].lower()
        ids = [value for (_, attribute), value in attrs.items() if attribute == "id"]
        self.open.append([ids[0] if ids else None, 1, []])
        if element == "use":
            self.open[-1][2].extend(value.strip()[1:] for (_, attribute), value in attrs.items()
                                    if attribute == "href" and value.strip().startswith("#"))
        if element in _SCRIPT_ELEMENTS:
            self._note(f"the SVG image holds a <{name[1]}> (a script), which would run on the site: remove it")
        elif element in _EMBEDDING_ELEMENTS:
            self._note(f"the SVG image holds a <{name[1]}>, which can carry a web page or script: remove it")
        if element == "style":
            self.in_style += 1
        for (namespace, attribute), value in attrs.items():
            self._attribute(element, namespace, attribute.lower(), value)

    def endElementNS(self, name, qname) -> None:
        if name[1].lower() == "style":
            self.in_style -= 1
            if not self.in_style:  # the parser may hand a style's text over in pieces: read it whole
                self._style("".join(self.style_text))
                self.style_text.clear()
        element_id, count, uses = self.open.pop()
        if element_id is not None:
            self.by_id[element_id] = (count, uses)
        self.open[-1][1] += count
        self.open[-1][2].extend(uses)

    def endDocument(self) -> None:
        """A <use> copies what it names, which may itself use others: ten levels of
        ten copies each are ten billion elements for the browser, and WeasyPrint, to draw."""
        _, count, uses = self.open[0]
        sizes: dict[str, int] = {}

        def expanded(element_id: str, seen: frozenset) -> int:
            if element_id in seen or len(seen) > _MAX_USE_DEPTH:
                return _MAX_SVG_ELEMENTS + 1  # a <use> that copies itself never ends
            if element_id not in sizes:
                inner, refs = self.by_id.get(element_id, (0, []))
                total = inner
                for ref in refs:
                    total += expanded(ref, seen | {element_id})
                    if total > _MAX_SVG_ELEMENTS:
                        break
                sizes[element_id] = total
            return sizes[element_id]

        total = count
        for ref in uses:
            total += expanded(ref, frozenset())
            if total > _MAX_SVG_ELEMENTS:
                self.found.append((0, f"the SVG image's <use> elements copy its shapes into more than "
                                      f"{_MAX_SVG_ELEMENTS:,} elements (or into copies of themselves, or nested "
                                      f"more than {_MAX_USE_DEPTH} deep), which takes "
                                      "too long to draw: save it again with the copies flattened, or simplify it"))
                return

    def _attribute(self, element: str, namespace: str | None, attribute: str, value: str) -> None:
        stripped = value.strip().lower()
        if attribute.startswith("on"):
            self._note(f"the SVG image has an event handler '{attribute}', which would run as a script: remove it")
        elif "javascript:" in stripped.replace(" ", ""):
            self._note(f"the SVG image's '{attribute}' holds a javascript: address, which would run: remove it")
        elif attribute in ("href", "src") and not (stripped.startswith("#") or _EMBEDDED_IMAGE.match(stripped)):
            self._note(f"the SVG image refers to '{value[:60]}' outside itself; an image on this site may show "
                       "only what it holds: embed it, or remove the reference")
        elif element in _ANIMATIONS and attribute == "attributename" and (
                stripped.endswith("href") or stripped.startswith("on")):
            self._note(f"the SVG image animates '{value}', which can turn into a link or script: remove it")
        elif namespace is None and attribute not in _TEXT_ATTRIBUTES and not attribute.startswith(("aria-", "data-")):
            self._style(value, "style" if attribute == "style" else f"'{attribute}' attribute")

    def _style(self, css: str, where: str = "style") -> None:
        """A style (or an attribute read as one) that holds only what is known to load nothing."""
        read = _CSS_ESCAPE.sub(_unescaped, _CSS_COMMENT.sub(" ", css)).lower()
        for match in _CSS_FUNCTION.finditer(read):
            name, target = match.group(1), match.group(3)
            if name not in _CSS_FUNCTIONS:
                self._note(f"the SVG image's {where} uses {name}(...), which this site does not publish, as it "
                           "may load something from outside the image: remove it")
            elif name == "url" and not (target.startswith("#") or _EMBEDDED_IMAGE.match(target)):
                self._note(f"the SVG image's {where} loads something from outside itself (url({target[:60]})): "
                           "remove it, or embed what it shows")
        for match in _CSS_AT_RULE.finditer(read):
            if match.group(1) not in _CSS_AT_RULES:
                self._note(f"the SVG image's {where} has @{match.group(1)}, which may load something from outside "
                           "the image: remove it")

    def characters(self, content: str) -> None:
        if self.in_style:
            self.style_text.append(content)

    def processingInstruction(self, target: str, data: str) -> None:
        if target.lower() == "xml-stylesheet":
            self._note("the SVG image loads a stylesheet from outside itself (<?xml-stylesheet ...?>): remove it")


def _unescaped(match: re.Match) -> str:
    if match.group(2) is not None:
        return match.group(2)
    code = int(match.group(1), 16)
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"


def svg_problems(data: bytes) -> list[tuple[int, str]]:
    """(line in the SVG, message) for each thing in it that may not be published."""
    reader = _SvgReader()
    parser = defusedxml.sax.make_parser()
    # A DOCTYPE naming SVG's own DTD is harmless: neither this parser nor a browser
    # fetches it, and an entity, the only way to bring anything in through it, is refused.
    parser.forbid_dtd = False
    parser.forbid_entities = True
    parser.forbid_external = False
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(reader)
    try:
        parser.parse(io.BytesIO(data))
    except defusedxml.EntitiesForbidden:
        return [(_line(parser), "the SVG image declares entities (<!ENTITY ...>), which can expand to anything: "
                                "remove the <!DOCTYPE ...> block, or save the image again without it")]
    except defusedxml.DefusedXmlException as exc:
        return [(_line(parser), f"the SVG image refers to something outside itself ({exc}): remove it")]
    except xml.sax.SAXParseException as exc:
        return reader.found or [(exc.getLineNumber(), f"this is not a readable SVG image ({exc.getMessage()}): "
                                                      "save it again from the program that made it")]
    if not reader.found and not data.strip():
        return [(0, "the SVG image is empty")]
    return reader.found


def _line(parser) -> int:
    try:
        return parser.getLineNumber() or 0
    except Exception:  # a parser that has stopped may not know where it was
        return 0
