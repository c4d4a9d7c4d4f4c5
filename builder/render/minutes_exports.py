"""Each board's decisions log as CSV and JSON, beside its page: one decision a row,
newest meeting first, as the page lists them. Made from the profile-selected
model, so a decision withheld there prints only the line every listing prints."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from builder.render.exports import csv_cell
from builder.plan.minutes_views import DecisionRow, MinutesViews
from builder.model.content import Project
from builder.model.paths import decisions_path, page_path

COLUMNS = ("meeting", "date", "item", "business", "paper", "outcome", "decision", "minutes", "marking")


def _record(row: DecisionRow) -> dict:
    minute = row.row
    return {"meeting": row.meeting.id, "date": row.date.isoformat() if row.date else "", "item": minute.number,
            "business": minute.title, "paper": minute.entry.report.id if minute.entry.report else "",
            "outcome": "" if minute.withheld else minute.decision.outcome,
            "decision": minute.withheld or minute.decision.text, "minutes": page_path(row.minutes),
            "marking": row.marking}


def decisions_csv(rows: tuple[DecisionRow, ...]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([csv_cell(str(value)) for value in _record(row).values()])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def decisions_json(rows: tuple[DecisionRow, ...]) -> bytes:
    return (json.dumps([_record(row) for row in rows], ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def decision_files(project: Project) -> dict[str, Callable[[], bytes]]:
    """Each board's decisions as files, by name, each made only when called for."""
    minutes = MinutesViews(project)
    files = {}
    for board in project.site.boards:
        files[decisions_path(board.id, "csv")] = lambda board=board: decisions_csv(minutes.decisions(board.id))
        files[decisions_path(board.id, "json")] = lambda board=board: decisions_json(minutes.decisions(board.id))
    return files
