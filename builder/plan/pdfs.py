"""Which PDFs a build makes, and what each shows: board papers (their text, charts
and appendices as printed), agenda packs (open, private and supplementary, the
papers bound in by agenda item), spotlight notes, action plans and minutes, as
jobs for the writer (`render.pdf`), from the selected project's views: the PDFs
of each kind that the table marks `pdf`, by `ITEM_PDFS`, then the action plans."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from builder.markdown import directives, rendering
from builder.model.content import AgendaItem, Item, Meeting, Report, Spotlight, Supplement, highest_marking
from builder.model.minutes import Minutes
from builder.model.paths import pdf_path, private_pack_path, supplement_path
from builder.plan import action_pdfs, charts, minutes_pdfs
from builder.plan.minutes_views import MinutesView, MinutesViews, minutes_sources
from builder.plan.views import AppendixLink, Download, Views
from builder.project.kinds import KINDS

PDF_VARIANT = "pdf/ua-1"


@dataclass(frozen=True)
class PdfJob:
    """One PDF: where it goes, which template, its inputs, and the file it comes from."""

    path: str
    template: str
    title: str
    source: str
    inputs: dict = field(hash=False)
    sources: tuple[str, ...] = ()  # every content file it is made from, for its audit trail
    beside: str = ""  # the page it is offered beside, where that is not its source's


@dataclass(frozen=True)
class PrintedBody:
    """An item's Markdown as it is printed, rendered only when a template shows it,
    so that planning (and fingerprinting) a PDF costs no Markdown work."""

    item: Item
    numbered: bool
    prefix: str  # for ids, unique within the PDF
    facts: tuple = ()  # the facts its charts may show
    demoted: bool = False  # set under a heading of its own: headings one level down

    def chart(self, directive, index: int) -> str:
        return charts.chart_figure({f.id: f for f in self.facts}, directive, f"{self.prefix}chart-{index + 1}",
                                   for_print=True)

    @property
    def shows(self) -> tuple:
        """The facts its charts draw: the recorder marks the part that prints the
        body at least as high as each of them."""
        charted = {fact_id for directive in directives.find(self.item.body) for fact_id in directive.ids}
        return tuple(fact for fact in self.facts if fact.id in charted)

    def __html__(self) -> str:
        def url_for(content_path: str, fragment: str, is_image: bool) -> str | None:
            # Images are read from the content folder (the base URL); a link to a
            # page or file of the site would point into the builder's disk, so on
            # paper it becomes plain text.
            return content_path if is_image else None

        html = rendering.render(self.item.body, source_path=self.item.path, url_for=url_for, numbered=self.numbered,
                               chart=self.chart)
        html = _prefix_ids(html, self.prefix)
        if self.demoted:
            html = re.sub(r"<(/?)h([1-5])\b", lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", html)
        return html


@dataclass(frozen=True)
class PrintedAppendix:
    """An appendix as a paper prints it: the row the site shows too, and, for an
    item, its text bound in under the anchor."""

    link: AppendixLink
    anchor: str
    body: PrintedBody | None

    @property
    def number(self) -> int:
        return self.link.number

    @property
    def title(self) -> str:
        return self.link.title

    @property
    def item(self) -> Item | None:
        return self.link.item


@dataclass(frozen=True)
class PaperView:
    """A report prepared for print: its numbered body and appendices, ids made unique
    within the document it is bound into."""

    report: Report
    anchor: str
    board: str
    agenda_number: int | None
    body: PrintedBody
    appendices: tuple[PrintedAppendix, ...]
    marking: str

    @property
    def sources(self) -> tuple[str, ...]:
        """The content files it prints."""
        return (self.report.path,) + tuple(a.item.path if a.item else a.link.path for a in self.appendices)


@dataclass(frozen=True)
class PackEntry:
    """An agenda line of a pack, with the paper bound in for it, if any."""

    number: int
    item: AgendaItem
    report: Report | None
    paper: PaperView | None
    moved: int | None = None  # the supplementary agenda its paper is in, instead of this pack
    minutes: MinutesView | None = None  # the earlier minutes an item `{minutes: id}` puts for approval

    @property
    def anchor(self) -> str | None:
        """Where what is bound in for the item starts (and, with "-end", ends)."""
        return self.paper.anchor if self.paper else f"item-{self.number}" if self.minutes else None


def _prefix_ids(html: str, prefix: str) -> str:
    """Anchors must be unique across the papers of a pack, or every internal link
    (footnotes, headings) lands on the first paper's anchor."""
    html = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', html)
    return re.sub(r'\bhref="#([^"]+)"', lambda m: f'href="#{prefix}{m.group(1)}"', html)


