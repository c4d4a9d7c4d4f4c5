"""`briefing serve`: build, serve the output folder, rebuild on change, reload open pages.

The live-reload script and the error overlay are added to pages as they are
served, never written into the output, so a normal build never contains them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import http.server
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from builder.errors import ContentError, Problem

LIVE_PREFIX = "/__briefing__/"
WAIT_SECONDS = 20
_LIVE_SCRIPT = """(function () {
  var version = %d;
  function poll() {
    fetch("%swait?v=" + version, {cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(function (data) { if (data.version !== version) { location.reload(); } else { poll(); } })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
"""


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
        '<div id="briefing-errors" role="alert" style="position:fixed;inset:0 0 auto 0;z-index:1000;'
        "max-height:70vh;overflow:auto;background:#fff;color:#0b0c0c;border:6px solid #a0161b;"
        'padding:1rem 1.5rem;font:16px/1.5 sans-serif">'
        f"<h2 style=\"margin-top:0\">The content has {len(errors)} error{'s' if len(errors) != 1 else ''}</h2>"
        f"<ul>{items}</ul><p>Fix them and save: this page reloads by itself. "
        "Until then it shows the last good build.</p></div>"
    )


def _handler(output_dir: Path, preview: Preview) -> type[http.server.SimpleHTTPRequestHandler]:
    class PreviewHandler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(output_dir), **kwargs)

        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            pass

        def list_directory(self, path):
            self.send_error(404, "Not found")

        def do_GET(self):
            url = urlsplit(self.path)
            if url.path == LIVE_PREFIX + "wait":
                since = int(parse_qs(url.query).get("v", ["0"])[0] or 0)
                self._send(json.dumps({"version": preview.wait(since, WAIT_SECONDS)}).encode(), "application/json")
                return
            file = Path(self.translate_path(url.path))
            if file.is_dir():
                file = file / "index.html"
            if file.suffix == ".html":
                if file.is_file():
                    page = file.read_text(encoding="utf-8")
                elif preview.problems:
                    page = "<!DOCTYPE html><html lang=\"en-GB\"><head><title>Build failed</title></head><body></body></html>"
                else:
                    self.send_error(404, "Not found")
                    return
                self._send(self._inject(page).encode("utf-8"), "text/html; charset=utf-8")
                return
            super().do_GET()

        def _inject(self, page: str) -> str:
            script = f"<script>{_LIVE_SCRIPT % (preview.version, LIVE_PREFIX)}</script>"
            page = page.replace("</body>", script + "</body>", 1)
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


def serve(content_dir: Path, output_dir: Path, host: str, port: int,
          rebuild: Callable[[bool, bool], list[Problem]], with_pdf: bool, log: Callable[[str], None]) -> int:
    """Serve until Ctrl-C. `rebuild(with_pdf, pdfs_now)` builds (the PDFs that
    changed, too, when `pdfs_now`) and returns the problems it met."""
    import watchfiles

    from builder.templates import user_templates_dir

    preview = Preview()

    def build_and_publish() -> None:
        # The pages first, already linking the PDFs, which follow: both builds
        # plan the same pages, so the second renders only PDFs.
        started = time.monotonic()
        problems = rebuild(with_pdf, False)
        preview.publish(problems)
        _report(problems, started, "pages", log)
        if with_pdf and not any(not p.is_warning for p in problems):
            started = time.monotonic()
            problems = rebuild(True, True)
            preview.publish(problems)
            _report(problems, started, "pages and PDFs", log)

    build_and_publish()
    try:
        server = http.server.ThreadingHTTPServer((host, port), _handler(output_dir, preview))
    except OSError as exc:
        log(f"cannot serve on {host}:{port}: {exc.strerror}; choose another port with --port")
        return 1
    server.daemon_threads = True
    stop = threading.Event()
    watched = [str(p) for p in (content_dir, user_templates_dir(content_dir)) if p.is_dir()]

    def watch() -> None:
        # A build under way when Ctrl-C stops the server stops too, without a word.
        with contextlib.suppress(KeyboardInterrupt):
            for _changes in watchfiles.watch(*watched, stop_event=stop, debounce=200, raise_interrupt=False):
                build_and_publish()

    threading.Thread(target=watch, daemon=True).start()
    log(f"Serving {output_dir}/ at http://{host}:{server.server_address[1]}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        log("Stopped.")
    finally:
        stop.set()
        server.server_close()
    return 0


def _report(problems: list[Problem], started: float, what: str, log: Callable[[str], None]) -> None:
    for problem in problems:
        log(str(problem))
    errors = sum(not p.is_warning for p in problems)
    seconds = time.monotonic() - started
    if errors:
        log(f"{errors} error(s): the preview keeps the last good build until they are fixed")
    else:
        log(f"Built {what} in {seconds:.1f} s")


def rebuild_function(content_dir: Path, output_dir: Path, profile: str, today: dt.date | None, drafts: bool):
    """A rebuild that reports problems instead of raising, for the preview loop."""
    from builder.build import build

    def rebuild(with_pdf: bool, pdfs_now: bool) -> list[Problem]:
        # Pages alone are quickest in this process; PDFs are worth a pool.
        jobs = (os.cpu_count() or 1) if with_pdf and pdfs_now else 1
        try:
            result = build(content_dir, output_dir, profile, today or dt.date.today(), with_pdf, jobs=jobs,
                           drafts=drafts, pdfs_later=not pdfs_now)
        except ContentError as error:
            return list(error.problems)
        except Exception as exc:  # the preview must survive anything a half-saved file causes
            return [Problem(str(content_dir), 0, f"the build failed: {type(exc).__name__}: {exc}")]
        return list(result.warnings)

    return rebuild


def log_to_terminal(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
