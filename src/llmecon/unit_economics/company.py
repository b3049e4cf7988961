"""Unit economics per business line, filled from a company's disclosed figures.

Every input is tagged ``disclosed`` (a figure in the company file), ``derived`` (computed
from disclosed figures) or ``assumed`` (from the assumptions file, with its documented
default). Lines are cast by role: the company's ``platform_line`` is an API / cloud line;
the other lines are product lines (C2C) for a product company and project lines (B2B) for
a project company.

Pure: the company, the assumptions, FX, the inference catalog and the serving model's
factors are required arguments; nothing here reads a file (callers load them:
``llmecon.api``, the report and the dashboard use ``load_catalog()`` and
``load_serving_factors()``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from llmecon.config.assumptions import Assumptions, load_assumptions
from llmecon.config.inference import ServingFactors
from llmecon.errors import InputError
from llmecon.inference.catalog import Catalog
from llmecon.metrics.resolve import Resolver
from llmecon.statements.model import Company
from llmecon.unit_economics.lines_api import api_rows
from llmecon.unit_economics.lines_b2b import b2b_rows
from llmecon.unit_economics.lines_c2c import c2c_rows
from llmecon.unit_economics.rows import LineInputs, Status, UERow
from llmecon.units import FxTable

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Status", "UERow", "UnitEconomicsTable", "load_assumptions", "unit_economics_table"]


@dataclass(frozen=True)
class UnitEconomicsTable:
    """Every business line's unit-economics rows, in the company's currency."""

    company_id: str
    currency: str
    rows: tuple[UERow, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per line and quantity (the JSON's rows): ``line``, ``role``,
        ``quantity``, ``value`` (float64; NaN where n/a, ``why`` then says why and
        ``basis`` is empty), ``unit`` (a unit: ``ratio``, ``months``, the currency, ``USD
        per million tokens``...; the conditions are in ``basis``), ``status``, ``basis``,
        ``confidence`` (None where not stated) and ``why``; ``attrs`` holds ``company``
        and ``currency`` (money in the company's currency)."""
        import pandas as pd

        out = pd.DataFrame([{
            "line": r.line, "role": r.role, "quantity": r.quantity,
            "value": float("nan") if r.value is None else r.value, "unit": r.unit,
            "status": r.status, "basis": "" if r.status == "n/a" else r.basis,
            "confidence": r.confidence or None, "why": r.basis if r.status == "n/a" else "",
        } for r in self.rows], columns=_FRAME_COLUMNS)
        out["value"] = out["value"].astype("float64")
        out.attrs = {"company": self.company_id, "currency": self.currency}
        return out

    def __repr__(self) -> str:
        lines = list(dict.fromkeys(r.line for r in self.rows))
        return (f"UnitEconomicsTable({self.company_id!r}, {self.currency}, lines "
                f"{', '.join(lines)}: {len(self.rows)} rows)")


_FRAME_COLUMNS = ("line", "role", "quantity", "value", "unit", "status", "basis", "confidence",
                  "why")


def unit_economics_table(company: Company, assumptions: Assumptions, fx: FxTable,
                         catalog: Catalog, factors: ServingFactors) -> UnitEconomicsTable:
    """The unit-economics rows of every business line of ``company``.

    ``catalog`` and ``factors`` are the inference catalog and the serving model's fitted
    factors (each deployment's ``engine`` picks its own), loaded by the caller.
    """
    if not company.lines:
        raise InputError(f"{company.id}: no business lines declared (metadata 'lines'); "
                         "unit economics are per line")
    x = LineInputs(company, Resolver(company), assumptions, fx, catalog, factors)
    by_kind = {"api": api_rows, "b2b": b2b_rows, "c2c": c2c_rows}
    rows: list[UERow] = []
    for line in company.lines:
        rows += by_kind[x.kind(line)](x, line)
    return UnitEconomicsTable(company.id, company.currency, tuple(rows))
