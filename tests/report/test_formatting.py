"""Confidence marks (walk20 M1): † low (a conflicting or derived source figure), ° medium (a
single source), the same in the terminal, Markdown, HTML, Excel and the legend of each.

The reference (shared/reference/prospectus_figures.md) defines ``high`` as two or more
agreeing sources, ``medium`` as one clear source and ``low`` as conflicting or derived.
"""

from __future__ import annotations

from pathlib import Path

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
