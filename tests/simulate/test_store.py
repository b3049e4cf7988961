"""The DuckDB store survives a killed writer and concurrent writers lose no run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from llmecon.store.runs import RunStore

WRITER = textwrap.dedent("""
    import sys
    from datetime import date
    from llmecon.simulate.distributions import Dist
    from llmecon.simulate.run import run
    from llmecon.simulate.scenario import LineSpec, Scenario
    from llmecon.store.runs import RunStore

    names = ("start_cash", "inference_cost_decline_annual", "training_compute_monthly",
             "training_compute_growth_annual", "other_opex_monthly", "opex_growth_annual",
             "other_sm_monthly")
    drivers = {n: Dist("fixed", {"value": 10.0}) for n in names}
    drivers["api.tokens_per_month"] = Dist("normal", {"mean": 1e6, "sd": 1e5})
    for n, v in (("volume_growth_monthly", 0.1), ("price_per_m", 50.0),
                 ("price_decline_monthly", 0.0), ("cost_per_m_tokens", 5.0),
                 ("utilisation", 0.5)):
        drivers["api." + n] = Dist("fixed", {"value": v})
    s = Scenario("w", "USD", date(2024, 12, 31), 24, (LineSpec("api", "api"),), drivers)
    store = RunStore(sys.argv[1])
    for i in range(int(sys.argv[2])):
        r = run(s, paths=500, seed=i)
        print(store.save(r, s.to_dict()), flush=True)
""")


def _writer(tmp: Path, runs: int) -> subprocess.Popen[str]:
    script = tmp / "writer.py"
    script.write_text(WRITER)
    return subprocess.Popen([sys.executable, str(script), str(tmp / "runs.duckdb"), str(runs)],
                            stdout=subprocess.PIPE, text=True)


def _complete(store: RunStore, run_id: str) -> bool:
    return len(store.percentiles(run_id, "cash")) == 24 and len(store.cash_out(run_id)) == 24


@pytest.mark.slow
def test_killed_writer_loses_nothing_saved(tmp_path: Path) -> None:
    proc = _writer(tmp_path, 10_000)
    saved = []
    assert proc.stdout is not None
    while len(saved) < 5:
        line = proc.stdout.readline().strip()
        assert line, "writer ended early"
        saved.append(line)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    store = RunStore(tmp_path / "runs.duckdb")
    ids = {r.run_id for r in store.records()}
    assert set(saved) <= ids
    for run_id in ids:  # every run in the store is whole, none half-written
        assert _complete(store, run_id)


@pytest.mark.slow
def test_concurrent_writers_lose_no_run(tmp_path: Path) -> None:
    procs = [_writer(tmp_path, 3) for _ in range(4)]
    printed = []
    for p in procs:
        out, _ = p.communicate(timeout=300)
        assert p.returncode == 0
        printed += out.split()
    time.sleep(0.1)
    store = RunStore(tmp_path / "runs.duckdb")
    ids = {r.run_id for r in store.records()}
    assert len(printed) == 12 and set(printed) == ids
    assert all(_complete(store, i) for i in ids)


def test_store_errors(tmp_path: Path) -> None:
    from llmecon.errors import InputError, NotFoundError

    with pytest.raises(NotFoundError, match="no store yet"):
        RunStore(tmp_path / "none.duckdb").records()
    with pytest.raises(InputError, match="is a directory"):
        RunStore(tmp_path)
