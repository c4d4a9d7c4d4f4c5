"""The output folder: replaced whole by a successful build, untouched by a failed
one, never a folder the build did not make, never inside the content; `check`
writes nothing and neither command writes into the content folder."""

from __future__ import annotations

from pathlib import Path

from conftest import build_args, checksums, run_process, write_files


def leftovers(output: Path) -> list[str]:
    """Temporary folders of a build, left beside the output folder."""
    return sorted(p.name for p in output.parent.iterdir() if p.name.startswith(f".{output.name}.") and p.suffix == ".tmp")


def test_a_failed_build_leaves_the_output_exactly_as_it_was(copy_site, tmp_path, cli):
    content = copy_site()
    output = tmp_path / "output"
    code, _, err = cli(*build_args(content, output))
    assert code == 0, err
    before = checksums(output)
    assert "index.html" in before and "reports/alpha-report.html" in before

    write_files(content, {
        "threats/alpha-threat.md": "---\ntitle: Alpha threat changed\ntrend: upwards\n---\nNew text.\n",
        "pages/new-page.md": "---\ntitle: A page added\n---\nText.\n",
    })
    code, _, err = cli(*build_args(content, output))
    assert code == 1
    assert "threats/alpha-threat.md:3: 'trend'" in err
    assert checksums(output) == before
    assert leftovers(output) == []


def test_a_failed_real_process_leaves_the_output_as_it_was(copy_site, tmp_path):
    content = copy_site()
    output = tmp_path / "output"
    assert run_process(*build_args(content, output)).code == 0
    before = checksums(output)
    (content / "case-studies/alpha-case.md").write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    result = run_process(*build_args(content, output))
    assert result.code == 1
    assert "case-studies/alpha-case.md:2: YAML syntax error" in result.err
    assert "Traceback" not in result.err
    assert checksums(output) == before
    assert leftovers(output) == []


def test_a_successful_build_replaces_the_output_whole(copy_site, tmp_path, cli):
    content = copy_site()
    output = tmp_path / "output"
    assert cli(*build_args(content, output)).code == 0
    assert (output / "pages/about.html").exists()
    assert (output / ".briefing-output").exists(), "the build marks the folder as its own"

    (content / "pages/about.md").unlink()
    write_files(content, {"pages/contact.md": "---\ntitle: Contact us\n---\nPhone.\n"})
    code, _, err = cli(*build_args(content, output))
    assert code == 0, err
    assert not (output / "pages/about.html").exists(), "a page of a removed item does not linger"
    assert "Contact us" in (output / "pages/contact.html").read_text(encoding="utf-8")
    assert leftovers(output) == []


def test_a_folder_the_build_did_not_make_is_never_replaced(copy_site, tmp_path, cli):
    content = copy_site()
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "minutes.txt").write_text("keep me")
    code, _, err = cli(*build_args(content, precious))
    assert code == 1
    assert "was not made by briefing" in err
    assert sorted(p.name for p in precious.iterdir()) == ["minutes.txt"]
    assert (precious / "minutes.txt").read_text() == "keep me"
    assert leftovers(precious) == []


def test_an_empty_folder_may_be_built_into(copy_site, tmp_path, cli):
    content = copy_site()
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = cli(*build_args(content, empty))
    assert code == 0, err
    assert (empty / "index.html").exists()


def test_an_output_inside_the_content_folder_is_refused(copy_site, tmp_path, cli):
    content = copy_site()
    before = checksums(content)
    for output in (content / "output", content / "assets/site", content, tmp_path):
        code, _, err = cli(*build_args(content, output))
        assert code == 1, output
        assert "must be outside the content folder" in err
        assert "Traceback" not in err
    assert checksums(content) == before


def test_check_writes_nothing(copy_site, tmp_path, cli):
    content = copy_site()
    before = checksums(tmp_path)
    names = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    code, _, err = cli("check", "--content", content)
    assert code == 0, err
    code, _, err = cli("check", "--content", content, "--profile", "public")
    assert code == 0, err
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == names
    assert checksums(tmp_path) == before


def test_check_in_a_real_process_creates_no_output_folder(copy_site, tmp_path):
    content = copy_site()
    result = run_process("check", "--content", content, cwd=tmp_path)
    assert result.code == 0, result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content"]


def test_a_build_writes_nothing_into_the_content_folder(copy_site, tmp_path, cli):
    content = copy_site()
    before = checksums(content)
    assert cli(*build_args(content, tmp_path / "output")).code == 0
    assert cli(*build_args(content, tmp_path / "public", "--profile", "public")).code == 0
    assert checksums(content) == before


def test_a_project_of_one_page_and_no_other_folders_builds(make_project, tmp_path, cli):
    content = make_project({"pages/only.md": "---\ntitle: The only page\n---\nHello.\n"})
    assert sorted(p.name for p in content.iterdir()) == ["pages", "site.yaml"]
    code, _, err = cli(*build_args(content, tmp_path / "output"))
    assert code == 0, err
    assert "The only page" in (tmp_path / "output/pages/only.html").read_text(encoding="utf-8")
    assert (tmp_path / "output/index.html").is_file()
