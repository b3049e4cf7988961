"""The calibration reads nothing after its period and says how sure its inputs are (from an
economist's audit: MiniMax's other S&M came from FY2025, after its 9M 2025 start, from a
low-confidence figure; the starting cash's low confidence was shown nowhere; list prices
published after the period were labelled with the period)."""

from __future__ import annotations

import pytest

from llmecon.simulate.loaders import load_base_scenario
from llmecon.statements.model import Company


def test_other_sm_is_read_by_the_start(minimax: Company) -> None:
    # 9M 2025 S&M US$39.32m (data/companies/minimax.yaml), 10% not product marketing
    # (assumed 90% on products): 39.32 / 9 x 0.1; FY2025's would give 51.936 / 12 x 0.1
    s = load_base_scenario(minimax)
    assert s.central("other_sm_monthly") == pytest.approx(39.32e6 / 9 * 0.1, rel=1e-9)
    assert "9M_2025" in s.provenance["other_sm_monthly"]
    assert "FY2025" not in s.provenance["other_sm_monthly"]


def test_starting_cash_says_its_confidence(minimax: Company, zhipu: Company) -> None:
    # MiniMax: cash 362.6 + financial assets 644.2, one source, low (prospectus_figures.md)
    s = load_base_scenario(minimax)
    assert s.central("start_cash") == pytest.approx(1006.8e6)
    assert s.provenance["start_cash"].endswith("(confidence: low)")
    assert "(confidence: " in load_base_scenario(zhipu).provenance["start_cash"]


def test_a_list_price_after_the_period_says_so(minimax: Company) -> None:
    # the bundled MiniMax-M2 lists are dated 2025-10 (launch) and 2026-03
    # (data/inference/prices.yaml); the projection starts from 9M 2025, which ends
    # 2025-09-30, before both: the nearest, the launch list, and it says so
    s = load_base_scenario(minimax)
    assert "list as of 2025-10, after the period end 2025-09-30" in \
        s.provenance["open_platform.price_per_m"]
