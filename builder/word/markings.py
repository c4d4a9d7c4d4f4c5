"""Protective markings and notes of exempt information as Word papers write them:
read for certain, or found to look like one that cannot be read for certain.

briefing never guesses a marking down, nor an exemption's paragraph: what looks
like either but cannot be read for certain is a doubt, which stops the import
until the officer corrects the document or settles it (--classification,
--exempt). What "looks like" means depends on where the text stands (`read`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# The order markings rank in; above OFFICIAL-SENSITIVE they are refused.
MARKINGS = ("OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET")
# Between the words of a marking, as Word writes them: spaces, any hyphen or dash
# (autocorrect's en dash, the non-breaking hyphen) or a colon. Read as a hyphen: a
# marking is never read lower than it is written.
_BETWEEN = r"[\s\-\u2010-\u2015\u2212:]+"
_KNOWN = rf"TOP{_BETWEEN}SECRET|SECRET|OFFICIAL(?:{_BETWEEN}SENSITIVE)?|NOT{_BETWEEN}PROTECTIVELY{_BETWEEN}MARKED"
# A word joined to a marking with no space between ("OFFICIAL-SENSITIVE-PERSONAL"):
# only the descriptors of the Government Security Classifications may be.
_JOIN = r"[\-\u2010-\u2015\u2212:/]"
_DESCRIPTORS = r"COMMERCIAL|LOCSEN|PERSONAL"
# A marking, its label before it ("Protective marking: ") and its descriptors after.
_MARKING = re.compile(rf"(?:(?:(?:PROTECTIVE|SECURITY)\s+)?(?:MARKING|CLASSIFICATION)[\s:\-\u2010-\u2015]*)?"
                      rf"\b({_KNOWN})\b(?:{_JOIN}(?:{_DESCRIPTORS})\b)*", re.IGNORECASE)
# After a marking that fills its line, more in capitals: "OFFICIAL-SENSITIVE – FOR THE BOARD ONLY".
_MARKING_TAIL = re.compile(r"\s*[:\-\u2010-\u2015]\s*[A-Z][A-Z ]*")
_JOINED_AFTER = re.compile(rf"{_JOIN}[^\W\d_]")
_JOINED_BEFORE = re.compile(rf"[^\W\d_]{_JOIN}$")
# Where a page header or footer puts things side by side: tabs, wide gaps, bars, spaced dashes.
_SIDE_BY_SIDE = re.compile(r"\t|\s{2,}|\s[|\-\u2010-\u2015]\s|\|")
_WORD = re.compile(r"[^\W\d_]+")

# The words of protective markings, of this scheme and the ones before it. One
# letter off those of eight letters or more (OFFICAL, SENSTIVE) or a shortening
# of SENSITIVE (SENS) counts too: a misspelt marking is a doubt, not a lower one.
_MARKING_WORDS = ("OFFICIAL", "SENSITIVE", "SECRET", "RESTRICTED", "CONFIDENTIAL", "CLASSIFIED", "UNCLASSIFIED",
                  "PROTECT", "PROTECTED", "COMMERCIAL", "PERSONAL", "LOCSEN", "CONFIDENCE")
# Words that make a doubt only where most of a line is marking words: they have
# other meanings (counter-terrorism papers' "Prevent, Pursue, PROTECT, Prepare"),
# or they are the descriptors and handling words that go with a marking.
_WEAK_WORDS = ("PROTECT", "PROTECTED", "COMMERCIAL", "PERSONAL", "LOCSEN", "CONFIDENCE")

# A note of exempt information, wherever it stands in the body...
_EXEMPT_NOTE = re.compile(r"not\s+for\s+publication|exempt\s+information", re.IGNORECASE)
# ...and, at the top of the body or in a page header or footer, what reads like one.
_EXEMPT_MENTION = re.compile(r"schedule\s*7\s*a\b|\bexempt(?:ion)?\b.*\bpara", re.IGNORECASE)
_PARAGRAPH = re.compile(r"\bpara(?:graph)?(?:s|\(s\))?\.?(?!\w)\s*", re.IGNORECASE)
# Paragraph numbers: "6", "1 and 6", "1, 3 & 6"; "3.2" is a paragraph of a paper, not of the Schedule.
_NUMBERS = re.compile(r"\d+(?!\.?\d)(?:\s*(?:,|and|&)\s*\d+(?!\.?\d))*")

PAGE, TOP, BODY, FIELD = "page", "top", "body", "field"  # the places a line stands: see `read`


@dataclass
class Reading:
    """What one line says of the paper's marking and exemption."""

    markings: list[str] = field(default_factory=list)  # read for certain
    marking_doubt: bool = False  # looks like a marking, cannot be read for certain
    exempt: list[int] | None = None  # a note's paragraph numbers, read for certain
    exempt_doubt: bool = False  # looks like such a note, its paragraph cannot be read

    @property
    def found(self) -> bool:
        return bool(self.markings) or self.marking_doubt or self.exempt is not None or self.exempt_doubt


