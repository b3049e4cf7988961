"""Any fiscal year end (issue 15): labels relative to the company's year, like-for-like
growth a year apart, TTM from FY + interim - prior interim. Values hand-computed here."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from llmecon.errors import InputError
from llmecon.metrics import signals as s
from llmecon.statements import io
from llmecon.statements.model import implied_by_label, shift_months

# A fictional company whose fiscal year ends 30 April: FY2025 = May 2024 - April 2025.
APRIL = """company:
  id: aprilco
  name: April Co (fictional)
  currency: USD
  business_model: c2c_product
  fiscal_year_end: 04-30
figures:
  - {item: revenue, period: FY2024, value: 120, unit: million, currency: USD, source: test}
  - {item: revenue, period: FY2025, value: 150, unit: million, currency: USD, source: test}
  - {item: revenue, period: H1_2025, value: 70, unit: million, currency: USD, source: test}
  - {item: revenue, period: H1_2026, value: 90, unit: million, currency: USD, source: test}
"""


@pytest.fixture()
def april(tmp_path: Path) -> object:
    p = tmp_path / "aprilco.yaml"
    p.write_text(APRIL)
    return io.read_company_file(p)


def test_labels_follow_the_fiscal_year(april: object) -> None:
    from llmecon.statements.model import Company

    assert isinstance(april, Company)
    fy = april.period("FY2025")
    assert (fy.end, fy.months, fy.start) == (date(2025, 4, 30), 12, date(2024, 5, 1))
    h1 = april.period("H1_2026")  # first half of fiscal 2026: May-October 2025
    assert (h1.end, h1.months, h1.start) == (date(2025, 10, 31), 6, date(2025, 5, 1))


def test_like_for_like_growth_and_ttm_by_hand(april: object) -> None:
    from llmecon.statements.model import Company

    assert isinstance(april, Company)
    ctx = s.Context(april)
    # H1_2026 against H1_2025: 90 / 70 - 1
    assert s.revenue_growth(ctx, april.period("H1_2026")).value == pytest.approx(90 / 70 - 1)
    assert s.revenue_growth(ctx, april.period("FY2025")).value == pytest.approx(150 / 120 - 1)
    # TTM to 31 Oct 2025 = FY2025 + H1_2026 - H1_2025 = 150 + 90 - 70 = 170 (US$m)
    ttm = s.revenue_ttm(ctx, april.period("H1_2026"))
    assert ttm.value == pytest.approx(170e6)
    assert ttm.basis == "TTM = FY2025 + H1_2026 - H1_2025"


def test_a_calendar_end_for_an_april_year_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text(APRIL.replace("figures:\n", "periods:\n  FY2024: {end: 2024-12-31, months: 12}\n"
                               "figures:\n"))
    with pytest.raises(InputError, match=r"FY2024 ends 2024-04-30 \(fiscal year end 04-30"):
        io.read_company_file(p)


def test_an_april_year_in_a_calendar_company_names_the_setting(tmp_path: Path) -> None:
    # issue 15: "FY2024 ending 2024-04-30 is refused with 'FY2024 ends 2024-12-31'" and no way out
    p = tmp_path / "cal.yaml"
    p.write_text(APRIL.replace("  fiscal_year_end: 04-30\n", "").replace(
        "figures:\n", "periods:\n  FY2024: {end: 2024-04-30, months: 12}\nfigures:\n"))
    with pytest.raises(InputError, match="set the company's fiscal_year_end"):
        io.read_company_file(p)


@pytest.mark.parametrize(("label", "year_end", "end", "months"), [
    ("FY2025", (1, 31), date(2025, 1, 31), 12),   # Snowflake fiscal 2025
    ("Q1_2026", (1, 31), date(2025, 4, 30), 3),   # Snowflake 10-Q, quarter ended 30 Apr 2025
    ("9M_2025", (6, 30), date(2025, 3, 31), 9),
    ("H2_2024", (6, 30), date(2024, 6, 30), 6),
    ("H1_2024", (2, 28), date(2023, 8, 31), 6),
    ("FY2024", (2, 28), date(2024, 2, 29), 12),   # a leap-year February end
])
def test_implied_by_label(label: str, year_end: tuple[int, int], end: date, months: int) -> None:
    assert implied_by_label(label, year_end) == (end, months)


def test_shift_months_keeps_month_ends() -> None:
    assert shift_months(date(2024, 2, 29), -12) == date(2023, 2, 28)
    assert shift_months(date(2023, 2, 28), 12) == date(2024, 2, 29)
    assert shift_months(date(2024, 3, 15), -1) == date(2024, 2, 15)


def test_round_trip_keeps_the_fiscal_year_end(april: object, tmp_path: Path) -> None:
    from llmecon.statements.model import Company

    assert isinstance(april, Company)
    for suffix in ("csv", "yaml"):
        back = io.read_company_file(io.write_company_file(april, tmp_path / f"x.{suffix}"))
        assert back.fiscal_year_end == "04-30"
        assert back.period("H1_2026").end == date(2025, 10, 31)


def test_calendarised_ttm_at_a_common_date(april: object, tmp_path: Path) -> None:
    from llmecon.api import load_company
    from llmecon.metrics.calendar import calendarised_ttm
    from llmecon.statements.model import Company

    assert isinstance(april, Company)
    zhipu = load_company("zhipu")
    rows = calendarised_ttm([april, zhipu], date(2025, 12, 31))
    # April Co: TTM to 31 Oct 2025 = FY2025 150 + H1_2026 90 - H1_2025 70 = 170
    assert rows[0].value == pytest.approx(170e6)
    assert rows[0].label == "TTM to 2025-10-31 (H1_2026)" and rows[0].lag_days == 61
    # Zhipu: TTM to 30 June 2025 = FY2024 312.414 + H1_2025 190.877 - H1_2024 44.9 (RMB m)
    assert rows[1].value == pytest.approx((312.414 + 190.877 - 44.9) * 1e6)
    assert rows[1].label == "TTM to 2025-06-30 (H1_2025)" and rows[1].currency == "CNY"
    early = calendarised_ttm([april], date(2024, 1, 1))[0]
    assert early.value is None and "no twelve months of revenue" in early.why


def test_calendarised_table_labels_each_period_end(april: object) -> None:
    from llmecon.api import load_company
    from llmecon.metrics.calendar import calendarised_table
    from llmecon.statements.model import Company

    assert isinstance(april, Company)
    t = calendarised_table([april, load_company("minimax")], date(2025, 12, 31))
    assert [c.header for c in t.columns] == ["aprilco TTM to 2025-10-31 (H1_2026)",
                                             "minimax TTM to 2025-12-31 (FY2025)"]
    rows = {r.key: r for r in t.rows}
    assert rows["revenue"].cells[0].value == pytest.approx(170e6)  # 150 + 90 - 70
    # MiniMax FY2025: gross profit 20.079 of revenue 79.038 (post_listing.md 5a)
    assert rows["gross_margin_ttm"].cells[1].value == pytest.approx(20.079 / 79.038)
    assert rows["rd_to_revenue_ttm"].cells[1].value == pytest.approx(253 / 79.038)
    assert rows["gross_margin_ttm"].cells[0].value is None  # April Co gives no costs
