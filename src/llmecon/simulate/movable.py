"""The drivers the projection reads month by month, so a shock, a regime or month-to-month
noise can move them (:func:`llmecon.simulate.engine.project` multiplies exactly these).

Every other driver is drawn once per path and held over the horizon: a multiplier over time
on it would be dropped without a word, so scenario files, presets and runs refuse one
(a hostile-input audit found ten such drivers accepted and ignored, cost per token and
unexplained operating cash flow among them). ``tests/simulate/test_movable.py`` checks the
list against the engine: every listed driver moves a projection, no other does.
"""

from __future__ import annotations

from collections.abc import Iterable

from llmecon.errors import InputError

#: Multipliers over time that are not drivers: shocks, regimes and noise may target them.
TIME_INDICES = ("inference_cost_index", "fx_index", "gpu_price_index")
#: Company-wide drivers the engine multiplies month by month.
COMPANY_DRIVERS = ("capex_monthly", "other_sm_monthly", "training_compute_monthly")
#: Line drivers (``<line>.<name>``) the engine multiplies month by month.
LINE_DRIVERS = ("arppu_monthly", "cac", "contract_value", "contracts_per_month",
                "marketing_monthly", "paying_rate", "price_per_m", "tokens_per_month",
                "user_churn_monthly", "volume_growth_monthly")


def movable(name: str) -> bool:
    """Whether the projection reads ``name`` month by month (a pattern is not a name)."""
    if any(c in name for c in "*?["):
        return False
    if name in TIME_INDICES or name in COMPANY_DRIVERS:
        return True
    line, _, short = name.partition(".")
    return bool(line) and short in LINE_DRIVERS


def refuse_fixed(targets: Iterable[str], where: str, pattern: str | None = None) -> None:
    """An error naming the first of ``targets`` (matched by ``pattern``, if one) the
    projection holds fixed over time."""
    fixed = [t for t in targets if not movable(t)]
    if fixed:
        matched = f"{pattern!r} matches {fixed[0]}, which" if pattern and pattern != fixed[0] \
            else fixed[0]
        raise InputError(
            f"{where}: {matched} is drawn once per path and held over the horizon, so a "
            "multiplier over time on it would be ignored; set it (drivers:) instead, or move "
            f"one of {', '.join(TIME_INDICES + COMPANY_DRIVERS)} or <line>."
            f"{{{','.join(LINE_DRIVERS)}}}")


def zero_divisor(targets: Iterable[str], multiplier: float) -> str | None:
    """What is wrong with a multiplier of 0 on a driver the projection divides by (a CAC:
    users acquired = marketing / CAC), None when nothing is."""
    cac = [t for t in targets if t.rsplit(".", 1)[-1] == "cac"]
    if multiplier > 0 or not cac:
        return None
    return (f"expected > 0 for {cac[0]} (users acquired = marketing / CAC: a CAC of 0 buys "
            f"infinitely many; to stop buying users, multiply marketing_monthly by 0), "
            f"found {multiplier:g}")
