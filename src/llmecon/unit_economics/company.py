"""Unit economics per business line, filled from a company's disclosed figures.

Every input is tagged ``disclosed`` (a figure in the company file), ``derived`` (computed
from disclosed figures) or ``assumed`` (from the assumptions file, with its documented
default). Lines are cast by role: the company's ``platform_line`` is an API / cloud line;
the other lines are product lines (C2C) for a product company and project lines (B2B) for
a project company.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from llmecon.errors import InputError
from llmecon.metrics.resolve import Resolver
from llmecon.metrics.tables import select_period
from llmecon.statements.model import Company, Period
from llmecon.units import FxTable

Status = Literal["disclosed", "derived", "assumed", "n/a"]


@dataclass(frozen=True)
class UERow:
    line: str
    role: str
    quantity: str
    value: float | None
    unit: str
    status: Status
    basis: str


@dataclass(frozen=True)
class UnitEconomicsTable:
    company_id: str
    currency: str
    rows: tuple[UERow, ...]

    def to_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame([r.__dict__ for r in self.rows])


# ---------------------------------------------------------------- assumptions
def load_assumptions(path: str | Path | None = None) -> dict[str, Any]:
    """The bundled defaults, with a user's file merged over them (unknown keys refused)."""
    import yaml

    text = resources.files("llmecon").joinpath("data/assumptions/defaults.yaml") \
        .read_text(encoding="utf-8")
    base: dict[str, Any] = yaml.safe_load(text)
    if path is None:
        return base
    from llmecon.yamlfile import read_mapping

    p = Path(path)
    user = read_mapping(p, "assumptions")
    for section, values in user.items():
        if section not in base:
            raise InputError(f"{p}: unknown section {section!r}; expected {', '.join(base)}")
        if not isinstance(values, dict):
            raise InputError(f"{p}: {section}: expected a mapping")
        for k, v in values.items():
            if section != "inference" and k not in base[section]:
                raise InputError(f"{p}: {section}.{k}: unknown assumption; known: "
                                 f"{', '.join(base[section])}")
            if isinstance(base[section].get(k), (int, float)) and not isinstance(v, (int, float)):
                raise InputError(f"{p}: {section}.{k}: expected a number, found {v!r}")
            if isinstance(v, (int, float)) and v < 0:
                raise InputError(f"{p}: {section}.{k}: expected a number >= 0, found {v!r}")
            base[section][k] = v
    return base


# ---------------------------------------------------------------- helpers
class _Rows:
    def __init__(self, line: str, role: str) -> None:
        self.line, self.role = line, role
        self.rows: list[UERow] = []

    def add(self, quantity: str, value: float | None, unit: str, status: Status,
            basis: str) -> float | None:
        if value is not None and (math.isnan(value)):
            value = None
        if value is None and status != "n/a":
            status, basis = "n/a", basis
        self.rows.append(UERow(self.line, self.role, quantity, value, unit, status, basis))
        return value


def _get(r: Resolver, item: str, p: Period, seg: str | None = None) -> tuple[float | None, str]:
    """A value and its basis text: 'disclosed (confidence)', 'derived: ...' or why n/a."""
    v = r.get(item, p.label, seg)
    if not v.ok:
        return None, v.why
    if v.basis == "reported":
        return v.value, f"disclosed ({v.confidence} confidence)"
    return v.value, f"{v.basis} ({v.confidence} confidence)"


def _status(tag: str) -> Status:
    return "disclosed" if tag.startswith("disclosed") else "derived" \
        if tag.startswith("derived") else "n/a"


def _latest_with(company: Company, r: Resolver, item: str, seg: str | None) -> Period:
    for p in sorted(company.duration_periods, key=lambda q: (q.end, q.months), reverse=True):
        if r.get(item, p.label, seg).ok:
            return p
    return select_period(company)


