"""The paper's marking and exemption, from what `parts` read of the Word paper
and what the officer settles on the command line (--classification, --exempt).

The rule: a marking or exemption note briefing cannot read for certain stops the
import, naming it and where it is, until the document is corrected or the
officer settles it; and the paper is never marked lower than a marking the
document carries for certain, whatever the officer gives.
"""

from __future__ import annotations

from dataclasses import dataclass

from builder.model.errors import Problems
from builder.model.partnership import Site
from builder.project.kinds import Kind
from builder.word.docx_file import quote
from builder.word.markings import MARKINGS
from builder.word.parts import Parts


@dataclass(frozen=True)
class Settled:
    """What the officer settles on the command line: --classification, --exempt."""

    classification: str | None = None
    exempt: int | None = None


def settle_classification(parts: Parts, site: Site, settled: str | None, shown: str, problems: Problems) -> str | None:
    """The highest marking read for certain, or the officer's --classification;
    never lower than what was read, and nothing while a marking is in doubt."""
    highest = max(parts.markings, key=lambda found: MARKINGS.index(found.marking), default=None)
    read = MARKINGS.index(highest.marking) if highest else -1
    if read > 1:
        problems.error(shown, 0, f"{highest.where} is marked {highest.marking}: briefing holds nothing above "
                                 "OFFICIAL-SENSITIVE, so this paper cannot be imported")
        return None
    if settled:
        if read > MARKINGS.index(settled):
            problems.error(shown, 0, f"{highest.where} says {quote(highest.text)}, which is {highest.marking}: "
                                     f"--classification {settled} would mark the paper lower than the document "
                                     f"does; give --classification {highest.marking}, or leave it out")
            return None
        for doubt in parts.marking_doubts:
            problems.warn(shown, 0, f"{doubt.where} says {quote(doubt.text)}: the paper is marked {settled}, as "
                                    "--classification says")
        return settled
    for doubt in parts.marking_doubts:
        problems.error(shown, 0, f"{doubt.where} says {quote(doubt.text)}, which looks like a protective marking "
                                 "but is not one briefing can read for certain (OFFICIAL or OFFICIAL-SENSITIVE); "
                                 "correct it in Word, or import with --classification OFFICIAL or --classification "
                                 "OFFICIAL-SENSITIVE to settle it")
    if parts.marking_doubts:
        return None
    if not highest:
        problems.warn(shown, 0, f"no protective marking was found in the page header or footer or at the top of "
                                f"the paper: it takes site.yaml's {site.classification}; set 'classification' if it "
                                "is not")
        return None
    if len({found.marking for found in parts.markings}) > 1:
        problems.warn(shown, 0, "the paper carries different markings ("
                      + ", ".join(dict.fromkeys(f"{found.marking} in {found.where}" for found in parts.markings))
                      + f"): the highest, {highest.marking}, is used")
    return highest.marking


def settle_exempt(kind: Kind, parts: Parts, result: dict, settled: int | None, shown: str, problems: Problems) -> None:
    """The paragraph of Schedule 7A a note names, or the officer's --exempt;
    nothing while a note's paragraph is in doubt."""
    notes = [note for _, note in parts.exempt] + [doubt.text for doubt in parts.exempt_doubts]
    if "exempt" not in kind.fields:
        if notes or settled:
            said = f"says it is not for publication ({quote(notes[0])})" if notes else "is given --exempt"
            problems.error(shown, 0, f"the paper {said}, which only a report can be: import it with --kind report")
        return
    if settled:
        for numbers, note in parts.exempt:
            if settled not in numbers:
                problems.warn(shown, 0, f"the note {quote(note)} names paragraph {' and '.join(map(str, numbers))}: "
                                        f"'exempt' is {settled}, as --exempt says")
        for doubt in parts.exempt_doubts:
            problems.warn(shown, 0, f"{doubt.where} says {quote(doubt.text)}: 'exempt' is {settled}, as --exempt says")
        result["exempt"] = settled
        return
    for doubt in parts.exempt_doubts:
        problems.error(shown, 0, f"{doubt.where} says {quote(doubt.text)}, which looks like a note of exempt "
                                 "information but names no paragraph of Schedule 7A (1 to 15) briefing can read "
                                 "for certain; correct it in Word, such as 'by virtue of paragraph 6 of Part 1 of "
                                 "Schedule 7A', or import with --exempt N (the paragraph, 1 to 15) to settle it")
    if parts.exempt and not parts.exempt_doubts:
        numbers, note = parts.exempt[0]
        result["exempt"] = numbers[0]
        if len(numbers) > 1:
            problems.warn(shown, 0, f"the note {quote(note)} names paragraphs {', '.join(map(str, numbers))}: "
                                    f"briefing records one, so 'exempt' is {numbers[0]}; change it if another fits")
