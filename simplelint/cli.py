"""Command line: `check`, `rules`, `explain`, `baseline`, `report`, `verify-imports`. Exit codes: 0 clean,
1 findings, 2 usage/config/internal error."""

from __future__ import annotations

import errno
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Callable, NamedTuple, Optional, TextIO, TypedDict

import click

from simplelint import __version__
from simplelint.output import FORMATS
from simplelint.wording import plural

if TYPE_CHECKING:  # the modules themselves are imported when needed: `--version` and `rules` start fast
    from typing_extensions import Unpack  # typing's from Python 3.11

    from simplelint.adoption.baseline import Entry, LineReader, Outcome
    from simplelint.adoption.changed_lines import ChangedLines
    from simplelint.config.nearest import Configs
    from simplelint.config.settings import Settings
    from simplelint.engine.violation import Violation
    from simplelint.engine.result import FileResult
    from simplelint.output import ReportContext
    from simplelint.run.runner import RunResult


class Options(TypedDict, total=False):
    """The commands' options as click passes them (`baseline` and `report` take only some of them)."""

    paths: tuple[str, ...]
    select: tuple[str, ...]
    extend_select: tuple[str, ...]
    ignore: tuple[str, ...]
    per_file_ignores: tuple[str, ...]
    fix: bool
    unsafe_fixes: bool
    diff: bool
    fix_only: bool
    show_fixes: bool
    exit_non_zero_on_fix: bool
    add_noqa: bool
    output_format: str
    output_file: Optional[str]
    config: tuple[str, ...]
    isolated: bool
    exit_zero: bool
    statistics: bool
    quiet: bool
    silent: bool
    verbose: bool
    force_exclude: bool
    stdin_filename: Optional[str]
    jobs: int
    no_cache: bool
    cache_dir: Optional[str]
    file_timeout: Optional[float]
    report_unused_noqa: bool
    color: str
    coverage_file: Optional[str]
    min_tests: Optional[int]
    baseline: Optional[str]
    update_baseline: bool
    diff_from: Optional[str]
    html_dir: str
    timeout: float
    show_settings: bool
    show_files: bool


Baseline = tuple[Path, dict[str, "Entry"]]  # the baseline file and its entries by fingerprint


class UsageFailure(click.ClickException):
    exit_code = 2

    def show(self, file: Optional[IO[Any]] = None) -> None:  # click's signature
        click.echo(f"error: {self.message}", err=True)


def _use_color(choice: str, stream: TextIO) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="simplelint", message="%(prog)s %(version)s")
@click.pass_context
def main(ctx: click.Context) -> None:
    """simplelint: simple, typed, tested Python, checked with LibCST."""
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help(), err=True)
        ctx.exit(2)