# ---------------------------------------------------------------- the table
def unit_economics_table(company: Company, assumptions: Mapping[str, Any],
                         fx: FxTable) -> UnitEconomicsTable:
    r = Resolver(company)
    rows: list[UERow] = []
    for line in company.lines:
        seg = f"line:{line}"
        if line == company.platform_line:
            rows += _api_rows(company, r, line, seg, assumptions, fx)
        elif company.business_model == "b2b_project":
            rows += _b2b_rows(company, r, line, seg, assumptions)
        else:
            rows += _c2c_rows(company, r, line, seg, assumptions, fx)
    if not company.lines:
        raise InputError(f"{company.id}: no business lines declared (metadata 'lines'); "
                         "unit economics are per line")
    return UnitEconomicsTable(company.id, company.currency, tuple(rows))


def _engine(company: Company, assumptions: Mapping[str, Any], fx: FxTable, p: Period
            ) -> tuple[Any, float, str]:
    """Serving result for the company's deployment, and the USD->currency rate."""
    from llmecon.inference.calibration import load_efficiency
    from llmecon.inference.catalog import load_catalog
    from llmecon.unit_economics.deployment import deployment_cost

    d = deployment_cost(company.id, company.currency, assumptions, load_catalog(),
                        load_efficiency(), fx, p.start, p.end)
    return d.result, d.usd_rate, d.label


def _line_start(company: Company, r: Resolver, line: str, seg: str, role: str,
                anchor: str) -> tuple[Period, _Rows, float | None, str, float | None, str]:
    """The period a line is read at (the latest with ``anchor``), its rows with the period,
    and the line's revenue and gross margin with their bases."""
    p = _latest_with(company, r, anchor, seg)
    out = _Rows(line, role)
    out.add("period", p.months, "months", "disclosed", p.label)
    rev, t_rev = _get(r, "revenue", p, seg)
    gm, t_gm = _get(r, "gross_margin", p, seg)
    return p, out, rev, t_rev, gm, t_gm


