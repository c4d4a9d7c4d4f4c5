"""Charts and export files: well-formed, parseable, and within the profile."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree as etree

import pytest

from builder.cli import main

REPO = Path(__file__).resolve().parent.parent
ATOM = "{http://www.w3.org/2005/Atom}"
SVG = "{http://www.w3.org/2000/svg}"


def build(content: Path, output: Path, *extra: str) -> int:
    return main(["build", "--content", str(content), "--output", str(output), "--today", "2016-01-15",
                 "--no-pdf", "--quiet", *extra])


@pytest.fixture(scope="module")
def internal(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("internal") / "output"
    assert build(REPO / "content", output) == 0
    return output


@pytest.fixture(scope="module")
def public(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("public") / "output"
    assert build(REPO / "content", output, "--profile", "public") == 0
    return output


def test_action_plan_csv(internal):
    text = (internal / "actions.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["action", "origin", "origin_title", "owner", "owner_group", "due", "status", "overdue"]
    items = json.loads((internal / "content.json").read_text())["items"]
    assert len(rows) == sum(len(item.get("actions", [])) for item in items) > 0
    for row in rows:
        assert row["status"] in ("open", "in-progress", "done", "blocked")
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["due"])
        overdue = row["status"] != "done" and row["due"] < "2016-01-15"
        assert row["overdue"] == ("yes" if overdue else "no")
    assert any(row["origin"] == "spotlights/wrap-regulatory-services" for row in rows)


def unfold(ics: str) -> list[str]:
    assert ics.endswith("\r\n") and "\n" not in ics.replace("\r\n", "")
    lines = ics.split("\r\n")[:-1]
    for line in lines:
        assert len(line.encode("utf-8")) <= 75, line
    unfolded: list[str] = []
    for line in lines:
        if line.startswith(" "):
            unfolded[-1] += line[1:]
        else:
            unfolded.append(line)
    return unfolded


def test_meetings_icalendar_is_strict_and_stable(internal, tmp_path):
    ics = (internal / "meetings.ics").read_bytes().decode("utf-8")
    lines = unfold(ics)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    for line in lines:
        assert re.match(r"^[A-Z-]+(;[^:]*)?:", line), line
    events = ics.count("BEGIN:VEVENT")
    assert events == ics.count("END:VEVENT") == 1
    fields = dict(line.split(":", 1) for line in lines if ":" in line)
    assert fields["DTSTART"] == "20150902T100000"
    assert fields["DTEND"] == "20150902T120000"
    assert re.fullmatch(r"\d{8}T\d{6}Z", fields["DTSTAMP"])
    assert fields["SUMMARY"].startswith("Safer\\, Stronger and Resilient Communities Thematic Board")
    assert "5. Serious Organised Crime Strategy Refresh" in fields["DESCRIPTION"]
    again = tmp_path / "again"
    assert build(REPO / "content", again) == 0
    assert (again / "meetings.ics").read_bytes() == ics.encode("utf-8"), "UIDs and stamps are stable"


def test_atom_feed_is_valid(internal):
    feed = etree.parse(internal / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 5  # two papers and three spotlight sessions
    ids = set()
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{required}").text
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00:00Z", entry.find(f"{ATOM}updated").text)
        link = entry.find(f"{ATOM}link").get("href")
        assert (internal / link).exists()
        ids.add(entry.find(f"{ATOM}id").text)
    assert len(ids) == len(entries)
    dates = [e.find(f"{ATOM}published").text for e in entries]
    assert dates == sorted(dates, reverse=True)


def test_content_json_and_sitemap(internal, tmp_path):
    data = json.loads((internal / "content.json").read_text())
    kinds = {item["kind"] for item in data["items"]}
    assert kinds == {"threat", "case-study", "spotlight", "report", "meeting", "page"}
    assert {f["id"] for f in data["facts"]} >= {"legitimate-business", "west-of-scotland"}
    assert not (internal / "sitemap.xml").exists(), "a sitemap needs the site's address"

    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    site = content / "site.yaml"
    site.write_text(site.read_text() + "url: https://soc.example.org/awareness\n")
    assert build(content, tmp_path / "output") == 0
    urlset = etree.parse(tmp_path / "output/sitemap.xml").getroot()
    locs = [loc.text for loc in urlset.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://soc.example.org/awareness/index.html" in locs
    assert all(loc.startswith("https://soc.example.org/awareness/") for loc in locs)


def test_exports_of_a_public_build_hold_no_excluded_item(public):
    for name in ("actions.csv", "meetings.ics", "feed.xml", "content.json"):
        text = (public / name).read_bytes().decode("utf-8-sig")
        for excluded in ("waste-contract-integrity", "Procurement Integrity in Waste Contracts",
                         "waste-contract-vetting", "OFFICIAL-SENSITIVE"):
            assert excluded not in text, (name, excluded)


@pytest.mark.parametrize("page", ["index.html", "actions/index.html", "actions/prevent.html", "facts/index.html"])
def test_charts_are_well_formed_svg_with_text_alternatives(internal, page):
    html = (internal / page).read_text()
    svgs = re.findall(r"<svg\b.*?</svg>", html, re.S)
    assert svgs
    for svg in svgs:
        root = etree.fromstring(svg)
        assert root.get("role") == "img"
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert title is not None and title.text and desc is not None and desc.text
        assert set(root.get("aria-labelledby").split()) == {title.get("id"), desc.get("id")}


def test_threat_chart_counts_match_the_threats(internal):
    html = (internal / "index.html").read_text()
    desc = re.search(r'<desc id="trend-chart-desc">(.*?)</desc>', html).group(1)
    assert desc == "Rising: 2; Falling: 2; Stable: 2; Uncertain: 2"


def test_chart_directive_must_name_known_facts(tmp_path, capsys):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    page = content / "pages/about.md"
    page.write_text(page.read_text() + "\n::: chart facts west-of-scotland no-such-fact\n\n::: chart pies x\n")
    assert main(["check", "--content", str(content)]) == 1
    err = capsys.readouterr().err
    lines = page.read_text().split("\n")
    facts_line = lines.index("::: chart facts west-of-scotland no-such-fact") + 1
    assert f"pages/about.md:{facts_line}: the chart names fact 'no-such-fact'" in err
    assert f"pages/about.md:{facts_line + 2}: '::: chart pies' is not a chart this tool draws" in err


def test_accent_colour_that_fails_contrast_is_a_warning_and_logo_must_exist(tmp_path, capsys):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    site = content / "site.yaml"
    text = site.read_text().replace("logo: assets/partnership-logo.svg", "logo: assets/missing.svg")
    site.write_text(text + 'accent: "#7fb2ff"\n')
    accent_line = len(text.split("\n"))
    logo_line = text.split("\n").index("logo: assets/missing.svg") + 1
    assert main(["check", "--content", str(content)]) == 1
    err = capsys.readouterr().err
    assert f"site.yaml:{accent_line}: warning: the accent colour #7fb2ff has a contrast of" in err
    assert f"site.yaml:{logo_line}: 'logo' names assets/missing.svg, which does not exist" in err


def test_accent_colour_is_used_by_the_site(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    (content / "site.yaml").write_text((content / "site.yaml").read_text() + 'accent: "#4b2c6f"\n')
    assert build(content, tmp_path / "output") == 0
    # The colour is a stylesheet the page links (no inline style under the Content-Security-Policy).
    assert "--colour-accent: #4b2c6f" in (tmp_path / "output/static/accent.css").read_text()
    assert 'href="static/accent.css"' in (tmp_path / "output/index.html").read_text()
