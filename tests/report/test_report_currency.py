"""``llmecon report --currency``: the two tables and the signals converted, as ``compare
--currency`` converts them, and the page saying what is and is not converted (an analyst's
walkthrough: "compare my company with Zhipu in USD and export a report" needed two commands)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from llmecon.cli import main

# Zhipu H1 2025 revenue RMB 190.877m (prospectus); USD/CNY 7.18, the mean of the PBOC/CFETS
# central parity's monthly averages Jan-Jun 2025 (llmecon/data/fx.yaml, low confidence: †)
ZHIPU_H1_2025_REVENUE_USD = 190.877e6 / 7.18  # US$ 26.585m


def test_report_html_converts_the_tables_and_says_what_stays(tmp_path: Path) -> None:
    out = tmp_path / "zm.html"
    assert main(["report", "zhipu", "minimax", "--paths", "200", "--stress", "price-war",
                 "--currency", "usd", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    table = re.search(r"<table[^>]*data-table=\"Unit economics\".*?</table>", text, re.S)
    assert table is not None
    cells = re.sub(r"<[^>]+>", " ", table.group(0))
    assert f"US$ {ZHIPU_H1_2025_REVENUE_USD / 1e6:.1f}m\u2020" in cells  # US$ 26.6m†
    assert "RMB 190.9m" not in cells
    note = re.search(r'data-note="currency">(.*?)</p>', text, re.S)
    assert note is not None and "in US$" in note.group(1)
    assert "stress tests" in note.group(1) and "own currency" in note.group(1)


def test_report_without_currency_has_no_conversion_note(tmp_path: Path) -> None:
    out = tmp_path / "z.html"
    assert main(["report", "zhipu", "--paths", "100", "--stress", "price-war",
                 "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert 'data-note="currency"' not in text and "RMB 190.9m" in text


def test_report_xlsx_in_usd_holds_the_converted_number(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "zm.xlsx"
    assert main(["report", "zhipu", "minimax", "--paths", "100", "--stress", "price-war",
                 "--currency", "USD", "-o", str(out)]) == 0
    ws = load_workbook(out)["Unit economics"]
    header = [c.value for c in ws[1]]
    assert header[1].endswith("(USD)") and header[2].endswith("(USD)")
    revenue = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "Revenue")
    assert revenue[1].value == pytest.approx(ZHIPU_H1_2025_REVENUE_USD)
    assert revenue[2].value == pytest.approx(79.038e6)  # MiniMax FY2025, already US$


def test_report_refuses_an_unknown_currency(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "z.html"
    assert main(["report", "zhipu", "--currency", "EUR", "-o", str(out)]) == 2
    assert "--currency" in capsys.readouterr().err and not out.exists()


def test_build_refuses_one_preset_name_given_as_text() -> None:
    """api36: build(stresses='price-war') read the letters as preset names ('p', 'r', ...)."""
    from llmecon.api import load_company
    from llmecon.errors import InputError
    from llmecon.report_data import build

    with pytest.raises(InputError, match=r"stresses: expected a list of preset names.*"
                                         r"\['price-war'\]"):
        build([load_company("zhipu")], stresses="price-war")
