"""The HTML report in a real browser, and the Excel workbook read back with openpyxl."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from llmecon.cli import main


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "zm.html"
    assert main(["report", "zhipu", "minimax", "--paths", "500", "--stress", "price-war",
                 "--stress", "funding-closed", "-o", str(out)]) == 0
    return out


@pytest.mark.slow  # a real browser: the full tier (make test)
def test_report_opens_offline_with_every_chart_drawn(report: Path, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    charts = page.locator("div[data-chart]")
    n = charts.count()
    assert n >= 2 * 6 + 2 * 2 + 1  # six trend charts per company, two stress charts, inference
    for i in range(n):
        assert charts.nth(i).locator("svg.main-svg").count() >= 1, charts.nth(i).get_attribute(
            "id")
    assert errors == []
    assert [u for u in requests if not u.startswith(("file:", "data:", "blob:"))] == []
    # tables hold the disclosed numbers: Zhipu H1 2025 revenue RMB 190.877m, MiniMax FY2025
    # gross margin 25.4% (MiniMax FY2025, annual results of 2 March 2026)
    ue = page.locator("table[data-table='Unit economics']")
    assert "RMB 190.9m" in ue.inner_text() and "25.4%" in ue.inner_text()
    assert page.locator("table[data-table='Figures'] tr").count() > 200
    assert "interim" in page.locator("#trends").inner_text()
    # the token costs name the model behind them and its measured error (recorded)
    from llmecon.inference.engines import load_serving_factors

    acc = load_serving_factors().accuracy
    assert acc is not None
    note = page.locator("#inference-note").inner_text()
    assert "serving model" in note and \
        f"TPOT median {acc.leave_one_model_out.tpot_median:.0%}" in note
    page.close()


def test_report_says_why_a_cell_is_na_in_print_not_only_in_a_tooltip(report: Path) -> None:
    """A browser audit: why a cell was n/a was only in its hover tooltip, lost on paper and
    on a touch screen. MiniMax's FY2025 results give the open platform's revenue but not its
    gross margin (shared/reference/prospectus_figures.md, post_listing.md)."""
    text = report.read_text(encoding="utf-8")
    notes = " ".join(re.findall(r'<ul class="na-notes">(.*?)</ul>', text, re.S))
    assert ("n/a gross margin: open_platform: minimax FY2025: gross_margin "
            "[line:open_platform] not disclosed for FY2025") in notes


def test_report_marks_a_burn_from_the_adjusted_loss(report: Path) -> None:
    # MiniMax FY2025 has no cash-flow statement: its burn is the adjusted loss, US$251m / 12
    # = US$20.9m a month (post_listing.md, one source: ° medium), marked as in the terminal,
    # and the legend says what the marks mean
    text = report.read_text(encoding="utf-8")
    assert "US$ 20.9m/mo\u00b0\u2021" in text
    assert "not a cash measure" in text


def test_report_says_how_the_runway_rests_on_the_unexplained_line(report: Path) -> None:
    # from a hostile audit: only `simulate` said it. Zhipu repeats RMB 83.1m a month
    # (H1 2025: -1,327 / 6 + 1,752 / 6 + 2,552 x 1.5% / 12 + (145.777 - 91.135) / 6)
    text = report.read_text(encoding="utf-8")
    assert 'data-note="unexplained-zhipu">zhipu: The projection repeats an unexplained ' \
           "operating inflow of RMB 83.1m a month" in text
    assert "month 19 (Jan 2027) with it and runs out of cash in month 15 (Sep 2026)" in text


def test_report_excel_numbers_are_numbers(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "zm.xlsx"
    assert main(["report", "zhipu", "minimax", "--paths", "300", "--stress", "price-war",
                 "-o", str(out)]) == 0
    wb = load_workbook(out)
    assert {"Unit economics", "Cash-flow structure", "Signals", "Sources"} <= set(wb.sheetnames)
    # the stress runs too, as in the HTML report (the workbook had the base runs only)
    assert {"Sim zhipu price-war", "Sim minimax price-war"} <= set(wb.sheetnames)
    ws = wb["Unit economics"]
    assert ws.freeze_panes == "B2"
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    revenue = rows["Revenue"]
    assert isinstance(revenue[1].value, (int, float))
    assert revenue[1].value == pytest.approx(190.877e6)
    gm = rows["Gross margin"]
    assert gm[2].number_format == "0.0%" and gm[2].value == pytest.approx(0.254, abs=5e-4)
    # marks as the terminal shows them, the cell staying a number: MiniMax FY2025 S&M /
    # revenue 65.7%† (low confidence in the reference), Zhipu's interim revenue per
    # employee on the trailing twelve months (not annualised: no ᵃ) on the reference's
    # headcount, 657 / 74% (low: †)
    sm = rows["Selling & marketing / revenue"][2]
    assert isinstance(sm.value, float) and sm.number_format == '0.0%"\u2020"'
    assert sm.comment is not None and "low confidence" in sm.comment.text
    rpe = rows["Revenue per employee (twelve months)"][1].number_format
    assert rpe.endswith('"\u2020"') and "\u1d43" not in rpe
    # a price per million tokens keeps four significant digits (GLM-4.6 list price RMB
    # 6.6056, shown 6.606, not rounded to 7)
    ue = {r[2].value: r[3] for r in wb["UE zhipu"].iter_rows(min_row=2)}
    price = next(v for k, v in ue.items() if str(k).startswith("list price per million"))
    assert price.value == pytest.approx(6.6056) and price.number_format == "#,##0.000"
    src = wb["Sources"]
    header = [c.value for c in src[1]]
    assert "source" in header and "confidence" in header
    assert src.max_row > 200


def test_compare_xlsx_and_charts(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    x = tmp_path / "c.xlsx"
    assert main(["compare", "zhipu", "minimax", "--format", "xlsx", "-o", str(x)]) == 0
    ws = load_workbook(x)["Cash-flow structure"]
    values = [c.value for row in ws.iter_rows(min_row=2, min_col=2) for c in row]
    # numbers stored as numbers; a cell without a value says so in text ("n/a", or "—"
    # where the row does not apply), never a blank that Excel sums as 0
    assert values and all(isinstance(v, (int, float)) or v in ("n/a", "\u2014")
                          for v in values)
    png, svg = tmp_path / "a.png", tmp_path / "b.svg"
    assert main(["chart", "margins", "zhipu", "minimax", "-o", str(png)]) == 0
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert main(["chart", "cash", "zhipu", "--format", "svg", "-o", str(svg)]) == 0
    assert "<svg" in svg.read_text()[:2000]


def test_compare_xlsx_signal_changes_are_the_json_values(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A change in percentage points was stored x100 in the workbook (33.9 where JSON and
    CSV give 0.339), beside a latest value stored as a fraction."""
    import json

    from openpyxl import load_workbook

    x = tmp_path / "c.xlsx"
    assert main(["compare", "zhipu", "minimax", "--format", "xlsx", "-o", str(x)]) == 0
    capsys.readouterr()
    assert main(["compare", "zhipu", "minimax", "--format", "json"]) == 0
    js = {(r["company"], r["label"]): r for r in json.loads(capsys.readouterr().out)["signals"]}
    ws = load_workbook(x)["Signals"]
    head = [c.value for c in ws[1]]
    rows = [dict(zip(head, (c.value for c in row), strict=True))
            for row in ws.iter_rows(min_row=2)]
    kinds = set()
    for row in rows:
        want = js.get((row["company"], row["signal"]))
        if want is None:
            continue
        if want["change"] is None:  # no change: "n/a" in text, not a blank read as 0
            assert row["change"] == "n/a", row["signal"]
            continue
        kinds.add(row["change kind"])
        assert row["change"] == pytest.approx(want["change"]), row["signal"]
    assert {"pp", "relative"} <= kinds


