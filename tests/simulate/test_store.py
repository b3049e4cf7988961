"""The DuckDB store: a killed writer and concurrent writers lose no run; saved summaries
read back; foreign, wrong-schema and unwritable stores and bad run ids are clear errors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from llmecon.errors import InputError, NotFoundError
from llmecon.simulate.scenario import Scenario
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
    for n in ("inference_cost_decline_annual", "training_compute_growth_annual",
              "opex_growth_annual"):  # rates: 10% a year, not 1000%
        drivers[n] = Dist("fixed", {"value": 0.1})
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
    if not script.exists():  # written once: rewriting it while another writer starts races
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
    with pytest.raises(NotFoundError, match="no store yet"):
        RunStore(tmp_path / "none.duckdb").records()
    with pytest.raises(InputError, match="is a directory"):
        RunStore(tmp_path)


Factory = Callable[..., Scenario]


def _result(uncertain: Factory, paths: int = 200) -> tuple[Any, dict[str, Any]]:
    from llmecon.simulate.run import run

    s = uncertain()
    return run(s, paths=paths, seed=1), s.to_dict()


def test_saved_run_reads_back(tmp_path: Path, uncertain: Factory) -> None:
    """Percentiles, means, P(cash < 0) and the first-month histograms as the run had them."""
    r, scen = _result(uncertain)
    store = RunStore(tmp_path / "runs.duckdb")
    run_id = store.save(r, scen)
    rec = store.get(run_id[:6])
    assert rec.run_id == run_id and rec.paths == 200 and rec.summary["paths"] == 200
    rows = store.percentiles(run_id, "cash")
    assert [row[3] for row in rows] == list(r.percentiles["cash"][2])  # p50 per month
    assert [row[6] for row in rows] == list(r.mean["cash"])
    assert [p for _, p in store.cash_out(run_id)] == list(r.prob_cash_out)
    firsts = store.first_months(run_id)
    assert len(firsts) == 25 and firsts[-1][0] is None
    assert sum(f[1] for f in firsts) == 200 and sum(f[2] for f in firsts) == 200


def test_store_reads_have_named_columns_and_a_short_repr(tmp_path: Path,
                                                         uncertain: Factory) -> None:
    """api37: percentiles() gave unnamed tuples (month, p5, ... mean), so a frame of them
    had columns 0..6; a record's repr printed its whole summary and scenario."""
    import pandas as pd

    r, scen = _result(uncertain)
    store = RunStore(tmp_path / "runs.duckdb")
    run_id = store.save(r, scen)
    cash = pd.DataFrame(store.percentiles(run_id, "cash"))
    assert list(cash.columns) == ["month", "p5", "p25", "p50", "p75", "p95", "mean"]
    # months numbered from 1, as the run's frame numbers them (they came back from 0, so
    # a merge on month with SimResult.to_frame() was one month off)
    assert list(cash["month"]) == list(range(1, r.horizon_months + 1))
    frame = r.to_frame()
    cash_run = frame[frame.metric == "cash"].set_index("month")["p50"]
    assert (cash.set_index("month")["p50"] == cash_run).all()
    assert [c.month for c in store.cash_out(run_id)][:2] == [1, 2]
    assert list(cash["p50"]) == list(r.percentiles["cash"][2])
    assert list(pd.DataFrame(store.cash_out(run_id))["probability"]) == list(r.prob_cash_out)
    firsts = store.first_months(run_id)  # every path once in each histogram: 200
    assert firsts[0].month == 1 and firsts[-1].month is None  # None: not within the horizon
    assert sum(f.cash_out_paths for f in firsts) == sum(f.breakeven_paths for f in firsts) \
        == 200
    runs = store.records().to_frame()
    row = runs.loc[run_id]
    assert row["paths"] == 200 and row["seed"] == 1
    assert row["prob_cash_out_by_horizon"] == r.prob_cash_out[-1]
    assert row["cash_p50_at_horizon"] == r.percentiles["cash"][2, -1]
    assert pd.api.types.is_datetime64_any_dtype(runs["created"])
    rec = store.get(run_id)
    assert repr(rec) == (f"RunRecord({run_id[:12]!r}, {rec.created:%Y-%m-%d %H:%M:%S} UTC, "
                         f"{r.company} base, 200 paths x {r.horizon_months} months, seed 1, "
                         f"{r.backend})")


