"""The throughput-interactivity frontier, the cheapest point at a target, and its fleet."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from llmecon.config.inference import Demand
from llmecon.errors import InputError
from llmecon.inference.catalog import load_catalog
from llmecon.inference.frontier import cheapest_at, fleet_at, frontier
from llmecon.inference.measured import load_serving_factors

CAT = load_catalog()
F = load_serving_factors()
FRONT = frontier("Llama-3.1-70B", "H100", CAT, F, gpu_hour_price=2.0, isl=2000, osl=500)


def test_frontier_is_pareto() -> None:
    per_user = [p.tokens_per_s_per_user for p in FRONT.points]
    per_gpu = [p.output_tokens_per_s_per_gpu for p in FRONT.points]
    assert per_user == sorted(per_user) and len(per_user) >= 3
    assert all(a > b for a, b in pairwise(per_gpu))  # each point trades one for the other
    assert FRONT.evaluated > len(FRONT.points)


def test_cost_per_token_on_the_frontier_by_hand() -> None:
    for p in FRONT.points:
        # $2/GPU-hour / (3,600 s x tokens/s per GPU) x 1e6; input at isl/osl = 4x the rate
        assert p.cost_per_m_output == pytest.approx(2.0 / (3600 * p.output_tokens_per_s_per_gpu)
                                                    * 1e6)
        assert p.cost_per_m_input == pytest.approx(p.cost_per_m_output / 4)
        assert p.tokens_per_s_per_user == pytest.approx(1000 / p.tpot_ms)


def test_cheapest_at_an_interactivity_target() -> None:
    pick = cheapest_at(FRONT, 30.0)
    assert pick.tokens_per_s_per_user >= 30.0
    ok = [p for p in FRONT.points if p.tokens_per_s_per_user >= 30.0]
    assert pick.cost_per_m_output == min(p.cost_per_m_output for p in ok)
    # a stricter target costs at least as much
    assert cheapest_at(FRONT, 90.0).cost_per_m_output >= pick.cost_per_m_output
    with pytest.raises(InputError, match=r"interactivity: Llama-3.1-70B on H100 serves at "
                                         r"most [\d,.]+ tokens/s per user, below 10000"):
        cheapest_at(FRONT, 10_000.0)


def test_fleet_at_a_frontier_point_by_hand() -> None:
    pick = cheapest_at(FRONT, 30.0)
    d = Demand(86_400e6 * 4, 86_400e6, price_input_miss=0.5, price_output=2.0,
               provisioning="average")
    f = fleet_at(pick, FRONT, d)
    gpus = 1e6 / pick.output_tokens_per_s_per_gpu  # 1M output tokens/s
    assert f.decode_gpus_average == pytest.approx(gpus)
    assert f.daily_cost == pytest.approx(gpus * 24 * 2.0)
    assert f.daily_revenue == pytest.approx(345_600 * 0.5 + 86_400 * 2.0)
    assert f.nodes_average == int(np.ceil(gpus / 8))


def test_ttft_limit_and_unfit_model() -> None:
    quick = frontier("Llama-3.1-70B", "H100", CAT, F, gpu_hour_price=2.0, max_ttft_ms=500)
    assert all(p.ttft_ms <= 500 for p in quick.points)
    with pytest.raises(InputError, match="frontier: no configuration of Kimi-K2 in bf16"):
        frontier("Kimi-K2", "L40S", CAT, F, gpu_hour_price=1.0, precision="bf16")
