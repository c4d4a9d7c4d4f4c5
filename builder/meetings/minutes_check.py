"""What minutes are checked against once every item is read: their meeting (it
must exist, have the items they minute, and have taken place by `--today`), and
the agendas that approve them. Minutes and approving agenda items are named
after their meetings here."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from builder.reading import fields as f
from builder.model.errors import Problems
from builder.model.minutes import Minutes
from builder.model.content import Meeting, Project, highest_marking


def settle(made: dict[str, tuple], problems: Problems) -> dict[str, tuple]:
    """The items made (kind attribute -> items) with the minutes checked against
    their meetings and titled after them, and each agenda item that approves
    minutes titled after the meeting they minute."""
    meetings = {meeting.id: meeting for meeting in made["meetings"]}
    markings = {report.id: report.classification for report in made["reports"]}
    minutes = tuple(_settled(one, meetings.get(one.id), sorted(meetings), markings, problems)
                    for one in made["minutes"])
    approving = tuple(_approving(meeting, meetings, problems) for meeting in made["meetings"])
    return {**made, "minutes": minutes, "meetings": approving}


def _settled(minutes: Minutes, meeting: Meeting | None, meeting_ids: list[str], markings: dict[str, str],
             problems: Problems) -> Minutes:
    if meeting is None:
        hint = f.nearest(minutes.id, meeting_ids)
        suggestion = f" (did you mean minutes/{hint}.yaml?)" if hint else ""
        problems.error(minutes.path, 1, f"there is no meeting meetings/{minutes.id}.yaml for these minutes; name the "
                                        f"file after its meeting's file{suggestion}")
        return minutes
    count = len(meeting.items)
    for what, entries in (("a decision", minutes.decisions), ("a declaration", minutes.declarations)):
        for entry in entries:
            if entry.item > count:
                problems.error(minutes.path, entry.line, f"{what} names item {entry.item}, but the agenda of "
                               f"{meeting.path} has {count} item{'s' if count != 1 else ''}; "
                               "use the item's number on that agenda")
    # An action agreed on a paper is marked as the paper is, wherever the action plan shows it.
    decisions = tuple(replace(d, actions=tuple(replace(a, classification=highest_marking(
        [a.classification, markings.get(meeting.items[d.item - 1].report, a.classification)])) for a in d.actions))
        if d.item <= count else d for d in minutes.decisions)
    return replace(minutes, title=minutes.title or f"Minutes: {meeting.title}", decisions=decisions)


def _approving(meeting: Meeting, meetings: dict[str, Meeting], problems: Problems) -> Meeting:
    items = []
    for agenda_item in meeting.items:
        minuted = meetings.get(agenda_item.minutes) if agenda_item.minutes else None
        if minuted is not None:
            line = agenda_item.line or meeting.line_of("items")
            if minuted.board != meeting.board:
                problems.error(meeting.path, line, f"the minutes of {minuted.id} are put for approval here, but that "
                               f"is a meeting of another board ({minuted.board}); approve minutes at a later meeting "
                               "of their own board")
            elif minuted.date and meeting.date and minuted.date >= meeting.date:
                problems.error(meeting.path, line, f"the minutes of {minuted.id} are approved here, but that meeting "
                               "is not an earlier one; approve minutes at a later meeting")
            if not agenda_item.title:
                agenda_item = replace(agenda_item, title=f"Minutes of the previous meeting: {minuted.title}")
        items.append(agenda_item)
    return replace(meeting, items=tuple(items)) if tuple(items) != meeting.items else meeting


def date_problems(project: Project, today: dt.date, problems: Problems) -> None:
    """Minutes of a meeting that has not yet taken place (by `--today`)."""
    for minutes in project.minutes:
        meeting = project.by_key.get(minutes.meeting_key)
        if meeting is not None and meeting.date and meeting.date > today:
            problems.error(minutes.path, 1, f"these are minutes of a meeting on {meeting.date.isoformat()}, which has "
                                            f"not yet taken place (today is {today.isoformat()}); write them after "
                                            "the meeting")

