"""A self-contained HTML report: tables, signals, charts (plotly.js embedded), sources.

The file opens offline: the charting library is inlined and no resource is fetched.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Sequence
from typing import Any

from llmecon.metrics.tables import SignalsTable, Table
from llmecon.report import formatting as f
from llmecon.report_data import ReportData
from llmecon.simulate.run import PERCENTILES

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330}
header{background:#0f2a44;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;opacity:.85;font-size:13px}main{padding:8px 28px 40px;max-width:1280px}
h2{border-bottom:2px solid #0f2a44;padding-bottom:4px;margin-top:32px}
table{border-collapse:collapse;font-size:13px;margin:8px 0 4px}
th,td{border:1px solid #d7dce3;padding:4px 8px}th{background:#eef2f7;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}td.na{color:#8a94a6}
.good{color:#137333;font-weight:600}.bad{color:#b3261e;font-weight:600}
.neutral{color:#8a6d00}.note{font-size:12px;color:#5b6575;max-width:1000px}
.chart{width:100%;height:380px;margin:6px 0 18px}.grid{display:grid;
grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:12px}.grid>div{min-width:0}
nav a{margin-right:14px;font-size:13px}.low{background:#fff6e0}
"""


def _e(x: object) -> str:
    return html.escape(str(x))


def _chart(div: str, data: list[dict[str, Any]], layout: dict[str, Any]) -> str:
    layout = {"margin": {"t": 40, "l": 60, "r": 20, "b": 60}, "legend": {"orientation": "h"},
              **layout}
    # plotly.js 3 takes titles as {"text": ...}
    for key in ("title", "xaxis", "yaxis", "yaxis2"):
        v = layout.get(key)
        if key == "title" and isinstance(v, str):
            layout[key] = {"text": v}
        elif isinstance(v, dict) and isinstance(v.get("title"), str):
            layout[key] = {**v, "title": {"text": v["title"]}}
    return (f'<div class="chart" id="{div}" data-chart="1"></div><script>'
            f'document.addEventListener("DOMContentLoaded",()=>Plotly.newPlot('
            f'"{div}",{json.dumps(data, allow_nan=False, default=_nan)},'
            f'{json.dumps(layout)},{{displaylogo:false,responsive:true}}));</script>')


def _nan(o: object) -> None:
    return None


def _clean(values: Sequence[float | None], scale: float = 1.0) -> list[float | None]:
    out: list[float | None] = []
    for v in values:
        out.append(None if v is None or (isinstance(v, float) and (math.isnan(v) or
                                                                   math.isinf(v)))
                   else v * scale)
    return out


def table_html(t: Table) -> str:
    head = "".join(f"<th>{_e(c.header)}<br><small>money in "
                   f"{_e(f.CURRENCY_LABEL.get(c.currency, c.currency))}</small></th>"
                   for c in t.columns)
    rows = []
    for r in t.rows:
        cells = []
        for mv in r.cells:
            title = _e(mv.basis if mv.ok else mv.why)
            cls = "num" if mv.ok else "num na"
            if mv.confidence == "low" and mv.ok:
                cls += " low"
            cells.append(f'<td class="{cls}" title="{title}">{_e(f.cell(mv))}</td>')
        rows.append(f"<tr><td>{_e(r.label.strip())}</td>{''.join(cells)}</tr>")
    return (f'<h3>{_e(t.title)}</h3><table data-table="{_e(t.title)}"><tr><th>metric</th>'
            f'{head}</tr>{"".join(rows)}</table>')


def signals_html(st: SignalsTable) -> str:
    rows = []
    for r in st.rows:
        on = (f"{r.change_to.period.label} vs {r.change_from.period.label}"
              if r.change_to and r.change_from else "")
        rows.append(f"<tr><td>{_e(r.company_id)}</td><td>{_e(r.label)}</td>"
                    f'<td class="num">{_e(f.cell(r.latest))}</td><td>{_e(r.latest.period)}</td>'
                    f'<td class="num">{_e(f.change(r.change, r.change_kind))}</td><td>{_e(on)}'
                    f'</td><td class="{r.assessment}">{_e(r.assessment)}</td>'
                    f"<td>{_e(r.meaning)}</td></tr>")
    return ('<table data-table="Signals"><tr><th>company</th><th>signal</th><th>latest</th>'
            "<th>period</th><th>change</th><th>on</th><th>for the model</th>"
            f"<th>what it means</th></tr>{''.join(rows)}</table>")


