"""What each company's dataset holds: latest period, data as-of date, what is missing.

``llmecon companies`` prints one :class:`CompanySummary` per bundled company.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import TYPE_CHECKING

from llmecon.resultlist import ResultList
from llmecon.statements.model import Company

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class CompanySummary:
    """One company's dataset at a glance.

    ``latest_period`` is the newest duration period (income or cash flow) and
    ``latest_period_end`` its end; ``as_of`` is the date of the newest source used;
    ``coverage_note`` says what is known to be missing (e.g. results not found).
    """

    id: str
    name: str
    ticker: str
    currency: str
    business_model: str
    fiscal_year_end: str
    latest_period: str
    latest_period_end: date | None
    latest_period_months: int
    as_of: date | None
    coverage_note: str
    figures: int
    low_confidence_figures: int

    @property
    def latest(self) -> str:
        """``FY2025 (12M to 2025-12-31)``, or ``none``."""
        if self.latest_period_end is None:
            return "none"
        return (f"{self.latest_period} ({self.latest_period_months}M to "
                f"{self.latest_period_end.isoformat()})")


class CompanySummaries(ResultList[CompanySummary]):
    """What :func:`llmecon.api.summaries` returns: a list of :class:`CompanySummary` (as
    before) that also turns into a DataFrame."""

    def to_frame(self) -> pd.DataFrame:
        """One row per company, indexed by ``id``: ``latest_period_end`` and ``as_of``
        dates (datetime64, NaT without one), ``latest_period_months``, ``figures`` and
        ``low_confidence_figures`` integers, ``latest`` the period as ``llmecon companies``
        shows it."""
        import pandas as pd

        out = pd.DataFrame([{**{f.name: getattr(s, f.name) for f in fields(s)},
                             "latest": s.latest} for s in self],
                           columns=[*(f.name for f in fields(CompanySummary)), "latest"])
        for col in ("latest_period_end", "as_of"):
            out[col] = pd.to_datetime(out[col])
        for col in ("latest_period_months", "figures", "low_confidence_figures"):
            out[col] = out[col].astype("int64")
        return out.set_index("id")


def summarise(company: Company) -> CompanySummary:
    """The summary of one loaded company."""
    p = company.latest_period
    return CompanySummary(
        company.id, company.name, company.ticker, company.currency, company.business_model,
        company.fiscal_year_end, p.label if p else "", p.end if p else None,
        p.months if p else 0, company.as_of, company.coverage_note, len(company.figures),
        sum(1 for f in company.figures if f.confidence == "low"))


def summarise_all(companies: Sequence[Company]) -> CompanySummaries:
    """Summaries in the order given."""
    return CompanySummaries(summarise(c) for c in companies)
