"""Renamed items keep their addresses (issue 23): aliases become redirect pages."""

from __future__ import annotations

import re

import pytest

import test_hosting as h
from conftest import build, cli
# The web servers of the hosting tests, with their fixtures (a folder they may read, a certificate).
from test_hosting import certificate, root  # noqa: F401

THREAT = "---\ntitle: {title}\nclassification: {marking}\naliases:\n  - {alias}\n---\nText.\n"


@pytest.mark.parametrize("profile", ["internal", "public"])
def test_alias_becomes_a_redirect_page(copy_site, tmp_path, profile):
    content = copy_site("minimal", {
        "threats/renamed-threat.md": THREAT.format(title="Renamed threat", marking="OFFICIAL", alias="old-threat"),
        "threats/secret-threat.md": THREAT.format(title="Secret threat", marking="OFFICIAL-SENSITIVE",
                                                  alias="old-secret"),
    })
    out = tmp_path / "out"
    build(content, out, "--profile", profile)
    html = (out / "threats/old-threat.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=renamed-threat.html">' in html
    assert re.search(r'<a href="renamed-threat.html">Renamed threat</a>', html)
    assert (out / "threats/renamed-threat.html").is_file()
    # The redirect is no second copy of the item for search.
    assert "old-threat" not in (out / "content.json").read_text()
    secret = out / "threats/old-secret.html"
    if profile == "public":
        assert not secret.exists()
        assert not any("old-secret" in path.read_text(errors="replace") for path in out.rglob("*") if path.is_file())
    else:
        assert "OFFICIAL-SENSITIVE" in secret.read_text()


def test_alias_that_is_another_items_id_is_an_error_at_its_line(copy_site, tmp_path):
    content = copy_site("minimal", {
        "threats/renamed-threat.md": THREAT.format(title="Renamed", marking="OFFICIAL", alias="alpha-threat"),
    })
    out = tmp_path / "out"
    result = build(content, out, expect=1)
    assert ("threats/renamed-threat.md:5: the alias 'alpha-threat' is the id of threats/alpha-threat.md"
            in result.out + result.err)
    assert not out.exists()


def test_alias_two_items_claim_is_an_error(copy_site):
    content = copy_site("minimal", {
        "threats/one-threat.md": THREAT.format(title="One", marking="OFFICIAL", alias="old-name"),
        "threats/two-threat.md": "---\ntitle: Two\naliases:\n  - two-old\n  - old-name\n---\nText.\n",
        "pages/bad.md": "---\ntitle: Bad\naliases: [Old_Name, bad]\n---\nText.\n",
    })
    result = cli("check", "--content", content)
    text = result.out + result.err
    assert result.code == 1
    assert "threats/two-threat.md:5: the alias 'old-name' is also an alias of threats/one-threat.md" in text
    assert "pages/bad.md:3: the alias 'Old_Name' is not an id" in text
    assert "pages/bad.md:3: the alias 'bad' is the item's own id" in text


# Real redirects from the generated server configuration (public builds only) ------------

@pytest.fixture(scope="module")
def renamed(root):  # noqa: F811
    """The minimal site, public, with a threat renamed from old-threat, served from a folder a server may read."""
    content = h._project(root, "renamed", "url: https://www.example.org/\n")
    (content / "threats/renamed-threat.md").write_text(
        THREAT.format(title="Renamed", marking="OFFICIAL", alias="old-threat"), encoding="utf-8")
    build(content, root / "renamed" / "output", "--profile", "public")
    return h.Built(content, h._readable(root / "renamed") / "output")


@pytest.mark.parametrize("server", ["nginx", "apache"])
def test_server_configuration_redirects_old_addresses(renamed, certificate, tmp_path, server):  # noqa: F811
    ports = h._ports()
    site_file = renamed.site_file(server)
    assert "old-threat.html" in site_file
    running = (h.nginx(tmp_path / server, site_file, ports, certificate) if server == "nginx" else
               h.apache(tmp_path / server, h.localise_apache(site_file, ports, certificate), ports))
    with running:
        moved = h.fetch(ports.https_url, "/threats/old-threat.html")
        assert moved.status == 301 and moved.header("Location").endswith("/threats/renamed-threat.html")
        assert h.fetch(ports.https_url, "/threats/renamed-threat.html").status == 200


def test_internal_configuration_leaves_redirects_to_the_pages(copy_site, tmp_path):
    content = copy_site("minimal", {
        "threats/renamed-threat.md": THREAT.format(title="Renamed", marking="OFFICIAL", alias="old-threat")})
    build(content, tmp_path / "out")
    assert "old-threat" not in (tmp_path / "server/nginx/out.conf").read_text()
    assert "old-threat" not in (tmp_path / "out/.htaccess").read_text()
    assert (tmp_path / "out/threats/old-threat.html").is_file()
    public = tmp_path / "public"
    build(content, public, "--profile", "public")
    assert "old-threat" in (public / ".htaccess").read_text() and "old-threat" in (public / "web.config").read_text()


# Old addresses a redirect can miss ------------------------------------------------------
# From an adversarial review: a renamed paper's PDF, a site under a path, aliases
# that cannot be addresses, and the aliases of a withheld paper.

REPORT = """---
title: Renamed report
to: main-board
on: 2015-09-02
report_by: Director of Tests
aliases: [old-report]
---
## Summary

Text.
"""
SITE = ("title: Test site\norganisation: Test Partnership\nclassification: OFFICIAL\nurl: https://example.org/safety/\n"
        "boards:\n  main-board: {name: Main Board}\ngroups:\n  prevent: {name: Prevent Group, remit: R}\n")


@pytest.mark.pdf
def test_a_renamed_papers_old_pdf_address_still_works(make_project, tmp_path):
    content = make_project({"site.yaml": SITE, "reports/new-report.md": REPORT})
    build(content, tmp_path / "out", "--profile", "public", pdf=True)
    assert (tmp_path / "out/reports/new-report.pdf").exists()
    nginx = (tmp_path / "server/nginx/out.conf").read_text()
    assert (tmp_path / "out/reports/old-report.pdf").exists() or "old-report.pdf" in nginx


def test_the_server_redirects_renamed_pages_under_the_sites_path(make_project, tmp_path):
    content = make_project({"site.yaml": SITE, "reports/new-report.md": REPORT})
    build(content, tmp_path / "out", "--profile", "public")
    apache = (tmp_path / "server/apache/out.conf").read_text()
    assert 'Redirect permanent "/safety/reports/old-report.html" "/safety/reports/new-report.html"' in apache


@pytest.mark.parametrize("aliases, message", [
    ("[index]", "the alias 'index' is not an id"),
    ("['../../evil']", "the alias '../../evil' is not an id"),
    ("['old name']", "the alias 'old name' is not an id"),
    ("[new-report]", "the alias 'new-report' is the item's own id"),
    ("[old-a, old-a]", "the alias 'old-a' is listed twice"),
])
def test_an_alias_that_cannot_be_an_old_address_is_an_error_at_its_line(make_project, aliases, message):
    content = make_project({"reports/new-report.md": REPORT.replace("[old-report]", aliases)})
    run = cli("check", "--content", content, "--today", "2016-01-15")
    assert run.code == 1 and "Traceback" not in run.err
    assert f"reports/new-report.md:6: {message}" in run.err


def test_an_alias_of_a_withheld_paper_leaves_no_redirect_in_a_public_build(make_project, tmp_path):
    content = make_project({"site.yaml": SITE,
                            "reports/new-report.md": REPORT.replace("aliases:", "publish_from: 2099-01-01\naliases:")})
    build(content, tmp_path / "out", "--profile", "public")
    for folder in (tmp_path / "out", tmp_path / "server", tmp_path / "out.release"):
        for path in folder.rglob("*"):
            if path.is_file():
                assert b"old-report" not in path.read_bytes(), path