def paper_view(shown: Views, report: Report, anchor: str) -> PaperView:
    project = shown.project
    _, number = project.agenda_numbers.get(report.key, (None, None))
    appendices = tuple(
        PrintedAppendix(link, f"{anchor}-appendix-{link.number}",
                        link.item and PrintedBody(link.item, False, f"{anchor}-appendix-{link.number}-",
                                                  project.facts, demoted=True))
        for link in shown.appendices(report))
    return PaperView(
        report=report,
        anchor=anchor,
        board=project.site.board(report.to).name,
        agenda_number=number,
        body=PrintedBody(report, True, f"{anchor}-", project.facts),
        appendices=appendices,
        marking=highest_marking([report.classification] + [a.link.marking for a in appendices]),
    )


def _binds(report: Report, private: bool) -> bool:
    """The open pack binds the open papers; the private pack the exempt papers, and
    whole the open papers that have an exempt appendix."""
    if private:
        return report.is_exempt or any(a.exempt for a in report.appendices)
    return not report.is_exempt


def _pack_job(shown: Views, meeting: Meeting, path: str, private: bool,
              supplement: Supplement | None = None) -> PdfJob | None:
    """The open pack holds the open papers and, for each exempt one, only the "not
    published here" line; the private pack holds the exempt papers and shows every
    other item as open, with its pages in the open pack. A supplementary pack holds
    only its own items; the items of every supplementary pack have their papers there."""
    project = shown.project
    view = shown if private else shown.open_pack
    moved = {number: s.number for s in meeting.supplementary for number in s.items}
    entries, papers = [], []
    minutes = MinutesViews(view.project)
    for entry in project.agenda(meeting, open_pack=not private):
        if supplement is not None and entry.number not in supplement.items:
            continue
        # The private pack binds every exempt paper: a supplementary pack is an open one.
        paper, elsewhere = None, None if supplement or private else moved.get(entry.number)
        if entry.report is not None and _binds(entry.report, private) and elsewhere is None:
            paper = paper_view(view, entry.report, f"item-{entry.number}")
            papers.append(paper)
        minuted = project.by_key.get(f"{Meeting.folder}/{entry.item.minutes}") if entry.item.minutes else None
        bound = minutes.of(minuted) if minuted is not None else None
        if bound and private:  # the minutes of the exempt items, which members confirm too
            bound = minutes_pdfs.private_view(bound)
        if bound and bound.confirmed and bound.confirmed.meeting.key == meeting.key:
            bound = replace(bound, confirmed=None)  # as they were put to this meeting: unconfirmed
        entries.append(PackEntry(entry.number, entry.item, entry.report, paper, elsewhere, bound))
    if private and not papers and not any(entry.minutes for entry in entries):
        return None
    title = f"{meeting.title}: {'private ' if private else ''}agenda pack"
    if supplement is not None:
        title = f"{meeting.title}: supplementary agenda {supplement.number}"
    since = None if private or supplement else view.since(meeting)
    listed = [e.report for e in entries if e.report and (e.paper or not private)]
    bound = [e.minutes for e in entries if e.minutes]
    marking = highest_marking([meeting.classification] + [r.classification for r in listed]
                              + [m.minutes.classification for m in bound])
    sources = (meeting.path,) + tuple(path for p in papers for path in p.sources)
    sources += tuple(path for m in bound for path in minutes_sources(m))
    inputs = {"meeting": meeting, "board": project.site.board(meeting.board).name, "entries": entries,
              "papers": papers, "private": private, "cover_marking": marking, "supplement": supplement, "since": since,
              "since_marking": since and highest_marking([marking, since.marking])}
    sources += tuple(i.path for i in since.changed_items) if since else ()
    if private:
        # The private pack gives the open papers' pages in the open pack, worked out
        # by laying that pack out; its inputs are part of this pack's inputs.
        open_pack = inputs["open_pack"] = _pack_job(shown, meeting, pdf_path(meeting), private=False)
        sources += open_pack.sources
    return PdfJob(path, "pdf/pack.html", title, meeting.path, inputs, _with_settings(sources))


