"""The consumer (C2C) line's users and payers as the engine reads them month by month.

- Users acquired: marketing / CAC, every one bought unless the scenario gives an
  ``<line>.organic_acquisition_share`` (default 0): that share of the base month's
  acquisition comes without marketing (organic, word of mouth) and does not move when
  marketing or CAC is shocked; the rest is bought at the paid CAC, CAC / (1 - share), so the
  base case acquires as many users as before. No source splits organic from paid users, so
  the calibration leaves the share at 0 (every user bought: a marketing cut removes as many
  users as it removes spend, the worst case).
- Payers on an sBG curve (:func:`c2c_cohort_payers`): the opening payer base is of mixed
  tenure, taken as equal monthly cohorts (equal numbers acquired each month) over the
  ``<line>.payer_base_tenure_months`` before the start (default
  :data:`DEFAULT_PAYER_BASE_TENURE_MONTHS`, assumed); survivors of a heterogeneous cohort
  churn less (Fader and Hardie), so the base keeps more than a new cohort would.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from llmecon.simulate.reading import multiplier, trend

Array = np.ndarray[Any, Any]

#: Months of payer cohorts in the opening base of an sBG projection (assumed: MiniMax's
#: consumer apps, Talkie and Hailuo, were launched in 2023, about two years before the
#: start; no source gives the base's tenure mix).
DEFAULT_PAYER_BASE_TENURE_MONTHS = 24


def paying_rate(x: Mapping[str, Array], mults: Mapping[str, Array], p: str, t: int,
                growth: Any = None) -> Any:
    """The paying rate of month ``t`` (its trend and multipliers applied), at most 1.
    ``growth``: the paying-rate trend of month ``t`` where the caller carries it."""
    if growth is None:
        growth = (1.0 + trend(x, p + "paying_rate_growth_annual")) ** (t / 12.0)
    return np.minimum(x[p + "paying_rate"] * multiplier(mults, p + "paying_rate", t) * growth,
                      1.0)


def acquired(x: Mapping[str, Array], mults: Mapping[str, Array], p: str, t: int) -> Any:
    """Users acquired in month ``t`` (active from the next month): organic share o of the
    base month's marketing / CAC, plus (1 - o) x this month's marketing / this month's CAC.
    With o = 0 (the default) every user is bought: marketing / CAC."""
    marketing, cac = x[p + "marketing_monthly"], x[p + "cac"]
    paid = marketing * multiplier(mults, p + "marketing_monthly", t) \
        / (cac * multiplier(mults, p + "cac", t))
    organic = x.get(p + "organic_acquisition_share")
    if organic is None:
        return paid
    return organic * marketing / cac + (1.0 - organic) * paid


def base_survival(survival: Any, months: int, tenure_months: int) -> Array:
    """The share of an opening base still active after t = 0..months-1 months, the base
    being equal monthly cohorts (equal numbers acquired) of ages 0..tenure_months-1:

        S_base(t) = sum over a of S(a + t) / sum over a of S(a)

    ``survival``: S of a new cohort (vectorised over months). ``tenure_months`` 1 is one new
    cohort, S(t).

    >>> base_survival(lambda t: 0.5 ** t, 3, 2).tolist()  # constant churn: no mix effect
    [1.0, 0.5, 0.25]
    """
    # S(0..tenure + months - 2) once; each sum over ages is a difference of its cumulative
    # sums (memory and time grow with tenure + months, not their product)
    s = np.asarray(survival(np.arange(tenure_months + months - 1, dtype=float)), dtype=float)
    c = np.concatenate([[0.0], np.cumsum(s)])
    t = np.arange(months)
    out: Array = (c[t + tenure_months] - c[t]) / c[tenure_months]
    return out


def _fixed(x: Mapping[str, Array], name: str) -> float:
    from llmecon.errors import InputError

    v = np.asarray(x[name])
    if np.ptp(v) > 0:
        raise InputError(f"{name}: expected a fixed value (one retention curve per run), "
                         "found a distribution")
    return float(v.flat[0])


def c2c_cohort_payers(x: Mapping[str, Array], mults: Mapping[str, Array], line: str,
                      months: int) -> Array:
    """Payers per month (paths, months) as cohorts on the line's sBG curve.

    payers(t) = opening payers x S_base(t) + sum over s < t of new payers(s) x S(t - 1 - s),
    with opening payers = users x paying rate at the start (a base of mixed tenure:
    :func:`base_survival` over ``payer_base_tenure_months``) and new payers(s) = users
    acquired in month s x the paying rate of month s (active from month s + 1).
    """
    from llmecon.errors import InputError
    from llmecon.unit_economics.retention import RetentionCurve, cohort_survivors

    p = line + "."
    a, b = np.asarray(x[p + "payer_sbg_alpha"]), np.asarray(x[p + "payer_sbg_beta"])
    if np.ptp(a) > 0 or np.ptp(b) > 0:
        raise InputError(f"{p}payer_sbg_alpha, {p}payer_sbg_beta: expected fixed values "
                         "(one retention curve per run), found distributions")
    tenure = _fixed(x, p + "payer_base_tenure_months") \
        if p + "payer_base_tenure_months" in x else DEFAULT_PAYER_BASE_TENURE_MONTHS
    if not (tenure >= 1 and tenure == int(tenure)):
        raise InputError(f"{p}payer_base_tenure_months: expected a whole number of months "
                         f">= 1 (1: the base is one new cohort), found {tenure:g}")
    curve = RetentionCurve.sbg(float(a[0]), float(b[0]))
    n = len(a)
    new = np.zeros((n, months))
    for t in range(months - 1):
        new[:, t + 1] = acquired(x, mults, p, t) * paying_rate(x, mults, p, t)
    opening = x[p + "start_users"] * paying_rate(x, mults, p, 0)
    kept = base_survival(curve.survival, months, int(tenure))
    out: Array = opening[:, None] * kept[None, :] + cohort_survivors(new, curve)
    return out
