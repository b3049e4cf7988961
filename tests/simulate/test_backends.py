"""Backends: Dask worker processes give the numpy result exactly; bad settings are refused."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from llmecon.errors import InputError
from llmecon.simulate.run import SimResult, run
from llmecon.simulate.scenario import Scenario

Factory = Callable[..., Scenario]


def _identical(a: SimResult, b: SimResult) -> None:
    for k in a.percentiles:
        assert np.array_equal(a.percentiles[k], b.percentiles[k], equal_nan=True), k
        assert np.array_equal(a.mean[k], b.mean[k], equal_nan=True), k
    for f in ("prob_cash_out", "runway_percentiles", "breakeven_percentiles",
              "revenue_total_percentiles", "gross_margin_total_percentiles",
              "runway_counts", "breakeven_counts"):
        assert np.array_equal(getattr(a, f), getattr(b, f), equal_nan=True), f
    assert a.driver_correlation == b.driver_correlation
    assert a.prob_breakeven == b.prob_breakeven


@pytest.mark.slow
def test_dask_processes_give_the_numpy_result(uncertain: Factory) -> None:
    """Two local worker processes, chunks of 3 blocks arriving in any order; and one
    worker with other chunks: identical to numpy for the seed, kept paths included."""
    s = uncertain(24)
    a = run(s, paths=20_000, seed=5, block_paths=2_000, keep_paths=3_000)
    b = run(s, paths=20_000, seed=5, block_paths=2_000, keep_paths=3_000, backend="dask",
            workers=2, chunk_blocks=3)
    assert b.workers == 2 and b.backend == "dask"
    _identical(a, b)
    assert a.paths_data is not None and b.paths_data is not None
    assert np.array_equal(a.paths_data.cash, b.paths_data.cash)
    c = run(s, paths=20_000, seed=5, block_paths=2_000, backend="dask", workers=1)
    _identical(a, c)
    # more chunks (50) than the client keeps in flight (16 per worker): chunks are submitted
    # as the oldest ones fold, and the result is still the numpy one
    d = run(s, paths=20_000, seed=5, block_paths=400, backend="dask", workers=2,
            chunk_blocks=1)
    _identical(run(s, paths=20_000, seed=5, block_paths=400), d)


def test_blocks_of_a_huge_run_are_not_held() -> None:
    # 10^12 paths in blocks of 16,384: 61,035,157 blocks, computed when asked (the list
    # of them took about 6 GB)
    import tracemalloc

    from llmecon.simulate.sampling import blocks_for

    tracemalloc.start()
    b = blocks_for(10**12, 16_384)
    n, last = len(b), b[-1]
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert n == -(-10**12 // 16_384) == 61_035_157
    assert last == ((n - 1) * 16_384, 10**12 - (n - 1) * 16_384) and size < 10_000


def test_keep_paths_keeps_the_first_paths(uncertain: Factory) -> None:
    s = uncertain(12)
    every = run(s, paths=3_000, seed=2, block_paths=1_000, keep_paths=True)
    some = run(s, paths=3_000, seed=2, block_paths=1_000, keep_paths=1_500)
    none = run(s, paths=3_000, seed=2, block_paths=1_000)
    assert every.paths_data is not None and some.paths_data is not None
    assert none.paths_data is None
    assert some.paths_data.cash.shape == (1_500, 12)
    assert np.array_equal(some.paths_data.cash, every.paths_data.cash[:1_500])
    with pytest.raises(InputError, match="keep_paths: expected 0 to"):
        run(s, paths=100, keep_paths=101)


def test_absurd_workers_refused_before_starting_anything(uncertain: Factory) -> None:
    with pytest.raises(InputError, match=r"workers: expected 1 to \d+ local worker processes"):
        run(uncertain(), paths=100, backend="dask", workers=5000)
    with pytest.raises(InputError, match="workers: expected"):
        run(uncertain(), paths=100, backend="dask", workers=0)


def test_a_port_that_never_answers_is_refused_in_time(uncertain: Factory) -> None:
    """A hostile-input audit: a port that accepts and never answers (not a Dask scheduler)
    hung the run without a word; Dask bounds the connect, not the handshake."""
    import socket
    import time

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        started = time.monotonic()
        with pytest.raises(InputError, match=r"cannot connect to a Dask scheduler at .* within "
                                             r"1 s"):
            run(uncertain(), paths=100, backend="dask", scheduler=address,
                scheduler_timeout_s=1)
        assert time.monotonic() - started < 10


def test_bad_scheduler_is_an_input_error(uncertain: Factory) -> None:
    with pytest.raises(InputError, match="scheduler: cannot connect to a Dask scheduler at "
                                         "'not an address'"):
        run(uncertain(), paths=100, backend="dask", scheduler="not an address",
            scheduler_timeout_s=1)
    with pytest.raises(InputError, match="needs backend dask"):
        run(uncertain(), paths=100, scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(InputError, match="backend: expected numpy or dask"):
        run(uncertain(), paths=100, backend="ray")


@pytest.mark.slow
def test_unreachable_scheduler_is_an_input_error(uncertain: Factory) -> None:
    with pytest.raises(InputError, match=r"cannot connect .* within 1 s"):
        run(uncertain(), paths=100, backend="dask", scheduler="tcp://127.0.0.1:9",
            scheduler_timeout_s=1)


def test_memory_is_estimated_and_refused_above_the_budget(uncertain: Factory) -> None:
    """Keeping 1M paths x 60 months whole needs 6 x 8 B x 60M = 2.7 GiB on its own: refused
    under a 2 GiB budget, with the estimate; streaming 10M paths plans well under 1 GiB."""
    from llmecon.simulate.backends import estimate_memory_bytes

    s = uncertain(60)
    with pytest.raises(InputError, match=r"memory: this run needs about [3-4]\.\d GiB .* the "
                                         r"budget is 2\.0 GiB"):
        run(s, paths=1_000_000, keep_paths=True, memory_budget_bytes=2 * 2**30)
    assert estimate_memory_bytes(60, 16384) < 2**30
    assert estimate_memory_bytes(60, 16384, 0, 3) == 3 * estimate_memory_bytes(60, 16384)
    # a hostile-input audit: a block larger than the run was costed in full (100 paths in
    # blocks of 1e9 "needed 447 GiB"); a block is never larger than the run
    r = run(uncertain(3), paths=100, block_paths=10**9, memory_budget_bytes=2**30)
    assert r.paths == 100 and r.block_paths == 100


@pytest.mark.slow
def test_an_existing_cluster_by_its_address(uncertain: Factory) -> None:
    """scheduler=ADDRESS: the run uses that cluster's workers and gives numpy's result."""
    from dask.distributed import LocalCluster

    s = uncertain(12)
    a = run(s, paths=6_000, seed=8, block_paths=1_000)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster:
        b = run(s, paths=6_000, seed=8, block_paths=1_000, backend="dask",
                scheduler=cluster.scheduler_address, chunk_blocks=2)
    assert b.workers == 2
    _identical(a, b)


@pytest.mark.slow
def test_a_cluster_without_workers_is_an_input_error(uncertain: Factory) -> None:
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=0, processes=False, dashboard_address=None) as cluster, \
            pytest.raises(InputError, match="has no workers"):
        run(uncertain(), paths=100, backend="dask", scheduler=cluster.scheduler_address,
            scheduler_timeout_s=1)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.mark.slow
def test_the_documented_cluster_recipe(capsys: pytest.CaptureFixture[str]) -> None:
    """The plain-command recipe of docs/projections.md (a ``dask scheduler`` and ``dask worker``
    processes started by hand, the run given ``--scheduler``) gives the numpy result."""
    import json
    import shutil
    import subprocess
    import sys
    import time
    from pathlib import Path

    from llmecon.cli import main

    dask = shutil.which("dask", path=str(Path(sys.executable).parent))
    if dask is None:
        pytest.skip("the dask command is not installed beside this Python")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)]
    try:
        time.sleep(1.0)
        procs.append(subprocess.Popen([dask, "worker", address, "--nworkers", "2",
                                       "--nthreads", "1", "--no-dashboard"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        args = ["simulate", "minimax", "--paths", "40000", "--horizon", "24", "--no-save",
                "--format", "json"]
        assert main([*args, "--backend", "dask", "--scheduler", address]) == 0
        cluster = json.loads(capsys.readouterr().out)
        assert main(args) == 0
        local = json.loads(capsys.readouterr().out)
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            p.wait(timeout=30)
    assert cluster["summary"].pop("backend") == "dask"
    assert local["summary"].pop("backend") == "numpy"
    for key in ("percentiles", "prob_cash_out", "summary", "drivers"):
        assert cluster[key] == local[key], key
