"""The `briefing` command: argument parsing, and the project's one lock around
`build` and `serve` (see `project_folder`); the work happens in `build` and `serve`."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from builder import __version__
from builder.system import interrupt, project_folder
from builder.model.errors import ContentError
from builder.project.kinds import KINDS
from builder.model.content import MARKINGS, PROFILES

SCAFFOLD_KINDS = tuple(kind.name for kind in KINDS if kind.scaffold)
# A Word paper becomes an item of Markdown.
IMPORT_KINDS = tuple(kind.name for kind in KINDS if kind.markdown)
# Items `briefing new` writes by a name of their own (see `skeletons.SPECIAL`).
NEW_SPECIAL = ("accessibility-statement",)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date written YYYY-MM-DD") from None


def _port(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"'{value}' is not a port number from 0 to 65535")
    return int(value)


def _host_name(value: str) -> str:
    from builder.commands.serve import host_name

    try:
        return host_name(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number of 1 or more")
    return int(value)


def _schedule_paragraph(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= 15:
        raise argparse.ArgumentTypeError(f"'{value}' is not a paragraph of Schedule 7A: give a whole number from 1 "
                                         "to 15")
    return int(value)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing",
        description="Build the awareness site and board papers from Markdown and YAML content.",
    )
    parser.add_argument("--version", action="version", version=f"briefing {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def content_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                             help="the content folder (default: content)")
        command.add_argument("--profile", choices=PROFILES, default="internal",
                             help="internal (default): everything but drafts; public: only what may be published")
        command.add_argument("--today", type=_date, default=None, metavar="YYYY-MM-DD",
                             help="the date against which actions are overdue and meetings upcoming (default: today)")

    build = commands.add_parser("build", help="build the site into the output folder")
    content_options(build)
    build.add_argument("--output", type=Path, default=Path("output"), metavar="DIR",
                       help="the output folder, replaced whole by a successful build (default: output)")
    build.add_argument("--no-pdf", dest="with_pdf", action="store_false",
                       help="skip the PDFs (board papers, agenda packs, spotlight notes): a quicker HTML-only build")
    build.add_argument("--no-search", dest="with_search", action="store_false",
                       help="make no search index (the pages then have no search box): a quicker build")
    build.add_argument("--replace-other-profile", action="store_true",
                       help="replace an output folder that holds a build of another profile (or with drafts); "
                            "without it such a folder is left as it is")
    build.add_argument("--drafts", action="store_true",
                       help="include drafts, each page marked DRAFT (for previewing; never for publishing)")
    build.add_argument("--jobs", type=_positive, default=os.cpu_count() or 1, metavar="N",
                       help="processes to render with (default: the number of cores)")
    loudness = build.add_mutually_exclusive_group()
    loudness.add_argument("--quiet", action="store_true", help="no progress, only problems and the summary")
    loudness.add_argument("--verbose", action="store_true", help="list every file written")
    check = commands.add_parser("check", help="validate the content and write nothing")
    content_options(check)
    serve = commands.add_parser("serve", help="build a preview (in .briefing/preview, never in the output folder), "
                                              "serve it locally, and rebuild and reload on every change")
    content_options(serve)
    serve.add_argument("--host", default="127.0.0.1",
                       help="the address to serve on (default: 127.0.0.1; 0.0.0.0 for a phone on the same network)")
    serve.add_argument("--port", type=_port, default=8000, help="the port to serve on (default: 8000)")
    serve.add_argument("--allow-host", dest="allow_hosts", type=_host_name, action="append", default=[],
                       metavar="NAME",
                       help="also answer requests addressed to this host name (localhost and IP addresses "
                            "always work); repeat for more names")
    serve.add_argument("--no-pdf", dest="with_pdf", action="store_false",
                       help="do not make PDFs after each change")
    serve.add_argument("--no-drafts", dest="drafts", action="store_false",
                       help="leave drafts out, as a build does (the preview shows them by default)")
    serve.add_argument("--open", dest="open_browser", action="store_true",
                       help="open the preview in the web browser once it is built (off by default)")
    new = commands.add_parser("new", help="write a new item, ready to edit, that passes check")
    new.add_argument("kind", choices=SCAFFOLD_KINDS + NEW_SPECIAL, metavar="KIND",
                     help=f"one of: {', '.join(SCAFFOLD_KINDS + NEW_SPECIAL)}")
    new.add_argument("title", nargs="?", help="the item's title, from which its file name is made (for minutes: "
                                              "the meeting's id; accessibility-statement needs none)")
    new.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                     help="the content folder (default: content)")
    word = commands.add_parser("import", help="turn a Word paper (.docx) into a draft content file, and check it")
    word.add_argument("file", type=Path, metavar="FILE.docx", help="the Word document to import")
    word.add_argument("--kind", choices=IMPORT_KINDS, default="report",
                      help="the kind of item to make (default: report)")
    word.add_argument("--id", dest="item_id", metavar="ID",
                      help="the new item's id and file name (default: made from its title)")
    word.add_argument("--accept-changes", action="store_true",
                      help="take the document as it prints: tracked changes accepted, comments and hidden text "
                           "left out (without it, any of them stops the import)")
    word.add_argument("--classification", choices=MARKINGS,
                      help="the paper's marking, when the document's cannot be read for certain (which stops the "
                           "import); never lower than a marking the document carries")
    word.add_argument("--exempt", type=_schedule_paragraph, metavar="N",
                      help="the paragraph (1 to 15) of Schedule 7A the paper is exempt under, when the document's "
                           "note cannot be read for certain (which stops the import)")
    word.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                      help="the content folder (default: content)")
    diff = commands.add_parser("diff-release", help="show what the last public build publishes, and what it "
                                                    "adds, removes, re-marks and changes since the release before")
    diff.add_argument("--output", type=Path, default=Path("output"), metavar="DIR",
                      help="the output folder of the public build (default: output)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "new" and args.title is None and args.kind not in NEW_SPECIAL:
        parser.error(f"'briefing new {args.kind}' needs the new item's title, in quotes")
    with interrupt.remembered():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    # Imported here so that `briefing --help` stays quick.
    from builder.build import build
    from builder.checks import check
    from builder.system.console import Progress, print_problems
    from builder.publish.output_folder import Busy as OutputBusy

    today = getattr(args, "today", None) or dt.date.today()
    try:
        if args.command == "serve":
            return _serve(args)
        if args.command == "diff-release":
            return _diff_release(args.output)
        if args.command == "new":
            from builder.commands.new import create

            path = create(args.content, args.kind, args.title, today)
            print(f"Created {path}: fill it in, then run 'briefing check'")
        elif args.command == "import":
            from builder.word.importer import Settled, import_word

            imported = import_word(args.content, args.file, args.kind, args.item_id, args.accept_changes, today,
                                   Settled(args.classification, args.exempt))
            print_problems(imported.warnings)
            pictures = f", with {len(imported.images)} picture(s) in {args.content / 'assets'}" \
                if imported.images else ""
            print(f"Imported {args.file} as {imported.path}{pictures}: a draft until you have read it and set "
                  "'draft: false'")
            print(imported.verdict)
        elif args.command == "check":
            project, warnings = check(args.content, args.profile, today)
            print_problems(warnings)
            print(f"{args.content}: {len(project.items)} items checked, no errors"
                  + (f", {len(warnings)} warning(s)" if warnings else ""))
        else:
            _refuse_private_output(args.content, args.output)
            progress = Progress.for_terminal(args.quiet)
            try:
                with _project_lock(args.content, "build"):
                    result = build(args.content, args.output, args.profile, today, args.with_pdf, progress,
                                   args.jobs, args.drafts, with_search=args.with_search,
                                   replace_other_profile=args.replace_other_profile)
            finally:
                progress.finish()
            print_problems(result.warnings)
            if args.verbose:
                for path in sorted(result.written):
                    print(f"  wrote {args.output / path}")
            pages = sum(1 for path in result.written if path.endswith(".html"))
            pdfs = sum(1 for path in result.written if path.endswith(".pdf"))
            print(f"Built {pages} pages and {pdfs} PDFs ({args.profile} profile) into {args.output}/")
            if pdfs and not args.quiet:
                from builder.render.pdf import SUBSETTING_ADVICE, fast_font_subsetting

                if not fast_font_subsetting():
                    print(SUBSETTING_ADVICE, file=sys.stderr)
    except ContentError as error:
        print_problems(error.problems)
        count = error.error_count
        print(f"{count} error{'s' if count != 1 else ''}: nothing was written. Fix the lines above and run again.",
              file=sys.stderr)
        return 1
    except (project_folder.Busy, OutputBusy) as busy:
        print(busy, file=sys.stderr)
        return 1
    except OSError as exc:
        # A folder that cannot be made or written (no permission, a read-only or
        # special file system such as /proc, a file where a folder should be).
        where = exc.filename or getattr(args, "output", None) or args.content
        print(f"{where}: {exc.strerror or exc}; nothing was written. Choose a folder you can write to, or check "
              "its permissions", file=sys.stderr)
        return 1
    except KeyboardInterrupt as stop:
        # Ctrl-C waits for the instant the new output is put in place: it came before or after.
        print(getattr(stop, "message", "Stopped; the output folder is unchanged."), file=sys.stderr)
        return 130
    return 0


def _diff_release(output: Path) -> int:
    from builder.publish import release

    shown = release.show(output)
    if shown is None:
        print(f"{release.folder(output) / release.MANIFEST}: no release manifest, or one that is damaged; "
              f"build with --profile public --output {output} first", file=sys.stderr)
        return 1
    print(shown, end="")
    return 0


def _refuse_private_output(content: Path, output: Path) -> None:
    """What a build keeps for itself is never published: no output inside the private folder."""
    from builder.model.errors import Problem

    if Path(os.path.realpath(output)).is_relative_to(project_folder.location(content)):
        raise ContentError([Problem(str(output), 0, "the output folder must not be inside the project's private "
                                    f"folder {project_folder.NAME}/ (which the preview uses); choose another --output")])


@contextlib.contextmanager
def _project_lock(content: Path, command: str) -> Iterator[None]:
    """Hold the project's one lock (in its private folder) for a build. Where that
    folder cannot be used, the build goes on without it and says so once; where
    the content folder is missing, the build says that, and nothing is made."""
    with contextlib.ExitStack() as held:
        found = project_folder.folder(content) if content.is_dir() else None
        if found is not None and found.path is None:
            warning = found.warning_once()
            if warning:
                print(warning, file=sys.stderr)
        elif found is not None:
            try:
                held.enter_context(project_folder.lock(found.path, command))
            except OSError as exc:
                print(f"{exc.filename or found.path}: warning: the lock cannot be taken ({exc.strerror or exc}); "
                      "building without it", file=sys.stderr)
        yield


def _serve(args: argparse.Namespace) -> int:
    """The preview builds only into the project's private folder, under its lock."""
    from builder.commands.serve import PREVIEW_FOLDER, log_to_terminal, rebuild_function, serve

    if not args.content.is_dir():
        print(f"{args.content}: the content folder does not exist; give its path with --content", file=sys.stderr)
        return 1
    found = project_folder.folder(args.content)
    if found.path is None:
        print(found.problem(project_folder.NO_PREVIEW), file=sys.stderr)
        return 1
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(project_folder.lock(found.path, "serve"))
        except OSError as exc:
            print(f"{exc.filename or found.path}: the lock cannot be taken ({exc.strerror or exc}); "
                  "the preview cannot start", file=sys.stderr)
            return 1
        preview = found.path / PREVIEW_FOLDER
        rebuild = rebuild_function(args.content, preview, args.profile, args.today, args.drafts)
        return serve(args.content, preview, args.host, args.port, rebuild, args.with_pdf, log_to_terminal,
                     allowed_hosts=args.allow_hosts, open_browser=args.open_browser)
