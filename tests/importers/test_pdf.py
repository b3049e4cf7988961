"""PDF import: a real PDF's table, a generated statement's round trip, bad PDFs, the CLI.

The real PDF is Meta Platforms' second-quarter 2023 results release, page 1, as kept in the
unstructured project's test documents (see tests/data/pdf/README.md). Its "Second Quarter
2023 Financial Highlights" table, "In millions", hand-copied: Revenue $31,999 / $28,822;
Costs and expenses 22,607 / 20,464; Income from operations $9,392 / $8,358; Net income
$7,788 / $6,687 (three months ended June 30, 2023 / 2022).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from llmecon.cli import main
from llmecon.errors import InputError, ValidationError
from llmecon.importers.pdf import PdfMap, import_pdf, load_pdf_map
from llmecon.importers.pdf_table import table_from_words
from llmecon.statements.model import Company

META_PDF = Path(__file__).parents[1] / "data" / "pdf" / "meta-report-1.pdf"
META_MAP: dict[str, Any] = {
    "company": {"id": "meta", "name": "Meta Platforms, Inc.", "business_model": "c2c_product"},
    "currency": "USD",
    "columns": [{"period": "Q2_2023"}, "Q2_2022"],
    "rows": {"Revenue": "revenue", "Income from operations": "operating_income",
             "Net income": "net_income"},
    "confidence": "high",
}
#: The income-statement items written to the generated PDF, with the printed row labels
#: (IFRS wording, as in a Hong Kong prospectus) and whether the line is a deduction.
ROWS = (("Revenue", "revenue", False), ("Cost of sales", "cost_of_revenue", True),
        ("Gross profit", "gross_profit", False),
        ("Research and development expenses", "rd_expense", True),
        ("Selling and marketing expenses", "selling_marketing_expense", True),
        ("Loss for the year", "net_loss", True))
YEARS = ("FY2022", "FY2023", "FY2024")


def _figures(c: Company) -> dict[tuple[str, str], float]:
    return {(f.item, f.period.label): f.value for f in c.figures if f.segment is None}


# ---------------------------------------------------------------- a real PDF
def test_meta_release_table_matches_the_printed_values() -> None:
    c = import_pdf(META_PDF, META_MAP, page=1)
    m = 1e6  # "In millions", read from the heading
    assert _figures(c) == {
        ("revenue", "Q2_2023"): 31_999 * m, ("revenue", "Q2_2022"): 28_822 * m,
        ("operating_loss", "Q2_2023"): -9_392 * m, ("operating_loss", "Q2_2022"): -8_358 * m,
        ("net_loss", "Q2_2023"): -7_788 * m, ("net_loss", "Q2_2022"): -6_687 * m,
    }
    revenue = next(f for f in c.figures if f.item == "revenue" and f.period.label == "Q2_2023")
    assert revenue.source == "meta-report-1.pdf p. 1"
    assert revenue.period.end.isoformat() == "2023-06-30" and revenue.period.months == 3
    assert revenue.currency == "USD" and revenue.confidence == "high"
    assert "row 'Revenue', column 1" in revenue.note and "In millions" in revenue.note


def test_columns_and_scale_must_agree_with_the_heading() -> None:
    # the page says "Three Months Ended June 30" and "In millions": twelve-month columns or
    # a thousands scale would store its figures as what they are not
    with pytest.raises(InputError, match=r"column 1 is FY2023 \(12 months\) but the heading "
                                         r"says 3 months"):
        import_pdf(META_PDF, {**META_MAP, "columns": ["FY2023", "FY2022"]}, page=1)
    with pytest.raises(InputError, match=r"scale: the map gives thousand but the heading says "
                                         r"million"):
        import_pdf(META_PDF, {**META_MAP, "scale": "thousand"}, page=1)
    assert import_pdf(META_PDF, {**META_MAP, "scale": "million"}, page=1).figures


def test_meta_release_columns_and_every_row() -> None:
    """All eight rows of the table, with the percent column kept apart."""
    import pdfplumber

    with pdfplumber.open(META_PDF) as pdf:
        table = table_from_words(pdf.pages[0].extract_words())
    assert len(table.columns) == 3 and "Change" in table.columns[2].heading
    got = {r.label: [table.cell(r, c).value if table.cell(r, c) else None  # type: ignore[union-attr]
                     for c in table.columns] for r in table.rows}
    assert got["Costs and expenses"] == [22_607, 20_464, 10]
    assert got["Operating margin"] == [29, 29, None]
    assert got["Diluted earnings per share (EPS)"] == [2.98, 2.46, 21]
    assert got["Provision for income taxes"] == [1_505, 1_499, 0]  # "—%": no change


def test_default_labels_read_the_meta_table_without_a_row_map() -> None:
    c = import_pdf(META_PDF, {k: v for k, v in META_MAP.items() if k != "rows"}, page=1)
    assert _figures(c)[("revenue", "Q2_2023")] == 31_999e6
    assert {f.item for f in c.figures} == {"revenue", "operating_loss", "net_loss"}


# ---------------------------------------------------------------- a generated statement
def _amount(value: float, deduction: bool) -> str:
    thousands = round(value / 1e3)
    return f"({thousands:,})" if deduction else f"{thousands:,}"


def write_statement(path: Path, company: Company, *, title: str = "",
                    override: dict[tuple[str, str], str] | None = None) -> Path:
    """An income statement in RMB'000 as a prospectus prints it, written with fpdf2."""
    from fpdf import FPDF

    pdf = FPDF()
    _statement_page(pdf, company, ROWS, title or f"{company.name}: consolidated statement "
                    "of profit or loss", override)
    pdf.output(str(path))
    return path


