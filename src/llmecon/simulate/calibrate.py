"""Calibration of a scenario from a company's latest disclosed period: pure compute.

:func:`base_scenario` takes the company, the unit-economics assumptions, FX rates, the
inference catalog and the serving model's factors as arguments (no file is read here; see
:func:`llmecon.simulate.loaders.load_base_scenario`). Company-wide drivers come first, then
one calibrator per kind of business line (:func:`calibrate_c2c`, :func:`calibrate_b2b`,
:func:`calibrate_api`), then the financing (:mod:`llmecon.simulate.financing`). Every value
records where it comes from in the scenario's ``provenance``.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

from llmecon import formulas
from llmecon.config.assumptions import Assumptions, assumptions_from
from llmecon.config.calibration import CompanyFinancingConfig, ComputeConfig
from llmecon.config.inference import ServingFactors
from llmecon.errors import InputError
from llmecon.inference.catalog import Catalog
from llmecon.simulate.calibrate_lines import (
    Calibration,
    calibrate_api,
    calibrate_b2b,
    calibrate_c2c,
    opt_value,
)
from llmecon.simulate.distributions import Dist, Regime
from llmecon.simulate.financing import calibrate_financing
from llmecon.simulate.movable import TIME_INDICES
from llmecon.simulate.scenario import LineSpec, Noise, Scenario
from llmecon.statements.model import Company
from llmecon.units import FxTable

#: Month-to-month volatility (assumed): lumpy project signings, token demand, payers,
#: prices, the cost of compute, and the exchange rate (CNY/USD moves about 1.5% a month;
#: a currency pegged to another, llmecon.units.PEGS (the HKD to the USD), moves with it).
DEFAULT_NOISE = (
    Noise("*.contracts_per_month", 0.10, 0.5), Noise("*.tokens_per_month", 0.03, 0.9),
    Noise("*.paying_rate", 0.02, 0.9), Noise("*.arppu_monthly", 0.01, 0.9),
    Noise("*.price_per_m", 0.01, 0.95), Noise("inference_cost_index", 0.02, 0.95),
    Noise("fx_index", 0.015, 1.0))


#: What a calibration period must disclose: the latest period with all of them is used (a
#: newer period with headline results only, e.g. MiniMax FY2025, is skipped).
#: (S&M is read from the latest period that discloses it, see ``latest_monthly``.)
CALIBRATION_NEEDS = ("revenue", "cost_of_revenue", "operating_cash_flow", "rd_compute_cost")


def base_scenario(company: Company, assumptions: Mapping[str, Any], horizon_months: int = 36,
                  *, fx: FxTable, catalog: Catalog, factors: ServingFactors,
                  financing: CompanyFinancingConfig, compute: ComputeConfig) -> Scenario:
    """A scenario calibrated from the company's latest period (see the provenance).

    The values of the business lines are the unit-economics drivers
    (:func:`llmecon.unit_economics.drivers.company_drivers`) read at the calibration period
    or before it, never after: the lines start from the period the cash and the costs come
    from (MiniMax's open platform once came from FY2025 and its AI-native products from
    9M 2025, so the first month's gross margin was 26.7% against the 23.3% of the period
    the projection starts from). ``unit-economics`` shows the newest figures of each line.

    ``financing`` holds the company's financing and cash assumptions
    (``data/financing.yaml``), ``compute`` its mix of owned, committed and rented compute
    (``data/compute.yaml``). Both are required, so that no caller projects on defaults the
    other commands do not use: :func:`llmecon.simulate.loaders.load_base_scenario` reads
    them.
    """
    from llmecon.metrics.resolve import select_period
    from llmecon.unit_economics.drivers import company_drivers

    fin = financing
    model = assumptions if isinstance(assumptions, Assumptions) else \
        assumptions_from(assumptions, "assumptions")
    cal = Calibration(company, select_period(company, needs=CALIBRATION_NEEDS), model)
    cash = calibrate_company(cal, fx, fin)
    shared = company_drivers(company, model, fx, catalog, factors, until=cal.period.end)
    lines: list[LineSpec] = []
    for line in company.lines:
        if line == company.platform_line:
            lines.append(calibrate_api(cal, line, shared.for_line(line)))
        elif company.business_model == "b2b_project":
            lines.append(calibrate_b2b(cal, line, shared.for_line(line)))
        else:
            lines.append(calibrate_c2c(cal, line, shared.for_line(line)))
    lines = calibrate_receivables(cal, lines)
    calibrate_compute(cal, lines, compute)
    calibrate_cash_flow(cal, lines, fin)
    events = calibrate_financing(company, cal.period, cal.resolver, fx, cash, fin)
    regimes = tuple(
        Regime("budget-freeze", 0.15, 6, {f"{ln.name}.contracts_per_month": 0.4})
        for ln in lines if ln.kind == "b2b")
    correlations = tuple((f"{ln.name}.arppu_growth_annual",
                          f"{ln.name}.paying_rate_growth_annual", -0.3)
                         for ln in lines if ln.kind == "c2c")
    names = [*cal.drivers, *TIME_INDICES]
    noise = tuple(n for n in DEFAULT_NOISE if any(fnmatch.fnmatchcase(d, n.driver)
                                                  for d in names))
    s = Scenario(company.id, company.currency, cal.period.end, horizon_months, tuple(lines),
                 cal.drivers, tuple(events), regimes, correlations, (), cal.provenance,
                 noise=noise)
    return replace(s, provenance={**cal.provenance, **opening_balances(s)})


def opening_balances(s: Scenario) -> dict[str, str]:
    """What the engine opens with on the project lines beyond the disclosed balances, at the
    drivers' central values, for the provenance (``scenario show``): contract liabilities
    (the advances on the contracts in delivery) and the delivery cost already paid on them.
    Neither is disclosed for Zhipu; an economist's audit found them listed nowhere."""
    import numpy as np

    from llmecon.simulate.engine import initial_state, opening_contract_costs

    d = s.deterministic()
    st = initial_state(d, {k: np.array([v.central]) for k, v in d.drivers.items()}, 1)
    out = {}
    for ln in d.lines:
        if ln.kind == "b2b":
            k = ln.delivery_months
            paid = float(opening_contract_costs(replace(d, lines=(ln,)), st, 1)[0])
            out[f"{ln.name}.opening_contract_liabilities"] = (
                f"derived: advance share x value signed in the {k} delivery months before "
                f"the start = {float(st.liabilities[ln.name][0]):,.0f} (engine's opening "
                "balance)")
            out[f"{ln.name}.opening_contract_costs"] = (
                f"derived: delivery cost paid on the contracts in delivery at the start = "
                f"{paid:,.0f} (engine's opening balance, expensed at acceptance)")
    return out


