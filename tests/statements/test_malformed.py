"""A corpus of malformed inputs: each gives a named error and exit code 2, never a traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from llmecon.cli import main

MALFORMED = Path(__file__).parents[1] / "data" / "malformed"

EXPECTED: dict[str, str] = {
    "empty.csv": "the file is empty",
    "wrong_columns.csv": "missing column(s) unit, source_url",
    "extra_column.csv": "unknown column(s) comment",
    "unknown_item.csv": "unknown item 'revenu'; did you mean 'revenue'",
    "text_in_number.csv": "row 8, value: expected a number, found '12O.5'",
    "bad_currency.csv": "row 8, currency: unknown currency 'EUR'",
    "wrong_sign.csv": "row 14, value: rd_expense cannot be negative",
    "missing_period.csv": "row 14: missing period label",
    "duplicate.csv": "row 24: duplicate figure rd_expense FY2024",
    "segments_not_summing.csv": "lines (line:api, line:apps) sum to 90 USD million, expected "
                                "the total 100 USD million",
    "gross_profit_identity.csv": "gross profit 45 USD million != revenue - cost of revenue",
    "check_value_mismatch.csv": "gross_margin FY2024: reported 46, but the raw figures give 40",
    "check_not_recomputable.csv": "gross_margin FY2023: check value 30 cannot be recomputed",
    "share_out_of_range.csv": "top5_customer_share is a share in percent, expected 0-100",
    "months_mismatch.csv": "period_months: FY2023 is 12 months",
    "end_mismatch.csv": "period_end: FY2023 ends 2023-12-31 (fiscal year end 12-31",
    "missing_currency.csv": "currency: missing for money item revenue",
    "missing_unit.csv": "unit: missing",
    "unknown_unit.csv": "unknown unit 'gazillion'",
    "unit_of_wrong_dimension.csv": "revenue is measured in money, but unit 'percent'",
    "balance_as_flow.csv": "cash_and_equivalents is a balance at a date",
    "bad_date.csv": "period_end: expected a date YYYY-MM-DD, found '2023-13-31'",
    "bad_business_model.csv": "company: business_model: expected one of 'b2b_project'",
    "missing_source.csv": "source: missing",
    "bad_segment.csv": "segment 'api' must be 'dimension:member'",
    "segment_not_a_line.csv": "segment 'line:cloud' is not one of the company's lines",
    "unknown_confidence.csv": "confidence: expected one of high, medium, low",
    "two_companies.csv": "one company per file, found examplai, otherco",
    "paying_users_exceed_mau.csv": "paying users 12 million exceed MAU 10 million",
    "part_exceeds_whole.csv": "rd_compute_cost FY2024: 90 USD million exceeds rd_expense",
    "not_utf8.csv": "not UTF-8 text",
    "too_many_fields.csv": "row 24: more fields than the header has columns",
    "unknown_extension.txt": "unknown file type .txt",
    "balance_identity.yaml": "total assets 50 USD million != total liabilities 30 USD million "
                             "+ net assets 25 USD million",
    "bad_yaml.yaml": "not valid YAML at line 2",
    "yaml_missing_figures.yaml": "missing top-level key 'figures'",
    "yaml_undefined_period.yaml": "period 'LATE_2025' is not defined under 'periods'",
    "yaml_not_a_mapping.yaml": "expected a mapping with keys company, periods, figures",
    "yaml_unknown_field.yaml": "unknown field(s) colour",
    # from an audit: read before as if they were fine
    "yaml_unused_period.yaml": "periods: 'H1_2023' is defined but no figure uses it",
    "number_with_underscore.csv": "row 8, value: expected a number, found '1_00'",
    "yaml_line_name_with_separator.yaml": "expected line names without ';', '|', '.' or spaces",
    # atk37: validate passed 'chat.app'; simulate then read the driver 'chat.app.cac' as line
    # 'chat' and said its unit economics could not be computed
    "yaml_line_name_with_dot.yaml": "lines: expected line names without ';', '|', '.' or "
                                    "spaces at either end (the CSV lists them as 'a;b', a "
                                    "scenario a line's driver as 'line.driver'), found "
                                    "'chat.app'",
    "gross_profit_above_revenue.csv": "gross_profit FY2023: 500 USD million exceeds revenue "
                                      "40 USD million",
    "fractional_headcount.csv": "row 21, value: expected a whole number of persons, found 200.5",
    "offer_price_zero.csv": "row 24, value: offer_price must be above 0 (it divides), found 0",
    "source_count_zero.csv": "row 19, source_count: expected a whole number >= 1, found '0'",
    # from a hostile-input audit: periods are told apart by their span, so the second label
    # was dropped without a word (and once decided a projection's season)
    # from a hostile-input audit: an amount over half a year above the whole year's passed
    "half_above_year.csv": "revenue H1_2024: 120 USD million exceeds FY2024's 100 USD million, "
                           "a period it is part of",
    "two_labels_one_span.csv": "and CY2024 both cover the 12 months to 2024-12-31; give one "
                               "label",
}


def test_corpus_is_complete() -> None:
    assert sorted(p.name for p in MALFORMED.iterdir()) == sorted(EXPECTED)
    assert len(EXPECTED) >= 20


@pytest.mark.slow  # the whole corpus: the full tier (make test) runs it
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_file_gives_named_error(name: str, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    code = main(["validate", str(MALFORMED / name)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"llmecon: error: {MALFORMED / name}")
    assert EXPECTED[name] in err
    assert "Traceback" not in err


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["validate", str(tmp_path / "nope.csv")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_installed_entry_point_exits_2_without_traceback() -> None:
    exe = shutil.which("llmecon", path=str(Path(sys.executable).parent))
    assert exe is not None, "the llmecon console script is installed"
    done = subprocess.run([exe, "validate", str(MALFORMED / "unknown_item.csv")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "did you mean 'revenue'" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_balance_may_carry_either_label_of_its_day(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Two labels for one span are refused for amounts over a period, not for balances: a
    balance at 2024-12-31 may come from the FY2024 and from an H2_2024 report (review)."""
    good = (Path(__file__).parents[1] / "data" / "examplai.csv").read_text(encoding="utf-8")
    f = tmp_path / "two.csv"
    f.write_text(good.rstrip("\n") + "\nexamplai,H2_2024,2024-12-31,0,total_liabilities,300,"
                 "USD,million,hand-written test fixture,1,high,,,,\n", encoding="utf-8")
    assert main(["validate", str(f)]) == 0, capsys.readouterr().err


