"""A :class:`~llmecon.report.chartspec.ChartSpec` as a plotly.js figure (data and layout),
for the HTML report and the dashboard."""

from __future__ import annotations

import textwrap
from typing import Any

from llmecon.report.chartspec import Axis, ChartSpec, Trace


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


#: Labels on a long categorical x axis (a 36-month fan: every sixth month).
HTML_MONTH_LABELS = 6
#: Characters on a line of an axis title, and of a chart's title.
AXIS_TITLE_CHARS = 40
CHART_TITLE_CHARS = 50


def _axis(a: Axis) -> dict[str, Any]:
    # automargin: the margins grow to hold the tick labels and the title (fixed margins cut
    # the right axis's labels and put the x title under the legend)
    # a long title on lines of at most 40 characters (plotly does not wrap: on a phone the
    # interim periods' explanation ran past both sides of the chart)
    title = "<br>".join(textwrap.wrap(text(a.title), AXIS_TITLE_CHARS))
    out: dict[str, Any] = {"title": {"text": title}, "automargin": True}
    if a.range is not None:
        out["range"] = list(a.range)
    return out


def _traces(t: Trace) -> list[dict[str, Any]]:
    common: dict[str, Any] = {"x": [text(x) for x in t.x], "name": text(t.name),
                              "showlegend": t.legend}
    if t.axis == "y2":
        common["yaxis"] = "y2"
    marks = [t.mark(i) for i in range(len(t.x))]
    if any(marks):  # † low confidence, ° single source, as in the tables
        common["text"] = marks
    if t.kind == "bar":
        bar: dict[str, Any] = {"type": "bar", **common, "y": list(t.y),
                               "textposition": "outside"}
        if any(t.interim):  # interim periods' bars hatched
            bar["marker"] = {"pattern": {"shape": ["/" if i else "" for i in t.interim]}}
        return [bar]
    if t.kind == "band":
        upper = {"type": "scatter", **common, "y": list(t.y), "line": {"width": 0},
                 "mode": "lines", "showlegend": False, "hoverinfo": "skip"}
        lower = {"type": "scatter", **common, "y": list(t.y_low), "line": {"width": 0},
                 "mode": "lines", "fill": "tonexty"}
        return [upper, lower]
    line: dict[str, Any] = {"dash": "dash"} if t.dashed else {}
    mode = "lines+markers" if t.markers else "lines"
    if not t.joined:  # points that stand alone: no line between them
        mode = "markers"
    return [{"type": "scatter", **common, "y": list(t.y), "line": line,
             "mode": mode + ("+text" if any(marks) else ""), "textposition": "top center"}]


def figure(spec: ChartSpec) -> dict[str, Any]:
    """``{"id", "data", "layout"}`` ready for ``Plotly.newPlot(id, data, layout)``."""
    data = [d for t in spec.traces for d in _traces(t)]
    # a long title (a long company name) on lines of at most 50 characters, the top margin
    # growing with them: plotly cuts a title at the chart's edge
    title = textwrap.wrap(spec.title, CHART_TITLE_CHARS) or [""]  # wrapped, then escaped
    layout: dict[str, Any] = {
        "title": {"text": "<br>".join(text(line) for line in title)},
        "margin": {"t": 40 + 20 * (len(title) - 1), "l": 60, "r": 20, "b": 20},
        # the legend below everything else, the x axis's labels and title included
        "legend": {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom"},
        "xaxis": _axis(spec.x_axis),
        "yaxis": _axis(spec.y_axis), "barmode": spec.bars}
    if not spec.categorical_x:
        layout["xaxis"]["type"] = "linear"
    else:
        layout["xaxis"]["type"] = "category"
        if spec.categories:  # traces may hold only some periods: keep them in order
            layout["xaxis"]["categoryorder"] = "array"
            layout["xaxis"]["categoryarray"] = [text(c) for c in spec.categories]
        # 36 months' labels printed over one another: a label every 6 months (every third
        # month, as in PNG, still overlaps on a 375 px screen)
        shown = spec.labelled_categories(HTML_MONTH_LABELS)
        if len(shown) < len(spec.x_categories):
            # "Oct<br>2025": upright labels on two lines, which fit where one line tilts
            layout["xaxis"].update(tickmode="array", tickvals=[text(c) for c in shown],
                                   ticktext=[text(c).replace(" ", "<br>", 1) for c in shown],
                                   tickangle=0)
    if spec.y2_axis is not None:
        layout["yaxis2"] = {**_axis(spec.y2_axis), "overlaying": "y", "side": "right"}
    if spec.zero_line:
        layout["shapes"] = [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 0,
                             "y1": 0, "line": {"color": "#b3261e", "width": 1}}]
    return {"id": spec.key, "data": data, "layout": layout}
