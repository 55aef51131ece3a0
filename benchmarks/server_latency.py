"""Time `simplelint server` on Django: re-lint after an edit, SL301 after a test file's save, and its memory.

    python benchmarks/server_latency.py                 # 10 isolated edits of django/template/defaulttags.py
    python benchmarks/server_latency.py --edits 20 --output benchmarks/results/server.md
    python benchmarks/server_latency.py --cold          # the server's load from an empty cache (minutes)

Needs `pip install -e ".[server]"`. Django 5.1.4's sdist (benchmarks/corpus.py) is copied to
$TMPDIR/simplelint-server-bench/ (outside this repository, whose .gitignore would exclude it; kept between runs
so the cache stays warm) with a `.simplelint.toml` selecting ALL, as compare.py's `--select ALL`. Then:

1. `simplelint check .` once in the copy: the cache holds every file (what the server's load then reads).
2. The one-file CLI runs on defaulttags.py (1,544 lines), best of 5, a comment appended before each run: the
   whole check as pre-commit runs it (the rest of the project from the cache, SL3's join included), and the
   per-file engine alone (`--ignore SL3 --no-cache`).
3. The server, started as an editor starts it, with the copy as its workspace folder: time to the first
   diagnostics of defaulttags.py, the background load of the project, then `--edits` isolated edits (a line
   inserted, then a pause longer than the debounce): each one's latency is from the `didChange` to the
   `publishDiagnostics` of that version. Then a burst of keystrokes 50 ms apart (debounced: linted once it
   pauses). Then a test file that starts referring to a function SL301 flags in defaulttags.py is saved: the
   time until defaulttags.py's diagnostics no longer hold that SL301. Memory: the server process's resident
   set (VmRSS) with Django's facts loaded, its peak (VmHWM), and the same server with only defaulttags.py in its
   workspace (the interpreter, pygls, LibCST and the rules: what is not the project's facts).

POSIX only (memory from /proc). The figures go to stdout as a markdown table (and to --output).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Optional

from lsprotocol import types
from pygls.lsp.client import LanguageClient

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # corpus.py lives beside this script
from corpus import fetch  # noqa: E402

WORK = Path(tempfile.gettempdir()) / "simplelint-server-bench"
FILE = "django/template/defaulttags.py"
TEST_FILE = "tests/template_tests/test_base.py"
CONFIG = 'select = ["ALL"]\n'
PATIENCE = 600.0  # seconds: a cold load of Django on a busy machine is slow; this only guards against a hang


class Client(LanguageClient):
    """An LSP client that records when each notification arrived."""

    def __init__(self) -> None:
        super().__init__("server-latency", "1")
        self.published: list[tuple[float, str, Optional[int], list[types.Diagnostic]]] = []
        self.logs: list[tuple[float, str]] = []

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: types.PublishDiagnosticsParams) -> None:
            self.published.append((time.perf_counter(), params.uri, params.version, list(params.diagnostics)))

        @self.feature(types.WINDOW_LOG_MESSAGE)
        def logged(params: types.LogMessageParams) -> None:
            self.logs.append((time.perf_counter(), params.message))

        @self.feature(types.WINDOW_SHOW_MESSAGE)
        def shown(params: types.ShowMessageParams) -> None:
            self.logs.append((time.perf_counter(), params.message))

    def latest(self, uri: str) -> Optional[tuple[float, Optional[int], list[types.Diagnostic]]]:
        for when, published_uri, version, diagnostics in reversed(self.published):
            if published_uri == uri:
                return when, version, diagnostics
        return None


async def until(check: Callable[[], Any], what: str) -> Any:
    deadline = time.perf_counter() + PATIENCE
    while True:
        found = check()
        if found:
            return found
        if time.perf_counter() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        await asyncio.sleep(0.002)


def rss(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of a process, in MB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) / 1024
    return found


async def start(root: Path) -> tuple[Client, int]:
    client = Client()
    await client.start_io(sys.executable, "-m", "simplelint", "server", cwd=str(root))
    capabilities = types.ClientCapabilities(general=types.GeneralClientCapabilities(position_encodings=["utf-16"]))
    folder = types.WorkspaceFolder(uri=root.as_uri(), name=root.name)
    await client.initialize_async(
        types.InitializeParams(capabilities=capabilities, workspace_folders=[folder], process_id=os.getpid())
    )
    client.initialized(types.InitializedParams())
    assert client._server is not None  # the process pygls started
    return client, client._server.pid


async def stop(client: Client) -> None:
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


def open_document(client: Client, path: Path, text: str) -> str:
    item = types.TextDocumentItem(uri=path.as_uri(), language_id="python", version=1, text=text)
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))
    return item.uri


def insert(client: Client, uri: str, version: int, line: int, text: str) -> float:
    """Insert `text` at the start of `line` (an incremental change, as editors send); when it was sent."""
    where = types.Range(start=types.Position(line=line, character=0), end=types.Position(line=line, character=0))
    change = types.TextDocumentContentChangePartial(range=where, text=text)
    document = types.VersionedTextDocumentIdentifier(uri=uri, version=version)
    sent = time.perf_counter()
    client.text_document_did_change(types.DidChangeTextDocumentParams(text_document=document, content_changes=[change]))
    return sent


async def measure_server(root: Path, edits: int) -> dict[str, Any]:
    path = root / FILE
    text = path.read_text(encoding="utf-8")
    client, pid = await start(root)
    results: dict[str, Any] = {}
    began = time.perf_counter()
    uri = open_document(client, path, text)
    first = await until(lambda: client.latest(uri), "the first diagnostics")
    results["first s"] = first[0] - began
    loaded = await until(lambda: next((m for m in client.logs if "loaded:" in m[1]), None), "the project's load")
    results["load"] = loaded[1].split("loaded: ", 1)[1]
    await asyncio.sleep(1.0)  # let the republish after the join land
    results["memory"] = rss(pid)

    # At module level, after `register = Library()`: the edited buffer stays valid Python.
    line = next(number for number, text in enumerate(text.splitlines()) if text.startswith("register = ")) + 1
    def linted(version: int) -> Callable[[], Any]:
        return lambda: next((p for p in client.published if p[1] == uri and p[2] == version), None)

    version, latencies = 1, []
    for number in range(edits):
        version += 1
        sent = insert(client, uri, version, line, f"EDIT_{number} = {number}\n")
        done = await until(linted(version), "an edit")
        latencies.append(done[0] - sent)
        await asyncio.sleep(0.6)  # longer than the debounce: the next edit is an isolated one
    results["edits"] = latencies

    last_sent = 0.0
    for key in "burst":  # typed before an EDIT_ name: still a name
        version += 1
        last_sent = insert(client, uri, version, line, key)
        await asyncio.sleep(0.05)
    done = await until(linted(version), "a burst")
    results["burst s"] = done[0] - last_sent
    if any(d.code == "SL001" for d in done[3]):
        raise SystemExit("the edits broke the file: the latencies would not be a real lint's")
    await asyncio.sleep(0.6)

    results.update(await measure_save(client, root, uri))
    results["memory after"] = rss(pid)
    await stop(client)
    return results


async def measure_save(client: Client, root: Path, uri: str) -> dict[str, Any]:
    """Save a test file that starts referring to a function SL301 flags in FILE; wait for that SL301 to go."""
    latest = client.latest(uri)
    assert latest is not None
    flagged = [d.message.split("`")[1] for d in latest[2] if d.code == "SL301"]
    name = next((n for n in flagged if "." not in n), None)
    if name is None:
        return {"save": "no module-level function flagged by SL301"}
    test_path = root / TEST_FILE
    before = test_path.read_text(encoding="utf-8")
    test_uri = open_document(client, test_path, before)
    await asyncio.sleep(1.0)
    after = before + (
        f"\n\ndef test_server_benchmark_reaches_{name}():\n"
        f"    from django.template.defaulttags import {name}\n\n    assert {name} is not None\n"
    )
    document = types.VersionedTextDocumentIdentifier(uri=test_uri, version=2)
    change = types.TextDocumentContentChangeWholeDocument(text=after)
    client.text_document_did_change(types.DidChangeTextDocumentParams(text_document=document, content_changes=[change]))
    test_path.write_text(after, encoding="utf-8")
    try:
        saved = time.perf_counter()
        identifier = types.TextDocumentIdentifier(uri=test_uri)
        client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=identifier))

        def cleared() -> Optional[float]:
            found = client.latest(uri)
            if found and found[0] > saved and not any(d.code == "SL301" and f"`{name}`" in d.message for d in found[2]):
                return found[0]
            return None

        done = await until(cleared, "SL301 to clear")
    finally:
        test_path.write_text(before, encoding="utf-8")
    return {"save s": done - saved, "function": name}


def cli_seconds(root: Path, arguments: list[str], repeat: int = 5) -> float:
    """Best wall time of `simplelint check ARGUMENTS FILE`, the file edited (a comment appended) before each run."""
    path = root / FILE
    original = path.read_bytes()
    best = float("inf")
    try:
        for number in range(repeat):
            path.write_bytes(original + f"# edit {number} {time.time()}\n".encode())
            started = time.perf_counter()
            subprocess.run(["simplelint", "check", "-q", *arguments, FILE], cwd=root, capture_output=True, check=False)
            best = min(best, time.perf_counter() - started)
    finally:
        path.write_bytes(original)
    return best


def prepare() -> Path:
    source = fetch("django")
    root = WORK / source.name
    if not root.exists():
        shutil.copytree(source, root)
    for name in (FILE, TEST_FILE):  # as the sdist has them, whatever an interrupted run left
        shutil.copyfile(source / name, root / name)
    (root / ".simplelint.toml").write_text(CONFIG, encoding="utf-8")
    return root


def lone_copy(root: Path) -> Path:
    """A workspace holding only FILE: the server without a project's facts, for the memory baseline."""
    lone = WORK / "lone"
    shutil.rmtree(lone, ignore_errors=True)
    (lone / Path(FILE).parent).mkdir(parents=True)
    shutil.copyfile(root / FILE, lone / FILE)
    (lone / ".simplelint.toml").write_text(CONFIG, encoding="utf-8")
    return lone