def read(text: str, place: str) -> Reading:
    """The line's marking and exemption, by the place the line stands:

    PAGE, a page header or footer (or a text box in one): a marking may share the
    line with other text, but only written in capitals ("Clydeview Council –
    OFFICIAL"), or filling a part of the line set apart by a tab, a wide gap or a
    spaced dash ("Clydeview Council – Official"). Any other marking word left in
    capitals (OFFICIAL-SENSTIVE, RESTRICTED, "OFFICIAL SENSITIVE-ISH"; the weak
    ones aside), or a part of the line that is mostly marking words in any case
    ("Official (Sensitive)", "PROTECT"), is a doubt.

    TOP, the body above its first heading or numbered paragraph (and text boxes):
    a marking fills the line, after its label if any, with at most more capitals
    after a dash or colon. A line that is not one but is mostly marking words
    ("OFFICIAL – SENS", "Restricted") is a doubt; ordinary text that has such a
    word among others ("the official response") is not.

    BODY, further down: only a line that is a marking in capitals is read; no doubts.

    FIELD, a header row labelled as the marking: whatever it holds must be read
    for certain, or it is a doubt.

    Exemption notes: "not for publication" or "exempt information" anywhere, and,
    in a page header or footer or at the top, Schedule 7A, or "exempt" with a
    paragraph. Their paragraph numbers, each 1 to 15, must all be read, or the
    note is a doubt."""
    reading = Reading()
    note = _EXEMPT_NOTE.search(text) or (place in (PAGE, TOP, FIELD) and _EXEMPT_MENTION.search(text))
    if note:
        numbers = _paragraph_numbers(text)
        reading.exempt, reading.exempt_doubt = numbers, numbers is None
    if place == PAGE or note:  # a note often carries the marking in its line
        reading.markings, reading.marking_doubt = _markings_among(text)
    else:
        line = _marking_line(text, any_case=place != BODY)
        reading.markings = [line] if line else []
        reading.marking_doubt = not line and (place == FIELD or place == TOP and _mostly_marking(text))
    return reading


def _name(written: str) -> str:
    """A marking as written -> its name in MARKINGS."""
    words = " ".join(re.sub(_BETWEEN, " ", written.upper()).split())
    return {"OFFICIAL SENSITIVE": "OFFICIAL-SENSITIVE", "NOT PROTECTIVELY MARKED": "OFFICIAL"}.get(words, words)


def _whole(text: str) -> str | None:
    """The marking that is all the text holds, in any case."""
    match = _MARKING.fullmatch(text.strip())
    return _name(match.group(1)) if match else None


def _marking_line(text: str, any_case: bool) -> str | None:
    """The marking that fills the line: alone, or in capitals with more capitals
    after a dash or colon that hold no marking word."""
    if any_case and (whole := _whole(text)):
        return whole
    match = _MARKING.match(text.strip())
    if not match or not match.group(1).isupper():
        return None
    rest = text.strip()[match.end():]
    if not rest or _MARKING_TAIL.fullmatch(rest) and not _JOINED_AFTER.match(rest) and not _marking_words(rest):
        return _name(match.group(1))
    return None


def _markings_among(text: str) -> tuple[list[str], bool]:
    """The markings in a line of a page header or footer, and whether any of it
    is a doubt."""
    if whole := _whole(text):
        return [whole], False
    found, doubt, rest, last = [], False, [], 0
    for match in _MARKING.finditer(text):
        if not match.group(1).isupper():
            continue
        doubt = doubt or bool(_JOINED_AFTER.match(text, match.end()) or _JOINED_BEFORE.search(text[:match.start()]))
        found.append(_name(match.group(1)))
        rest.append(text[last:match.start()])
        last = match.end()
    rest.append(text[last:])
    for part in _SIDE_BY_SIDE.split(" ".join(rest)):
        if whole := _whole(part):
            found.append(whole)
        elif any(word.isupper() and known not in _WEAK_WORDS for word, known in _marking_words(part)) \
                or _mostly_marking(part):
            doubt = True
    return found, doubt


def _marking_words(text: str) -> list[tuple[str, str]]:
    """Each word of the text that is, or is nearly, a marking word: (word, the marking word)."""
    found = []
    for word in _WORD.findall(text):
        upper = word.upper()
        known = next((k for k in _MARKING_WORDS if upper == k or (len(k) >= 8 and _one_edit_apart(upper, k))), None)
        if known is None and len(upper) >= 4 and "SENSITIVE".startswith(upper):
            known = "SENSITIVE"
        if known:
            found.append((word, known))
    return found


def _mostly_marking(text: str) -> bool:
    return 2 * len(_marking_words(text)) > len(_WORD.findall(text))


def _one_edit_apart(word: str, known: str) -> bool:
    """The same, or one letter added, left out, changed, or two swapped."""
    if abs(len(word) - len(known)) > 1:
        return False
    i = 0
    while i < min(len(word), len(known)) and word[i] == known[i]:
        i += 1
    return (word[i + 1:] == known[i + 1:] or word[i:] == known[i + 1:] or word[i + 1:] == known[i:]
            or word[i:i + 2] == known[i:i + 2][::-1] and word[i + 2:] == known[i + 2:])


def _paragraph_numbers(text: str) -> list[int] | None:
    """The paragraphs of Schedule 7A the note names, or None unless every one is
    read, from 1 to 15."""
    numbers = []
    mentions = list(_PARAGRAPH.finditer(text))
    for mention in mentions:
        written = _NUMBERS.match(text, mention.end())
        if not written:
            return None
        numbers += [int(number) for number in re.findall(r"\d+", written.group())]
    return numbers if mentions and all(1 <= number <= 15 for number in numbers) else None
