"""Chart specifications, written once: what a chart shows (kind of each series, title, axes,
units), independent of the library that draws it.

:mod:`llmecon.report.plotly_figure` turns a :class:`ChartSpec` into a plotly figure for HTML;
:mod:`llmecon.report.mpl_figure` draws the same spec with matplotlib for PNG and SVG.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from llmecon.report.common import element_id, finite_list
from llmecon.report.formatting import CURRENCY_LABEL, LOW_MARK, MEDIUM_MARK

if TYPE_CHECKING:
    from llmecon.metrics.series import CompanySeries, Series

TraceKind = Literal["bar", "line", "band"]


@dataclass(frozen=True)
class Trace:
    """One series. A ``band`` fills between ``y_low`` and ``y``; None is a gap."""

    name: str
    kind: TraceKind
    x: tuple[str | int, ...]
    y: tuple[float | None, ...]
    y_low: tuple[float | None, ...] = ()
    axis: Literal["y", "y2"] = "y"
    dashed: bool = False
    markers: bool = True
    legend: bool = True
    #: Per point: a low-confidence figure, drawn with the † mark.
    low: tuple[bool, ...] = ()
    #: Per point: a medium-confidence (single-source) figure, drawn with the ° mark.
    medium: tuple[bool, ...] = ()
    #: False: the points stand alone, not joined by a line (interims of different lengths).
    joined: bool = True
    #: Per point of a bar series: an interim period, drawn hatched.
    interim: tuple[bool, ...] = ()
    #: Per point: its basis marks (``‡`` a burn from the adjusted loss, ``§`` cash alone),
    #: as the tables show them after the confidence mark.
    basis: tuple[str, ...] = ()

    def mark(self, i: int) -> str:
        """The marks of point ``i`` as in the tables (confidence, then basis: ``°§``), ""
        for none."""
        conf = (LOW_MARK if i < len(self.low) and self.low[i] else
                MEDIUM_MARK if i < len(self.medium) and self.medium[i] else "")
        return conf + (self.basis[i] if i < len(self.basis) else "")


@dataclass(frozen=True)
class Axis:
    title: str = ""
    range: tuple[float, float] | None = None


@dataclass(frozen=True)
class ChartSpec:
    """A chart: ``key`` is its element id (letters, digits, ``-``, ``_`` only)."""

    key: str
    title: str
    traces: tuple[Trace, ...]
    x_axis: Axis = Axis()
    y_axis: Axis = Axis()
    y2_axis: Axis | None = None
    bars: Literal["group", "stack"] = "group"
    zero_line: bool = False
    categorical_x: bool = True
    #: The x categories in order (traces may hold only some of them); empty: the first
    #: trace's x.
    categories: tuple[str | int, ...] = ()

    @property
    def x_categories(self) -> tuple[str | int, ...]:
        return self.categories or (self.traces[0].x if self.traces else ())

    def labelled_categories(self, most: int) -> tuple[str | int, ...]:
        """The x categories that get a tick label: all of them up to :data:`MAX_X_LABELS`,
        else at most ``most`` evenly spaced from the first."""
        cats = self.x_categories
        return cats if len(cats) <= MAX_X_LABELS else cats[::-(-len(cats) // most)]


#: Labels on a categorical x axis (more print over one another, in PNG, SVG and HTML).
MAX_X_LABELS = 12


TREND_KINDS = ("revenue-losses", "cost-structure", "margins", "mix", "compute", "cash")
TITLES = {"revenue-losses": "revenue and losses", "cost-structure": "cost structure",
          "margins": "gross margin by line", "mix": "revenue mix",
          "compute": "compute intensity", "cash": "cash and runway", "fan": "cash fan"}
#: What each kind draws, for a company that has none of it ("no ... to chart").
NEEDS = {"revenue-losses": "revenue, net loss or adjusted net loss",
         "cost-structure": "cost of revenue, R&D or selling and marketing expense",
         "margins": "gross margin (revenue and cost of revenue of a period)",
         "mix": "revenue share of a business line",
         "compute": "R&D or R&D compute spending to revenue",
         "cash": "cash (and short-term investments) or runway",
         "fan": "simulated cash"}
MILLIONS = 1e-6
PERCENT = 100.0


#: The x-axis title of a trend chart with interim periods.
INTERIM_AXIS = "period (interim periods: hatched bars, unjoined markers; not annualised)"


def _basis_marks(s: Series) -> tuple[str, ...]:
    """Per value of ``s``, its basis marks (:data:`~llmecon.report.export.BASIS_MARKS`)."""
    from llmecon.report.export import marks_of

    return tuple(marks_of(b) for b in s.bases)


def _bar(cs: CompanySeries, key: str, scale: float, name: str | None = None,
         **kw: Any) -> Trace:
    """A bar per period; interim periods' bars are hatched."""
    s = cs.series[key]
    return Trace(name or s.label, "bar", tuple(cs.period_labels),
                 tuple(finite_list(s.values, scale)), low=s.low, medium=s.medium,
                 interim=cs.interim, basis=_basis_marks(s), **kw)


