"""One set of drivers per company: each with one value, one unit and one source tag.

A driver is a number the unit economics and the projection both need (ARPPU, paying rate,
tokens per user per day, fleet utilisation, CAC, contract value...). Each is defined once,
here, tagged ``disclosed`` (a figure of the company file), ``derived`` (with its formula)
or ``assumed`` (with its assumptions key). The unit-economics table reads them and the
projection's calibration should read them too, so that the commands cannot disagree.

Disclosed beats derived beats assumed: fleet utilisation and tokens per user are derived
from the disclosed line margins (the engine's cost per token against the line's cost of
revenue) and the assumed values are used only when no margin is disclosed; a disclosed
ARPPU is shown beside the line's revenue per payer with the gap explained.

Names are ``<line>.<driver>`` for a business line and ``company.<driver>`` otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import TYPE_CHECKING, Any

from llmecon import formulas as f
from llmecon.config.assumptions import Assumptions
from llmecon.config.inference import ServingFactors
from llmecon.inference.catalog import Catalog
from llmecon.metrics.resolve import Resolver
from llmecon.statements.model import Company, Period
from llmecon.unit_economics.b2b import advance_share, collection_delay
from llmecon.unit_economics.b2b_acquisition import b2b_acquisition
from llmecon.unit_economics.c2c import C2CInputs, C2CResult, evaluate_c2c
from llmecon.unit_economics.deployment import (
    blended_list_price,
    blended_serving_cost,
    deployment_cost,
    hit_price_note,
    list_price,
    price_dating,
)
from llmecon.unit_economics.rows import (
    Confidence,
    Driver,
    LineInputs,
    Source,
    about_line,
    credit_receivable_days,
    get,
)
from llmecon.units import FxTable

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Drivers:
    """A company's drivers, in its currency, each defined once."""

    company_id: str
    currency: str
    drivers: tuple[Driver, ...]

    def __iter__(self) -> Iterator[Driver]:
        return iter(self.drivers)

    def __contains__(self, name: object) -> bool:
        return any(d.name == name for d in self.drivers)

    def __getitem__(self, name: str) -> Driver:
        for d in self.drivers:
            if d.name == name:
                return d
        from llmecon.errors import NotFoundError

        raise NotFoundError(f"{self.company_id}: no driver {name!r}; known: "
                            f"{', '.join(d.name for d in self.drivers)}")

    def value(self, name: str) -> float:
        return self[name].value

    def for_line(self, line: str) -> dict[str, Driver]:
        """The drivers of one line (or ``company``), by their short name."""
        return {d.name.split(".", 1)[1]: d for d in self.drivers
                if d.name.split(".", 1)[0] == line}

    def to_frame(self) -> pd.DataFrame:
        """One row per driver: ``name`` (``line.driver``), ``value`` (float64), ``unit``,
        ``source``, ``basis``, ``period``, ``confidence`` (None where not stated, as in the
        unit-economics frame); ``attrs`` holds ``company`` and ``currency``."""
        import pandas as pd

        out = pd.DataFrame([{**asdict(d), "confidence": d.confidence or None}
                            for d in self.drivers], columns=[f.name for f in fields(Driver)])
        out["value"] = out["value"].astype("float64")
        out.attrs = {"company": self.company_id, "currency": self.currency}
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"company": self.company_id, "currency": self.currency,
                "drivers": [asdict(d) for d in self.drivers]}


class _Put:
    def __init__(self, prefix: str, period: Period) -> None:
        self.prefix, self.period = prefix, period.label
        self.out: list[Driver] = []

    def __call__(self, name: str, value: float | None, unit: str, source: Source,
                 basis: str, confidence: Confidence = "") -> float | None:
        if value is None or value != value:  # missing or NaN: no driver
            return None
        self.out.append(Driver(f"{self.prefix}.{name}", float(value), unit, source, basis,
                               self.period, confidence))
        return float(value)


def company_drivers(company: Company, assumptions: Assumptions, fx: FxTable, catalog: Catalog,
                    factors: ServingFactors, until: date | None = None) -> Drivers:
    """Every driver of every business line of ``company`` (pure: all inputs are given),
    each read at the newest period disclosing it (ending by ``until``, when given: a
    projection reads its lines at the period it starts from)."""
    x = LineInputs(company, Resolver(company), assumptions, fx, catalog, factors, until)
    out: list[Driver] = []
    for line in company.lines:
        kind = x.kind(line)
        out += (api_drivers(x, line) if kind == "api" else
                b2b_drivers(x, line) if kind == "b2b" else c2c_drivers(x, line)[0])
    out += company_level_drivers(x)
    return Drivers(company.id, company.currency, tuple(out))


