"""The report computes what the other commands compute: one calibration for every route."""

from __future__ import annotations

import numpy as np

from llmecon import report_data
from llmecon.api import load_company
from llmecon.simulate.loaders import load_base_scenario
from llmecon.simulate.run import run


def test_report_simulates_the_scenario_simulate_runs() -> None:
    """`report` once calibrated without data/financing.yaml and data/compute.yaml (no
    interest on cash, all compute rented, no foreign currency): MiniMax's median cash at the
    horizon was US$557m against `simulate`'s US$677m for the same seed and paths."""
    minimax = load_company("minimax")
    data = report_data.build([minimax], stresses=[], paths=300, horizon=12, seed=1)
    got = data.simulations["minimax"]["base"]
    want = run(load_base_scenario(minimax, None, 12), paths=300, seed=1)
    for metric in ("cash", "revenue", "burn"):
        np.testing.assert_array_equal(got.percentiles[metric], want.percentiles[metric])
    assert got.prob_cash_out.tolist() == want.prob_cash_out.tolist()


def test_presets_against_all_financing_are_shown_against_it() -> None:
    """funding-closed and credit-withdrawn say `compare_with: all` (data/stress.yaml): the
    report once ran them against the committed base, where they are the base again, so the
    report read "funding closes: nothing changes". They now start from the base with all
    financing, which joins the runs just before them. Zhipu, central path, 36 months: the
    uncommitted facility draw (half of the disclosed unused facilities, data/financing.yaml)
    is the difference between the two."""
    from llmecon.simulate.sampling import deterministic
    from llmecon.simulate.scenario import stress_presets

    base = load_base_scenario(load_company("zhipu"), None, 36)
    runs = report_data.stress_runs(base, ["funding-closed", "credit-withdrawn", "price-war"],
                                   stress_presets())
    assert [t for t, _ in runs] == ["base", "base, financing all", "funding-closed",
                                    "credit-withdrawn", "price-war"]
    by = dict(runs)
    assert by["base, financing all"].financing_included == "all"
    assert by["price-war"].financing_included == "committed"  # compare_with: committed
    cash = {t: float(deterministic(s).cash[0, -1]) for t, s in runs}
    assert cash["funding-closed"] < cash["base, financing all"]
    assert cash["credit-withdrawn"] < cash["base, financing all"]
    facility = next(f for f in by["base, financing all"].financing if f.kind == "bank_facility")
    assert not facility.committed
    # closing the window removes the draw (its interest and repayment after the horizon
    # aside: the difference is at least the draw less 36 months of its interest)
    assert cash["base, financing all"] - cash["funding-closed"] > 0.8 * facility.net_amount


def test_a_chip_without_the_deployments_precision_is_priced_in_one_it_has() -> None:
    """The report priced every company's fp8 deployment on each report GPU, and Ascend-910C
    has no fp8 in the catalog (int8 and bf16): its cells were empty while docs/reports.md promised
    a 910C cost. It is now priced in int8, the first of fp8, int8, bf16 it has, and the note
    says so; the other GPUs keep the deployment's precision and no note."""
    from llmecon.config.assumptions import load_assumptions
    from llmecon.inference.catalog import load_catalog
    from llmecon.inference.engines import load_serving_factors
    from llmecon.inference.serving import evaluate
    from llmecon.unit_economics.deployment import deployment_serving

    a, cat, factors = load_assumptions(None), load_catalog(), load_serving_factors()
    for cid in ("zhipu", "minimax"):
        rows = {r.gpu: r for r in report_data._inference_rows(cid, a, cat, factors)}
        _, deployed, eff, _ = deployment_serving(a, cid, factors)
        assert deployed.precision == "fp8"
        npu = rows["Ascend-910C"]
        want = evaluate(deployed.model_copy(update={"gpu": "Ascend-910C", "precision": "int8"}),
                        cat, eff)
        assert npu.cost_per_m_output_usd is not None and npu.cost_per_m_output_usd > 0
        assert npu.cost_per_m_output_usd == want.cost_output
        assert npu.why.startswith("in int8: Ascend-910C has no fp8")
        for gpu in ("H800", "H100", "H200", "H20"):
            assert rows[gpu].why == "" and rows[gpu].cost_per_m_output_usd is not None


def test_report_inference_rows_say_the_gpu_hour_price_and_its_basis() -> None:
    """The report's table of cost per M tokens by GPU put H20 (an owner's cost, $0.68 an
    hour, derived from a server price) beside H100 (Lambda's $2.49 on-demand rental) with no
    price or basis: H20 read as ~3x cheaper to serve on prices that are not comparable.
    Each row now carries its GPU-hour price and basis, and its cost is that price over the
    decode rate: price / (3,600 x tokens/s per GPU) x 1e6."""
    from types import SimpleNamespace

    from llmecon.config.assumptions import load_assumptions
    from llmecon.inference.catalog import load_catalog
    from llmecon.inference.engines import load_serving_factors
    from llmecon.inference.serving import evaluate
    from llmecon.report.html_views import inference_view
    from llmecon.simulate.answers import CostForMargin
    from llmecon.unit_economics.deployment import deployment_serving

    a, cat, factors = load_assumptions(None), load_catalog(), load_serving_factors()
    rows = {r.gpu: r for r in report_data._inference_rows("zhipu", a, cat, factors)}
    _, deployed, eff, _ = deployment_serving(a, "zhipu", factors)
    for gpu, price, basis in (("H20", 0.68, "owned"), ("H100", 2.49, "on-demand")):
        r = rows[gpu]
        assert r.gpu_hour_price_usd == price and r.price_basis.startswith(basis)
        rate = evaluate(deployed.model_copy(update={"gpu": gpu}), cat, eff) \
            .decode_tokens_per_gpu_s
        assert r.cost_per_m_output_usd is not None
        assert abs(r.cost_per_m_output_usd / (price / (3600 * rate) * 1e6) - 1) < 1e-12
    # Zhipu's first month, 50.8% against a 50% target: k = 1.057, no decline needed
    view = inference_view(SimpleNamespace(  # type: ignore[arg-type]
        inference=list(rows.values()), inference_accuracy=None,
        cost_for_margin={"zhipu": CostForMargin(0.5, 0.508, 0.140, 1.057, 0.0, 0.0)}))
    assert view["margin"][0]["decline"] == "none needed"
    assert {r["price"] for r in view["rows"] if r["gpu"] == "H20"} == \
        {"0.68 (owned, derived from an 8-GPU server at 1.2M CNY, 2024-07)"}
    assert "owner's cost" in view["note"]