def test_an_existing_file_is_kept_unless_forced(tmp_path: Path) -> None:
    # a report, a chart or a workbook replaced any file of that name without a word
    out = tmp_path / "mine.xlsx"
    out.write_bytes(b"the user's own workbook")
    assert main(["compare", "zhipu", "--format", "xlsx", "-o", str(out)]) == 2
    assert main(["chart", "cash", "zhipu", "-o", str(tmp_path / "keep.png")]) == 0
    assert main(["chart", "cash", "zhipu", "-o", str(tmp_path / "keep.png")]) == 2
    assert out.read_bytes() == b"the user's own workbook"
    assert main(["compare", "zhipu", "--format", "xlsx", "-o", str(out), "--force"]) == 0
    assert out.read_bytes()[:2] == b"PK"  # now the workbook (a zip)


def test_a_company_that_cannot_be_projected_keeps_its_unit_economics(tmp_path: Path) -> None:
    """A new user's audit: a company whose scenario could not be calibrated lost its unit
    economics from the report too ("not modelled"), although `unit-economics` on the same
    file works. ExamplAI's apps line has no margin to project from; its api line has unit
    economics."""
    from llmecon.api import load_company
    from llmecon.report_data import build

    own = load_company(str(Path(__file__).parents[1] / "data" / "examplai.csv"))
    data = build([own], stresses=[], paths=100, horizon=6)
    assert "examplai" not in data.not_modelled
    assert [t.company_id for t in data.ue_lines] == ["examplai"]
    assert "apps line's unit economics cannot be computed" in data.not_projected["examplai"]
    assert "examplai" not in data.simulations