# ---------------------------------------------------------------- API / cloud
def api_drivers(x: LineInputs, line: str) -> list[Driver]:
    """Price, tokens, cost per token and utilisation of the platform line."""
    seg = f"line:{line}"
    p = x.latest("revenue", seg)
    put, c, cur = _Put(line, p), x.assumptions.api, x.currency
    rev, _ = get(x.resolver, "revenue", p, seg)
    gm, t_gm = get(x.resolver, "gross_margin", p, seg)
    model, price = list_price(x.assumptions, x.company.id, x.catalog, p.end)
    dep, serving, lp = _serving_and_list_price(x, price, p)
    cost = put("cost_per_m_tokens", serving, f"{cur} per million tokens",
               "derived", f"at full use (100% utilisation); inference engine: {dep.label}; "
               "assumed token mix")
    dated, low = _dated(price, p)
    put("list_price_per_m", lp, f"{cur} per million tokens", "derived",
        f"catalog list price of {model} for the assumed token mix{dated}"
        + ("" if price is None else hit_price_note(price, c.cache_hit)), low)
    if rev is None or lp is None or cost is None:
        return put.out
    tokens = put("tokens_per_month", float(f.tokens_for_amount(rev / p.months, lp)),
                 "tokens per month", "derived", "line revenue per month / list price"
                 + (" (the list misfits the period)" if low else ""), low)
    # engine cost at full use / cost of revenue per token (tokens cancel), the same
    # arithmetic as _utilisation_elsewhere, so both reads of a period agree to the last bit
    cor_month = None if gm is None else f.cost_from_gross_margin(rev / p.months, gm)
    util = None if cor_month is None or tokens is None or cor_month <= 0 or gm is None else \
        float(f.ratio(cost, lp * (1.0 - gm)))
    basis = f"line cost of revenue ({t_gm})"
    if gm is None:  # the newest period that discloses the line's margin instead
        util, basis, low = _utilisation_elsewhere(x, line)
    if util is not None and 0 < util <= 1:
        put("utilisation", util, "ratio", "derived", "engine cost at full use / disclosed "
            f"{basis}: the busy share that reproduces the margin"
            + (" (at a list price that misfits the period)" if low else ""), low)
    else:
        why = f"the derived value {util:.2f} is above 1" if util is not None else \
            "no disclosed line margin" if gm is None else \
            f"the disclosed line margin {gm:.1%} leaves no cost of revenue to derive it from"
        put("utilisation", c.utilisation, "ratio", "assumed", f"assumptions: api.utilisation "
            f"({why})")
    return put.out


def _dated(price: Any, p: Period) -> tuple[str, Confidence]:
    """The list's date, with a warning when it is after the end of the period the line is
    read at (the catalog keeps the current list, not each period's), and "low" then."""
    if price is None:
        return "", ""
    text, misfit = price_dating(str(price.as_of), p.end)
    return f" ({text})", "low" if misfit else ""


def _serving_and_list_price(x: LineInputs, price: Any, p: Period
                            ) -> tuple[Any, float | None, float | None]:
    """The deployment, its serving cost per million tokens at full use and the list price
    for the assumed token mix, at period ``p``'s exchange rates."""
    c = x.assumptions.api
    dep = deployment_cost(x.company.id, x.currency, x.assumptions, x.catalog, x.factors,
                          x.fx, p.start, p.end)
    lp = None if price is None else blended_list_price(price, c.output_share, c.cache_hit,
                                                       dep.usd_rate)
    return dep, blended_serving_cost(dep, c.output_share, c.cache_hit), lp


def _utilisation_elsewhere(x: LineInputs, line: str
                           ) -> tuple[float | None, str, Confidence]:
    """Utilisation from the newest period that discloses the line's gross margin, when the
    period the line is read at does not: engine cost per token at full use / (list price x
    (1 - margin)), both at that period's exchange rates (tokens cancel); "low" when the
    list misfits that period."""
    seg = f"line:{line}"
    q = x.latest("gross_margin", seg)
    gm, t_gm = get(x.resolver, "gross_margin", q, seg)
    if gm is None or gm >= 1:
        return None, "", ""
    _, price = list_price(x.assumptions, x.company.id, x.catalog, q.end)  # in force then
    _, cost, lp = _serving_and_list_price(x, price, q)
    if cost is None or lp is None or lp <= 0:
        return None, "", ""
    return float(f.ratio(cost, lp * (1.0 - gm))), f"line margin of {q.label} ({t_gm})", \
        _dated(price, q)[1]


