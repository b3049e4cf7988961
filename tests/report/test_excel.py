"""Excel cells without a value (walk20 M10): "n/a" or "—" as text, the reason as a comment,
never a blank cell that Excel arithmetic reads as 0."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from llmecon.cli import main


@pytest.fixture()
def book(tmp_path: Path) -> Any:
    from openpyxl import load_workbook

    out = tmp_path / "c.xlsx"
    assert main(["compare", "zhipu", "minimax", "--format", "xlsx", "-o", str(out)]) == 0
    return load_workbook(out)


def _row(ws: Any, label: str) -> Any:
    return next(r for r in ws.iter_rows(min_row=2) if r[0].value == label)


def test_undisclosed_value_is_na_with_its_reason(book: Any) -> None:
    # MiniMax's FY2025 announcement has no cash-flow statement (its coverage note): the
    # operating cash flow is n/a, and the comment says why, as the terminal's n/a lines do
    ws = book["Cash-flow structure"]
    header = [c.value for c in ws[1]]
    col = next(i for i, h in enumerate(header) if h and h.startswith("minimax FY2025"))
    cell = _row(ws, "Operating cash flow")[col]
    assert cell.value == "n/a" and cell.data_type == "s"
    assert cell.comment is not None and cell.comment.text.startswith("n/a: ")
    assert "operating_cash_flow" in cell.comment.text
    # Zhipu's value beside it stays a number: H1 2025 operating cash flow RMB -1,327m
    assert _row(ws, "Operating cash flow")[1].value == pytest.approx(-1327e6)


def test_row_of_another_companys_line_is_a_dash(book: Any) -> None:
    ws = book["Unit economics"]
    header = [c.value for c in ws[1]]
    col = next(i for i, h in enumerate(header) if h and h.startswith("minimax"))
    # Zhipu's localized-deployment line does not exist at MiniMax: "—", as in the terminal
    cell = _row(ws, "revenue: localized_deployment")[col]
    assert cell.value == "\u2014"
    assert cell.comment is not None and "not applicable" in cell.comment.text
    # Zhipu's own value stays a number: 84.8% of H1 2025 revenue RMB 190.877m (prospectus)
    assert _row(ws, "revenue: localized_deployment")[1].value == \
        pytest.approx(0.848 * 190.877e6, rel=1e-3)


def test_signal_without_a_change_says_na(book: Any) -> None:
    # Zhipu's top-5 customer share is disclosed for FY2024 only (45.5%): no change to show
    ws = book["Signals"]
    row = next(r for r in ws.iter_rows(min_row=2)
               if r[0].value == "zhipu" and r[1].value == "Top-5 customer share")
    assert row[2].value == pytest.approx(0.455, abs=5e-4)
    assert row[5].value == "n/a"


def test_a_sheet_name_cut_to_31_characters_says_what_it_holds(tmp_path: Path) -> None:
    # atk37: a report of two files with ids of 38 characters had sheets 'Sim
    # averyveryverylongcompan (2)' to '(4)': nothing said which company and stress each held
    from openpyxl import load_workbook

    from llmecon.report.excel import Book

    a, b = "averyveryverylongcompanyidentifier_one", "averyveryverylongcompanyidentifier_two"
    book = Book()
    for title in ("Unit economics", f"Sim {a} base", f"Sim {a} price-war", f"Sim {b} base"):
        book.sheet(title, ["metric"])
    wb = load_workbook(book.save(tmp_path / "long.xlsx"))
    assert wb.sheetnames == ["Unit economics", "Sim averyveryverylongcompanyide",
                             "Sim averyveryverylongcompan (2)",
                             "Sim averyveryverylongcompan (3)", "Sheet names"]
    assert [r for r in wb["Sheet names"].iter_rows(min_row=2, values_only=True)] == [
        ("Sim averyveryverylongcompanyide", f"Sim {a} base"),
        ("Sim averyveryverylongcompan (2)", f"Sim {a} price-war"),
        ("Sim averyveryverylongcompan (3)", f"Sim {b} base")]
    short = Book()
    short.sheet("Sim zhipu price-war", ["metric"])
    assert load_workbook(short.save(tmp_path / "short.xlsx")).sheetnames == [
        "Sim zhipu price-war"]
