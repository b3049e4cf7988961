"""A project line's revenue follows the quarter its contracts are accepted in, so the
projection keeps the year-end peak of the disclosures (from an economist's audit: the
assumed seasonality was applied to signings and reached revenue six months later, so the
peak fell in April-June and Zhipu's projected H2 2025 revenue, RMB 193m, was below H2
2024's disclosed RMB 267.5m = 312.414 - 44.9)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from llmecon.simulate.loaders import load_base_scenario
from llmecon.simulate.run import deterministic
from llmecon.statements.model import Company


def test_zhipu_project_revenue_by_hand(zhipu: Company) -> None:
    s = load_base_scenario(zhipu)
    b2b = replace(s, lines=tuple(ln for ln in s.lines if ln.kind == "b2b"), horizon_months=6)
    (line,) = b2b.lines
    assert line.name == "localized_deployment" and line.delivery_months == 6
    # acceptance ratios 0.6, 0.9, 1.0 k, 1.5 k (Q1-Q4; the shape assumed, its second half
    # scaled by k so that H2 / H1 is the season FY2024's disclosed halves give net of growth:
    # H2 / H1 2024 = (312.414 - 44.9) / 44.9 = 5.958, of which growth at the H1-on-H1 rate,
    # 190.877 / 44.9 = 4.251 a year, makes 4.251 ** 0.5 = 2.062, a season of 2.890 against the
    # shape's 2.5 / 1.5: k = 1.734) average 0.75 over January-June 2025, whose
    # line revenue was RMB 190.877m less the cloud line's 29.1m, 161.78m: 26.96m a month at
    # weight 0.75. Those contracts were signed six months earlier (July-December 2024, at
    # weights 0.6 / 0.75 = 0.8 and 0.9 / 0.75 = 1.2), and contracts grow 50% a year (the
    # central assumption), so the value signed in month t before the start is B x 1.5^(t/12)
    # with B fixed by H1 2025's revenue: 6 x 26.96m = B x (0.8 x (1.5^-1 + 1.5^-11/12 +
    # 1.5^-10/12) + 1.2 x (1.5^-9/12 + 1.5^-8/12 + 1.5^-7/12)) = B x 4.4041 by hand, so
    # B = 26.96m x 1.3624. The contracts in delivery at the start (signed January-June 2025,
    # B x 1.5^(-6/12) to 1.5^(-1/12)) are accepted July-December.
    month = (190.877e6 - 29.1e6) / 6
    base = month * 6 / (0.8 * (1.5 ** -1 + 1.5 ** (-11 / 12) + 1.5 ** (-10 / 12))
                        + 1.2 * (1.5 ** -0.75 + 1.5 ** (-8 / 12) + 1.5 ** (-7 / 12)))
    assert base / month == pytest.approx(1.3624, abs=5e-5)
    k = (312.414 - 44.9) / 44.9 / (190.877 / 44.9) ** 0.5 * 1.5 / 2.5
    assert k == pytest.approx(1.734, abs=5e-4)
    weights = [k * 1.0 / 0.75] * 3 + [k * 1.5 / 0.75] * 3
    revenue = deterministic(b2b).revenue[0]
    assert revenue == pytest.approx([base * w * 1.5 ** ((t - 6) / 12)
                                     for t, w in enumerate(weights)], rel=1e-9)
    assert revenue.sum() > 312.414e6 - 44.9e6  # above H2 2024's company revenue
    # signings carry the ratios of the quarter they are accepted in (six months later)
    assert line.seasonality == pytest.approx((k / 0.75, k * 1.5 / 0.75, 0.6 / 0.75, 0.9 / 0.75))


def test_zhipu_h2_2025_above_h2_2024(zhipu: Company) -> None:
    # both lines: the year-end peak keeps H2 2025 above H2 2024 (RMB 267.5m), and the
    # first half of 2026 above the first half of 2025 (RMB 190.877m)
    revenue = deterministic(load_base_scenario(zhipu)).revenue[0]
    assert revenue[:6].sum() > 312.414e6 - 44.9e6
    assert revenue[6:12].sum() > 190.877e6
    assert np.argmax(revenue[:12]) in (3, 4, 5)  # the peak in October-December


def test_growth_across_the_start_is_the_assumed_growth(zhipu: Company) -> None:
    """The project line's H1 2026 is its H1 2025 x 1.5, the central contract growth: the
    contracts accepted in H1 2026 were signed a year after those accepted in H1 2025, in the
    same quarters. (The backlog was once valued at the revenue it accepted, signed six months
    before, so H2 2025 came out +12.5% on H2 2024 under a 50%-a-year assumption.)"""
    s = load_base_scenario(zhipu)
    b2b = replace(s, lines=tuple(ln for ln in s.lines if ln.kind == "b2b"), horizon_months=12)
    revenue = deterministic(b2b).revenue[0]
    assert revenue[6:12].sum() == pytest.approx((190.877e6 - 29.1e6) * 1.5, rel=1e-9)


def test_project_margin_holds_through_the_seasons(zhipu: Company) -> None:
    # delivery cost is paid as delivered and expensed at acceptance with its revenue (costs
    # to fulfil a contract), so the line's margin is its disclosed 59.1% in every month,
    # where expensing it as delivered swung the margin from 23% to 71% by quarter
    s = load_base_scenario(zhipu)
    b2b = replace(s, lines=tuple(ln for ln in s.lines if ln.kind == "b2b"), horizon_months=24)
    p = deterministic(b2b)
    margin = p.gross_profit[0] / p.revenue[0]
    assert margin == pytest.approx([0.591] * 24, rel=1e-9)
    # the cash is paid as delivered: the contract costs carried rise and fall with signings
    assert p.contract_costs is not None and p.contract_costs[0].min() > 0


def test_answers_use_today_s_mix_of_lines_not_the_first_month_s_season(zhipu: Company) -> None:
    # July is a high-season month for project revenue (weight 1.0 / 0.75), which tilted the
    # first month's mix towards the 59.1%-margin project line; the answer's 'today' is the
    # lines' mix at the start without the season: the project line at the value signed six
    # months before (H1 2025's 161.8 x 1.3624 x 1.5^-0.5, see above), the cloud line at its
    # H1 2025 29.1 (RMB m, disclosed; no H1 2024 line revenue to read an exit run-rate from)
    from llmecon.simulate.answers import cost_for_margin

    c = cost_for_margin(load_base_scenario(zhipu), 0.5)
    project = 161.777 * 1.3624 * 1.5 ** -0.5
    assert c.current_gross_margin == pytest.approx(
        (project * 0.591 + 29.1 * -0.004) / (project + 29.1), rel=1e-3)  # 50.8%


def test_contract_costs_run_off_under_an_exchange_rate_move(zhipu: Company) -> None:
    # from a review: the cost paid was stored before conversion and converted again at
    # acceptance, so with contracts stopped and the fx-shock preset the balance ended at
    # -RMB 0.88m (1.015 x 58.9m of opening costs - 58.9m) instead of running off to 0
    from llmecon.simulate.scenario import Shock, apply_stresses

    s = apply_stresses(load_base_scenario(zhipu), ["fx-shock"])
    stop = Shock("localized_deployment.contracts_per_month", 0.0, 0, 0)
    p = deterministic(replace(s, shocks=(*s.shocks, stop), horizon_months=12))
    assert p.contract_costs is not None
    assert p.contract_costs[0, 6:] == pytest.approx([0.0] * 6, abs=1e-3)


@pytest.mark.parametrize("delivery", range(1, 13))
def test_signing_seasons_for_any_delivery_length(delivery: int) -> None:
    # from a review: whole quarters were shifted by round(d / 3), so with 5 months of
    # delivery the calibration period's revenue came out 8.9% above the disclosed one and
    # December's revenue fell in the trough. Now each signing quarter takes the acceptance
    # ratios of its three months d later, averaged, and the calibration period (H1 2025)
    # averages exactly 1
    from datetime import date
    from types import SimpleNamespace

    from llmecon.simulate.calibrate_lines import ACCEPTANCE_SEASONALITY, signing_seasonality

    cal = SimpleNamespace(period=SimpleNamespace(end=date(2025, 6, 30)), months=6)
    w = signing_seasonality(cal, delivery)  # type: ignore[arg-type]

    def accepted(month: int) -> float:  # calendar month 0-11: signed `delivery` months before
        return w[(month - delivery) % 12 // 3]

    assert sum(accepted(m) for m in range(6)) / 6 == pytest.approx(1.0, rel=1e-12)
    # by hand for each signing quarter: the mean of the three acceptance ratios d later
    a = ACCEPTANCE_SEASONALITY
    raw = [sum(a[(3 * q + j + delivery) % 12 // 3] for j in range(3)) / 3 for q in range(4)]
    assert [x / w[0] for x in w] == pytest.approx([r / raw[0] for r in raw], rel=1e-12)
    # the year-end still carries the most revenue: October-December above July-September
    assert sum(accepted(m) for m in (9, 10, 11)) > sum(accepted(m) for m in (6, 7, 8))


def test_a_backlog_growth_of_minus_100_percent_is_refused(zhipu: Company,
                                                           tmp_path: pytest.TempPathFactory
                                                           ) -> None:
    """The value signed t months before the start is divided by (1 + g) ** (t / 12): at
    g = -1 that is a division by zero (it ended in NaN cash and numpy warnings)."""
    from llmecon.errors import InputError
    from llmecon.simulate.scenario import load_scenario

    f = tmp_path / "s.yaml"  # type: ignore[operator]
    f.write_text("drivers:\n  localized_deployment.backlog_growth_annual: -1\n",
                 encoding="utf-8")
    with pytest.raises(InputError, match=r"backlog_growth_annual: expected an annual rate "
                       r"from -0\.9 to 100"):
        load_scenario(load_base_scenario(zhipu), f)


def test_the_opening_balances_the_engine_derives_are_listed(zhipu: Company) -> None:
    """Zhipu discloses no contract liabilities: the projection opens with the advances
    (30%, assumed) on the contracts in delivery, and with the delivery cost (40.9% of their
    value, 1 - the disclosed 59.1% margin) already paid on them. By hand: the value signed
    t months before the start (t = -6..-1, January-June 2025) is B x 1.5^(t/12) x the
    acceptance weight of its quarter (k x 1.0 / 0.75 for Q1 signings, k x 1.5 / 0.75 for
    Q2), B and k as in test_zhipu_project_revenue_by_hand; a contract signed -t months ago
    is -t/6 delivered."""
    month = (190.877e6 - 29.1e6) / 6
    base = month * 6 / (0.8 * (1.5 ** -1 + 1.5 ** (-11 / 12) + 1.5 ** (-10 / 12))
                        + 1.2 * (1.5 ** -0.75 + 1.5 ** (-8 / 12) + 1.5 ** (-7 / 12)))
    k = (312.414 - 44.9) / 44.9 / (190.877 / 44.9) ** 0.5 * 1.5 / 2.5
    signed = {t: base * 1.5 ** (t / 12) * k * (1.0 / 0.75 if t <= -4 else 1.5 / 0.75)
              for t in range(-6, 0)}
    liabilities = 0.3 * sum(signed.values())
    paid = sum(v * 0.409 * -t / 6 for t, v in signed.items())
    prov = load_base_scenario(zhipu).provenance

    def amount(name: str) -> float:  # "... = 99,067,776 (...)", rounded to RMB 1
        return float(prov[f"localized_deployment.{name}"].split("= ")[1].split(" ")[0]
                     .replace(",", ""))

    assert amount("opening_contract_liabilities") == pytest.approx(liabilities, abs=1)
    assert amount("opening_contract_costs") == pytest.approx(paid, abs=1)


def _cal_with(revenue: dict[str, float | None], end_month: int = 6, months: int = 6) -> object:
    """A calibration stand-in: its period ends in ``end_month`` of 2025 and lasts ``months``;
    the resolver knows H1_2024, FY2024 and the period's (P) revenue from ``revenue``."""
    from datetime import date
    from types import SimpleNamespace

    def get(item: str, label: str) -> object:
        v = revenue.get(label)
        return SimpleNamespace(ok=v is not None, value=v, confidence="high")

    r = SimpleNamespace(prior_year=lambda label: "H1_2024" if label == "P" else None,
                        duration_label=lambda end, m: "FY2024"
                        if (end, m) == (date(2024, 12, 31), 12) else None, get=get)
    return SimpleNamespace(resolver=r, period=SimpleNamespace(
        label="P", months=months, end=date(2025, end_month, 30)))


