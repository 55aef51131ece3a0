"""Time simplelint against flake8 (with plugins), pylint's design checks, Fixit 2 and ruff on the same real code.

    python benchmarks/compare.py                  # flask and django: every run, table in results/compare.md
    python benchmarks/compare.py --only flask     # one project
    python benchmarks/compare.py --quick          # skip pylint, Fixit and ruff ALL (the slow or extra rows)
    python benchmarks/compare.py --repeat 3       # best of 3 (lowest wall time) for every row

A script, not a test (POSIX only: it reads each child's CPU time and peak memory with os.wait4). The peers
are installed at pinned versions into benchmarks/.work/peers-venv, away from simplelint's own environment.
See benchmarks/README.md for what each row means.
"""

from __future__ import annotations

import argparse
import ast
import os
import platform
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # corpus.py lives beside this script
from corpus import PINNED, fetch  # noqa: E402

REPO = HERE.parent
WORK = HERE / ".work"
VENV = WORK / "peers-venv"
PEER_BIN = VENV / "bin"
RESULTS = HERE / "results" / "compare.md"
README = HERE / "README.md"
README_START = "<!-- compare:start -->"
README_END = "<!-- compare:end -->"
TOP_README = HERE.parent / "README.md"
TOP_START = "<!-- benchmark:start -->"
TOP_END = "<!-- benchmark:end -->"

# Pinned so that reruns compare like with like; libcst matches simplelint's so Fixit parses with the same parser.
PEERS = {
    "flake8": "7.5.0",
    "flake8-annotations": "3.3.0",
    "flake8-simplify": "0.31.1",
    "mccabe": "0.7.0",
    "pycodestyle": "2.15.0",
    "pyflakes": "4.1.0",
    "pylint": "4.1.4",
    "astroid": "4.3.4",
    "fixit": "2.2.1",
    "libcst": "1.9.0",
    "ruff": "0.17.6",
}

# Project -> folder linted (relative to the unpacked sdist).
TARGETS = {"flask": "src/flask", "django": "django"}
# The pre-commit case: one real file of about 1,500 lines.
ONE_FILE = ("django", "django/template/defaulttags.py")

# Fixit 2 with no config enables `fixit.rules` (25 rules on Python 3.11). Pointing --config-file here keeps
# that default set and stops Fixit from picking up a config inside the corpus.
FIXIT_CONFIG = """\
# Fixit's out-of-the-box rule set, made explicit; written by benchmarks/compare.py.
[tool.fixit]
root = true
enable = ["fixit.rules"]
"""

SL_ALL = ["--select", "ALL", "--isolated"]
FLAKE8_PLUGINS = ["--isolated", "--max-complexity", "10"]
PYLINT_DESIGN = ["--disable=all", "--enable=design", "--recursive=y", "--score=n", "--persistent=n"]
# pylint's exit code is a bit mask: 1 fatal, 32 usage error; the other bits are kinds of messages found.
PYLINT_OK = tuple(code for code in range(32) if not code & 1)


@dataclass
class Run:
    """One row of the table: a command run in the project's folder."""

    label: str
    argv: list[str]
    fresh_cache: Optional[Path] = None  # deleted before each repeat: a cold cache every time
    touch: Optional[str] = None  # a file edited before each repeat (a comment appended): a cache miss every time
    timed: bool = True  # False: run once to prepare (e.g. fill a cache), not shown
    ok_codes: tuple[int, ...] = (0, 1)
    per_line: bool = True  # False for startup rows: lines per CPU-second means nothing there


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mb: float
    code: int
    internal_errors: list[str] = field(default_factory=list)  # simplelint's "internal error in rule" lines
    failure: str = ""  # why the row failed (crash, unexpected exit code): shown instead of its figures


@dataclass
class Row:
    run: Run
    sample: Sample
    lines: int
    load: float  # 1-minute load average when the row started: above the core count, wall times are inflated


@dataclass
class Section:
    title: str
    cwd: Path
    files: int
    lines: int
    rows: list[Row] = field(default_factory=list)


def simplelint(*args: str) -> list[str]:
    return [sys.executable, "-m", "simplelint", *args]


def peer(tool: str, *args: str) -> list[str]:
    return [str(PEER_BIN / tool), *args]


