"""The serving model against NVIDIA's measured runs (shared/reference/measured_serving.csv,
3,686 runs, Apache-2.0), and a decode step by hand."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from llmecon.config.inference import EngineFactors, ServingFactors
from llmecon.errors import InputError
from llmecon.inference import roofline as rf
from llmecon.inference.catalog import load_catalog
from llmecon.inference.engines import load_serving_factors
from llmecon.inference.fit import accuracy, accuracy_record
from llmecon.inference.measured import (
    load_measured,
    parse_runs,
    predict_runs,
    predict_table,
)

CAT = load_catalog()
_HERE = Path(__file__).resolve()
# the shared table, copied into the repository with its Apache-2.0 notice (tests/data/
# measured_serving/), so a fresh clone tests against it; a table must be there
TABLE = _HERE.parents[1] / "data" / "measured_serving" / "measured_serving.csv"
needs_table = pytest.mark.skipif(not TABLE.exists(), reason="tests/data/measured_serving missing")

HEADER = ("id,silicon_data_source,backend,backend_version,model_path,system,precision,mode,isl,"
          "osl,gemm_quant_mode,moe_quant_mode,batch_size,tp_size,pp_size,attention_dp_size,"
          "moe_tp_size,moe_ep_size,prefill_batch_size,prefill_num_workers,prefill_tp_size,"
          "prefill_pp_size,prefill_attention_dp_size,prefill_moe_tp_size,prefill_moe_ep_size,"
          "decode_batch_size,decode_num_workers,decode_tp_size,decode_pp_size,"
          "decode_attention_dp_size,decode_moe_tp_size,decode_moe_ep_size,silicon_ttft_ms,"
          "silicon_tpot_ms\n")


def _parsed(frame: Any) -> tuple[Any, rf.Arch]:
    """The runs of a measured table and their models' architectures."""
    runs = parse_runs(frame, CAT)
    return runs, rf.Arch.of([CAT.model(m) for m in runs.models])


def _ideal() -> ServingFactors:
    e = EngineFactors(prefill_mfu=1.0, decode_mfu=1.0, decode_bw=1.0, step_us_per_layer=0.0,
                      burst=0.0, disagg_ttft_ms=0.0, ttft_us_per_layer=0.0)
    return ServingFactors(engines={"vllm": e, "sglang": e, "trtllm": e}, network=1.0,
                          memory_reserve=0.1)


def test_one_request_decode_step_by_hand(tmp_path: Path) -> None:
    # Llama-3.1-8B in BF16 on one H100 at full bandwidth, one request of 1 + 2,000 tokens:
    # each step reads the weights but the input embedding, 2 x (8.03B - 128,256 x 4,096),
    # and the KV cache of the 1 + 1,000 cached tokens on average (131,072 B each).
    p = tmp_path / "t.csv"
    p.write_text(HEADER + "r1,x; silicon_concurrency=1,vllm,0.19,meta-llama/Llama-3.1-8B,"
                 "h100_sxm,,agg,1,2000,,,1,1,1,1,1,1,,,,,,,,,,,,,,,10,5\n")
    frame = load_measured(p)
    pred = predict_table(frame, CAT, _ideal())
    weights = 2 * (8_030_261_248 - 128_256 * 4_096)
    kv = 131_072 * (1 + 1_000)
    expected_ms = (weights + kv) / 3.35e12 * 1e3
    assert pred.status[0] == "ok"
    assert pred.pred_tpot_ms[0] == pytest.approx(expected_ms, rel=0.002)


