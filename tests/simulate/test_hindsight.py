"""The projection set beside what was disclosed after its start."""

from __future__ import annotations

from datetime import date

import pytest

from llmecon.api import load_company
from llmecon.simulate.hindsight import later_figures
from llmecon.simulate.loaders import load_base_scenario
from llmecon.simulate.run import run


def test_minimax_fy2025_against_its_projection_from_9m_2025() -> None:
    # The MiniMax scenario starts at 30 September 2025 (9M 2025, the latest period with a
    # cash-flow statement); its FY2025 headline results came later (post_listing.md):
    # revenue US$79.038m for the year, US$53.437m for the nine months, so October-December
    # US$25.601m (months 1-3); cash and investments US$1.05bn at 31 December (month 3).
    c = load_company("minimax")
    r = run(load_base_scenario(c, horizon_months=12), paths=2_000, seed=3)
    assert r.start == date(2025, 9, 30)
    figs = {f.item: f for f in later_figures(c, r)}
    rev = figs["revenue"]
    assert (rev.period, rev.first_month, rev.last_month) == ("FY2025 - 9M_2025", 1, 3)
    assert rev.disclosed == pytest.approx(79.038e6 - 53.437e6)
    assert rev.projected == pytest.approx(float(r.mean["revenue"][:3].sum()))
    cash = figs["cash_resources"]
    assert (cash.period, cash.last_month) == ("FY2025", 3)
    assert cash.disclosed == pytest.approx(1.05e9)
    assert cash.low is not None and cash.high is not None and cash.low <= cash.projected
    assert cash.position == ("above p95" if cash.disclosed > cash.high else
                             "below p5" if cash.disclosed < cash.low else "within p5-p95")


def test_no_later_figures_without_later_periods() -> None:
    # Zhipu's latest period (H1 2025) is the projection's start: nothing to set beside it
    z = load_company("zhipu")
    r = run(load_base_scenario(z, horizon_months=6), paths=200, seed=0)
    assert later_figures(z, r) == []
    assert later_figures(load_company("minimax"), r) == []  # another company's run


def test_the_simulate_command_prints_them(capsys: pytest.CaptureFixture[str]) -> None:
    from llmecon.cli import main

    assert main(["simulate", "minimax", "--paths", "500", "--no-save"]) == 0
    out = capsys.readouterr().out
    assert "Against what was disclosed after the start" in out and "US$ 25.6m" in out