# --- which simplelint ---------------------------------------------------------------------------------------


def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=True).stdout.strip()


def export(rev: str) -> Path:
    """simplelint's package as committed at `rev`, unpacked once under benchmarks/.work/revisions/."""
    commit = git("rev-parse", "--verify", f"{rev}^{{commit}}")
    folder = WORK / "revisions" / commit[:12]
    if not folder.exists():
        partial = folder.with_name(folder.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", commit, "simplelint"], capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(partial)], input=archive, check=True)
        partial.rename(folder)
    return folder


def snapshot(name: str = "snapshot") -> Path:
    """A copy of the working tree's simplelint/: edits made by others during the run cannot mix versions (the
    cache key also changes whenever a simplelint module's mtime does, which would empty the warm-cache row)."""
    folder = WORK / name
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(REPO / "simplelint", folder / "simplelint", ignore=shutil.ignore_patterns("__pycache__"))
    # Compile now: the first timed row must not pay for writing bytecode.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(folder)], check=True)
    return folder


def describe(rev: Optional[str]) -> str:
    if rev:
        return f"commit {git('rev-parse', '--short', rev)} ({rev})"
    dirty = git("status", "--porcelain", "--", "simplelint")
    changes = " with uncommitted changes" if dirty else ""
    return f"working tree at {git('rev-parse', '--short', 'HEAD')}{changes}, copied at {time.strftime('%H:%M')}"


# --- the peers' environment ---------------------------------------------------------------------------------


def ensure_peers() -> dict[str, str]:
    """Create the peers' venv and install the pinned versions (skipped when the stamp says they are there)."""
    pins = sorted(f"{name}=={version}" for name, version in PEERS.items())
    stamp = VENV / "pinned.txt"
    if not stamp.exists() or stamp.read_text().split() != pins:
        if not (PEER_BIN / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        print(f"installing the peers into {VENV} ...", file=sys.stderr)
        pip = [str(PEER_BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, *pins], check=True)
        stamp.write_text("\n".join(pins) + "\n")
    (WORK / "fixit.toml").write_text(FIXIT_CONFIG)
    return tool_versions()


def tool_versions() -> dict[str, str]:
    probe = "import importlib.metadata as m, sys; print(*(m.version(n) for n in sys.argv[1:]))"
    peers = subprocess.run(
        [str(PEER_BIN / "python"), "-c", probe, *PEERS], capture_output=True, text=True, check=True
    ).stdout.split()
    ours = subprocess.run(
        [sys.executable, "-c", probe, "simplelint", "libcst", "click"], capture_output=True, text=True, check=True
    ).stdout.split()
    versions = dict(zip(("simplelint", "libcst (simplelint's)", "click (simplelint's)"), ours))
    versions.update(zip(PEERS, peers))
    return versions


# --- measuring ----------------------------------------------------------------------------------------------


def measure(argv: list[str], cwd: Path, log: Path, source: Path) -> Sample:
    """Wall time, CPU (user+sys) and peak RSS of one child, including the workers it waited for."""
    env = dict(os.environ)
    if argv[0] == sys.executable:
        env["PYTHONPATH"] = str(source)  # the simplelint measured, whatever is installed
    with open(log, "wb") as out, open(log.with_suffix(".err"), "wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)  # already reaped: Popen must not wait again
    # Linux reports ru_maxrss in KiB: the largest single process among the child and its reaped workers.
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode)


def best_of(run: Run, cwd: Path, repeat: int, source: Path) -> Sample:
    """The repeat with the lowest wall time; a failed repeat is returned at once, marked, and the run goes on."""
    samples = []
    log = WORK / "logs" / (slug(run.label) + ".txt")
    log.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(repeat):
        if run.fresh_cache is not None:
            shutil.rmtree(run.fresh_cache, ignore_errors=True)
        if run.touch is not None:
            edit(cwd / run.touch)
        sample = measure(run.argv, cwd, log, source)
        output, errors = tail(log), tail(log.with_suffix(".err"))
        sample.internal_errors = internal_errors_in(log.with_suffix(".err"))
        if failed(run, sample, output, errors):
            print(f"{run.label}: exit code {sample.code}\n$ {shlex.join(run.argv)}\n{errors[-2000:]}", file=sys.stderr)
            sample.failure = f"failed: exit code {sample.code}, see benchmarks/.work/logs/{log.stem}.err"
            return sample
        samples.append(sample)
    return min(samples, key=lambda s: s.wall)


def tail(path: Path, size: int = 65536) -> str:
    """The end of a log, never all of it: Linux carries this process's peak RSS over to every child it
    starts (over exec), so reading a 24 MB log here would raise the floor of all later rows' peak RSS."""
    with open(path, "rb") as handle:
        handle.seek(max(0, path.stat().st_size - size))
        return handle.read().decode(errors="replace")


def internal_errors_in(path: Path) -> list[str]:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return [line.strip() for line in handle if "internal error in" in line]


def failed(run: Run, sample: Sample, output: str, errors: str) -> bool:
    """A crash, or an exit code the tool never uses for findings.

    Python exits 1 on an uncaught exception, the same code as "findings", so a traceback on stderr fails the
    row too (only stderr: linted code may contain that text, and ruff quotes it on stdout).
    simplelint exits 2 when a rule raised on some file: the run still completed, so it counts, with a note.
    """
    if "Traceback (most recent call last)" in errors:
        return True
    completed = "Found " in output or "All checks passed" in output
    return sample.code not in run.ok_codes and not (sample.code == 2 and sample.internal_errors and completed)


EDIT_MARK = b"# simplelint benchmark edit "


def edit(path: Path) -> None:
    """Append a fresh comment (replacing the previous one), as if the file had just been changed."""
    path.write_bytes(unedit(path) + b"\n" + EDIT_MARK + str(time.time_ns()).encode() + b"\n")


def unedit(path: Path) -> bytes:
    """Put the file back as it was (also after an interrupted run); returns its original bytes."""
    data = path.read_bytes()
    original = data.split(b"\n" + EDIT_MARK, 1)[0]
    if original != data:
        path.write_bytes(original)
    return original


def slug(label: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in label.lower()).split())


def count_lines(root: Path) -> tuple[int, int]:
    """(files, physical lines) of the .py files under root, or of root itself when it is a file."""
    paths = [root] if root.is_file() else sorted(root.rglob("*.py"))
    # Reading everything once also puts the corpus in the OS cache before the first timed run.
    return len(paths), sum(path.read_bytes().count(b"\n") for path in paths)


# --- what is run --------------------------------------------------------------------------------------------


def project_runs(project: str, quick: bool) -> list[Run]:
    target = TARGETS[project]
    cache = WORK / "cache" / project
    cached = ["--cache-dir", str(cache)]
    runs = [
        Run("simplelint -j2, cold cache (reference)", simplelint("check", *SL_ALL, "--jobs", "2", *cached, target),
            fresh_cache=cache),
        Run("simplelint -j2, warm cache", simplelint("check", *SL_ALL, "--jobs", "2", *cached, target)),
        Run("simplelint -j1, no cache", simplelint("check", *SL_ALL, "--jobs", "1", "--no-cache", target)),
        Run("simplelint -j2, no cache", simplelint("check", *SL_ALL, "--jobs", "2", "--no-cache", target)),
        # The project rules (SL3 untested functions, SL5 dead and duplicated code) also read the rest of the
        # project, its test suite first, for their facts: this row shows their share.
        Run("simplelint -j2, no cache, without SL3 and SL5", simplelint("check", *SL_ALL, "--ignore", "SL3,SL5",
                                                                         "--jobs", "2", "--no-cache", target)),
        Run("flake8 + plugins -j1", peer("flake8", *FLAKE8_PLUGINS, "-j1", target)),
        Run("flake8 + plugins -j2", peer("flake8", *FLAKE8_PLUGINS, "-j2", target)),
        Run("ruff ANN,C90,SIM,PLR", peer("ruff", "check", "--isolated", "--no-cache", "--select",
                                          "ANN,C90,SIM,PLR", target)),
    ]
    if not quick:
        fixit = peer("fixit", "--config-file", str(WORK / "fixit.toml"), "lint", target)
        runs += [
            Run("ruff ALL", peer("ruff", "check", "--isolated", "--no-cache", "--select", "ALL", target)),
            Run("pylint design -j2", peer("pylint", "-j2", f"--rcfile={WORK / 'empty.pylintrc'}", *PYLINT_DESIGN,
                                          target), ok_codes=PYLINT_OK),
            Run("Fixit 2 (fixit lint, 2 processes)", fixit),
        ]
    return runs


def one_file_runs(path: str) -> list[Run]:
    """pre-commit passes the changed files; the cache (on by default) still holds the rest of the project,
    which SL3 reads for its facts (the test suite). So: fill the cache once, then edit the file before each run."""
    cache = WORK / "cache" / "one-file"
    cached = [*SL_ALL, "--cache-dir", str(cache)]
    return [
        Run("fill the cache", simplelint("check", *cached, path), fresh_cache=cache, timed=False),
        Run("simplelint, changed file, rest cached (pre-commit)", simplelint("check", *cached, path), touch=path),
        Run("simplelint, one file, without SL3 and SL5, no cache", simplelint("check", *SL_ALL, "--ignore",
                                                                              "SL3,SL5", "--no-cache", path)),
        # A first commit with the hook: nothing cached, so the whole project (tests included) is read for facts.
        Run("simplelint, one file, no cache at all (first pre-commit run)", simplelint("check", *SL_ALL, "--no-cache",
                                                                                        path)),
        Run("flake8 + plugins, one file", peer("flake8", *FLAKE8_PLUGINS, path)),
        Run("ruff ANN,C90,SIM,PLR, one file", peer("ruff", "check", "--isolated", "--no-cache", "--select",
                                                    "ANN,C90,SIM,PLR", path)),
        Run("simplelint --version (startup)", simplelint("--version"), ok_codes=(0,), per_line=False),
        Run("flake8 --version (startup)", peer("flake8", "--version"), ok_codes=(0,), per_line=False),
    ]


# A long generated file (issue 21's memory case): the block tests/test_adversarial.py builds its 50,000-line
# file from (about 13 LibCST nodes per line, as in the standard library), read without importing the tests.
def big_block() -> str:
    tree = ast.parse((REPO / "tests" / "test_adversarial.py").read_text(encoding="utf-8"))
    block = next(n.value for n in tree.body if isinstance(n, ast.Assign) and ast.unparse(n.targets[0]) == "BLOCK")
    return str(ast.literal_eval(block))


BIG_FILE = "big_100k.py"


def big_file() -> Path:
    """A 100,000-line module in its own folder under benchmarks/.work/ (written once)."""
    folder = WORK / "big"
    path = folder / BIG_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        block = big_block()
        path.write_text("".join(block.format(i=i) for i in range(5884)), encoding="utf-8")
    return folder


def big_file_runs() -> list[Run]:
    return [
        Run("simplelint -j1, no cache", simplelint("check", *SL_ALL, "--jobs", "1", "--no-cache", BIG_FILE)),
        Run("flake8 + plugins", peer("flake8", *FLAKE8_PLUGINS, BIG_FILE)),
    ]


def run_section(title: str, cwd: Path, target: str, runs: list[Run], args: argparse.Namespace) -> Section:
    files, lines = count_lines(cwd / target)
    section = Section(title, cwd, files, lines)
    print(f"\n## {title}: {files} files, {lines:,} lines", file=sys.stderr)
    for run in runs:
        load = os.getloadavg()[0]
        sample = best_of(run, cwd, args.repeat if run.timed else 1, args.source)
        if not run.timed:
            continue
        print(f"  {run.label:<42} {sample.wall:7.2f} s wall {sample.cpu:7.2f} s CPU {sample.rss_mb:6.0f} MB",
              file=sys.stderr)
        section.rows.append(Row(run, sample, lines if run.per_line else 0, load))
    return section


# --- the report ---------------------------------------------------------------------------------------------


def ratio(value: float, reference: float) -> str:
    return f"{value / reference:.2f}x" if reference > 0 else "-"


def per_cpu_second(row: Row) -> str:
    return f"{row.lines / row.sample.cpu:,.0f}" if row.lines and row.sample.cpu > 0 else "-"


def table(section: Section) -> Iterator[str]:
    reference = section.rows[0].sample
    yield "| run | wall s | CPU s | peak RSS MB | lines / CPU-s | wall vs SL | CPU vs SL | RSS vs SL | load |"
    yield "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for row in section.rows:
        s = row.sample
        if s.failure:
            yield f"| {row.run.label} | {s.failure} | | | | | | | {row.load:.1f} |"
            continue
        mark = " (!)" if s.internal_errors else ""
        yield (
            f"| {row.run.label}{mark} | {s.wall:.2f} | {s.cpu:.2f} | {s.rss_mb:.0f} | {per_cpu_second(row)} "
            f"| {ratio(s.wall, reference.wall)} | {ratio(s.cpu, reference.cpu)} | {ratio(s.rss_mb, reference.rss_mb)} "
            f"| {row.load:.1f} |"
        )


def internal_errors(section: Section) -> Iterator[str]:
    """Rows marked (!) finished, but some rule raised on some files (their other rules still ran)."""
    for row in section.rows:
        errors = row.sample.internal_errors
        if errors:
            yield ""
            yield f"(!) {row.run.label}: {len(errors)} internal rule errors (exit code 2), e.g. `{errors[0][:200]}`"


def commands(sections: list[Section]) -> Iterator[str]:
    yield "```sh"
    for section in sections:
        yield f"cd {section.cwd.name}   # {section.title}"
        for row in section.rows:
            yield shown(row.run.argv)
    yield "```"


def shown(argv: list[str]) -> str:
    """The command as a reader would type it: no absolute paths into this machine."""
    text = shlex.join(argv)
    text = text.replace(shlex.join(simplelint()), "simplelint").replace(f"{PEER_BIN}/", "")
    return text.replace(f"{WORK}/", "benchmarks/.work/")


def find(sections: list[Section], title: str, label: str) -> Optional[Sample]:
    for section in sections:
        for row in section.rows:
            if section.title.startswith(title) and row.run.label.startswith(label) and not row.sample.failure:
                return row.sample
    return None


def targets(sections: list[Section]) -> Iterator[str]:
    """Issue 21's targets (and issue 6's Fixit one), checked against this run's figures; a target whose rows
    were not run is left out. Ratios are simplelint's figure over the other one: below the limit is met.
    Wall time is judged; CPU is shown beside it, since a busy machine distorts it far less."""
    cold = find(sections, "django", "simplelint -j2, cold")
    one = find(sections, "one file", "simplelint, changed")
    ratios = [
        ("flask: warm run vs its cold run", find(sections, "flask", "simplelint -j2, warm"),
         find(sections, "flask", "simplelint -j2, cold"), 0.10),
        ("pre-commit file (rest cached) vs flake8 + plugins on it", one,
         find(sections, "one file", "flake8 + plugins, one"), 1.5),
        ("django, cold, -j2 vs flake8 + plugins -j2", cold, find(sections, "django", "flake8 + plugins -j2"), 0.7),
        ("django, cold, -j2 vs Fixit", cold, find(sections, "django", "Fixit"), 1 / 6),
    ]
    limits = [
        ("django: warm run", find(sections, "django", "simplelint -j2, warm"), "wall", 0.5, "s"),
        ("pre-commit file with no cache at all (the sdist's root)",
         find(sections, "one file", "simplelint, one file, no cache at all"), "wall", 8.0, "s"),
        ("100,000-line file: peak RSS", find(sections, "a 100,000-line file", "simplelint"), "rss_mb", 600, "MB"),
    ]
    yield "| target | wall | CPU | limit | met |"
    yield "|---|---:|---:|---:|---|"
    for text, ours, theirs, limit in ratios:
        if ours and theirs:
            wall, cpu = ours.wall / theirs.wall, ours.cpu / theirs.cpu
            yield f"| {text} | {wall:.2f}x | {cpu:.2f}x | {limit:.2f}x | {verdict(wall <= limit)} |"
    for text, sample, measure_name, limit, unit in limits:
        if sample:
            value = getattr(sample, measure_name)
            cpu = f"{sample.cpu:.2f} s" if measure_name == "wall" else ""
            shown = f"{value:.2f} s" if unit == "s" else f"{value:.0f} {unit}"
            yield f"| {text} | {shown} | {cpu} | {limit:g} {unit} | {verdict(value <= limit)} |"


def verdict(met: bool) -> str:
    return "yes" if met else "NO"


def report(sections: list[Section], versions: dict[str, str], argv: list[str], measured: str) -> str:
    lines = [
        "# simplelint vs its peers",
        "",
        f"Written by `python benchmarks/compare.py {shlex.join(argv)}`".rstrip() + f" on {time.strftime('%Y-%m-%d')}:",
        f"{os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}, load average {os.getloadavg()[0]:.2f} at the end.",
        "Best of the repeats (lowest wall time); 'vs SL' is each figure divided by simplelint's cold -j2 run "
        "(above 1x: the row is slower or larger). Peak RSS is that of the largest single process; no row can "
        f"show less than this script's own peak, {own_peak_mb():.0f} MB (Linux carries it over exec).",
        "",
        f"simplelint measured: {measured}.",
        "Versions: " + ", ".join(f"{name} {version}" for name, version in versions.items()) + ".",
    ]
    for section in sections:
        lines += ["", f"## {section.title}", "", f"{section.files} files, {section.lines:,} lines.", ""]
        lines += table(section)
        lines += internal_errors(section)
    lines += ["", "## Targets (issue 21)", "", *targets(sections), "", "## Commands", "", *commands(sections)]
    return "\n".join(lines) + "\n"


def own_peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def update_readme(text: str) -> None:
    """This run's report between the markers of benchmarks/README.md; only the targets in the project's README."""
    body = text.split("\n", 2)[2]  # without the report's title
    replace_between(README, README_START, README_END, body)
    targets = next((part for part in body.split("\n## ") if part.startswith("Targets")), "")
    summary = "\n".join(targets.strip().splitlines()[2:])  # the table, without its heading
    head = f"Measured by `python benchmarks/compare.py` on {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores:"
    tail = "Every row and the commands: [benchmarks/README.md](benchmarks/README.md)."
    replace_between(TOP_README, TOP_START, TOP_END, f"{head}\n\n{summary}\n\n{tail}\n")


def replace_between(path: Path, start: str, end: str, body: str) -> None:
    text = path.read_text(encoding="utf-8")
    if start not in text or end not in text:
        return
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    path.write_text(f"{head}{start}\n{body}{end}{tail}", encoding="utf-8")


# --- main -----------------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=sorted(TARGETS), help="Measure one project only.")
    parser.add_argument("--repeat", type=int, default=1, help="Runs per row; the fastest is kept (default 1).")
    parser.add_argument("--quick", action="store_true", help="Skip pylint, Fixit and ruff ALL.")
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"Markdown report (default {RESULTS}).")
    parser.add_argument("--at", metavar="REV", help="Measure simplelint as committed at this git revision.")
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    args.measured = describe(args.at)
    args.source = export(args.at) if args.at else snapshot()
    versions = ensure_peers()
    (WORK / "empty.pylintrc").write_text("")
    print("\n".join(f"{name} {version}" for name, version in versions.items()), file=sys.stderr)
    sections: list[Section] = []
    for project in [args.only] if args.only else list(TARGETS):
        cwd = fetch(project)
        title = f"{project} {PINNED[project]}, {TARGETS[project]}/"
        sections.append(run_section(title, cwd, TARGETS[project], project_runs(project, args.quick), args))
        save(report(sections, versions, argv, args.measured + " (partial: the run is still going)"), args)
    if not args.only and not args.quick:
        sections.append(run_section("a 100,000-line file", big_file(), BIG_FILE, big_file_runs(), args))
    if args.only in (None, ONE_FILE[0]):
        args.repeat = max(args.repeat, 5)
        title = f"one file, as pre-commit runs it: {ONE_FILE[1]} (best of {args.repeat})"
        cwd = fetch(ONE_FILE[0])
        try:
            sections.append(run_section(title, cwd, ONE_FILE[1], one_file_runs(ONE_FILE[1]), args))
        finally:
            unedit(cwd / ONE_FILE[1])
    text = report(sections, versions, argv, args.measured)
    save(text, args)
    if not args.only and not args.quick and args.output == RESULTS:
        update_readme(text)
    print(text)


def save(text: str, args: argparse.Namespace) -> None:
    """Written after each section too, so a long run that is stopped still leaves its figures."""
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
