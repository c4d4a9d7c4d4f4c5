"""Hosting the site (issue 22): the server configuration a build writes, proven
against real servers.

nginx and Apache are started by these tests, each with its own configuration,
pid and log files in a temporary folder, listening on free ports of 127.0.0.1
only, never as a system service, and stopped at the end of each test (every wait
has a hang guard). The site files are used as the build wrote them, but for the
lines a web editor changes anyway: the ports and the certificate. Chromium
searches the internal site through nginx. The IIS web.config is parsed and
compared with stored references (tests/hosting/; BRIEFING_REGENERATE=1 rewrites
them).

.ci/run installs nginx, apache2 and apache2-utils (htpasswd); on a machine
without them these tests are skipped, and in CI they fail instead.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import SITES, TESTS, build, cli, copy_project, write_files

from builder.publish import hosting
from builder.render import csp
from builder.model.partnership import Access
from builder.project.loading import load_project

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
APACHE = shutil.which("apache2") or "/usr/sbin/apache2"
HTPASSWD = shutil.which("htpasswd") or "/usr/bin/htpasswd"
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
APACHE_MODULES = Path("/usr/lib/apache2/modules")
REFERENCES = TESTS / "hosting"
USER, PASSWORD = "reader", "correct horse battery staple"
SEARCH_WORD = "contractors"  # in the minimal site's case study "Alpha case"
HANG_GUARD = 20  # seconds: any server that has not answered by then has failed


def _need(*programs: str) -> None:
    missing = [p for p in programs if not os.access(p, os.X_OK)]
    if missing:
        message = f"not installed: {', '.join(missing)} (.ci/run installs nginx, apache2 and apache2-utils)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


# The projects, built once -----------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Built:
    content: Path
    output: Path

    @property
    def server(self) -> Path:
        return self.output.parent / "server"

    def site_file(self, server: str) -> str:
        return (self.server / server / f"{self.output.name}.conf").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def root():
    """A folder a web server's own user may read (pytest's tmp_path is its owner's
    alone): the builds, the password file and the certificate."""
    folder = Path(tempfile.mkdtemp(prefix="briefing-hosting-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def password_file(root) -> Path:
    _need(HTPASSWD)
    made = subprocess.run([HTPASSWD, "-nbB", USER, PASSWORD], capture_output=True, text=True, timeout=60,
                          check=True)
    path = root / "htpasswd"
    path.write_text(made.stdout, encoding="utf-8")
    path.chmod(0o644)
    return path


@pytest.fixture(scope="module")
def certificate(root) -> tuple[Path, Path]:
    _need(OPENSSL)
    cert, key = root / "cert.pem", root / "key.pem"
    subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-days",
                    "2", "-keyout", str(key), "-out", str(cert)], capture_output=True, timeout=60, check=True)
    return cert, key


def _readable(folder: Path) -> Path:
    """What the README's `chmod -R a+rX` does, so that the servers' own user reads
    the build whatever this machine's umask (the build itself follows the umask)."""
    for path in [folder, *folder.rglob("*")]:
        path.chmod(path.stat().st_mode | (0o555 if path.is_dir() else 0o444))
    return folder


def _project(root: Path, name: str, site_yaml_extra: str) -> Path:
    """The minimal site at root/name/content, with lines added to its site.yaml."""
    content = copy_project("minimal", root / name)
    site_yaml = content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + site_yaml_extra, encoding="utf-8")
    return content


@pytest.fixture(scope="module")
def internal(root, password_file) -> Built:
    """The minimal site, internal, with PDFs: basic authentication, at an https root."""
    content = _project(root, "internal", f"url: https://intranet.example.org/\naccess:\n  method: basic\n"
                                         f"  password_file: {password_file}\n")
    build(content, root / "internal" / "output", pdf=True)
    return Built(content, _readable(root / "internal") / "output")


@pytest.fixture(scope="module")
def public(root) -> Built:
    content = _project(root, "public", "url: https://www.example.org/\naccess: {method: networks, "
                                       "networks: [10.0.0.0/8]}\n")
    build(content, root / "public" / "output", "--profile", "public")
    return Built(content, _readable(root / "public") / "output")


def _variant(built: Built, *, access: Access | None, url: str = "https://intranet.example.org/",
             profile: str = "internal") -> dict[str, str]:
    """The configuration the same build would have with other settings."""
    project, _ = load_project(built.content)
    site = dataclasses.replace(project.site, access=access, url=url)
    files, _ = hosting.render(built.content, site, built.output, profile)
    return files


