"""Calendar months of a projection: every projected month is a date.

Month index 0 is the calendar month after the period end (the first projected month);
presenters number months from 1 (``month 1`` = index 0) and show each month by its last
day. :func:`runway` is the one definition of "runway": the first month whose closing cash
is below zero, as a month index, a month number and a date.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from llmecon.statements.model import months_between


def check_horizon(months: object) -> int:
    """``months`` as a projection's horizon: a whole number from 1 to MAX_HORIZON_MONTHS
    (true, 12.5 or '36' are errors, not guesses), as a scenario file's is checked."""
    from llmecon.constants import MAX_HORIZON_MONTHS
    from llmecon.errors import InputError

    if isinstance(months, bool) or not isinstance(months, int) \
            or not 1 <= months <= MAX_HORIZON_MONTHS:
        raise InputError(f"horizon_months: expected a whole number 1-{MAX_HORIZON_MONTHS}, "
                         f"found {months!r}")
    return months


def month_number(start: date, day: date) -> int:
    """The projected month (0 = the month after ``start``'s month) that contains ``day``,
    negative for a month before that.

    >>> month_number(date(2025, 6, 30), date(2025, 1, 1))  # Jan 2025: six months before
    -6
    """
    return months_between(start, day) - 1


def month_index(start: date, day: date) -> int:
    """:func:`month_number`, 0 for a day before the projection.

    >>> month_index(date(2025, 6, 30), date(2026, 1, 8))  # Jul 2025 = 0, ..., Jan 2026 = 6
    6
    """
    return max(0, month_number(start, day))


def calendar_quarter(start: date, t: int) -> int:
    """The calendar quarter (0 = January-March) of projected month ``t`` (0 = the month after
    ``start``'s month; negative: the months before).

    >>> [calendar_quarter(date(2025, 6, 30), t) for t in (-6, -1, 0, 3, 6)]  # Jan, Jun, ...
    [0, 1, 2, 3, 0]
    """
    return ((start.month + t) % 12) // 3


def month_end(start: date, t: int) -> date:
    """The last day of projected month ``t`` (0 = the month after ``start``'s month).

    >>> month_end(date(2025, 6, 30), 0), month_end(date(2025, 6, 30), 6)
    (datetime.date(2025, 7, 31), datetime.date(2026, 1, 31))
    """
    m = start.month + t  # zero-based month count from January of start's year, plus one
    y, m = start.year + m // 12, m % 12 + 1
    return date(y, m, calendar.monthrange(y, m)[1])


def month_ends(start: date, months: int) -> list[date]:
    """The last day of each projected month."""
    return [month_end(start, t) for t in range(months)]


@dataclass(frozen=True)
class Runway:
    """When cash first closes a month below zero.

    Attributes
    ----------
    month_index : 0-based index of that month (``inf`` when not within the horizon).
    month_number : 1-based number (``month 1`` is the first projected month): the number of
        months until cash runs out, counting the month it runs out.
    month_end : the last day of that month (``None`` when not within the horizon).
    """

    month_index: float
    month_number: float
    month_end: date | None

    @classmethod
    def at(cls, k: int | None, start: date) -> Runway:
        """Cash first below zero at 0-based month ``k`` (None: not within the horizon)."""
        if k is None:
            return cls(math.inf, math.inf, None)
        return cls(float(k), float(k + 1), month_end(start, k))

    @property
    def label(self) -> str:
        if self.month_end is None:
            return "beyond the horizon"
        return f"month {int(self.month_number)} ({self.month_end:%b %Y})"


def runway(cash: Any, start: date) -> Runway:
    """The runway of one path of month-end cash balances.

    >>> runway([5.0, 1.0, -2.0], date(2025, 9, 30)).label  # Oct, Nov, then Dec 2025 < 0
    'month 3 (Dec 2025)'
    >>> runway([1.0], date(2025, 9, 30)).label
    'beyond the horizon'
    """
    below = np.asarray(cash, dtype=float) < 0
    return Runway.at(int(below.argmax()) if below.any() else None, start)


__all__ = ["Runway", "month_end", "month_ends", "month_index", "month_number", "runway"]
