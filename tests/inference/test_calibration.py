"""The throughput model against every published case in shared/reference/inference.md §8.

Expected values are the published figures in llmecon/data/inference/cases.yaml (copied
from the sources named there); each case states its tolerance.
"""

from __future__ import annotations

import statistics

import pytest

from llmecon.inference.calibration import case_errors, fit_efficiency, load_cases, load_efficiency
from llmecon.inference.catalog import load_catalog

CASES = load_cases()
CAT = load_catalog()
ROWS = {r.case.id: r for r in case_errors(CASES, CAT, load_efficiency())}


@pytest.mark.parametrize("case_id", sorted(ROWS))
def test_case_within_its_tolerance(case_id: str) -> None:
    r = ROWS[case_id]
    assert abs(r.error) <= r.case.tolerance, (r.predicted, r.case.published)


def test_median_error_under_20_percent() -> None:
    assert statistics.median(abs(r.error) for r in ROWS.values()) < 0.20


def test_cases_cover_section_8() -> None:
    ids = {c.id for c in load_cases()}
    # V2 (LMSYS H100 prefill, decode, cost), V4 (TRT-LLM dense, NIM latency), V6 (H20, 910C)
    for needed in ("lmsys-prefill-1k", "lmsys-prefill-4k", "lmsys-decode", "lmsys-cost",
                   "trtllm-8b-h100", "trtllm-70b-h100", "trtllm-405b-h100", "nim-70b-itl",
                   "ant-h20-base", "ant-h20-pro", "ant-h20-max", "cloudmatrix-decode-50ms"):
        assert needed in ids


@pytest.mark.slow
def test_calibration_fits_the_published_cases() -> None:
    """A fresh calibration is judged against the published figures (outside truth), not
    against the factors the code wrote to efficiency.yaml: each case within its tolerance,
    and every factor a physically possible fraction of peak. The leave-one-out errors (each
    case predicted from factors fitted on the others) stay under 27% at the median: 26.1%
    since the models come from their config files (18.8% before; in-sample errors moved by
    under 1 point, but the grid optimum without ant-h20-prefill, trtllm-70b-h100 or
    nim-70b-saturated jumps further)."""
    c = fit_efficiency(CASES, CAT)
    for row in case_errors(CASES, CAT, c.efficiency):
        assert abs(row.error) <= row.case.tolerance, (row.case.id, row.predicted)
    e = c.efficiency
    for f in (e.prefill_mfu, e.decode_mfu, e.decode_bw, e.network):
        assert 0.0 < f <= 1.0
    assert set(c.loo_errors) == set(ROWS)
    assert statistics.median(abs(x) for x in c.loo_errors.values()) < 0.27


def _docs_line(prefix: str) -> str:
    """The line of docs/inference.md (moved there from the README) starting ``prefix``."""
    from pathlib import Path

    readme = Path(__file__).resolve().parents[2] / "docs" / "inference.md"
    return next(line for line in readme.read_text(encoding="utf-8").splitlines()
                if line.startswith(prefix))


def test_docs_quote_the_published_case_error_the_code_gives() -> None:
    """The roofline table of docs/inference.md (``make accuracy`` prints it) is not left stale: its
    in-sample median is the one computed here (the leave-one-out half: the slow test)."""
    line = _docs_line("Median absolute error: ")
    median = statistics.median(abs(r.error) for r in ROWS.values())
    assert f"Median absolute error: {median:.1%} over {len(ROWS)} cases;" in line, line


@pytest.mark.slow
def test_docs_quote_the_leave_one_out_error_the_code_gives() -> None:
    c = fit_efficiency(CASES, CAT)
    loo = statistics.median(abs(x) for x in c.loo_errors.values())
    line = _docs_line("Median absolute error: ")
    assert line.endswith(f"predicted from the others): {loo:.1%}."), line