@pytest.mark.parametrize("bad", ["../etc/passwd", "a/b", "\x1b[2J", "abc%", "ABC_", "", "0" * 33])
def test_run_ids_refused_at_the_boundary(tmp_path: Path, bad: str, uncertain: Factory) -> None:
    store = RunStore(tmp_path / "runs.duckdb")
    store.save(*_result(uncertain, 50))
    with pytest.raises(InputError, match="run id: expected 1 to 32 hexadecimal") as e:
        store.get(bad)
    assert "\x1b" not in str(e.value)
    for call in (store.percentiles, store.cash_out):
        with pytest.raises(InputError, match="run id"):
            call(bad, *(["cash"] if call == store.percentiles else []))


def test_foreign_file_and_wrong_schema(tmp_path: Path, uncertain: Factory) -> None:
    import duckdb

    text = tmp_path / "notes.duckdb"
    text.write_text("not a database\n")
    with pytest.raises(InputError, match="not a DuckDB database"):
        RunStore(text).save(*_result(uncertain, 50))
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE runs (id INTEGER, name VARCHAR)")
    con.close()
    with pytest.raises(InputError, match=r"table runs has columns \(id INTEGER, name "
                                         r"VARCHAR\); expected \(run_id VARCHAR, created "
                                         r"TIMESTAMP"):
        RunStore(other).save(*_result(uncertain, 50))
    with pytest.raises(InputError, match="table runs has columns"):
        RunStore(other).records()
    mine = tmp_path / "analytics.duckdb"
    con = duckdb.connect(str(mine))
    con.execute("CREATE TABLE sales (x INTEGER)")
    con.close()
    with pytest.raises(InputError, match="no runs table: not a llmecon run store"):
        RunStore(mine).save(*_result(uncertain, 50))
    con = duckdb.connect(str(mine))  # and nothing was added to the user's database
    assert [r[0] for r in con.execute("SHOW TABLES").fetchall()] == ["sales"]
    con.close()


def test_unwritable_store_is_an_input_error(tmp_path: Path, monkeypatch: Any,
                                            uncertain: Factory) -> None:
    """A store that cannot be written (read-only file or directory): one clear error."""
    import duckdb

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise duckdb.IOException('IO Error: Cannot open file "x": Permission denied')

    r, scen = _result(uncertain, 50)
    monkeypatch.setattr(duckdb, "connect", refuse)
    with pytest.raises(InputError, match=r"cannot open it .*Permission denied"):
        RunStore(tmp_path / "runs.duckdb").save(r, scen)
    monkeypatch.undo()

    def no_dir(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "mkdir", no_dir)  # the default store's folder is made
    monkeypatch.setenv("LLMECON_STORE", str(tmp_path / "sub" / "runs.duckdb"))
    with pytest.raises(InputError, match=r"cannot write it .Permission denied"):
        RunStore().save(r, scen)
    with pytest.raises(InputError, match=r"runs.duckdb: no folder .*sub; create it first"):
        RunStore(tmp_path / "sub" / "runs.duckdb").check()  # a path given is not


def test_text_from_a_store_cannot_drive_the_terminal(tmp_path: Path, uncertain: Factory) -> None:
    r, scen = _result(uncertain, 50)
    store = RunStore(tmp_path / "runs.duckdb")
    run_id = store.save(r, scen)
    import json

    import duckdb

    con = duckdb.connect(str(tmp_path / "runs.duckdb"))
    (text,) = con.execute("SELECT summary FROM runs WHERE run_id = ?", [run_id]).fetchone()
    summary = {**json.loads(text), "company": "x\u001b[31m"}
    con.execute("UPDATE runs SET company = 'evil\x1b]0;pwned\x07', summary = ? WHERE "
                "run_id = ?", [json.dumps(summary), run_id])
    con.close()
    rec = store.get(run_id)
    assert rec.company == "evil?]0;pwned?" and rec.summary["company"] == "x?[31m"


