"""`simplelint server`: the real server, started over stdio, driven by pytest-lsp's LSP client."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from pathlib import Path
from typing import AsyncIterator, Callable, Optional, Sequence

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from simplelint.engine.violation import Violation
from simplelint.server.actions import whole_edit
from simplelint.server.documents import moved
from simplelint.server.positions import UTF16, UTF32, Lines, negotiate

FIXTURES = Path(__file__).parent.parent / "fixtures"
SERVER = [sys.executable, "-m", "simplelint", "server"]
# The server with `analyse` broken for one file name: an internal error in one document.
FAULTY = [
    sys.executable,
    "-c",
    "import sys, simplelint.engine.analysis as engine\n"
    "real = engine.analyse\n"
    "def analyse(path, *args, **kwargs):\n"
    "    if path.endswith('boom.py'):\n"
    "        raise RuntimeError('boom')\n"
    "    return real(path, *args, **kwargs)\n"
    "engine.analyse = analyse\n"
    "from simplelint.cli import run\n"
    "sys.argv = ['simplelint', 'server']\n"
    "run()\n",
]
# How long a test waits for what the server should send before failing (a guard against hanging, not a
# timing expectation: a loaded 2-core machine can be slow).
PATIENCE = 60.0

CLEAN = "def add(a: int, b: int) -> int:\n    return a + b\n"
KEYS = "def has(x: str, d: dict[str, int]) -> bool:\n    return x in d.keys()\n"


async def _shut_down(client: LanguageClient) -> None:
    if client._server is not None and client._server.returncode is None:  # not shut down by the test itself
        await client.shutdown_session()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    yield
    await _shut_down(lsp_client)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=FAULTY))
async def faulty(lsp_client: LanguageClient) -> AsyncIterator[None]:
    yield
    await _shut_down(lsp_client)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small project: one module, one test file, its own config."""
    (tmp_path / "pyproject.toml").write_text("[tool.simplelint]\n", encoding="utf-8")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "pkg" / "mod.py").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_mod.py").write_text(
        "from pkg.mod import add\n\n\ndef test_add() -> None:\n    assert add(1, 2) == 3\n", encoding="utf-8"
    )
    return tmp_path


@pytest.fixture
def pipeline(tmp_path: Path) -> Path:
    root = tmp_path / "pipeline_project"
    shutil.copytree(FIXTURES / "pipeline_project", root)
    return root


async def initialize(
    client: LanguageClient, root: Optional[Path], encodings: Sequence[str] = (UTF16,)
) -> types.InitializeResult:
    capabilities = types.ClientCapabilities(
        general=types.GeneralClientCapabilities(position_encodings=list(encodings)),
        text_document=types.TextDocumentClientCapabilities(
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True)
        ),
    )
    folders = [types.WorkspaceFolder(uri=root.as_uri(), name=root.name)] if root else []
    params = types.InitializeParams(capabilities=capabilities, workspace_folders=folders)
    return await client.initialize_session(params)


def open_document(client: LanguageClient, path: Path, text: Optional[str] = None) -> str:
    uri = path.as_uri()
    text = path.read_text(encoding="utf-8") if text is None else text
    item = types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))
    return uri


def change_document(client: LanguageClient, uri: str, version: int, text: str) -> None:
    """Replace the whole buffer (a change without a range)."""
    document = types.VersionedTextDocumentIdentifier(uri=uri, version=version)
    change = types.TextDocumentContentChangeWholeDocument(text=text)
    client.text_document_did_change(types.DidChangeTextDocumentParams(text_document=document, content_changes=[change]))


def save_document(client: LanguageClient, path: Path, version: int, text: str) -> None:
    """Edit an open document's buffer, then save it, as an editor does."""
    change_document(client, path.as_uri(), version, text)
    path.write_text(text, encoding="utf-8")
    identifier = types.TextDocumentIdentifier(uri=path.as_uri())
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=identifier))


Check = Callable[[Sequence[types.Diagnostic]], bool]


async def until(check: Callable[[], bool], what: Callable[[], str]) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PATIENCE
    while not check():
        if loop.time() > deadline:
            raise AssertionError(what())
        await asyncio.sleep(0.05)