# ---------------------------------------------------------------- B2B
def b2b_drivers(x: LineInputs, line: str) -> list[Driver]:
    """Contract size and count, delivery cost and the cash terms of a project line."""
    seg = f"line:{line}"
    p = x.latest("revenue", seg)
    put, b, cur = _Put(line, p), x.assumptions.b2b, x.currency
    rev, _ = get(x.resolver, "revenue", p, seg)
    gm, t_gm = get(x.resolver, "gross_margin", p, seg)
    days, t_days = credit_receivable_days(x, p)
    put("contract_value", b.contract_value, cur, "assumed", "assumptions: b2b.contract_value")
    if rev is not None:
        put("contracts_per_month", rev / p.months / b.contract_value, "contracts per month",
            "derived", "line revenue per month / contract value")
    if gm is not None:
        put("delivery_cost_share", 1.0 - gm, "ratio", "derived",
            f"1 - disclosed line gross margin ({t_gm})")
    delay, how = collection_delay(days, b.payment_schedule)
    put("collection_delay_months", float(delay), "months",
        "derived" if days is not None else "assumed",
        f"{how} (receivable days: {t_days})" if days is not None else how)
    put("advance_share", advance_share(b.payment_schedule), "ratio", "assumed",
        "assumptions: b2b.payment_schedule (share paid at signing)")
    put("delivery_months", float(b.delivery_months), "months", "assumed",
        "assumptions: b2b.delivery_months")
    return put.out


# ---------------------------------------------------------------- C2C
def c2c_drivers(x: LineInputs, line: str) -> tuple[list[Driver], C2CResult | None]:
    """The drivers of a consumer product line and the C2C model's result behind them."""
    seg = f"line:{line}"
    p = x.latest("paying_users", seg)
    put = _Put(line, p)
    with about_line(x.company, line, p):
        inputs = c2c_model_inputs(x, line, p, put)
        if inputs is None:
            return put.out, None
        res = evaluate_c2c(inputs)
    cur = x.currency
    put("arppu_monthly", res.arppu_month, f"{cur} per payer per month", "derived",
        "line revenue / paying users / months (includes revenue not from payers)")
    put("serving_cost_per_payer_monthly", res.serving_cost_per_payer_month,
        f"{cur} per payer per month", "derived",
        "line cost of revenue / paying users / months (own use and free users')")
    put("cac", res.cac_per_new_user, f"{cur} per new user", "derived",
        "product S&M / users acquired in the same window (net adds prorated + churned)")
    put("cac_per_payer", res.cac_per_new_payer, f"{cur} per new payer", "derived",
        "CAC per new user / paying rate")
    return put.out, res


