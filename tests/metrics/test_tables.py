"""Table.to_frame() carries currency, units, confidence and the n/a vs not-applicable
distinction (walk20 M9), its values unchanged."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from llmecon.api import compare
from llmecon.statements.model import Company

ZHIPU, MINIMAX = "zhipu H1_2025 (6M interim)", "minimax FY2025"
LOCALIZED = "  revenue: localized_deployment"


@pytest.fixture()
def frames(zhipu: Company, minimax: Company) -> tuple[pd.DataFrame, pd.DataFrame]:
    ue, cf, _ = compare([zhipu, minimax])
    return ue.to_frame(), cf.to_frame()


def test_values_and_labels_as_before(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    ue, _ = frames
    assert list(ue.columns) == [ZHIPU, MINIMAX, "key"]  # the row key last (api37)
    # disclosed: Zhipu H1 2025 revenue RMB 190.877m (prospectus), MiniMax FY2025 US$79.038m
    # (announcement via cnyes/aibase)
    assert ue.loc["Revenue", ZHIPU] == pytest.approx(190.877e6)
    assert ue.loc["Revenue", MINIMAX] == pytest.approx(79.038e6)
    assert math.isnan(ue.loc[LOCALIZED, MINIMAX])


def test_currency_and_unit_per_column_and_row(
        frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    ue, _ = frames
    assert ue.attrs["currency"] == {ZHIPU: "CNY", MINIMAX: "USD"}
    assert ue.attrs["unit"]["Revenue"] == "money"
    assert ue.attrs["unit"]["Gross margin"] == "ratio"
    assert ue.attrs["title"] == "Unit economics"


def test_not_disclosed_and_not_applicable_are_told_apart(
        frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    ue, _ = frames
    status = pd.DataFrame(ue.attrs["status"])
    # MiniMax has no localized-deployment line (—); Zhipu does not disclose S&M for H1 2025
    # (n/a, as the README's compare excerpt shows)
    assert status.loc[LOCALIZED, MINIMAX] == "not applicable"
    assert status.loc["Selling & marketing / revenue", ZHIPU] == "n/a"
    assert status.loc["Revenue", ZHIPU] == "ok"
    assert status.shape == ue.drop(columns="key").shape


def test_confidence_per_cell(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    ue, cf = frames
    # MiniMax FY2025 revenue: two agreeing sources (high); its cash US$1.05bn: one (medium)
    assert pd.DataFrame(ue.attrs["confidence"]).loc["Revenue", MINIMAX] == "high"
    conf = pd.DataFrame(cf.attrs["confidence"])
    assert conf.loc["Cash + short-term investments", MINIMAX] == "medium"
    # no value (MiniMax discloses no FY2025 cash-flow statement), no confidence
    assert cf.attrs["confidence"][MINIMAX]["Operating cash flow"] is None
    pd.concat([ue, ue])  # attrs are plain data: pandas can compare and copy them


def test_detail_frame_is_long_like_the_signals_frame(zhipu: Company, minimax: Company
                                                     ) -> None:
    ue, _, sig = compare([zhipu, minimax])
    d = ue.to_frame(detail=True)
    assert len(d) == len(ue.rows) * len(ue.columns)
    shared = {"company", "period", "value", "unit", "currency", "confidence", "basis",
              "method"}
    assert shared <= set(d.columns) and shared <= set(sig.to_frame().columns)
    rev = d[(d.metric == "revenue") & (d.company == "minimax")].iloc[0]
    assert rev.value == pytest.approx(79.038e6) and rev.currency == "USD"
    line = d[(d.metric == "revenue[localized_deployment]") & (d.company == "minimax")]
    assert line.iloc[0].status == "not applicable"
    sm = d[(d.metric == "sm_to_revenue") & (d.company == "zhipu")].iloc[0]
    assert sm.status == "n/a" and sm.why != ""


def test_signals_frame_gives_no_confidence_without_a_value(zhipu: Company, minimax: Company
                                                           ) -> None:
    # as Table.to_frame does: a cell without a value has no confidence (it said "unknown")
    _, _, sig = compare([zhipu, minimax])
    frame = sig.to_frame()
    empty = frame[frame.value.isna()]
    assert len(empty) > 0 and empty.confidence.isna().all()
    assert frame[frame.value.notna()].confidence.isin(["high", "medium", "low"]).all()


def test_growth_in_a_converted_table_says_it_is_in_the_reporting_currency(
        zhipu: Company, minimax: Company) -> None:
    # from an economist's review: under a US$ header Zhipu's growth is 325.1% (RMB 190.877m
    # / 44.9m - 1), where in US$ it would be (190.877 / 7.18) / (44.9 / 7.104) - 1 = 320.6%
    ue, _, _ = compare([zhipu, minimax], currency="USD")
    row = next(r for r in ue.rows if r.key == "revenue_growth")
    z, m = row.cells
    assert z.value == pytest.approx(190.877 / 44.9 - 1, rel=1e-3)
    assert "in CNY, the reporting currency" in z.basis
    assert "reporting currency" not in m.basis  # MiniMax reports in US$
    _, _, sig = compare([zhipu, minimax], currency="USD")  # the signals say it too
    z_sig = next(r for r in sig.rows if r.key == "revenue_growth" and r.company_id == "zhipu")
    assert "in CNY, the reporting currency" in z_sig.latest.basis


def test_a_low_figure_beside_one_given_no_confidence_is_marked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A new user's audit: an R&D expense marked low beside a revenue given no confidence
    gave an R&D / revenue of 'unknown' confidence, shown unmarked; a value resting on a low
    figure is low. ExamplAI FY2024: 80 / 100 = 0.8."""
    import json

    from llmecon.cli import main

    src = Path(__file__).parents[1] / "data" / "examplai.csv"
    rows = src.read_text().splitlines()
    out = []
    for r in rows:
        if r.startswith("examplai,FY2024,2024-12-31,12,revenue,100,"):
            r = r.replace(",high,", ",,")
        if r.startswith("examplai,FY2024,2024-12-31,12,rd_expense,80,"):
            r = r.replace(",high,", ",low,")
        out.append(r)
    f = tmp_path / "mine.csv"
    f.write_text("\n".join(out) + "\n")
    assert main(["show", str(f), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    rd = next(c for t in doc["tables"] for r in t["rows"] if r["key"] == "rd_to_revenue"
              for c in r["cells"] if c["period"] == "FY2024")
    assert rd["value"] == pytest.approx(0.80) and rd["confidence"] == "low"


def test_burn_change_from_generating_cash_is_a_rise(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """A new user's audit: a company that generated RMB 20m a month and then burnt 35m was
    shown "-275.0%, good" (35 / -20 - 1). ExamplAI with FY2023 operating cash flow +300 and
    capex 60 generated (300 - 60) / 12 = 20 a month (burn -20); FY2024 burns (96 + 24) / 12
    = 10: the change is (10 - (-20)) / |-20| = +150%, and a rise in burn is bad."""
    import json

    from llmecon.cli import main

    src = Path(__file__).parents[1] / "data" / "examplai.csv"
    extra = ["examplai,FY2023,2023-12-31,12,operating_cash_flow,300,USD,million,"
             "hand-written test fixture,1,high,,,,",
             "examplai,FY2023,2023-12-31,12,capex,60,USD,million,hand-written test fixture,"
             "1,high,,,,"]
    f = tmp_path / "mine.csv"
    f.write_text(src.read_text().rstrip("\n") + "\n" + "\n".join(extra) + "\n")
    assert main(["show", str(f), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    burn = next(r for r in doc["signals"] if r["signal"] == "monthly_burn")
    assert burn["change"] == pytest.approx((10 - (-20)) / 20)
    assert burn["assessment"] == "bad"


def test_signals_frame_keeps_the_reasons_and_the_keys_of_the_json(zhipu: Company) -> None:
    # api36: the frame's n/a values had no reason column (`basis` held either a basis or a
    # reason), a missing change had none at all, and `signal` was the display label where
    # the JSON and peers() use the key
    _, _, sig = compare([zhipu])
    frame = sig.to_frame().set_index("signal")
    assert frame.loc["gross_margin", "label"] == "Gross margin"
    # Zhipu H1 2025 gross margin: 50.0% as four sources report it
    assert frame.loc["gross_margin", "value"] == pytest.approx(0.50, abs=5e-4)
    assert frame.loc["gross_margin", "status"] == "ok"
    assert frame.loc["gross_margin", "why"] == ""
    # no contract liabilities are bundled for Zhipu (README's table: "Contract liabilities
    # / revenue n/a")
    cl = frame.loc["contract_liabilities_to_revenue"]
    assert math.isnan(cl.value) and cl.status == "n/a" and cl.basis == ""
    assert "contract_liabilities not disclosed for H1_2025" in cl.why
    # no H1 2024 line split: the cloud share has a value but no change, and says why
    share = frame.loc["platform_share"]
    assert share.value == pytest.approx(0.152, abs=5e-4) and math.isnan(share.change)
    assert "H1_2024" in share.change_why and pd.isna(share.change_confidence)
    assert frame.dtypes["change"] == "float64" and frame.dtypes["value"] == "float64"


def test_wide_frame_says_why_a_cell_is_empty(zhipu: Company) -> None:
    ue, _, _ = compare([zhipu])
    f = ue.to_frame()
    col = f.columns[0]
    assert math.isnan(f.loc["Selling & marketing / revenue", col])
    assert "selling_marketing_expense not disclosed" in \
        f.attrs["why"][col]["Selling & marketing / revenue"]
    assert f.attrs["why"][col]["Revenue"] is None


def test_wide_frame_finds_a_row_by_its_key(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """api36 L2: the index is the label as printed, indented for a segment, so
    ``.loc["revenue: localized_deployment"]`` failed; the key column finds it, and the
    label index still works as before."""
    ue, _ = frames
    by_key = ue.set_index("key")
    # Zhipu's H1 2025 revenue RMB 190.877m (prospectus), by key and by label alike
    assert by_key.loc["revenue", ZHIPU] == ue.loc["Revenue", ZHIPU] == \
        pytest.approx(190.877e6)
    # localized deployment: 84.8% (RMB 162m) of H1 2025 revenue (prospectus_figures.md)
    loc = "revenue[localized_deployment]"
    assert ue.loc[LOCALIZED, "key"] == loc
    assert by_key.loc[loc, ZHIPU] == pytest.approx(162e6, rel=0.01)
    assert by_key.loc[loc, ZHIPU] / by_key.loc["revenue", ZHIPU] == pytest.approx(0.848,
                                                                                   abs=5e-4)
    assert ue.drop(columns="key").dtypes.eq("float64").all()  # the values stay numbers
