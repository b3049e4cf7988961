"""Hostile company files (issue 14): each ends in one named InputError, never a traceback,
never a false answer, and fast."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from llmecon.api import load_company
from llmecon.errors import InputError
from llmecon.metrics.reconcile import check_company
from llmecon.statements import io

HEAD = ("company,period,period_end,period_months,metric,value,currency,unit,source_url,"
        "source_count,confidence,note\n")


def _csv(tmp_path: Path, rows: str, name: str = "co.csv") -> Path:
    p = tmp_path / name
    p.write_text(HEAD + rows, encoding="utf-8")
    return p


@pytest.mark.parametrize(("row", "message"), [
    ("co,FY0000,,,revenue,1,USD,million,src,,,\n", "row 2, period: FY0000: expected a year 1900"),
    ("co,FY9999,,,revenue,1,USD,million,src,,,\n", "row 2, period: FY9999: expected a year 1900"),
    ("co,P1,2024-12-31,1000000000000,revenue,1,USD,million,src,,,\n",
     "row 2, period_months: expected a whole number 0-120"),
    ("co,P1,2024-02-30,12,revenue,1,USD,million,src,,,\n",
     "row 2, period_end: expected a date YYYY-MM-DD, found '2024-02-30'"),
    ("co,P1,0001-01-31,12,revenue,1,USD,million,src,,,\n",
     "period_end: expected a date in the years 1900-2199, found 0001-01-31"),
    ("co,P1,1900-06-30,12,revenue,1,USD,million,src,,,\n", "expected a date after 1900"),
    # from a hostile audit: a period ending 9999-12-31 crashed every command (no next day)
    ("co,P1,9999-12-31,12,revenue,1,USD,million,src,,,\n",
     "period_end: expected a date in the years 1900-2199, found 9999-12-31"),
    ("co,FY2024,,,revenue,1e308,USD,billion,src,,,\n", "is too large"),
])
def test_bad_periods_and_values(tmp_path: Path, row: str, message: str) -> None:
    with pytest.raises(InputError) as e:
        io.read_company_file(_csv(tmp_path, row))
    assert message in str(e.value)


def test_csv_field_over_128k_is_a_named_error(tmp_path: Path) -> None:
    p = _csv(tmp_path, "co,FY2024,,,revenue,1,USD,million," + "x" * 140_000 + ",,,\n")
    with pytest.raises(InputError, match=r"co.csv row \d+: not valid CSV: a field is longer"):
        io.read_company_file(p)


def test_csv_unclosed_quote_is_a_named_error(tmp_path: Path) -> None:
    p = _csv(tmp_path, 'co,FY2024,,,revenue,1,USD,million,"src,,,\nco,FY2023,,,revenue,1\n')
    with pytest.raises(InputError, match="not valid CSV: a quoted field is never closed"):
        io.read_company_file(p)


def test_mixed_currencies_are_never_combined(tmp_path: Path) -> None:
    # 100 USD revenue with 600 CNY cost would give a gross margin of -500% if combined
    p = _csv(tmp_path, "co,META,,,currency,USD,,,,,,\n"
                       "co,FY2024,,,revenue,100,USD,million,src,,,\n"
                       "co,FY2024,,,cost_of_revenue,600,CNY,million,src,,,\n")
    with pytest.raises(InputError, match="row 4, currency: cost_of_revenue is in CNY but the "
                                         "company reports in USD; convert it"):
        io.read_company_file(p)


def test_mixed_currencies_without_a_company_currency(tmp_path: Path) -> None:
    p = _csv(tmp_path, "co,FY2024,,,revenue,100,USD,million,src,,,\n"
                       "co,FY2024,,,cost_of_revenue,600,CNY,million,src,,,\n")
    with pytest.raises(InputError, match="company currency: missing, and the figures use "
                                         "several currencies"):
        io.read_company_file(p)


def test_friendly_csv_infers_currency_and_name(tmp_path: Path) -> None:
    p = _csv(tmp_path, "co,FY2024,,,revenue,100,USD,million,src,,,\n"
                       "co,FY2024,,,cost_of_revenue,60,USD,million,src,,,\n"
                       "co,FY2024,,,cash_and_equivalents,50,USD,million,src,,,\n")
    c = io.read_company_file(p)
    assert (c.id, c.name, c.currency, c.business_model) == ("co", "co", "USD", "unknown")
    assert c.period("FY2024").months == 12
    cash = c.figure("cash_and_equivalents", "FY2024")
    assert cash is not None and cash.period.is_instant and cash.value == 50e6


def test_minimal_csv_columns(tmp_path: Path) -> None:
    p = tmp_path / "mini.csv"
    p.write_text("company,period,metric,value,unit,currency,source_url\n"
                 "mini,FY2024,revenue,10,million,HKD,annual report p.3\n"
                 "mini,FY2023,revenue,8,million,HKD,annual report p.3\n")
    c = io.read_company_file(p)
    growth = c.figure("revenue", "FY2024")
    assert c.currency == "HKD" and growth is not None
    from llmecon.metrics.resolve import Resolver

    assert Resolver(c).get("revenue_growth_yoy", "FY2024").value == pytest.approx(10 / 8 - 1)


def test_csv_with_two_thousand_companies_lists_a_few(tmp_path: Path) -> None:
    rows = "".join(f"c{i},FY2024,,,revenue,1,USD,million,src,,,\n" for i in range(2000))
    with pytest.raises(InputError, match=r"one company per file, found .* and 1995 more"):
        io.read_company_file(_csv(tmp_path, rows))


YAML_HEAD = """company:
  id: tiny
  currency: USD