def _split(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


Decorator = Callable[[Callable[..., None]], Callable[..., None]]


class _Shared(NamedTuple):
    """An option `check`, `baseline` and `report` share, declared once: as `check` shows it, and as the
    other two do (a shorter help, or for `--baseline` another meaning)."""

    check: Decorator
    other: Decorator


def _shared(*decls: str, help: str, other_help: Optional[str] = None, **settings: Any) -> _Shared:
    """The option with `help` in `check` and `other_help` (the same unless given) in `baseline` and `report`."""
    other = help if other_help is None else other_help
    return _Shared(click.option(*decls, help=help, **settings), click.option(*decls, help=other, **settings))


# Not `readable`: an unreadable file is reported as SL002 (and a folder warned about), as met in a walk.
_PATHS = click.argument("paths", nargs=-1, type=click.Path(readable=False))
_SELECT = _shared(
    "--select",
    multiple=True,
    help="Rule codes, prefixes or names to enable (replaces the config's).",
    other_help="Rule codes, prefixes or names to enable.",
)
_EXTEND_SELECT = _shared("--extend-select", multiple=True, help="Rules to enable on top of the selection.")
_IGNORE = _shared("--ignore", multiple=True, help="Rules to disable.")
_PER_FILE_IGNORES = _shared("--per-file-ignores", multiple=True, help="GLOB:CODES, like the config's per-file-ignores.")
_CONFIG = _shared("--config", multiple=True, help="A config file, or a 'key = value' TOML override.")
_ISOLATED = _shared("--isolated", is_flag=True, help="Ignore all config files.")
_FORCE_EXCLUDE = _shared(
    "--force-exclude",
    is_flag=True,
    help="Apply excludes to files named on the command line too.",
    other_help="Apply excludes to files named on the command line.",
)
_JOBS = _shared(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    help="Worker processes (0: all cores).",
    other_help="Worker processes (0: all).",
)
_NO_CACHE = _shared("--no-cache", is_flag=True, help="Do not read or write the cache.")
_CACHE_DIR = _shared(
    "--cache-dir",
    type=click.Path(file_okay=False),
    help="Cache folder (default .simplelint_cache).",
    other_help="Cache folder.",
)
_COVERAGE = _shared(
    "--coverage",
    "coverage_file",
    type=click.Path(),
    help="coverage.py data (.coverage or JSON) for SL302.",
    other_help="coverage.py data for SL302.",
)
_BASELINE = _shared(
    "--baseline",
    type=click.Path(dir_okay=False),
    help="Report only findings not in this baseline file.",
    other_help="Where to write (default: config root).",
)


# The shared options `baseline` and `report` take after PATHS, in this order (their help lists them so).
_PROJECT_OPTIONS = (
    _SELECT, _EXTEND_SELECT, _IGNORE, _PER_FILE_IGNORES, _CONFIG, _ISOLATED, _FORCE_EXCLUDE, _JOBS, _NO_CACHE,
    _CACHE_DIR, _COVERAGE,
)  # fmt: skip


def _project_options(command: Callable[..., None]) -> Callable[..., None]:
    """PATHS and the path, selection and config options of `baseline` and `report` (as `check` names them)."""
    for option in reversed(_PROJECT_OPTIONS):
        command = option.other(command)
    return _PATHS(command)


# `check --help` lists its options under these headings, in this order, as ruff's does.
OPTION_GROUPS: dict[str, tuple[str, ...]] = {
    "Rule selection": ("select", "extend_select", "ignore", "per_file_ignores", "report_unused_noqa"),
    "Fixes": ("fix", "unsafe_fixes", "diff", "fix_only", "show_fixes", "exit_non_zero_on_fix"),
    "File selection": ("force_exclude", "stdin_filename", "show_files"),
    "Output": ("output_format", "output_file", "statistics", "quiet", "silent", "verbose", "color"),
    "Adoption": ("baseline", "update_baseline", "diff_from", "add_noqa"),
    "Miscellaneous": (
        "config", "isolated", "show_settings", "exit_zero", "jobs", "no_cache", "cache_dir", "file_timeout",
        "coverage_file", "min_tests", "help",
    ),
}  # fmt: skip
MISCELLANEOUS = "Miscellaneous"


class GroupedCommand(click.Command):
    """A command whose help lists its options by group (OPTION_GROUPS); an option no group names is shown
    under Miscellaneous (and fails tests/test_cli_flags.py until it is given a group)."""

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        group_of = {name: group for group, names in OPTION_GROUPS.items() for name in names}
        rows: dict[str, list[tuple[str, str]]] = {group: [] for group in OPTION_GROUPS}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx) if isinstance(param, click.Option) else None
            if record is not None:
                rows[group_of.get(param.name or "", MISCELLANEOUS)].append(record)
        for group, records in rows.items():
            if records:
                with formatter.section(group):
                    formatter.write_dl(records)


