"""The scenario file's typed configuration: errors name file, field, expected and found;
a scenario serialises to YAML and reads back to the same scenario."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from llmecon.config.base import load_config
from llmecon.config.scenario import ScenarioConfig
from llmecon.errors import InputError
from llmecon.simulate.distributions import Dist
from llmecon.simulate.scenario import Financing, LineSpec, Noise, Scenario, load_scenario


def small() -> Scenario:
    drivers = {"start_cash": Dist("fixed", {"value": 1000.0}),
               "api.price_per_m": Dist("lognormal", {"mean": 2.0, "sd": 0.5}),
               "api.utilisation": Dist("beta", {"mean": 0.5, "sd": 0.1}),
               "api.volume_growth_monthly": Dist("triangular",
                                                 {"low": 0.0, "mode": 0.05, "high": 0.1}),
               # the rest of what an API line needs (a file with lines must give them all)
               "api.tokens_per_month": Dist("fixed", {"value": 1e9}),
               "api.cost_per_m_tokens": Dist("fixed", {"value": 0.5}),
               "api.price_decline_monthly": Dist("fixed", {"value": 0.01})}
    return Scenario("tiny", "USD", date(2025, 6, 30), 24, (LineSpec("api", "api"),), drivers,
                    (Financing(6, 500.0, "IPO net proceeds", True, "ipo"),
                     Financing(12, 200.0, "credit line", False, "bank_facility",
                               annual_interest_rate=0.04, repay_after_months=24),),
                    noise=(Noise("api.tokens_per_month", 0.02, 0.9),))


@pytest.mark.parametrize(("text", "message"), [
    ("drivers: [1, 2]\n", "s.yaml: drivers: expected a mapping, found [1, 2]"),
    ("financing: 5\n", "s.yaml: financing: expected a list, found 5"),
    ("horizon_months: yes\n", "s.yaml: horizon_months: expected a whole number 1-240, "
                              "found 'yes'"),
    ("horizon_months: 0\n", "s.yaml: horizon_months: expected a whole number 1-240, found 0"),
    ("drivers:\n  start_cash: .nan\n", "s.yaml: drivers.start_cash: expected a finite number, "
                                       "found nan"),
    ("drivers:\n  start_cash: {dist: beta, mean: 1.5, sd: 0.1}\n",
     "s.yaml: drivers.start_cash: mean: a beta needs a mean in (0, 1), found 1.5"),
    ("drivers:\n  start_cash: {dist: normal, mean: 1, sd: -1}\n",
     "s.yaml: drivers.start_cash.sd: expected a number >= 0, found -1"),
    ("regimes:\n  - {name: r, probability_per_year: 1.5, duration_months: 3, "
     "multipliers: {start_cash: 0.5}}\n",
     "s.yaml: regimes[0].probability_per_year: expected a number <= 1, found 1.5"),
    ("regimes:\n  - {name: r, probability_per_year: 0.5, duration_months: 0, "
     "multipliers: {start_cash: 0.5}}\n",
     "s.yaml: regimes[0].duration_months: expected a number >= 1, found 0"),
    ("financing:\n  - {amount: 5, month: 1, fee_share: 1.2}\n",
     "s.yaml: financing[0].fee_share: expected a number < 1, found 1.2"),
    ("financing:\n  - {amount: 5}\n",
     "s.yaml: financing[0]: expected exactly one of month"),
    ("correlations:\n  - [start_cash, api.utilisation, 1.0]\n",
     "s.yaml: correlations[0][2]: expected a number < 1, found 1.0"),
    ("shocks:\n  - {driver: start_cash, multiplier: -1}\n",
     "s.yaml: shocks[0].multiplier: expected a number >= 0, found -1"),
    ("horizon: 12\n", "s.yaml: horizon: unknown field"),
])
def test_errors_name_file_field_expected_and_found(tmp_path: Path, text: str,
                                                   message: str) -> None:
    p = tmp_path / "s.yaml"
    p.write_text(text)
    with pytest.raises(InputError) as err:
        load_scenario(small(), p)
    assert str(err.value).startswith(str(tmp_path / message.split(":")[0]) + ":")
    assert message.split(": ", 1)[1] in str(err.value)


def test_scenario_round_trips_through_yaml(tmp_path: Path) -> None:
    s = small()
    p = tmp_path / "round.yaml"
    p.write_text(s.to_config().to_yaml())
    cfg = load_config(ScenarioConfig, p, "scenario")
    assert cfg == s.to_config()
    back = load_scenario(s, p)
    assert back.drivers == s.drivers
    assert back.financing == s.financing
    assert back.lines == s.lines
    assert back.horizon_months == 24
    assert back.noise == s.noise


def test_repr_reads_well() -> None:
    text = repr(small())
    assert text.startswith("Scenario(tiny, USD, from 2025-06-30, 24 months, lines: api (api)")
    assert "7 drivers (3 uncertain)" in text
    assert "IPO net proceeds: 500 month 6" in text
    assert "credit line: 200 month 12 (uncommitted)" in text


def test_financing_choice_in_the_scenario_file(tmp_path: Path) -> None:
    p = tmp_path / "s.yaml"
    p.write_text("financing_included: all\n")
    s = load_scenario(small(), p)
    assert s.financing_included == "all"
    assert [f.label for f in s.included_financing()] == ["IPO net proceeds", "credit line"]
    assert [f.label for f in small().included_financing()] == ["IPO net proceeds"]
    p.write_text("financing_included: some\n")
    with pytest.raises(InputError, match="financing_included: expected one of 'committed', "
                                         "'all' or 'none', found 'some'"):
        load_scenario(small(), p)
    p.write_text("financing:\n  - {amount: 100, date: 2026-01-08, committed: true}\n")
    assert load_scenario(small(), p).financing[0].month == 6  # Jan 2026 after Jun 2025


@pytest.mark.parametrize("cid", ["zhipu", "minimax"])
def test_calibrated_scenario_reads_back(request: pytest.FixtureRequest, tmp_path: Path,
                                        cid: str) -> None:
    """What ``llmecon scenario show`` prints is a valid scenario file for the same company."""
    from llmecon.simulate.loaders import load_base_scenario

    base = load_base_scenario(request.getfixturevalue(cid))
    p = tmp_path / "show.yaml"
    p.write_text(base.to_config().to_yaml())
    back = load_scenario(base, p)
    assert (back.drivers, back.financing, back.lines, back.noise, back.regimes) == \
        (base.drivers, base.financing, base.lines, base.noise, base.regimes)
