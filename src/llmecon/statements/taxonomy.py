"""Canonical items: the names every figure must use, with their dimension, timing and sign.

Amounts keep their natural sign under an explicit name: ``net_loss`` is positive when
the company lost money. A file may give the opposite item instead (``net_income``);
the loader stores it under the canonical name with the sign flipped (see ``NEGATED``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from llmecon.errors import InputError, did_you_mean

Temporal = Literal["duration", "instant", "any"]
Sign = Literal["nonnegative", "any"]


@dataclass(frozen=True)
class ItemDef:
    """One canonical item.

    ``dimension`` is what it measures (money, count, percent, ...); ``temporal`` says
    whether it is a flow over a period (duration), a balance at a date (instant) or
    either; ``segmentable`` items may carry a segment such as ``line:cloud_deployment``.
    """

    name: str
    dimension: str
    temporal: Temporal
    sign: Sign
    description: str
    segmentable: bool = False

    @property
    def natural_base(self) -> str:
        return {
            "money": "money",
            "count": "count",
            "percent": "percent",
            "days": "days",
            "months": "months",
            "tokens_per_day": "tokens_per_day",
            "money_per_user": "per_user",
            "money_per_share": "per_share",
            "money_per_month": "per_month",
        }[self.dimension]

    @property
    def has_currency(self) -> bool:
        return self.dimension.startswith("money")


def _d(name: str, dimension: str, temporal: Temporal, sign: Sign, description: str,
       segmentable: bool = False) -> ItemDef:
    return ItemDef(name, dimension, temporal, sign, description, segmentable)


_ITEMS: tuple[ItemDef, ...] = (
    # income statement (flows)
    _d("revenue", "money", "duration", "nonnegative", "Revenue", True),
    _d("cost_of_revenue", "money", "duration", "nonnegative", "Cost of revenue", True),
    _d("gross_profit", "money", "duration", "any", "Gross profit (loss)", True),
    _d("rd_expense", "money", "duration", "nonnegative", "Research and development expense"),
    _d("rd_compute_cost", "money", "duration", "nonnegative",
       "Compute (cloud / computing-service fees) inside R&D"),
    _d("rd_staff_cost", "money", "duration", "nonnegative", "Staff cost inside R&D"),
    _d("cost_of_revenue_compute", "money", "duration", "nonnegative",
       "Compute (inference / delivery) inside cost of revenue", True),
    _d("selling_marketing_expense", "money", "duration", "nonnegative",
       "Selling and marketing expense"),
    _d("advertising_marketing_expense", "money", "duration", "nonnegative",
       "Advertising and promotion inside selling and marketing"),
    _d("general_admin_expense", "money", "duration", "nonnegative",
       "General and administrative expense"),
    _d("operating_loss", "money", "duration", "any", "Operating loss (positive = loss)"),
    _d("net_loss", "money", "duration", "any", "Net loss (positive = loss)"),
    _d("adjusted_net_loss", "money", "duration", "any",
       "Adjusted (non-IFRS) net loss (positive = loss)"),
    _d("top5_customers_revenue", "money", "duration", "nonnegative",
       "Revenue from the five largest customers"),
    # cash flow
    _d("operating_cash_flow", "money", "duration", "any",
       "Net cash from operating activities (negative = outflow)"),
    _d("capex", "money", "duration", "nonnegative",
       "Capital expenditure (purchases of property, equipment and intangibles)"),
    _d("cash_burn_rate_monthly", "money_per_month", "duration", "any",
       "Monthly cash burn rate as the company reported it (basis as disclosed)"),
    # balance sheet (stocks)
    _d("cash_and_equivalents", "money", "instant", "nonnegative", "Cash and cash equivalents"),
    _d("short_term_investments", "money", "instant", "nonnegative",
       "Short-term investments, term deposits and current financial assets"),
    _d("cash_and_investments", "money", "instant", "nonnegative",
       "Cash, deposits and financial assets reported as one total (parts not disclosed)"),
    _d("trade_receivables", "money", "instant", "nonnegative", "Trade receivables, net"),
    _d("trade_receivables_gross", "money", "instant", "nonnegative", "Trade receivables, gross"),
    _d("trade_receivables_allowance", "money", "instant", "nonnegative",
       "Loss allowance on trade receivables"),
    _d("contract_liabilities", "money", "instant", "nonnegative", "Contract liabilities"),
    _d("total_assets", "money", "instant", "nonnegative", "Total assets"),
    _d("total_liabilities", "money", "instant", "nonnegative", "Total liabilities"),
    _d("net_assets", "money", "instant", "any", "Net assets (total equity; may be negative)"),
    _d("current_liabilities", "money", "instant", "nonnegative", "Current liabilities"),
    _d("bank_borrowings", "money", "instant", "nonnegative", "Bank borrowings"),
    _d("lease_liabilities", "money", "instant", "nonnegative", "Lease liabilities"),
    _d("unused_bank_facilities", "money", "instant", "nonnegative", "Unused bank credit lines"),
    # financing
    _d("equity_raised_cumulative", "money", "instant", "nonnegative",
       "Equity raised since founding, cumulative"),
    _d("ipo_gross_proceeds", "money", "instant", "nonnegative", "IPO gross proceeds"),
    _d("ipo_net_proceeds", "money", "instant", "nonnegative", "IPO net proceeds"),
    _d("offer_price", "money_per_share", "instant", "nonnegative", "IPO offer price per share"),
    _d("shares_outstanding", "count", "instant", "nonnegative", "Shares outstanding"),
    # market data (dated; in the currency the shares trade in)
    _d("share_price", "money_per_share", "instant", "nonnegative",
       "Share price at the date (a closing price unless the note says otherwise)"),
    _d("market_capitalisation", "money", "instant", "nonnegative",
       "Market capitalisation at the date, as reported"),
    # people and customers
    _d("headcount", "count", "instant", "nonnegative", "Employees at the date"),
    _d("rd_headcount", "count", "instant", "nonnegative", "R&D employees at the date"),
    _d("rd_headcount_share", "percent", "instant", "nonnegative", "R&D share of employees"),
    _d("customers", "count", "instant", "nonnegative",
       "Customers served (institutional / enterprise and developer), cumulative"),
    _d("paying_customers", "count", "duration", "nonnegative", "Paying customers in the period",
       True),
    _d("developers", "count", "instant", "nonnegative", "Developers served, cumulative"),
    _d("cumulative_users", "count", "instant", "nonnegative", "Individual users, cumulative"),
    _d("mau", "count", "duration", "nonnegative", "Average monthly active users", True),
    _d("paying_users", "count", "duration", "nonnegative", "Paying users in the period", True),
    _d("arppu", "money_per_user", "duration", "nonnegative",
       "Average revenue per paying user (basis as disclosed)", True),
    _d("daily_tokens", "tokens_per_day", "any", "nonnegative", "Tokens processed per day"),
    # reported ratios (usually check values; raw when the parts are not disclosed)
    _d("gross_margin", "percent", "duration", "any", "Gross margin", True),
    _d("revenue_growth_yoy", "percent", "duration", "any",
       "Revenue growth on the same period a year earlier", True),
    _d("revenue_share", "percent", "duration", "nonnegative", "Share of total revenue", True),
    _d("overseas_revenue_share", "percent", "duration", "nonnegative",
       "Share of revenue from outside mainland China"),
    _d("cost_of_revenue_to_revenue", "percent", "duration", "nonnegative",
       "Cost of revenue / revenue"),
    _d("rd_to_revenue", "percent", "duration", "nonnegative", "R&D expense / revenue"),
    _d("net_loss_to_revenue", "percent", "duration", "any", "Net loss / revenue"),
    _d("adjusted_net_loss_to_revenue", "percent", "duration", "any",
       "Adjusted net loss / revenue"),
    _d("rd_compute_share_of_rd", "percent", "duration", "nonnegative", "Compute share of R&D"),
    _d("rd_compute_cost_to_revenue", "percent", "duration", "nonnegative",
       "Compute inside R&D / revenue"),
    _d("cost_of_revenue_compute_share", "percent", "duration", "nonnegative",
       "Compute share of cost of revenue", True),
    _d("cost_of_revenue_labor_share", "percent", "duration", "nonnegative",
       "Labour share of cost of revenue"),
    _d("top5_customer_share", "percent", "duration", "nonnegative",
       "Share of revenue from the five largest customers"),
    _d("receivable_days", "days", "duration", "nonnegative",
       "Trade receivable turnover days (average receivables / revenue x days)"),
)

ITEMS: dict[str, ItemDef] = {d.name: d for d in _ITEMS}

#: Accepted opposite-signed names and the canonical item they are stored under.
NEGATED: dict[str, str] = {
    "net_income": "net_loss",
    "operating_income": "operating_loss",
    "adjusted_net_income": "adjusted_net_loss",
}

#: Segment dimensions. ``line`` segments are a company's business lines and must add up
#: to the total; other dimensions may cover part of the total only.
SEGMENT_DIMENSIONS: dict[str, str] = {
    "line": "business line (a partition of the total)",
    "product": "product (part of a line)",
    "product_revenue_type": "revenue type of a product (subscription, in-app purchase, ads)",
    "region": "geography",
}


def lookup(name: str, *, where: str) -> tuple[ItemDef, bool]:
    """Return the item definition for a name and whether the value must be negated.

    Unknown names are rejected with the closest canonical names suggested:

    >>> lookup("revenu", where="f.csv row 3")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    llmecon.errors.InputError: f.csv row 3: unknown item 'revenu'; did you mean 'revenue'?
    """
    key = (name or "").strip()
    if key in ITEMS:
        return ITEMS[key], False
    if key in NEGATED:
        return ITEMS[NEGATED[key]], True
    hint = did_you_mean(key, [*ITEMS, *NEGATED]) or \
        "see 'llmecon items' for the canonical names"
    raise InputError(f"{where}: unknown item {key!r}; {hint}")


def check_segment(segment: str | None, item: ItemDef, *, where: str) -> str | None:
    """Validate a segment name ``dimension:member`` for an item; ``None`` means total."""
    if segment is None or segment == "":
        return None
    seg = segment.strip()
    if not item.segmentable:
        raise InputError(f"{where}: item {item.name!r} does not take a segment, found {seg!r}")
    dim, sep, member = seg.partition(":")
    if not sep or not member or dim not in SEGMENT_DIMENSIONS:
        raise InputError(
            f"{where}: segment {seg!r} must be 'dimension:member' with dimension one of "
            f"{', '.join(SEGMENT_DIMENSIONS)} (e.g. 'line:cloud_deployment')"
        )
    return seg