def calibrate_company(cal: Calibration, fx: FxTable, fin: CompanyFinancingConfig) -> float:
    """Company-wide drivers: cash and its yield, compute in R&D, S&M, cost trends.

    Returns the starting cash.
    """
    from llmecon.metrics import signals as sig

    company, p, m = cal.company, cal.period, cal.months
    cash = sig.cash_resources(sig.Context(company, fx), p)
    if not cash.ok or cash.value is None:
        raise InputError(f"{company.id}: cannot calibrate a scenario: {cash.why}")
    cal.put("start_cash", cash.value, f"derived: {cash.basis} at {p.end} (confidence: "
            f"{cash.confidence})")
    cal.put("interest_rate_on_cash_annual", fin.cash_interest_rate_annual,
            "assumed: financing.cash_interest_rate_annual (yield on cash, paid monthly)")
    other = fin.foreign_currency or "another currency"
    cal.put("foreign_cost_share", fin.foreign_cost_share,
            f"assumed: share of costs paid in {other} (moves with fx_index)")
    cal.put("foreign_cash_share", fin.foreign_cash_share,
            f"assumed: share of the opening cash held in {other} (revalued with fx_index)")
    _foreign_revenue(cal, fin.foreign_currency)
    training = cal.need("rd_compute_cost")
    cal.put("training_compute_monthly", training / m, f"derived: compute in R&D {p.label} / {m}")
    sm_month, sm_label = cal.latest_monthly("selling_marketing_expense")
    c2c_lines = [ln for ln in company.lines if ln != company.platform_line
                 and company.business_model != "b2b_project"]
    share = float(cal.assumptions["c2c"]["sm_share_to_products"]) if c2c_lines else 0.0
    cal.put("other_sm_monthly", sm_month * (1 - share),
            f"derived: S&M {sm_label} per month x (1 - {share:.0%} product marketing)")
    # assumed (a scenario file sets them; the assumptions file has no such section)
    cal.put("inference_cost_decline_annual", 0.0, "assumed",
            Dist("triangular", {"low": 0.1, "mode": 0.3, "high": 0.6}))
    cal.put("training_compute_growth_annual", 0.2, "assumed",
            Dist("uniform", {"low": 0.0, "high": 0.4}))
    cal.put("opex_growth_annual", 0.1, "assumed: headcount and loaded cost growth")
    return cash.value


