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
from typing import TYPE_CHECKING

from llmecon import formulas as fx
from llmecon.errors import NotFoundError
from llmecon.metrics import signals as s
from llmecon.metrics.resolve import weakest
from llmecon.metrics.tables import Column, Row, Table
from llmecon.metrics.values import MetricValue, na, published_late
from llmecon.resultlist import ResultList
from llmecon.statements.model import Company, Period

if TYPE_CHECKING:
    import pandas as pd


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


class CalendarisedValues(ResultList[CalendarisedValue]):
    """What :func:`llmecon.api.ttm` returns: a list of :class:`CalendarisedValue` (as
    before) that also turns into a DataFrame."""

    def to_frame(self) -> pd.DataFrame:
        """One row per company, with the fields of ``ttm --format json``: ``value``
        float64 in ``currency`` (``unit`` is ``money``: a TTM is of a money flow; NaN
        where n/a, ``why`` then says why), ``as_of`` and ``period_end`` dates
        (datetime64, NaT without a period), ``lag_days`` a nullable integer,
        ``confidence`` and ``basis`` None / "" without a value."""
        import pandas as pd

        out = pd.DataFrame([{
            "company_id": v.company_id, "item": v.item, "as_of": v.as_of,
            "period_label": v.period_label or None, "period_end": v.period_end,
            "lag_days": v.lag_days, "value": float("nan") if v.value is None else v.value,
            "unit": "money", "currency": v.currency, "label": v.label,
            "confidence": None if v.value is None else v.confidence,
            "basis": "" if v.value is None else v.basis, "why": v.why,
        } for v in self], columns=_TTM_COLUMNS)
        out["value"] = out["value"].astype("float64")
        out["lag_days"] = out["lag_days"].astype("Int64")
        for col in ("as_of", "period_end"):
            out[col] = pd.to_datetime(out[col])
        return out


_TTM_COLUMNS = ("company_id", "item", "as_of", "period_label", "period_end", "lag_days",
                "value", "unit", "currency", "label", "confidence", "basis", "why")


def check_ttm_item(item: object, where: str = "item") -> str:
    """``item`` if twelve months of it add up: a money flow (revenue, R&D...); a margin, a
    share, users or a balance do not. Unknown names get the closest known ones."""
    from llmecon.errors import InputError
    from llmecon.statements.taxonomy import lookup

    if not isinstance(item, str):
        raise InputError(f"{where}: expected an item name such as revenue, found "
                         f"{type(item).__name__}")
    found, negated = lookup(item, where=where)
    if negated:
        raise InputError(f"{where}: {item!r} is {found.name} with the sign turned; give "
                         f"{found.name}")
    if found.temporal != "duration" or not found.has_currency:
        raise InputError(f"{where}: expected a money flow such as revenue (see 'llmecon "
                         f"items'), found {item!r}")
    return found.name


def calendarised_ttm(companies: Sequence[Company], as_of: date, item: str = "revenue"
                     ) -> CalendarisedValues:
    """For each company, the TTM of ``item`` (a money flow) to its latest period ending on
    or before ``as_of`` for which a TTM can be formed."""
    from datetime import datetime

    from llmecon.errors import InputError

    item = check_ttm_item(item)
    if isinstance(as_of, datetime) or not isinstance(as_of, date):
        raise InputError(f"as_of: expected a date (datetime.date), found "
                         f"{type(as_of).__name__}")
    out = CalendarisedValues()
    for c in companies:
        ctx = s.Context(c)
        periods = sorted((p for p in c.duration_periods if p.end <= as_of),
                         key=lambda p: (p.end, p.months), reverse=True)
        found = None
        for p in periods:
            mv = s.ttm(ctx, item, p)
            if mv.ok and mv.value is not None:
                found = CalendarisedValue(c.id, item, as_of, p.label, p.end, mv.value,
                                          c.currency, mv.basis + _published_note(c, mv, as_of),
                                          mv.confidence)
                break
        out.append(found or CalendarisedValue(
            c.id, item, as_of, "", None, None, c.currency, "n/a", "unknown",
            f"no twelve months of {item} ending on or before {as_of}"))
    return out