def test_acceptance_seasonality_from_a_year_s_halves_net_of_growth() -> None:
    """H1 2024 10, FY2024 70 (H2 60: 6x), H1 2025 40 (4x a year, so growth alone makes a
    second half 2x its first): a season of 3x; the shape's halves are 1.5 and 2.5, so its
    second half is scaled by 3 x 1.5 / 2.5 = 1.8."""
    from llmecon.simulate.calibrate_lines import acceptance_seasonality

    q, how = acceptance_seasonality(_cal_with({"H1_2024": 10.0, "FY2024": 70.0, "P": 40.0}))  # type: ignore[arg-type]
    assert q == pytest.approx((0.6, 0.9, 1.8, 2.7), rel=1e-12)
    assert how.startswith("derived:") and "the season is 3.00x" in how


@pytest.mark.parametrize(("revenue", "kw", "why"), [
    ({"H1_2024": 10.0, "FY2024": 70.0, "P": 40.0}, {"end_month": 9, "months": 9},
     "is not January-June of a year"),
    ({"H1_2024": 10.0, "FY2024": 70.0, "P": None}, {}, "not all disclosed and positive"),
    ({"H1_2024": 0.0, "FY2024": 70.0, "P": 40.0}, {}, "not all disclosed and positive"),
    ({"H1_2024": 80.0, "FY2024": 70.0, "P": 40.0}, {}, "FY2024's revenue is not above"),
    ({"H1_2024": 10.0, "FY2024": float("nan"), "P": 40.0}, {}, "not all disclosed"),
    ({"H1_2024": 10.0, "FY2024": 70.0, "P": -1.0}, {}, "not all disclosed"),
    # from a hostile-input audit: H1 2024 revenue of 1 (yuan, against RMB 312m for the
    # year) made a season of 18,090 to 1 and RMB 20,160bn of revenue over the horizon
    ({"H1_2024": 1e-6, "FY2024": 312.4, "P": 190.9}, {}, "taken as a data problem"),
    ({"H1_2024": 10.0, "FY2024": 10.2, "P": 40.0}, {}, "outside 0.05-20x"),  # H2 tiny
])
def test_acceptance_seasonality_falls_back_to_the_assumed_shape(
        revenue: dict[str, float | None], kw: dict[str, int], why: str) -> None:
    from llmecon.simulate.calibrate_lines import ACCEPTANCE_SEASONALITY, acceptance_seasonality

    q, how = acceptance_seasonality(_cal_with(revenue, **kw))  # type: ignore[arg-type]
    assert q == ACCEPTANCE_SEASONALITY
    assert how.startswith("assumed:") and why in how
