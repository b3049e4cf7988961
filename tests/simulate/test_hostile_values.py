"""Issue 14: "start_cash: .nan (or NaN financing, 1e308) in a scenario gives P(cash < 0)
0%". A NaN cash balance compares false with zero, so it looked like a company that never
runs out. Now such values are refused wherever a scenario is built (file, code), with the
bound named; values at the bound run without overflow and give answers checked by hand."""

from __future__ import annotations

import json
import math
import warnings
from dataclasses import replace
from pathlib import Path

import pytest

from llmecon.cli import main
from llmecon.constants import MAX_MAGNITUDE
from llmecon.errors import InputError
from llmecon.simulate.distributions import Dist
from llmecon.simulate.scenario import Financing
from llmecon.statements.model import Company


def _simulate(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]
              ) -> tuple[int, str, str]:
    p = tmp_path / "s.yaml"
    p.write_text(text)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow warning fails the test
        code = main(["simulate", "minimax", "--scenario", str(p), "--paths", "300",
                     "--horizon", "12", "--no-save", "--format", "json"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("text", "named"), [
    ("drivers:\n  start_cash: .nan\n", "drivers.start_cash: expected a finite number, found nan"),
    ("drivers:\n  start_cash: .inf\n", "drivers.start_cash: expected a finite number, found inf"),
    ("drivers:\n  start_cash: 1e308\n", "drivers.start_cash: expected a number of at most "
                                        "1e+18 in size (larger ones overflow the arithmetic), "
                                        "found 1e+308"),
    ("drivers:\n  start_cash: {dist: uniform, low: 0, high: .nan}\n",
     "drivers.start_cash.high: expected a finite number, found nan"),
    ("financing:\n  - {amount: .nan, month: 2, committed: true}\n",
     "financing[0].amount: expected a finite number, found nan"),
    ("financing:\n  - {amount: 1e308, month: 2, committed: true}\n",
     "financing[0].amount: expected a number of at most 1e+18"),
    ("financing:\n  - {amount: 1e9, month: 2, committed: true, annual_interest_rate: .nan}\n",
     "financing[0].annual_interest_rate: expected a finite number, found nan"),
    ("drivers:\n  start_cash: 1e-320\n", "drivers.start_cash: expected 0 or a number of at "
                                          "least 1e-18 in size (smaller ones overflow "
                                          "divisions), found 1e-320"),
])
def test_non_finite_or_huge_cash_is_refused_not_answered(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, named: str) -> None:
    code, out, err = _simulate(tmp_path, text, capsys)
    assert code == 2 and out == ""  # no "P(cash < 0) 0.0%" printed
    assert err.count("\n") == 1 and named in err, err


def test_a_scenario_built_in_code_refuses_nan_cash(minimax: Company) -> None:
    from llmecon.simulate.loaders import load_base_scenario

    base = load_base_scenario(minimax, horizon_months=12)
    nan_cash = {**base.drivers, "start_cash": Dist("fixed", {"value": math.nan})}
    with pytest.raises(InputError, match=r"scenario minimax: drivers.start_cash.value: "
                                         r"expected a finite number of at most 1e\+18"):
        replace(base, drivers=nan_cash)
    with pytest.raises(InputError, match=r"financing\[0\].amount: expected a finite number"):
        replace(base, financing=(Financing(2, 1e308, "huge", True),))
    huge_sd = {**base.drivers, "start_cash": Dist("normal", {"mean": 1.0, "sd": 1e300})}
    with pytest.raises(InputError, match=r"drivers.start_cash.sd"):
        replace(base, drivers=huge_sd)


def test_cash_at_the_bound_runs_without_overflow_and_answers_correctly(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """1e18 of cash: never runs out within a year (MiniMax burns about US$ 30m a month), and
    it earns the 4% a year assumed on cash, paid monthly (data/financing.yaml: minimax):
    1e18 x (1 + 0.04 / 12) ** 12 = 1.0407415e18 at the horizon. The burn (about 3.4e8 over
    the year) is below the float's resolution at 1e18 relative 1e-9."""
    # month-to-month noise off (it moves cash held in other currencies), so the hand
    # computation below holds on every path
    code, out, err = _simulate(tmp_path, f"drivers:\n  start_cash: {MAX_MAGNITUDE:g}\n"
                                         "noise: []\n", capsys)
    assert code == 0, err
    assert "NaN" not in out and "Infinity" not in out
    s = json.loads(out)["summary"]
    assert s["prob_cash_out_by_horizon"] == 0.0
    assert s["cash_at_horizon"]["p5"] == pytest.approx(1e18 * (1 + 0.04 / 12) ** 12, rel=1e-6)
    assert all(math.isfinite(v) for v in s["revenue_over_horizon"].values())


def test_financing_at_the_bound_arrives_and_earns_interest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """1e18 raised in projected month 3 (the fourth) earns 4% a year from the next month to
    the twelfth: 1e18 x (1 + 0.04 / 12) ** 8 = 1.0269799e18 (the company's own cash, about
    1e9, is below the tolerance)."""
    code, out, err = _simulate(tmp_path, "financing:\n  - {label: windfall, amount: 1e18, "
                                         "month: 3, committed: true}\nnoise: []\n", capsys)
    assert code == 0, err
    s = json.loads(out)["summary"]
    assert s["prob_cash_out_by_horizon"] == 0.0
    assert s["cash_at_horizon"]["p50"] == pytest.approx(1e18 * (1 + 0.04 / 12) ** 8, rel=1e-6)


def test_no_cash_and_no_financing_runs_out_at_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The contrast: with no cash and no financing a loss-making company is below zero on
    every path (P = 100%), so the 0% above is an answer, not a default."""
    code, out, err = _simulate(tmp_path, "drivers:\n  start_cash: 0\nfinancing_included: none\n",
                               capsys)
    assert code == 0, err
    s = json.loads(out)["summary"]
    assert s["prob_cash_out_by_horizon"] == 1.0
    assert s["runway_months"]["p95"] == 1.0  # months are numbered from 1: the first month
