"""Print the accuracy table of the serving model in docs/inference.md (markdown), from the library.

    PYTHONPATH=src python scripts/accuracy_table.py [TABLE.csv]      (make accuracy)

The bundled fitted factors (``data/inference/serving_factors.yaml``) and what they were
fitted on, then median and 90th-percentile |error| of TTFT and TPOT on the measured table:
in sample, and leave-one-model-out (each model's rows predicted by factors refitted without
that model; DeepSeek-R1 and -V3 count as one model). The leave-one-model-out refits take a
few minutes.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from llmecon.inference.fit import ErrorSummary, accuracy_record, measured_accuracy

TABLE = Path(__file__).resolve().parents[1] / "tests/data/measured_serving/measured_serving.csv"


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _row(label: str, s: ErrorSummary) -> str:
    return (f"| {label} | {s.rows:,} | {_pct(s.ttft_median)} | {_pct(s.ttft_p90)} | "
            f"{_pct(s.tpot_median)} | {_pct(s.tpot_p90)} |")


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else TABLE
    a = measured_accuracy(path, hold_out="model")
    f = a.factors
    assert f is not None
    print(f"Serving model against `{path.name}` ({a.rows:,} runs, "
          f"{a.predicted_share:.1%} predicted).\n")
    print("Fitted factors (" + (f.fitted_on or "unstated") + "):\n")
    engines = sorted(f.engines)
    fields = list(type(f.engines[engines[0]]).model_fields)
    print("| factor | " + " | ".join(engines) + " |")
    print("|---|" + "---:|" * len(engines))
    for k in fields:
        print(f"| {k} | " + " | ".join(f"{getattr(f.engines[e], k):.3g}" for e in engines)
              + " |")
    print("\n| factor (all engines) | value |\n|---|---:|")
    for k, v in f.model_dump().items():
        if k not in ("engines", "fitted_on", "accuracy"):
            print(f"| {k} | {v:.3g} |")
    print("\n| absolute error | rows | TTFT median | TTFT p90 | TPOT median | TPOT p90 |")
    print("|---|---:|---:|---:|---:|---:|")
    print(_row("in sample", a.in_sample))
    if a.out_of_sample is not None:
        print(_row("leave-one-model-out", a.out_of_sample))
    for m, s in a.per_held_out.items():
        print(_row(f"held out: {m}", s))
    _yaml_block("accuracy", "serving_factors.yaml",
                accuracy_record(a, f"{path.name}, {a.rows:,} runs"))
    _roofline_block(path)


def _yaml_block(key: str, file: str, record: Any) -> None:
    """A recorded block (a config model) as it goes under ``key:`` in ``data/inference/FILE``."""
    body = "\n".join("  " + line for line in record.to_yaml().rstrip("\n").splitlines())
    print(f"\nThe `{key}:` block of `data/inference/{file}`:\n\n```yaml\n{key}:\n{body}\n```")


def _roofline_block(path: Path) -> None:
    """The ``measured_check:`` block of ``data/inference/efficiency.yaml``: the
    published-case roofline's TPOT error on the measured aggregated runs."""
    from llmecon.inference.calibration import load_efficiency
    from llmecon.inference.catalog import load_catalog
    from llmecon.inference.crosscheck import roofline_on_measured, roofline_record
    from llmecon.inference.measured import load_measured, parse_runs

    cat = load_catalog()
    frame = load_measured(path)
    c = roofline_on_measured(parse_runs(frame, cat),
                             frame["silicon_tpot_ms"].to_numpy(dtype=float), cat,
                             load_efficiency())
    _yaml_block("measured_check", "efficiency.yaml",
                roofline_record(c, f"{path.name}, aggregated runs"))


if __name__ == "__main__":
    main()
