"""A :class:`~llmecon.report.chartspec.ChartSpec` as a plotly.js figure (data and layout),
for the HTML report and the dashboard."""

from __future__ import annotations

from typing import Any

from llmecon.report.chartspec import Axis, ChartSpec, Trace
from llmecon.report.formatting import LOW_MARK


def text(s: Any) -> Any:
    """Text plotly.js shows as written: it reads a subset of HTML in titles, names and tick
    labels (links, styles), so ``&``, ``<`` and ``>`` go as entities, which it shows as the
    characters. Anything that is not text passes through.

    >>> text('<a href="x">A&B</a>')
    '&lt;a href="x"&gt;A&amp;B&lt;/a&gt;'
    """
    if not isinstance(s, str):
        return s
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _axis(a: Axis) -> dict[str, Any]:
    out: dict[str, Any] = {"title": {"text": text(a.title)}}
    if a.range is not None:
        out["range"] = list(a.range)
    return out


def _traces(t: Trace) -> list[dict[str, Any]]:
    common: dict[str, Any] = {"x": [text(x) for x in t.x], "name": text(t.name),
                              "showlegend": t.legend}
    if t.axis == "y2":
        common["yaxis"] = "y2"
    if any(t.low):  # low-confidence points carry the † mark, as in the tables
        common["text"] = [LOW_MARK if low else "" for low in t.low]
    if t.kind == "bar":
        return [{"type": "bar", **common, "y": list(t.y), "textposition": "outside"}]
    if t.kind == "band":
        upper = {"type": "scatter", **common, "y": list(t.y), "line": {"width": 0},
                 "mode": "lines", "showlegend": False, "hoverinfo": "skip"}
        lower = {"type": "scatter", **common, "y": list(t.y_low), "line": {"width": 0},
                 "mode": "lines", "fill": "tonexty"}
        return [upper, lower]
    line: dict[str, Any] = {"dash": "dash"} if t.dashed else {}
    mode = "lines+markers" if t.markers else "lines"
    return [{"type": "scatter", **common, "y": list(t.y), "line": line,
             "mode": mode + ("+text" if any(t.low) else ""), "textposition": "top center"}]


def figure(spec: ChartSpec) -> dict[str, Any]:
    """``{"id", "data", "layout"}`` ready for ``Plotly.newPlot(id, data, layout)``."""
    data = [d for t in spec.traces for d in _traces(t)]
    layout: dict[str, Any] = {
        "title": {"text": text(spec.title)}, "margin": {"t": 40, "l": 60, "r": 20, "b": 60},
        "legend": {"orientation": "h"}, "xaxis": _axis(spec.x_axis),
        "yaxis": _axis(spec.y_axis), "barmode": spec.bars}
    if not spec.categorical_x:
        layout["xaxis"]["type"] = "linear"
    else:
        layout["xaxis"]["type"] = "category"
    if spec.y2_axis is not None:
        layout["yaxis2"] = {**_axis(spec.y2_axis), "overlaying": "y", "side": "right"}
    if spec.zero_line:
        layout["shapes"] = [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 0,
                             "y1": 0, "line": {"color": "#b3261e", "width": 1}}]
    return {"id": spec.key, "data": data, "layout": layout}
