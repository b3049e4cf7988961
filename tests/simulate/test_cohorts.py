"""Issue 11: the projection's C2C payers are cohorts on the sBG retention curve where the
assumptions give one (hand computations; Fader and Hardie's published fit)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from llmecon.config.assumptions import load_assumptions
from llmecon.simulate.distributions import Dist
from llmecon.simulate.engine import c2c_cohort_payers
from llmecon.simulate.loaders import load_base_scenario
from llmecon.simulate.run import deterministic, run
from llmecon.simulate.scenario import LineSpec, Scenario
from llmecon.statements.model import Company
from llmecon.unit_economics.retention import survival

# Fader and Hardie (2007), "How to Project Customer Retention", the "high end" data set:
# alpha 0.668, beta 3.806. By hand: S(1) = beta / (alpha + beta) = 3.806 / 4.474 = 0.85069;
# S(2) = S(1) (beta + 1) / (alpha + beta + 1) = 0.85069 x 4.806 / 5.474 = 0.74688.
ALPHA, BETA = 0.668, 3.806
S1, S2 = 3.806 / 4.474, 3.806 / 4.474 * 4.806 / 5.474


def _c2c(marketing: float, horizon: int = 12, tenure: float | None = 1.0) -> Scenario:
    """One C2C line, nothing uncertain: 1,000 users, 10% pay US$10 a month; no costs. The
    opening payers are one new cohort (``tenure`` 1) unless said (None: the default)."""
    d = {k: Dist("fixed", {"value": v}) for k, v in {
        "start_cash": 1e6, "inference_cost_decline_annual": 0.0,
        "training_compute_monthly": 0.0, "training_compute_growth_annual": 0.0,
        "other_opex_monthly": 0.0, "opex_growth_annual": 0.0, "other_sm_monthly": 0.0,
        "app.start_users": 1000.0, "app.marketing_monthly": marketing, "app.cac": 2.0,
        "app.user_churn_monthly": 0.1, "app.paying_rate": 0.1, "app.arppu_monthly": 10.0,
        "app.tokens_per_user_day": 0.0, "app.cost_per_m_tokens": 0.0,
        "app.other_cor_share": 0.0, "app.payer_sbg_alpha": ALPHA,
        "app.payer_sbg_beta": BETA,
        **({} if tenure is None else {"app.payer_base_tenure_months": tenure})}.items()}
    return Scenario("c", "USD", date(2024, 12, 31), horizon, (LineSpec("app", "c2c"),), d)


def test_payers_of_one_cohort_follow_the_curve_by_hand() -> None:
    p = deterministic(_c2c(marketing=0.0))
    # 100 opening payers x US$10: 1,000, then 1,000 S(1), 1,000 S(2)
    assert p.revenue[0, :3] == pytest.approx([1000.0, 1000.0 * S1, 1000.0 * S2], rel=1e-12)
    np.testing.assert_allclose(p.revenue[0] / 1000.0, survival(ALPHA, BETA, np.arange(12)),
                               rtol=1e-12)


def test_new_cohorts_join_a_month_after_their_spend_by_hand() -> None:
    # marketing 200 a month at CAC 2: 100 users a month, 10 new payers, active next month
    p = deterministic(_c2c(marketing=200.0))
    payers = p.revenue[0, :3] / 10.0
    assert payers == pytest.approx([100.0, 100.0 * S1 + 10.0, 100.0 * S2 + 10.0 * S1 + 10.0],
                                   rel=1e-12)


def test_zero_variance_monte_carlo_equals_the_cohort_projection() -> None:
    s = _c2c(marketing=200.0)
    r = run(s, paths=50, seed=1)
    det = deterministic(s)
    for q in range(5):
        np.testing.assert_allclose(r.percentiles["revenue"][q], det.revenue[0], rtol=1e-12)


def test_uncertain_curve_refused() -> None:
    from llmecon.errors import InputError

    s = _c2c(0.0)
    d = dict(s.drivers)
    d["app.payer_sbg_alpha"] = Dist("uniform", {"low": 0.5, "high": 0.8})
    with pytest.raises(InputError, match="expected fixed values"):
        run(replace(s, drivers=d), paths=10, seed=0)


def test_calibration_takes_the_curve_from_the_assumptions(minimax: Company, tmp_path: Path,
                                                          minimax_exit: dict[str, float]
                                                          ) -> None:
    """With sbg_alpha and sbg_beta in the assumptions, MiniMax's AI-native payers are
    cohorts: with no marketing, payers(t) / payers(0) = S(t) of the published fit."""
    f = tmp_path / "a.yaml"
    f.write_text(f"c2c:\n  sbg_alpha: {ALPHA}\n  sbg_beta: {BETA}\n", encoding="utf-8")
    s = load_base_scenario(minimax, load_assumptions(f), horizon_months=6)
    line = "ai_native_products"
    assert s.central(f"{line}.payer_sbg_alpha") == ALPHA
    assert "unit-economics driver" in s.provenance[f"{line}.payer_sbg_beta"]
    # the line's churn is the free users' under a payer curve, and the scenario says so
    assert "applies to the free users" in s.provenance[f"{line}.user_churn_monthly"]
    x = {k: np.array([d.central]) for k, d in s.drivers.items()}
    x[f"{line}.marketing_monthly"] = np.array([0.0])
    assert s.central(f"{line}.payer_base_tenure_months") == 24
    assert "equal monthly cohorts" in s.provenance[f"{line}.payer_base_tenure_months"]
    payers = c2c_cohort_payers(x, {}, line, 13)[0]
    # opening payers: disclosed 9M 2025 paying users 1,771,600 (= MAU x paying rate) at the
    # line's exit run-rate (x1.377)
    assert payers[0] == pytest.approx(1_771_600 * minimax_exit[line], rel=1e-9)
    # a base of 24 monthly cohorts keeps 0.932 after a month, 0.598 after a year (econ33 M5)
    assert payers[[1, 12]] / payers[0] == pytest.approx([0.932, 0.598], abs=5e-4)
    x[f"{line}.payer_base_tenure_months"] = np.array([1.0])  # one new cohort: S(t)
    payers = c2c_cohort_payers(x, {}, line, 6)[0]
    assert payers[1:3] / payers[0] == pytest.approx([S1, S2], rel=1e-12)


# econ33 M5, by hand (scipy betaln, alpha 0.668, beta 3.806): a base of 24 equal monthly
# cohorts (equal numbers acquired, ages 0-23) keeps sum S(a + h) / sum S(a) = 0.932 after
# one month and 0.598 after twelve, where a new cohort keeps S(1) 0.851 and S(12) 0.378.
# Check of the first by the recursion S(a + 1) = S(a) (beta + a) / (alpha + beta + a):
def _hand_base_kept_after_one_month(ages: int) -> float:
    s = [1.0]
    for a in range(ages):
        s.append(s[-1] * (BETA + a) / (ALPHA + BETA + a))
    return sum(s[1:ages + 1]) / sum(s[:ages])


def test_the_opening_base_is_of_mixed_tenure_by_hand() -> None:
    """Survivors of a heterogeneous cohort churn less (Fader and Hardie 2010), so a base of
    24 monthly cohorts keeps more than one new cohort would (it was decayed as new)."""
    p = deterministic(_c2c(marketing=0.0, horizon=13, tenure=None))  # the default, 24
    kept = p.revenue[0] / p.revenue[0, 0]
    assert kept[1] == pytest.approx(0.932, abs=5e-4)
    assert kept[1] == pytest.approx(_hand_base_kept_after_one_month(24), rel=1e-12)
    assert kept[12] == pytest.approx(0.598, abs=5e-4)
    assert kept[12] > survival(ALPHA, BETA, 12) + 0.2  # a new cohort keeps 0.378


@pytest.mark.parametrize("tenure", [0.0, 2.5])
def test_a_base_tenure_that_is_not_a_whole_number_of_months_is_refused(tenure: float) -> None:
    from llmecon.errors import InputError

    with pytest.raises(InputError, match="payer_base_tenure_months: expected a whole number"):
        deterministic(_c2c(marketing=0.0, tenure=tenure))


def test_a_base_tenure_past_its_range_is_refused_with_the_file(tmp_path: Path,
                                                                minimax: Company) -> None:
    """A review: 1e8 months asked for 26.8 GiB and ended as an internal error, checked only
    inside the engine; the scenario file's reader refuses it, naming the file."""
    from llmecon.errors import InputError
    from llmecon.simulate.loaders import load_base_scenario
    from llmecon.simulate.scenario import load_scenario

    f = tmp_path / "tenure.yaml"
    f.write_text("drivers:\n  ai_native_products.payer_base_tenure_months: 100000000\n")
    with pytest.raises(InputError, match=r"tenure\.yaml.*payer_base_tenure_months.*a whole "
                                         r"number of months from 1 to 600, found 1e\+08"):
        load_scenario(load_base_scenario(minimax), f)


def test_the_base_survival_sums_by_hand() -> None:
    # S(t) = 0.9^t over 3 ages: S_base(1) = (0.9 + 0.81 + 0.729) / (1 + 0.9 + 0.81) = 0.9;
    # with S(t) = 1 / (1 + t): S_base(1) = (1/2 + 1/3) / (1 + 1/2) = 0.5556
    from llmecon.simulate.consumer import base_survival

    assert base_survival(lambda t: 0.9 ** t, 2, 3)[1] == pytest.approx(0.9)
    assert base_survival(lambda t: 1 / (1 + t), 2, 2)[1] == pytest.approx((1 / 2 + 1 / 3) / 1.5)
