"""A preset's ``add`` moves every draw of a driver given as a distribution (it was once
skipped without a word: price-war's extra 3% a month vanished when a scenario file gave the
price decline as a distribution, and the run was still labelled price-war)."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmecon.errors import InputError
from llmecon.simulate.loaders import load_base_scenario
from llmecon.simulate.scenario import apply_stresses, load_scenario
from llmecon.statements.model import Company

DRIVER = "open_platform.price_decline_monthly"


def _with(tmp_path: Path, minimax: Company, spec: str):  # type: ignore[no-untyped-def]
    f = tmp_path / "s.yaml"
    f.write_text(f"drivers:\n  {DRIVER}: {spec}\n", encoding="utf-8")
    return load_scenario(load_base_scenario(minimax), f)


@pytest.mark.parametrize(("spec", "kind", "after"), [
    ("0.02", "fixed", {"value": 0.05}),
    ("{dist: uniform, low: 0.019, high: 0.021}", "uniform", {"low": 0.049, "high": 0.051}),
    ("{dist: normal, mean: 0.02, sd: 0.002}", "normal", {"mean": 0.05, "sd": 0.002}),
    ("{dist: triangular, low: 0.01, mode: 0.02, high: 0.04}", "triangular",
     {"low": 0.04, "mode": 0.05, "high": 0.07}),
])
def test_price_war_adds_three_points_to_any_shape(tmp_path: Path, minimax: Company, spec: str,
                                                  kind: str, after: dict[str, float]) -> None:
    s = apply_stresses(_with(tmp_path, minimax, spec), ["price-war"])  # adds 0.03 (stress.yaml)
    d = s.drivers[DRIVER]
    assert d.kind == kind
    assert dict(d.params) == pytest.approx(after)
    assert s.stresses == ("price-war",)


def test_a_lognormal_cannot_be_shifted(tmp_path: Path, minimax: Company) -> None:
    s = _with(tmp_path, minimax, "{dist: lognormal, mean: 0.02, sd: 0.005}")
    with pytest.raises(InputError, match=r"stress price-war: open_platform\.price_decline_"
                       r"monthly: the preset adds 0\.03: a lognormal distribution moved"):
        apply_stresses(s, ["price-war"])


@pytest.mark.parametrize("spec", ["0.98", "{dist: uniform, low: 0.9, high: 0.99}"])
def test_a_preset_may_not_push_a_driver_out_of_its_range(tmp_path: Path, minimax: Company,
                                                          spec: str) -> None:
    """From a hostile-input audit: 0.98 + price-war's 0.03 = 1.01 a month made token prices
    change sign every month (revenue 2.32m, -27k, 250, ...), where 1.01 written in the file
    is refused. The preset's result is checked as a file's value is."""
    s = _with(tmp_path, minimax, spec)
    with pytest.raises(InputError, match=rf"stress price-war: {DRIVER}: the preset adds 0.03: "
                                         r"(high: )?expected a monthly rate from -1 to 1.*"
                                         r"found 1.0[12]"):
        apply_stresses(s, ["price-war"])


def test_the_stressed_driver_says_so(tmp_path: Path, minimax: Company) -> None:
    s = apply_stresses(_with(tmp_path, minimax, "0.02"), ["price-war"])
    assert s.provenance[DRIVER] == "scenario file s.yaml; stress price-war: +0.03"


def test_budget_freeze_may_not_push_the_collection_delay_past_the_longest(
        tmp_path: Path, zhipu: Company) -> None:
    from dataclasses import replace

    s = load_base_scenario(zhipu)
    s = replace(s, lines=tuple(replace(ln, collection_delay_months=240) if ln.kind == "b2b"
                               else ln for ln in s.lines))
    with pytest.raises(InputError, match=r"stress budget-freeze: localized_deployment\."
                                         r"collection_delay_months: the preset adds 3 to 240: "
                                         r"expected 0 to 240, found 243"):
        apply_stresses(s, ["budget-freeze"])
