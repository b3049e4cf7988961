"""Issue 14: hypothesis fuzz of the loaders (scenario, assumptions, catalog, cohort CSV; the
company loaders are fuzzed in tests/statements/test_fuzz.py) and of the numeric flags of the
command line. Every outcome is a result or an :class:`~llmecon.errors.LlmeconError` (at the
command line: exit 2 with one line), never another exception; and a result is a usable one:
a scenario that loads runs to finite percentiles, a flag value that parses is finite and
within :data:`~llmecon.constants.MAX_MAGNITUDE`.

Examples are bounded (sizes and counts) so the whole file runs in seconds."""

from __future__ import annotations

import argparse
import math
import warnings
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from llmecon.cli import main
from llmecon.constants import MAX_MAGNITUDE
from llmecon.errors import LlmeconError
from llmecon.simulate.scenario import Scenario

FAST = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# ------------------------------------------------------------------------- shared strategies
#: Text that looks like a number, a special float, or garbage.
numberish = st.one_of(
    st.sampled_from(["0", "-0", "1", "-1", "0.5", "1.5", "1e308", "-1e308", "1e400", "1e18",
                     "1e19", "nan", "NaN", "inf", "-inf", "Infinity", "1_000", "0x10", "1,5",
                     "30%", "100%", "-5%", "nan%", "", " ", "9" * 40, "1e-400", "٣",
                     "\x1b[31m1", "[/]", str(2**63), str(2**64)]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10**30, 10**30).map(str),
    st.text(max_size=12))
_scalar = st.one_of(st.none(), st.booleans(), st.integers(-10**25, 10**25),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8),
                    st.sampled_from(["2025-01-31", "USD", "CNY", "normal", "fixed"]))
_value = st.recursive(_scalar, lambda kids: st.one_of(
    st.lists(kids, max_size=3), st.dictionaries(st.text(max_size=6), kids, max_size=3)),
    max_leaves=8)

pytestmark = pytest.mark.slow  # hypothesis fuzz: the full tier (make test)


def _yaml(doc: Any) -> str:
    return yaml.safe_dump(doc, allow_unicode=True)


# ------------------------------------------------------------------------------ scenarios
@cache
def _base() -> Scenario:
    from llmecon.api import load_company
    from llmecon.simulate.loaders import load_base_scenario

    return load_base_scenario(load_company("minimax"), horizon_months=6)


def _load_scenario_text(text: str) -> Scenario | None:
    from llmecon.config.base import parse_config
    from llmecon.config.scenario import ScenarioConfig
    from llmecon.simulate.scenario import merge_scenario
    from llmecon.yamlfile import parse_mapping

    try:
        cfg = parse_config(ScenarioConfig, parse_mapping(text, "s.yaml"), "s.yaml")
        return merge_scenario(_base(), cfg, "s.yaml")
    except LlmeconError:
        return None


def _runs_to_finite_results(s: Scenario) -> None:
    """A scenario that loads runs (20 paths, at most 6 months) without overflow, and its
    cash percentiles and probabilities are finite."""
    from dataclasses import replace

    from llmecon.simulate.run import run

    s = replace(s, horizon_months=min(s.horizon_months, 6))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.filterwarnings("ignore", "(invalid value|divide by zero)")  # 0/0 is NaN
        r = run(s, paths=20, seed=1)
    assert np.isfinite(r.percentiles["cash"]).all()
    assert np.isfinite(r.prob_cash_out).all()


DRIVER_NAMES = sorted(["start_cash", "foreign_cost_share", "opex_growth_annual",
                                      "ai_native_products.start_users",
                                      "ai_native_products.paying_rate",
                                      "open_platform.volume_growth_monthly",
                                      "open_platform.price_decline_monthly",
                                      "open_platform.utilisation", "open_platform.price_per_m",
                                      "other_opex_monthly", "open_platform.*"])
_number = st.one_of(st.integers(-10**20, 10**20),
                    st.floats(allow_nan=True, allow_infinity=True),
                    st.sampled_from([0, 1, -1, 0.5, 1e18, -1e18, 1e19, 1e308]))
_dist = st.one_of(
    _number,
    st.fixed_dictionaries({"dist": st.sampled_from(["normal", "lognormal", "beta"]),
                           "mean": _number, "sd": _number}),
    st.fixed_dictionaries({"dist": st.just("triangular"), "low": _number, "mode": _number,
                           "high": _number}),
    st.fixed_dictionaries({"dist": st.just("uniform"), "low": _number, "high": _number}),
    _value)
