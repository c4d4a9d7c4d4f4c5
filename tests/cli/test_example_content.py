"""The example project in content/ gets exactly one test: it checks and builds
without errors. Everything else is asserted on the fixture projects under
tests/sites/, so adding, editing or removing example items never fails the suite."""

from __future__ import annotations

import shutil

import pytest
from conftest import EXAMPLE_CONTENT, build, cli, errors_only


@pytest.mark.pdf
@pytest.mark.slow
def test_the_example_content_checks_and_builds_without_errors(tmp_path):
    """Slow, and left out of `make test` on purpose: what it holds is the example's
    own correctness, not briefing's (`make build` shows it too), and an author's
    edit to the example must never turn `make test` red. The fixture projects'
    builds (tests/sites/) hold every promise of the code; CI runs this in test-deep."""
    content = shutil.copytree(EXAMPLE_CONTENT, tmp_path / "content")  # nothing is written into the repository
    for profile in ("internal", "public"):
        code, _, err = cli("check", "--content", content, "--profile", profile)
        assert code == 0 and errors_only(err) == [], err
    # As `make build` does: today's date, and every PDF (packs, minutes, action plans).
    build(content, tmp_path / "output", today=None, pdf=True)
    assert (tmp_path / "output/index.html").is_file()