def ue_html(t: Any) -> str:
    from llmecon.report.unit_economics import value_text

    rows = "".join(
        f"<tr><td>{_e(r.line)}</td><td>{_e(r.quantity)}</td>"
        f'<td class="num">{_e(value_text(r, t.currency))}</td><td>{_e(r.status)}</td>'
        f"<td>{_e(r.basis)}</td></tr>" for r in t.rows)
    return (f'<table data-table="ue-{_e(t.company_id)}"><tr><th>line</th><th>quantity</th>'
            f"<th>value</th><th>status</th><th>basis</th></tr>{rows}</table>")


def _appendix(data: ReportData) -> str:
    from llmecon.statements.io import declared_value

    rows = []
    for c in data.companies:
        for x in c.figures:
            links = " ".join(f'<a href="{_e(u.strip())}" rel="noreferrer">{i + 1}</a>'
                             for i, u in enumerate(x.source.split(" | ")) if u.strip())
            period = x.period.label + (" (interim)" if x.period.is_interim else "") + \
                (" (balance)" if x.period.is_instant else "")
            rows.append(f"<tr><td>{_e(c.id)}</td><td>{_e(x.item)}</td><td>{_e(x.segment or '')}"
                        f"</td><td>{_e(period)}</td><td class=\"num\">"
                        f"{declared_value(x):,.6g}</td><td>{_e((x.currency or '') + ' ' + x.unit)}"
                        f"</td><td>{_e(x.role)}</td><td>{_e(x.confidence)}</td><td>{links}</td>"
                        f"<td>{_e(x.note)}</td></tr>")
    return ('<table data-table="Figures"><tr><th>company</th><th>item</th><th>segment</th>'
            "<th>period</th><th>value</th><th>unit</th><th>role</th><th>confidence</th>"
            f"<th>sources</th><th>note</th></tr>{''.join(rows)}</table>")


def _company_charts(data: ReportData) -> str:
    out = []
    for cs in data.series:
        cur = f.CURRENCY_LABEL.get(cs.currency, cs.currency)
        x = cs.period_labels
        s = cs.series
        k = cs.company_id
        out.append(f"<h3>{_e(cs.name)}</h3><div class='grid'>")
        out.append(_chart(f"rev-{k}", [
            {"type": "bar", "name": "Revenue", "x": x, "y": _clean(s["revenue"].values, 1e-6)},
            {"type": "scatter", "mode": "lines+markers", "name": "Net loss", "x": x,
             "y": _clean(s["net_loss"].values, 1e-6)},
            {"type": "scatter", "mode": "lines+markers", "name": "Adjusted net loss", "x": x,
             "y": _clean(s["adjusted_net_loss"].values, 1e-6)}],
            {"title": f"Revenue and losses ({cur} m)"}))
        out.append(_chart(f"cost-{k}", [
            {"type": "bar", "name": s[key].label, "x": x, "y": _clean(s[key].values, 1e-6)}
            for key in ("cost_of_revenue", "rd_expense", "selling_marketing_expense")],
            {"title": f"Cost structure by period ({cur} m)", "barmode": "group"}))
        lines = [key for key in s if key.startswith("gross_margin[")]
        out.append(_chart(f"gm-{k}", [
            {"type": "scatter", "mode": "lines+markers", "name": s[key].label, "x": x,
             "y": _clean(s[key].values, 100)} for key in ["gross_margin", *lines]],
            {"title": "Gross margin by line (%)"}))
        mix = [key for key in s if key.startswith("revenue_share[")]
        out.append(_chart(f"mix-{k}", [
            {"type": "bar", "name": s[key].label.replace("Share of revenue: ", ""), "x": x,
             "y": _clean(s[key].values, 100)} for key in mix],
            {"title": "Revenue mix (% of revenue)", "barmode": "stack"}))
        out.append(_chart(f"compute-{k}", [
            {"type": "scatter", "mode": "lines+markers", "name": s[key].label, "x": x,
             "y": _clean(s[key].values, 100)} for key in ("rd_to_revenue",
                                                          "rd_compute_to_revenue")],
            {"title": "Compute intensity (% of revenue)"}))
        out.append(_chart(f"cash-{k}", [
            {"type": "bar", "name": f"Cash + short-term investments ({cur} m)", "x": x,
             "y": _clean(s["cash_resources"].values, 1e-6)},
            {"type": "scatter", "mode": "lines+markers", "name": "Runway (months)", "x": x,
             "y": _clean(s["runway"].values), "yaxis": "y2"}],
            {"title": "Cash and runway", "yaxis2": {"overlaying": "y", "side": "right",
                                                    "title": "months"}}))
        out.append("</div>")
    return "".join(out)