_scenario_doc = st.fixed_dictionaries({}, optional={
    "horizon_months": st.one_of(st.integers(-5, 300), _scalar),
    "drivers": st.dictionaries(st.sampled_from(DRIVER_NAMES), _dist, max_size=3),
    "financing": st.lists(st.fixed_dictionaries(
        {"amount": _number}, optional={"month": st.integers(-2, 300), "committed": _scalar,
                                       "date": _scalar, "annual_interest_rate": _number,
                                       "repay_after_months": st.integers(-1, 300),
                                       "fee_share": _number}), max_size=2),
    "shocks": st.lists(st.fixed_dictionaries(
        {"driver": st.sampled_from(DRIVER_NAMES), "multiplier": _number},
        optional={"start_month": st.integers(-1, 10), "months": st.integers(-1, 10)}),
        max_size=2),
    "regimes": st.lists(st.fixed_dictionaries(
        {"name": st.just("r"), "probability_per_year": _number,
         "duration_months": st.integers(-1, 30),
         "multipliers": st.dictionaries(st.sampled_from(DRIVER_NAMES), _number, max_size=2)}),
        max_size=1),
    "correlations": st.lists(st.tuples(st.sampled_from(DRIVER_NAMES),
                                       st.sampled_from(DRIVER_NAMES), _number), max_size=2),
    "noise": st.lists(st.fixed_dictionaries(
        {"driver": st.sampled_from(DRIVER_NAMES), "sd_monthly": _number,
         "autocorrelation": _number}), max_size=1),
    "payables_months": st.one_of(st.integers(-1, 30), _scalar),
    "financing_included": st.sampled_from(["committed", "all", "none", "some", 3]),
    "currency": st.sampled_from(["USD", "CNY", "XYZ"]),
    "company": st.sampled_from(["minimax", "zhipu"]),
    "stresses": st.lists(st.sampled_from(["price-war", "nope"]), max_size=2),
    "unknown": _value,
})


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(doc=_scenario_doc)
def test_scenario_files_load_and_run_or_fail_with_a_named_error(doc: dict[str, Any]) -> None:
    s = _load_scenario_text(_yaml(doc))
    if s is not None:
        _runs_to_finite_results(s)


@FAST
@given(text=st.text(max_size=200))
def test_scenario_text_never_crashes(text: str) -> None:
    s = _load_scenario_text(text)
    if s is not None:
        _runs_to_finite_results(s)


# ---------------------------------------------------------------------------- assumptions
_sections = {
    "c2c": ["sm_share_to_products", "user_churn_monthly", "payer_churn_monthly",
            "annual_discount_rate", "tokens_per_user_day", "payer_usage_multiple",
            "sbg_alpha", "sbg_beta"],
    "api": ["utilisation", "output_share", "cache_hit", "target_gross_margin"],
    "b2b": ["contract_value", "loaded_cost_per_person_month", "delivery_months",
            "payment_schedule", "acceptance_month", "reusable_shares"],
}
_assumption_doc = st.dictionaries(
    st.sampled_from([*_sections, "inference", "other"]),
    st.one_of(st.dictionaries(st.sampled_from(sum(_sections.values(), ["nope"])),
                              st.one_of(_number, _value, numberish), max_size=4),
              st.dictionaries(st.sampled_from(["zhipu", "default"]),
                              st.dictionaries(st.sampled_from(["model", "gpu", "gpus",
                                                               "batch_per_gpu", "cache_hit"]),
                                              _value, max_size=3), max_size=1),
              _value), max_size=3)


@FAST
@given(doc=_assumption_doc)
def test_assumption_files_give_assumptions_or_a_named_error(doc: dict[str, Any]) -> None:
    from llmecon.config.assumptions import (
        Assumptions,
        assumptions_from,
        bundled_assumptions_data,
        merge_assumptions,
    )
    from llmecon.yamlfile import parse_mapping

    try:
        user = parse_mapping(_yaml(doc), "a.yaml")
        a = assumptions_from(merge_assumptions(bundled_assumptions_data(), user), "a.yaml")
    except LlmeconError:
        return
    assert isinstance(a, Assumptions)
    assert 0 <= a.api.cache_hit <= 1 and a.c2c.tokens_per_user_day > 0


# -------------------------------------------------------------------------------- catalogs
_gpu_row = st.fixed_dictionaries(
    {"name": st.sampled_from(["X1", "H100", ""]), "bf16_tflops": _number,
     "memory_gb": _number, "bandwidth_tbs": _number},
    optional={"as_of": _scalar, "source": _scalar, "fp8_tflops": _number,
              "gpus_per_node": _number, "scale_up_domain": _number, "extra": _value})
_price_row = st.fixed_dictionaries(
    {"gpu": st.sampled_from(["X1", "H100"]), "provider": st.just("p"), "price": _number,
     "currency": st.sampled_from(["USD", "CNY", "US"]), "as_of": _scalar,
     "source": st.just("s")})


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(doc=st.fixed_dictionaries({}, optional={
    "gpus": st.one_of(st.lists(_gpu_row, max_size=2), _value),
    "gpu_hour": st.one_of(st.lists(_price_row, max_size=2), _value),
    "models": _value, "api": _value, "junk": _value}))
