"""Saved Monte Carlo runs in a DuckDB file.

Each run is written in one transaction (its scenario, seed, backend, llmecon version,
summary, percentiles and mean per month, probability of running out of cash, runway /
break-even histograms), so a crash mid-write leaves the store as it was before that run
(a store written before versions were recorded reads, and gains the column when written).
DuckDB lets one process write a file at a time; a writer that finds the file locked waits
and retries, so several processes saving at once lose no run.

The boundary is checked: a file that is not a DuckDB database, a database whose tables have
other columns, a store that cannot be written, and run ids other than the hexadecimal ones the
store hands out are :class:`~llmecon.errors.InputError`; text read back from a store (which
may come from elsewhere) has its control characters replaced, so it cannot drive a terminal.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from llmecon.errors import InputError, NotFoundError
from llmecon.fileio import DUCKDB_CONFIG
from llmecon.store.locking import LOCK_WAIT_S as LOCK_WAIT_S  # moved there
from llmecon.store.locking import clean as clean  # moved there
from llmecon.store.locking import file_lock, retry, why_line
from llmecon.store.records import CashOutRow, FirstMonthRow, PercentileRow, RunRecords
from llmecon.store.records import RunRecord as RunRecord  # moved there

#: Columns of each table and their DuckDB types (the schema is made from them).
COLUMNS = {
    "runs": (("run_id", "VARCHAR"), ("created", "TIMESTAMP"), ("company", "VARCHAR"),
             ("stresses", "VARCHAR"), ("paths", "BIGINT"), ("horizon", "INTEGER"),
             ("seed", "BIGINT"), ("backend", "VARCHAR"), ("scenario", "VARCHAR"),
             ("summary", "VARCHAR"), ("llmecon_version", "VARCHAR")),
    "percentiles": (("run_id", "VARCHAR"), ("metric", "VARCHAR"), ("month", "INTEGER"),
                    *((p, "DOUBLE") for p in ("p5", "p25", "p50", "p75", "p95", "mean"))),
    "cash_out": (("run_id", "VARCHAR"), ("month", "INTEGER"), ("probability", "DOUBLE")),
    "first_month": (("run_id", "VARCHAR"), ("month", "INTEGER"), ("cash_out_paths", "BIGINT"),
                    ("breakeven_paths", "BIGINT")),
}
#: Columns added since a table was first written: a store written before has the table
#: without them (its runs read back with ``None``; saving a run adds them).
ADDED_COLUMNS = {"runs": (("llmecon_version", "VARCHAR"),)}
#: The statements that create the store's tables (a run's id is its key).
SCHEMA = tuple(
    f"CREATE TABLE IF NOT EXISTS {table} ("
    + ", ".join(f"{name} {kind}" + (" PRIMARY KEY" if (table, name) == ("runs", "run_id")
                                    else "") for name, kind in cols) + ")"
    for table, cols in COLUMNS.items())
#: A store's connections read no other file (a view in a store from elsewhere could).
STORE_CONFIG = {**DUCKDB_CONFIG, "enable_external_access": False}
RUN_ID = re.compile(r"[0-9a-f]{1,32}")
#: DuckDB's words for a write that failed (a full disk, a read-only file): not damage.
_WRITING = re.compile(r"could not write|failed to commit|no space left|read-only|permission",
                      re.IGNORECASE)


def default_store_path() -> Path:
    """``$LLMECON_STORE``, else the user's data directory (XDG on Linux)."""
    env = os.environ.get("LLMECON_STORE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "llmecon" / "runs.duckdb"


class RunStore:
    """A DuckDB file of runs. Every call opens, uses and closes the file."""

    def __init__(self, path: str | Path | None = None) -> None:
        if isinstance(path, str) and not path.strip():
            raise InputError("store: expected the path of a DuckDB file, found ''")
        if path is not None and not isinstance(path, (str, os.PathLike)):
            raise InputError(f"store: expected the path of a DuckDB file, found "
                             f"{type(path).__name__}")
        self.path = Path(path) if path is not None else default_store_path()
        self.given = path is not None  # the default store's folder is made when first saved
        if self.path.exists() and self.path.is_dir():
            raise InputError(f"store: {clean(str(self.path))} is a directory; expected the "
                             "path of a DuckDB file")

    def check(self, read_existing: bool = False) -> None:
        """Refuse, before any work, a path that cannot hold a store (not a regular file, not
        a DuckDB database, or under something that is not a folder); ``read_existing``: an
        existing store is also opened and its tables checked (a damaged file), as the
        dashboard does at its start rather than at every job's save."""
        try:
            _check_magic(self.path)
        except OSError as e:
            raise InputError(f"store {clean(str(self.path))}: cannot write it "
                             f"({clean(e.strerror or str(e))})") from None
        self._check_folder()
        if read_existing and self.path.exists() and self.path.stat().st_size:  # '' is new
            with self._connect(read_only=True):
                pass

    def _check_folder(self) -> None:
        """A store path given (not the default) must be in a folder that exists: a typo
        made a new tree of folders and an empty store."""
        if self.given and not self.path.parent.is_dir():
            raise InputError(f"store {clean(str(self.path))}: no folder "
                             f"{clean(str(self.path.parent))}; create it first")

    @contextmanager
    def _connect(self, read_only: bool = False) -> Iterator[Any]:
        import duckdb

        if read_only and not self.path.exists():
            raise NotFoundError(f"{clean(str(self.path))}: no store yet (save a run first)")
        try:
            _check_magic(self.path)  # before DuckDB reads it, or a lock file is made beside it
            self._check_folder()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with file_lock(self.path.with_name(self.path.name + ".lock"), shared=read_only):
                con = retry(lambda: duckdb.connect(str(self.path), read_only=read_only,
                                                    config=STORE_CONFIG), self.path)
                try:
                    complete, older = _check_schema(con, self.path, new_ok=not read_only)
                    if not read_only and not complete:
                        for stmt in SCHEMA:
                            con.execute(stmt)
                    if not read_only:  # a store written before: its tables gain the columns
                        for table, name, kind in older:
                            con.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")
                    yield con
                except (duckdb.CatalogException, duckdb.BinderException,
                        duckdb.ParserException):
                    raise  # our SQL against tables the schema check passed: a bug, not the file
                except duckdb.Error as e:  # a corrupt block is the base class itself
                    why = why_line(e)
                    what = "cannot write it" if not read_only and _WRITING.search(why) else \
                        "cannot read it, the file is damaged or incomplete"
                    raise InputError(f"store {clean(str(self.path))}: {what} ({why})") from None
                finally:
                    con.close()
        except OSError as e:
            raise InputError(f"store {clean(str(self.path))}: cannot "
                             f"{'read' if read_only else 'write'} it "
                             f"({clean(e.strerror or str(e))})") from None

    def save(self, result: Any, scenario: dict[str, Any]) -> str:
        """Save a :class:`~llmecon.simulate.run.SimResult` with the llmecon version that
        made it; return its run id."""
        from llmecon import __version__
        from llmecon.simulate.run import PERCENTILES

        run_id = uuid.uuid4().hex[:12]
        months = list(range(result.horizon_months))
        metrics = list(result.percentiles)
        # one column list per table column; each table is written by one statement
        percentiles: list[list[Any]] = [
            [m for m in metrics for _ in months], months * len(metrics),
            *([float(v) for m in metrics for v in result.percentiles[m][i]]
              for i in range(len(PERCENTILES))),
            [float(v) for m in metrics for v in result.mean[m]]]
        last = len(result.runway_counts) - 1
        firsts: list[list[Any]] = [[None if m == last else m for m in range(last + 1)],
                  [int(a) for a in result.runway_counts],
                  [int(b) for b in result.breakeven_counts]]
        cash_out: list[list[Any]] = [list(range(len(result.prob_cash_out))),
                    [float(v) for v in result.prob_cash_out]]
        summary = json.dumps(result.summary(), default=_json_default)
        with self._connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [run_id, datetime.now(UTC).replace(tzinfo=None), result.company,
                             "+".join(result.stresses) or "base", result.paths,
                             result.horizon_months, result.seed, result.backend,
                             json.dumps(scenario, default=_json_default), summary,
                             __version__])
                for table, columns in (("percentiles", percentiles), ("cash_out", cash_out),
                                       ("first_month", firsts)):
                    _insert_columns(con, table, run_id, columns)
                con.execute("COMMIT")
            except BaseException:
                import duckdb

                with suppress(duckdb.TransactionException):  # a failed COMMIT (a full disk)
                    con.execute("ROLLBACK")  # has ended it: its error is the one raised
                raise
        return run_id

    def records(self) -> RunRecords:
        """Every run, oldest first (``.to_frame()``: one row per run); a malformed one is
        an error naming it."""
        good, problems = self.readable_records()
        if problems:
            raise problems[0]
        return RunRecords(good)

    def readable_records(self) -> tuple[list[RunRecord], list[InputError]]:
        """The runs that read back, and what is wrong with each one that does not (one
        edited row does not hide the others)."""
        with self._connect(read_only=True) as con:
            rows = con.execute(f"SELECT {_select(con)} FROM runs ORDER BY created").fetchall()
        good, problems = [], []
        for r in rows:
            try:
                good.append(_record(r))
            except InputError as e:
                problems.append(e)
        return good, problems

    def get(self, run_id: str) -> RunRecord:
        """The run whose id is ``run_id`` or starts with it."""
        run_id = check_run_id(run_id)
        with self._connect(read_only=True) as con:
            rows = con.execute(f"SELECT {_select(con)} FROM runs WHERE run_id LIKE ?",
                               [run_id + "%"]).fetchall()
        if not rows:
            raise NotFoundError(f"{self.path}: no run {run_id!r} (see 'llmecon runs list')")
        if len(rows) > 1:
            raise InputError(f"run id {run_id!r} is ambiguous: "
                             f"{', '.join(clean(str(r[0])) for r in rows)}")
        return _record(rows[0])

    def percentiles(self, run_id: str, metric: str) -> list[PercentileRow]:
        """The saved percentiles of ``metric`` (cash, revenue, burn, gross_margin), month
        by month: ``pd.DataFrame(store.percentiles(run_id, "cash"))`` is a frame. Months
        are numbered from 1, as in ``SimResult.to_frame()`` (the file counts from 0)."""
        run_id = check_run_id(run_id)
        with self._connect(read_only=True) as con:
            rows = con.execute(
                "SELECT month + 1, p5, p25, p50, p75, p95, mean FROM percentiles WHERE run_id = ? "
                "AND metric = ? ORDER BY month", [run_id, metric]).fetchall()
        return [PercentileRow(*r) for r in rows]

    def cash_out(self, run_id: str) -> list[CashOutRow]:
        """P(cash < 0) by the end of each month."""
        run_id = check_run_id(run_id)
        with self._connect(read_only=True) as con:
            rows = con.execute(
                "SELECT month + 1, probability FROM cash_out WHERE run_id = ? ORDER BY month",
                [run_id]).fetchall()
        return [CashOutRow(*r) for r in rows]

    def first_months(self, run_id: str) -> list[FirstMonthRow]:
        """(month, paths whose cash first went below zero then, paths first breaking even
        then); month None: not within the horizon."""
        run_id = check_run_id(run_id)
        with self._connect(read_only=True) as con:
            if not con.execute("SELECT count(*) FROM information_schema.tables WHERE "
                               "table_name = 'first_month'").fetchone()[0]:
                return []  # a store written before the histograms were saved
            rows = con.execute(
                "SELECT month + 1, cash_out_paths, breakeven_paths FROM first_month WHERE "
                "run_id = ? ORDER BY month NULLS LAST", [run_id]).fetchall()
        return [FirstMonthRow(*r) for r in rows]


