"""The example project in content/: it checks clean, builds in both profiles, and
its OFFICIAL-SENSITIVE case study and exempt paper never reach the public build."""

from __future__ import annotations

import pytest
from conftest import EXAMPLE_CONTENT, TODAY, all_text, parse_html, problem_lines

EXCLUDED_FROM_PUBLIC = [
    "waste-contract-vetting",  # the OFFICIAL-SENSITIVE case study's id
    "waste-contract-integrity",  # the exempt paper's id
    "Integrity checks on a waste haulage subcontractor",
    "Procurement Integrity in Waste Contracts",
    "Integrity checks must extend to subcontractors named in a bid",  # a lesson of the case study
    "named subcontractors are subject to the same integrity checks as main bidders",  # an action of the paper
    "Derek Munro",  # the exempt paper's author
]


@pytest.mark.parametrize("profile", ["internal", "public"])
def test_the_example_content_checks_without_errors(cli, profile):
    code, out, err = cli("check", "--content", EXAMPLE_CONTENT, "--profile", profile, "--today", TODAY)
    assert code == 0, err
    assert "no errors" in out
    assert [line for line in problem_lines(err) if ": warning: " not in line] == []


def test_the_example_content_builds_in_both_profiles(example_builds):
    for profile, output in example_builds.items():
        assert (output / "index.html").is_file(), profile
        assert (output / "reports/soc-strategy-refresh.html").is_file(), profile
        assert (output / "static/style.css").is_file(), profile
        assert len(list(output.rglob("*.html"))) > 30, profile


def test_the_public_build_holds_nothing_of_the_excluded_items(example_builds):
    public = all_text(example_builds["public"])
    assert [text for text in EXCLUDED_FROM_PUBLIC if text in public] == []
    assert 'data-marking="OFFICIAL-SENSITIVE"' not in public, "no page shows a sensitive item"
    assert not (example_builds["public"] / "case-studies/waste-contract-vetting.html").exists()
    assert not (example_builds["public"] / "reports/waste-contract-integrity.html").exists()


def test_the_internal_build_holds_them(example_builds):
    internal = all_text(example_builds["internal"])
    assert [text for text in EXCLUDED_FROM_PUBLIC if text not in internal] == []
    assert (example_builds["internal"] / "case-studies/waste-contract-vetting.html").is_file()
    assert (example_builds["internal"] / "reports/waste-contract-integrity.html").is_file()


def test_the_public_threat_keeps_the_text_of_its_link_to_the_sensitive_case(example_builds):
    main = parse_html(example_builds["public"] / "threats/waste-industry-infiltration.html").find("main")
    assert "waste contract vetting case study" in main.text()
    assert "waste contract vetting case study" not in [a.text() for a in main.find_all("a")]


def test_the_example_paper_is_numbered(example_builds):
    body = parse_html(example_builds["internal"] / "reports/soc-strategy-refresh.html").find(cls="paper__body")
    sections = [span.text() for span in body.find_all(cls="section-number")]
    assert sections == [f"{n}." for n in range(1, len(sections) + 1)] and len(sections) == 7
    paragraphs = [span.text() for span in body.find_all(cls="paragraph-number")]
    assert paragraphs[:2] == ["1.1", "1.2"] and "2.1" in paragraphs
    assert not [li for li in body.find_all("li") if li.find_all(cls="paragraph-number")]
