"""What a typed notebook user relies on (api36): every result's ``to_frame()`` is typed as
a DataFrame for mypy (it said ``Any``, so nothing after it was checked), and a result's
repr is a line, not the whole table."""

from __future__ import annotations

import typing
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from llmecon import api
from llmecon.inference.fit import Accuracy
from llmecon.inference.frontier import Frontier
from llmecon.inference.serving import ServingResult
from llmecon.inference.sweep import Sweep
from llmecon.metrics.calendar import CalendarisedValues
from llmecon.metrics.peers import PeerRanking
from llmecon.metrics.tables import SignalsTable, Table
from llmecon.metrics.valuation import Valuations
from llmecon.simulate.projection import Projection
from llmecon.simulate.run import SimResult
from llmecon.statements.listing import CompanySummaries
from llmecon.statements.model import Company
from llmecon.store.records import RunRecords
from llmecon.unit_economics.company import UnitEconomicsTable
from llmecon.unit_economics.drivers import Drivers


@pytest.mark.parametrize("cls", [Table, SignalsTable, PeerRanking, UnitEconomicsTable,
                                 SimResult, Projection, Company, Drivers, ServingResult,
                                 Frontier, Sweep, Accuracy, Valuations, CalendarisedValues,
                                 CompanySummaries, RunRecords])
def test_to_frame_is_typed_as_a_dataframe(cls: type) -> None:
    assert typing.get_type_hints(cls.to_frame, localns={"pd": pd})["return"] is pd.DataFrame


def test_reprs_are_one_short_line(zhipu: Company, minimax: Company) -> None:
    t = api.compare([zhipu, minimax])
    ue = api.unit_economics(zhipu)
    # Zhipu's two lines (localized and cloud deployment), each row a quantity
    assert repr(ue) == (f"UnitEconomicsTable('zhipu', CNY, lines localized_deployment, "
                        f"cloud_deployment: {len(ue.rows)} rows)")
    assert repr(t.signals) == f"SignalsTable({len(t.signals.rows)} signals of zhipu, minimax)"
    for r in (repr(t), repr(ue), repr(t.signals)):
        assert "\n" not in r and len(r) < 400, r[:400]  # the signals' repr was 32 kB


def test_valuations_turn_into_a_typed_frame(minimax: Company) -> None:
    """api37: ``pd.DataFrame(valuations(m))`` gave object columns (all-None numbers), tuples
    in ``why``/``basis`` and a nested ``inputs``; the list result had no ``to_frame``."""
    found = api.valuations(minimax)
    assert isinstance(found, list) and found == list(found)  # still the list it was
    df = found.to_frame()
    ipo = df.set_index("price_label").loc["IPO"]
    assert ipo["as_of"] == pd.Timestamp("2026-01-09")  # MiniMax listed on 9 January 2026
    # HK$345 close x 309.26m shares (prospectus_figures.md)
    assert ipo["market_cap_in_price_currency"] == pytest.approx(345 * 309.26e6)
    assert ipo["price_vs_ipo"] == pytest.approx(345 / 165 - 1)  # +109.09% on HK$165
    # no forward revenue given: NaN in a float column (it was an object column of None)
    assert df["ev_to_forward_revenue"].dtype == "float64"
    assert df["ev_to_forward_revenue"].isna().all()
    assert pd.api.types.is_datetime64_any_dtype(df["as_of"])
    for col in df.columns:  # no tuple, list or Figure left in a cell
        assert not df[col].map(lambda x: isinstance(x, (tuple, list, dict))).any(), col
    assert "share_price (IPO)" in ipo["inputs"] and ipo["currency"] == "USD"
    assert df.attrs["units"]["market_cap_in_price_currency"] == "price_currency"
    assert typing.get_type_hints(type(found).to_frame, localns={"pd": pd})["return"] \
        is pd.DataFrame


def test_a_valuation_without_an_input_says_why_in_the_frame(tmp_path: Path) -> None:
    path = tmp_path / "co.csv"  # a price, no shares outstanding
    path.write_text("company,period,period_end,metric,value,currency,unit,source_url\n"
                    "co,FY2024,,revenue,100,USD,million,annual report\n"
                    "co,MKT,2025-03-31,share_price,12.5,USD,per_share,exchange close\n")
    df = api.valuations(api.load_company(path, check=False)).to_frame()
    assert np.isnan(df.loc[0, "market_cap"])
    assert "no shares_outstanding on or before 2025-03-31" in df.loc[0, "why"]


def test_ttm_turns_into_a_typed_frame(zhipu: Company, minimax: Company) -> None:
    found = api.ttm([zhipu, minimax], date(2025, 12, 31))
    df = found.to_frame().set_index("company_id")
    # Zhipu: FY2024 + H1_2025 - H1_2024 = 312.414 + 190.877 - 44.9 = RMB 458.391m
    assert df.loc["zhipu", "value"] == pytest.approx(458.391e6)
    assert df.loc["zhipu", "period_end"] == pd.Timestamp("2025-06-30")
    assert df.loc["zhipu", "lag_days"] == 184  # 30 June to 31 December 2025
    assert (df.loc["zhipu", "unit"], df.loc["zhipu", "currency"]) == ("money", "CNY")
    assert df["value"].dtype == "float64" and str(df["lag_days"].dtype) == "Int64"
    early = api.ttm([zhipu], date(2020, 1, 1)).to_frame().iloc[0]
    assert np.isnan(early["value"]) and early["period_end"] is pd.NaT
    assert early["confidence"] is None and "no twelve months of revenue" in early["why"]


