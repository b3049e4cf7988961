"""The financing events of a calibrated scenario: IPO proceeds, credit, new equity.

:func:`calibrate_financing` reads the disclosed IPO proceeds (through the one lookup,
:func:`llmecon.metrics.financing.ipo_proceeds`) and the unused bank facilities, and adds an
assumed raise where no facility is disclosed. Each event says whether it is committed.
"""

from __future__ import annotations

from llmecon.metrics.financing import ipo_proceeds
from llmecon.metrics.resolve import Resolver
from llmecon.simulate.scenario import Financing, months_after
from llmecon.statements.model import Company, Period
from llmecon.units import FxTable


def calibrate_financing(company: Company, p: Period, r: Resolver, fx: FxTable, cash: float
                        ) -> list[Financing]:
    """IPO proceeds after the period end (committed), then credit or a raise (uncommitted)."""
    out: list[Financing] = []
    ipo = ipo_proceeds(company, p.end, fx, resolver=r)
    if ipo is not None:
        out.append(Financing(months_after(p.end, ipo.listing_date), ipo.amount,
                             ipo.label, True, "ipo"))
    credit = r.get("unused_bank_facilities", company.instant_at(p.end) or p.label)
    if credit.ok and credit.value:
        out.append(Financing(12, credit.value * 0.5, "draw half of the unused bank "
                             "facilities (assumed)", False, "bank_facility"))
    else:
        out.append(Financing(24, cash * 0.5, "follow-on raise of half the starting cash "
                             "(assumed)", False, "equity"))
    return out