# Talking to a server -------------------------------------------------------------

@dataclasses.dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str | None:
        values = self.headers.get_all(name) or []
        assert len(values) <= 1, f"{name} sent {len(values)} times: {values}"
        return values[0] if values else None


def fetch(base: str, path: str, *, auth: tuple[str, str] | None = None, headers: dict | None = None) -> Response:
    """One GET, redirects not followed; https without checking the certificate."""
    scheme, _, address = base.partition("://")
    host, port = address.rsplit(":", 1)
    if scheme == "https":
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection = http.client.HTTPSConnection(host, int(port), timeout=HANG_GUARD, context=context)
    else:
        connection = http.client.HTTPConnection(host, int(port), timeout=HANG_GUARD)
    sent = dict(headers or {})
    if auth:
        sent["Authorization"] = "Basic " + base64.b64encode(":".join(auth).encode()).decode()
    try:
        connection.request("GET", path, headers=sent)
        answer = connection.getresponse()
        return Response(answer.status, answer.headers, answer.read())
    finally:
        connection.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_listening(process: subprocess.Popen, ports: list[int], log: Path) -> None:
    deadline = time.monotonic() + HANG_GUARD
    for port in ports:
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server stopped (status {process.returncode}):\n{_tail(log)}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"the server did not listen on {port} within {HANG_GUARD} s:\n{_tail(log)}")
                time.sleep(0.05)


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"


@contextlib.contextmanager
def _running(command: list[str], ports: list[int], log: Path):
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=open(log.with_suffix(".stderr"), "wb"))
    try:
        _wait_until_listening(process, ports, log)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=HANG_GUARD)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=HANG_GUARD)


@dataclasses.dataclass(frozen=True)
class Ports:
    https: int
    http: int

    @property
    def https_url(self) -> str:
        return f"https://127.0.0.1:{self.https}"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http}"


def _ports() -> Ports:
    return Ports(_free_port(), _free_port())


def _serving_user() -> str | None:
    """Servers started as root hand their work to www-data, as on a real server."""
    return "www-data" if os.geteuid() == 0 else None


# nginx ----------------------------------------------------------------------------

def localise_nginx(site_file: str, ports: Ports, certificate: tuple[Path, Path]) -> str:
    """The site file as the build wrote it, but for the lines a web editor sets:
    where it listens (here 127.0.0.1 only, IPv4) and the certificate."""
    text, listens = re.subn(r"listen (\d+)( ssl)?;",
                            lambda m: f"listen 127.0.0.1:{ports.https if m.group(2) else ports.http}{m.group(2) or ''};",
                            site_file)
    assert listens >= 1
    text = re.sub(r"\n *listen \[::\]:\d+( ssl)?;[^\n]*", "", text)
    text, certs = re.subn(r'ssl_certificate( +)"[^"]*"', rf'ssl_certificate\1"{certificate[0]}"', text)
    text, keys = re.subn(r'ssl_certificate_key( +)"[^"]*"', rf'ssl_certificate_key\1"{certificate[1]}"', text)
    assert certs == keys == (1 if " ssl;" in text else 0)
    return text


@contextlib.contextmanager
def nginx(folder: Path, site_file: str, ports: Ports, certificate: tuple[Path, Path]):
    """nginx serving one site file, in folder; its configuration test must pass without a warning."""
    _need(NGINX)
    folder.mkdir(parents=True)
    text = localise_nginx(site_file, ports, certificate)
    (folder / "site.conf").write_text(text, encoding="utf-8")
    user = _serving_user()
    temp_paths = "".join(f"    {kind}_temp_path {folder}/{kind};\n"
                         for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (folder / "nginx.conf").write_text(
        (f"user {user};\n" if user else "")
        + f"worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        + "events { worker_connections 64; }\n"
        + f"http {{\n    access_log {folder}/access.log;\n{temp_paths}    include {folder}/site.conf;\n}}\n",
        encoding="utf-8")
    command = [NGINX, "-p", f"{folder}/", "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log")]
    test = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=HANG_GUARD)
    assert test.returncode == 0, test.stderr
    assert "[warn]" not in test.stderr.replace('the "user" directive makes sense', ""), test.stderr
    listening = [port for port in (ports.https, ports.http) if f"listen 127.0.0.1:{port}" in text]
    with _running([*command, "-g", "daemon off;"], listening, folder / "error.log"):
        yield


# Apache ---------------------------------------------------------------------------