def _c2c_rows(company: Company, r: Resolver, line: str, seg: str,
              a: Mapping[str, Any], fx: FxTable) -> list[UERow]:
    from llmecon.unit_economics.c2c import C2CInputs, evaluate_c2c

    c = a["c2c"]
    p, out, rev, t_rev, gm, t_gm = _line_start(company, r, line, seg, "C2C product",
                                               "paying_users")
    cur = company.currency
    mau, t_mau = _get(r, "mau", p, seg)
    payers, t_pay = _get(r, "paying_users", p, seg)
    sm_total, t_sm = _get(r, "selling_marketing_expense", p)
    prior = r.prior_year(p.label)
    mau_before, t_mb = _get(r, "mau", company.period(prior), seg) if prior else (None,
                                                                                 "no prior")
    out.add("revenue", rev, cur, _status(t_rev), t_rev)
    out.add("average MAU", mau, "users", _status(t_mau), t_mau)
    out.add("paying users", payers, "users", _status(t_pay), t_pay)
    out.add("gross margin", gm, "ratio", _status(t_gm), t_gm)
    out.add(f"average MAU {prior}", mau_before, "users", _status(t_mb), t_mb)
    sm = None if sm_total is None else sm_total * c["sm_share_to_products"]
    out.add("S&M on the products", sm, cur, "derived" if sm is not None else "n/a",
            f"company S&M x {c['sm_share_to_products']:.0%} (assumed share)"
            if sm is not None else t_sm)
    infer_total, t_inf = _get(r, "cost_of_revenue_compute", p)
    mau_all, _ = _get(r, "mau", p)
    per_user = None
    if infer_total is not None and mau_all:
        per_user = infer_total / mau_all / p.months
    out.add("inference cost per active user per month", per_user, cur,
            "derived" if per_user is not None else "n/a",
            "inference cloud cost / total MAU / months (includes API traffic)"
            if per_user is not None else t_inf)
    for k, unit in (("user_churn_monthly", "ratio"), ("payer_churn_monthly", "ratio"),
                    ("annual_discount_rate", "ratio"), ("tokens_per_user_day", "tokens"),
                    ("payer_usage_multiple", "x")):
        out.add(k.replace("_", " "), float(c[k]), unit, "assumed", "assumptions: c2c." + k)
    res, usd_rate, label = _engine(company, a, fx, p)
    cost_per_m = None if res.cost_output is None else res.cost_output * usd_rate
    out.add("inference cost per million output tokens", cost_per_m, cur, "derived",
            f"inference engine: {label}")
    missing = [n for n, v in (("revenue", rev), ("MAU", mau), ("paying users", payers),
                              ("gross margin", gm), ("S&M", sm),
                              ("prior MAU", mau_before)) if v is None]
    if missing:
        out.add("unit economics", None, "", "n/a", "missing: " + ", ".join(missing))
        return out.rows
    assert rev is not None and mau is not None and payers is not None and gm is not None
    assert sm is not None
    res_c = evaluate_c2c(C2CInputs(
        months=p.months, revenue=rev, mau=mau, paying_users=payers, sm_spend=sm,
        gross_margin=gm, mau_before=mau_before, user_churn_monthly=c["user_churn_monthly"],
        payer_churn_monthly=c["payer_churn_monthly"],
        annual_discount_rate=c["annual_discount_rate"], inference_cost_per_user=per_user,
        tokens_per_user_day=c["tokens_per_user_day"], cost_per_million_tokens=cost_per_m,
        payer_usage_multiple=c["payer_usage_multiple"]))
    d: Status = "derived"
    for q, v, u, basis in (
        ("new users (net new MAU + replaced churners)", res_c.new_users, "users",
         "MAU - prior MAU + user churn x MAU x months"),
        ("paying rate", res_c.paying_rate, "ratio", "paying users / MAU"),
        ("CAC per new user", res_c.cac_per_new_user, cur, "S&M / new users"),
        ("CAC per new payer", res_c.cac_per_new_payer, cur, "S&M / (new users x paying rate)"),
        ("revenue per MAU per month", res_c.revenue_per_mau_month, cur, "revenue / MAU / months"),
        ("revenue per payer per month (ARPPU)", res_c.arppu_month, cur,
         "revenue / paying users / months"),
        ("inference cost per payer per month", res_c.inference_cost_per_payer_month, cur,
         "per-user inference cost x payer usage multiple"),
        ("free users' inference cost per payer per month", res_c.free_user_cost_per_payer_month,
         cur, "per-user cost x free users / payers"),
        ("contribution per payer per month", res_c.contribution_per_payer_month, cur,
         "ARPPU x gross margin"),
        ("expected discounted paying months", res_c.lifetime_months, "months",
         "(1 + r) / (r + churn)"),
        ("LTV per payer", res_c.ltv, cur, "contribution x paying months"),
        ("LTV / CAC", res_c.ltv_to_cac, "x", "LTV / CAC per new payer"),
        ("CAC payback", res_c.payback_months, "months", "CAC per payer / contribution"),
        ("ARPPU needed for LTV/CAC >= 3", res_c.arppu_for_ltv_cac_3, cur, "solved"),
        ("ARPPU needed for payback <= 12 months", res_c.arppu_for_payback_12, cur, "solved"),
        ("payer churn needed for LTV/CAC >= 3", res_c.churn_for_ltv_cac_3, "ratio", "solved"),
        ("cost per M tokens needed for LTV/CAC >= 3", res_c.cost_per_million_for_ltv_cac_3,
         cur, "solved at the assumed tokens per user"),
    ):
        if v is not None and q.startswith(("payer churn needed", "cost per M tokens needed")) \
                and v <= 0:
            out.add(q, None, u, "n/a", "not reachable with this lever alone (it would have to "
                    "be below zero)")
            continue
        out.add(q, v, u, d, basis)
    return out.rows


