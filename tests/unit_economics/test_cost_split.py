"""The project lines' cost split: the company's compute net of the platform line's cost
(econ33 M2; hand computations from the prospectus figures written here)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from llmecon.api import load_company
from llmecon.config.assumptions import load_assumptions
from llmecon.metrics.resolve import Resolver
from llmecon.statements.model import Company
from llmecon.unit_economics.bundled import bundled_inference
from llmecon.unit_economics.company import unit_economics_table
from llmecon.unit_economics.cost_split import project_cost_split
from llmecon.units import load_fx

# Zhipu H1 2025 (RMB m): cost of revenue 95.453, compute 37.6%, labour 39.4%; cloud 29.1
# at -0.4% (cost 29.1 x 1.004); localized 190.877 - 29.1 = 161.777 at 59.1%
PROJECT_COST = 161.777 * 0.409  # 66.17
CLOUD_COST = 29.1 * 1.004  # 29.22


def test_zhipu_project_line_gets_the_compute_the_cloud_line_leaves(zhipu: Company) -> None:
    split = project_cost_split(zhipu, Resolver(zhipu), zhipu.period("H1_2025"))
    assert split is not None
    # compute (35.89 - 29.22) / 66.17 = 10.1%, not the company's 37.6%
    assert split.compute_share == pytest.approx((95.453 * 0.376 - CLOUD_COST) / PROJECT_COST)
    assert split.compute_share == pytest.approx(0.101, abs=5e-4)
    # labour 37.61 / 66.17 = 56.8%, not 39.4%
    assert split.labour_share == pytest.approx(95.453 * 0.394 / PROJECT_COST)
    assert split.labour_share == pytest.approx(0.568, abs=5e-4)
    assert split.hardware_share == pytest.approx(1 - split.compute_share - split.labour_share)
    assert "less the cloud_deployment line's cost (all compute)" in split.basis
    assert "floored" not in split.basis


def test_compute_floored_at_zero_where_the_cloud_line_costs_more(zhipu: Company) -> None:
    # a compute share of 20% gives 95.453 x 0.2 = 19.09 < the cloud line's 29.22: none is
    # left for the project line, said in the basis
    low = replace(zhipu, figures=tuple(
        replace(f, value=20.0) if f.item == "cost_of_revenue_compute_share" else f
        for f in zhipu.figures))
    split = project_cost_split(low, Resolver(low), low.period("H1_2025"))
    assert split is not None and split.compute_share == 0.0
    assert "floored at 0" in split.basis and "RMB 29.22m" not in split.basis
    assert "CNY 29.22m" in split.basis and "CNY 19.09m" in split.basis


def _rows(c: Company) -> dict[str, float | None]:
    ue = unit_economics_table(c, load_assumptions(), load_fx(), *bundled_inference())
    return {r.quantity: r.value for r in ue.rows if r.line == "localized_deployment"}


def test_project_rows_use_the_net_split(zhipu: Company) -> None:
    rows = _rows(zhipu)
    # delivery staff: labour 37.61m / RMB 40k a person-month / 6 months = 156.7 (was 108.6)
    assert rows["delivery staff (average over the period)"] == pytest.approx(
        95.453 * 0.394 / 40e3 * 1e6 / 6, rel=2e-3)
    # revenue per delivery employee: 161.777 x 2 / 156.7 = RMB 2.07m (was 3.0m)
    assert rows["revenue per delivery employee (annualised)"] == pytest.approx(2.065e6,
                                                                               rel=2e-3)
    # at 75% reusable: 1 - 0.409 x (1 - 0.75 x 0.568) = 76.5% (was 71.2%)
    assert rows["at 75% reusable: gross margin"] == pytest.approx(
        1 - 0.409 * (1 - 0.75 * 0.568), abs=5e-4)
    assert rows["compute share of the project lines' cost of revenue"] == pytest.approx(
        0.101, abs=5e-4)


def test_compute_needs_no_labour_share(zhipu: Company) -> None:
    """A review: a company file with the compute share but no labour share calibrated no
    compute in delivery cost ("not disclosed"); compute needs only its own share."""
    from llmecon.simulate.loaders import load_base_scenario

    bare = replace(zhipu, figures=tuple(f for f in zhipu.figures
                                        if f.item != "cost_of_revenue_labor_share"))
    split = project_cost_split(bare, Resolver(bare), bare.period("H1_2025"))
    assert split is not None and split.labour_share is None
    assert split.compute_share == pytest.approx((95.453 * 0.376 - CLOUD_COST) / PROJECT_COST)
    s = load_base_scenario(bare)
    assert s.drivers["localized_deployment.delivery_compute_share"].central == \
        pytest.approx(split.compute_share)
    assert "less the cloud_deployment line's cost" in \
        s.provenance["localized_deployment.delivery_compute_share"]


def test_the_split_is_as_sure_as_its_figures(zhipu: Company) -> None:
    # the company's shares are of medium confidence (prospectus via secondary sources):
    # the rows derived from them keep it (a review: they showed none)
    ue = unit_economics_table(zhipu, load_assumptions(), load_fx(), *bundled_inference())
    got = {r.quantity: r.confidence for r in ue.rows if r.line == "localized_deployment"}
    shares = {r.quantity: r.confidence for r in ue.rows
              if r.quantity.endswith("share of cost of revenue (company)")}
    assert set(shares.values()) == {"medium"}
    assert got["compute share of the project lines' cost of revenue"] == "medium"
    assert got["labour share of the project lines' cost of revenue"] == "medium"


FICTIVA = Path(__file__).resolve().parents[1] / "data" / "fictiva_b2b.csv"


def _fictiva(tmp_path: Path, compute: float, labour: float, project_margin: float) -> Company:
    """Fictiva FY2024 (cost of revenue 150, cloud_api 60 at 30%: cost 42) with a project
    line margin and the company's cost-of-revenue split given."""
    text = FICTIVA.read_text(encoding="utf-8").replace(
        "FY2024,2024-12-31,12,gross_margin,55,", f"FY2024,2024-12-31,12,gross_margin,"
        f"{project_margin:g},")
    text += "".join(f"fictiva,FY2024,2024-12-31,12,{item},{v:g},,percent,hand-written,1,"
                    "high,,,,\n" for item, v in (("cost_of_revenue_compute_share", compute),
                                                 ("cost_of_revenue_labor_share", labour)))
    p = tmp_path / "fictiva.csv"
    p.write_text(text, encoding="utf-8")
    return load_company(str(p))


