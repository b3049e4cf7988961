"""Cohort survival counts from a CSV file: the input of the retention model.

The file has the columns ``cohort, period, alive`` (in any order), one row per cohort and
period; periods of a cohort run 0, 1, 2, ... without gaps, and ``alive`` is the number of
customers still active at the start of the period (a finite number >= 0)::

    cohort,period,alive
    2024-01,0,1000
    2024-01,1,631

:func:`read_cohorts` returns one list of counts per cohort, in the order cohorts first
appear; every problem raises :class:`~llmecon.errors.InputError` naming the file and row.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from pathlib import Path

from llmecon.constants import MAX_MAGNITUDE
from llmecon.errors import InputError, NotFoundError
from llmecon.yamlfile import looked_in

COLUMNS = ("cohort", "period", "alive")
#: Largest cohort file read (bytes); survival tables are small.
MAX_FILE_BYTES = 16 * 2**20


def read_cohorts(path: str | Path) -> list[list[float]]:
    """Survival counts per cohort from the CSV file at ``path``."""
    p = Path(path)
    return parse_cohorts(_read_text(p), str(p))


def parse_cohorts(text: str, origin: str) -> list[list[float]]:
    """Survival counts per cohort from CSV ``text``; ``origin`` names it in errors."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), strict=True)
    try:
        header = reader.fieldnames
        if not header or sorted(h.strip() for h in header) != sorted(COLUMNS):
            found = ", ".join(header) if header else "an empty file"
            raise InputError(f"{origin}: expected columns {', '.join(COLUMNS)}, found {found}")
        cohorts: dict[str, dict[int, float]] = {}
        for row in reader:
            _add(cohorts, {k.strip(): v for k, v in row.items() if k is not None},
                 f"{origin} row {reader.line_num}", row.get(None) is not None)
    except csv.Error as e:
        raise InputError(f"{origin} row {reader.line_num + 1}: unreadable CSV ({e})") \
            from None
    if not cohorts:
        raise InputError(f"{origin}: expected at least one row of counts, found none")
    return [_counts(name, by_period, origin) for name, by_period in cohorts.items()]


def first_periods(cohorts: Sequence[Sequence[float]], last_period: int) -> list[list[float]]:
    """Each cohort's counts for periods 0..``last_period`` (the calibration window).

    The window needs at least periods 0, 1, 2 and must leave a later period to project.
    """
    longest = max(len(c) for c in cohorts)
    if longest < 3:
        raise InputError(f"calibration period: expected a cohort with at least 3 periods, "
                         f"found {longest}")
    if not 2 <= last_period < longest:
        raise InputError(f"calibration period: expected a period from 2 to {longest - 1}, "
                         f"found {last_period}")
    return [list(c[: last_period + 1]) for c in cohorts]


def _read_text(p: Path) -> str:
    try:
        if not p.is_file():
            raise NotFoundError(f"{p}: file not found{looked_in(p)}")
        if p.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"{p}: expected a file of at most {MAX_FILE_BYTES:,} bytes, "
                             f"found {p.stat().st_size:,}")
        return p.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"{p}: expected UTF-8 text, found byte {e.object[e.start]:#x} at "
                         f"offset {e.start}") from None
    except OSError as e:
        raise InputError(f"{p}: cannot read the file ({e.strerror or e})") from None


def _add(cohorts: dict[str, dict[int, float]], row: dict[str, str | None], where: str,
         extra: bool) -> None:
    cells = [row.get(k) for k in COLUMNS]
    if extra or any(c is None for c in cells):
        raise InputError(f"{where}: expected 3 fields (cohort, period, alive), found "
                         f"{'more' if extra else 'fewer'}")
    name, period_text, alive_text = (str(c).strip() for c in cells)
    try:
        period = int(period_text)
        alive = float(alive_text)
    except ValueError:
        raise InputError(f"{where}: period must be a whole number and alive a count, found "
                         f"{period_text!r}, {alive_text!r}") from None
    if period < 0 or not math.isfinite(alive) or alive < 0:
        raise InputError(f"{where}: expected a period >= 0 and a finite count >= 0, found "
                         f"{period_text!r}, {alive_text!r}")
    if alive > MAX_MAGNITUDE:
        raise InputError(f"{where}: expected a count of at most {MAX_MAGNITUDE:g} (larger ones "
                         f"overflow the arithmetic), found {alive_text[:40]!r}")
    by_period = cohorts.setdefault(name, {})
    if period in by_period:
        raise InputError(f"{where}: cohort {name!r} period {period} appears twice")
    by_period[period] = alive


def _counts(name: str, by_period: dict[int, float], origin: str) -> list[float]:
    periods = sorted(by_period)
    if periods != list(range(len(periods))):
        raise InputError(f"{origin}: cohort {name!r} must have periods 0, 1, 2, ... without "
                         f"gaps, found {', '.join(map(str, periods))}")
    counts = [by_period[t] for t in periods]
    if counts[0] <= 0:
        raise InputError(f"{origin}: cohort {name!r} period 0: expected the customers the "
                         f"cohort starts with (> 0), found {counts[0]:g}")
    for t in range(1, len(counts)):
        if counts[t] > counts[t - 1]:
            raise InputError(f"{origin}: cohort {name!r} period {t}: a cohort cannot grow "
                             f"({counts[t - 1]:g} -> {counts[t]:g}); give the survivors of one "
                             "starting group")
    return counts