def _api_rows(company: Company, r: Resolver, line: str, seg: str, a: Mapping[str, Any],
              fx: FxTable) -> list[UERow]:
    from llmecon.inference.catalog import load_catalog
    from llmecon.unit_economics.api import ApiInputs, evaluate_api

    c = a["api"]
    p, out, rev, t_rev, gm, t_gm = _line_start(company, r, line, seg, "API / cloud", "revenue")
    cur = company.currency
    out.add("revenue", rev, cur, _status(t_rev), t_rev)
    out.add("gross margin (disclosed)", gm, "ratio", _status(t_gm), t_gm)
    for k in ("utilisation", "output_share", "cache_hit", "target_gross_margin"):
        out.add(k.replace("_", " "), float(c[k]), "ratio", "assumed", "assumptions: api." + k)
    res, usd_rate, label = _engine(company, a, fx, p)
    deployment = a["inference"].get(company.id, a["inference"]["default"])
    model = deployment["model"]
    price = load_catalog().api_price(model, deployment.get("price_endpoint"))
    if price is None or rev is None:
        out.add("token economics", None, "", "n/a", "no bundled API price for " + model
                if price is None else t_rev)
        return out.rows
    hit = price.input_cache_hit if price.input_cache_hit is not None else price.input_cache_miss
    o, h = float(c["output_share"]), float(c["cache_hit"])
    list_blend = ((1 - o) * ((1 - h) * price.input_cache_miss + h * hit) + o * price.output) \
        * usd_rate
    out.add(f"list price per million tokens ({model}, {price.endpoint}, {price.as_of})",
            list_blend, cur, "derived", f"catalog list price, {o:.0%} output and {h:.0%} cache "
            f"hits (assumed mix), at the period's average USD rate")
    paid_per_day = rev / p.days / list_blend * 1e6
    out.add("tokens per day paid at list price", paid_per_day, "tokens", "derived",
            "revenue / days / list price")
    tokens_day = None
    label_at = company.instant_at(p.end)
    for lab in (p.label, label_at):
        got = r.get("daily_tokens", lab) if lab else None
        if got is not None and got.ok:
            tokens_day = got.value
            break
    if tokens_day is not None:
        out.add("tokens per day, disclosed", tokens_day, "tokens", "disclosed",
                "company-wide: may include on-premise and free use")
        out.add("share of disclosed tokens that list-price revenue pays for",
                paid_per_day / tokens_day, "ratio", "derived",
                "paid tokens at list / disclosed tokens")
    assert res.cost_output is not None and res.cost_input_miss is not None
    tokens = paid_per_day * p.days
    x = evaluate_api(ApiInputs(
        input_tokens=tokens * (1 - o), output_tokens=tokens * o, cache_hit=h,
        price_input_miss=price.input_cache_miss * usd_rate, price_input_hit=hit * usd_rate,
        price_output=price.output * usd_rate, cost_input_miss=res.cost_input_miss * usd_rate,
        cost_input_hit=(res.cost_input_hit or 0.0) * usd_rate,
        cost_output=res.cost_output * usd_rate, utilisation=float(c["utilisation"])))
    out.add("inference cost per million tokens", x.cost_per_million, cur, "derived",
            f"inference engine at the assumed utilisation: {label}")
    out.add("modelled gross margin at list price", x.gross_margin, "ratio", "derived",
            "1 - engine cost / list-price revenue of the same tokens")
    target = float(c["target_gross_margin"])
    out.add(f"cost per million tokens for a {target:.0%} gross margin",
            x.realised_price_per_million * (1 - target), cur, "derived",
            "list price x (1 - target margin)")
    out.add(f"cost must fall to (x of today) for a {target:.0%} margin",
            x.realised_price_per_million * (1 - target) / x.cost_per_million, "x", "derived",
            "target cost / modelled cost (above 1: already there)")
    out.add("break-even utilisation", x.break_even_utilisation, "ratio", "derived",
            "share of time the fleet must be busy for cost = revenue")
    return out.rows


