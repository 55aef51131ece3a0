"""SL6xx on real scientific code, issue 19: findings per rule per project, the code of each finding for a
hand check, the cost on a cold Django run, and the loop timings quoted in the rule docs.

    python benchmarks/compute_survey.py corpus [NAME...] [--dir DIR]    # fetch and unpack the pinned wheels' .py files
    python benchmarks/compute_survey.py findings [NAME...] [--dir DIR]  # run SL6 on each, print counts and every finding
    python benchmarks/compute_survey.py django [--repeat 3]    # cold `--select ALL` vs `--select ALL --ignore SL6`
    python benchmarks/compute_survey.py timing                 # loop vs vectorised (needs numpy in this Python)

Wheels, not sdists: scipy's and scikit-learn's sdists need meson and a compiler just to be downloaded by pip
(it prepares their metadata); a wheel holds the same Python sources. The packages are pinned in PROJECTS.
`findings` writes `findings.json` and `findings.txt` (each finding with the first lines of its loop) in DIR;
the verdicts of the hand check are in results/compute.md. `django` reads the sdist fetched by
`corpus.py django` and writes nothing there (`--no-cache`).
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

PROJECTS = {
    "scipy": "scipy==1.14.1",
    "statsmodels": "statsmodels==0.14.4",
    "astropy": "astropy==6.1.4",
    "scikit-learn": "scikit-learn==1.5.2",
    "scikit-image": "scikit-image==0.24.0",
    "numpy": "numpy==2.1.3",
    "matplotlib": "matplotlib==3.9.2",
    "mne": "mne==1.8.0",
    "nilearn": "nilearn==0.10.3",
    "networkx": "networkx==3.4.2",
    "neurokit2": "neurokit2==0.2.13",
    "pyts": "pyts==0.14.1",
    "filterpy": "filterpy==2.0.0",
    "python-control": "control==0.10.2",
    "pvlib": "pvlib==0.16.1",
    "salib": "salib==1.6.0",
    "scikit-fuzzy": "scikit-fuzzy==0.5.0",
    "pykalman": "pykalman==0.11.2",
    "nolds": "nolds==0.6.3",
    "librosa": "librosa==0.10.2.post1",
    "pywavelets": "PyWavelets==1.7.0",
    "sunpy": "sunpy==6.0.3",
    "astroml": "astroML==1.0.2.post1",
    "lmfit": "lmfit==1.3.2",
    "emcee": "emcee==3.1.6",
}
DEFAULT_DIR = Path.home() / ".cache" / "simplelint-corpus" / "compute"
DJANGO = Path.home() / ".cache" / "simplelint-corpus" / "Django-5.1.4" / "django"


def corpus(folder: Path, names: list[str]) -> None:
    wheels = folder / "wheels"
    command = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary", ":all:", "-d", str(wheels)]
    subprocess.run([*command, *(PROJECTS[name] for name in names)], check=True)
    for name in names:
        pin = PROJECTS[name]
        distribution = pin.split("==")[0].replace("-", "_").lower()
        wheel = next(w for w in wheels.glob("*.whl") if w.name.lower().startswith(distribution + "-"))
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(folder / "src" / name, [m for m in archive.namelist() if m.endswith(".py")])
        print(name, wheel.name)


def findings(folder: Path, names: list[str]) -> None:
    """Run SL6 on `names`; their findings replace theirs in findings.json, which findings.txt then lists."""
    saved = folder / "findings.json"
    found: dict[str, list[dict[str, object]]] = json.loads(saved.read_text("utf-8")) if saved.exists() else {}
    for name in names:
        command = ["simplelint", "check", "--isolated", "--no-cache", "--select", "SL6", "--output-format", "json"]
        started = time.perf_counter()
        done = subprocess.run([*command, str(folder / "src" / name)], capture_output=True, text=True)
        found[name] = json.loads(done.stdout or "[]")
        counts = collections.Counter(item["code"] for item in found[name])
        print(f"| {name} | {PROJECTS[name]} | {len(found[name])} | {dict(sorted(counts.items()))} | {time.perf_counter() - started:.0f} s |")
    saved.write_text(json.dumps(found, indent=1), encoding="utf-8")
    with open(folder / "findings.txt", "w", encoding="utf-8") as out:
        for name, items in found.items():
            for item in items:
                path = Path(str(item["filename"]))
                row = item["location"]["row"]  # type: ignore[index]
                lines = path.read_text(encoding="utf-8").splitlines()[row - 1 : row + 9]
                out.write(f"== {item['code']} {path.relative_to(folder / 'src')}:{row}\n{item['message']}\n")
                out.write("\n".join(lines) + "\n\n")


def django(repeat: int) -> None:
    """CPU seconds (user + system, the workers included) and wall seconds of cold runs on django/, with and
    without SL6. CPU time is the measure: the wall time moves with whatever else the machine runs."""
    import resource

    base = ["simplelint", "check", "--isolated", "--no-cache", "--exit-zero", "-q", str(DJANGO), "--select", "ALL"]
    runs: dict[str, list[tuple[float, float]]] = {"without SL6": [], "with SL6": []}
    for _ in range(repeat):  # alternated, so a busier minute of the machine hits both
        for label, extra in (("without SL6", ["--ignore", "SL6"]), ("with SL6", [])):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run([*base, *extra], check=True, capture_output=True)
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            runs[label].append((cpu, wall))
    print("| run | CPU, best | CPU, each run | wall, best |\n|---|---|---|---|")
    for label, values in runs.items():
        cpus = [cpu for cpu, _ in values]
        print(f"| {label} | {min(cpus):.1f} s | {', '.join(f'{c:.1f}' for c in cpus)} | {min(w for _, w in values):.1f} s |")
    best = {label: min(cpu for cpu, _ in values) for label, values in runs.items()}
    print(f"added CPU: {best['with SL6'] / best['without SL6'] - 1:+.1%}")


# The loops SL6xx flags, written as users write them: `timing` measures them against the one call.
def _loop_dot(a: np.ndarray, b: np.ndarray) -> float:
    s = 0.0
    for i in range(len(a)):  # noqa: SL601, SL119
        s += a[i] * b[i]
    return s


def _loop_scale(a: np.ndarray, k: float) -> np.ndarray:
    import numpy as np

    out = np.empty_like(a)
    for i in range(len(a)):  # noqa: SL601, SL119
        out[i] = a[i] * k + 1.0
    return out


def _loop_clip(a: np.ndarray, hi: float) -> np.ndarray:
    a = a.copy()
    for i in range(len(a)):  # noqa: SL601, SL119
        if a[i] > hi:
            a[i] = hi
    return a


def _loop_matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    import numpy as np

    n, m = a.shape
    p = b.shape[1]
    c = np.zeros((n, p))
    for i in range(n):  # noqa: SL604
        for j in range(p):
            for k in range(m):
                c[i, j] += a[i, k] * b[k, j]
    return c


def timing() -> None:
    import platform
    import timeit

    import numpy as np

    rng = np.random.default_rng(0)
    a, b = rng.random(1_000_000), rng.random(1_000_000)
    x, y = rng.random((200, 200)), rng.random((200, 200))
    cases = [
        ("`s += a[i] * b[i]` -> `a @ b`", lambda: _loop_dot(a, b), lambda: a @ b),
        ("`out[i] = a[i] * k + 1.0` -> `a * k + 1.0`", lambda: _loop_scale(a, 3.0), lambda: a * 3.0 + 1.0),
        ("`if a[i] > hi: a[i] = hi` -> `np.clip(a, None, hi)`", lambda: _loop_clip(a, 0.5),
         lambda: np.clip(a, None, 0.5)),
        ("`c[i, j] += a[i, k] * b[k, j]` (200x200) -> `a @ b`", lambda: _loop_matmul(x, y), lambda: x @ y),
    ]
    print(f"Python {platform.python_version()}, numpy {np.__version__}; vectors of 1,000,000 float64")
    print("| loop -> vectorised | loop | vectorised | ratio |\n|---|---|---|---|")
    for label, loop, vector in cases:
        assert np.allclose(loop(), vector())
        slow = min(timeit.repeat(loop, number=1, repeat=3))
        fast = min(timeit.repeat(vector, number=20, repeat=3)) / 20
        print(f"| {label} | {slow * 1000:.0f} ms | {fast * 1000:.2f} ms | {slow / fast:,.0f}x |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=("corpus", "findings", "django", "timing"))
    parser.add_argument("projects", nargs="*", choices=[[], *PROJECTS], help="default: all of PROJECTS")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    names = options.projects or list(PROJECTS)
    if options.step == "corpus":
        corpus(options.dir, names)
    elif options.step == "findings":
        findings(options.dir, names)
    elif options.step == "django":
        django(options.repeat)
    else:
        timing()


if __name__ == "__main__":
    main()