@main.command(cls=GroupedCommand)
@_PATHS
@_SELECT.check
@_EXTEND_SELECT.check
@_IGNORE.check
@_PER_FILE_IGNORES.check
@click.option("--fix", is_flag=True, help="Apply safe fixes.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply (and show) fixes that may change behaviour.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option("--fix-only", is_flag=True, help="Apply fixes and report nothing that remains (implies --fix); exit 0.")
@click.option("--show-fixes", is_flag=True, help="List the fixes applied (or, without --fix, available) per file.")
@click.option("--exit-non-zero-on-fix", is_flag=True, help="Exit 1 if any file was fixed, even if nothing remains.")
@click.option("--output-format", type=click.Choice(list(FORMATS)), default="full", show_default=True)
@click.option("-o", "--output-file", type=click.Path(dir_okay=False), help="Write the report to a file.")
@_CONFIG.check
@_ISOLATED.check
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported.")
@click.option("--statistics", is_flag=True, help="Print counts per rule instead of the findings.")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary.")
@click.option("-s", "--silent", is_flag=True, help="Print nothing; only the exit code tells.")
@click.option("-v", "--verbose", is_flag=True, help="Print notes and timings to stderr.")
@_FORCE_EXCLUDE.check
@click.option("--stdin-filename", help="The name to use for source read from stdin ('-').")
@_JOBS.check
@_NO_CACHE.check
@_CACHE_DIR.check
@click.option(
    "--file-timeout",
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    help="Stop analysing a file after this long (SL006); 0: never. Default: 20 s plus 1 s per 20 KB.",
)
@click.option("--report-unused-noqa", is_flag=True, help="Enable SL003: flag noqa comments that suppress nothing.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True)
@_COVERAGE.check
@click.option(
    "--min-tests",
    type=click.IntRange(min=1),
    metavar="N",
    help="SL302 with per-test coverage contexts: also report functions fewer than N tests ran.",
)
@_BASELINE.check
@click.option("--update-baseline", is_flag=True, help="Drop fixed findings from the baseline file (never adds).")
@click.option("--diff-from", metavar="REV", help="Report only findings on lines changed since git REV.")
@click.option("--show-settings", is_flag=True, help="Print the first file's settings and their config files.")
@click.option("--show-files", is_flag=True, help="Print the files that would be checked, and exit.")
@click.option("--add-noqa", is_flag=True, help="Add `# noqa: CODE` to every line with a finding; exit 0.")
def check(**options: Unpack[Options]) -> None:
    """Check PATHS (files or folders; '-' for stdin) and report findings."""
    start = time.perf_counter()
    code = _check(options)
    if options["verbose"]:
        click.echo(f"simplelint: finished in {time.perf_counter() - start:.2f}s", err=True)
    sys.exit(code)


def _shows_progress(options: Options) -> bool:
    """Only for a person at a terminal reading a human format: never in pipes, CI formats or with -q/-s."""
    human = options["output_format"] in ("full", "concise") and not (options["quiet"] or options["silent"])
    return human and sys.stderr.isatty() and not options["diff"]


class _Progress:
    """`simplelint: 120/879 files` on stderr, rewritten in place, once a run has taken PROGRESS_AFTER seconds."""

    AFTER = 1.0  # a run that ends sooner shows nothing
    EVERY = 0.1

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.shown = 0.0
        self.width = 0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.started < self.AFTER or now - self.shown < self.EVERY and done < total:
            return
        text = f"simplelint: {done:,}/{total:,} files"
        sys.stderr.write("\r" + text.ljust(self.width))
        sys.stderr.flush()
        self.shown, self.width = now, len(text)

    def clear(self) -> None:
        if self.width:
            sys.stderr.write("\r" + " " * self.width + "\r")
            sys.stderr.flush()


def _file_timeout(seconds: Optional[float]) -> Optional[float]:
    from simplelint.run.runner import AUTO_TIMEOUT

    if seconds is None:
        return AUTO_TIMEOUT
    return seconds or None  # 0: no budget


def _flags(options: Options) -> None:
    """`--fix-only` implies `--fix`; `--add-noqa` writes comments, so no fix may be written with it (ruff)."""
    if options["add_noqa"]:
        given = {"--fix": options["fix"], "--diff": options["diff"], "--fix-only": options["fix_only"]}
        for name in (name for name, value in given.items() if value):
            raise UsageFailure(f"--add-noqa cannot be used with {name}")
        if _reads_stdin(options):
            raise UsageFailure("--add-noqa writes to files; it cannot be used with standard input")
    if options["fix_only"]:
        options["fix"] = True


def _check(options: Options) -> int:
    from simplelint.run.discovery import explicitly_excluded
    from simplelint.run.runner import RunOptions, run

    _flags(options)
    configs, files = _load_all(options)
    if options["show_settings"] or options["show_files"]:
        return _show(options, configs, files)
    settings = configs.primary
    if options["verbose"]:
        _say_configs(configs, files)
    name = options["stdin_filename"]
    stdin = (name or "-", sys.stdin.buffer.read()) if _reads_stdin(options) else None
    if stdin and settings.force_exclude and name and explicitly_excluded(name, settings):
        if options["fix"] and not options["diff"]:
            # Editors and formatters replace the buffer with what is printed: the input, unchanged.
            sys.stdout.buffer.write(stdin[1])
            sys.stdout.flush()
        return 0
    baseline, touched = _baseline(options, settings), _changed_lines(options, settings)
    run_options = RunOptions(
        jobs=options["jobs"],
        fix=options["fix"],
        unsafe_fixes=options["unsafe_fixes"],
        diff=options["diff"],
        use_cache=not options["no_cache"],
        file_timeout=_file_timeout(options["file_timeout"]),
    )
    progress = _Progress() if _shows_progress(options) else None
    try:
        result = run(files, configs, run_options, stdin, progress)
    finally:
        if progress is not None:
            progress.clear()
    _adopt(result, options, baseline, touched, stdin)
    if options["add_noqa"]:
        return _add_noqa(result, options, settings)
    _gates(result, options, settings)
    changed = _write_fixes(result, options, stdin)
    _print_messages(result, options, settings)  # after the writes: a fix that cannot be written is an error
    _report(result, options, stdin, settings, changed)
    return _exit_code(result, options, changed)


def _add_noqa(result: RunResult, options: Options, settings: Settings) -> int:
    """Write `# noqa` comments for the findings reported; exit 0, or 2 when a file could not be written."""
    from simplelint.adoption.add_noqa import add_noqa

    added = add_noqa(result.violations, result.files, result.errors)
    _print_messages(result, options, settings)
    if added and not options["silent"]:
        click.echo(f"Added {plural(added, 'noqa directive')}.", err=True)
    return 2 if result.errors else 0


def _print_messages(result: RunResult, options: Options, settings: Settings) -> None:
    """Errors always, warnings unless --silent, notes under --verbose/--statistics: all on stderr."""
    messages = [f"error: {error}" for error in result.errors]
    if not options["silent"]:
        messages += [f"warning: {warning}" for warning in result.warnings]
    if options["verbose"] or options["statistics"]:
        messages += [f"note: {note}" for note in result.notes]
    if options["verbose"]:
        checked = f"{plural(len(result.files), 'file')} with {plural(len(settings.enabled), 'rule')}"
        messages.append(f"simplelint: checked {checked}")
    for message in messages:
        click.echo(message, err=True)


def _exit_code(result: RunResult, options: Options, changed: list[FileResult]) -> int:
    """2 on errors; with --diff, 1 when a file would change; else 1 for a finding of severity "error" (not for
    warnings), or with --exit-non-zero-on-fix for a file fixed; --fix-only reports no finding (ruff)."""
    if result.errors:
        return 2
    if options["diff"]:
        return 1 if changed else 0
    if options["exit_zero"]:
        return 0
    if options["exit_non_zero_on_fix"] and changed:
        return 1
    if options["fix_only"]:
        return 0
    return 1 if any(v.severity == "error" for v in result.violations) else 0


def _show(options: Options, configs: Configs, files: list[str]) -> int:
    """`--show-files` (the files, sorted, as shown in findings) or `--show-settings` (those of the first file)."""
    from simplelint.config.show import describe

    if options["show_files"]:
        for path in files:
            click.echo(path)
        return 0
    paths = [p for p in options["paths"] if p != "-"] or ["."]
    first = paths[0] if not os.path.isdir(paths[0]) else next(iter(files), paths[0])
    settings = configs.for_folder(first) if os.path.isdir(first) else configs.for_path(first)
    click.echo(describe(first, settings), nl=False)
    return 0


def _say_configs(configs: Configs, files: list[str]) -> None:
    """Under -v: the config (and the files it extends) each file uses, counted per config when several do."""
    from simplelint.config.show import origin
    from simplelint.run.discovery import display_path

    counts: dict[int, int] = {}
    for path in files:
        counts[id(configs.for_path(path))] = counts.get(id(configs.for_path(path)), 0) + 1
    used = [s for s in configs.all() if id(s) in counts] or [configs.primary]
    for settings in used:
        count = f" for {plural(counts[id(settings)], 'file')}" if len(used) > 1 else ""
        click.echo(f"simplelint: using {origin(settings)}{count}", err=True)
    if len(used) > 1:  # which file has which, as ruff's verbose log says
        for path in files:
            sources = configs.for_path(path).sources
            click.echo(f"simplelint: {path}: {display_path(str(sources[0])) if sources else 'defaults'}", err=True)


def _load_all(options: Options) -> tuple[Configs, list[str]]:
    """The settings of each file (its nearest config) and the files to check, shared by `check`, `baseline`
    and `report`."""
    from simplelint.config.load import CliOverrides, ConfigError, load_configs
    from simplelint.registry import UnknownSelector
    from simplelint.run.discovery import DiscoveryError, Said, discover

    try:
        os.getcwd()
    except FileNotFoundError:
        raise UsageFailure("the current directory no longer exists (was it deleted?); cd into one that does") from None
    paths = list(options["paths"]) or ["."]
    stdin_name = options.get("stdin_filename")
    use_stdin = _reads_stdin(options)
    config_anchor = [stdin_name] if use_stdin and stdin_name else paths
    if use_stdin:
        _ignored_for_stdin(paths, options)
        paths = []  # one source at a time: stdin's result and a file's of the same name would mix (as ruff)
    extend_select = _split(options["extend_select"]) + (["SL003"] if options.get("report_unused_noqa") else [])
    overrides = CliOverrides(
        select=_split(options["select"]) or None,
        extend_select=extend_select,
        ignore=_split(options["ignore"]),
        per_file_ignores=options["per_file_ignores"],
        config=(*options["config"], *_min_tests(options.get("min_tests"))),
        isolated=options["isolated"],
        force_exclude=options["force_exclude"],
        cache_dir=options["cache_dir"],
        coverage_file=options["coverage_file"],
        baseline=options.get("baseline"),
        compute_edits=options.get("output_format") in ("json", "json-lines", "sarif"),
        collectors=_collectors(options),
    )
    said = Said()
    try:
        configs = load_configs(config_anchor, overrides)
        files = discover([p for p in paths if p != "-"], configs, said)
        if use_stdin:
            configs.for_path(stdin_name or "-")  # its config's errors are usage errors too
    except (ConfigError, UnknownSelector, DiscoveryError) as error:
        raise UsageFailure(str(error)) from None
    for warning in said.warnings if not options.get("silent") else ():
        click.echo(f"warning: {warning}", err=True)
    for note in said.notes if options.get("verbose") else ():
        click.echo(f"note: {note}", err=True)
    return configs, files


def _collectors(options: Options) -> tuple[str, ...]:
    if options.get("output_format") != "html":
        return ()
    from simplelint.output.html_page import COLLECTORS

    return COLLECTORS


def _ignored_for_stdin(paths: list[str], options: Options) -> None:
    for path in paths if not options.get("silent") else ():
        if path not in ("-", "."):
            click.echo(f"warning: Ignoring file {path} in favor of standard input.", err=True)


def _reads_stdin(options: Options) -> bool:
    """`-` among the paths, or `--stdin-filename` given (as ruff)."""
    return "-" in options["paths"] or bool(options.get("stdin_filename"))


def _baseline(options: Options, settings: Settings) -> Optional[Baseline]:
    """The baseline file (`--baseline`, config `baseline`, or the default one if present) and its entries."""
    from simplelint.adoption import baseline

    path = settings.baseline
    if path is None and (settings.root / baseline.DEFAULT_NAME).is_file():
        path = settings.root / baseline.DEFAULT_NAME
    if path is None:
        if options["update_baseline"]:
            raise UsageFailure("--update-baseline: no baseline file; create one with `simplelint baseline`")
        return None
    try:
        return path, baseline.read(path)
    except baseline.BaselineError as error:
        raise UsageFailure(str(error)) from None


def _changed_lines(options: Options, settings: Settings) -> Optional[ChangedLines]:
    if not options["diff_from"]:
        return None
    from simplelint.adoption.changed_lines import GitError, changed_since

    anchor = next((p for p in options["paths"] if p != "-"), ".")
    try:
        return changed_since(options["diff_from"], anchor)
    except GitError as error:
        raise UsageFailure(str(error)) from None


def _adopt(
    result: RunResult,
    options: Options,
    baseline: Optional[Baseline],
    touched: Optional[ChangedLines],
    stdin: Optional[tuple[str, bytes]],
) -> None:
    """Hide baselined findings, then (with --diff-from) findings on untouched lines."""
    from simplelint.adoption.baseline import apply, folder_of
    from simplelint.adoption.changed_lines import keep_changed

    if baseline is not None:
        path, entries = baseline
        folder = folder_of(path)
        checked = [f.path for f in result.files]
        result.violations, outcome = apply(result.violations, entries, folder, checked, _lines_reader(stdin))
        _baseline_note(path, entries, outcome, options)
    if touched is not None:
        result.violations = keep_changed(result.violations, touched)


def _gates(result: RunResult, options: Options, settings: Settings) -> None:
    """A failed gate is a finding (after the baseline and --diff-from: a gate measures the whole run); a passed
    one is said under --verbose. Not measured when a rule's internal error left findings out."""
    from simplelint.adoption import gates

    if not settings.gates or result.measures is None or result.errors:
        return
    measures = result.measures
    failed = []
    for verdict in gates.evaluate(measures, settings.gates):
        if not verdict.passed:
            failed.append(gates.as_violation(verdict, measures))
        elif verdict.value is None and verdict.goal.key == "min-tested-share" and measures.judged is None:
            if not options["silent"]:  # a goal that cannot be measured must not pass unseen
                click.echo(f"warning: gate {verdict.line(measures)}", err=True)
        elif options["verbose"]:
            click.echo(f"simplelint: gate {verdict.line(measures)}", err=True)
    result.violations += failed


def _baseline_note(path: Path, entries: dict[str, Entry], outcome: Outcome, options: Options) -> None:
    from simplelint.adoption import baseline

    if options["verbose"]:
        click.echo(f"simplelint: {plural(outcome.hidden, 'finding')} hidden by the baseline {path}", err=True)
    improved = outcome.improved(entries)
    if options["update_baseline"]:
        try:
            left = baseline.update(path, entries, outcome)
        except OSError as error:
            raise UsageFailure(f"cannot update the baseline {path}: {error.strerror or error}") from None
        remain = "remains" if left == 1 else "remain"
        note = f"simplelint: removed {plural(outcome.fixed, 'fixed finding')} from {path}; {left} {remain}."
        if improved:
            note += f" Lowered {plural(improved, 'value')} of metric findings that improved."
    elif outcome.fixed or improved:
        note = _pending_note(path, outcome.fixed, improved)
    else:
        return
    if not options["silent"]:
        click.echo(note, err=True)


def _pending_note(path: Path, fixed: int, improved: int) -> str:
    """What --update-baseline would record: fixed findings to drop, improved metric values to lower."""
    parts, actions = [], []
    if fixed:
        was, them = ("was", "it") if fixed == 1 else ("were", "them")
        parts.append(f"{plural(fixed, 'baselined finding')} {was} fixed")
        actions.append(f"drop {them}")
    if improved:
        parts.append(f"{plural(improved, 'baselined metric finding')} improved")
        actions.append(f"lower {'its value' if improved == 1 else 'their values'}")
    where = "from" if fixed else "in"
    return (
        f"simplelint: {' and '.join(parts)}; "
        f"run `simplelint check --update-baseline` to {' and '.join(actions)} {where} {path}."
    )


def _write_fixes(result: RunResult, options: Options, stdin: Optional[tuple[str, bytes]]) -> list[FileResult]:
    """Write fixed files (or print the diff); returns the files changed (with --diff: that would change)."""
    changed = []
    for file in result.files:
        if file.new_source is None or not file.fixed:
            continue
        if _write_one(file, file.new_source, options, stdin, result.errors):
            changed.append(file)
        else:
            result.fixed -= file.fixed
    return changed


def _write_one(
    file: FileResult, new_source: bytes, options: Options, stdin: Optional[tuple[str, bytes]], errors: list[str]
) -> bool:
    """Write one fixed file (or print its diff); False when it stays as it was."""
    from simplelint.engine.result import digest

    from_stdin = stdin is not None and file.path == stdin[0]  # printed as the report, not written
    original = stdin[1] if stdin is not None and from_stdin else _read(file.path)
    if original is None or (not from_stdin and digest(original) != file.read_digest):
        # Writing (or showing a diff against) what was read would undo the change made since.
        errors.append(f"{file.path}: changed while simplelint was fixing it; not overwritten")
        return False
    if options["diff"]:
        click.echo(_unified_diff(file.path, original, new_source), nl=False)
        return True
    return from_stdin or _write_fixed(file.path, new_source, errors)


def _write_fixed(path: str, new_source: bytes, errors: list[str]) -> bool:
    from simplelint.fileio import write_atomic

    try:
        write_atomic(path, new_source)
    except OSError as error:
        errors.append(f"{path}: cannot write the fix ({error.strerror}); the file is unchanged")
        return False
    return True


def _read(path: str) -> Optional[bytes]:
    from simplelint.engine.result import read_source

    try:
        return read_source(path)
    except OSError:
        return None


def _unified_diff(path: str, before: bytes, after: bytes) -> str:
    from simplelint.fix.fixer import unified_diff

    return unified_diff(path, before, after)  # in the file's own encoding


def _lines_reader(stdin: Optional[tuple[str, bytes]]) -> LineReader:
    cache: dict[str, list[str]] = {}

    def read(path: str) -> list[str]:
        if path not in cache:
            data = stdin[1] if stdin and path == stdin[0] else (_read(path) or b"")
            cache[path] = data.decode("utf-8", "replace").splitlines()
        return cache[path]

    return read


def _cell_reader(stdin: Optional[tuple[str, bytes]]) -> Callable[[Violation], list[str]]:
    """A notebook finding's cell's lines, for `full` output (from the notebook as it is now: fixed, if it was)."""
    from simplelint.engine.notebook import cell_lines

    def read(violation: Violation) -> list[str]:
        data = stdin[1] if stdin and violation.path == stdin[0] else _read(violation.path)
        return cell_lines(data or b"", violation.cell or 0)

    return read


def _report(
    result: RunResult,
    options: Options,
    stdin: Optional[tuple[str, bytes]],
    settings: Settings,
    changed: list[FileResult],
) -> None:
    from simplelint.output import ReportContext

    fixing_stdin = stdin is not None and (options["fix"]) and not options["diff"]
    out_path = options["output_file"]
    stream = sys.stderr if fixing_stdin else sys.stdout
    context = ReportContext(
        color=not out_path and _use_color(options["color"], stream),
        read_lines=_lines_reader(stdin),
        fixed=result.fixed,
        unsafe_fixes=options["unsafe_fixes"],
        root=str(settings.root),
        files=result.files,
        settings=settings,
        read_cell=_cell_reader(stdin),
        measures=result.measures,
    )
    if fixing_stdin and stdin is not None:
        fixed = next((f.new_source for f in result.files if f.path == stdin[0] and f.new_source), stdin[1])
        sys.stdout.buffer.write(fixed)
        sys.stdout.flush()
    if options["silent"] or options["diff"]:
        return
    text = _report_text(result, options, context, changed)
    if out_path:
        _write_report(Path(out_path), text)
    else:
        click.echo(text, nl=False, err=fixing_stdin, color=context.color)


def _report_text(result: RunResult, options: Options, context: ReportContext, changed: list[FileResult]) -> str:
    from simplelint.output import renderer

    fmt = options["output_format"]
    shown = [] if options["fix_only"] else result.violations  # --fix-only: what remains is not reported
    if options["statistics"]:
        from simplelint.output.text import statistics

        text = statistics(shown, context)
    else:
        text = renderer(fmt)(shown, context)
    if fmt in ("full", "concise") and not options["quiet"]:
        if options["show_fixes"]:
            text += _fix_listing(result, options, changed)
        text += _fix_only_summary(result) if options["fix_only"] else _summary(result, options)
    return text


def _write_report(path: Path, text: str) -> None:
    """`-o` creates missing folders, as ruff does; a path that cannot be written is a usage error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageFailure(f"cannot write {path}: {error.strerror or error}") from None


def _fix_listing(result: RunResult, options: Options, changed: list[FileResult]) -> str:
    """`--show-fixes`, as ruff prints it: "Fixed N errors:", then per file `- path:` and `count × CODE (name)`
    by count; without --fix, the fixes available ("Would fix N errors:")."""
    from simplelint.output.common import shown_path
    from simplelint.registry import catalog

    applied = options["fix"] and not options["diff"]
    per_file = {file.path: dict(file.fixed_codes) for file in changed} if applied else _available(result, options)
    total = sum(sum(counts.values()) for counts in per_file.values())
    if not total:
        return ""
    width = len(str(max(count for counts in per_file.values() for count in counts.values())))
    lines = ["", f"{'Fixed' if applied else 'Would fix'} {plural(total, 'error')}:"]
    for path in sorted(per_file):
        lines.append(f"- {shown_path(path)}:")
        for code, count in sorted(per_file[path].items(), key=lambda item: (-item[1], item[0])):
            name = catalog()[code].name if code in catalog() else code
            lines.append(f"    {count:>{width}} × {code} ({name})")
    return "\n".join(lines) + "\n\n"


def _available(result: RunResult, options: Options) -> dict[str, dict[str, int]]:
    """Per file, per code: how many of the findings reported have a fix that --fix would apply."""
    per_file: dict[str, dict[str, int]] = {}
    for violation in result.violations:
        if violation.fix is not None and (violation.fix.safe or options["unsafe_fixes"]):
            counts = per_file.setdefault(violation.path, {})
            counts[violation.code] = counts.get(violation.code, 0) + 1
    return per_file


def _fix_only_summary(result: RunResult) -> str:
    """`--fix-only` says what it fixed, as ruff does; nothing when there was nothing to fix."""
    return f"Fixed {plural(result.fixed, 'error')}.\n" if result.fixed else ""


def _summary(result: RunResult, options: Options) -> str:
    remaining = len(result.violations)
    warnings = sum(1 for v in result.violations if v.severity == "warning")
    if warnings:
        # Warnings are counted apart: they are printed but do not fail the run.
        errors = plural(remaining - warnings, "error")
        both = f"{errors} and {plural(warnings, 'warning')}"
        if options["fix"] and result.fixed:
            return f"Fixed {plural(result.fixed, 'error')}; {both} remaining.\n"
        head = f"Found {both}."
    elif options["fix"] and result.fixed:
        return f"Found {plural(remaining + result.fixed, 'error')} ({result.fixed} fixed, {remaining} remaining).\n"
    elif not remaining:
        return "All checks passed!\n"
    else:
        head = f"Found {plural(remaining, 'error')}."
    lines = [head]
    safe = sum(1 for v in result.violations if v.fix and v.fix.safe)
    unsafe = sum(1 for v in result.violations if v.fix and not v.fix.safe)
    if options["unsafe_fixes"]:
        safe, unsafe = safe + unsafe, 0
    if safe:
        lines.append(f"[*] {safe} fixable with the `--fix` option.")
    if unsafe:
        hidden = plural(unsafe, "hidden fix", "hidden fixes")
        lines.append(f"({hidden} can be enabled with the `--unsafe-fixes` option.)")
    return "\n".join(lines) + "\n"


def _run_all(options: Options) -> tuple[Settings, RunResult]:
    """Check the paths with no baseline or diff filter; internal errors are printed (the caller exits 2)."""
    from simplelint.run.runner import RunOptions, run

    configs, files = _load_all(options)
    settings = configs.primary
    result = run(files, configs, RunOptions(jobs=options["jobs"], use_cache=not options["no_cache"]))
    for error in result.errors:
        click.echo(f"error: {error}", err=True)
    return settings, result


@main.command("baseline")
@_project_options
@_BASELINE.other
def baseline_command(**options: Unpack[Options]) -> None:
    """Record every current finding of PATHS in a baseline file; `check` then reports only new ones.

    Findings of files not checked this time keep their entries in an existing baseline.
    """
    from simplelint.adoption import baseline

    settings, result = _run_all(options)
    path = settings.baseline or settings.root / baseline.DEFAULT_NAME
    try:
        count = baseline.create(path, result.violations, [f.path for f in result.files], _lines_reader(None))
    except (OSError, baseline.BaselineError) as error:
        raise UsageFailure(f"cannot write the baseline {path}: {error}") from None
    checked = f"{len(result.violations)} in the {plural(len(result.files), 'file')} checked"
    click.echo(f"Wrote {path}: {plural(count, 'finding')} baselined ({checked}).")
    # A rule's internal error leaves its findings in those files out of the baseline: written, but exit 2.
    sys.exit(2 if result.errors else 0)


@main.command()
@_project_options
@click.option("--html", "html_dir", required=True, type=click.Path(file_okay=False), help="Write DIR/index.html.")
def report(**options: Unpack[Options]) -> None:
    """Write a health report of PATHS: one self-contained HTML page at DIR/index.html."""
    from simplelint.output import ReportContext
    from simplelint.output.html import render

    settings, result = _run_all({**options, "output_format": "html"})
    context = ReportContext(
        read_lines=_lines_reader(None), root=str(settings.root), files=result.files, settings=settings,
        measures=result.measures,
    )
    target = Path(options["html_dir"]) / "index.html"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(result.violations, context), encoding="utf-8")
    except OSError as error:
        raise UsageFailure(f"cannot write {target}: {error.strerror or error}") from None
    click.echo(f"Wrote {target}: {plural(len(result.violations), 'finding')} in {plural(len(result.files), 'file')}.")
    sys.exit(2 if result.errors else 0)


@main.command("verify-imports")
@_project_options
@click.option(
    "--timeout", type=click.FloatRange(min=0, min_open=True), default=60, show_default=True, metavar="SECONDS",
    help="Stop importing a module after this long (reported, as a module that fails to import is).",
)  # fmt: skip
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-o", "--output-file", type=click.Path(dir_okay=False), help="Write the report to a file.")
def verify_imports(**options: Unpack[Options]) -> None:
    """Import each production module of PATHS in a fresh interpreter and report the banned modules it loads,
    with the import chain, and whether the static rules (SL401-SL403) found them. Exit 1 when one loads."""
    import dataclasses

    from simplelint.rules.production import verify
    from simplelint.run.runner import RunOptions, available_cpus, run

    # Each file is judged by its nearest config (production globs, contracts, `src`, `python`), as in `check`.
    configs, files = _load_all(options)
    found = verify.targets(files, configs)
    if not found:
        click.echo("note: no file is production code or under a contract: nothing to import", err=True)
        sys.exit(0)
    static = configs.mapped(lambda settings: dataclasses.replace(settings, enabled=settings.enabled & verify.STATIC))
    result = run(files, static, RunOptions(jobs=options["jobs"], use_cache=not options["no_cache"]))
    for error in result.errors:
        click.echo(f"error: {error}", err=True)
    python = " and ".join(dict.fromkeys(target.python for target in found))
    jobs = options["jobs"] or available_cpus()
    outcomes = verify.verify(found, result.violations, options["timeout"], jobs)
    json_output = options["output_format"] == "json"
    text = verify.render_json(outcomes) if json_output else verify.render_text(outcomes, python)
    if options["output_file"]:
        _write_report(Path(options["output_file"]), text)
    else:
        click.echo(text, nl=False)
    sys.exit(1 if any(outcome.loaded for outcome in outcomes) else 0)


@main.command()
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules(output_format: str) -> None:
    """List every rule: code, name, family, fixable, default on/off."""
    import json

    from simplelint import registry

    rows = []
    for code, rule in registry.all_rules().items():
        family = registry.family_of(code)
        rows.append(
            {
                "code": code,
                "name": rule.name,
                "family": family.name if family else "plugin",
                "fixable": rule.fixable,
                "default": rule.default_enabled,
                "summary": rule.summary,
            }
        )
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    width = max(len(str(row["name"])) for row in rows) + 1
    for row in rows:
        fix = "fix" if row["fixable"] else "   "
        on = "on " if row["default"] else "off"
        click.echo(f"{row['code']}  {row['name']:<{width}}{row['family']:<19} {fix}  {on}  {row['summary']}")


def _min_tests(value: Optional[int]) -> list[str]:
    """`--min-tests N` is the option `min-tests` of [tool.simplelint.tests], as `--config` would set it."""
    return [f"tests.min-tests = {value}"] if value is not None else []


@main.command()
@click.argument("code")
@click.option(
    "--coverage",
    "coverage_file",
    type=click.Path(),
    help="With FILE::FUNCTION: the coverage.py data that says which tests ran it.",
)
def explain(code: str, coverage_file: Optional[str]) -> None:
    """Print the documentation of one rule (by code or name), or, for FILE::FUNCTION, which tests ran that
    function according to coverage data (SL301's static verdict without data)."""
    from simplelint import registry

    if "::" in code:
        from simplelint.rules.untested.explain import explain_function

        try:
            click.echo(explain_function(code, coverage_file))
        except ValueError as error:
            raise UsageFailure(str(error)) from None
        return
    try:
        codes = registry.expand(code)
    except registry.UnknownSelector:
        close = registry.suggest(code)
        hint = f" Did you mean `{close}`?" if close else ""
        raise UsageFailure(f"Unknown rule '{code}'.{hint} Run `simplelint rules` to list them.") from None
    if len(codes) != 1:
        raise UsageFailure(f"'{code}' matches {len(codes)} rules; give one code, e.g. {min(codes)}.")
    click.echo(registry.explanation(next(iter(codes))))


@main.command()
def server() -> None:
    """Run the language server (LSP over stdio) for editors: see the README's "Editors" section."""
    try:
        from simplelint.server.app import start
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] not in ("pygls", "lsprotocol"):
            raise
        click.echo("error: `simplelint server` needs the server extra: pip install 'simplelint[server]'", err=True)
        sys.exit(2)
    start()


# What a write to stdout raises when the output cannot be taken: a full disk, an I/O error, a quota.
_OUTPUT_ERRORS = frozenset({errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG})


def run() -> None:
    """Console-script entry point: a closed pipe (`simplelint check | head`) ends quietly; output that
    cannot be written (`> /dev/full`) is an error, exit 2, as `-o FILE` is."""
    try:
        try:
            main()
        finally:
            sys.stdout.flush()  # what is still buffered fails here, not in the interpreter's shutdown
    except BrokenPipeError:
        _drop_stdout()
        sys.exit(1)
    except OSError as error:
        if error.errno not in _OUTPUT_ERRORS:
            raise
        _drop_stdout()
        click.echo(f"error: cannot write output: {error.strerror}", err=True)
        sys.exit(2)


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's final flush has nowhere to fail."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