def _cleaned(o: Any) -> Any:
    if isinstance(o, str):
        return clean(o)
    if isinstance(o, dict):
        return {clean(str(k)): _cleaned(v) for k, v in o.items()}
    if isinstance(o, list):
        return [_cleaned(v) for v in o]
    return o


def check_run_id(run_id: str) -> str:
    """A run id (or its start) as the store hands them out: 1-32 hexadecimal characters."""
    if isinstance(run_id, str) and run_id.isascii():
        run_id = run_id.lower()  # ids are listed in lower case; 'ABC1' means 'abc1'
    if not isinstance(run_id, str) or not RUN_ID.fullmatch(run_id):
        shown = clean(repr(run_id))[:60]
        raise InputError(f"run id: expected 1 to 32 hexadecimal characters (0-9, a-f) as "
                         f"listed by the store, found {shown}")
    return run_id


def _check_magic(path: Path) -> None:
    """Refuse a file that is not a DuckDB database (DuckDB's files say ``DUCK`` at byte
    8) before DuckDB opens it: DuckDB would read a SQLite file, say, through an extension."""
    if path.exists() and not path.is_file():  # /dev/null, a FIFO: no lock file beside it
        raise InputError(f"store {clean(str(path))}: not a regular file; give the path of a "
                         "DuckDB file")
    try:
        with open(path, "rb") as fh:
            head = fh.read(12)
    except FileNotFoundError:
        return
    if head and head[8:12] != b"DUCK":
        raise InputError(f"store {clean(str(path))}: not a DuckDB database (a llmecon run "
                         "store); give another --store path")