def _fans(data: ReportData) -> str:
    out = []
    for cid, runs in data.simulations.items():
        base = runs["base"]
        cur = f.CURRENCY_LABEL.get(base.currency, base.currency)
        months = list(range(1, base.horizon_months + 1))
        traces: list[dict[str, Any]] = []
        pc = base.percentiles["cash"] / 1e6
        lo, hi = PERCENTILES.index(5), PERCENTILES.index(95)
        traces.append({"type": "scatter", "x": months, "y": _clean(list(pc[hi])),
                       "line": {"width": 0}, "name": "p95", "showlegend": False})
        traces.append({"type": "scatter", "x": months, "y": _clean(list(pc[lo])),
                       "fill": "tonexty", "line": {"width": 0}, "name": "base p5-p95"})
        for tag, r in runs.items():
            traces.append({"type": "scatter", "x": months, "name": f"{tag} median",
                           "y": _clean(list(r.percentiles["cash"][PERCENTILES.index(50)] / 1e6))})
        out.append("<div class='grid'>")
        out.append(_chart(f"fan-{cid}", traces, {"title": f"{cid}: cash fan ({cur} m, "
                                                          f"{base.paths:,} paths)",
                                                 "xaxis": {"title": "month"}}))
        out.append(_chart(f"cashout-{cid}", [
            {"type": "scatter", "x": months, "name": tag, "y": _clean(list(r.prob_cash_out
                                                                            * 100))}
            for tag, r in runs.items()],
            {"title": f"{cid}: probability cash has run out (%)", "xaxis": {"title": "month"},
             "yaxis": {"range": [0, 100]}}))
        out.append("</div>")
        rows = "".join(
            f"<tr><td>{_e(tag)}</td><td class='num'>{r.prob_cash_out[-1]:.1%}</td>"
            f"<td class='num'>{_e(f.money(float(r.percentiles['cash'][2, -1]), r.currency))}"
            f"</td><td class='num'>{_e(f.money(float(r.revenue_total_percentiles[2]), r.currency))}"
            f"</td><td class='num'>{r.gross_margin_total_percentiles[2]:.1%}</td></tr>"
            for tag, r in runs.items())
        out.append(f"<table data-table='stress-{_e(cid)}'><tr><th>scenario</th><th>P(cash &lt; 0 "
                   "within horizon)</th><th>median cash at horizon</th><th>median revenue over "
                   f"horizon</th><th>median gross margin over horizon</th></tr>{rows}</table>")
    return "".join(out)