def c2c_model_inputs(x: LineInputs, line: str, p: Period, put: _Put) -> C2CInputs | None:
    """The C2C model's inputs for a line (and their drivers); None when one is missing."""
    r, seg, c, cur = x.resolver, f"line:{line}", x.assumptions.c2c, x.currency
    rev, _ = get(r, "revenue", p, seg)
    gm, t_gm = get(r, "gross_margin", p, seg)
    mau = put("start_users", get(r, "mau", p, seg)[0], "users", "disclosed",
              f"average MAU of the line, {p.label}")
    payers, _ = get(r, "paying_users", p, seg)
    if mau and payers is not None:
        put("paying_rate", payers / mau, "ratio", "derived", "paying users / MAU")
    prior = r.prior_year(p.label)
    before = get(r, "mau", x.company.period(prior), seg)[0] if prior else None
    sm_total, sm_label = _latest_sm(x, p)
    marketing = None if sm_total is None else sm_total[0] * c.sm_share_to_products
    put("marketing_monthly", None if marketing is None or sm_total is None else
        marketing / sm_total[1], f"{cur} per month", "derived",
        f"S&M {sm_label} per month x {c.sm_share_to_products:.0%} (assumed share)")
    put("user_churn_monthly", c.user_churn_monthly, "ratio", "assumed",
        "assumptions: c2c.user_churn_monthly")
    _retention_drivers(x, put)
    per_m, tokens = _c2c_tokens(x, p, put, rev, gm, (mau, payers))
    _arppu_drivers(x, p, put, seg, rev, payers)
    if None in (rev, gm, mau, payers, marketing, before) or sm_total is None:
        return None
    assert rev is not None and gm is not None and mau is not None and payers is not None
    assert marketing is not None
    put("gross_margin", gm, "ratio", "disclosed", t_gm)
    payer_arppu = get(r, "arppu", p, seg)[0]
    return C2CInputs(
        months=sm_total[1], revenue=rev * sm_total[1] / p.months, mau=mau,
        paying_users=payers, sm_spend=marketing, gross_margin=gm, mau_before=before,
        mau_change_months=12.0, user_churn_monthly=c.user_churn_monthly,
        payer_churn_monthly=c.payer_churn_monthly, annual_discount_rate=c.annual_discount_rate,
        tokens_per_user_day=tokens, cost_per_million_tokens=per_m,
        payer_usage_multiple=c.payer_usage_multiple, sbg_alpha=c.sbg_alpha, sbg_beta=c.sbg_beta,
        payer_revenue=None if payer_arppu is None else payer_arppu * payers
        * sm_total[1] / p.months)


def _latest_sm(x: LineInputs, p: Period) -> tuple[tuple[float, int] | None, str]:
    """Company S&M of ``p`` (or the latest period disclosing it) and its months."""
    got, _ = get(x.resolver, "selling_marketing_expense", p)
    if got is not None:
        return (got, p.months), p.label
    q = x.latest("selling_marketing_expense", None)
    got, _ = get(x.resolver, "selling_marketing_expense", q)
    return (None if got is None else (got, q.months)), q.label


def _retention_drivers(x: LineInputs, put: _Put) -> None:
    c = x.assumptions.c2c
    if c.sbg_alpha is not None and c.sbg_beta is not None:
        put("payer_sbg_alpha", c.sbg_alpha, "", "assumed", "assumptions: c2c.sbg_alpha")
        put("payer_sbg_beta", c.sbg_beta, "", "assumed", "assumptions: c2c.sbg_beta")
    else:
        put("payer_churn_monthly", c.payer_churn_monthly, "ratio", "assumed",
            "assumptions: c2c.payer_churn_monthly (constant churn)")


def _c2c_tokens(x: LineInputs, p: Period, put: _Put, rev: float | None, gm: float | None,
                users: tuple[float | None, float | None]
                ) -> tuple[float | None, float | None]:
    """Engine cost per million tokens, and a free user's tokens per day derived from the
    line's cost of revenue read as inference (assumed when no margin is disclosed).

    Payers use ``payer_usage_multiple`` (k) times a free user's tokens, so the inference is
    spread over usage-weighted users, MAU + (k - 1) x payers: free users + k x payers then
    use exactly the inference the line's cost of revenue holds (walk20 M5: dividing by MAU
    alone and charging payers k times modelled 13% more than MiniMax disclosed)."""
    c, a = x.assumptions.c2c, x.assumptions.api
    mau, payers = users
    dep = deployment_cost(x.company.id, x.currency, x.assumptions, x.catalog, x.factors,
                          x.fx, p.start, p.end)
    full = blended_serving_cost(dep, a.output_share, a.cache_hit)
    util, how, low = _fleet_utilisation(x)
    per_m = put("cost_per_m_tokens", None if full is None else full / util,
                f"{x.currency} per million tokens", "derived",
                f"inference engine: {dep.label}; assumed token mix; "
                + ("" if full is None else f"{full:.4g} at full use ") + f"/ {how}", low)
    k = c.payer_usage_multiple
    put("payer_usage_multiple", k, "x", "assumed", "assumptions: c2c.payer_usage_multiple "
        "(a payer uses k times a free user's tokens)")
    if None in (rev, gm, mau, per_m) or not mau or not per_m:
        return per_m, put("tokens_per_user_day", c.tokens_per_user_day,
                          "tokens per free user per day", "assumed",
                          "assumptions: c2c.tokens_per_user_day (no line margin disclosed)")
    assert rev is not None and gm is not None
    cor = float(f.cost_from_gross_margin(rev, gm))
    other, how = _not_inference(x, p, put.prefix, cor)
    if other:
        put("other_cor_share", other / rev, "ratio", "derived", f"{how} / line revenue")
    weighted = mau + (k - 1.0) * (payers or 0.0)
    cor_per_user_day = (cor - other) / p.months / weighted / f.days_from_months(1.0)
    what = "line cost of revenue" + (" less what is not inference" if other else "")
    over = f"usage-weighted users (MAU + ({k:g} - 1) x paying users = {weighted:,.0f})" \
        if payers else "MAU (paying users not disclosed)"
    return per_m, put("tokens_per_user_day", float(f.tokens_for_amount(cor_per_user_day, per_m)),
                      "tokens per free user per day", "derived", f"{what} / {over} / "
                      f"{f.days_from_months(p.months):.1f} days ({p.months} average months of "
                      f"{f.days_from_months(1.0):g}: as the projection counts a month), "
                      "read as inference at the engine's cost per token at the fleet's "
                      f"utilisation; a payer uses {k:g}x", low)


