from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from llmecon.cli import main


def test_simulate_saves_and_lists(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "r.duckdb")
    assert main(["simulate", "minimax", "--paths", "2000", "--horizon", "24", "--stress",
                 "price-war", "--store", store, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    run_id = doc["run_id"]
    assert doc["summary"]["stresses"] == ["price-war"] and doc["summary"]["paths"] == 2000
    assert len(doc["prob_cash_out"]) == 24
    assert main(["runs", "list", "--store", store]) == 0
    out = capsys.readouterr().out
    assert run_id in out and "committed" in out  # the store states the financing included
    assert main(["runs", "show", run_id[:6], "--store", store]) == 0
    assert "financing included" in capsys.readouterr().out


def test_the_saved_hint_names_the_store(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """The hint printed after a save left out --store, so followed as printed it looked in
    the default store. It now names the store, quoted for a shell."""
    import shlex

    store = str(tmp_path / "my runs.duckdb")
    assert main(["simulate", "minimax", "--paths", "200", "--horizon", "3",
                 "--store", store]) == 0
    hint = capsys.readouterr().out.strip().splitlines()[-1]
    command = shlex.split(hint.split("to see it: ", 1)[1])
    assert command[:2] == ["llmecon", "runs"] and command[-1] == f"--store={store}"
    assert main(command[1:]) == 0
    assert "financing included" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "message"), [
    (["simulate", "minimax", "--paths", "0"], "--paths: expected 1 to"),
    (["simulate", "minimax", "--horizon", "500"], "--horizon: expected 1 to 240"),
    (["simulate", "minimax", "--stress", "boom"], "unknown stress 'boom'"),
    (["simulate", "nobody"], "unknown company 'nobody'"),
])
def test_simulate_bad_input(args: list[str], message: str,
                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*args, "--no-save"] if args[0] == "simulate" else args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_scenario_show_and_answers(capsys: pytest.CaptureFixture[str],
                                   minimax_exit: dict[str, float]) -> None:
    assert main(["scenario", "show", "zhipu"]) == 0
    out = capsys.readouterr().out
    assert "localized_deployment.contract_value" in out and "assumed" in out
    assert main(["scenario", "stresses"]) == 0
    assert "budget-freeze" in capsys.readouterr().out
    assert main(["answers", "minimax", "--format", "json"]) == 0
    ans = json.loads(capsys.readouterr().out)
    c = ans["cost_for_margin"]
    # hand check of the first month on the shared unit-economics drivers, each line read at
    # 9M 2025, the period the projection starts from: AI-native products at their exit
    # run-rate (revenue US$38.02m / 9 x 1.377, disclosed margin 4.7%), the open platform at
    # its own (US$15.417m / 9 x 1.347) and its disclosed 69.4% margin (the engine's
    # utilisation is derived to reproduce it). Of the AI-native cost, 3.006m is not
    # inference (76.7% x 53.437 - 37.98 disclosed: commissions, 7.9% of the line's revenue)
    # and does not move with the token cost: a 50% margin needs the token cost to fall to
    # (revenue - other cost - 0.5 x revenue) / token cost of today.
    c2c = 38.02e6 / 9 * minimax_exit["ai_native_products"]
    api = 15.417e6 / 9 * minimax_exit["open_platform"]
    gm = (c2c * 0.047 + api * 0.694) / (c2c + api)
    other = c2c * (0.767 * 53.437 - 37.98) / 38.02
    tokens = c2c * (1 - 0.047) - other + api * (1 - 0.694)
    assert c["current_gross_margin"] == pytest.approx(gm, abs=0.002)  # 23.1%
    assert c["cost_multiplier"] == pytest.approx(
        (c2c + api - other - 0.5 * (c2c + api)) / tokens, rel=0.01)  # 0.62
    assert ans["tornado"][0]["swing"] >= ans["tornado"][-1]["swing"]
    assert ans["currency"] == "USD"  # every amount's; MiniMax reports in US dollars
    assert main(["answers", "zhipu", "--horizon", "3", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["currency"] == "CNY"


def test_simulate_json_states_financing_dates_and_kept_paths(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Zhipu calibrates on H1 2025 (to 30 June 2025): month 1 ends 31 July 2025, month 12
    30 June 2026. The base case counts committed financing only; --financing all adds the
    facility draw and says so. --keep-paths and --block-paths reach the run."""
    assert main(["simulate", "zhipu", "--paths", "300", "--horizon", "12", "--keep-paths",
                 "3", "--block-paths", "100", "--no-save", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    s = doc["summary"]
    assert s["financing"] == "committed"
    assert s["month_ends"][0] == "2025-07-31" and s["month_ends"][-1] == "2026-06-30"
    assert s["burn_basis"].startswith("-(operating cash flow - capex")
    assert len(doc["kept_paths"]["cash"]) == 3 and len(doc["kept_paths"]["cash"][0]) == 12
    for q, month in s["runway_months"].items():  # the runway's date is its month's end
        beyond = month is None or float(month) == float("inf")  # JSON has no infinity
        want = None if beyond else s["month_ends"][int(month) - 1]
        assert s["runway_month_ends"][q] == want
    assert main(["simulate", "zhipu", "--paths", "100", "--horizon", "12", "--financing",
                 "all", "--no-save", "--format", "json"]) == 0
    s_all = json.loads(capsys.readouterr().out)["summary"]
    assert s_all["financing"] == "all"
    assert any("unused bank facilities" in e for e in s_all["financing_events"])
    assert not any("unused bank facilities" in e for e in s["financing_events"])


def test_simulate_table_shows_dates_and_financing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "minimax", "--paths", "200", "--horizon", "6", "--no-save"]) == 0
    out = capsys.readouterr().out
    assert "financing included: committed" in out
    assert "1 (Oct 2025)" in out and "6 (Mar 2026)" in out  # 9M 2025 ends 30 Sep 2025


@pytest.mark.parametrize("bad", ["30", "1.5", "abc"])
def test_answers_target_margin_refuses_a_bare_number(bad: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["answers", "zhipu", "--target-margin", bad]) == 2
    err = capsys.readouterr().err
    assert "--target-margin" in err and "Traceback" not in err
    if bad == "30":
        assert "did you mean 30%?" in err


def test_answers_per_line(capsys: pytest.CaptureFixture[str]) -> None:
    """MiniMax's open platform discloses a 69.4% gross margin (9M 2025); for a 30% target
    its cost may rise to (1 - 0.3) / (1 - 0.694) = 2.29x today; '30%' and 0.3 agree."""
    got = []
    for target in ("30%", "0.3"):
        assert main(["answers", "minimax", "--horizon", "3", "--target-margin", target,
                     "--line", "open_platform", "--format", "json"]) == 0
        out = json.loads(capsys.readouterr().out)
        # walk20 L9: --line answers for that line only, not the company-wide tables
        assert set(out) == {"cost_for_margin_by_line", "currency"}
        got.append(out["cost_for_margin_by_line"])
    assert got[0] == got[1] and len(got[0]) == 1
    row = got[0][0]
    assert row["line"] == "open_platform" and row["already_there"]
    assert row["cost_factor"] == pytest.approx(0.7 / (1 - row["gross_margin"]), rel=1e-12)
    assert row["gross_margin"] == pytest.approx(0.694, abs=0.001)
    assert main(["answers", "minimax", "--line", "nope"]) == 2
    assert "--line: expected one of ai_native_products, open_platform" in \
        capsys.readouterr().err


def test_answers_line_in_any_case_and_the_closest_for_an_unknown_one(
        capsys: pytest.CaptureFixture[str]) -> None:
    # audit attack23 L5: 'AI_NATIVE_PRODUCTS' was refused, and an unknown line had no
    # suggestion
    assert main(["answers", "minimax", "--line", "OPEN_PLATFORM", "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)["cost_for_margin_by_line"]
    assert row["line"] == "open_platform"
    assert main(["answers", "minimax", "--line", "ai_native"]) == 2
    assert capsys.readouterr().err == (
        "llmecon: error: --line: expected one of ai_native_products, open_platform "
        "(minimax), found 'ai_native'; did you mean 'ai_native_products'?\n")
    assert main(["answers", "minimax", "--line", "open-platform"]) == 2
    assert capsys.readouterr().err.endswith("did you mean 'open_platform'?\n")


@pytest.mark.parametrize(("given", "shown"), [("0.5%", "a 0.5% gross margin"),
                                              ("99.9999999999%", "a 99.9999999999% gross"),
                                              ("0.3", "a 30% gross margin")])
def test_answers_line_title_shows_the_target_as_given(
        capsys: pytest.CaptureFixture[str], given: str, shown: str) -> None:
    # audit attack23 L5: '--target-margin 0.5%' was titled "a 0% gross margin" and
    # 99.9999999999% "a 100% gross margin" (rounded to a whole percent)
    assert main(["answers", "minimax", "--line", "open_platform", "--target-margin",
                 given]) == 0
    title = " ".join(capsys.readouterr().out.split())  # the title wraps
    assert f"Token cost needed for {shown}" in title


def test_growth_answer_names_its_levers_and_scales_c2c_users() -> None:
    from llmecon.api import load_company
    from llmecon.simulate.answers import _scaled, growth_for_losses
    from llmecon.simulate.loaders import load_base_scenario

    s = load_base_scenario(load_company("minimax"), horizon_months=24)
    g = growth_for_losses(s)
    assert any(lv.startswith("ai_native_products.cac / f") for lv in g.levers)
    assert any(lv.startswith("open_platform.volume_growth_monthly x f") for lv in g.levers)
    doubled = _scaled(s, 2.0)  # twice the users bought per month at the same spend
    assert doubled.central("ai_native_products.cac") == s.central("ai_native_products.cac") / 2
    assert doubled.central("open_platform.volume_growth_monthly") == \
        2 * s.central("open_platform.volume_growth_monthly")
    assert doubled.central("ai_native_products.marketing_monthly") == \
        s.central("ai_native_products.marketing_monthly")


def test_simulate_workbook_states_dates_and_financing(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """MiniMax calibrates on 9M 2025 (to 30 September 2025): month 1 ends 31 October 2025.
    The sheet gives each month's end as a date and says what financing was counted."""
    from openpyxl import load_workbook

    out = tmp_path / "run.xlsx"
    assert main(["simulate", "minimax", "--paths", "200", "--horizon", "6", "--no-save",
                 "--format", "xlsx", "-o", str(out)]) == 0
    ws = load_workbook(out).worksheets[0]
    assert [c.value for c in ws[1]][:4] == ["metric", "month", "month end", "unit"]
    assert ws.cell(row=2, column=2).value == 1
    assert ws.cell(row=2, column=3).value.date() == dt.date(2025, 10, 31)
    assert ws.cell(row=7, column=3).value.date() == dt.date(2026, 3, 31)  # month 6
    labels = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value
              for r in range(1, ws.max_row + 1)}
    assert labels["financing included"] == "committed"
    assert "IPO" in labels["financing events"] or "ipo" in labels["financing events"].lower()
    assert labels["burn basis"]
    # walk33 #5: the sheet named no currency; each money row now carries it, and the IPO its
    # amount with the currency (US$, MiniMax's reporting currency)
    units = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=4).value
             for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=2).value == 1}
    assert units["cash"] == units["revenue"] == units["burn"] == "USD"
    assert units["gross_margin"] == "share" and units["prob_cash_out"] == "probability"
    assert labels["currency"].startswith("USD")
    assert "US$" in labels["financing events"]
    # a hostile-input audit: sheet names are cut at 31 characters, so long company ids gave
    # tabs that could not be told apart; the sheet says whose run it is
    assert labels["company"] == "minimax" and labels["stresses"] == "base"