def _with_settings(paths: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(paths + ("site.yaml", "facts.yaml")))


def _papers(shown: Views) -> list[PdfJob]:
    jobs = []
    for report in shown.project.reports:
        paper = paper_view(shown, report, "paper")
        jobs.append(PdfJob(pdf_path(report), "pdf/paper.html", report.title, report.path, {"paper": paper},
                           _with_settings(paper.sources)))
    return jobs


def _spotlight_notes(shown: Views) -> list[PdfJob]:
    project, jobs = shown.project, []
    for spotlight in project.spotlights:
        jobs.append(PdfJob(pdf_path(spotlight), "pdf/spotlight.html", spotlight.title, spotlight.path, {
            "item": spotlight,
            "board": project.site.board(spotlight.board).name if spotlight.board else "",
            "threats": [project.threat(t) for t in spotlight.threats],
            "body": PrintedBody(spotlight, False, "notes-", project.facts),
            # The record of a session: its actions as they stood that day, whenever it is built.
            "as_at": spotlight.date,
            "chart": action_pdfs.status_chart(shown.actions_of(spotlight), spotlight.date, "Actions by status",
                                             "actions-chart"),
            "actions": action_pdfs.rows_as_at(shown.actions_of(spotlight), spotlight.date),
        }, _with_settings((spotlight.path,))))
    return jobs


def _packs(shown: Views) -> list[PdfJob]:
    """Each meeting's agenda pack, its supplementary packs and, in the internal build, its private pack."""
    project, jobs = shown.project, []
    for meeting in project.meetings:
        jobs.append(_pack_job(shown, meeting, pdf_path(meeting), private=False))
        jobs.extend(_pack_job(shown, meeting, supplement_path(meeting, s.number), False, s)
                    for s in meeting.supplementary)
        if project.profile == "internal":
            private_pack = _pack_job(shown, meeting, private_pack_path(meeting), private=True)
            if private_pack is not None:
                jobs.append(private_pack)
    return jobs


# The PDFs of each kind's items; the kind table's test checks that every kind marked `pdf` has them.
ITEM_PDFS: dict[type[Item], Callable[[Views], list[PdfJob]]] = {
    Spotlight: _spotlight_notes, Report: _papers, Meeting: _packs,
    Minutes: lambda shown: minutes_pdfs.minutes_jobs(shown, PdfJob, _with_settings),
}


def plan_pdfs(shown: Views) -> list[PdfJob]:
    """Every PDF of the build: those of each kind's items, then the action plans."""
    jobs = [job for kind in KINDS if kind.pdf for job in ITEM_PDFS[kind.model](shown)]
    return jobs + action_pdfs.action_plan_jobs(shown, PdfJob)


def pdf_links(jobs: list[PdfJob]) -> dict[str, list[Download]]:
    """For each content file: the PDFs made from it, to offer beside its page."""
    labels = {"pdf/paper.html": "Download this paper", "pdf/spotlight.html": "Download these notes",
              "pdf/pack.html": "Agenda pack", "pdf/minutes.html": "Download these minutes"}
    links: dict[str, list[Download]] = {}
    for job in jobs:
        label = labels.get(job.template, job.title)
        if job.inputs.get("private"):
            label = "Private minutes (exempt items)" if job.template == "pdf/minutes.html" else \
                "Private agenda pack (exempt papers)"
        if job.inputs.get("supplement"):
            label = f"Supplementary agenda {job.inputs['supplement'].number}"
        links.setdefault(job.beside or job.source, []).append(Download(label, job.path))
    return links