def _foreign_revenue(cal: Calibration, currency: str) -> None:
    """The share of revenue in the other currency: the disclosed mainland-China share when
    that currency is the renminbi, its complement when the company reports in renminbi."""
    v = cal.resolver.get("revenue_share", cal.period.label, "region:mainland_china")
    china = v.value if v.ok and v.value is not None else None
    if china is None or not currency:
        cal.put("foreign_revenue_share", 0.0, "not disclosed: all revenue in the reporting "
                "currency")
    elif currency == "CNY":
        cal.put("foreign_revenue_share", china, f"disclosed: mainland China share of revenue "
                f"{cal.period.label} (in renminbi)")
    else:
        cal.put("foreign_revenue_share", 1.0 - china, f"derived: 1 - mainland China share of "
                f"revenue {cal.period.label} (outside China, in {currency})")


def calibrate_compute(cal: Calibration, lines: list[LineSpec], mix: ComputeConfig) -> None:
    """The compute mix (assumed, ``data/compute.yaml``) and the compute share of B2B
    delivery cost (where the company gives the compute share of its cost of revenue, net
    of the platform line's cost: :func:`~llmecon.unit_economics.cost_split.project_cost_split`)."""
    how = "assumed: data/compute.yaml"
    cal.put("compute_rented_share", mix.rented_share, how + " (rented GPU-hours)")
    cal.put("compute_committed_share", mix.committed_share, how + " (committed capacity)")
    cal.put("compute_commitment_months", mix.commitment_months, how + " (until renewal)")
    cal.put("compute_owned_share", mix.owned_share, how + " (owned GPUs: through capex)")
    from llmecon.unit_economics.cost_split import project_cost_split

    # the company's compute share net of the platform line's cost (all compute there), as
    # the unit economics allocate it: Zhipu H1 2025 10.1% of the project cost, not 37.6%
    split = project_cost_split(cal.company, cal.resolver, cal.period)
    for ln in lines:
        if ln.kind == "b2b":
            cal.put(f"{ln.name}.delivery_compute_share",
                    split.compute_share if split is not None else 0.0,
                    f"derived: {split.basis}" if split is not None
                    else "not disclosed: delivery cost has no compute")


def calibrate_receivables(cal: Calibration, lines: list[LineSpec]) -> list[LineSpec]:
    """Opening receivables = the disclosed balance at the period end, on the B2B lines
    (every line when there is none) in proportion to revenue, collected evenly over the
    line's collection delay. A B2B line keeps the delay of its unit economics when that
    came from disclosed receivable days (one figure in both commands); otherwise the delay
    makes the balance the steady state of the billing the line starts at (balance / billed
    revenue a month): an API or consumer line starts at its exit run-rate
    (:func:`~llmecon.simulate.run_rate.exit_run_rate`), and the balance at the period's end
    is the last months' billing, not the average month's (a line that tripled in a year
    held 1.5 average months of receivables, 0.95 of its last month's: 1 month, not 2).
    """
    from dataclasses import replace

    from llmecon.simulate.run_rate import exit_run_rate

    r0 = opt_value(cal, "trade_receivables", cal.company.instant_at(cal.period.end))
    if r0 is None:
        return lines
    holders = [ln for ln in lines if ln.kind == "b2b"] or lines
    revenue = {ln.name: cal.need("revenue", f"line:{ln.name}") / cal.months for ln in holders}
    total = sum(revenue.values())
    out = []
    for ln in lines:
        if ln not in holders:
            out.append(ln)
            continue
        share = revenue[ln.name] / total
        cal.put(f"{ln.name}.opening_receivables", r0 * share,
                f"disclosed: trade receivables at {cal.period.end} x {share:.1%} (this "
                "line's share of the revenue of the lines that bill on credit)")
        known = cal.provenance.get(f"{ln.name}.collection_delay_months", "")
        if known.startswith("derived"):  # from disclosed receivable days
            out.append(ln)
            continue
        exit = 1.0 if ln.kind == "b2b" else \
            exit_run_rate(cal.resolver, cal.period, f"line:{ln.name}").ratio
        billed = revenue[ln.name] * exit * (
            1.0 - cal.drivers[f"{ln.name}.advance_share"].central if ln.kind == "b2b" else 1.0)
        delay = max(1, round(r0 * share / billed)) if billed > 0 else ln.delay_months
        at = f" at the exit run-rate (x{exit:.3f} the period's average)" if exit != 1.0 else ""
        cal.provenance[f"{ln.name}.collection_delay_months"] = (
            f"derived: opening receivables / billed revenue per month{at} = "
            f"{r0 * share / billed:.2f}, rounded to {delay}")
        out.append(replace(ln, collection_delay_months=delay))
    return out


