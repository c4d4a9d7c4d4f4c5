"""A build prints only what the user needs: without HarfBuzz's subsetting library
(a fresh machine where only `make build` has run), fontTools subsets the fonts
and warns of every font's timestamp; the build says once what to install instead."""

from __future__ import annotations

import logging

import pytest

from builder.render import pdf
from conftest import build

# Three short PDFs (the notes, the whole action plan and the board's): enough to
# show the advice is given once, not once a PDF, and quick with the slow subsetting.
SMALL = {"site.yaml": "title: Test site\norganisation: Test Partnership\nclassification: OFFICIAL\n"
                      "boards:\n  main-board: {name: Main Board}\n",
         "spotlights/one.md": "---\ntitle: One spotlight\ndate: 2015-06-10\nboard: main-board\n---\nNotes.\n"}

pytestmark = [pytest.mark.pdf, pytest.mark.without_search]


def test_without_harfbuzz_subsetting_the_build_says_once_what_to_install_and_nothing_more(
        make_project, tmp_path, monkeypatch, caplog):
    weasyprint_fonts = pytest.importorskip("weasyprint.pdf.fonts")
    # As on a machine without the library: WeasyPrint subsets with fontTools.
    monkeypatch.setattr(weasyprint_fonts, "harfbuzz_subset", None)
    monkeypatch.setattr(pdf, "fast_font_subsetting", lambda: False)
    caplog.set_level(logging.DEBUG)
    result = build(make_project(SMALL), tmp_path / "output", pdf=True)
    assert len(list((tmp_path / "output").rglob("*.pdf"))) > 1
    assert result.err.count(pdf.SUBSETTING_ADVICE) == 1
    assert "timestamp" not in result.err
    noise = [record.getMessage() for record in caplog.records
             if record.name.startswith("fontTools") and record.levelno >= logging.WARNING]
    assert noise == []


def test_with_harfbuzz_subsetting_there_is_nothing_to_say(make_project, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "fast_font_subsetting", lambda: True)
    result = build(make_project(SMALL), tmp_path / "output", pdf=True)
    assert "subset" not in result.err


def test_the_library_is_found_where_weasyprint_finds_it():
    weasyprint_ffi = pytest.importorskip("weasyprint.text.ffi")
    assert pdf.fast_font_subsetting() == (weasyprint_ffi.harfbuzz_subset is not None)
