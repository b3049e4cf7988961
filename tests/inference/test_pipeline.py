"""Pipeline parallelism (``pp``): each of ``pp`` stages holds an equal share of the layers.

Hand reasoning the tests check: a worker of ``tp x pp`` GPUs stores 1/(tp x pp) of a dense
model's weights per GPU and as many sequences as its GPUs have room for (each sequence's KV
cache spread over the stages); a decode step of the whole model with ``b`` sequences per
GPU takes what a step of one stage's ``tp`` GPUs would with ``b`` per GPU (the batch runs as
``pp`` micro-batches, each passing every stage), plus each token's activations (BF16,
``hidden`` values) crossing ``pp - 1`` stage boundaries.
"""

from __future__ import annotations

import math

import pytest

from llmecon.cli.app import main
from llmecon.errors import InputError
from llmecon.inference import roofline as rf
from llmecon.inference.catalog import load_catalog
from llmecon.inference.engines import engine_efficiency, load_serving_factors
from llmecon.inference.modes import RunConfig, serve
from llmecon.inference.serving import ServingConfig, ServingResult, evaluate
from llmecon.inference.sweep import run_sweep

CAT = load_catalog()
F = load_serving_factors()


def _arch(name: str) -> rf.Arch:
    return rf.Arch.of([CAT.model(name)])


def test_a_pipeline_stage_stores_its_share_of_a_dense_model() -> None:
    # Llama-3.1-405B in FP8 (1 byte a weight, 1 byte a KV entry) on H100 (80 GiB: 85.9 GB),
    # TP 8 x PP 2
    a, gpu = _arch("Llama-3.1-405B"), CAT.gpu("H100")
    weights = float(a.nonexpert[0])  # dense: every weight is "non-expert"
    free = 85.9e9 * (1 - F.memory_reserve) - weights / 16  # per GPU
    # GQA KV cache: 126 layers x 8 KV heads x 128 x (K and V) x 2,500 tokens; 8 KV heads
    # over TP 8: one copy
    kv = 126 * 8 * 128 * 2 * 2500
    assert gpu.memory_gb == 85.9
    r = serve(RunConfig(model="Llama-3.1-405B", gpu="H100", tp=8, pp=2, isl=2000, osl=500,
                        concurrency=64), CAT, F)
    assert r.gpus == 16
    assert r.max_sequences == math.floor(free / kv) * 16
    # twice the GPUs hold more than twice the sequences: the weights take less of each
    one = serve(RunConfig(model="Llama-3.1-405B", gpu="H100", tp=8, isl=2000, osl=500,
                          concurrency=64), CAT, F)
    assert r.max_sequences > 2 * one.max_sequences


def test_a_pipeline_stage_stores_its_share_of_the_experts() -> None:
    # DeepSeek-V3 in FP8 on H200 (141 GiB: 151.4 GB), TP 8 x PP 2: non-expert weights over
    # TP 8 and the experts over the stage's 8 GPUs, each stage holding half the layers: 1/16
    # of both
    a = _arch("DeepSeek-V3")
    weights = float(a.nonexpert[0] + a.experts[0] * a.expert_all_layers[0])
    free = 151.4e9 * (1 - F.memory_reserve) - weights / 16
    # MLA: one latent (512 + 64 values) per token and layer, 61 layers, 1 byte, held by
    # every TP rank (8 copies)
    kv = (512 + 64) * 61 * 2500 * 8
    r = serve(RunConfig(model="DeepSeek-V3", gpu="H200", tp=8, pp=2, isl=2000, osl=500,
                        concurrency=64), CAT, F)
    assert r.max_sequences == math.floor(free / kv) * 16


