"""Issue 16: random text, Markdown and YAML (tabs, non-breaking spaces, byte-order
marks, NUL, deep nesting, huge lines) through `check` and `build --no-pdf` of a
tiny project. Every case ends with exit status 0 or 1 and never a traceback.

How many cases run is the hypothesis profile's to say: a few derandomised ones in
`make test`, many in `make test-deep`. Where no shared profile has been loaded,
this module loads a small one of its own. A hang guard stops a case that never
ends; no timing is asserted.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from conftest import TODAY, build, cli, hang_guard, write_project

# The characters and pieces that have broken Markdown and YAML readers.
_AWKWARD = "\t\u00a0\u2007\u202f\ufeff\x00\r\n \u201c\u201d\u2018\u2019\"'`*_[]()<>!#:-|&\\{},>%@=+"
_PIECES = ["<a ", "<img src=", "[", "]", "[[a]", "[a](", "](", "`", "``", "*", "**", "_", "> ", "- ", "1. ",
           "    ", "\t", "\u00a0", "\n\n", "---\n", "```\n", "<!--", "-->", "<script>", "&#", "[^1]", ":", "|a|b|\n",
           "## 3. Heading\n", "3.1 Typed\n", "![i](../assets/x.png)", "[l](../pages/other.md)", "\ufeff", "\x00"]

characters = st.text(alphabet=st.sampled_from(_AWKWARD) | st.characters(codec="utf-8"), max_size=200)
repeated = st.tuples(st.sampled_from(_PIECES), st.integers(1, 3000)).map(lambda pair: pair[0] * pair[1])
nested = st.tuples(st.sampled_from(["[", "> ", "    - ", "*a ", "- ", "{a: ", "[x, "]), st.integers(1, 2000)).map(
    lambda pair: pair[0] * pair[1])
texts = st.lists(st.one_of(characters, repeated, nested, st.sampled_from(_PIECES)), max_size=8).map("".join)
yaml_lines = st.lists(st.one_of(
    st.tuples(st.sampled_from(["title", "summary", "owner", "signs", "time", "draft", "updated", "tïtle"]),
              st.sampled_from([": ", ":", ":\u00a0", ":\t", " : "]), texts).map("".join),
    texts), max_size=5).map("\n".join)


def _run_both(files: dict[str, str | bytes]) -> None:
    with tempfile.TemporaryDirectory(prefix="briefing-fuzz-") as folder:
        root = Path(folder)
        project = write_project(root, files)
        with hang_guard(300):
            checked = cli("check", "--content", project, "--today", TODAY)
            built = build(project, root / "output", expect=None)
        for result in (checked, built):
            assert result.code in (0, 1), result
            assert "Traceback" not in result.err, result.err


@pytest.mark.property
@given(front=yaml_lines, body=texts)
def test_any_markdown_item_is_answered_with_0_or_1(front, body):
    _run_both({"pages/fuzz.md": f"---\ntitle: Fuzz\n{front}\n---\n{body}\n",
               "pages/other.md": "---\ntitle: Other\n---\nText.\n"})


@pytest.mark.property
@given(meeting=yaml_lines, raw=st.binary(max_size=300))
def test_any_yaml_or_bytes_are_answered_with_0_or_1(meeting, raw):
    _run_both({"meetings/2015-09-02-fuzz.yaml": f"board: main-board\ndate: 2015-09-02\n{meeting}\n",
               "pages/raw.md": b"---\ntitle: Raw\n---\n" + raw})