def test_financing_amounts_carry_their_currency(capsys: pytest.CaptureFixture[str]) -> None:
    """walk33 #5: IPO proceeds were printed as bare numbers ("gross 3,900,416,950"). The
    projection carries the amount and currency; presenters format it. Zhipu's gross proceeds
    by hand: HK$4,348.1m at 0.8970 RMB per HK$ (the 2026-01-08 rate) = RMB 3,900.2m."""
    import re

    assert main(["simulate", "zhipu", "--paths", "100", "--horizon", "12", "--no-save",
                 "--format", "json"]) == 0
    s = json.loads(capsys.readouterr().out)["summary"]
    ipo = next(e for e in s["financing_detail"] if e["label"].startswith("IPO 2026-01-08"))
    assert ipo["currency"] == "CNY"
    assert ipo["gross_amount"] == pytest.approx(4348.1e6 * 0.8970, rel=1e-3)
    bare = re.compile(r"\d{1,3}(,\d{3}){2,}")  # a raw amount such as 3,900,416,950
    assert not any(bare.search(e) for e in s["financing_events"])
    assert main(["simulate", "zhipu", "--paths", "100", "--horizon", "12", "--no-save"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "received net of fees 4.02% (disclosed net); gross proceeds: RMB 3.90bn" in out
    assert not bare.search(out.split("burn =")[0])


def test_run_limits_follow_memory(capsys: pytest.CaptureFixture[str]) -> None:
    # 50 million paths pass (memory does not grow with paths); a budget below the planned
    # memory of one block is refused before anything runs, naming both
    assert main(["simulate", "minimax", "--paths", "50000000", "--memory-budget", "0.0625",
                 "--no-save"]) == 2
    err = capsys.readouterr().err
    assert "memory: this run needs about" in err and "the budget is 0.1 GiB" in err
    assert "paths" not in err.split("memory:")[0]
    assert main(["simulate", "minimax", "--memory-budget", "0", "--no-save"]) == 2
    assert "--memory-budget" in capsys.readouterr().err


def test_fx_shock_says_when_it_cannot_move_the_company(
        capsys: pytest.CaptureFixture[str]) -> None:
    """A new user's audit: fx-shock on a company with nothing in another currency ran
    identical to the base, unsaid. Fictiva (a test company) has no foreign shares and no
    financing; Zhipu's HK$ IPO proceeds are exposed, so it gets no note."""
    from pathlib import Path

    own = str(Path(__file__).parents[1] / "data" / "fictiva_b2b.csv")
    assert main(["simulate", own, "--stress", "fx-shock", "--paths", "100", "--no-save",
                 "--format", "json"]) == 0
    out = capsys.readouterr()
    assert "llmecon: note: fx-shock changes nothing for fictiva" in out.err
    json.loads(out.out)  # the JSON on standard output is untouched
    assert main(["simulate", "zhipu", "--stress", "fx-shock", "--paths", "100",
                 "--no-save", "--format", "json"]) == 0
    assert "note:" not in capsys.readouterr().err


def test_a_line_without_unit_economics_points_to_what_is_missing(
        capsys: pytest.CaptureFixture[str]) -> None:
    # a new user's audit: "the unit-economics driver chat.arppu_monthly is not available"
    # named neither the cause nor where to see it
    from pathlib import Path

    own = str(Path(__file__).parents[1] / "data" / "examplai.csv")
    assert main(["simulate", own, "--paths", "100", "--no-save"]) == 2
    err = capsys.readouterr().err
    assert f"the apps line's unit economics cannot be computed from the figures given " \
           f"('llmecon unit-economics {own}' names the missing ones)" in " ".join(err.split())
    assert main(["unit-economics", own]) == 0
    assert "missing:" in capsys.readouterr().out


@pytest.mark.parametrize("company", ["zhipu", "minimax"])
def test_the_templates_examples_are_valid_scenario_files(
        company: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A new user's audit: the template wrote `regimes: []` and `shocks: []` and their
    fields were found only through errors; its commented examples, uncommented, load."""
    from llmecon.simulate.loaders import load_base_scenario
    from llmecon.simulate.scenario import load_scenario

    assert main(["scenario", "show", company]) == 0
    lines = capsys.readouterr().out.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("# Examples"))
    body = [ln[4:] for ln in lines[start + 1:] if ln.startswith("#   ")]
    assert any(b.startswith("regimes:") for b in body)
    f = tmp_path / "examples.yaml"
    f.write_text("\n".join(body) + "\n")
    from llmecon.api import load_company

    s = load_scenario(load_base_scenario(load_company(company)), f)
    assert s.regimes[0].name == "budget squeeze" and s.shocks[-1].multiplier == 1.3
    assert [f.label for f in s.financing] == ["bank loan"]


def test_a_projection_that_starts_before_the_newest_period_says_why(
        capsys: pytest.CaptureFixture[str]) -> None:
    # own36: tests/data/lumora.yaml's newest period, H1 2025, gives no compute in R&D, so the
    # projection started at FY2024 (2024-12-31, cash US$280m, not H1 2025's US$200m) and
    # only the hindsight table's title hinted at it, naming no period and no item
    lumora = str(Path(__file__).parents[1] / "data" / "lumora.yaml")
    assert main(["simulate", lumora, "--paths", "200", "--no-save", "--format", "json"]) == 0
    err = capsys.readouterr().err
    assert ("note: the projection starts at FY2024 (2024-12-31), not at a newer period: "
            "H1_2025 does not disclose rd_compute_cost") in err
    assert main(["scenario", "show", lumora]) == 0
    assert "# Note: the projection starts at FY2024 (2024-12-31)" in capsys.readouterr().out
    # MiniMax's FY2025 headline results have no cash-flow statement and no R&D split
    assert main(["scenario", "show", "minimax"]) == 0
    assert ("FY2025 does not disclose operating_cash_flow, rd_compute_cost"
            in capsys.readouterr().out)
    # Zhipu starts at its newest period: no note
    assert main(["scenario", "show", "zhipu"]) == 0
    assert "# Note: the projection starts" not in capsys.readouterr().out


def test_a_financing_preset_says_what_it_takes_away_or_that_it_changes_nothing(
        capsys: pytest.CaptureFixture[str]) -> None:
    """own36: funding-closed and credit-withdrawn ran identical to the base, unsaid, where
    there was nothing to take away (fx-shock already said so). MiniMax has no bank credit
    (stress.yaml); Zhipu's funding-closed takes away its uncommitted facility draw, which
    the default (committed) base does not count either."""
    assert main(["simulate", "minimax", "--stress", "credit-withdrawn", "--paths", "100",
                 "--no-save", "--format", "json"]) == 0
    err = capsys.readouterr().err
    assert "credit-withdrawn changes nothing for minimax: no bank facility or borrowings" in err
    assert main(["simulate", "zhipu", "--stress", "funding-closed", "--paths", "100",
                 "--no-save", "--format", "json"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "funding-closed removes draw 50% of the unused bank facilities" in err
    assert "compare with --financing all" in err
    assert main(["simulate", "zhipu", "--paths", "100", "--no-save", "--format", "json"]) == 0
    assert "compare with --financing all" not in capsys.readouterr().err
    # atk37: a run counting all financing was told to compare with --financing all and that
    # the preset 'alone changes nothing'
    assert main(["simulate", "zhipu", "--stress", "funding-closed", "--financing", "all",
                 "--paths", "100", "--no-save", "--format", "json"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "funding-closed removes draw 50% of the unused bank facilities" in err
    assert "counted in this run (financing all)" in err
    assert "compare with" not in err and "changes nothing" not in err


def test_runs_list_tells_a_scenario_files_run_from_the_calibrated_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """own36 (walk34 M4): a run of one's own --scenario file was listed as 'base', like the
    calibrated run beside it; the list now names the file (runs show already did)."""
    assert main(["scenario", "show", "minimax"]) == 0
    (tmp_path / "mine.yaml").write_text(capsys.readouterr().out, encoding="utf-8")
    store = str(tmp_path / "r.duckdb")
    for extra in ([], ["--scenario", str(tmp_path / "mine.yaml")]):
        assert main(["simulate", "minimax", "--paths", "100", "--horizon", "3", "--store",
                     store, "--format", "json", *extra]) == 0
    capsys.readouterr()
    assert main(["runs", "list", "--store", store]) == 0
    rows = [ln for ln in capsys.readouterr().out.splitlines() if "minimax" in ln]
    assert len(rows) == 2
    assert sum("mine.yaml" in r for r in rows) == 1 and sum("calibrated" in r for r in rows) == 1
