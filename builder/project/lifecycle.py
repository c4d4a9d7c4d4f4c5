"""Content over time: review dates, and what changed between one meeting and the next."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass

from builder.model.errors import Problems
from builder.project.kinds import KINDS, date_of
from builder.model.content import Action, Item, Meeting, highest_marking
from builder.model.project import Project


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    days_in_month = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, days_in_month))


def review_date(item: Item, project: Project) -> dt.date | None:
    """`review_by`, or else `updated` plus the site's review period for the kind."""
    if item.review_by:
        return item.review_by
    months = dict(project.site.review_months).get(item.kind)
    if months and item.updated:
        return add_months(item.updated, months)
    return None


def reviewed_items(project: Project) -> list[Item]:
    """The items of the kinds that are reviewed that have a review date."""
    return [item for kind in KINDS if kind.reviewed for item in getattr(project, kind.attribute)
            if review_date(item, project) is not None]


def is_due_for_review(item: Item, project: Project, today: dt.date) -> bool:
    due = review_date(item, project)
    return due is not None and due < today


def review_warnings(project: Project, today: dt.date, problems: Problems) -> None:
    for item in reviewed_items(project):
        if is_due_for_review(item, project, today):
            due = review_date(item, project)
            field = "review_by" if item.review_by else "updated"
            how = "" if item.review_by else " (its 'updated' date plus the review period in site.yaml)"
            problems.warn(item.path, item.line_of(field),
                          f"due for review since {due.isoformat()}{how}: check it is still right, then "
                          "set 'updated' to today and move 'review_by' on")


@dataclass(frozen=True)
class StatusChangeRow:
    action: Action
    origin: Item
    date: dt.date
    before: str
    after: str
    note: str


@dataclass(frozen=True)
class SinceLastMeeting:
    """What the board should hear about: changes between its previous meeting and this one."""

    previous: Meeting | None
    changed_items: tuple[Item, ...]
    status_changes: tuple[StatusChangeRow, ...]
    overdue: tuple[tuple[Action, Item], ...]  # fell overdue since the previous meeting
    overdue_total: int  # all of the board's actions overdue at this meeting

    @property
    def marking(self) -> str:
        """The highest marking of everything it shows."""
        return highest_marking([i.classification for i in self.changed_items]
                               + [row.action.classification for row in self.status_changes]
                               + [c for action, origin in self.overdue for c in (action.classification,
                                                                                 origin.classification)])


def previous_meeting(project: Project, meeting: Meeting) -> Meeting | None:
    earlier = [m for m in project.meetings if m.board == meeting.board and m.date < meeting.date]
    return max(earlier, key=lambda m: m.date, default=None)


def _day(entry: tuple[dt.date, Item]) -> dt.date:
    return entry[0]


def dated_items(project: Project) -> tuple[tuple[dt.date, Item], ...]:
    """Every item but the meetings under each of its dates (its own and when it
    was updated), in date order: what a meeting hears about is a slice of it."""
    return tuple(sorted(
        ((day, item) for item in project.items if not isinstance(item, Meeting)
         for day in {date_of(item), item.updated} if day is not None),
        key=lambda entry: entry[0]))


def since_last_meeting(project: Project, meeting: Meeting,
                       dated: tuple[tuple[dt.date, Item], ...]) -> SinceLastMeeting:
    """The board's own actions (from its spotlights and papers), and the items added
    or updated, since its previous meeting (`dated` is the project's `dated_items`).
    Without an earlier meeting there is no "since": every overdue action of the
    board is listed."""
    previous = previous_meeting(project, meeting)
    start = previous.date if previous else dt.date.min
    actions = project.actions_by_board.get(meeting.board, ())
    overdue = [a for a in actions if a.is_overdue(meeting.date)]
    newly_overdue = tuple((a, project.by_key[a.origin]) for a in overdue if a.due > start)
    if previous is None:
        return SinceLastMeeting(None, (), (), newly_overdue, len(overdue))

    def in_window(day: dt.date) -> bool:
        return start < day <= meeting.date

    latest: dict[str, tuple[dt.date, Item]] = {}
    for day, item in dated[bisect_right(dated, start, key=_day):bisect_right(dated, meeting.date, key=_day)]:
        latest[item.key] = max(latest.get(item.key, (day, item)), (day, item), key=_day)
    changed = [item for _, item in sorted(latest.values(), key=lambda entry: (entry[0], entry[1].title), reverse=True)]
    changes = []
    for action in actions:
        for change in action.history:
            if in_window(change.date):
                changes.append(StatusChangeRow(action, project.by_key[action.origin], change.date,
                                               action.status_on(change.date - dt.timedelta(days=1)),
                                               change.status, change.note))
    return SinceLastMeeting(previous, tuple(changed), tuple(sorted(changes, key=lambda c: c.date)), newly_overdue,
                            len(overdue))
