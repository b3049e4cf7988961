"""Monte Carlo runs: the same seed gives the same results whatever the block size."""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from llmecon.errors import InputError
from llmecon.simulate.run import SimResult, run, sample_paths
from llmecon.simulate.run_summary import DatedPercentiles, Percentiles, RunSummary
from llmecon.simulate.scenario import Scenario

Factory = Callable[..., Scenario]


def _same(a: SimResult, b: SimResult, exact_sums: bool = True) -> None:
    """Everything counted is identical; sums (means, correlations) too when the blocks are
    the same, else equal to rounding."""
    for k in a.percentiles:
        assert np.array_equal(a.percentiles[k], b.percentiles[k], equal_nan=True), k
        if exact_sums:
            assert np.array_equal(a.mean[k], b.mean[k], equal_nan=True), k
        else:
            np.testing.assert_allclose(a.mean[k], b.mean[k], rtol=1e-12, atol=1e-12)
    assert a.driver_correlation.keys() == b.driver_correlation.keys()
    for k, v in a.driver_correlation.items():
        assert v == (b.driver_correlation[k] if exact_sums else pytest.approx(v, rel=1e-12))
    for f in ("prob_cash_out", "runway_percentiles", "breakeven_percentiles",
              "revenue_total_percentiles", "gross_margin_total_percentiles"):
        assert np.array_equal(getattr(a, f), getattr(b, f), equal_nan=True), f
    assert a.prob_breakeven == b.prob_breakeven


@pytest.mark.parametrize(("paths", "blocks"), [(20, (1, 7, 1000)),
                                                (1_100, (90, 1000, 16384))])
def test_block_size_changes_nothing(paths: int, blocks: tuple[int, ...], uncertain: Factory
                                    ) -> None:
    """Blocks of 1, 7, 90, 1000 and 16384 paths (across the 1024-path seeding tiles): the
    same paths and the same results for a seed."""
    s = uncertain(12)
    runs = [run(s, paths=paths, seed=11, block_paths=b, keep_paths=True) for b in blocks]
    assert runs[0].paths_data is not None
    for r in runs[1:]:
        assert r.paths_data is not None
        for f in ("cash", "revenue", "gross_profit", "operating_cash_flow"):
            assert np.array_equal(getattr(runs[0].paths_data, f), getattr(r.paths_data, f))
        _same(runs[0], r, exact_sums=False)
    other = run(s, paths=paths, seed=12, block_paths=blocks[1])
    assert not np.array_equal(runs[0].percentiles["cash"], other.percentiles["cash"])


def test_a_path_depends_only_on_seed_and_index(uncertain: Factory) -> None:
    s = uncertain()
    x_all, m_all = sample_paths(s, 3, 0, 3000)
    x_mid, m_mid = sample_paths(s, 3, 1020, 9)  # straddles the tile boundary at 1024
    for k in x_all:
        assert np.array_equal(x_all[k][1020:1029], x_mid[k])
    key = "proj.contracts_per_month"
    assert np.array_equal(m_all[key][1020:1029], m_mid[key])
    assert m_all[key].shape == (3000, 24) and (m_all[key] < 1).any()  # the regime occurs


def test_repr_names_the_run(uncertain: Factory) -> None:
    r = run(replace(uncertain(), horizon_months=6), paths=200, seed=1)
    text = repr(r)
    # the tiny scenario starts after 31 Dec 2024: months Jan to Jun 2025
    assert text.startswith("SimResult(tiny base, 200 paths x 6 months Jan 2025-Jun 2025, "
                           "seed 1, numpy, financing committed")
    assert "USD" in text and "P(cash < 0 by horizon)" in text


def test_limits_refused(uncertain: Factory) -> None:
    from llmecon.constants import MAX_HORIZON_MONTHS, MAX_PATHS

    with pytest.raises(InputError, match="paths: expected 1 to"):
        run(uncertain(), paths=MAX_PATHS + 1)
    with pytest.raises(InputError, match="horizon_months"):
        run(replace(uncertain(), horizon_months=MAX_HORIZON_MONTHS + 1), paths=10)
    with pytest.raises(InputError, match="block_paths"):
        run(uncertain(), paths=10, block_paths=0)


def test_to_frame_has_every_metric_and_month(uncertain: Factory) -> None:
    r = run(uncertain(6), paths=500, seed=4)
    df = r.to_frame()
    assert len(df) == 6 * 6 + 6  # six metrics x six months, and P(cash < 0) per month
    cash = df[df.metric == "cash"].set_index("month")
    assert list(cash["p50"]) == list(r.percentiles["cash"][2])
    assert list(cash["mean"]) == list(r.mean["cash"])
    out = df[df.metric == "prob_cash_out"]
    assert list(out["mean"]) == list(r.prob_cash_out) and out["p50"].isna().all()


@pytest.mark.parametrize(("start_cash", "found"), [(float("nan"), "found nan"),
                                                   (1e308, "found 1e+308")])
def test_no_number_is_no_answer(uncertain: Factory, start_cash: float, found: str) -> None:
    """NaN starting cash would read as 'never runs out of cash'; 1e308 overflows to inf.
    The scenario refuses both when it is built, before any run."""
    from llmecon.simulate.distributions import Dist

    s = uncertain(6)
    expected = rf"drivers.start_cash.value: expected a finite number .*{re.escape(found)}"
    with pytest.raises(InputError, match=expected):
        replace(s, drivers={**s.drivers, "start_cash": Dist("fixed", {"value": start_cash})})


