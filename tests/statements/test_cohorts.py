"""The cohort CSV loader: good files give the counts, bad files a named InputError."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmecon.errors import InputError, NotFoundError
from llmecon.statements.cohorts import first_periods, parse_cohorts, read_cohorts


def test_two_cohorts_any_column_order(tmp_path: Path) -> None:
    p = tmp_path / "c.csv"
    p.write_text("alive,cohort,period\n1000,a,0\n631,a,1\n500,b,0\n468,a,2\n300,b,1\n",
                 encoding="utf-8")
    assert read_cohorts(p) == [[1000.0, 631.0, 468.0], [500.0, 300.0]]


def test_byte_order_mark_and_spaces_in_header() -> None:
    assert parse_cohorts("\ufeffcohort, period, alive\nx,0,10\nx,1,9\n", "t") == [[10.0, 9.0]]


@pytest.mark.parametrize(("text", "message"), [
    ("", "t: expected columns cohort, period, alive, found an empty file"),
    ("cohort,period\na,0\n", "t: expected columns cohort, period, alive, found cohort, period"),
    ("cohort,period,alive\n", "t: expected at least one row of counts, found none"),
    ("cohort,period,alive\na,0,lots\n", "t row 2: period must be a whole number and alive a "
                                        "count, found '0', 'lots'"),
    ("cohort,period,alive\na,1.5,10\n", "t row 2: period must be a whole number"),
    ("cohort,period,alive\na,0,nan\n", "t row 2: expected a period >= 0 and a finite count"),
    ("cohort,period,alive\na,0,inf\n", "t row 2: expected a period >= 0 and a finite count"),
    ("cohort,period,alive\na,0,-3\n", "t row 2: expected a period >= 0 and a finite count"),
    ("cohort,period,alive\na,-1,3\n", "t row 2: expected a period >= 0 and a finite count"),
    ("cohort,period,alive\na,0,10\na,0,9\n", "t row 3: cohort 'a' period 0 appears twice"),
    ("cohort,period,alive\na,0,10\na,2,9\n", "t: cohort 'a' must have periods 0, 1, 2, ... "
                                             "without gaps, found 0, 2"),
    ("cohort,period,alive\na,0\n", "t row 2: expected 3 fields (cohort, period, alive), "
                                   "found fewer"),
    ("cohort,period,alive\na,0,1,2\n", "t row 2: expected 3 fields (cohort, period, alive), "
                                       "found more"),
    ('cohort,period,alive\n"a,0,1\n', "t row 2: unreadable CSV"),
    ("cohort,period,alive\n" + "x" * 200_000 + ",0,1\n", "t row 2: unreadable CSV (field "
                                                         "larger than field limit"),
])
def test_bad_text_names_the_place(text: str, message: str) -> None:
    with pytest.raises(InputError) as e:
        parse_cohorts(text, "t")
    assert str(e.value).startswith(message)
    assert "\n" not in str(e.value)


def test_missing_unreadable_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match=r"nope\.csv: file not found"):
        read_cohorts(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="long: cannot read the file"):
        read_cohorts(tmp_path / ("long" * 100))  # a name over the file system's 255 bytes
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"cohort,period,alive\n\xff\xfe,0,1\n")
    with pytest.raises(InputError, match=r"b\.csv: expected UTF-8 text, found byte 0xff"):
        read_cohorts(binary)


def test_oversized_file_is_refused_before_reading(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import llmecon.statements.cohorts as cohorts

    p = tmp_path / "big.csv"
    p.write_text("cohort,period,alive\n" + "a,0,1\n" * 10, encoding="utf-8")
    monkeypatch.setattr(cohorts, "MAX_FILE_BYTES", 50)
    with pytest.raises(InputError, match=r"big\.csv: expected a file of at most 50 bytes, "
                                         r"found 80"):
        read_cohorts(p)


def test_first_periods_window() -> None:
    cohorts = [[100.0, 80.0, 70.0, 65.0, 62.0], [50.0, 40.0, 35.0]]
    assert first_periods(cohorts, 2) == [[100.0, 80.0, 70.0], [50.0, 40.0, 35.0]]
    with pytest.raises(InputError, match="expected a period from 2 to 4, found 5"):
        first_periods(cohorts, 5)
    with pytest.raises(InputError, match="expected a period from 2 to 4, found 1"):
        first_periods(cohorts, 1)
    with pytest.raises(InputError, match="expected a cohort with at least 3 periods, found 2"):
        first_periods([[10.0, 9.0]], 2)
