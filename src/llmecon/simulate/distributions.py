"""Uncertainty on drivers: distributions, a Gaussian copula for correlations, regimes.

Each uncertain driver has a marginal distribution (normal, lognormal, triangular,
uniform, beta); correlations act on the normal scores (Gaussian copula), so every marginal
keeps its shape. A distribution with zero spread returns its central value exactly, so a
Monte Carlo with zero variance reproduces the deterministic projection.

Regimes are events with a probability per year and a duration: on each path the event
starts in a month drawn from the hazard, and while it lasts it multiplies some drivers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np

from llmecon.config.calibration import central_value
from llmecon.errors import InputError
from llmecon.formulas import normal_cdf

#: The parameters a shift moves, by kind (see :meth:`Dist.shifted`).
_LOCATION = {"fixed": ("value",), "normal": ("mean",), "triangular": ("low", "mode", "high"),
             "uniform": ("low", "high")}


@dataclass(frozen=True)
class Dist:
    """A marginal distribution. Parameters by kind:

    - normal: mean, sd
    - lognormal: mean, sd (of the variable itself, not of its log)
    - triangular: low, mode, high
    - uniform: low, high
    - beta: mean, sd (on [0, 1])
    - fixed: value

    Distributions read from files are validated by
    :class:`llmecon.config.scenario.DistConfig` before they become a ``Dist``.
    """

    kind: str
    params: Mapping[str, float] = field(default_factory=dict)

    @property
    def central(self) -> float:
        """The value used by the deterministic projection (mean; mode of a triangular)."""
        return central_value(self.kind, self.params)

    @property
    def degenerate(self) -> bool:
        p = self.params
        return self.kind == "fixed" or (self.kind in ("normal", "lognormal", "beta")
                                        and p["sd"] == 0) or \
            (self.kind == "triangular" and p["low"] == p["high"]) or \
            (self.kind == "uniform" and p["low"] == p["high"])

    def shifted(self, value: float) -> Dist:
        """This distribution moved by ``value`` (every draw plus ``value``). A lognormal or
        beta is refused (ValueError): the sum is not of its kind."""
        keys = _LOCATION.get(self.kind)
        if keys is None:
            raise ValueError(f"a {self.kind} distribution moved by {value:g} is not one; give "
                             "it as fixed, normal, triangular or uniform")
        keys = (*keys, "at_least", "at_most")  # its bounds move with it
        return Dist(self.kind, {k: v + value if k in keys else v for k, v in self.params.items()})

    def bounded(self, z: Any) -> Any:
        """Draws ``z`` held to the distribution's ``at_least`` and ``at_most`` (if any)."""
        lo, hi = self.params.get("at_least"), self.params.get("at_most")
        if lo is None and hi is None:
            return z
        return np.clip(z, -np.inf if lo is None else lo, np.inf if hi is None else hi)

    @property
    def support(self) -> tuple[float, float]:
        """The lowest and highest value a draw can take."""
        p = self.params
        if self.degenerate:
            lo = hi = self.central
        elif self.kind in ("triangular", "uniform"):
            lo, hi = p["low"], p["high"]
        else:
            lo, hi = (0.0, 1.0) if self.kind == "beta" else \
                (0.0 if self.kind == "lognormal" else -math.inf, math.inf)
        return max(lo, p.get("at_least", -math.inf)), min(hi, p.get("at_most", math.inf))

    def ppf(self, u: Any) -> Any:
        """Quantile function (inverse CDF) at probabilities ``u``."""
        return self.bounded(self._ppf(u))

    def _ppf(self, u: Any) -> Any:
        u = np.asarray(u, dtype=float)
        if self.degenerate:
            return np.full(u.shape, self.central)
        if self.kind in ("normal", "lognormal"):
            return self.from_normal(_normal_quantile(u))
        p = self.params
        if self.kind == "triangular":
            lo, mo, hi = p["low"], p["mode"], p["high"]
            c = (mo - lo) / (hi - lo)
            with np.errstate(invalid="ignore"):
                return np.where(u < c, lo + np.sqrt(u * (hi - lo) * (mo - lo)),
                                hi - np.sqrt((1.0 - u) * (hi - lo) * (hi - mo)))
        if self.kind == "uniform":
            return p["low"] + u * (p["high"] - p["low"])
        from scipy.special import betaincinv  # beta only: keeps scipy off the common path

        m, s = p["mean"], p["sd"]
        k = m * (1 - m) / (s * s) - 1
        return betaincinv(m * k, (1 - m) * k, u)

    def from_normal(self, z: Any) -> Any:
        """The driver's values at standard normal scores ``z`` (ppf of the normal CDF of
        ``z``; normal and lognormal marginals directly, without the round trip)."""
        z = np.asarray(z, dtype=float)
        if self.degenerate:
            return np.full(z.shape, self.central)
        p = self.params
        if self.kind == "normal":
            return self.bounded(p["mean"] + p["sd"] * z)
        if self.kind == "lognormal":
            s2 = math.log(1 + (p["sd"] / p["mean"]) ** 2)
            return self.bounded(p["mean"] * math.exp(-s2 / 2) * np.exp(math.sqrt(s2) * z))
        return self.ppf(normal_cdf(z))


