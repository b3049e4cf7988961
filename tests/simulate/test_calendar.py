"""Every projected month is a date; runway is the first month with cash below zero."""

from __future__ import annotations

import math
from datetime import date

from llmecon.simulate.calendar import month_end, month_ends, runway
from llmecon.simulate.loaders import load_base_scenario
from llmecon.simulate.run import deterministic
from llmecon.statements.model import Company


def test_months_are_dates_from_the_period_end() -> None:
    # H1 2025 ends 30 June 2025: month 0 is July 2025; February 2026 has 28 days
    assert month_ends(date(2025, 6, 30), 8) == [
        date(2025, 7, 31), date(2025, 8, 31), date(2025, 9, 30), date(2025, 10, 31),
        date(2025, 11, 30), date(2025, 12, 31), date(2026, 1, 31), date(2026, 2, 28)]
    assert month_end(date(2025, 9, 30), 14) == date(2026, 12, 31)  # Oct 2025 + 14


def test_runway_is_the_first_month_below_zero() -> None:
    r = runway([10.0, 3.0, 0.0, -1.0, 5.0], date(2025, 6, 30))
    # closing cash of 0 is not below zero; the first negative close is month index 3
    assert (r.month_index, r.month_number, r.month_end) == (3, 4, date(2025, 10, 31))
    assert r.label == "month 4 (Oct 2025)"
    assert math.isinf(runway([1.0, 2.0], date(2025, 6, 30)).month_index)


def test_zhipu_runway_on_committed_money(zhipu: Company) -> None:
    """Starting cash RMB 2,552m at 30 June 2025, a burn of about RMB 320m a month, then the
    IPO's net HK$4,173.4m (about RMB 3.8bn) in January 2026: cash lasts into 2026, not past
    the horizon, and the IPO month (index 6) is January 2026."""
    s = load_base_scenario(zhipu)
    ipo = next(f for f in s.financing if f.kind == "ipo")
    assert month_end(s.start, ipo.month) == date(2026, 1, 31)
    r = runway(deterministic(s).cash[0], s.start)
    assert r.month_end is not None
    assert date(2026, 6, 30) <= r.month_end <= date(2027, 6, 30)
    # before the IPO arrives: 2,552 - 6 x ~320 stays positive through December 2025
    assert r.month_index > 6
    assert r.label.startswith(f"month {int(r.month_index) + 1} (")


def test_runway_label_matches_the_dates(zhipu: Company) -> None:
    s = load_base_scenario(zhipu)
    cash = deterministic(s).cash[0]
    r = runway(cash, s.start)
    k = int(r.month_index)
    assert cash[k] < 0 <= cash[k - 1]
    assert r.month_end == month_ends(s.start, s.horizon_months)[k]