async def baseline_memory(lone: Path) -> dict[str, float]:
    client, pid = await start(lone)
    uri = open_document(client, lone / FILE, (lone / FILE).read_text(encoding="utf-8"))
    await until(lambda: client.latest(uri), "the first diagnostics")
    await until(lambda: any("loaded:" in m for _, m in client.logs), "the load")
    await asyncio.sleep(1.0)
    found = rss(pid)
    await stop(client)
    return found


def report(cli: dict[str, float], server: dict[str, Any], lone: dict[str, float], warmup: float) -> str:
    edits = server["edits"]
    median = statistics.median(edits)
    full, engine = cli["full"], cli["engine"]
    rows = [
        ("`simplelint check FILE` (pre-commit: the rest cached, SL3's join included), best of 5", f"{full:.2f} s"),
        ("`simplelint check --ignore SL3 --no-cache FILE` (the per-file engine alone), best of 5", f"{engine:.2f} s"),
        ("server: first diagnostics after `didOpen` (the project still loading)", f"{server['first s']:.2f} s"),
        ("server: project load in the background", server["load"]),
        (
            f"server: re-lint after an isolated edit, median of {len(edits)} (min-max)",
            f"{median * 1000:.0f} ms ({min(edits) * 1000:.0f}-{max(edits) * 1000:.0f})",
        ),
        ("re-lint / `check FILE`", f"{median / full:.2f}x"),
        ("re-lint / `check --ignore SL3 --no-cache FILE`", f"{median / engine:.2f}x"),
        ("server: burst of 5 keystrokes 50 ms apart, the last one to diagnostics", f"{server['burst s'] * 1e3:.0f} ms"),
        (
            f"server: save of {TEST_FILE} referring to `{server.get('function', '?')}` until its SL301 is gone",
            f"{server['save s']:.2f} s" if "save s" in server else server.get("save", "?"),
        ),
        ("server memory with Django's facts loaded (VmRSS; peak VmHWM)", _memory(server["memory"])),
        ("the same after the edits and the save", _memory(server["memory after"])),
        ("server memory with only FILE in its workspace", _memory(lone)),
    ]
    load = os.getloadavg()[0]
    head = (
        f"Django 5.1.4 (copied to {WORK}), {FILE} (1,544 lines); `.simplelint.toml`: {CONFIG.strip()}.\n"
        f"{os.cpu_count()} cores, CPython {platform.python_version()}, {platform.system()} {platform.machine()}, "
        f"load average {load:.2f} at the end; `simplelint check .` to warm the cache took {warmup:.1f} s.\n\n"
        "| measure | figure |\n|---|---:|\n"
    )
    return head + "\n".join(f"| {name} | {value} |" for name, value in rows) + "\n"


def _memory(found: dict[str, float]) -> str:
    return f"{found['VmRSS']:.0f} MB (peak {found['VmHWM']:.0f} MB)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--output", type=Path)
    parser.add_argument("--cold", action="store_true", help="empty the cache before the server starts")
    args = parser.parse_args()
    root = prepare()
    started = time.perf_counter()
    subprocess.run(["simplelint", "check", "-q", "--exit-zero", "."], cwd=root, capture_output=True, check=False)
    warmup = time.perf_counter() - started
    cli = {"full": cli_seconds(root, []), "engine": cli_seconds(root, ["--ignore", "SL3", "--no-cache"])}
    if args.cold:
        shutil.rmtree(root / ".simplelint_cache")
    server = asyncio.run(measure_server(root, args.edits))
    if args.cold:
        server["load"] += " (cold cache)"
    lone = asyncio.run(baseline_memory(lone_copy(root)))
    text = report(cli, server, lone, warmup)
    print(text)
    if args.output:
        title = "# `simplelint server` on Django\n\nWritten by `python benchmarks/server_latency.py`.\n\n"
        args.output.write_text(title + text)


if __name__ == "__main__":
    main()
