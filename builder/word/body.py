"""A Word paper's body as briefing Markdown: mammoth turns the document into
clean HTML, which is tidied here (typed numbers, headings, footnotes, tables
with merged cells) and turned into Markdown by markdownify. Pictures are taken
out as files for assets/, metafiles (EMF, WMF) and other formats browsers
cannot show converted to PNG.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, field

import mammoth
from bs4 import BeautifulSoup, NavigableString, Tag
from markdownify import MarkdownConverter

from builder.word.docx_file import quote
from builder.word.numbering import PARAGRAPH_STYLE, SECTION_STYLE

STYLE_MAP = f"""
p.{SECTION_STYLE} => h2.section:fresh
p.{PARAGRAPH_STYLE} => p:fresh
"""
_KEPT_IMAGES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/svg+xml": "svg"}
_METAFILES = {"image/x-emf", "image/emf", "image/x-wmf", "image/wmf", "image/x-emz", "image/x-wmz"}
_BITMAPS = {"image/bmp", "image/x-bmp", "image/tiff", "image/x-tiff", "image/webp"}
_LINK_SCHEMES = ("http://", "https://", "mailto:", "tel:")
# A typed paragraph number (1. / 1.1 / 2.3.1) before text that starts a sentence.
_TYPED_NUMBER = re.compile(r"\s*(\d{1,3}(?:\.\d{1,3})*\.?)(?:\t\s*|\s+(?=[^a-z\s]))")
# A typed list marker: (a) (iv) a) iv) (1) or a typed bullet.
_TYPED_ITEM = re.compile(r"\s*(?:\((?:[a-z]|[ivx]{1,5}|\d{1,2})\)|(?:[a-z]|[ivx]{1,5})\)|[•·▪\-–])\s+")
_FOOTNOTE = re.compile(r"(?:foot|end)note-(\d+)")


@dataclass
class Body:
    markdown: str
    images: list[tuple[str, bytes]] = field(default_factory=list)  # (name under assets/, data)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class _Images:
    """mammoth's image handler: each picture kept as a file for assets/."""

    def __init__(self, stem: str, body: Body):
        self.stem, self.body = stem, body

    def __call__(self, image) -> dict:
        number = len(self.body.images) + 1
        with image.open() as stream:
            data = stream.read()
        described = f"picture {number} ({quote(image.alt_text) if image.alt_text else 'no alt text'})"
        try:
            data, ending = _web_image(data, image.content_type)
        except ValueError as exc:
            self.body.errors.append(f"{described}: {exc}")
            return {}
        name = f"{self.stem}-{number}.{ending}"
        self.body.images.append((name, data))
        alt = " ".join((image.alt_text or "").replace("[", "(").replace("]", ")").split())
        if not alt:
            self.body.warnings.append(f"picture {number} (saved as assets/{name}) has no alt text: describe it "
                                      "for people who cannot see it (in Word: right-click > Edit Alt Text, or "
                                      "between the [ ] of its line in the new file)")
        return {"src": f"../assets/{name}", "alt": alt}


def _web_image(data: bytes, content_type: str | None) -> tuple[bytes, str]:
    """The picture as a file a browser and the PDF writer show, and its ending."""
    if content_type in _KEPT_IMAGES:
        return data, _KEPT_IMAGES[content_type]
    if content_type in _METAFILES:
        import metafile_render

        if content_type.endswith(("emz", "wmz")):
            import gzip

            data = gzip.decompress(data)
        try:
            return metafile_render.render_metafile(data, output_format="png").data, "png"
        except (metafile_render.MetafileError, ValueError, OSError) as exc:
            raise ValueError(f"is a Windows metafile that cannot be converted to PNG ({exc}); in Word, "
                             "right-click it, save it as a PNG picture and insert that instead") from None
    if content_type in _BITMAPS:
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(data)) as picture:
                out = io.BytesIO()
                picture.save(out, format="PNG")
                return out.getvalue(), "png"
        except (UnidentifiedImageError, OSError) as exc:
            raise ValueError(f"cannot be read ({exc}); insert it again in Word as a PNG or JPEG") from None
    raise ValueError(f"is a {content_type or 'kind of'} picture that web pages cannot show; insert it again in "
                     "Word as a PNG or JPEG")


def _strip_start(element: Tag, count: int) -> None:
    """Remove the first `count` characters of an element's text, whatever tags they are in."""
    for node in list(element.descendants):
        if count <= 0:
            break
        if isinstance(node, NavigableString):
            cut = min(count, len(node))
            count -= cut
            node.replace_with(node[cut:].lstrip() if count == 0 else node[cut:])
    for child in list(element.find_all(["strong", "em"])):
        if not child.get_text().strip() and not child.find("img"):
            child.decompose()


def _text(element: Tag) -> str:
    return element.get_text()


