"""The report computes what the other commands compute: one calibration for every route."""

from __future__ import annotations

import numpy as np

from llmecon import report_data
from llmecon.api import load_company
from llmecon.simulate.loaders import load_base_scenario
from llmecon.simulate.run import run


def test_report_simulates_the_scenario_simulate_runs() -> None:
    """`report` once calibrated without data/financing.yaml and data/compute.yaml (no
    interest on cash, all compute rented, no foreign currency): MiniMax's median cash at the
    horizon was US$557m against `simulate`'s US$677m for the same seed and paths."""
    minimax = load_company("minimax")
    data = report_data.build([minimax], stresses=[], paths=300, horizon=12, seed=1)
    got = data.simulations["minimax"]["base"]
    want = run(load_base_scenario(minimax, None, 12), paths=300, seed=1)
    for metric in ("cash", "revenue", "burn"):
        np.testing.assert_array_equal(got.percentiles[metric], want.percentiles[metric])
    assert got.prob_cash_out.tolist() == want.prob_cash_out.tolist()
