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
from llmecon.inference.engines import load_serving_factors
from llmecon.inference.modes import RunConfig, serve

CAT = load_catalog()
F = load_serving_factors()


def _arch(name: str) -> rf.Arch:
    return rf.Arch.of([CAT.model(name)])


def test_a_pipeline_stage_stores_its_share_of_a_dense_model() -> None:
    # Llama-3.1-405B in FP8 (1 byte a weight, 1 byte a KV entry) on H100 (80 GB), TP 8 x PP 2
    a, gpu = _arch("Llama-3.1-405B"), CAT.gpu("H100")
    weights = float(a.nonexpert[0])  # dense: every weight is "non-expert"
    free = 80e9 * (1 - F.memory_reserve) - weights / 16  # per GPU
    # GQA KV cache: 126 layers x 8 KV heads x 128 x (K and V) x 2,500 tokens; 8 KV heads
    # over TP 8: one copy
    kv = 126 * 8 * 128 * 2 * 2500
    assert gpu.memory_gb == 80
    r = serve(RunConfig(model="Llama-3.1-405B", gpu="H100", tp=8, pp=2, isl=2000, osl=500,
                        concurrency=64), CAT, F)
    assert r.gpus == 16
    assert r.max_sequences == math.floor(free / kv) * 16
    # twice the GPUs hold more than twice the sequences: the weights take less of each
    one = serve(RunConfig(model="Llama-3.1-405B", gpu="H100", tp=8, isl=2000, osl=500,
                          concurrency=64), CAT, F)
    assert r.max_sequences > 2 * one.max_sequences


def test_a_pipeline_stage_stores_its_share_of_the_experts() -> None:
    # DeepSeek-V3 in FP8 on H200 (141 GB), TP 8 x PP 2: non-expert weights over TP 8 and
    # the experts over the stage's 8 GPUs, each stage holding half the layers: 1/16 of both
    a = _arch("DeepSeek-V3")
    weights = float(a.nonexpert[0] + a.experts[0] * a.expert_all_layers[0])
    free = 141e9 * (1 - F.memory_reserve) - weights / 16
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
