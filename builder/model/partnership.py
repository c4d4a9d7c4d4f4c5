"""What site.yaml says about the whole project: boards, groups, contacts, how
papers' clear days are counted and who may read the internal site. Checked by
`settings_files`; part of the content model (`Project.site`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Board:
    id: str
    name: str


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    remit: str = ""


@dataclass(frozen=True)
class Contact:
    name: str
    role: str = ""
    phone: str = ""
    email: str = ""
    note: str = ""


ACCESS_METHODS = ("basic", "networks", "proxy-header")


@dataclass(frozen=True)
class Access:
    """Who may read the internal site, as site.yaml's `access` says; the server
    configuration a build writes enforces it (the public profile needs none)."""

    method: str  # one of ACCESS_METHODS
    password_file: str = ""  # basic: the htpasswd file on the server
    realm: str = ""  # basic: the name the browser shows when it asks for a password
    networks: tuple[str, ...] = ()  # networks: addresses allowed, as CIDR networks
    proxies: tuple[str, ...] = ()  # proxy-header: the single-sign-on proxy's addresses
    header: str = ""  # proxy-header: the header the proxy sets once a reader has signed in


@dataclass(frozen=True)
class ClearDays:
    """How papers' "three clear days" are counted: site.yaml `clear_days`. The day
    papers go out and the day of the meeting are never counted."""

    count: int = 3
    weekdays: tuple[int, ...] = (5, 6)  # not counted: Monday is 0
    holidays: tuple[dt.date, ...] = ()  # not counted either


@dataclass(frozen=True)
class Site:
    title: str
    organisation: str
    classification: str
    boards: tuple[Board, ...] = ()
    groups: tuple[Group, ...] = ()
    contacts: tuple[Contact, ...] = ()
    implications: tuple[str, ...] = ()
    url: str = ""  # where the site is published, ending in "/": for the sitemap and feed
    review_months: tuple[tuple[str, int], ...] = ()  # kind -> months from `updated` to review
    logo: str = ""  # an asset path
    accent: str = ""  # a colour, #rrggbb
    access: Access | None = None  # who may read the internal site, once it is served
    clear_days: ClearDays = ClearDays()

    def board(self, board_id: str) -> Board:
        return next(b for b in self.boards if b.id == board_id)

    def group(self, group_id: str) -> Group:
        return next(g for g in self.groups if g.id == group_id)