def test_catalog_files_give_a_catalog_that_costs_finitely_or_a_named_error(
        doc: dict[str, Any]) -> None:
    from llmecon.config.deployment import ServingConfig
    from llmecon.inference.catalog import catalog_from_mapping, load_catalog
    from llmecon.inference.engines import load_engine_efficiency
    from llmecon.inference.serving import evaluate
    from llmecon.yamlfile import parse_yaml

    try:
        cat = load_catalog().merged(catalog_from_mapping(parse_yaml(_yaml(doc), "k.yaml"),
                                                         "k.yaml"))
    except LlmeconError:
        return
    for gpu in cat.gpus[-2:]:  # the fuzzed rows come last
        try:
            r = evaluate(ServingConfig("Llama-3.1-8B", gpu.name, gpus=1), cat,
                         load_engine_efficiency())
        except LlmeconError:
            continue
        assert math.isfinite(r.decode_tokens_per_gpu_s) or not r.fits


_gpus = st.sampled_from([1, 2, 3, 4, 8, 12, 16, 64, 72, 4096])


@FAST
@given(model=st.sampled_from(["Llama-3.1-8B", "Llama-3.1-405B", "DeepSeek-V3", "gpt-oss-120b"]),
       gpu=st.sampled_from(["H100", "GB200", "H20"]), gpus=_gpus,
       pp=st.sampled_from([1, 2, 3, 4, 8, 64, 200]),
       tp=st.one_of(st.none(), st.sampled_from([1, 2, 4, 8, 16])),
       batch=st.one_of(st.none(), st.sampled_from([0.01, 1.0, 7.5, 256.0, 65536.0])),
       tpot=st.one_of(st.none(), st.sampled_from([0.5, 20.0, 600_000.0])),
       prefill=st.one_of(st.none(), _gpus))
def test_pipeline_configurations_cost_finitely_or_fail_with_a_named_error(
        model: str, gpu: str, gpus: int, pp: int, tp: int | None, batch: float | None,
        tpot: float | None, prefill: int | None) -> None:
    from llmecon.config.deployment import ServingConfig
    from llmecon.inference.engines import load_engine_efficiency
    from llmecon.inference.serving import evaluate

    try:
        r = evaluate(ServingConfig(model, gpu, gpus=gpus, pp=pp, tp=tp, batch_per_gpu=batch,
                                   tpot_ms=tpot, prefill_gpus=prefill, gpu_hour_price=2.0),
                     _catalog(), load_engine_efficiency())
    except LlmeconError as e:
        assert str(e) and "Traceback" not in str(e)
        return
    for v in (r.tpot_ms, r.ttft_ms, r.decode_tokens_per_gpu_s, r.prefill_tokens_per_gpu_s,
              r.pipeline_ms, r.weights_gb_per_gpu):
        assert math.isfinite(v) and v >= 0
    assert r.tpot_ms > 0 and r.decode_tokens_per_gpu_s > 0
    assert (r.pipeline_ms > 0) == (pp > 1)
    assert tpot is None or r.tpot_ms <= tpot * (1 + 1e-9)


@cache
def _catalog() -> Any:
    from llmecon.inference.catalog import load_catalog

    return load_catalog()


# ---------------------------------------------------------------------------------- cohorts
_cohort_cell = st.one_of(numberish, st.sampled_from(["a", "b", "0", "1", "2", "100", "80"]))


@FAST
@given(rows=st.lists(st.tuples(_cohort_cell, _cohort_cell, _cohort_cell), max_size=6),
       header=st.sampled_from(["cohort,period,alive", "alive,cohort,period", "x,y,z", ""]))
def test_cohort_csvs_fit_or_fail_with_a_named_error(rows: list[tuple[str, str, str]],
                                                    header: str) -> None:
    import csv
    import io

    from llmecon.statements.cohorts import parse_cohorts
    from llmecon.unit_economics.retention import fit_sbg

    out = io.StringIO()
    csv.writer(out).writerows(rows)
    try:
        cohorts = parse_cohorts(f"{header}\n{out.getvalue()}", "c.csv")
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            fit = fit_sbg(cohorts)
    except LlmeconError:
        return
    assert fit.alpha > 0 and fit.beta > 0 and math.isfinite(fit.alpha + fit.beta)


@FAST
@given(text=st.text(max_size=300))
def test_cohort_text_never_crashes(text: str) -> None:
    from llmecon.statements.cohorts import parse_cohorts

    try:
        cohorts = parse_cohorts(text, "c.csv")
    except LlmeconError:
        return
    assert all(c and all(math.isfinite(x) and 0 <= x <= MAX_MAGNITUDE for x in c)
               for c in cohorts)


