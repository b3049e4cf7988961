"""Inputs at the edge: fewer than one sequence, number formats in any case, a missing price."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmecon.cli.app import main
from llmecon.cli.common import PRECISIONS
from llmecon.config.deployment import ServingConfig
from llmecon.config.inference import PRECISION_BYTES
from llmecon.errors import InputError
from llmecon.inference.catalog import load_catalog
from llmecon.inference.engines import engine_efficiency, load_serving_factors
from llmecon.inference.sweep import run_sweep

CAT = load_catalog()


def test_a_batch_of_less_than_one_sequence_is_refused() -> None:
    # 1/8 per GPU on 8 GPUs is one sequence (a tensor-parallel group of 8 decoding one)
    ServingConfig("Llama-3.1-8B", "H100", gpus=8, batch_per_gpu=0.125)
    with pytest.raises(InputError, match=r"batch_per_gpu: expected at least one sequence on "
                                         r"the 8 GPUs \(batch per GPU >= 1/8\), found 0.001"):
        ServingConfig("Llama-3.1-8B", "H100", gpus=8, batch_per_gpu=0.001)
    eff = engine_efficiency(load_serving_factors())
    with pytest.raises(InputError, match=r"batches: expected at least one sequence on the 8 "
                                         r"GPUs of a replica .* found 1e-18"):
        run_sweep(CAT, eff, models=["Llama-3.1-8B"], gpus=["H100"], batches=[1e-18, 8],
                  input_tokens=[1000], prices=[2.0])


def test_number_formats_are_read_in_any_case_by_every_command(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert set(PRECISIONS) == set(PRECISION_BYTES)  # the parser's copy of the names
    common = ["--model", "Llama-3.1-8B", "--gpu", "B200", "--format", "json"]
    assert main(["inference", "run", *common, "--tp", "1", "--precision", "NVFP4"]) == 0
    assert json.loads(capsys.readouterr().out)["config"]["precision"] == "nvfp4"
    assert main(["inference", "run", *common, "--tp", "1", "--precision", "MXFP4"]) == 0
    assert json.loads(capsys.readouterr().out)["config"]["precision"] == "mxfp4"
    assert main(["inference", "throughput", *common, "--gpus", "1", "--precision", "FP8",
                 "--kv", "Fp8"]) == 0
    capsys.readouterr()
    for cmd in (["run", "--tp", "1"], ["frontier"], ["throughput", "--gpus", "1"]):
        assert main(["inference", *cmd, *common, "--precision", "fp7"]) == 2
        assert "expected one of bf16, fp16, fp8, int8, fp4, nvfp4, mxfp4, found 'fp7'" in \
            capsys.readouterr().err


def test_mxfp4_and_nvfp4_are_fp4_with_their_block_scales_counted(
        capsys: pytest.CaptureFixture[str]) -> None:
    """gpt-oss-120b is published in MXFP4 (its config.json: quant_method mxfp4), which was
    refused while NVFP4 was read as bare FP4. Bits per weight, by hand: MXFP4 (OCP
    microscaling spec) is a 4-bit E2M1 value plus one 8-bit E8M0 scale per block of 32:
    4 + 8/32 = 4.25 bits = 0.53125 bytes; NVFP4 a 4-bit value plus an FP8 E4M3 scale per 16:
    4 + 8/16 = 4.5 bits = 0.5625 bytes. Llama-3.1-8B has 8.03 B parameters (its model
    card), so its weights are 8.03e9 x 0.53125 = 4.27 GB in MXFP4, 4.52 GB in NVFP4."""
    assert PRECISION_BYTES["mxfp4"] == 0.53125 and PRECISION_BYTES["nvfp4"] == 0.5625
    b200 = CAT.gpu("B200")
    assert b200.peak_flops("mxfp4") == b200.peak_flops("nvfp4") == b200.peak_flops("fp4")
    common = ["inference", "throughput", "--model", "Llama-3.1-8B", "--gpu", "B200",
              "--gpus", "1", "--format", "json"]
    weights = {}
    for fmt in ("fp4", "mxfp4", "nvfp4"):
        assert main([*common, "--precision", fmt]) == 0
        weights[fmt] = json.loads(capsys.readouterr().out)["weights_gb_per_gpu"]
    assert weights["mxfp4"] == pytest.approx(8.03e9 * 0.53125 / 1e9, rel=1e-3)
    assert weights["nvfp4"] == pytest.approx(8.03e9 * 0.5625 / 1e9, rel=1e-3)
    assert weights["mxfp4"] / weights["fp4"] == pytest.approx(4.25 / 4)
    for cmd in ("run", "throughput", "frontier", "sweep"):
        assert main(["inference", cmd, "--help"]) == 0
        assert "mxfp4 (4.25 bits" in " ".join(capsys.readouterr().out.split())


def test_a_missing_price_says_why_in_json(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    cat = tmp_path / "cat.yaml"
    cat.write_text("gpus:\n  - {name: MyGPU, bf16_tflops: 1000, memory_gb: 80, "
                   "bandwidth_tbs: 3, scale_up_gbs: 900, as_of: 2026-01, source: me}\n")
    assert main(["inference", "run", "--model", "Llama-3.1-8B", "--gpu", "MyGPU", "--tp", "1",
                 "--catalog", str(cat), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["cost_per_m_output"] is None
    assert "no GPU-hour price" in out["notes"]["cost_per_m_output"]