async def diagnostics(client: LanguageClient, uri: str, check: Check = lambda found: True) -> list[types.Diagnostic]:
    """The diagnostics last published for `uri`, once they pass `check`."""

    def passes() -> bool:
        found = client.diagnostics.get(uri)
        return found is not None and check(found)

    await until(passes, lambda: f"no diagnostics for {uri} passed the check; last: {client.diagnostics.get(uri)}")
    return list(client.diagnostics[uri])


def position(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def codes(found: Sequence[types.Diagnostic]) -> list[str]:
    return [str(d.code) for d in found]


def has(code: str, line: Optional[int] = None) -> Check:
    return lambda found: any(d.code == code and (line is None or d.range.start.line == line) for d in found)


def lacks(code: str, text: str = "") -> Check:
    return lambda found: not any(d.code == code and text in d.message for d in found)


def apply(text: str, edits: Sequence[types.TextEdit]) -> str:
    """The text with LSP edits applied (ASCII text: columns are characters in every encoding)."""
    lines = text.splitlines(keepends=True) + [""]

    def offset(position: types.Position) -> int:
        return sum(len(line) for line in lines[: position.line]) + position.character

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


def edits_of(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    assert action.edit is not None
    if action.edit.changes is not None:
        return list(action.edit.changes[uri])
    assert action.edit.document_changes is not None
    changes = [change for change in action.edit.document_changes if isinstance(change, types.TextDocumentEdit)]
    return [edit for change in changes for edit in change.edits]


async def code_actions(
    client: LanguageClient, uri: str, where: types.Range, only: Optional[list[str]] = None
) -> list[types.CodeAction]:
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=where,
        context=types.CodeActionContext(diagnostics=[], only=only),
    )
    found = await client.text_document_code_action_async(params)
    return [action for action in found or [] if isinstance(action, types.CodeAction)]


# "🐍" is one character but two UTF-16 code units: what follows it is one column further in UTF-16.
SNAKE = "S = '🐍'; B = 1 in {}.keys()\n"


async def test_initialize_declares_what_the_server_does(client: LanguageClient, project: Path) -> None:
    result = await initialize(client, project, encodings=[UTF16, UTF32])
    capabilities = result.capabilities
    assert result.server_info is not None and result.server_info.name == "simplelint"
    assert capabilities.position_encoding == UTF32  # preferred whenever offered: columns are characters
    assert capabilities.hover_provider
    assert isinstance(capabilities.code_action_provider, types.CodeActionOptions)
    assert "source.fixAll.simplelint" in (capabilities.code_action_provider.code_action_kinds or [])
    sync = capabilities.text_document_sync
    assert isinstance(sync, types.TextDocumentSyncOptions)
    assert sync.change == types.TextDocumentSyncKind.Incremental and sync.save
    uri = open_document(client, project / "pkg" / "mod.py", SNAKE)
    found = await diagnostics(client, uri, has("SL116"))
    assert next(d for d in found if d.code == "SL116").range.start.character == 18


async def test_diagnostics_come_from_the_buffer_not_the_file(client: LanguageClient, project: Path) -> None:
    await initialize(client, project)  # UTF-16 only
    path = project / "pkg" / "mod.py"  # clean on disk
    uri = open_document(client, path, KEYS)
    found = await diagnostics(client, uri, has("SL116"))
    keys = next(d for d in found if d.code == "SL116")
    assert keys.source == "simplelint"
    assert keys.severity == types.DiagnosticSeverity.Warning
    assert keys.range == types.Range(start=position(1, 16), end=position(1, 24))
    assert keys.data == {"fixable": True, "fix": "Remove `.keys()`", "applicability": "safe"}
    change_document(client, uri, 2, CLEAN)  # fixed in the buffer: the diagnostics go
    await diagnostics(client, uri, lambda found: not found)
    snake = open_document(client, project / "pkg" / "snake.py", SNAKE)  # not on disk at all
    found = await diagnostics(client, snake, has("SL116"))
    assert next(d for d in found if d.code == "SL116").range.start.character == 19


async def test_quick_fix_edit_applied(client: LanguageClient, project: Path) -> None:
    await initialize(client, project)
    text = KEYS + "\n\ndef none(x: int) -> bool:\n    return x == None\n"
    uri = open_document(client, project / "pkg" / "mod.py", text)
    found = await diagnostics(client, uri, lambda found: has("SL116")(found) and has("SL111")(found))
    actions = await code_actions(client, uri, next(d for d in found if d.code == "SL116").range)
    fix = next(a for a in actions if a.title == "simplelint (SL116): Remove `.keys()`")
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    assert apply(text, edits_of(fix, uri)) == text.replace("d.keys()", "d")
    actions = await code_actions(client, uri, next(d for d in found if d.code == "SL111").range)
    unsafe = next(a for a in actions if a.title.startswith("simplelint (SL111)"))
    assert unsafe.title.endswith("(unsafe)") and not unsafe.is_preferred
    assert apply(text, edits_of(unsafe, uri)) == text.replace("x == None", "x is None")


async def test_fix_all(client: LanguageClient, project: Path) -> None:
    await initialize(client, project)
    text = (
        "def pick(x: str, d: dict[str, int], flag: bool) -> bool:\n"
        "    if x in d.keys():\n"
        "        return not not flag\n"
        "    return x == None\n"  # unsafe fix: left alone
    )
    uri = open_document(client, project / "pkg" / "mod.py", text)
    await diagnostics(client, uri, has("SL120"))
    everything = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=4, character=0))
    actions = await code_actions(client, uri, everything, only=["source.fixAll"])
    assert [a.kind for a in actions] == ["source.fixAll.simplelint"]
    fixed = apply(text, edits_of(actions[0], uri))
    assert fixed == text.replace("d.keys()", "d").replace("not not flag", "bool(flag)")