@pytest.mark.parametrize(("change", "named"), [
    ({"prob_cash_out_by_horizon": None}, "summary.prob_cash_out_by_horizon"),
    ({"currency": 5}, "summary.currency"),
    ({"cash_at_horizon": {"p5": 1, "p25": 1, "p50": float("nan"), "p75": 1, "p95": 1}},
     "summary.cash_at_horizon.p50"),
    ({"revenue_over_horizon": {"p5": float("inf")}}, "summary.revenue_over_horizon.p5"),
    ("[1, 2]", "summary: expected a mapping"),
])
def test_an_edited_run_is_named_and_the_others_still_list(
        tmp_path: Path, uncertain: Factory, change: Any, named: str) -> None:
    # an edited or foreign row was a KeyError for 'runs list' and 'nan%' for 'runs show'
    import json

    import duckdb

    r, scen = _result(uncertain, 50)
    store = RunStore(tmp_path / "runs.duckdb")
    good, bad = store.save(r, scen), store.save(r, scen)
    con = duckdb.connect(str(tmp_path / "runs.duckdb"))
    (text,) = con.execute("SELECT summary FROM runs WHERE run_id = ?", [bad]).fetchone()
    edited = change if isinstance(change, str) else json.dumps({**json.loads(text), **change})
    con.execute("UPDATE runs SET summary = ? WHERE run_id = ?", [edited, bad])
    con.close()
    with pytest.raises(InputError, match=f"run '{bad}' is malformed.*{named}"):
        store.get(bad)
    records, problems = store.readable_records()
    assert [x.run_id for x in records] == [good] and len(problems) == 1


def test_a_reader_needs_no_lock_file_where_it_cannot_write(
        tmp_path: Path, uncertain: Factory, monkeypatch: pytest.MonkeyPatch) -> None:
    # a store on a read-only medium could not be read ("cannot read it (Read-only file
    # system)") because every read created <store>.lock; /dev/null got a /dev/null.lock
    import builtins
    import errno

    from llmecon.store import locking as store_module  # where the lock file is opened

    r, scen = _result(uncertain, 50)
    store = RunStore(tmp_path / "runs.duckdb")
    run_id = store.save(r, scen)

    def read_only(path: Any, mode: str = "r", *args: Any, **kw: Any) -> Any:
        if str(path).endswith(".lock"):
            raise OSError(errno.EROFS, "Read-only file system")
        return builtins.open(path, mode, *args, **kw)

    monkeypatch.setattr(store_module, "open", read_only, raising=False)
    assert store.get(run_id).run_id == run_id  # reads without the lock
    with pytest.raises(InputError, match="cannot write"):
        store.save(r, scen)  # a writer still needs it
    with pytest.raises(InputError, match="not a regular file"):
        RunStore("/dev/null").records()


