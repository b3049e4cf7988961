"""The throughput-interactivity frontier, the cheapest point at a target, and its fleet."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from llmecon.config.deployment import Demand
from llmecon.errors import InputError
from llmecon.inference.catalog import load_catalog
from llmecon.inference.engines import load_serving_factors
from llmecon.inference.frontier import cheapest_at, fleet_at, frontier

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
        assert p.cost_per_m_input_alone == pytest.approx(p.cost_per_m_output / 4)
        # one request: 500 output tokens at $2/GPU-hour over the GPU's output rate (an
        # economist's review: input + output "prices" added up counted the GPU time twice)
        assert p.cost_per_request == pytest.approx(
            500 * 2.0 / (3600 * p.output_tokens_per_s_per_gpu))
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
    # 1T parameters in BF16 on L40S (48 GB, no network bandwidth in the catalog): one node
    with pytest.raises(InputError, match=r"frontier: no configuration of Kimi-K2 in bf16 on "
                                         r"up to 8 x L40S fits \(the catalog gives no network"):
        frontier("Kimi-K2", "L40S", CAT, F, gpu_hour_price=1.0, precision="bf16")


def test_a_model_larger_than_a_node_spreads_its_experts_over_nodes() -> None:
    # GLM-5 (744B parameters, from its config) in FP8 is 744 GB of weights; eight H800 hold
    # 8 x 85.9 GB (80 GiB) = 687 GB, of which the fitted memory reserve (0.082) leaves 631 GB
    # < 744 GB, so no single node fits and every point spans two nodes or more.
    glm5, h800 = CAT.model("GLM-5"), CAT.gpu("H800")
    assert glm5.total_params_b * 1e9 * 1.0 > 8 * h800.memory_gb * 1e9 * (1 - F.memory_reserve)
    front = frontier("GLM-5", "H800", CAT, F, gpu_hour_price=1.0)
    assert front.points and all(p.gpus >= 16 and p.nodes == p.gpus // 8 for p in front.points)
    assert all(p.tp <= 8 and p.tp * p.attention_dp * p.pp == p.gpus for p in front.points)
    with pytest.raises(InputError, match=r"on up to 8 x H800 fits \(allow a larger worker"):
        frontier("GLM-5", "H800", CAT, F, gpu_hour_price=1.0, max_gpus=8)
    # eight H20 (96 GiB: 103.1 GB each) leave 8 x 103.1 x (1 - 0.082) = 757 GB: the weights
    # fit in one node with 13 GB for KV cache (while the H20 was counted 96e9 bytes, 705 GB
    # did not), so a one-node worker is a configuration there, at a small batch
    h20 = CAT.gpu("H20")
    assert glm5.total_params_b * 1e9 < 8 * h20.memory_gb * 1e9 * (1 - F.memory_reserve)
    one_node = frontier("GLM-5", "H20", CAT, F, gpu_hour_price=1.0, max_gpus=8)
    assert one_node.points and all(p.gpus == 8 for p in one_node.points)
    # a dense model's worker stays inside one node whatever the bound
    dense = frontier("Llama-3.1-70B", "H100", CAT, F, gpu_hour_price=2.0, max_gpus=64)
    assert max(p.gpus for p in dense.points) <= 8
    with pytest.raises(InputError, match="max_gpus: expected a whole number >= 1"):
        frontier("GLM-5", "H20", CAT, F, gpu_hour_price=1.0, max_gpus=0)


def test_a_fleet_at_a_point_computes_every_prompt_token_not_missed_by_the_cache() -> None:
    # the point serves 2,000 prompt tokens per 500 output tokens: 1M output tokens/s need
    # 1M / r GPUs (r: output tokens/s per GPU), which also compute 4M prompt tokens/s; a
    # demand of 40M prompt tokens/s, half of them cache hits, needs 20M / (4 r) GPUs
    pick = cheapest_at(FRONT, 30.0)
    r = pick.output_tokens_per_s_per_gpu
    light = fleet_at(pick, FRONT, Demand(86_400e6 * 4, 86_400e6, provisioning="average"))
    heavy = fleet_at(pick, FRONT, Demand(86_400e6 * 40, 86_400e6, cache_hit=0.5,
                                         provisioning="average"))
    assert light.decode_gpus_average == pytest.approx(1e6 / r)
    assert heavy.decode_gpus_average == pytest.approx(20e6 / (4 * r))


def test_a_dense_model_larger_than_a_node_runs_in_pipeline_stages() -> None:
    # Llama-3.1-405B in BF16: 405e9 x 2 bytes = 810 GB, more than 8 x 80 GB on an H100 node;
    # its workers are pipelines of full-node TP 8 stages (2 nodes or more)
    llama, h100 = CAT.model("Llama-3.1-405B"), CAT.gpu("H100")
    assert llama.total_params_b * 1e9 * 2 > 8 * h100.memory_gb * 1e9
    front = frontier("Llama-3.1-405B", "H100", CAT, F, gpu_hour_price=2.0, precision="bf16")
    assert front.points
    assert all(p.tp == 8 and p.pp >= 2 and p.gpus == 8 * p.pp and p.nodes == p.pp
               for p in front.points)
    # in FP8 (405 GB) one node holds it, and no pipeline is tried
    fp8 = frontier("Llama-3.1-405B", "H100", CAT, F, gpu_hour_price=2.0, precision="fp8")
    assert all(p.pp == 1 and p.gpus <= 8 for p in fp8.points)


def test_a_fleet_of_multi_node_workers_counts_whole_workers() -> None:
    front = frontier("GLM-5", "H20", CAT, F, gpu_hour_price=1.0)
    pick = max(front.points, key=lambda p: p.gpus)  # a worker of several nodes
    assert pick.gpus > 8
    out_per_s = 10.5 * pick.gpus * pick.output_tokens_per_s_per_gpu  # 10.5 workers' output
    d = Demand(0.0, out_per_s * 86_400, provisioning="peak", peak_to_average=2.0)
    f = fleet_at(pick, front, d)
    # average: 10.5 workers -> 11 whole workers; peak: 21 workers; each pick.gpus / 8 nodes
    assert f.decode_gpus_average == pytest.approx(10.5 * pick.gpus)
    assert f.nodes_average == 11 * pick.gpus // 8
    assert f.nodes_peak == 21 * pick.gpus // 8
    assert f.daily_cost == pytest.approx(21 * pick.gpus * 24 * 1.0)


def test_every_bundled_model_on_every_gpu_gives_a_frontier_or_says_why() -> None:
    """Each bundled model on each bundled GPU system, in FP8, BF16 and FP4: a frontier with
    finite numbers or an InputError, never another exception or a numpy warning (a GPU
    without link bandwidths, such as Ascend-910B, keeps to one GPU per worker)."""
    import math
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fits: set[str] = set()
        for m in CAT.models:
            for g in CAT.gpus:
                for precision in ("fp8", "bf16", "fp4"):
                    try:
                        front = frontier(m.name, g.name, CAT, F, gpu_hour_price=1.0,
                                         precision=precision)
                    except InputError as e:
                        assert str(e).startswith("frontier: no configuration of"), e
                        continue
                    fits.add(m.name)
                    assert all(math.isfinite(v) for p in front.points
                               for v in p.__dict__.values() if isinstance(v, float))
    assert fits == {m.name for m in CAT.models}  # every model is served somewhere
    with pytest.raises(InputError, match="no link bandwidth for Ascend-910B: one GPU per"):
        frontier("MiniMax-M3", "Ascend-910B", CAT, F, gpu_hour_price=1.0)


def test_a_fleet_smaller_than_one_worker_pays_for_the_worker() -> None:
    """docs/inference.md's example: Llama-3.1-70B on H200 at >= 30 tokens/s per user picks
    a TP 8 worker; 1e9 prompt and 2e8 output tokens a day keep 4.2 of its GPUs busy (1e9 / 86,400
    prompt tokens/s over 4 x the point's output rate), but a TP 8 worker cannot run on 4.2
    GPUs: following the load, the fleet pays for the 8 (8 x 24 h x $2.6 = $499.20 a day),
    as at the peak (one 8-GPU node)."""
    front = frontier("Llama-3.1-70B", "H200", CAT, F, gpu_hour_price=2.6)
    pick = cheapest_at(front, 30.0)
    assert (pick.tp, pick.gpus) == (8, 8)
    f = fleet_at(pick, front, Demand(1e9, 2e8, provisioning="average"))
    busy = 1e9 / 86_400 / (4 * pick.output_tokens_per_s_per_gpu)
    assert f.decode_gpus_average == pytest.approx(busy) and busy < 8
    assert f.daily_cost == pytest.approx(8 * 24 * 2.6)
    assert f.daily_cost_at_peak == pytest.approx(8 * 24 * 2.6)
    assert (f.nodes_average, f.nodes_peak, f.replica_gpus) == (1, 1, 8)


def test_a_frontier_fleet_does_not_report_zero_gpus_on_prefill() -> None:
    """A frontier point's workers prefill and decode on the same GPUs; its fleet printed
    'GPUs on prefill (average) 0.0' beside all the busy GPUs 'on decode'."""
    import io

    from rich.console import Console

    from llmecon.report.inference import fleet_table

    pick = cheapest_at(FRONT, 30.0)
    f = fleet_at(pick, FRONT, Demand(86_400e6 * 4, 86_400e6))
    buf = io.StringIO()
    Console(file=buf, width=200).print(fleet_table(f))
    text = buf.getvalue()
    assert "GPUs on prefill" not in text
    assert f"{1e6 / pick.output_tokens_per_s_per_gpu:,.1f}" in text  # 1M output tokens/s
    assert "GPUs busy (average), each prefilling and decoding" in text