def _select(con: Any) -> str:
    """The runs table's columns as :func:`_record` reads them (a store written before the
    version was recorded reads it as NULL)."""
    has = con.execute("SELECT count(*) FROM duckdb_columns() WHERE database_name = "
                      "current_database() AND schema_name = 'main' AND table_name = 'runs' "
                      "AND column_name = 'llmecon_version'").fetchone()[0]
    return ("run_id, created, company, stresses, paths, horizon, seed, backend, summary, "
            f"scenario, {'llmecon_version' if has else 'NULL'}")


def _check_schema(con: Any, path: Path, new_ok: bool
                  ) -> tuple[bool, list[tuple[str, str, str]]]:
    """Refuse a database that holds other tables, or ours with other columns (an empty
    database is fine when ``new_ok``: the store's tables are created in it). Returns
    whether every table of the store is there (nothing to create), and the columns of
    :data:`ADDED_COLUMNS` a table written before lacks (table, name, type).

    The catalog function ``duckdb_columns()`` is read, not the ``information_schema`` views
    over it: the same rows for the file's own database, several milliseconds sooner."""
    rows = con.execute("SELECT table_name, column_name, data_type FROM duckdb_columns() "
                       "WHERE database_name = current_database() AND schema_name = 'main' "
                       "AND NOT internal ORDER BY table_name, column_index").fetchall()
    views = {r[0] for r in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE database_name = current_database() "
        "AND schema_name = 'main'").fetchall()} & COLUMNS.keys()
    if views:  # a view runs a query when it is read: it could read other files
        raise InputError(f"store {clean(str(path))}: {', '.join(sorted(views))} is a view, "
                         "not a table: not a llmecon run store")
    found: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        found.setdefault(table, []).append((column, kind))
    older: list[tuple[str, str, str]] = []
    for table, cols in COLUMNS.items():
        added = ADDED_COLUMNS.get(table, ())
        if added and table in found and tuple(found[table]) == cols[:-len(added)]:
            older += [(table, name, kind) for name, kind in added]
            continue
        if table in found and tuple(found[table]) != cols:
            raise InputError(
                f"store {clean(str(path))}: table {table} has columns "
                f"({clean(_columns(found[table]))}); expected ({_columns(cols)}): not a "
                "llmecon run store, or one written by another version")
    if "runs" not in found and (found or not new_ok):
        raise InputError(f"store {clean(str(path))}: no runs table: not a llmecon run store")
    missing = [table for table in COLUMNS if table not in found]
    if missing and found and not new_ok:  # read only: the runs' results would be gone
        raise InputError(f"store {clean(str(path))}: no {', '.join(missing)} table: the "
                         "file is damaged or incomplete (saving a run recreates the table; "
                         "the runs saved before have lost their results)")
    return not missing, older


