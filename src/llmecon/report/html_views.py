"""What the HTML templates show, as plain text and numbers: results turned into rows of
strings (formatting happens here and in :mod:`llmecon.report.formatting`, escaping in the
templates)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from llmecon.metrics.tables import SignalsTable, Table
from llmecon.report import formatting as f
from llmecon.report.common import period_pair, source_parts
from llmecon.report.export import change_marked, marked, na_reasons

if TYPE_CHECKING:
    from llmecon.report_data import ReportData

View = dict[str, Any]


def table_view(t: Table) -> View:
    """A metrics table: one column per company-period, a tooltip with each value's basis."""
    heads = [{"text": c.header, "currency": f.CURRENCY_LABEL.get(c.currency, c.currency)}
             for c in t.columns]
    rows = []
    for r in t.rows:
        cells = []
        for mv in r.cells:
            cls = "num" if mv.ok else "num na"
            if mv.ok and mv.confidence in ("low", "medium"):
                cls += f" {mv.confidence}"
            cells.append({"text": marked(mv), "title": mv.basis if mv.ok else mv.why,
                          "cls": cls})
        rows.append({"label": r.label.strip(), "cells": cells})
    # the reasons in print too, not only in a cell's tooltip (a browser audit)
    return {"title": t.title, "heads": heads, "rows": rows, "na": na_reasons(t)}


def signals_view(st: SignalsTable) -> list[View]:
    return [{"company": r.company_id, "label": r.label, "latest": marked(r.latest),
             "period": r.latest.period.label,
             "change": change_marked(r),
             "on": period_pair(r.change_to, r.change_from), "assessment": r.assessment,
             "meaning": r.meaning} for r in st.rows]


def ue_view(t: Any) -> View:
    """A company's unit economics by business line (a UnitEconomicsTable)."""
    from llmecon.report.unit_economics import value_text

    return {"company": t.company_id,
            "rows": [{"line": r.line, "quantity": r.quantity,
                      "value": value_text(r, t.currency), "status": r.status,
                      "basis": r.basis} for r in t.rows]}


def figures_view(data: ReportData) -> list[View]:
    """Every figure with its sources; only http(s) sources become links."""
    from llmecon.statements.io import declared_value

    rows = []
    for c in data.companies:
        for x in c.figures:
            period = x.period.label + (" (interim)" if x.period.is_interim else "") + \
                (" (balance)" if x.period.is_instant else "")
            rows.append({"company": c.id, "item": x.item, "segment": x.segment or "",
                         "period": period, "value": f"{declared_value(x):,.6g}",
                         "unit": f"{x.currency or ''} {x.unit}".strip(), "role": x.role,
                         "confidence": x.confidence, "sources": source_parts(x.source),
                         "note": x.note})
    return rows


def stress_view(runs: Mapping[str, Any]) -> list[View]:
    """One row per run of a company: P(cash < 0), medians at the horizon."""
    return [{"tag": tag if f"financing {r.financing_included}" in tag else
             f"{tag} (financing: {r.financing_included})",
             "prob_cash_out": f.percent(float(r.prob_cash_out[-1])),
             "cash": f.money(float(r.percentiles["cash"][2, -1]), r.currency),
             "revenue": f.money(float(r.revenue_total_percentiles[2]), r.currency),
             "margin": _pct(float(r.gross_margin_total_percentiles[2]), ".1%")}
            for tag, r in runs.items()]


def _pct(v: float | None, fmt: str) -> str:
    if v is None or math.isnan(v) or math.isinf(v):
        return "n/a"
    return f.percent(v, int(fmt[1])) if fmt in (".0%", ".1%") else format(v, fmt)


def _usd(v: float | None) -> str:
    return "" if v is None or math.isnan(v) else f"{v:.3f}"


def inference_view(data: ReportData) -> View:
    rows = [{"company": r.company_id, "model": r.model, "gpu": r.gpu,
             "output": _usd(r.cost_per_m_output_usd), "input": _usd(r.cost_per_m_input_usd),
             "price": "" if r.gpu_hour_price_usd is None else
             f"{r.gpu_hour_price_usd:g} ({r.price_basis})", "why": r.why}
            for r in data.inference]
    margin = [{"company": cid, "now": _pct(m.current_gross_margin, ".1%"),
               "target": _pct(m.target_gross_margin, ".0%"),
               "multiplier": "n/a" if m.cost_multiplier is None
               else f"{m.cost_multiplier:.2f}x",
               "decline": "" if m.yearly_decline_1y is None
               else "none needed" if m.cost_multiplier is not None and m.cost_multiplier >= 1
               else _pct(m.yearly_decline_1y, ".0%"), "why": m.why}
              for cid, m in data.cost_for_margin.items()]
    from llmecon.report.inference import expected_error

    note = ("Token costs from the serving model (TensorRT-LLM's fitted factors unless a "
            "deployment names another engine), each at its GPU's bundled GPU-hour price, "
            "whose basis differs (a rental list price, an implied price, an owner's cost): "
            "compare GPUs on one basis (llmecon inference cost --gpu-price); "
            f"{expected_error(data.inference_accuracy)}.")
    return {"rows": rows, "margin": margin, "note": note}


def sim_view(r: Any) -> View:
    """A run's summary: percentiles of cash, revenue, margin and runway; P(cash < 0)."""
    from llmecon.simulate.run import PERCENTILES

    s = r.summary()
    rows = [("cash at horizon", [f.money(v, r.currency) for v in s["cash_at_horizon"].values()]),
            ("revenue over horizon", [f.money(float(v), r.currency)
                                      for v in r.revenue_total_percentiles]),
            ("gross margin over horizon", [_pct(float(v), ".1%")
                                           for v in r.gross_margin_total_percentiles]),
            ("runway (month cash first < 0)",
             ["beyond" if math.isinf(v) else
              f"{v:.0f}" + ("" if (d := r.month_end_of(v)) is None else f" ({d:%b %Y})")
              for v in r.runway_percentiles])]
    ends = r.month_ends
    return {"company": r.company, "tag": "+".join(r.stresses) or "base",
            "paths": f"{r.paths:,}", "months": r.horizon_months,
            "span": f"{ends[0]:%b %Y} to {ends[-1]:%b %Y}" if ends else "",
            "financing": r.financing_included,
            "prob_cash_out": _pct(s["prob_cash_out_by_horizon"], ".1%"),
            "percentiles": [f"p{q}" for q in PERCENTILES],
            "rows": [{"label": k, "values": v} for k, v in rows]}


def serving_view(r: Any) -> list[tuple[str, str]]:
    """A ServingResult's quantities as (name, value) pairs, the configuration left out."""
    return [(k, str(v)) for k, v in r.to_dict().items() if k != "config"]

