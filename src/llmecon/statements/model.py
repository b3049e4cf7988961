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
from typing import TYPE_CHECKING, Literal

from llmecon.constants import MAX_YEAR as MAX_YEAR
from llmecon.constants import MIN_YEAR as MIN_YEAR
from llmecon.errors import NotFoundError, did_you_mean
from llmecon.statements.kinds import BUSINESS_MODELS, BusinessModel
from llmecon.statements.taxonomy import ITEMS, ItemDef

if TYPE_CHECKING:
    import pandas as pd

Role = Literal["raw", "check"]
CONFIDENCE: tuple[str, ...] = ("high", "medium", "low", "unknown")
__all__ = [
    "BUSINESS_MODELS",
    "CONFIDENCE",
    "BusinessModel",
    "Company",
    "Figure",
    "Period",
    "Role",
    "add_months",
    "implied_by_label",
    "is_standard_label",
    "label_year",
    "shift_months",
]

#: Longest duration a period may have, in months.
MAX_PERIOD_MONTHS = 120

_LABEL = re.compile(r"^(?:(FY)(\d{4})|(H1|H2)_(\d{4})|(9M)_(\d{4})|(Q[1-4])_(\d{4}))$")


def add_months(d: date, months: int) -> date:
    """Shift a date by whole months, clamping the day to the month's length.

    >>> add_months(date(2024, 12, 31), -6)
    datetime.date(2024, 6, 30)
    """
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def months_between(earlier: date, later: date) -> int:
    """Calendar months from ``earlier``'s month to ``later``'s (the days ignored): the
    span between two period ends.

    >>> months_between(date(2023, 12, 31), date(2025, 6, 30))
    18
    """
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def _is_month_end(d: date) -> bool:
    return d.day == calendar.monthrange(d.year, d.month)[1]


def shift_months(d: date, months: int) -> date:
    """Shift a date by whole months; a month end stays a month end.

    >>> shift_months(date(2025, 2, 28), -12)  # the same fiscal quarter end a year earlier
    datetime.date(2024, 2, 29)
    >>> shift_months(date(2025, 1, 31), -9)
    datetime.date(2024, 4, 30)
    """
    out = add_months(d, months)
    return _month_end(out.year, out.month) if _is_month_end(d) else out


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def is_standard_label(label: str) -> bool:
    """Whether a label is one whose end and length follow from it (FY, H1/H2, 9M, Q1-Q4).

    >>> is_standard_label("H1_2025"), is_standard_label("IPO")
    (True, False)
    """
    return _LABEL.match(label) is not None


def label_year(label: str) -> int | None:
    """The year a standard label names (``FY2024`` -> 2024), or ``None``."""
    m = _LABEL.match(label)
    if not m:
        return None
    return int(next(g for g in m.groups()[1::2] if g))


def implied_by_label(label: str, year_end: tuple[int, int] = (12, 31)) -> tuple[date, int] | None:
    """End date and months a standard label implies, for a fiscal year ending ``year_end``.

    ``FY2024`` is the fiscal year the company calls 2024: the one ending on ``year_end`` in
    2024. Interims count from that year's start: ``H1_2024`` is its first six months,
    ``9M_2024`` its first nine, ``Q1_2024`` its first quarter.

    >>> implied_by_label("9M_2025")
    (datetime.date(2025, 9, 30), 9)
    >>> implied_by_label("Q1_2026", (1, 31))  # Snowflake: Q1 of fiscal 2026
    (datetime.date(2025, 4, 30), 3)
    >>> implied_by_label("IPO") is None
    True
    """
    m = _LABEL.match(label)
    if not m:
        return None
    year = label_year(label) or 0
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"{label}: expected a year {MIN_YEAR}-{MAX_YEAR}, found {year}")
    month, day = year_end
    last = calendar.monthrange(year, month)[1]
    # a year end on the last day of a month (02-28 included) is that month's end every year
    fy_end = date(year, month, last if day >= calendar.monthrange(2023, month)[1] else
                  min(day, last))
    if m.group(1):
        return fy_end, 12
    if m.group(3):
        return (shift_months(fy_end, -6), 6) if m.group(3) == "H1" else (fy_end, 6)
    if m.group(5):
        return shift_months(fy_end, -3), 9
    q = int(m.group(7)[1])
    return shift_months(fy_end, 3 * q - 12), 3


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


#: Where a bundled company file is read from (its ``origin``); the id and ``.yaml`` follow.
BUNDLED_ORIGIN = "llmecon/data/companies/"


