"""A synthetic but realistic briefing project of N items, the same for the same seed.

    python bench/generate.py OUT_DIR [--n 2000] [--seed 2015]

Writes OUT_DIR/content/ in the style of the example project: site.yaml (three
boards, the Integrity and Prevent groups, the ten implication headings),
facts.yaml, and of the N items about 5% threats, 38% case studies, 20%
spotlight sessions with actions, 30% board papers of 4 to 8 pages, 5% meetings
whose agendas bind those papers, and 2% free pages. Bodies link to one another
with relative links, and every id is a unique slug.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

BOARDS = {
    "safer-stronger-resilient": ("Safer, Stronger and Resilient Communities Thematic Board", "ssr"),
    "community-planning": ("Clydeview Community Planning Partnership Board", "cpp"),
    "community-safety": ("Community Safety Partnership Board", "csp"),
}
GROUPS = ("integrity", "prevent")
IMPLICATIONS = ("Financial", "HR", "Legal", "Property/Assets", "Information Technology",
                "Equality and Human Rights", "Health and Safety", "Procurement", "Risk", "Privacy Impact")
TRENDS = ("rising", "falling", "stable", "uncertain")
OBJECTIVES = ("divert", "deter", "detect", "disrupt")
STATUSES = ("open", "in-progress", "done", "blocked")
FIRST_DAY, LAST_DAY = dt.date(2015, 1, 1), dt.date(2017, 12, 31)

THREAT_TYPES = (
    "Drug supply", "County lines", "Human trafficking", "Labour exploitation", "Child sexual exploitation",
    "Cyber-crime", "Mandate fraud", "Doorstep crime", "Money laundering", "Illegal money lending",
    "Counterfeit goods", "Illicit tobacco", "Waste industry infiltration", "Firearms", "Extortion",
    "Procurement fraud", "Licensing fraud", "Romance fraud", "Vehicle crime", "Serious violence",
)
PLACES = (
    "Clydeview", "the town centre", "Riverside", "Northfield", "Eastbank", "the harbour", "rural areas",
    "the retail park", "Westhill", "Kirkton", "Millbrae", "Glenburn", "Southmuir", "the industrial estate",
    "the night-time economy", "housing estates", "the business park", "short-term lets", "local markets",
    "care homes", "construction sites", "schools", "the railway corridor", "Old Town", "Burnside",
)
CASE_EVENTS = (
    "Signs of labour exploitation", "Attempted mandate fraud", "Cash purchases flagged", "Integrity checks",
    "A licensing visit", "A referral from reception staff", "Unlicensed trading stopped", "Doorstep fraud disrupted",
    "Counterfeit stock seized", "Concerns about a young worker", "A suspicious grant application",
    "Money laundering concerns", "A joint inspection", "A vulnerable tenant protected",
)
PREMISES = (
    "a nail bar", "a car wash", "a hotel", "a takeaway", "a haulage yard", "a tanning salon", "a scrapyard",
    "a private-hire office", "a building firm", "a barber shop", "a tyre shop", "a convenience store",
    "a letting agency", "a waste transfer station",
)
REPORT_TOPICS = THREAT_TYPES + ("Serious organised crime", "Community resilience", "Staff vetting",
                                "Procurement integrity", "Prevent awareness training")
REPORT_KINDS = ("annual update", "action plan progress", "strategy refresh", "performance report",
                "review of arrangements", "proposals for the year ahead")
PAGE_TOPICS = ("How to report a concern", "Guidance for licensing officers", "Information sharing",
               "Training calendar", "Whistleblowing", "Glossary", "Contacts for staff", "Local support services")
PEOPLE = ("Fiona Baird", "Derek Munro", "Karen Rooney", "Stuart Whyte", "Elaine Boyd", "Alan McLeod",
          "Morag Campbell", "Iain Fraser", "Shona Reid", "Graham Stewart", "Ailsa Ross", "Colin Paterson")
ORGANISATIONS = ("Police Scotland", "Clydeview Council Trading Standards", "Scottish Fire and Rescue Service",
                 "Clydeview Health and Social Care Partnership", "Clydeview Council Licensing",
                 "Scottish Environment Protection Agency", "Clydeview Chamber of Commerce", "Crimestoppers")
ROLES = ("Community Safety Manager", "Corporate Procurement Manager", "Licensing Manager",
         "Trading Standards Manager", "Head of Regulatory Services", "Prevent Co-ordinator")
AT_RISK = ("Older residents living alone", "Young people not in education or work", "Small local businesses",
           "Council finance and procurement staff", "Migrant workers", "People in debt", "Tenants in private lets")
SIGNS = ("Unsolicited callers offering roof or driveway work", "A request to change a supplier's bank details",
         "Workers who never seem to leave the premises", "Large payments made in cash",
         "Young people with unexplained money, phones or clothes", "A business that trades at a loss for years",
         "Many people registered at one address", "Staff who will not speak without a manager present",
         "A newly formed company with a very low price")
DIRECTORS = ("Director of Community Resources", "Executive Director of Corporate Services",
             "Head of Legal and Democratic Services", "Chief Social Work Officer")
REPORT_SECTIONS = ("Background", "Main Issues", "Resources", "Prevention", "Community Involvement")

SUBJECTS = ("the partnership", "Police Scotland", "Trading Standards officers", "the Integrity Group",
            "the Prevent Group", "licensing staff", "environmental health officers", "housing officers",
            "the Council's procurement team", "community wardens", "social work colleagues",
            "the Scottish Fire and Rescue Service", "health partners", "the multi-agency tasking group")
VERBS = ("reviewed", "identified", "reported concerns about", "shared information on", "carried out checks on",
         "raised awareness of", "agreed a plan to tackle", "gathered evidence about", "worked with partners on",
         "discussed", "recorded", "continued to monitor")
ACTION_VERBS = ("Review", "Carry out checks on", "Raise awareness of", "Agree a plan to tackle",
                "Share information on", "Report to the Board on", "Train staff to recognise", "Map")
BOARD_VERBS = ("notes the work on", "approves the proposals on", "agrees further action on",
               "asks for a progress report on", "endorses the approach to")
OBJECTS = ("the award of a waste haulage contract", "licence applications from private-hire operators",
           "cash-intensive businesses in the town centre", "doorstep callers targeting older residents",
           "the exploitation of young people in drug supply", "unusual patterns of cash payments",
           "premises linked to an organised crime group", "the vetting of staff in sensitive posts",
           "grant applications from newly formed companies", "property transactions involving the Council",
           "workers who appeared to be controlled by others", "phishing emails sent to Council mailboxes",
           "counterfeit goods sold at local markets", "illegal money lending on housing estates")
TAILS = ("during the last quarter", "under the information-sharing protocol", "before the contract was awarded",
         "with support from neighbouring councils", "following a referral from a member of staff",
         "as part of the annual action plan", "in line with the national strategy",
         "after a complaint from a resident", "at the request of the Board", "over the summer months")
OPENERS = ("", "", "", "As a result, ", "In addition, ", "However, ", "Following this, ", "In practice, ")
CLAIM_OPENERS = ("This shows that", "Experience elsewhere suggests that", "Partners agree that",
                 "The evidence confirms that")
CLAIMS = ("early sharing of information makes disruption more likely", "staff awareness remains the best safeguard",
          "offenders move quickly between council areas", "victims are often reluctant to come forward",
          "routine regulatory visits are a valuable source of intelligence",
          "the cost of prevention is far lower than the cost of harm",
          "legitimate businesses are used to hide the proceeds of crime")


def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def yaml_text(value: str) -> str:
    """A YAML scalar for `value`: bare when YAML reads it back as the same text, else in double quotes."""
    plain = (value[:1].isalpha() and ": " not in value and " #" not in value and not value.endswith(":")
             and value.lower() not in {"yes", "no", "true", "false", "on", "off", "null"})
    return value if plain else json.dumps(value, ensure_ascii=False)


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def flow_list(values) -> str:
    return "[" + ", ".join(values) + "]"


class Prose:
    """Plausible partnership prose from a seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def sentence(self) -> str:
        choice = self.rng.choice
        if self.rng.random() < 0.2:
            return f"{choice(CLAIM_OPENERS)} {choice(CLAIMS)}."
        return upper_first(f"{choice(OPENERS)}{choice(SUBJECTS)} {choice(VERBS)} {choice(OBJECTS)} {choice(TAILS)}.")

    def action(self) -> str:
        return f"{self.rng.choice(ACTION_VERBS)} {self.rng.choice(OBJECTS)} {self.rng.choice(TAILS)}"

    def paragraph(self, low: int = 60, high: int = 110) -> str:
        """About `low` to `high` words (the last sentence may run a little over)."""
        target, sentences, words = self.rng.randint(low, high), [], 0
        while words < target:
            sentences.append(self.sentence())
            words += len(sentences[-1].split())
        return " ".join(sentences)

    def paragraphs(self, low: int, high: int) -> list[str]:
        return [self.paragraph() for _ in range(self.rng.randint(low, high))]

    def bullets(self, low: int, high: int) -> str:
        return "\n".join(f"- {self.sentence()}" for _ in range(self.rng.randint(low, high)))

    def recommendations(self) -> str:
        lines = [f"- {self.rng.choice(BOARD_VERBS)} {self.rng.choice(OBJECTS)};" for _ in range(self.rng.randint(3, 5))]
        lines[-1] = lines[-1][:-1] + "."
        return "It is recommended that the Board:\n\n" + "\n".join(lines)