@pytest.mark.parametrize("engine", ["trtllm", "vllm", "sglang"])
def test_a_pipeline_step_is_a_stage_step_plus_the_stage_crossings(engine: str) -> None:
    # disaggregated, so the decode workers' TPOT has no prefill in it: 2 x 48 requests on a
    # TP 8 x PP 2 decode worker (16 H100, two nodes) and 48 on a TP 8 worker: 6 per GPU each
    common = dict(model="Llama-3.1-70B", gpu="H100", engine=engine, mode="disagg",
                  precision="fp8", isl=1000, osl=1000, tp=8, prefill_tp=8)
    staged = serve(RunConfig(**common, pp=2, concurrency=96), CAT, F)
    flat = serve(RunConfig(**common, concurrency=48), CAT, F)
    assert staged.max_sequences >= 96 and flat.max_sequences >= 48
    # each GPU sends 6 tokens' activations (8,192 BF16 values) across one stage boundary
    # per step, over the network (50 GB/s per GPU): the worker spans two 8-GPU nodes
    hidden = CAT.model("Llama-3.1-70B").hidden
    gpu = CAT.gpu("H100")
    assert (hidden, gpu.scale_out_gbs, gpu.scale_up_domain) == (8192, 50.0, 8)
    crossing_ms = 6 * 8192 * 2 / (50e9 * F.network) * 1e3
    assert staged.tpot_ms == pytest.approx(flat.tpot_ms + crossing_ms, rel=1e-9)
    assert staged.gpus == 16 + 8 and flat.gpus == 8 + 8


def test_one_sequence_cannot_be_split_into_micro_batches() -> None:
    # one request on TP 8 x PP 4 (32 H100, four nodes): its token passes the four stages in
    # turn, each reading its quarter of the weights and the sequence's quarter of the KV
    # cache, so the step is that of one sequence on one TP 8 worker, plus three crossings
    # of one sequence's activations (each of the stage's 8 GPUs sends an eighth)
    common = dict(model="Llama-3.1-70B", gpu="H100", mode="disagg", precision="fp8",
                  isl=1000, osl=1000, tp=8, prefill_tp=8, concurrency=1)
    staged = serve(RunConfig(**common, pp=4), CAT, F)
    flat = serve(RunConfig(**common), CAT, F)
    crossing_ms = 3 * (1 / 8) * 8192 * 2 / (50e9 * F.network) * 1e3
    assert staged.tpot_ms == pytest.approx(flat.tpot_ms + crossing_ms, rel=1e-9)


def test_the_command_line_takes_pp(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inference", "run", "--model", "Llama-3.1-405B", "--gpu", "H100",
                 "--tp", "8", "--pp", "2", "--gpu-price", "2"]) == 0
    out = capsys.readouterr().out
    assert "16 x H100" in out and "1 worker of TP 8 x PP 2" in out
    assert main(["inference", "run", "--model", "Llama-3.1-405B", "--gpu", "H100",
                 "--pp", "0"]) == 2
    assert "--pp" in capsys.readouterr().err


@pytest.mark.parametrize("mode", ["agg", "disagg"])
def test_a_deeper_pipeline_never_serves_one_request_faster(mode: str) -> None:
    # one request: the stages work in turn, so more of them only add crossings (agg: the
    # prompt chunks between steps also run on one stage's GPUs at a time)
    split = {"prefill_tp": 1} if mode == "disagg" else {}
    tpot = [serve(RunConfig(model="Llama-3.1-70B", gpu="H200", tp=1, pp=pp, mode=mode,
                            concurrency=1, **split), CAT, F).tpot_ms
            for pp in (1, 2, 8)]
    assert tpot == sorted(tpot) and tpot[0] < tpot[-1]


def test_more_stages_than_layers_is_an_error() -> None:
    # Llama-3.1-8B has 32 layers: 64 stages cannot each hold one
    assert CAT.model("Llama-3.1-8B").layers == 32
    with pytest.raises(InputError, match=r"more pipeline stages \(pp\) than the model has "
                                         "layers"):
        serve(RunConfig(model="Llama-3.1-8B", gpu="H200", tp=1, pp=64, concurrency=64),
              CAT, F)


