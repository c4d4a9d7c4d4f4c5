"""Serving the built site: the web server configuration a build writes.

Inside the output, where the servers read them: `.htaccess` (Apache), `web.config`
(IIS) and, when the site's `url` is the root of its host, `robots.txt`. Beside the
output, in a `server/` folder that is never itself served: a site file for nginx
(`server/nginx/<output>.conf`) and one for Apache (`server/apache/<output>.conf`).

Every file comes from a template under `templates/server/`, which a project may
override like any other; what goes into them is declared once here: the headers
(the one Content-Security-Policy from `csp`, plus what only a server can send),
the types, what may be cached for long, and who may read an internal build
(site.yaml's `access`). An internal build without `access` gets configuration
that refuses every request: it is never served to anyone by default.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import jinja2

from builder.render import csp, templates
from builder.model.errors import ContentError, Problem
from builder.model.project import Project
from builder.model.partnership import Access, Site
from builder.project.redirects import redirects as moved

SERVER_FOLDER = "server"

# Files whose names carry a hash of their content (Pagefind's index): a new
# version is a new name, so browsers may keep them for a year without asking.
HASHED = r"\.pf_(fragment|index|meta|filter)$"
YEAR = 31536000
# The page policy keeps a PDF from showing in Chromium's viewer, which draws it
# inside a page of its own; a PDF runs no script of the site, so it is sent only
# what keeps it out of other sites' frames.
PDF_POLICY = csp.SERVER_ONLY

# Every kind of file a build publishes, by ending; anything else is sent as
# application/octet-stream, which with nosniff a browser only downloads.
TYPES = (
    ("html", "text/html"), ("css", "text/css"), ("js", "text/javascript"), ("json", "application/json"),
    ("xml", "application/xml"), ("txt", "text/plain"), ("csv", "text/csv"), ("ics", "text/calendar"),
    ("svg", "image/svg+xml"), ("png", "image/png"), ("jpg", "image/jpeg"), ("jpeg", "image/jpeg"),
    ("gif", "image/gif"), ("webp", "image/webp"), ("bmp", "image/bmp"), ("ico", "image/x-icon"),
    ("pdf", "application/pdf"), ("ttf", "font/ttf"), ("otf", "font/otf"), ("woff", "font/woff"),
    ("woff2", "font/woff2"), ("wasm", "application/wasm"),
    # Pagefind's index: compressed data that its script reads, never shown as text.
    ("pagefind", "application/octet-stream"), ("pf_meta", "application/octet-stream"),
    ("pf_fragment", "application/octet-stream"), ("pf_index", "application/octet-stream"),
    ("pf_filter", "application/octet-stream"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("odt", "application/vnd.oasis.opendocument.text"), ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
)
TEXT_TYPES = ("text/html", "text/css", "text/javascript", "application/json", "application/xml", "text/plain",
              "text/csv", "text/calendar", "image/svg+xml")

# Where the output is, when its own path cannot be written into a configuration file safely.
PLACEHOLDER_ROOT = "/srv/briefing/output"
_SAFE_PATH = re.compile(r"[A-Za-z0-9 ._+@~/:,=-]+", re.ASCII)
_SAFE_PREFIX = re.compile(r"/(?:[A-Za-z0-9._~-]+/)*", re.ASCII)
_UNQUOTABLE = re.compile(r"[\"\\$%{}\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Hosting:
    """What the server configuration of one build says: everything its templates show."""

    profile: str
    access: Access | None  # None: an internal build refuses every request; a public one needs none
    root: str  # the output folder, as the server should find it
    host: str  # the site's host name from `url`, or "" (any)
    prefix: str  # the site's path on its host: "/" or "/safety/"
    url: str
    https: bool  # the site is served over https (its url says so, or basic authentication needs it)
    https_port: int
    http_port: int
    certificate: str
    certificate_key: str
    realm: str
    headers: tuple[tuple[str, str], ...]  # sent with every response
    pdf_headers: tuple[tuple[str, str], ...]  # sent instead with a PDF
    cache_revalidate: str
    cache_long: str
    hashed: str
    types: tuple[tuple[str, str], ...]
    text_types: tuple[str, ...]
    csp_page: str = csp.header_value()
    csp_pdf: str = PDF_POLICY
    # A renamed item's old address -> its page, both relative to the output. Only a
    # public build's server answers them itself: a server redirects before it asks
    # who the reader is, and an internal item's new address is not for everyone.
    redirects: tuple[tuple[str, str], ...] = ()

    @property
    def internal(self) -> bool:
        return self.profile != "public"

    @property
    def closed(self) -> bool:
        """An internal build with no `access` in site.yaml: every request is refused."""
        return self.internal and self.access is None


def hosting(site: Site, output_dir: Path, profile: str,
            redirects: tuple[tuple[str, str], ...] = ()) -> tuple[Hosting, list[Problem]]:
    """What the configuration of this build says, and a warning when the output's
    own path could not be written into it."""
    internal = profile != "public"
    access = site.access if internal else None
    parts = urllib.parse.urlsplit(site.url) if site.url else None
    host = parts.hostname or "" if parts else ""
    url_https = bool(parts and parts.scheme == "https")
    # A single-sign-on proxy ends https itself and reaches the server over its own network.
    proxied = access is not None and access.method == "proxy-header"
    https = not proxied and (url_https or (access is not None and access.method == "basic"))
    port = parts.port if parts else None
    problems = []
    root = Path(os.path.abspath(output_dir)).as_posix()
    if not _SAFE_PATH.fullmatch(root):
        problems.append(Problem(f"{SERVER_FOLDER}/", 0, f"the output folder's path ({root!r}) holds a character "
                                "that cannot be written safely into server configuration, so its files say "
                                f"{PLACEHOLDER_ROOT}: change that line, or build into a folder whose path has only "
                                "letters, digits, spaces and . _ - /", is_warning=True))
        root = PLACEHOLDER_ROOT
    prefix = parts.path if parts and parts.path else "/"
    if not _SAFE_PREFIX.fullmatch(prefix):
        problems.append(Problem(f"{SERVER_FOLDER}/", 0, f"the path of site.yaml's url ({prefix!r}) holds a "
                                "character that cannot be written safely into server configuration, so its files "
                                "serve the site at the root of its host: change its location there, or use only "
                                "letters, digits and - . _ ~ / in the url's path", is_warning=True))
        prefix = "/"
    common = [("Content-Security-Policy", csp.header_value()), ("X-Content-Type-Options", "nosniff"),
              ("Referrer-Policy", "no-referrer" if internal else "strict-origin-when-cross-origin")]
    if internal:
        common.append(("X-Robots-Tag", "noindex, nofollow"))
    if url_https:
        common.append(("Strict-Transport-Security", f"max-age={YEAR}"))
    pdf_headers = [(name, PDF_POLICY if name == "Content-Security-Policy" else value) for name, value in common]
    pdf_headers.append(("Content-Disposition", "inline"))
    scope = "private" if internal else "public"
    certificate_name = host or "briefing"
    hosting_ = Hosting(
        profile=profile, access=access, root=root, host=host, prefix=prefix, url=site.url,
        https=https, https_port=port if url_https and port else 443, http_port=port if not https and port else 80,
        certificate=f"/etc/ssl/certs/{certificate_name}.pem",
        certificate_key=f"/etc/ssl/private/{certificate_name}.key",
        realm=(access.realm if access and access.realm else _realm_from(site.title)),
        headers=tuple(common), pdf_headers=tuple(pdf_headers),
        cache_revalidate=f"{scope}, no-cache", cache_long=f"{scope}, max-age={YEAR}, immutable",
        hashed=HASHED, types=TYPES, text_types=TEXT_TYPES, redirects=() if internal else redirects,
    )
    return hosting_, problems


def _realm_from(title: str) -> str:
    kept = re.sub(r"[^A-Za-z0-9 .,:()'&/-]+", " ", title, flags=re.ASCII)
    return " ".join(kept.split())[:100] or "Internal site"


def quoted(value: object) -> str:
    """A value in double quotes for nginx or Apache; a value no quoting makes safe
    (a quote, backslash, `$`, `%`, brace or control character) stops the build."""
    text = str(value)
    if _UNQUOTABLE.search(text):
        raise ValueError(f"{text!r} cannot be written safely into server configuration")
    return f'"{text}"'


def robots(site: Site, profile: str) -> str | None:
    """robots.txt, only when the site is the root of its host: nowhere else is it read."""
    if not site.url or urllib.parse.urlsplit(site.url).path not in ("", "/"):
        return None
    if profile != "public":
        return "# An internal site: no search engine may index it.\nUser-agent: *\nDisallow: /\n"
    return f"User-agent: *\nDisallow:\n\nSitemap: {site.url}sitemap.xml\n"


def _environment(content_dir: Path) -> jinja2.Environment:
    env = templates.environment(content_dir)
    env.filters["quoted"] = quoted
    env.filters["network_address"] = lambda network: str(ipaddress.ip_network(network).network_address)
    env.filters["netmask"] = lambda network: str(ipaddress.ip_network(network).netmask)
    return env


def render(content_dir: Path, site: Site, output_dir: Path, profile: str,
           redirects: tuple[tuple[str, str], ...] = ()) -> tuple[dict[str, str], list[Problem]]:
    """Every file of the configuration by where it goes, relative to the output's
    parent folder (`output/.htaccess`, `server/nginx/output.conf`); a template
    that fails stops the build, naming its file and line."""
    setting, problems = hosting(site, output_dir, profile, redirects)
    name = output_dir.name
    # The folder's name, for the comments that say how to install the files.
    shown_name = name if _SAFE_PATH.fullmatch(name) else "OUTPUT"
    env = _environment(content_dir)
    wanted = {f"{name}/.htaccess": "server/htaccess", f"{name}/web.config": "server/web.config",
              f"{SERVER_FOLDER}/nginx/{name}.conf": "server/nginx.conf",
              f"{SERVER_FOLDER}/apache/{name}.conf": "server/apache.conf"}
    files = {}
    for target, template in wanted.items():
        try:
            files[target] = env.get_template(template).render(h=setting, output_name=shown_name,
                                                              server_folder=SERVER_FOLDER)
        except Exception as exc:
            problem = templates.template_problem(exc, template)
            if problem is None:
                problem = Problem(f"templates/{template}", 0, f"template error: {exc}")
            raise ContentError([problem]) from None
    robots_txt = robots(site, profile)
    if robots_txt is not None:
        files[f"{name}/robots.txt"] = robots_txt
    return files, problems


def _write(path: Path, text: str) -> None:
    """Whole or not at all: a server never reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def _keep(old: Path, new: Path, text: str) -> bool:
    """Take the previous build's file when it says the same, as the build does
    with every unchanged output, so that an unchanged file is not written again
    (unless its mode is not the one the umask gives now)."""
    try:
        if old.read_bytes() != text.encode("utf-8") or (old.stat().st_mode & 0o777) != 0o666 & ~_umask():
            return False
        os.link(old, new)
    except OSError:
        return False
    return True


def write_output_files(project: Project, output_dir: Path, profile: str, content_dir: Path, staging: Path
                       ) -> tuple[dict[str, str], list[Problem]]:
    """The files a server reads inside the output (`.htaccess`, `web.config`,
    `robots.txt`), into the build's staging folder before it is swapped in, so the
    output is never served for a moment without them. Returns the site files that
    go beside the output (`server/nginx/<output>.conf`, `server/apache/...`) by their
    path from the output's parent, for the swap to put in place with the output,
    and the configuration's warnings."""
    files, problems = render(content_dir, project.site, output_dir, profile, tuple(moved(project)))
    prefix = f"{output_dir.name}/"
    for target, text in files.items():
        if target.startswith(prefix):
            name = target[len(prefix):]
            if not _keep(output_dir / name, staging / name, text):
                _write(staging / name, text)
    return {target: text for target, text in files.items() if target.startswith(f"{SERVER_FOLDER}/")}, problems