def _columns(cols: Any) -> str:
    return ", ".join(f"{name} {kind}" for name, kind in cols)


def _record(r: tuple[Any, ...]) -> RunRecord:
    run = clean(str(r[0]))
    if any(v is None for v in r[:8]):
        names = ("run_id", "created", "company", "stresses", "paths", "horizon", "seed",
                 "backend")
        raise InputError(f"store: run {run!r} is malformed ("
                         f"{', '.join(n for n, v in zip(names, r[:8], strict=False) if v is None)}"
                         " missing)")
    try:
        summary, scenario = json.loads(r[8]), json.loads(r[9])
    except (TypeError, ValueError):
        raise InputError(f"store: run {run!r} is malformed (summary or scenario is not "
                         "JSON)") from None
    _check_summary(run, summary)
    version = None if len(r) < 11 or r[10] is None else clean(str(r[10]))
    try:
        return RunRecord(run, r[1], clean(str(r[2])), clean(str(r[3])), int(r[4]), int(r[5]),
                         int(r[6]), clean(str(r[7])), _cleaned(summary), _cleaned(scenario),
                         version)
    except (TypeError, ValueError):
        raise InputError(f"store: run {run!r} is malformed (paths, horizon or seed is not a "
                         "whole number)") from None


#: What a saved summary must hold for the runs commands and the dashboard: key -> whether
#: its percentiles may be infinite (a runway beyond the horizon).
_SUMMARY_PERCENTILES = {"cash_at_horizon": False, "revenue_over_horizon": False,
                        "runway_months": True}


