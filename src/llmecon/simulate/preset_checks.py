"""What a stress preset (``data/stress.yaml``) sets or adds stays in each driver's range.

A scenario file's values are checked against the driver ranges of
:func:`llmecon.config.calibration.driver_range_problem`; a preset's changes once were not
(a hostile-input audit: a scenario's price decline of 0.98 a month plus price-war's 0.03 made
1.01, and token prices changed sign every month, while 1.01 written in the file was refused;
budget-freeze took a collection delay of 240 months to 243). Used by
:func:`llmecon.simulate.scenario.apply_stresses`. And the message for a stress name that is
no preset, shared by the command line, scenario files and the dashboard.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from llmecon.config.base import parse_config
from llmecon.config.calibration import DistConfig, driver_range_problem
from llmecon.constants import MAX_HORIZON_MONTHS
from llmecon.errors import InputError, did_you_mean
from llmecon.simulate.distributions import Dist


def in_range(d: Dist, driver: str, preset: str, how: str) -> Dist:
    """``d`` once it lies in ``driver``'s range, else an error naming the preset and what
    it did (``how``: "adds 0.03")."""
    spec = parse_config(DistConfig, {"dist": d.kind, **d.params}, f"stress {preset}: {driver}")
    if problem := driver_range_problem(driver, spec):
        raise InputError(f"stress {preset}: {driver}: the preset {how}: {problem}; give the "
                         "driver a value the preset leaves in range")
    return d


def preset_set(d: Dist, item: Any, driver: str, name: str, was: str) -> tuple[Dist, str]:
    """A preset's ``set`` (``item``, a :class:`~llmecon.config.scenario.StressChange`) of
    ``driver`` (now ``d``) and its provenance. ``only: higher``:
    at least the value, draw by draw (a base wholly above it is kept, one wholly below it
    is replaced, one that straddles it is held to it from below); ``lower``: at most."""
    v = item.value
    lo, hi = d.support
    up = item.only == "higher"
    if item.only is None or (hi <= v if up else lo >= v):
        return (in_range(Dist("fixed", {"value": v}), driver, name, f"sets {v:g}"),
                f"stress {name}: {v:g} (was {was})")
    side = "at least" if up else "at most"
    if lo >= v if up else hi <= v:  # the base already stresses as far
        return d, f"{was}; stress {name}: {side} {v:g}, which the base already is"
    key = "at_least" if up else "at_most"
    old = d.params.get(key)
    bound = v if old is None else (max(old, v) if up else min(old, v))
    return (in_range(Dist(d.kind, {**d.params, key: bound}), driver, name, f"sets {v:g}"),
            f"{was}; stress {name}: {side} {v:g}, draw by draw")


def holds_change(given: Dist, stressed: Dist, driver: str, sets: Sequence[Any]) -> bool:
    """A scenario file's ``driver`` (``given``) holds the recorded presets' change: it is
    what they make of the calibrated base (``stressed``), or a value their ``set``s with
    ``only`` leave as it is (at least 70%: the file's own base, stressed)."""
    if given == stressed:
        return True
    items = [i for i in sets if fnmatch.fnmatchcase(driver, i.driver)]
    return bool(items) and all(i.only and preset_set(given, i, driver, "", "")[0] == given
                               for i in items)


def later(line: Any, change: Any, preset: str) -> Any:
    """A project line (a :class:`~llmecon.simulate.scenario.LineSpec`) collecting the
    revenue billed in the window of ``change`` (a
    :class:`~llmecon.config.scenario.StressChange`: ``value`` months later, from
    ``start_month`` for ``months`` months, 0 to the horizon) later, within what a scenario
    file takes (0 to the longest horizon); one window per line."""
    if change.value != int(change.value):  # a delay of 2.5 months was cut to 2
        raise InputError(f"stress {preset}: {line.name}.collection_delay_extra_months: "
                         f"expected a whole number of months, found {change.value:g}")
    months = int(change.value)
    delay = line.delay_months + months
    if not 0 <= delay <= MAX_HORIZON_MONTHS:
        raise InputError(f"stress {preset}: {line.name}.collection_delay_months: the preset "
                         f"adds {months} to {line.delay_months}: expected 0 to "
                         f"{MAX_HORIZON_MONTHS}, found {delay}")
    if months < 0:
        raise InputError(f"stress {preset}: {line.name}.collection_delay_extra_months: "
                         f"expected 0 or more months, found {months}")
    if line.extra_delay_months:
        raise InputError(f"stress {preset}: {line.name}: the line's billing from month "
                         f"{line.extra_delay_start_month} is collected "
                         f"{line.extra_delay_months} months later already; one later "
                         "collection per line")
    return replace(line, extra_delay_months=months, extra_delay_start_month=change.start_month,
                   extra_delay_window_months=change.months)


def repeated_stress(names: Sequence[str]) -> str:
    """The message for stresses given more than once ('' when each is given once): a
    preset applies once (it would compound with itself).

    >>> repeated_stress(["price-war", "fx-shock", "price-war"])
    "stress 'price-war' given twice; each preset applies once (it would compound with itself)"

    ``names`` must be a list of names: a lone name (whose letters would be read as names)
    or a name that is not a str is an :class:`~llmecon.errors.InputError`.
    """
    if isinstance(names, (str, bytes)) or not isinstance(names, Sequence) or \
            any(not isinstance(n, str) for n in names):
        bad = names if isinstance(names, (str, bytes)) or not isinstance(names, Sequence) \
            else next(n for n in names if not isinstance(n, str))
        raise InputError(f"stresses: expected a list of preset names such as "
                         f"['price-war'], found {bad!r}"[:200])
    twice = sorted({n for n in names if list(names).count(n) > 1})
    return "" if not twice else (f"stress {', '.join(repr(n) for n in twice)} given twice; "
                                 "each preset applies once (it would compound with itself)")


def unknown_stress(name: str, presets: Iterable[str]) -> str:
    """The message for a stress that is not a preset: every preset, and the closest one
    (an underscore read as the hyphen the presets use).

    >>> print(unknown_stress("price_war", ["budget-freeze", "price-war"]))
    unknown stress 'price_war': expected one of budget-freeze, price-war; did you mean 'price-war'?
    >>> print(unknown_stress("x", ["budget-freeze", "price-war"]))
    unknown stress 'x': expected one of budget-freeze, price-war
    """
    names = list(presets)
    shown = name if len(name) <= 60 else name[:57] + "..."
    hint = did_you_mean(name[:60].replace("_", "-"), names)
    return (f"unknown stress {shown!r}: expected one of {', '.join(names)}"
            + (f"; {hint}" if hint else ""))


#: The drivers through which the exchange-rate index reaches a projection.
FOREIGN_SHARES = ("foreign_revenue_share", "foreign_cost_share", "foreign_cash_share")


def inert_stresses(s: Any) -> list[str]:
    """What a run should say of a stress that cannot move this company: ``fx-shock`` where
    no revenue, cost or cash is in another currency and no financing arrives in one (a new
    user's audit: a company of one's own ran fx-shock identical to the base, unsaid)."""
    if "fx-shock" not in s.stresses:
        return []
    exposed = any(s.drivers[k].central != 0 or not s.drivers[k].degenerate
                  for k in FOREIGN_SHARES if k in s.drivers)
    if exposed or any(f.in_foreign_currency for f in s.included_financing()):
        return []
    return [f"fx-shock changes nothing for {s.company}: no revenue, cost or cash in another "
            "currency and no financing received in one (set foreign_revenue_share, "
            "foreign_cost_share or foreign_cash_share in a --scenario file)"]


def financing_notes(base: Any, names: Sequence[str], presets: Mapping[str, Any],
                    all_flag: str = "--financing all") -> list[str]:
    """What a run should say of a financing preset of ``presets`` (one that drops
    uncommitted financing or withdraws credit) given the unstressed ``base``: that it
    changes nothing for this company, or what it takes away and which run to compare with
    (own36: funding-closed and credit-withdrawn ran identical to the base, unsaid, for a
    company of one's own). ``all_flag`` is how the user asks for all financing (the
    dashboard's choice has another name); a run that counts it already is not told to."""
    out: list[str] = []
    counted = base.financing_included
    compare = "" if counted == "all" else f": compare with {all_flag}, as the report does"
    for name in dict.fromkeys(names):
        pre = presets.get(name, {})
        if pre.get("drop_uncommitted_financing"):
            gone = [f.label for f in base.financing if not f.committed]
            out.append(f"{name} changes nothing for {base.company}: it has no uncommitted "
                       "financing to remove" if not gone else
                       f"{name} removes {'; '.join(gone)}, counted in this run (financing "
                       "all)" if counted == "all" else
                       f"{name} removes {'; '.join(gone)}, which this run does not count "
                       f"either (financing {counted}: against it, this preset alone changes "
                       f"nothing){compare}")
        if pre.get("withdraw_credit"):
            credit = [f.label for f in base.financing if f.kind == "bank_facility"
                      or (f.already_received and f.repay_after_months != 0)]
            out.append(f"{name} changes nothing for {base.company}: no bank facility or "
                       "borrowings to withdraw" if not credit else
                       f"{name} withdraws {'; '.join(credit)}{compare}")
    return out
