"""Financing figures read once: the IPO proceeds a company raised after a period.

:func:`ipo_proceeds` is the one lookup of a listing's proceeds, used by the runway signal
(``runway_with_ipo``) and by the projection's financing events. It prefers the disclosed net
proceeds; where only gross proceeds are disclosed it deducts fees at a stated share and says
so (``basis`` is ``"net"``, ``"gross"`` or ``"gross less assumed fees"``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from llmecon import formulas
from llmecon.errors import InputError
from llmecon.metrics.resolve import Resolved, Resolver, weakest
from llmecon.statements.model import Company, Period
from llmecon.units import FxTable

#: Fees as a share of gross IPO proceeds, assumed where a company discloses only its gross
#: proceeds: Zhipu's disclosed fees on its HKEX listing the same week (January 2026),
#: 1 - net HK$4,173.4m / gross HK$4,348.1m = 4.02% (zhipu.yaml, IPO instant).
ASSUMED_IPO_FEE_SHARE = 0.0402


@dataclass(frozen=True)
class IpoProceeds:
    """Proceeds of a listing, converted to the company's currency at the listing date.

    Attributes
    ----------
    listing_date : the date of the balance-sheet instant that carries the proceeds.
    period_label : that instant's label (``IPO``).
    amount : proceeds in the company's currency (net of fees unless ``basis`` is ``gross``).
    gross_amount : gross proceeds in the company's currency (NaN when not disclosed).
    fee_share : fees as a share of gross proceeds (disclosed or assumed; NaN if unknown).
    basis : ``net`` (disclosed), ``gross`` (disclosed, fees not deducted) or
        ``gross less assumed fees``.
    currency : the currency the proceeds were disclosed in.
    fx_rate : units of the company's currency per unit of ``currency`` (1 if the same).
    confidence : the weakest confidence of the figures used and of the FX rates that
        converted them.
    company_currency : the currency ``amount`` is in.
    """

    listing_date: date
    period_label: str
    amount: float
    gross_amount: float
    fee_share: float
    basis: str
    currency: str
    fx_rate: float
    confidence: str

    company_currency: str = ""

    @property
    def label(self) -> str:
        """``IPO net proceeds 2026-01-08`` (the basis and the date)."""
        return f"IPO {self.basis} proceeds {self.listing_date}"

    @property
    def fees_note(self) -> str:
        """`` (fees assumed at 4.02% of gross proceeds: Zhipu's disclosed share)`` when the
        fees were assumed, else empty."""
        if self.basis != "gross less assumed fees":
            return ""
        return f" (fees assumed at {self.fee_share:.2%} of gross proceeds: Zhipu's disclosed share)"

    @property
    def conversion(self) -> str:
        """``; HKD->USD at 0.1284 (2026-01-09)``, or empty when no conversion was needed."""
        if self.fx_rate == 1.0 and self.currency == self.company_currency:
            return ""
        return (f"; {self.currency}->{self.company_currency} at {self.fx_rate:.4f} "
                f"({self.listing_date})")


def ipo_proceeds(company: Company, after: date, fx: FxTable | None,
                 assumed_fee_share: float | None = None,
                 resolver: Resolver | None = None) -> IpoProceeds | None:
    """The first listing's proceeds disclosed at an instant after ``after``.

    Parameters
    ----------
    company : the company.
    after : only instants dated after this day count (the period end of a projection).
    fx : FX rates, needed when the proceeds are in another currency (closing rate at the
        listing date); ``None`` is allowed when the currencies agree.
    assumed_fee_share : fees as a share of gross proceeds, deducted when only gross
        proceeds are disclosed; ``None`` keeps the gross amount and says ``basis="gross"``.
    resolver : a resolver to reuse (one is built otherwise).

    Returns
    -------
    The proceeds, or ``None`` when no IPO proceeds are disclosed after ``after``.

    Raises
    ------
    InputError : the proceeds are in another currency and ``fx`` is ``None``.
    NotFoundError : no FX rate at the listing date.
    """
    r = resolver or Resolver(company)
    ipo = next((q for q in company.periods if q.is_instant and q.end > after and
                (r.get("ipo_net_proceeds", q.label).ok or
                 r.get("ipo_gross_proceeds", q.label).ok)), None)
    if ipo is None:
        return None
    net, gross = r.get("ipo_net_proceeds", ipo.label), r.get("ipo_gross_proceeds", ipo.label)
    used = net if net.ok else gross
    currency = str(used.inputs[0].currency) if used.inputs else company.currency
    rate, rate_confidence = _closing_rate(company, currency, ipo.end, fx)
    # gross proceeds convert at their own currency's rate (HK$ gross beside US$ net)
    gross_currency = str(gross.inputs[0].currency) if gross.ok and gross.inputs else currency
    gross_rate = rate if gross_currency == currency else \
        _closing_rate(company, gross_currency, ipo.end, fx)[0]
    gross_amount = float(gross.value) * gross_rate if gross.ok and gross.value is not None \
        else math.nan
    if net.ok and net.value is not None:
        amount = float(net.value) * rate
        fee = 1.0 - formulas.ratio(amount, gross_amount) if gross.ok else math.nan
        basis = "net"
    elif assumed_fee_share is None:
        amount, fee, basis = gross_amount, math.nan, "gross"
    else:
        amount, fee = gross_amount * (1.0 - assumed_fee_share), assumed_fee_share
        basis = "gross less assumed fees"
    # converted proceeds are only as sure as the rate (Zhipu's HK$ at a low-confidence
    # USD/CNY close of 2026-01-08)
    confidence = weakest([net.confidence if net.ok else gross.confidence, *rate_confidence])
    return IpoProceeds(ipo.end, ipo.label, amount, gross_amount, fee, basis, currency, rate,
                       confidence, company.currency)


def _closing_rate(company: Company, currency: str, day: date, fx: FxTable | None
                  ) -> tuple[float, list[str]]:
    """Units of the company's currency per unit of ``currency`` at ``day``, with the
    confidence of the rates used (1.0 and none when the currencies agree)."""
    if currency == company.currency:
        return 1.0, []
    if fx is None:
        raise InputError(f"{company.id}: FX rates needed to convert IPO proceeds from "
                         f"{currency}")
    rate, rates = fx.rate(currency, company.currency, "closing", None, day)
    return rate, [x.confidence for x in rates]


#: How a monthly burn was measured; presenters mark ``adjusted_loss`` (non-IFRS) rows.
BURN_BASES = {
    "cash_flow": "-(operating cash flow - capex) / months",
    "reported": "the company's disclosed cash burn rate per month (Chapter 18C: operating "
                "cash outflow and capital expenditure; capex not disclosed apart)",
    "operating_cash_flow": "-operating cash flow / months (capex not disclosed)",
    "adjusted_loss": "adjusted (non-IFRS) net loss / months (no cash-flow statement; not a "
                     "cash measure)",
}


@dataclass(frozen=True)
class BurnPoint:
    """The monthly burn of one period, on a stated basis.

    Attributes
    ----------
    period : the period label; months : its length.
    burn_monthly : money burnt per month (positive when cash is burnt), company currency.
    basis : a key of :data:`BURN_BASES`; ``adjusted_loss`` is not a cash measure.
    change : relative change from the previous period of the same basis (NaN when there
        is none: bases are never mixed).
    """

    period: str
    months: int
    burn_monthly: float
    basis: str
    change: float = math.nan

    @property
    def non_ifrs(self) -> bool:
        return self.basis == "adjusted_loss"


def period_burn(r: Resolver, q: Period, basis: str | None = None
                ) -> tuple[float, str, list[Resolved]] | None:
    """The monthly burn of one duration period, its basis (a key of :data:`BURN_BASES`) and
    the figures used, on the most complete basis disclosed: operating cash flow and capex,
    else the company's own disclosed burn rate (which includes capex), else operating cash
    flow alone, else the adjusted loss; ``None`` when none is disclosed (the IFRS net loss
    is never used: it carries non-cash fair-value changes). ``basis``: on that basis only
    (to compare a period with one whose most complete basis is another)."""
    for key in BURN_BASES if basis is None else (basis,):
        found = _burn_on(r, q, key)
        if found is not None:
            return found[0], key, found[1]
    return None


#: The figures each burn basis reads.
_BURN_ITEMS = {"cash_flow": ("operating_cash_flow", "capex"),
               "reported": ("cash_burn_rate_monthly",),
               "operating_cash_flow": ("operating_cash_flow",),
               "adjusted_loss": ("adjusted_net_loss",)}


def _burn_on(r: Resolver, q: Period, basis: str) -> tuple[float, list[Resolved]] | None:
    """The monthly burn of ``q`` on ``basis``, with the figures used, or ``None``."""
    found = [r.get(item, q.label) for item in _BURN_ITEMS[basis]]
    values = [f.value for f in found if f.ok and f.value is not None]
    if len(values) < len(found):
        return None
    if basis == "reported":
        return float(values[0]), found
    if basis == "adjusted_loss":
        return float(formulas.per_month(values[0], q.months)), found
    capex = values[1] if basis == "cash_flow" else 0.0
    return float(formulas.monthly_cash_burn(values[0], capex, q.months)), found


def burn_history(company: Company, resolver: Resolver | None = None) -> tuple[BurnPoint, ...]:
    """Monthly burn per duration period, oldest first, on the basis of :func:`period_burn`
    (cash flows, the disclosed burn rate, else the adjusted loss), never from the IFRS net loss
    (which carries fair-value changes of preferred shares). Each change is against the
    newest earlier period that ends before this one starts, on this period's basis (the
    earlier burn computed on it where that period also discloses a more complete one: the
    rule of the burn signal), so bases are never mixed and periods never overlap.
    """
    r = resolver or Resolver(company)
    points: list[BurnPoint] = []
    periods = sorted(company.duration_periods, key=lambda q: (q.end, q.months))
    for q in periods:
        found = period_burn(r, q)
        if found is None:
            continue
        burn, basis, _ = found
        before = [b for p in periods if q.start is not None and p.end < q.start
                  and (b := period_burn(r, p, basis)) is not None]
        change = formulas.relative_change(burn, before[-1][0]) if before else math.nan
        points.append(BurnPoint(q.label, q.months, burn, basis, float(change)))
    return tuple(points)