def _b2b_rows(company: Company, r: Resolver, line: str, seg: str,
              a: Mapping[str, Any]) -> list[UERow]:
    from llmecon.unit_economics.b2b import ProjectInputs, evaluate_project, reusable_share_sweep

    c = a["b2b"]
    p, out, rev, t_rev, gm, t_gm = _line_start(company, r, line, seg, "B2B project", "revenue")
    cur = company.currency
    labor_share, t_lab = _get(r, "cost_of_revenue_labor_share", p)
    compute_share, t_cmp = _get(r, "cost_of_revenue_compute_share", p)
    days, t_days = _get(r, "receivable_days", p)
    out.add("revenue", rev, cur, _status(t_rev), t_rev)
    out.add("gross margin", gm, "ratio", _status(t_gm), t_gm)
    out.add("labour share of cost of revenue (company)", labor_share, "ratio",
            _status(t_lab), t_lab)
    out.add("compute share of cost of revenue (company)", compute_share, "ratio",
            _status(t_cmp), t_cmp)
    out.add("receivable days (company)", days, "days", _status(t_days), t_days)
    for k in ("contract_value", "loaded_cost_per_person_month", "delivery_months",
              "acceptance_month"):
        out.add(k.replace("_", " "), float(c[k]), cur if "value" in k or "cost" in k
                else "months", "assumed", "assumptions: b2b." + k)
    if rev is None or gm is None or labor_share is None or compute_share is None:
        out.add("project economics", None, "", "n/a", "missing line revenue, gross margin or "
                "the cost-of-revenue split")
        return out.rows
    cor = rev * (1 - gm)
    labour = cor * labor_share
    person_months = labour / c["loaded_cost_per_person_month"]
    out.add("delivery staff (average over the period)", person_months / p.months, "persons",
            "derived", "labour share x line cost of revenue / loaded cost / months")
    out.add("revenue per delivery employee (annualised)",
            rev / (person_months / p.months) * 12 / p.months, cur, "derived",
            "line revenue / delivery staff, annualised")
    delay = round(days / (365.25 / 12)) if days is not None else 3
    out.add("collection delay", float(delay), "months",
            "derived" if days is not None else "assumed",
            "receivable days / 30.4 (one invoice per milestone)")
    scale = c["contract_value"] / rev
    proj = ProjectInputs(
        contract_value=c["contract_value"], delivery_person_months=person_months * scale,
        loaded_cost_per_person_month=c["loaded_cost_per_person_month"],
        delivery_months=int(c["delivery_months"]),
        hardware_passthrough=cor * (1 - labor_share - compute_share) * scale,
        compute_cost=cor * compute_share * scale,
        payments=tuple((int(m), float(s)) for m, s in c["payment_schedule"]),
        acceptance=((int(c["acceptance_month"]), 1.0),), collection_delay_months=delay)
    res = evaluate_project(proj)
    for q, v, u, basis in (
        ("project gross margin", res.gross_margin, "ratio",
         "a project at the line's cost structure (matches the line margin)"),
        ("peak funding need per project", res.peak_funding_need, cur, "cash timeline"),
        ("months to cash positive", None if res.months_to_cash_positive is None
         else float(res.months_to_cash_positive), "months", "cash timeline"),
        ("receivable days the project creates", res.receivable_days, "days", "cash timeline"),
        ("largest contract liability", res.max_contract_liabilities, cur,
         "cash received before acceptance"),
    ):
        out.add(q, v, u, "derived", basis)
    for s, rr in zip(c["reusable_shares"], reusable_share_sweep(proj, c["reusable_shares"]),
                     strict=True):
        out.add(f"at {s:.0%} reusable: gross margin", rr.gross_margin, "ratio", "derived",
                "delivery effort x (1 - reusable share)")
        out.add(f"at {s:.0%} reusable: revenue per delivery employee",
                rr.revenue_per_delivery_employee_year, cur, "derived", "contract value / "
                "delivery staff-years")
    return out.rows