async def test_noqa_action(client: LanguageClient, project: Path) -> None:
    await initialize(client, project)
    text = (
        "def has(x: str, d: dict[str, int]) -> bool:\n"
        "    return x in d.keys()\n"
        "\n"
        "\n"
        "def other(x: str, d: dict[str, int]) -> bool:\n"
        "    return x in d.keys()  # noqa: E501\n"
        "\n"
        "\n"
        "TEXT = (1 in {}.keys(), '''\n"
        "''')\n"
    )
    uri = open_document(client, project / "pkg" / "mod.py", text)
    found = await diagnostics(client, uri, lambda found: codes(found).count("SL116") == 3)
    titles_by_line = {}
    for diagnostic in found:
        actions = await code_actions(client, uri, diagnostic.range, only=["quickfix"])
        noqa = [a for a in actions if a.title == "Disable SL116 for this line"]
        titles_by_line[diagnostic.range.start.line] = noqa
    fixed = apply(text, edits_of(titles_by_line[1][0], uri))
    fixed = apply(fixed, edits_of(titles_by_line[5][0], uri))
    assert "    return x in d.keys()  # noqa: SL116\n" in fixed
    assert "    return x in d.keys()  # noqa: E501, SL116\n" in fixed
    change_document(client, uri, 2, fixed)
    await diagnostics(client, uri, lambda found: [d.range.start.line for d in found] == [8])
    # The line ends inside a string, where no comment can go: the noqa goes where the string ends.
    fixed = apply(fixed, edits_of(titles_by_line[8][0], uri))
    assert fixed.endswith("TEXT = (1 in {}.keys(), '''\n''')  # noqa: SL116\n")
    change_document(client, uri, 3, fixed)
    await diagnostics(client, uri, lambda found: not found)


async def test_hover_explains_the_rule(client: LanguageClient, project: Path) -> None:
    await initialize(client, project)
    uri = open_document(client, project / "pkg" / "mod.py", KEYS)
    found = await diagnostics(client, uri, has("SL116"))
    where = next(d for d in found if d.code == "SL116").range
    params = types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=where.start)
    hover = await client.text_document_hover_async(params)
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value.startswith("# in-dict-keys (SL116)")
    assert "## What it does" in hover.contents.value
    assert hover.range == where
    away = types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position(0, 0))
    assert await client.text_document_hover_async(away) is None


