"""Issue 14, end to end: ``llmecon simulate --store PATH`` with a store that cannot hold the
run (not a database, another program's database, a ``runs`` table of another shape, a
directory, a path under a file, an unwritable place) ends with exit code 2 and one line naming
the store, and the finished run is still printed in full (it was lost before). ``runs list``
and ``runs show`` on the same paths give one line too, and the user's database is untouched.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from llmecon.cli import main

pytestmark = pytest.mark.slow  # hostile stores, end to end: the full tier (make test)


def _not_a_database(d: Path) -> Path:
    p = d / "notes.duckdb"
    p.write_text("not a database\n")
    return p


def _other_programs_database(d: Path) -> Path:
    import duckdb

    p = d / "analytics.duckdb"
    con = duckdb.connect(str(p))
    con.execute("CREATE TABLE sales (x INTEGER)")
    con.execute("INSERT INTO sales VALUES (7)")
    con.close()
    return p


def _wrong_schema(d: Path) -> Path:
    import duckdb

    p = d / "old.duckdb"
    con = duckdb.connect(str(p))
    con.execute("CREATE TABLE runs (id INTEGER, name VARCHAR)")
    con.close()
    return p


def _sqlite_database(d: Path) -> Path:
    import sqlite3

    p = d / "app.db"
    con = sqlite3.connect(p)
    con.execute("CREATE TABLE t (x INTEGER)")
    con.commit()
    con.close()
    return p


def _truncated_store(d: Path) -> Path:
    p = d / "cut.duckdb"
    assert main(["simulate", "minimax", "--paths", "100", "--horizon", "3", "--store",
                 str(p), "--format", "csv"]) == 0
    size = p.stat().st_size
    with open(p, "r+b") as fh:
        fh.truncate(size // 5)
    return p


def _directory(d: Path) -> Path:
    (d / "adir").mkdir()
    return d / "adir"


def _under_a_file(d: Path) -> Path:
    (d / "blocker").write_text("x")
    return d / "blocker" / "runs.duckdb"


STORES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "not a database": (_not_a_database, "not a DuckDB database (a llmecon run store)"),
    # DuckDB would read it through an extension fetched from the network: refused unread
    "a SQLite database": (_sqlite_database, "not a DuckDB database (a llmecon run store)"),
    "a truncated store": (_truncated_store, "cannot read it, the file is damaged or "
                                            "incomplete"),
    "another program's database": (_other_programs_database,
                                   "no runs table: not a llmecon run store"),
    "wrong schema": (_wrong_schema, "table runs has columns (id INTEGER, name VARCHAR); "
                                    "expected (run_id VARCHAR"),
    "a directory": (_directory, "is a directory; expected the path of a DuckDB file"),
    "under a file": (_under_a_file, "cannot write it"),
}


#: Stores refused before the run (the path alone says so): nothing is printed.
REFUSED_FIRST = {"not a database", "a SQLite database", "a directory", "under a file"}


def _error(err: str) -> str:
    """Standard error without its notes (MiniMax's projection says it starts at 9M 2025,
    own36): the error itself must still be one line, and the last."""
    lines = err.splitlines(keepends=True)
    assert all(x.startswith("llmecon: note: ") for x in lines[:-1]), err
    return lines[-1] if lines else ""


@pytest.mark.parametrize("kind", sorted(STORES))
@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_a_store_that_cannot_hold_the_run_still_prints_it(
        kind: str, fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make, named = STORES[kind]
    store = make(tmp_path)
    capsys.readouterr()  # what making the store printed
    code = main(["simulate", "minimax", "--paths", "200", "--horizon", "6", "--store",
                 str(store), "--format", fmt])
    out, err = capsys.readouterr()
    err = _error(err)
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("llmecon: error: store") and named in err and store.name in err, err
    if kind in REFUSED_FIRST:  # refused before the run, not after printing it
        assert out == ""
    elif fmt == "csv":  # 6 metrics x 6 months below the header, all of them printed
        rows = out.splitlines()
        assert rows[0].startswith("metric,month,p5") and len(rows) >= 1 + 6 * 6
        assert rows[-1].split(",")[1] == "6"
    elif fmt == "json":
        doc = json.loads(out)
        assert doc["run_id"] is None and doc["summary"]["paths"] == 200
    else:
        assert "P(cash < 0" in out and "Cash (end of month)" in out


@pytest.mark.parametrize("kind", ["not a database", "another program's database",
                                  "wrong schema", "a SQLite database", "a truncated store"])
def test_runs_commands_on_a_foreign_store_give_one_line(
        kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make, named = STORES[kind]
    store = make(tmp_path)
    capsys.readouterr()  # what making the store printed
    # (a truncated store may still answer "no such run" from the part that is there)
    shows = [] if kind == "a truncated store" else [["runs", "show", "abc123"]]
    for args in (["runs", "list"], *shows):
        assert main([*args, "--store", str(store)]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1 and named in err, err


def test_the_users_database_is_left_as_it_was(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    import duckdb

    store = _other_programs_database(tmp_path)
    assert main(["simulate", "minimax", "--paths", "100", "--horizon", "3", "--store",
                 str(store), "--format", "csv"]) == 2
    capsys.readouterr()
    con = duckdb.connect(str(store), read_only=True)
    assert con.execute("SHOW TABLES").fetchall() == [("sales",)]
    assert con.execute("SELECT x FROM sales").fetchall() == [(7,)]
    con.close()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="file permissions do not bind root")
def test_a_read_only_store_still_prints_the_run(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "runs.duckdb"
    assert main(["simulate", "minimax", "--paths", "100", "--horizon", "3", "--store",
                 str(store), "--format", "csv"]) == 0
    capsys.readouterr()
    store.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        code = main(["simulate", "minimax", "--paths", "100", "--horizon", "3", "--store",
                     str(store), "--format", "csv"])
    finally:
        tmp_path.chmod(0o755)
        store.chmod(0o644)
    out, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and str(store.name) in err
    assert out.startswith("metric,month,p5")


def test_an_unwritable_place_still_prints_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    """/sys refuses new files even to root: the run is printed, the error names the store."""
    if not Path("/sys").is_dir():
        pytest.skip("no /sys")
    code = main(["simulate", "minimax", "--paths", "100", "--horizon", "3", "--store",
                 "/sys/llmecon-runs.duckdb", "--format", "csv"])
    out, err = capsys.readouterr()
    err = _error(err)
    assert code == 2 and err.count("\n") == 1
    assert "store /sys/llmecon-runs.duckdb: cannot write it" in err
    assert out.startswith("metric,month,p5")


def test_a_store_missing_a_results_table_gives_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """From a hostile-input audit: with its percentiles table dropped, `runs show` printed
    the summary, then a DuckDB CatalogException as an internal error (the dashboard: 500)."""
    import duckdb

    store = tmp_path / "runs.duckdb"
    assert main(["simulate", "minimax", "--paths", "200", "--horizon", "6", "--store",
                 str(store), "--format", "json"]) == 0
    run_id = json.loads(capsys.readouterr().out)["run_id"]
    con = duckdb.connect(str(store))
    con.execute("DROP TABLE percentiles")
    con.close()
    for args in (["runs", "show", run_id], ["runs", "list"]):
        assert main([*args, "--store", str(store)]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1, err
        assert "no percentiles table: the file is damaged or incomplete" in err


def test_only_a_lock_conflict_is_waited_for(tmp_path: Path) -> None:
    """A hostile-input audit: any error whose text held "lock" was retried for a minute, and
    DuckDB's text holds the path, so a store under ``blocks/`` waited 60 s to say it is not
    a database. The wait is for DuckDB's lock-conflict message only, read without the path."""
    import time

    from llmecon.errors import InputError
    from llmecon.store.locking import lock_conflict as _lock_conflict
    from llmecon.store.runs import RunStore

    folder = tmp_path / "blocks"
    folder.mkdir()
    (folder / "runs.duckdb").write_bytes(b"")
    started = time.monotonic()
    with pytest.raises(InputError, match="not a DuckDB database"):
        RunStore(folder / "runs.duckdb").records()
    assert time.monotonic() - started < 20  # at once, not after LOCK_WAIT_S
    held = Path("/tmp/clock/unlocked.duckdb")
    assert _lock_conflict(f'IO Error: Could not set lock on file "{held}": Conflicting lock '
                          "is held in python (PID 1)", held)
    assert not _lock_conflict(f'IO Error: Cannot open file "{held}": No such file', held)
