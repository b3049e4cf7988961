"""What the projection's runway owes to a line the disclosures do not explain.

Calibration keeps the part of the last period's operating cash flow that the adjusted loss,
interest and receivables do not explain as a named driver, ``unexplained_operating_monthly``
(depreciation, other non-cash items, working capital the model does not carry), and the
projection repeats it every month. Part of it recurs (depreciation, as capex is projected
apart), part does not (one period's working capital). :func:`unexplained_sensitivity` shows
how much the runway rests on it: the central path (every driver at its central value) with
the line and without it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from llmecon.simulate.calendar import Runway, runway
from llmecon.simulate.distributions import Dist
from llmecon.simulate.sampling import deterministic
from llmecon.simulate.scenario import Scenario

if TYPE_CHECKING:
    from llmecon.statements.model import Company

DRIVER = "unexplained_operating_monthly"


@dataclass(frozen=True)
class LineSensitivity:
    """The central path's runway with a driver as calibrated and with it at zero.

    ``monthly`` is the driver's central value (scenario currency per month; positive is an
    inflow); ``basis`` its provenance."""

    driver: str
    monthly: float
    currency: str
    basis: str
    runway_with: Runway
    runway_without: Runway
    distribution: str = ""  # the kind of distribution the paths draw it from ('' : fixed)

    def to_dict(self) -> dict[str, object]:
        def months(r: Runway) -> float | None:
            return None if r.month_end is None else r.month_number

        return {"driver": self.driver, "monthly": self.monthly, "currency": self.currency,
                "basis": self.basis, "distribution": self.distribution or "fixed",
                "central_runway_months_with": months(self.runway_with),
                "central_runway_months_without": months(self.runway_without)}

    @classmethod
    def from_dict(cls, d: dict[str, Any], start: date) -> LineSensitivity:
        """Back from :meth:`to_dict` (a saved run's record), the runways dated from the
        scenario's ``start``."""
        def back(months: Any) -> Runway:
            return Runway.at(None if months is None else int(months) - 1, start)

        return cls(str(d["driver"]), float(d["monthly"]), str(d["currency"]),
                   str(d.get("basis", "")), back(d.get("central_runway_months_with")),
                   back(d.get("central_runway_months_without")),
                   "" if d.get("distribution", "fixed") == "fixed" else str(d["distribution"]))


def unexplained_sensitivity(s: Scenario) -> LineSensitivity | None:
    """The runway of the central path with and without the unexplained operating line
    (None where the scenario has no such line or it is zero)."""
    dist = s.drivers.get(DRIVER)
    if dist is None or (dist.degenerate and dist.central == 0):
        return None
    without = replace(s, drivers={**s.drivers, DRIVER: Dist("fixed", {"value": 0.0})})
    return LineSensitivity(DRIVER, dist.central, s.currency, s.provenance.get(DRIVER, ""),
                           runway(deterministic(s).cash[0], s.start),
                           runway(deterministic(without).cash[0], s.start),
                           "" if dist.degenerate else dist.kind)


def saved_scenario(s: Scenario, found: LineSensitivity | None,
                   scenario_file: str | None = None, company: Company | None = None
                   ) -> dict[str, Any]:
    """What a saved run keeps of its scenario: :meth:`Scenario.to_dict`, the ``--scenario``
    file it was merged with (``runs`` tells such a run from the calibrated one), the
    company's file and the SHA-256 of its text (``runs`` tells two files under one id
    apart), and the unexplained line's sensitivity where there is one (``runs show``
    repeats its note)."""
    doc = s.to_dict()
    if scenario_file:
        doc["scenario_file"] = str(scenario_file)
    if company is not None:
        doc["company_file"] = company.origin
        doc["company_sha256"] = company.origin_sha256
    if found is not None:
        doc["unexplained_operating"] = found.to_dict()
    return doc
