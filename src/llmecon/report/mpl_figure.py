"""A :class:`~llmecon.report.chartspec.ChartSpec` drawn with matplotlib, for PNG and SVG."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from llmecon.fileio import atomic_write
from llmecon.report.chartspec import MAX_X_LABELS, ChartSpec, Trace
from llmecon.report.formatting import LOW_MARK, MEDIUM_MARK

BAR_GROUP_WIDTH = 0.8


def _nan(values: Sequence[float | None]) -> list[float]:
    return [math.nan if v is None else v for v in values]


def _positions(spec: ChartSpec, t: Trace) -> list[float]:
    """Each point's x: its category's place in the chart's categories (a trace may hold
    only some of them), or the value itself on a numeric axis."""
    if spec.categorical_x:
        where = {c: float(i) for i, c in enumerate(spec.x_categories)}
        return [where[v] for v in t.x]
    return [float(v) for v in t.x]


def _bars(ax: Any, spec: ChartSpec, bars: list[Trace]) -> None:
    if not bars:
        return
    if spec.bars == "stack":
        bottom = [0.0] * len(bars[0].x)
        for t in bars:
            heights = [0.0 if v is None else v for v in t.y]
            _hatch(ax.bar(_positions(spec, t), heights, bottom=bottom, label=t.name), t)
            bottom = [a + b for a, b in zip(bottom, heights, strict=True)]
        return
    width = BAR_GROUP_WIDTH / len(bars)
    for i, t in enumerate(bars):
        offset = (i - (len(bars) - 1) / 2) * width
        _hatch(ax.bar([x + offset for x in _positions(spec, t)], _nan(t.y), width,
                      label=t.name), t)
        _marks(ax, spec, t, offset)


def _hatch(container: Any, t: Trace) -> None:
    """Interim periods' bars hatched (another period length than the full years')."""
    for patch, interim in zip(container.patches, t.interim, strict=False):
        if interim:
            patch.set_hatch("//")


def _lines(ax: Any, spec: ChartSpec, t: Trace) -> None:
    x = _positions(spec, t)
    if t.kind == "band":
        ax.fill_between(x, _nan(t.y_low), _nan(t.y), alpha=0.3, label=t.name)
        return
    style = ("--" if t.dashed else "-") if not t.markers else ("o--" if t.dashed else "o-")
    kw: dict[str, Any] = {}
    if not t.joined:  # points that stand alone, in the colour of the line they follow
        style = "D"
        if ax.get_lines():
            kw["color"] = ax.get_lines()[-1].get_color()
    ax.plot(x, _nan(t.y), style, label=t.name, **kw)
    _marks(ax, spec, t)


def _marks(ax: Any, spec: ChartSpec, t: Trace, offset: float = 0.0) -> None:
    """† above each low-confidence point, ° above each single-source one, then the basis
    marks (‡, §), as in the tables."""
    for i, (x, y) in enumerate(zip(_positions(spec, t), t.y, strict=True)):
        if t.mark(i) and y is not None:
            ax.annotate(t.mark(i), (x + offset, y), textcoords="offset points",
                        xytext=(0, 3), ha="center", fontsize=8)


def draw(ax: Any, spec: ChartSpec) -> None:
    """Draw ``spec`` on a matplotlib axes."""
    _bars(ax, spec, [t for t in spec.traces if t.kind == "bar" and t.axis == "y"])
    right = None
    for t in spec.traces:
        if t.kind == "bar" and t.axis == "y":
            continue
        target = ax
        if t.axis == "y2":
            right = right or ax.twinx()
            target = right
        _lines(target, spec, t)
    if right is not None and spec.y2_axis is not None:
        right.set_ylabel(spec.y2_axis.title)
        right.legend(fontsize=7, loc="upper right")
    if spec.zero_line:
        ax.axhline(0, color="C3", lw=1)
    if spec.categorical_x and spec.traces:  # at most MAX_X_LABELS labels: months crowd
        step = -(-len(spec.x_categories) // MAX_X_LABELS)
        shown = range(0, len(spec.x_categories), step)
        ax.set_xticks(shown, [str(spec.x_categories[i]) for i in shown],
                      rotation=30, ha="right", fontsize=8)
    ax.set_xlabel(spec.x_axis.title)
    ax.set_ylabel(spec.y_axis.title)
    if spec.y_axis.range is not None:
        ax.set_ylim(*spec.y_axis.range)
    ax.set_title(spec.title + _mark_key(spec), fontsize=10)
    ax.legend(fontsize=7, loc="upper left")


def _mark_key(spec: ChartSpec) -> str:
    """The key to the confidence and basis marks a chart uses ("" for none)."""
    from llmecon.report.export import BASIS_MARKS

    adjusted, cash = BASIS_MARKS["adjusted_loss"], BASIS_MARKS["cash_only"]
    used = [(LOW_MARK, "low confidence", any(any(t.low) for t in spec.traces)),
            (MEDIUM_MARK, "single source", any(any(t.medium) for t in spec.traces)),
            (adjusted, "burn from the adjusted loss",
             any(adjusted in b for t in spec.traces for b in t.basis)),
            (cash, "cash alone", any(cash in b for t in spec.traces for b in t.basis))]
    keys = [f"{m} {what}" for m, what, on in used if on]
    return f"  ({', '.join(keys)})" if keys else ""


#: Charts per row of a saved figure: six companies make two rows of three, not one strip.
CHARTS_PER_ROW = 3


def save(specs: Sequence[ChartSpec], path: str | Path) -> Path:
    """The charts side by side (at most :data:`CHARTS_PER_ROW` a row) in one PNG or SVG
    file (by the suffix), written atomically."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    p = Path(path)
    n = max(len(specs), 1)
    cols = min(n, CHARTS_PER_ROW)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(6.4 * cols, 4 * rows), squeeze=False)
    try:
        flat = list(axes.flat)
        for ax, spec in zip(flat, specs, strict=False):
            draw(ax, spec)
        for ax in flat[len(specs):]:
            ax.set_visible(False)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format=p.suffix.lstrip(".").lower())
    finally:
        plt.close(fig)
    return atomic_write(p, buf.getvalue())
