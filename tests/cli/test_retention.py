"""``llmecon retention fit`` explains an infinite mean lifetime and gives the median
(walk20 L7), on Fader & Hardie's (2007) high-end cohort (alpha 0.668 <= 1)."""

from __future__ import annotations

import json

import pytest

from llmecon.cli import main

ALIVE = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]


def test_infinite_mean_is_explained_and_the_median_given(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["retention", "fit", "--alive", *map(str, ALIVE), "--calibrate", "7"]) == 0
    out = capsys.readouterr().out
    assert "inf periods" not in out
    assert "infinite mean (alpha = 0.668 <= 1" in out and "heavy mass near 0" in out
    # S(7) = B(0.668, 10.806) / B(0.668, 3.806) = 0.489 <= 0.5 < S(6) = 0.522
    assert "median lifetime: 7 periods" in out


def test_json_carries_the_median(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["retention", "fit", "--alive", *map(str, ALIVE), "--calibrate", "7",
                 "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["expected_lifetime_periods"] is None and doc["median_lifetime_periods"] == 7


def test_finite_mean_keeps_its_value(capsys: pytest.CaptureFixture[str]) -> None:
    # constant-ish churn with heterogeneity, alpha > 1: E[T] = (alpha + beta - 1) /
    # (alpha - 1), printed as a number beside the median
    alive = [1000, 700, 500, 370, 280, 215, 168, 133, 106]
    assert main(["retention", "fit", "--alive", *map(str, alive), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    a, b = doc["alpha"], doc["beta"]
    assert a > 1 and doc["expected_lifetime_periods"] == pytest.approx((a + b - 1) / (a - 1))
    assert main(["retention", "fit", "--alive", *map(str, alive)]) == 0
    out = capsys.readouterr().out
    assert f"expected lifetime: {(a + b - 1) / (a - 1):.3g} periods; median lifetime:" in out


def test_a_median_beyond_any_horizon_is_said_so() -> None:
    import math
    from typing import Any, cast

    from llmecon.report.unit_economics import lifetime_text

    class Fit:  # a cohort almost nobody leaves: alpha tiny, the mean infinite
        alpha, expected_lifetime = 0.001, math.inf

        def derl(self, rate: float) -> float:
            return 10.0

    text = lifetime_text(cast(Any, Fit()), math.inf, 0.1)
    assert "median lifetime: beyond 10^15 periods: half of a cohort is never seen to churn" \
        in text and "has churned by then" not in text
