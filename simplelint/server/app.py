"""The language server: pygls's wiring, and the threads that keep its event loop free.

- The event loop (pygls) answers requests and takes notifications; it never lints.
- One lint thread does every lint, join and fix, one at a time: documents' lints and folders' facts and
  findings are changed by that thread only, so they need no lock.
- A load thread per folder collects the project's facts (through the runner's cache and process pool) and
  hands them to the lint thread, which joins them: the first diagnostics never wait for the project.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import os
import sys
import threading
import time
import traceback
import warnings
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar
from collections.abc import Generator, Sequence

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.uris import to_fs_path

from simplelint import __version__
from simplelint.config.load import ConfigError
from simplelint.registry import UnknownSelector
from simplelint.ruleinfo import FileFacts
from simplelint.engine.violation import Edit
from simplelint.server import actions
from simplelint.server.documents import SOURCE, Document, Linted, Shown, fix_edits, lint, shown
from simplelint.server.positions import UTF16, negotiate
from simplelint.server.project import (
    CONFIG_NAMES,
    Cancelled,
    Folder,
    collect_facts,
    default_settings,
    excluded,
    facts_of,
    new_join,
    read_settings,
)

T = TypeVar("T")

# An edit after a quiet spell is linted at once; the edits of a burst of typing once it pauses this long.
DEBOUNCE = 0.25
# Documents whose parsed modules are kept (a 1,500-line file's LibCST tree holds a few MB).
KEEP_PARSED = 4
# LibCST's parser and the rules recurse on deeply nested code: threads get the main thread's room.
THREAD_STACK = 64 * 1024 * 1024


class _Protocol(LanguageServerProtocol):
    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams) -> Generator[Any, Any, types.InitializeResult]:
        # pygls takes the client's first supported encoding; ours is UTF-32 where offered (no conversion).
        general = params.capabilities.general
        if general is not None and general.position_encodings:
            general.position_encodings = [negotiate(general.position_encodings)]
        return (yield from super().lsp_initialize(params))


class Session:
    """The server's state: workspace folders, open documents, and the threads that work on them."""

    def __init__(self, server: LanguageServer) -> None:
        self.server = server
        self.folders: list[Folder] = []
        self.loose: dict[Path, Folder] = {}  # folders of documents outside the workspace, by their directory
        self.documents: dict[str, Document] = {}
        self.parsed: dict[str, Linted] = {}  # on the lint thread: the last documents linted, oldest first
        self.encoding: str = UTF16
        self.loop: Optional[asyncio.AbstractEventLoop] = None
        self.worker = ThreadPoolExecutor(1, thread_name_prefix="simplelint-lint")
        self.closing = False
        self.shut_down = False

    # --- talking to the client, from any thread ---

    def _send(self, action: Callable[[], None]) -> None:
        if self.loop is None:
            action()
        else:
            self.loop.call_soon_threadsafe(action)

    def log(self, kind: types.MessageType, message: str) -> None:
        self._send(lambda: self.server.window_log_message(types.LogMessageParams(type=kind, message=message)))

    def show(self, kind: types.MessageType, message: str) -> None:
        self._send(lambda: self.server.window_show_message(types.ShowMessageParams(type=kind, message=message)))

    def _publish(self, uri: str, version: Optional[int], diagnostics: list[types.Diagnostic]) -> None:
        params = types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diagnostics)
        self._send(lambda: self.server.text_document_publish_diagnostics(params))

    # --- running work on the lint thread ---

    def submit(self, work: Callable[[], None], what: str) -> None:
        if not self.closing:
            self.worker.submit(self._guarded, work, what)

    def _guarded(self, work: Callable[[], None], what: str) -> None:
        """Any error is logged to the client and the server goes on: one document must not stop the rest."""
        try:
            work()
        except Exception:
            self._internal_error(what)

    async def _run(self, work: Callable[[], T], default: T, what: str) -> T:
        """`work()` on the lint thread, awaited (for requests that need an up-to-date lint); on an error, logged,
        `default`."""
        future: Future[T] = self.worker.submit(work)
        try:
            return await asyncio.wrap_future(future)
        except Exception:
            self._internal_error(what)
            return default

    def _internal_error(self, what: str) -> None:
        message = f"simplelint: internal error while {what}. Please report it.\n{traceback.format_exc()}"
        self.log(types.MessageType.Error, message)

    # --- lifecycle ---

    def initialize(self, params: types.InitializeParams) -> None:
        self.loop = asyncio.get_running_loop()
        self.encoding = self.server.workspace.position_encoding or UTF16
        roots = [to_fs_path(f.uri) for f in params.workspace_folders or []]
        if not roots and params.root_uri:
            roots = [to_fs_path(params.root_uri)]
        elif not roots and params.root_path:
            roots = [params.root_path]
        self.folders = [self._folder(Path(root).resolve()) for root in roots if root]

    def _folder(self, root: Path, whole_project: bool = True) -> Folder:
        try:
            configs = read_settings(root)
        except (ConfigError, UnknownSelector) as error:
            self.show(types.MessageType.Error, f"simplelint: {error} (using the default settings until it is fixed)")
            configs = default_settings(root)
        return Folder(root, configs.primary, whole_project, configs=configs)

    async def initialized(self, params: types.InitializedParams) -> None:
        for folder in self.folders:
            self.submit(functools.partial(self._start_load, folder), f"loading {folder.root}")
        capabilities = self.server.client_capabilities
        if get_capability(capabilities, "workspace.did_change_watched_files.dynamic_registration", False):
            await self._watch()

    async def _watch(self) -> None:
        """Config files (reloaded) and Python files changed outside the editor (a checkout, a formatter)."""
        patterns = [f"**/{name}" for name in CONFIG_NAMES] + ["**/*.py", "**/*.pyi"]
        options = types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern=pattern) for pattern in patterns]
        )
        registration = types.Registration(
            id="simplelint-watched-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options
        )
        try:
            await self.server.client_register_capability_async(types.RegistrationParams(registrations=[registration]))
        except Exception as error:  # the client refused: config changes still count when saved in the editor
            self.log(types.MessageType.Warning, f"simplelint: cannot watch files ({error})")

    def did_change_workspace_folders(self, params: types.DidChangeWorkspaceFoldersParams) -> None:
        removed = {Path(to_fs_path(f.uri) or "").resolve() for f in params.event.removed}
        for folder in [f for f in self.folders if f.root in removed]:
            self.folders.remove(folder)  # its open documents keep its settings
            self.submit(functools.partial(self._forget, folder), f"closing {folder.root}")
        for added in params.event.added:
            root = to_fs_path(added.uri)
            if root:
                folder = self._folder(Path(root).resolve())
                self.folders.append(folder)
                self.submit(functools.partial(self._start_load, folder), f"loading {folder.root}")

    def _forget(self, folder: Folder) -> None:
        folder.generation += 1  # a load under way stops
        folder.join, folder.findings = None, {}

    def shutdown(self, params: None) -> None:
        self.shut_down = True
        self.closing = True  # a running load stops at its next file

    def close(self) -> None:
        self.closing = True
        self.worker.shutdown(wait=False, cancel_futures=True)

    # --- the project's facts (lint thread, and one load thread per load) ---

    def _start_load(self, folder: Folder) -> None:
        if not folder.whole_project:
            return
        folder.generation += 1
        folder.recent = {}
        generation, settings = folder.generation, folder.configs or folder.settings

        def load() -> None:
            started = time.monotonic()
            try:
                facts, said = collect_facts(folder, settings, lambda: self.closing or folder.generation != generation)
            except Cancelled:
                return
            except Exception:
                self._internal_error(f"reading the project {folder.root}")
                return
            for message in said:
                self.log(types.MessageType.Warning, f"simplelint: {message}")
            read = time.monotonic() - started
            self.submit(lambda: self._install(folder, generation, facts, read), f"joining {folder.root}")

        threading.Thread(target=load, name="simplelint-load", daemon=True).start()

    def _install(self, folder: Folder, generation: int, facts: list[FileFacts], read: float) -> None:
        if generation != folder.generation:
            return  # a newer load is on its way
        started = time.monotonic()
        join = new_join(folder.configs or folder.settings)
        for file in facts:
            join.update(file)
        for path, newer in folder.recent.items():
            if newer is None:
                join.remove(path)
            else:
                join.update(newer)
        folder.join = join
        self._rejoin(folder)
        joined = time.monotonic() - started
        said = f"{len(facts)} files read in {read:.1f} s, joined in {joined:.1f} s"
        self.log(types.MessageType.Info, f"simplelint: project {folder.root} loaded: {said}")
        # What is loaded now lives as long as the server: later collections need not scan it (edits' lints
        # build many short-lived objects, and each full collection would otherwise walk every fact).
        gc.freeze()

    def _rejoin(self, folder: Folder) -> None:
        if folder.join is None:
            return
        joined = folder.join.findings()
        folder.findings = joined.by_path
        for error in joined.errors:
            self.log(types.MessageType.Error, f"simplelint: {error}")
        for warning in joined.warnings:
            self.log(types.MessageType.Warning, f"simplelint: {warning}")
        for document in list(self.documents.values()):
            if document.folder is folder:
                self._show(document)

    def _file_changed(self, folder: Folder, path: str, facts: Optional[FileFacts]) -> bool:
        """A file's new facts (None: it is gone); whether the project must be joined again."""
        if not folder.in_project(path):
            return False
        folder.recent[path] = facts
        if folder.join is None:
            return False  # the load under way reads it
        return folder.join.update(facts) if facts is not None else folder.join.remove(path)

    # --- documents ---

    def _workspace_folder(self, path: str) -> Optional[Folder]:
        """The innermost workspace folder holding `path`."""
        inside = [f for f in self.folders if path.startswith(os.path.join(str(f.root), ""))]
        return max(inside, key=lambda f: len(str(f.root))) if inside else None

    def folder_of(self, path: str) -> Folder:
        """The document's workspace folder, else (made on the event loop) one of its own directory."""
        found = self._workspace_folder(path)
        if found is not None:
            return found
        directory = Path(path).parent
        if directory not in self.loose:
            self.loose[directory] = self._folder(directory, whole_project=False)
        return self.loose[directory]

    def did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        path = to_fs_path(item.uri) if item.uri.startswith("file:") else None
        if item.language_id != "python" and not (path or "").endswith((".py", ".pyi")):
            return
        is_file = path is not None
        if path is None:  # an unsaved buffer: linted as a file of the first folder, never part of the project
            path = str((self.folders[0].root if self.folders else Path.cwd()) / "untitled.py")
        path = os.path.realpath(path)  # as the folders' roots: resolved
        document = Document(item.uri, path, self.folder_of(path), (item.version, item.text), is_file)
        self.documents[item.uri] = document
        self.submit(lambda: self._opened(document), f"linting {document.path}")

    def _opened(self, document: Document) -> None:
        if document.is_file:
            try:  # the project's facts of this file were read from the file: its findings are placed in it
                with open(document.path, encoding="utf-8", newline="") as handle:
                    document.base_text = handle.read()
            except (OSError, UnicodeDecodeError):
                document.base_text = None
        self._lint(document.uri)

    def did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        document = self.documents.get(params.text_document.uri)
        if document is None:
            return
        text = self.server.workspace.get_text_document(document.uri).source
        document.buffer = (params.text_document.version, text)
        assert self.loop is not None
        now = self.loop.time()
        quiet = now - document.last_change >= DEBOUNCE and document.timer is None
        document.last_change = now
        if document.timer is not None:
            document.timer.cancel()
            document.timer = None
        if quiet:
            self._lint_soon(document)
        else:
            document.timer = self.loop.call_later(DEBOUNCE, self._lint_soon, document)

    def _lint_soon(self, document: Document) -> None:
        document.timer = None
        version = document.buffer[0]
        self.submit(lambda: self._lint(document.uri, version), f"linting {document.path}")

    def did_save(self, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = to_fs_path(uri) or ""
        if os.path.basename(path) in CONFIG_NAMES:
            self.submit(lambda: self._reload([path]), f"reading {path}")
        elif uri in self.documents:
            self.submit(lambda: self._saved(uri), f"joining after saving {path}")

    def did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        document = self.documents.pop(params.text_document.uri, None)
        if document is None:
            return
        if document.timer is not None:
            document.timer.cancel()
        self._publish(document.uri, None, [])  # as ruff's server: a closed document shows nothing

    def did_change_watched_files(self, params: types.DidChangeWatchedFilesParams) -> None:
        changes = [(os.path.realpath(to_fs_path(change.uri) or ""), change.type) for change in params.changes]
        configs = [path for path, _ in changes if os.path.basename(path) in CONFIG_NAMES]
        if configs:
            self.submit(lambda: self._reload(configs), "reading the settings")
        # Open documents are the editor's: their saves come as didSave, with the buffer.
        open_paths = {document.path for document in self.documents.values()}
        python = [(p, kind) for p, kind in changes if p.endswith((".py", ".pyi")) and p not in open_paths]
        if python:
            self.submit(lambda: self._files_changed(python), "reading changed files")

    # --- on the lint thread ---

    def _lint(self, uri: str, version: Optional[int] = None) -> None:
        """Lint the document's buffer, unless it was linted at this version, or `version` is given and a
        newer one came since (its own lint is on its way)."""
        document = self.documents.get(uri)
        if document is None:
            return
        current, text = document.buffer
        if (version is not None and version != current) or (document.linted and document.linted.version == current):
            return
        if document.excluded is None:  # reads .gitignore files: once, not on every keystroke
            document.excluded = excluded(document.path, document.folder.settings_for(document.path))
        if document.excluded:
            document.linted = None
            self._publish(uri, current, [])
            return
        document.linted = lint(document, current, text, self.encoding)
        self._keep_parsed(document.uri, document.linted)
        for error in document.linted.result.errors:
            if error not in document.errors_said:  # once per document, not on every keystroke
                document.errors_said.add(error)
                self.log(types.MessageType.Error, f"simplelint: {error}")
        self._show(document)

    def _keep_parsed(self, uri: str, linted: Linted) -> None:
        """Keep the parsed modules of the documents linted last (quick fixes' edits are computed from them)."""
        self.parsed.pop(uri, None)
        self.parsed[uri] = linted
        while len(self.parsed) > KEEP_PARSED:
            self.parsed.pop(next(iter(self.parsed))).analysis = None

    def _show(self, document: Document) -> None:
        """Publish the document's findings when they differ from what the client shows."""
        linted = document.linted
        if linted is None or self.documents.get(document.uri) is not document:
            return
        folder = document.folder
        project = folder.findings.get(document.path, [])
        found = shown(linted, project, document.base_text, document.path, folder.settings_for(document.path))
        if linted.published and [item.diagnostic for item in found] == [item.diagnostic for item in linted.shown]:
            return
        linted.shown, linted.published = found, True
        self._publish(document.uri, linted.version, [item.diagnostic for item in found])

    def _saved(self, uri: str) -> None:
        self._lint(uri)  # the saved text is the buffer's
        document = self.documents.get(uri)
        if document is None or document.linted is None or not document.is_file:
            return
        document.base_text = document.linted.text
        if self._file_changed(document.folder, document.path, facts_of(document.linted.result)):
            self._rejoin(document.folder)
        else:
            self._show(document)  # its project findings now sit where the saved text has them

    def _files_changed(self, changes: list[tuple[str, types.FileChangeType]]) -> None:
        from simplelint.run.runner import RunOptions, check_one

        stale: list[Folder] = []
        for path, kind in changes:
            folder = self._workspace_folder(path)
            if folder is None:
                continue  # outside the workspace: no project reads it
            facts = None
            if kind != types.FileChangeType.Deleted and os.path.isfile(path):
                facts = facts_of(check_one(path, None, folder.settings_for(path), RunOptions()))
            if self._file_changed(folder, path, facts) and folder not in stale:
                stale.append(folder)
        for folder in stale:
            self._rejoin(folder)

    def _reload(self, configs: list[str]) -> None:
        """Settings read again where a config file changed; a bad one is shown, and the last good ones stay."""
        for folder in [*self.folders, *self.loose.values()]:
            if not any(_configures(config, folder.root) for config in configs):
                continue
            try:
                read = read_settings(folder.root)
                nested = [c for c in configs if _below(c, folder.root)]
                for config in nested:  # a nested config's errors are said now, not as its files are linted
                    read.for_folder(os.path.dirname(config))
            except (ConfigError, UnknownSelector) as error:
                self.show(types.MessageType.Error, f"simplelint: {error} (the last good settings stay in use)")
                continue
            if read.primary == folder.settings and not nested:
                continue
            folder.settings, folder.configs = read.primary, read
            self.log(types.MessageType.Info, f"simplelint: settings of {folder.root} read again")
            for document in list(self.documents.values()):
                if document.folder is folder:
                    document.linted, document.excluded = None, None
                    self._lint(document.uri)
            self._start_load(folder)

    # --- requests ---

    async def code_action(self, params: types.CodeActionParams) -> Optional[list[types.CodeAction]]:
        uri = params.text_document.uri
        document = self.documents.get(uri)
        if document is None:
            return None
        only = params.context.only
        quick = actions.wanted(types.CodeActionKind.QuickFix, only)

        def under_range() -> Optional[tuple[Linted, list[tuple[Shown, tuple[Edit, ...]]]]]:
            linted = self._current(uri)
            if linted is None:
                return None
            items = [item for item in linted.shown if actions.overlaps(item.diagnostic.range, params.range)]
            settings = document.folder.settings_for(document.path)
            edits = [fix_edits(linted, document.path, settings, item.violation) if quick else () for item in items]
            return linted, list(zip(items, edits))

        done = await self._run(under_range, None, f"linting {document.path}")
        if done is None:
            return []
        linted, items = done
        capabilities = self.server.client_capabilities
        versioned = get_capability(capabilities, "workspace.workspace_edit.document_changes", False)
        found: list[types.CodeAction] = []
        if quick:
            for item, edits in items:
                fix = actions.quick_fix(uri, linted, item, edits, versioned)
                noqa = actions.noqa_action(uri, linted, item, versioned)
                found.extend(action for action in (fix, noqa) if action is not None)
        fixable = any(item.violation.fix and item.violation.fix.safe for item in linted.shown)
        if actions.wanted(actions.FIX_ALL, only) and fixable:
            found.extend(await self._fix_all_action(document, linted, only, versioned))
        return found

    async def _fix_all_action(
        self, document: Document, linted: Linted, only: Optional[Sequence[str]], versioned: bool
    ) -> list[types.CodeAction]:
        """Resolved later where the client can (its edit takes every fixer pass), else computed now but only
        when asked for by kind (on save): not on every cursor move."""
        action = types.CodeAction(title=actions.FIX_ALL_TITLE, kind=actions.FIX_ALL, data={"uri": document.uri})
        resolvable = "edit" in get_capability(
            self.server.client_capabilities, "text_document.code_action.resolve_support.properties", []
        )
        if resolvable:
            return [action]
        if only is None:
            return []
        resolved = await self.resolve(action)
        return [resolved] if resolved.edit is not None else []

    async def resolve(self, action: types.CodeAction) -> types.CodeAction:
        """The fix-all action's edit (the only action resolved later)."""
        uri = action.data.get("uri") if isinstance(action.data, dict) else None
        document = self.documents.get(uri) if isinstance(uri, str) else None
        if document is None or action.kind != actions.FIX_ALL:
            return action
        versioned = get_capability(self.server.client_capabilities, "workspace.workspace_edit.document_changes", False)

        def fix_all() -> Optional[types.WorkspaceEdit]:
            linted = self._current(document.uri)
            if linted is None:
                return None
            edit, errors = actions.fix_all_edit(document.path, linted, document.folder.settings_for(document.path))
            for error in errors:
                self.log(types.MessageType.Warning, f"simplelint: {error}")
            return actions.workspace_edit(document.uri, linted.version, [edit], versioned) if edit else None

        action.edit = await self._run(fix_all, None, f"fixing {document.path}")
        return action

    async def hover(self, params: types.HoverParams) -> Optional[types.Hover]:
        document = self.documents.get(params.text_document.uri)
        if document is None:
            return None
        linted = await self._run(lambda: self._current(document.uri), None, f"linting {document.path}")
        return actions.hover(linted, params.position) if linted is not None else None

    def _current(self, uri: str) -> Optional[Linted]:
        """The document linted at its latest version (on the lint thread)."""
        self._lint(uri)
        document = self.documents.get(uri)
        return document.linted if document is not None else None


def _configures(config: str, root: Path) -> bool:
    """Whether a config file there can be one a folder's files use: in the folder, above it, or below it (a
    package's own config)."""
    folder = Path(config).resolve().parent
    return root == folder or folder in root.parents or _below(config, root)


def _below(config: str, root: Path) -> bool:
    return root in Path(config).resolve().parent.parents


def build() -> tuple[LanguageServer, Session]:
    server = LanguageServer(
        SOURCE, __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental, protocol_cls=_Protocol
    )
    session = Session(server)
    features: list[tuple[str, Callable[..., Any], Any]] = [
        (types.INITIALIZE, session.initialize, None),
        (types.INITIALIZED, session.initialized, None),
        (types.SHUTDOWN, session.shutdown, None),
        (types.TEXT_DOCUMENT_DID_OPEN, session.did_open, None),
        (types.TEXT_DOCUMENT_DID_CHANGE, session.did_change, None),
        (types.TEXT_DOCUMENT_DID_SAVE, session.did_save, types.SaveOptions(include_text=False)),
        (types.TEXT_DOCUMENT_DID_CLOSE, session.did_close, None),
        (types.WORKSPACE_DID_CHANGE_WATCHED_FILES, session.did_change_watched_files, None),
        (types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS, session.did_change_workspace_folders, None),
        (
            types.TEXT_DOCUMENT_CODE_ACTION,
            session.code_action,
            types.CodeActionOptions(
                code_action_kinds=[types.CodeActionKind.QuickFix, actions.FIX_ALL], resolve_provider=True
            ),
        ),
        (types.CODE_ACTION_RESOLVE, session.resolve, None),
        (types.TEXT_DOCUMENT_HOVER, session.hover, None),
    ]
    for method, handler, options in features:
        server.feature(method, options)(functools.partial(handler))  # pygls marks the function: not a method
    return server, session


def start() -> None:
    """Serve one client over stdin/stdout until it exits; the exit code is 0 after a `shutdown`, else 1."""
    threading.stack_size(THREAD_STACK)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    # The project's load forks its worker processes from this threaded process, as the CLI does from its own;
    # they run only the per-file analysis, which takes none of the threads' locks.
    warnings.filterwarnings("ignore", message=".*multi-threaded.*fork", category=DeprecationWarning)
    server, session = build()
    try:
        server.start_io()
    finally:
        session.close()
    # pygls closed stdout on `exit`: what is flushed at exit goes nowhere rather than failing.
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - open until the process ends
    sys.exit(0 if session.shut_down else 1)

