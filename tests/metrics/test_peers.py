"""Peers ranked on one signal, each with its period end (values by hand from the sources)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from llmecon.api import load_company
from llmecon.errors import NotFoundError
from llmecon.metrics.peers import rank_peers
from llmecon.units import load_fx


def test_gross_margin_ranking_names_each_period() -> None:
    cs = [load_company(i) for i in ("zhipu", "minimax", "snowflake")]
    r = rank_peers(cs, "gross_margin")
    got = [(e.rank, e.company_id, e.period) for e in r.entries]
    assert got == [
        # Snowflake Q1 FY2026: 10-Q gross profit / revenue; Zhipu H1 2025: 50.0%;
        # MiniMax FY2025: 20.079 / 79.038 = 25.4%
        (1, "snowflake", "Q1_2026 (3M to 2025-04-30)"),
        (2, "zhipu", "H1_2025 (6M to 2025-06-30)"),
        (3, "minimax", "FY2025 (12M to 2025-12-31)"),
    ]
    assert r.entries[2].value.value == pytest.approx(20.079 / 79.038)


def test_until_a_date_and_currency() -> None:
    cs = [load_company(i) for i in ("zhipu", "minimax")]
    r = rank_peers(cs, "revenue_growth", until=date(2024, 12, 31))
    # FY2024: MiniMax 30.523 / 3.46 - 1 = +782%; Zhipu 312.414 / 124.538 - 1 = +151%
    assert [e.company_id for e in r.entries] == ["minimax", "zhipu"]
    assert r.entries[1].value.value == pytest.approx(312.414 / 124.538 - 1)
    burn = rank_peers(cs, "monthly_burn", currency="USD", fx=load_fx())
    assert {e.value.currency for e in burn.entries if e.value.ok} == {"USD"}


def test_unknown_signal() -> None:
    with pytest.raises(NotFoundError, match="unknown signal 'xyz'; known: revenue_growth"):
        rank_peers([], "xyz")
    for typo in ("gross_margn", "margin", "Gross_Margin"):
        with pytest.raises(NotFoundError, match="did you mean 'gross_margin'"):
            rank_peers([], typo)


def test_rank_one_is_the_best_where_the_signal_says_which_way_is_better() -> None:
    cs = [load_company(i) for i in ("zhipu", "minimax", "snowflake")]
    burn = rank_peers(cs, "monthly_burn", currency="USD", fx=load_fx())
    # Snowflake generates cash (a negative burn): the best, ranked 1; Zhipu's RMB 327.3m a
    # month (about US$45m) the worst, last. A lower burn is better for every business model.
    assert burn.order == "lowest first (lower is better)"
    values = [e.value.value for e in burn.entries if e.rank is not None]
    assert burn.entries[0].company_id == "snowflake" and values[0] < 0
    assert values == sorted(values)
    assert burn.entries[len(values) - 1].company_id == "zhipu"
    # a higher gross margin is better: highest first, as before
    assert rank_peers(cs, "gross_margin").order == "highest first (higher is better)"
    # the platform share is better higher for a B2B company and neutral for a C2C one; S&M
    # per net new MAU better lower for a C2C company and neutral for a B2B one
    share = rank_peers(cs, "platform_share")
    assert share.order == ("highest first (higher is better for one business model, neutral "
                           "for the other)")
    assert rank_peers(cs, "sm_per_net_new_mau").order.startswith("lowest first (lower is "
                                                                 "better for one")
    # the overseas share is neutral for both: highest first, no direction claimed
    assert rank_peers(cs, "overseas_share").order == ("highest first (neither is better for "
                                                      "every business model)")


def test_a_company_without_a_period_is_named_not_dropped(tmp_path: Path) -> None:
    # a file with a balance sheet only: it has no period to read a signal at, and was left
    # out of the ranking without a word
    p = tmp_path / "bal.csv"
    p.write_text("company,period,period_end,metric,value,currency,unit,source_url\n"
                 "bal,FY2024,2024-12-31,cash_and_equivalents,50,USD,million,a filing\n")
    from llmecon.statements import io

    r = rank_peers([load_company("zhipu"), io.read_company_file(p)], "runway")
    assert [e.company_id for e in r.entries] == ["zhipu"]
    assert "not ranked, no period of figures: bal" in r.note


def test_a_value_of_an_older_period_says_so() -> None:
    # walk33 #11: SoundHound's FY2024 cash (US$198.2m) is bundled but FY2024 has no burn, so
    # its runway is December 2023's: US$95.3m / the FY2023 burn = 16.6 months; the entry
    # and the ranking's note say it rests on the older period, and why the newest has none
    got = rank_peers([load_company(c) for c in ("soundhound", "zhipu", "minimax")], "runway")
    sh = next(e for e in got.entries if e.company_id == "soundhound")
    assert sh.value.period.label == "FY2023" and sh.value.value == pytest.approx(16.6, abs=0.05)
    assert sh.value.basis.startswith("older period: FY2023, not the newest period FY2024 (")
    assert "soundhound (FY2023)" in got.note
    zp = next(e for e in got.entries if e.company_id == "zhipu")
    assert not zp.value.basis.startswith("older period")


def test_a_ranking_turns_into_a_frame_with_its_reasons() -> None:
    # api36: a ranking had no to_frame; pd.DataFrame(r.entries) gave a column of
    # MetricValue objects. docs/signals.md: Zhipu's runway is 2,552 / 327.3 = 7.8 months, MiniMax's
    # 1,050 / 27.9 = 37.6 (at the latest cash burn)
    import math

    names = ["zhipu", "minimax", "mobvoi"]
    r = rank_peers([load_company(c) for c in names], "runway", fx=load_fx())
    f = r.to_frame().set_index("company")
    assert f.loc["zhipu", "value"] == pytest.approx(2552 / 327.3, abs=0.01)
    assert f.loc["minimax", "value"] == pytest.approx(1050 / 27.9, abs=0.01)
    assert list(f["rank"].iloc[:2]) == [1, 2] and str(f.dtypes["rank"]) == "Int64"
    assert f.dtypes["value"] == "float64" and f.loc["zhipu", "unit"] == "months"
    # Mobvoi's H1 2025 cash is not bundled: no rank, NaN, and the reason beside it
    assert f["rank"].isna()["mobvoi"] and math.isnan(f.loc["mobvoi", "value"])
    assert "not disclosed for H1_2025" in f.loc["mobvoi", "why"]
    assert f.attrs["signal"] == "runway" and "higher is better" in f.attrs["order"]
