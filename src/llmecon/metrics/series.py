"""Time series of a company's figures for charts: one value per duration period.

Every value comes from the resolver (reported, or derived with its basis); a missing one
is None, never zero. Interim periods are flagged so charts can mark them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from llmecon.metrics import signals as sig
from llmecon.metrics.resolve import Resolved, Resolver
from llmecon.metrics.values import MetricValue
from llmecon.statements.model import Company
from llmecon.units import FxTable


@dataclass(frozen=True)
class Series:
    label: str
    unit: str  # "money" (company currency), "ratio", "months"
    values: tuple[float | None, ...]
    #: Per value: low confidence (a conflicting or derived source figure).
    low: tuple[bool, ...] = ()
    #: Per value: medium confidence (a single source).
    medium: tuple[bool, ...] = ()
    #: Per value: the basis keys a reader must see (``MetricValue.bases``: a runway on a burn
    #: from the adjusted loss, on cash alone), () for a reported figure.
    bases: tuple[tuple[str, ...], ...] = ()


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
                "series": {k: {"label": s.label, "unit": s.unit, "values": list(s.values),
                               "low_confidence": list(s.low),
                               "medium_confidence": list(s.medium),
                               "bases": [list(b) for b in s.bases]}
                           for k, s in self.series.items()}}


def company_series(company: Company, fx: FxTable) -> CompanySeries:
    """Revenue and losses, cost structure, margins by line, revenue mix, compute intensity,
    cash and runway, per period."""
    r = Resolver(company)
    ctx = sig.Context(company, fx)
    periods = company.duration_periods

    def item(label: str, unit: str, key: str, segment: str | None = None) -> Series:
        return _series(label, unit, [r.get(key, p.label, segment) for p in periods])

    def metric(label: str, unit: str, fn: Any) -> Series:
        return _series(label, unit, [fn(ctx, p) for p in periods])

    s: dict[str, Series] = {
        "revenue": item("Revenue", "money", "revenue"),
        "net_loss": item("Net loss", "money", "net_loss"),
        "adjusted_net_loss": item("Adjusted net loss", "money", "adjusted_net_loss"),
        "cost_of_revenue": item("Cost of revenue", "money", "cost_of_revenue"),
        "rd_expense": item("R&D", "money", "rd_expense"),
        "selling_marketing_expense": item("Selling & marketing", "money",
                                          "selling_marketing_expense"),
        "gross_margin": item("Gross margin", "ratio", "gross_margin"),
        "rd_to_revenue": metric("R&D / revenue", "ratio", sig.rd_to_revenue),
        "rd_compute_to_revenue": metric("Compute in R&D / revenue", "ratio",
                                        sig.rd_compute_to_revenue),
        "cash_resources": metric("Cash + short-term investments", "money",
                                 sig.cash_resources),
        # the signal of that name (and ``peers runway``): the latest cash burn where the
        # period's own burn is only the adjusted loss, not a second formula
        "runway": metric("Runway (months)", "months", sig.runway_signal),
    }
    for line in company.lines:
        seg = f"line:{line}"
        s[f"gross_margin[{line}]"] = item(f"Gross margin: {line}", "ratio", "gross_margin", seg)
        s[f"revenue_share[{line}]"] = item(f"Share of revenue: {line}", "ratio",
                                           "revenue_share", seg)
    return CompanySeries(company.id, company.name, company.currency,
                         tuple(p.label for p in periods), tuple(p.is_interim for p in periods),
                         s)


def _series(label: str, unit: str, got: Sequence[Resolved | MetricValue]) -> Series:
    """Values (None where n/a) with each one's confidence flags."""
    return Series(label, unit, tuple(v.value if v.ok else None for v in got),
                  tuple(v.ok and v.confidence == "low" for v in got),
                  tuple(v.ok and v.confidence == "medium" for v in got),
                  tuple(v.bases if isinstance(v, MetricValue) and v.ok else () for v in got))