# --------------------------------------------------------------------------- numeric flags
def _typed_actions() -> list[tuple[str, Callable[[str], Any]]]:
    """Every flag of every command whose value goes through a type function."""
    from llmecon.cli.app import build_parser

    found: dict[str, Callable[[str], Any]] = {}
    stack = [("llmecon", build_parser())]
    while stack:
        name, parser = stack.pop()
        for action in parser._actions:  # argparse keeps no public list of its actions
            if isinstance(action, argparse._SubParsersAction):
                stack += [(f"{name} {k}", p) for k, p in action.choices.items()]
            elif callable(action.type) and action.type not in (str, open):
                flag = action.option_strings[-1] if action.option_strings else action.dest
                found[f"{name} {flag}"] = action.type
    return sorted(found.items())


TYPED = _typed_actions()


def test_the_flag_fuzz_reaches_the_numeric_flags() -> None:
    names = {k.split(" ", 1)[1] for k, _ in TYPED}
    for flag in ("simulate --paths", "simulate --seed", "inference cost --gpu-price",
                 "answers --target-margin", "retention fit --alive", "inference sweep --prices",
                 "simulate --workers", "inference fleet --input-per-day"):
        assert flag in names, flag
    assert len(TYPED) >= 30


def _finite(v: Any) -> bool:
    if isinstance(v, list):
        return all(_finite(x) for x in v)
    if isinstance(v, float | int) and not isinstance(v, bool):
        return math.isfinite(v) and abs(v) <= max(MAX_MAGNITUDE, 2**63)
    return True


@pytest.mark.parametrize(("flag", "parse"), TYPED, ids=[k for k, _ in TYPED])
@settings(max_examples=40, deadline=None)
@given(text=numberish)
def test_every_flag_type_returns_a_finite_value_or_refuses(
        flag: str, parse: Callable[[str], Any], text: str) -> None:
    try:
        value = parse(text)
    except (argparse.ArgumentTypeError, ValueError, TypeError):
        return  # argparse turns each into "argument X: ..." and exit 2
    assert _finite(value), (flag, text, value)


CORE = ["--model", "Llama-3.1-8B", "--gpu", "H100", "--format", "json"]
CHEAP: list[Any] = [
    *[["inference", "cost", *CORE, flag] for flag in
      ("--gpu-price", "--batch", "--input", "--output", "--cache-hit", "--gpus", "--tp",
       "--tpot-ms", "--mtp-draft", "--mtp-accept", "--prefill-gpus")],
    ["inference", "fleet", *CORE, "--output-per-day", "1e9", "--input-per-day"],
    ["inference", "fleet", *CORE, "--input-per-day", "1e9", "--output-per-day", "1e8",
     "--peak-to-average"],
    ["inference", "sweep", "--models", "Llama-3.1-8B", "--gpus-list", "H100", "--format",
     "json", "--prices"],
    ["inference", "sweep", "--models", "Llama-3.1-8B", "--gpus-list", "H100", "--format",
     "json", "--batches"],
    ["retention", "fit", "--format", "json", "--discount-rate", "0.1", "--alive", "1000",
     "800"],
    pytest.param(["retention", "fit", "--format", "json", "--alive", "1000", "869", "743",
                  "653", "--discount-rate"], marks=pytest.mark.slow),  # a tiny rate: 5M terms
]


def _check_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        code = main(args)
    out, err = capsys.readouterr()
    assert code in (0, 2), (args, code, err)
    if code == 2:
        assert err.count("\n") == 1 and "Traceback" not in err, (args, err)
    else:
        assert "NaN" not in out and "Infinity" not in out, (args, out[:300])


@pytest.mark.parametrize("command", CHEAP)
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=numberish)
def test_numeric_flags_at_the_command_line(command: list[str], text: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    _check_cli([*command, text], capsys)


def _big_valid_count(text: str) -> bool:
    try:
        return int(text) > 500
    except ValueError:
        return False


@pytest.mark.slow
@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flag=st.sampled_from(["--seed", "--paths", "--horizon", "--workers"]), text=numberish)
def test_simulate_flags_at_the_command_line(flag: str, text: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assume(flag not in ("--paths", "--horizon") or not _big_valid_count(text))
    args = ["simulate", "minimax", "--paths", "50", "--horizon", "6", "--no-save", "--format",
            "json", flag, text]
    _check_cli(args, capsys)


@pytest.mark.slow
@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=numberish)
def test_answers_target_margin_at_the_command_line(text: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _check_cli(["answers", "minimax", "--horizon", "6", "--format", "json", "--target-margin",
                text], capsys)
