"""What a typed notebook user relies on (api36): every result's ``to_frame()`` is typed as
a DataFrame for mypy (it said ``Any``, so nothing after it was checked), and a result's
repr is a line, not the whole table."""

from __future__ import annotations

import typing

import pandas as pd
import pytest

from llmecon import api
from llmecon.inference.fit import Accuracy
from llmecon.inference.frontier import Frontier
from llmecon.inference.serving import ServingResult
from llmecon.inference.sweep import Sweep
from llmecon.metrics.peers import PeerRanking
from llmecon.metrics.tables import SignalsTable, Table
from llmecon.simulate.projection import Projection
from llmecon.simulate.run import SimResult
from llmecon.statements.model import Company
from llmecon.unit_economics.company import UnitEconomicsTable
from llmecon.unit_economics.drivers import Drivers


@pytest.mark.parametrize("cls", [Table, SignalsTable, PeerRanking, UnitEconomicsTable,
                                 SimResult, Projection, Company, Drivers, ServingResult,
                                 Frontier, Sweep, Accuracy])
def test_to_frame_is_typed_as_a_dataframe(cls: type) -> None:
    assert typing.get_type_hints(cls.to_frame, localns={"pd": pd})["return"] is pd.DataFrame


def test_reprs_are_one_short_line(zhipu: Company, minimax: Company) -> None:
    t = api.compare([zhipu, minimax])
    ue = api.unit_economics(zhipu)
    # Zhipu's two lines (localized and cloud deployment), each row a quantity
    assert repr(ue) == (f"UnitEconomicsTable('zhipu', CNY, lines localized_deployment, "
                        f"cloud_deployment: {len(ue.rows)} rows)")
    assert repr(t.signals) == f"SignalsTable({len(t.signals.rows)} signals of zhipu, minimax)"
    for r in (repr(t), repr(ue), repr(t.signals)):
        assert "\n" not in r and len(r) < 400, r[:400]  # the signals' repr was 32 kB
