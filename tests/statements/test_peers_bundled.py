"""The bundled peers SenseTime, SoundHound and Mobvoi: each file loads, passes the accounting
checks, carries its sources, and gives the disclosed figures written here with their source.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from llmecon.api import load_company
from llmecon.errors import InputError
from llmecon.metrics.peers import rank_peers
from llmecon.metrics.reconcile import problems
from llmecon.metrics.resolve import Resolver
from llmecon.statements import io

PEERS = ("sensetime", "soundhound", "mobvoi")


def test_the_peers_are_bundled() -> None:
    assert set(PEERS) <= set(io.bundled_ids())


@pytest.mark.parametrize("cid", PEERS)
def test_each_peer_loads_passes_the_checks_and_cites_its_sources(cid: str) -> None:
    c = load_company(cid)  # load_company refuses a file that fails reconcile's checks
    assert problems(c) == []
    assert c.id == cid and c.coverage_note and c.as_of is not None
    for f in c.figures:
        assert f.source.startswith("http"), (f.item, f.period.label)
        assert f.source_count is not None and f.source_count >= 1
        assert f.source_count <= f.source.count(" | ") + 1  # never more sources than cited
        assert f.confidence in ("high", "medium", "low")
        if f.confidence == "high":
            assert f.source_count >= 2, (f.item, f.period.label)


def _value(cid: str, item: str, label: str, segment: str | None = None) -> float:
    v = Resolver(load_company(cid)).get(item, label, segment)
    assert v.ok, (cid, item, label, v)
    return v.value


@pytest.mark.parametrize(("cid", "item", "label", "segment", "expected"), [
    # SoundHound FY2024: revenue US$84.69m (FMP; US$84.7m in the Q4 2024 press release),
    # cash US$198,240k and total liabilities US$371,300k (8-K exhibit 99.2, 27 Feb 2025)
    ("soundhound", "revenue", "FY2024", None, 84.69e6),
    ("soundhound", "cash_and_equivalents", "FY2024", None, 198.240e6),
    ("soundhound", "total_liabilities", "FY2024", None, 371.300e6),
    ("soundhound", "net_loss", "FY2023", None, 88.94e6),
    # SenseTime FY2024: revenue 37.72亿, generative AI 24.04亿 (63.7%), loss 43.07亿
    ("sensetime", "revenue", "FY2024", None, 3772.0e6),
    ("sensetime", "revenue", "FY2024", "line:generative_ai", 2404.0e6),
    ("sensetime", "net_loss", "FY2024", None, 4307.0e6),
    # SenseTime H1 2025: revenue RMB 2,358,198k, adjusted net loss RMB 1,162,133k
    ("sensetime", "revenue", "H1_2025", None, 2358.198e6),
    ("sensetime", "adjusted_net_loss", "H1_2025", None, 1162.133e6),
    # Mobvoi H1 2025 interim announcement: revenue RMB 178,914k, gross profit RMB 106,296k
    ("mobvoi", "revenue", "H1_2025", None, 178.914e6),
    ("mobvoi", "gross_profit", "H1_2025", None, 106.296e6),
])
def test_disclosed_figures(cid: str, item: str, label: str, segment: str | None,
                           expected: float) -> None:
    assert _value(cid, item, label, segment) == pytest.approx(expected)


def test_hand_computed_ratios() -> None:
    # SoundHound FY2024 GAAP gross margin: (84.69 - 43.3) / 84.69 = 48.87% (reported 48.9%)
    assert _value("soundhound", "gross_margin", "FY2024") == pytest.approx(
        (84.69 - 43.3) / 84.69)
    # SenseTime generative AI share FY2024: 2,404 / 3,772 = 63.7% (reported)
    share = _value("sensetime", "revenue_share", "FY2024", "line:generative_ai")
    assert share == pytest.approx(2404 / 3772) and share == pytest.approx(0.637, abs=0.0005)
    # SenseTime lines FY2023 add up: 1,183.7 + 1,838.4 + 383.7 = 3,405.8 (RMB m)
    lines = sum(_value("sensetime", "revenue", "FY2023", f"line:{n}")
                for n in ("generative_ai", "vision_ai", "auto_and_x"))
    assert lines == pytest.approx(3405.8e6)


def test_mobvoi_ttm_matches_the_aggregator() -> None:
    from llmecon.api import ttm

    rows = ttm([load_company("mobvoi")], as_of=date(2025, 12, 31))
    # FY2024 390.35 + H1 2025 178.914 - H1 2024 162.67 = RMB 406.594m (stockanalysis TTM 406.59)
    assert rows[0].value == pytest.approx((390.35 + 178.914 - 162.67) * 1e6)


def test_peers_gross_margin_ranks_all_six_bundled_companies() -> None:
    cs = [load_company(i) for i in io.bundled_ids()]
    r = rank_peers(cs, "gross_margin")
    got = [(e.rank, e.company_id) for e in r.entries]
    # latest periods, by hand: Snowflake Q1 FY2026 66.5%; Mobvoi H1 2025 106.296 / 178.914 =
    # 59.4%; Zhipu H1 2025 50.0%; SoundHound FY2024 48.9%; SenseTime H1 2025
    # 907.8 / 2,358.198 = 38.5%; MiniMax FY2025 25.4%
    assert got == [(1, "snowflake"), (2, "mobvoi"), (3, "zhipu"), (4, "soundhound"),
                   (5, "sensetime"), (6, "minimax")]
    by_id = {e.company_id: e for e in r.entries}
    assert by_id["mobvoi"].value.value == pytest.approx(106.296 / 178.914)
    assert by_id["sensetime"].value.value == pytest.approx((2358.198 - 1450.4) / 2358.198)
    assert by_id["sensetime"].period == "H1_2025 (6M to 2025-06-30)"


def test_a_peer_file_with_a_wrong_check_value_is_refused(tmp_path: Path) -> None:
    text = Path(io.__file__).parents[1].joinpath("data/companies/sensetime.yaml").read_text(
        encoding="utf-8")
    # the reported FY2024 gross margin is 42.9%; 45.9% cannot be recomputed from the figures
    bad = text.replace("period: FY2024\n  value: 42.9\n", "period: FY2024\n  value: 45.9\n")
    assert bad != text
    path = tmp_path / "sensetime.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(InputError, match="gross_margin"):
        load_company(str(path))


def test_monthly_burn_of_the_peers_from_their_cash_flows() -> None:
    # each company alone, in its own currency (ranked together they are converted to USD)
    by_id = {i: rank_peers([load_company(i)], "monthly_burn").entries[0] for i in PEERS}
    # SoundHound FY2023: -(operating cash flow -68.3 - capex 0.392) / 12 (intrinsicalpha)
    assert by_id["soundhound"].value.value == pytest.approx((68.3 + 0.392) / 12 * 1e6)
    # SenseTime H1 2025: operating outflow RMB 640m over six months (capex not disclosed)
    assert by_id["sensetime"].value.value == pytest.approx(640e6 / 6)
    # Mobvoi H1 2025 has no cash-flow statement: the adjusted loss RMB 1,408k / 6, flagged
    assert by_id["mobvoi"].value.value == pytest.approx(1.408e6 / 6)
    assert by_id["mobvoi"].value.basis != by_id["sensetime"].value.basis