def _typed_headings(soup: BeautifulSoup) -> None:
    """A short paragraph all in bold that starts with a typed section number
    ("1. SUMMARY") or is in capitals ("RECOMMENDATIONS") is a section heading."""
    for p in soup.find_all("p", recursive=False):
        text = _text(p).strip()
        bold = "".join(s.get_text() for s in p.find_all("strong", recursive=False)).strip()
        if not text or bold != text or len(text) > 80 or text.endswith((".", ":", ";")) and not re.fullmatch(
                r"\d+\.", text.split()[0]):
            continue
        words = _TYPED_NUMBER.sub("", text, count=1)
        if re.match(r"\s*\d{1,2}\.?\s", text) or (words.isupper() and len(words) > 3):
            p.name = "h2"
            p["class"] = "section"


def _typed_numbers(soup: BeautifulSoup) -> None:
    """Typed paragraph numbers go; runs of typed (a), (i) paragraphs become a list."""
    for element in soup.find_all(["p", "h1", "h2", "h3", "h4", "h5", "h6", "li"]):
        match = _TYPED_NUMBER.match(_text(element))
        if match:
            _strip_start(element, match.end())
    run: list[Tag] = []
    for p in [*soup.find_all("p", recursive=False), None]:
        item = _TYPED_ITEM.match(_text(p)) if p is not None else None
        if item and (not run or run[-1].find_next_sibling() is p):
            run.append(p)
            continue
        if run:
            listing = soup.new_tag("ul")
            run[0].insert_before(listing)
            for paragraph in run:
                _strip_start(paragraph, _TYPED_ITEM.match(_text(paragraph)).end())
                paragraph.name = "li"
                listing.append(paragraph.extract())
        run = [p] if item else []


def _headings(soup: BeautifulSoup, title: str) -> None:
    """The document's top heading level becomes `##`, the paper's sections; a first
    heading that repeats the title goes."""
    headings = soup.find_all(re.compile(r"h[1-6]"))
    first = soup.find(True, recursive=False)
    if first is not None and first in headings and " ".join(_text(first).split()).lower() == title.lower():
        first.decompose()
        headings.remove(first)
    real = [int(h.name[1]) for h in headings if "section" not in (h.get("class") or [])]
    top = min(real, default=2)
    for heading in headings:
        level = top if "section" in (heading.get("class") or []) else int(heading.name[1])
        heading.name = f"h{min(6, level - top + 2)}"
        heading.attrs = {}
        for emphasis in heading.find_all(["strong", "em"]):  # a heading's own style
            emphasis.unwrap()


def _pictures(soup: BeautifulSoup) -> None:
    """A paragraph that is only a picture belongs to the paragraph before it, as a
    list or table does, rather than being numbered as a paragraph of its own."""
    for p in soup.find_all("p", recursive=False):
        before = p.find_previous_sibling()
        if p.find("img") and not _text(p).strip() and before is not None and before.name == "p":
            before.append(soup.new_tag("br"))
            for child in list(p.children):
                before.append(child.extract())
            p.decompose()


def _links(soup: BeautifulSoup, body: Body) -> None:
    for link in soup.find_all("a"):
        target = link.get("href", "")
        if _FOOTNOTE.fullmatch(link.get("id", "")) or target.startswith(("#footnote", "#endnote")):
            continue
        if target and not target.startswith(_LINK_SCHEMES) and not target.startswith("#"):
            body.warnings.append(f"the link {quote(_text(link))} to {quote(target)} is not a web address, so "
                                 "only its text is kept")
        if not target.startswith(_LINK_SCHEMES):
            link.unwrap()


def _footnotes(soup: BeautifulSoup) -> dict[str, str]:
    """Footnotes and endnotes as Markdown footnotes: marks replaced by tokens, notes
    collected as {token: text}."""
    notes = {}
    for item in soup.find_all("li", id=_FOOTNOTE):
        number = f"{item['id'].split('-')[0][0]}{_FOOTNOTE.fullmatch(item['id']).group(1)}"
        for back in item.find_all("a", href=re.compile(r"#(foot|end)note-ref-")):
            back.decompose()
        notes[f"BRIEFINGNOTE{number}X"] = " ".join(item.get_text(" ").split())
        parent = item.parent
        item.decompose()
        if parent is not None and not parent.find("li"):
            parent.decompose()
    for mark in soup.find_all("a", href=re.compile(r"#(foot|end)note-\d+$")):
        number = f"{mark['href'][1]}{_FOOTNOTE.search(mark['href']).group(1)}"
        holder = mark.parent if mark.parent is not None and mark.parent.name == "sup" else mark
        holder.replace_with(f"BRIEFINGNOTE{number}X")
    return notes


