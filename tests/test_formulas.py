"""Formulas against hand computations written here."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmecon import formulas as fx


def test_gross_margin_hand() -> None:
    # revenue 200, cost 150: gross profit 50, margin 25%
    assert fx.gross_profit(200.0, 150.0) == 50.0
    assert fx.gross_margin(200.0, 150.0) == 0.25


def test_zero_revenue_is_nan_not_error() -> None:
    assert math.isnan(fx.gross_margin(0.0, 10.0))
    assert math.isnan(fx.ratio(0.0, 0.0))


def test_growth_and_cagr_hand() -> None:
    assert fx.growth(150.0, 100.0) == pytest.approx(0.5)
    # 100 -> 121 over two years is 10% a year
    assert fx.cagr(100.0, 121.0, 2) == pytest.approx(0.10)
    assert math.isnan(fx.cagr(0.0, 121.0, 2))


def test_ttm_hand() -> None:
    # FY 100, this H1 70, last H1 40: TTM = 100 + 70 - 40 = 130
    assert fx.trailing_twelve_months(100.0, 70.0, 40.0) == 130.0


def test_burn_and_runway_hand() -> None:
    # OCF -90 and capex 30 over 6 months burn 20 a month; 240 cash lasts 12 months
    burn = fx.monthly_cash_burn(-90.0, 30.0, 6)
    assert burn == pytest.approx(20.0)
    assert fx.runway_months(240.0, burn) == pytest.approx(12.0)
    assert math.isinf(fx.runway_months(240.0, -5.0))  # cash-generative: no runway limit


def test_revenue_per_employee_annualises_interim() -> None:
    # 9 months of 90 revenue with 10 people: 120 a year, 12 per person
    assert fx.revenue_per_employee(90.0, 10.0, 9) == pytest.approx(12.0)


def test_receivable_days_hand() -> None:
    # opening 10, closing 30 (average 20), revenue 365 over 365 days: 20 days
    assert fx.receivable_days(10.0, 30.0, 365.0, 365) == pytest.approx(20.0)


def test_arppu_and_spend_per_net_new_hand() -> None:
    assert fx.monthly_arppu(90.0, 10.0, 3) == pytest.approx(3.0)
    assert fx.spend_per_net_new(50.0, 15.0, 5.0) == pytest.approx(5.0)
    assert math.isnan(fx.spend_per_net_new(50.0, 5.0, 15.0))  # users fell: no net new


def test_formulas_work_on_arrays_and_series() -> None:
    rev = np.array([100.0, 200.0, 0.0])
    cor = np.array([50.0, 150.0, 1.0])
    out = fx.gross_margin(rev, cor)
    assert out[0] == 0.5 and out[1] == 0.25 and math.isnan(out[2])
    s = fx.gross_margin(pd.Series(rev, index=list("abc")), pd.Series(cor, index=list("abc")))
    assert isinstance(s, pd.Series) and list(s.index) == ["a", "b", "c"]


@given(st.floats(1, 1e9), st.floats(0, 1e9))
def test_gross_margin_never_exceeds_one(revenue: float, cost: float) -> None:
    assert fx.gross_margin(revenue, cost) <= 1.0


@given(st.floats(1, 1e6), st.floats(0.1, 1e6), st.floats(1.01, 3))
def test_runway_shrinks_as_burn_rises(cash: float, burn: float, factor: float) -> None:
    assert fx.runway_months(cash, burn * factor) < fx.runway_months(cash, burn)


def _sbg_survival_by_hand(alpha: float, beta: float, t: float) -> float:
    """S(t) = B(alpha, beta + t) / B(alpha, beta), B(a, b) = G(a) G(b) / G(a + b) (Fader &
    Hardie 2007, eq. 7), written here with math.lgamma, apart from the package's."""
    def lbeta(a: float, b: float) -> float:
        return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)

    return math.exp(lbeta(alpha, beta + t) - lbeta(alpha, beta))


@pytest.mark.parametrize(("alpha", "beta"), [(0.668, 3.806), (1.0, 3.5), (0.2, 0.5),
                                             (2.0, 10.0), (0.05, 1.0)])
def test_median_lifetime_is_where_the_sbg_survival_crosses_one_half(alpha: float,
                                                                     beta: float) -> None:
    # walk20 L7: alpha <= 1 has no finite mean lifetime; the median is the first period t
    # by which half of the cohort has churned: S(t) <= 0.5 < S(t - 1)
    m = fx.median_lifetime(lambda t: _sbg_survival_by_hand(alpha, beta, t))
    assert _sbg_survival_by_hand(alpha, beta, m) <= 0.5 < \
        _sbg_survival_by_hand(alpha, beta, m - 1)


def test_median_lifetime_closed_forms() -> None:
    # alpha = 1: S(t) = beta / (beta + t), so S(t) <= 1/2 from t = beta on: ceil(beta)
    assert fx.median_lifetime(lambda t: _sbg_survival_by_hand(1.0, 3.5, t)) == 4
    assert fx.median_lifetime(lambda t: _sbg_survival_by_hand(1.0, 0.8, t)) == 1
    # Fader & Hardie's high-end cohort (alpha 0.668, beta 3.806): S(6) = 0.5223 and
    # S(7) = 0.4889 by the formula (491 of 1,000 customers were left after year 7)
    assert fx.median_lifetime(lambda t: _sbg_survival_by_hand(0.668, 3.806, t)) == 7
    assert fx.median_lifetime(lambda t: 1.0) == math.inf  # nobody ever leaves
