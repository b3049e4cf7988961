from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from llmecon.cli import main
from llmecon.errors import InputError
from llmecon.inference.calibration import load_efficiency
from llmecon.inference.catalog import ApiPrice, load_catalog
from llmecon.inference.serving import Demand, ServingConfig, ServingResult, evaluate, size_fleet
from llmecon.inference.sweep import run_sweep

CAT = load_catalog()
EFF = load_efficiency()


def test_every_catalog_row_is_dated_and_sourced() -> None:
    for rows in (CAT.gpus, CAT.models, CAT.gpu_prices, CAT.api_prices):
        for r in rows:
            assert r.as_of and r.source, r


def test_user_catalog_missing_field_says_which(tmp_path: Path) -> None:
    p = tmp_path / "mine.yaml"
    p.write_text("gpus:\n  - {name: X1, bf16_tflops: 100, memory_gb: 40, as_of: 2026,"
                 " source: me}\n")
    with pytest.raises(InputError, match=r"mine.yaml: gpus\[0\].bandwidth_tbs: missing"):
        load_catalog([p])


@pytest.mark.parametrize("as_of", ["2025-00-00", "2025-13", "2025-02-30", "0000", "soon"])
def test_a_price_dated_by_no_real_date_is_refused(tmp_path: Path, as_of: str) -> None:
    # a price's date decides whether it fits the period it prices: '2025-13' counted as
    # after mid-2025, '2025-00-00' and '2025-02-30' as within it, with no flag
    p = tmp_path / "mine.yaml"
    p.write_text("api:\n  - {model: DeepSeek-V3, endpoint: x, input_cache_miss: 0.27, output: "
                 f"1.10, currency: USD, as_of: '{as_of}', source: s}}\n")
    with pytest.raises(InputError, match=rf"mine.yaml: api\[0\].as_of: expected a date "
                                         rf"YYYY, YYYY-MM or YYYY-MM-DD .* found '{as_of}'"):
        load_catalog([p])


def test_a_price_date_with_a_note_is_read(tmp_path: Path) -> None:
    p = tmp_path / "mine.yaml"
    p.write_text("api:\n  - {model: DeepSeek-V3, endpoint: x, input_cache_miss: 0.27, output: "
                 "1.10, currency: USD, as_of: '2026 (undated source)', source: s}\n")
    assert any(r.endpoint == "x" for r in load_catalog([p]).api_prices)


def test_user_catalog_row_used_by_name_and_by_path(tmp_path: Path) -> None:
    p = tmp_path / "mine.yaml"
    p.write_text("gpus:\n  - {name: X1, bf16_tflops: 500, fp8_tflops: 1000, memory_gb: 96,"
                 " bandwidth_tbs: 4, as_of: 2026-11, source: my lab}\n")
    cat = load_catalog([p])
    r = evaluate(ServingConfig("Llama-3.1-8B", "X1", gpus=1, batch_per_gpu=16,
                               gpu_hour_price=1.0), cat, EFF)
    assert r.gpu == "X1"
    assert CAT.gpu(str(p)).name == "X1"