def _statement_page(pdf: Any, company: Company, rows: Any, title: str,
                    override: dict[tuple[str, str], str] | None = None) -> None:
    from fpdf.enums import XPos, YPos

    figs = _figures(company)
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    pdf.cell(0, 8, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for cells in (["", "Year ended 31 December", ""], ["2022", "2023", "2024"],
                  ["RMB'000"] * 3):
        pdf.cell(80, 6, "")
        for text in cells:
            pdf.cell(32, 6, text, align="R")
        pdf.ln(6)
    for label, item, deduction in rows:
        pdf.cell(80, 6, label)
        for year in YEARS:
            text = (override or {}).get((item, year))
            if text is None:
                value = figs.get((item, year))
                text = "" if value is None else _amount(value, deduction)
            pdf.cell(32, 6, text, align="R")
        pdf.ln(6)


STATEMENT_MAP: dict[str, Any] = {
    "company": {"id": "zhipu_pdf", "name": "Zhipu (from a generated PDF)",
                "business_model": "b2b_project"},
    "columns": ["FY2022", "FY2023", "FY2024"],
    "confidence": "high",
}


def test_generated_statement_round_trip_is_exact(tmp_path: Path, zhipu: Company) -> None:
    pdf = write_statement(tmp_path / "zhipu_statement.pdf", zhipu)
    got = import_pdf(pdf, STATEMENT_MAP, page=1)
    items = {item for _, item, _ in ROWS}
    want = {k: v for k, v in _figures(zhipu).items() if k[0] in items and k[1] in YEARS}
    assert len(want) == 17  # S&M FY2023 was not disclosed: a blank cell, no figure
    assert _figures(got) == want
    assert got.currency == "CNY"  # from the heading RMB'000, like the scale
    assert all(f.source == "zhipu_statement.pdf p. 1" for f in got.figures)
    # a loss printed in brackets is a positive net loss; a cost in brackets a positive cost
    assert _figures(got)[("net_loss", "FY2024")] == 2_958_000_000
    assert _figures(got)[("cost_of_revenue", "FY2022")] == 26_049_000


def test_statement_over_several_pages(tmp_path: Path, zhipu: Company) -> None:
    """Income statement on p. 1, prose on p. 2, cash-flow statement on p. 3 (Zhipu FY2024
    net cash used in operating activities RMB 2,245m, printed in brackets)."""
    from fpdf import FPDF

    pdf = FPDF()
    _statement_page(pdf, zhipu, ROWS, "Consolidated statement of profit or loss")
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    pdf.cell(0, 8, "Notes: the figures are audited.")
    _statement_page(pdf, zhipu, (("Net cash used in operating activities",
                                  "operating_cash_flow", False),),
                    "Consolidated statement of cash flows")
    path = tmp_path / "statements.pdf"
    pdf.output(str(path))
    got = import_pdf(path, STATEMENT_MAP, page=[1, 2, 3])
    ocf = next(f for f in got.figures if f.item == "operating_cash_flow")
    assert (ocf.period.label, ocf.value, ocf.source) == ("FY2024", -2_245_000_000,
                                                         "statements.pdf p. 3")
    assert _figures(got)[("revenue", "FY2024")] == 312_414_000
    assert {f.source for f in got.figures if f.item == "revenue"} == {"statements.pdf p. 1"}
    twice = {**STATEMENT_MAP, "rows": {"Revenue": "revenue"}}
    dup = tmp_path / "dup.pdf"
    pdf2 = FPDF()
    for _ in range(2):
        _statement_page(pdf2, zhipu, ROWS[:1], "Revenue")
    pdf2.output(str(dup))
    with pytest.raises(InputError, match=r"dup\.pdf pp\. 1-2, row 'Revenue': printed on "
                                         r"pages 1, 2"):
        import_pdf(dup, twice, page=[1, 2])
    assert main(["import-pdf", str(path), "--pages", "1-3", "--columns", "FY2022,FY2023,FY2024",
                 "-o", str(tmp_path / "c.yaml")]) == 0


def test_round_trip_through_the_cli(tmp_path: Path, zhipu: Company,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    from llmecon.api import load_company

    pdf = write_statement(tmp_path / "s.pdf", zhipu)
    (tmp_path / "map.yaml").write_text(
        "company: {id: zhipu_pdf, name: Zhipu from PDF}\n"
        "columns: [FY2022, FY2023, FY2024]\n"
        "rows:\n  Revenue: revenue\n  Cost of sales: cost_of_revenue\n"
        "  Loss for the year: net_income\n", encoding="utf-8")
    out = tmp_path / "company.yaml"
    code = main(["import-pdf", str(pdf), "--page", "1", "--map", str(tmp_path / "map.yaml"),
                 "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    assert "9 figures" in capsys.readouterr().out
    written = load_company(str(out))
    assert {f.source for f in written.figures} == {"s.pdf p. 1"}
    back = _figures(written)
    assert back[("revenue", "FY2024")] == 312_414_000
    assert back[("net_loss", "FY2023")] == 788_000_000
    assert back[("cost_of_revenue", "FY2023")] == 44_056_000


def test_a_misread_breaks_the_gross_profit_identity(tmp_path: Path, zhipu: Company) -> None:
    pdf = write_statement(tmp_path / "bad_sum.pdf", zhipu,
                          override={("gross_profit", "FY2024"): "17,589"})
    with pytest.raises(ValidationError, match="gross_profit"):
        import_pdf(pdf, STATEMENT_MAP, page=1)


# ---------------------------------------------------------------- bad PDFs
def _one_page(path: Path, lines: list[str], **encryption: str) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for line in lines:
        pdf.cell(0, 6, line)
        pdf.ln(6)
    if encryption:
        pdf.set_encryption(**encryption)
    pdf.output(str(path))
    return path


def test_not_a_pdf(tmp_path: Path) -> None:
    fake = tmp_path / "report.pdf"
    fake.write_text("Revenue 1,000\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"report\.pdf: not a PDF"):
        import_pdf(fake, STATEMENT_MAP, page=1)


def test_encrypted_pdf(tmp_path: Path) -> None:
    pdf = _one_page(tmp_path / "locked.pdf", ["Revenue 1,000"], owner_password="o",
                    user_password="secret")
    with pytest.raises(InputError, match=r"locked\.pdf: the PDF is encrypted"):
        import_pdf(pdf, STATEMENT_MAP, page=1)


def test_page_without_a_table(tmp_path: Path) -> None:
    pdf = _one_page(tmp_path / "prose.pdf", ["Management discussion and analysis.",
                                             "Our revenue grew strongly this year."])
    with pytest.raises(InputError, match=r"prose\.pdf p\. 1: no table found"):
        import_pdf(pdf, STATEMENT_MAP, page=1)


def test_page_out_of_range(tmp_path: Path, zhipu: Company) -> None:
    pdf = write_statement(tmp_path / "s.pdf", zhipu)
    with pytest.raises(InputError, match=r"s\.pdf: page 4: out of range; the PDF has 1 page$"):
        import_pdf(pdf, STATEMENT_MAP, page=4)


def test_non_numeric_cell_names_file_page_row_and_column(tmp_path: Path,
                                                         zhipu: Company) -> None:
    pdf = write_statement(tmp_path / "s.pdf", zhipu, override={("revenue", "FY2023"): "n/a"})
    with pytest.raises(InputError, match=r"s\.pdf p\. 1, row 'Revenue', column 2: expected a "
                                         r"number, found 'n/a'"):
        import_pdf(pdf, STATEMENT_MAP, page=1)


def test_named_row_missing_lists_the_rows_found(tmp_path: Path, zhipu: Company) -> None:
    pdf = write_statement(tmp_path / "s.pdf", zhipu)
    bad = {**STATEMENT_MAP, "rows": {"Turnover": "revenue"}}
    with pytest.raises(InputError, match=r"s\.pdf p\. 1, row 'Turnover': not found on the "
                                         r"page; rows with numbers there: 'Revenue'"):
        import_pdf(pdf, bad, page=1)


def test_column_beyond_the_table(tmp_path: Path, zhipu: Company) -> None:
    pdf = write_statement(tmp_path / "s.pdf", zhipu)
    with pytest.raises(InputError, match=r"column 4 in the map, but the table has 3 numeric"):
        import_pdf(pdf, {**STATEMENT_MAP, "columns": {4: "FY2025"}}, page=1)


def test_no_scale_anywhere_is_refused_not_guessed() -> None:
    with pytest.raises(InputError, match=r"x\.pdf p\. 3: scale: not found in the table heading"):
        _no_heading_scale()


def _no_heading_scale() -> None:
    from llmecon.importers.pdf import company_from_table

    w = lambda t, x0, x1, top: {"text": t, "x0": x0, "x1": x1, "top": top,  # noqa: E731
                                "bottom": top + 8}
    table = table_from_words([w("Revenue", 10, 50, 20), w("1,200", 100, 130, 20),
                              w("Cost of sales", 10, 60, 32), w("(300)", 105, 130, 32)])
    company_from_table(table, PdfMap.model_validate({"columns": ["FY2024"],
                                                     "currency": "USD"}), "x.pdf", 3)


def test_chinese_labels_are_recognised() -> None:
    """Traditional-Chinese IFRS labels (as in an HKEX prospectus) map to canonical items."""
    from llmecon.importers.pdf import company_from_table

    w = lambda t, x0, x1, top: {"text": t, "x0": x0, "x1": x1, "top": top,  # noqa: E731
                                "bottom": top + 8}
    table = table_from_words([w("人民幣千元", 100, 130, 0), w("收入", 10, 30, 20),
                              w("1,200", 100, 130, 20), w("銷售成本", 10, 40, 32),
                              w("(300)", 105, 130, 32), w("毛利", 10, 30, 44),
                              w("900", 110, 130, 44)])
    c = company_from_table(table, PdfMap.model_validate({"columns": ["FY2024"]}), "x.pdf", 1)
    assert _figures(c) == {("revenue", "FY2024"): 1_200_000, ("cost_of_revenue", "FY2024"):
                           300_000, ("gross_profit", "FY2024"): 900_000}
    assert c.currency == "CNY"


def test_bilingual_labels_match_either_language() -> None:
    from llmecon.importers.pdf import company_from_table

    w = lambda t, x0, x1, top: {"text": t, "x0": x0, "x1": x1, "top": top,  # noqa: E731
                                "bottom": top + 8}
    table = table_from_words([w("US$'000", 100, 130, 0), w("Revenue", 10, 40, 20),
                              w("收入", 42, 60, 20), w("500", 115, 130, 20),
                              w("研發開支", 10, 40, 32), w("R&D", 42, 60, 32),
                              w("(700)", 105, 130, 32)])
    c = company_from_table(table, PdfMap.model_validate({"columns": ["FY2024"]}), "x.pdf", 1)
    assert _figures(c) == {("revenue", "FY2024"): 500_000, ("rd_expense", "FY2024"): 700_000}
    assert c.currency == "USD"


def test_label_wrapped_over_two_lines() -> None:
    from llmecon.importers.pdf import company_from_table

    w = lambda t, x0, x1, top: {"text": t, "x0": x0, "x1": x1, "top": top,  # noqa: E731
                                "bottom": top + 8}
    table = table_from_words([w("RMB'000", 100, 130, 0), w("Revenue", 10, 40, 20),
                              w("500", 115, 130, 20), w("Research", 10, 40, 32),
                              w("and", 42, 52, 32), w("development", 54, 90, 32),
                              w("expenses", 14, 44, 42), w("(700)", 105, 130, 42)])
    assert [r.label for r in table.rows] == ["Revenue", "Research and development expenses"]
    c = company_from_table(table, PdfMap.model_validate({"columns": ["FY2024"]}), "x.pdf", 1)
    assert _figures(c)[("rd_expense", "FY2024")] == 700_000


def test_map_file_errors_name_the_field(tmp_path: Path) -> None:
    m = tmp_path / "map.yaml"
    m.write_text("columns: [FY2024]\nscale: lakh\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"map\.yaml: scale"):
        load_pdf_map(m)


# ---------------------------------------------------------------- the CLI
@pytest.mark.parametrize("case", ["not_pdf", "out_of_range", "missing"])
def test_cli_bad_pdf_is_one_line_exit_2(tmp_path: Path, case: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "map.yaml").write_text("columns: {'1': FY2024}\n", encoding="utf-8")
    pdf = tmp_path / "in.pdf"
    if case == "not_pdf":
        pdf.write_bytes(b"PK\x03\x04 a zip, not a pdf")
    elif case == "out_of_range":
        _one_page(pdf, ["Revenue 1,000"])
    code = main(["import-pdf", str(pdf), "--page", "7", "--map", str(tmp_path / "map.yaml"),
                 "-o", str(tmp_path / "c.yaml")])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "in.pdf" in err
    assert "Traceback" not in err
    assert not (tmp_path / "c.yaml").exists()


def test_cli_without_a_map_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Columns, rows and currency as options; the real PDF's values, hand-copied."""
    from llmecon.api import load_company

    out = tmp_path / "meta.csv"
    code = main(["import-pdf", str(META_PDF), "--page", "1", "--columns", "Q2_2023,Q2_2022,-",
                 "--currency", "USD", "--row", "Revenue=revenue", "--row",
                 "Net income=net_income", "--id", "meta", "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    got = _figures(load_company(str(out)))
    assert got == {("revenue", "Q2_2023"): 31_999e6, ("revenue", "Q2_2022"): 28_822e6,
                   ("net_loss", "Q2_2023"): -7_788e6, ("net_loss", "Q2_2022"): -6_687e6}


def test_cli_bad_row_option_and_no_columns(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    base = ["import-pdf", str(META_PDF), "--page", "1", "-o", str(tmp_path / "x.yaml")]
    assert main([*base, "--columns", "Q2_2023", "--row", "Revenue"]) == 2
    assert "--row 'Revenue': expected LABEL=ITEM" in capsys.readouterr().err
    assert main(base) == 2
    assert "columns: missing" in capsys.readouterr().err
    # a column that is no period blamed the first row's currency, or gave one line per row
    # about a missing period_end
    assert main([*base, "--columns", "<script>,Q2_2022", "--currency", "USD"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'<script>': expected a period label such as FY2024" in err
