"""Issue 14: hostile scenario, catalog, cohort and assumption files, each run through every
command that reads it: exit code 2, one line on standard error that starts with the file's
name and names the place (line, key, row or field) and what was expected, no traceback,
nothing on standard output, within 10 seconds.

The corpora here: 42 scenario files (tests/data/hostile_scenarios), 33 catalog files
(hostile_catalogs), 27 cohort CSVs (hostile_cohorts) and 16 assumption files
(hostile_assumptions): 118 files. With the 97 + 48 company files of
tests/statements/test_hostile_corpus.py (tests/data/hostile, tests/data/malformed) and the 47
malformed assumption texts of tests/unit_economics/test_assumptions_config.py, the hostile
inputs number 310 (at least 100 asked for); ``test_the_corpora_hold_at_least_100_files``
counts them.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from llmecon.cli import main

DATA = Path(__file__).parent / "data"

SCENARIOS: dict[str, str] = {
    "s_alias_bomb.yaml": "line 1: aliases expand the document",
    "s_binary.yaml": "not UTF-8 text",
    "s_company_other.yaml": "company: expected minimax",
    "s_correlation_one.yaml": "correlations[0][2]: expected a number < 1, found 1.0",
    "s_currency_xyz.yaml": "currency: expected USD",
    "s_date_invalid.yaml": "line 1: '2023-02-30' is not a valid date",
    "s_deep.yaml": "not valid YAML at line 1: exceeded maximum nesting depth",
    "s_deep_mapping.yaml": "k0: unknown field",
    "s_dist_sd_huge.yaml": "drivers.start_cash.sd: expected a number of at most 1e+18",
    "s_drivers_list.yaml": "drivers: expected a mapping, found [1, 2]",
    "s_dup_key.yaml": "line 2: duplicate key 'horizon_months'",
    "s_empty.yaml": "the scenario file is empty",
    "s_financing_1e308.yaml": "financing[0].amount: expected a number of at most 1e+18 in "
                              "size (larger ones overflow the arithmetic), found 1e+308",
    "s_financing_date_invalid.yaml": "line 2: '2026-13-01' is not a valid date",
    "s_financing_month_huge.yaml": "financing[0].month: expected a number of at most 1e+18",
    "s_financing_nan.yaml": "financing[0].amount: expected a finite number, found nan",
    "s_financing_scalar.yaml": "financing: expected a list, found 5",
    "s_horizon_huge.yaml": "horizon_months: expected a whole number 1-240",
    "s_horizon_yes.yaml": "horizon_months: expected a whole number 1-240, found 'yes'",
    "s_huge_string.yaml": "financing[0].label: expected text of at most 2,000 characters, "
                          "found 300,000",
    "s_int_key.yaml": "line 2: key 2024 is not text",
    "s_latin1.yaml": "not UTF-8 text",
    "s_negative_delay.yaml": "lines[0].delivery_months: expected a number >= 1, found -3",
    "s_negative_users.yaml": "drivers: ai_native_products.start_users: expected a number >= "
                             "0, found -5e+06",
    "s_noise_negative.yaml": "noise[0].sd_monthly: expected a number >= 0, found -0.1",
    "s_paying_rate_over_1.yaml": "drivers: ai_native_products.paying_rate: high: expected a "
                                 "share from 0 to 1, found 2",
    "s_python_tag.yaml": "could not determine a constructor for the tag",
    "s_regime_prob.yaml": "regimes[0].probability_per_year: expected a number <= 1",
    "s_seasonality_nan.yaml": "lines[0].seasonality[2]: expected a finite number, found nan",
    "s_share_over_1.yaml": "drivers: foreign_cost_share: expected a share from 0 to 1, "
                           "found 1.5",
    "s_shock_unknown.yaml": "shocks[0]: unknown driver 'nothing_here'",
    "s_start_cash_1e308.yaml": "drivers.start_cash: expected a number of at most 1e+18 in "
                               "size (larger ones overflow the arithmetic), found 1e+308",
    "s_start_cash_1e400.yaml": "drivers.start_cash: expected a finite number, found inf",
    "s_start_cash_inf.yaml": "drivers.start_cash: expected a finite number, found -inf",
    "s_start_cash_nan.yaml": "drivers.start_cash: expected a finite number, found nan",
    "s_stress_unknown.yaml": "stresses: unknown stress 'apocalypse'",
    "s_tab.yaml": "not valid YAML at line 2",
    "s_top_list.yaml": "expected a mapping, found list",
    "s_unknown_driver.yaml": "drivers: unknown driver 'strat_cash'; did you mean 'start_cash'?",
    "s_unknown_key.yaml": "horizon: unknown field",
    "s_wrong_type_dist.yaml": "drivers.start_cash.mean: expected a number, found 'lots'",
    "s_yaml_syntax.yaml": "not valid YAML at line 2",
}

CATALOGS: dict[str, str] = {
    "k_alias_bomb.yaml": "line 1: aliases expand the document",
    "k_api_share_over_1.yaml": "api[0].input_cache_hit: expected a finite number, found nan",
    "k_binary.yaml": "not UTF-8 text",
    "k_comments_only.yaml": "the catalog file is empty",
    "k_currency_bad.yaml": "gpu_hour[0].currency: expected USD",
    "k_date_invalid.yaml": "line 2: '2026-02-30' is not a valid date",
    "k_deep.yaml": "not valid YAML at line 1: exceeded maximum nesting depth",
    "k_dup_key.yaml": "line 2: duplicate key 'gpus'",
    "k_empty.yaml": "the catalog file is empty",
    "k_gpu_1e308.yaml": "gpus[0].bf16_tflops: expected a number of at most 1e+18 in size",
    "k_gpu_inf.yaml": "gpus[0].bf16_tflops: expected a finite number, found inf",
    "k_gpu_nan.yaml": "gpus[0].bf16_tflops: expected a finite number, found nan",
    "k_gpu_negative.yaml": "gpus[0].bf16_tflops: expected a number >= 0.1, found -989",
    "k_gpu_scalar.yaml": "gpus[0]: expected a mapping, found 5",
    "k_gpu_text.yaml": "gpus[0].bf16_tflops: expected a number, found 'fast'",
    "k_gpus_mapping.yaml": "gpus: expected a list, found {'X1'",
    "k_hf_config_escape.yaml": "hf_models: M9: config: expected a file inside the catalog's "
                               "folder, found '../../../../etc/passwd'",
    "k_hf_config_missing.yaml": "hf_models: M9: config 'nowhere.json': no such file",
    "k_huge_name.yaml": "gpus[0].name: expected text of at most 2,000 characters",
    "k_int_key.yaml": "line 2: key 2024 is not text",
    "k_latin1.yaml": "not UTF-8 text",
    "k_model_active_over_total.yaml": "models[0].active_params_b: expected at most "
                                      "total_params_b (8), found 80",
    "k_model_huge_int.yaml": "models[0].hidden: expected a number of at most 1e+18",
    "k_model_negative_layers.yaml": "models[0].layers: expected a number >= 1, found -32",
    "k_price_1e308.yaml": "gpu_hour[0].price: expected a number of at most 1e+18",
    "k_price_nan.yaml": "gpu_hour[0].price: expected a finite number, found nan",
    "k_price_negative.yaml": "gpu_hour[0].price: expected a number >= 0, found -2",
    "k_python_tag.yaml": "could not determine a constructor for the tag",
    "k_top_list.yaml": "expected a mapping, found list",
    "k_unknown_key.yaml": "gpus[0].tdp_watts: unknown field",
    "k_unknown_section.yaml": "accelerators: unknown field",
    "k_utf16.yaml": "not UTF-8 text",
    "k_yaml_syntax.yaml": "not valid YAML at line 2",
}

COHORTS: dict[str, str] = {
    "h_1e308.csv": " row 2: expected a count of at most 1e+18",
    "h_1e400.csv": " row 2: expected a period >= 0 and a finite count >= 0, found '0', "
                   "'1e400'",
    "h_binary.csv": ": expected UTF-8 text, found byte 0xff",
    "h_duplicate.csv": " row 4: cohort 'a' period 1 appears twice",
    "h_empty.csv": ": expected columns cohort, period, alive, found an empty file",
    "h_escape_name.csv": " row 3: expected a period >= 0 and a finite count >= 0",
    "h_extra_field.csv": " row 2: expected 3 fields (cohort, period, alive), found more",
    "h_field_200k.csv": " row 2: unreadable CSV (field larger than field limit",
    "h_formula.csv": " row 4: expected a period >= 0 and a finite count >= 0, found '2', "
                     "'1e999'",
    "h_fraction.csv": ": cohort 0[0]: expected a whole count >= 0, found 100.5",
    "h_gap.csv": ": cohort 'a' must have periods 0, 1, 2, ... without gaps, found 0, 1, 3",
    "h_growing.csv": ": cohort 'a' period 1: a cohort cannot grow (100 -> 150)",
    "h_header_only.csv": ": expected at least one row of counts, found none",
    "h_inf.csv": " row 2: expected a period >= 0 and a finite count >= 0, found '0', 'inf'",
    "h_latin1.csv": ": expected UTF-8 text, found byte 0xe9",
    "h_nan.csv": " row 3: expected a period >= 0 and a finite count >= 0, found '1', 'NaN'",
    "h_negative.csv": " row 3: expected a period >= 0 and a finite count >= 0, found '1', "
                      "'-80'",
    "h_no_churn.csv": ": alive: no customer ever churned",
    "h_not_identifiable.csv": ": alive: the data cannot identify the model",
    "h_period_huge.csv": ": cohort 'a' must have periods 0, 1, 2, ... without gaps",
    "h_period_negative.csv": " row 2: expected a period >= 0",
    "h_period_text.csv": " row 2: period must be a whole number and alive a count, found "
                         "'zero'",
    "h_semicolon.csv": ": expected columns cohort, period, alive, found cohort;period;alive",
    "h_two_points.csv": ": cohort 0: need counts for at least 3 periods (0, 1, 2)",
    "h_unclosed_quote.csv": " row 2: unreadable CSV",
    "h_wrong_columns.csv": ": expected columns cohort, period, alive, found id, t, n",
    "h_zero_start.csv": ": cohort 'a' period 0: expected the customers the cohort starts "
                        "with (> 0), found 0",
}

ASSUMPTIONS: dict[str, str] = {
    "a_1e308.yaml": "b2b.contract_value: expected a number of at most 1e+18",
    "a_alias_bomb.yaml": "line 1: aliases expand the document",
    "a_binary.yaml": "not UTF-8 text",
    "a_date_invalid.yaml": "line 2: '2024-02-30' is not a valid date",
    "a_deep.yaml": "not valid YAML at line 1: exceeded maximum nesting depth",
    "a_dup_key.yaml": "line 3: duplicate key 'api'",
    "a_empty.yaml": "the assumptions file is empty",
    "a_huge_string.yaml": "inference.zhipu.model: expected text of at most 2,000 characters",
    "a_inf.yaml": "api.utilisation: expected a finite number, found inf",
    "a_int_key.yaml": "line 2: key 1 is not text",
    "a_latin1.yaml": "not UTF-8 text",
    "a_nan.yaml": "c2c.payer_churn_monthly: expected a finite number, found nan",
    "a_negative_count.yaml": "b2b.delivery_months: expected a number >= 1, found -3",
    "a_share_over_1.yaml": "api.cache_hit: expected a share in [0, 1]",
    "a_unknown_key.yaml": "c2c.payer_chrun: unknown field",
    "a_wrong_type.yaml": "c2c: expected a mapping, found [1, 2]",
}

FILE = "{file}"
CORPORA: dict[str, tuple[dict[str, str], tuple[tuple[str, ...], ...]]] = {
    "hostile_scenarios": (SCENARIOS, (
        ("simulate", "minimax", "--scenario", FILE, "--paths", "200", "--horizon", "12",
         "--no-save"),
        ("scenario", "show", "minimax", "--scenario", FILE),
        ("answers", "minimax", "--scenario", FILE))),
    "hostile_catalogs": (CATALOGS, (
        ("inference", "catalog", "gpus", "--catalog", FILE),
        ("inference", "cost", "--model", "Llama-3.1-8B", "--gpu", "H100", "--catalog", FILE),
        ("inference", "fleet", "--model", "Llama-3.1-8B", "--gpu", "H100", "--input-per-day",
         "1e9", "--output-per-day", "1e8", "--catalog", FILE),
        ("inference", "sweep", "--models", "Llama-3.1-8B", "--gpus-list", "H100", "--catalog",
         FILE))),
    "hostile_cohorts": (COHORTS, (("retention", "fit", "--csv", FILE),)),
    "hostile_assumptions": (ASSUMPTIONS, (
        ("unit-economics", "zhipu", "--assume", FILE),
        ("simulate", "zhipu", "--assume", FILE, "--paths", "100", "--horizon", "6",
         "--no-save"),
        ("scenario", "show", "minimax", "--assume", FILE),
        ("answers", "minimax", "--assume", FILE))),
}
CASES = [(folder, name) for folder, (expected, _) in CORPORA.items() for name in expected]


@pytest.mark.parametrize("folder", sorted(CORPORA))
def test_every_file_of_a_corpus_has_an_expectation(folder: str) -> None:
    assert sorted(p.name for p in (DATA / folder).iterdir()) == sorted(CORPORA[folder][0])


def test_the_corpora_hold_at_least_100_files() -> None:
    files = sum(len(list((DATA / f).iterdir())) for f in
                (*CORPORA, "hostile", "malformed"))
    assert files == 118 + 97 + 49
    assert files >= 100  # without the malformed assumption texts of test_assumptions_config


@pytest.mark.slow  # every file through every command: the full tier (make test) runs it
@pytest.mark.parametrize(("folder", "name"), CASES)
def test_every_command_refuses_in_one_named_line(folder: str, name: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    expected, commands = CORPORA[folder]
    path = str(DATA / folder / name)
    for command in commands:
        args = [path if a == FILE else a for a in command]
        start = time.perf_counter()
        code = main(args)
        out, err = capsys.readouterr()
        assert time.perf_counter() - start < 10.0, command
        assert code == 2, (command, err[:300])
        assert err.startswith(f"llmecon: error: {path}") and err.count("\n") == 1, \
            (command, err[:300])
        assert expected[name] in err, (command, err[:300])
        assert "Traceback" not in err and out == "", command