def test_negative_value_in_user_catalog(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text("models:\n  - {name: M, total_params_b: -1, active_params_b: 1, layers: 2,"
                 " hidden: 8, heads: 1, attention: gqa, context_length: 8, as_of: x,"
                 " source: y}\n")
    with pytest.raises(InputError, match=r"bad.yaml: models\[0\].total_params_b: expected a "
                                         r"number > 0, found -1"):
        load_catalog([p])


def test_fleet_hand_computation() -> None:
    r = evaluate(ServingConfig("Llama-3.1-8B", "H100", gpus=1, batch_per_gpu=64,
                               gpu_hour_price=2.0), CAT, EFF)
    d = Demand(input_tokens_per_day=86_400e6, output_tokens_per_day=86_400e5, cache_hit=0.5,
               peak_to_average=2.0, price_input_miss=0.2, price_input_hit=0.05,
               price_output=0.8, paid_share=0.5, discount=0.1)
    f = size_fleet(r, d)
    # 1e6 input tokens/s, half from cache: 5e5/s computed; 1e5 output tokens/s
    pre, dec = 5e5 / r.prefill_tokens_per_gpu_s, 1e5 / r.decode_tokens_per_gpu_s
    assert f.prefill_gpus_average == pytest.approx(pre)
    assert f.decode_gpus_average == pytest.approx(dec)
    assert f.nodes_peak == int(np.ceil(2 * (pre + dec) / 8))
    assert f.daily_cost == pytest.approx(f.nodes_peak * 8 * 24 * 2.0)
    # revenue: (43,200M x 0.2 + 43,200M x 0.05 + 8,640M x 0.8) / 1e6 x 0.5 x 0.9
    assert f.daily_revenue == pytest.approx((43_200 * 0.2 + 43_200 * 0.05 + 8_640 * 0.8)
                                            * 0.5 * 0.9)


def test_deepseek_day6_fleet() -> None:
    """DeepSeek's day-6 disclosure (open-infra-index, Feb 2025): 608B input tokens a day,
    342B (56.3%) from the disk KV cache, 168B output; R1 prices; theoretical revenue
    $562,027 a day; 226.75 H800 nodes on average at $2 per GPU-hour = $87,072 a day."""
    r = evaluate(ServingConfig("DeepSeek-R1", "H800", gpus=144, prefill_gpus=32, tpot_ms=47.6,
                               input_tokens=3600, output_tokens=1000, mtp_draft=1,
                               mtp_accept=0.85, gpu_hour_price=2.0), CAT, EFF)
    price = CAT.api_price("DeepSeek-R1")
    assert price is not None
    d = Demand(608e9, 168e9, cache_hit=342 / 608, peak_to_average=278 / 226.75) \
        .with_price_list(price)
    f = size_fleet(r, d)
    assert f.daily_revenue == pytest.approx(562_027, rel=0.001)
    assert f.daily_cost_at_average == pytest.approx(87_072, rel=0.30)  # model vs disclosure


def test_deepseek_day6_fleet_with_the_commands_model() -> None:
    """The same disclosure with the serving model every command uses ('inference fleet' as
    docs/inference.md runs it, TensorRT-LLM's factors): 226.75 nodes on average and 278 at peak
    disclosed; the model's fleet cost within a tenth of $87,072 a day (measured 2026-12-01,
    the H800 at 80 GiB: $87,588, 236 nodes on average and 292 at peak in whole replicas of
    144 decode and 32 prefill GPUs, 229 and 280 when replicas were split; $87,649 at 80 GB;
    $88,528, 231 and 283 before the refit with the cross-node all-reduce)."""
    from llmecon.inference.engines import load_engine_efficiency

    r = evaluate(ServingConfig("DeepSeek-R1", "H800", gpus=144, prefill_gpus=32, tpot_ms=47.6,
                               input_tokens=3600, output_tokens=1000, mtp_draft=1,
                               mtp_accept=0.85, gpu_hour_price=2.0), CAT,
                 load_engine_efficiency())
    price = CAT.api_price("DeepSeek-R1")
    assert price is not None
    f = size_fleet(r, Demand(608e9, 168e9, cache_hit=342 / 608,
                             peak_to_average=278 / 226.75).with_price_list(price))
    assert f.daily_cost_at_average == pytest.approx(87_072, rel=0.10)
    assert f.nodes_average == pytest.approx(226.75, rel=0.10)
    assert f.nodes_peak == pytest.approx(278, rel=0.10)


def test_sweep_matches_single_evaluations() -> None:
    s = run_sweep(CAT, EFF, models=["Llama-3.1-8B", "Qwen3-235B-A22B"], gpus=["H100", "H200"],
                  batches=[8, 64], input_tokens=[1000, 4000], prices=[2.0, 3.0],
                  replica_gpus=8)
    assert len(s) == 2 * 2 * 2 * 2 * 2
    df = s.to_frame()
    row = df[(df.model == "Qwen3-235B-A22B") & (df.gpu == "H200") & (df.batch_per_gpu == 64)
             & (df.input_tokens == 4000) & (df.gpu_hour_price == 3.0)].iloc[0]
    one = evaluate(ServingConfig("Qwen3-235B-A22B", "H200", gpus=8, batch_per_gpu=64,
                                 input_tokens=4000, output_tokens=500, gpu_hour_price=3.0),
                   CAT, EFF)
    assert row.decode_tokens_per_gpu_s == pytest.approx(one.decode_tokens_per_gpu_s)
    assert row.cost_per_m_output == pytest.approx(one.cost_output)


def test_cli_inference_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inference", "catalog", "gpus"]) == 0
    assert "Ascend-910C" in capsys.readouterr().out
    assert main(["inference", "cost", "--model", "Llama-3.1-8B", "--gpu", "H100", "--gpus",
                 "1", "--batch", "32", "--gpu-price", "2", "--format", "json"]) == 0
    assert '"cost_output"' in capsys.readouterr().out
    assert main(["inference", "throughput", "--model", "Llama-3.1-8B", "--gpu", "H9"]) == 2
    err = capsys.readouterr().err
    assert "unknown GPU 'H9'; known: H100" in err and "Traceback" not in err
    assert main(["inference", "sweep", "--models", "Llama-3.1-8B", "--gpus-list", "H100,L40S",
                 "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("model,gpu,batch_per_gpu")


@pytest.mark.parametrize(("row", "message"), [
    ("gpus:\n  - {name: X, bf16_tflops: .nan, memory_gb: 40, bandwidth_tbs: 2, as_of: 2026,"
     " source: me}\n", r"gpus\[0\].bf16_tflops: expected a finite number, found nan"),
    ("gpus:\n  - {name: X, bf16_tflops: 100, memory_gb: .inf, bandwidth_tbs: 2, as_of: 2026,"
     " source: me}\n", r"gpus\[0\].memory_gb: expected a finite number"),
    ("gpus:\n  - {name: X, bf16_tflops: 100, memory_gb: 40, bandwidth_tbs: 2, as_of: 2026,"
     " source: me, colour: red}\n", r"gpus\[0\].colour: unknown field"),
    ("models:\n  - {name: M, total_params_b: 10, active_params_b: 12, layers: 2, hidden: 8,"
     " heads: 1, head_dim: 8, attention: gqa, context_length: 8, as_of: x, source: y}\n",
     r"models\[0\].active_params_b: expected at most total_params_b \(10\), found 12"),
    ("models:\n  - {name: M, total_params_b: 10, active_params_b: 1, layers: 2, hidden: 8,"
     " heads: 1, attention: mla, context_length: 8, as_of: x, source: y}\n",
     r"models\[0\].kv_lora_rank: expected a whole number >= 1 for mla attention"),
    ("models:\n  - {name: M, total_params_b: 10, active_params_b: 1, layers: 2, hidden: 8,"
     " heads: 1, head_dim: 8, attention: gqa, context_length: 8, as_of: x, source: y,"
     " routed_experts: 4, top_k: 6, expert_ffn: 4, moe_layers: 2}\n",
     r"models\[0\].top_k: expected 1 to routed_experts \(4\)"),
    ("models:\n  - {name: M, total_params_b: 10, active_params_b: 1, layers: 2, hidden: 8,"
     " heads: 1, head_dim: 8, attention: softmax, context_length: 8, as_of: x, source: y}\n",
     r"models\[0\].attention: expected one of 'gqa' or 'mla', found 'softmax'"),
    ("gpu_hour:\n  - {gpu: H100, provider: p, price: -2, currency: USD, as_of: 2026,"
     " source: s}\n", r"gpu_hour\[0\].price: expected a number >= 0, found -2"),
    ("api:\n  - {model: M, endpoint: e, input_cache_miss: 1, output: 2, currency: USD,"
     " input_cache_hit: -0.1, as_of: 2026, source: s}\n",
     r"api\[0\].input_cache_hit: expected a number >= 0"),
    ("gpus: []\nmodel: []\n", r"model: unknown field"),
])
def test_catalog_errors_name_file_field_and_expectation(tmp_path: Path, row: str,
                                                        message: str) -> None:
    p = tmp_path / "mine.yaml"
    p.write_text(row)
    with pytest.raises(InputError, match=r"mine.yaml: " + message):
        load_catalog([p])


def test_catalog_round_trips_through_yaml(tmp_path: Path) -> None:
    p = tmp_path / "all.yaml"
    p.write_text(CAT.to_yaml())
    from llmecon.inference.catalog import load_catalog_file

    back = load_catalog_file(p)
    assert back.gpus == CAT.gpus and back.models == CAT.models
    assert back.gpu_prices == CAT.gpu_prices and back.api_prices == CAT.api_prices


def test_catalog_repr_counts_rows() -> None:
    text = repr(CAT)
    assert text.startswith(f"Catalog({len(CAT.gpus)} GPUs, {len(CAT.models)} models, ")
    assert "llmecon/data/inference/gpus.yaml" in text and len(text) < 400


def test_demand_errors_and_price_merging() -> None:
    with pytest.raises(InputError, match=r"demand: cache_hit: expected a number <= 1"):
        Demand(1e9, 1e8, cache_hit=1.2)
    with pytest.raises(InputError, match=r"demand: peak_to_average: expected a number >= 1"):
        Demand(1e9, 1e8, peak_to_average=0.5)
    with pytest.raises(InputError, match=r"demand: input_tokens_per_day: expected a finite"):
        Demand(float("nan"), 1e8)
    price = CAT.api_price("DeepSeek-V3", "deepseek-chat")
    assert price is not None
    d = Demand(1e9, 1e8).with_price_list(price).with_prices(output=9.0)
    # the list's input prices survive an output override
    assert (d.price_input_miss, d.price_input_hit, d.price_output) == \
        (price.input_cache_miss, price.input_cache_hit, 9.0)


def _llama(gpu: str = "H100", **kw: object) -> ServingResult:
    return evaluate(ServingConfig("Llama-3.1-8B", gpu, gpus=1, batch_per_gpu=64,
                                  gpu_hour_price=2.0, **kw), CAT, EFF)  # type: ignore[arg-type]


def test_nodes_have_the_systems_size() -> None:
    # a 1-GPU replica on GB200 is bought in 4-GPU trays, on H100 in 8-GPU nodes
    gb, h = _llama("GB200"), _llama("H100")
    assert (gb.gpus_per_node, h.gpus_per_node) == (4, 8)
    d = Demand(86_400e6, 86_400e5)
    f = size_fleet(gb, d)
    gpus = f.prefill_gpus_average + f.decode_gpus_average
    assert f.gpus_per_node == 4 and f.nodes_average == int(np.ceil(gpus / 4))
    assert f.daily_cost == pytest.approx(f.nodes_peak * 4 * 24 * 2.0)


def test_cache_hits_billed_at_miss_price_without_a_hit_price() -> None:
    # 1,000M input tokens a day, half cached, $0.60/M input, $2.20/M output, no hit price
    price = ApiPrice(model="GLM-4.6", endpoint="Z.ai", input_cache_miss=0.60, output=2.20,
                     currency="USD", as_of="2025-09", source="test")
    d = Demand(1_000e6, 100e6, cache_hit=0.5).with_price_list(price)
    f = size_fleet(_llama(), d)
    assert f.price_input_hit_used == 0.60
    assert f.daily_revenue == pytest.approx(1_000 * 0.60 + 100 * 2.20)
    # a hit price alone is applied, the list's other prices kept
    d2 = d.with_prices(input_hit=0.11)
    assert (d2.price_input_miss, d2.price_input_hit, d2.price_output) == (0.60, 0.11, 2.20)


def test_provisioning_is_a_stated_choice() -> None:
    r = _llama()
    peak = size_fleet(r, Demand(86_400e6, 86_400e5, peak_to_average=2.0))
    avg = size_fleet(r, Demand(86_400e6, 86_400e5, peak_to_average=2.0,
                               provisioning="average"))
    assert (peak.provisioning, avg.provisioning) == ("peak", "average")
    assert peak.daily_cost == peak.daily_cost_at_peak > avg.daily_cost == \
        avg.daily_cost_at_average


def test_json_has_null_with_a_reason_never_nan() -> None:
    import json

    f = size_fleet(_llama(), Demand(86_400e6, 0.0))  # no prices, no output
    d = f.to_dict()
    assert d["gross_margin"] is None and "no revenue" in d["notes"]["gross_margin"]
    assert d["cost_per_million_output_equivalent"] is None
    json.dumps(d, allow_nan=False)  # raises on a bare NaN
    r = evaluate(ServingConfig("Llama-3.1-8B", "L40S", gpus=1, batch_per_gpu=8), CAT, EFF)
    rd = r.to_dict()
    if r.gpu_hour_price is None:
        assert rd["cost_output"] is None and "no GPU-hour price" in rd["notes"]["cost_output"]
    json.dumps(rd, allow_nan=False)


def test_cache_hit_cost_includes_kv_storage() -> None:
    # Llama-3.1-8B BF16 KV: 131,072 B/token; a million cached tokens = 131.072 GB,
    # kept 2 hours at $0.01 per GB-hour = $2.62144 per million hit tokens
    r = _llama(kv_storage_price_per_gb_hour=0.01, cache_retention_hours=2.0)
    assert r.cost_input_hit_storage == pytest.approx(131.072 * 2 * 0.01)
    assert r.cost_input_hit == pytest.approx(r.cost_input_hit_read + 2.62144)  # type: ignore


def test_hardware_of_issue_12_in_catalog() -> None:
    for name, per_node, domain in (("H100", 8, 8), ("H200", 8, 8), ("H800", 8, 8),
                                   ("H20", 8, 8), ("B200", 8, 8), ("B300", 8, 8),
                                   ("GB200", 4, 72), ("GB300", 4, 72), ("MI300X", 8, 8),
                                   ("MI325X", 8, 8), ("MI355X", 8, 8),
                                   ("Ascend-910C", 8, 384)):
        g = CAT.gpu(name)
        assert (g.gpus_per_node, g.scale_up_domain) == (per_node, domain), name
    # FP4 where the chip has it (aiconfigurator system files: dense FP4 TFLOPS)
    assert CAT.gpu("b300_sxm").fp4_tflops == 14_000 and CAT.gpu("gb200").fp4_tflops == 10_000


def test_h20_and_910c_prices_by_hand() -> None:
    hours = 4 * 8_766  # four years, straight line
    h20 = sorted(p.price for p in CAT.gpu_prices if p.gpu == "H20")
    npu = sorted(p.price for p in CAT.gpu_prices if p.gpu == "Ascend-910C")
    assert len(h20) >= 2 and len(npu) >= 2
    power_h20 = 0.8 * 1.3 * 0.08
    assert h20 == pytest.approx([12_000 * 1.5 / hours + power_h20,
                                 1.2e6 / 8 / 7.2 / hours + power_h20], abs=0.005)
    power_npu = 559 / 384 * 1.3 * 0.08
    assert npu == pytest.approx([8.0e6 / 384 / hours + power_npu,
                                 8.2e6 / 384 / hours + power_npu], abs=0.005)


def test_a_gpu_without_link_bandwidths_serves_alone_or_says_why() -> None:
    """Ascend-910B has no scale_up_gbs or scale_out_gbs in the catalog (conflicting
    sources): one GPU is modelled (no collectives: no link time), a replica of several is
    refused by name, never answered with NaN, infinity or a division by zero."""
    g = CAT.gpu("Ascend-910B")
    assert g.scale_up_gbs is None and g.scale_out_gbs is None
    one = evaluate(ServingConfig(model="Llama-3.1-8B", gpu="Ascend-910B", gpus=1,
                                 precision="bf16", kv_dtype="bf16", batch_per_gpu=1),
                   CAT, EFF)
    assert one.tpot_ms is not None and np.isfinite(one.tpot_ms) and one.tpot_ms > 0
    assert one.comm_ms == 0.0
    for bad in (lambda: evaluate(ServingConfig(model="Llama-3.1-70B", gpu="Ascend-910B",
                                               gpus=4, precision="bf16", kv_dtype="bf16"),
                                 CAT, EFF),
                lambda: run_sweep(CAT, EFF, models=["Llama-3.1-70B"],
                                  gpus=["H100", "Ascend-910B"], batches=[1], input_tokens=[1e3],
                                  prices=[2.0], replica_gpus=4)):
        with pytest.raises(InputError, match=r"replica of 4 Ascend-910B needs their link "
                                             r"bandwidth.*no scale_up_gbs"):
            bad()


def test_a_demand_below_one_replica_pays_for_the_whole_replica() -> None:
    """docs/inference.md's DeepSeek-R1 run (decode replicas of 144 H800, prefill replicas of
    32) at a hundredth of the day-6 demand: about 7 prefill and 11 decode GPUs are busy, but
    neither replica can be split. Before, 3 nodes were bought (ceil(18.2 / 8)) for a 79%
    margin; one replica of each kind is 18 + 4 nodes: 22 x 8 x 24 h x $2 = $8,448 a day, at
    the peak and following the load. Revenue at R1's $0.14 hit / $0.55 miss / $2.19 output
    per M: 3,375M x 0.14 + 2,625M x 0.55 + 1,680M x 2.19 = $5,595.45 a day, so the gross
    margin is 1 - 8,448 / 5,595.45 = -51.0%."""
    r = evaluate(ServingConfig("DeepSeek-R1", "H800", gpus=144, prefill_gpus=32, tpot_ms=47.6,
                               input_tokens=3600, output_tokens=1000, mtp_draft=1,
                               mtp_accept=0.85, gpu_hour_price=2.0), CAT, EFF)
    price = CAT.api_price("DeepSeek-R1")
    assert price is not None
    f = size_fleet(r, Demand(6e9, 1.68e9, cache_hit=0.5625, peak_to_average=1.23)
                   .with_price_list(price))
    assert 0 < f.prefill_gpus_average < 32 and 0 < f.decode_gpus_average < 144
    assert (f.nodes_average, f.nodes_peak) == (22, 22)
    assert f.daily_cost == pytest.approx(8_448.0)
    assert f.daily_cost_at_average == pytest.approx(8_448.0)
    assert f.daily_revenue == pytest.approx(5_595.45)
    assert f.gross_margin == pytest.approx(1 - 8_448 / 5_595.45)
    assert (f.replica_gpus, f.prefill_replica_gpus) == (144, 32)


def test_day6_nodes_are_whole_replicas() -> None:
    """At day-6 scale, nodes are 18 per started 144-GPU decode replica plus 4 per started
    32-GPU prefill replica, at the average and at 1.23x it."""
    r = evaluate(ServingConfig("DeepSeek-R1", "H800", gpus=144, prefill_gpus=32, tpot_ms=47.6,
                               input_tokens=3600, output_tokens=1000, mtp_draft=1,
                               mtp_accept=0.85, gpu_hour_price=2.0), CAT, EFF)
    f = size_fleet(r, Demand(608e9, 168e9, cache_hit=0.5625, peak_to_average=1.23))
    pre, dec = f.prefill_gpus_average, f.decode_gpus_average
    for load, nodes in ((1.0, f.nodes_average), (1.23, f.nodes_peak)):
        assert nodes == 18 * np.ceil(load * dec / 144) + 4 * np.ceil(load * pre / 32)
    # following the load: the busy GPU-hours (well above one replica of each kind)
    assert f.daily_cost_at_average == pytest.approx((pre + dec) * 24 * 2.0)


def test_an_undefined_margin_gives_its_true_reason() -> None:
    """A GPU-hour price of 0 with a real demand left the profit-on-cost margin undefined
    "no cost: no demand to serve"; no demand at all left the gross margin undefined "the
    price list is empty". Each reason now names what it can be."""
    r = evaluate(ServingConfig("Llama-3.1-8B", "H100", gpus=1, batch_per_gpu=8,
                               gpu_hour_price=0.0), CAT, EFF)
    free = size_fleet(r, Demand(1e9, 1e9, price_input_miss=1.0, price_output=3.2)).to_dict()
    # revenue 1,000 x $1 + 1,000 x $3.2 = $4,200 a day at no cost: a 100% gross margin
    assert free["daily_revenue"] == pytest.approx(4_200) and free["gross_margin"] == 1.0
    assert free["cost_profit_margin"] is None
    assert "GPU-hour price of 0" in free["notes"]["cost_profit_margin"]
    idle = size_fleet(_llama(), Demand(0.0, 0.0, price_input_miss=1.0, price_output=3.2))
    assert "no demand" in idle.to_dict()["notes"]["gross_margin"]