def _fleet_utilisation(x: LineInputs) -> tuple[float, str, Confidence]:
    """The busy share a consumer line's tokens are costed at: the platform line's (derived
    from its disclosed margin, else assumed), so that one engine gives the two lines one
    cost per token (econ33 L1: the consumer line was costed at full use, the API line at
    MiniMax's 64.4%); ``api.utilisation`` (assumed) where the company has no platform line.
    (value, basis, confidence)."""
    line = x.company.platform_line
    got = next((d for d in api_drivers(x, line) if d.name == f"{line}.utilisation"), None) \
        if line in x.company.lines else None
    if got is None:
        u = x.assumptions.api.utilisation
        why = "no platform line" if line not in x.company.lines else \
            f"the {line} line gives none to derive it from"
        return u, f"utilisation {u:.1%} (assumptions: api.utilisation, {why})", ""
    return got.value, (f"the fleet's utilisation {got.value:.1%}, the {line} line's "
                       f"({got.source})"), got.confidence


def _not_inference(x: LineInputs, p: Period, line: str, line_cor: float) -> tuple[float, str]:
    """The part of a consumer line's cost of revenue that is not inference (app-store
    commissions and the like): the company's cost of revenue less the compute in it, where
    both are disclosed for ``p``, on the consumer lines in proportion to their cost of
    revenue (an API line's cost is its engine's). (0, '') when not disclosed. MiniMax 9M
    2025: 40.99 - 37.98 = US$3.0m, all on the AI-native products; every dollar of their
    cost was once read as inference, so commissions fell with the cost of tokens."""
    cor, _ = get(x.resolver, "cost_of_revenue", p)
    compute, t_compute = get(x.resolver, "cost_of_revenue_compute", p)
    if cor is None or compute is None or compute >= cor:
        return 0.0, ""
    costs = [get(x.resolver, "cost_of_revenue", p, f"line:{ln}")[0]
             for ln in x.company.lines if x.kind(ln) == "c2c"]
    total = sum(c for c in costs if c is not None)
    if None in costs or total <= 0:
        return 0.0, ""
    share = line_cor / total
    return (cor - compute) * share, (f"(company cost of revenue - compute in it, {t_compute}, "
                                     f"{p.label}) x {share:.0%} (this consumer line's share)")


def _arppu_drivers(x: LineInputs, p: Period, put: _Put, seg: str, rev: float | None,
                   payers: float | None) -> None:
    """A disclosed ARPPU beside the line's revenue per payer, and the gap."""
    arppu, t_arppu = get(x.resolver, "arppu", p, seg)
    if arppu is None or rev is None or not payers:
        return
    put("payer_arppu_monthly", arppu / p.months, f"{x.currency} per payer per month",
        "disclosed", f"disclosed ARPPU {arppu:g} for {p.label} ({t_arppu}; averaging basis "
        f"not stated, read as per payer over the {p.months} months) / {p.months}")
    put("revenue_not_from_payers_share", 1.0 - arppu * payers / rev, "ratio", "derived",
        "1 - disclosed ARPPU x paying users / line revenue: advertising and other revenue "
        "not paid by payers")


# ---------------------------------------------------------------- company
def company_level_drivers(x: LineInputs) -> list[Driver]:
    """B2B acquisition: CAC per net new customer and its payback (aligned windows)."""
    got = b2b_acquisition(x)
    return [] if got is None else list(got.drivers)
