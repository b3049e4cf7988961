"""The statements model: :class:`Company`, :class:`Period` and :class:`Figure`.

Values are in base units (currency units, persons, tokens per day, percent points for
ratios); each figure keeps the unit it was declared in, its source and its confidence.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from llmecon.errors import NotFoundError
from llmecon.statements.taxonomy import ITEMS, ItemDef

BusinessModel = Literal["b2b_project", "c2c_product", "mixed"]
BUSINESS_MODELS: tuple[str, ...] = ("b2b_project", "c2c_product", "mixed")
Role = Literal["raw", "check"]
CONFIDENCE: tuple[str, ...] = ("high", "medium", "low", "unknown")

_LABEL = re.compile(r"^(?:(FY)(\d{4})|(H1|H2)_(\d{4})|(9M)_(\d{4})|(Q[1-4])_(\d{4}))$")


def add_months(d: date, months: int) -> date:
    """Shift a date by whole months, clamping the day to the month's length.

    >>> add_months(date(2024, 12, 31), -6)
    datetime.date(2024, 6, 30)
    """
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def implied_by_label(label: str) -> tuple[date, int] | None:
    """End date and months a standard label implies (calendar fiscal years).

    >>> implied_by_label("9M_2025")
    (datetime.date(2025, 9, 30), 9)
    >>> implied_by_label("IPO") is None
    True
    """
    m = _LABEL.match(label)
    if not m:
        return None
    if m.group(1):
        return _month_end(int(m.group(2)), 12), 12
    if m.group(3):
        y = int(m.group(4))
        return (_month_end(y, 6), 6) if m.group(3) == "H1" else (_month_end(y, 12), 6)
    if m.group(5):
        return _month_end(int(m.group(6)), 9), 9
    q = int(m.group(7)[1])
    return _month_end(int(m.group(8)), 3 * q), 3


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period: a duration of ``months`` ending on ``end``, or an instant.

    ``months == 0`` marks an instant (a balance at ``end``). ``label`` is the name the
    source used (``FY2024``, ``H1_2025``, ``9M_2025``; for instants the label of the
    reporting period whose end it is).

    >>> p = Period("H1_2025", date(2025, 6, 30), 6)
    >>> p.start, p.days, p.is_interim
    (datetime.date(2025, 1, 1), 181, True)
    """

    end: date
    months: int
    label: str = field(compare=False)

    def __init__(self, label: str, end: date, months: int) -> None:
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "months", months)

    @property
    def is_instant(self) -> bool:
        return self.months == 0

    @property
    def is_interim(self) -> bool:
        return 0 < self.months < 12

    @property
    def start(self) -> date | None:
        if self.is_instant:
            return None
        if (self.end + timedelta(days=1)).day == 1:  # a month end: whole calendar months
            first = add_months(self.end.replace(day=1), -(self.months - 1))
            return first
        return add_months(self.end, -self.months) + timedelta(days=1)

    @property
    def days(self) -> int:
        s = self.start
        return 0 if s is None else (self.end - s).days + 1

    def __repr__(self) -> str:
        kind = "instant" if self.is_instant else f"{self.months}M"
        return f"Period({self.label!r}, {self.end.isoformat()}, {kind})"

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class Figure:
    """One disclosed number.

    ``value`` is in base units (``scale`` converted at loading); ``unit`` is the unit it
    was declared in, kept for presenters and exports. ``role`` is ``raw`` for inputs and
    ``check`` for a reported ratio or subtotal that llmecon recomputes and compares
    within ``tolerance`` (in the item's own unit; percent points for ratios).
    """

    item: str
    period: Period
    value: float
    unit: str
    currency: str | None = None
    segment: str | None = None
    source: str = ""
    source_count: int | None = None
    confidence: str = "unknown"
    note: str = ""
    role: Role = "raw"
    tolerance: float | None = None

    @property
    def definition(self) -> ItemDef:
        return ITEMS[self.item]

    @property
    def key(self) -> tuple[str, str | None, str, bool]:
        return (self.item, self.segment, self.period.label, self.period.is_instant)


@dataclass(frozen=True)
class Company:
    """A company and its figures, as loaded (and validated) from one file.

    ``lines`` are the business lines (segments ``line:<name>`` add up to the total);
    ``platform_line`` names the cloud / API / open-platform line, the one whose share tells
    a project business moving to a platform, or a product business leaning on its API.
    """

    id: str
    name: str
    currency: str
    business_model: BusinessModel
    figures: tuple[Figure, ...]
    ticker: str = ""
    exchange: str = ""
    listing_date: date | None = None
    lines: tuple[str, ...] = ()
    platform_line: str = ""
    description: str = ""
    origin: str = ""
    _index: dict[tuple[str, str | None, str, bool], Figure] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {f.key: f for f in self.figures})

    def __repr__(self) -> str:
        return (f"Company(id={self.id!r}, name={self.name!r}, currency={self.currency!r}, "
                f"business_model={self.business_model!r}, figures={len(self.figures)})")

    def __iter__(self) -> Iterator[Figure]:
        return iter(self.figures)

    def figure(self, item: str, period: str, segment: str | None = None, *,
               instant: bool | None = None) -> Figure | None:
        """The figure for an item, period label and segment, or ``None``."""
        if instant is None:
            instant = ITEMS[item].temporal == "instant"
            f = self._index.get((item, segment, period, instant))
            if f is None and ITEMS[item].temporal == "any":
                f = self._index.get((item, segment, period, True))
            return f
        return self._index.get((item, segment, period, instant))

    @property
    def periods(self) -> tuple[Period, ...]:
        """Distinct periods with figures, sorted by end then length."""
        return tuple(sorted({f.period for f in self.figures}))

    @property
    def duration_periods(self) -> tuple[Period, ...]:
        return tuple(p for p in self.periods if not p.is_instant)

    def period(self, label: str) -> Period:
        for p in self.periods:
            if p.label == label and not p.is_instant:
                return p
        for p in self.periods:
            if p.label == label:
                return p
        known = sorted({p.label for p in self.periods})
        raise NotFoundError(f"{self.id}: no period {label!r}; known: {', '.join(known)}")

    def instant_at(self, day: date) -> str | None:
        """Label of the instant figures dated ``day``, if any."""
        for p in self.periods:
            if p.is_instant and p.end == day:
                return p.label
        return None

    def to_frame(self) -> Any:
        """All figures as a pandas DataFrame, one row per figure (values in base units)."""
        import pandas as pd

        return pd.DataFrame([
            {
                "item": f.item, "segment": f.segment, "period": f.period.label,
                "period_end": f.period.end, "period_months": f.period.months,
                "value": f.value, "currency": f.currency, "unit": f.unit, "role": f.role,
                "confidence": f.confidence, "source": f.source, "note": f.note,
            }
            for f in self.figures
        ])
