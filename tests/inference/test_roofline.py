"""Invariants of the throughput and cost model, and hand-computed memory arithmetic."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from llmecon.errors import InputError, NotFoundError
from llmecon.formulas import cost_per_million_tokens
from llmecon.inference import roofline as rf
from llmecon.inference.calibration import load_efficiency
from llmecon.inference.catalog import Model, load_catalog
from llmecon.inference.serving import ServingConfig, evaluate

CAT = load_catalog()
EFF = load_efficiency()


def test_kv_bytes_match_reference_table() -> None:
    # shared/reference/inference.md §5, KV cache per token (BF16)
    expected = {"DeepSeek-V3": 70_272, "GLM-4.6": 376_832, "MiniMax-M2": 253_952,
                "Llama-3.1-8B": 131_072, "Llama-3.1-70B": 327_680,
                "Llama-3.1-405B": 516_096, "Qwen3-235B-A22B": 192_512}
    for name, kv in expected.items():
        assert CAT.model(name).kv_elements_per_token() * 2 == kv


def test_deepseek_parameter_split() -> None:
    # 256 experts x 3 x 7168 x 2048 x 58 layers = 653.9B routed; active ~37B (reference)
    m = CAT.model("DeepSeek-V3")
    assert m.routed_params == pytest.approx(256 * 3 * 7168 * 2048 * 58)
    arch = rf.Arch.of([m])
    assert float(arch.active[0]) / 1e9 == pytest.approx(37.0, rel=0.02)


def _decode(model: str, batch: object, **kw: object) -> rf.DecodeResult:
    m, g = CAT.model(model), CAT.gpu("H100")
    args: dict[str, object] = dict(weight_bytes=1.0, kv_bytes=2.0, gpus=8,
                                   tp=1 if m.is_moe else 8, context=2000.0, eff=EFF)
    args.update(kw)
    return rf.decode(rf.Arch.of([m]), rf.Hardware.of([g], "fp8"), batch_per_gpu=batch,
                     **args)  # type: ignore[arg-type]


@pytest.mark.parametrize("model", ["Llama-3.1-70B", "Qwen3-235B-A22B", "DeepSeek-V3"])
def test_cost_per_token_falls_as_batch_rises(model: str) -> None:
    batches = np.array([1.0, 2, 4, 8, 16, 32, 64])
    tps = _decode(model, batches).tokens_per_gpu_s
    cost = cost_per_million_tokens(2.0, tps)
    assert np.all(np.diff(cost) < 0)


def test_throughput_gains_flatten_once_memory_traffic_dominates() -> None:
    # decode is KV-bound at large batch: doubling the batch then adds < 10% throughput
    tps = _decode("Llama-3.1-8B", np.array([256.0, 512.0]), gpus=1, tp=1).tokens_per_gpu_s
    assert tps[1] / tps[0] < 1.10


def test_moe_with_all_experts_active_costs_what_dense_costs() -> None:
    moe = Model(name="all-active", total_params_b=8 * 3 * 4096 * 1024 * 32 / 1e9 + 1.0,
                active_params_b=8 * 3 * 4096 * 1024 * 32 / 1e9 + 1.0, layers=32, hidden=4096,
                heads=32, kv_heads=8, head_dim=128, attention="gqa", context_length=8192,
                as_of="test", source="test", routed_experts=8, top_k=8, expert_ffn=1024,
                moe_layers=32)
    dense = moe.model_copy(update=dict(name="dense", routed_experts=0, top_k=0, expert_ffn=0,
                                       moe_layers=0))
    hw = rf.Hardware.of([CAT.gpu("H100")], "fp8")
    for batch in (1.0, 16.0, 256.0):
        kw = dict(weight_bytes=1.0, kv_bytes=2.0, gpus=1, tp=1, batch_per_gpu=batch,
                  context=1000.0, eff=EFF)
        a = rf.decode(rf.Arch.of([moe]), hw, **kw)  # type: ignore[arg-type]
        b = rf.decode(rf.Arch.of([dense]), hw, **kw)  # type: ignore[arg-type]
        assert float(a.step_time_s[0]) == pytest.approx(float(b.step_time_s[0]), rel=1e-9)


def test_doubling_gpu_price_doubles_cost() -> None:
    cfg = ServingConfig("Llama-3.1-8B", "H100", gpus=1, batch_per_gpu=32, gpu_hour_price=2.0)
    a = evaluate(cfg, CAT, EFF)
    b = evaluate(cfg.replace(gpu_hour_price=4.0), CAT, EFF)
    assert b.cost_output == pytest.approx(2 * a.cost_output)  # type: ignore[operator]
    assert b.cost_input_miss == pytest.approx(2 * a.cost_input_miss)  # type: ignore[operator]


def test_cost_formula_hand() -> None:
    # $3.60 per GPU-hour at 1,000 tokens/s: 3.6 / 3.6M tokens = $1 per million
    assert cost_per_million_tokens(3.6, 1000.0) == pytest.approx(1.0)


def test_memory_arithmetic_when_weights_do_not_fit() -> None:
    # 671B params x 1 byte (FP8) / 8 GPUs = 83.9 GB > 77.31 GB usable of 85.9 GB (80 GiB)
    with pytest.raises(InputError, match=r"does not fit on 8 x H100: 671 GB of weights"):
        evaluate(ServingConfig("DeepSeek-V3", "H100", gpus=8), CAT, EFF)


def test_batch_limited_by_kv_cache() -> None:
    # Llama-3.1-8B FP8 on one H100: 85.9 GB (80 GiB) x 0.9 = 77.31 GB usable
    # - 8,030,261,248 B of weights = 69.28 GB free; paged KV at the average context of
    # 2,000 + 500 / 2 = 2,250 tokens holds 2,250 x 131,072 B = 294.9 MB of BF16 KV per
    # sequence: 234.9, so 234 fit (216 while the H100 was counted 80e9 bytes)
    r = evaluate(ServingConfig("Llama-3.1-8B", "H100", gpus=1), CAT, EFF)
    assert r.max_batch_per_gpu == (77.31e9 - 8_030_261_248) // (2250 * 131_072) == 234
    with pytest.raises(InputError, match="at most 234 fit"):
        evaluate(ServingConfig("Llama-3.1-8B", "H100", gpus=1, batch_per_gpu=400), CAT, EFF)


def test_published_batch_admitted() -> None:
    # LMSYS (May 2025): DeepSeek-V3 decode at 448 sequences per H100... here the dense case:
    # Llama-3.1-8B FP8 with 1,000 in / 1,000 out, paged at 1,500 tokens on average:
    # (77.31e9 - 8.03e9) / (1,500 x 131,072) = 352 fit, where reserving the full 2,000
    # tokens for every sequence admitted only 264 (325 and 244 at 80e9 bytes)
    r = evaluate(ServingConfig("Llama-3.1-8B", "H100", gpus=1, input_tokens=1000,
                               output_tokens=1000, batch_per_gpu=300), CAT, EFF)
    assert r.max_batch_per_gpu == 352
    assert r.kv_gb_per_sequence_max == pytest.approx(2000 * 131_072 / 1e9)


def test_one_full_context_sequence_must_fit() -> None:
    # Llama-3.1-70B FP8 on one H100: 77.31 GB usable - 70.55 GB of weights = 6.76 GB free;
    # a full 131,072-token context needs 131,072 x 327,680 B = 42.95 GB, even if the
    # average context would page into less
    with pytest.raises(InputError, match=r"one sequence of 131,072 tokens needs 42.95 GB of "
                                         r"KV cache; only 6.76 GB is free"):
        evaluate(ServingConfig("Llama-3.1-70B", "H100", gpus=1, tp=1, batch_per_gpu=1,
                               input_tokens=130_000, output_tokens=1_072), CAT, EFF)


def test_tpot_target_picks_a_batch_that_meets_it() -> None:
    r = evaluate(ServingConfig("DeepSeek-R1", "H20", gpus=16, tpot_ms=50, input_tokens=4096,
                               output_tokens=1536, mtp_draft=1, mtp_accept=0.85,
                               kv_dtype="fp8"), CAT, EFF)
    assert r.tpot_ms <= 50
    slower = evaluate(ServingConfig("DeepSeek-R1", "H20", gpus=16,
                                    batch_per_gpu=r.batch_per_gpu + 1, input_tokens=4096,
                                    output_tokens=1536, mtp_draft=1, mtp_accept=0.85,
                                    kv_dtype="fp8"), CAT, EFF)
    assert slower.tpot_ms > 50


def test_prefix_cache_hits_cut_ttft() -> None:
    base = ServingConfig("Llama-3.1-70B", "H100", gpus=2, batch_per_gpu=8, input_tokens=8000)
    cold = evaluate(base, CAT, EFF).ttft_ms
    warm = evaluate(base.replace(cache_hit=0.75), CAT, EFF).ttft_ms
    assert warm < cold


def test_bad_inputs_name_the_field() -> None:
    with pytest.raises(NotFoundError, match="unknown GPU 'H1000'; known: H100"):
        CAT.gpu("H1000")
    with pytest.raises(NotFoundError, match="unknown model"):
        CAT.model("GPT-9")
    # out-of-range values are refused when the configuration is built, naming the field
    for kw, field in ((dict(gpus=0), "gpus: expected a number >= 1, found 0"),
                      (dict(batch_per_gpu=-1), "batch_per_gpu: expected a number > 0"),
                      (dict(cache_hit=1.5), "cache_hit: expected a number < 1, found 1.5"),
                      (dict(cache_hit=float("nan")), "cache_hit: expected a finite number"),
                      (dict(input_tokens=float("inf")), "input_tokens: expected a finite"),
                      (dict(precision="fp3"), "precision: expected one of 'bf16', 'fp16'"),
                      (dict(gpus=8, tp=3), r"tp: expected a divisor of gpus \(8\), found 3"),
                      (dict(batch_per_gpu=8, tpot_ms=50),
                       "tpot_ms: expected batch_per_gpu or tpot_ms, not both"),
                      (dict(colour="red"), "colour: unknown field")):
        with pytest.raises(InputError, match="serving configuration: " + field):
            ServingConfig("Llama-3.1-8B", "H100", **kw)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="precision: A100-80GB has no fp8"):
        evaluate(ServingConfig("Llama-3.1-8B", "A100-80GB", precision="fp8", gpus=1), CAT, EFF)


@pytest.mark.parametrize("bad", [{"mtp_draft": 10**9}, {"gpus": 10**12},
                                 {"prefill_gpus": 10**15}, {"input_tokens": 1e12}])
def test_python_configuration_has_physical_bounds(bad: dict[str, float]) -> None:
    # mtp_draft 10^9 gave a TTFT of 6e9 ms and 10^12 GPUs a cost of 3.6e8 US$ per million
    # tokens; the web form had bounds, the Python API none
    name = next(iter(bad))
    with pytest.raises(InputError, match=name):
        ServingConfig("DeepSeek-V3", "H200", batch_per_gpu=32, **bad)  # type: ignore[arg-type]


def test_mtp_drafts_need_mtp_modules() -> None:
    # Llama-3.1-8B has no multi-token-prediction modules: mtp_draft 3 roughly doubled its
    # throughput without a word
    with pytest.raises(InputError, match="no multi-token-prediction modules"):
        evaluate(ServingConfig("Llama-3.1-8B", "H100", gpus=1, batch_per_gpu=8, mtp_draft=3,
                               mtp_accept=0.8), CAT, EFF)


def test_tensor_parallel_all_reduce_by_hand() -> None:
    """The all-reduce of a TP group, per token of a GPU's count, counted tp² too small until
    2026-11-30. Llama-3.1-70B (hidden 8,192, 80 layers) at TP 8: each step all-reduces the
    group's tokens' BF16 activations twice per layer. A ring sends 2 (tp-1)/tp of each
    message from every GPU; the group holds tp x a GPU's tokens, so per token of a GPU's
    count 2 x 7 x 8,192 x 2 B x 2 x 80 = 36,700,160 B. On H100's NVLink switch, which
    reduces in the switch (NVLink SHARP), (tp+1)/tp of the message: 9 x 8,192 x 320 =
    23,592,960 B. NVLink moves 900 / 2 = 450 GB/s each way. Latency: 8 us per all-reduce
    inside the NVLink domain, 25 us beyond it, two per layer."""
    arch = rf.Arch.of([CAT.model("Llama-3.1-70B")])
    h100 = rf.Hardware.of([CAT.gpu("H100")], "bf16")
    eff = rf.Efficiency(network=1.0)
    t = float(rf.comm_seconds_per_token(arch, h100, gpus=8, tp=8, eff=eff)[0])
    assert t == pytest.approx(9 * 8192 * 2 * 2 * 80 / 450e9)
    ring = replace(h100, in_switch=np.zeros(1))  # a switch that does not reduce
    t = float(rf.comm_seconds_per_token(arch, ring, gpus=8, tp=8, eff=eff)[0])
    assert t == pytest.approx(2 * 7 * 8192 * 2 * 2 * 80 / 450e9)
    assert float(rf.comm_seconds_per_token(arch, h100, gpus=1, tp=1, eff=eff)[0]) == 0.0
    assert float(rf.allreduce_latency_s(arch, h100, tp=8)[0]) == pytest.approx(2 * 80 * 8e-6)
    assert float(rf.allreduce_latency_s(arch, h100, tp=16)[0]) == pytest.approx(2 * 80 * 25e-6)
    assert float(rf.allreduce_latency_s(arch, h100, tp=1)[0]) == 0.0
    assert float(rf.comm_seconds_per_token(arch, h100, gpus=2, tp=2, eff=eff)[0]) == \
        pytest.approx(2 * 1 * 8192 * 2 * 2 * 80 / 450e9)  # at TP 2 the ring sends less
    # a decode step of a TP 8 group holding 64 sequences (8 per GPU): 8 x 23,592,960 B at
    # 450 GB/s = 0.41943 ms, plus 160 all-reduces x 8 us = 1.28 ms: 1.69943 ms of links
    d = rf.decode(arch, h100, weight_bytes=2.0, kv_bytes=2.0, gpus=8, tp=8, batch_per_gpu=8,
                  context=1000, eff=eff)
    assert float(np.asarray(d.comm_s).ravel()[0]) == pytest.approx(
        8 * 9 * 8192 * 320 / 450e9 + 160 * 8e-6)


def test_cross_node_all_reduce_by_hand() -> None:
    """A TP group wider than the NVLink domain all-reduces hierarchically (charged at NVLink
    bandwidth throughout until 2026-11-30). Llama-3.1-70B (hidden 8,192, 80 layers) at TP
    16 on H100 (8-GPU NVLink domain, 450 GB/s each way; 50 GB/s of network per GPU): two
    nodes of eight. Per token of a GPU's count, the 160 all-reduces' messages are
    16 x 8,192 x 2 B x 160 = 41,943,040 B. Reduce-scatter and all-gather inside the node
    send 2 x 7/8 of it over NVLink (no in-switch reduction across nodes): 73,400,320 B,
    163.11 us; the ring across the two nodes sends 2 x 1/2 of each GPU's 1/8 shard over
    the network: 5,242,880 B, 104.86 us. 267.97 us in all, where the flat ring at NVLink
    bandwidth gave 2 x 15/16 x 41,943,040 B / 450 GB/s = 174.76 us."""
    arch = rf.Arch.of([CAT.model("Llama-3.1-70B")])
    h100 = rf.Hardware.of([CAT.gpu("H100")], "bf16")
    eff = rf.Efficiency(network=1.0)
    message = 16 * 8192 * 2 * 160
    assert message == 41_943_040
    up, out = rf.allreduce_bytes_per_token(arch, h100, tp=16)
    assert float(up[0]) == pytest.approx(73_400_320)
    assert float(out[0]) == pytest.approx(5_242_880)
    t = float(rf.comm_seconds_per_token(arch, h100, gpus=16, tp=16, eff=eff)[0])
    assert t == pytest.approx(73_400_320 / 450e9 + 5_242_880 / 50e9)
    assert t * 1e6 == pytest.approx(267.97, abs=0.01)
    # the network share of the links scales the whole all-reduce
    assert float(rf.comm_seconds_per_token(arch, h100, gpus=16, tp=16,
                                           eff=rf.Efficiency(network=0.5))[0]) == \
        pytest.approx(2 * t)
    # a decode step of 8 sequences per GPU: 8 x 267.97 us + 160 all-reduces x 25 us
    d = rf.decode(arch, h100, weight_bytes=2.0, kv_bytes=2.0, gpus=16, tp=16,
                  batch_per_gpu=8, context=1000, eff=eff)
    assert float(np.asarray(d.comm_s).ravel()[0]) * 1e3 == pytest.approx(
        8 * 0.26797 + 4.0, abs=1e-4)
    # TP 32: four nodes, 2 x 3/4 of each 1/8 shard over the network
    up, out = rf.allreduce_bytes_per_token(arch, h100, tp=32)
    assert float(up[0]) == pytest.approx(2 * 7 / 8 * 32 * 8192 * 2 * 160)
    assert float(out[0]) == pytest.approx(2 * 3 / 4 / 8 * 32 * 8192 * 2 * 160)
    # TP 12 is not a whole number of domains: two nodes of six
    up, out = rf.allreduce_bytes_per_token(arch, h100, tp=12)
    assert float(up[0]) == pytest.approx(2 * 5 / 6 * 12 * 8192 * 2 * 160)
    assert float(out[0]) == pytest.approx(2 * 1 / 2 / 6 * 12 * 8192 * 2 * 160)
    # inside a domain nothing crosses the network and nothing changed: TP 16 in a GB200
    # NVL72 rack reduces in the switch, (16+1)/16 of the message at 900 GB/s each way
    gb200 = rf.Hardware.of([CAT.gpu("GB200")], "bf16")
    up, out = rf.allreduce_bytes_per_token(arch, gb200, tp=16)
    assert float(out[0]) == 0.0
    assert float(rf.comm_seconds_per_token(arch, gb200, gpus=16, tp=16, eff=eff)[0]) == \
        pytest.approx(17 / 16 * message / 900e9)
    # a GPU with no network in the catalog cannot reach across nodes
    l40s = rf.Hardware.of([CAT.gpu("L40S")], "bf16")
    assert np.isinf(rf.comm_seconds_per_token(arch, l40s, gpus=16, tp=16, eff=eff)[0])