figures:
"""


@pytest.mark.parametrize(("text", "message"), [
    (YAML_HEAD + "  - {item: revenue, period: P1, value: 1, unit: million, source: s}\n"
     "periods:\n  P1: {end: 2023-02-30, months: 12}\n", "line 7: '2023-02-30' is not a valid date"),
    ("company:\n  id: tiny\n  2024: x\nfigures: []\n", "line 3: key 2024 is not text"),
    ("company:\n  id: tiny\ncompany:\n  id: other\nfigures: []\n", "line 3: duplicate key"),
    ("company:\n  id: a/b\nfigures:\n  - {item: revenue, period: FY2024, value: 1, "
     "unit: million, currency: USD, source: s}\n", "company: id: expected an id of letters"),
    ("company:\n  id: t\n  fiscal_year_end: 02-30\nfigures:\n  - {item: revenue, period: FY2024, "
     "value: 1, unit: million, currency: USD, source: s}\n",
     "company: fiscal_year_end: expected MM-DD with a real month and day, found '02-30'"),
    ("company:\n  id: t\n  name: [1, 2]\nfigures:\n  - {item: revenue, period: FY2024, "
     "value: 1, unit: million, currency: USD, source: s}\n", "company: name: expected text"),
    (YAML_HEAD + "  - {item: revenue, period: FY2024, value: 1, unit: million, source: s, "
     "instant: 'yes'}\n", "instant: expected true or false"),
])
def test_hostile_yaml_company(tmp_path: Path, text: str, message: str) -> None:
    p = tmp_path / "t.yaml"
    p.write_text(text)
    with pytest.raises(InputError) as e:
        io.read_company_file(p)
    assert str(e.value).startswith(str(p))
    assert message in str(e.value)


def test_alias_bomb_in_a_company_name_is_refused_quickly(tmp_path: Path) -> None:
    bomb = 'x: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    prev = "a"
    for i in range(1, 12):
        bomb += f"x{i}: &n{i} [" + ",".join([f"*{prev}"] * 9) + "]\n"
        prev = f"n{i}"
    p = tmp_path / "bomb.yaml"
    p.write_text(bomb + f"company:\n  id: bomb\n  name: *{prev}\nfigures: []\n")
    start = time.perf_counter()
    with pytest.raises(InputError, match="aliases expand the document"):
        io.read_company_file(p)
    assert time.perf_counter() - start < 1.0


def test_local_file_never_shadows_a_bundled_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "zhipu").write_text("not a company")
    assert load_company("zhipu").name.startswith("Knowledge Atlas")


@pytest.mark.slow
def test_validation_is_linear_in_periods(tmp_path: Path) -> None:
    # issue 14: 32k periods took 132 s (quadratic); one revenue figure per monthly period
    from datetime import date, timedelta

    n = 32_000
    lines = []
    day = date(1950, 1, 1)
    for i in range(n):
        lines.append(f"big,P{i},{day.isoformat()},1,revenue,{i % 97 + 1},USD,million,src,,,\n")
        day += timedelta(days=1)
    p = _csv(tmp_path, "".join(lines), "big.csv")
    start = time.perf_counter()
    company = check_company(io.read_company_file(p))
    elapsed = time.perf_counter() - start
    assert len(company.periods) == n
    assert elapsed < 20.0, f"validating {n} periods took {elapsed:.1f} s"


def test_metadata_rows_are_optional() -> None:
    # examplai without its currency row: every money row says USD
    c = io.read_company_file(Path(__file__).parents[1] / "data" / "examplai_no_currency.csv")
    assert c.currency == "USD" and c.business_model == "mixed"


@pytest.mark.parametrize("ref", ["x" * 5000 + ".csv", "a\0b.yaml", "x" * 5000])
def test_unusable_file_names_are_named_errors(ref: str) -> None:
    from llmecon.errors import NotFoundError

    with pytest.raises((InputError, NotFoundError)) as e:
        io.read_company(ref)
    assert len(str(e.value)) < 400  # the message names the place without echoing 5,000 x


@pytest.mark.parametrize(("row", "message"), [
    ("co,META,,,name,Evil\x1b[31mRed,,,,,,\nco,FY2024,,,revenue,1,USD,million,src,,,\n",
     "company: name: control character '\\x1b' at position 4"),
    ("co,FY2024,,,revenue,1,USD,million,src\x9b2J,,,\n",
     "row 2, source: control characters are not allowed"),
    ("co,FY2024,,,revenue,1,USD,million,src,,,note\x07\n",
     "row 2, note: control characters are not allowed"),
    # a right-to-left override shows the name in another order than it is read
    ("co,META,,,name,Acme \u202egnp.exe,,,,,,\nco,FY2024,,,revenue,1,USD,million,src,,,\n",
     "company: name: control character '\\u202e' at position 5"),
    ("co,FY2024,,,revenue,1,USD,million,src \u2066x\u2069,,,\n",
     "row 2, source: control characters are not allowed"),
])
def test_terminal_escapes_are_refused_at_load(tmp_path: Path, row: str, message: str) -> None:
    with pytest.raises(InputError) as e:
        io.read_company_file(_csv(tmp_path, row))
    assert message in str(e.value)