def _html_table(table: Tag) -> str:
    """A table Markdown cannot hold, as the plain HTML the sanitiser keeps."""
    rows = []
    for row in table.find_all("tr"):
        if row.find_parent("table") is not table:
            continue
        cells = []
        for cell in row.find_all(["td", "th"], recursive=False):
            spans = "".join(f' {name}="{int(cell[name])}"' for name in ("colspan", "rowspan")
                            if str(cell.get(name, "")).isdigit() and int(cell[name]) > 1)
            parts = [_inline_html(p) for p in (cell.find_all(["p", "li"]) or [cell])]
            cells.append(f"<{cell.name}{spans}>{'<br>'.join(p for p in parts if p)}</{cell.name}>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return "<table>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"  # as the sanitiser writes it


def _inline_html(element: Tag) -> str:
    out = []
    for node in element.children:
        if isinstance(node, NavigableString):
            out.append(html.escape(str(node), quote=False))
        elif node.name in ("strong", "em", "sup", "sub"):
            out.append(f"<{node.name}>{_inline_html(node)}</{node.name}>")
        elif node.name == "br":
            out.append("<br>")
        elif node.name == "a" and str(node.get("href", "")).startswith(_LINK_SCHEMES):
            out.append(f'<a href="{html.escape(node["href"])}">{_inline_html(node)}</a>')
        elif node.name not in ("p", "li", "ul", "ol", "table"):
            out.append(_inline_html(node))
    return "".join(out).strip()


class _Converter(MarkdownConverter):
    def escape(self, text, parent_tags):
        """Word's text as text, in the escapes Python-Markdown knows (markdownify's
        own write some, such as \\& and \\<, that it shows as they are)."""
        if not text:
            return ""
        text = re.sub(r"([\\`*_\[\]|])", r"\\\1", text)
        text = re.sub(r"&(?=#?\w+;)", "&amp;", text).replace("<", "&lt;")
        text = re.sub(r"(\s|^)(#{1,6}|>|[-+]+)(?=\s|$)",
                      lambda m: m.group(1) + re.sub(r"(.)", r"\\\1", m.group(2)), text)
        text = re.sub(r"(\s|^)(=+)(?=\s|$)", lambda m: m.group(1) + "&#61;" * len(m.group(2)), text)
        return re.sub(r"(\s|^)(\d{1,9})([.)])(?=\s|$)", r"\1\2\\\3", text)

    def convert_table(self, el, text, parent_tags):
        if el.get("data-html") is not None:
            return "\n\n" + _html_table(el) + "\n\n"
        return super().convert_table(el, text, parent_tags)


def _tables(soup: BeautifulSoup, body: Body) -> None:
    for number, table in enumerate(soup.find_all("table"), start=1):
        if table.find_parent("table") is not None:
            continue
        merged = table.find(["td", "th"], attrs={"colspan": True}) or table.find(["td", "th"], rowspan=True)
        crowded = any(len(cell.find_all(["p", "li"])) > 1 or cell.find(["ul", "ol", "table"])
                      for cell in table.find_all(["td", "th"]))
        if merged or crowded:
            table["data-html"] = ""
            first = " ".join(_text(table.find(["td", "th"]) or table).split())
            why = "merged cells" if merged else "cells with several paragraphs or a list"
            body.warnings.append(f"the table starting {quote(first)} has {why}, which a Markdown table cannot "
                                 "hold: it is kept as an HTML table; check it reads as it should")


def convert(document_bytes: bytes, stem: str, title: str) -> Body:
    """The body of the (already trimmed) Word document as Markdown."""
    body = Body("")
    result = mammoth.convert_to_html(io.BytesIO(document_bytes), style_map=STYLE_MAP,
                                     convert_image=mammoth.images.img_element(_Images(stem, body)))
    for message in result.messages:
        if "ignored" in message.message or "unsupported" in message.message.lower():
            body.warnings.append(f"part of the document was left out: {message.message}")
    soup = BeautifulSoup(result.value, "html.parser")
    notes = _footnotes(soup)
    _links(soup, body)
    _typed_headings(soup)
    _typed_numbers(soup)
    _headings(soup, title)
    _pictures(soup)
    _tables(soup, body)
    text = _Converter(heading_style="ATX", bullets="-", table_infer_header=True,
                      newline_style="SPACES").convert_soup(soup)
    for token, note in notes.items():
        text = text.replace(token, f"[^{token[12:-1]}]")
        text += f"\n\n[^{token[12:-1]}]: {_Converter().convert(html.escape(note))}"
    text = re.sub(r"(?m)^[ \t]+$", "", text)
    text = re.sub(r"(?m)^(\s*):(?=::)", r"\1&#58;", text)  # Word text, not a `::: chart` line
    # markdownify escapes "2015." wherever a text ends; only a line's start needs it.
    text = re.sub(r"(?m)(?<=[^\s*+-] )(\d{1,9})\\([.)])", r"\1\2", text)
    body.markdown = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    return body