APACHE_MODULE_NAMES = ("mpm_event", "authz_core", "authz_host", "authz_user", "authn_core", "authn_file",
                       "auth_basic", "mime", "headers", "dir", "alias", "ssl", "socache_shmcb", "rewrite",
                       # loaded to show the configuration turns them off: listings, other files for a name
                       "autoindex", "negotiation")


def localise_apache(site_file: str, ports: Ports, certificate: tuple[Path, Path]) -> str:
    text, hosts = re.subn(r"<VirtualHost \*:(\d+)>",
                          lambda m: f"<VirtualHost 127.0.0.1:{ports.https if m.group(1) == '443' else ports.http}>",
                          site_file)
    assert hosts >= 1
    text = re.sub(r'SSLCertificateFile "[^"]*"', f'SSLCertificateFile "{certificate[0]}"', text)
    return re.sub(r'SSLCertificateKeyFile "[^"]*"', f'SSLCertificateKeyFile "{certificate[1]}"', text)


@contextlib.contextmanager
def apache(folder: Path, site_config: str, ports: Ports):
    """Apache with a minimal main configuration of its own and one site; `apache2 -t` must say Syntax OK."""
    _need(APACHE)
    folder.mkdir(parents=True)
    (folder / "site.conf").write_text(site_config, encoding="utf-8")
    user = _serving_user()
    modules = "".join(f"LoadModule {name}_module {APACHE_MODULES}/mod_{name}.so\n" for name in APACHE_MODULE_NAMES)
    (folder / "apache2.conf").write_text(
        f"ServerRoot {folder}\nServerName 127.0.0.1\nDefaultRuntimeDir {folder}\nPidFile {folder}/apache2.pid\n"
        f"ErrorLog {folder}/error.log\nLogLevel warn\nMutex file:{folder} default\n{modules}"
        + (f"User {user}\nGroup {user}\n" if user else "")
        + f"TypesConfig /dev/null\nListen 127.0.0.1:{ports.https}\nListen 127.0.0.1:{ports.http}\n"
        + "<Directory />\n    AllowOverride None\n    Require all denied\n</Directory>\n"
        + f"Include {folder}/site.conf\n", encoding="utf-8")
    command = [APACHE, "-d", str(folder), "-f", str(folder / "apache2.conf")]
    test = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=HANG_GUARD)
    assert test.returncode == 0 and "Syntax OK" in test.stderr + test.stdout, test.stderr
    with _running([*command, "-DFOREGROUND"], [ports.https, ports.http], folder / "error.log"):
        yield


def _htaccess_only_site(built: Built, ports: Ports, certificate: tuple[Path, Path]) -> str:
    """A host whose configuration the web editor cannot change: it serves the
    folder and lets its .htaccess say the rest, as the .htaccess file asks."""
    return (f"<VirtualHost 127.0.0.1:{ports.https}>\n    SSLEngine on\n"
            f'    SSLCertificateFile "{certificate[0]}"\n    SSLCertificateKeyFile "{certificate[1]}"\n'
            f'    DocumentRoot "{built.output}"\n    <Directory "{built.output}">\n'
            "        AllowOverride AuthConfig FileInfo Indexes Limit Options=Indexes,MultiViews\n"
            "    </Directory>\n</VirtualHost>\n"
            f"<VirtualHost 127.0.0.1:{ports.http}>\n    DocumentRoot \"{built.output}\"\n"
            f"    <Directory \"{built.output}\">\n"
            "        AllowOverride AuthConfig FileInfo Indexes Limit Options=Indexes,MultiViews\n"
            "    </Directory>\n</VirtualHost>\n")


# What every server must answer ---------------------------------------------------

PAGE = "/case-studies/alpha-case.html"
PDF = "/reports/alpha-report.pdf"


def _search_files(output: Path) -> dict[str, str]:
    """One search file of each kind, by its path on the site, with the type it must have."""
    found = {}
    for pattern, kind in (("pagefind.js", "text/javascript"), ("pagefind-entry.json", "application/json"),
                          ("*.pf_meta", "application/octet-stream"), ("*.pf_fragment", "application/octet-stream"),
                          ("*.pf_index", "application/octet-stream"), ("wasm.*.pagefind", "application/octet-stream")):
        file = sorted(output.glob(f"pagefind/**/{pattern}"))[0]
        found["/" + file.relative_to(output).as_posix()] = kind
    return found


