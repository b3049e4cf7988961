"""The inference commands of issue 12 at the command line: run (agg / disagg), predict,
accuracy --measured, frontier --interactivity, HF config models, and the fleet fixes.
Each runs on bundled data (exit 0) and answers bad input with exit 2 and one line."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from llmecon.cli import main

QWEN = resources.files("llmecon").joinpath("data/inference/model_configs/Qwen--Qwen3-32B.json")
TABLE = Path(__file__).resolve().parents[1] / "data" / "measured_serving" / "measured_serving.csv"
needs_table = pytest.mark.skipif(not TABLE.exists(), reason="tests/data/measured_serving missing")
CORE = ["--model", "Llama-3.1-70B", "--gpu", "H200"]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def refused(args: list[str], capsys: pytest.CaptureFixture[str], named: str = "") -> None:
    code, _, err = run(args, capsys)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert named in err


def test_run_agg_and_disagg(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["inference", "run", *CORE, "--tp", "4", "--concurrency", "32",
                        "--gpu-price", "2.5", "--format", "json"], capsys)
    assert code == 0
    r = json.loads(out)
    assert r["gpus"] == 4 and r["config"]["mode"] == "agg"
    # tokens/s per user = 1,000 / TPOT (ms); cost = $2.5 / (3,600 s x tokens/s per GPU) x 1e6
    assert r["tokens_per_s_per_user"] == pytest.approx(1000 / r["tpot_ms"])
    assert r["cost_per_m_output"] == pytest.approx(
        2.5 / (3600 * r["output_tokens_per_s_per_gpu"]) * 1e6)
    code, out, _ = run(["inference", "run", "--model", "DeepSeek-V3", "--gpu", "H200",
                        "--mode", "disagg", "--tp", "8", "--prefill-tp", "8",
                        "--prefill-workers", "2", "--format", "json"], capsys)
    assert code == 0
    # decode worker 8 GPUs + two prefill workers of 8
    assert json.loads(out)["gpus"] == 8 + 2 * 8
    code, out, _ = run(["inference", "run", *CORE, "--tp", "4"], capsys)
    assert code == 0 and "time per output token" in out and "binding limit" in out


def test_run_reads_a_config_json_as_its_help_says(capsys: pytest.CaptureFixture[str]) -> None:
    """`run --help` says a HF config.json path is accepted (as `frontier` does), but run
    refused it as "a catalog name, not a file"; the file gives the catalog model's answer."""
    args = ["--gpu", "H100", "--tp", "2", "--concurrency", "16", "--format", "json"]
    code, out, err = run(["inference", "run", "--model", str(QWEN), *args], capsys)
    assert code == 0, err
    code, named, _ = run(["inference", "run", "--model", "Qwen3-32B", *args], capsys)
    assert code == 0
    assert json.loads(out)["tpot_ms"] == pytest.approx(json.loads(named)["tpot_ms"])


