"""The quotable projection: dated months, financing stated, burn basis, a cash bridge that
adds up, and a runway consistent with the cash column."""

from __future__ import annotations

import json
from datetime import date

import pytest

from llmecon.simulate.loaders import load_base_scenario
from llmecon.simulate.projection import BURN_BASIS, projection
from llmecon.statements.model import Company


def test_zhipu_projection_states_financing_dates_and_burn_basis(zhipu: Company) -> None:
    s = load_base_scenario(zhipu)
    pr = projection(s)
    doc = json.loads(json.dumps(pr.summary()))
    assert doc["financing"] == "committed"
    assert any(e.startswith("IPO 2026-01-08") for e in doc["financing_events"])
    assert not any("facilities" in e for e in doc["financing_events"])
    assert doc["burn_basis"] == BURN_BASIS
    assert doc["months"][0]["month_end"] == "2025-07-31"  # H1 2025 ends 30 June
    assert doc["months"][6]["month_end"] == "2026-01-31"  # the IPO month
    everything = projection(s.with_financing("all")).summary()
    assert everything["financing"] == "all"
    assert any("facilities" in e for e in everything["financing_events"])
    # the runway is the first month-end with cash below zero, month numbers from 1
    k = doc["runway"]["month"]
    assert doc["months"][k - 1]["cash"] < 0 <= doc["months"][k - 2]["cash"]
    assert doc["runway"]["month_end"] == doc["months"][k - 1]["month_end"]


def test_cash_bridge_adds_up(minimax: Company) -> None:
    pr = projection(load_base_scenario(minimax))
    f = pr.to_frame()
    assert list(f.index[:2]) == [date(2025, 10, 31), date(2025, 11, 30)]
    assert f["month"].iloc[0] == 1
    # MiniMax reports in US dollars: every amount of its projection is in USD (api36: the
    # frame named no currency)
    assert f.attrs == {"company": "minimax", "currency": "USD"}
    change = f["cash"].diff().iloc[1:]
    flows = (f["operating_cash_flow"] - f["capex_and_leases"] + f["interest_income"]
             + f["fx_revaluation"] + f["financing_cash_flow"]).iloc[1:]
    assert (change - flows).abs().max() == pytest.approx(0.0, abs=1e-3)
    assert (f["burn"] == -(f["operating_cash_flow"] - f["capex_and_leases"])).all()
    assert "financing committed" in repr(pr) and "Oct 2025" in repr(pr)
