"""Adversarial review: an incremental build after edits to minutes, aliases,
exempt appendices, publish_from, issued packs and their record equals a cold
build of the same content (README: the build cache), in either profile."""

from __future__ import annotations

import shutil

import pytest
from conftest import SITES, build, checksums
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.property
TODAY = "2016-04-01"
CASE = "---\ntitle: Case APPX\nsummary: Summary.\n---\nBody.\n"


def _replace(path: str, old: str, new: str, unless: str | None = None):
    """An edit that does nothing where it cannot apply, or where `unless` is
    already in the file, so any sequence of edits keeps the project valid."""
    def apply(content):
        file = content / path
        text = file.read_text()
        guard = new if unless is None else unless
        if old in text and not (guard and guard in text):
            file.write_text(text.replace(old, new, 1))
    return apply


def _delete(path: str):
    return lambda content: (content / path).unlink(missing_ok=True)


def _restore(path: str):
    return lambda content: shutil.copy(SITES / "minutes" / path, content / path)


EDITS = {
    "alias added": _replace("case-studies/appx.md", "summary:", "aliases: [old-appx]\nsummary:", "aliases:"),
    "alias removed": _replace("case-studies/appx.md", "aliases: [old-appx]\n", ""),
    "appendix bound": _replace("reports/open-paper.md", "report_by:", "appendices:\n  - case-studies/appx\nreport_by:",
                               "appendices:"),
    "appendix made exempt": _replace("reports/open-paper.md", "  - case-studies/appx\n",
                                     "  - {item: case-studies/appx, exempt: 3}\n"),
    "appendix made open": _replace("reports/open-paper.md", "  - {item: case-studies/appx, exempt: 3}\n",
                                   "  - case-studies/appx\n"),
    "appendix re-marked": _replace("case-studies/appx.md", "title:", "classification: OFFICIAL-SENSITIVE\ntitle:",
                                   "classification:"),
    "declaration moved": _replace("minutes/2015-09-02-board.yaml", "    item: 2\n", "    item: 3\n", ""),
    "minutes made draft": _replace("minutes/2015-09-02-board.yaml", "status: unconfirmed", "status: draft"),
    "minutes deleted": _delete("minutes/2015-12-02-board.yaml"),
    "minutes restored": _restore("minutes/2015-12-02-board.yaml"),
    "approval deferred": _replace("minutes/2015-12-02-board.yaml", "outcome: agreed\n", "outcome: deferred\n"),
    "paper withheld": _replace("reports/open-paper.md", "report_by:", "publish_from: 2099-01-01\nreport_by:",
                               "publish_from:"),
    "paper made exempt": _replace("reports/later-paper.md", "on:", "exempt: 3\non:", "exempt:"),
    "pack issued": _replace("meetings/2016-03-02-board.yaml", "venue:", "issued: 2016-02-20\nvenue:", "issued:"),
    "record deleted": _delete("issued.yaml"),
}


def _project(root):
    content = root / "content"
    shutil.copytree(SITES / "minutes", content)
    (content / "case-studies").mkdir()
    (content / "case-studies/appx.md").write_text(CASE)
    return content


# Each example is several builds of the minutes fixture, and the edits are few: in the
# deep tier, 40 examples try most sequences and keep CI well inside its time.
@settings(max_examples=40 if settings.get_current_profile_name() == "deep" else settings().max_examples)
@given(profile=st.sampled_from(["internal", "public"]),
       edits=st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=3))
def test_an_incremental_build_after_edits_equals_a_cold_build(tmp_path_factory, profile, edits):
    root = tmp_path_factory.mktemp("review-incremental")
    content = _project(root)
    warm = root / "warm"
    build(content, warm, "--profile", profile, today=TODAY)
    for name in edits:
        EDITS[name](content)
        # An edit may rightly fail the build (a change to an issued pack): the output then stays as it was.
        last = build(content, warm, "--profile", profile, today=TODAY, expect=None)
    shutil.copytree(content, root / "cold/content")
    cold = build(root / "cold/content", root / "cold/out", "--profile", profile, today=TODAY, expect=None)
    assert (last.code, last.err) == (cold.code, cold.err)
    if cold.code:
        return
    warm_sums, cold_sums = checksums(warm), checksums(root / "cold/out")
    differ = sorted(path for path in warm_sums.keys() | cold_sums.keys() if warm_sums.get(path) != cold_sums.get(path))
    assert not differ
