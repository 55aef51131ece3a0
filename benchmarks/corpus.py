"""Fetch and unpack real projects' sdists into ~/.cache/simplelint-corpus (or $SIMPLELINT_CORPUS) (reused when already there).

    python benchmarks/corpus.py django flask      # prints the unpacked folders

Pinned versions keep the figures in README and the closing notes reproducible.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

# Outside the repository: its .gitignore and config must not apply to the corpus.
CORPUS = Path(os.environ.get("SIMPLELINT_CORPUS", Path.home() / ".cache" / "simplelint-corpus"))
PINNED = {
    "django": "5.1.4",
    "flask": "3.1.0",
    "more-itertools": "10.5.0",
    "humanize": "4.11.0",
    "seaborn": "0.13.2",
    "statsmodels": "0.14.4",
    "pandas": "2.2.3",
    "sqlalchemy": "2.0.36",
    "numpy": "2.1.3",
    "attrs": "26.1.0",  # these three: issue 12's precision review (benchmarks/precision.py)
    "requests": "2.34.2",
    "pytest": "9.2.0",
    "black": "26.10.1",  # these four: issue 14's sweep (benchmarks/sweep.py), test data full of odd syntax
    "parso": "0.8.7",
    "libcst": "1.9.0",
    "mypy": "2.4.1",
}


def fetch(name: str) -> Path:
    """The unpacked sdist folder of `name` at its pinned version."""
    version = PINNED[name]
    CORPUS.mkdir(parents=True, exist_ok=True)
    for candidate in CORPUS.iterdir():
        if candidate.is_dir() and candidate.name.lower().replace("_", "-") == f"{name}-{version}":
            return candidate
    downloads = CORPUS / "_sdists"
    try:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
             "-d", str(downloads), f"{name}=={version}"],
            check=True,
            stderr=subprocess.DEVNULL,
        )
    except subprocess.CalledProcessError:
        _download_sdist(name, version, downloads)  # pip builds metadata first: numpy and pandas need compilers
    archive = next(p for p in downloads.iterdir() if p.name.lower().replace("_", "-").startswith(f"{name}-{version}"))
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as opened:
            opened.extractall(CORPUS)
    else:
        with tarfile.open(archive) as opened:
            opened.extractall(CORPUS, filter="data") if hasattr(tarfile, "data_filter") else opened.extractall(CORPUS)
    return fetch(name)


def _download_sdist(name: str, version: str, folder: Path) -> None:
    """The sdist file itself from the package index's simple API (PEP 691), its sha256 checked."""
    import hashlib
    import json
    import urllib.request

    accept = {"Accept": "application/vnd.pypi.simple.v1+json"}
    request = urllib.request.Request(f"https://pypi.org/simple/{name}/", headers=accept)
    with urllib.request.urlopen(request, timeout=60) as response:
        files = json.load(response)["files"]
    prefix = f"{name}-{version}.".lower().replace("-", "_")
    entry = next(f for f in files if f["filename"].lower().replace("-", "_").startswith(prefix)
                 and f["filename"].endswith((".tar.gz", ".zip")))
    with urllib.request.urlopen(entry["url"], timeout=600) as response:
        data = response.read()
    if hashlib.sha256(data).hexdigest() != entry["hashes"]["sha256"]:
        raise RuntimeError(f"{entry['filename']}: sha256 mismatch")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / entry["filename"]).write_bytes(data)


if __name__ == "__main__":
    for project in sys.argv[1:] or ["django", "flask"]:
        print(fetch(project))
