"""SL0xx: findings about a file as a whole, raised by the engine rather than by a visitor."""

from __future__ import annotations

from simplelint.ruleinfo import Invalid, RuleInfo, Valid


class InvalidSyntax(RuleInfo):
    """
    ## What it does
    Reports a file that does not parse, at the line and column where parsing failed.

    ## Why is this bad?
    No other rule can check a file that does not parse, so its other findings stay hidden until it does.
    This finding cannot be suppressed with `# noqa`.

    ## Example
    ```python
    def broken(:
        pass
    ```

    ## Use instead
    Fix the syntax error; `python -m py_compile FILE` gives the interpreter's view of it.
    """

    code = "SL001"
    name = "invalid-syntax"
    summary = "The file does not parse"
    VALID = ["x = 1\n"]
    INVALID = [Invalid("def broken(:\n    pass\n", count=1, message="SyntaxError")]


class UnreadableFile(RuleInfo):
    """
    ## What it does
    Reports a file that cannot be read or decoded: an I/O error, or bytes that are not valid UTF-8 in a file
    without a PEP 263 encoding declaration.

    ## Why is this bad?
    Python itself refuses to import such a file.

    ## Example
    A file saved as Latin-1 with no `# -*- coding: latin-1 -*-` line.

    ## Use instead
    Save the file as UTF-8, or declare its encoding on the first or second line.
    """

    code = "SL002"
    name = "unreadable-file"
    summary = "The file cannot be read or decoded"
    VALID = [Valid("# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n")]


class UnusedNoqa(RuleInfo):
    """
    ## What it does
    Reports `# noqa` comments that suppress nothing: no finding of the named codes (or of any code, for a
    bare `# noqa`) is on that line. Codes of other tools (e.g. flake8's `E501`) are left alone.

    ## Why is this bad?
    A stale suppression hides the next real finding on that line and misleads readers.

    ## Example
    ```python
    x = 1  # noqa: SL201
    ```

    ## Use instead
    ```python
    x = 1
    ```

    ## Options
    Off by default; enable with `--report-unused-noqa`, `--extend-select SL003` or in `extend-select`.
    """

    code = "SL003"
    name = "unused-noqa"
    summary = "A `# noqa` comment suppresses nothing"
    default_enabled = False
    INVALID = [Invalid("x = 1  # noqa: SL201\n", count=1, message="Unused `noqa`")]
    VALID = ["x = 1  # noqa: E501\n"]


class NestingLimit(RuleInfo):
    """
    ## What it does
    Reports a file whose code is nested so deeply (200 nested brackets, 1,000 unary operators, 1,000
    attributes, calls or subscripts in a row, or 3,000 binary operators in a row) that LibCST's parser would
    overflow or take minutes on it. The file is skipped; the other files are still checked.

    ## Why is this bad?
    CPython itself refuses to compile most such code, and no reader can follow it.

    ## Example
    An expression of a thousand nested unary minus signs or brackets, usually machine-generated.

    ## Use instead
    Build the value in steps, or load generated data from a data file.
    """

    code = "SL004"
    name = "nesting-limit"
    summary = "Code is nested too deeply to analyse"


class UnsupportedSyntax(RuleInfo):
    """
    ## What it does
    Reports a file that CPython compiles but LibCST, which simplelint parses with, cannot parse: for
    example a form feed at the start of a line before an indented block. The file is skipped; the other
    files are still checked.

    ## Why is this bad?
    Nothing is wrong with the code; simplelint cannot check it, and says so rather than calling it a syntax
    error or passing it silently.

    ## Example
    ```python
    def f(x):
    \x0c    if x:
            return 1
    ```

    ## Use instead
    Remove the unusual character (here the form feed), or exclude the file.
    """

    code = "SL005"
    name = "unsupported-syntax"
    summary = "LibCST cannot parse this valid Python"


class AnalysisTimeout(RuleInfo):
    """
    ## What it does
    Reports a file whose analysis took longer than its time budget: the process checking it is stopped, so
    that no single file holds the run for minutes. The file is skipped; the other files are still checked.

    ## Why is this bad?
    It is a problem of simplelint (or of LibCST's parser) with this file, not of the code. A budget of 20
    seconds plus one second for each 20 KB of the file is generous: files usually take milliseconds.

    ## Example
    Machine-generated code with a construct LibCST's parser handles in more than linear time.

    ## Use instead
    Please report the file. Exclude it meanwhile, or raise the budget with `--file-timeout SECONDS`
    (0 turns the budget off).
    """

    code = "SL006"
    name = "analysis-timeout"
    summary = "Analysing this file took longer than its time budget"


# Problems with the file itself: reported whatever the selection, since the file was not checked.
FILE_LEVEL = frozenset({"SL001", "SL002", "SL004", "SL005", "SL006"})

RULES = [InvalidSyntax, UnreadableFile, UnusedNoqa, NestingLimit, UnsupportedSyntax, AnalysisTimeout]
