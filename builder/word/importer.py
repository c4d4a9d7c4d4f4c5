"""`briefing import FILE.docx`: a Word paper -> a draft content file, checked.

Top to bottom: open the Word file (`docx_file`), stop on comments, tracked
changes and hidden text unless told to take the document as it prints, read
what becomes fields (`parts`, `numbering`), convert the body
(`body`), then write the new file and its pictures, never over anything,
and check the project as `briefing check` does. Any error and nothing is
written (or what was written is taken away again).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from builder.reading import fields
from builder.reading.content_files import file_id, read_yaml_file
from builder.model.errors import ContentError, Problem, Problems
from builder.project.kinds import BY_NAME, Kind
from builder.model.partnership import Site
from builder.project.settings_files import read_site
from builder.word.docx_file import (DAMAGED, accept_review_marks, open_document, quote, review_marks, saved_for_conversion,
                                    unwrap_containers)
from builder.word.body import convert
from builder.word.parts import Parts, read_parts
from builder.word.settle import Settled, settle_classification, settle_exempt
from builder.reading.yamlread import without_refused, yaml_string

# Other ways officers write the site's implication headings.
_IMPLICATION_ALIASES = {
    "human resources": "hr", "personnel": "hr", "staffing": "hr", "workforce": "hr", "finance": "financial",
    "property": "property assets", "assets": "property assets", "it": "information technology",
    "ict": "information technology", "digital": "information technology", "equalities": "equality and human rights",
    "equality": "equality and human rights", "equality and diversity": "equality and human rights",
    "human rights": "equality and human rights", "privacy": "privacy impact", "data protection": "privacy impact",
    "gdpr": "privacy impact", "risk management": "risk",
}
_NONE = {"", "none", "n/a", "na", "nil", "no", "not applicable", "none identified", "no implications"}
_MONTHS = {name.lower(): number for number in range(1, 13)
           for name in (dt.date(2000, number, 1).strftime("%B"), dt.date(2000, number, 1).strftime("%b"))}
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:\+|\(?0)[\d ()-]{7,}\d")


@dataclass(frozen=True)
class Imported:
    path: Path  # the new content file
    images: tuple[str, ...]  # its pictures, as paths under the content folder
    warnings: tuple[Problem, ...]  # the import's own, then check's on the new file
    verdict: str  # check's verdict on the new file, in a sentence


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower().replace("&", " and ")).split())


def implication_matcher(site: Site):
    headings = {_key(h): h for h in site.implications}

    def known(text: str) -> str | None:
        key = re.sub(r"\s*implications?$", "", _key(text))
        key = _IMPLICATION_ALIASES.get(key, key) if key not in headings else key
        if key in headings:
            return headings[key]
        starts = [h for k, h in headings.items() if key and (k.startswith(key + " ") or key.startswith(k + " "))]
        return starts[0] if len(starts) == 1 else None

    return known


def _board(value: str, site: Site, shown: str, problems: Problems) -> str | None:
    wanted = _key(value.removeprefix("The ").removeprefix("the "))
    for board in site.boards:
        if wanted in (_key(board.name), _key(board.id)):
            return board.id
    inside = [b.id for b in site.boards if wanted and (f" {wanted} " in f" {_key(b.name)} "
                                                        or f" {_key(b.name)} " in f" {wanted} ")]
    if len(inside) == 1:
        return inside[0]
    names = {b.name: b.id for b in site.boards}
    hint = fields.nearest(value, names)
    suggestion = f" (did you mean '{hint}'?)" if hint else ""
    listed = "; ".join(f"{b.name} ({b.id})" for b in site.boards) or "site.yaml defines none yet"
    problems.error(shown, 0, f"the paper is addressed to {quote(value)}, which is not a board in site.yaml"
                             f"{suggestion}; boards: {listed}. Correct the name in Word, or add the board to "
                             "site.yaml 'boards'")
    return None


def parse_date(text: str) -> dt.date | None:
    """A date as officers write it: 2 September 2015, 2nd Sept 2015, 02/09/2015, 2015-09-02."""
    text = text.lower()
    try:
        if match := re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
            return dt.date(*map(int, match.groups()))
        if match := re.search(r"(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})\b", text):
            day, month, year = map(int, match.groups())
            return dt.date(year + 2000 if year < 100 else year, month, day)
        if match := re.search(r"(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]{3,9})\.?,?\s+(\d{4})", text):
            month = _MONTHS.get(match.group(2)) or _MONTHS.get(match.group(2)[:3])
            if month:
                return dt.date(int(match.group(3)), month, int(match.group(1)))
        if match := re.search(r"([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", text):
            month = _MONTHS.get(match.group(1)) or _MONTHS.get(match.group(1)[:3])
            return dt.date(int(match.group(3)), month, int(match.group(2))) if month else None
    except ValueError:
        return None
    return None


def _author(text: str) -> dict[str, str]:
    """Name, role, phone and e-mail from an author line or cell."""
    found: dict[str, str] = {}
    rest = []
    for piece in re.split(r"[\n,;]|\s{2,}|\t", text):
        piece = re.sub(r"^\s*(tel(ephone)?|phone|e-?mail|t|e)\s*[.:]\s*", "", piece.strip(), flags=re.IGNORECASE)
        if not piece:
            continue
        if (email := _EMAIL.search(piece)) and "email" not in found:
            found["email"] = email.group()
        elif (phone := _PHONE.search(piece)) and "phone" not in found:
            found["phone"] = " ".join(phone.group().split())
        else:
            rest.append(piece)
    for key, value in zip(("name", "role"), rest):
        found[key] = value.strip("() ")
    if len(rest) > 2:
        found["extra"] = ", ".join(rest[2:])
    return {key: found[key] for key in ("name", "role", "phone", "email", "extra") if key in found}


def _front_matter(kind: Kind, parts: Parts, site: Site, source_name: str, today: dt.date, settled: Settled,
                  shown: str, problems: Problems) -> tuple[str, dict]:
    """The title and the fields of the new file, from what `read_parts` found."""
    values = dict(parts.fields)
    title = values.pop("title", "") or parts.title_paragraph or parts.document_title
    if not title:
        title = Path(source_name).stem.replace("_", " ")
        problems.warn(shown, 0, f"the paper has no Subject row or Title paragraph: its title is the file name, "
                                f"{quote(title)}; change 'title' in the new file")
    result: dict = {}
    classification = settle_classification(parts, site, settled.classification, shown, problems)
    if classification:
        result["classification"] = classification
    dated, board = kind.date_field, kind.board_field
    if "to" in values and board:
        result[board] = _board(values.pop("to"), site, shown, problems)
    elif board and kind.fields[board].required:
        problems.error(shown, 0, "the paper does not say which board it goes to: add a 'To' row to the header "
                                 "table in Word, naming a board of site.yaml")
    if "on" in values and dated:
        written = values.pop("on")
        result[dated] = parse_date(written)
        if result[dated] is None:
            problems.error(shown, 0, f"the meeting date {quote(written)} is not a date briefing can read: write "
                                     "it in Word as, for example, 2 September 2015")
    elif dated and kind.fields[dated].required:
        problems.error(shown, 0, "the paper does not give the date of the meeting: add an 'On' row to the "
                                 "header table in Word, such as 'On: 2 September 2015'")
    if "report_by" in values and "report_by" in kind.fields:
        result["report_by"] = values.pop("report_by")
    if "author" in kind.fields:
        author = _author("\n".join(values.pop(key) for key in ("author", "role", "phone", "email")
                                   if key in values))
        if author.pop("extra", ""):
            problems.warn(shown, 0, "the author line has more than a name, role, phone and e-mail: only those "
                                    "are kept")
        if author.get("name"):
            result["author"] = author
        elif author:
            problems.warn(shown, 0, f"the author's contact details {quote(', '.join(author.values()))} name no "
                                    "one, so they are not carried into the paper")
    settle_exempt(kind, parts, result, settled.exempt, shown, problems)
    if "summary" in values:
        result["summary"] = values.pop("summary")
    for key, value in values.items():
        problems.warn(shown, 0, f"{quote(value)} ({key.replace('_', ' ')}) is not a field of a {kind.name}, so it "
                                "is not carried into the paper")
    return title, result


def _implications(parts: Parts, site: Site, shown: str, problems: Problems) -> dict[str, str]:
    known = implication_matcher(site)
    found: dict[str, str] = {}
    for written, text in parts.implications:
        heading = known(written)
        if heading is None:
            problems.warn(shown, 0, f"the implications row {quote(f'{written}: {text}')} matches no heading of "
                                    f"site.yaml 'implications' ({', '.join(site.implications) or 'none'}), so "
                                    "it is not carried into the paper")
        elif heading in found:
            problems.warn(shown, 0, f"the implications row {quote(written)} repeats '{heading}'; both texts are kept")
            found[heading] = f"{found[heading]} {text}".strip()
        elif _key(text) not in _NONE:
            found[heading] = text
    return found


def _yaml(value) -> str:
    return str(value) if isinstance(value, (dt.date, int)) else yaml_string(value)


def _render(title: str, values: dict, implications: dict, body: str, source_name: str, today: dt.date) -> str:
    lines = ["---", f"# Imported from {json.dumps(source_name, ensure_ascii=False)} on {today.isoformat()}: read "
             "it through against the Word file, then set 'draft: false'.",
             f"title: {_yaml(title)}", "draft: true"]
    for key, value in values.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines.extend(f"  {name}: {_yaml(text)}" for name, text in value.items())
        elif value is not None:
            lines.append(f"{key}: {_yaml(value)}")
    if implications:
        lines.append("implications:  # a heading left out prints \"None\"")
        lines.extend(f"  {_yaml(heading)}: {_yaml(text)}" for heading, text in implications.items())
    return "\n".join(lines) + "\n---\n" + without_refused(body)


def import_word(content_dir: Path, source: Path, kind_name: str = "report", item_id: str | None = None,
                accept_changes: bool = False, today: dt.date | None = None, settled: Settled = Settled()) -> Imported:
    """Import the Word file as a draft of the kind; ContentError, with nothing written, on any error."""
    kind = BY_NAME[kind_name]
    today = today or dt.date.today()
    shown = str(source)
    if not content_dir.is_dir():
        raise ContentError([Problem(str(content_dir), 0, "the content folder does not exist; give its path "
                                                         "with --content")])
    problems = Problems()
    site_file = content_dir / "site.yaml"
    site = read_site(read_yaml_file(site_file, "site.yaml", problems) if site_file.is_file() else None, problems)
    problems.raise_if_errors()
    document = open_document(source, shown)
    marks = review_marks(document)
    if marks and not accept_changes:
        raise ContentError([Problem(shown, 0, f"{mark}, or import with --accept-changes to take the document "
                                              "as it prints") for mark in marks])
    if marks:
        accept_review_marks(document)
        problems.warn(shown, 0, f"{len(marks)} comment(s), tracked change(s) or hidden text were taken as the "
                                "document prints: changes accepted, comments and hidden text left out")
    for warning in unwrap_containers(document):
        problems.warn(shown, 0, warning)
    parts = read_parts(document, implication_matcher(site), kind)
    for warning in parts.warnings:
        problems.warn(shown, 0, warning)
    title, values = _front_matter(kind, parts, site, source.name, today, settled, shown, problems)
    implications = _implications(parts, site, shown, problems) if "implications" in kind.fields else {}
    folder, ending = kind.folder, kind.ending
    item_id = item_id if item_id is not None else fields.make_slug(title)
    if file_id(f"{item_id}{ending}", ending) is None:
        raise ContentError([Problem(shown, 0, f"'{item_id}' cannot be a file name: use only lowercase letters, "
                                              "digits and hyphens, starting with a letter or digit; give one "
                                              "with --id")])
    relative = f"{folder}/{item_id}{ending}"
    if (content_dir / relative).exists():
        problems.error(relative, 0, "already exists and was left as it is; give the import another --id, or "
                                    "move that file away first")
    try:
        body = convert(saved_for_conversion(document), item_id, title)
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, OSError) as exc:
        raise ContentError([Problem(shown, 0, DAMAGED.format(" ".join(str(exc).split())[:120]))]) from None
    for message in body.errors:
        problems.error(shown, 0, message)
    for message in body.warnings:
        problems.warn(shown, 0, message)
    for name, _ in body.images:
        if (content_dir / "assets" / name).exists():
            problems.error(f"assets/{name}", 0, "already exists and was left as it is; give the import "
                                                "another --id, or move that file away first")
    problems.raise_if_errors()
    text = _render(title, values, implications, body.markdown, source.name, today)
    return _write_and_check(content_dir, relative, text, body.images, problems.warnings, today)


def _write_and_check(content_dir: Path, relative: str, text: str, images: list[tuple[str, bytes]],
                     warnings: list[Problem], today: dt.date) -> Imported:
    from builder.checks import check  # the whole checking pipeline: imported only when it is needed

    written: list[Path] = []  # files, and folders this import made, to take back on an error

    def folder(path: Path) -> None:
        if not path.is_dir():
            path.mkdir(parents=True)
            written.append(path)

    try:
        for name, data in images:
            path = content_dir / "assets" / name
            folder(path.parent)
            with path.open("xb") as file:  # "x": never overwrite, even in a race
                written.append(path)
                file.write(data)
        target = content_dir / relative
        folder(target.parent)
        with target.open("x", encoding="utf-8") as file:
            written.append(target)
            file.write(text)
    except OSError as exc:
        _take_back(written)
        raise ContentError([*warnings, Problem(relative, 0, f"cannot be written ({exc.strerror or exc})")]) from None
    ours = {relative, *(f"assets/{name}" for name, _ in images)}
    try:
        _, found = check(content_dir, "internal", today)
        elsewhere = 0
    except ContentError as error:
        found = error.problems
        mine = [p for p in found if p.path in ours and not p.is_warning]
        if mine:
            _take_back(written)
            raise ContentError([*warnings, *mine]) from None
        elsewhere = error.error_count
    checked = [p for p in found if p.path in ours]
    verdict = f"briefing check: {relative} has no errors"
    if checked:
        verdict += f" and {len(checked)} warning(s)"
    if elsewhere:
        verdict += f"; other files of the project have {elsewhere} error(s): run 'briefing check' to see them"
    return Imported(content_dir / relative, tuple(f"assets/{name}" for name, _ in images),
                    tuple([*warnings, *checked]), verdict)


def _take_back(written: list[Path]) -> None:
    for path in reversed(written):
        if path.is_dir():
            path.rmdir()
        else:
            path.unlink(missing_ok=True)
