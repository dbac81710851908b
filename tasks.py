#!/usr/bin/env python3
"""Set up and run the project with nothing but Python 3.11+.

    python3 tasks.py run     # set up, build the corpus, execute every notebook, write figures
    python3 tasks.py test        # set up, lint, run the fast tests (under 4 minutes on two cores)
    python3 tasks.py test-slow   # the slow tests: every notebook headless, the suite, Dask, a browser
    python3 tasks.py test-all    # both (what CI runs: .ci/run)
    python3 tasks.py setup   # only create .venv and install the package with its dev tools

The virtual environment lives in .venv/ and is reinstalled when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"


def sh(*args: str | Path) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True)


def setup() -> None:
    if not PY.exists():
        print(f"Creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == want:
        return
    sh(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    sh(PY, "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    STAMP.write_text(want)


def main(argv: list[str]) -> int:
    cmd = argv[1] if len(argv) > 1 else "run"
    extra = argv[2:]
    setup()
    env = {**os.environ, "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"}
    if cmd == "setup":
        return 0
    if cmd == "run":
        return subprocess.run([str(PY), "-m", "analysis", "run", *extra], cwd=ROOT, env=env).returncode
    if cmd in ("test", "test-all"):
        lint = subprocess.run(
            [str(PY), "-m", "ruff", "check", "src", "tests", "benchmarks", "tasks.py"],
            cwd=ROOT,
            env=env,
        )
        if lint.returncode:
            return lint.returncode
    steps = {"test": ["not slow"], "test-slow": ["slow"], "test-all": ["not slow", "slow"]}
    if cmd in steps:
        for marks in steps[cmd]:
            print(f"+ pytest -m {marks!r}", flush=True)
            # two workers (pytest-xdist) unless the caller chose: the machines have two cores
            chosen = any(a.startswith(("-n", "--numprocesses")) or a == "no:xdist" for a in extra)
            workers = [] if chosen else ["-n", "2"]
            done = subprocess.run([str(PY), "-m", "pytest", "-m", marks, *workers, *extra], cwd=ROOT, env=env)
            if done.returncode:
                return done.returncode
        return 0
    sys.exit(f"unknown command {cmd!r}; use run, test, test-slow, test-all or setup")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
