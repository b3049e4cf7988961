"""Money re-expressed in another currency: flows at their period's average rate, stocks at
the closing rate of their date, each value as sure as the rates used; a missing rate makes
the value n/a, naming the rate. Tables, signals and peers convert through here."""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from llmecon.metrics.resolve import weakest
from llmecon.metrics.values import MetricValue
from llmecon.units import FxTable, MissingRate


def convert_value(mv: MetricValue, currency: str, fx: FxTable) -> MetricValue:
    """A money value in ``currency``: flows at the period's average rate, stocks at the
    closing rate of the period end. Non-money values pass through. Without a rate the
    value is n/a, saying which rate is missing (the other cells still convert)."""
    if not mv.ok:  # n/a already: its own reason stands (a missing rate would hide it)
        return mv
    try:
        return _converted(mv, currency, fx)
    except MissingRate as e:
        return MetricValue(mv.name, mv.period, None, mv.unit, mv.currency, mv.timing, "n/a",
                           mv.confidence, f"in {currency}: {e.what}")


def _converted(mv: MetricValue, currency: str, fx: FxTable) -> MetricValue:
    if mv.currency is None or mv.currency == currency:
        return mv
    if mv.parts and mv.timing == "flow" and mv.ok:  # each part at its own period's rate
        total, notes, used_all = 0.0, [], []
        for q, amount in mv.parts:
            r, used = fx.rate(mv.currency, currency, "average", q.start, q.end)
            total += amount * r
            notes.append(f"{q.label} at {r:.4f}")
            used_all.extend(used)
        out = replace(mv, value=total, currency=currency, parts=(),
                      basis=f"{mv.basis}; {mv.currency}->{currency} average rate of each "
                            f"period ({', '.join(notes)})")
        return replace(out, confidence=weakest([mv.confidence,
                                                *(r.confidence for r in used_all)]))
    p = mv.period
    kind: Literal["average", "closing"] = "closing" if mv.timing == "stock" else "average"
    rate, used = fx.rate(mv.currency, currency, kind, p.start, p.end)
    when = f"{p.start}..{p.end}" if kind == "average" else str(p.end)
    out = mv.converted(currency, rate, f"{mv.currency}->{currency} {kind} {rate:.4f} ({when})")
    # a converted value is only as sure as the rate used
    return replace(out, confidence=weakest([mv.confidence, *(r.confidence for r in used)]))


#: Rows of growth rates: computed in the reporting currency, which a converted table says.
GROWTH_ROWS = frozenset({"revenue_growth", "revenue_cagr"})


def growth_in_reporting(mv: MetricValue, reporting: str | None, currency: str) -> MetricValue:
    """A growth rate of a column converted to ``currency``: its basis says it is in the
    reporting currency (in ``currency`` it would also move with the exchange rate)."""
    if not mv.ok or reporting is None or reporting == currency:
        return mv
    return replace(mv, basis=f"{mv.basis}; in {reporting}, the reporting currency (in "
                             f"{currency} it would also move with the exchange rate)")
