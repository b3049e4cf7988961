"""The deterministic projection as a result an analyst can quote: dated months, the cash
bridge, the burn basis, the runway, and which financing is included.

>>> from llmecon.simulate.projection import BURN_BASIS
>>> BURN_BASIS
'-(operating cash flow - capex and lease payments) per month'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from llmecon.simulate.calendar import Runway, month_ends, runway
from llmecon.simulate.engine import BURN_BASIS as BURN_BASIS  # defined with the burn itself
from llmecon.simulate.events import financing_detail
from llmecon.simulate.scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd

#: The monthly series of a projection, in the scenario's currency.
SERIES = ("cash", "revenue", "gross_profit", "operating_result", "operating_cash_flow",
          "capex_and_leases", "burn", "interest_income", "fx_revaluation",
          "financing_cash_flow", "trade_receivables", "contract_liabilities", "payables",
          "contract_costs")


@dataclass(frozen=True)
class Projection:
    """A scenario projected at its central values, month by month.

    Attributes
    ----------
    company, currency : whose projection, and the currency of every amount.
    financing_included : ``committed``, ``all`` or ``none``.
    financing_events : labels of the financing events counted.
    financing_amounts : their gross amounts, in ``currency``.
    stresses : the stress presets applied.
    month_ends : the last day of each projected month (month 1 first).
    series : name -> amounts per month (see :data:`SERIES`): cash and balances at the
        month end, flows over the month.
    runway : the first month whose closing cash is below zero.
    burn_basis : how ``burn`` is defined (:data:`BURN_BASIS`).
    """

    company: str
    currency: str
    financing_included: str
    financing_events: tuple[str, ...]
    stresses: tuple[str, ...]
    month_ends: tuple[date, ...]
    series: dict[str, tuple[float, ...]]
    runway: Runway
    burn_basis: str = BURN_BASIS
    financing_amounts: tuple[float, ...] = ()

    def __repr__(self) -> str:
        return (f"Projection({self.company}, {self.currency}, {len(self.month_ends)} months "
                f"{self.month_ends[0]:%b %Y}-{self.month_ends[-1]:%b %Y}, financing "
                f"{self.financing_included}, runway {self.runway.label})")

    def to_frame(self) -> pd.DataFrame:
        """A pandas DataFrame: one row per month (indexed by month end), one column per
        series, every amount in ``attrs["currency"]``."""
        import pandas as pd

        frame = pd.DataFrame({k: list(v) for k, v in self.series.items()},
                             index=pd.Index(list(self.month_ends), name="month_end"))
        frame.insert(0, "month", range(1, len(self.month_ends) + 1))
        frame.attrs = {"company": self.company, "currency": self.currency}
        return frame

    def summary(self) -> dict[str, Any]:
        """Plain data for JSON: what is included, the basis of burn, the runway, the months."""
        r = self.runway
        return {
            "company": self.company, "currency": self.currency,
            "financing": self.financing_included,
            "financing_events": list(self.financing_events),
            "financing_detail": financing_detail(self.financing_events,
                                                 self.financing_amounts, self.currency),
            "stresses": list(self.stresses), "burn_basis": self.burn_basis,
            "runway": {"month": None if r.month_end is None else int(r.month_number),
                       "month_end": None if r.month_end is None else str(r.month_end),
                       "label": r.label},
            "months": [{"month": t + 1, "month_end": str(d),
                        **{k: v[t] for k, v in self.series.items()}}
                       for t, d in enumerate(self.month_ends)],
        }


def projection(s: Scenario) -> Projection:
    """The deterministic projection of ``s`` with dates, the cash bridge and the runway."""
    from llmecon.errors import InputError
    from llmecon.simulate.sampling import deterministic

    if not isinstance(s, Scenario):
        raise InputError(f"scenario: expected a Scenario (llmecon.simulate.loaders."
                         f"load_base_scenario(company)), found {type(s).__name__}")
    p = deterministic(s)
    values: dict[str, Any] = {k: getattr(p, k, None) for k in SERIES if k != "burn"}
    values["burn"] = p.burn
    series = {k: tuple(float(x) for x in np.asarray(v)[0]) for k, v in values.items()
              if v is not None}
    ordered = {k: series[k] for k in SERIES if k in series}
    return Projection(s.company, s.currency, s.financing_included,
                      tuple(f.label for f in s.included_financing()), s.stresses,
                      tuple(month_ends(s.start, s.horizon_months)), ordered,
                      runway(p.cash[0], s.start),
                      financing_amounts=tuple(f.amount for f in s.included_financing()))