def test_missing_columns_are_named(tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    p.write_text("model_path,system\nx,y\n")
    with pytest.raises(InputError, match=r"bad.csv: expected the columns .* missing backend"):
        load_measured(p)


def test_extra_fields_and_a_repeated_column_are_refused(tmp_path: Path) -> None:
    """From a hostile-input audit: rows with one field more than the header were read with
    every column shifted (the id column held 'trtllm'); a second 'isl' column was read as
    'isl.1' and ignored."""
    lines = TABLE.read_text().splitlines()[:3]
    extra = tmp_path / "extra.csv"
    extra.write_text("\n".join([lines[0], *(ln + ",9" for ln in lines[1:])]) + "\n")
    with pytest.raises(InputError, match=r"extra.csv: rows have more fields than the "
                                         r"header's 34 columns"):
        load_measured(extra)
    twice = tmp_path / "twice.csv"
    twice.write_text("\n".join([lines[0] + ",isl", *(ln + ",1" for ln in lines[1:])]) + "\n")
    with pytest.raises(InputError, match=r"twice.csv: column 'isl' appears more than once"):
        load_measured(twice)
    twice.write_text("\n" + twice.read_text())  # a blank first line got it past (a review)
    with pytest.raises(InputError, match=r"twice.csv: column 'isl' appears more than once"):
        load_measured(twice)


def test_unknown_rows_get_a_status(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text(HEADER + "r1,x; silicon_concurrency=4,vllm,0,acme/Unknown-1B,h100_sxm,fp8,agg,"
                 "1,2,,,4,1,1,1,1,1,,,,,,,,,,,,,,,10,5\n"
                 "r2,x; silicon_concurrency=4,vllm,0,meta-llama/Llama-3.1-8B,tpu_v9,fp8,agg,"
                 "1,2,,,4,1,1,1,1,1,,,,,,,,,,,,,,,10,5\n")
    out = predict_table(load_measured(p), CAT, load_serving_factors())
    assert list(out.status) == ["model not in the catalog", "system not in the catalog"]
    assert np.isnan(out.pred_tpot_ms).all()


def test_concurrency_is_one_whole_number_or_a_named_problem(tmp_path: Path) -> None:
    """From a hostile-input audit: the concurrency was read with ``(\\d+)``, so ``1e30``
    was 1 and ``2.5`` was 2 (status ok), ``-5`` and ``nan`` fell back to the batch size
    without a word, and of two values the first won."""
    row = ("{id},x; {src},vllm,0.19,meta-llama/Llama-3.1-8B,h100_sxm,fp8,agg,1024,128,,,4,1,"
           "1,1,1,1,,,,,,,,,,,,,,,10,5\n")
    given = ["silicon_concurrency=4", "silicon_concurrency=4; silicon_concurrency=4",
             "Silicon_Concurrency = 4",
             "silicon_concurrency=1e30", "silicon_concurrency=2.5", "silicon_concurrency=-5",
             "silicon_concurrency=nan", "silicon_concurrency=4; silicon_concurrency=999",
             "silicon_concurrency=0", "silicon_concurrency=1000001"]
    p = tmp_path / "t.csv"
    p.write_text(HEADER + "".join(row.format(id=f"r{i}", src=g) for i, g in enumerate(given)))
    out = predict_table(load_measured(p), CAT, load_serving_factors())
    assert list(out.status[:3]) == ["ok", "ok", "ok"]
    assert all(x == "silicon_data_source: expected one silicon_concurrency, a whole number "
               "from 1 to 1,000,000" for x in out.status[3:]), list(out.status)


@needs_table
def test_whole_shared_table_predicted_fast() -> None:
    frame = load_measured(TABLE)
    start = time.perf_counter()
    out = predict_table(frame, CAT, load_serving_factors())
    assert time.perf_counter() - start < 2.0
    assert (out.status == "ok").mean() >= 0.95
    buf = io.StringIO()
    out.to_csv(buf, index=False)
    assert "pred_tpot_ms" in buf.getvalue().splitlines()[0]


@needs_table
def test_in_sample_accuracy_of_bundled_factors() -> None:
    """In sample (the bundled factors were fitted on this table): median |TPOT error| 18.1%,
    |TTFT error| 34.7% (p90: 59% and 100%) with the all-reduce hierarchical beyond the NVLink
    domain (18.2% and 35.0%, p90 58% and 106%, at NVLink bandwidth throughout); with the
    all-reduce at its full volume (18.1% and 34.2%, p90 57% and 104%, when it was counted
    tp² too small; 17.5% TPOT while the decode MFU was fitted too,
    17.4% while the decode network share was), guarded at 19% and 36% (33.9% with a one-pass
    fit and prefill collectives at the decode network share; before decode steps
    interleaved with a wave's prefill chunks: 34.5%; before the per-layer first-token
    time: 17.4% and 35.8%; before the layout fold, the prefill-pass weight
    floor and the routed experts' prefill efficiency: 20.4% and 41.8%)."""
    frame = load_measured(TABLE)
    runs, arch = _parsed(frame)
    factors = load_serving_factors()
    a = accuracy(frame, runs, arch, factors)
    s = a.in_sample
    assert a.predicted_share >= 0.95
    assert s.tpot_median < 0.19, s
    assert s.ttft_median < 0.36, s
    # the figures recorded beside the factors (and shown with every prediction) are these
    rec = factors.accuracy
    assert rec is not None and rec.rows == s.rows
    for k, v in rec.in_sample.model_dump().items():
        assert v == pytest.approx(getattr(s, k), abs=5e-4), k


@needs_table
@pytest.mark.slow
def test_leave_one_model_out_accuracy() -> None:
    """Each model's rows predicted by factors fitted on the other models' rows only
    (DeepSeek-R1 and -V3 one model); every fold's fit starts from the hand-set prior, not
    from the factors fitted on all rows; engine fields the training rows do not determine
    stay at the prior. Since 2026-12-01 (every GPU's memory in decimal GB of its bytes,
    H100/H200 80/141 GiB; each fold fitted from three starts, keeping the lowest training
    loss): 20.1% (p90 61%) and 39.5% (p90 99%) over 3,619 rows; from one start, 20.3% and
    41.1%: the Llama-3.1-70B fold stopped in a worse minimum of its own training rows
    (soft-L1 cost 297.8; 279.0 from a start 1% away, held-out TTFT 37% against 26%).
    Before: median |TPOT error| 19.9% (p90 61%), |TTFT error| 39.5%
    (p90 99%) over 3,622 rows with the all-reduce hierarchical beyond the NVLink domain
    (20.2% and 39.4%, p90 63% and 105%, at NVLink bandwidth throughout), at its full volume,
    with in-switch reduction and its latency (19.9% and 39.1%, p90 61% and 98%, when it was
    counted tp² too small). Before those fields were held (the DeepSeek fold let
    SGLang's disaggregated first-token time, which no other model's rows touch, wander to
    4.2 s, and a change in the last bits of a sum moved the fold's result to 43.7%): 20.2%
    and 39.5% over 3,619 rows; 20.4% and 38.0% while the decode MFU was fitted too (3,602
    rows); 20.8% and 38.6% while the decode network share was fitted
    (20.7% and 40.3% with a one-pass fit and prefill
    collectives at the decode network share). Earlier figures, whose folds started from the all-rows
    factors (a leak of the held-out rows through the start of a fit that stops in a local
    minimum): 20.5% and 39.0% with decode steps interleaved with a wave's prefill chunks;
    20.2% and 40.2% before; 20.2% and 46.1% before the per-layer first-token time; before
    the layout fold, the prefill-pass weight floor and the routed experts' prefill
    efficiency: 23.0% (p90 76%) and 61.3% (p90 184%)); issue 12 asks TPOT <= 15% and
    TTFT <= 25%: not met. The tolerances guard against regressions. About 2-3 minutes
    (three fits per fold)."""
    frame = load_measured(TABLE)
    runs, arch = _parsed(frame)
    factors = load_serving_factors()
    a = accuracy(frame, runs, arch, factors, hold_out="model")
    out = a.out_of_sample
    assert out is not None
    assert out.rows >= 0.95 * len(frame)
    assert out.tpot_median < 0.22, out
    assert out.ttft_median < 0.40, out
    # the recorded figures (shown with every prediction) are the ones measured here (to
    # 0.2 points: a refit's last digits may move with the BLAS and scipy of a machine)
    rec = factors.accuracy
    assert rec is not None
    got = accuracy_record(a, rec.table)
    assert got.rows == rec.rows
    for k, v in rec.leave_one_model_out.model_dump().items():
        assert v == pytest.approx(getattr(got.leave_one_model_out, k), abs=2e-3), k


def test_predict_is_vectorised_over_rows() -> None:
    # the same row twice gives the same prediction; changing one row leaves the other alone
    frame = load_measured_from_text(
        "a,x; silicon_concurrency=8,trtllm,1,Qwen/Qwen3-32B,h200_sxm,fp8,agg,1024,512,,,8,2,"
        "1,1,1,1,,,,,,,,,,,,,,,10,5\n"
        "b,x; silicon_concurrency=64,trtllm,1,Qwen/Qwen3-32B,h200_sxm,fp8,agg,1024,512,,,64,"
        "2,1,1,1,1,,,,,,,,,,,,,,,10,5\n")
    runs, arch = _parsed(frame)
    both = predict_runs(runs, arch, load_serving_factors())
    assert both.tpot_ms[1] > both.tpot_ms[0]  # a larger batch per step is slower per token
    assert both.output_tok_s_per_gpu[1] > both.output_tok_s_per_gpu[0]


def load_measured_from_text(rows: str) -> object:
    import pandas as pd

    return pd.read_csv(io.StringIO(HEADER + rows))


def test_accuracy_frame_by_hand(tmp_path: Path) -> None:
    # two rows predicted 10% high and 20% low in TPOT: median |error| 15%
    frame = load_measured_from_text(
        "a,x; silicon_concurrency=8,trtllm,1,Qwen/Qwen3-32B,h200_sxm,fp8,agg,1024,512,,,8,2,"
        "1,1,1,1,,,,,,,,,,,,,,,10,5\n"
        "b,x; silicon_concurrency=64,trtllm,1,Qwen/Qwen3-32B,h200_sxm,fp8,agg,1024,512,,,64,"
        "2,1,1,1,1,,,,,,,,,,,,,,,10,5\n")
    runs, arch = _parsed(frame)
    p = predict_runs(runs, arch, load_serving_factors())
    frame["silicon_tpot_ms"] = [p.tpot_ms[0] / 1.1, p.tpot_ms[1] / 0.8]
    frame["silicon_ttft_ms"] = [p.ttft_ms[0], p.ttft_ms[1]]
    a = accuracy(frame, runs, arch, load_serving_factors())
    assert a.in_sample.tpot_median == pytest.approx(0.15)
    assert a.in_sample.ttft_median == pytest.approx(0.0, abs=1e-12)
    df = a.to_frame()
    assert list(df.scope[:2]) == ["all", "Qwen3-32B / h200_sxm / trtllm / agg"]


@needs_table
@pytest.mark.slow
def test_leave_one_system_out_accuracy() -> None:
    """Each GPU system's rows predicted by factors fitted on the other systems' rows.
    Folds start from the hand-set prior. Achieved with the bundled factors of 2026-11-30:
    median |TPOT error| 19.6%, |TTFT error| 37.7%; with the fit before, 19.6% (p90 64%)
    and 37.5% (p90 122%), with the all-reduce at its full volume (19.7% and 37.3%
    when it was counted tp² too small); with fields the rows do not determine at the prior
    (19.0% and 36.4% before, with the decode MFU and network share set; 18.7% and 36.7%
    with the MFU fitted; 18.8% and 36.6% while
    it was fitted; 19.5% and 37.4% with a one-pass fit and prefill
    collectives at the decode network share; folds started from the all-rows factors:
    18.4% and 36.6%; before the per-layer first-token time: 18.6% and 38.8%; before
    the layout fold, the prefill-pass weight floor and the routed experts' prefill
    efficiency: 24.1% (p90 79%) and 46.6% (p90 149%)); the tolerances guard against
    regressions. About 1.5-4 minutes."""
    frame = load_measured(TABLE)
    runs, arch = _parsed(frame)
    a = accuracy(frame, runs, arch, load_serving_factors(), hold_out="system")
    out = a.out_of_sample
    assert out is not None and a.hold_out == "system"
    assert set(a.per_held_out) == {"b200_sxm", "b300_sxm", "gb200", "h100_sxm", "h200_sxm"}
    assert out.tpot_median < 0.21, out
    assert out.ttft_median < 0.39, out


def test_oversized_agg_layout_is_read_as_its_duplicate() -> None:
    # DeepSeek-R1 on an 8-GPU H200 node: the table lists the same measurement (TTFT 494 ms,
    # TPOT 8.6 ms at 4 in flight) as tp 8 / moe_ep 8 and as tp 64 / moe 8 x 8; an agg worker
    # cannot span 64 GPUs of an 8-GPU NVLink domain, so both are the 8-GPU run.
    frame = load_measured_from_text(
        "a,x; silicon_concurrency=4,trtllm,1,deepseek-ai/DeepSeek-R1,h200_sxm,fp8,agg,1024,"
        "1024,,,4,8,1,1,1,8,,,,,,,,,,,,,,,494,8.6\n"
        "b,x; silicon_concurrency=4,trtllm,1,deepseek-ai/DeepSeek-R1,h200_sxm,fp8,agg,1024,"
        "1024,,,4,64,1,1,8,8,,,,,,,,,,,,,,,494,8.6\n")
    runs = parse_runs(frame, CAT)
    assert list(runs.gpus_per_worker) == [8.0, 8.0]
    assert list(runs.tp) == [8.0, 8.0]
    p = predict_runs(runs, rf.Arch.of([CAT.model(m) for m in runs.models]),
                     load_serving_factors())
    assert p.tpot_ms[0] == p.tpot_ms[1] and p.ttft_ms[0] == p.ttft_ms[1]


def test_moe_prefill_of_one_prompt_reads_the_experts() -> None:
    # DeepSeek-V3 in FP8 on 8 H200 (ideal factors): one 1,024-token prompt cannot be faster
    # than reading the weights held per GPU once, 671e9 B / 8 / 4.8e12 B/s = 17.5 ms
    # (the pass is memory-bound: 32 tokens per expert); at 64 prompts the pass is
    # compute-bound and its prompt takes far less than 17.5 ms of weight reading each.
    frame = load_measured_from_text(
        "a,x; silicon_concurrency=1,trtllm,1,deepseek-ai/DeepSeek-V3,h200_sxm,fp8,agg,1024,"
        "2,,,1,8,1,1,1,8,,,,,,,,,,,,,,,10,5\n")
    runs, arch = _parsed(frame)
    p = predict_runs(runs, arch, _ideal())
    # TTFT = prompt on its TP group + one decode step; the prompt alone is >= 17.5 ms
    weights_ms = 671e9 / 8 / 4.8e12 * 1e3
    assert p.ttft_ms[0] > weights_ms
    assert p.ttft_ms[0] < 3 * weights_ms


def test_moe_prefill_time_is_per_moe_layer() -> None:
    # DeepSeek-V3 has 61 layers, the first 3 dense: 58 MoE layers. 1 ms per MoE layer of
    # prefill adds 58 ms to the first token; a dense model (Qwen3-32B) gets nothing.
    frame = load_measured_from_text(
        "a,x; silicon_concurrency=1,trtllm,1,deepseek-ai/DeepSeek-V3,h200_sxm,fp8,agg,1024,"
        "2,,,1,8,1,1,1,8,,,,,,,,,,,,,,,10,5\n"
        "b,x; silicon_concurrency=1,trtllm,1,Qwen/Qwen3-32B,h200_sxm,fp8,agg,1024,"
        "2,,,1,2,1,1,1,1,,,,,,,,,,,,,,,10,5\n")
    runs, arch = _parsed(frame)
    base = predict_runs(runs, arch, _ideal())
    more = predict_runs(runs, arch, _ideal().model_copy(update={"moe_prefill_us_per_layer":
                                                                1000.0}))
    assert more.ttft_ms[0] - base.ttft_ms[0] == pytest.approx(58.0, rel=1e-9)
    assert more.ttft_ms[1] == pytest.approx(base.ttft_ms[1], rel=1e-12)


def test_routed_experts_prefill_at_their_efficiency() -> None:
    # DeepSeek-V3 prefill FLOPs per token, by hand: 2 x active (36.63e9) + attention over
    # 512 keys on average for a 1,024-token prompt (2.559e9); the routed part is
    # 8 experts x 3 x 7,168 x 2,048 x 58 layers = 20.43e9 parameters. At half efficiency
    # the routed FLOPs count twice: (2 x (36.63 + 20.43) + 2.559) / (2 x 36.63 + 2.559).
    a = rf.Arch.of([CAT.model("DeepSeek-V3")])
    hw = rf.Hardware.of([CAT.gpu("H200")], "fp8")
    kw = {"prompt": 1024.0, "gpus": 1.0, "tp": 1.0, "tokens_per_gpu": 1e9}
    full = rf.prefill_tokens_per_gpu_s(a, hw, eff=rf.Efficiency(network=1e9), **kw)
    half = rf.prefill_tokens_per_gpu_s(a, hw, eff=rf.Efficiency(network=1e9, expert=0.5),
                                       **kw)
    routed = 8 * 3 * 7168 * 2048 * 58
    expected = (2 * (36.6256036e9 + routed) + 2.55852544e9) / (2 * 36.6256036e9
                                                               + 2.55852544e9)
    assert float(full[0] / half[0]) == pytest.approx(expected, rel=1e-6)


def test_first_token_time_per_layer_by_hand() -> None:
    # 1 ms per layer of first-token time adds 32 ms to Llama-3.1-8B (32 layers) and 80 ms
    # to Llama-3.1-70B (80 layers), nothing to its time per output token
    frame = load_measured_from_text(
        "a,x; silicon_concurrency=1,vllm,1,meta-llama/Llama-3.1-8B,h100_sxm,,agg,1024,512,,,"
        "1,1,1,1,1,1,,,,,,,,,,,,,,,10,5\n"
        "b,x; silicon_concurrency=1,vllm,1,meta-llama/Llama-3.1-70B,h100_sxm,fp8,agg,1024,"
        "512,,,1,4,1,1,1,1,,,,,,,,,,,,,,,10,5\n")
    runs, arch = _parsed(frame)
    base = _ideal()
    e = base.engines["vllm"].model_copy(update={"ttft_us_per_layer": 1000.0})
    more = base.model_copy(update={"engines": {**base.engines, "vllm": e}})
    p0, p1 = predict_runs(runs, arch, base), predict_runs(runs, arch, more)
    assert list(p1.ttft_ms - p0.ttft_ms) == pytest.approx([32.0, 80.0])
    assert list(p1.tpot_ms) == pytest.approx(list(p0.tpot_ms))


def test_aggregated_wave_interleaves_decode_steps_by_hand() -> None:
    # An aggregated worker prefills a wave's prompts in chunks of 8,192 tokens, a decode
    # step beside each chunk. Two 8,192-token prompts arriving together (burst 1): the
    # second waits for the first's chunk, so 1 ms more per layer of decode step (32 ms for
    # Llama-3.1-8B's 32 layers) adds 32 ms to the first token of each (its own step) and
    # 32 ms to the second's wait: 32 + 32 / 2 = 48 ms on average; alone, 32 ms.
    frame = load_measured_from_text(
        "a,x; silicon_concurrency=1,vllm,1,meta-llama/Llama-3.1-8B,h100_sxm,,agg,8192,512,,,"
        "1,1,1,1,1,1,,,,,,,,,,,,,,,10,5\n"
        "b,x; silicon_concurrency=2,vllm,1,meta-llama/Llama-3.1-8B,h100_sxm,,agg,8192,512,,,"
        "2,1,1,1,1,1,,,,,,,,,,,,,,,10,5\n")
    runs, arch = _parsed(frame)
    base = _ideal()
    e0 = base.engines["vllm"].model_copy(update={"burst": 1.0})
    e1 = e0.model_copy(update={"step_us_per_layer": 1000.0})
    f0 = base.model_copy(update={"engines": {**base.engines, "vllm": e0},
                                 "prefill_interference": 0.0})
    f1 = f0.model_copy(update={"engines": {**base.engines, "vllm": e1}})
    p0, p1 = predict_runs(runs, arch, f0), predict_runs(runs, arch, f1)
    assert list(p1.ttft_ms - p0.ttft_ms) == pytest.approx([32.0, 48.0])


def test_held_out_fold_does_not_start_from_the_given_factors(monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    # every leave-one-out fit starts from the hand-set prior, whatever factors are given
    import llmecon.inference.fit as fit

    starts: list[ServingFactors] = []

    def record(runs: object, arch: object, start: ServingFactors, *a: object,
               **k: object) -> ServingFactors:
        starts.append(start)
        return start

    monkeypatch.setattr(fit, "fit_factors", record)
    frame = load_measured_from_text(
        "a,x; silicon_concurrency=8,trtllm,1,Qwen/Qwen3-32B,h200_sxm,fp8,agg,1024,512,,,8,2,"
        "1,1,1,1,,,,,,,,,,,,,,,10,5\n"
        "b,x; silicon_concurrency=8,trtllm,1,meta-llama/Llama-3.1-8B,h200_sxm,fp8,agg,1024,"
        "512,,,8,1,1,1,1,1,,,,,,,,,,,,,,,10,5\n")
    runs, arch = _parsed(frame)
    accuracy(frame, runs, arch, load_serving_factors(), hold_out="model")
    assert len(starts) == 2
    assert all(s == fit.prior_factors() for s in starts)


def test_a_fold_keeps_the_start_of_the_lowest_training_loss(monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    """Each leave-one-out fold fits from the prior and from the prior with every fitted
    factor 1% lower and 1% higher (one start stopped the Llama-3.1-70B fold in a worse
    minimum: training cost 297.8 against 279.0); the lowest training cost wins. Here the
    optimiser is replaced by one that stays at its start and costs the sum of the start's
    logits: the start 1% lower costs least, so the prior's prefill MFU 0.5 comes back as
    0.495 and its memory reserve 0.1 as 0.099 (by hand)."""
    import scipy.optimize

    import llmecon.inference.fit as fit

    class Stay:
        def __init__(self, x: Any) -> None:
            self.x, self.cost = x, float(np.sum(x))

    monkeypatch.setattr(scipy.optimize, "least_squares", lambda f, x0, **k: Stay(x0))
    frame = load_measured_from_text(
        "a,x; silicon_concurrency=8,trtllm,1,Qwen/Qwen3-32B,h200_sxm,fp8,agg,1024,512,,,8,2,"
        "1,1,1,1,,,,,,,,,,,,,,,10,5\n")
    runs, arch = _parsed(frame)
    rows = np.ones(len(runs), dtype=bool)
    t = np.array([10.0])
    got = fit.fit_factors(runs, arch, fit.prior_factors(), rows, t, t, starts=fit.FOLD_STARTS)
    assert fit.FOLD_STARTS == (1.0, 0.99, 1.01)
    assert got.engines["trtllm"].prefill_mfu == pytest.approx(0.495)
    assert got.memory_reserve == pytest.approx(0.099)
    one = fit.fit_factors(runs, arch, fit.prior_factors(), rows, t, t)
    assert one.engines["trtllm"].prefill_mfu == pytest.approx(0.5)


def test_prefill_collectives_do_not_use_the_decode_network_share() -> None:
    # DeepSeek-R1 on 8 H200 with experts spread over all 8 (all-to-all in every MoE layer),
    # one request: the fitted network share slows the decode steps only, so the first
    # token moves by exactly the one decode step it includes (prefill interference 0).
    frame = load_measured_from_text(
        "a,x; silicon_concurrency=1,trtllm,1,deepseek-ai/DeepSeek-R1,h200_sxm,fp8,agg,1024,"
        "1024,,,1,8,1,1,1,8,,,,,,,,,,,,,,,494,8.6\n")
    runs, arch = _parsed(frame)
    fast = _ideal().model_copy(update={"prefill_interference": 0.0})
    slow = fast.model_copy(update={"network": 0.1})
    p0, p1 = predict_runs(runs, arch, fast), predict_runs(runs, arch, slow)
    assert p1.tpot_ms[0] > p0.tpot_ms[0]
    assert p1.ttft_ms[0] - p0.ttft_ms[0] == pytest.approx(p1.tpot_ms[0] - p0.tpot_ms[0])


@needs_table
def test_some_measured_tpots_beat_the_roofline_floor(monkeypatch: pytest.MonkeyPatch) -> None:
    """The evidence of an unrecorded setting (docs/inference.md): with every factor ideal (all HBM
    bandwidth, all peak FLOP/s, no fixed time, perfect links: no all-reduce latency either)
    no decode step can be faster
    than its roofline, unless the engine decoded several tokens per step (speculative
    decoding: DeepSeek's multi-token prediction), which the table does not record. About
    230 rows are faster than that floor, nearly all DeepSeek ones (226, 218 of them DeepSeek;
    up to 3.1x: 7.0 ms against a 21.6 ms floor). If they were not, the claim would have to go."""
    monkeypatch.setattr(rf, "ALLREDUCE_LATENCY_UP_S", 0.0)
    monkeypatch.setattr(rf, "ALLREDUCE_LATENCY_OUT_S", 0.0)
    frame = load_measured(TABLE)
    runs, arch = _parsed(frame)
    ideal = _ideal().model_copy(update={"memory_reserve": 0.0, "prefill_interference": 0.0})
    floor = predict_runs(runs, arch, ideal).tpot_ms
    measured = frame["silicon_tpot_ms"].to_numpy(dtype=float)
    below = (runs.status == "ok") & (measured < floor)
    deepseek = np.array([runs.models[i] == "DeepSeek-V3" if i >= 0 else False
                         for i in runs.model_index])
    assert 150 <= below.sum() <= 300, below.sum()
    assert (below & deepseek).sum() >= 0.95 * below.sum()


def test_binding_limit_names_prompt_chunks_between_steps() -> None:
    # Llama-3.1-8B on one H100 in agg mode, 64 requests of 8,192 in / 16 out: every decode
    # step carries 64 / 16 = 4 new prompts of 8,192 tokens (32,768 prompt tokens between
    # steps), far more time than one step over 64 sequences; without that interleaving
    # (interference 0) the binding limit is a part of the step itself.
    frame = load_measured_from_text(
        "a,x; silicon_concurrency=64,vllm,1,meta-llama/Llama-3.1-8B,h100_sxm,fp8,agg,8192,"
        "16,,,64,1,1,1,1,1,,,,,,,,,,,,,,,100,10\n")
    runs, arch = _parsed(frame)
    with_chunks = _ideal().model_copy(update={"prefill_interference": 1.0})
    assert predict_runs(runs, arch, with_chunks).bound[0] == "prefill between steps"
    alone = with_chunks.model_copy(update={"prefill_interference": 0.0})
    assert predict_runs(runs, arch, alone).bound[0] in ("attention/KV", "dense weights")


def test_docs_quote_the_recorded_serving_accuracy() -> None:
    """The accuracy table of the serving model (docs/inference.md, moved from the README)
    shows the figures recorded beside the factors (which the tests above recompute)."""
    from pathlib import Path

    rec = load_serving_factors().accuracy
    assert rec is not None
    readme = (Path(__file__).resolve().parents[2] / "docs" / "inference.md").read_text(
        encoding="utf-8")
    for label, fig in (("| in sample (bundled factors) |", rec.in_sample),
                       ("| leave one model out |", rec.leave_one_model_out)):
        line = next(x for x in readme.splitlines() if x.startswith(label))
        cells = [c.strip() for c in line.strip("|").split("|")][2:]
        shown = [float(c.rstrip("%")) / 100 for c in cells]
        assert shown == pytest.approx([fig.ttft_median, fig.ttft_p90, fig.tpot_median,
                                       fig.tpot_p90], abs=6e-4), line


@needs_table
def test_fields_the_rows_do_not_determine_stay_at_the_prior() -> None:
    """A fit on aggregated vLLM rows only cannot learn SGLang's or TensorRT-LLM's factors
    nor vLLM's disaggregated first-token time: they stay at the hand-set prior (fitted with
    no data they wandered to their bounds); vLLM's own factors move."""
    from llmecon.inference.fit import fit_factors, prior_factors

    frame = load_measured(TABLE)
    runs, arch = _parsed(frame)
    ttft = frame["silicon_ttft_ms"].to_numpy(dtype=float)
    tpot = frame["silicon_tpot_ms"].to_numpy(dtype=float)
    rows = (runs.status == "ok") & (frame["backend"] == "vllm").to_numpy() & runs.agg
    assert rows.sum() > 100
    prior = prior_factors()
    f = fit_factors(runs, arch, prior, rows, ttft, tpot, "vLLM only", max_evaluations=40)
    assert f.engines["sglang"] == prior.engines["sglang"]
    assert f.engines["trtllm"] == prior.engines["trtllm"]
    assert f.engines["vllm"].disagg_ttft_ms == prior.engines["vllm"].disagg_ttft_ms
    assert f.engines["vllm"].prefill_mfu != prior.engines["vllm"].prefill_mfu
    assert f.network == prior.network and f.engines["vllm"].decode_mfu == \
        prior.engines["vllm"].decode_mfu  # set, not fitted
