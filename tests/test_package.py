"""The installed package carries its templates, fonts and static files: a wheel
built from the repository works from any folder, outside the repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_a_wheel_works_outside_the_repository(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(wheels), str(REPO)], check=True, capture_output=True)
    (wheel,) = wheels.glob("briefing-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("builder/templates/base.html", "builder/templates/pdf/paper.css",
                   "builder/templates/scaffold/report.md", "builder/templates/static/fonts/Lato-Regular.ttf",
                   "builder/templates/static/fonts/OFL.txt"):
        assert needed in names, needed

    installed = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(installed)
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(REPO / "content", elsewhere / "content")
    environment = {**os.environ, "PYTHONPATH": str(installed)}
    result = subprocess.run([sys.executable, "-m", "builder", "build", "--today", "2016-01-15", "--jobs", "1"],
                            cwd=elsewhere, env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (elsewhere / "output/index.html").exists()
    assert (elsewhere / "output/reports/soc-strategy-refresh.pdf").exists()
    probe = subprocess.run([sys.executable, "-c", "import builder; print(builder.__file__)"], cwd=elsewhere,
                           env=environment, capture_output=True, text=True)
    assert probe.stdout.startswith(str(installed)), "the build ran from the wheel, not the repository"


def test_a_project_template_overrides_the_built_in_one(tmp_path):
    from builder.cli import main

    shutil.copytree(REPO / "content", tmp_path / "content")
    (tmp_path / "templates/static").mkdir(parents=True)
    base = (REPO / "templates/base.html").read_text()
    (tmp_path / "templates/base.html").write_text(base.replace("</footer>", "<p>Local footer</p></footer>"))
    (tmp_path / "templates/static/style.css").write_text("body { color: black; }\n")
    assert main(["build", "--content", str(tmp_path / "content"), "--output", str(tmp_path / "output"),
                 "--no-pdf", "--quiet"]) == 0
    assert "Local footer" in (tmp_path / "output/threats/cyber-crime.html").read_text()
    assert (tmp_path / "output/static/style.css").read_text() == "body { color: black; }\n"
    assert (tmp_path / "output/static/tokens.css").exists(), "files not overridden still come from the package"