@pytest.mark.slow
async def test_saving_or_creating_a_test_file_clears_sl301_elsewhere(client: LanguageClient, pipeline: Path) -> None:
    await initialize(client, pipeline)
    daily = open_document(client, pipeline / "src" / "shop" / "pipelines" / "daily.py")
    await diagnostics(client, daily, lambda found: any("`totals`" in d.message for d in found if d.code == "SL301"))
    test_file = pipeline / "tests" / "test_frames.py"
    open_document(client, test_file)
    calls = test_file.read_text(encoding="utf-8") + (
        "\n\ndef test_totals() -> None:\n    from shop.pipelines.daily import totals\n\n    assert totals('x.csv')\n"
    )
    save_document(client, test_file, 2, calls)
    found = await diagnostics(client, daily, lacks("SL301", "`totals`"))
    assert any("`upload`" in d.message for d in found if d.code == "SL301")  # the rest is still untested
    # A test written outside the editor (a checkout, a generator): the client's file watcher reports it.
    created = pipeline / "tests" / "test_upload.py"
    test = "from shop.pipelines.daily import upload\n\n\ndef test_upload() -> None:\n    upload\n"
    created.write_text(test, encoding="utf-8")
    event = types.FileEvent(uri=created.as_uri(), type=types.FileChangeType.Created)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[event]))
    await diagnostics(client, daily, lacks("SL301", "`upload`"))


@pytest.mark.slow
async def test_saving_a_helper_raises_sl402_in_production_code(client: LanguageClient, pipeline: Path) -> None:
    await initialize(client, pipeline)
    daily = open_document(client, pipeline / "src" / "shop" / "pipelines" / "daily.py")
    found = await diagnostics(client, daily, lambda found: codes(found).count("SL402") == 2)
    assert not has("SL402", line=9)(found)  # `from shop.utils.dates import today`: no pandas there yet
    helper = pipeline / "src" / "shop" / "utils" / "dates.py"
    open_document(client, helper)
    save_document(client, helper, 2, "import pandas\n" + helper.read_text(encoding="utf-8"))
    found = await diagnostics(client, daily, has("SL402", line=9))
    assert "shop.utils.dates -> pandas" in next(d.message for d in found if d.range.start.line == 9)


async def test_config_change_reloads_and_a_bad_config_is_shown(client: LanguageClient, project: Path) -> None:
    await initialize(client, project)
    uri = open_document(client, project / "pkg" / "mod.py", KEYS)
    await diagnostics(client, uri, has("SL116"))
    config = project / "pyproject.toml"
    changed = types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)
    watched = types.DidChangeWatchedFilesParams(changes=[changed])
    config.write_text('[tool.simplelint]\nignore = ["SL116"]\n', encoding="utf-8")
    client.workspace_did_change_watched_files(watched)
    await diagnostics(client, uri, lacks("SL116"))

    config.write_text('[tool.simplelint]\nignore = ["SL116"]\nselectt = ["SL1"]\n', encoding="utf-8")
    client.workspace_did_change_watched_files(watched)
    await until(lambda: bool(client.messages), lambda: "no message shown")
    message = client.messages[-1]
    assert message.type == types.MessageType.Error
    assert "pyproject.toml:3" in message.message and "`selectt`" in message.message
    # The last good settings stay: SL116 is still ignored, SL120 still reported.
    change_document(client, uri, 2, KEYS + "\n\ndef neg(x: bool) -> bool:\n    return not not x\n")
    found = await diagnostics(client, uri, has("SL120"))
    assert "SL116" not in codes(found)


async def test_each_document_uses_its_nearest_config(client: LanguageClient, tmp_path: Path) -> None:
    """The monorepo of tests/test_monorepo.py as one workspace folder: each document gets what `simplelint check`
    reports for its file (its own package's config, SL301 joined per config), then a nested config's change."""
    root = tmp_path / "monorepo"
    shutil.copytree(FIXTURES / "monorepo", root)
    await initialize(client, root)
    plain = open_document(client, root / "pkg_plain" / "plain" / "core.py")
    own = open_document(client, root / "pkg_own" / "own" / "core.py")
    ext = open_document(client, root / "pkg_ext" / "ext" / "core.py")
    assert sorted(codes(await diagnostics(client, plain, has("SL301")))) == ["SL105", "SL201", "SL202", "SL301"]
    assert codes(await diagnostics(client, own, has("SL301"))) == ["SL301"]  # pkg_own's config: no SL2
    found = await diagnostics(client, ext, has("SL105"))
    assert sorted(codes(found)) == ["SL105", "SL201"] and "(5 > 4)" in found[0].message + found[1].message
    config = root / "pkg_own" / "simplelint.toml"
    config.write_text('select = ["SL1", "SL2"]\n', encoding="utf-8")
    event = types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[event]))
    await diagnostics(client, own, lambda found: sorted(codes(found)) == ["SL201", "SL202"])


