"""The calibration of a scenario's business lines (pure compute), one calibrator per kind
of line: :func:`calibrate_c2c`, :func:`calibrate_b2b`, :func:`calibrate_api`, each from the
line's unit-economics drivers; and :class:`Calibration`, the drivers being calibrated with
their provenance, which :mod:`llmecon.simulate.calibrate` builds and completes. A growing
line starts at its exit run-rate (:mod:`llmecon.simulate.run_rate`); a project line's
backlog at the value its growth implies (:func:`_grown_backlog`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from llmecon import formulas
from llmecon.errors import InputError
from llmecon.metrics.resolve import Resolver, weakest
from llmecon.simulate.calendar import calendar_quarter
from llmecon.simulate.consumer import DEFAULT_PAYER_BASE_TENURE_MONTHS
from llmecon.simulate.distributions import Dist
from llmecon.simulate.scenario import LineSpec
from llmecon.statements.model import Company, Period, shift_months
from llmecon.unit_economics.rows import Driver


@dataclass
class Calibration:
    """The drivers being calibrated, their provenance, and lookups into the company."""

    company: Company
    period: Period
    assumptions: Mapping[str, Any]
    resolver: Resolver = field(init=False)
    drivers: dict[str, Dist] = field(default_factory=dict)
    provenance: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.resolver = Resolver(self.company)

    @property
    def months(self) -> int:
        return self.period.months

    def put(self, name: str, value: float, how: str, dist: Dist | None = None) -> None:
        """Set driver ``name`` (fixed at ``value`` unless a distribution is given)."""
        self.drivers[name] = dist or Dist("fixed", {"value": float(value)})
        self.provenance[name] = how

    def need(self, item: str, segment: str | None = None) -> float:
        """An item of the calibration period; an InputError when it is not disclosed."""
        v = self.resolver.get(item, self.period.label, segment)
        if not v.ok or v.value is None:
            raise InputError(f"{self.company.id}: cannot calibrate a scenario: {v.why}")
        return v.value

    def central(self, name: str) -> float:
        return self.drivers[name].central

    def latest_monthly(self, item: str) -> tuple[float, str]:
        """The item per month in the latest duration period that discloses it, ending by the
        calibration period's end (MiniMax's other S&M once came from FY2025, after its
        9M 2025 start, and from a low-confidence figure)."""
        for q in sorted((q for q in self.company.duration_periods if q.end <= self.period.end),
                        key=lambda q: (q.end, q.months), reverse=True):
            v = self.resolver.get(item, q.label)
            if v.ok and v.value is not None:
                return v.value / q.months, q.label
        raise InputError(f"{self.company.id}: cannot calibrate a scenario: {item} not "
                         f"disclosed for a period ending by {self.period.end}")


def opt_value(cal: Calibration, item: str, label: str | None = None) -> float | None:
    """An item of the calibration period (or of period ``label``); None when not disclosed."""
    v = cal.resolver.get(item, label or cal.period.label)
    return v.value if v.ok else None


def _from(cal: Calibration, line: Mapping[str, Driver], short: str, name: str,
          dist: Dist | None = None, *, as_name: str | None = None) -> float:
    """Set driver ``name`` from the shared unit-economics driver ``short`` of the line (one
    value, one source: :func:`llmecon.unit_economics.drivers.company_drivers`)."""
    d = line.get(short)
    if d is None:
        line_name = name.split(".")[0]
        raise InputError(f"{cal.company.id}: cannot calibrate a scenario: the unit-economics "
                         f"driver {line_name}.{short} is not available: the {line_name} "
                         "line's unit economics cannot be computed from the figures given "
                         f"('llmecon unit-economics {cal.company.origin or cal.company.id}' "
                         "names the missing ones)")
    cal.put(as_name or name, d.value, f"{d.source} ({d.period}): {d.basis} [unit-economics "
            f"driver {name.split('.')[0]}.{short}]", dist)
    return d.value


def _at_exit_rate(cal: Calibration, line: str, name: str) -> None:
    """Scale a line's volume at the start (``name``, read at the period's average) to the
    line's exit run-rate (:func:`llmecon.simulate.run_rate.exit_run_rate`): revenue and the
    costs that follow the volume start where the period ended, not at its average."""
    from llmecon.simulate.run_rate import exit_run_rate

    ex = exit_run_rate(cal.resolver, cal.period, f"line:{line}")
    if ex.ratio == 1.0:
        cal.provenance[name] += f"; {ex.basis}"
        return
    _rescale(cal, name, ex.ratio, f"x {ex.basis} (revenue confidence: {ex.confidence})")


def calibrate_api(cal: Calibration, line: str, drivers: Mapping[str, Driver]) -> LineSpec:
    """An API line: list price, tokens, engine cost per token and utilisation, each the
    unit-economics driver of the line."""
    p = f"{line}."
    if "list_price_per_m" not in drivers:
        raise InputError(f"{cal.company.id}: no API list price bundled for the {line} line")
    _from(cal, drivers, "list_price_per_m", p + "price_per_m")
    for short in ("tokens_per_month", "cost_per_m_tokens", "utilisation"):
        _from(cal, drivers, short, p + short)
    _at_exit_rate(cal, line, p + "tokens_per_month")
    cal.put(p + "volume_growth_monthly", 0.05, "assumed",
            Dist("normal", {"mean": 0.05, "sd": 0.02}))
    cal.put(p + "price_decline_monthly", 0.02, "assumed")
    return LineSpec(line, "api")


def calibrate_b2b(cal: Calibration, line: str, drivers: Mapping[str, Driver]) -> LineSpec:
    """A B2B project line: contract value and count and delivery cost from the
    unit-economics drivers; the advance from disclosed contract liabilities where there are
    any; the collection delay from receivable days (then from receivables, see
    :func:`calibrate_receivables`)."""
    rev_month = cal.need("revenue", f"line:{line}") / cal.months
    b = cal.assumptions["b2b"]
    value = drivers["contract_value"].value if "contract_value" in drivers else \
        float(b["contract_value"])
    _from(cal, drivers, "contract_value", f"{line}.contract_value",
          Dist("lognormal", {"mean": value, "sd": 0.2 * value}))
    _from(cal, drivers, "contracts_per_month", f"{line}.contracts_per_month")
    cal.put(f"{line}.contract_growth_annual", 0.5, "assumed",
            Dist("normal", {"mean": 0.5, "sd": 0.2}))
    _from(cal, drivers, "delivery_cost_share", f"{line}.delivery_cost_share")
    months = int(drivers["delivery_months"].value) if "delivery_months" in drivers else \
        int(b["delivery_months"])
    delay = int(drivers["collection_delay_months"].value) \
        if "collection_delay_months" in drivers else 3
    if "collection_delay_months" in drivers:
        d = drivers["collection_delay_months"]
        cal.provenance[f"{line}.collection_delay_months"] = (
            f"{d.source} ({d.period}): {d.basis} [unit-economics driver "
            f"{line}.collection_delay_months]")
    accepted, how = acceptance_seasonality(cal)
    season = signing_seasonality(cal, months, accepted)
    cal.provenance[f"{line}.seasonality"] = (
        f"{how}, scaled to average 1 over {cal.period.label} (so its revenue is the "
        f"disclosed one) and moved {months} months earlier to the signing quarter")
    base = _grown_backlog(cal, line, rev_month, season, months)
    liabilities = opt_value(cal, "contract_liabilities", cal.company.instant_at(cal.period.end))
    if liabilities is not None and base > 0:
        g = cal.central(f"{line}.backlog_growth_annual")
        signed = sum(_signed_before(cal, season, g, t) for t in range(-months, 0))
        cal.put(f"{line}.advance_share", min(liabilities / (signed * base), 1.0),
                f"derived: disclosed contract liabilities at {cal.period.end} / value signed "
                "in the delivery months before it, so the opening balance is the disclosed one")
    else:
        _from(cal, drivers, "advance_share", f"{line}.advance_share")
    cal.put(f"{line}.sm_elasticity", 0.5, "assumed: contracts won per unit of sales spend")
    return LineSpec(line, "b2b", delivery_months=months,
                    collection_delay_months=delay, seasonality=season)


def _grown_backlog(cal: Calibration, line: str, rev_month: float,
                   season: tuple[float, float, float, float], delivery: int) -> float:
    """The value signed in the month before the start (``backlog_value_monthly``) when the
    contracts signed before it grew at the central contract growth g: the revenue accepted
    over the calibration period (signed ``delivery`` months earlier still) is the disclosed
    one, so value a month before the start = revenue per month x m / sum over the period's
    months t of seasonality(t - delivery) x (1 + g) ** ((t - delivery) / 12). The signing
    rate at the start (``contracts_per_month``) is scaled alike. Zhipu's once started at
    the accepted revenue of H1 2025, signed six months earlier: H2 2025 came out +12.5% on
    H2 2024 under a 50%-a-year growth assumption."""
    g, m = cal.central(f"{line}.contract_growth_annual"), cal.months
    factor = m / sum(_signed_before(cal, season, g, t - delivery) for t in range(-m, 0))
    how = (f"x {factor:.3f}: the contracts signed before the start grew at {g:.0%} a year "
           f"(backlog_growth_annual), so the revenue accepted over {cal.period.label}, signed "
           f"{delivery} months earlier, is the disclosed one")
    cal.put(f"{line}.backlog_growth_annual", g, "assumed: the central contract growth, on the "
            "contracts signed before the start")
    cal.put(f"{line}.backlog_value_monthly", rev_month * factor, f"derived: line revenue per "
            f"month {how} (value signed a month before the start)")
    _rescale(cal, f"{line}.contracts_per_month", factor, how)
    return float(rev_month * factor)


def _signed_before(cal: Calibration, season: tuple[float, float, float, float], growth: float,
                   t: int) -> float:
    """Value signed in month ``t`` < 0 before the start over the value signed a month before
    it: the signing quarter's seasonality x (1 + growth) ** (t / 12), as the engine's
    backlog (:func:`llmecon.simulate.engine.initial_state`)."""
    return float(season[calendar_quarter(cal.period.end, t)] * (1.0 + growth) ** (t / 12.0))


def _rescale(cal: Calibration, name: str, factor: float, how: str) -> None:
    """Driver ``name`` times ``factor``, its provenance saying why (``derived``)."""
    was = cal.provenance[name]
    cal.put(name, cal.central(name) * factor,
            f"{was if was.startswith('derived') else 'derived: ' + was} {how}")


#: Revenue of a project line by calendar quarter, in ratio (assumed: acceptance bunches at
#: the year end). Its second half is scaled to the disclosures where they give the ratio of
#: a year's halves (:func:`acceptance_seasonality`); the shape within each half stays.
ACCEPTANCE_SEASONALITY = (0.6, 0.9, 1.0, 1.5)
Quarters = tuple[float, float, float, float]
#: Second half over first half, net of growth, taken as a season; outside it, as bad data.
SEASON_RANGE = (0.05, 20.0)


def acceptance_seasonality(cal: Calibration) -> tuple[Quarters, str]:
    """Revenue by calendar quarter (acceptance ratios) and how it was found.

    Where the calibration period is a calendar first half (H1 of year y + 1) and the
    company's revenue of H1 y, of the year y and of that period are disclosed: revenue grew
    G = H1 (y + 1) / H1 y over a year, a constant g = G ** (1 / 12) a month, which alone
    makes a year's second half g ** 6 = G ** 0.5 times its first. The disclosed H2 / H1 of
    year y over G ** 0.5 is the seasonal ratio; the assumed shape's second half is scaled
    to it. Otherwise the assumed shape. (Company revenue: lines' halves are rarely split.)"""
    a, r, p = ACCEPTANCE_SEASONALITY, cal.resolver, cal.period
    assumed = (f"assumed: revenue (acceptance) by calendar quarter in the ratios "
               f"{', '.join(f'{w:g}' for w in a)} (year-end acceptance of government and "
               "state-enterprise projects)")
    prior = r.prior_year(p.label) if p.months == 6 and p.end.month == 6 else None
    year = None if prior is None else r.duration_label(shift_months(p.end, -6), 12)
    if prior is None or year is None:
        return a, assumed + (f" ({p.label} is not January-June of a year whose calendar "
                             "year before it and its first half are disclosed)")
    got = [r.get("revenue", q) for q in (prior, year, p.label)]
    v = [float(x.value) if x.ok and x.value is not None else math.nan for x in got]
    if not all(x > 0 for x in v):
        return a, assumed + (f" (revenue of {prior}, {year} and {p.label} not all disclosed "
                             "and positive)")
    if v[1] <= v[0]:
        return a, assumed + f" ({year}'s revenue is not above its {prior}'s)"
    halves = float(formulas.ratio(v[1] - v[0], v[0]))  # growth alone: (1 + monthly) ** 6
    g6 = (1.0 + float(formulas.monthly_rate(formulas.growth(v[2], v[0])))) ** 6
    seasonal = halves / g6
    if not SEASON_RANGE[0] <= seasonal <= SEASON_RANGE[1]:
        return a, assumed + (f" (the season {year}'s halves give, {seasonal:.3g}x, is "
                             f"outside {SEASON_RANGE[0]:g}-{SEASON_RANGE[1]:g}x: taken as a "
                             "data problem, not a season)")
    k = seasonal * (a[0] + a[1]) / (a[2] + a[3])
    q = (a[0], a[1], a[2] * k, a[3] * k)
    return q, (f"derived: revenue (acceptance) by calendar quarter in the ratios "
               f"{', '.join(f'{w:.3g}' for w in q)}: {year}'s second half was {halves:.2f}x "
               f"its first ({year} - {prior} over {prior}), of which growth alone makes "
               f"({p.label} / {prior}) ** 0.5 = {g6:.3f}x, so the season is {seasonal:.2f}x "
               f"(assumed {(a[2] + a[3]) / (a[0] + a[1]):.3g}x; the shape within each half "
               f"assumed; confidence {weakest([x.confidence for x in got])})")


def signing_seasonality(cal: Calibration, delivery_months: int,
                        acceptance: Quarters = ACCEPTANCE_SEASONALITY) -> Quarters:
    """Contracts signed per calendar quarter (the engine's ``seasonality``): for each
    signing quarter, the acceptance ratio of its three months ``delivery_months`` later
    (acceptance follows signing by the delivery), averaged; scaled so that the revenue
    accepted in the calibration period's months averages 1 (its revenue per month, from
    which the contracts are counted, is then the period's)."""
    d = delivery_months
    raw = [sum(acceptance[(3 * q + j + d) % 12 // 3] for j in range(3)) / 3
           for q in range(4)]
    mean = sum(raw[calendar_quarter(cal.period.end, t - d)]
               for t in range(-cal.months, 0)) / cal.months
    w = [r / mean for r in raw]
    return w[0], w[1], w[2], w[3]


def _payer_retention(cal: Calibration, line: str, drivers: Mapping[str, Driver]) -> None:
    """Payers on the sBG curve of the assumptions (the opening base of mixed tenure), or a
    share of users churning with them; either way the provenance says which churn the
    projection uses and which the unit-economics LTV uses."""
    p = f"{line}."
    if "payer_sbg_alpha" in drivers and "payer_sbg_beta" in drivers:
        _from(cal, drivers, "payer_sbg_alpha", p + "payer_sbg_alpha")
        _from(cal, drivers, "payer_sbg_beta", p + "payer_sbg_beta")
        tenure = DEFAULT_PAYER_BASE_TENURE_MONTHS
        cal.put(p + "payer_base_tenure_months", tenure, f"assumed: the opening payers are "
                f"equal monthly cohorts acquired over the {tenure} months before the start "
                "(no source gives the base's tenure); survivors of a mixed cohort churn "
                "less (Fader and Hardie), so the base keeps more than a new cohort (1: one "
                "new cohort)")
        cal.provenance[p + "user_churn_monthly"] += (
            "; with the sBG payer curve the projection's users are free users + payers, "
            "and this churn applies to the free users (the payers follow the curve)")
        return
    churn = drivers["payer_churn_monthly"].value if "payer_churn_monthly" in drivers \
        else math.nan
    cal.provenance[p + "paying_rate"] += (
        f"; payers are users x paying rate, so in the projection they churn with the users "
        f"at {p}user_churn_monthly ({cal.central(p + 'user_churn_monthly'):.1%} a month), "
        f"not at the payer churn of the unit-economics LTV ({churn:.1%} a month)")


def calibrate_c2c(cal: Calibration, line: str, drivers: Mapping[str, Driver]) -> LineSpec:
    """A consumer line: users, paying rate, ARPPU, churn, marketing, CAC (users acquired in
    the same window as the spend), engine cost and tokens per user per day, each the
    unit-economics driver of the line; payer retention by an sBG curve where the
    assumptions give one (else payers are a share of users, who churn at a constant rate)."""
    p = f"{line}."
    for short in ("start_users", "paying_rate", "arppu_monthly", "user_churn_monthly",
                  "marketing_monthly", "cost_per_m_tokens", "tokens_per_user_day"):
        _from(cal, drivers, short, p + short)
    _at_exit_rate(cal, line, p + "start_users")
    cac = drivers["cac"].value if "cac" in drivers else math.nan
    _from(cal, drivers, "cac", p + "cac", Dist("lognormal", {"mean": cac, "sd": 0.2 * cac}))
    level = formulas.ratio(cal.central(p + "marketing_monthly"),
                           cac * cal.central(p + "user_churn_monthly"))
    cal.provenance[p + "marketing_monthly"] += (
        f"; held at this level over the horizon, so users level off at marketing / (CAC x "
        f"churn) = {level:,.0f} (a scenario's shocks or regimes move it)")
    if "payer_usage_multiple" in drivers:  # tokens per user day are a free user's
        _from(cal, drivers, "payer_usage_multiple", p + "payer_usage_multiple")
    cal.put(p + "organic_acquisition_share", 0.0, "assumed: 0, no source splits organic "
            "from paid users, so every user acquired is bought at the blended CAC and a "
            "marketing cut removes as many users as spend (the worst case); set a share in "
            "a scenario file for an organic floor that marketing and CAC shocks leave")
    _payer_retention(cal, line, drivers)
    cal.put(p + "paying_rate_growth_annual", 0.0, "assumed: the paying rate drifts, "
            "+/-15% a year (sd)", Dist("normal", {"mean": 0.0, "sd": 0.15}))
    cal.put(p + "arppu_growth_annual", 0.0, "assumed: ARPPU drifts, +/-15% a year (sd)",
            Dist("normal", {"mean": 0.0, "sd": 0.15}))
    if "other_cor_share" in drivers:  # disclosed compute in the company's cost of revenue
        _from(cal, drivers, "other_cor_share", p + "other_cor_share")
    else:
        cal.put(p + "other_cor_share", 0.0, "assumed: all cost of revenue is inference")
    return LineSpec(line, "c2c")
