"""Side by side across fiscal years: trailing twelve months at a common date.

Companies whose years end on different days (31 December, 31 January, 30 April) are compared
on the twelve months to each one's latest period end on or before a common date, each value
labelled with that period end (and how many days it lies before the date). Nothing is
interpolated: a TTM ends where a company's reported period ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from llmecon.metrics import signals as s
from llmecon.statements.model import Company


@dataclass(frozen=True)
class CalendarisedValue:
    """One company's TTM value of an item at (or before) a common date.

    ``period_end`` is the end of the twelve months; ``lag_days`` how long before ``as_of``
    it ends; ``value`` is in ``currency`` (the company's), ``None`` with ``why`` when n/a.
    """

    company_id: str
    item: str
    as_of: date
    period_label: str
    period_end: date | None
    value: float | None
    currency: str
    basis: str
    confidence: str
    why: str = ""

    @property
    def lag_days(self) -> int | None:
        return None if self.period_end is None else (self.as_of - self.period_end).days

    @property
    def label(self) -> str:
        """``TTM to 2025-04-30 (Q1_2026)``, or ``n/a``."""
        if self.period_end is None:
            return "n/a"
        return f"TTM to {self.period_end.isoformat()} ({self.period_label})"


def calendarised_ttm(companies: Sequence[Company], as_of: date, item: str = "revenue"
                     ) -> list[CalendarisedValue]:
    """For each company, the TTM of ``item`` to its latest period ending on or before
    ``as_of`` for which a TTM can be formed."""
    out: list[CalendarisedValue] = []
    for c in companies:
        ctx = s.Context(c)
        periods = sorted((p for p in c.duration_periods if p.end <= as_of),
                         key=lambda p: (p.end, p.months), reverse=True)
        found = None
        for p in periods:
            mv = s.ttm(ctx, item, p)
            if mv.ok and mv.value is not None:
                found = CalendarisedValue(c.id, item, as_of, p.label, p.end, mv.value,
                                          c.currency, mv.basis, mv.confidence)
                break
        out.append(found or CalendarisedValue(
            c.id, item, as_of, "", None, None, c.currency, "n/a", "unknown",
            f"no twelve months of {item} ending on or before {as_of}"))
    return out