def _assert_common_headers(answer: Response, *, internal: bool, pdf: bool = False) -> None:
    assert answer.header("X-Content-Type-Options") == "nosniff"
    assert answer.header("Content-Security-Policy") == (hosting.PDF_POLICY if pdf else csp.header_value())
    assert "frame-ancestors 'none'" in answer.header("Content-Security-Policy")
    assert answer.header("Strict-Transport-Security") == "max-age=31536000"
    robots = answer.header("X-Robots-Tag")
    if internal:
        assert robots and "noindex" in robots
        assert answer.header("Referrer-Policy") == "no-referrer"
    else:
        assert robots is None
        assert answer.header("Referrer-Policy") == "strict-origin-when-cross-origin"


def check_internal_site(base: str, output: Path, *, prefix: str = "/") -> None:
    """An internal build behind basic authentication: what nginx and Apache must both answer."""
    auth = (USER, PASSWORD)
    search = _search_files(output)
    # Without credentials, or with wrong ones: 401 for everything, and still never indexed.
    for path in (prefix, prefix + "index.html", prefix + PAGE[1:], prefix + PDF[1:], *(prefix + p[1:] for p in search)):
        refused = fetch(base, path)
        assert refused.status == 401, path
        assert refused.header("WWW-Authenticate").startswith('Basic realm="Minimal test site"')
        assert USER.encode() not in refused.body and b"Alpha" not in refused.body
        _assert_common_headers(refused, internal=True, pdf=path.endswith(".pdf"))
    assert fetch(base, prefix + PAGE[1:], auth=(USER, "wrong")).status == 401
    # With them: pages, PDFs and search files, with their types and headers.
    for path in (prefix, prefix + PAGE[1:]):
        page = fetch(base, path, auth=auth)
        assert page.status == 200, path
        assert page.header("Content-Type") == "text/html; charset=utf-8"
        assert page.header("Cache-Control") == "private, no-cache"
        _assert_common_headers(page, internal=True)
    assert b"Alpha case" in fetch(base, prefix + PAGE[1:], auth=auth).body
    pdf = fetch(base, prefix + PDF[1:], auth=auth)
    assert pdf.status == 200 and pdf.body.startswith(b"%PDF")
    assert pdf.header("Content-Type") == "application/pdf"
    assert pdf.header("Content-Disposition") == "inline"
    _assert_common_headers(pdf, internal=True, pdf=True)
    for path, kind in search.items():
        answer = fetch(base, prefix + path[1:], auth=auth)
        assert answer.status == 200, path
        assert answer.header("Content-Type").split(";")[0] == kind, path
        assert answer.header("Content-Encoding") is None, path
        hashed = re.search(hosting.HASHED, path)
        assert answer.header("Cache-Control") == ("private, max-age=31536000, immutable" if hashed
                                                  else "private, no-cache"), path
        _assert_common_headers(answer, internal=True)
    # Dot-files, the server's own files and folder listings: refused, even to a reader.
    for path in (".htaccess", ".briefing-output", "web.config", "static/", "pagefind/", "assets/"):
        refused = fetch(base, prefix + path, auth=auth)
        assert refused.status in (403, 404), path
        assert b"AuthType" not in refused.body and b"Index of" not in refused.body and b"<a href" not in refused.body
        _assert_common_headers(refused, internal=True)
    # A folder named without its slash is sent to it, on this same server.
    moved = fetch(base, prefix + "threats", auth=auth)
    assert moved.status == 301 and moved.header("Location").endswith(prefix + "threats/")
    assert fetch(base, prefix + "threats/", auth=auth).status == 200


def check_public_site(base: str) -> None:
    for path in ("/", PAGE):
        page = fetch(base, path)
        assert page.status == 200, path
        assert page.header("Cache-Control") == "public, no-cache"
        _assert_common_headers(page, internal=False)
    robots = fetch(base, "/robots.txt")
    assert robots.status == 200 and robots.header("Content-Type").startswith("text/plain")
    assert b"Sitemap: https://www.example.org/sitemap.xml" in robots.body
    assert fetch(base, "/.htaccess").status in (403, 404)
    assert fetch(base, "/static/").status in (403, 404)


def check_plain_http_goes_to_https(ports: Ports) -> None:
    answer = fetch(ports.http_url, PAGE)
    assert answer.status == 301
    assert answer.header("Location").startswith("https://")
    assert answer.header("WWW-Authenticate") is None, "a password is never asked for over plain http"


# The tests: what the build writes --------------------------------------------------

