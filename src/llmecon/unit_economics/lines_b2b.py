"""Rows of a B2B project line: a project at the line's disclosed cost structure, its cash
timeline, and the reusable-share sweep (:mod:`llmecon.unit_economics.b2b`)."""

from __future__ import annotations

import math

from llmecon import formulas as f
from llmecon.unit_economics.b2b import (
    ProjectInputs,
    ProjectResult,
    collection_delay,
    evaluate_project,
    reusable_share_sweep,
)
from llmecon.unit_economics.b2b_acquisition import b2b_acquisition
from llmecon.unit_economics.cost_split import project_cost_split
from llmecon.unit_economics.rows import (
    LineInputs,
    Rows,
    UERow,
    about_line,
    credit_receivable_days,
    get,
    line_start,
    row_confidence,
)


def b2b_rows(x: LineInputs, line: str) -> list[UERow]:
    """The rows of one B2B project line."""
    start = line_start(x, line, "B2B project", "revenue")
    out, p, cur, r, c = start.rows, start.period, x.currency, x.resolver, x.assumptions.b2b
    rev = out.tagged("revenue", start.revenue, cur)
    gm = out.tagged("gross margin", start.gross_margin, "ratio")
    out.tagged("labour share of cost of revenue (company)",
               get(r, "cost_of_revenue_labor_share", p), "ratio")
    out.tagged("compute share of cost of revenue (company)",
               get(r, "cost_of_revenue_compute_share", p), "ratio")
    split = project_cost_split(x.company, r, p)
    labor_share = compute_share = None
    if split is not None:  # as sure as the figures the split rests on
        conf = row_confidence(split.confidence)
        compute_share = out.add("compute share of the project lines' cost of revenue",
                                split.compute_share, "ratio", "derived", split.basis, conf)
        if split.labour_share is not None:
            labor_share = out.add("labour share of the project lines' cost of revenue",
                                  split.labour_share, "ratio", "derived",
                                  split.labour_basis, conf)
    out.tagged("receivable days (company)", get(r, "receivable_days", p), "days")
    days = out.tagged("receivable days on the project lines' revenue",
                      credit_receivable_days(x, p), "days")
    for k in ("contract_value", "loaded_cost_per_person_month", "delivery_months",
              "acceptance_month"):
        out.add(k.replace("_", " "), float(getattr(c, k)), cur if "value" in k or "cost" in k
                else "months", "assumed", "assumptions: b2b." + k)
    if split is None or rev is None or gm is None or labor_share is None \
            or compute_share is None:
        out.add("project economics", None, "", "n/a", "missing line revenue, gross margin or "
                "the cost-of-revenue split")
        return out.rows
    cor = float(f.cost_from_gross_margin(rev, gm))
    person_months = cor * labor_share / c.loaded_cost_per_person_month
    out.add("delivery staff (average over the period)", person_months / p.months, "persons",
            "derived", "labour share of the project lines' cost x line cost of revenue / "
            "loaded cost / months")
    seasonal = "" if p.months >= 12 else (
        f"; a {p.months:g}-month period scaled to a year: where projects are accepted late in "
        "the year (Zhipu's first halves), this understates the year")
    out.add("revenue per delivery employee (annualised)",
            float(f.revenue_per_employee(rev, person_months / p.months, p.months)), cur,
            "derived", "line revenue / delivery staff, annualised" + seasonal)
    delay, how = collection_delay(days, c.payment_schedule)
    out.add("collection delay", float(delay), "months",
            "derived" if days is not None else "assumed", f"{how} (each invoice)")
    scale = c.contract_value / rev
    with about_line(x.company, line, p):
        proj = ProjectInputs(
            contract_value=c.contract_value, delivery_person_months=person_months * scale,
            loaded_cost_per_person_month=c.loaded_cost_per_person_month,
            delivery_months=c.delivery_months,
            hardware_passthrough=cor * split.hardware_share * scale,
            compute_cost=cor * compute_share * scale, payments=c.payment_schedule,
            acceptance=((c.acceptance_month, 1.0),), collection_delay_months=delay)
    _project_rows(out, evaluate_project(proj), cur)
    _sweep_rows(out, proj, c.reusable_shares, cur)
    _acquisition_rows(x, line, out)
    return out.rows


def _acquisition_rows(x: LineInputs, line: str, out: Rows) -> None:
    """Company-wide B2B CAC and payback, shown on the first project line."""
    first = next(ln for ln in x.company.lines if ln != x.company.platform_line)
    got = b2b_acquisition(x) if line == first else None
    if got is None:
        return
    for d, q in zip(got.drivers, ("CAC per new customer (company)",
                                  "gross profit per customer per month (company)",
                                  "CAC payback (company, customers)"), strict=True):
        out.driver(q, d)


def _project_rows(out: Rows, res: ProjectResult, cur: str) -> None:
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


def _sweep_rows(out: Rows, proj: ProjectInputs, shares: tuple[float, ...], cur: str) -> None:
    for s, rr in zip(shares, reusable_share_sweep(proj, shares), strict=True):
        out.add(f"at {s:.0%} reusable: gross margin", rr.gross_margin, "ratio", "derived",
                "delivery effort x (1 - reusable share)")
        per = rr.revenue_per_delivery_employee_year
        out.add(f"at {s:.0%} reusable: revenue per delivery employee",
                per if math.isfinite(per) else None, cur, "derived",
                "contract value / delivery staff-years" if math.isfinite(per) else
                "no delivery staff when all delivery is reusable")
