"""A window of later payment (the budget-freeze stress): the billing of the window is
collected later, billing after it on the normal delay, so the extra receivables run off
(hand computation; Zhipu against its contract shock alone)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from llmecon.simulate.distributions import Dist
from llmecon.simulate.loaders import load_base_scenario
from llmecon.simulate.run import deterministic
from llmecon.simulate.scenario import LineSpec, Scenario, apply_stresses
from llmecon.statements.model import Company


def one_project_a_month(line: LineSpec) -> Scenario:
    """One 400 contract signed a month (also before the start), accepted a month later,
    25% paid at signing, the 300 left a month after acceptance; no other costs."""
    drivers = {"start_cash": 1000.0, "inference_cost_decline_annual": 0.0,
               "training_compute_monthly": 0.0, "training_compute_growth_annual": 0.0,
               "other_opex_monthly": 0.0, "opex_growth_annual": 0.0, "other_sm_monthly": 0.0,
               "proj.contracts_per_month": 1.0, "proj.contract_growth_annual": 0.0,
               "proj.contract_value": 400.0, "proj.delivery_cost_share": 0.5,
               "proj.advance_share": 0.25, "proj.sm_elasticity": 0.0}
    return Scenario("freeze", "USD", date(2024, 12, 31), 8, (line,),
                    {k: Dist("fixed", {"value": v}) for k, v in drivers.items()})


def test_billing_in_the_window_is_collected_later_by_hand() -> None:
    normal = LineSpec("proj", "b2b", delivery_months=1, collection_delay_months=1)
    late = replace(normal, extra_delay_months=2, extra_delay_start_month=1,
                   extra_delay_window_months=3)
    a, b = deterministic(one_project_a_month(normal)), deterministic(one_project_a_month(late))
    # 300 billed every month (accepted 400 less the 100 advance). Normally collected the
    # next month: 300 receivable at every month end. The billing of months 1-3 is
    # collected 2 months later (months 4-6), so months 2-3 collect nothing, month 4 the
    # billing of month 1, months 5-6 that of months 4-5 (normal) and of months 2-3:
    # collected 300, 300, 0, 0, 300, 600, 600, 300; receivables 300 + 300 - collected
    np.testing.assert_allclose(a.trade_receivables[0], [300.0] * 8)
    np.testing.assert_allclose(b.trade_receivables[0],
                               [300.0, 300.0, 600.0, 900.0, 900.0, 600.0, 300.0, 300.0])
    np.testing.assert_allclose(b.operating_cash_flow[0] - a.operating_cash_flow[0],
                               [0.0, 0.0, -300.0, -300.0, 0.0, 300.0, 300.0, 0.0])
    assert a.operating_result is not None and b.operating_result is not None
    np.testing.assert_array_equal(a.operating_result, b.operating_result)
    assert b.cash[0, -1] == pytest.approx(a.cash[0, -1])  # no interest: the same cash


def test_budget_freeze_receivables_run_off_after_the_freeze(zhipu: Company) -> None:
    # From an economist's review (M2): the preset's three extra months of collection were
    # permanent, so Zhipu's receivables at month 36 stood RMB 562.8m above the base. The
    # freeze is 12 months (months 0-11); the project line collects 6 months after
    # acceptance, the freeze's billing 9. The last of it (month 11) is paid in month 20;
    # from then on the receivables are those of the lower contract volume alone (the
    # preset's shocks without the delay).
    base = load_base_scenario(zhipu)
    frozen = apply_stresses(base, ["budget-freeze"])
    line = next(ln for ln in frozen.lines if ln.kind == "b2b")
    assert (line.delay_months, line.extra_delay_months, line.extra_delay_start_month,
            line.extra_delay_window_months) == (6, 3, 0, 12)
    volume_only = replace(frozen, lines=base.lines)
    a, b = deterministic(volume_only), deterministic(frozen)
    extra = b.trade_receivables[0] - a.trade_receivables[0]
    np.testing.assert_array_equal(extra[:6], 0.0)  # nothing of the freeze falls due yet
    assert (extra[6:20] > 0).all()
    np.testing.assert_allclose(extra[20:], 0.0, atol=1e-3)
    assert b.trade_receivables[0, 35] == pytest.approx(a.trade_receivables[0, 35], abs=1e-3)


def test_a_preset_delay_in_part_months_is_refused() -> None:
    # from a review: int(2.5) cut a preset's 2.5 months to 2 without a word
    from llmecon.config.scenario import StressChange
    from llmecon.errors import InputError
    from llmecon.simulate.preset_checks import later
    from llmecon.simulate.scenario import LineSpec

    line = LineSpec("p", "b2b", collection_delay_months=6)
    change = StressChange(driver="*.collection_delay_extra_months", value=2.5, months=12)
    with pytest.raises(InputError, match=r"expected a whole number of months, found 2\.5"):
        later(line, change, "budget-freeze")
    done = later(line, StressChange(driver="*.collection_delay_extra_months", value=3,
                                    months=12), "budget-freeze")
    assert done.extra_delay_months == 3 and done.extra_delay_window_months == 12
