"""The build cache is private and holds data, not code: nothing planted in it
runs, a cache folder that someone else could have written is ignored with a
warning, and a public build into a web root leaves no sensitive byte under it."""

from __future__ import annotations

import json
import marshal
import os
import pickle
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from builder.incremental import store
from cache_project import SECRET, built, cold_build, draft, marking, small_project
from conftest import build, start_build, write_files
from conftest import checksums as tree


class _Runs:
    """Unpickled, this would write a file: the proof that the cache ran code."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _database(content: Path) -> Path:
    return content.parent / ".briefing" / "cache" / store.DATABASE


def _poison_parsed(content: Path, path: str, text: str) -> None:
    """Make the cache say that the file as it is now reads `text`: what someone who
    could write the cache could do to change a page."""
    database = sqlite3.connect(_database(content))
    with database:
        rows = database.execute("SELECT hash, data FROM parsed WHERE path = ?", (path,)).fetchall()
        assert rows, "the file is in the cache"
        for digest, data in rows:
            front, body, *rest = json.loads(data)
            database.execute("UPDATE parsed SET data = ? WHERE path = ? AND hash = ?",
                             (json.dumps([front, text, *rest]), path, digest))
    database.close()



def test_a_malicious_file_in_the_cache_folder_never_runs(built, tmp_path):
    content, output = built
    marker = tmp_path / "code-ran"
    payload = pickle.dumps(_Runs(marker))
    _database(content).write_bytes(payload)
    for name in ("model.pickle", "parsed.pickle", "cache.json"):  # where older versions kept their cache
        (output.parent / f".{output.name}.{name}").write_bytes(payload)
    compiled = output.parent / f".{output.name}.templates"
    compiled.mkdir()
    code = compile(f"open({str(marker)!r}, 'w').write('ran')", "planted", "exec")
    for name in ("a" * 40, "b" * 40):
        (compiled / name).write_bytes(b"j2" + marshal.dumps(code))
    (content.parent / ".briefing" / "cache" / "planted.pickle").write_bytes(payload)
    about = content / "pages/about.md"
    about.write_text(about.read_text() + "\nEdited, so that the cache is read.\n")
    build(content, output)
    assert not marker.exists(), "nothing read from a cache ran"
    code, cold = cold_build(content, tmp_path / "cold")
    assert code == 0 and tree(output) == tree(cold)


def test_a_record_with_paths_out_of_the_output_is_inert(built, tmp_path):
    content, output = built
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    database = sqlite3.connect(_database(content))
    (slot, data), = database.execute("SELECT slot, data FROM builds").fetchall()
    record = json.loads(data)
    record["state"] = ""
    record["outputs"]["../victim.txt"] = {"made_from": "x", "planned": "x", "reads": []}
    record["files"]["../victim.txt"] = [7, 0, 0, 0, 0o100644]
    with database:
        database.execute("UPDATE builds SET data = ? WHERE slot = ?", (json.dumps(record), slot))
    database.close()
    build(content, output)
    assert victim.read_text() == "keep me"


def test_a_link_planted_as_the_database_is_not_followed(built, tmp_path):
    content, output = built
    elsewhere = tmp_path / "elsewhere.db"
    elsewhere.write_bytes(b"someone else's file")
    database = _database(content)
    database.unlink()
    database.symlink_to(elsewhere)
    build(content, output)
    assert elsewhere.read_bytes() == b"someone else's file"
    assert not database.is_symlink()


def test_the_cache_is_used_only_when_the_folder_is_safe(built):
    content, output = built
    about = content / "pages/about.md"
    # The control: in a folder only the user can write, the cache is trusted.
    _poison_parsed(content, "pages/about.md", "POISONED-FROM-THE-CACHE")
    write_files(content, {"pages/other.md": "---\ntitle: Another\n---\nMakes the build load the content.\n"})
    build(content, output)
    assert "POISONED-FROM-THE-CACHE" in (output / "pages/about.html").read_text()
    # Writable by others: what is in it may have been planted, so it is not used.
    _poison_parsed(content, "pages/about.md", "POISONED-AGAIN")
    os.chmod(content.parent / ".briefing", 0o777)
    (content / "pages/other.md").unlink()
    err = build(content, output).err
    assert "can be written by other users" in err and "without a build cache" in err
    assert "POISONED" not in (output / "pages/about.html").read_text()
    assert "See " in (output / "pages/about.html").read_text() and about.exists()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a folder away")
def test_a_cache_folder_owned_by_someone_else_is_ignored_with_a_warning(built):
    content, output = built
    _poison_parsed(content, "pages/about.md", "POISONED-BY-ANOTHER-USER")
    private = content.parent / ".briefing"
    for path in [private, *private.rglob("*")]:
        os.lchown(path, 65534, 65534)
    write_files(content, {"pages/other.md": "---\ntitle: Another\n---\nMakes the build load the content.\n"})
    err = build(content, output).err
    assert "belongs to another user" in err and "without a build cache" in err
    assert "POISONED" not in (output / "pages/about.html").read_text()


def _every_byte_under(root: Path) -> bytes:
    found = []
    for parent, folders, files in os.walk(root):
        for name in files + folders:
            found.append(name.encode())
        for name in files:
            path = Path(parent) / name
            if not path.is_symlink():
                found.append(path.read_bytes())
    return b"\n".join(found)


@pytest.mark.pdf
def test_a_public_build_into_a_web_root_leaves_no_sensitive_byte_under_it(tmp_path):
    content = small_project(tmp_path / "project")
    write_files(content, {
        "pages/not-ready-zq.md": f"---\ntitle: Draft DRAFT-TITLE-9Z\n{marking(False)}\n{draft(True)}\n---\n"
                              f"Draft text {SECRET}.\n",
        "threats/hidden-zq.md": f"---\ntitle: Hidden HIDDEN-TITLE-4K\nsummary: Sensitive.\n{marking(True)}\n"
                             f"{draft(False)}\n---\nSensitive text {SECRET}.\n",
    })
    web_root = tmp_path / "var-www-html"
    web_root.mkdir()
    output = web_root / "briefing"
    # The internal site and the drafts preview are built too: their caches hold everything.
    build(content, tmp_path / "internal", pdf=True)
    build(content, tmp_path / "drafts", "--drafts")
    build(content, output, "--profile", "public", pdf=True)
    # A public build killed on its way leaves only public bytes, too.
    about = content / "pages/about.md"
    about.write_text(about.read_text() + "\nEdited.\n")
    process = start_build(content, output, "--profile", "public", pdf=True)
    time.sleep(1.0)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    build(content, output, "--profile", "public", pdf=True)
    # Beside the output: only the server configuration the build writes for the web editor,
    # and the release manifest for whoever signs the public release off.
    assert sorted(p.name for p in web_root.iterdir()) == ["briefing", "briefing.release", "server"]
    everything = _every_byte_under(web_root)
    for secret in (SECRET, "DRAFT-TITLE-9Z", "HIDDEN-TITLE-4K", "Case two", "hidden-zq", "not-ready-zq"):
        assert secret.encode() not in everything, secret
    assert b"SQLite format" not in everything and b"\x80\x04\x95" not in everything, "no cache under the web root"
