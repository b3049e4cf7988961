"""The public entry points: load companies, build the tables and signals.

>>> from llmecon.api import load_company, compare
>>> zhipu = load_company("zhipu")
>>> ue, cf, sig = compare([zhipu, load_company("minimax")], currency="USD")
>>> [c.header for c in ue.columns]
['zhipu H1_2025 (6M interim)', 'minimax FY2025']
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from llmecon.metrics.reconcile import check_company
from llmecon.statements.io import read_company
from llmecon.statements.model import Company
from llmecon.units import FxTable, load_fx

if TYPE_CHECKING:
    from llmecon.metrics import tables
    from llmecon.metrics.calendar import CalendarisedValue
    from llmecon.metrics.peers import PeerRanking
    from llmecon.metrics.valuation import Valuation
    from llmecon.statements.listing import CompanySummary
    from llmecon.unit_economics.company import UnitEconomicsTable


def load_company(ref: str, *, check: bool = True) -> Company:
    """A bundled company by id, or a user's ``.yaml`` / ``.csv`` file by path.

    With ``check`` (the default) the accounting checks run too; any failure raises
    :class:`~llmecon.errors.ValidationError` naming each problem.
    """
    from llmecon.statements.io import collector_paused

    with collector_paused():  # a large file's objects are not re-scanned (issue 14)
        company = read_company(ref)
        return check_company(company) if check else company


def compare(companies: Sequence[Company], *, period: str = "latest",
            currency: str | None = None, fx: FxTable | None = None
            ) -> tuple[tables.Table, tables.Table, tables.SignalsTable]:
    """Unit economics and cash-flow structure side by side, and the signals.

    ``period`` is ``latest`` (each company's newest period) or a label all companies have.
    With ``currency``, money is converted (flows at the period's average rate, stocks at
    the closing rate).
    """
    from llmecon.metrics import tables

    fx = fx or load_fx()
    chosen = [tables.select_period(c, period) for c in companies]
    cols = [[p] for p in chosen]
    ue = tables.unit_economics(companies, cols, fx)
    cf = tables.cash_flow_structure(companies, cols, fx)
    if currency:
        from llmecon.units import normalise_currency

        cur = normalise_currency(currency, where="currency")
        ue, cf = tables.convert_table(ue, cur, fx), tables.convert_table(cf, cur, fx)
        return ue, cf, tables.convert_signals(tables.signals(companies, chosen, fx), cur, fx)
    return ue, cf, tables.signals(companies, chosen, fx)


def history(company: Company, *, currency: str | None = None, fx: FxTable | None = None
            ) -> tuple[tables.Table, tables.Table, tables.SignalsTable]:
    """Both tables over every duration period of one company, and its signals."""
    from llmecon.metrics import tables

    fx = fx or load_fx()
    periods = [list(company.duration_periods)]
    ue = tables.unit_economics([company], periods, fx)
    cf = tables.cash_flow_structure([company], periods, fx)
    if currency:
        from llmecon.units import normalise_currency

        cur = normalise_currency(currency, where="currency")
        ue, cf = tables.convert_table(ue, cur, fx), tables.convert_table(cf, cur, fx)
    sig = tables.signals([company], [tables.select_period(company)], fx)
    if currency:
        sig = tables.convert_signals(sig, cur, fx)
    return ue, cf, sig


def unit_economics(company: Company, assumptions: str | Path | None = None,
                   fx: FxTable | None = None) -> UnitEconomicsTable:
    """Unit economics per business line, on the bundled assumptions, catalog and serving
    model (TensorRT-LLM's factors; ``assumptions``: a user's file merged over the bundled
    defaults)."""
    from llmecon.inference.catalog import load_catalog
    from llmecon.inference.engines import load_serving_factors
    from llmecon.unit_economics.company import load_assumptions, unit_economics_table

    return unit_economics_table(company, load_assumptions(assumptions), fx or load_fx(),
                                load_catalog(), load_serving_factors())


def peers(signal: str, companies: Sequence[Company] | None = None, *,
          until: date | None = None, currency: str | None = None,
          fx: FxTable | None = None) -> PeerRanking:
    """Every company (default: the bundled ones) ranked on one signal, highest first, each
    value with its period end.

    >>> r = peers("gross_margin", [load_company("zhipu"), load_company("minimax")])
    >>> [(e.company_id, round(e.value.value, 3)) for e in r.entries]  # 50.0%, 25.4% reported
    [('zhipu', 0.5), ('minimax', 0.254)]
    """
    from llmecon.metrics.peers import rank_peers

    return rank_peers(_bundled(companies), signal, until=until, currency=currency,
                      fx=fx or load_fx())


def valuations(company: Company, *, at: str | None = None,
               forward_revenue: float | None = None,
               fx: FxTable | None = None) -> list[Valuation]:
    """The valuation at each dated share price (or the one labelled ``at``)."""
    from llmecon.metrics.valuation import valuation
    from llmecon.metrics.valuation import valuations as every

    fx = fx or load_fx()
    if at is None:
        return every(company, fx)
    return [valuation(company, fx, at, forward_revenue=forward_revenue)]


def ttm(companies: Sequence[Company], as_of: date, item: str = "revenue"
        ) -> list[CalendarisedValue]:
    """Trailing twelve months of ``item`` to each company's latest period end on or before
    ``as_of`` (calendarised across fiscal years; nothing interpolated)."""
    from llmecon.metrics.calendar import calendarised_ttm

    return calendarised_ttm(companies, as_of, item)


def summaries(companies: Sequence[Company] | None = None) -> list[CompanySummary]:
    """Each company's latest period, data as-of date and coverage note."""
    from llmecon.statements.listing import summarise_all

    return summarise_all(_bundled(companies))


def _bundled(companies: Sequence[Company] | None) -> list[Company]:
    from llmecon.statements.io import bundled_ids

    return list(companies) if companies is not None else \
        [load_company(i) for i in bundled_ids()]
