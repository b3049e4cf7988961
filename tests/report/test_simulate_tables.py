"""The simulation's summary table: percentiles in the percentile columns, probabilities apart."""

from __future__ import annotations

import io

from rich.console import Console

from llmecon.api import load_company
from llmecon.report.simulate import summary_table
from llmecon.simulate.loaders import load_base_scenario
from llmecon.simulate.run import run


def test_probabilities_are_not_printed_in_the_p5_column() -> None:
    s = load_base_scenario(load_company("zhipu"), horizon_months=24)
    r = run(s, paths=400, seed=1)
    buf = io.StringIO()
    Console(file=buf, width=200).print(summary_table(r))
    text = buf.getvalue()
    rows = [line for line in text.splitlines() if line.startswith("\u2502")]
    # every row of the table is a percentile row: five values, none a probability
    assert not any("P(" in line for line in rows)
    assert len(rows) == 4
    s_ = r.summary()
    assert (f"P(cash < 0 within the horizon): {s_['prob_cash_out_by_horizon']:.1%}"
            in text)
    # Zhipu without new financing beyond its IPO runs out of cash within two years in most
    # paths (its runway with the IPO proceeds is 19 months at the disclosed burn)
    assert s_["prob_cash_out_by_horizon"] > 0.5


def _first_answers_table(cost_for_margin: dict[str, object]) -> str:
    from llmecon.report.simulate import answers_tables

    ans = {"cost_for_margin": cost_for_margin,
           "growth_for_losses": {"base_loss_slope": 0.0, "growth_factor": None, "why": "x",
                                 "levers": []},
           "tornado": []}
    buf = io.StringIO()
    Console(file=buf, width=200).print(answers_tables(ans, "CNY")[0])
    return " ".join(buf.getvalue().split())


def test_a_margin_already_above_the_target_needs_no_decline() -> None:
    """Zhipu's first projected month (answers zhipu): gross margin 50.8%, token-priced cost
    14.0% of revenue, the rest 35.2%. For 50%: k = (1 - 0.5 - 0.352) / 0.140 = 1.057, so no
    decline is needed; the table printed '1.059x' and '0% / 0%' as if it were a decline,
    where the per-line table said '(already there)'."""
    k = (1 - 0.5 - 0.352) / 0.140
    text = _first_answers_table({
        "target_gross_margin": 0.5, "current_gross_margin": 0.508,
        "token_cost_share_of_revenue": 0.140, "cost_multiplier": k,
        "yearly_decline_1y": 0.0, "yearly_decline_2y": 0.0})
    assert f"{k:.3f}x (already there)" in text and "none needed (already there)" in text
    # MiniMax's: 23.1% margin, 71.3% token-priced, 5.6% held: k = (0.5 - 0.056) / 0.713
    # = 0.623, a decline of 1 - k = 37.7% in one year or 1 - k ** 0.5 = 21.1% a year in two
    k = (0.5 - 0.056) / 0.713
    text = _first_answers_table({
        "target_gross_margin": 0.5, "current_gross_margin": 0.231,
        "token_cost_share_of_revenue": 0.713, "cost_multiplier": k,
        "yearly_decline_1y": 1 - k, "yearly_decline_2y": 1 - k ** 0.5})
    assert "0.623x" in text and "already there" not in text and "38% / 21%" in text
