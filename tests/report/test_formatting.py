"""Confidence marks (walk20 M1): † low (a conflicting or derived source figure), ° medium (a
single source), the same in the terminal, Markdown, HTML, Excel and the legend of each.

The reference (shared/reference/prospectus_figures.md) defines ``high`` as two or more
agreeing sources, ``medium`` as one clear source and ``low`` as conflicting or derived.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from llmecon.cli import main
from llmecon.metrics.tables import cash_flow_structure
from llmecon.report import formatting as f
from llmecon.report.html_views import table_view
from llmecon.statements.model import Company
from llmecon.units import load_fx

# MiniMax's cash US$1.05bn at 31 Dec 2025 has one source (cnyes, post_listing.md 5a):
# medium confidence; its FY2025 revenue US$79.038m has two (cnyes, aibase): high.
SINGLE_SOURCE_CASH = "US$ 1.05bn\u00b0"


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(args) == 0
    return capsys.readouterr().out


def test_confidence_marks_by_level() -> None:
    assert [f.confidence_mark(c) for c in ("low", "medium", "high", "unknown")] == \
        ["\u2020", "\u00b0", "", ""]


def test_legend_says_what_each_mark_covers() -> None:
    # single-source figures are medium, not low: the † line no longer claims them
    assert "single" not in f.LEGEND.split(";")[0]
    assert "\u2020 low confidence (a conflicting or derived source figure)" in f.LEGEND
    assert "\u00b0 single source (medium confidence)" in f.LEGEND


@pytest.mark.parametrize("fmt", ["table", "md"])
def test_single_source_value_is_marked(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(["compare", "minimax", "--period", "FY2025", "--format", fmt], capsys)
    assert SINGLE_SOURCE_CASH in out
    assert "US$ 79.0m |" in out if fmt == "md" else "US$ 79.0m " in out  # two sources: none
    assert "single source (medium confidence)" in " ".join(out.split())


def test_html_cell_of_a_single_source_value_is_classed_medium(minimax: Company) -> None:
    fy = minimax.period("FY2025")
    view = table_view(cash_flow_structure([minimax], [[fy]], load_fx()))
    cash = next(r for r in view["rows"] if r["label"] == "Cash + short-term investments")
    assert cash["cells"][0]["text"] == SINGLE_SOURCE_CASH
    assert cash["cells"][0]["cls"].split() == ["num", "medium"]


def test_excel_marks_a_single_source_value(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "m.xlsx"
    _run(["compare", "minimax", "--period", "FY2025", "--format", "xlsx", "-o", str(out)],
         capsys)
    ws = load_workbook(out)["Cash-flow structure"]
    row = next(r for r in ws.iter_rows(min_row=2)
               if r[0].value == "Cash + short-term investments")
    assert row[1].value == pytest.approx(1050e6)
    assert row[1].number_format.endswith('"\u00b0"')
    assert row[1].comment is not None
    assert "medium confidence: rests on a single source" in row[1].comment.text


def test_share_as_given_keeps_the_digits_given() -> None:
    # audit attack23 L5: a 0.5% target was shown as 0%, 99.9999999999% as 100%
    from llmecon.report.formatting import share_as_given

    assert share_as_given(0.005) == "0.5%"
    assert share_as_given(0.999999999999) == "99.9999999999%"
    assert share_as_given(0.3) == "30%"  # 0.3 * 100 is 30.000000000000004 in floats
    assert share_as_given(0.125) == "12.5%"


def _saved_run(prob_cash_out: float, cash_p50: float) -> Any:
    from datetime import datetime

    from llmecon.store.runs import RunRecord

    summary = {"prob_cash_out_by_horizon": prob_cash_out, "currency": "CNY",
               "cash_at_horizon": {"p5": cash_p50, "p50": cash_p50, "p95": cash_p50},
               "financing": "committed"}
    return RunRecord("ab12", datetime(2026, 1, 1), "zhipu", "base", 2000, 36, 7, "numpy",
                     summary, {})


def test_a_probability_on_a_tie_reads_the_same_in_terminal_dashboard_and_excel() -> None:
    # consistency audit cons35: 245 of 2,000 paths out of cash is 12.25%, which the
    # terminal printed 12.2% (half-even on the binary value), the dashboard 12.3% (the
    # browser's toFixed) and Excel's 0.0% format 12.3% (half up): one rule, half up, so all
    # show 12.3%; the median cash RMB -6,130.4m showed as "-6130.4m CNY" on the dashboard.
    from rich.console import Console

    from llmecon.report.formatting import percent
    from llmecon.report.simulate import runs_table
    from llmecon.web.routes_sim import _record

    rec = _saved_run(245 / 2000, -6_130_400_000.0)
    console = Console(width=250, record=True)
    console.print(runs_table([rec]))
    terminal = console.export_text()
    web = _record(rec)
    assert percent(245 / 2000) == "12.3%"
    assert "12.3%" in terminal and "12.2%" not in terminal
    assert web["prob_cash_out_text"] == "12.3%"
    assert web["cash_p50_text"] == "RMB -6.13bn"
    assert "RMB -6.13bn" in terminal
    # the other half-way cases: 0.4995 (49.95%) and a value just below 2.85% in binary
    assert [percent(v) for v in (0.4995, 0.028499999999999998, -0.0125)] == \
        ["50.0%", "2.9%", "-1.3%"]


def test_the_dashboard_page_shows_the_servers_text_not_its_own_rounding() -> None:
    # cons35: the page rounded P(cash < 0) and the median cash again with toFixed
    from importlib.resources import files

    page = files("llmecon.web").joinpath("static/index.html").read_text()
    assert "r.prob_cash_out_text" in page and "r.cash_p50_text" in page
    assert "prob_cash_out_by_horizon * 100" not in page
