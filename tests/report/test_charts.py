"""Charts are specified once (llmecon.report.chartspec) and drawn by plotly for HTML and
matplotlib for PNG/SVG from the same spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmecon.metrics.series import company_series
from llmecon.report.chartspec import TREND_KINDS, charts_for, trend_chart
from llmecon.report.plotly_figure import figure
from llmecon.statements.model import Company
from llmecon.units import load_fx


def test_revenue_chart_holds_the_disclosed_revenue_in_millions(zhipu: Company) -> None:
    cs = company_series(zhipu, load_fx())
    spec = trend_chart("revenue-losses", cs)
    revenue = next(t for t in spec.traces if t.name == "Revenue")
    by_period = dict(zip(cs.periods, revenue.y, strict=True))
    # prospectus (via mffb table): FY2024 RMB 312.414m, H1 2025 RMB 190.877m
    assert by_period["FY2024"] == pytest.approx(312.414)
    assert by_period["H1_2025"] == pytest.approx(190.877)
    assert revenue.kind == "bar" and spec.y_axis.title == "RMB m"
    assert "H1_2025 (interim)" in revenue.x


def test_margin_chart_in_percent(zhipu: Company) -> None:
    spec = trend_chart("margins", company_series(zhipu, load_fx()))
    gm = dict(zip(spec.traces[0].x, spec.traces[0].y, strict=True))
    assert gm["FY2024"] == pytest.approx(56.3, abs=0.05)  # prospectus: 56.3%


def test_plotly_figure_is_the_spec(zhipu: Company) -> None:
    cs = company_series(zhipu, load_fx())
    for kind in TREND_KINDS:
        spec = trend_chart(kind, cs)
        fig = figure(spec)
        assert fig["id"] == spec.key
        # names as entities for plotly.js, which reads HTML in them ("R&D" -> "R&amp;D")
        assert [d["name"] for d in fig["data"]] == [
            t.name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            for t in spec.traces]
        assert [d["y"] for d in fig["data"]] == [list(t.y) for t in spec.traces]
        types = {"bar": "bar", "line": "scatter"}
        assert [d["type"] for d in fig["data"]] == [types[t.kind] for t in spec.traces]
    cash = figure(trend_chart("cash", cs))
    assert cash["data"][1]["yaxis"] == "y2" and cash["layout"]["yaxis2"]["overlaying"] == "y"


def test_missing_values_are_gaps_not_zero(zhipu: Company) -> None:
    spec = trend_chart("cash", company_series(zhipu, load_fx()))
    runway = spec.traces[1].y
    assert None in runway and 0.0 not in runway  # runway is known only where cash is


def test_matplotlib_draws_the_same_spec(zhipu: Company, minimax: Company,
                                        tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from llmecon.report.mpl_figure import draw

    spec = trend_chart("margins", company_series(minimax, load_fx()))
    fig, ax = plt.subplots()
    draw(ax, spec)
    lines = ax.get_lines()
    assert [ln.get_label() for ln in lines] == [t.name for t in spec.traces]
    drawn = [v for v in lines[0].get_ydata() if v == v]
    assert drawn == [v for v in spec.traces[0].y if v is not None]
    # the title, then the key to the confidence marks the chart uses (MiniMax's FY2024
    # open-platform gross margin, 63.2%, has a single source in the reference: °)
    assert ax.get_title() == f"{spec.title}  (\u00b0 single source)"
    plt.close(fig)


def test_fan_needs_a_run(zhipu: Company) -> None:
    assert charts_for("fan", [company_series(zhipu, load_fx())], {}) == []


def test_cli_kinds_are_the_spec_kinds() -> None:
    from llmecon.report.charts import KINDS

    assert (*TREND_KINDS, "fan") == KINDS


def test_low_confidence_points_carry_the_mark(minimax: Company, tmp_path: Path) -> None:
    # MiniMax's 9M 2025 cash (US$1,006.8m) is low confidence in the reference, as the tables
    # mark it 'US$ 1.01bn†': the chart's point carries the same mark
    cs = company_series(minimax, load_fx())
    spec = trend_chart("cash", cs)
    bars = next(t for t in spec.traces if t.name.startswith("Cash"))
    i = cs.periods.index("9M_2025")
    assert bars.low[i] and bars.y[i] == pytest.approx(1006.8, abs=0.05)
    data = figure(spec)["data"]
    # FY2025's US$1.05bn has one source (cnyes): ° (medium), as the tables mark it
    assert data[0]["text"][i] == "\u2020" and data[0]["text"][cs.periods.index("FY2025")] \
        == "\u00b0"
    assert cs.to_dict()["series"]["cash_resources"]["low_confidence"][i] is True
    from llmecon.report.mpl_figure import save

    assert save([spec], tmp_path / "c.svg").read_text(encoding="utf-8").count("\u2020") >= 1


@pytest.mark.parametrize("kind", ["revenue-losses", "margins", "compute", "cash"])
def test_no_line_joins_a_full_year_to_an_interim(zhipu: Company, minimax: Company,
                                                 kind: str) -> None:
    # walk20 M8: Zhipu's net loss FY2024 RMB 2,958m then H1 2025 RMB 2,358m (6M) read as a
    # falling loss when joined; every line holds full years only, the interims are separate
    # unjoined markers, named as interim, values as disclosed (not annualised)
    for company in (zhipu, minimax):
        cs = company_series(company, load_fx())
        spec = trend_chart(kind, cs)
        interim = {p for p, i in zip(cs.period_labels, cs.interim, strict=True) if i}
        for t in spec.traces:
            if t.kind == "line" and t.joined:
                assert not interim & set(t.x), (company.id, t.name)
            elif t.kind == "line":
                assert set(t.x) == interim and "interim" in t.name
        assert spec.x_categories == tuple(cs.period_labels)
        assert "interim" in spec.x_axis.title
    spec = trend_chart("revenue-losses", company_series(zhipu, load_fx()))
    dots = next(t for t in spec.traces if t.name == "Net loss (interim, not annualised)")
    assert dict(zip(dots.x, dots.y, strict=True))["H1_2025 (interim)"] == pytest.approx(2358.0)


def test_interims_are_drawn_unjoined_and_hatched(zhipu: Company) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from llmecon.report.mpl_figure import draw

    cs = company_series(zhipu, load_fx())
    spec = trend_chart("revenue-losses", cs)
    fig, ax = plt.subplots()
    draw(ax, spec)
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    dots = lines["Net loss (interim, not annualised)"]
    assert dots.get_linestyle() == "None"  # markers only
    # placed at the interim periods' own categories (H1_2024 is the 3rd, H1_2025 the 5th)
    assert list(dots.get_xdata()) == [2.0, 4.0]
    assert list(lines["Net loss"].get_xdata()) == [0.0, 1.0, 3.0]
    hatched = [p.get_hatch() for p in ax.patches]
    assert hatched == [None, None, "//", None, "//"]  # revenue bars: H1s hatched
    plt.close(fig)
    data = figure(spec)
    modes = {d["name"]: d["mode"] for d in data["data"] if d["type"] == "scatter"}
    assert modes["Net loss (interim, not annualised)"].startswith("markers")
    assert modes["Net loss"].startswith("lines")
    bar = data["data"][0]
    assert bar["marker"]["pattern"]["shape"] == ["", "", "/", "", "/"]
    assert data["layout"]["xaxis"]["categoryarray"] == list(cs.period_labels)


# audit attack23 M8: a company file with nothing a chart draws gave a chart of empty axes
# and a legend, 'wrote', exit 0
_HEAD = ("company,period,period_end,period_months,metric,value,currency,unit,source_url,"
         "source_count,confidence,note,segment,role,tolerance\n")


def _only_rd(tmp_path: Path) -> Path:
    """A company with one figure: R&D of US$5m in FY2024."""
    f = tmp_path / "nada.csv"
    f.write_text(_HEAD + "nada,META,,,currency,USD,,,,,,,,,\n"
                 "nada,FY2024,2024-12-31,12,rd_expense,5,USD,million,src,1,medium,,,,\n")
    return f


def _balance_only(tmp_path: Path) -> Path:
    """A company with one balance-sheet figure and no period of income or cash flow."""
    f = tmp_path / "balonly.csv"
    f.write_text(_HEAD + "balonly,META,,,currency,USD,,,,,,,,,\n"
                 "balonly,FY2024,2024-12-31,0,cash_and_equivalents,5,USD,million,src,1,"
                 "medium,,,,\n")
    return f


def test_an_empty_chart_is_refused_naming_the_file_and_what_it_needs(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from llmecon.cli.app import main

    f, out = _only_rd(tmp_path), tmp_path / "rl.png"
    assert main(["chart", "revenue-losses", str(f), "-o", str(out)]) == 2
    assert capsys.readouterr().err == (f"llmecon: error: {f}: no revenue, net loss or "
                                       "adjusted net loss to chart\n")
    assert not out.exists()
    # its R&D is a point of the cost structure: that chart is drawn
    assert main(["chart", "cost-structure", str(f), "-o", str(tmp_path / "cs.png")]) == 0


@pytest.mark.parametrize(("kind", "needs"), [
    ("revenue-losses", "revenue, net loss or adjusted net loss"),
    ("cost-structure", "cost of revenue, R&D or selling and marketing expense"),
    ("margins", "gross margin (revenue and cost of revenue of a period)"),
    ("mix", "revenue share of a business line"),
    ("compute", "R&D or R&D compute spending to revenue"),
    ("cash", "cash (and short-term investments) or runway"),
])
def test_every_trend_kind_refuses_a_company_with_no_point(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, needs: str) -> None:
    from llmecon.cli.app import main

    f, out = _balance_only(tmp_path), tmp_path / "c.svg"
    assert main(["chart", kind, str(f), "-o", str(out)]) == 2
    assert capsys.readouterr().err == f"llmecon: error: {f}: no {needs} to chart\n"
    assert not out.exists()


def test_a_company_with_no_point_beside_one_with_points_is_left_out_and_named(
        tmp_path: Path, zhipu: Company, capsys: pytest.CaptureFixture[str]) -> None:
    from llmecon.cli.app import main
    from llmecon.report.chartspec import drawable_charts

    f, out = _only_rd(tmp_path), tmp_path / "rl.svg"
    assert main(["chart", "revenue-losses", "zhipu", str(f), "-o", str(out)]) == 0
    std = capsys.readouterr()
    assert std.out == f"wrote {out}\n"
    assert std.err == (f"llmecon: note: {f}: no revenue, net loss or adjusted net loss to "
                       "chart; left out of the chart\n")
    svg = out.read_text(encoding="utf-8")
    assert "Zhipu" in svg and "nada:" not in svg  # one chart: Zhipu's
    from llmecon.api import load_company

    series = [company_series(zhipu, load_fx()), company_series(load_company(str(f)), load_fx())]
    specs, note = drawable_charts("revenue-losses", series, names={"nada": "nada.csv"})
    assert [s.key for s in specs] == [trend_chart("revenue-losses", series[0]).key]
    assert note == ("nada.csv: no revenue, net loss or adjusted net loss to chart; left out "
                    "of the chart")


def test_has_points() -> None:
    from llmecon.report.chartspec import ChartSpec, Trace, has_points

    gaps = Trace("a", "line", ("FY2023", "FY2024"), (None, None))
    band = Trace("b", "band", (1, 2), (None, None), y_low=(None, 0.0))
    assert not has_points(ChartSpec("k", "t", (gaps,)))
    assert not has_points(ChartSpec("k", "t", ()))
    assert has_points(ChartSpec("k", "t", (gaps, band)))  # a band's lower edge is a point


def test_cash_chart_runway_is_the_runway_signal_with_its_marks(zhipu: Company,
                                                               minimax: Company) -> None:
    """walk33 #1: the chart's "Runway (months)" is the signal of that name. MiniMax FY2025:
    US$1,050m cash at the 9M 2025 cash burn of US$27.9m a month = 37.6 months (post_listing;
    not 1,050 / 20.9 = 50.2 at the adjusted loss). Zhipu H1 2025: RMB 2,552m cash alone (no
    short-term investments disclosed: §) / RMB 327.3m a month = 7.8 months, single source."""
    def runway(c: Company) -> dict[str | int, tuple[float | None, str]]:
        spec = trend_chart("cash", company_series(c, load_fx()))
        return {x: (y, t.mark(i)) for t in spec.traces if t.name.startswith("Runway (months)")
                for i, (x, y) in enumerate(zip(t.x, t.y, strict=True))}

    mm = runway(minimax)["FY2025"]
    assert mm[0] == pytest.approx(1050 / 27.9, abs=0.01) and mm[1] == "\u00b0"
    zp = runway(zhipu)["H1_2025 (interim)"]
    assert zp[0] == pytest.approx(2552 / 327.3, abs=0.01) and zp[1] == "\u00b0\u00a7"
    fig = figure(trend_chart("cash", company_series(zhipu, load_fx())))
    interim = next(d for d in fig["data"] if d["name"].startswith("Runway (months) ("))
    assert "\u00b0\u00a7" in interim["text"]


def test_matplotlib_key_names_the_basis_marks(zhipu: Company) -> None:
    from llmecon.report.mpl_figure import _mark_key

    key = _mark_key(trend_chart("cash", company_series(zhipu, load_fx())))
    assert "\u00a7 cash alone" in key


@pytest.mark.parametrize("kind", ["cash", "fan"])
def test_a_company_given_twice_is_refused_as_report_and_compare_do(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    # attack33 L4: 'chart cash zhipu zhipu' drew two identical series
    from llmecon.cli.app import main

    out = tmp_path / "twice.png"
    assert main(["chart", kind, "zhipu", "minimax", "zhipu", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("llmecon: error: companies: 'zhipu' is given twice (companies 1 "
                          "and 3)") and err.count("\n") == 1
    assert not out.exists()


def test_a_fans_month_labels_do_not_crowd(zhipu: Company) -> None:
    """A new user's audit: a 36-month fan labelled every month, printed over one another;
    at most 12 labels, every third month here, the first one kept."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from llmecon.report.chartspec import fan_chart
    from llmecon.report.mpl_figure import draw
    from llmecon.simulate.loaders import load_base_scenario
    from llmecon.simulate.run import run

    spec = fan_chart("zhipu", {"base": run(load_base_scenario(zhipu), paths=100)})
    assert spec.categorical_x and len(spec.x_categories) == 36
    fig, ax = plt.subplots()
    draw(ax, spec)
    shown = [t.get_text() for t in ax.get_xticklabels()]
    assert shown == [str(spec.x_categories[i]) for i in range(0, 36, 3)]
    plt.close(fig)


def test_a_long_chart_title_wraps_and_the_margin_grows(zhipu: Company) -> None:
    """A browser audit: plotly cut a long title (a long company name) at the chart's edge,
    losing the company on a phone. Lines of at most 50 characters, 20 px more top margin
    for each line after the first, each line escaped after wrapping (no '&am' / 'p;')."""
    from dataclasses import replace

    spec = trend_chart("mix", company_series(zhipu, load_fx()))
    short = figure(spec)["layout"]
    assert "<br>" not in short["title"]["text"] and short["margin"]["t"] == 40
    long = replace(spec, title="Revenue of Very Long Holdings & Subsidiaries International "
                              "Group Co Ltd by business line")
    layout = figure(long)["layout"]
    lines = layout["title"]["text"].split("<br>")
    assert len(lines) == 2 and all(len(x) <= 50 + 4 for x in lines)  # "&" is "&amp;"
    assert "&amp;" in layout["title"]["text"] and layout["margin"]["t"] == 60