def test_a_file_of_many_bad_rows_is_checked_up_to_a_bound_and_said_briefly() -> None:
    # 50,000 rows of unknown items took 30 s (a closest-name search per row) and printed
    # 49,992 lines; the check stops after 200 problems and shows 30 lines and the stop
    from llmecon.errors import SHOWN_PROBLEMS, ValidationError
    from llmecon.statements.records import MAX_PROBLEMS

    rows = "".join(f"x,FY2024,item_{i:05d}_zz,1,USD,million,src\n" for i in range(50_000))
    text = "company,period,metric,value,currency,unit,source_url\n" + rows
    from llmecon.statements import io

    with pytest.raises(ValidationError) as got:
        io.read_csv_text(text, "many.csv")
    lines = str(got.value).splitlines()
    assert len(got.value.problems) == MAX_PROBLEMS + 1
    assert len(lines) == 1 + SHOWN_PROBLEMS + 2  # head, 30 problems, "... and", the stop
    assert lines[-2] == f"  - ... and {MAX_PROBLEMS - SHOWN_PROBLEMS:,} more"
    # the header is row 1: rows 2-201 are the 200 problems, row 202 the first not checked
    assert lines[-1] == ("  - stopped after 200 problems: many.csv row 202 and the rows "
                         "after it were not checked")


def test_a_balance_given_as_a_flow_in_yaml_says_how_to_write_it(tmp_path: Path) -> None:
    # a new user's audit: the YAML error told to fix period_months, a CSV column
    from llmecon.errors import InputError
    from llmecon.statements.io import read_company

    f = tmp_path / "t.yaml"
    f.write_text('company: {id: t1, name: T, currency: USD, fiscal_year_end: "12-31"}\n'
                 "periods:\n  FY2024: {end: 2024-12-31, months: 12}\nfigures:\n"
                 "  - {item: revenue, period: FY2024, value: 1, unit: million, source: x}\n"
                 "  - {item: cash_and_equivalents, period: FY2024, value: 1, unit: million, "
                 "source: x}\n")
    with pytest.raises(InputError, match=r"figures\[1\] .*a balance at a date; period_months "
                                         r"must be 0 \(in YAML: instant: true\), found 12"):
        read_company(f)
