"""The result type of every metric: a value with its unit, period, basis and confidence."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Literal

from llmecon.statements.model import Period

if TYPE_CHECKING:
    from llmecon.statements.model import Company

Unit = Literal["money", "ratio", "days", "months", "count", "money_per_person",
               "money_per_user", "money_per_month", "money_per_new_user", "tokens_per_day"]
Timing = Literal["flow", "stock", "none"]


@dataclass(frozen=True)
class MetricValue:
    """One computed signal for one company and period.

    ``value`` is ``None`` when an input is missing; ``why`` then says which. Money is in
    ``currency`` base units; ``timing`` says whether money converts at the period's
    average rate (flow) or the closing rate (stock). ``method`` names the way a value
    was computed when there is more than one (a burn from cash flows or from the net loss);
    values computed in different ways are not compared. ``inherited`` names the methods of
    inputs a reader must still see in the value (a runway on cash that is cash alone,
    ``cash_only``); :attr:`bases` is both.
    """

    name: str
    period: Period
    value: float | None
    unit: Unit
    currency: str | None = None
    timing: Timing = "none"
    basis: str = ""
    confidence: str = "unknown"
    why: str = ""
    annualised: bool = False
    method: str = ""
    #: A sum of other periods' flows (a TTM: FY + interim - prior interim): each period and
    #: its signed amount, so a conversion can take each at its own period's rate.
    parts: tuple[tuple[Period, float], ...] = ()
    inherited: tuple[str, ...] = ()

    @property
    def bases(self) -> tuple[str, ...]:
        """The value's own method (if any) and those it inherited from its inputs."""
        return ((self.method,) if self.method else ()) + self.inherited

    @property
    def ok(self) -> bool:
        return self.value is not None and not (isinstance(self.value, float)
                                               and math.isnan(self.value))

    def converted(self, currency: str, rate: float, rate_note: str) -> MetricValue:
        """This value in another currency at ``rate`` (units of target per source unit)."""
        if self.currency is None or not self.ok or self.value is None:
            return replace(self, currency=currency if self.currency else None)
        basis = f"{self.basis}; {rate_note}" if self.basis else rate_note
        return replace(self, value=self.value * rate, currency=currency, basis=basis,
                       parts=())


#: The ``why`` of a cell whose row does not exist for that company (another company's line).
NOT_APPLICABLE = "not applicable"


def na(name: str, period: Period, unit: Unit, why: str, *, currency: str | None = None,
       timing: Timing = "none") -> MetricValue:
    return MetricValue(name, period, None, unit, currency, timing, "n/a", "unknown", why)


def published_late(mv: MetricValue, company: Company, day: date
                   ) -> tuple[Period, str, date] | None:
    """The first period ``mv`` rests on (its own, then those a TTM adds up: FY + interim -
    prior interim) whose results came out after ``day``: (that period, the dated period
    ending with it, its publication date); None when all was public by ``day``. A period
    is checked by its end (a balance sheet is read by its date: an undated H2 shares its
    FY's)."""
    for q in (mv.period, *(q for q, _ in mv.parts)):
        late = company.published_after(q.end, day)
        if late is not None:
            return q, late[0], late[1]
    return None
