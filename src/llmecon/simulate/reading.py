"""How the engine reads a driver in a month: its multiplier over time (shocks, regimes,
noise), an optional yearly trend, an optional driver. Shared by the engine's line steps
(:mod:`~llmecon.simulate.engine`, :mod:`~llmecon.simulate.consumer`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

Array = np.ndarray[Any, Any]


def multiplier(mults: Mapping[str, Array], name: str, t: int) -> Any:
    """The multiplier over time of driver ``name`` in month ``t`` (1 when none)."""
    m = mults.get(name)
    return 1.0 if m is None else m[..., t]


def trend(x: Mapping[str, Array], name: str) -> Any:
    """An optional yearly trend driver (0 when absent)."""
    v = x.get(name)
    return 0.0 if v is None else v


def optional(x: Mapping[str, Array], name: str, n: int) -> Array:
    """An optional driver (zero when the scenario does not have it)."""
    v = x.get(name)
    return np.zeros(n) if v is None else v


def rows_sum(a: Array) -> Array:
    """The sum over the first axis (e.g. the rows of a buffer of months, each (paths,)),
    added row by row: a path's sum is rounded the same whatever the number of paths (numpy
    sums a single column pairwise and several columns row by row, so a block of 1 path and
    one of 3 once differed in the last bits).

    >>> rows_sum(np.array([[1.0, 2.0], [3.0, 4.0]])).tolist()
    [4.0, 6.0]
    """
    out: Array = np.zeros(a.shape[1:])
    for row in a:
        out = out + row
    return out