@pytest.mark.pdf
def test_the_build_writes_server_configuration_beside_the_output_and_in_it(internal):
    assert sorted(p.relative_to(internal.server).as_posix() for p in internal.server.rglob("*")) == \
        ["apache", "apache/output.conf", "nginx", "nginx/output.conf"]
    for name in (".htaccess", "web.config", "robots.txt"):
        assert (internal.output / name).is_file(), name
    assert (internal.output / "robots.txt").read_text() == \
        "# An internal site: no search engine may index it.\nUser-agent: *\nDisallow: /\n"
    umask = os.umask(0o022)
    os.umask(umask)
    made = internal.content.parent / "umask-check"
    build(internal.content, made)
    assert made.stat().st_mode & 0o777 == 0o777 & ~umask, "the output is as readable as the umask allows"
    nginx_file = internal.site_file("nginx")
    assert f'root "{internal.output}/";' in nginx_file
    assert "return 301 https://intranet.example.org$request_uri;" in nginx_file


def test_robots_txt_only_at_a_hosts_root(copy_site, tmp_path):
    content = copy_site("minimal", {"site.yaml": (SITES / "minimal/site.yaml").read_text()
                                    + "url: https://www.example.org/safety/\n"})
    build(content, tmp_path / "out")
    assert not (tmp_path / "out/robots.txt").exists()
    assert (tmp_path / "out/.htaccess").is_file()
    (content / "site.yaml").write_text((SITES / "minimal/site.yaml").read_text())
    build(content, tmp_path / "out")
    assert not (tmp_path / "out/robots.txt").exists(), "without a url, it is not known to be a root"


def test_an_internal_build_without_access_refuses_everyone(site_build):
    internal = site_build("minimal")
    assert "\nRequire all denied\n" in (internal / ".htaccess").read_text()
    assert "\n    deny all;\n" in (internal.parent / f"server/nginx/{internal.name}.conf").read_text()
    assert "No access chosen" in (internal / "web.config").read_text()
    # ... and a public build of the same project needs no access.
    public = site_build("minimal", "public")
    assert "Require all granted" in (public / ".htaccess").read_text()
    assert "deny all" not in (public.parent / f"server/nginx/{public.name}.conf").read_text()


def test_a_projects_own_template_replaces_the_built_in_one(copy_site, tmp_path):
    content = copy_site("minimal")
    write_files(tmp_path / "templates/server", {"nginx.conf": "# ours, for {{ h.profile }} in {{ h.root }}\n"})
    build(content, tmp_path / "out")
    assert (tmp_path / "server/nginx/out.conf").read_text() == f"# ours, for internal in {tmp_path / 'out'}\n"


def test_a_broken_server_template_stops_the_build_and_keeps_the_old_output(copy_site, tmp_path):
    content = copy_site("minimal")
    build(content, tmp_path / "out")
    before = (tmp_path / "out/index.html").read_bytes()
    write_files(tmp_path / "templates/server", {"htaccess": "{% if %}\n"})
    (content / "pages/about.md").write_text((content / "pages/about.md").read_text() + "\nMore.\n")
    code, _, err = build(content, tmp_path / "out", expect=1)
    assert "templates/server/htaccess:1: template error" in err
    assert (tmp_path / "out/index.html").read_bytes() == before


def test_an_output_path_unsafe_in_configuration_gets_a_placeholder_and_a_warning(copy_site, tmp_path):
    content = copy_site("minimal")
    code, _, err = build(content, tmp_path / "out$1")
    assert "server/: warning: the output folder's path" in err
    nginx_file = (tmp_path / "server/nginx/out$1.conf").read_text()
    assert f'root "{hosting.PLACEHOLDER_ROOT}/";' in nginx_file
    assert not [line for line in nginx_file.splitlines() if "$1" in line], "not even in a comment"


def test_a_url_path_unsafe_in_configuration_is_served_at_the_root_with_a_warning(copy_site, tmp_path):
    content = copy_site("minimal", {"site.yaml": (SITES / "minimal/site.yaml").read_text()
                                    + "url: https://intranet.example.org/a;deny/\n"})
    code, _, err = build(content, tmp_path / "out")
    assert "server/: warning: the path of site.yaml's url ('/a;deny/')" in err
    assert ";deny" not in (tmp_path / "server/nginx/out.conf").read_text()


def test_a_rebuild_keeps_the_files_in_the_output_that_did_not_change(copy_site, tmp_path):
    content = copy_site("minimal")
    build(content, tmp_path / "out")
    before = {name: (tmp_path / "out" / name).stat().st_ino for name in (".htaccess", "web.config")}
    (content / "pages/about.md").write_text((content / "pages/about.md").read_text() + "\nMore.\n")
    build(content, tmp_path / "out")
    assert {name: (tmp_path / "out" / name).stat().st_ino for name in before} == before
    assert (tmp_path / "server/nginx/out.conf").is_file()


