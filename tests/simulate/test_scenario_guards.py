"""A scenario file cannot leave the projection with something it ignores, guesses or cannot
compute: every case is one line naming the file and the key (found by a hostile audit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmecon.api import load_company
from llmecon.cli.app import main
from llmecon.config.assumptions import load_assumptions
from llmecon.errors import InputError
from llmecon.simulate.loaders import load_base_scenario
from llmecon.simulate.scenario import apply_stresses, load_scenario

BASE = load_base_scenario(load_company("zhipu"), load_assumptions(None), 36)


def _load(tmp_path: Path, text: str) -> object:
    p = tmp_path / "s.yaml"
    p.write_text(text)
    return load_scenario(BASE, p)


@pytest.mark.parametrize(("text", "says"), [
    ("lines: [{name: robots, kind: c2c}]\n",
     "lines: robots (c2c) needs the drivers robots.start_users"),
    ("lines: [{name: localized_deployment, kind: api}]\n",
     "lines: localized_deployment (api) needs the drivers"),
    ("lines: []\n", "lines: expected at least one line, each name once, found none"),
    ("lines: [{name: a, kind: api}, {name: a, kind: api}]\n", "found 'a' twice"),
    ("financing: [{amount: 1e9, date: 2020-01-01, committed: true}]\n",
     "financing[0] (financing): expected a month within the projection, after 2025-06-30"),
    ("financing: [{amount: 1e9, month: 36, committed: true}]\n",
     "before month 36, found month 36"),
    ("shocks: [{driver: training_compute_monthly, multiplier: 0.5, start_month: 500}]\n",
     "shocks[0]: start_month: expected a month before the horizon (36), found 500"),
    ("correlations: [[start_cash, opex_growth_annual, 0.5]]\n",
     "correlations[0]: start_cash is fixed; a correlation needs two uncertain drivers"),
    ("correlations: [['*growth*', inference_cost_decline_annual, 0.5]]\n",
     "correlations[0]: '*growth*' matches"),
    ("drivers: {compute_rented_share: 1, compute_committed_share: 1, "
     "compute_owned_share: 1}\n", "compute_owned_share: expected 1, found 3"),
    ("drivers: {cloud_deployment.utilisation: 0}\n",
     "utilisation: expected a share from 0.01 to 1"),
    ("drivers: {interest_rate_on_cash_annual: 1000}\n",
     "interest_rate_on_cash_annual: expected an annual rate from 0 to 1"),
    ("drivers: {compute_commitment_months: 2.5}\n",
     "compute_commitment_months: expected a whole number of months, found 2.5"),
    ("drivers: {compute_commitment_months: {dist: uniform, low: 6, high: 12.5}}\n",
     "expected a whole number of months, found 12.5"),  # the fractional end (review)
    ("stresses: [price-war]\n", "stresses: price-war listed, but the file does not hold "
                                "their changes"),
    # from a hostile-input audit: money "received before the start" dated month 3 did nothing
    ("financing: [{amount: 1e9, month: 3, kind: equity, already_received: true}]\n",
     "already_received: true marks money in the starting cash, drawn before the start: "
     "expected month 0, found 3"),
    ("financing: [{amount: 1e9, date: 2026-06-15, kind: debt, already_received: true, "
     "annual_interest_rate: 0.03, repay_after_months: 12}]\n",  # a date got past it (review)
     "already_received: true is money in the opening cash: expected a date by 2025-06-30"),
    ("financing: [{amount: 1e9, month: 0, kind: equity, already_received: true}]\n",
     "already_received: true with no annual_interest_rate and no repay_after_months moves "
     "no cash"),
    # from a hostile audit: no pointer to where a later collection is set
    ("shocks: [{driver: '*.collection_delay_extra_months', multiplier: 2, start_month: 0, "
     "months: 3}]\n", "a collection delay is a line's setting, not a driver: under lines"),
    ("financing: [{amount: 1e9, date: 2024-01-15, kind: debt, already_received: true, "
     "repay_after_months: 12}]\n",
     "drawn 2024-01-15 and repaid 12 months later, before the projection starts"),
])
def test_a_scenario_file_that_would_be_ignored_or_guessed_is_named(
        tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(InputError, match=r"s\.yaml: ") as e:
        _load(tmp_path, text)
    assert says in str(e.value)


def test_a_short_horizon_scenario_written_by_show_reads_back(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the calibrated IPO (January 2026) lies beyond a 6-month horizon: carried, not refused
    assert main(["scenario", "show", "zhipu", "--horizon", "6"]) == 0
    f = tmp_path / "z6.yaml"
    f.write_text(capsys.readouterr().out)
    base6 = load_base_scenario(load_company("zhipu"), load_assumptions(None), 6)
    assert load_scenario(base6, f).financing == base6.financing


def test_a_correlation_pair_is_given_once_between_two_drivers(tmp_path: Path) -> None:
    uncertain = [k for k, d in BASE.drivers.items() if d.kind != "fixed"][:2]
    a, b = uncertain
    with pytest.raises(InputError, match="expected two different drivers, each pair once"):
        _load(tmp_path, f"correlations: [[{a}, {a}, 0.5]]\n")
    with pytest.raises(InputError, match="expected two different drivers, each pair once"):
        _load(tmp_path, f"correlations: [[{a}, {b}, 0.5], [{b}, {a}, -0.5]]\n")
    assert _load(tmp_path, f"correlations: [[{a}, {b}, 0.5]]\n").correlations == ((a, b, 0.5),)


def test_a_stress_applies_once(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(InputError, match="stress 'price-war' given twice"):
        apply_stresses(BASE, ["price-war", "price-war"])
    assert main(["simulate", "zhipu", "--paths", "100", "--no-save", "--stress", "price-war",
                 "--stress", "price-war"]) == 2
    assert "given twice" in capsys.readouterr().err


def test_a_stressed_scenario_written_by_show_reads_back_stressed_and_labelled(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "show", "zhipu", "--stress", "price-war"]) == 0
    f = tmp_path / "stressed.yaml"
    f.write_text(capsys.readouterr().out)
    back = load_scenario(BASE, f)
    direct = apply_stresses(BASE, ["price-war"])
    assert back.stresses == ("price-war",)
    assert set(back.shocks) == set(direct.shocks)


def test_o_is_for_workbooks_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["simulate", "zhipu", "--paths", "100", "--no-save", "-o", "x.xlsx"],
                 ["simulate", "zhipu", "--paths", "100", "--no-save", "--format", "csv",
                  "-o", str(tmp_path / "x.csv")],
                 ["unit-economics", "zhipu", "--format", "json", "-o", str(tmp_path / "u")]):
        assert main(args) == 2
        assert "-o: only with --format xlsx" in capsys.readouterr().err
    assert main(["simulate", "zhipu", "--paths", "100", "--no-save", "--format", "xlsx",
                 "-o", "-"]) == 2
    assert "a workbook cannot go to standard output" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_a_mistyped_price_endpoint_is_named(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "a.yaml"
    f.write_text("inference:\n  zhipu: {model: GLM-4.6, gpu: H800, gpus: 16, precision: fp8, "
                 "batch_per_gpu: 32, price_endpoint: Nowhere}\n")
    for cmd in (["unit-economics", "zhipu"], ["scenario", "show", "zhipu"]):
        assert main([*cmd, "--assume", str(f)]) == 2
        err = capsys.readouterr().err
        assert "price_endpoint: no bundled GLM-4.6 price at an endpoint starting 'Nowhere'" \
            in err and "Z.ai" in err


@pytest.mark.parametrize("command", [["simulate", "zhipu", "--paths", "50", "--no-save"],
                                     ["answers", "zhipu"],
                                     # a worker process logged "Compute Failed" before it
                                     ["simulate", "zhipu", "--paths", "50", "--no-save",
                                      "--backend", "dask", "--workers", "1"]])
def test_a_projection_past_the_float_range_is_one_named_error_without_warnings(
        tmp_path: Path, capfd: pytest.CaptureFixture[str], command: list[str]) -> None:
    # five x1000 shocks on a monthly volume growth: (1 + 0.05 x 1e15)^36 is far past 1.8e308
    import warnings

    p = tmp_path / "s.yaml"
    p.write_text("shocks:\n" + "  - {driver: cloud_deployment.volume_growth_monthly, "
                 "multiplier: 1000, start_month: 0}\n" * 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # numpy's overflow warning fails here
        assert main([*command, "--scenario", str(p)]) == 2
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and "zhipu: the projection overflows the float range" in err


def test_debt_drawn_before_the_start_is_repaid_counting_from_the_draw(
        tmp_path: Path) -> None:
    # from a hostile audit: drawn 1 Jan 2025, repaid 12 months later (January 2026), the
    # start 30 June 2025: month 0 is July 2025, so the repayment is month 6 (it was month
    # 12, counted from the start)
    s = _load(tmp_path, "financing: [{amount: 1000, date: 2025-01-01, kind: debt, "
                        "committed: true, already_received: true, repay_after_months: 12}]\n")
    (debt,) = s.financing  # type: ignore[attr-defined]
    assert debt.month == 0 and debt.repay_after_months == 6
    # the boundary (a review): drawn in March, repaid 4 months later, in July 2025, month 0
    edge = _load(tmp_path, "financing: [{amount: 1000, date: 2025-03-10, kind: debt, "
                           "committed: true, already_received: true, repay_after_months: 4}]\n")
    assert edge.financing[0].repay_after_months == 0  # type: ignore[attr-defined]
    with pytest.raises(InputError, match="before the projection starts"):
        _load(tmp_path, "financing: [{amount: 1000, date: 2025-02-10, kind: debt, "
                        "committed: true, already_received: true, repay_after_months: 4}]\n")
    from llmecon.simulate.balances import financing_by_month

    flows = financing_by_month(s)  # type: ignore[arg-type]
    assert flows[6] == -1000 and flows.sum() == -1000