def _check_summary(run: str, summary: Any) -> None:
    """A run's saved summary has the fields the presenters read, with finite numbers (an
    edited or foreign store is named, not a KeyError or a 'nan%')."""
    def bad(field: str, what: str) -> InputError:
        return InputError(f"store: run {run!r} is malformed "
                          f"(summary{'.' + field if field else ''}: expected {what})")

    if not isinstance(summary, dict):
        raise bad("", "a mapping")
    if not isinstance(summary.get("currency"), str):
        raise bad("currency", "a currency code")
    p = summary.get("prob_cash_out_by_horizon")
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
        raise bad("prob_cash_out_by_horizon", "a probability from 0 to 1")
    for key, inf_ok in _SUMMARY_PERCENTILES.items():
        pcts = summary.get(key)
        if not isinstance(pcts, dict):
            raise bad(key, "percentiles p5 to p95")
        for q in ("p5", "p25", "p50", "p75", "p95"):
            v = pcts.get(q)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v != v or \
                    (not inf_ok and abs(v) == float("inf")):
                raise bad(f"{key}.{q}", "a finite number" if not inf_ok else
                          "a month number or infinity")


def _json_default(o: Any) -> Any:
    if isinstance(o, float) and o != o:  # NaN
        return None
    if hasattr(o, "tolist"):
        return o.tolist()
    return str(o)


def _insert_columns(con: Any, table: str, run_id: str, columns: list[list[Any]]) -> None:
    """Insert rows given column by column (every list one column after ``run_id``, all of
    one length) in one statement: DuckDB zips the ``unnest`` of each list."""
    if not columns or not columns[0]:
        return
    cols = ", ".join(f"unnest(${i + 2})" for i in range(len(columns)))
    con.execute(f"INSERT INTO {table} SELECT $1, {cols}", [run_id, *columns])