def _inference(data: ReportData) -> str:
    traces = []
    for cid in {r.company_id for r in data.inference}:
        rows = [r for r in data.inference if r.company_id == cid]
        traces.append({"type": "bar", "name": f"{cid}: {rows[0].model}",
                       "x": [r.gpu for r in rows],
                       "y": [r.cost_per_m_output_usd for r in rows]})
    chart = _chart("inference-cost", traces, {"title": "Cost per million output tokens (USD), "
                                                  "the companies' models by GPU",
                                         "barmode": "group"})
    def usd(v: float | None) -> str:
        return "" if v is None else f"{v:.3f}"

    table_rows = "".join(
        f"<tr><td>{_e(r.company_id)}</td><td>{_e(r.model)}</td><td>{_e(r.gpu)}</td>"
        f"<td class='num'>{usd(r.cost_per_m_output_usd)}</td><td class='num'>"
        f"{usd(r.cost_per_m_input_usd)}</td><td>{_e(r.why)}</td></tr>" for r in data.inference)
    margin_rows = "".join(
        f"<tr><td>{_e(cid)}</td><td class='num'>{m.current_gross_margin:.1%}</td>"
        f"<td class='num'>{m.target_gross_margin:.0%}</td><td class='num'>"
        f"{'n/a' if m.cost_multiplier is None else f'{m.cost_multiplier:.2f}x'}</td>"
        f"<td class='num'>{'' if m.yearly_decline_1y is None else f'{m.yearly_decline_1y:.0%}'}"
        f"</td><td>{_e(m.why)}</td></tr>" for cid, m in data.cost_for_margin.items())
    return (chart + "<table data-table='inference'><tr><th>company</th><th>model</th><th>GPU</th>"
            "<th>USD per M output</th><th>USD per M input (miss)</th><th>note</th></tr>"
            f"{table_rows}</table><h3>Token cost needed for the target gross margin at "
            "today's scale</h3><table data-table='cost-for-margin'><tr><th>company</th>"
            "<th>gross margin now"
            "</th><th>target</th><th>token cost needed (x today)</th><th>decline within a year"
            f"</th><th>note</th></tr>{margin_rows}</table>")


def render(data: ReportData, plotly_js: str) -> str:
    names = " vs ".join(c.name for c in data.companies)
    sections = [
        ("tables", "The two tables", table_html(data.unit_economics)
         + table_html(data.cash_flow)),
        ("signals", "Signals", signals_html(data.signals)),
        ("trends", "Trends", _company_charts(data)),
        ("unit-economics", "Unit economics by line",
         "".join(f"<h3>{_e(t.company_id)}</h3>{ue_html(t)}" for t in data.ue_lines)),
        ("inference", "Inference economics", _inference(data)),
        ("stress", "Stress tests", _fans(data)),
        ("appendix", "Appendix: every figure with its source", _appendix(data)),
    ]
    nav = "".join(f'<a href="#{k}">{_e(t)}</a>' for k, t, _ in sections)
    body = "".join(f'<section id="{k}"><h2>{_e(t)}</h2>{b}</section>' for k, t, b in sections)
    legend = _e(f.LEGEND)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>llmecon report: {_e(names)}</title><style>{CSS}</style>"
        f"<script>{plotly_js}</script></head><body><header><h1>{_e(names)}</h1>"
        f"<p>Disclosed figures from secondary sources (confidence shown on every figure); "
        f"projections: {data.paths:,} paths, {data.horizon} months, seed {data.seed}. "
        f"{legend}</p></header><main><nav>{nav}</nav>{body}</main></body></html>")


def plotly_js() -> str:
    """The plotly.js bundle shipped with the plotly package (no network)."""
    from plotly.offline import get_plotlyjs

    js: str = get_plotlyjs()
    return js


def sim_html(r: Any) -> str:
    """A run's summary (percentiles of runway, revenue, margin; cash-out probability)."""
    s = r.summary()
    cells = "".join(f"<th>p{q}</th>" for q in PERCENTILES)
    rows = [("cash at horizon", [f.money(v, r.currency) for v in s["cash_at_horizon"].values()]),
            ("revenue over horizon", [f.money(float(v), r.currency)
                                      for v in r.revenue_total_percentiles]),
            ("gross margin over horizon", [f"{v:.1%}" for v in r.gross_margin_total_percentiles]),
            ("runway (month)", ["beyond" if math.isinf(v) else f"{v:.0f}"
                                for v in r.runway_percentiles])]
    body = "".join(f"<tr><td>{_e(k)}</td>" + "".join(f"<td class='num'>{_e(x)}</td>" for x in v)
                   + "</tr>" for k, v in rows)
    return (f"<p>{_e(r.company)} {_e('+'.join(r.stresses) or 'base')}: {r.paths:,} paths, "
            f"{r.horizon_months} months, P(cash &lt; 0) {s['prob_cash_out_by_horizon']:.1%}</p>"
            f"<table><tr><th></th>{cells}</tr>{body}</table>")
