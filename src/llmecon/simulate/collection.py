"""When billed revenue turns into cash, for the projection (:mod:`llmecon.simulate.engine`).

A line's revenue billed in month ``a`` is collected in month ``a + collection_delay_months``;
revenue billed in the line's window of later payment (``extra_delay_months`` from
``extra_delay_start_month`` for ``extra_delay_window_months`` months, 0 to the horizon: the
budget-freeze stress) is collected ``extra_delay_months`` later still, and billing after
the window on the normal delay again, so the receivables the window built up run off.
The opening receivables (billed before the start) are collected evenly over the normal
delay.
"""

from __future__ import annotations

from typing import Any

from llmecon.simulate.scenario import LineSpec


def paid_late(ln: LineSpec, month: int) -> bool:
    """Whether the line's billing of ``month`` is collected ``extra_delay_months`` late."""
    start, window = ln.extra_delay_start_month, ln.extra_delay_window_months
    return ln.extra_delay_months > 0 and month >= start and (window == 0 or
                                                              month < start + window)


def due_months(ln: LineSpec, t: int) -> tuple[int, ...]:
    """The projected months whose billing the line collects in month ``t`` (months before
    the start are the opening receivables', :func:`collect_opening`).

    >>> ln = LineSpec("p", "b2b", collection_delay_months=6, extra_delay_months=3,
    ...               extra_delay_start_month=0, extra_delay_window_months=12)
    >>> [due_months(ln, t) for t in (5, 6, 8, 9, 17, 18, 20, 21)]
    [(), (), (), (0,), (8,), (12, 9), (14, 11), (15,)]
    """
    normal = t - ln.delay_months
    late = normal - ln.extra_delay_months
    out: tuple[int, ...] = (normal,) if normal >= 0 and not paid_late(ln, normal) else ()
    if ln.extra_delay_months and late >= 0 and paid_late(ln, late):
        out += (late,)
    return out


def billed_due(rows: Any, ln: LineSpec, t: int, offset: int = 0) -> Any:
    """The billing collected in month ``t``: the sum of ``rows[a + offset]`` over the months
    ``a`` of :func:`due_months` (0 when none)."""
    out: Any = 0.0
    for a in due_months(ln, t):
        out = out + rows[a + offset]
    return out


def collect_opening(opening: Any, ln: LineSpec, t: int) -> Any:
    """Opening receivables collected evenly over the collection delay (in the first month
    without one)."""
    lag = max(ln.delay_months, 1)
    return opening / lag if t < lag else 0.0
