"""A synthetic but realistic content folder of N items, the same for the same seed.

    python bench/generate.py OUT_DIR --n 2000
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

IMPLICATIONS = ["Financial", "HR", "Legal", "Property/Assets", "Information Technology",
                "Equality and Human Rights", "Health and Safety", "Procurement", "Risk", "Privacy Impact"]
TRENDS = ["rising", "falling", "stable", "uncertain"]
OBJECTIVES = ["divert", "deter", "detect", "disrupt"]
STATUSES = ["open", "in-progress", "done", "blocked"]
WORDS = (
    "partnership council police licensing procurement contract vetting officers community residents "
    "vulnerable exploitation fraud trafficking cyber waste doorstep trading standards referral intelligence "
    "disruption prevention awareness training assessment board group action review evidence risk "
    "business premises money laundering supply chain integrity resilience safeguarding victims offenders "
    "network organised crime strategy local national agency information sharing report concern support"
).split()
SECTIONS = ["Summary", "Recommendations", "Background", "Main Issues", "Resources", "Prevention",
            "Community Involvement", "Conclusion"]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(10, 22))]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, low: int = 60, high: int = 120) -> str:
    text, words = [], 0
    while words < rng.randint(low, high):
        sentence = _sentence(rng)
        text.append(sentence)
        words += sentence.count(" ") + 1
    return " ".join(text)


def _date(rng: random.Random, start: dt.date = dt.date(2015, 1, 1), days: int = 900) -> str:
    return (start + dt.timedelta(days=rng.randrange(days))).isoformat()


def _actions(rng: random.Random, count: int) -> str:
    lines = ["actions:"]
    for _ in range(count):
        lines += [f"  - action: {_sentence(rng)}", f"    owner: {rng.choice(['integrity', 'prevent'])}",
                  f"    due: {_date(rng)}", f"    status: {rng.choice(STATUSES)}"]
    return "\n".join(lines)


def _front(fields: list[str], body: str) -> str:
    return "---\n" + "\n".join(fields) + "\n---\n" + body + "\n"


def generate(root: Path, n: int, seed: int = 2015) -> Path:
    """Write content/ under `root` with about `n` items; return its path."""
    rng = random.Random(seed)
    content = root / "content"
    for folder in ("threats", "case-studies", "spotlights", "reports", "meetings", "pages", "assets"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    (content / "site.yaml").write_text(
        "title: Synthetic awareness site\norganisation: Benchmark Partnership\nclassification: OFFICIAL\n"
        "boards:\n  thematic: {name: Thematic Board}\n  planning: {name: Community Planning Board}\n"
        "  safety: {name: Community Safety Board}\n"
        "groups:\n  integrity: {name: Integrity Group, remit: Organisational resilience}\n"
        "  prevent: {name: Prevent Group, remit: Community resilience}\n"
        f"implications: [{', '.join(IMPLICATIONS)}]\n"
    )
    facts = [f"fact-{i}" for i in range(20)]
    (content / "facts.yaml").write_text("".join(
        f"- {{id: {fact}, value: \"{rng.randint(5, 95)}%\", label: {_sentence(rng)[:-1]}, "
        f"source: Synthetic source, year: {rng.choice([2014, 2015, 2016])}}}\n" for fact in facts))

    counts = {"threats": max(4, n * 5 // 100), "case-studies": n * 40 // 100, "spotlights": n * 20 // 100,
              "reports": n * 30 // 100, "meetings": max(1, n * 5 // 100)}
    counts["pages"] = max(1, n - sum(counts.values()))
    threats = [f"threat-{i}" for i in range(counts["threats"])]
    for index, threat in enumerate(threats):
        body = "\n\n".join(f"## {rng.choice(SECTIONS)}\n\n{_paragraph(rng)}" for _ in range(3))
        (content / f"threats/{threat}.md").write_text(_front([
            f"title: Threat number {index}", f"trend: {rng.choice(TRENDS)}",
            f"objectives: [{', '.join(rng.sample(OBJECTIVES, 2))}]", f"signs: [{_sentence(rng)[:-1]}]",
            "owner: prevent", f"facts: [{rng.choice(facts)}]", f"review_by: {_date(rng)}",
        ], body))
    for index in range(counts["case-studies"]):
        body = "\n\n".join(_paragraph(rng) for _ in range(3))
        body += f"\n\nSee [the threat](../threats/{rng.choice(threats)}.md)."
        (content / f"case-studies/case-{index}.md").write_text(_front([
            f"title: Case study {index}", f"date: {_date(rng)}", f"threats: [{rng.choice(threats)}]",
            f"objectives: [{rng.choice(OBJECTIVES)}]", f"lessons: [{_sentence(rng)[:-1]}]",
            "classification: OFFICIAL-SENSITIVE" if index % 10 == 0 else "classification: OFFICIAL",
        ], body))
    for index in range(counts["spotlights"]):
        body = "\n\n".join(f"## {heading}\n\n{_paragraph(rng)}" for heading in ("Purpose", "What was covered"))
        (content / f"spotlights/spotlight-{index}.md").write_text(_front([
            f"title: Spotlight session {index}", f"date: {_date(rng)}", f"board: {rng.choice(['thematic', 'safety'])}",
            "presenters: [{name: A Presenter, organisation: Police Scotland}]", f"threats: [{rng.choice(threats)}]",
            _actions(rng, rng.randint(2, 5)),
        ], body))
    reports = [f"report-{i}" for i in range(counts["reports"])]
    for index, report in enumerate(reports):
        sections = []
        for heading in SECTIONS[:rng.randint(5, 7)]:
            paragraphs = [_paragraph(rng) for _ in range(rng.randint(3, 6))]
            if heading == "Recommendations":
                paragraphs.insert(1, "\n".join(f"- {_sentence(rng)}" for _ in range(3)))
            if heading == "Resources":
                paragraphs.insert(1, "| Partner | Days |\n|---|---|\n| Police | 20 |\n| Council | 35 |")
            sections.append(f"## {heading}\n\n" + "\n\n".join(paragraphs))
        fields = [f"title: Board paper {index}", "to: thematic", f"on: {_date(rng)}", "report_by: Director",
                  "author: {name: An Officer, role: Manager, phone: \"01234 567890\"}",
                  f"threats: [{rng.choice(threats)}]", f"implications: {{Financial: {_sentence(rng)}}}"]
        if index % 10 == 0:
            fields.append("exempt: 1")
        if index % 10 == 5:
            fields.append("classification: OFFICIAL-SENSITIVE")
        if rng.random() < 0.3:
            fields.append(_actions(rng, 2))
        (content / f"reports/{report}.md").write_text(_front(fields, "\n\n".join(sections)))
    for index in range(counts["meetings"]):
        agenda = "\n".join(f"  - report: {r}" for r in rng.sample(reports, min(len(reports), rng.randint(2, 6))))
        (content / f"meetings/meeting-{index}.yaml").write_text(
            f"board: thematic\ndate: {_date(rng)}\ntime: \"10:00\"\nvenue: Committee Room 1\n"
            f"items:\n  - title: Apologies\n{agenda}\n")
    for index in range(counts["pages"]):
        (content / f"pages/page-{index}.md").write_text(_front([f"title: Page {index}"], _paragraph(rng)))
    return content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2015)
    args = parser.parse_args()
    print(generate(args.out, args.n, args.seed))


if __name__ == "__main__":
    main()
