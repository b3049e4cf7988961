"""One deployment in aggregated and disaggregated mode."""

from __future__ import annotations

import pytest

from llmecon.errors import InputError
from llmecon.inference.catalog import load_catalog
from llmecon.inference.engines import load_serving_factors
from llmecon.inference.modes import RunConfig, run_config, serve

CAT = load_catalog()
F = load_serving_factors()


def test_agg_and_disagg() -> None:
    agg = serve(RunConfig(model="DeepSeek-V3", gpu="B200", tp=8, concurrency=128,
                          gpu_hour_price=3.0), CAT, F)
    dis = serve(RunConfig(model="DeepSeek-V3", gpu="B200", mode="disagg", tp=8,
                          concurrency=128, prefill_tp=8, gpu_hour_price=3.0), CAT, F)
    # decode workers of a disaggregated deployment do not absorb other requests' prefill
    assert dis.tpot_ms < agg.tpot_ms
    assert (agg.gpus, dis.gpus) == (8, 16)
    for r in (agg, dis):
        # Little's law: 128 requests of 500 tokens, each TTFT + 500 x TPOT long
        c = r.config
        rate = c.concurrency * c.osl / ((r.ttft_ms + c.osl * r.tpot_ms) / 1e3) / r.gpus
        assert r.output_tokens_per_s_per_gpu == pytest.approx(rate)
        assert r.cost_per_m_output == pytest.approx(3.0 / (3600 * rate) * 1e6)
        assert r.tokens_per_s_per_user == pytest.approx(1000 / r.tpot_ms)


@pytest.mark.parametrize("mode", ["agg", "disagg"])
def test_output_per_gpu_never_exceeds_what_the_kv_cache_serves(mode: str) -> None:
    # 20,000 requests in flight, a few hundred of which fit: the rest wait in whole waves,
    # so the output is at most K requests at the per-user speed, over the GPUs
    split = {"prefill_tp": 1} if mode == "disagg" else {}
    r = serve(RunConfig(model="Llama-3.1-8B", gpu="H100", tp=1, mode=mode,
                        concurrency=20_000, **split), CAT, F)
    assert r.max_sequences < 20_000 and r.bound == "kv-capacity"
    assert r.output_tokens_per_s_per_gpu <= r.max_sequences * r.tokens_per_s_per_user / r.gpus


def test_disaggregated_fields_are_refused_in_aggregated_mode(
        capsys: pytest.CaptureFixture[str]) -> None:
    # an aggregated worker has no prefill or decode workers: the flags would be ignored
    for field in ("decode_workers", "prefill_workers", "prefill_tp", "prefill_pp"):
        with pytest.raises(InputError, match=rf"run.yaml: .*{field}: only with mode disagg"):
            run_config({"model": "Llama-3.1-8B", "gpu": "H100", field: 2}, "run.yaml")
        run_config({"model": "Llama-3.1-8B", "gpu": "H100", "mode": "disagg", field: 2},
                   "run.yaml")
    from llmecon.cli.app import main

    assert main(["inference", "run", "--model", "Llama-3.1-8B", "--gpu", "H100",
                 "--decode-workers", "4"]) == 2
    assert "decode_workers: only with mode disagg" in capsys.readouterr().err


def test_errors_name_the_field_or_the_reason() -> None:
    with pytest.raises(InputError, match=r"run.yaml: concurrency: expected a number >= 1"):
        run_config({"model": "Llama-3.1-8B", "gpu": "H100", "concurrency": 0}, "run.yaml")
    with pytest.raises(InputError, match=r"run.yaml: engine: expected one of 'vllm'"):
        run_config({"model": "Llama-3.1-8B", "gpu": "H100", "engine": "tgi"}, "run.yaml")
    with pytest.raises(InputError, match=r"Kimi-K2 in bf16 on H100: weights and one sequence "
                                         r"do not fit"):
        serve(RunConfig(model="Kimi-K2", gpu="H100", precision="bf16", tp=8), CAT, F)


def test_a_precision_the_gpu_lacks_is_said_not_silently_replaced(
        capsys: pytest.CaptureFixture[str]) -> None:
    """inf36: `run` and `frontier` took FP8's peak for FP4 on an H100 (and BF16's for FP8 on
    an Ascend 910B) without a word, while `cost` refused. The catalog gives the H100 no FP4
    throughput and the 910B no FP8 (llmecon/data/inference/gpus.yaml): both runs now say
    whose peak they used; an H100 in FP8 (which it has) says nothing."""
    from llmecon.cli import main
    from llmecon.inference.measured import peak_precision

    cat, factors = load_catalog(), load_serving_factors()
    assert peak_precision(cat.gpu("H100"), "fp4") == "fp8"
    assert peak_precision(cat.gpu("Ascend-910B"), "fp8") == "bf16"
    r = serve(run_config({"model": "Llama-3.1-8B", "gpu": "H100", "tp": 1,
                          "precision": "fp4"}, "test"), cat, factors)
    assert r.precision_note.startswith("H100 has no fp4 tensor throughput in the catalog: "
                                       "its fp8 peak is used")
    same = serve(run_config({"model": "Llama-3.1-8B", "gpu": "H100", "tp": 1,
                             "precision": "fp8"}, "test"), cat, factors)
    assert same.precision_note == "" and same.to_dict()["precision_note"] is None
    assert main(["inference", "frontier", "--model", "Llama-3.1-8B", "--gpu", "Ascend-910B",
                 "--gpu-price", "1.5", "--max-gpus", "2", "--format", "json"]) == 0
    import json

    doc = json.loads(capsys.readouterr().out)
    assert doc["precision_note"].startswith("Ascend-910B has no fp8 tensor throughput in the "
                                            "catalog: its bf16 peak is used;")
