"""Domain objects read well (issue 9): one-line reprs naming id, name, currency, periods."""

from __future__ import annotations

import pytest

from llmecon.statements.model import Company
from llmecon.units import load_fx


def test_company_repr_is_a_readable_one_liner(zhipu: Company, minimax: Company) -> None:
    assert repr(zhipu) == ("Company('zhipu', 'Knowledge Atlas Technology (Zhipu AI)', CNY, "
                           f"b2b_project, periods FY2022..H1_2025, {len(zhipu.figures)} figures)")
    assert repr(minimax).startswith("Company('minimax', 'MiniMax', USD, c2c_product, periods "
                                    "FY2022..")
    assert "\n" not in repr(minimax)


def test_rich_shows_markup_as_text() -> None:
    c = Company("x", "[bold]Evil[/]", "USD", "unknown", ())
    from rich.console import Console

    console = Console(record=True, width=200)
    console.print(c)
    assert "[bold]Evil[/]" in console.export_text()


def test_fx_table_repr() -> None:
    fx = load_fx()
    # the bundled table: USD/CNY and USD/HKD rates from 1 Jan 2022 to the IPO dates (Jan 2026)
    assert repr(fx) == (f"FxTable({len(fx.rates)} rates, pairs USD/CNY, USD/HKD, "
                        f"2022-01-01..{max(r.end for r in fx.rates).isoformat()})")


def test_listing_shows_latest_period_as_of_and_whats_missing(zhipu: Company,
                                                              minimax: Company) -> None:
    from datetime import date

    from llmecon.statements.listing import summarise_all

    z, m = summarise_all([zhipu, minimax])
    assert (m.latest, m.as_of) == ("FY2025 (12M to 2025-12-31)", date(2026, 3, 3))
    assert z.latest == "H1_2025 (6M to 2025-06-30)"
    assert "FY2025 annual results" in z.coverage_note and "not found" in z.coverage_note
    # no stored source dates an FY2025 announcement: the newest stored page (longbridge.com
    # topics/39575335, 27 Mar 2026) expects the results in "April-May 2026"
    assert "announcement, March 2026" not in z.coverage_note
    assert "April-May 2026" in z.coverage_note
    assert z.fiscal_year_end == m.fiscal_year_end == "12-31"
    assert 0 < m.low_confidence_figures < m.figures


def test_figures_frame_names_the_unit_of_its_values() -> None:
    # api36: the frame gave value 57,409,000 beside unit "million" (the declared scale),
    # which reads as RMB 57 trillion. Zhipu FY2022 revenue: RMB 57,409k (prospectus, via
    # mffb); MiniMax's paying users are declared in millions too
    from llmecon.api import load_company

    f = load_company("zhipu").to_frame()
    rev = f[(f["item"] == "revenue") & (f["period"] == "FY2022") & f["segment"].isna()]
    assert rev["value"].iloc[0] == pytest.approx(57_409_000)
    assert (rev["unit"].iloc[0], rev["declared_unit"].iloc[0]) == ("money", "million")
    assert rev["currency"].iloc[0] == "CNY"
    assert set(f.loc[f["declared_unit"] == "million", "unit"]) <= {"money", "count"}
