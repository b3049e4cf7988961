"""A measured table's bad cells are named in the row's status, never read as blank."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from llmecon.errors import InputError
from llmecon.inference.catalog import load_catalog
from llmecon.inference.engines import load_serving_factors
from llmecon.inference.measured import load_measured, predict_table
from llmecon.inference.modes import RunConfig, serve

CAT = load_catalog()
F = load_serving_factors()
# the measured table's columns (its header, copied into the repository)
COLUMNS = (Path(__file__).resolve().parents[1] / "data" / "measured_serving"
           / "measured_serving.csv").open(encoding="utf-8").readline().strip().split(",")
# one good aggregated row of Llama-3.1-8B on H100 (TP 1), and one disaggregated row
AGG = {"id": "a", "silicon_data_source": "x; silicon_concurrency=4", "backend": "vllm",
       "backend_version": "0", "model_path": "meta-llama/Llama-3.1-8B", "system": "h100_sxm",
       "precision": "fp8", "mode": "agg", "isl": 1000, "osl": 500, "batch_size": 4,
       "tp_size": 1, "pp_size": 1, "attention_dp_size": 1, "moe_tp_size": 1,
       "moe_ep_size": 1}
DISAGG = {**AGG, "id": "d", "mode": "disagg", "tp_size": "", "pp_size": "",
          "prefill_num_workers": 1, "prefill_tp_size": 1, "prefill_pp_size": 1,
          "decode_num_workers": 1, "decode_tp_size": 1, "decode_pp_size": 1}


def _status(rows: list[dict[str, object]], tmp_path: Path) -> list[str]:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    p = tmp_path / "t.csv"
    frame.to_csv(p, index=False)
    out = predict_table(load_measured(p), CAT, F)
    assert out.loc[out.status != "ok", "pred_tpot_ms"].isna().all()
    return list(out.status)


def test_good_rows_and_blank_optional_cells_are_predicted(tmp_path: Path) -> None:
    # blank (or 0) MoE and attention-DP sizes mean none; the disaggregated row's agg columns
    # are not read
    rows = [AGG, {**AGG, "moe_tp_size": "", "moe_ep_size": 0, "attention_dp_size": 0},
            DISAGG, {**DISAGG, "tp_size": "junk"}]
    assert _status(rows, tmp_path) == ["ok"] * 4


@pytest.mark.parametrize(("cell", "value", "says"), [
    ("pp_size", 0, "pp_size: expected a whole number from 1 to 1,000,000, found 0"),
    ("pp_size", -2, "pp_size: expected a whole number from 1 to 1,000,000, found -2"),
    ("pp_size", "two", "pp_size: expected a whole number from 1 to 1,000,000, found 'two'"),
    ("pp_size", 1.5, "found 1.5"),
    ("pp_size", 1e30, "found 1e+30"),
    ("tp_size", 2.5, "tp_size: expected a whole number"),
    ("attention_dp_size", -1, "attention_dp_size: expected a whole number from 0 to"),
    ("isl", -5, "isl: expected a number from 1 to 100,000,000, found -5"),
    ("isl", "abc", "isl: expected a number from 1 to 100,000,000, found 'abc'"),
    ("isl", "inf", "isl: expected a number"),
    ("mode", "AGGREGATED", "mode: expected agg or disagg"),
    ("silicon_data_source", "x; silicon_concurrency=0",
     "silicon_data_source: expected one silicon_concurrency, a whole number from 1 to "
     "1,000,000"),
    ("pp_size", 64, "more pipeline stages (pp) than the model has layers"),
    # an 8-GPU H100 node: expert parallelism over 16 GPUs of a 1-GPU worker was folded away
    ("moe_ep_size", 16, "moe_tp_size x moe_ep_size spans more GPUs than the worker"),
])
def test_a_bad_cell_is_named(cell: str, value: object, says: str, tmp_path: Path) -> None:
    status = _status([AGG, {**AGG, cell: value}], tmp_path)
    assert status[0] == "ok"
    assert says in status[1]


@pytest.mark.parametrize("cell", ["decode_num_workers", "prefill_num_workers",
                                  "decode_pp_size"])
def test_zero_workers_or_stages_in_a_disaggregated_row_are_named(cell: str,
                                                                 tmp_path: Path) -> None:
    # a blank worker count is sized by the planner; a 0 is an error, not a blank
    status = _status([{**DISAGG, cell: ""}, {**DISAGG, cell: 0}], tmp_path)
    assert status[0] == "ok"
    assert status[1].startswith(f"{cell}: expected a whole number from 1")


@pytest.mark.parametrize(("cell", "value", "says"), [
    ("decode_batch_size", 0, "found 0"), ("decode_batch_size", 1e9, "found 1e+09"),
    ("prefill_batch_size", -1, "found -1")])
def test_a_bad_batch_column_is_named_though_not_read(cell: str, value: float, says: str,
                                                     tmp_path: Path) -> None:
    # from a hostile-input audit: the concurrency comes from silicon_data_source, so these
    # columns were never read and any value passed with status ok
    status = _status([DISAGG, {**DISAGG, cell: value}], tmp_path)
    assert status[0] == "ok"
    assert status[1] == f"{cell}: expected a whole number from 1 to 1,000,000, {says}"


def test_a_model_file_that_fails_says_why(tmp_path: Path) -> None:
    bad = tmp_path / "config.json"
    bad.write_text('{"num_hidden_layers": 0}')
    status = _status([{**AGG, "model_path": str(bad)}], tmp_path)
    assert "model not in the catalog" not in status[0] and "config.json" in status[0]
    # a readable config in the column is refused per row too (it was read, then looked up
    # again by name, and aborted the whole table with "unknown model")
    good = tmp_path / "Llama" / "config.json"
    good.parent.mkdir()
    good.write_text((Path(__file__).parents[2] / "src/llmecon/data/inference/model_configs"
                     / "meta-llama--Meta-Llama-3.1-8B.json").read_text(encoding="utf-8"))
    status = _status([{**AGG, "model_path": str(good)}, AGG], tmp_path)
    assert "a catalog name, not a file" in status[0] and status[1] == "ok"
    with pytest.raises(InputError, match=r"config\.json"):
        serve(RunConfig(model=str(bad), gpu="H100", tp=1), CAT, F)
    assert np.isnan(predict_table(pd.DataFrame([AGG]).assign(model_path=str(bad)), CAT,
                                  F).pred_tpot_ms[0])


def _table(rows: list[dict[str, object]], tmp_path: Path, drop: str = "") -> Path:
    p = tmp_path / "m.csv"
    pd.DataFrame(rows, columns=[c for c in COLUMNS if c != drop]).to_csv(p, index=False)
    return p


def test_scoring_a_table_needs_measured_times_that_are_times(tmp_path: Path) -> None:
    from llmecon.inference.fit import measured_accuracy

    timed = {**AGG, "silicon_ttft_ms": 50.0, "silicon_tpot_ms": 8.0}
    a = measured_accuracy(_table([timed, {**timed, "silicon_ttft_ms": ""}], tmp_path))
    assert a.in_sample.rows == 1  # a blank time is not scored
    # 1e-300 ms gave a median error of 4e302%: a time is a microsecond to a day
    for bad, says in (("abc", "found 'abc'"), (-3, "found -3"), ("inf", "found inf"),
                      (1e-300, "found 1e-300"), (1e300, r"found 1e\+300")):
        with pytest.raises(InputError, match=rf"m\.csv: silicon_ttft_ms: row 2: expected a "
                                             rf"time from 0.001 to 86,400,000 ms, {says}"):
            measured_accuracy(_table([timed, {**timed, "silicon_ttft_ms": bad}], tmp_path))
    with pytest.raises(InputError, match=r"m\.csv: silicon_tpot_ms: expected a column"):
        measured_accuracy(_table([timed], tmp_path, drop="silicon_tpot_ms"))
    with pytest.raises(InputError, match=r"m\.csv: no row to score: 0 rows"):
        measured_accuracy(_table([], tmp_path))
    with pytest.raises(InputError, match=r"no row to score: 1 rows.*\(pp_size: expected"):
        measured_accuracy(_table([{**timed, "pp_size": 0}], tmp_path))
    with pytest.raises(InputError, match=r"leave one model out: expected scored rows of at "
                                         r"least two models .* found 1"):
        measured_accuracy(_table([timed], tmp_path), hold_out="model")


def test_moe_parallelism_beyond_the_worker_and_its_domain_is_named(tmp_path: Path) -> None:
    # within the 8-GPU domain it is read (vLLM's rows list moe_tp 4 on tp 1: the DP ranks
    # that hold the experts are not counted in tp); beyond it, in either worker, refused
    rows = [{**AGG, "moe_ep_size": 8}, {**DISAGG, "decode_moe_ep_size": 9},
            {**DISAGG, "prefill_moe_tp_size": 3, "prefill_moe_ep_size": 3}]
    status = _status(rows, tmp_path)
    assert status[0] == "ok"
    assert all("spans more GPUs than the worker" in s for s in status[1:])


def test_accuracy_says_how_many_rows_it_scored(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    # from a hostile-input audit: a measured 'nan' is no measurement; the title said "60.0%
    # predicted" and scored fewer rows without a word
    from llmecon.cli.app import main

    rows = [{**AGG, "silicon_ttft_ms": 50, "silicon_tpot_ms": 5},
            {**AGG, "silicon_ttft_ms": "nan", "silicon_tpot_ms": 5}]
    p = tmp_path / "t.csv"
    pd.DataFrame(rows, columns=COLUMNS).to_csv(p, index=False)
    assert main(["inference", "accuracy", "--measured", str(p), "--format", "md"]) == 0
    assert "2 rows, 100.0% predicted, 1 scored (predicted, with a measured TTFT and TPOT)" \
        in capsys.readouterr().out
