"""Whole-process timings of the CLI, as ratios against a baseline measured in the same run.

    make bench

Baseline: starting the same Python interpreter and doing nothing (``python -c pass``).
Each command runs ``--repeat`` times; the median is reported. Goals: ``llmecon --help``
under 0.3 s (heavy libraries load lazily, only in the commands that need them) and a
10,000-path Monte Carlo (``llmecon simulate minimax --paths 10000``, saved to the DuckDB
store, and the same with ``--no-save``) under 1 s.

The median is judged against the goal; the fastest run is printed beside it, as what a
quiet machine gives (on a shared virtual machine a whole batch of runs can be slower).
Commands run as a user's do, with Python's bytecode cache (the first, untimed run writes
it): ``PYTHONDONTWRITEBYTECODE`` is removed from their environment. Where the calling
environment sets it (some sandboxes and CI images do, so that a fresh install never has a
cache), the simulation is also timed with it set and an empty cache folder
(``PYTHONPYCACHEPREFIX``), so every module is compiled again at every start; that line is
for information. (With the flag set but a cache already written, Python reads the cache.)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


#: A user's environment: Python writes and reuses its bytecode cache.
USER_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], repeat: int, env: dict[str, str] | None = None
          ) -> tuple[float, float]:
    """Median and fastest of ``repeat`` runs of ``cmd``, in seconds."""
    env = USER_ENV if env is None else env
    subprocess.run(cmd, capture_output=True, check=True, env=env)  # warm caches
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True, env=env)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    exe = shutil.which("llmecon", path=str(BIN)) or "llmecon"
    with tempfile.TemporaryDirectory() as tmp:
        failed = _cases(exe, tmp, args.repeat)
    sys.exit(1 if failed else 0)


def _cases(exe: str, tmp: str, repeat: int) -> bool:
    """Print each case's median against the baseline; True when a goal is missed."""
    baseline = timed([sys.executable, "-c", "pass"], repeat)
    cases = {
        "llmecon --help": [exe, "--help"],
        "llmecon compare zhipu minimax": [exe, "compare", "zhipu", "minimax"],
        "llmecon compare ... --format json": [exe, "compare", "zhipu", "minimax", "--format",
                                              "json"],
        "simulate minimax --paths 10000 --no-save": [exe, "simulate", "minimax", "--paths",
                                                     "10000", "--no-save"],
        "simulate minimax --paths 10000 (saved)": [exe, "simulate", "minimax", "--paths",
                                                   "10000", "--store",
                                                   str(Path(tmp) / "runs.duckdb")],
    }
    goals = {"llmecon --help": 0.3, "simulate minimax --paths 10000 --no-save": 1.0,
             "simulate minimax --paths 10000 (saved)": 1.0}
    print(f"{'case':40} {'median s':>9} {'fastest s':>9} {'x baseline':>11}")
    print(f"{'python -c pass (baseline)':40} {baseline[0]:9.3f} {baseline[1]:9.3f} {1.0:11.1f}")
    failed = False
    runs = [(name, cmd, USER_ENV, "") for name, cmd in cases.items()]
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        # as where no run has written the cache yet: an empty cache folder, never written
        empty = Path(tmp) / "no-pycache"
        empty.mkdir()
        runs.append(("  the same, no bytecode cache",
                     cases["simulate minimax --paths 10000 --no-save"],
                     dict(os.environ, PYTHONPYCACHEPREFIX=str(empty)),
                     "  (every module compiled at start, as with PYTHONDONTWRITEBYTECODE "
                     "and no cache written; information)"))
    for name, cmd, env, note in runs:
        median, fastest = timed(cmd, repeat, env)
        if name in goals and median >= goals[name]:
            note, failed = f"  (goal < {goals[name]} s missed)", True
        print(f"{name:40} {median:9.3f} {fastest:9.3f} {median / baseline[0]:11.1f}{note}")
    return failed


if __name__ == "__main__":
    main()
