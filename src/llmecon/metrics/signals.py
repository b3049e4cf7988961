"""The signals: one function per signal, each over a company's resolved figures.

Each function takes a :class:`Context` and a duration period and returns a
:class:`~llmecon.metrics.values.MetricValue` that says "n/a (why)" when an input is missing.
The arithmetic itself lives in :mod:`llmecon.formulas`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from llmecon import formulas as fx
from llmecon.errors import NotFoundError
from llmecon.metrics.financing import ASSUMED_IPO_FEE_SHARE, BURN_BASES, ipo_proceeds, period_burn
from llmecon.metrics.resolve import Resolved, Resolver, weakest
from llmecon.metrics.values import MetricValue, Timing, Unit, na
from llmecon.statements.model import Company, Period, months_between, shift_months
from llmecon.units import FxTable


@dataclass
class Context:
    """A company, its resolver and (optionally) FX rates for cross-currency items.

    ``ipo_fee_share`` is deducted from IPO proceeds where only gross proceeds are disclosed
    (default: Zhipu's disclosed 4.02%, :data:`~llmecon.metrics.financing.ASSUMED_IPO_FEE_SHARE`).
    """

    company: Company
    fx: FxTable | None = None
    ipo_fee_share: float = ASSUMED_IPO_FEE_SHARE
    resolver: Resolver = field(init=False)

    def __post_init__(self) -> None:
        self.resolver = Resolver(self.company)

    def get(self, item: str, period: Period | str, segment: str | None = None) -> Resolved:
        label = period if isinstance(period, str) else period.label
        return self.resolver.get(item, label, segment)

    def at(self, item: str, day: date) -> Resolved:
        """A balance-sheet item at a date (n/a if no figures are dated that day)."""
        label = self.resolver.instant_label(day)
        if label is None:
            return Resolved(item, str(day), None, None, "n/a", why=f"no balance sheet at {day}")
        return self.resolver.get(item, label)

    @property
    def platform_segment(self) -> str | None:
        pl = self.company.platform_line
        return f"line:{pl}" if pl else None


def _mv(name: str, p: Period, parts: list[Resolved], value: float, unit: Unit, basis: str,
        ctx: Context, timing: Timing = "none", annualised: bool = False,
        money: bool = False) -> MetricValue:
    currency = ctx.company.currency if money else None
    if not math.isfinite(value):  # a zero denominator among the parts: n/a, and why
        zero = [x.item for x in parts if x.ok and x.value == 0]
        why = f"undefined: {' and '.join(zero)} is 0 in {p.label}" if zero else \
            f"undefined (a division by zero, or past the largest float): {basis}"
        return na(name, p, unit, why, currency=currency, timing=timing)
    return MetricValue(name, p, value, unit, currency, timing,
                       basis, weakest([x.confidence for x in parts]), "", annualised)


def _missing(parts: list[Resolved]) -> str:
    return "; ".join(x.why for x in parts if not x.ok)


def _simple(name: str, item: str, unit: Unit, *, money: bool = False,
            segment: str | None = None) -> Callable[[Context, Period], MetricValue]:
    """A signal that is one resolved item (a reported or derived figure)."""
    def fn(ctx: Context, p: Period) -> MetricValue:
        r = ctx.get(item, p, segment)
        if not r.ok or r.value is None:
            return na(name, p, unit, r.why, currency=ctx.company.currency if money else None,
                      timing="flow" if money else "none")
        return _mv(name, p, [r], r.value, unit, r.shown_basis, ctx, "flow" if money else "none",
                   money=money)
    return fn


def _share(name: str, num: str, den: str, *, num_seg: str | None = None
           ) -> Callable[[Context, Period], MetricValue]:
    """numerator item / denominator item, same period."""
    def fn(ctx: Context, p: Period) -> MetricValue:
        a, b = ctx.get(num, p, num_seg), ctx.get(den, p)
        if not (a.ok and b.ok) or a.value is None or b.value is None:
            return na(name, p, "ratio", _missing([a, b]))
        return _mv(name, p, [a, b], fx.ratio(a.value, b.value), "ratio", f"{num} / {den}", ctx)
    return fn


# ---------------------------------------------------------------- income and mix
revenue = _simple("revenue", "revenue", "money", money=True)
revenue_growth = _simple("revenue_growth", "revenue_growth_yoy", "ratio")
gross_margin = _simple("gross_margin", "gross_margin", "ratio")
rd_to_revenue = _share("rd_to_revenue", "rd_expense", "revenue")
compute_share_of_rd = _share("compute_share_of_rd", "rd_compute_cost", "rd_expense")
rd_compute_to_revenue = _share("rd_compute_to_revenue", "rd_compute_cost", "revenue")
cor_compute_to_revenue = _share("cor_compute_to_revenue", "cost_of_revenue_compute", "revenue")
sm_to_revenue = _share("sm_to_revenue", "selling_marketing_expense", "revenue")
loss_to_revenue = _share("loss_to_revenue", "net_loss", "revenue")
adjusted_loss_to_revenue = _share("adjusted_loss_to_revenue", "adjusted_net_loss", "revenue")
top5_concentration = _simple("top5_concentration", "top5_customer_share", "ratio")
overseas_share = _simple("overseas_share", "overseas_revenue_share", "ratio")
receivable_days = _simple("receivable_days", "receivable_days", "days")


def line_gross_margin(line: str) -> Callable[[Context, Period], MetricValue]:
    return _simple(f"gross_margin[{line}]", "gross_margin", "ratio", segment=f"line:{line}")


def line_revenue(line: str) -> Callable[[Context, Period], MetricValue]:
    return _simple(f"revenue[{line}]", "revenue", "money", money=True, segment=f"line:{line}")


def line_share(line: str) -> Callable[[Context, Period], MetricValue]:
    return _simple(f"revenue_share[{line}]", "revenue_share", "ratio", segment=f"line:{line}")


def platform_share(ctx: Context, p: Period) -> MetricValue:
    """Cloud / API / open-platform share of revenue (the company's ``platform_line``)."""
    seg = ctx.platform_segment
    if seg is None:
        return na("platform_share", p, "ratio", "no platform_line in the company metadata")
    r = ctx.get("revenue_share", p, seg)
    if not r.ok or r.value is None:
        return na("platform_share", p, "ratio", r.why)
    return _mv("platform_share", p, [r], r.value, "ratio", f"{seg} {r.basis}", ctx)


def compute_cost_to_revenue(ctx: Context, p: Period) -> MetricValue:
    """(Compute inside R&D + compute inside cost of revenue) / revenue."""
    a = ctx.get("rd_compute_cost", p)
    b = ctx.get("cost_of_revenue_compute", p)
    rev = ctx.get("revenue", p)
    if not (a.ok and b.ok and rev.ok) or a.value is None or b.value is None or rev.value is None:
        return na("compute_cost_to_revenue", p, "ratio", _missing([a, b, rev]))
    return _mv("compute_cost_to_revenue", p, [a, b, rev],
               fx.ratio(a.value + b.value, rev.value), "ratio",
               "(rd_compute_cost + cost_of_revenue_compute) / revenue", ctx)


def ttm_parts(company: Company, p: Period) -> tuple[Period, Period, Period] | None:
    """(fiscal year, current interim, prior interim) whose combination is the TTM to ``p``.

    The fiscal year is the one that ends when the interim ``p`` starts; the prior interim
    has the same length and ends twelve months before ``p`` (any fiscal year end).
    """
    if not p.is_interim:
        return None
    durations = {(q.end, q.months): q for q in company.duration_periods}
    fy = durations.get((shift_months(p.end, -p.months), 12))
    prior = durations.get((shift_months(p.end, -12), p.months))
    if fy is None or prior is None:
        return None
    return fy, p, prior


def ttm(ctx: Context, item: str, p: Period, name: str = "") -> MetricValue:
    """A flow item over the twelve months to the end of ``p``: the fiscal year itself, or
    FY + current interim - prior interim when all three exist."""
    name = name or f"{item}_ttm"
    cur = ctx.company.currency
    if not p.is_interim:
        r = ctx.get(item, p)
        if p.months != 12 or not r.ok or r.value is None:
            return na(name, p, "money", r.why or f"{p.label} is not twelve months",
                      currency=cur, timing="flow")
        return _mv(name, p, [r], r.value, "money", f"{p.label} ({r.basis})", ctx, "flow",
                   money=True)
    found = ttm_parts(ctx.company, p)
    if found is None:
        fy_end = shift_months(p.end, -p.months)
        return na(name, p, "money", f"TTM needs the fiscal year ended {fy_end} and "
                  f"the same {p.months}M interim a year earlier", currency=cur, timing="flow")
    fy, _, prior = found
    parts = [ctx.get(item, fy), ctx.get(item, p), ctx.get(item, prior)]
    if not all(x.ok for x in parts):
        return na(name, p, "money", _missing(parts), currency=cur, timing="flow")
    a, b, c = (float(x.value or 0.0) for x in parts)
    v = fx.trailing_twelve_months(a, b, c)
    out = _mv(name, p, parts, v, "money", f"TTM = {fy.label} + {p.label} - {prior.label}",
              ctx, "flow", money=True)
    return replace(out, parts=((fy, a), (p, b), (prior, -c))) if out.ok else out


def revenue_ttm(ctx: Context, p: Period) -> MetricValue:
    """Trailing twelve months: FY + current interim - prior interim, when all three exist."""
    if not p.is_interim:
        return revenue(ctx, p)
    return ttm(ctx, "revenue", p, "revenue_ttm")


def revenue_cagr(ctx: Context, p: Period) -> MetricValue:
    """CAGR of revenue from the first full year with revenue to the full year ``p``."""
    if p.months != 12:
        return na("revenue_cagr", p, "ratio", "CAGR is over full years")
    years = sorted((q for q in ctx.company.duration_periods if q.months == 12 and q.end <= p.end),
                   key=lambda q: q.end)
    first = next((q for q in years if (ctx.get("revenue", q).value or 0) > 0), None)
    if first is None or first.end >= p.end:
        return na("revenue_cagr", p, "ratio", "needs two full years with revenue")
    a, b = ctx.get("revenue", first), ctx.get("revenue", p)
    if not (a.ok and b.ok) or a.value is None or b.value is None:
        return na("revenue_cagr", p, "ratio", _missing([a, b]))
    n = months_between(first.end, p.end)
    return _mv("revenue_cagr", p, [a, b], fx.cagr(a.value, b.value, n / 12), "ratio",
               f"{first.label}-{p.label}, {n / 12:g} years", ctx)


# ---------------------------------------------------------------- people and users
def revenue_per_employee(ctx: Context, p: Period) -> MetricValue:
    """Revenue per employee at the period end ("per-capita output") over twelve months: a
    full year's revenue; for an interim, the trailing twelve months (:func:`revenue_ttm`)
    where they exist (``method`` ``ttm``), else the interim annualised (``method``
    ``annualised``, marked). Doubling a seasonal half-year would not be a year: Zhipu's
    H1 2024 was 14.4% of FY2024's revenue."""
    hc = ctx.at("headcount", p.end)
    twelve = revenue_ttm(ctx, p) if p.is_interim else None
    if twelve is not None and twelve.ok and twelve.value is not None and hc.ok \
            and hc.value is not None:
        n = hc.value
        out = replace(_mv("revenue_per_employee", p, [hc], fx.revenue_per_employee(
            twelve.value, n), "money_per_person", f"trailing twelve months' revenue "
            f"({twelve.basis}) / headcount at {p.end} ({hc.shown_basis})", ctx, "flow",
            money=True), method="ttm")
        if not out.ok:
            return out
        return replace(out, confidence=weakest([twelve.confidence, hc.confidence]),
                       parts=tuple((q, a / n) for q, a in twelve.parts))
    rev = ctx.get("revenue", p)
    if not (rev.ok and hc.ok) or rev.value is None or hc.value is None:
        return na("revenue_per_employee", p, "money_per_person", _missing([rev, hc]),
                  currency=ctx.company.currency, timing="flow")
    basis = f"revenue / headcount ({hc.shown_basis})"
    if p.is_interim:
        basis += f"; {p.months}M revenue annualised (no trailing twelve months: " \
                 f"{twelve.why if twelve is not None else ''})"
    out = _mv("revenue_per_employee", p, [rev, hc],
              fx.revenue_per_employee(rev.value, hc.value, p.months), "money_per_person",
              basis, ctx, "flow", annualised=p.is_interim, money=True)
    return replace(out, method="annualised") if out.ok and p.is_interim else out


def _paying_segment(ctx: Context, p: Period) -> str | None:
    for seg in (None, *(f"line:{x}" for x in ctx.company.lines)):
        if ctx.get("paying_users", p, seg).ok:
            return seg
    return None


def paying_rate(ctx: Context, p: Period) -> MetricValue:
    """Paying users / average MAU (same products)."""
    seg = _paying_segment(ctx, p)
    pu, mau = ctx.get("paying_users", p, seg), ctx.get("mau", p, seg)
    if not (pu.ok and mau.ok) or pu.value is None or mau.value is None:
        return na("paying_rate", p, "ratio", _missing([pu, mau]) or "paying users not disclosed")
    return _mv("paying_rate", p, [pu, mau], fx.ratio(pu.value, mau.value), "ratio",
               f"paying_users / mau{f' [{seg}]' if seg else ''}", ctx)


def arppu_monthly(ctx: Context, p: Period) -> MetricValue:
    """Monthly revenue per paying user, from revenue and paying users of the same products."""
    seg = _paying_segment(ctx, p)
    rev, pu = ctx.get("revenue", p, seg), ctx.get("paying_users", p, seg)
    if not (rev.ok and pu.ok) or rev.value is None or pu.value is None:
        return na("arppu_monthly", p, "money_per_user",
                  _missing([rev, pu]) or "paying users not disclosed",
                  currency=ctx.company.currency, timing="flow")
    return _mv("arppu_monthly", p, [rev, pu], fx.monthly_arppu(rev.value, pu.value, p.months),
               "money_per_user", f"revenue / paying users / {p.months} months"
               f"{f' [{seg}]' if seg else ''}", ctx, "flow", money=True)


def sm_per_net_new_mau(ctx: Context, p: Period) -> MetricValue:
    """Selling and marketing per net new average MAU on aligned windows: the MAU change is
    against the same period a year earlier (twelve months), so the period's S&M is scaled
    to twelve months (:func:`~llmecon.formulas.spend_per_net_new_aligned`)."""
    prior = ctx.resolver.prior_year(p.label)
    if prior is None:
        return na("sm_per_net_new_mau", p, "money_per_new_user", "no comparable prior period",
                  currency=ctx.company.currency, timing="flow")
    seg, only = _mau_segment(ctx, p, prior)
    parts = [ctx.get("selling_marketing_expense", p), ctx.get("mau", p, seg),
             ctx.get("mau", prior, seg)]
    if not all(x.ok for x in parts):
        return na("sm_per_net_new_mau", p, "money_per_new_user", _missing(parts),
                  currency=ctx.company.currency, timing="flow")
    sm, now, before = (float(x.value or 0.0) for x in parts)
    scaled = f"S&M {p.label} x 12/{p.months}" if p.months != 12 else f"S&M {p.label}"
    mau = f"MAU [{seg}]" if seg else "MAU"
    if now <= before:  # not a division by zero: no user was added to spread the S&M over
        return na("sm_per_net_new_mau", p, "money_per_new_user",
                  f"no net new MAU: {mau} {p.label} {now:,.0f} is not above {prior}'s "
                  f"{before:,.0f}", currency=ctx.company.currency, timing="flow")
    return _mv("sm_per_net_new_mau", p, parts,
               fx.spend_per_net_new_aligned(sm, p.months, now, before, 12),
               "money_per_new_user", f"{scaled} / ({mau} {p.label} - {mau} {prior}): twelve "
               "months of spend per twelve-month change" + (
                   f"; the company's S&M over the MAU of {only}, its only line with users "
                   "(S&M for its other lines included: an upper bound)" if seg else ""),
               ctx, "flow", annualised=p.months != 12, money=True)


def _mau_segment(ctx: Context, p: Period, prior: str) -> tuple[str | None, str]:
    """The company's MAU (segment None), or, when it gives none for ``p`` and ``prior``, the
    one line that gives MAU for both (segment, line name); (None, '') otherwise."""
    if ctx.get("mau", p).ok or ctx.get("mau", prior).ok:
        return None, ""
    found = [x for x in ctx.company.lines if ctx.get("mau", p, f"line:{x}").ok
             and ctx.get("mau", prior, f"line:{x}").ok]
    return (f"line:{found[0]}", found[0]) if len(found) == 1 else (None, "")


# ---------------------------------------------------------------- cash
def monthly_burn(ctx: Context, p: Period, basis: str | None = None) -> MetricValue:
    """Cash burnt per month on one stated basis (:func:`~llmecon.metrics.financing.period_burn`):
    operating cash flow and capex, else the disclosed burn rate, else operating cash flow
    alone, else the adjusted (non-IFRS) net loss; never the IFRS net loss. ``method`` is
    the basis key, so a change is only computed between periods of the same basis;
    ``basis`` asks for that basis only (an earlier period to compare with).
    """
    found = period_burn(ctx.resolver, p, basis)
    if found is None:
        ocf, adjusted = ctx.get("operating_cash_flow", p), ctx.get("adjusted_net_loss", p)
        why = _missing([ocf, adjusted])
        if ctx.get("net_loss", p).ok:
            why += ("; the IFRS net loss is not used as a burn (it includes non-cash items "
                    "such as fair-value changes of preferred shares)")
        return na("monthly_burn", p, "money_per_month", why, currency=ctx.company.currency,
                  timing="flow")
    burn, basis, parts = found
    return replace(_mv("monthly_burn", p, parts, burn, "money_per_month", BURN_BASES[basis],
                       ctx, "flow", money=True), method=basis)


def cash_resources(ctx: Context, p: Period) -> MetricValue:
    """Cash and equivalents plus short-term investments at the period end."""
    cash, sti = ctx.at("cash_and_equivalents", p.end), ctx.at("short_term_investments", p.end)
    if not cash.ok or cash.value is None:
        total = ctx.at("cash_and_investments", p.end)
        if total.ok and total.value is not None:
            return _mv("cash_resources", p, [total], total.value, "money",
                       "cash, deposits and financial assets as one reported total", ctx,
                       "stock", money=True)
        return na("cash_resources", p, "money", cash.why, currency=ctx.company.currency,
                  timing="stock")
    if sti.ok and sti.value is not None:
        return _mv("cash_resources", p, [cash, sti], cash.value + sti.value, "money",
                   "cash and equivalents + short-term investments", ctx, "stock", money=True)
    return replace(_mv("cash_resources", p, [cash], cash.value, "money",
                       "cash and equivalents (no short-term investments disclosed)", ctx,
                       "stock", money=True), method="cash_only")


def _runway(name: str, p: Period, cash: MetricValue, burn: MetricValue,
            basis: str = "") -> MetricValue:
    """Months of ``cash`` at ``burn`` (n/a naming what is missing): as sure as the less
    sure of the two, on the burn's basis, carrying the cash's marks (§)."""
    if not (cash.ok and burn.ok) or cash.value is None or burn.value is None:
        return na(name, p, "months", "; ".join(x.why for x in (cash, burn) if not x.ok))
    return MetricValue(name, p, fx.runway_months(cash.value, burn.value), "months", None,
                       "none", basis or f"{cash.basis} / burn ({burn.basis})",
                       weakest([cash.confidence, burn.confidence]), method=burn.method,
                       inherited=cash.bases)


def runway(ctx: Context, p: Period) -> MetricValue:
    """Months of cash resources at the period's burn."""
    return _runway("runway", p, cash_resources(ctx, p), monthly_burn(ctx, p))


def latest_cash_burn(ctx: Context, p: Period) -> tuple[Period, MetricValue] | None:
    """The newest burn that is a cash measure (cash flows or a disclosed burn rate) of a
    period ending in the year to ``p``'s end (the previous year's end excluded; ``p``
    first), with its period; None where there is none."""
    recent = sorted((q for q in ctx.company.duration_periods
                     if q.end <= p.end and (p.end - q.end).days < 365),
                    key=lambda q: (q.end, q.months), reverse=True)
    for q in recent:
        burn = monthly_burn(ctx, q)
        if burn.ok and burn.value is not None and burn.method != "adjusted_loss":
            return q, burn
    return None


def runway_cash_burn(ctx: Context, p: Period) -> MetricValue:
    """Months of the period-end cash resources at :func:`latest_cash_burn`: where ``p``'s
    own burn is only its adjusted loss, the runway beside the headline one on a cash
    basis."""
    cash = cash_resources(ctx, p)
    if not cash.ok or cash.value is None:
        return na("runway_cash_burn", p, "months", cash.why)
    found = latest_cash_burn(ctx, p)
    if found is None:
        return na("runway_cash_burn", p, "months", "no burn on a cash basis (cash flows or a "
                  "disclosed burn rate) in the year to the period end")
    q, burn = found
    where = "" if q == p else f"{q.label} "
    return _runway("runway_cash_burn", p, cash, burn,
                   f"{cash.basis} at {p.end} / the {where}burn ({burn.basis})")


def signal_burn(ctx: Context, p: Period) -> MetricValue:
    """The burn the headline runways divide by: the period's own where it is a cash
    measure; where it is only the adjusted loss (which leaves out working capital and capex:
    MiniMax's 9M 2025 cash burn was 1.35x its adjusted loss) or missing, the newest
    cash-measure burn in the year to the period end that is a burn (an inflow there does not
    outweigh the period's own loss); else the period's own, marked as such."""
    own = monthly_burn(ctx, p)
    if own.ok and own.method != "adjusted_loss":
        return own
    found = latest_cash_burn(ctx, p)
    if found is not None and found[1].value is not None and found[1].value > 0:
        q, burn = found
        return replace(burn, basis=f"the {q.label} burn ({burn.basis})")
    if found is not None and not own.ok:  # an older inflow says nothing of this period
        return na("monthly_burn", p, "money_per_month", f"{own.why}; the newest cash measure "
                  f"in the year ({found[0].label}) is an inflow, not this period's burn",
                  currency=ctx.company.currency, timing="flow")
    return own


def runway_signal(ctx: Context, p: Period) -> MetricValue:
    """The runway the signals and ``peers`` show: the period-end cash resources at
    :func:`signal_burn`."""
    return _runway("runway", p, cash_resources(ctx, p), signal_burn(ctx, p))


def runway_with_ipo(ctx: Context, p: Period) -> MetricValue:
    """Runway adding the IPO proceeds net of fees (the disclosed net proceeds, or the gross
    proceeds less fees at ``ctx.ipo_fee_share``, said in the basis, where only gross
    proceeds are disclosed), at the headline runway's burn (:func:`signal_burn`)."""
    from llmecon.errors import InputError

    base = runway_signal(ctx, p)
    cash, burn = cash_resources(ctx, p), signal_burn(ctx, p)
    if not base.ok or cash.value is None or burn.value is None:
        return na("runway_with_ipo", p, "months", base.why)
    try:
        ipo = ipo_proceeds(ctx.company, p.end, ctx.fx, assumed_fee_share=ctx.ipo_fee_share,
                           resolver=ctx.resolver)
    except (InputError, NotFoundError) as e:
        return na("runway_with_ipo", p, "months", str(e))
    if ipo is None:
        return na("runway_with_ipo", p, "months", "no IPO proceeds after this period")
    return MetricValue("runway_with_ipo", p, fx.runway_months(cash.value + ipo.amount,
                                                              burn.value),
                       "months", None, "none",
                       f"(cash resources + {ipo.label}{ipo.fees_note}) / burn ({burn.basis})"
                       f"{ipo.conversion}",
                       weakest([cash.confidence, burn.confidence, ipo.confidence]),
                       method=burn.method, inherited=cash.bases)


def contract_liabilities_to_revenue(ctx: Context, p: Period) -> MetricValue:
    """Contract liabilities at the period end / revenue of the period (annualised)."""
    cl, rev = ctx.at("contract_liabilities", p.end), ctx.get("revenue", p)
    if not (cl.ok and rev.ok) or cl.value is None or rev.value is None:
        return na("contract_liabilities_to_revenue", p, "ratio", _missing([cl, rev]))
    return _mv("contract_liabilities_to_revenue", p, [cl, rev],
               fx.ratio(cl.value, fx.annualise(rev.value, p.months)), "ratio",
               "contract liabilities / annualised revenue", ctx, annualised=p.is_interim)


def operating_cash_flow(ctx: Context, p: Period) -> MetricValue:
    return _simple("operating_cash_flow", "operating_cash_flow", "money", money=True)(ctx, p)


def reported_burn(ctx: Context, p: Period) -> MetricValue:
    r = ctx.get("cash_burn_rate_monthly", p)
    if not r.ok or r.value is None:
        return na("reported_burn", p, "money_per_month", r.why, currency=ctx.company.currency,
                  timing="flow")
    return _mv("reported_burn", p, [r], r.value, "money_per_month", "as reported", ctx, "flow",
               money=True)


def at_end(name: str, item: str) -> Callable[[Context, Period], MetricValue]:
    """A balance-sheet item at the end of the period."""
    def fn(ctx: Context, p: Period) -> MetricValue:
        r = ctx.at(item, p.end)
        if not r.ok or r.value is None:
            return na(name, p, "money", r.why, currency=ctx.company.currency, timing="stock")
        return _mv(name, p, [r], r.value, "money", r.basis, ctx, "stock", money=True)
    return fn


def previous_instant(p: Period) -> date:
    return p.start - timedelta(days=1) if p.start else p.end