@dataclass(frozen=True)
class Company:
    """A company and its figures, as loaded (and validated) from one file.

    ``lines`` are the business lines (segments ``line:<name>`` add up to the total);
    ``platform_line`` names the cloud / API / open-platform line, the one whose share tells
    a project business moving to a platform, or a product business leaning on its API.
    ``fiscal_year_end`` is ``MM-DD``; ``as_of`` the date of the newest source and
    ``coverage_note`` what is known to be missing. ``published`` gives, for the periods
    where it is known, the date their figures became public (results come out weeks after
    the period ends): a valuation at an earlier date does not use them.
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
    #: SHA-256 of the text the company was read from ('' when built in code): two files
    #: under one id are told apart by it (a saved run records it).
    origin_sha256: str = field(default="", compare=False)
    fiscal_year_end: str = "12-31"
    as_of: date | None = None
    coverage_note: str = ""
    published: tuple[tuple[str, date], ...] = ()
    _index: dict[tuple[str, str | None, str, bool], Figure] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _periods: tuple[Period, ...] = field(default=(), init=False, repr=False, compare=False)
    _by_label: dict[str, Period] = field(default_factory=dict, init=False, repr=False,
                                         compare=False)
    _instants: dict[date, str] = field(default_factory=dict, init=False, repr=False,
                                       compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {f.key: f for f in self.figures})
        periods = tuple(sorted({f.period for f in self.figures},
                               key=lambda p: (p.end, p.months)))
        object.__setattr__(self, "_periods", periods)
        by_label: dict[str, Period] = {}
        instants: dict[date, str] = {}
        for p in periods:  # a duration wins over an instant of the same label
            if p.label not in by_label or (by_label[p.label].is_instant and not p.is_instant):
                by_label[p.label] = p
            if p.is_instant:
                instants.setdefault(p.end, p.label)
        object.__setattr__(self, "_by_label", by_label)
        object.__setattr__(self, "_instants", instants)

    def published_on(self, label: str) -> date | None:
        """The date the period ``label``'s figures became public, where the file says."""
        return dict(self.published).get(label)

    def published_after(self, end: date, day: date) -> tuple[str, date] | None:
        """A period ending on ``end`` whose figures came out after ``day`` (label, date),
        or None: figures are read by their date, so an undated period ending the same day
        (an H2 beside its FY) is no earlier than the dated one."""
        return next(((label, when) for label, when in self.published
                     if when > day and self.period(label).end == end), None)

    @property
    def year_end(self) -> tuple[int, int]:
        """(month, day) of the fiscal year end."""
        month, _, day = self.fiscal_year_end.partition("-")
        return int(month), int(day)

    @property
    def latest_period(self) -> Period | None:
        """The newest duration period (longest on ties), or ``None``."""
        durations = self.duration_periods
        return max(durations, key=lambda p: (p.end, p.months)) if durations else None

    def __repr__(self) -> str:
        durations = self.duration_periods
        span = f"{durations[0].label}..{durations[-1].label}" if durations else "no periods"
        fye = "" if self.fiscal_year_end == "12-31" else f", year end {self.fiscal_year_end}"
        return (f"Company({self.id!r}, {self.name!r}, {self.currency or 'no currency'}, "
                f"{self.business_model}, periods {span}{fye}, {len(self.figures)} figures)")

    def __rich__(self) -> str:
        """A one-line summary for rich consoles (markup in names is shown, not applied)."""
        from rich.markup import escape

        return escape(repr(self))

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
        return self._periods

    @property
    def duration_periods(self) -> tuple[Period, ...]:
        return tuple(p for p in self._periods if not p.is_instant)

    def period(self, label: str) -> Period:
        p = self._by_label.get(label)
        if p is not None:
            return p
        known = sorted(self._by_label)
        shown = ", ".join(known[:20]) + (f" ... ({len(known)} in all)" if len(known) > 20 else "")
        hint = did_you_mean(label, known)
        raise NotFoundError(f"{self.id}: no period {label!r}; "
                            f"{hint + ' ' if hint else ''}known: {shown}")

    def instant_at(self, day: date) -> str | None:
        """Label of the instant figures dated ``day``, if any."""
        return self._instants.get(day)

    def to_frame(self) -> pd.DataFrame:
        """All figures as a pandas DataFrame, one row per figure: ``value`` in base units
        (a scale such as ``million`` converted at loading), ``unit`` the base unit of that
        value (``money`` in ``currency``, ``percent``, ``count``, ``tokens_per_day``...)
        and ``declared_unit`` the unit the file gave (``million``)."""
        import pandas as pd

        from llmecon.units import parse_unit

        return pd.DataFrame([
            {
                "item": f.item, "segment": f.segment, "period": f.period.label,
                "period_end": f.period.end, "period_months": f.period.months,
                "value": f.value, "currency": f.currency,
                "unit": parse_unit(f.unit, f.definition.natural_base).base,
                "declared_unit": f.unit, "role": f.role,
                "confidence": f.confidence, "source": f.source, "note": f.note,
            }
            for f in self.figures
        ])
