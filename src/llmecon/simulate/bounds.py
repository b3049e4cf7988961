"""The physical bounds the engine holds a multiplied driver to, and how often they bind.

A shock, regime or noise multiplies a driver month by month; two products can pass a
bound that no business can: a monthly user churn above 100% (more users leave than there
are) and a monthly volume growth below -100% (more tokens lost than sold). The engine
holds them at the bound (:func:`~llmecon.simulate.engine.step_c2c`,
:func:`~llmecon.simulate.engine.step_api`). Where that happens is known from the drawn
drivers and multipliers alone, before the projection, so a run counts the path-months held
per driver (:func:`held_at_bounds`) and its summary says so
(:func:`llmecon.report.simulate.held_notes`): a stress that keeps hitting the bound is a
scenario that asks for more than the model can give, and the user is told.
A driver with no multiplier cannot pass its bound (its range keeps it inside), and costs
nothing to check.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

Array = np.ndarray[Any, Any]

#: Driver suffix -> (bound, side): the product is held at the bound when above ("max") or
#: below ("min") it.
BOUNDS: dict[str, tuple[float, str]] = {"user_churn_monthly": (1.0, "max"),
                                        "volume_growth_monthly": (-1.0, "min")}


def held_at_bounds(lines: Sequence[tuple[str, str]], x: Mapping[str, Array],
                   mults: Mapping[str, Array]) -> dict[str, int]:
    """Path-months where a line's multiplied driver passes its bound, per driver name (only
    the drivers that do). ``lines``: (line name, kind) of the scenario.

    >>> x = {"a.user_churn_monthly": np.array([0.5, 0.2])}
    >>> held_at_bounds([("a", "c2c")], x, {"a.user_churn_monthly": np.array([1.0, 3.0, 3.0])})
    {'a.user_churn_monthly': 2}
    """
    out: dict[str, int] = {}
    for line, kind in lines:
        short = {"c2c": "user_churn_monthly", "api": "volume_growth_monthly"}.get(kind)
        name = f"{line}.{short}"
        if short is None or name not in mults or name not in x:
            continue
        bound, side = BOUNDS[short]
        m = np.asarray(mults[name])
        v = np.asarray(x[name])[:, None] * (m if m.ndim == 2 else m[None, :])
        held = int(np.count_nonzero(v > bound if side == "max" else v < bound))
        if held:
            out[name] = held
    return out

