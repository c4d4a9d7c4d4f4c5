"""When papers are published: a meeting's `publish_by` date (its papers open for
inspection "three clear days" before it, Local Government (Scotland) Act 1973,
s50B), late items and their urgent reasons, and a paper's `publish_from` date.

"Clear day" is not defined in law, so site.yaml says how they are counted
(`clear_days`); without it, three days that are neither a Saturday nor a Sunday,
not counting the day papers go out nor the day of the meeting.
"""

from __future__ import annotations

import datetime as dt

from builder.reading import fields as check
from builder.model.errors import Problems
from builder.model.content import Meeting, Report
from builder.model.project import Project
from builder.model.partnership import ClearDays
from builder.reading.yamlread import LineDict

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def read_clear_days(section: LineDict | None, problems: Problems) -> ClearDays:
    """site.yaml's `clear_days: {count: 3, exclude: [saturday, sunday, 2015-12-25]}`:
    how many days, and the weekdays and holidays that are not counted."""
    if section is None:
        return ClearDays()
    fields = check.Fields("site.yaml", section, problems, ("count", "exclude"), "clear_days")
    count = fields.get("count", check.whole_number(0, 30), default=ClearDays.count)
    if "exclude" not in section:
        return ClearDays(count)
    excluded = fields.get_list("exclude", _weekday_or_date)
    weekdays = tuple(sorted({day for day in excluded if isinstance(day, int)}))
    if len(weekdays) == len(WEEKDAYS):
        problems.error("site.yaml", fields.line("exclude"), "clear_days: 'exclude' leaves no day of the week to "
                                                           "count; list only the days the council is closed")
        weekdays = ()
    return ClearDays(count, weekdays, tuple(sorted({day for day in excluded if isinstance(day, dt.date)})))


def _weekday_or_date(value: object) -> int | dt.date:
    if isinstance(value, str) and value.strip().lower() in WEEKDAYS:
        return WEEKDAYS.index(value.strip().lower())
    try:
        return check.date(value)
    except check.Invalid as exc:
        if "not a date that exists" in str(exc):
            raise
        raise check.Invalid(f"must be a day of the week (such as saturday) or a holiday's date written YYYY-MM-DD, "
                        f"not '{check.visible(str(value))}'") from None


def publish_by(meeting: Meeting, clear_days: ClearDays) -> dt.date | None:
    """The last day the meeting's papers may be published: its own `publish_by`,
    or the day before its clear days."""
    if meeting.publish_by or meeting.date is None:
        return meeting.publish_by
    day, counted = meeting.date, 0
    while counted < clear_days.count:
        day -= dt.timedelta(days=1)
        if day.weekday() not in clear_days.weekdays and day not in clear_days.holidays:
            counted += 1
    return day - dt.timedelta(days=1)


def not_yet(report: Report, today: dt.date) -> bool:
    """A paper whose `publish_from` date has not come: public builds leave it out."""
    return report.publish_from is not None and report.publish_from > today


def date_problems(project: Project, problems: Problems) -> None:
    """Publication dates that cannot be right: papers due after the meeting has met,
    or a supplementary pack without an issued pack to add to, or issued before it."""
    for meeting in project.meetings:
        if meeting.publish_by and meeting.date and meeting.publish_by >= meeting.date:
            problems.error(meeting.path, meeting.line_of("publish_by"),
                           f"'publish_by' is {meeting.publish_by.isoformat()}, but the meeting is on "
                           f"{meeting.date.isoformat()}: papers must be published before it, so give an earlier "
                           "date, or leave it out for three clear days before the meeting")
        if meeting.supplementary and meeting.issued is None:
            problems.error(meeting.path, meeting.line_of("supplementary"),
                           "a supplementary pack adds to an issued agenda pack, but this meeting has no 'issued' "
                           "date: give the date the agenda pack was issued as 'issued', or take 'supplementary' out")
        for supplement in meeting.supplementary:
            if meeting.issued and supplement.issued < meeting.issued:
                problems.error(meeting.path, supplement.line,
                               f"supplementary pack {supplement.number} is issued on {supplement.issued.isoformat()}, "
                               f"before the agenda pack it adds to ({meeting.issued.isoformat()}): correct one of "
                               "the dates")


def late_warnings(project: Project, problems: Problems) -> None:
    """An agenda item added, or a paper published, after the meeting's `publish_by`
    date is a late item: a warning, unless the Chair's urgent reason is given."""
    for meeting in project.meetings:
        due = publish_by(meeting, project.site.clear_days)
        if due is None or (meeting.date and due >= meeting.date):  # `date_problems` says what is wrong
            continue
        for number, entry in enumerate(meeting.items, start=1):
            report = project.report(entry.report) if entry.report else None
            late = [(when, what) for when, what in ((entry.added, "added to the agenda"),
                                                    (report and report.publish_from, "published"))
                    if when is not None and when > due]
            if late and not entry.urgent_reason:
                when, what = late[0]
                problems.warn(meeting.path, entry.line,
                              f"late item: item {number} is {what} on {when.isoformat()}, after the papers were due "
                              f"on {due.isoformat()} (publish_by); give the Chair's reason for taking it as "
                              "'urgent_reason', or move it to a later meeting")
