"""Presenters for unit economics and retention results."""

from __future__ import annotations

import io
import json
import math
from typing import Any

from rich.table import Table as RichTable
from rich.text import Text

from llmecon.report.common import jsonable
from llmecon.report.formatting import CURRENCY_LABEL, LOW_MARK, compact, money, percent
from llmecon.report.richtext import plain
from llmecon.textcells import CsvWriter
from llmecon.unit_economics.company import UERow, UnitEconomicsTable
from llmecon.unit_economics.retention import SBGFit

_STYLE = {"disclosed": "green", "derived": "cyan", "assumed": "yellow", "n/a": "dim"}


def value_text(row: UERow, currency: str) -> str:
    """A row's value as text, marked † when of low confidence."""
    text = _value_text(row, currency)
    return text + LOW_MARK if row.confidence == "low" and text != "n/a" else text


def _value_text(row: UERow, currency: str) -> str:
    v = row.value
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    if math.isinf(v):
        return "never" if row.unit == "months" else "inf"
    u = row.unit
    if u == "ratio":
        return percent(v)
    if u == currency or u.startswith(currency + " "):  # money, or "CNY per customer"
        text = money(v, currency) if abs(v) >= 1e3 else \
            f"{CURRENCY_LABEL.get(currency, currency)} {v:,.4g}"
        return text + u[len(currency):]
    if u in ("users", "tokens") and abs(v) >= 1e6:  # 24.34bn, not 24,338.97m
        return next(f"{v / d:,.2f}{s}" for d, s in ((1e12, "T"), (1e9, "bn"), (1e6, "m"))
                    if abs(v) >= d)
    if u == "x" and 0 < abs(v) < 0.1:  # a small multiple keeps its digits: 0.0036x
        return f"{v:.2g}x"
    if u in ("x", "months", "days", "persons"):
        return f"{v:,.2f} {'' if u == 'x' else u}".strip() + ("x" if u == "x" else "")
    return f"{compact(v)} {u}".strip()


def ue_table(t: UnitEconomicsTable) -> RichTable:
    low = any(r.confidence == "low" for r in t.rows)
    rt = RichTable(title=plain(f"Unit economics of {t.company_id} by business line"),
                   title_justify="left", header_style="bold",
                   caption=plain(f"{LOW_MARK} low confidence: an input of low confidence or "
                                 "one that misfits the period (the basis says why)")
                   if low else None, caption_justify="left")
    for c in ("line", "quantity", "value", "status", "basis"):
        rt.add_column(c, justify="right" if c == "value" else "left", overflow="fold")
    last = None
    for r in t.rows:
        line = f"{r.line} ({r.role})" if r.line != last else ""
        last = r.line
        rt.add_row(plain(line), plain(r.quantity), plain(value_text(r, t.currency)),
                   plain(r.status, style=_STYLE[r.status]), plain(r.basis))
    return rt


def ue_json(t: UnitEconomicsTable) -> str:
    return json.dumps(ue_dict(t), indent=2, default=str, allow_nan=False)


def ue_dict(t: UnitEconomicsTable) -> dict[str, Any]:
    """A company's unit economics as plain data (NaN as null)."""
    return {"company": t.company_id, "currency": t.currency,
            "rows": [jsonable(dict(r.__dict__)) for r in t.rows]}


def ue_csv(t: UnitEconomicsTable) -> str:
    out = io.StringIO()
    w = CsvWriter(out)
    w.writerow(["company", "line", "role", "quantity", "value", "unit", "status", "basis",
                "confidence"])
    for r in t.rows:
        w.writerow([t.company_id, r.line, r.role, r.quantity, "" if r.value is None
                    else r.value, r.unit, r.status, r.basis, r.confidence])
    return out.getvalue()


def _se(x: float) -> str:
    """A standard error, or why there is none."""
    return f"{x:.3g}" if x == x else "n/a: the data barely identify the fit"


def sbg_table(fit: SBGFit, horizon: int, actual: list[float] | None = None) -> RichTable:
    """Fitted survival, retention and expected counts; ``actual`` counts beside them (the
    full series when the fit used only the first periods)."""
    rt = RichTable(title=(f"sBG fit: alpha = {fit.alpha:.4g} (se {_se(fit.alpha_se)}), beta = "
                          f"{fit.beta:.4g} (se {_se(fit.beta_se)}); chi-square "
                          f"{fit.chi_square:.3g}"
                          f" on {fit.degrees_of_freedom} df, p = {fit.p_value:.3g}"),
                   title_justify="left", header_style="bold")
    for c in ("period", "survival", "retention rate", "expected alive", "actual alive"):
        rt.add_column(c, justify="right")
    d: dict[str, Any] = fit.to_dict(horizon)
    calibrated = len(fit.cohorts[0].alive)
    actual = actual if actual is not None else list(fit.cohorts[0].alive)
    for row in d["projection"]:
        style = "" if row["period"] < calibrated else "italic"
        rt.add_row(str(row["period"]), f"{row['survival']:.4f}",
                   "" if row["retention_rate"] is None else f"{row['retention_rate']:.4f}",
                   Text(f"{row['expected_alive']:,.1f}", style=style),
                   f"{actual[row['period']]:,.0f}" if row["period"] < len(actual) else "")
    return rt


def lifetime_text(fit: SBGFit, median: float, discount_rate: float) -> str:
    """The expected, median and discounted lifetimes of a fit as a line or two; an
    infinite mean (alpha <= 1) is said so, with why, and the median given instead.
    """
    life = fit.expected_lifetime
    med = ("beyond 10^15 periods: half of a cohort is never seen to churn" if math.isinf(median)
           else "n/a (the survival curve is not a number)" if math.isnan(median)
           else f"{median:,.0f} periods (half of a cohort has churned by then)")
    derl = (f"discounted expected residual lifetime at {discount_rate:.0%}: "
            f"{fit.derl(discount_rate):.3f} periods")
    if math.isfinite(life):
        return f"expected lifetime: {life:.3g} periods; median lifetime: {med}; {derl}"
    return (f"expected lifetime: infinite mean (alpha = {fit.alpha:.3g} <= 1: the "
            "churn-probability distribution has heavy mass near 0, so a share of customers "
            f"almost never leaves)\nmedian lifetime: {med}; {derl}")
