"""Where each output lands, relative to the output root: the one place a page's or
PDF's address is made, for the planners, the templates and the exports alike."""

from __future__ import annotations

from builder.model.content import Item, Meeting


def page_path(item: Item) -> str:
    return f"{item.folder}/{item.id}.html"


def pdf_path(item: Item) -> str:
    """A PDF sits beside its HTML page and is named after the item's id."""
    return f"{item.folder}/{item.id}.pdf"


def private_pack_path(meeting: Meeting) -> str:
    return f"{meeting.folder}/{meeting.id}-private.pdf"


def supplement_path(meeting: Meeting, number: int) -> str:
    """Supplementary agenda `number` of a meeting whose pack was issued."""
    return f"{meeting.folder}/{meeting.id}-supplementary-{number}.pdf"


def minutes_pdf_path(meeting: Meeting) -> str:
    """The minutes of a meeting on paper, beside its agenda pack."""
    return f"{meeting.folder}/{meeting.id}-minutes.pdf"


def private_minutes_path(meeting: Meeting) -> str:
    """The minutes of a meeting's exempt items, beside its private pack (internal build only)."""
    return f"{meeting.folder}/{meeting.id}-minutes-private.pdf"


def decisions_path(board_id: str, ending: str = "html") -> str:
    """A board's decisions log (also as csv and json)."""
    return f"decisions/{board_id}.{ending}"


def declarations_path(board_id: str) -> str:
    return f"declarations/{board_id}.html"


def section_path(section: str) -> str:
    return f"{section}/index.html"


def group_path(group_id: str) -> str:
    """A group's action plan."""
    return f"actions/{group_id}.html"


def action_plan_pdf_path() -> str:
    """The whole action plan on paper."""
    return "actions/action-plan.pdf"


def group_actions_pdf_path(group_id: str) -> str:
    """A group's action plan on paper, offered beside its page. In a folder of its
    own: a group id is the author's, and beside the whole plan and the boards'
    folder an id such as 'action-plan' or 'boards' would take another PDF's name."""
    return f"actions/groups/{group_id}.pdf"


def board_actions_pdf_path(board_id: str) -> str:
    """The actions agreed at a board's sessions and in its papers, on paper."""
    return f"actions/boards/{board_id}.pdf"


def review_path(group_id: str) -> str:
    return f"reviews/{group_id}.html"


def objective_path(objective: str) -> str:
    return f"objectives/{objective}.html"