def test_labour_capped_at_what_compute_leaves_and_said(tmp_path: Path) -> None:
    """code35: onsite_projects at 62.5% costs 240 x 0.375 = 90, less than the company's
    150 - 42; compute (60 - 42) / 90 = 20%, and company labour 90 was capped silently at
    100% of the line's cost: 120% in all, the hardware floored at 0 without a word, and a
    project margin of 1 - 0.375 x 1.2 = 55.0% shown as "matches the line margin" (62.5%).
    Labour is now what compute leaves, (90 - 18) / 90 = 80%, and the basis says so."""
    c = _fictiva(tmp_path, 40, 60, 62.5)
    split = project_cost_split(c, Resolver(c), c.period("FY2024"))
    assert split is not None and split.labour_share is not None
    assert split.compute_share == pytest.approx((150 * 0.4 - 42) / 90)
    assert split.labour_share == pytest.approx((90 - 18) / 90)
    assert split.hardware_share == pytest.approx(0.0, abs=1e-12)
    assert "capped at 80.0%" in split.labour_basis and "CNY 90.00m" in split.labour_basis
    rows = {r.quantity: r.value for r in unit_economics_table(
        c, load_assumptions(), load_fx(), *bundled_inference()).rows
        if r.line == "onsite_projects"}
    assert rows["project gross margin"] == pytest.approx(0.625)
    assert rows["at 0% reusable: gross margin"] == pytest.approx(0.625)


def test_labour_within_the_project_cost_is_not_capped(tmp_path: Path) -> None:
    # the fixture's 55% margin: 240 x 0.45 = 108 = 150 - 42; compute (45 - 42) / 108,
    # labour 97.5 / 108 (30% + 65% of 150), hardware the 5% left
    c = _fictiva(tmp_path, 30, 65, 55)
    split = project_cost_split(c, Resolver(c), c.period("FY2024"))
    assert split is not None and split.labour_share is not None
    assert split.labour_share == pytest.approx(150 * 0.65 / 108)
    assert split.hardware_share == pytest.approx(1 - 3 / 108 - 97.5 / 108)
    assert "capped" not in split.labour_basis
