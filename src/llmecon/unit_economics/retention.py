"""The shifted-beta-geometric (sBG) retention model.

Each customer churns with a constant probability ``theta`` per period; across customers
``theta ~ Beta(alpha, beta)``. Then (Fader and Hardie 2007, eq. 1-3)

    P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta),   t = 1, 2, ...
    S(t)     = B(alpha, beta + t) / B(alpha, beta)

and the retention rate ``r(t) = S(t) / S(t-1) = (beta + t - 1) / (alpha + beta + t - 1)``
rises with tenure as the most churn-prone leave first.

The fit is maximum likelihood on cohort survival counts, in log space with log-parameters
bounded, with standard errors from the observed information and a chi-square goodness of
fit. Data that cannot identify two parameters (fewer than two periods, no churn at all)
is refused with a clear error.

References
----------
Fader, P. S. and Hardie, B. G. S. (2007), "How to Project Customer Retention", Journal of
Interactive Marketing 21(1), 76-90.
Fader, P. S. and Hardie, B. G. S. (2010), "Customer-Base Valuation in a Contractual
Setting: The Perils of Ignoring Heterogeneity", Marketing Science 29(1), 85-93.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from llmecon.errors import InputError

LOG_BOUNDS = (-9.0, 9.0)  # alpha and beta between 1e-4 and 8,100


def _betaln(a: Any, b: Any) -> Any:
    from scipy.special import betaln

    return betaln(a, b)


def log_churn_probability(alpha: float, beta: float, t: Any) -> Any:
    """log P(T = t): the probability of churning in period t (t >= 1)."""
    t = np.asarray(t, dtype=float)
    return _betaln(alpha + 1.0, beta + t - 1.0) - _betaln(alpha, beta)


def survival(alpha: float, beta: float, t: Any) -> Any:
    """S(t): the share of a cohort still active after t periods (S(0) = 1).

    >>> round(float(survival(0.668, 3.806, 1)), 4)  # = beta / (alpha + beta)
    0.8507
    """
    t = np.asarray(t, dtype=float)
    return np.exp(_betaln(alpha, beta + t) - _betaln(alpha, beta))


def retention_rate(alpha: float, beta: float, t: Any) -> Any:
    """r(t) = S(t) / S(t-1) = (beta + t - 1) / (alpha + beta + t - 1), for t >= 1."""
    t = np.asarray(t, dtype=float)
    return (beta + t - 1.0) / (alpha + beta + t - 1.0)


def expected_lifetime(alpha: float, beta: float) -> float:
    """E[T] in periods, counting the first: (alpha + beta - 1) / (alpha - 1); infinite
    when alpha <= 1 (a heavy tail of customers who almost never leave)."""
    return (alpha + beta - 1.0) / (alpha - 1.0) if alpha > 1.0 else math.inf


def derl(alpha: float, beta: float, discount_rate: float, renewals: int = 0) -> float:
    """Discounted expected residual lifetime of a customer who has made ``renewals``
    renewals (is at the start of period ``n = renewals + 1``): the expected discounted
    number of further renewals (Fader and Hardie 2010, eq. 6)

        DERL = B(alpha, beta + n) / B(alpha, beta + n - 1)
               x 2F1(1, beta + n; alpha + beta + n; 1 / (1 + d))
    """
    from scipy.special import hyp2f1

    if discount_rate <= 0:
        raise InputError(f"discount_rate: expected a rate > 0 per period, found {discount_rate}")
    n = renewals + 1
    lead = math.exp(float(_betaln(alpha, beta + n) - _betaln(alpha, beta + n - 1)))
    return lead * float(hyp2f1(1.0, beta + n, alpha + beta + n, 1.0 / (1.0 + discount_rate)))


def discounted_lifetime(alpha: float, beta: float, discount_rate: float) -> float:
    """Expected discounted periods of a new customer, the first included:
    ``L = sum over t >= 0 of S(t) / (1 + d)^t``.

    Closed form ``1 + DERL / (1 + d)`` (DERL for a customer at the start of period 1, Fader
    and Hardie 2010, eq. 6); where the hypergeometric function does not give a finite
    positive value (large alpha and beta, e.g. 120 and 880), the sum is taken directly with
    the survival recursion until the discounted terms fall below 1e-15 of the first. With
    ``d = 0`` it is the expected lifetime (infinite when alpha <= 1).

    >>> round(discounted_lifetime(1.0e6, 9.0e6, 0.0), 3)  # ~ constant 10% churn: 10 periods
    10.0
    """
    if discount_rate < 0:
        raise InputError(f"discount_rate: expected a rate >= 0 per period, found "
                         f"{discount_rate}")
    if discount_rate == 0:
        return expected_lifetime(alpha, beta)
    closed = 1.0 + derl(alpha, beta, discount_rate) / (1.0 + discount_rate)
    if math.isfinite(closed) and closed > 0 and alpha + beta < 500:
        return closed
    return _lifetime_by_sum(alpha, beta, discount_rate)


def _lifetime_by_sum(alpha: float, beta: float, d: float) -> float:
    n = min(math.ceil(math.log(1e15) / math.log1p(d)) + 1, 5_000_000)
    t = np.arange(1, n, dtype=float)
    log_s = np.concatenate(([0.0], np.cumsum(np.log((beta + t - 1.0)
                                                    / (alpha + beta + t - 1.0)))))
    log_disc = -np.arange(n, dtype=float) * math.log1p(d)
    return float(np.sum(np.exp(log_s + log_disc)))


@dataclass(frozen=True)
class RetentionCurve:
    """How a cohort of payers decays: constant churn per period, or an sBG curve.

    ``RetentionCurve.constant(0.12)`` or ``RetentionCurve.sbg(alpha, beta)``; constant churn
    ``c`` is the sBG's limit of a single churn probability (every theta equal to ``c``).
    """

    churn: float | None = None
    alpha: float | None = None
    beta: float | None = None

    @classmethod
    def constant(cls, churn: float) -> RetentionCurve:
        if not 0 < churn <= 1:
            raise InputError(f"churn: expected a rate in (0, 1] per period, found {churn!r}")
        return cls(churn=churn)

    @classmethod
    def sbg(cls, alpha: float, beta: float) -> RetentionCurve:
        if not (alpha > 0 and beta > 0):
            raise InputError(f"alpha, beta: expected numbers > 0, found {alpha!r}, {beta!r}")
        return cls(alpha=alpha, beta=beta)

    @property
    def label(self) -> str:
        if self.churn is not None:
            return f"constant churn {self.churn:.1%} a month"
        return f"sBG retention (alpha {self.alpha:g}, beta {self.beta:g})"

    def survival(self, t: Any) -> Any:
        """S(t), the share of a cohort still active after t periods."""
        if self.churn is not None:
            return np.power(1.0 - self.churn, np.asarray(t, dtype=float))
        assert self.alpha is not None and self.beta is not None
        return survival(self.alpha, self.beta, t)

    def discounted_lifetime(self, discount_rate: float) -> float:
        """sum over t >= 0 of S(t) / (1 + r)^t (periods, the first included)."""
        if self.churn is not None:
            from llmecon.formulas import discounted_lifetime as geometric

            return float(geometric(self.churn, discount_rate))
        assert self.alpha is not None and self.beta is not None
        return discounted_lifetime(self.alpha, self.beta, discount_rate)


def cohort_survivors(acquired: Any, curve: RetentionCurve) -> Any:
    """Active customers each month from cohorts acquired each month.

    ``acquired[..., s]`` customers join in month ``s`` (any leading axes, e.g. paths); each
    cohort decays by ``curve``: ``active[..., t] = sum over s <= t of acquired[..., s] x
    S(t - s)``. Constant churn is the special case ``RetentionCurve.constant(c)``.

    >>> cohort_survivors([100.0, 0.0, 0.0], RetentionCurve.constant(0.5)).tolist()
    [100.0, 50.0, 25.0]
    """
    a = np.asarray(acquired, dtype=float)
    n = a.shape[-1]
    s = np.asarray(curve.survival(np.arange(n, dtype=float)), dtype=float)
    lag = np.arange(n)[:, None] - np.arange(n)[None, :]          # t - s
    kernel = np.where(lag >= 0, s[np.clip(lag, 0, n - 1)], 0.0)   # [t, s]
    # einsum, not BLAS: a path's sum is then added in the same order whatever the number
    # of paths beside it (a matrix product rounded a path's payers differently in a block of
    # 1 and of 3, so a Monte Carlo with zero variance missed the deterministic projection)
    return np.asarray(np.einsum("...s,ts->...t", a, kernel))


@dataclass(frozen=True)
class Cohort:
    """Counts of one cohort still active at the start of periods 0, 1, 2, ..."""

    alive: tuple[int, ...]

    @classmethod
    def of(cls, alive: Sequence[float], where: str = "alive") -> Cohort:
        vals = list(alive)
        if len(vals) < 3:
            raise InputError(f"{where}: need counts for at least 3 periods (0, 1, 2) to identify "
                             f"two parameters, found {len(vals)}")
        out = []
        for i, v in enumerate(vals):
            if not float(v).is_integer() or v < 0:
                raise InputError(f"{where}[{i}]: expected a whole count >= 0, found {v!r}")
            out.append(int(v))
        if out[0] <= 0:
            raise InputError(f"{where}[0]: the cohort must start with customers, found {out[0]}")
        for i in range(1, len(out)):
            if out[i] > out[i - 1]:
                raise InputError(f"{where}[{i}]: a cohort cannot grow ({out[i - 1]} -> {out[i]}); "
                                 "give the survivors of one starting group")
        return cls(tuple(out))

    @property
    def periods(self) -> int:
        return len(self.alive) - 1


def log_likelihood(alpha: float, beta: float, cohorts: Sequence[Cohort]) -> float:
    """Sum over cohorts of churners x log P(T = t) plus survivors x log S(n)."""
    ll = 0.0
    for c in cohorts:
        a = np.asarray(c.alive, dtype=float)
        lost = a[:-1] - a[1:]
        t = np.arange(1, len(a))
        ll += float(np.sum(lost * log_churn_probability(alpha, beta, t)))
        ll += float(a[-1] * np.log(survival(alpha, beta, c.periods)))
    return ll


@dataclass(frozen=True)
class SBGFit:
    """A fitted sBG model: parameters, standard errors, fit statistics and projections."""

    alpha: float
    beta: float
    alpha_se: float
    beta_se: float
    log_likelihood: float
    chi_square: float
    degrees_of_freedom: int
    p_value: float
    cohorts: tuple[Cohort, ...]

    def survival(self, t: Any) -> Any:
        return survival(self.alpha, self.beta, t)

    def retention_rate(self, t: Any) -> Any:
        return retention_rate(self.alpha, self.beta, t)

    def project(self, start: int, periods: int) -> Any:
        """Expected survivors of the first cohort for periods 0 .. periods-1 (scaled to it)."""
        return start * self.survival(np.arange(periods))

    @property
    def expected_lifetime(self) -> float:
        return expected_lifetime(self.alpha, self.beta)

    def derl(self, discount_rate: float, renewals: int = 0) -> float:
        return derl(self.alpha, self.beta, discount_rate, renewals)

    def to_dict(self, horizon: int | None = None) -> dict[str, Any]:
        first = self.cohorts[0]
        h = horizon or first.periods + 1
        proj = self.project(first.alive[0], h)
        notes = {}
        if not (math.isfinite(self.alpha_se) and math.isfinite(self.beta_se)):
            notes["alpha_se"] = notes["beta_se"] = ("unknown: the data barely identify the "
                                                    "fit (its information matrix is not "
                                                    "positive definite)")
        life = self.expected_lifetime
        if not math.isfinite(life):
            notes["expected_lifetime_periods"] = ("infinite: with alpha <= 1 the expected "
                                                  "lifetime has no finite value")
        return {
            "alpha": self.alpha, "alpha_se": _finite(self.alpha_se), "beta": self.beta,
            "beta_se": _finite(self.beta_se), "log_likelihood": self.log_likelihood,
            "chi_square": self.chi_square, "degrees_of_freedom": self.degrees_of_freedom,
            "p_value": self.p_value, "expected_lifetime_periods": _finite(life),
            **({"notes": notes} if notes else {}),
            "projection": [{"period": t, "survival": float(self.survival(t)),
                            "retention_rate": None if t == 0 else
                            float(self.retention_rate(t)), "expected_alive": float(proj[t]),
                            "actual_alive": first.alive[t] if t < len(first.alive) else None}
                           for t in range(h)],
        }


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def fit_sbg(cohorts: Sequence[Sequence[float]] | Sequence[float]) -> SBGFit:
    """Fit alpha and beta by maximum likelihood to one cohort or several.

    >>> f = fit_sbg([1000, 869, 743, 653, 593, 551, 517, 491])  # Fader & Hardie 2007
    >>> round(f.alpha, 3), round(f.beta, 3)
    (0.668, 3.806)
    """
    from scipy.optimize import minimize

    if cohorts and not isinstance(cohorts[0], (list, tuple, np.ndarray)):
        cs = [Cohort.of(cohorts)]  # type: ignore[arg-type]
    else:
        cs = [Cohort.of(c, where=f"cohort {i}") for i, c in  # type: ignore[arg-type]
              enumerate(cohorts)]
    if all(c.alive[-1] == c.alive[0] for c in cs):
        raise InputError("alive: no customer ever churned, so churn cannot be estimated; the "
                         "model needs some churn to identify alpha and beta")

    def neg(x: Any) -> float:
        return -log_likelihood(math.exp(x[0]), math.exp(x[1]), cs)

    best = None
    for start in ((0.0, 0.0), (-1.0, 1.0), (1.0, 2.0)):
        res = minimize(neg, np.array(start), method="L-BFGS-B",
                       bounds=[LOG_BOUNDS, LOG_BOUNDS], options={"ftol": 1e-14, "gtol": 1e-10})
        if best is None or res.fun < best.fun:
            best = res
    assert best is not None
    la, lb, fun = float(best.x[0]), float(best.x[1]), float(best.fun)
    churn, constant = _constant_churn(cs)
    if any(abs(v - b) < 1e-3 for v in (la, lb) for b in LOG_BOUNDS):
        raise InputError(
            f"alive: the data cannot identify the model (the fit runs to a bound: alpha = "
            f"{math.exp(la):.3g}, beta = {math.exp(lb):.3g}); churn may be constant across "
            "tenure or the cohort too short")
    if -fun - constant <= 1e-6 * max(1.0, abs(constant)):
        # alpha and beta without bound (a ratio fixed): the optimiser stops anywhere
        raise InputError(
            f"alive: the data cannot identify the model: a constant churn of {churn:.4%} a "
            "period fits as well as any mix of customers (the fit runs towards alpha and "
            "beta without bound, wherever it stops); churn may be constant or rising with "
            "tenure, or the cohort too short")
    alpha, beta = math.exp(la), math.exp(lb)
    se_a, se_b = _standard_errors(alpha, beta, cs)
    chi2, dof, p = _goodness_of_fit(alpha, beta, cs)
    return SBGFit(alpha, beta, se_a, se_b, -fun, chi2, dof, p, tuple(cs))


def _constant_churn(cs: Sequence[Cohort]) -> tuple[float, float]:
    """The sBG's limit without heterogeneity (alpha, beta -> infinity at a fixed ratio): one
    churn rate ``p`` for every customer, by maximum likelihood (churners over periods at
    risk), and its log-likelihood.

    >>> p, ll = _constant_churn([Cohort.of([100, 90, 81])])  # 19 churned in 100+90 periods
    >>> round(p, 4), round(ll, 3) == round(19 * math.log(0.1) + 171 * math.log(0.9), 3)
    (0.1, True)
    """
    churned = at_risk = 0
    for c in cs:
        a = c.alive
        for t in range(1, len(a)):
            churned += a[t - 1] - a[t]
            at_risk += a[t - 1]
    p = churned / at_risk
    ll = (churned * math.log(p) if churned else 0.0) + \
        ((at_risk - churned) * math.log1p(-p) if p < 1 else 0.0)
    return p, ll


def _standard_errors(alpha: float, beta: float, cs: Sequence[Cohort]) -> tuple[float, float]:
    """From the inverse of the observed information (numerical Hessian in alpha, beta)."""
    x = np.array([alpha, beta])
    h = 1e-4 * x

    def f(v: Any) -> float:
        return log_likelihood(float(v[0]), float(v[1]), cs)

    hess = np.zeros((2, 2))
    for i in range(2):
        for j in range(2):
            ei, ej = np.eye(2)[i] * h[i], np.eye(2)[j] * h[j]
            hess[i, j] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) \
                / (4 * h[i] * h[j])
    # a maximum has a positive definite information matrix; where the numerical one is not
    # (a fit the data barely identify) the errors are unknown, not 0
    if not np.all(np.isfinite(hess)) or np.any(np.linalg.eigvalsh(-hess) <= 0):
        return math.nan, math.nan
    cov = np.linalg.inv(-hess)
    return float(math.sqrt(cov[0, 0])), float(math.sqrt(cov[1, 1]))


def _goodness_of_fit(alpha: float, beta: float, cs: Sequence[Cohort]
                     ) -> tuple[float, int, float]:
    """Pearson chi-square over churners per period and final survivors of every cohort."""
    from scipy.stats import chi2

    stat, cells = 0.0, 0
    for c in cs:
        n0 = c.alive[0]
        a = np.asarray(c.alive, dtype=float)
        observed = np.append(a[:-1] - a[1:], a[-1])
        t = np.arange(1, len(a))
        expected = n0 * np.append(np.exp(log_churn_probability(alpha, beta, t)),
                                  survival(alpha, beta, c.periods))
        stat += float(np.sum((observed - expected) ** 2 / expected))
        cells += len(observed)
    dof = cells - len(cs) - 2
    p = float(chi2.sf(stat, dof)) if dof > 0 else math.nan
    return stat, dof, p