ACCESS_ERRORS = [
    ("access: {method: basik, password_file: /etc/x}", "site.yaml:10: 'method' must be one of: basic, networks, "
                                                       "proxy-header; not 'basik' (did you mean 'basic'?)"),
    ("access:\n  method: basic\n  password_file: /etc/x\n  pasword: y",
     "site.yaml:13: unknown field 'pasword' in access with method basic (did you mean 'password_file'?)"),
    ("access:\n  method: basic\n  networks: [10.0.0.0/8]\n  password_file: /etc/x",
     "site.yaml:12: unknown field 'networks' in access with method basic"),
    ("access:\n  method: basic", "site.yaml:11: 'password_file' is missing"),
    ("access:\n  method: basic\n  password_file: htpasswd", "site.yaml:12: 'password_file' must be the full path"),
    ("access:\n  method: basic\n  password_file: /etc/x\nurl: http://intranet.example.org/",
     "site.yaml:11: method basic sends each reader's password with every request"),
    ("access:\n  method: basic\n  password_file: /etc/x\n  realm: 'a \"b\"'", "site.yaml:13: 'realm' must be"),
    ("access:\n  method: networks\n  networks:\n    - 10.0.0.0/8\n    - 10.1.2.3/16",
     "site.yaml:14: an entry of 'networks' '10.1.2.3/16' is not the start of a network: write 10.1.0.0/16"),
    ("access:\n  method: networks\n  networks: [0.0.0.0/0]", "site.yaml:12: an entry of 'networks' '0.0.0.0/0' "
                                                            "lets every address in"),
    ("access:\n  method: networks\n  networks: [intranet]", "site.yaml:12: an entry of 'networks' must be a network"),
    ("access:\n  method: networks\n  networks: []", "site.yaml:12: 'networks' is empty"),
    ("access:\n  method: proxy-header\n  header: X-Remote-User", "site.yaml:11: 'proxy' is missing"),
    ("access:\n  method: proxy-header\n  proxy: sso.example.org\n  header: X-Remote-User",
     "site.yaml:12: an entry of 'proxy' must be the proxy's IP address"),
    ("access:\n  method: proxy-header\n  proxy: 10.0.0.5\n  header: 'X-User; evil'",
     "site.yaml:13: 'header' must be a header name"),
    ("access:\n  password_file: /etc/x", "site.yaml:10: 'access' needs a 'method'"),
    ("access: basic", "site.yaml:10: 'access' must be a group of fields"),
]


@pytest.mark.parametrize("yaml, message", ACCESS_ERRORS, ids=[m.split(": ", 1)[1][:40] for _, m in ACCESS_ERRORS])
def test_bad_access_settings_are_errors_at_their_line(copy_site, yaml, message):
    content = copy_site("minimal")
    site_yaml = (content / "site.yaml").read_text()
    assert site_yaml.count("\n") == 9, "what is added starts on line 10"
    (content / "site.yaml").write_text(site_yaml + yaml + "\n")
    code, _, err = cli("check", "--content", content)
    assert code == 1
    assert message in err, err


@pytest.mark.parametrize("yaml", [
    "access: {method: basic, password_file: /etc/nginx/briefing.htpasswd, realm: Staff only}",
    "access: {method: networks, networks: [10.0.0.0/8, 192.168.12.7, '2001:db8::/32']}",
    "access: {method: proxy-header, proxy: [10.0.0.5, 10.0.0.6], header: X-Remote-User}",
], ids=["basic", "networks", "proxy-header"])
def test_good_access_settings_pass(copy_site, yaml):
    content = copy_site("minimal", {"site.yaml": (SITES / "minimal/site.yaml").read_text() + yaml + "\n"})
    code, _, err = cli("check", "--content", content)
    assert code == 0, err


# IIS ---------------------------------------------------------------------------------

IIS_VARIANTS = {
    "internal-basic": dict(access=Access("basic", password_file="/etc/x")),
    "internal-networks": dict(access=Access("networks", networks=("10.0.0.0/8", "2001:db8::/32"))),
    "internal-proxy-header": dict(access=Access("proxy-header", proxies=("10.0.0.5",), header="X-Remote-User")),
    "internal-closed": dict(access=None, url="http://intranet.example.org/"),
    "public": dict(access=None, url="https://www.example.org/", profile="public"),
}


