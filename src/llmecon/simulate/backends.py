"""Where blocks of paths run: in this process (numpy) or on Dask worker processes.

Either way a worker projects a chunk of blocks and returns its summary only (never the
paths); the client merges the counts as chunks arrive and folds the float sums in block
order, so every backend and every number of workers gives the same result for a seed.

A cluster of several machines (plain commands; every machine needs the same llmecon with the
``dask`` extra, ``pip install 'llmecon[dask]'``)::

    scheduler$ dask scheduler --port 8786
    worker$    dask worker tcp://SCHEDULER:8786 --nworkers 4 --nthreads 1
    client>>>  run(scenario, paths=100_000_000, backend="dask",
                   scheduler="tcp://SCHEDULER:8786")

Only summaries travel back (a few MiB per chunk of up to 64 blocks), never the paths.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from llmecon.errors import InputError, LlmeconError
from llmecon.simulate.bounds import held_at_bounds
from llmecon.simulate.engine import project
from llmecon.simulate.sampling import overflow_refused, sample_paths, uncertain_drivers
from llmecon.simulate.scenario import Scenario
from llmecon.simulate.summary import (
    SUMMARISED,
    Counts,
    Folded,
    Sums,
    driver_matrix,
    reduce_block,
)

Progress = Callable[[int, int], None]
#: Chunks of blocks per worker in a Dask run (load balance against per-chunk overhead).
CHUNKS_PER_WORKER = 16
#: Local Dask worker processes allowed per core of this machine.
WORKERS_PER_CORE = 4
#: Measured working set per path-month of a block in hand (the block's series, sampled
#: drivers, metrics and sketch keys: about 18 float64 arrays of block x months).
BYTES_PER_BLOCK_CELL = 160
#: Sketches of the 8 summarised series, per month (about 6,000 occupied buckets per sign:
#: a spread of six powers of two; wider spreads take more).
BYTES_PER_MONTH_OF_SKETCHES = 8 * 2 * 6_000 * 8
#: A process with numpy, scipy and llmecon imported.
BYTES_PER_PROCESS = 150 * 2**20
#: Bytes per kept path-month (six float64 series).
BYTES_PER_KEPT_CELL = 6 * 8


def estimate_memory_bytes(horizon_months: int, block_paths: int, keep_paths: int = 0,
                          processes: int = 1) -> int:
    """Planned peak memory of a run on this machine: each process holds a block in hand and
    sketches; the client also the kept paths. Independent of the number of paths."""
    per_process = BYTES_PER_PROCESS + BYTES_PER_BLOCK_CELL * block_paths * horizon_months \
        + BYTES_PER_MONTH_OF_SKETCHES * horizon_months
    return per_process * processes + BYTES_PER_KEPT_CELL * keep_paths * horizon_months


def max_local_workers() -> int:
    """Most local worker processes a run may start (``WORKERS_PER_CORE`` per core)."""
    return WORKERS_PER_CORE * (os.cpu_count() or 1)


@dataclass
class Reduced:
    """A whole run's summary: merged counts and block-ordered float sums."""

    counts: Counts
    folded: Folded
    workers: int


def reduce_chunk(s: Scenario, seed: int, blocks: Sequence[tuple[int, int]], keep: int
                 ) -> tuple[Counts, list[Sums]]:
    """Project and reduce consecutive blocks ``(first path, paths)``: the unit of work."""
    names = uncertain_drivers(s)
    counts: Counts | None = None
    sums = []
    for first, n in blocks:
        with overflow_refused(s):
            x, mults = sample_paths(s, seed, first, n)
            c, f = reduce_block(project(s, x, mults, series=SUMMARISED),
                                driver_matrix(x, names, n), first, keep)
        c.held = held_at_bounds([(ln.name, ln.kind) for ln in s.lines], x, mults)
        counts = c if counts is None else counts.merged(c)
        sums.append(f)
    assert counts is not None
    return counts, sums


def chunk_of(blocks: Sequence[tuple[int, int]], chunk_blocks: int, i: int
             ) -> list[tuple[int, int]]:
    """Chunk ``i``: blocks ``i * chunk_blocks`` onwards, ``chunk_blocks`` of them at most."""
    return list(blocks[i * chunk_blocks:(i + 1) * chunk_blocks])


def _paths(blocks: Sequence[tuple[int, int]]) -> int:
    return int(getattr(blocks, "paths", None) or sum(n for _, n in blocks))


def run_numpy(s: Scenario, seed: int, blocks: Sequence[tuple[int, int]], keep: int,
              progress: Progress | None) -> Reduced:
    total = _paths(blocks)
    counts: Counts | None = None
    folded = Folded()
    for block in blocks:
        c, sums = reduce_chunk(s, seed, [block], keep)
        counts = c if counts is None else counts.merged(c)
        folded.add(sums[0])
        if progress:
            progress(counts.paths, total)
    assert counts is not None
    return Reduced(counts, folded, 1)


def check_workers(workers: int, scheduler: str | None) -> None:
    if scheduler is not None:
        if not isinstance(scheduler, str) or not scheduler.strip():
            raise InputError(f"scheduler: expected a Dask scheduler address such as "
                             f"tcp://host:8786, found {scheduler!r}")
        return
    top = max_local_workers()
    if not 1 <= workers <= top:
        raise InputError(f"workers: expected 1 to {top} local worker processes "
                         f"({WORKERS_PER_CORE} per core, {os.cpu_count()} cores here), "
                         f"found {workers}")


