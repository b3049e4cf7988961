"""The consumer line's acquisition: an optional organic share that marketing does not buy
(econ33 M4: the blended CAC was used as if every new user were bought)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from llmecon.errors import InputError
from llmecon.simulate.distributions import Dist
from llmecon.simulate.loaders import load_base_scenario
from llmecon.simulate.run import deterministic
from llmecon.simulate.scenario import LineSpec, Scenario, Shock, load_scenario
from llmecon.statements.model import Company


def _app(**extra: float) -> Scenario:
    """1,000 users, 10% churn, marketing 200 a month at CAC 2 (100 users a month), 10% pay
    US$10; marketing cut to 20% from month 0; no costs."""
    d = {"start_cash": 1e6, "inference_cost_decline_annual": 0.0,
         "training_compute_monthly": 0.0, "training_compute_growth_annual": 0.0,
         "other_opex_monthly": 0.0, "opex_growth_annual": 0.0, "other_sm_monthly": 0.0,
         "app.start_users": 1000.0, "app.marketing_monthly": 200.0, "app.cac": 2.0,
         "app.user_churn_monthly": 0.1, "app.paying_rate": 0.1, "app.arppu_monthly": 10.0,
         "app.tokens_per_user_day": 0.0, "app.cost_per_m_tokens": 0.0,
         "app.other_cor_share": 0.0, **extra}
    return Scenario("c", "USD", date(2024, 12, 31), 3, (LineSpec("app", "c2c"),),
                    {k: Dist("fixed", {"value": v}) for k, v in d.items()},
                    shocks=(Shock("app.marketing_monthly", 0.2, 0, 0),))


def test_every_user_is_bought_by_default_by_hand() -> None:
    # month 0 buys 0.2 x 200 / 2 = 20 users: 1,000 x 0.9 + 20 = 920 in month 1
    p = deterministic(_app())
    assert p.revenue[0, :2] == pytest.approx([1000.0, 920.0 * 0.1 * 10.0], rel=1e-12)
    assert np.array_equal(p.revenue, deterministic(_app(
        **{"app.organic_acquisition_share": 0.0})).revenue)


def test_an_organic_share_is_kept_when_marketing_is_cut_by_hand() -> None:
    # 40% of the base month's 100 users come without marketing: 40 + 0.6 x 20 = 52 users;
    # month 1: 1,000 x 0.9 + 52 = 952 users; month 2: 952 x 0.9 + 52 = 908.8
    p = deterministic(_app(**{"app.organic_acquisition_share": 0.4}))
    assert p.revenue[0] == pytest.approx([1000.0, 952.0, 908.8], rel=1e-12)
    # without the cut the share changes nothing: 40 + 0.6 x 100 = 100 users a month
    base = deterministic(replace(_app(**{"app.organic_acquisition_share": 0.4}), shocks=()))
    assert base.revenue[0] == pytest.approx([1000.0, 1000.0, 1000.0], rel=1e-12)


def test_the_calibration_leaves_the_share_at_zero_and_a_file_sets_it(
        minimax: Company, tmp_path: Path) -> None:
    s = load_base_scenario(minimax, horizon_months=6)
    name = "ai_native_products.organic_acquisition_share"
    assert s.central(name) == 0.0
    assert "no source splits organic from paid" in s.provenance[name]
    f = tmp_path / "s.yaml"
    f.write_text(f"drivers:\n  {name}: 0.3\n", encoding="utf-8")
    assert load_scenario(s, f).central(name) == 0.3
    f.write_text(f"drivers:\n  {name}: 1.5\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"expected a share from 0 to 1, found 1\.5"):
        load_scenario(s, f)