def calibrate_cash_flow(cal: Calibration, lines: list[LineSpec],
                        fin: CompanyFinancingConfig) -> None:
    """Other opex from the disclosed adjusted (non-IFRS) loss, capex and lease payments from
    the disclosed burn, and the residual between the accrual loss and the disclosed
    operating cash flow as a named line, ``unexplained_operating_monthly``.

    Accrual basis: adjusted loss / month = -(revenue - cost of revenue - compute in R&D -
    S&M - other opex) - interest on cash, so other opex is what the loss leaves. Cash basis:
    disclosed OCF / month = -adjusted loss / month + change in receivables (disclosed) +
    the rest (depreciation, other non-cash items and working capital the model does not
    carry): that rest is the unexplained line. Capex and lease payments = disclosed burn
    rate - (-OCF / month) (the Chapter 18C burn includes both).
    """
    p, m = cal.period, cal.months
    revenue, cor = cal.need("revenue"), cal.need("cost_of_revenue")
    ocf = cal.need("operating_cash_flow") / m
    loss = opt_value(cal, "adjusted_net_loss")
    sm = cal.central("other_sm_monthly") + sum(cal.central(f"{ln.name}.marketing_monthly")
                                               for ln in lines if ln.kind == "c2c")
    interest = formulas.monthly_interest(cal.central("start_cash"),
                                         cal.central("interest_rate_on_cash_annual"))
    costs = cor / m + cal.central("training_compute_monthly") + sm
    if loss is None:
        cal.put("other_opex_monthly", max(revenue / m - costs - ocf, 0.0),
                f"derived: plug to the disclosed {p.label} operating cash flow (no adjusted "
                "loss disclosed)")
        cal.put("unexplained_operating_monthly", 0.0, "none: other opex is a plug")
    else:
        cal.put("other_opex_monthly", loss / m + revenue / m - costs + interest,
                f"derived: adjusted (non-IFRS) net loss {p.label} / {m} + revenue - cost of "
                "revenue - compute in R&D - S&M + interest on cash (accrual basis)")
        change = _receivables_change(cal)
        cal.put("unexplained_operating_monthly", ocf + loss / m + interest + change,
                f"derived: disclosed operating cash flow {p.label} / {m} - (-adjusted loss - "
                "interest on cash - increase in receivables) / month: depreciation, other "
                "non-cash items and working capital not modelled")
    _calibrate_capex(cal, ocf, fin)
    cal.put("opening_payables", 0.0, "not disclosed: costs are paid as incurred (set "
            "opening_payables and payables_months in a scenario file to change it)")


def _receivables_change(cal: Calibration) -> float:
    """Increase of trade receivables per month over the period (0 when not disclosed)."""
    c, p = cal.company, cal.period
    start = c.instant_at(p.start - timedelta(days=1)) if p.start else None
    end = c.instant_at(p.end)
    if start is None or end is None:
        return 0.0
    a, b = opt_value(cal, "trade_receivables", start), opt_value(cal, "trade_receivables", end)
    return 0.0 if a is None or b is None else (b - a) / cal.months


def _calibrate_capex(cal: Calibration, ocf_month: float, fin: CompanyFinancingConfig) -> None:
    p = cal.period
    lease = opt_value(cal, "lease_liabilities", cal.company.instant_at(p.end))
    lease_month = 0.0 if lease is None else lease / fin.lease_term_months
    cal.put("lease_payments_monthly", lease_month,
            "none disclosed" if lease is None else
            f"derived: lease liabilities at {p.end} / {fin.lease_term_months} months "
            "(assumed remaining term)")
    burn = opt_value(cal, "cash_burn_rate_monthly")
    capex = opt_value(cal, "capex")
    if capex is not None:
        cal.put("capex_monthly", capex / cal.months, f"disclosed: capex {p.label} / months")
    elif burn is not None:
        cal.put("capex_monthly", max(burn + ocf_month - lease_month, 0.0),
                f"derived: disclosed burn rate {p.label} - (-operating cash flow / month)"
                + (" - lease payments" if lease is not None else " (incl. lease payments)"))
    else:
        cal.put("capex_monthly", 0.0, "not disclosed")
