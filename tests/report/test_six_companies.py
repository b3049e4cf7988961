"""``llmecon compare`` and the report with six companies: terminal, Markdown, HTML, Excel.

The three bundled companies (zhipu, minimax, snowflake) and three fictional user files in
tests/data (hand-written; no figure in them is real): fictiva (B2B projects, CNY),
examplchat (C2C app, USD) and junebound (fiscal year ending 30 June, HKD). Expected values
of the fictional companies are hand computations from those files.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from llmecon.cli import main

DATA = Path(__file__).parents[1] / "data"
SIX = ["zhipu", "minimax", "snowflake", str(DATA / "fictiva_b2b.csv"),
       str(DATA / "examplchat_c2c.csv"), str(DATA / "junebound_fy0630.csv")]
#: Each company's column header: its id and its latest period (junebound's H1_2026 is the
#: six months to 31 December 2025 of the fiscal year ending 30 June 2026).
HEADERS = ["zhipu H1_2025", "minimax FY2025", "snowflake Q1_2026", "fictiva FY2024",
           "examplchat FY2024", "junebound H1_2026"]


def test_terminal_shows_six_companies_untruncated(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", *SIX]) == 0
    out = capsys.readouterr().out
    for h in HEADERS:
        assert h in out, h
    assert "…" not in out  # no header or cell cut short at six companies
    # the signals come in two tables of three companies, every id in full
    assert "Signals (1/2: zhipu, minimax, snowflake)" in out
    assert "Signals (2/2: fictiva, examplchat, junebound)" in out
    assert max(len(line) for line in out.splitlines()) <= 160


def test_markdown_has_six_columns_and_hand_computed_values(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", *SIX, "--format", "md"]) == 0
    md = capsys.readouterr().out
    table = md.split("### Cash-flow structure")[0]
    rows = [ln for ln in table.splitlines() if ln.startswith("|")]
    assert all(ln.count("|") == 8 for ln in rows)  # metric + six companies
    for h in HEADERS:
        assert h in rows[0]
    cells = {ln.split("|")[1].strip(): [c.strip() for c in ln.split("|")[2:-1]] for ln in rows}
    # junebound TTM to 31 Dec 2025: FY2025 120 + H1_2026 75 - H1_2025 50 = HK$145m
    assert cells["Revenue, trailing twelve months"][5] == "HK$ 145.0m"
    # like-for-like growth: H1_2026 75 vs H1_2025 50 = 50%; fictiva FY2024 300 vs 200 = 50%
    assert cells["Revenue growth (like-for-like)"][5] == "50.0%"
    assert cells["Revenue growth (like-for-like)"][3] == "50.0%"
    # fictiva gross margin (300 - 150) / 300; examplchat paying users / MAU 0.5 / 12
    assert cells["Gross margin"][3] == "50.0%"
    assert cells["Paying users / MAU"][4] == "4.2%"


def test_xlsx_has_six_readable_company_columns(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "six.xlsx"
    assert main(["compare", *SIX, "--format", "xlsx", "-o", str(out)]) == 0
    wb = load_workbook(out)
    for name in ("Unit economics", "Cash-flow structure"):
        ws = wb[name]
        header = [c.value for c in ws[1]]
        assert ws.max_column == 7 and len(header) == 7
        assert [h.split(" (")[0] for h in header[1:]] == HEADERS
        for col in "BCDEFG":
            assert (ws.column_dimensions[col].width or 0) >= 15
            assert ws[f"{col}1"].alignment.wrap_text
    rows = {r[0].value: [c.value for c in r[1:]] for r in wb["Unit economics"].iter_rows(
        min_row=2)}
    assert rows["Revenue, trailing twelve months"][5] == pytest.approx(145e6)
    assert {r[0].value for r in wb["Signals"].iter_rows(min_row=2)} == {
        "zhipu", "minimax", "snowflake", "fictiva", "examplchat", "junebound"}


@pytest.mark.slow
def test_html_report_with_six_companies_in_chromium(tmp_path: Path, browser: Any) -> None:
    out = tmp_path / "six.html"
    assert main(["report", *SIX, "--paths", "200", "--horizon", "12", "--stress",
                 "price-war", "-o", str(out)]) == 0
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(out.as_uri())
    page.wait_for_load_state("load")
    for name in ("Unit economics", "Cash-flow structure"):
        heads = page.locator(f"table[data-table='{name}'] th").all_inner_texts()
        for h in HEADERS:
            assert any(h in re.sub(r"\s+", " ", t) for t in heads), (name, h)
    signals = page.locator("#signals").inner_text()
    assert all(c in signals for c in ("fictiva", "examplchat", "junebound", "snowflake"))
    # a company that cannot be simulated is still compared, and says why it is not modelled
    assert "snowflake: not modelled" in page.locator("#unit-economics").inner_text()
    assert errors == []
    page.screenshot(path=str(tmp_path / "six.png"), full_page=False)
    page.close()