def test_seed_range(uncertain: Factory) -> None:
    with pytest.raises(InputError, match=r"seed: expected a whole number from 0 to 2\*\*63"):
        run(uncertain(), paths=10, seed=2**63)
    assert run(uncertain(6), paths=10, seed=2**63 - 1).seed == 2**63 - 1


def test_to_frame_numbers_months_from_one_with_their_ends(uncertain: Factory) -> None:
    # the tiny scenario starts after 31 Dec 2024: month 1 ends 31 Jan 2025, month 6 30 Jun
    df = run(uncertain(6), paths=100, seed=4).to_frame()
    cash = df[df.metric == "cash"]
    assert list(cash["month"]) == [1, 2, 3, 4, 5, 6]
    # dates, not the text "2025-01-31" (api37): a month's end compares, sorts and resamples
    assert pd.api.types.is_datetime64_any_dtype(df["month_end"])
    assert cash["month_end"].iloc[0] == pd.Timestamp("2025-01-31")
    assert cash["month_end"].iloc[-1] == pd.Timestamp("2025-06-30")
    assert list(cash["month_end"].dt.day) == [31, 28, 31, 30, 31, 30]  # 2025 is no leap year


@pytest.mark.parametrize("bad", [
    {"paths": True}, {"paths": 1000.7}, {"paths": "5"}, {"paths": None}, {"seed": True},
    {"seed": 1.5}, {"keep_paths": "10"}, {"keep_paths": 10.9}, {"keep_paths": float("nan")},
    {"block_paths": 100.5}, {"block_paths": True}, {"memory_budget_bytes": float("nan")},
    {"memory_budget_bytes": 0}, {"chunk_blocks": 0, "backend": "dask"},
    {"chunk_blocks": -3, "backend": "dask"},
    {"scheduler_timeout_s": float("nan"), "backend": "dask"}])
def test_a_python_caller_gets_an_input_error_not_a_guess(uncertain: Factory,
                                                          bad: dict[str, object]) -> None:
    # a NaN memory budget compared False and switched the guard off; True ran one path;
    # 10.9 kept 10 paths; a float paths was a raw TypeError from numpy
    name = next(iter(bad))
    with pytest.raises(InputError, match=f"^{name}: expected"):
        run(uncertain(6), **{"paths": 100, **bad})  # type: ignore[arg-type]


def test_a_run_equals_itself_unpickled_and_rerun(uncertain: Factory) -> None:
    # api36: `==` raised "truth value of an array ... is ambiguous" (numpy fields), so a
    # Dask user could not check that a run came back unchanged
    import pickle

    r = run(uncertain(6), paths=200, seed=4)
    assert r == pickle.loads(pickle.dumps(r))
    assert r == run(uncertain(6), paths=200, seed=4)  # one seed, one result
    assert r != run(uncertain(6), paths=200, seed=5)
    assert r != run(uncertain(6), paths=200, seed=4, keep_paths=3)  # paths kept differ
    assert r != "a run"
    # atk37: hash() said "unhashable type: 'dict'" from inside the dataclass; a run is
    # compared by value and is no key, and says so in its own name
    with pytest.raises(TypeError, match="unhashable type: 'SimResult'"):
        hash(r)


def test_to_frame_says_the_unit_and_currency_of_each_metric(uncertain: Factory) -> None:
    # api36: money (cash, revenue) and fractions (gross margin, P(cash < 0)) shared the
    # p5..p95 and mean columns with no unit or currency beside them
    r = run(uncertain(6), paths=100, seed=4)
    units = r.to_frame().groupby("metric")[["unit", "currency"]].first()
    for money in ("cash", "revenue", "burn", "trade_receivables", "contract_liabilities"):
        assert tuple(units.loc[money]) == ("money", r.currency)
    for ratio in ("gross_margin", "prob_cash_out"):
        assert units.loc[ratio, "unit"] == "ratio" and pd.isna(units.loc[ratio, "currency"])


def test_summary_is_typed_and_still_the_dict_it_was(uncertain: Factory) -> None:
    # low38: summary() was typed dict[str, Any], so a typo in a key (or a float read as a
    # str) passed mypy --strict; now a TypedDict whose keys are the dict's, nested too
    r = run(uncertain(6), paths=100, seed=4)
    hints = typing.get_type_hints(SimResult.summary,
                                  localns={"RunSummary": RunSummary})["return"]
    assert hints is RunSummary
    s = r.summary()
    assert isinstance(s, dict) and json.loads(json.dumps(s))["currency"] == r.currency
    assert set(s) == RunSummary.__required_keys__ == set(RunSummary.__annotations__)
    plain: dict[str, typing.Any] = dict(s)
    for key, kind in typing.get_type_hints(RunSummary).items():
        if kind in (Percentiles, DatedPercentiles):
            assert set(plain[key]) == {"p5", "p25", "p50", "p75", "p95"}, key
    # the values are the result's own: P(cash < 0) by the last month, the median cash there
    assert s["prob_cash_out_by_horizon"] == float(r.prob_cash_out[-1])
    assert s["cash_at_horizon"]["p50"] == float(r.percentiles["cash"][2, -1])
    assert s["runway_months"]["p5"] == float(r.runway_percentiles[0])
