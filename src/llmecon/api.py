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
from typing import TYPE_CHECKING, NamedTuple

from llmecon.errors import InputError
from llmecon.metrics.reconcile import check_company
from llmecon.statements.io import read_company
from llmecon.statements.model import Company
from llmecon.units import FxTable, load_fx

if TYPE_CHECKING:
    from llmecon.metrics import tables
    from llmecon.metrics.calendar import CalendarisedValues
    from llmecon.metrics.peers import PeerRanking
    from llmecon.metrics.valuation import Valuations
    from llmecon.statements.listing import CompanySummaries
    from llmecon.unit_economics.company import UnitEconomicsTable


class Tables(NamedTuple):
    """What :func:`compare` and :func:`history` return: the two tables and the signals,
    by name (``t.signals.to_frame()``) or unpacked (``ue, cf, sig = compare(...)``)."""

    #: The unit-economics table (one column per company and period)
    unit_economics: tables.Table
    #: The cash-flow structure table (the same columns)
    cash_flow: tables.Table
    #: The signals at each company's chosen period
    signals: tables.SignalsTable


def load_company(ref: str | Path, *, check: bool = True) -> Company:
    """A bundled company by id, or a user's ``.yaml`` / ``.csv`` file by path.

    With ``check`` (the default) the accounting checks run too; any failure raises
    :class:`~llmecon.errors.ValidationError` naming each problem.
    """
    from llmecon.statements.io import collector_paused

    if not isinstance(check, bool):
        raise InputError(f"check: expected True or False, found {check!r}")
    with collector_paused():  # a large file's objects are not re-scanned (issue 14)
        company = read_company(ref)
        return check_company(company) if check else company


def compare(companies: Sequence[Company], *, period: str = "latest",
            currency: str | None = None, fx: FxTable | None = None
            ) -> Tables:
    """Unit economics and cash-flow structure side by side, and the signals.

    ``period`` is ``latest`` (each company's newest period) or a label all companies have.
    With ``currency``, money is converted (flows at the period's average rate, stocks at
    the closing rate).
    """
    from llmecon.metrics import tables

    companies, fx = _companies(companies), _fx(fx)
    chosen = [tables.select_period(c, period) for c in companies]
    cols = [[p] for p in chosen]
    ue = tables.unit_economics(companies, cols, fx)
    cf = tables.cash_flow_structure(companies, cols, fx)
    if currency is not None:
        from llmecon.units import normalise_currency

        cur = normalise_currency(currency, where="currency")
        ue, cf = tables.convert_table(ue, cur, fx), tables.convert_table(cf, cur, fx)
        return Tables(ue, cf, tables.convert_signals(tables.signals(companies, chosen, fx),
                                                     cur, fx))
    return Tables(ue, cf, tables.signals(companies, chosen, fx))


def history(company: Company, *, currency: str | None = None, fx: FxTable | None = None,
            last: int | None = None) -> Tables:
    """Both tables over every duration period of one company (``last``: the latest N, by
    end and length), and its signals."""
    from llmecon.metrics import tables

    company, fx = _company(company), _fx(fx)
    periods = [list(company.duration_periods)]
    if last is not None:
        from numbers import Integral  # an int, or a numpy integer

        if isinstance(last, bool) or not isinstance(last, Integral) or last < 1:
            raise InputError(f"last: expected a whole number of periods >= 1, found "
                             f"{last!r}"[:200])
        keep = sorted(periods[0], key=lambda p: (p.end, p.months))[-int(last):]
        periods = [[p for p in periods[0] if p in keep]]
    ue = tables.unit_economics([company], periods, fx)
    cf = tables.cash_flow_structure([company], periods, fx)
    if currency is not None:
        from llmecon.units import normalise_currency

        cur = normalise_currency(currency, where="currency")
        ue, cf = tables.convert_table(ue, cur, fx), tables.convert_table(cf, cur, fx)
    sig = tables.signals([company], [tables.select_period(company)], fx)
    if currency is not None:
        sig = tables.convert_signals(sig, cur, fx)
    return Tables(ue, cf, sig)


def unit_economics(company: Company, assumptions: str | Path | None = None,
                   fx: FxTable | None = None) -> UnitEconomicsTable:
    """Unit economics per business line, on the bundled assumptions, catalog and serving
    model (TensorRT-LLM's factors; ``assumptions``: a user's file merged over the bundled
    defaults)."""
    from llmecon.inference.catalog import load_catalog
    from llmecon.inference.engines import load_serving_factors
    from llmecon.unit_economics.company import load_assumptions, unit_economics_table

    if assumptions is not None and not isinstance(assumptions, (str, Path)):
        raise InputError(f"assumptions: expected the path of a YAML file, found "
                         f"{type(assumptions).__name__}")
    return unit_economics_table(_company(company), load_assumptions(assumptions), _fx(fx),
                                load_catalog(), load_serving_factors())


