"""`briefing serve`: build a preview, serve it, rebuild on change, reload open pages.

The preview is built into its own folder in the project's private `.briefing/`
folder (`.briefing/preview/`), never into an output folder a build publishes:
it shows drafts. The live-reload script and the error overlay are added to
pages as they are served, never written into the files.

It answers only requests addressed (by their `Host` header) to `localhost`, an
IP address, or a name given with `--allow-host`: a web page the author visits
cannot read the preview through a domain name of its own that it points at
this machine (DNS rebinding), yet `--host 0.0.0.0` still serves a phone that
asks for the computer's IP address.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import html
import http.server
import ipaddress
import json
import os
import re
import socket
import sys
import threading
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from builder.render import csp
from builder.model.errors import ContentError, Problem

LIVE_PREFIX = "/__briefing__/"
WAIT_SECONDS = 20
PREVIEW_FOLDER = "preview"  # inside the project's private folder
_HOST_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")
REFUSED = ("This preview answers only to localhost, an IP address, or a host name given to "
           "'briefing serve' with --allow-host")
# Served as files, never inline: the pages' Content-Security-Policy allows only the
# site's own scripts and stylesheets. The page says which build it shows in the
# script tag's data-version; the script asks the preview, which answers when a
# newer build is published, and then reloads the page.
LIVE_SCRIPT = """(function () {
  var script = document.currentScript;
  var version = parseInt(script && script.dataset.version, 10) || 0;
  function poll() {
    fetch("%swait?v=" + version, {cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(function (data) { if (data.version !== version) { location.reload(); } else { poll(); } })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
""" % LIVE_PREFIX
LIVE_STYLESHEET = """#briefing-errors { position: fixed; inset: 0 0 auto 0; z-index: 1000; max-height: 70vh; overflow: auto;
  background: #ffffff; color: #0b0c0c; border: 6px solid #a0161b; padding: 1rem 1.5rem; font: 16px/1.5 sans-serif; }
#briefing-errors h2 { margin-top: 0; }
"""
_FAILED_PAGE = ('<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
                f'<meta http-equiv="Content-Security-Policy" content="{csp.CONTENT_SECURITY_POLICY}">'
                "<title>Build failed</title></head><body></body></html>")


class Preview:
    """What the watcher tells the web server: a build count and the last build's problems."""

    def __init__(self) -> None:
        self.version = 0
        self.problems: list[Problem] = []
        self._changed = threading.Condition()

    def publish(self, problems: list[Problem]) -> None:
        with self._changed:
            self.version += 1
            self.problems = problems
            self._changed.notify_all()

    def wait(self, since: int, timeout: float) -> int:
        with self._changed:
            self._changed.wait_for(lambda: self.version != since, timeout=timeout)
            return self.version


def _overlay(problems: list[Problem]) -> str:
    errors = [p for p in problems if not p.is_warning]
    if not errors:
        return ""
    items = "".join(f"<li>{html.escape(str(p))}</li>" for p in errors)
    return (
        '<div id="briefing-errors" role="alert">'
        f"<h2>The content has {len(errors)} error{'s' if len(errors) != 1 else ''}</h2>"
        f"<ul>{items}</ul><p>Fix them and save: this page reloads by itself. "
        "Until then it shows the last good build.</p></div>"
    )


def host_name(value: str) -> str:
    """A name for `--allow-host`, lower-cased: a plain DNS name, without port."""
    name = value.strip().lower().rstrip(".")
    if ":" in name and not name.startswith("["):
        raise ValueError(f"'{value}': give the host name without a port (any port is allowed)")
    if not _HOST_NAME.fullmatch(name):
        raise ValueError(f"'{value}' is not a host name (letters, digits, hyphens and dots, such as mybox.local)")
    return name


def host_allowed(host: str | None, allowed: frozenset[str] | set[str] = frozenset()) -> bool:
    """Whether a request's Host header addresses this preview: `localhost`, an IP
    address literal (`192.168.1.5`, `[::1]`), or one of the `allowed` names, each
    with any port or none. A missing or malformed header is not allowed."""
    if not host:
        return False
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        name, port = host[1:end], host[end + 1:]
        if end < 0 or (port and not port.startswith(":")):
            return False
        port = port[1:]
    else:
        name, _, port = host.partition(":")
    if port and not (port.isascii() and port.isdigit()):
        return False
    if host.startswith("["):
        return _is_ip(name, ipaddress.IPv6Address)
    return name == "localhost" or name in allowed or _is_ip(name, ipaddress.IPv4Address)


def _is_ip(name: str, kind: type) -> bool:
    try:
        kind(name)
    except ValueError:
        return False
    return True


def _handler(output_dir: Path, preview: Preview, allowed_hosts: frozenset[str],
             log: Callable[[str], None]) -> type[http.server.SimpleHTTPRequestHandler]:
    refused_hosts: set[str] = set()

    class PreviewHandler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(output_dir), **kwargs)

        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            pass

        def parse_request(self) -> bool:
            # Every method (GET, HEAD, anything else) passes the host check first.
            if not super().parse_request():
                return False
            hosts = self.headers.get_all("Host") or []
            if len(hosts) == 1 and host_allowed(hosts[0], allowed_hosts):
                return True
            shown = ", ".join(repr(h) for h in hosts) or "none"
            if shown not in refused_hosts and len(refused_hosts) < 20:
                refused_hosts.add(shown)
                name = hosts[0].strip().rsplit(":", 1)[0] if len(hosts) == 1 else ""
                hint = (f"; if that is you, add --allow-host {name}"
                        if name and _HOST_NAME.fullmatch(name.lower()) else "")
                log(f"Refused a request addressed to host {shown}{hint}")
            self.send_error(403, "Host not allowed", REFUSED)
            return False

        def list_directory(self, path):
            self.send_error(404, "Not found")

        def do_GET(self):
            url = urlsplit(self.path)
            if url.path == LIVE_PREFIX + "live.js":
                self._send(LIVE_SCRIPT.encode("utf-8"), "text/javascript; charset=utf-8")
                return
            if url.path == LIVE_PREFIX + "live.css":
                self._send(LIVE_STYLESHEET.encode("utf-8"), "text/css; charset=utf-8")
                return
            if url.path == LIVE_PREFIX + "wait":
                value = parse_qs(url.query).get("v", ["0"])[0] or "0"
                try:
                    since = int(value)
                except ValueError:
                    self.send_error(400, "v must be a whole number")
                    return
                self._send(json.dumps({"version": preview.wait(since, WAIT_SECONDS)}).encode(), "application/json")
                return
            file = Path(self.translate_path(url.path))
            if file.is_dir():
                file = file / "index.html"
            if file.suffix == ".html":
                if file.is_file():
                    page = file.read_text(encoding="utf-8")
                elif preview.problems:
                    page = _FAILED_PAGE
                else:
                    self.send_error(404, "Not found")
                    return
                self._send(self._inject(page).encode("utf-8"), "text/html; charset=utf-8")
                return
            super().do_GET()

        def _inject(self, page: str) -> str:
            script = f'<script src="{LIVE_PREFIX}live.js" data-version="{preview.version}"></script>'
            page = page.replace("</body>", script + "</body>", 1)
            page = page.replace("</head>", f'<link rel="stylesheet" href="{LIVE_PREFIX}live.css"></head>', 1)
            overlay = _overlay(preview.problems)
            if overlay:
                start = page.find(">", page.find("<body")) + 1
                page = page[:start] + overlay + page[start:]
            return page

        def _send(self, body: bytes, content_type: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

    return PreviewHandler


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def _bind(host: str, port: int, handler: type) -> _Server:
    """The server, listening: an IPv6 address is served as IPv6."""
    kind = _Server
    if ":" in host:
        kind = type("_Server6", (_Server,), {"address_family": socket.AF_INET6})
    return kind((host.strip("[]"), port), handler)


def _cannot_serve(host: str, port: int, exc: OSError) -> str:
    where = f"{host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return (f"{where}: port {port} is already in use (another preview, or another program, is serving "
                "there); choose another with --port, such as --port 8080")
    if exc.errno == errno.EACCES:
        return f"{where}: not allowed to serve on port {port}; choose a port above 1023 with --port, such as 8080"
    if isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
        return (f"{where}: '{host}' is not an address of this computer; use --host 127.0.0.1 (this computer "
                "only) or --host 0.0.0.0 (other devices too)")
    return f"{where}: cannot serve there ({exc.strerror or exc}); choose another --host or --port"


def serve(content_dir: Path, output_dir: Path, host: str, port: int,
          rebuild: Callable[[bool, bool], list[Problem]], with_pdf: bool, log: Callable[[str], None],
          allowed_hosts: list[str] | tuple[str, ...] = (), open_browser: bool = False) -> int:
    """Serve `output_dir` until Ctrl-C, after checking that the port is free and
    building into it. `rebuild(with_pdf, pdfs_now)` builds (the PDFs that
    changed, too, when `pdfs_now`) and returns the problems it met. Only
    requests addressed to localhost, an IP address or one of `allowed_hosts`
    are answered. `open_browser` opens the preview in the web browser once it
    is first built."""
    import watchfiles

    from builder.render.templates import user_templates_dir

    preview = Preview()
    warnings = WarningsShown()
    # The port is taken first: a busy port is reported before a build is spent.
    try:
        server = _bind(host, port, _handler(output_dir, preview, frozenset(allowed_hosts), log))
    except OSError as exc:
        log(_cannot_serve(host, port, exc))
        return 1

    def build_and_publish() -> None:
        # The pages first, already linking the PDFs, which follow: both builds
        # plan the same pages, so the second renders only PDFs.
        started = time.monotonic()
        problems = rebuild(with_pdf, False)
        preview.publish(problems)
        _report(problems, started, "pages", log, warnings)
        if with_pdf and not any(not p.is_warning for p in problems):
            started = time.monotonic()
            problems = rebuild(True, True)
            preview.publish(problems)
            _report(problems, started, "pages and PDFs", log, warnings)

    stop = threading.Event()
    watched = [str(p) for p in (content_dir, user_templates_dir(content_dir)) if p.is_dir()]

    def watch() -> None:
        # A build under way when Ctrl-C stops the server stops too, without a word.
        with contextlib.suppress(KeyboardInterrupt):
            for _changes in watchfiles.watch(*watched, stop_event=stop, debounce=200, raise_interrupt=False):
                build_and_publish()

    try:
        build_and_publish()
        threading.Thread(target=watch, daemon=True).start()
        log(f"Serving the preview (built in {output_dir}/) at {_address(host, server.server_address[1])} "
            "(Ctrl-C to stop)")
        if open_browser:
            threading.Thread(target=_open, args=(_browser_address(host, server.server_address[1]), log),
                             daemon=True).start()
        server.serve_forever()
    except KeyboardInterrupt:
        log("Stopped.")
    finally:
        stop.set()
        server.server_close()
    return 0


def _address(host: str, port: int) -> str:
    if host in ("0.0.0.0", "::", "[::]", ""):
        return f"http://localhost:{port}/ and this computer's IP addresses"
    return f"http://[{host.strip('[]')}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _browser_address(host: str, port: int) -> str:
    """The address to open on this computer."""
    if host in ("0.0.0.0", "::", "[::]", ""):
        return f"http://localhost:{port}/"
    return _address(host, port)


def _open(url: str, log: Callable[[str], None]) -> None:
    try:
        opened = webbrowser.open(url)
    except Exception:  # noqa: BLE001 - a browser that cannot start must not stop the preview
        opened = False
    if not opened:
        log(f"Could not open a web browser here: open {url} yourself")


class WarningsShown:
    """Warnings are shown once per preview, and again only when they change: a
    build shows the warnings the previous build did not give (a new one, or one
    whose text or line changed), never the same list on every save. Errors are
    shown after every build, until they are fixed."""

    def __init__(self) -> None:
        self.previous: set[str] = set()

    def new(self, problems: list[Problem]) -> tuple[list[Problem], int]:
        """The warnings to show now, and how many of the others were shown before."""
        current = {str(p) for p in problems if p.is_warning}
        fresh = [p for p in problems if p.is_warning and str(p) not in self.previous]
        self.previous = current
        return fresh, len(current) - len({str(p) for p in fresh})


def _report(problems: list[Problem], started: float, what: str, log: Callable[[str], None],
            warnings: WarningsShown | None = None) -> None:
    fresh, repeated = warnings.new(problems) if warnings else ([p for p in problems if p.is_warning], 0)
    for problem in problems:
        if not problem.is_warning or problem in fresh:
            log(str(problem))
    errors = sum(not p.is_warning for p in problems)
    seconds = time.monotonic() - started
    still = ""
    if repeated:
        still = " (1 warning shown before still applies)" if repeated == 1 else \
            f" ({repeated} warnings shown before still apply)"
    if errors:
        log(f"{errors} error(s): the preview keeps the last good build until they are fixed{still}")
    else:
        log(f"Built {what} in {seconds:.1f} s{still}")


def rebuild_function(content_dir: Path, output_dir: Path, profile: str, today: dt.date | None, drafts: bool):
    """A rebuild that reports problems instead of raising, for the preview loop."""
    from builder.build import build

    def rebuild(with_pdf: bool, pdfs_now: bool) -> list[Problem]:
        # Pages alone are quickest in this process; PDFs are worth a pool.
        jobs = (os.cpu_count() or 1) if with_pdf and pdfs_now else 1
        try:
            result = build(content_dir, output_dir, profile, today or dt.date.today(), with_pdf, jobs=jobs,
                           drafts=drafts, pdfs_later=not pdfs_now, record_issued=False,
                           replace_other_profile=True)  # the preview's own folder, never served
        except ContentError as error:
            return list(error.problems)
        except Exception as exc:  # the preview must survive anything a half-saved file causes
            return [Problem(str(content_dir), 0, f"the build failed: {type(exc).__name__}: {exc}")]
        return list(result.warnings)

    return rebuild


def log_to_terminal(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
