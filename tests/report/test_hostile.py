"""Hostile text in a company's id, name, sources and notes: the HTML report runs no script
(checked in chromium), links only http(s) sources, Excel keeps formula-like text as text,
and the terminal prints markup and control characters literally."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path
from typing import Any

import pytest

from llmecon.report.common import element_id
from llmecon.report_data import ReportData, build
from llmecon.statements.model import Company

BAD_ID = "x</script><script>alert('id')</script><img src=x onerror=alert('img')>\"'"
BAD_NAME = ("</title><script>alert('name')</script><svg onload=alert('svg')>[/][bold]"
            "<a href=\"https://evil.example/phish\">refresh</a><span style=\"color:red\">x</span>")
BAD_SOURCES = ("javascript:alert('src') | https://ok.example/a\" onmouseover=\"alert('q') | "
               "data:text/html,<script>alert('data')</script> | https://ok.example/report.pdf")
BAD_NOTE = "=HYPERLINK(\"http://evil.example\",\"click\") \x1b[2J<b>note</b>"


def _hostile_company(c: Company) -> Company:
    figures = tuple(dataclasses.replace(x, source=BAD_SOURCES, note=BAD_NOTE)
                    for x in c.figures)
    return dataclasses.replace(c, id=BAD_ID, name=BAD_NAME, figures=figures,
                               description="\x1b]0;owned\x07[red]desc")


def _rename(data: ReportData, c: Company) -> ReportData:
    """``data`` as if built for ``c``: every place that carries the company id or name."""
    old = data.companies[0].id

    def table(t: Any) -> Any:
        cols = tuple(dataclasses.replace(col, company_id=BAD_ID, company_name=BAD_NAME)
                     for col in t.columns)
        return dataclasses.replace(t, columns=cols)

    sig = dataclasses.replace(data.signals, rows=tuple(
        dataclasses.replace(r, company_id=BAD_ID) for r in data.signals.rows))
    runs = {tag: dataclasses.replace(r, company=BAD_ID)
            for tag, r in data.simulations[old].items()}
    return dataclasses.replace(
        data, companies=(c,), unit_economics=table(data.unit_economics),
        cash_flow=table(data.cash_flow), signals=sig,
        series=tuple(dataclasses.replace(s, company_id=BAD_ID, name=BAD_NAME)
                     for s in data.series),
        ue_lines=tuple(dataclasses.replace(t, company_id=BAD_ID) for t in data.ue_lines),
        inference=tuple(dataclasses.replace(r, company_id=BAD_ID) for r in data.inference),
        cost_for_margin={BAD_ID: data.cost_for_margin[old]}, simulations={BAD_ID: runs})


@pytest.fixture(scope="module")
def hostile(minimax: Company) -> ReportData:
    data = build([minimax], stresses=["price-war"], paths=200, horizon=12)
    return _rename(data, _hostile_company(minimax))


@pytest.fixture(scope="module")
def hostile_html(hostile: ReportData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from llmecon.fileio import atomic_write
    from llmecon.report.html import plotly_js, render

    return atomic_write(tmp_path_factory.mktemp("hostile") / "r.html",
                        render(hostile, plotly_js()))


@pytest.mark.slow
def test_no_script_runs_in_chromium(hostile_html: Path, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(hostile_html.as_uri())
    page.wait_for_load_state("load")
    # hover the first figure's cells (its sources and note): no handler may fire
    for el in page.locator("table[data-table='Figures'] tr").nth(1).locator("td").all():
        el.hover()
    page.wait_for_timeout(300)
    assert dialogs == [] and errors == []
    # the hostile text is shown as text, and every chart still drew
    assert page.locator("h1").inner_text() == BAD_NAME
    assert page.title() == f"llmecon report: {BAD_NAME}"
    fan = page.locator(f"#{element_id('fan', BAD_ID)} svg.main-svg")
    assert fan.count() >= 1
    # plotly reads links and styles in chart text: the name's are shown, not followed
    assert page.locator("svg.main-svg a").count() == 0
    assert page.locator("svg.main-svg [style*='color:red'], svg.main-svg [style*='color: red']"
                        ).count() == 0
    assert page.locator("script").count() == 3  # plotly, the chart data, the drawing code
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    sources = [h for h in hrefs if not h.startswith("#")]
    assert sources and set(sources) == {"https://ok.example/report.pdf"}
    page.close()


def test_only_web_sources_become_links(hostile_html: Path) -> None:
    text = hostile_html.read_text(encoding="utf-8").split("</head>", 1)[1]  # past plotly.js
    assert "href=\"javascript:" not in text and "href=\"data:" not in text
    # the refused sources are still shown, escaped, as text
    assert "javascript:alert(&#39;src&#39;)" in text
    assert "<script>alert(" not in text


def test_chart_data_cannot_close_its_script(hostile_html: Path) -> None:
    text = hostile_html.read_text(encoding="utf-8")
    start = text.index('<script type="application/json" id="llmecon-charts">')
    block = text[start:text.index("</script>", start)]
    assert "<" not in block.split(">", 1)[1]  # no < in the data: nothing closes the script
    assert "&lt;/script&gt;" in json.dumps(json.loads(block.split(">", 1)[1]))  # the name


def test_chart_text_reaches_plotly_as_text(hostile_html: Path) -> None:
    text = hostile_html.read_text(encoding="utf-8")
    start = text.index('<script type="application/json" id="llmecon-charts">')
    block = text[text.index(">", start) + 1:text.index("</script>", start)]
    shown = json.dumps(json.loads(block))  # every string plotly gets, \u escapes undone
    # no markup but the line breaks llmecon puts in long titles and month labels; the name's
    # link is there as text (a long title wraps between '&lt;a' and 'href=')
    assert "<" not in shown.replace("<br>", "") and "&lt;a" in shown


def test_excel_keeps_formula_text_as_text(hostile: ReportData, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from llmecon.report import excel

    book = excel.compare_workbook([hostile.unit_economics], hostile.signals,
                                  hostile.companies)
    for t in hostile.ue_lines:
        excel.add_unit_economics(book, t)  # the sheet name holds the id: / [ ] are replaced
    path = book.save(tmp_path / "h.xlsx")
    wb = load_workbook(path)
    src = wb["Sources"]
    header = [c.value for c in src[1]]
    note = src.cell(row=2, column=header.index("note") + 1)
    assert note.data_type == "s" and note.quotePrefix
    assert note.value == BAD_NOTE.replace("\x1b", "\\x1b")  # escape shown, not raw
    for value in ("+1+2", "-3+4", "@SUM(A1)", "=1+1"):
        ws = excel.Book().sheet("t", ["a"])
        cell = excel.put(ws, 2, 1, value)
        assert cell.data_type == "s" and cell.value == value
    assert "UE x<_script><script>alert('id'" in wb.sheetnames  # "/" replaced, 31 characters
    assert not any(c.data_type == "f" for ws in wb for row in ws.iter_rows() for c in row)


def _rendered(renderable: Any) -> str:
    from rich.console import Console

    out = io.StringIO()
    Console(file=out, width=200, force_terminal=True, color_system="truecolor").print(
        renderable)
    return out.getvalue()


def test_terminal_prints_markup_and_controls_literally(hostile: ReportData) -> None:
    from llmecon.report import terminal

    c = hostile.companies[0]
    header = _rendered(terminal.company_header(c))
    assert "[/][bold]" in header and "[red]desc" in header
    assert "\x1b]0;" not in header and "\\x1b]0;owned\\x07" in header
    figures = _rendered(terminal.figures(c))
    assert "\x1b[2J" not in figures and "\x07" not in figures
    assert BAD_ID[:12] in _rendered(terminal.companies([c]))
    assert BAD_ID[:12] in _rendered(terminal.table(hostile.unit_economics))
    assert "\x1b" not in terminal.validation_ok(c)


def test_terminal_run_list_survives_a_hostile_run_id() -> None:
    from datetime import datetime

    from llmecon.report.simulate import runs_table
    from llmecon.store.runs import RunRecord

    fields = {f.name for f in dataclasses.fields(RunRecord)}
    values: dict[str, Any] = {
        "run_id": "[/]\x1b[31m", "created": datetime(2026, 1, 1), "company": "[bold]x",
        "stresses": "a\x07", "paths": 100, "horizon": 12, "seed": 0, "backend": "numpy",
        "summary": {"prob_cash_out_by_horizon": 0.25,
                    "cash_at_horizon": {"p50": 1e6}, "currency": "USD"},
        "scenario": {}}
    record = RunRecord(**{k: v for k, v in values.items() if k in fields})
    text = _rendered(runs_table([record]))
    assert "[/]\\x1b[31m" in text and "[bold]x" in text and "\x07" not in text
    assert "25.0%" in text


def test_csv_and_markdown_keep_formula_text_and_pipes_as_text(tmp_path: Path) -> None:
    # from a hostile-input audit: a period label (or a measured table's id, a catalog's GPU
    # name) starting with = ran as a formula in a spreadsheet; the project's own basis text
    # "-(operating cash flow ..." showed as #NAME?; a | in Markdown added a column
    import csv

    import pandas as pd

    from llmecon.api import compare, load_company
    from llmecon.report.export import to_csv, to_markdown
    from llmecon.textcells import frame_csv

    frame = pd.DataFrame({"id": ["=cmd|' /C calc'!A0", "@SUM(1+1)", "ok"], "x": [-1.5, 2, 3],
                          "source": ["+HYPERLINK(\"http://evil\")", "-2", "\tx"]})
    rows = list(csv.reader(io.StringIO(frame_csv(frame))))
    assert [r[0] for r in rows[1:]] == ["'=cmd|' /C calc'!A0", "'@SUM(1+1)", "ok"]
    assert [r[1] for r in rows[1:]] == ["-1.5", "2.0", "3.0"]  # numbers stay numbers
    assert [r[2] for r in rows[1:]] == ["'+HYPERLINK(\"http://evil\")", "-2", "'\tx"]
    *tables, signals = compare([load_company(str(Path(__file__).parents[1] / "data"
                                                 / "examplai.csv"))])
    basis = [r[12] for r in csv.reader(io.StringIO(to_csv(tables, signals))) if r[12]]
    assert basis and not any(b.startswith(("=", "+", "-", "@")) for b in basis)
    assert any(b.startswith("'-(operating cash flow") for b in basis)
    md = to_markdown(tables, signals).splitlines()
    assert md[2].count("|") == 3 and md[3] == "|---|---:|"  # | metric | examplai ... |
    # a catalog's GPU named =evil in a sweep: tests/inference/test_sweep_output.py