def _connect(make: Callable[[], Any], timeout_s: float) -> Any:
    """``make()`` (a Dask client) within ``timeout_s`` plus a little: Dask bounds the TCP
    connect, not the handshake, so a port that accepts and never answers (not a scheduler)
    hung the run without a word. The attempt runs in a daemon thread left behind on a
    timeout (the command then ends)."""
    import threading

    box: list[Any] = []

    def attempt() -> None:
        try:
            box.append(make())
        except BaseException as e:  # handed to the caller
            box.append(e)

    t = threading.Thread(target=attempt, daemon=True, name="dask-connect")
    t.start()
    t.join(timeout_s + 1.0)
    if not box:
        raise TimeoutError("no answer to the handshake: is it a Dask scheduler's port?")
    if isinstance(box[0], BaseException):
        raise box[0]
    return box[0]


def _client(scheduler: str | None, workers: int, timeout_s: float) -> tuple[Any, Any]:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise InputError("backend dask: install the extra: pip install 'llmecon[dask]'") \
            from None
    if scheduler is None:
        import dask

        # Dask's nannies set MALLOC_TRIM_THRESHOLD_, which turns off glibc's adaptive mmap
        # threshold: every block's temporaries then come from fresh pages (measured up to 2x
        # slower here). The run's memory is bounded by its blocks, so trimming buys nothing.
        with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_":
                              None}):
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
        return Client(cluster), cluster
    try:
        client = _connect(lambda: Client(scheduler, timeout=f"{timeout_s}s"), timeout_s)
    except (OSError, TimeoutError, ValueError, TypeError) as e:
        why = " ".join(str(e).split()) or type(e).__name__
        raise InputError(f"scheduler: cannot connect to a Dask scheduler at {scheduler!r} "
                         f"within {timeout_s:g} s ({why[:200]})") from None
    try:
        client.wait_for_workers(1, timeout=timeout_s)
    except (OSError, TimeoutError):
        client.close()
        raise InputError(f"scheduler: the Dask scheduler at {scheduler!r} has no workers "
                         f"(none joined within {timeout_s:g} s)") from None
    return client, None


def run_dask(s: Scenario, seed: int, blocks: Sequence[tuple[int, int]], keep: int,
             progress: Progress | None, *, scheduler: str | None, workers: int,
             chunk_blocks: int | None, timeout_s: float = 10.0) -> Reduced:
    """Chunks of blocks on Dask workers; each returns its summary only."""
    check_workers(workers, scheduler)
    client, cluster = _client(scheduler, workers, timeout_s)
    try:
        from dask.distributed import as_completed

        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        # about 16 chunks per worker: while the last chunk runs the other workers are idle,
        # so a chunk should be a small share of a worker's work (a sixteenth, not a quarter)
        size = chunk_blocks or max(1, min(64, -(-len(blocks) // (CHUNKS_PER_WORKER
                                                                  * n_workers))))
        scen = client.scatter(s, broadcast=True)

        def submit(i: int) -> Any:
            return client.submit(chunk_on_worker, scen, seed, chunk_of(blocks, size, i), keep,
                                 pure=False)

        try:
            return _collect(submit, -(-len(blocks) // size), as_completed, progress,
                            _paths(blocks), n_workers)
        except ImportError as e:
            raise InputError(f"backend dask: a worker cannot import {e.name or 'llmecon'}: "
                             "install the same llmecon version on every worker") from None
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def chunk_on_worker(s: Scenario, seed: int, blocks: Sequence[tuple[int, int]], keep: int
                    ) -> tuple[Counts, list[Sums]] | LlmeconError:
    """:func:`reduce_chunk` on a Dask worker: a named error (a projection past the float
    range) comes back as a value, which the client raises, so the worker logs no "Compute
    Failed" traceback before it."""
    try:
        return reduce_chunk(s, seed, blocks, keep)
    except LlmeconError as e:
        return e


def _collect(submit: Callable[[int], Any], n_chunks: int, as_completed: Any,
             progress: Progress | None, total: int, n_workers: int) -> Reduced:
    """Submit chunks within a window ahead of the oldest unfolded one; merge counts as they
    arrive and fold sums in chunk (hence block) order. The client holds at most the window's
    futures and summaries, whatever the number of chunks."""
    window = CHUNKS_PER_WORKER * n_workers
    index: dict[Any, int] = {}
    waiting: dict[int, list[Sums]] = {}
    counts: Counts | None = None
    folded = Folded()
    turn, sent = 0, 0
    pending = as_completed()
    while sent < min(n_chunks, window):
        fut = submit(sent)
        index[fut.key] = sent
        pending.add(fut)
        sent += 1
    for fut in pending:
        got = fut.result()
        fut.release()
        if isinstance(got, LlmeconError):
            raise got
        c, sums = got
        counts = c if counts is None else counts.merged(c)
        waiting[index.pop(fut.key)] = sums
        while turn in waiting:
            for b in waiting.pop(turn):
                folded.add(b)
            turn += 1
        while sent < n_chunks and sent < turn + window:
            nxt = submit(sent)
            index[nxt.key] = sent
            pending.add(nxt)
            sent += 1
        if progress:
            progress(counts.paths, total)
    assert counts is not None
    return Reduced(counts, folded, n_workers)
