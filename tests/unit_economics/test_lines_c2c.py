"""Rows of a consumer line: every n/a says why (econ33 L4)."""

from __future__ import annotations

from pathlib import Path

from llmecon.config.assumptions import load_assumptions
from llmecon.statements.model import Company
from llmecon.unit_economics.bundled import bundled_inference
from llmecon.unit_economics.company import unit_economics_table
from llmecon.units import load_fx


def test_churn_lever_under_an_sbg_curve_is_na_with_its_reason(minimax: Company,
                                                              tmp_path: Path) -> None:
    # the retention fit of the README (sBG alpha 0.668, beta 3.806): no constant churn rate
    # is solved for, and the row says so instead of a bare n/a over the constant-churn formula
    path = tmp_path / "sbg.yaml"
    path.write_text("c2c:\n  sbg_alpha: 0.668\n  sbg_beta: 3.806\n")
    ue = unit_economics_table(minimax, load_assumptions(path), load_fx(),
                              *bundled_inference())
    (row,) = [r for r in ue.rows if r.quantity == "payer churn needed for LTV/CAC >= 3"]
    assert row.value is None and row.status == "n/a"
    assert row.basis.startswith("not solved under a shifted-beta-geometric payer curve")
    assert all(r.basis not in ("", "n/a") for r in ue.rows if r.value is None)
