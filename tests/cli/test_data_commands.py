"""The data commands (issue 15): companies, peers, valuation, ttm, import-sec. Each
runs on the bundled data (exit 0, values checked against disclosed figures or hand
computations) and answers bad input with exit 2 and one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from llmecon.cli import main

FIXTURE = Path(__file__).parents[1] / "data" / "filings" / "snowflake_companyfacts.json"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def one_line_error(code: int, err: str) -> None:
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith("llmecon")
    assert "Traceback" not in err


def test_companies_latest_period_and_as_of(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["companies", "--format", "json"], capsys)
    assert code == 0
    rows = {r["id"]: r for r in json.loads(out)}
    # MiniMax: FY2025 results announced 2 March 2026 (post_listing.md 5a); Zhipu: H1 2025
    # from the prospectus, its FY2025 results not found (the coverage note says so)
    assert rows["minimax"]["latest_period"] == "FY2025"
    assert rows["minimax"]["latest_period_end"] == "2025-12-31"
    assert rows["zhipu"]["latest_period"] == "H1_2025"
    assert "not found" in rows["zhipu"]["coverage_note"]
    assert rows["snowflake"]["fiscal_year_end"] == "01-31"
    code, out, _ = run(["companies"], capsys)
    assert code == 0 and "newest source" in out and "H1_2025 (6M to 2025-06-30)" in out


def test_companies_bad_format(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["companies", "--format", "xml"], capsys)
    one_line_error(code, err)


def test_peers_ranks_gross_margin(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["peers", "gross_margin", "zhipu", "minimax", "--format", "json"],
                       capsys)
    assert code == 0
    doc = json.loads(out)
    entries = {e["company"]: e for e in doc["entries"]}
    # Zhipu H1 2025: (190.877 - 95.453) / 190.877 = 50.0%; MiniMax FY2025 25.4% (reported)
    assert entries["zhipu"]["value"] == pytest.approx((190.877 - 95.453) / 190.877)
    assert entries["zhipu"]["rank"] == 1 and entries["minimax"]["rank"] == 2
    assert entries["minimax"]["value"] == pytest.approx(0.254, abs=0.001)
    # the period is the label every other JSON gives, its end and length beside it (it was
    # the display text 'FY2025 (12M to 2025-12-31)')
    assert (entries["minimax"]["period"], entries["minimax"]["period_end"],
            entries["minimax"]["period_months"]) == ("FY2025", "2025-12-31", 12)
    code, out, _ = run(["peers", "monthly_burn"], capsys)
    assert code == 0 and "snowflake" in out and "Cash burn per month" in out


def test_peers_rank_money_in_one_currency(capsys: pytest.CaptureFixture[str]) -> None:
    # Zhipu reports in CNY, MiniMax in USD: ranked in CNY and USD as numbers, RMB 516k per
    # person (TTM) beat US$168k; in one currency MiniMax leads, and the conversion is stated
    code, out, _ = run(["peers", "revenue_per_employee", "zhipu", "minimax", "--format",
                        "json"], capsys)
    assert code == 0
    doc = json.loads(out)
    ranked = {e["company"]: e for e in doc["entries"]}
    assert {e["currency"] for e in doc["entries"]} == {"USD"}
    assert ranked["minimax"]["rank"] == 1 and ranked["zhipu"]["rank"] == 2
    assert "CNY and USD" in doc["note"] and "CNY->USD" in ranked["zhipu"]["basis"]


@pytest.mark.parametrize("args", [["peers", "no_such_signal"],
                                  ["peers", "gross_margin", "--until", "2025-13-01"],
                                  ["peers", "gross_margin", "nobody"]])
def test_peers_bad_input(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(args, capsys)
    one_line_error(code, err)


def test_valuation_minimax_at_ipo(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["valuation", "minimax", "--at", "IPO", "--format", "json"], capsys)
    assert code == 0
    v = json.loads(out)[0]
    # listing-day close HK$345 (offer HK$165): +109.1% against the IPO price
    assert v["share_price"] == 345.0
    assert v["price_vs_ipo"] == pytest.approx(345 / 165 - 1)
    # TTM revenue to 30 Sep 2025 (30.523 + 53.437 - 19.454): FY2025's came out on 2 Mar 2026
    assert v["ev_to_ttm_revenue"] == pytest.approx(v["enterprise_value"] / 64.506e6, rel=1e-3)
    code, out, _ = run(["valuation", "minimax", "--at", "IPO", "--period", "FY2025",
                        "--format", "json"], capsys)
    v = json.loads(out)[0]
    assert code == 0
    assert v["ev_to_ttm_revenue"] == pytest.approx(v["enterprise_value"] / 79.038e6, rel=1e-3)
    code, out, _ = run(["valuation", "zhipu"], capsys)
    assert code == 0 and "Valuation" in out and "vs IPO price" in out


def test_valuation_carries_the_section_mark_of_cash_alone(capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    """A consistency audit: ``compare zhipu`` marks its cash RMB 2.55bn§ (H1 2025 discloses
    cash and equivalents but no short-term investments) and every runway on it, but
    ``valuation zhipu`` built its net cash and EV on the same figure without the mark."""
    code, out, _ = run(["valuation", "zhipu", "--at", "IPO", "--format", "json"], capsys)
    v = json.loads(out)[0]
    assert code == 0 and v["cash_bases"] == ["cash_only"]
    # 2,552.0 cash - 137.0 bank borrowings + 3,743.7 net IPO proceeds (RMB m, by hand)
    assert v["net_cash"] == pytest.approx((2552.0 - 137.0 + 3743.7) * 1e6, rel=1e-3)
    code, out, _ = run(["valuation", "zhipu", "--at", "IPO"], capsys)
    row = next(line for line in out.splitlines() if "2026-01-08" in line)
    assert "6.16bn§" in row and "45.77bn§" in row and "99.8x§" in row
    assert "§ cash and equivalents alone" in out
    # MiniMax discloses short-term investments: no mark
    code, out, _ = run(["valuation", "minimax", "--at", "IPO", "--format", "json"], capsys)
    assert json.loads(out)[0]["cash_bases"] == []
    code, out, _ = run(["valuation", "minimax", "--at", "IPO"], capsys)
    assert "§" not in out


def test_forward_revenue_takes_a_scale_and_is_shown(capsys: pytest.CaptureFixture[str]
                                                    ) -> None:
    """A new user's audit: ``--forward-revenue 200`` read as US$200 gave a 60,534,435.5x
    multiple, with the amount used shown nowhere."""
    code, out, _ = run(["valuation", "minimax", "--at", "IPO", "--format", "json"], capsys)
    ev = json.loads(out)[0]["enterprise_value"]
    for text in ("200m", "200e6", "0.2bn", "200000k"):
        code, out, _ = run(["valuation", "minimax", "--at", "IPO", "--forward-revenue", text,
                            "--format", "json"], capsys)
        v = json.loads(out)[0]
        assert code == 0 and v["forward_revenue"] == pytest.approx(200e6)
        assert v["ev_to_forward_revenue"] == pytest.approx(ev / 200e6)
    code, out, _ = run(["valuation", "minimax", "--at", "IPO", "--forward-revenue", "200"],
                       capsys)
    assert "on your estimate of US$ 200.00 (--forward-revenue)" in out


@pytest.mark.parametrize("args", [["valuation", "minimax", "--at", "NOPE"],
                                  ["valuation", "minimax", "--period", "FY2026"],
                                  ["valuation", "minimax", "--forward-revenue", "100"],
                                  ["valuation", "minimax", "--at", "IPO",
                                   "--forward-revenue", "-5"]])
def test_valuation_bad_input(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(args, capsys)
    one_line_error(code, err)


def test_ttm_calendarised_across_year_ends(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["ttm", "zhipu", "minimax", "--as-of", "2025-12-31", "--format",
                        "json"], capsys)
    assert code == 0
    rows = {r["company_id"]: r for r in json.loads(out)}
    # Zhipu TTM to 30 June 2025: FY2024 312.414 + H1 2025 190.877 - H1 2024 44.9 (RMB m)
    assert rows["zhipu"]["value"] == pytest.approx((312.414 + 190.877 - 44.9) * 1e6)
    assert rows["zhipu"]["period_end"] == "2025-06-30" and rows["zhipu"]["lag_days"] == 184
    assert rows["minimax"]["value"] == pytest.approx(79.038e6)
    # a TTM ends where a period ends; one whose results came out later says so (a review:
    # `valuation` on the same day skips FY2025, published 2 Mar 2026)
    assert "FY2025 published 2026-03-02, after 2025-12-31" in rows["minimax"]["basis"]
    assert "published" not in rows["zhipu"]["basis"]
    code, out, _ = run(["ttm", "zhipu", "snowflake", "--as-of", "2025-12-31"], capsys)
    assert code == 0 and "TTM to 2025-04-30 (Q1_2026)" in out


@pytest.mark.parametrize("args", [["ttm", "zhipu", "--as-of", "31/12/2025"],
                                  ["ttm", "zhipu", "--item", "cash_and_equivalents"],
                                  ["ttm", "zhipu", "--item", "nonsense"],
                                  # flows that do not add up over twelve months
                                  ["ttm", "zhipu", "--item", "gross_margin"],
                                  ["ttm", "minimax", "--item", "mau"]])
def test_ttm_bad_input(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(args, capsys)
    one_line_error(code, err)


# attack33 L2: date.fromisoformat also read these; company files accept only YYYY-MM-DD in
# the years 1900-2199
@pytest.mark.parametrize(("value", "expected"), [
    ("20240101", "expected a date YYYY-MM-DD, found '20240101'"),
    ("2024-W01-1", "expected a date YYYY-MM-DD, found '2024-W01-1'"),
    ("0001-01-01", "expected a date in the years 1900-2199, found 0001-01-01"),
    ("9999-12-31", "expected a date in the years 1900-2199, found 9999-12-31"),
])
@pytest.mark.parametrize("command", [["ttm", "snowflake", "--as-of"],
                                     ["peers", "runway", "--until"]])
def test_date_flags_accept_what_company_files_accept(
        command: list[str], value: str, expected: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run([*command, value], capsys)
    one_line_error(code, err)
    assert f"argument {command[-1]}: {expected}" in err


def test_import_sec_facts_writes_a_company(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "snow.yaml"
    code, out, _ = run(["import-sec", str(FIXTURE), "-o", str(out_file), "--id",
                        "snow"], capsys)
    assert code == 0 and "wrote" in out and "FY2025" in out
    doc = yaml.safe_load(out_file.read_text(encoding="utf-8"))
    rev = [f for f in doc["figures"] if f["item"] == "revenue" and f["period"] == "FY2025"]
    # 10-K for the year ended 31 January 2025: revenue US$3,626.4m
    assert rev and float(rev[0]["value"]) * {"million": 1e6, "thousand": 1e3}.get(
        rev[0].get("unit", ""), 1.0) == pytest.approx(3626.4e6, rel=1e-4)
    code, out, _ = run(["validate", str(out_file)], capsys)
    assert code == 0 and out.startswith("OK")


def test_import_sec_facts_bad_input(tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    code, _, err = run(["import-sec", str(bad), "-o", str(tmp_path / "x.yaml")],
                       capsys)
    one_line_error(code, err)
    code, _, err = run(["import-sec", str(tmp_path / "missing.json"), "-o",
                        str(tmp_path / "y.yaml")], capsys)
    one_line_error(code, err)
    existing = tmp_path / "z.yaml"
    existing.write_text("x", encoding="utf-8")
    code, _, err = run(["import-sec", str(FIXTURE), "-o", str(existing)], capsys)
    one_line_error(code, err)


def test_compare_columns_name_their_period_end(capsys: pytest.CaptureFixture[str]) -> None:
    # Zhipu's FY2024 ends 31 Dec 2024, Snowflake's 31 Jan 2024: eleven months apart, said
    for fmt in ("table", "md"):
        code, out, _ = run(["compare", "zhipu", "snowflake", "--period", "FY2024", "--format",
                            fmt], capsys)
        assert code == 0 and "to 2024-12-31" in out and "to 2024-01-31" in out


def test_ttm_marks_low_confidence(capsys: pytest.CaptureFixture[str]) -> None:
    # Zhipu's TTM net loss to June 2025 rests on the derived (low confidence) H1 2024 loss
    code, out, _ = run(["ttm", "zhipu", "--item", "net_loss", "--as-of", "2025-06-30"], capsys)
    assert code == 0 and "RMB 4.08bn†" in out and "† low confidence" in out


def test_empty_answers_say_why(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["valuation", "snowflake"], capsys)
    assert code == 0 and "snowflake: no dated share price to value it at" in out
    code, out, _ = run(["peers", "gross_margin", "--until", "2020-01-01"], capsys)
    assert code == 0 and "no company has a period ending on or before 2020-01-01" in out


def test_a_change_on_a_low_confidence_value_is_marked(
        capsys: pytest.CaptureFixture[str]) -> None:
    # Zhipu's H1 2024 net loss is derived (low confidence): the H1 2025 vs H1 2024 change in
    # net loss / revenue is marked, in the table and as change_confidence in JSON
    code, out, _ = run(["show", "zhipu", "--format", "json"], capsys)
    row = next(r for r in json.loads(out)["signals"]
               if r["signal"] == "loss_to_revenue" and r["compared_with"] == "H1_2024")
    assert code == 0 and row["change_confidence"] == "low"
    code, out, _ = run(["show", "zhipu"], capsys)
    assert code == 0 and "pp† (H1_2025 vs H1_2024)" in out


def test_compare_csv_carries_period_ends_and_signal_changes(
        capsys: pytest.CaptureFixture[str]) -> None:
    import csv
    import io

    code, out, _ = run(["compare", "zhipu", "minimax", "--format", "csv"], capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and all(r["period_end"] for r in rows)
    gm = next(r for r in rows if r["table"] == "Signals" and r["metric"] == "gross_margin"
              and r["company"] == "zhipu")
    # the same change, periods and assessment as the JSON gives
    code, out, _ = run(["compare", "zhipu", "minimax", "--format", "json"], capsys)
    js = next(r for r in json.loads(out)["signals"] if r["signal"] == "gross_margin"
              and r["company"] == "zhipu")
    assert float(gm["change"]) == pytest.approx(js["change"])
    assert (gm["change_period"], gm["compared_with"]) == (js["change_period"],
                                                          js["compared_with"])
    assert gm["change_kind"] == "pp" and gm["assessment"] == js["assessment"]


def test_compare_in_cny_without_a_rate_for_one_period(capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    """A new user's audit: one missing rate (no 2025 full-year USD/CNY mean is bundled)
    refused the whole comparison in the reporting currency of one of the two companies. The
    cells that need it are n/a saying which rate; the rest convert."""
    code, out, err = run(["compare", "zhipu", "minimax", "--currency", "CNY", "--format",
                          "json"], capsys)
    assert code == 0, err
    rows = {r["key"]: r for r in json.loads(out)["tables"][0]["rows"]}
    zhipu, minimax = rows["revenue"]["cells"]
    assert zhipu["value"] == pytest.approx(190.877e6) and zhipu["currency"] == "CNY"
    assert minimax["value"] is None
    assert minimax["why"] == ("in CNY: no average USD/CNY rate for 2025-01-01..2025-12-31")
    # a cell n/a already keeps its own reason (a review: "no rate" hid "not disclosed")
    rpe = {r["key"]: r for r in json.loads(out)["tables"][0]["rows"]}
    headcount = [c for r in rpe.values() if r["key"] == "revenue_per_employee"
                 for c in r["cells"]][1]
    assert headcount["value"] is None and "headcount not disclosed for FY2025" in \
        headcount["why"]
    code, out, err = run(["show", "minimax", "--currency", "CNY", "--format", "json"], capsys)
    assert code == 0, err
    cells = {c["period"]: c for c in {r["key"]: r for r in json.loads(out)["tables"][0][
        "rows"]}["revenue"]["cells"]}
    # 9M 2025 at the Jan-Sep 2025 mean of 7.1650 (fx.yaml): US$53.437m x 7.1650
    assert cells["9M_2025"]["value"] == pytest.approx(53.437e6 * 7.1650, rel=1e-4)


def test_compare_in_hkd_both_companies(capsys: pytest.CaptureFixture[str]) -> None:
    """--currency HKD was offered but refused both companies (no USD/HKD rate for their
    interim periods). The HKMA holds USD/HKD within 7.75-7.85; where no mean is bundled the
    middle, 7.80, is used at low confidence. By hand: MiniMax FY2025 revenue US$79.038m x
    7.80 = HK$616.5m; Zhipu H1 2025 RMB 190.877m / 7.18 (USD/CNY, Jan-Jun 2025) x 7.80 =
    HK$207.4m."""
    code, out, err = run(["compare", "zhipu", "minimax", "--currency", "HKD", "--format",
                          "json"], capsys)
    assert code == 0, err
    rows = {r["key"]: r for r in json.loads(out)["tables"][0]["rows"]}
    zhipu, minimax = rows["revenue"]["cells"]
    assert minimax["value"] == pytest.approx(79.038e6 * 7.80, rel=1e-4)
    assert zhipu["value"] == pytest.approx(190.877e6 / 7.18 * 7.80, rel=1e-4)
    assert minimax["currency"] == "HKD" and minimax["confidence"] == "low"


def test_validate_counts_reporting_periods_and_dates(capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    """A new user's audit: "53 figures in 4 periods" for a file declaring 6 (the listing and
    a share price's date were left out of the count, their figures counted). MiniMax's
    bundled file: every period with figures, by kind."""
    from llmecon.api import load_company

    path = Path(__file__).parents[2] / "src" / "llmecon" / "data" / "companies" / "minimax.yaml"
    c = load_company(str(path))
    code, out, _ = run(["validate", str(path)], capsys)
    durations = len(c.duration_periods)
    dates = len(c.periods) - durations
    assert code == 0 and dates > 0
    assert f"{len(c.figures)} figures in {durations} reporting periods and {dates} dates" in out