def test_runs_show_and_compare_say_what_they_show(tmp_path: Path, uncertain: Factory,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    # 'runs show' was titled 'Runs compared'; compare showed no seed or horizon and the
    # runway without its date, took a run twice, refused an id in capitals
    from llmecon.cli import main

    r, scen = _result(uncertain, 50)
    store = tmp_path / "runs.duckdb"
    run_id = RunStore(store).save(r, scen)
    assert main(["runs", "show", run_id.upper(), "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert f"Run {run_id}" in out and "horizon (months), seed" in out
    assert main(["runs", "compare", run_id, run_id[:6], "--store", str(store)]) == 2
    assert "given twice" in capsys.readouterr().err
    assert main(["runs", "list", "--store", ""]) == 2


def test_simulate_refuses_a_foreign_store_before_the_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a SQLite file as --store: the whole simulation ran and printed, then saving failed
    import sqlite3

    from llmecon.cli import main

    db = tmp_path / "s.db"
    sqlite3.connect(db).execute("CREATE TABLE t (a)").connection.close()
    assert main(["simulate", "minimax", "--paths", "200", "--store", str(db)]) == 2
    out = capsys.readouterr()
    assert out.out == "" and "not a DuckDB database" in out.err


def _saved_store(tmp_path: Path, uncertain: Factory) -> tuple[Path, str]:
    store = RunStore(tmp_path / "runs.duckdb")
    return store.path, store.save(*_result(uncertain, 50))


def test_a_corrupt_store_is_named_before_a_dashboard_starts(tmp_path: Path,
                                                            uncertain: Factory) -> None:
    # from a hostile-input audit: a damaged block is duckdb.Error itself, which was an
    # internal error (and HTTP 500 in the dashboard)
    path, run_id = _saved_store(tmp_path, uncertain)
    with path.open("r+b") as f:
        f.seek(4096)
        f.write(b"\xde\xad\xbe\xef" * 64)
    store = RunStore(path)
    for call in (store.records, lambda: store.get(run_id), lambda: store.check(True),
                 lambda: store.save(*_result(uncertain, 50))):
        with pytest.raises(InputError, match=r"runs.duckdb: cannot open it, the file is "
                                             r"damaged \(Corrupt database file"):
            call()
    store.check()  # the cheap check, before a CLI run, reads the header only


def test_a_store_whose_tables_are_views_or_other_types_is_refused(
        tmp_path: Path, uncertain: Factory) -> None:
    # a view runs a query when read: one over read_text showed /etc/hostname in `runs list`
    import duckdb

    path, _ = _saved_store(tmp_path, uncertain)
    con = duckdb.connect(str(path))
    con.execute("ALTER TABLE runs RENAME TO runs_real")
    con.execute("CREATE VIEW runs AS SELECT run_id, created, 'x' AS company, stresses, paths,"
                " horizon, seed, backend, scenario, summary FROM runs_real")
    con.close()
    with pytest.raises(InputError, match="runs is a view, not a table"):
        RunStore(path).records()
    typed = tmp_path / "typed.duckdb"
    con = duckdb.connect(str(typed))
    con.execute("CREATE TABLE runs (run_id VARCHAR, created VARCHAR, company VARCHAR, "
                "stresses VARCHAR, paths VARCHAR, horizon INTEGER, seed BIGINT, backend "
                "VARCHAR, scenario VARCHAR, summary VARCHAR)")
    con.close()
    with pytest.raises(InputError, match=r"created VARCHAR.*; expected .*created TIMESTAMP"):
        RunStore(typed).records()


def test_a_store_reads_no_other_file(tmp_path: Path, uncertain: Factory) -> None:
    import duckdb

    from llmecon.store.runs import STORE_CONFIG

    (tmp_path / "secret.txt").write_text("s3cret")
    con = duckdb.connect(str(tmp_path / "x.duckdb"), config=STORE_CONFIG)
    with pytest.raises(duckdb.Error, match="disabled"):
        con.execute(f"SELECT * FROM read_text('{tmp_path / 'secret.txt'}')").fetchall()
    con.close()


def test_a_failed_commit_names_its_own_error(tmp_path: Path, monkeypatch: Any,
                                            uncertain: Factory) -> None:
    # a full disk fails the COMMIT, which ends the transaction: the ROLLBACK after it raised
    # "no transaction is active" over the real error (an internal error)
    import duckdb

    real = duckdb.connect

    class FullDisk:
        def __init__(self, con: Any) -> None:
            self.con = con

        def execute(self, sql: str, *args: Any) -> Any:
            if sql == "COMMIT":
                self.con.execute("ROLLBACK")
                raise duckdb.IOException('Could not write file "runs.duckdb.wal": No space '
                                         "left on device")
            return self.con.execute(sql, *args)

        def close(self) -> None:
            self.con.close()

    path, run_id = _saved_store(tmp_path, uncertain)
    r, scen = _result(uncertain, 50)
    monkeypatch.setattr(duckdb, "connect", lambda *a, **k: FullDisk(real(*a, **k)))
    with pytest.raises(InputError, match=r"runs.duckdb: cannot write it \(Could not write "
                                         r"file .*No space left on device\)"):
        RunStore(path).save(r, scen)
    monkeypatch.undo()
    assert [rec.run_id for rec in RunStore(path).records()] == [run_id]


@pytest.mark.parametrize("exists", [True, False])
def test_a_workbook_named_as_the_store_is_refused_before_the_run(
        tmp_path: Path, uncertain: Factory, capsys: pytest.CaptureFixture[str],
        exists: bool) -> None:
    # from a hostile-input audit: with --force the workbook replaced the store and its runs
    # after "saved as run ..."; without, the run was saved into a new store called
    # same.xlsx and -o then refused "its own" file
    from llmecon.cli.app import main

    path = tmp_path / "same.xlsx"
    if exists:
        RunStore(path).save(*_result(uncertain, 50))
    assert main(["simulate", "zhipu", "--paths", "50", "--horizon", "3", "--format", "xlsx",
                 "-o", str(path), "--store", str(path), "--force"]) == 2
    assert "the run store's file (--store)" in capsys.readouterr().err
    assert len(RunStore(path).records()) == 1 if exists else not path.exists()


def test_a_bug_in_our_sql_is_not_blamed_on_the_users_file(
        tmp_path: Path, monkeypatch: Any, uncertain: Factory) -> None:
    # from a review: every DuckDB error was reported as "the file is damaged"
    import duckdb

    from llmecon.store import runs

    def wrong_sql(con: Any, *args: Any) -> None:
        con.execute("INSERT INTO no_such_table VALUES (1)")

    monkeypatch.setattr(runs, "_insert_columns", wrong_sql)
    with pytest.raises(duckdb.CatalogException):
        RunStore(tmp_path / "runs.duckdb").save(*_result(uncertain, 50))


def test_a_run_records_the_llmecon_version(tmp_path: Path, uncertain: Factory,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """walk33 #14: two runs of one spec and seed differed and the store could not say why
    (the code had changed). Each run now records the llmecon version that made it."""
    from llmecon import __version__
    from llmecon.cli import main

    store = tmp_path / "runs.duckdb"
    run_id = RunStore(store).save(*_result(uncertain, 50))
    assert RunStore(store).get(run_id).llmecon_version == __version__
    assert main(["runs", "show", run_id, "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "llmecon version" in out and __version__ in out


def test_a_store_written_before_versions_reads_and_gains_the_column(
        tmp_path: Path, uncertain: Factory, capsys: pytest.CaptureFixture[str]) -> None:
    """A store written before runs recorded the version (its runs table has no
    llmecon_version column) still lists and shows its runs, as 'not recorded'; saving a run
    adds the column, and compare says the two runs' versions differ."""
    import duckdb

    from llmecon import __version__
    from llmecon.cli import main

    store = tmp_path / "runs.duckdb"
    old = RunStore(store).save(*_result(uncertain, 50))
    con = duckdb.connect(str(store))  # the table as earlier versions wrote it
    con.execute("ALTER TABLE runs DROP COLUMN llmecon_version")
    con.close()
    rec = RunStore(store).get(old)
    assert rec.llmecon_version is None and rec.paths == 50
    assert main(["runs", "show", old, "--store", str(store)]) == 0
    assert "not recorded" in capsys.readouterr().out
    new = RunStore(store).save(*_result(uncertain, 50))
    assert [r.llmecon_version for r in RunStore(store).records()] == [None, __version__]
    assert main(["runs", "compare", old, new, "--store", str(store)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert f"llmecon versions not recorded, {__version__}" in out
