"""The installed package carries its templates, fonts and static files: a wheel
built from the repository works from any folder, outside the repository.
(That a project's own templates override the built-in ones is in tests/render/test_site.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest
from conftest import REPO, TODAY, run_process


@pytest.mark.pdf
def test_a_wheel_works_outside_the_repository(copy_site, tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(wheels), str(REPO)], check=True, capture_output=True, timeout=300)
    (wheel,) = wheels.glob("briefing-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("builder/templates/base.html", "builder/templates/pdf/paper.css",
                   "builder/templates/scaffold/report.md", "builder/templates/static/fonts/Lato-Regular.ttf",
                   "builder/templates/static/fonts/OFL.txt"):
        assert needed in names, needed

    installed = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(installed)
    copy_site()  # tmp_path/content, built with the defaults from tmp_path
    environment = {"PYTHONPATH": str(installed)}
    result = run_process("build", "--today", TODAY, "--jobs", "1", cwd=tmp_path, env=environment)
    assert result.code == 0, result.err
    assert (tmp_path / "output/index.html").exists()
    assert (tmp_path / "output/reports/alpha-report.pdf").exists()
    probe = subprocess.run([sys.executable, "-c", "import builder; print(builder.__file__)"], cwd=tmp_path,
                           env={**os.environ, **environment}, capture_output=True, text=True, timeout=60)
    assert probe.stdout.startswith(str(installed)), "the build ran from the wheel, not the repository"
