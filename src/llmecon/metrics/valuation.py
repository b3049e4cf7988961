"""Valuation from dated market data: market capitalisation, enterprise value, EV / revenue.

A share price is a dated figure (``share_price`` at an instant, in the currency the shares
trade in). With the shares outstanding at or before that date it gives the market value;
converted at that date's closing rate into the company's reporting currency and net of the
cash resources of the chosen balance sheet (plus IPO proceeds received after it), the
enterprise value; over the trailing twelve months' revenue, EV / revenue.

A stale balance sheet: where the balance sheet ends more than ``STALE_MONTHS`` before the
price date, the cash the company would have burnt in between (its burn rate of that period,
:func:`~llmecon.metrics.signals.monthly_burn`, times the months) is estimated and shown beside
the EV (``burn_since_balance``, ``ev_cash_rolled_forward``); the EV itself stays on the
reported balance sheet.

Look-ahead: by default the balance sheet and revenue are those of the latest period ending on
or before the price date, which may have been published after it (results come out weeks
later). Pass ``period`` to value on what was known at the time (e.g. the prospectus period
at the IPO). Pure: FX rates are an argument.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from llmecon import formulas as fx
from llmecon.errors import InputError, NotFoundError
from llmecon.metrics import signals as s
from llmecon.metrics.financing import ipo_proceeds
from llmecon.metrics.resolve import weakest
from llmecon.metrics.values import MetricValue, published_late
from llmecon.resultlist import ResultList
from llmecon.statements.model import Company, Figure, Period
from llmecon.units import FxTable

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Valuation:
    """A company's valuation at one dated share price.

    Money is in ``currency`` (the company's reporting currency) unless the field name says
    ``_in_price_currency``. A ``None`` value is n/a; ``why`` says which input is missing.
    """

    company_id: str
    price_label: str
    as_of: date
    price_currency: str
    share_price: float
    shares_outstanding: float | None
    market_cap_in_price_currency: float | None
    currency: str
    market_cap: float | None
    net_cash: float | None
    enterprise_value: float | None
    ttm_revenue: float | None
    ev_to_ttm_revenue: float | None
    ev_to_forward_revenue: float | None
    price_vs_ipo: float | None
    basis: tuple[str, ...] = ()
    why: tuple[str, ...] = ()
    confidence: str = "unknown"
    inputs: tuple[Figure, ...] = field(default=(), repr=False)
    #: months from the balance sheet's date to the price date
    months_since_balance: float | None = None
    #: estimated cash burnt in those months (at the balance period's burn rate), not
    #: deducted from the net cash; ``None`` under ``STALE_MONTHS`` or without a burn rate
    burn_since_balance: float | None = None
    #: the EV had that cash been deducted, and over the TTM revenue
    ev_cash_rolled_forward: float | None = None
    ev_cash_rolled_forward_to_ttm_revenue: float | None = None
    #: the user's revenue estimate for the next twelve months that EV / forward revenue uses
    forward_revenue: float | None = None
    #: the methods of the cash the net cash (and so the EV) rests on, as a runway carries
    #: them (``cash_only``: cash and equivalents alone, short-term investments undisclosed)
    cash_bases: tuple[str, ...] = ()

    def __repr__(self) -> str:
        mcap = "n/a" if self.market_cap_in_price_currency is None else \
            f"{self.price_currency} {self.market_cap_in_price_currency / 1e6:,.0f}m"
        ev = "n/a" if self.ev_to_ttm_revenue is None else f"{self.ev_to_ttm_revenue:.1f}x"
        return (f"Valuation({self.company_id!r} at {self.as_of.isoformat()}: price "
                f"{self.price_currency} {self.share_price:g}, market cap {mcap}, "
                f"EV/TTM revenue {ev})")


#: the unit of each numeric column of :meth:`Valuations.to_frame`
VALUATION_UNITS: dict[str, str] = {
    "share_price": "price_currency per share", "shares_outstanding": "shares",
    "market_cap_in_price_currency": "price_currency", "market_cap": "currency",
    "net_cash": "currency", "enterprise_value": "currency", "ttm_revenue": "currency",
    "ev_to_ttm_revenue": "multiple (x)", "ev_to_forward_revenue": "multiple (x)",
    "price_vs_ipo": "fraction (0.13 = +13%)", "months_since_balance": "months",
    "burn_since_balance": "currency", "ev_cash_rolled_forward": "currency",
    "ev_cash_rolled_forward_to_ttm_revenue": "multiple (x)", "forward_revenue": "currency",
}


class Valuations(ResultList[Valuation]):
    """What :func:`llmecon.api.valuations` returns: a list of :class:`Valuation` (as
    before) that also turns into a DataFrame."""

    def to_frame(self) -> pd.DataFrame:
        """One row per valuation, with the fields of ``valuation --format json``: every
        amount or ratio float64 (NaN where n/a; ``why`` then says which input is missing),
        ``as_of`` a date (datetime64), ``basis`` and ``why`` joined with "; ",
        ``cash_bases`` with ", " and ``inputs`` as "item (period)" text. Money is in
        ``currency`` (the reporting currency) unless the name says
        ``_in_price_currency``; ``attrs["units"]`` gives each numeric column's unit."""
        import pandas as pd

        rows = [{**{k: getattr(v, k) for k in _TEXT + _NUMBERS},
                 "basis": "; ".join(v.basis), "why": "; ".join(v.why),
                 "cash_bases": ", ".join(v.cash_bases),
                 "inputs": "; ".join(f"{f.item} ({f.period.label})" for f in v.inputs)}
                for v in self]
        out = pd.DataFrame(rows, columns=[*_TEXT, *_NUMBERS, "basis", "why", "cash_bases",
                                          "inputs"])
        out[list(_NUMBERS)] = out[list(_NUMBERS)].astype("float64")
        out["as_of"] = pd.to_datetime(out["as_of"])
        out.attrs = {"units": dict(VALUATION_UNITS)}
        return out


_TEXT = ("company_id", "price_label", "as_of", "price_currency", "currency", "confidence")
_NUMBERS = tuple(VALUATION_UNITS)


def _prices(company: Company) -> list[Figure]:
    return sorted((f for f in company.figures if f.item == "share_price" and f.role == "raw"),
                  key=lambda f: f.period.end)


def _at_or_before(company: Company, item: str, day: date) -> Figure | None:
    found = [f for f in company.figures if f.item == item and f.role == "raw" and
             f.period.end <= day]
    return max(found, key=lambda f: f.period.end) if found else None


def _period_by(company: Company, day: date, period: str | None,
               usable: Callable[[s.Context, Period], MetricValue], acc: _Acc
               ) -> Period | None:
    """The period named, or the latest ending on or before ``day`` where ``usable`` has a
    value and whose figures were public by ``day`` (where the file says when they were
    published: a newer period published later is named in the basis, not used)."""
    if period is not None:
        named = company.period(period)
        published = company.published_on(named.label)
        if published is not None and published > day:
            acc.once(f"{named.label} as asked, published {published}, after the price date")
        if named.end > day:
            acc.once(f"{named.label} as asked, ending {named.end}, after the price date")
        return named
    ctx = s.Context(company)
    for p in sorted(company.duration_periods, key=lambda p: (p.end, p.months), reverse=True):
        mv = usable(ctx, p) if p.end <= day else None
        if mv is None or not mv.ok:
            continue
        late = _published_after(company, p, mv, day)
        if not late:
            return p
        acc.once(f"{p.label} not used: {late}, after the price date")
    return None


def _published_after(company: Company, p: Period, mv: MetricValue, day: date) -> str:
    """What of ``p``'s value was published after ``day``, as words ('' when all was
    public; :func:`~llmecon.metrics.values.published_late`)."""
    late = published_late(mv, company, day)
    if late is None:
        return ""
    q, label, published = late
    return f"published {published}" if label == q.label == p.label else \
        f"{'its TTM uses ' if q != p else ''}{label}, published {published}"


#: A balance sheet this many months older than the price has its burn since estimated.
STALE_MONTHS = 3.0


def _burn_since(company: Company, table: FxTable, day: date, bp: Period | None,
                acc: _Acc) -> tuple[float | None, float | None]:
    """Months from the balance sheet ``bp`` to ``day``, and the cash burnt in them at
    ``bp``'s burn rate when they exceed ``STALE_MONTHS`` (a cash inflow counts as none)."""
    if bp is None or bp.end > day:  # a period named that ends after the price: no roll-forward
        return None, None
    months = float(fx.months_from_days((day - bp.end).days))
    if months <= STALE_MONTHS:
        return months, None
    burn = s.monthly_burn(s.Context(company, table), bp)
    if not burn.ok or burn.value is None:
        acc.basis.append(f"balance sheet {months:.1f} months before the price; no burn rate "
                         f"for {bp.label} to estimate the cash spent since ({burn.why})")
        return months, None
    spent = max(float(burn.value), 0.0) * months
    cash = acc.available
    if cash is not None and spent > cash:  # it cannot spend more than it had
        spent = max(float(cash), 0.0)
        what = f"more than its {company.currency} {_millions(spent)} of cash{acc.with_ipo}: " \
            "all of it"
    else:
        what = f"{company.currency} {_millions(spent)}"
    acc.basis.append(f"balance sheet {months:.1f} months before the price: at {bp.label}'s "
                     f"burn ({burn.basis}), {what} would have been spent since, not deducted "
                     "from the net cash")
    if months > 12:  # the EV's cash is more than a year old
        acc.conf.append("low")
    return months, spent


def _millions(x: float) -> str:
    return f"{x / 1e6:,.1f}m" if abs(x) < 1e18 else f"{x:.4g}"


@dataclass
class _Acc:
    basis: list[str] = field(default_factory=list)
    why: list[str] = field(default_factory=list)
    conf: list[str] = field(default_factory=list)
    inputs: list[Figure] = field(default_factory=list)
    #: cash the company had to spend after the balance sheet: its cash resources plus the
    #: IPO proceeds received by the price date
    available: float | None = None
    with_ipo: str = ""  # how the message on ``available`` says the IPO is in it
    cash_bases: tuple[str, ...] = ()

    def once(self, note: str) -> None:
        """Add ``note`` to the basis unless it is there (the balance sheet and the TTM
        revenue look for their period apart)."""
        if note not in self.basis:
            self.basis.append(note)

    def rate(self, table: FxTable, base: str, quote: str, day: date) -> float | None:
        try:
            r, used = table.rate(base, quote, "closing", None, day)
        except NotFoundError as e:
            self.why.append(str(e))
            return None
        if base != quote:
            self.basis.append(f"{base}->{quote} closing {r:.4f} ({day})")
            self.conf.extend(x.confidence for x in used)
        return float(r)


def _net_cash(company: Company, table: FxTable, day: date, bp: Period | None,
              acc: _Acc) -> float | None:
    """Cash resources of the balance sheet, less bank borrowings, plus IPO proceeds received
    after it (by ``day``), in the reporting currency."""
    if bp is None:
        acc.why.append("no balance sheet with cash on or before the price date")
        return None
    ctx = s.Context(company, table)
    cash = s.cash_resources(ctx, bp)
    if cash.value is None:
        acc.why.append(cash.why)
        return None
    total = float(cash.value)
    acc.available = total
    acc.basis.append(f"net cash at {bp.end}: {cash.basis}")
    acc.conf.append(cash.confidence)
    acc.cash_bases = cash.bases
    debt = ctx.at("bank_borrowings", bp.end)
    if debt.ok and debt.value is not None:
        total -= debt.value
        acc.basis.append("less bank borrowings")
    # the IPO proceeds the runway counts (net of fees: disclosed, or gross less the assumed
    # share), one formula for both (financing.ipo_proceeds)
    try:
        ipo = ipo_proceeds(company, bp.end, table, assumed_fee_share=ctx.ipo_fee_share,
                           resolver=ctx.resolver)
    except (InputError, NotFoundError) as e:
        acc.why.append(str(e))
        return None
    if ipo is not None and ipo.listing_date <= day:
        total += ipo.amount
        acc.available = float(cash.value) + ipo.amount
        acc.with_ipo = " with the IPO proceeds received by then"
        acc.basis.append(f"plus {ipo.label}{ipo.fees_note}{ipo.conversion}")
        acc.conf.append(ipo.confidence)
        acc.inputs.extend(f for f in company.figures if f.item in (
            "ipo_net_proceeds", "ipo_gross_proceeds") and f.period.end == ipo.listing_date)
    return total


def valuation(company: Company, fx_table: FxTable, at: str | None = None, *,
              period: str | None = None,
              forward_revenue: float | None = None) -> Valuation:
    """The valuation at the share price labelled ``at`` (the latest one by default).

    ``period`` names the reporting period whose balance sheet and TTM revenue are used
    (see the module note on look-ahead); ``forward_revenue`` is a user's revenue estimate for
    the next twelve months, in the reporting currency.
    """
    prices = _prices(company)
    if not prices:
        raise NotFoundError(f"{company.id}: no share_price figure (add one with its date)")
    price = prices[-1] if at is None else next(
        (f for f in prices if f.period.label == at), None)
    if price is None:
        raise NotFoundError(f"{company.id}: no share price labelled {at!r}; known: "
                            f"{', '.join(f.period.label for f in prices)}")
    day, acc = price.period.end, _Acc(conf=[price.confidence], inputs=[price])
    shares = _at_or_before(company, "shares_outstanding", day)
    mcap_pc = mcap = None
    if shares is None:
        acc.why.append(f"no shares_outstanding on or before {day}")
    else:
        mcap_pc = float(fx.market_capitalisation(price.value, shares.value))
        acc.basis.append(f"shares outstanding at {shares.period.end}")
        acc.conf.append(shares.confidence)
        acc.inputs.append(shares)
        rate = acc.rate(fx_table, str(price.currency), company.currency, day)
        mcap = None if rate is None else mcap_pc * rate
    balance = _period_by(company, day, period, s.cash_resources, acc)
    net_cash = _net_cash(company, fx_table, day, balance, acc)
    ev = None if mcap is None or net_cash is None else float(fx.enterprise_value(mcap,
                                                                                 net_cash))
    months, spent = _burn_since(company, fx_table, day, balance, acc) if net_cash is not None \
        else (None, None)
    ttm = _ttm_revenue(company, day, period, acc)
    rolled = None if ev is None or spent is None else ev + spent
    return _finite(Valuation(
        company.id, price.period.label, day, str(price.currency), price.value,
        None if shares is None else shares.value, mcap_pc, company.currency, mcap, net_cash,
        ev, ttm, _ratio(ev, ttm), _ratio(ev, forward_revenue),
        _vs_ipo(company, price, acc), tuple(acc.basis), tuple(acc.why),
        weakest(acc.conf), tuple(acc.inputs), months, spent, rolled,
        _ratio(rolled, ttm), forward_revenue, acc.cash_bases if net_cash is not None else ()))


def _finite(v: Valuation) -> Valuation:
    """``v`` with every computed amount or ratio that is not a finite number (figures near
    the largest float multiply past it: 1e300 x 1e306) made n/a, saying why; never inf."""
    bad: dict[str, Any] = {k: None for k, x in v.__dict__.items()
                           if isinstance(x, float) and k != "share_price"
                           and not math.isfinite(x)}
    if not bad:
        return v
    why = f"{', '.join(bad)}: not a finite number (the figures multiply past the largest float)"
    return replace(v, **bad, why=(*v.why, why))


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return float(fx.ratio(a, b))


def _ttm_revenue(company: Company, day: date, period: str | None, acc: _Acc) -> float | None:
    rp = _period_by(company, day, period, s.revenue_ttm, acc)
    if rp is None:
        acc.why.append("no revenue period (or TTM) ending on or before the price date and "
                       "published by then")
        return None
    mv = s.revenue_ttm(s.Context(company), rp)
    if mv.value is None:
        acc.why.append(mv.why)
        return None
    acc.basis.append(f"TTM revenue to {rp.end} ({mv.basis or rp.label})")
    acc.conf.append(mv.confidence)
    return float(mv.value)


def _vs_ipo(company: Company, price: Figure, acc: _Acc) -> float | None:
    offer = next((f for f in company.figures if f.item == "offer_price" and f.role == "raw"),
                 None)
    if offer is None or offer.currency != price.currency:
        acc.why.append("no IPO offer price in the price's currency")
        return None
    return float(fx.relative_change(price.value, offer.value))


def valuations(company: Company, fx_table: FxTable, period: str | None = None
               ) -> Valuations:
    """One valuation per dated share price, oldest first (balance sheet and revenue: the
    period named, else the latest on or before each date and published by then)."""
    return Valuations(valuation(company, fx_table, f.period.label, period=period)
                      for f in _prices(company))
