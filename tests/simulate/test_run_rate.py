"""A growing line starts at its exit run-rate, not at its period average (hand computations
from the figures in src/llmecon/data/companies/minimax.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmecon.api import load_company
from llmecon.metrics.resolve import Resolver
from llmecon.simulate.hindsight import later_figures
from llmecon.simulate.loaders import load_base_scenario
from llmecon.simulate.run import run
from llmecon.simulate.run_rate import exit_run_rate, last_month_over_average
from llmecon.simulate.scenario import load_scenario


def test_last_month_over_average_by_hand() -> None:
    # MiniMax AI-native products: 9M 2025 US$38.02m against 9M 2024 US$13.529m, x2.810 in a
    # year, g = 2.810 ** (1/12) = 1.0899; 1/g^k for k = 0..8 by hand: 1, 0.9175, 0.8418,
    # 0.7724, 0.7087, 0.6502, 0.5966, 0.5474, 0.5022 (sum 6.5368); 9 / 6.5368 = 1.3768
    g = (38.02 / 13.529) ** (1 / 12)
    assert g == pytest.approx(1.0899, abs=5e-5)
    assert last_month_over_average(g, 9) == pytest.approx(1.3768, abs=5e-4)
    assert last_month_over_average(1.0, 6) == 1.0  # no growth: the average
    # two months, +20%: 1 and 1.2, average 1.1, last 1.2 -> 1.2 / 1.1
    assert last_month_over_average(1.2, 2) == pytest.approx(1.2 / 1.1, rel=1e-12)
    with pytest.raises(ValueError, match="positive growth factor"):
        last_month_over_average(0.0, 9)


def test_exit_run_rate_of_minimax_lines() -> None:
    c = load_company("minimax")
    r = Resolver(c)
    p = c.period("9M_2025")
    ai = exit_run_rate(r, p, "line:ai_native_products")
    assert ai.ratio == pytest.approx(1.3768, abs=5e-4)
    assert ai.growth_monthly == pytest.approx(0.0899, abs=5e-5)
    assert ai.confidence == "medium"  # 9M 2024's line split is medium (one source)
    assert "9M_2025 / 9M_2024 = 2.810" in ai.basis
    # the open platform: 15.417 / 5.925 = 2.602 a year, +8.3% a month, x1.347 at the exit
    api = exit_run_rate(r, p, "line:open_platform")
    assert api.ratio == pytest.approx(1.347, abs=5e-4)
    # FY2023 has no FY2022 line revenue (MiniMax had none): the average, with the reason
    flat = exit_run_rate(r, c.period("FY2023"), "line:open_platform")
    assert (flat.ratio, flat.growth_monthly) == (1.0, None)
    assert "not both disclosed and positive" in flat.basis
    # 9M 2024 has no 9M 2023 to compare with
    assert "no period of the same months a year earlier" in \
        exit_run_rate(r, c.period("9M_2024"), None).basis


def test_the_fourth_quarter_of_2025_against_the_disclosed() -> None:
    # Out of sample: the calibration reads 9M 2024 and 9M 2025 only. FY2025 (published
    # later, post_listing.md) less 9M 2025 is US$25.601m for October-December. Started at
    # the nine-month averages the projection's mean was US$18.5m (+39% off); at the exit
    # run-rates it is within 10%.
    c = load_company("minimax")
    r = run(load_base_scenario(c, horizon_months=6), paths=2_000, seed=5)
    rev = next(f for f in later_figures(c, r) if f.item == "revenue")
    assert rev.disclosed == pytest.approx(25.601e6)
    assert rev.relative_difference is not None and abs(rev.relative_difference) < 0.10


def test_a_scenario_file_still_sets_the_start(tmp_path: Path) -> None:
    """A user who wants the period average sets the volume in a scenario file: it wins."""
    f = tmp_path / "avg.yaml"
    f.write_text("drivers:\n  ai_native_products.start_users: 27622000\n", encoding="utf-8")
    s = load_scenario(load_base_scenario(load_company("minimax")), f)
    assert s.central("ai_native_products.start_users") == 27_622_000
    assert "exit run-rate" not in s.provenance["ai_native_products.start_users"]