async def test_a_folder_added_later_is_loaded(client: LanguageClient, project: Path) -> None:
    await initialize(client, None)
    added = types.WorkspaceFoldersChangeEvent(added=[types.WorkspaceFolder(uri=project.as_uri(), name="p")], removed=[])
    client.workspace_did_change_workspace_folders(types.DidChangeWorkspaceFoldersParams(event=added))
    loaded = f"project {project.resolve()} loaded"
    await until(lambda: any(loaded in m.message for m in client.log_messages), lambda: str(client.log_messages))
    uri = open_document(client, project / "pkg" / "mod.py", KEYS)
    await diagnostics(client, uri, has("SL116"))


async def test_broken_document_reports_sl001(client: LanguageClient, project: Path) -> None:
    await initialize(client, project)
    uri = open_document(client, project / "pkg" / "mod.py", "def broken(:\n    pass\n")
    found = await diagnostics(client, uri, has("SL001"))
    error = next(d for d in found if d.code == "SL001")
    assert error.severity == types.DiagnosticSeverity.Error
    assert error.range.start.line == 0
    change_document(client, uri, 2, KEYS)  # the server goes on
    await diagnostics(client, uri, has("SL116"))


async def test_internal_error_is_logged_and_the_server_goes_on(faulty: LanguageClient, project: Path) -> None:
    await initialize(faulty, project)
    open_document(faulty, project / "pkg" / "boom.py", KEYS)
    uri = open_document(faulty, project / "pkg" / "mod.py", KEYS)
    await diagnostics(faulty, uri, has("SL116"))
    errors = [m.message for m in faulty.log_messages if m.type == types.MessageType.Error]
    assert any("internal error while linting" in m and "boom.py" in m and "RuntimeError: boom" in m for m in errors)


async def test_shutdown_and_exit(client: LanguageClient, project: Path) -> None:
    await initialize(client, project)
    await client.shutdown_session()
    assert client._server is not None and client._server.returncode == 0


def test_without_the_extra_says_how_to_install_it() -> None:
    hide = "import sys; sys.modules['pygls'] = None; from simplelint.cli import run; sys.argv[1:] = ['server']; run()"
    done = subprocess.run([sys.executable, "-c", hide], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "pip install 'simplelint[server]'" in done.stderr


# --- the pure parts ---


def test_positions_in_utf16_count_astral_characters_twice() -> None:
    lines = Lines("a = '🐍x'\r\nb\n", UTF16)
    assert lines.position(1, 7) == types.Position(line=0, character=7)  # `x`, the 7th character, after 🐍's 2 units
    assert lines.column(types.Position(line=0, character=7)) == (1, 7)
    assert lines.position(2, 2) == types.Position(line=1, character=1)  # `\r\n` is one line break
    assert lines.position(9, 1) == lines.end() == types.Position(line=2, character=0)
    assert Lines("a = '🐍x'", UTF32).position(1, 7) == types.Position(line=0, character=6)
    assert negotiate(None) == UTF16 and negotiate([UTF16, UTF32]) == UTF32


def test_project_findings_follow_unsaved_edits() -> None:
    found = Violation("SL301", "untested-function", "m", "/p.py", 3, 5, 3, 9)
    before = "import x\n\ndef f():\n    pass\n"
    assert moved([found], before, "# new\n" + before)[0].line == 4
    assert moved([found], before, before.replace("def f", "def g")) == []  # its own line was edited
    assert moved([found], None, before) == [found]


def test_whole_edit_spans_only_the_changed_lines() -> None:
    before = "a\nb\nc\n"
    edit = whole_edit(before, "a\nB\nc\n", Lines(before, UTF16))
    assert edit is not None and edit.new_text == "B\n"
    assert edit.range == types.Range(start=types.Position(line=1, character=0), end=types.Position(line=2, character=0))
    assert whole_edit(before, before, Lines(before, UTF16)) is None
    assert apply(before, [edit]) == "a\nB\nc\n"
