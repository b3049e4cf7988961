"""Time series of a company's figures for charts: one value per duration period.

Every value comes from the resolver (reported, or derived with its basis); a missing one
is None, never zero. Interim periods are flagged so charts can mark them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from llmecon.metrics import signals as sig
from llmecon.metrics.resolve import Resolver
from llmecon.statements.model import Company
from llmecon.units import FxTable


@dataclass(frozen=True)
class Series:
    label: str
    unit: str  # "money" (company currency), "ratio", "months"
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class CompanySeries:
    """Series over a company's duration periods (chronological)."""

    company_id: str
    name: str
    currency: str
    periods: tuple[str, ...]
    interim: tuple[bool, ...]
    series: dict[str, Series] = field(default_factory=dict)

    @property
    def period_labels(self) -> list[str]:
        return [f"{p} (interim)" if i else p for p, i in zip(self.periods, self.interim,
                                                             strict=True)]

    def to_dict(self) -> dict[str, Any]:
        return {"company": self.company_id, "currency": self.currency,
                "periods": self.period_labels,
                "series": {k: {"label": s.label, "unit": s.unit, "values": list(s.values)}
                           for k, s in self.series.items()}}


def company_series(company: Company, fx: FxTable) -> CompanySeries:
    """Revenue and losses, cost structure, margins by line, revenue mix, compute intensity,
    cash and runway, per period."""
    r = Resolver(company)
    ctx = sig.Context(company, fx)
    periods = company.duration_periods

    def item(key: str, segment: str | None = None) -> tuple[float | None, ...]:
        out = []
        for p in periods:
            v = r.get(key, p.label, segment)
            out.append(v.value if v.ok else None)
        return tuple(out)

    def metric(fn: Any) -> tuple[float | None, ...]:
        vals = []
        for p in periods:
            mv = fn(ctx, p)
            vals.append(mv.value if mv.ok else None)
        return tuple(vals)

    s: dict[str, Series] = {
        "revenue": Series("Revenue", "money", item("revenue")),
        "net_loss": Series("Net loss", "money", item("net_loss")),
        "adjusted_net_loss": Series("Adjusted net loss", "money", item("adjusted_net_loss")),
        "cost_of_revenue": Series("Cost of revenue", "money", item("cost_of_revenue")),
        "rd_expense": Series("R&D", "money", item("rd_expense")),
        "selling_marketing_expense": Series("Selling & marketing", "money",
                                            item("selling_marketing_expense")),
        "gross_margin": Series("Gross margin", "ratio", item("gross_margin")),
        "rd_to_revenue": Series("R&D / revenue", "ratio", metric(sig.rd_to_revenue)),
        "rd_compute_to_revenue": Series("Compute in R&D / revenue", "ratio",
                                        metric(sig.rd_compute_to_revenue)),
        "cash_resources": Series("Cash + short-term investments", "money",
                                 metric(sig.cash_resources)),
        "runway": Series("Runway (months)", "months", metric(sig.runway)),
    }
    for line in company.lines:
        seg = f"line:{line}"
        s[f"gross_margin[{line}]"] = Series(f"Gross margin: {line}", "ratio",
                                             item("gross_margin", seg))
        s[f"revenue_share[{line}]"] = Series(f"Share of revenue: {line}", "ratio",
                                              item("revenue_share", seg))
    return CompanySeries(company.id, company.name, company.currency,
                         tuple(p.label for p in periods), tuple(p.is_interim for p in periods),
                         s)