def _published_note(c: Company, mv: MetricValue, as_of: date) -> str:
    """Where the TTM rests on results published after ``as_of``, a note saying so (a TTM
    ends where a period ends, not where results came out; ``valuation`` skips them)."""
    late = published_late(mv, c, as_of)
    return "" if late is None else f"; {late[1]} published {late[2]}, after {as_of}"


#: Flow items shown over trailing twelve months, and ratios formed from them.
TTM_ROWS: tuple[tuple[str, str], ...] = (
    ("revenue", "Revenue, TTM"), ("cost_of_revenue", "Cost of revenue, TTM"),
    ("rd_expense", "R&D, TTM"), ("selling_marketing_expense", "Selling & marketing, TTM"),
    ("net_loss", "Net loss, TTM"), ("adjusted_net_loss", "Adjusted net loss, TTM"),
    ("operating_cash_flow", "Operating cash flow, TTM"),
)
RATIO_ROWS: tuple[tuple[str, str, str, str], ...] = (
    ("gross_margin_ttm", "Gross margin, TTM", "revenue", "cost_of_revenue"),
    ("rd_to_revenue_ttm", "R&D / revenue, TTM", "rd_expense", "revenue"),
    ("loss_to_revenue_ttm", "Net loss / revenue, TTM", "net_loss", "revenue"),
)


def _ttm_period(c: Company, as_of: date) -> Period | None:
    ctx = s.Context(c)
    for p in sorted((p for p in c.duration_periods if p.end <= as_of),
                    key=lambda p: (p.end, p.months), reverse=True):
        if s.ttm(ctx, "revenue", p).ok:
            return p
    return None


def _ratio_cell(key: str, a: MetricValue, b: MetricValue, p: Period) -> MetricValue:
    if a.value is None or b.value is None:
        return na(key, p, "ratio", "; ".join(x.why for x in (a, b) if x.value is None))
    if key == "gross_margin_ttm":
        value, basis = fx.gross_margin(a.value, b.value), "(revenue - cost of revenue) / revenue"
    else:
        value, basis = fx.ratio(a.value, b.value), f"{a.name} / {b.name}"
    return MetricValue(key, p, float(value), "ratio", None, "none", f"{basis}, TTM",
                       weakest([a.confidence, b.confidence]))


def calendarised_table(companies: Sequence[Company], as_of: date) -> Table:
    """Side by side at a common date: each company's twelve months to its latest period end
    on or before ``as_of`` (the header names that end). Money in each company's currency
    (convert with :func:`llmecon.metrics.tables.convert_table`)."""
    columns: list[Column] = []
    cells: dict[str, list[MetricValue]] = {}
    for c in companies:
        p = _ttm_period(c, as_of)
        if p is None:
            raise NotFoundError(f"{c.id}: no twelve months of revenue ending on or before "
                                f"{as_of}")
        columns.append(Column(c.id, c.name, p, c.currency, trailing=True))
        ctx = s.Context(c)
        money = {item: s.ttm(ctx, item, p, f"{item}_ttm") for item, _ in TTM_ROWS}
        for item, _ in TTM_ROWS:
            cells.setdefault(item, []).append(money[item])
        for key, _, num, den in RATIO_ROWS:
            cells.setdefault(key, []).append(_ratio_cell(key, money[num], money[den], p))
    rows = [Row(item, label, tuple(cells[item])) for item, label in TTM_ROWS]
    rows += [Row(key, label, tuple(cells[key])) for key, label, _, _ in RATIO_ROWS]
    return Table(f"Trailing twelve months to {as_of.isoformat()} or before", tuple(columns),
                 tuple(rows))
