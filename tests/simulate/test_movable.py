"""The drivers a shock, regime or noise may move are the ones the engine reads month by
month (simulate/movable.py), checked against the engine itself; a multiplier over time on
any other driver is refused, where it was once accepted and dropped (a hostile-input audit:
cost per token x10 and unexplained operating cash flow x100 left the run unchanged)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from llmecon.errors import InputError
from llmecon.simulate.engine import project
from llmecon.simulate.loaders import load_base_scenario
from llmecon.simulate.movable import TIME_INDICES, movable
from llmecon.simulate.sampling import deterministic
from llmecon.simulate.scenario import Regime, Shock, load_scenario
from llmecon.statements.model import Company


@pytest.mark.parametrize("cid", ["zhipu", "minimax"])
def test_the_list_is_what_the_engine_reads(request: pytest.FixtureRequest, cid: str) -> None:
    """Every driver (and time index) multiplied by 1.5 in every month, one at a time, at the
    drivers' central values: the projection moves for each movable one whose value is not
    0, and for no other."""
    company: Company = request.getfixturevalue(cid)
    s = replace(load_base_scenario(company, None, 12), shocks=(), noise=(), regimes=())
    x = {k: np.array([d.central]) for k, d in s.drivers.items()}
    base = project(s, x, {})
    moved, still = [], []
    for name in [*s.drivers, *TIME_INDICES]:
        p = project(s, x, {name: np.full((1, s.horizon_months), 1.5)})
        changed = any(not np.array_equal(getattr(p, f), getattr(base, f))
                      for f in ("cash", "revenue", "gross_profit", "operating_cash_flow"))
        (moved if changed else still).append(name)
    assert all(movable(n) for n in moved), [n for n in moved if not movable(n)]
    idle = [n for n in still if movable(n) and n not in TIME_INDICES and x[n][0] != 0]
    assert idle == [], idle
    assert {"gpu_price_index", "inference_cost_index"} <= set(moved)


def test_a_shock_on_a_fixed_driver_is_refused(zhipu: Company, tmp_path: Path) -> None:
    s = load_base_scenario(zhipu, None, 12)
    for bad in ("cloud_deployment.cost_per_m_tokens", "unexplained_operating_monthly"):
        f = tmp_path / "s.yaml"
        f.write_text(f"shocks:\n- {{driver: {bad}, multiplier: 10}}\n", encoding="utf-8")
        with pytest.raises(InputError, match=rf"s.yaml: shocks\[0\]: {bad} is drawn once per "
                                             "path and held over the horizon"):
            load_scenario(s, f)
    f.write_text("noise:\n- {driver: '*_monthly', sd_monthly: 0.1, autocorrelation: 0.5}\n",
                 encoding="utf-8")
    with pytest.raises(InputError, match=r"noise\[0\]: '\*_monthly' matches \S+, which is drawn "
                                         "once per path"):
        load_scenario(s, f)
    f.write_text("regimes:\n- {name: r, probability_per_year: 0.5, duration_months: 3, "
                 "multipliers: {other_opex_monthly: 2}}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"regimes\[0\]: other_opex_monthly is drawn once"):
        load_scenario(s, f)
    # built in Python, not from a file: refused when the run builds its multipliers
    for built in (replace(s, shocks=(Shock("other_opex_monthly", 2.0, 0, 0),)),
                  replace(s, regimes=(Regime("r", 0.5, 3, {"start_cash": 2.0}),))):
        with pytest.raises(InputError, match="is drawn once per path"):
            deterministic(built) if built.shocks else _sampled(built)
    # a movable one still runs
    ok = tmp_path / "ok.yaml"
    ok.write_text("shocks:\n- {driver: 'localized_deployment.contracts_per_month', "
                  "multiplier: 0.5}\n", encoding="utf-8")
    assert deterministic(load_scenario(s, ok)).revenue.shape == (1, 12)


def _sampled(s: object) -> None:
    from llmecon.simulate.sampling import sample_paths

    sample_paths(s, 1, 0, 10)  # type: ignore[arg-type]


def test_a_regime_pattern_is_expanded_to_the_drivers_it_names(zhipu: Company,
                                                               tmp_path: Path) -> None:
    """A review found regime keys kept as written: ``*.tokens_per_month`` passed the check
    (its suffix is movable) and built a multiplier the engine never reads."""
    f = tmp_path / "r.yaml"
    f.write_text("regimes:\n- {name: crash, probability_per_year: 1.0, duration_months: 12, "
                 "multipliers: {'*.tokens_per_month': 0.5}}\n", encoding="utf-8")
    s = load_scenario(load_base_scenario(zhipu, None, 12), f)
    assert dict(s.regimes[0].multipliers) == {"cloud_deployment.tokens_per_month": 0.5}
    assert not movable("*.tokens_per_month")