# ------------------------------------------------ throughput / cost / fleet / sweep (pp)
def _one(**kw: object) -> ServingResult:
    cfg = dict(model="Llama-3.1-405B", gpu="H100", gpus=16, gpu_hour_price=2.0)
    return evaluate(ServingConfig(**{**cfg, **kw}), CAT, engine_efficiency(F, "trtllm"))


def test_throughput_stages_store_a_share_of_the_weights() -> None:
    # Llama-3.1-405B (405.85 billion weights, Meta's model card) in FP8 on 16 H100 as two
    # stages of TP 8: each GPU holds 1/16 of the weights, 25.4 GB, as TP 16 would
    staged = _one(pp=2, batch_per_gpu=2)
    assert staged.config.pp == 2
    assert staged.weights_gb_per_gpu == pytest.approx(405.85 / 16, rel=0.01)
    assert staged.weights_gb_per_gpu == pytest.approx(_one(tp=16, batch_per_gpu=2)
                                                      .weights_gb_per_gpu, rel=1e-12)
    # the KV cache of a sequence: 126 layers x 8 KV heads x 128 x (K and V) x 2,250 tokens
    # on average (2,000 in + 500 out / 2), BF16, over the 16 GPUs; 8 KV heads over TP 8
    # is one copy, where TP 16 would hold every head twice
    assert staged.kv_gb_per_sequence == pytest.approx(126 * 8 * 128 * 2 * 2250 * 2 / 1e9,
                                                      rel=1e-12)


def test_throughput_stages_read_their_weights_once_per_micro_batch() -> None:
    # 2 sequences per GPU: a weight-bandwidth-bound step. TP 16 reads 1/16 of the dense
    # weights per GPU once a step; two stages of TP 8 hold the same 1/16 but each reads it
    # once per micro-batch, and the step runs two micro-batches through each stage
    flat, staged = _one(tp=16, batch_per_gpu=2), _one(pp=2, batch_per_gpu=2)
    assert staged.dense_ms == pytest.approx(2 * flat.dense_ms, rel=1e-12)
    # decode tokens per GPU-second: the batch over the step (no MTP)
    assert staged.decode_tokens_per_gpu_s == pytest.approx(
        staged.batch_per_gpu / (staged.step_ms / 1e3), rel=1e-12)
    assert staged.tpot_ms == pytest.approx(staged.step_ms, rel=1e-12)


def test_throughput_stage_crossings_by_hand() -> None:
    # four stages of 4 H100 (16 GPUs, two 8-GPU nodes: over the 50 GB/s network), 8
    # sequences per GPU: a micro-batch is 8 per GPU of a stage, and each of its tokens'
    # activations (16,384 BF16 values) crosses 3 stage boundaries
    assert CAT.model("Llama-3.1-405B").hidden == 16384
    r = _one(pp=4, batch_per_gpu=8)
    hand_ms = 8 * 3 * 16384 * 2 / (50e9 * F.network) * 1e3
    assert r.pipeline_ms == pytest.approx(hand_ms, rel=1e-12)
    assert _one(batch_per_gpu=8).pipeline_ms == 0.0


def test_a_tpot_target_counts_the_stage_crossings() -> None:
    r = _one(pp=2, tpot_ms=30.0)
    assert r.tpot_ms <= 30.0
    one_more = _one(pp=2, batch_per_gpu=r.batch_per_gpu + 1)
    assert one_more.tpot_ms > 30.0