@pytest.mark.pdf
@pytest.mark.parametrize("variant", IIS_VARIANTS)
def test_iis_web_config_is_xml_and_matches_its_reference(internal, variant):
    text = _variant(internal, **IIS_VARIANTS[variant])["output/web.config"]
    tree = ET.fromstring(text.encode("utf-8"))
    reference = REFERENCES / f"web.config.{variant}"
    if os.environ.get("BRIEFING_REGENERATE"):
        reference.write_text(text, encoding="utf-8")
    assert ET.canonicalize(text, strip_text=True) == ET.canonicalize(reference.read_text(encoding="utf-8"),
                                                                     strip_text=True)
    web = tree.find("system.webServer")
    assert web.find("directoryBrowse").get("enabled") == "false"
    assert [entry.get("sequence") for entry in web.find("security/requestFiltering/denyUrlSequences")] == ["/."]
    types = {m.get("fileExtension"): m.get("mimeType") for m in web.iter("mimeMap")}
    assert types[".wasm"] == "application/wasm" and types[".pf_fragment"] == "application/octet-stream"
    headers = {h.get("name"): h.get("value") for h in web.find("httpProtocol/customHeaders").iter("add")}
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert ("X-Robots-Tag" in headers) == variant.startswith("internal")
    rewrites = {r.get("name"): r.find("action").get("value") for r in web.iter("rule")
                if r.find("match").get("serverVariable")}
    assert rewrites["Page policy"] == csp.header_value()
    assert rewrites["PDF policy"] == hosting.PDF_POLICY


# nginx ---------------------------------------------------------------------------------

@pytest.mark.pdf
def test_nginx_serves_the_internal_site_only_to_readers_with_a_password(internal, certificate, tmp_path):
    ports = _ports()
    with nginx(tmp_path / "nginx", internal.site_file("nginx"), ports, certificate):
        check_internal_site(ports.https_url, internal.output)
        check_plain_http_goes_to_https(ports)
        robots = fetch(ports.https_url, "/robots.txt", auth=(USER, PASSWORD))
        assert robots.status == 200 and b"Disallow: /\n" in robots.body


@pytest.mark.pdf
def test_nginx_serves_an_internal_site_under_a_path(internal, certificate, tmp_path):
    files = _variant(internal, access=Access("basic", password_file=str(internal.output.parent.parent / "htpasswd")),
                     url="https://intranet.example.org/safety/")
    ports = _ports()
    with nginx(tmp_path / "nginx", files["server/nginx/output.conf"], ports, certificate):
        check_internal_site(ports.https_url, internal.output, prefix="/safety/")
        moved = fetch(ports.https_url, "/safety", auth=(USER, PASSWORD))
        assert moved.status == 301 and moved.header("Location") == "/safety/"
        assert fetch(ports.https_url, "/index.html", auth=(USER, PASSWORD)).status == 404


def test_nginx_serves_the_public_site_to_anyone(public, certificate, tmp_path):
    ports = _ports()
    with nginx(tmp_path / "nginx", public.site_file("nginx"), ports, certificate):
        check_public_site(ports.https_url)


@pytest.mark.pdf
@pytest.mark.parametrize("access, expected", [
    (Access("networks", networks=("127.0.0.0/8",)), 200),
    (Access("networks", networks=("10.0.0.0/8", "192.168.0.0/16")), 403),
    (None, 403),
], ids=["network-allowed", "network-not-allowed", "no-access-chosen"])
def test_nginx_networks_and_no_access(internal, certificate, tmp_path, access, expected):
    files = _variant(internal, access=access, url="http://intranet.example.org/")
    ports = _ports()
    with nginx(tmp_path / "nginx", files["server/nginx/output.conf"], ports, certificate):
        for path in ("/", PAGE, PDF):
            answer = fetch(ports.http_url, path)
            assert answer.status == expected, path
            assert answer.header("X-Robots-Tag") == "noindex, nofollow"


@pytest.mark.pdf
@pytest.mark.parametrize("proxy, header, expected", [
    ("127.0.0.1", {"X-Remote-User": "reader@example.org"}, 200),
    ("127.0.0.1", {}, 403),
    ("10.0.0.5", {"X-Remote-User": "reader@example.org"}, 403),
], ids=["from-the-proxy-signed-in", "from-the-proxy-no-header", "not-from-the-proxy"])
def test_nginx_behind_a_single_sign_on_proxy(internal, certificate, tmp_path, proxy, header, expected):
    files = _variant(internal, access=Access("proxy-header", proxies=(proxy,), header="X-Remote-User"))
    assert "ssl" not in files["server/nginx/output.conf"].split("server {", 1)[1].split("\n", 3)[1]
    ports = _ports()
    with nginx(tmp_path / "nginx", files["server/nginx/output.conf"], ports, certificate):
        for path in ("/", PDF):
            answer = fetch(ports.http_url, path, headers=header)
            assert answer.status == expected, path
            assert answer.header("X-Robots-Tag") == "noindex, nofollow"


