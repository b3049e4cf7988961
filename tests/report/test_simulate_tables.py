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