def _line(cs: CompanySeries, key: str, scale: float, **kw: Any) -> list[Trace]:
    """A line through the full-year points only; the interim points (6M, 9M: other period
    lengths, not annualised) as a separate series of unjoined markers, so no line runs
    from a year to a half-year."""
    s = cs.series[key]
    y = finite_list(s.values, scale)
    marks = _basis_marks(s)

    def pick(name: str, interim: bool, **more: Any) -> Trace:
        at = [i for i, x in enumerate(cs.interim) if x == interim]
        return Trace(name, "line", tuple(cs.period_labels[i] for i in at),
                     tuple(y[i] for i in at), low=tuple(s.low[i] for i in at),
                     medium=tuple(s.medium[i] for i in at),
                     basis=tuple(marks[i] for i in at if i < len(marks)), **kw, **more)

    out = [pick(s.label, False)]
    if any(cs.interim):
        what = "interim, not annualised" if s.unit == "money" else "interim periods"
        out.append(pick(f"{s.label} ({what})", True, joined=False))
    return out


def _revenue_losses(cs: CompanySeries, cur: str) -> tuple[list[Trace], dict[str, Any]]:
    return ([_bar(cs, "revenue", MILLIONS), *_line(cs, "net_loss", MILLIONS),
             *_line(cs, "adjusted_net_loss", MILLIONS, dashed=True)],
            {"y_axis": Axis(f"{cur} m")})


def _cost_structure(cs: CompanySeries, cur: str) -> tuple[list[Trace], dict[str, Any]]:
    return ([_bar(cs, k, MILLIONS)
             for k in ("cost_of_revenue", "rd_expense", "selling_marketing_expense")],
            {"y_axis": Axis(f"{cur} m")})


def _margins(cs: CompanySeries, cur: str) -> tuple[list[Trace], dict[str, Any]]:
    keys = ["gross_margin", *[k for k in cs.series if k.startswith("gross_margin[")]]
    return [t for k in keys for t in _line(cs, k, PERCENT)], {"y_axis": Axis("%")}


def _mix(cs: CompanySeries, cur: str) -> tuple[list[Trace], dict[str, Any]]:
    keys = [k for k in cs.series if k.startswith("revenue_share[")]
    return ([_bar(cs, k, PERCENT, cs.series[k].label.replace("Share of revenue: ", ""))
             for k in keys],
            {"y_axis": Axis("% of revenue"), "bars": "stack"})


def _compute(cs: CompanySeries, cur: str) -> tuple[list[Trace], dict[str, Any]]:
    return ([t for k in ("rd_to_revenue", "rd_compute_to_revenue")
             for t in _line(cs, k, PERCENT)],
            {"y_axis": Axis("% of revenue")})


def _cash(cs: CompanySeries, cur: str) -> tuple[list[Trace], dict[str, Any]]:
    return ([_bar(cs, "cash_resources", MILLIONS), *_line(cs, "runway", 1.0, axis="y2")],
            {"y_axis": Axis(f"{cur} m"), "y2_axis": Axis("months")})


_TREND: dict[str, Callable[[CompanySeries, str], tuple[list[Trace], dict[str, Any]]]] = {
    "revenue-losses": _revenue_losses, "cost-structure": _cost_structure,
    "margins": _margins, "mix": _mix, "compute": _compute, "cash": _cash}


def trend_chart(kind: str, cs: CompanySeries) -> ChartSpec:
    """One of :data:`TREND_KINDS` for one company, over its periods (interim marked)."""
    cur = CURRENCY_LABEL.get(cs.currency, cs.currency)
    traces, extra = _TREND[kind](cs, cur)
    if any(cs.interim):
        extra["x_axis"] = Axis(INTERIM_AXIS)
    return ChartSpec(element_id(kind, cs.company_id), f"{cs.name}: {TITLES[kind]}",
                     tuple(traces), categories=tuple(cs.period_labels), **extra)