@pytest.mark.pdf
def test_search_works_in_chromium_through_nginx(internal, certificate, tmp_path, browser):
    from playwright.sync_api import expect

    ports = _ports()
    with nginx(tmp_path / "nginx", internal.site_file("nginx"), ports, certificate):
        context = browser.new_context(ignore_https_errors=True,
                                      http_credentials={"username": USER, "password": PASSWORD})
        try:
            page = context.new_page()
            refused = []
            page.on("console", lambda message: refused.append(message.text)
                    if "Content Security Policy" in message.text else None)
            page.goto(f"{ports.https_url}/case-studies/index.html")
            page.fill(".pagefind-ui__search-input", SEARCH_WORD)
            first = page.locator(".pagefind-ui__result-link").first
            expect(first).to_have_text("Alpha case", timeout=15000)
            first.click()
            expect(page.locator("h1")).to_have_text("Alpha case")
            assert refused == []
        finally:
            context.close()


# Apache --------------------------------------------------------------------------------

@pytest.mark.pdf
def test_apache_serves_the_internal_site_only_to_readers_with_a_password(internal, certificate, tmp_path):
    ports = _ports()
    with apache(tmp_path / "apache", localise_apache(internal.site_file("apache"), ports, certificate), ports):
        check_internal_site(ports.https_url, internal.output)
        check_plain_http_goes_to_https(ports)


@pytest.mark.pdf
def test_apache_reads_the_htaccess_file_where_the_site_file_cannot_be_used(internal, certificate, tmp_path):
    ports = _ports()
    with apache(tmp_path / "apache", _htaccess_only_site(internal, ports, certificate), ports):
        check_internal_site(ports.https_url, internal.output)
        # Over plain http the .htaccess file refuses everything rather than ask for a password.
        answer = fetch(ports.http_url, PAGE)
        assert answer.status == 403 and answer.header("WWW-Authenticate") is None


@pytest.mark.pdf
def test_apache_serves_an_internal_site_under_a_path(internal, certificate, tmp_path):
    files = _variant(internal, access=Access("basic", password_file=str(internal.output.parent.parent / "htpasswd")),
                     url="https://intranet.example.org/safety/")
    ports = _ports()
    with apache(tmp_path / "apache", localise_apache(files["server/apache/output.conf"], ports, certificate), ports):
        check_internal_site(ports.https_url, internal.output, prefix="/safety/")


def test_apache_serves_the_public_site_to_anyone(public, certificate, tmp_path):
    ports = _ports()
    with apache(tmp_path / "apache", localise_apache(public.site_file("apache"), ports, certificate), ports):
        check_public_site(ports.https_url)


@pytest.mark.pdf
@pytest.mark.parametrize("access, header, expected", [
    (Access("networks", networks=("127.0.0.0/8",)), {}, 200),
    (Access("networks", networks=("10.0.0.0/8",)), {}, 403),
    (Access("proxy-header", proxies=("127.0.0.1",), header="X-Remote-User"), {"X-Remote-User": "r"}, 200),
    (Access("proxy-header", proxies=("127.0.0.1",), header="X-Remote-User"), {}, 403),
    (Access("proxy-header", proxies=("10.0.0.5",), header="X-Remote-User"), {"X-Remote-User": "r"}, 403),
    (None, {}, 403),
], ids=["network-allowed", "network-not-allowed", "proxy-signed-in", "proxy-no-header", "not-from-the-proxy",
        "no-access-chosen"])
def test_apache_networks_proxy_and_no_access(internal, certificate, tmp_path, access, header, expected):
    files = _variant(internal, access=access, url="http://intranet.example.org/")
    ports = _ports()
    site_file = localise_apache(files["server/apache/output.conf"], ports, certificate)
    with apache(tmp_path / "apache", site_file, ports):
        for path in ("/", PDF):
            answer = fetch(ports.http_url, path, headers=header)
            assert answer.status == expected, path
            assert answer.header("X-Robots-Tag") == "noindex, nofollow"