def test_report_excel_names_the_base_with_all_financing(tmp_path: Path) -> None:
    """A consistency audit: credit-withdrawn is measured against the base with all financing,
    whose sheet was 'Sim minimax base (2)' with 'stresses: base', not to be told from the
    committed base but by its last rows."""
    from openpyxl import load_workbook

    out = tmp_path / "m.xlsx"
    assert main(["report", "minimax", "--paths", "200", "--stress", "credit-withdrawn",
                 "-o", str(out)]) == 0
    wb = load_workbook(out)
    assert "Sim minimax base (2)" not in wb.sheetnames
    ws = wb["Sim minimax base, financing all"]
    foot = {r[0].value: r[1].value for r in ws.iter_rows(min_row=2) if r[0].value in (
        "stresses", "financing included")}
    assert foot == {"stresses": "base, financing all", "financing included": "all"}
    base_foot = {r[0].value: r[1].value for r in wb["Sim minimax base"].iter_rows(min_row=2)
                 if r[0].value == "financing included"}
    assert base_foot == {"financing included": "committed"}


_LABEL_BOXES = """el => {
  const box = e => { const r = e.getBoundingClientRect();
                     return [r.left, r.top, r.right, r.bottom, e.textContent,
                             (e.getAttribute("transform") || "").includes("rotate")]; };
  const all = s => [...el.querySelectorAll(s)].filter(e => e.textContent).map(box);
  return {chart: box(el), xticks: all("g.xtick text"), yticks: all("g.ytick text, g.y2tick text"),
          xtitle: all("text.xtitle"), legend: all("g.legend .traces")};
}"""


def _overlap(a: list[Any], b: list[Any]) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


@pytest.mark.slow  # a real browser: the full tier (make test)
@pytest.mark.parametrize("width", [1280, 375])
def test_report_chart_labels_are_readable(report: Path, browser: Any, width: int) -> None:
    # from a browser audit: the 36-month fan's month labels printed over one another and
    # were cut at the chart's bottom, the x-axis title sat under the legend, and the cash
    # chart's runway axis lost its labels' last digits (fixed margins)
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    for chart in ("fan-zhipu", "cashout-minimax", "cash-zhipu"):
        b = page.eval_on_selector(f"#{chart}", _LABEL_BOXES)
        left, top, right, bottom = b["chart"][:4]
        assert b["xticks"] and b["xtitle"] and b["legend"], chart
        labels = b["xticks"] + b["yticks"] + b["xtitle"]
        for x in labels:  # inside the chart, nothing cut
            assert left - 1 <= x[0] and x[2] <= right + 1 and top - 1 <= x[1] and \
                x[3] <= bottom + 1, (chart, x[4], x[:4], b["chart"][:4])
        ticks = b["xticks"]
        assert len(ticks) <= 12, (chart, [t[4] for t in ticks])
        for i, t in enumerate(ticks):  # tilted labels' boxes overlap, not their text
            for u in ticks[i + 1:]:
                assert t[5] or not _overlap(t, u), (chart, t[4], u[4])
        for entry in b["legend"]:
            for x in ticks + b["xtitle"]:
                assert not _overlap(entry, x), (chart, entry[4], x[4])
    page.close()


