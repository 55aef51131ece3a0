"""CI step: build the wheel, install it alone in a fresh venv (what `pip install simplelint` gives) and check that it
works as this checkout does: the rule manifest, py.typed and every rule module ship in it, and `simplelint check`
on fixtures/pipeline_project prints and exits exactly as the development install does.

Run by .ci/run from the repository root with the CI venv active; exits 1 with the reason at the first failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "pipeline_project"
# SL403 reads the packages installed next to simplelint, which differ between the two venvs by design.
CHECK = ["check", "--no-cache", "--ignore", "SL403", "--output-format", "concise", "."]


def fail(message: str) -> None:
    print(f"check_wheel: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False)


def build(folder: Path) -> Path:
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # setuptools' staging folder: stale files would ship
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(folder), str(ROOT)]
    done = run(pip_wheel, ROOT)
    if done.returncode:
        fail(f"pip wheel: {done.stderr}")
    (wheel,) = folder.glob("simplelint-*.whl")
    return wheel


def check_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("simplelint/rules/manifest.json", "simplelint/py.typed", "simplelint/cli.py"):
        if needed not in names:
            fail(f"{wheel.name} lacks {needed}")
    manifest = json.loads((ROOT / "simplelint" / "rules" / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest:
        module = entry["source"].partition(":")[0].replace(".", "/")
        if f"{module}.py" not in names and f"{module}/__init__.py" not in names:
            fail(f"{wheel.name} lacks the module of {entry['code']} ({entry['source']})")
    print(f"check_wheel: {wheel.name} holds the manifest, py.typed and the modules of {len(manifest)} rules")


def install(wheel: Path, folder: Path) -> Path:
    done = run([sys.executable, "-m", "venv", str(folder)], ROOT)
    if done.returncode:
        fail(f"venv: {done.stderr}")
    python = folder / "bin" / "python"
    done = run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], folder)
    if done.returncode:
        fail(f"pip install {wheel.name}: {done.stderr}")
    where = run([str(python), "-c", "import simplelint; print(simplelint.__file__)"], folder).stdout.strip()
    if not where.startswith(str(folder)):
        fail(f"the fresh venv imports simplelint from {where}, not from its own site-packages")
    return folder / "bin" / "simplelint"


def compare(installed: Path, scratch: Path) -> None:
    """The wheel's simplelint against this checkout's, on a copy of the fixture (nothing written into the tree)."""
    project = scratch / "pipeline_project"
    shutil.copytree(FIXTURE, project)
    # JSON too: each finding's `url`, from the wheel's metadata there and from pyproject.toml here, must agree.
    json_check = [*CHECK[:-2], "json", "."]
    commands = (
        ("check", CHECK),
        ("json", json_check),
        ("explain", ["explain", "SL101"]),
        ("rules", ["rules", "--output-format", "json"]),
    )
    for label, args in commands:
        wheel = run([str(installed), *args], project)
        checkout = run([sys.executable, "-m", "simplelint", *args], project)
        if (wheel.returncode, wheel.stdout) != (checkout.returncode, checkout.stdout):
            fail(f"`simplelint {' '.join(args)}` differs: wheel exit {wheel.returncode}, checkout exit "
                 f"{checkout.returncode}\n--- wheel\n{wheel.stdout}{wheel.stderr}\n--- checkout\n{checkout.stdout}")
        if label == "json" and '"url": "https://' not in wheel.stdout:
            fail("the wheel's JSON findings carry no `url` (is [project.urls] Repository in pyproject.toml?)")
        if label == "check" and wheel.returncode != 1:  # the fixture has findings by design
            fail(f"`simplelint check` on the fixture exited {wheel.returncode}, expected 1: {wheel.stderr}")
    print(f"check_wheel: the installed wheel checks {FIXTURE.name} as the checkout does ({CHECK[-1]!r}, exit 1)")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="simplelint-wheel-") as temporary:
        scratch = Path(temporary)
        wheel = build(scratch / "dist")
        check_contents(wheel)
        compare(install(wheel, scratch / "venv"), scratch)


if __name__ == "__main__":
    main()
