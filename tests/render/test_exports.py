"""Charts and export files: well-formed, parseable, and within the profile."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from xml.etree import ElementTree as etree

import pytest
from conftest import SITES, TODAY, all_text, build, cli

ATOM = "{http://www.w3.org/2005/Atom}"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def internal(site_build) -> Path:
    return site_build("partnership", "internal")


@pytest.fixture(scope="module")
def public(site_build) -> Path:
    return site_build("partnership", "public")


def test_action_plan_csv(internal):
    text = (internal / "actions.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["action", "origin", "origin_title", "owner", "owner_group", "due", "status", "overdue",
                            "marking"]
    items = json.loads((internal / "content.json").read_text())["items"]
    assert len(rows) == sum(len(item.get("actions", [])) for item in items) > 0
    for row in rows:
        assert row["status"] in ("open", "in-progress", "done", "blocked")
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["due"])
        overdue = row["status"] != "done" and row["due"] < TODAY
        assert row["overdue"] == ("yes" if overdue else "no"), "a done action is never overdue"
    assert any(row["origin"] == "spotlights/wrap-regulatory-services" for row in rows)
    assert not [row for row in rows if row["origin"] == "reports/draft-budget-paper"], "a draft's actions are left out"


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


def _events(lines: list[str]) -> list[dict[str, str]]:
    events, event = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            event = {}
        elif line == "END:VEVENT":
            events.append(event)
            event = None
        elif event is not None:
            name, value = line.split(":", 1)
            event[name] = value
    return events


def test_meetings_icalendar_is_strict_and_stable(internal, copy_site, tmp_path):
    ics = (internal / "meetings.ics").read_bytes().decode("utf-8")
    lines = unfold(ics)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    for line in lines:
        assert re.match(r"^[A-Z-]+(;[^:]*)?:", line), line
    assert ics.count("BEGIN:VEVENT") == ics.count("END:VEVENT") == 2, "one event a meeting"
    events = {event["DTSTART"]: event for event in _events(lines)}
    first = events["20150902T100000"]
    assert first["DTEND"] == "20150902T120000"
    assert re.fullmatch(r"\d{8}T\d{6}Z", first["DTSTAMP"])
    assert first["SUMMARY"].startswith("Safer\\, Stronger and Resilient Communities Thematic Board")
    assert "5. Serious Organised Crime Strategy Refresh" in first["DESCRIPTION"]
    assert len({event["UID"] for event in events.values()}) == 2
    again = tmp_path / "again"
    build(copy_site("partnership"), again)
    assert (again / "meetings.ics").read_bytes() == ics.encode("utf-8"), "UIDs and stamps are stable"


def test_atom_feed_is_valid(internal):
    feed = etree.parse(internal / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 6  # three papers (the draft is left out) and three spotlight sessions
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


def test_content_json(internal):
    data = json.loads((internal / "content.json").read_text())
    kinds = {item["kind"] for item in data["items"]}
    assert kinds == {"threat", "case-study", "spotlight", "report", "meeting", "page"}
    assert {f["id"] for f in data["facts"]} >= {"legitimate-business", "west-of-scotland"}
    assert not (internal / "sitemap.xml").exists(), "a sitemap needs the site's address"


def test_a_sitemap_is_written_when_the_site_has_an_address(copy_site, tmp_path):
    site = (SITES / "minimal/site.yaml").read_text(encoding="utf-8")
    content = copy_site(overlay={"site.yaml": site + "url: https://soc.example.org/awareness\n"})
    build(content, tmp_path / "output")
    urlset = etree.parse(tmp_path / "output/sitemap.xml").getroot()
    locs = [loc.text for loc in urlset.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://soc.example.org/awareness/index.html" in locs
    assert "https://soc.example.org/awareness/reports/alpha-report.html" in locs
    assert all(loc.startswith("https://soc.example.org/awareness/") for loc in locs)


def test_exports_of_a_public_build_hold_no_excluded_item(public):
    for name in ("actions.csv", "meetings.ics", "feed.xml", "content.json"):
        text = (public / name).read_bytes().decode("utf-8-sig")
        for excluded in ("waste-contract-integrity", "Procurement Integrity in Waste Contracts",
                         "waste-contract-vetting", "licensing-intelligence", "Licensing Intelligence",
                         "draft-budget-paper", "Partnership Budget Proposals", "OFFICIAL-SENSITIVE"):
            assert excluded not in text, (name, excluded)


@pytest.mark.parametrize("page", ["index.html", "actions/index.html", "actions/prevent.html", "facts/index.html"])
def test_charts_are_well_formed_svg_with_text_alternatives(internal, page):
    html = (internal / page).read_text()
    svgs = re.findall(r"<svg\b.*?</svg>", html, re.S)
    assert svgs
    for svg in svgs:
        root = etree.fromstring(svg)
        if root.get("aria-hidden") == "true":  # a bar: its label and number are text beside it (issue 19)
            continue
        assert root.get("role") == "img"
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert title is not None and title.text and desc is not None and desc.text
        assert set(root.get("aria-labelledby").split()) == {title.get("id"), desc.get("id")}


def test_threat_chart_counts_match_the_threats(internal):
    html = (internal / "index.html").read_text()
    chart = re.search(r'<ul class="chart chart--bars" id="trend-chart"[^>]*>(.*?)</ul>', html).group(1)
    rows = [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in re.findall(r"<li\b.*?</li>", chart)]
    assert rows == ["Rising 2", "Falling 2", "Stable 2", "Uncertain 2"]


def test_accent_colour_that_fails_contrast_is_a_warning_and_logo_must_exist(copy_site):
    text = (SITES / "minimal/site.yaml").read_text(encoding="utf-8") + "logo: assets/missing.svg\n"
    content = copy_site(overlay={"site.yaml": text + 'accent: "#7fb2ff"\n'})
    lines = text.split("\n")
    code, _, err = cli("check", "--content", content)
    assert code == 1
    assert f"site.yaml:{len(lines)}: warning: the accent colour #7fb2ff has a contrast of" in err
    assert f"site.yaml:{lines.index('logo: assets/missing.svg') + 1}: 'logo' names assets/missing.svg, " \
           "which does not exist" in err


def test_accent_colour_and_logo_are_used_by_the_site(copy_site, tmp_path):
    site = (SITES / "minimal/site.yaml").read_text(encoding="utf-8")
    content = copy_site(overlay={"site.yaml": site + 'logo: assets/logo.svg\naccent: "#4b2c6f"\n'})
    build(content, tmp_path / "output")
    assert "#4b2c6f" in all_text(tmp_path / "output"), "the accent colour reaches the pages or their stylesheet"
    assert "assets/logo.svg" in (tmp_path / "output/index.html").read_text(encoding="utf-8")
