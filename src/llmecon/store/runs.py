"""Saved Monte Carlo runs in a DuckDB file.

Each run is written in one transaction (its scenario, seed, backend, summary, percentiles
per month and probability of running out of cash), so a crash mid-write leaves the store as
it was before that run. DuckDB lets one process write a file at a time; a writer that finds
the file locked waits and retries, so several processes saving at once lose no run.
"""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from llmecon.errors import InputError, NotFoundError

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS runs (
        run_id VARCHAR PRIMARY KEY, created TIMESTAMP, company VARCHAR, stresses VARCHAR,
        paths BIGINT, horizon INTEGER, seed BIGINT, backend VARCHAR, scenario VARCHAR,
        summary VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS percentiles (
        run_id VARCHAR, metric VARCHAR, month INTEGER, p5 DOUBLE, p25 DOUBLE, p50 DOUBLE,
        p75 DOUBLE, p95 DOUBLE, mean DOUBLE)""",
    """CREATE TABLE IF NOT EXISTS cash_out (
        run_id VARCHAR, month INTEGER, probability DOUBLE)""",
)
LOCK_WAIT_S = 60.0
T = TypeVar("T")


def default_store_path() -> Path:
    """``$LLMECON_STORE``, else the user's data directory (XDG on Linux)."""
    env = os.environ.get("LLMECON_STORE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "llmecon" / "runs.duckdb"


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    created: datetime
    company: str
    stresses: str
    paths: int
    horizon: int
    seed: int
    backend: str
    summary: dict[str, Any]
    scenario: dict[str, Any]


class RunStore:
    """A DuckDB file of runs. Every call opens, uses and closes the file."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        if self.path.exists() and self.path.is_dir():
            raise InputError(f"--store: {self.path} is a directory; give a file path")

    @contextmanager
    def _connect(self, read_only: bool = False) -> Iterator[Any]:
        import duckdb

        if read_only and not self.path.exists():
            raise NotFoundError(f"{self.path}: no store yet (run 'llmecon simulate' first)")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _file_lock(self.path.with_name(self.path.name + ".lock"), shared=read_only):
            con = _retry(lambda: duckdb.connect(str(self.path), read_only=read_only))
            try:
                if not read_only:
                    for stmt in SCHEMA:
                        con.execute(stmt)
                yield con
            finally:
                con.close()

    def save(self, result: Any, scenario: dict[str, Any]) -> str:
        """Save a :class:`~llmecon.simulate.run.SimResult`; return its run id."""
        from llmecon.simulate.run import PERCENTILES

        run_id = uuid.uuid4().hex[:12]
        rows = []
        for metric, arr in result.percentiles.items():
            for t in range(result.horizon_months):
                rows.append((run_id, metric, t, *(float(arr[i, t]) for i in
                                                  range(len(PERCENTILES))),
                             float(result.mean[metric][t])))
        out_rows = [(run_id, t, float(v)) for t, v in enumerate(result.prob_cash_out)]
        summary = json.dumps(result.summary(), default=_json_default)
        with self._connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [run_id, datetime.now(UTC).replace(tzinfo=None), result.company,
                             "+".join(result.stresses) or "base", result.paths,
                             result.horizon_months, result.seed, result.backend,
                             json.dumps(scenario, default=_json_default), summary])
                con.executemany("INSERT INTO percentiles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                rows)
                con.executemany("INSERT INTO cash_out VALUES (?, ?, ?)", out_rows)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return run_id

    def records(self) -> list[RunRecord]:
        with self._connect(read_only=True) as con:
            rows = con.execute("SELECT run_id, created, company, stresses, paths, horizon, seed,"
                               " backend, summary, scenario FROM runs ORDER BY created").fetchall()
        return [_record(r) for r in rows]

    def get(self, run_id: str) -> RunRecord:
        with self._connect(read_only=True) as con:
            rows = con.execute("SELECT run_id, created, company, stresses, paths, horizon, seed,"
                               " backend, summary, scenario FROM runs WHERE run_id LIKE ?",
                               [run_id + "%"]).fetchall()
        if not rows:
            raise NotFoundError(f"{self.path}: no run {run_id!r} (see 'llmecon runs list')")
        if len(rows) > 1:
            raise InputError(f"run id {run_id!r} is ambiguous: "
                             f"{', '.join(r[0] for r in rows)}")
        return _record(rows[0])

    def percentiles(self, run_id: str, metric: str) -> list[tuple[Any, ...]]:
        with self._connect(read_only=True) as con:
            out: list[tuple[Any, ...]] = con.execute(
                "SELECT month, p5, p25, p50, p75, p95, mean FROM percentiles WHERE run_id = ? "
                "AND metric = ? ORDER BY month", [run_id, metric]).fetchall()
        return out

    def cash_out(self, run_id: str) -> list[tuple[int, float]]:
        with self._connect(read_only=True) as con:
            out: list[tuple[int, float]] = con.execute(
                "SELECT month, probability FROM cash_out WHERE run_id = ? ORDER BY month",
                [run_id]).fetchall()
        return out


def _record(r: tuple[Any, ...]) -> RunRecord:
    return RunRecord(r[0], r[1], r[2], r[3], int(r[4]), int(r[5]), int(r[6]), r[7],
                     json.loads(r[8]), json.loads(r[9]))


def _json_default(o: Any) -> Any:
    if isinstance(o, float) and o != o:  # NaN
        return None
    if hasattr(o, "tolist"):
        return o.tolist()
    return str(o)


@contextmanager
def _file_lock(path: Path, shared: bool) -> Iterator[None]:
    """An advisory lock beside the store (POSIX): writers exclusive, readers shared, so a
    process never opens the file while another is creating or writing it."""
    try:
        import fcntl
    except ImportError:  # not POSIX: rely on DuckDB's own lock and the retries
        yield
        return
    with open(path, "a+") as fh:
        mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        deadline = time.monotonic() + LOCK_WAIT_S
        while True:
            try:
                fcntl.flock(fh.fileno(), mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise InputError(f"store: {path} stayed locked for {LOCK_WAIT_S:.0f} s")\
                        from None
                time.sleep(0.02 + random.random() * 0.05)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _retry(fn: Callable[[], T]) -> T:
    """Call ``fn``, retrying while another process holds the file lock."""
    import duckdb

    deadline = time.monotonic() + LOCK_WAIT_S
    delay = 0.02
    while True:
        try:
            return fn()
        except duckdb.IOException as e:
            if "lock" not in str(e).lower() or time.monotonic() > deadline:
                raise InputError(f"store: {e}") from None
            time.sleep(delay * (1 + random.random()))
            delay = min(delay * 2, 0.5)