@pytest.mark.slow  # a real browser: the full tier (make test)
def test_report_prints_without_cutting_charts_or_tables(report: Path, browser: Any,
                                                        tmp_path: Path) -> None:
    # from a browser audit: printed on A4, the right-hand chart of each pair (and its axis
    # labels) ran past the page's edge: the screen's two columns were kept at screen width
    import pdfplumber

    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    out = tmp_path / "r.pdf"
    page.pdf(path=str(out), format="A4")
    page.close()
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) > 5
        for i, p in enumerate(pdf.pages):
            right = max((c["x1"] for c in p.chars), default=0.0)
            assert right <= p.width, (i, right, p.width, p.extract_text()[:80])


@pytest.mark.slow  # a real browser: the full tier (make test)
def test_report_fits_a_phone_and_a_long_name_wraps(examplai: Any, browser: Any,
                                                   tmp_path: Path) -> None:
    # from a browser audit: at 375 px every chart kept a 520 px minimum width and a company
    # name of one long word ran out of the header, so the whole page scrolled sideways
    import dataclasses

    from llmecon.fileio import atomic_write
    from llmecon.report.html import plotly_js, render
    from llmecon.report_data import build

    company = dataclasses.replace(examplai, name="N" * 150)
    out = atomic_write(tmp_path / "r.html", render(build([company], stresses=[], paths=100,
                                                         horizon=12), plotly_js()))
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(out.as_uri())
    page.wait_for_load_state("load")
    rights = page.eval_on_selector_all(
        "header h1, div[data-chart]",
        "els => els.map(e => [e.id || e.tagName, e.getBoundingClientRect().right])")
    assert len(rights) > 3 and all(r <= 375 for _, r in rights), rights
    assert page.eval_on_selector("header h1", "e => e.scrollWidth <= e.clientWidth")
    page.close()


def test_report_excel_names_the_companies_it_leaves_out(tmp_path: Path) -> None:
    """A walkthrough: ``report zhipu my.csv -o r.xlsx`` wrote no sheet for the projection of
    a company that cannot be projected, and said nothing, where the HTML report says
    "unit economics shown, not projected" with why. examplai's apps line has no unit
    economics (no MAU or payers in the file), and Snowflake, imported from filings,
    declares no business lines."""
    from openpyxl import load_workbook

    out = tmp_path / "own.xlsx"
    own = str(Path(__file__).parents[1] / "data" / "examplai.csv")
    assert main(["report", "snowflake", own, "--paths", "200", "-o", str(out)]) == 0
    wb = load_workbook(out)
    assert not [n for n in wb.sheetnames if n.startswith("Sim ")]
    rows = {r[0]: r[1:] for r in wb["Left out"].iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"snowflake", "examplai"}
    assert rows["examplai"][0].startswith("unit economics shown, not projected")
    assert "apps line's unit economics cannot be computed" in rows["examplai"][1]
    assert rows["snowflake"][0].startswith("not modelled")


def test_report_excel_has_no_left_out_sheet_when_nothing_is(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "m.xlsx"
    assert main(["report", "minimax", "--paths", "200", "--stress", "price-war",
                 "-o", str(out)]) == 0
    assert "Left out" not in load_workbook(out).sheetnames