@pytest.mark.parametrize(("kw", "message"), [
    (dict(gpus=8, pp=3), r"pp: expected a divisor of gpus \(8\)"),
    (dict(gpus=16, pp=2, tp=16), r"tp: expected a divisor of gpus / pp \(16 / 2 = 8"),
    (dict(gpus=16, pp=2, prefill_gpus=9), r"prefill_gpus: expected a multiple of pp \(2\)"),
    (dict(model="Llama-3.1-8B", gpus=64, pp=64), r"pp: 64 pipeline stages, more than "
                                                 r"Llama-3.1-8B's 32 layers"),
])
def test_throughput_pp_errors_say_why(kw: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        _one(**kw)


@pytest.mark.parametrize("pp", [1, 2])
def test_sweep_rows_with_stages_are_evaluate_answers(pp: int) -> None:
    eff = engine_efficiency(F, "trtllm")
    s = run_sweep(CAT, eff, models=["Llama-3.1-70B", "Qwen3-235B-A22B"], gpus=["H100"],
                  batches=[2.0, 16.0], input_tokens=[1000.0], prices=[2.0], replica_gpus=16,
                  pp=pp)
    rows = [r for r in s.to_frame().itertuples() if r.fits]
    assert len(rows) >= 2
    for row in rows:
        r = evaluate(ServingConfig(model=str(row.model), gpu="H100", gpus=16, pp=pp,
                                   batch_per_gpu=float(row.batch_per_gpu), input_tokens=1000,
                                   gpu_hour_price=2.0), CAT, eff)
        assert row.tpot_ms == pytest.approx(r.tpot_ms, rel=1e-9)
        assert row.decode_tokens_per_gpu_s == pytest.approx(r.decode_tokens_per_gpu_s,
                                                            rel=1e-9)
        assert row.prefill_tokens_per_gpu_s == pytest.approx(r.prefill_tokens_per_gpu_s,
                                                             rel=1e-9)
        # a new user's audit: sweep sized the KV cache at the full context, throughput at
        # the average (paged allocation), so one priced what the other said did not fit
        assert row.max_batch_per_gpu == r.max_batch_per_gpu


def test_sweep_and_cost_agree_on_what_fits() -> None:
    # Qwen3-235B-A22B in FP8 on 8 H20 (96 GiB: 103.1 GB) at TP 1: each GPU holds the 8.00 GB
    # of non-expert weights and 1/8 of the 128 x 1.774 GB of experts, 36.38 GB, of
    # 103.1 GB x (1 - reserve 0.0824) = 94.61 GB, leaving 58.22 GB; a sequence at the average
    # context of 8,000 + 500 / 2 tokens holds 8,250 x 94 layers x 4 KV heads x 128 x 2 x 2 B
    # = 1.588 GB: 36.7, so 36 fit (32 while the H20 was counted 96e9 bytes)
    eff = engine_efficiency(F, "trtllm")
    s = run_sweep(CAT, eff, models=["Qwen3-235B-A22B"], gpus=["H20"], batches=[36.0, 37.0],
                  input_tokens=[8000.0], prices=[2.0], replica_gpus=8)
    r = evaluate(ServingConfig(model="Qwen3-235B-A22B", gpu="H20", gpus=8, batch_per_gpu=36,
                               input_tokens=8000, gpu_hour_price=2.0), CAT, eff)
    assert r.max_batch_per_gpu == 36
    assert list(s.to_frame().fits) == [True, False]


def test_throughput_cost_fleet_and_sweep_take_pp(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--model", "Llama-3.1-405B", "--gpu", "H100", "--gpus", "16", "--pp", "2"]
    assert main(["inference", "throughput", *base, "--batch", "4"]) == 0
    out = capsys.readouterr().out
    assert "2 pipeline stages" in out and "/ pipeline /" in out
    assert main(["inference", "cost", *base, "--format", "json"]) == 0
    assert '"pp": 2' in capsys.readouterr().out
    assert main(["inference", "fleet", *base, "--input-per-day", "1e9",
                 "--output-per-day", "1e8", "--price-list", "GLM-4.6"]) == 0
    capsys.readouterr()
    assert main(["inference", "sweep", "--models", "Llama-3.1-70B", "--gpus-list", "H100",
                 "--replica-gpus", "8", "--pp", "3"]) == 2
    assert "pp: expected a divisor of replica_gpus (8), found 3" in capsys.readouterr().err
