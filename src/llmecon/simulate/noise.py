"""Volatility that belongs to time: month-to-month shocks on demand, prices, costs and FX.

Each :class:`~llmecon.simulate.scenario.Noise` is a lognormal AR(1) process in log space,
started from zero before month 0:

    z_t = phi z_(t-1) + sd e_t,  e_t ~ N(0, 1),    multiplier_t = exp(z_t - var(z_t) / 2)

so the multiplier has mean 1 in every month, its spread is ``sd`` in month 0 (the first
month stays near the disclosed run-rate) and widens with time towards
``sd / sqrt(1 - phi^2)`` (without bound when ``phi = 1``, a random walk, as for exchange
rates). One process drives every driver its pattern matches (a common factor). The
multipliers combine with shocks and regimes by multiplication.

A Monte Carlo run adds them to a block's multipliers as :func:`add_noise` does: each tile
of paths draws its normals (the stream of :func:`noise_normals`) from its own generator after
the drivers and regimes and writes them, times sd, into the block's columns
(:class:`NoiseBlock`), and the block runs the recursion once (:func:`ar1_in_place`, the
arithmetic of :func:`ar1_from_normals`), so the same seed gives the same paths on every
backend and for any block size.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from typing import Any

import numpy as np

from llmecon.simulate.movable import TIME_INDICES
from llmecon.simulate.scenario import Noise, Scenario

Array = np.ndarray[Any, Any]


def log_variance(sd: float, phi: float, months: int) -> Array:
    """Var(z_t) for t = 0..months-1: sd^2 (1 + phi^2 + ... + phi^(2t)).

    >>> log_variance(0.1, 1.0, 3).round(6).tolist()  # a random walk: 0.01 t + 0.01
    [0.01, 0.02, 0.03]
    >>> log_variance(0.1, 0.5, 2).round(6).tolist()  # by hand: 0.01, 0.01 x 1.25
    [0.01, 0.0125]
    """
    powers = (phi * phi) ** np.arange(months)
    out: Array = sd * sd * np.cumsum(powers)
    return out


def ar1_multipliers(rng: np.random.Generator, paths: int, months: int, sd: float,
                    phi: float) -> Array:
    """Mean-one lognormal AR(1) multipliers of shape (paths, months)."""
    return ar1_from_normals(rng.standard_normal((months, paths)), sd, phi)


def ar1_from_normals(eps: Array, sd: float, phi: float) -> Array:
    """The multipliers of :func:`ar1_multipliers`, shape (paths, months), from standard
    normals ``eps`` laid out (months, paths): the recursion runs on contiguous rows and the
    result is a column-major view, as the engine reads it month by month."""
    return ar1_in_place(np.multiply(eps, sd), sd, phi)


def ar1_in_place(z: Array, sd: float, phi: float) -> Array:
    """:func:`ar1_from_normals` on ``z = sd eps`` (months, paths), overwritten: month by
    month, z_(t+1) += phi z_t, then z_t less half its log-variance is exponentiated in place,
    each row once while it is in the cache (a random walk, phi = 1, adds z_t itself:
    phi z = z exactly). Returns the (paths, months) view."""
    rows, half = list(z), log_variance(sd, phi, len(z)) / 2.0
    tmp = np.empty(z.shape[1:])
    for t, row in enumerate(rows):
        if t + 1 < len(rows):
            step = row if phi == 1.0 else np.multiply(row, phi, out=tmp)
            np.add(rows[t + 1], step, out=rows[t + 1])
        np.subtract(row, half[t], out=row)
        np.exp(row, out=row)
    out: Array = z.T
    return out


def targets(s: Scenario, n: Noise) -> list[str]:
    """The drivers (and time indices) a noise pattern applies to in this scenario."""
    return [d for d in (*s.drivers, *TIME_INDICES) if fnmatch.fnmatchcase(d, n.driver)]


def active_noise(s: Scenario) -> list[tuple[Noise, list[str]]]:
    """The noise processes that move something, with the drivers each one drives."""
    out = []
    for n in s.noise:
        names = targets(s, n)
        if names and n.sd_monthly != 0:
            out.append((n, names))
    return out


def noise_normals(s: Scenario, rng: np.random.Generator, paths: int,
                  processes: int | None = None) -> list[Array]:
    """The standard normals (months, paths) of each active noise process, in order
    (``processes``: their number, when the caller has counted them already)."""
    k = len(active_noise(s)) if processes is None else processes
    return [rng.standard_normal((s.horizon_months, paths)) for _ in range(k)]


class NoiseBlock:
    """The noise multipliers of a block of ``n`` paths, drawn tile by tile: :meth:`add_tile`
    draws a tile's normals (months, ``tile``) per process into one reused buffer (the stream
    of :func:`noise_normals`) and writes them, times sd, into the block's columns (no
    concatenation); :meth:`multipliers` runs :func:`ar1_in_place` on each process once,
    giving :func:`multipliers_from_normals` on the whole block bit for bit."""

    def __init__(self, s: Scenario, n: int, tile: int) -> None:
        self.processes = active_noise(s)
        self.z = [np.empty((s.horizon_months, n)) for _ in self.processes]
        self.buf = np.empty((s.horizon_months, tile))

    def add_tile(self, rng: np.random.Generator, keep: slice, cols: slice) -> None:
        """Draw one tile's normals from ``rng`` (every process, in order) and write its
        paths ``keep`` (columns of the tile), times sd, to the block's columns ``cols``."""
        for (p, _), z in zip(self.processes, self.z, strict=True):
            np.multiply(rng.standard_normal(out=self.buf)[:, keep], p.sd_monthly,
                        out=z[:, cols])

    def multipliers(self) -> dict[str, Array]:
        """One (paths, months) multiplier per noisy driver (column-major views); called once,
        after every tile (the recursion runs in place)."""
        out: dict[str, Array] = {}
        for (p, names), z in zip(self.processes, self.z, strict=True):
            m = ar1_in_place(z, p.sd_monthly, p.autocorrelation)
            for name in names:
                out[name] = out[name] * m if name in out else m
        return out


def multipliers_from_normals(s: Scenario, normals: list[Array]) -> dict[str, Array]:
    """One (paths, months) multiplier per noisy driver from :func:`noise_normals`."""
    out: dict[str, Array] = {}
    for (n, names), eps in zip(active_noise(s), normals, strict=True):
        m = ar1_from_normals(eps, n.sd_monthly, n.autocorrelation)
        for name in names:
            out[name] = out[name] * m if name in out else m
    return out


def noise_multipliers(s: Scenario, rng: np.random.Generator, paths: int) -> dict[str, Array]:
    """One (paths, months) multiplier per noisy driver, in the order of ``s.noise``."""
    return multipliers_from_normals(s, noise_normals(s, rng, paths))


def add_noise(mults: Mapping[str, Array], s: Scenario, rng: np.random.Generator,
              paths: int) -> dict[str, Array]:
    """``mults`` (shocks and regimes) times the scenario's noise multipliers."""
    out = dict(mults)
    for name, m in noise_multipliers(s, rng, paths).items():
        out[name] = out[name] * m if name in out else m
    return out