def fan_chart(company_id: str, runs: Mapping[str, Any]) -> ChartSpec:
    """Cash percentiles by month of the base run (p5-p95 and p25-p75 bands, median) and the
    median of every other run in ``runs`` (tag -> SimResult, "base" first)."""
    from llmecon.simulate.run import PERCENTILES

    tags = list(runs)
    base = runs["base"] if "base" in runs else runs[tags[0]]
    months = sim_months(base)
    pc = base.percentiles["cash"]
    i = {q: PERCENTILES.index(q) for q in (5, 25, 50, 75, 95)}

    def row(arr: Any, q: int) -> tuple[float | None, ...]:
        return tuple(finite_list(arr[i[q]].tolist(), MILLIONS))

    traces = [Trace("p5-p95", "band", months, row(pc, 95), row(pc, 5), markers=False),
              Trace("p25-p75", "band", months, row(pc, 75), row(pc, 25), markers=False)]
    traces += [Trace(f"{tag} median", "line", months, row(r.percentiles["cash"], 50),
                     markers=False) for tag, r in runs.items()]
    cur = CURRENCY_LABEL.get(base.currency, base.currency)
    return ChartSpec(element_id("fan", company_id),
                     f"{company_id}: cash fan ({base.paths:,} paths, financing "
                     f"{base.financing_included})", tuple(traces),
                     x_axis=Axis("month end"), y_axis=Axis(f"{cur} m"), zero_line=True,
                     categorical_x=bool(base.month_ends))


def sim_months(r: Any) -> tuple[str | int, ...]:
    """The x values of a run's monthly series: each month's end as ``Oct 2025`` when the run
    knows its start, else month numbers from 1."""
    if r.month_ends:
        return tuple(f"{d:%b %Y}" for d in r.month_ends)
    return tuple(range(1, r.horizon_months + 1))


def cash_out_chart(company_id: str, runs: Mapping[str, Any]) -> ChartSpec:
    """Probability that cash has run out by each month, one line per run."""
    traces = []
    for tag, r in runs.items():
        months = sim_months(r)
        traces.append(Trace(tag, "line", months,
                            tuple(finite_list(r.prob_cash_out.tolist(), PERCENT)),
                            markers=False))
    return ChartSpec(element_id("cashout", company_id),
                     f"{company_id}: probability cash has run out", tuple(traces),
                     x_axis=Axis("month end"), y_axis=Axis("%", (0.0, 100.0)),
                     categorical_x=any(bool(r.month_ends) for r in runs.values()))


def inference_chart(rows: Sequence[Any]) -> ChartSpec:
    """Cost per million output tokens of each company's model on each GPU (USD)."""
    traces = []
    for cid in dict.fromkeys(r.company_id for r in rows):
        mine = [r for r in rows if r.company_id == cid]
        traces.append(Trace(f"{cid}: {mine[0].model}", "bar", tuple(r.gpu for r in mine),
                            tuple(finite_list(r.cost_per_m_output_usd for r in mine))))
    return ChartSpec("inference-cost", "Cost per million output tokens, the companies' "
                     "models by GPU (serving model, TensorRT-LLM factors)", tuple(traces),
                     y_axis=Axis("USD per M tokens"))


def charts_for(kind: str, series: Sequence[CompanySeries],
               sims: Mapping[str, Any] | None = None) -> list[ChartSpec]:
    """The chart ``kind`` (a trend kind or ``fan``) for each company; ``sims`` maps a
    company id to its SimResult (for ``fan``)."""
    if kind == "fan":
        return [fan_chart(cs.company_id, {"base": (sims or {})[cs.company_id]})
                for cs in series if cs.company_id in (sims or {})]
    return [trend_chart(kind, cs) for cs in series]


def has_points(spec: ChartSpec) -> bool:
    """Whether any series of ``spec`` has a point to draw (axes and a legend alone are
    not a chart)."""
    return any(v is not None for t in spec.traces for v in (*t.y, *t.y_low))


def drawable_charts(kind: str, series: Sequence[CompanySeries],
                    sims: Mapping[str, Any] | None = None,
                    names: Mapping[str, str] | None = None) -> tuple[list[ChartSpec], str]:
    """The charts of :func:`charts_for` that have a point, and a note naming the companies
    left out for having none ("" when none was). ``names`` maps a company id to what the
    user called it (the file given), else the id is used.

    Raises :class:`~llmecon.errors.InputError` when no company has a point: an empty chart
    (axes, a legend, nothing drawn) is not written.
    """
    from llmecon.errors import InputError

    specs = [(cs.company_id, charts_for(kind, [cs], sims)) for cs in series]
    empty = [(names or {}).get(cid, cid) for cid, got in specs
             if not any(has_points(s) for s in got)]
    drawn = [s for _, got in specs for s in got if has_points(s)]
    if not empty:
        return drawn, ""
    why = f"{', '.join(dict.fromkeys(empty))}: no {NEEDS[kind]} to chart"
    if not drawn:
        raise InputError(why)
    return drawn, f"{why}; left out of the chart"
