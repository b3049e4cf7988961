"""``inference sweep`` written straight from its arrays: CSV and Parquet files (DuckDB)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from llmecon.cli import main
from llmecon.errors import InputError
from llmecon.fileio import write_frame
from llmecon.inference.catalog import load_catalog
from llmecon.inference.engines import load_engine_efficiency
from llmecon.inference.sweep import run_sweep

ARGS = ["inference", "sweep", "--models", "Llama-3.1-8B,Qwen3-235B-A22B",
        "--gpus-list", "H100,H200", "--batches", "8,64", "--inputs", "1000,4000"]


def _expected() -> pd.DataFrame:
    s = run_sweep(load_catalog(), load_engine_efficiency(),
                  models=["Llama-3.1-8B", "Qwen3-235B-A22B"], gpus=["H100", "H200"],
                  batches=[8, 64], input_tokens=[1000, 4000], prices=[2.0])
    out: pd.DataFrame = s.to_frame()
    return out


def test_grid_order_is_models_gpus_batches_inputs_prices() -> None:
    df = _expected()
    assert len(df) == 2 * 2 * 2 * 2
    assert list(df.model[:8]) == ["Llama-3.1-8B"] * 8
    assert list(df.gpu[:4]) == ["H100"] * 4 and list(df.gpu[4:8]) == ["H200"] * 4
    assert list(df.batch_per_gpu[:4]) == [8, 8, 64, 64]
    assert list(df.input_tokens[:4]) == [1000, 4000, 1000, 4000]


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_file_round_trips(tmp_path: Path, suffix: str,
                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"sweep.{suffix}"
    assert main([*ARGS, "-f", str(out)]) == 0
    assert "wrote 16 configurations" in capsys.readouterr().out
    got = (pd.read_csv(out) if suffix == "csv"
           else duckdb.sql(f"select * from '{out}'").df())
    want = _expected()
    assert list(got.columns) == list(want.columns)
    assert list(got.model.astype(str)) == list(want.model.astype(str))
    for col in ("batch_per_gpu", "input_tokens", "decode_tokens_per_gpu_s", "tpot_ms",
                "cost_per_m_output", "cost_per_m_input_miss"):
        np.testing.assert_allclose(got[col].to_numpy(float), want[col].to_numpy(float),
                                   rtol=1e-12)
    assert list(got.fits.astype(bool)) == list(want.fits)
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left


def test_csv_on_standard_output(capfd: pytest.CaptureFixture[str]) -> None:
    assert main([*ARGS, "--format", "csv"]) == 0
    lines = capfd.readouterr().out.splitlines()
    assert lines[0].startswith("model,gpu,batch_per_gpu,input_tokens")
    assert len(lines) == 1 + 16


def test_parquet_needs_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ARGS, "--format", "parquet"]) == 2
    assert "give the file with -f FILE.parquet" in capsys.readouterr().err


def test_a_failed_write_keeps_the_old_file(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "sweep.csv"
    out.write_text("old contents\n")

    def disk_full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)  # fails after DuckDB wrote the temporary file
    with pytest.raises(InputError, match=r"sweep.csv: cannot write it \(No space left"):
        write_frame(out, _expected(), "csv")
    assert out.read_text() == "old contents\n"
    assert [p.name for p in tmp_path.iterdir()] == ["sweep.csv"]


def test_names_with_quotes_are_written_as_given(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from llmecon.inference.sweep import Sweep
    from llmecon.report.inference import sweep_select

    n = 2
    cols = {"model_index": np.array([0, 1]), "gpu_index": np.array([0, 0]),
            **{name: np.arange(n, dtype=float) for name, _ in Sweep.COLUMNS}}
    fake = SimpleNamespace(models=("O'Brien-7B", 'say "hi"; DROP'), gpus=("H100",),
                           COLUMNS=Sweep.COLUMNS)
    out = write_frame(tmp_path / "q.csv", cols, "csv", sweep_select(fake))
    got = pd.read_csv(out)
    assert list(got.model) == ["O'Brien-7B", 'say "hi"; DROP'] and list(got.gpu) == ["H100"] * 2


def test_a_wrong_file_kind_names_the_flag(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ARGS, "-f", str(tmp_path / "grid.txt")]) == 2
    err = capsys.readouterr().err
    assert "-f/--format: expected a csv or parquet file, found 'grid.txt'" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_configuration_that_does_not_fit_has_no_rate_or_cost(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # from a hostile-input audit: DeepSeek-V3 (671B parameters, 671 GB at FP8) on one
    # 8 x 80 GB H100 node was priced at US$8.25 per million output tokens with fits=false
    args = ["inference", "sweep", "--models", "DeepSeek-V3,Llama-3.1-8B", "--gpus-list",
            "H100", "--batches", "1", "--inputs", "100", "--prices", "2"]
    out = tmp_path / "s.csv"
    assert main([*args, "-f", str(out)]) == 0
    capsys.readouterr()
    got = pd.read_csv(out).set_index("model")
    rates = ["decode_tokens_per_gpu_s", "prefill_tokens_per_gpu_s", "tpot_ms",
             "cost_per_m_output", "cost_per_m_input_miss"]
    assert not got.loc["DeepSeek-V3", "fits"] and got.loc["DeepSeek-V3", rates].isna().all()
    assert got.loc["Llama-3.1-8B", "fits"] and got.loc["Llama-3.1-8B", rates].notna().all()
    assert main([*args, "--format", "json"]) == 0
    rows = {r["model"]: r for r in json.loads(capsys.readouterr().out)}
    assert all(rows["DeepSeek-V3"][k] is None for k in rates)


def test_a_full_disk_under_duckdb_is_named(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # from a review: DuckDB's own write error (not an OSError) was an internal error naming
    # its temporary file
    import duckdb

    real = duckdb.connect

    class Full:
        def __init__(self, con: object) -> None:
            self.con = con

        def __getattr__(self, name: str) -> object:
            return getattr(self.con, name)

        def execute(self, sql: str, *args: object) -> object:
            if sql.startswith("COPY"):
                raise duckdb.IOException('Could not write file "tmp_.x.tmp": No space left '
                                         "on device")
            return self.con.execute(sql, *args)  # type: ignore[attr-defined]

    out = tmp_path / "sweep.csv"
    out.write_text("old contents\n")
    monkeypatch.setattr(duckdb, "connect", lambda *a, **k: Full(real(*a, **k)))
    with pytest.raises(InputError, match=r"sweep.csv: cannot write it \(No space left on "
                                         r"device\); the file as it was is kept"):
        write_frame(out, _expected(), "csv")
    assert out.read_text() == "old contents\n"
    assert [p.name for p in tmp_path.iterdir()] == ["sweep.csv"]


def test_an_empty_file_name_is_named_and_only_csv_marks_formula_names(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # from a review: -f '' printed the table instead; the apostrophe that keeps a CSV cell
    # text in a spreadsheet (a hostile-input audit) was written into Parquet names too
    import csv

    import duckdb

    assert main([*ARGS, "-f", ""]) == 2
    assert "-f: expected the path of a file to write, found ''" in capsys.readouterr().err
    cat = tmp_path / "cat.yaml"
    cat.write_text("gpus:\n  - {name: '=evil', bf16_tflops: 989, fp8_tflops: 1979, "
                   "memory_gb: 80, bandwidth_tbs: 3.35, scale_up_gbs: 900, scale_out_gbs: 50,"
                   " scale_up_domain: 8, as_of: 2025-01, confidence: high, source: test}\n")
    out = tmp_path / "s.parquet"
    assert main(["inference", "sweep", "--catalog", str(cat), "--models", "Llama-3.1-8B",
                 "--gpus-list", "=evil", "--batches", "1", "-f", str(out)]) == 0
    got = duckdb.sql(f"SELECT DISTINCT gpu FROM '{out}'").fetchall()
    assert got == [("=evil",)]
    out = tmp_path / "s.csv"
    assert main(["inference", "sweep", "--catalog", str(cat), "--models", "Llama-3.1-8B",
                 "--gpus-list", "=evil", "--batches", "1", "-f", str(out)]) == 0
    assert {r["gpu"] for r in csv.DictReader(out.open())} == {"'=evil"}


def test_a_grid_above_the_memory_budget_is_refused_first(
        capsys: pytest.CaptureFixture[str]) -> None:
    """A hostile-input audit: 120M configurations from one command line took 14.7 GB; the
    grid's memory is planned from its size (2 x 2 x 5,000 x 2,000 x 3 = 120M configurations
    x 128 bytes = 14.3 GiB) and refused above the budget before any work."""
    from llmecon.cli import main

    batches = ",".join(str(i) for i in range(1, 5001))
    inputs = ",".join(str(i * 10) for i in range(1, 2001))
    assert main(["inference", "sweep", "--models", "Llama-3.1-70B,DeepSeek-V3", "--gpus-list",
                 "H100,H200", "--batches", batches, "--inputs", inputs, "--prices", "1,2,3",
                 "--format", "csv"]) == 2
    err = capsys.readouterr().err
    assert f"memory: 120,000,000 configurations need about {120e6 * 128 / 2**30:,.1f} GiB; " \
           "the budget is 4 GiB" in err
    # a table goes through a DataFrame: four times a file's bytes a row, so a smaller budget
    assert main(["inference", "sweep", "--models", "Llama-3.1-8B", "--gpus-list", "H100",
                 "--batches", batches, "--inputs", "1000", "--memory-budget", "0.0625"]) == 0
    capsys.readouterr()
    assert main(["inference", "sweep", "--models", "Llama-3.1-8B", "--gpus-list", "H100",
                 "--batches", batches, "--inputs", inputs[:3000], "--memory-budget",
                 "0.0625"]) == 2
    assert "configurations need about" in capsys.readouterr().err


def test_the_sweep_table_says_its_units(capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A walkthrough: the sweep's table, CSV and JSON name a price and costs with no currency
    and leave cells blank without a word. The table's caption gives the units and what a
    blank means (256 sequences of 8,000 tokens of Llama-3.1-8B do not fit on one H100)."""
    monkeypatch.setenv("COLUMNS", "240")
    assert main(["inference", "sweep", "--models", "Llama-3.1-8B", "--gpus-list", "H100",
                 "--batches", "256", "--inputs", "8000", "--prices", "2"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "False" in out  # the row does not fit
    assert "gpu_hour_price in USD per GPU-hour; cost_per_m_* in USD per million tokens" in out
    assert "a blank where fits is false: the batch does not fit in memory" in out