_INV_CDF = np.frompyfunc(NormalDist().inv_cdf, 1, 1)


def _normal_quantile(u: Any) -> Any:
    """The standard normal quantile (statistics.NormalDist, Wichura's AS241); -inf and inf
    at 0 and 1, NaN outside [0, 1]."""
    u = np.asarray(u, dtype=float)
    inside = (u > 0) & (u < 1)
    out = np.where(u == 0, -np.inf, np.where(u == 1, np.inf, np.nan))
    if inside.any():
        out[inside] = np.asarray(_INV_CDF(u[inside]), dtype=float)
    return out


def correlation_factor(names: Sequence[str], correlations: Sequence[tuple[str, str, float]]
                       ) -> Any:
    """The lower Cholesky factor of the drivers' correlation matrix (k x k; identity where
    no pair is given), computed once per block of paths."""
    k = len(names)
    corr = np.eye(k)
    index = {n: i for i, n in enumerate(names)}
    for a, b, rho in correlations:
        if a in index and b in index:
            corr[index[a], index[b]] = corr[index[b], index[a]] = rho
    try:
        return np.linalg.cholesky(corr)
    except np.linalg.LinAlgError:
        raise InputError("correlations: the matrix is not positive definite; check the "
                         "pairs for contradictions") from None


def correlated_normals(rng: np.random.Generator, paths: int, names: Sequence[str],
                       chol: Any) -> dict[str, Any]:
    """Standard normal scores per driver, correlated by ``chol``
    (:func:`correlation_factor`): the Gaussian copula's normals. The product is an einsum,
    not a BLAS call, so no BLAS thread wakes up and spins beside a single-core run."""
    if not names:
        return {}
    z = np.einsum("pj,ij->pi", rng.standard_normal((paths, len(names))), chol)
    return {n: z[:, i] for i, n in enumerate(names)}


@dataclass(frozen=True)
class Regime:
    """An event with a yearly probability and a duration that multiplies drivers."""

    name: str
    probability_per_year: float
    duration_months: int
    multipliers: Mapping[str, float]

    def active(self, rng: np.random.Generator, paths: int, months: int) -> Any:
        """Boolean (paths, months): where the event is under way on each path."""
        p_month = 1.0 - (1.0 - self.probability_per_year) ** (1.0 / 12.0)
        start = rng.geometric(p_month, size=paths) - 1 if p_month > 0 else \
            np.full(paths, months + 1)
        t = np.arange(months)
        return (t[None, :] >= start[:, None]) & (t[None, :] < start[:, None]
                                                  + self.duration_months)