def test_summaries_turn_into_a_typed_frame(zhipu: Company, minimax: Company) -> None:
    df = api.summaries([zhipu, minimax]).to_frame()
    # Zhipu's latest results: H1 2025, six months to 30 June (prospectus)
    assert df.loc["zhipu", "latest_period"] == "H1_2025"
    assert df.loc["zhipu", "latest_period_end"] == pd.Timestamp("2025-06-30")
    assert df.loc["zhipu", "latest_period_months"] == 6
    assert pd.api.types.is_datetime64_any_dtype(df["as_of"])
    assert df["figures"].dtype == "int64" and (df["figures"] == [len(zhipu.figures),
                                                                 len(minimax.figures)]).all()


def test_the_unit_economics_frame_says_why_and_keeps_units_units(minimax: Company) -> None:
    """api37: ``confidence`` was "" on rows without one, the n/a reason was in ``basis``
    (no ``why`` column) and a unit carried prose ("USD per million tokens at 51.5%
    utilisation")."""
    t = api.unit_economics(minimax)
    df = t.to_frame().set_index(["line", "quantity"])
    # MiniMax disclosed ARPPU of US$15 over 9M 2025 (read per payer): 15 / 9 a month
    arppu = df.loc[("ai_native_products", "ARPPU, disclosed (per payer-month)")]
    assert arppu["value"] == pytest.approx(15 / 9)
    assert arppu["unit"] == "USD per payer per month" and arppu["why"] == ""
    # MiniMax discloses no open-platform gross margin for FY2025: NaN, and why
    gm = df.loc[("open_platform", "gross margin (disclosed)")]
    assert np.isnan(gm["value"]) and gm["status"] == "n/a" and gm["basis"] == ""
    assert gm["why"] == "gross_margin [line:open_platform] not disclosed for FY2025"
    assert df["value"].dtype == "float64"
    assert (df["confidence"] != "").all()
    assert df["confidence"].isna().sum() == sum(1 for r in t.rows if not r.confidence) > 0
    # a unit is a unit; the utilisation it was at stays in the basis
    cost = df.loc[("ai_native_products",
                   "inference cost per million tokens (engine, at the fleet's utilisation)")]
    assert cost["unit"] == "USD per million tokens"
    assert "the fleet's utilisation" in cost["basis"]
    assert not df["unit"].str.contains(" at |%", regex=True).any()


def test_the_drivers_frame_has_no_empty_confidence(minimax: Company) -> None:
    from llmecon.inference.catalog import load_catalog
    from llmecon.inference.engines import load_serving_factors
    from llmecon.unit_economics.company import load_assumptions
    from llmecon.unit_economics.drivers import company_drivers
    from llmecon.units import load_fx

    d = company_drivers(minimax, load_assumptions(None), load_fx(), load_catalog(),
                        load_serving_factors())
    df = d.to_frame().set_index("name")
    # disclosed ARPPU US$15 over 9M 2025, a month: 15 / 9; no confidence stated: None
    arppu = df.loc["ai_native_products.payer_arppu_monthly"]
    assert arppu["value"] == pytest.approx(15 / 9) and pd.isna(arppu["confidence"])
    assert (df["confidence"] != "").all() and df["value"].dtype == "float64"
    # the engine's cost at full use: a unit, and "at full use" in the basis (it was in the
    # unit, "USD per million tokens at full use")
    cost = df.loc["open_platform.cost_per_m_tokens"]
    assert cost["unit"] == "USD per million tokens"
    assert cost["basis"].startswith("at full use")
    assert df.attrs == {"company": "minimax", "currency": "USD"}


def test_a_slice_sum_or_copy_of_a_list_result_keeps_to_frame(zhipu: Company,
                                                             minimax: Company) -> None:
    """low38: ``api.valuations(m)[1:]`` (and ``+``, ``*``, ``.copy()``) gave a bare list,
    which has no ``to_frame()``; the same for ``ttm``, ``summaries`` and the run store's
    records."""
    results = [api.valuations(minimax), api.ttm([zhipu, minimax], date(2025, 12, 31)),
               api.summaries([zhipu, minimax]),
               RunRecords([])]
    for found in results[:3]:
        assert len(found) >= 2, type(found).__name__
        cls = type(found)
        for part in (found[1:], found[:1] + found[1:], found * 2, 2 * found, found.copy(),
                     found[::-1]):
            assert type(part) is cls, (cls.__name__, type(part).__name__)
            assert isinstance(part.to_frame(), pd.DataFrame)
        assert found[:1] + found[1:] == found and len(found * 2) == 2 * len(found)
        assert found[0] == next(iter(found)) and type(found[0]) is not cls  # an item, as before
        assert len(found[1:].to_frame()) == len(found) - 1
    assert type(results[3][:]) is RunRecords
