"""Issue 14's corpus of hostile company files (tests/data/hostile/, with the 40 of
tests/data/malformed/ over 130 in all): every command that reads a company file ends with
exit code 2 and one named error naming the file (and row, key or line), never a
traceback, within 10 seconds."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from llmecon.cli import main

HOSTILE = Path(__file__).parents[1] / "data" / "hostile"

EXPECTED: dict[str, str] = {
    "c_binary.csv": "not UTF-8 text",
    "c_blank_lines.csv": "no rows below the header",
    "c_bom_semicolon.csv": "missing column(s) company, period, metric, value, unit",
    "c_cash_as_flow.csv": "row 20: cash_and_equivalents is a balance at a date",
    "c_company_empty.csv": "row 8, company: missing company id",
    "c_confidence_bad.csv": "row 8, confidence: expected one of high",
    "c_currency_cny_mixed.csv": "row 11, currency: cost_of_revenue is in CNY but the company "
                                "reports in USD",
    "c_currency_eur.csv": "row 8, currency: unknown currency 'EUR'",
    "c_currency_on_ratio.csv": "row 13, currency: revenue_growth_yoy is not an amount of money",
    "c_duplicate_column.csv": "column(s) value appear twice",
    "c_duplicate_revenue.csv": "row 24: duplicate figure revenue FY2024",
    "c_end_conflict.csv": "row 25: period LATE ends 2025-01-31",
    "c_end_datetime.csv": "row 8, period_end: expected a date YYYY-MM-DD",
    "c_end_feb30.csv": "row 8, period_end: expected a date YYYY-MM-DD, found '2024-02-30'",
    "c_end_text.csv": "row 8, period_end: expected a date YYYY-MM-DD, found 'yesterday'",
    "c_end_year0.csv": "row 8, period_end: expected a date YYYY-MM-DD, found '0000-12-31'",
    "c_field_200k.csv": "row 2: not valid CSV: a field is longer than 131,072 characters",
    "c_gross_margin_check_off.csv": "gross_margin FY2024: reported 45, but the raw figures "
                                    "give 40",
    "c_growth_check_off.csv": "revenue_growth_yoy FY2024: reported 100, but the raw figures "
                              "give 150",
    "c_item_empty.csv": "row 8: missing item (metric) name",
    "c_item_sql.csv": "row 8: unknown item",
    "c_item_typo.csv": "row 8: unknown item 'revnue'; did you mean 'revenue'",
    "c_latin1.csv": "not UTF-8 text",
    "c_margin_over_100.csv": "row 12, value: gross margin cannot exceed 100%, found 140",
    "c_meta_bad_fye.csv": "company: fiscal_year_end: expected MM-DD with a real month and day",
    "c_meta_bad_listing_date.csv": "company: listing_date: expected a date (YYYY-MM-DD), "
                                   "found '2026-02-30'",
    # pydantic reads a number of seconds as a date (1740787200: 2025-03-01)
    "c_meta_listing_date_seconds.csv": "company: listing_date: expected a date (YYYY-MM-DD), "
                                       "found '1740787200'",
    "c_meta_platform_not_a_line.csv": "platform_line 'cloud' is not one of the lines (api, "
                                      "apps)",
    "c_meta_twice.csv": "row 24: company field 'currency' given twice",
    "c_meta_unknown_field.csv": "row 2: unknown company field 'colour'",
    "c_months_fraction.csv": "row 8, period_months: expected a whole number 0-120",
    "c_months_huge.csv": "row 8, period_months: expected a whole number 0-120",
    "c_months_negative.csv": "row 8, period_months: expected a whole number 0-120",
    "c_months_text.csv": "row 8, period_months: expected a number, found 'twelve'",
    "c_negative_cost.csv": "row 11, value: cost_of_revenue cannot be negative",
    "c_only_header.csv": "no rows below the header",
    "c_paying_exceed_mau.csv": "paying users 20 million exceed MAU 10 million",
    "c_period_fy0000.csv": "row 8, period: FY0000: expected a year 1900-2199",
    "c_period_fy9999.csv": "row 8, period: FY9999: expected a year 1900-2199",
    "c_period_long.csv": "row 8, period: expected a label of at most 40 characters",
    "c_period_formula.csv": "row 8, period: expected a label starting with a letter or digit",
    "c_revenue_as_balance.csv": "row 8: revenue is a flow over a period",
    "c_role_bad.csv": "row 8, role: expected 'raw' or 'check', found 'maybe'",
    "c_segment_no_dim.csv": "row 9: segment 'api' must be 'dimension:member'",
    "c_segment_on_rd.csv": "row 15: item 'rd_compute_cost' does not take a segment",
    "c_segment_unknown_dim.csv": "row 9: segment 'colour:red' must be 'dimension:member'",
    "c_segments_exceed.csv": "region segments (region:us) sum to 120 USD million, more than "
                             "the total 100 USD million",
    "c_source_count_fraction.csv": "row 8, source_count: expected a whole number",
    "c_source_empty.csv": "row 8, source: missing",
    "c_tolerance_negative.csv": "row 13, tolerance: only a check value takes a tolerance >= 0",
    "c_tolerance_on_raw.csv": "row 8, tolerance: only a check value takes a tolerance",
    "c_two_companies.csv": "one company per file, found examplai, other",
    "c_unclosed_quote.csv": "row 2: not valid CSV: a quoted field is never closed",
    "c_unit_empty.csv": "row 8, unit: missing",
    "c_unit_persons_on_money.csv": "row 8, unit: revenue is measured in money, but unit "
                                   "'persons' measures count",
    "c_unit_zillion.csv": "row 8, unit: unknown unit 'zillion'",
    "c_value_bool.csv": "row 8, value: expected a number, found 'true'",
    "c_value_comma.csv": "row 8, value: expected a number, found '1,000'",
    "c_value_empty.csv": "row 8, value: missing; expected a number",
    "c_value_huge.csv": "row 8, value: expected a finite number, found '1e400'",
    "c_value_inf.csv": "row 8, value: expected a finite number, found 'inf'",
    "c_value_nan.csv": "row 8, value: expected a finite number, found 'nan'",
    "c_value_overflow_scale.csv": "row 8, value: 1e+303 million is too large",
    "y_alias_bomb.yaml": "line 1: aliases expand the document",
    "y_as_of_bad.yaml": "company: as_of: expected a date (YYYY-MM-DD), found 'soon'",
    "y_bool_key.yaml": "line 4: key true is not text",
    "y_business_model_bad.yaml": "company: business_model: expected one of 'b2b_project'",
    "y_company_list.yaml": "company: expected a mapping with at least 'id'",
    "y_date_feb30.yaml": "line 7: '2024-02-30' is not a valid date",
    "y_deep.yaml": "not valid YAML at line 1",
    "y_defaults_bad.yaml": "defaults: expected a mapping with currency and/or unit",
    "y_dup_company.yaml": "line 6: duplicate key 'company'",
    "y_empty.yaml": "the file is empty",
    "y_figure_scalar.yaml": "figures[0]: expected a mapping, found int",
    "y_figures_mapping.yaml": "figures: expected a list of mappings",
    "y_fy_wrong_for_fye.yaml": "figures[0] (revenue FY2024), period_end: FY2024 ends "
                               "2024-04-30 (fiscal year end 04-30",
    "y_fye_number.yaml": "company: fiscal_year_end: expected text, found 1231",
    "y_id_markup.yaml": "company: id: expected an id of letters",
    "y_id_slash.yaml": "company: id: expected an id of letters",
    "y_instant_text.yaml": "figures[0] (revenue FY2024), instant: expected true or false",
    "y_int_key.yaml": "line 4: key 2024 is not text; quote it",
    "y_lines_number.yaml": "company: lines: expected a list of line names",
    "y_list.yaml": "expected a mapping with keys company, periods, figures; found list",
    "y_meta_unknown.yaml": "company: ceo: unknown field",
    "y_mixed_currency.yaml": "figures[1] (cost_of_revenue FY2024), currency: cost_of_revenue "
                             "is in CNY but the company reports in USD",
    "y_name_too_long.yaml": "company: name: expected at most 200 characters",
    "y_no_id.yaml": "company: expected a mapping with at least 'id'",
    "y_period_scalar.yaml": "figures[0] (revenue P1): period 'P1': expected a mapping",
    "y_periods_list.yaml": "periods: expected a mapping label -> {end, months}",
    "y_python_tag.yaml": "could not determine a constructor for the tag",
    "y_recursive_alias.yaml": "line 1: a recursive alias",
    "y_scalar.yaml": "expected a mapping with keys company, periods, figures; found str",
    "y_tab.yaml": "not valid YAML at line 2",
    "y_unknown_top.yaml": "unknown top-level key(s) extra",
    "y_value_list.yaml": "figures[0] (revenue FY2024), value: expected a number, found [1, 2]",
    "y_value_nan.yaml": "figures[0] (revenue FY2024), value: expected a finite number",
    # YAML 1.2: 010 is ten (YAML 1.1 would read octal 8 and give a growth of 0)
    "y_value_octal_ok_but_check.yaml": "revenue_growth_yoy FY2024: reported 5, but the raw "
                                       "figures give 25",
}

COMMANDS = (["validate"], ["show"], ["compare", "zhipu"])


def test_corpus_is_complete() -> None:
    assert sorted(p.name for p in HOSTILE.iterdir()) == sorted(EXPECTED)
    assert len(EXPECTED) + len(list((HOSTILE.parent / "malformed").iterdir())) >= 100


@pytest.mark.slow  # 95 files x validate, show, compare: the full tier (make test) runs it
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_command_names_the_problem(name: str, capsys: pytest.CaptureFixture[str]
                                         ) -> None:
    path = str(HOSTILE / name)
    for command in COMMANDS:
        start = time.perf_counter()
        code = main([*command, path])
        err = capsys.readouterr().err
        assert time.perf_counter() - start < 10.0, command
        assert code == 2, (command, err)
        assert err.startswith(f"llmecon: error: {path}"), (command, err[:200])
        assert EXPECTED[name] in err, (command, err[:300])
        assert "Traceback" not in err