def test_predictions_show_the_recorded_expected_error(capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    """Every prediction comes with the model's leave-one-model-out error as recorded beside
    the bundled factors (which tests/inference/test_measured.py recomputes)."""
    from llmecon.inference.engines import load_serving_factors

    acc = load_serving_factors().accuracy
    assert acc is not None
    lomo = acc.leave_one_model_out
    code, out, _ = run(["inference", "run", *CORE, "--tp", "4", "--format", "json"], capsys)
    assert code == 0
    shown = json.loads(out)["expected_error"]["leave_one_model_out"]
    assert shown == lomo.model_dump()
    code, out, _ = run(["inference", "run", *CORE, "--tp", "4"], capsys)
    text = " ".join(out.split())
    assert f"TTFT median {lomo.ttft_median:.0%} (p90 {lomo.ttft_p90:.0%})" in text
    assert f"TPOT median {lomo.tpot_median:.0%} (p90 {lomo.tpot_p90:.0%})" in text
    code, out, _ = run(["inference", "frontier", *CORE, "--gpu-price", "2", "--format",
                        "json"], capsys)
    assert code == 0
    assert json.loads(out)["expected_error"]["leave_one_model_out"] == lomo.model_dump()


def test_single_configuration_answers_show_the_serving_models_error(
        capsys: pytest.CaptureFixture[str]) -> None:
    """throughput / cost / fleet / sweep answer with the serving model (the engine's fitted
    factors): they name the engine and show the model's recorded leave-one-model-out error,
    as 'inference run' does."""
    from llmecon.inference.engines import load_serving_factors

    acc = load_serving_factors().accuracy
    assert acc is not None
    lomo = acc.leave_one_model_out
    code, out, _ = run(["inference", "cost", *CORE, "--gpus", "4", "--batch", "8"], capsys)
    assert code == 0
    text = " ".join(out.split())
    assert "serving model with the trtllm factors" in text
    assert f"TPOT median {lomo.tpot_median:.0%} (p90 {lomo.tpot_p90:.0%})" in text
    code, out, _ = run(["inference", "cost", *CORE, "--gpus", "4", "--batch", "8",
                        "--engine", "vllm", "--format", "json"], capsys)
    doc = json.loads(out)
    assert doc["engine"] == "vllm"
    assert doc["expected_error"]["leave_one_model_out"] == lomo.model_dump()
    code, out, _ = run(["inference", "sweep", "--models", "Llama-3.1-8B", "--gpus-list",
                        "H100", "--batches", "1,8", "--inputs", "1000", "--prices", "2",
                        "--engine", "sglang"], capsys)
    text = " ".join(out.split())
    assert code == 0 and "sglang factors" in text and f"TTFT median {lomo.ttft_median:.0%}" \
        in text
    refused(["inference", "cost", *CORE, "--engine", "tgi"], capsys, "--engine")


def test_run_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    refused(["inference", "run", *CORE, "--mode", "both"], capsys, "--mode")
    refused(["inference", "run", *CORE, "--concurrency", "0"], capsys, "--concurrency")
    refused(["inference", "run", "--model", "no-such-model", "--gpu", "H200"], capsys,
            "no-such-model")


def test_hf_config_model_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(["inference", "throughput", "--model", str(QWEN), "--gpu", "H200",
                        "--gpus", "2", "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["model"] == "Qwen--Qwen3-32B"
    code, out, _ = run(["inference", "frontier", "--model", str(QWEN), "--gpu", "H200",
                        "--gpu-price", "2", "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["model"] == "Qwen--Qwen3-32B"
    bad = tmp_path / "config.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    refused(["inference", "throughput", "--model", str(bad), "--gpu", "H200"], capsys,
            "expected a JSON object")


def _small_table(tmp_path: Path, rows: int = 60) -> Path:
    assert TABLE is not None
    lines = TABLE.read_text(encoding="utf-8").splitlines()
    out = tmp_path / "runs.csv"
    out.write_text("\n".join(lines[:rows + 1]) + "\n", encoding="utf-8")
    return out


@needs_table
def test_predict_and_accuracy_agree(capsys: pytest.CaptureFixture[str],
                                    tmp_path: Path) -> None:
    import numpy as np
    import pandas as pd

    table = _small_table(tmp_path)
    out = tmp_path / "pred.csv"
    code, text, _ = run(["inference", "predict", str(table), "-o", str(out)], capsys)
    assert code == 0 and "of 60 rows predicted" in text
    pred = pd.read_csv(out)
    assert {"pred_ttft_ms", "pred_tpot_ms", "pred_output_tok_s_per_gpu", "status"} <= \
        set(pred.columns)
    code, text, _ = run(["inference", "accuracy", "--measured", str(table), "--format",
                         "json"], capsys)
    assert code == 0
    acc = json.loads(text)
    # the in-sample median |error| is the median of |predicted / measured - 1| over the
    # rows predict marks ok, computed here from predict's own output
    ok = (pred["status"] == "ok") & (pred["silicon_tpot_ms"] > 0)
    err = np.abs(pred.loc[ok, "pred_tpot_ms"] / pred.loc[ok, "silicon_tpot_ms"] - 1)
    summary = acc["overall"]["in sample (bundled factors)"]
    assert summary["tpot_median"] == pytest.approx(float(np.median(err)), rel=1e-6)
    assert acc["rows"] == 60
    refused(["inference", "predict", str(table), "-o", str(out)], capsys, "exists")


def test_predict_and_accuracy_bad_tables(capsys: pytest.CaptureFixture[str],
                                         tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    refused(["inference", "predict", str(bad), "-o", str(tmp_path / "o.csv")], capsys,
            "missing")
    refused(["inference", "accuracy", "--measured", str(tmp_path / "none.csv")], capsys,
            "no such file")
    refused(["inference", "accuracy", "--format", "json"], capsys, "--measured")


def test_frontier_cheapest_at_interactivity(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["inference", "frontier", *CORE, "--gpu-price", "2", "--interactivity",
                        "30", "--input-per-day", "1e9", "--output-per-day", "2e8",
                        "--format", "json"], capsys)
    assert code == 0
    doc = json.loads(out)
    chosen, points = doc["chosen"], doc["points"]
    fast = [p for p in points if p["tokens_per_s_per_user"] >= 30]
    assert chosen["tokens_per_s_per_user"] >= 30
    assert chosen["cost_per_m_output"] == min(p["cost_per_m_output"] for p in fast)
    # $2 per GPU-hour / (3,600 s x output tokens/s per GPU) per token, x 1e6
    assert chosen["cost_per_m_output"] == pytest.approx(
        2 / (3600 * chosen["output_tokens_per_s_per_gpu"]) * 1e6)
    # fleet: the point computes 2,000 prompt tokens per 500 output tokens (4 x its output
    # rate r); 1e9 prompt tokens a day need 1e9 / 86,400 / (4 r) GPUs, more than the
    # 2e8 / 86,400 / r the output needs
    r = chosen["output_tokens_per_s_per_gpu"]
    assert doc["fleet"]["decode_gpus_average"] == pytest.approx(1e9 / 86400 / (4 * r))
    assert 1e9 / 86400 / (4 * r) > 2e8 / 86400 / r
    assert doc["fleet"]["gpus_per_node"] == 8  # an H200 HGX node


def test_frontier_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    refused(["inference", "frontier", *CORE, "--interactivity", "100000"], capsys,
            "interactivity")
    refused(["inference", "frontier", *CORE, "--input-per-day", "1e9"], capsys,
            "--interactivity")
    refused(["inference", "frontier", *CORE, "--gpu-price", "nan"], capsys, "--gpu-price")
    refused(["inference", "frontier", *CORE, "--max-gpus", "0"], capsys, "--max-gpus")
    # a misspelt GPU was reported as one without a bundled price
    refused(["inference", "frontier", "--model", "Llama-3.1-8B", "--gpu", "Ascend 910B"],
            capsys, "unknown GPU 'Ascend 910B'; known: H100")
    # a subnormal batch (found by the fuzz test) overflowed a division: refused by size
    refused(["inference", "sweep", "--models", "Llama-3.1-8B", "--gpus-list", "H100",
             "--batches", "1e-320"], capsys, "expected 0 or a number of at least 1e-18")
    refused(["inference", "frontier", *CORE, "--price-output", "3"], capsys,
            "--price-output: price a fleet")
    # GLM-5 (744 GB in FP8) does not fit in one node of eight H800 (80 GiB each); on H20
    # (96 GiB) it now does, with KV-cache room for one sequence
    refused(["inference", "frontier", "--model", "GLM-5", "--gpu", "H800", "--max-gpus", "8"],
            capsys, "allow a larger worker: --max-gpus")


def test_frontier_fleet_of_a_model_larger_than_a_node_charges_its_prices(
        capsys: pytest.CaptureFixture[str]) -> None:
    """GLM-5 on H20 (Zhipu's model on the chip sold in China): its cheapest worker at 20
    tokens/s per user spans several nodes (one node holds the weights with KV-cache room
    for one sequence only); its fleet is whole workers and is charged at the prices given,
    as ``fleet``."""
    code, out, _ = run(["inference", "frontier", "--model", "GLM-5", "--gpu", "H20",
                        "--gpu-price", "1", "--interactivity", "20", "--input-per-day", "4e9",
                        "--output-per-day", "1e9", "--price-input", "1", "--price-output",
                        "3.2", "--provisioning", "average", "--format", "json"], capsys)
    assert code == 0
    doc = json.loads(out)
    chosen, fleet = doc["chosen"], doc["fleet"]
    assert chosen["gpus"] >= 16 and chosen["nodes"] == chosen["gpus"] // 8
    assert fleet["daily_revenue"] == pytest.approx(4e3 * 1 + 1e3 * 3.2)  # per M tokens
    gpus = 1e9 / 86400 / chosen["output_tokens_per_s_per_gpu"]
    assert fleet["daily_cost"] == pytest.approx(gpus * 24 * 1.0)  # following the load
    workers = -(-gpus // chosen["gpus"])
    assert fleet["nodes_average"] == workers * chosen["gpus"] // 8


def test_fleet_node_size_and_merged_prices(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["inference", "fleet", "--model", "Llama-3.1-8B", "--gpu", "GB200", "--gpus", "1",
            "--input-per-day", "1e9", "--output-per-day", "1e8", "--cache-hit", "0.5",
            "--gpu-price", "6", "--format", "json"]
    code, out, _ = run([*args, "--price-list", "DeepSeek-V3", "--price-output", "9"], capsys)
    assert code == 0
    fleet = json.loads(out)["fleet"]
    # a GB200 tray holds 4 GPUs (gpus.yaml), no longer min(8, replica GPUs) = 1
    assert fleet["gpus_per_node"] == 4
    # the list's input prices are kept when only the output price is overridden: the
    # newest DeepSeek-V3 list (Dec 2025) $0.28 miss, $0.028 hit; output $9:
    # 0.5e9 x 0.28 + 0.5e9 x 0.028 + 1e8 x 9, per million tokens
    assert fleet["daily_revenue"] == pytest.approx(500 * 0.28 + 500 * 0.028 + 100 * 9)
    code, out, _ = run([*args, "--price-input", "1", "--price-cache-hit", "0.1",
                        "--provisioning", "average"], capsys)
    fleet = json.loads(out)["fleet"]
    assert fleet["price_input_hit_used"] == 0.1 and fleet["provisioning"] == "average"
    assert fleet["daily_cost"] == pytest.approx(fleet["daily_cost_at_average"])
    refused([*args, "--provisioning", "sometimes"], capsys, "--provisioning")
    refused([*args, "--gpus-per-node", "0"], capsys, "--gpus-per-node")
    # no price at all: revenue and margins undefined, with the reason (they were US$0 and a
    # -100% margin, as if priced at nothing); the cost side stays
    code, out, _ = run(args, capsys)
    fleet = json.loads(out)["fleet"]
    assert code == 0 and fleet["daily_cost"] > 0
    for k in ("daily_revenue", "gross_margin", "cost_profit_margin"):
        assert fleet[k] is None and "no price given" in fleet["notes"][k]
    code, out, _ = run([*args, "--price-output", "0"], capsys)  # a price of 0 is a price
    assert json.loads(out)["fleet"]["cost_profit_margin"] == -1.0
    # a cache-hit price alone billed the hits only (a review): named instead
    refused([*args, "--price-cache-hit", "0.1"], capsys, "--price-cache-hit: a price for")


def test_cost_says_what_set_the_batch(capsys: pytest.CaptureFixture[str]) -> None:
    """A TPOT target that memory makes moot is said to be met, not silently dropped."""
    args = ["inference", "cost", "--model", "Llama-3.1-70B", "--gpu", "H100", "--gpus", "2",
            "--gpu-price", "2.49"]
    code, out, _ = run([*args, "--tpot-ms", "1000", "--format", "json"], capsys)
    doc = json.loads(out)
    # a second per token is far above any decode step: the KV memory stops the batch first
    assert doc["batch_per_gpu"] == doc["max_batch_per_gpu"] and doc["tpot_ms"] < 1000
    code, out, _ = run([*args, "--tpot-ms", "1000"], capsys)
    text = " ".join(out.split())
    assert code == 0 and "set by memory: TPOT" in text and "within the 1000 ms target" in text
    code, out, _ = run([*args, "--batch", "4"], capsys)
    assert "sequences; given" in " ".join(out.split())


def test_an_alias_is_named_as_given_with_its_catalog_model(
        capsys: pytest.CaptureFixture[str]) -> None:
    # DeepSeek-R1 shares DeepSeek-V3's architecture: the catalog lists it as an alias
    code, out, _ = run(["inference", "cost", "--model", "DeepSeek-R1", "--gpu", "H200",
                        "--gpus", "8"], capsys)
    assert code == 0 and "DeepSeek-R1 (catalog model DeepSeek-V3) on 8 x H200" in out


def test_fleet_table_shows_both_provisionings_under_average(
        capsys: pytest.CaptureFixture[str]) -> None:
    """An economist's review: under ``--provisioning average`` the row "provisioned for the
    peak" showed the average fleet's cost, so peak provisioning looked free."""
    args = ["inference", "fleet", "--model", "DeepSeek-V3", "--gpu", "H800", "--gpus", "16",
            "--batch", "64", "--input", "2000", "--output", "500", "--gpu-price", "2.0",
            "--input-per-day", "1e12", "--output-per-day", "2.5e11", "--peak-to-average", "2",
            "--provisioning", "average", "--price-list", "DeepSeek-V3"]
    code, out, _ = run([*args, "--format", "json"], capsys)
    assert code == 0
    fleet = json.loads(out)["fleet"]
    gpus = fleet["prefill_gpus_average"] + fleet["decode_gpus_average"]
    peak = -(-2 * gpus // 8) * 8 * 24 * 2.0  # whole nodes of 8 for twice the load, all day
    average = gpus * 24 * 2.0
    assert peak > 1.9 * average
    code, out, _ = run(args, capsys)
    text = " ".join(out.split())
    assert f"provisioned for the peak (USD) │ {peak:,.0f}" in text
    assert f"following the load (USD) │ {average:,.0f}" in text
    assert "gross margin (on the cost following the load)" in text


def test_cache_hit_storage_price_from_the_command_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    """The KV storage price was a config field the CLI could not set, so a cache hit always
    cost only its read (about US$0.00001 per M tokens) without the table saying why."""
    args = ["inference", "cost", "--model", "DeepSeek-V3", "--gpu", "H800", "--gpus", "16",
            "--batch", "64", "--gpu-price", "2.0"]
    code, out, _ = run([*args, "--kv-storage-price", "0.01", "--cache-retention-hours", "2",
                        "--format", "json"], capsys)
    assert code == 0
    doc = json.loads(out)
    # MLA: (512 latent + 64 rope) x 61 layers x 2 bytes (bf16) = 70,272 bytes a token;
    # a million tokens is 70.272 GB, kept 2 h at US$0.01 per GB-hour
    assert doc["cost_input_hit_storage"] == pytest.approx(70.272 * 2 * 0.01)
    assert doc["cost_input_hit"] == pytest.approx(
        doc["cost_input_hit_storage"] + doc["cost_input_hit_read"])
    code, out, _ = run(args, capsys)
    assert "USD: read + $0/GB-h x 1 h" in " ".join(out.split())


def test_decode_step_says_how_many_tokens_it_yields_under_mtp(
        capsys: pytest.CaptureFixture[str]) -> None:
    """A new user's audit: with MTP the step's parts added to 87 ms beside a 47 ms TPOT and
    nothing said why. One draft accepted 85% of the time: 1 + 0.85 tokens a step."""
    code, out, _ = run(["inference", "cost", "--model", "DeepSeek-R1", "--gpu", "H800",
                        "--gpus", "16", "--batch", "64", "--mtp-draft", "1", "--mtp-accept",
                        "0.85", "--gpu-price", "2"], capsys)
    assert code == 0 and "a step yields 1.85 tokens (MTP)" in " ".join(out.split())
    code, out, _ = run(["inference", "cost", "--model", "DeepSeek-R1", "--gpu", "H800",
                        "--gpus", "16", "--batch", "64", "--gpu-price", "2"], capsys)
    assert code == 0 and "(MTP)" not in out


@pytest.mark.parametrize("ratio", ["100.5", "1e18", "0.5"])
def test_fleet_peak_to_average_from_1_to_100(ratio: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """attack33 L5: --peak-to-average 1e18 gave 10^27 nodes at the peak."""
    refused(["inference", "fleet", "--model", "Llama-3.1-70B", "--gpu", "H100", "--gpus", "8",
             "--batch", "32", "--input-per-day", "1e9", "--output-per-day", "1e9",
             "--peak-to-average", ratio], capsys,
            f"argument --peak-to-average: expected a number from 1 to 100, found '{ratio}'")


def test_demand_peak_to_average_bounded_in_files() -> None:
    from pydantic import ValidationError

    from llmecon.config.deployment import Demand

    assert Demand(input_tokens_per_day=1, output_tokens_per_day=1,
                  peak_to_average=100).peak_to_average == 100
    with pytest.raises((ValidationError, ValueError), match="peak_to_average"):
        Demand(input_tokens_per_day=1, output_tokens_per_day=1, peak_to_average=101)


def test_every_frontier_and_fleet_output_says_its_currency_and_units(
        capsys: pytest.CaptureFixture[str]) -> None:
    """An analyst's check: the frontier's CSV had costs and no GPU-hour price or currency
    anywhere; its JSON named no currency; the chosen point's table printed raw field names
    (``cost_per_m_output 1.053``) with no unit; the fleet CSV's notes were a Python dict."""
    import csv
    import io

    code, out, _ = run(["inference", "frontier", *CORE, "--gpu-price", "2", "--format",
                        "csv"], capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows and all(r["currency"] == "USD" and float(r["gpu_hour_price"]) == 2
                                      for r in rows)
    # $2 / (3,600 s x output tokens/s per GPU) x 1e6, on the row's own price
    r0 = rows[0]
    assert float(r0["cost_per_m_output"]) == pytest.approx(
        2 / (3600 * float(r0["output_tokens_per_s_per_gpu"])) * 1e6)
    code, out, _ = run(["inference", "frontier", *CORE, "--gpu-price", "2", "--interactivity",
                        "30", "--input-per-day", "1e9", "--output-per-day", "2e8",
                        "--format", "json"], capsys)
    doc = json.loads(out)
    assert doc["currency"] == "USD" and doc["units"]["gpu_hour_price"] == "USD per GPU-hour"
    numbers = {k for k, v in doc["chosen"].items() if isinstance(v, int | float)}
    assert numbers <= set(doc["units"]["points"])
    assert doc["units"]["points"]["cost_per_m_output"] == "USD per million output tokens"
    fleet_numbers = {k for k, v in doc["fleet"].items()
                     if isinstance(v, int | float) and not isinstance(v, bool)}
    assert fleet_numbers <= set(doc["units"]["fleet"])
    code, out, _ = run(["inference", "frontier", *CORE, "--gpu-price", "2", "--interactivity",
                        "30"], capsys)
    text = " ".join(out.split())
    assert "cost per M output tokens, all GPU time (USD)" in text
    assert "time per output token (ms)" in text and "cost_per_m_output" not in text
    for cmd in ("cost", "fleet"):
        extra = ["--input-per-day", "1e9", "--output-per-day", "1e8"] if cmd == "fleet" else []
        code, out, _ = run(["inference", cmd, "--model", "Llama-3.1-8B", "--gpu", "H100",
                            "--gpus", "1", "--batch", "8", *extra, "--format", "csv"], capsys)
        row = next(csv.DictReader(io.StringIO(out)))
        assert code == 0 and row["currency"] == "USD"
        if cmd == "fleet":  # no price given: the reasons, as JSON
            assert "gross_margin" in json.loads(row["notes"])
        code, out, _ = run(["inference", cmd, "--model", "Llama-3.1-8B", "--gpu", "H100",
                            "--gpus", "1", "--batch", "8", *extra, "--format", "json"], capsys)
        doc = json.loads(out)
        assert (doc["fleet"] if cmd == "fleet" else doc)["currency"] == "USD"


def test_a_gpu_without_a_price_says_so_and_what_to_give(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Ascend-910B has no bundled GPU-hour price: the costs are n/a and the unit cell read
    'USD no GPU-hour price'; it now names the GPU and the flag to give."""
    code, out, _ = run(["inference", "cost", "--model", "Llama-3.1-8B", "--gpu", "Ascend-910B",
                        "--gpus", "1", "--batch", "1", "--precision", "int8"], capsys)
    text = " ".join(out.split())
    assert code == 0 and "no GPU-hour price bundled for Ascend-910B; give --gpu-price" in text
    code, out, _ = run(["inference", "cost", "--model", "Llama-3.1-8B", "--gpu", "Ascend-910B",
                        "--gpus", "1", "--batch", "1", "--precision", "int8", "--gpu-price",
                        "1.5"], capsys)
    assert code == 0 and "USD at $1.5/GPU-hour (given)" in " ".join(out.split())
