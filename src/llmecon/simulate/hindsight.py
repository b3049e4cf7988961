"""The projection against what the company disclosed after the projection's start.

A scenario starts from the latest period that discloses everything a projection needs;
a company may have published more since (MiniMax's headline FY2025 results came after its
9M 2025 prospectus figures). Each later figure is set beside the projection of the same
months: cash resources at a period end against the month's percentiles, and revenue over
the projected months of a period (the period itself when it starts at or after the start,
else the period less the earlier one of the same start that ends at the start: FY2025 less
9M 2025 is October-December) against the mean of the projection, which sums exactly over
months (percentiles do not). Nothing here feeds back into the calibration: it says how far
the start is from what happened next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from llmecon.metrics.signals import Context, cash_resources
from llmecon.simulate.calendar import month_index
from llmecon.simulate.run import PERCENTILES, SimResult
from llmecon.statements.model import Company, Period


@dataclass(frozen=True)
class LaterFigure:
    """One disclosed figure of a period ending inside the projection, with the projection.

    Attributes
    ----------
    item : ``cash_resources`` (at the period end) or ``revenue`` (over ``months``).
    period : the disclosed period's label (``derived`` says when it is a difference).
    first_month, last_month : projected months (from 1) the figure covers.
    disclosed : the figure, company currency. confidence : its confidence.
    projected : the projection's mean (revenue, summed over the months) or median (cash).
    low, high : the projection's p5 and p95 (cash only; ``None`` for revenue).
    basis : how the disclosed figure was formed.
    """

    item: str
    period: str
    first_month: int
    last_month: int
    disclosed: float
    confidence: str
    projected: float
    low: float | None
    high: float | None
    basis: str

    @property
    def relative_difference(self) -> float | None:
        """(disclosed - projected) / |projected|; ``None`` when the projection is 0."""
        return None if self.projected == 0 else \
            (self.disclosed - self.projected) / abs(self.projected)

    @property
    def position(self) -> str:
        """Where the disclosed figure falls: against p5/p95 (cash), or above/below the
        mean (revenue)."""
        if self.low is not None and self.high is not None:
            return "below p5" if self.disclosed < self.low else \
                "above p95" if self.disclosed > self.high else "within p5-p95"
        return "above the mean" if self.disclosed > self.projected else "at or below the mean"


def later_figures(company: Company, r: SimResult) -> list[LaterFigure]:
    """Figures of ``company``'s periods that end inside the projection of ``r``."""
    if r.start is None or r.company != company.id:
        return []
    month = {d: i + 1 for i, d in enumerate(r.month_ends)}
    ctx = Context(company)
    out: list[LaterFigure] = []
    for p in sorted(company.duration_periods, key=lambda p: (p.end, p.months)):
        if p.end <= r.start or p.end not in month:
            continue
        last = month[p.end]
        cash = cash_resources(ctx, p)
        if cash.ok and cash.value is not None:
            i50, i5, i95 = (PERCENTILES.index(q) for q in (50, 5, 95))
            pc = r.percentiles["cash"][:, last - 1]
            out.append(LaterFigure("cash_resources", p.label, last, last, float(cash.value),
                                   cash.confidence, float(pc[i50]), float(pc[i5]),
                                   float(pc[i95]), cash.basis))
        rev = _revenue_after(company, ctx, p, r.start)
        if rev is not None:
            value, confidence, label, basis = rev
            first = 1 if p.start is None or p.start <= r.start else \
                month_index(r.start, p.start) + 1
            projected = float(r.mean["revenue"][first - 1:last].sum())
            out.append(LaterFigure("revenue", label, first, last, value, confidence,
                                   projected, None, None, basis))
    return out


def _revenue_after(company: Company, ctx: Context, p: Period, start: date
                   ) -> tuple[float, str, str, str] | None:
    """Revenue of ``p``'s months after ``start``: value, confidence, label and basis."""
    from llmecon.metrics.resolve import weakest

    whole = ctx.get("revenue", p)
    if not whole.ok or whole.value is None or p.start is None:
        return None
    if p.start > start:
        return float(whole.value), whole.confidence, p.label, "disclosed revenue"
    before = next((q for q in company.duration_periods
                   if q.start == p.start and q.end == start), None)
    if before is None:
        return None
    part = ctx.get("revenue", before)
    if not part.ok or part.value is None:
        return None
    return (float(whole.value - part.value), weakest([whole.confidence, part.confidence]),
            f"{p.label} - {before.label}", f"revenue {p.label} - revenue {before.label}")
