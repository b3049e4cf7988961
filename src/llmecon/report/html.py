"""A self-contained HTML report: tables, signals, charts (plotly.js embedded), sources.

The page comes from Jinja2 templates (``report/templates``) with autoescaping on; chart data
goes into one JSON ``<script>`` block with ``<``, ``>`` and ``&`` escaped; element ids are
made of safe characters; only http(s) sources become links. The file opens offline: the
charting library is inlined and no resource is fetched.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from llmecon.report import html_views as views
from llmecon.report.chartspec import (
    TREND_KINDS,
    cash_out_chart,
    fan_chart,
    inference_chart,
    trend_chart,
)
from llmecon.report.common import script_json
from llmecon.report.export import legend
from llmecon.report.formatting import CURRENCY_LABEL
from llmecon.report.plotly_figure import figure
from llmecon.report.simulate import sensitivity_note

if TYPE_CHECKING:
    import jinja2

    from llmecon.metrics.tables import SignalsTable, Table
    from llmecon.report_data import ReportData

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330}
header{background:#0f2a44;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;opacity:.85;font-size:13px}main{padding:8px 28px 40px;max-width:1280px}
h2{border-bottom:2px solid #0f2a44;padding-bottom:4px;margin-top:32px}
table{border-collapse:collapse;font-size:13px;margin:8px 0 4px}
th,td{border:1px solid #d7dce3;padding:4px 8px}th{background:#eef2f7;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}td.na{color:#8a94a6}
.good{color:#137333;font-weight:600}.bad{color:#b3261e;font-weight:600}
.neutral{color:#8a6d00}.note,.na-notes{font-size:12px;color:#5b6575;max-width:1000px}
.chart{width:100%;height:380px;margin:6px 0 18px}.grid{display:grid;
grid-template-columns:repeat(auto-fit,minmax(min(520px,100%),1fr));gap:12px}.grid>div{min-width:0}
nav a{margin-right:14px;font-size:13px}.low{background:#fff6e0}.medium{background:#f6f8fc}
.src{color:#5b6575}
table[data-table=Figures] td{overflow-wrap:anywhere;max-width:420px}
header h1{overflow-wrap:anywhere}
@media print{main{max-width:none;padding:0 8px}.grid{display:block}
.chart{break-inside:avoid}tr{break-inside:avoid}}
"""

SECTIONS = (("tables", "The two tables"), ("signals", "Signals"), ("trends", "Trends"),
            ("unit-economics", "Unit economics by line"), ("inference", "Inference economics"),
            ("stress", "Stress tests"), ("appendix", "Appendix: every figure with its source"))


@cache
def environment() -> jinja2.Environment:
    """The templates of the report package, autoescaping every one of them."""
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("llmecon.report", "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


def _part(macro: str, *args: Any) -> str:
    return str(getattr(environment().get_template("parts.html.j2").module, macro)(*args))


def table_html(t: Table) -> str:
    """A metrics table as an HTML fragment."""
    return _part("metrics_table", views.table_view(t))


def signals_html(st: SignalsTable) -> str:
    """The signals as an HTML fragment."""
    return _part("signals_table", views.signals_view(st))


def ue_html(t: Any) -> str:
    """A company's unit economics by line (a UnitEconomicsTable) as an HTML fragment."""
    return _part("ue_table", views.ue_view(t))


def sim_html(r: Any) -> str:
    """A run's summary (a SimResult) as an HTML fragment."""
    return _part("sim_summary", views.sim_view(r))


def serving_html(r: Any) -> str:
    """A ServingResult's quantities as an HTML fragment."""
    return _part("key_values", views.serving_view(r))


def _charts(data: ReportData) -> tuple[list[dict[str, Any]], list[dict[str, Any]],
                                        dict[str, Any], list[dict[str, Any]]]:
    figures: list[dict[str, Any]] = []

    def add(spec: Any) -> dict[str, str]:
        figures.append(figure(spec))
        return {"id": spec.key}

    trends = [{"name": cs.name, "charts": [add(trend_chart(k, cs)) for k in TREND_KINDS]}
              for cs in data.series]
    inference = add(inference_chart(data.inference))
    stress = [{"company": cid, "fan": add(fan_chart(cid, runs)),
               "cash_out": add(cash_out_chart(cid, runs)), "rows": views.stress_view(runs),
               "note": sensitivity_note(data.sensitivity.get(cid))}
              for cid, runs in data.simulations.items()]
    return figures, trends, inference, stress


def _safe_script(js: str) -> str:
    """A script's text that cannot close its element early."""
    return js.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def render(data: ReportData, plotly_js: str) -> str:
    """The report page (a complete HTML document)."""
    from markupsafe import Markup

    figures, trends, inference, stress = _charts(data)
    return environment().get_template("report.html.j2").render(
        names=" vs ".join(c.name for c in data.companies), css=Markup(CSS),
        plotly_js=Markup(_safe_script(plotly_js)), paths=f"{data.paths:,}",
        horizon=data.horizon, seed=data.seed,
        legend=legend([data.unit_economics, data.cash_flow], data.signals),
        sections=[{"id": k, "title": t} for k, t in SECTIONS],
        unit_economics=views.table_view(data.unit_economics),
        cash_flow=views.table_view(data.cash_flow), signals=views.signals_view(data.signals),
        trends=trends, ue_lines=[views.ue_view(t) for t in data.ue_lines],
        inference_chart=inference, inference=views.inference_view(data), stress=stress,
        figures=views.figures_view(data), charts_json=Markup(script_json(figures)),
        not_modelled=data.not_modelled, not_projected=data.not_projected,
        currency=data.currency and CURRENCY_LABEL.get(data.currency, data.currency))


def plotly_js() -> str:
    """The plotly.js bundle shipped with the plotly package (no network)."""
    from plotly.offline import get_plotlyjs

    js: str = get_plotlyjs()
    return js
