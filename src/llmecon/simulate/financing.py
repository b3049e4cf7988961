"""The financing events of a calibrated scenario: IPO proceeds, bank debt, new equity.

:func:`calibrate_financing` reads the disclosed IPO proceeds (through the one lookup,
:func:`llmecon.metrics.financing.ipo_proceeds`), the bank borrowings and the unused bank
facilities, and adds an assumed equity raise where no facility is disclosed. Each event says
whether it is committed; the base case counts only committed ones:

- the IPO (committed): gross proceeds less fees (disclosed, or the assumed fee share) in the
  calendar month of the listing; received in the other currency when the proceeds are in
  it or in one pegged to it (:data:`llmecon.units.PEGS`): Zhipu's HK dollars, held offshore,
  move with the US dollar against its renminbi. They are converted at the listing day's
  closing rate, taken as realised, times the month's ``fx_index``: the index moves them
  against the base path (1.15: worth 15% more than at that rate), as it moves revenue and
  costs against the period-end rate the base path holds them at;
- bank borrowings at the period end (committed, already in cash): interest, repayment;
- half of the unused facilities drawn (uncommitted: a bank may withdraw them), with
  interest and repayment; or, without facilities, a follow-on raise (uncommitted).
"""

from __future__ import annotations

import math

from llmecon.config.calibration import CompanyFinancingConfig
from llmecon.metrics.financing import ipo_proceeds
from llmecon.metrics.resolve import Resolver
from llmecon.simulate.calendar import month_index
from llmecon.simulate.scenario import Financing
from llmecon.statements.model import Company, Period
from llmecon.units import FxTable, anchor_currency


def calibrate_financing(company: Company, p: Period, r: Resolver, fx: FxTable, cash: float,
                        fin: CompanyFinancingConfig) -> list[Financing]:
    """The financing events after the period ``p`` (see the module's notes)."""
    out: list[Financing] = []
    ipo = ipo_proceeds(company, p.end, fx, assumed_fee_share=fin.ipo_fee_share, resolver=r)
    if ipo is not None:
        gross = ipo.gross_amount if math.isfinite(ipo.gross_amount) else ipo.amount
        fee = ipo.fee_share if math.isfinite(ipo.fee_share) else 0.0
        how = "disclosed net" if ipo.basis == "net" else "fees assumed"
        out.append(Financing(month_index(p.end, ipo.listing_date), gross,
                             f"IPO {ipo.listing_date}, received net of fees {fee:.2%} "
                             f"({how}); gross proceeds", True, "ipo", fee_share=fee,
                             source=f"{ipo.label}{ipo.conversion}",
                             in_foreign_currency=_foreign(ipo.currency, company.currency,
                                                          fin.foreign_currency)))
    instant = company.instant_at(p.end) or p.label
    debt = r.get("bank_borrowings", instant)
    if debt.ok and debt.value:
        out.append(Financing(
            0, debt.value, f"bank borrowings at {p.end} (disclosed), repaid after "
            f"{fin.borrowings_repay_after_months} months (assumed)", True, "debt",
            annual_interest_rate=fin.borrowings_interest_rate_annual,
            repay_after_months=fin.borrowings_repay_after_months, already_received=True,
            source="disclosed: bank_borrowings"))
    credit = r.get("unused_bank_facilities", instant)
    if credit.ok and credit.value:
        out.append(Financing(
            fin.facility_draw_month, credit.value * fin.facility_draw_share,
            f"draw {fin.facility_draw_share:.0%} of the unused bank facilities (assumed; "
            "uncommitted)", False, "bank_facility",
            annual_interest_rate=fin.facility_interest_rate_annual,
            repay_after_months=fin.facility_repay_after_months,
            source="disclosed: unused_bank_facilities"))
    else:
        out.append(Financing(
            fin.follow_on_month, cash * fin.follow_on_share_of_cash,
            f"follow-on raise of {fin.follow_on_share_of_cash:.0%} of the starting cash "
            "(assumed; uncommitted)", False, "equity", fee_share=fin.follow_on_fee_share))
    return out


def _foreign(currency: str, reporting: str, other: str) -> bool:
    """Whether money in ``currency`` is held in the scenario's other currency ``other``
    (itself, or pegged to it) rather than the ``reporting`` one.

    >>> _foreign("HKD", "CNY", "USD"), _foreign("HKD", "USD", "CNY"), _foreign("HKD", "CNY", "")
    (True, False, False)
    """
    anchor = anchor_currency(currency)
    return bool(other) and anchor == anchor_currency(other) != anchor_currency(reporting)
