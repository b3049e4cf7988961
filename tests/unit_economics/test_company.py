"""Both bundled companies give a complete unit-economics table, each row tagged."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from llmecon.cli import main
from llmecon.errors import InputError
from llmecon.statements.model import Company
from llmecon.unit_economics.bundled import bundled_inference
from llmecon.unit_economics.company import load_assumptions, unit_economics_table
from llmecon.units import load_fx


@pytest.mark.parametrize("cid", ["zhipu", "minimax"])
def test_complete_table_no_silent_gaps(request: pytest.FixtureRequest, cid: str) -> None:
    company: Company = request.getfixturevalue(cid)
    t = unit_economics_table(company, load_assumptions(), load_fx(), *bundled_inference())
    lines = {r.line for r in t.rows}
    assert lines == set(company.lines)
    for r in t.rows:
        assert r.status in ("disclosed", "derived", "assumed", "n/a")
        assert r.basis, r
        if r.value is None:
            assert r.status == "n/a"
    statuses = {r.status for r in t.rows}
    assert {"disclosed", "derived", "assumed"} <= statuses


def test_minimax_c2c_values_from_disclosures(minimax: Company) -> None:
    t = unit_economics_table(minimax, load_assumptions(), load_fx(), *bundled_inference())
    rows = {(r.line, r.quantity): r for r in t.rows}
    arppu = rows[("ai_native_products", "revenue per payer per month (ARPPU)")]
    assert arppu.value == pytest.approx(38.02e6 / 1.7716e6 / 9)   # disclosed figures, by hand
    sm = rows[("ai_native_products", "S&M on the products")]
    assert sm.value == pytest.approx(39.32e6 * 0.9) and sm.status == "derived"
    assert rows[("ai_native_products", "payer churn monthly")].status == "assumed"


def test_zhipu_b2b_project_matches_line_margin(zhipu: Company) -> None:
    t = unit_economics_table(zhipu, load_assumptions(), load_fx(), *bundled_inference())
    rows = {(r.line, r.quantity): r for r in t.rows}
    # disclosed localized-deployment gross margin H1 2025: 59.1%
    assert rows[("localized_deployment", "project gross margin")].value == \
        pytest.approx(0.591)
    # disclosed daily tokens 4.6T; revenue pays for a small share of them at list price
    share = rows[("cloud_deployment", "share of disclosed tokens that list-price revenue pays "
                                      "for")]
    assert share.value is not None and 0 < share.value < 0.05


def test_each_line_says_its_day_count(zhipu: Company, minimax: Company) -> None:
    """A new user's walkthrough (walk34 L2): in one table the API line counted H1 2025 as
    181 calendar days and the consumer line as 6 x 30.4375 = 182.6, both saying 'days'.
    The day counts stay (the consumer line's tokens per day go back into months as the
    projection counts them), and each row says which it uses."""
    t = unit_economics_table(zhipu, load_assumptions(), load_fx(), *bundled_inference())
    paid = next(r for r in t.rows if r.quantity == "tokens per day paid at list price")
    assert "181 calendar days" in paid.basis  # 1 Jan to 30 Jun 2025
    t = unit_economics_table(minimax, load_assumptions(), load_fx(), *bundled_inference())
    per_user = next(r for r in t.rows if r.quantity == "tokens per user day")
    assert f"{9 * 365.25 / 12:.1f} days (9 average months" in per_user.basis  # 273.9


def test_assumptions_file_overrides_and_validates(tmp_path: Path, minimax: Company) -> None:
    p = tmp_path / "a.yaml"
    p.write_text("c2c:\n  payer_churn_monthly: 0.05\n")
    a = load_assumptions(p)
    assert a.c2c.payer_churn_monthly == 0.05 and a["c2c"]["payer_churn_monthly"] == 0.05
    cat, eff = bundled_inference()
    low = {r.quantity: r.value for r in unit_economics_table(minimax, a, load_fx(), cat, eff).rows}
    high = {r.quantity: r.value for r in
            unit_economics_table(minimax, load_assumptions(), load_fx(), cat, eff).rows}
    assert low["LTV per payer"] > high["LTV per payer"]  # lower churn, higher LTV
    p.write_text("c2c:\n  payer_chrun: 0.05\n")
    with pytest.raises(InputError, match=r"a\.yaml: c2c\.payer_chrun: unknown field"):
        load_assumptions(p)


def test_a_deployment_names_its_engine(tmp_path: Path, minimax: Company) -> None:
    """The assumptions choose the engine whose fitted factors cost a company's tokens (the
    serving model's, as 'inference cost --engine' uses); the cost is that command's."""
    from llmecon.inference.catalog import load_catalog
    from llmecon.inference.engines import engine_efficiency, load_serving_factors
    from llmecon.inference.serving import ServingConfig, evaluate
    from llmecon.unit_economics.deployment import deployment_cost

    p = tmp_path / "a.yaml"
    p.write_text("inference:\n  minimax: {model: MiniMax-M2, gpu: H800, gpus: 8, "
                 "batch_per_gpu: 48, engine: sglang}\n")
    a, fx, factors = load_assumptions(p), load_fx(), load_serving_factors()
    end = date(2025, 9, 30)
    dep = deployment_cost("minimax", "USD", a, load_catalog(), factors, fx, None, end)
    assert dep.label.endswith("serving model, sglang")
    cfg = ServingConfig(model="MiniMax-M2", gpu="H800", gpus=8, batch_per_gpu=48)
    for engine in ("sglang", "trtllm"):
        want = evaluate(cfg, load_catalog(), engine_efficiency(factors, engine)).cost_output
        got = deployment_cost("minimax", "USD", a if engine == "sglang" else load_assumptions(),
                              load_catalog(), factors, fx, None, end).result.cost_output
        assert got == pytest.approx(want, rel=1e-12), engine
    p.write_text("inference:\n  minimax: {model: MiniMax-M2, gpu: H800, engine: tgi}\n")
    with pytest.raises(InputError, match=r"a\.yaml: inference\.minimax\.engine"):
        load_assumptions(p)


def test_cli_unit_economics(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["unit-economics", "zhipu", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("company,line,role,quantity,value,unit,status,basis")
    bad = tmp_path / "bad.yaml"
    bad.write_text("b2b:\n  contract_value: lots\n")
    assert main(["unit-economics", "zhipu", "--assume", str(bad)]) == 2
    assert "b2b.contract_value: expected a number" in capsys.readouterr().err


def test_money_units_read_as_money_not_scientific_notation() -> None:
    # a unit that starts with the company's currency is money: RMB 24.2k per net new
    # customer (S&M 96m / 4,000 new customers, by hand 24,190), not "2.419e+04 CNY per ..."
    from llmecon.report.unit_economics import value_text
    from llmecon.unit_economics.rows import UERow

    row = UERow("b2b", "B2B project", "CAC", 24190.0, "CNY per net new customer", "derived",
                "S&M / new customers")
    assert value_text(row, "CNY") == "RMB 24.2k per net new customer"
    row = UERow("x", "C2C product", "tokens", 4.507e12, "tokens per month", "derived", "")
    assert value_text(row, "USD") == "4.507tn tokens per month"
    # billions of tokens read as billions: 24,338,970,000 tokens a day is 24.34bn, not
    # "24,338.97m"
    row = UERow("x", "API", "tokens per day", 24_338_970_000.0, "tokens", "derived", "")
    assert value_text(row, "CNY") == "24.34bn"


def test_a_contract_paid_at_signing_has_no_collection_delay() -> None:
    # 100% at signing: nothing is invoiced on credit (it divided by zero); 99% at signing
    # with Zhipu's 112 receivable days would mean 369 months of delay: refused
    from llmecon.errors import InputError
    from llmecon.unit_economics.b2b import collection_delay

    assert collection_delay(112.3, ((0, 1.0),))[0] == 0
    assert collection_delay(112.3, ((0, 0.3), (6, 0.7)))[0] == 5  # 112.3/30.44/0.7 = 5.27
    with pytest.raises(InputError, match=r"payment_schedule: 99\.0% paid at signing"):
        collection_delay(112.3, ((0, 0.99), (6, 0.01)))


def test_unreachable_break_even_and_all_reusable_are_n_a(tmp_path: Path) -> None:
    # 16 x H800 at batch 2 with Z.ai's price needs the fleet busy ~129% of the time to break
    # even: 'not reachable', not a derived 129.1%; 100% reusable delivery has no delivery
    # staff, so no revenue per delivery employee (it printed inf)
    from llmecon.api import load_company, unit_economics

    f = tmp_path / "a.yaml"
    f.write_text("inference:\n  zhipu: {model: GLM-4.6, gpu: H800, gpus: 16, batch_per_gpu: 2,"
                 " price_endpoint: Z.ai}\nb2b: {reusable_shares: [0, 1]}\n", encoding="utf-8")
    rows = {r.quantity: r for r in unit_economics(load_company("zhipu"), f).rows}
    be = rows["break-even utilisation"]
    assert be.value is None and be.basis.startswith("not reachable")
    per = rows["at 100% reusable: revenue per delivery employee"]
    assert per.value is None and "no delivery staff" in per.basis


def test_an_input_error_of_a_line_names_the_file_and_the_line(tmp_path: Path) -> None:
    # paying users of 0 said only "paying_users: expected a number > 0, found 0.0"
    from llmecon.api import load_company
    from llmecon.api import unit_economics as ue

    src = Path(__file__).parents[1] / "data" / "examplchat_c2c.csv"
    text = src.read_text(encoding="utf-8").replace(
        "FY2024,2024-12-31,12,paying_users,0.5,", "FY2024,2024-12-31,12,paying_users,0,")
    p = tmp_path / "chat.csv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"chat.csv, line chat_app, FY2024: .*paying_users: "
                                         r"expected a number > 0, found 0"):
        ue(load_company(str(p)))


def test_a_full_margin_is_not_called_an_undisclosed_one(tmp_path: Path) -> None:
    """code35: Fictiva's cloud_api line disclosed at a 100% gross margin has no cost of
    revenue to derive the utilisation from; the assumed one was said to stand in for "no
    disclosed line margin", which the table two rows up contradicts."""
    from llmecon.api import load_company

    src = Path(__file__).resolve().parents[1] / "data" / "fictiva_b2b.csv"
    p = tmp_path / "f.csv"
    p.write_text(src.read_text(encoding="utf-8").replace(
        "FY2024,2024-12-31,12,gross_margin,30,", "FY2024,2024-12-31,12,gross_margin,100,"),
        encoding="utf-8")
    t = unit_economics_table(load_company(str(p)), load_assumptions(), load_fx(),
                             *bundled_inference())
    row = next(r for r in t.rows if r.line == "cloud_api" and r.quantity == "utilisation")
    assert row.status == "assumed"
    assert "no disclosed line margin" not in row.basis
    assert "the disclosed line margin 100.0% leaves no cost of revenue" in row.basis
