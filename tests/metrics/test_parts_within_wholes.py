"""A company file whose parts exceed their whole is refused, naming both (from an audit:
each case below passed ``validate`` and gave ratios such as a 1,250% gross margin)."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmecon.api import load_company
from llmecon.errors import InputError

BASE = Path(__file__).resolve().parents[1] / "data" / "examplai.csv"


def _row(period: str, months: int, item: str, value: float, unit: str = "million") -> str:
    end = "2023-12-31" if period == "FY2023" else "2024-12-31"
    cur = "" if unit == "percent" else "USD"
    return (f"examplai,{period},{end},{months},{item},{value},{cur},{unit},hand-written test "
            "fixture,1,high,,,,\n")


@pytest.mark.parametrize(("rows", "says"), [
    ([_row("FY2023", 12, "gross_profit", 500)], "exceeds revenue"),
    ([_row("FY2024", 0, "total_assets", 100)], "cash_and_equivalents"),
    ([_row("FY2024", 0, "current_liabilities", 500),
      _row("FY2024", 0, "total_liabilities", 100)], "exceeds total_liabilities"),
    ([_row("FY2024", 0, "trade_receivables", 100),
      _row("FY2024", 0, "trade_receivables_gross", 50)], "exceeds trade_receivables_gross"),
    ([_row("FY2024", 0, "cash_and_investments", 100)], "exceed cash_and_investments"),
    ([_row("FY2024", 0, "ipo_net_proceeds", 200), _row("FY2024", 0, "ipo_gross_proceeds", 100)],
     "exceeds ipo_gross_proceeds"),
    ([_row("FY2024", 12, "rd_staff_cost", 50)], "rd_staff_cost + rd_compute_cost = "),
    # code35: two shares of one cost of revenue, each within 0-100%, 120% together
    ([_row("FY2024", 12, "cost_of_revenue_compute_share", 60, "percent"),
      _row("FY2024", 12, "cost_of_revenue_labor_share", 60, "percent")],
     "60% + 60% = 120% of the cost of revenue, expected at most 100%"),
])
def test_parts_bigger_than_their_whole_are_refused(rows: list[str], says: str,
                                                    tmp_path: Path) -> None:
    p = tmp_path / "c.csv"
    p.write_text(BASE.read_text(encoding="utf-8") + "".join(rows), encoding="utf-8")
    with pytest.raises(InputError, match=r"c\.csv") as e:
        load_company(str(p))
    assert says in str(e.value)


def test_parts_within_their_whole_are_read(tmp_path: Path) -> None:
    # cash 600 within assets 700 and cash and investments 650 (600 + 50); staff 20 +
    # compute 60 = the R&D expense 80
    p = tmp_path / "c.csv"
    p.write_text(BASE.read_text(encoding="utf-8") + "".join([
        _row("FY2024", 0, "total_assets", 700), _row("FY2024", 0, "short_term_investments", 50),
        _row("FY2024", 0, "cash_and_investments", 650), _row("FY2024", 12, "rd_staff_cost", 20)]),
        encoding="utf-8")
    assert load_company(str(p)).id == "examplai"


def test_a_part_above_its_whole_is_one_problem(tmp_path: Path) -> None:
    # compute 90 above an R&D expense of 80: one problem, not a second one for the sum of
    # the parts found (compute alone)
    p = tmp_path / "c.csv"
    p.write_text(BASE.read_text(encoding="utf-8").replace(
        "rd_compute_cost,60,", "rd_compute_cost,90,"), encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_company(str(p))
    text = str(e.value)
    assert "rd_compute_cost FY2024: 90 USD million exceeds rd_expense 80" in text
    assert text.count("exceed") == 1


def test_proceeds_in_two_currencies_are_not_compared_as_numbers(tmp_path: Path) -> None:
    # gross US$619.0m beside net HK$4,624.3m (= 619.0 x 7.7835 x (1 - 4.02%)): the net is
    # the smaller amount; 4,624.3 > 619.0 compares HK$ with US$ and must not refuse the file
    gross = _row("FY2024", 0, "ipo_gross_proceeds", 619.0)
    net = _row("FY2024", 0, "ipo_net_proceeds", 4624.3).replace(",USD,", ",HKD,")
    p = tmp_path / "c.csv"
    p.write_text(BASE.read_text(encoding="utf-8") + gross + net, encoding="utf-8")
    assert load_company(str(p)).id == "examplai"