def peers(signal: str, companies: Sequence[Company] | None = None, *,
          until: date | None = None, currency: str | None = None,
          fx: FxTable | None = None) -> PeerRanking:
    """Every company (default: the bundled ones) ranked on one signal, best first (highest
    first where the signal does not say which way is better), each value with its period
    end.

    >>> r = peers("gross_margin", [load_company("zhipu"), load_company("minimax")])
    >>> [(e.company_id, round(e.value.value, 3)) for e in r.entries]  # 50.0%, 25.4% reported
    [('zhipu', 0.5), ('minimax', 0.254)]
    """
    from datetime import datetime

    from llmecon.metrics.peers import rank_peers

    if until is not None and (isinstance(until, datetime) or not isinstance(until, date)):
        raise InputError(f"until: expected a date (datetime.date), found "
                         f"{type(until).__name__}")
    return rank_peers(_bundled(companies), signal, until=until, currency=currency,
                      fx=_fx(fx))


def valuations(company: Company, *, at: str | None = None,
               forward_revenue: float | None = None,
               fx: FxTable | None = None, period: str | None = None) -> Valuations:
    """The valuation at each dated share price (or the one labelled ``at``); ``period``
    names the reporting period whose balance sheet and TTM revenue to use (default: the
    latest ending on or before each price date and published by then). The list has
    ``.to_frame()``: one typed row per valuation."""
    import math

    from llmecon.metrics.valuation import valuation
    from llmecon.metrics.valuation import valuations as every

    company, fx = _company(company), _fx(fx)
    if forward_revenue is not None:
        if isinstance(forward_revenue, bool) or not isinstance(forward_revenue, (int, float)) \
                or not math.isfinite(forward_revenue) or forward_revenue <= 0:
            raise InputError(f"forward_revenue: expected a finite amount above 0 in the "
                             f"company's currency, found {forward_revenue!r}")
        if at is None:
            raise InputError("forward_revenue: give the share price it goes with (at=...)")
    if period is not None and company.period(period).is_instant:  # unknown: lists the known
        durations = ", ".join(p.label for p in company.duration_periods)
        raise InputError(f"period: {period} is a balance date ({company.period(period).end}), "
                         f"not a reporting period; give one of {durations}")
    if at is None:
        return every(company, fx, period)
    from llmecon.metrics.valuation import Valuations

    return Valuations([valuation(company, fx, at, period=period,
                                 forward_revenue=float(forward_revenue)
                                 if forward_revenue is not None else None)])


def ttm(companies: Sequence[Company], as_of: date, item: str = "revenue"
        ) -> CalendarisedValues:
    """Trailing twelve months of ``item`` to each company's latest period end on or before
    ``as_of`` (calendarised across fiscal years; nothing interpolated). The list has
    ``.to_frame()``."""
    from llmecon.metrics.calendar import calendarised_ttm

    return calendarised_ttm(_companies(companies), as_of, item)


def summaries(companies: Sequence[Company] | None = None) -> CompanySummaries:
    """Each company's latest period, data as-of date and coverage note (``.to_frame()``:
    one row per company, indexed by id)."""
    from llmecon.statements.listing import summarise_all

    return summarise_all(_bundled(companies))


def _bundled(companies: Sequence[Company] | None) -> list[Company]:
    from llmecon.statements.io import bundled_ids

    return _companies(companies) if companies is not None else \
        [load_company(i) for i in bundled_ids()]


def _company(company: object, name: str = "company") -> Company:
    if not isinstance(company, Company):
        raise InputError(f"{name}: expected a Company (llmecon.api.load_company), found "
                         f"{type(company).__name__}")
    return company


def distinct_companies(companies: Sequence[Company]) -> list[Company]:
    """``companies`` as a list, checked: at least one loaded company, each given once (two
    identical columns, series or sections cannot be told apart)."""
    return _companies(companies)


def _companies(companies: object) -> list[Company]:
    """A non-empty sequence of loaded companies (an id or a lone Company is an error)."""
    if isinstance(companies, (str, bytes, Company)) or not isinstance(companies, Sequence):
        raise InputError(f"companies: expected a list of Company objects "
                         f"(llmecon.api.load_company), found {type(companies).__name__}")
    if not companies:
        raise InputError("companies: expected at least one company, found none")
    out = [_company(c, f"companies[{i}]") for i, c in enumerate(companies)]
    seen: dict[str, int] = {}
    for i, c in enumerate(out):
        if c.id in seen:  # two columns (and a report's sections) that cannot be told apart
            raise InputError(f"companies: {c.id!r} is given twice (companies {seen[c.id] + 1} "
                             f"and {i + 1}); give each company once, or give a copy another "
                             "id (company: id: in its file)")
        seen[c.id] = i
    return out


def _fx(fx: object) -> FxTable:
    if fx is None:
        return load_fx()
    if not isinstance(fx, FxTable):
        raise InputError(f"fx: expected an FxTable (llmecon.units.load_fx), found "
                         f"{type(fx).__name__}")
    return fx