@dataclass
class Plan:
    """Every item's id and title decided up front, so that any file can refer to any other."""

    threats: list[str] = field(default_factory=list)
    case_studies: list[str] = field(default_factory=list)
    spotlights: list[str] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # folder/id -> title
    exempt: set[str] = field(default_factory=set)  # report ids
    meetings: dict[str, tuple[str, dt.date]] = field(default_factory=dict)  # id -> (board, date)
    agendas: dict[str, list[str]] = field(default_factory=dict)  # meeting id -> report ids
    report_meeting: dict[str, str] = field(default_factory=dict)  # report id -> meeting id

    def name(self, folder: str, titles: list[str]) -> list[str]:
        """Unique slug ids for `titles`, remembered with their titles."""
        ids: list[str] = []
        for title in titles:
            base = item_id = slugify(title)
            number = 2
            while f"{folder}/{item_id}" in self.titles:
                item_id, number = f"{base}-{number}", number + 1
            self.titles[f"{folder}/{item_id}"] = title
            ids.append(item_id)
        return ids

    def link(self, folder: str, item_id: str) -> str:
        return f"[{lower_first(self.titles[f'{folder}/{item_id}'])}](../{folder}/{item_id}.md)"


def item_counts(n: int) -> dict[str, int]:
    counts = {"threats": max(3, n * 5 // 100), "spotlights": n * 20 // 100, "reports": max(2, n * 30 // 100),
              "meetings": max(1, n * 5 // 100), "pages": max(1, n * 2 // 100)}
    counts["case-studies"] = max(1, n - sum(counts.values()))
    return counts


def random_date(rng: random.Random, first: dt.date = FIRST_DAY, last: dt.date = LAST_DAY) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def plan_meetings(rng: random.Random, plan: Plan, count: int) -> None:
    """`count` meetings shared between the boards, each board on weekdays of its own."""
    days = (FIRST_DAY + dt.timedelta(days=offset) for offset in range((LAST_DAY - FIRST_DAY).days + 1))
    weekdays = [day for day in days if day.weekday() < 5]
    boards = list(BOARDS)
    dates = {board: sorted(rng.sample(weekdays, -(-count // len(boards)))) for board in boards}
    for index in range(count):
        board = boards[index % len(boards)]
        day = dates[board][index // len(boards)]
        plan.meetings[f"{day.isoformat()}-{BOARDS[board][1]}"] = (board, day)


def plan_agendas(rng: random.Random, plan: Plan) -> None:
    """Each meeting takes 2 to 6 papers; any left over go to a meeting without a place on its agenda."""
    waiting = plan.reports[:]
    rng.shuffle(waiting)
    for meeting_id in plan.meetings:
        papers = [waiting.pop() for _ in range(min(len(waiting), rng.randint(2, 6)))]
        plan.agendas[meeting_id] = papers
        plan.report_meeting.update(dict.fromkeys(papers, meeting_id))
    meeting_ids = list(plan.meetings)
    plan.report_meeting.update({report_id: rng.choice(meeting_ids) for report_id in waiting})


def make_plan(rng: random.Random, n: int) -> Plan:
    counts = item_counts(n)
    choice = rng.choice
    plan = Plan()
    plan.threats = plan.name("threats", [f"{choice(THREAT_TYPES)} in {choice(PLACES)}"
                                         for _ in range(counts["threats"])])
    plan.case_studies = plan.name("case-studies", [f"{choice(CASE_EVENTS)} at {choice(PREMISES)} in {choice(PLACES)}"
                                                   for _ in range(counts["case-studies"])])
    plan.spotlights = plan.name("spotlights", [f"Spotlight: {choice(THREAT_TYPES).lower()} in {choice(PLACES)}"
                                               for _ in range(counts["spotlights"])])
    plan.reports = plan.name("reports", [f"{choice(REPORT_TOPICS)} in {choice(PLACES)}: {choice(REPORT_KINDS)}"
                                         for _ in range(counts["reports"])])
    plan.pages = plan.name("pages", [f"{choice(PAGE_TOPICS)}: {choice(PLACES)}" for _ in range(counts["pages"])])
    plan.exempt = {report_id for report_id in plan.reports if rng.random() < 0.08}
    plan_meetings(rng, plan, counts["meetings"])
    plan_agendas(rng, plan)
    return plan


def front_matter(lines: list[str], body: str) -> str:
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body.strip() + "\n"


def section(heading: str, blocks: list[str]) -> str:
    return f"## {heading}\n\n" + "\n\n".join(blocks)


def sections(*parts: str) -> str:
    return "\n\n".join(parts)


def ordered_sample(rng: random.Random, choices: tuple[str, ...], low: int, high: int) -> list[str]:
    return sorted(rng.sample(choices, rng.randint(low, high)), key=choices.index)


class ItemWriter:
    """The text of each file of a planned project."""

    def __init__(self, rng: random.Random, plan: Plan, facts: list[str]):
        self.rng = rng
        self.prose = Prose(rng)
        self.plan = plan
        self.facts = facts

    def common(self, folder: str, item_id: str, sensitive: bool = False) -> list[str]:
        lines = [f"title: {yaml_text(self.plan.titles[f'{folder}/{item_id}'])}"]
        if sensitive:
            lines.append("classification: OFFICIAL-SENSITIVE")
        return lines + [f"summary: {yaml_text(self.prose.sentence())}", f"owner: {self.rng.choice(GROUPS)}"]

    def reviewed(self) -> list[str]:
        updated = random_date(self.rng, last=dt.date(2016, 5, 31))
        return [f"updated: {updated.isoformat()}", f"review_by: {(updated + dt.timedelta(days=365)).isoformat()}"]

    def actions(self, count: int) -> list[str]:
        lines = ["actions:"]
        for _ in range(count):
            lines += [f"  - action: {yaml_text(self.prose.action())}", f"    owner: {self.rng.choice(GROUPS)}",
                      f"    due: {random_date(self.rng).isoformat()}", f"    status: {self.rng.choice(STATUSES)}"]
        return lines

    def threat(self, item_id: str) -> str:
        rng, prose, plan = self.rng, self.prose, self.plan
        lines = self.common("threats", item_id) + self.reviewed() + [
            f"trend: {rng.choice(TRENDS)}",
            f"objectives: {flow_list(ordered_sample(rng, OBJECTIVES, 1, 4))}",
            "signs:", *(f"  - {yaml_text(sign)}" for sign in rng.sample(SIGNS, rng.randint(3, 5))),
            "at_risk:", *(f"  - {person}" for person in rng.sample(AT_RISK, rng.randint(2, 4))),
            f"facts: {flow_list(rng.sample(self.facts, rng.randint(1, 2)))}",
        ]
        return front_matter(lines, sections(
            section("What it looks like here", prose.paragraphs(2, 3)),
            section("People at risk", prose.paragraphs(1, 2)),
            section("What staff should do", prose.paragraphs(1, 2) + [
                f"See {plan.link('case-studies', rng.choice(plan.case_studies))} for an example, and "
                f"{plan.link('pages', rng.choice(plan.pages))}."]),
        ))

    def case_study(self, item_id: str) -> str:
        rng, prose, plan = self.rng, self.prose, self.plan
        threats = rng.sample(plan.threats, rng.randint(1, 2))
        day = random_date(rng, last=dt.date(2016, 5, 31))
        lines = self.common("case-studies", item_id, sensitive=rng.random() < 0.1) + [
            f"date: {day.isoformat()}",
            f"updated: {(day + dt.timedelta(days=rng.randint(10, 90))).isoformat()}",
            f"threats: {flow_list(threats)}",
            f"objectives: {flow_list(ordered_sample(rng, OBJECTIVES, 1, 3))}",
            "lessons:", *(f"  - {yaml_text(prose.sentence())}" for _ in range(rng.randint(2, 4))),
        ]
        return front_matter(lines, sections(
            section("What happened", prose.paragraphs(1, 2)),
            section("How it was detected", prose.paragraphs(1, 2)),
            section("The outcome", prose.paragraphs(1, 2)),
            section("Why it matters", [prose.paragraph(),
                                       f"See {plan.link('threats', threats[0])} for the warning signs."]),
        ))

    def spotlight(self, item_id: str) -> str:
        rng, prose, plan = self.rng, self.prose, self.plan
        threats = rng.sample(plan.threats, rng.randint(1, 2))
        lines = self.common("spotlights", item_id) + [
            f"date: {random_date(rng).isoformat()}",
            f"board: {rng.choice(list(BOARDS))}",
            "presenters:", *(f"  - {{name: {rng.choice(PEOPLE)}, organisation: {rng.choice(ORGANISATIONS)}}}"
                             for _ in range(rng.randint(1, 3))),
            f"threats: {flow_list(threats)}",
            *self.actions(rng.randint(2, 5)),
        ]
        return front_matter(lines, sections(
            section("Purpose of the session", prose.paragraphs(1, 2)),
            section("Key points from the presentation", prose.paragraphs(2, 3) + [
                f"The session drew on {plan.link('case-studies', rng.choice(plan.case_studies))} and "
                f"{plan.link('threats', threats[0])}."]),
            section("Discussion", prose.paragraphs(1, 2)),
            section("Next steps", ["The actions below were agreed and will be tracked in the group action plans."]),
        ))

    def resources_table(self) -> str:
        rows = [f"| {organisation} | {self.rng.randint(5, 60)} | {self.rng.randint(1, 40) * 500:,} |"
                for organisation in self.rng.sample(ORGANISATIONS, self.rng.randint(3, 5))]
        return "\n".join(["| Partner | Officer days | Cost (£) |", "| --- | ---: | ---: |", *rows])

    def report_section(self, heading: str, threats: list[str]) -> str:
        """3 to 6 paragraphs, with the table, list, links or chart that suit the heading."""
        rng, plan = self.rng, self.plan
        blocks = self.prose.paragraphs(3, 6)
        if heading == "Background":
            blocks.insert(1, f"The background is set out in {plan.link('threats', threats[0])} and "
                             f"{plan.link('case-studies', rng.choice(plan.case_studies))}.")
            if rng.random() < 0.2:
                blocks.insert(2, f"::: chart facts {' '.join(rng.sample(self.facts, 2))}")
        elif heading == "Resources":
            blocks.insert(1, self.resources_table())
        elif heading == "Main Issues":
            blocks.insert(2, self.prose.bullets(3, 6))
        return section(heading, blocks)

    def report_body(self, threats: list[str]) -> str:
        """5 to 7 sections: 4 to 8 pages of A4."""
        middle = self.rng.sample(REPORT_SECTIONS, self.rng.randint(2, 4))
        return sections(
            section("Summary", self.prose.paragraphs(3, 5)),
            section("Recommendations", [self.prose.recommendations()] + self.prose.paragraphs(2, 4)),
            *(self.report_section(heading, threats) for heading in middle),
            section("Conclusion", self.prose.paragraphs(3, 4)),
        )

    def report(self, item_id: str) -> str:
        rng, prose, plan = self.rng, self.prose, self.plan
        board, day = plan.meetings[plan.report_meeting[item_id]]
        threats = rng.sample(plan.threats, rng.randint(1, 3))
        author = rng.choice(PEOPLE)
        lines = self.common("reports", item_id, sensitive=rng.random() < 0.1) + [
            f"to: {board}", f"on: {day.isoformat()}"]
        if item_id in plan.exempt:
            lines.append(f"exempt: {rng.choice((1, 6, 14))}")
        lines += [
            f"report_by: {rng.choice(DIRECTORS)}",
            "author:", f"  name: {author}", f"  role: {rng.choice(ROLES)}",
            f"  phone: \"0141 496 {rng.randint(100, 999):04d}\"",
            f"  email: {slugify(author).replace('-', '.')}@clydeview.gov.uk",
            "threats:", *(f"  - {threat_id}" for threat_id in threats),
        ]
        if rng.random() < 0.2:
            lines += ["appendices:", f"  - threats/{threats[0]}"]
        if rng.random() < 0.3:
            lines += self.actions(rng.randint(1, 3))
        lines += ["implications:", *(f"  {heading}: {yaml_text(prose.sentence())}"
                                     for heading in ordered_sample(rng, IMPLICATIONS, 2, 5))]
        return front_matter(lines, self.report_body(threats))

    def meeting(self, meeting_id: str) -> str:
        board, day = self.plan.meetings[meeting_id]
        papers = self.plan.agendas[meeting_id]
        private = [paper for paper in papers if paper in self.plan.exempt]
        items = ["  - title: Apologies", "    note: The Clerk will report any apologies received.",
                 "  - title: Declarations of interest",
                 "  - title: Minutes of previous meeting", "    note: For approval as a correct record.",
                 *(f"  - report: {paper}" for paper in papers if paper not in private)]
        if private:
            items += ["  - title: Exclusion of the press and public",
                      "    note: The following items involve the likely disclosure of exempt information.",
                      *(f"  - report: {paper}" for paper in private)]
        items.append("  - title: Any other business")
        return "\n".join([
            f"title: {yaml_text(f'{BOARDS[board][0]}, {day.day} {day:%B %Y}')}",
            f"board: {board}", f"date: {day.isoformat()}",
            f"time: \"{self.rng.choice(('10:00', '14:00', '18:30'))}\"",
            f"venue: Committee Room {self.rng.randint(1, 4)}, Clydeview Council Headquarters",
            "items:", *items,
        ]) + "\n"

    def page(self, item_id: str) -> str:
        prose, plan = self.prose, self.plan
        return front_matter(self.common("pages", item_id) + self.reviewed(), sections(
            section("Who this is for", prose.paragraphs(1, 2) + [prose.bullets(3, 5)]),
            section("What to do", prose.paragraphs(1, 2) + [
                f"For the warning signs, see {plan.link('threats', self.rng.choice(plan.threats))}."]),
        ))


def site_yaml() -> str:
    boards = "\n".join(f"  {board_id}: {{name: \"{name}\"}}" for board_id, (name, _) in BOARDS.items())
    headings = "\n".join(f"  - {heading}" for heading in IMPLICATIONS)
    return f"""title: "Serious Organised Crime: Staff Awareness"
organisation: Clydeview Community Safety Partnership
classification: OFFICIAL
boards:
{boards}
groups:
  integrity:
    name: Integrity Group
    remit: >-
      Protects the Council and its partners from being exploited by organised crime,
      through checks on procurement, licensing, grants and property transactions.
  prevent:
    name: Prevent Group
    remit: >-
      Builds community resilience to organised crime by raising awareness among staff
      and residents and protecting vulnerable people.
contacts:
  - name: Community Safety Team
    role: Partnership co-ordination and the SOC action plans
    phone: "0141 496 0140"
    email: community.safety@clydeview.gov.uk
  - name: Police Scotland
    role: Non-emergency reports
    phone: "101"
implications:
{headings}
"""


def facts_yaml(rng: random.Random, count: int = 20) -> tuple[str, list[str]]:
    """facts.yaml and its fact ids."""
    ids = [f"{slugify(rng.choice(THREAT_TYPES))}-{index + 1}" for index in range(count)]
    entries = [
        f"- id: {fact_id}\n"
        f"  value: \"{rng.randint(5, 95)}%\"\n"
        f"  label: of referrals to the partnership involved {rng.choice(OBJECTS)}.\n"
        f"  source: {rng.choice(('Clydeview CSP tasking data', 'Scottish Government'))}\n"
        f"  year: {rng.choice((2014, 2015, 2016))}\n"
        for fact_id in ids
    ]
    return "".join(entries), ids


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def generate(root: Path, n: int, seed: int = 2015) -> Path:
    """Write `root`/content/ with `n` items; the same seed gives the same files. Returns the content folder."""
    rng = random.Random(seed)
    content = root / "content"
    plan = make_plan(rng, n)
    facts_text, facts = facts_yaml(rng)
    write(content / "site.yaml", site_yaml())
    write(content / "facts.yaml", facts_text)
    writer = ItemWriter(rng, plan, facts)
    kinds = (("threats", plan.threats, writer.threat, ".md"),
             ("case-studies", plan.case_studies, writer.case_study, ".md"),
             ("spotlights", plan.spotlights, writer.spotlight, ".md"),
             ("reports", plan.reports, writer.report, ".md"),
             ("meetings", list(plan.meetings), writer.meeting, ".yaml"),
             ("pages", plan.pages, writer.page, ".md"))
    for folder, ids, text_of, suffix in kinds:
        for item_id in ids:
            write(content / folder / f"{item_id}{suffix}", text_of(item_id))
    return content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the folder to write content/ into")
    parser.add_argument("--n", type=int, default=2000, help="number of items (default 2000)")
    parser.add_argument("--seed", type=int, default=2015, help="random seed (default 2015)")
    args = parser.parse_args()
    print(generate(args.out, args.n, args.seed))


if __name__ == "__main__":
    main()
