"""`make bench`: build a synthetic project and measure against the targets of issue 6.

    python bench/run.py [--n 2000] [--n-pdf 120] [--large]

Every build runs as its own process, so that its time and its peak memory
(RSS, from os.wait4) are its own. Each time is the best of a few runs, as
timeit reports it: on a shared host, other load only ever adds time. Writes the
table to bench/results.md.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import markdown
from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate  # noqa: E402

TODAY = "2016-06-01"
RESULTS = Path(__file__).parent / "results.md"
REPO = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    seconds: float
    peak_mib: float
    stderr: str


def run(*args: str, expected: int = 0) -> Run:
    """One command as its own process: wall time and peak memory."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != expected:
        raise SystemExit(f"failed: {' '.join(args)}\n{stderr}")
    return Run(seconds, usage.ru_maxrss / 1024, stderr)


HOSTILE_BYTES = 2_000_000
# What a pasted e-mail or an adversary can put in a page: tags and brackets never
# closed, brackets nested deep, long lines. Each took `check` minutes or more when
# link finding was quadratic.
HOSTILE_PIECES = ("<a ", "[[a]", "[" * 200 + "]" * 200 + "\n", "x" * 50_000 + "\n\n")


def hostile_check(work: Path) -> Run:
    """`check` of a project whose one page is 2 MB of hostile repetition (it has
    errors, so it exits 1): the best of a few runs."""
    content = work / "hostile" / "content"
    (content / "pages").mkdir(parents=True, exist_ok=True)
    (content / "site.yaml").write_text("title: Hostile\n", encoding="utf-8")
    share = HOSTILE_BYTES // len(HOSTILE_PIECES)
    body = "".join(piece * (share // len(piece)) + "\n\n" for piece in HOSTILE_PIECES)
    (content / "pages" / "pasted.md").write_text(f"---\ntitle: Pasted\n---\n{body}", encoding="utf-8")
    return best([run("-m", "builder", "check", "--content", str(content), expected=1) for _ in range(REPEATS)])


# Repetitions that pass `check` but that Python-Markdown read in time growing as a
# square of their length before `bodyscan` bounded them (headings and empty list
# items inside a paragraph, unclosed fences, rows that are not a table, footnotes):
# each repeated to about 40 KB or to its limit.
RENDERED_PIECES = (("- \n" * 20 + "\n", 600), ("# H\n" * 20 + "\n", 500), ("```\n" + "code\n" * 8 + "```\n\n", 500),
                   ("".join("`" * n + "\ntext\n" for n in range(4, 24)), 1),
                   ("[[a][[a]|x|y\n|---|---|\n" + "|a|b|\n" * 40 + "\n", 150), ("a[^1]\n\n[^1]: b\n\n", 250),
                   ("<div>" * 10 + "\n\n", 700), ("1. 1. 1. a\n" * 20 + "\n", 200))


def rendered_build(work: Path) -> tuple[Run, int]:
    """`build --no-pdf --no-search` of a project whose one page passes `check` with
    the heaviest Markdown the limits allow: the best of a few runs."""
    content = work / "rendered" / "content"
    (content / "pages").mkdir(parents=True, exist_ok=True)
    (content / "site.yaml").write_text("title: Rendered\n", encoding="utf-8")
    body = "".join(piece * count for piece, count in RENDERED_PIECES)
    (content / "pages" / "heavy.md").write_text(f"---\ntitle: Heavy\n---\n{body}", encoding="utf-8")
    output = work / "rendered" / "output"
    runs = []
    for _ in range(REPEATS):
        clear(output)
        runs.append(run("-m", "builder", "build", "--content", str(content), "--output", str(output), "--no-pdf",
                        "--no-search", "--quiet"))
    return best(runs), len(body)


def hostile_rows(work: Path) -> list[tuple[str, str, str, str]]:
    hostile = hostile_check(work)
    rendered, size = rendered_build(work)
    return [("`briefing check` on a 2 MB page of hostile repetition (`<a `, `[[a]`, nested brackets, long lines)",
             f"{hostile.seconds:.2f} s", "under 2 s", verdict(hostile.seconds < 2)),
            (f"`briefing build --no-pdf` of a page of the heaviest Markdown `check` lets through ({size // 1000} KB)",
             f"{rendered.seconds:.2f} s", "under 5 s", verdict(rendered.seconds < 5))]


def build(content: Path, output: Path, *extra: str) -> Run:
    return run("-m", "builder", "build", "--content", str(content), "--output", str(output), "--today", TODAY,
               "--quiet", *extra)


def clear(output: Path) -> None:
    """No output and no cache (in the project's private folder, beside the content
    folder, which is beside the output here): the next build is cold."""
    shutil.rmtree(output, ignore_errors=True)
    shutil.rmtree(output.parent / ".briefing" / "cache", ignore_errors=True)


REPEATS = 3
NOTES = """\
The cold builds include the search index. Pagefind alone (the row above) takes
about as long as the floor and uses more than one core, so two cores can at
best do both in max((floor + Pagefind alone) / 2, Pagefind alone): the 2-core
limit. `--no-search` builds show the build's own work (reading, checking,
rendering, writing). A no-op rebuild checks every content and template file
(hashing those whose size, times or inode changed), finds the last build's
record unchanged and every output file as that build left it, and stops. A
rebuild after editing the text of one case study hashes that file, takes the
model the last build kept and checks only the edited file again (the whole
project is loaded only when more than the text of items changed), fingerprints
every page, renders the one page, re-indexes its slice of about 95 pages, and
takes every other file from the last output as a hard link. The machine is
shared: other load only ever adds time, and each figure is the best of its runs.
"""


def best(runs: list[Run]) -> Run:
    fastest = min(runs, key=lambda r: r.seconds)
    return Run(fastest.seconds, max(r.peak_mib for r in runs), fastest.stderr)


def cold_builds(content: Path, output: Path, *extra: str, repeats: int = 2) -> dict[str, Run]:
    """The best cold build with --jobs 1 and with --jobs 2, taken in turns so that
    a spell of outside load does not fall on one of them only."""
    runs: dict[str, list[Run]] = {"1": [], "2": []}
    for _ in range(repeats):
        for jobs, found in runs.items():
            clear(output)
            found.append(build(content, output, *extra, "--jobs", jobs))
    return {jobs: best(found) for jobs, found in runs.items()}


def pagefind_alone(output: Path) -> float:
    """Pagefind indexing the built item pages in one run: work the build cannot skip either."""
    import pagefind_bin

    started = time.perf_counter()
    subprocess.run([str(pagefind_bin.get_executable()), "--site", str(output), "--output-subdir",
                    str(output.parent / "pagefind-alone"), "--glob",
                    "{threats,case-studies,spotlights,reports,meetings,pages}/*.html", "--silent"], check=True)
    return time.perf_counter() - started


def without_search(content: Path, output: Path, jobs: str) -> Run:
    """The build without its search index (`--no-search`): how much of a cold build
    is the build's own work."""
    clear(output)
    return build(content, output, "--no-pdf", "--no-search", "--jobs", jobs)


def floor(content: Path) -> float:
    """Python-Markdown converting every body once, in one process: work no design can skip."""
    bodies = []
    for file in sorted(content.rglob("*.md")):
        text = file.read_text(encoding="utf-8")
        bodies.append(text.split("\n---\n", 1)[1] if text.startswith("---\n") else text)
    converter = markdown.Markdown(extensions=["tables", "attr_list", "toc", "footnotes", "sane_lists",
                                              "fenced_code", "def_list"])
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        for body in bodies:
            converter.reset()
            converter.convert(body)
        times.append(time.perf_counter() - started)
    return min(times)


def pdf_pages(output: Path) -> int:
    return sum(len(PdfReader(pdf).pages) for pdf in output.rglob("*.pdf"))


def edit_one_case_study(content: Path, number: int) -> None:
    cases = sorted((content / "case-studies").glob("*.md"))
    case = cases[(len(cases) // 2 + 37 * number) % len(cases)]
    case.write_text(case.read_text() + "\nOne more sentence, added by the benchmark.\n")


def imports_weasyprint(*args: str) -> bool:
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "builder", *args], capture_output=True,
                            text=True)
    return "weasyprint" in result.stderr


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def measure(work: Path, n: int, n_pdf: int, large: bool) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    # Compiled as an installed package is: with PYTHONDONTWRITEBYTECODE set (as on
    # some build machines), an editable install would compile its source on every run.
    compileall.compile_dir(str(REPO / "builder"), quiet=1)
    content = generate(work / "html", n)
    output = work / "html" / "out"
    floor_seconds = floor(content)
    rows.append(("Floor: Python-Markdown, every body once", f"{floor_seconds:.2f} s", "", ""))

    own_work = {jobs: without_search(content, output, jobs) for jobs in ("1", "2")}
    colds = cold_builds(content, output, "--no-pdf")  # the last of them leaves a --jobs 2 output
    cold1, cold2 = colds["1"], colds["2"]
    rows.append(("Cold HTML build, --jobs 1", f"{cold1.seconds:.2f} s ({cold1.seconds / floor_seconds:.2f} x floor)",
                 "within 1.2 x floor", verdict(cold1.seconds <= 1.2 * floor_seconds)))
    rows.append(("Cold HTML build, --jobs 2", f"{cold2.seconds:.2f} s ({cold2.seconds / floor_seconds:.2f} x floor)",
                 "below the floor", verdict(cold2.seconds < floor_seconds)))
    indexing = pagefind_alone(output)
    rows.append(("Of which search: Pagefind indexing the same pages alone", f"{indexing:.2f} s", "", ""))
    # Two cores can do the floor's work and Pagefind's together at best in half
    # their sum, and never faster than Pagefind alone (which uses both).
    limit = max((floor_seconds + indexing) / 2, indexing)
    rows.append(("Cold HTML build with search, --jobs 2, against the 2-core limit",
                 f"{cold2.seconds:.2f} s ({cold2.seconds / limit:.2f} x the limit of {limit:.2f} s)", "", ""))
    for jobs, own in own_work.items():
        rows.append((f"Cold HTML build with --no-search, --jobs {jobs}",
                     f"{own.seconds:.2f} s ({own.seconds / floor_seconds:.2f} x floor)", "", ""))
    noop = best([build(content, output, "--no-pdf", "--jobs", "2") for _ in range(REPEATS)])
    rows.append(("No-op rebuild", f"{noop.seconds:.2f} s ({100 * noop.seconds / cold2.seconds:.1f}% of cold)",
                 "under 5% of cold", verdict(noop.seconds < 0.05 * cold2.seconds)))
    edits = []
    for number in range(REPEATS):
        edit_one_case_study(content, number)
        edits.append(build(content, output, "--no-pdf", "--jobs", "2"))
    edit = best(edits)
    rows.append(("Rebuild after editing one case study", f"{edit.seconds:.2f} s ({100 * edit.seconds / cold2.seconds:.1f}% of cold)",
                 "under 10% of cold", verdict(edit.seconds < 0.10 * cold2.seconds)))
    rows.append(("Peak memory, cold HTML build (N = %d)" % n, f"{max(cold1.peak_mib, cold2.peak_mib):.0f} MiB", "", ""))

    pdf_content = generate(work / "pdf", n_pdf)
    pdf_output = work / "pdf" / "out"
    speeds = {}
    for jobs, cold in cold_builds(pdf_content, pdf_output).items():
        pages = pdf_pages(pdf_output)
        speeds[jobs] = pages / cold.seconds
        rows.append((f"PDFs cold, --jobs {jobs} ({pages} pages, N = {n_pdf})",
                     f"{speeds[jobs]:.1f} pages/s, {cold.seconds:.1f} s, peak {cold.peak_mib:.0f} MiB", "", ""))
    rows[-1] = rows[-1][:2] + ("--jobs 2 at least 1.7 x --jobs 1",
                               f"{verdict(speeds['2'] >= 1.7 * speeds['1'])} ({speeds['2'] / speeds['1']:.2f} x)")
    before = {p: p.stat().st_ino for p in pdf_output.rglob("*.pdf")}
    again = build(pdf_content, pdf_output, "--jobs", "2")
    unchanged = all(p.exists() and p.stat().st_ino == inode for p, inode in before.items())
    rows.append(("Rebuild with no paper changed", f"{again.seconds:.2f} s", "no PDF rendered again",
                 verdict(unchanged)))

    help_run = run("-m", "builder", "--help")
    check_run = run("-m", "builder", "check", "--content", str(content), "--today", TODAY)
    rows.append(("`briefing --help` / `briefing check`", f"{help_run.seconds:.2f} s / {check_run.seconds:.2f} s",
                 "WeasyPrint not imported",
                 verdict(not imports_weasyprint("--help") and not imports_weasyprint("check", "--content", str(content)))))

    rows.extend(hostile_rows(work))

    if large:
        big = generate(work / "large", 10_000)
        big_run = build(big, work / "large" / "out", "--no-pdf")
        rows.append(("Peak memory, cold HTML build (N = 10,000)", f"{big_run.peak_mib:.0f} MiB ({big_run.seconds:.0f} s)",
                     "under 1 GiB", verdict(big_run.peak_mib < 1024)))
    else:
        rows.append(("Peak memory, N = 10,000", "not measured: run `make bench-large`", "under 1 GiB", ""))
    return rows


def table(rows) -> str:
    lines = ["| Measure | Result | Target | Verdict |", "| --- | --- | --- | --- |"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="items in the HTML project (default 2000)")
    parser.add_argument("--n-pdf", type=int, default=120, help="items in the PDF project (default 120)")
    parser.add_argument("--large", action="store_true", help="also measure memory for N = 10,000")
    parser.add_argument("--hostile", action="store_true", help="only the hostile pages' check and build (quick)")
    args = parser.parse_args()
    if args.hostile:
        with tempfile.TemporaryDirectory(prefix="briefing-bench-") as work:
            print(table(hostile_rows(Path(work))))
        return
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="briefing-bench-") as work:
        rows = measure(Path(work), args.n, args.n_pdf, args.large)
    header = (f"# Benchmark results\n\n{dt.date.today().isoformat()}, {os.cpu_count()} cores, "
              f"Python {platform.python_version()}, {platform.machine()}; N = {args.n} items "
              f"(PDFs: N = {args.n_pdf}); whole run {time.perf_counter() - started:.0f} s. Each time is the best "
              f"of {REPEATS} runs (cold builds: of 2).\n\n")
    text = header + table(rows) + "\n\n" + NOTES
    RESULTS.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
