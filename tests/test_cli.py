from __future__ import annotations

import ast
import csv
import io
import json
from pathlib import Path

import pytest

from llmecon.cli import main


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_companies(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["companies"], capsys)
    assert code == 0 and "2513.HK" in out and "0100.HK" in out


def test_compare_table_shows_units_and_interim(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["compare", "zhipu", "minimax"], capsys)
    assert code == 0
    # MiniMax's newest period is FY2025 (annual results, 2 March 2026); Zhipu's is H1 2025
    assert "zhipu H1_2025 (6M interim)" in out and "minimax FY2025" in out
    assert "money in RMB" in out and "money in US$" in out
    assert "Unit economics" in out and "Cash-flow structure" in out and "Signals" in out


def test_compare_json_values(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["compare", "zhipu", "minimax", "--period", "FY2024", "--format",
                        "json"], capsys)
    assert code == 0
    doc = json.loads(out)
    ue = doc["tables"][0]
    gm = next(r for r in ue["rows"] if r["key"] == "gross_margin")
    assert gm["cells"][0]["value"] == pytest.approx(175.889 / 312.414)
    assert gm["cells"][1]["value"] == pytest.approx(0.122)  # MiniMax FY2024 reported 12.2%


def test_compare_csv_is_long_and_unrounded(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["compare", "zhipu", "minimax", "--currency", "USD", "--format", "csv"],
                       capsys)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    rev = next(r for r in rows if r["metric"] == "revenue" and r["company"] == "zhipu")
    assert float(rev["value"]) == pytest.approx(190.877e6 / 7.18)
    assert rev["currency"] == "USD"


def test_compare_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["compare", "zhipu", "minimax", "--format", "md"], capsys)
    assert code == 0 and out.startswith("### Unit economics")


def test_show_with_figures(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["show", "minimax", "--figures"], capsys)
    flat = " ".join(out.split())  # headers wrap at the terminal's width
    # the interim column is marked (its header wraps: "minimax 9M_2024" / "(9M interim)")
    assert code == 0 and "Figures of minimax" in flat and "9M_2024" in flat
    assert "(9M interim)" in flat and "to 2024-09-30" in flat


def test_show_the_latest_periods_only(capsys: pytest.CaptureFixture[str]) -> None:
    # Zhipu's duration periods end FY2022, FY2023, H1_2024 (6M to 2024-06-30), FY2024,
    # H1_2025: the latest two by end are FY2024 (2024-12-31) and H1_2025 (2025-06-30)
    code, out, _ = run(["show", "zhipu", "--last", "2", "--format", "json"], capsys)
    assert code == 0
    cols = [c["period"] for c in json.loads(out)["tables"][0]["columns"]]
    assert cols == ["FY2024", "H1_2025"]
    code, _, err = run(["show", "zhipu", "--last", "0"], capsys)
    assert code == 2 and "--last: expected 1 to 1,000 periods, found 0" in err
    # with --figures, only the figures of the periods shown (and balances at their ends)
    code, out, _ = run(["show", "zhipu", "--last", "1", "--figures"], capsys)
    listed = out[out.index("Figures of zhipu"):]
    assert code == 0 and "H1_2025" in listed and "FY2023" not in listed
    import numpy as np

    from llmecon.api import history, load_company

    ue, _, _ = history(load_company("zhipu"), last=np.int64(2))  # a numpy integer too
    assert [c.period.label for c in ue.columns] == ["FY2024", "H1_2025"]


def test_figures_are_listed_in_the_table_only(capsys: pytest.CaptureFixture[str]) -> None:
    # (they were silently left out of JSON, CSV and markdown; 'export' writes every figure)
    code, _, err = run(["show", "minimax", "--figures", "--format", "json"], capsys)
    assert code == 2 and "--figures: only with the table format" in err


def test_unknown_period_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["compare", "zhipu", "minimax", "--period", "FY2030"], capsys)
    assert code == 2 and err.count("\n") == 1 and "no period 'FY2030'" in err


def test_bad_currency_flag(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["compare", "zhipu", "--currency", "EUR"], capsys)
    assert code == 2 and "--currency: unknown currency 'EUR'" in err


def test_export_round_trip_and_no_overwrite(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "z.csv"
    assert run(["export", "zhipu", "-o", str(target)], capsys)[0] == 0
    assert run(["validate", str(target)], capsys)[0] == 0
    code, _, err = run(["export", "zhipu", "-o", str(target)], capsys)
    assert code == 2 and "use --force" in err


def test_items_lists_taxonomy(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["items"], capsys)
    assert code == 0 and "contract_liabilities" in out and "net_income" in out


def _loaded(code: str, names: tuple[str, ...]) -> list[str]:
    """Which of ``names`` are in ``sys.modules`` after ``code`` ran in a fresh interpreter
    (its standard output swallowed)."""
    import subprocess
    import sys

    script = ("import contextlib, io, sys\nwith contextlib.redirect_stdout(io.StringIO()):\n"
              + "".join(f"    {line}\n" for line in code.splitlines())
              + f"print([m for m in {names!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout.strip()
    found: list[str] = ast.literal_eval(out)
    return found


def test_help_imports_no_heavy_library() -> None:
    """`llmecon --help` must start fast: building the parser loads none of the heavy
    libraries (timed in benchmarks/run.py, not here)."""
    heavy = ("numpy", "pandas", "scipy", "yaml", "duckdb", "plotly", "matplotlib", "fastapi",
             "dask", "rich")
    assert _loaded("from llmecon.cli import build_parser\nbuild_parser()", heavy) == []


#: What `llmecon simulate COMPANY` never needs: libraries of other commands, and the
#: modules whose models or tables a run without a scenario file or stress does not use.
NOT_ON_A_RUN = ("pandas", "scipy", "plotly", "matplotlib", "fastapi", "dask", "openpyxl",
                "jinja2", "pyarrow", "llmecon.config.scenario", "llmecon.metrics.tables",
                "llmecon.unit_economics.company", "llmecon.simulate.projection",
                "llmecon.report.excel")


def test_simulate_imports_only_what_the_run_uses(tmp_path: Path) -> None:
    """`llmecon simulate minimax --paths 10000` must start fast (issue 13: under 1 s, timed
    in benchmarks/run.py): a run loads none of :data:`NOT_ON_A_RUN`, and DuckDB (the store)
    only when it saves."""
    run = "from llmecon.cli import main\nassert main({!r}) == 0"
    args = ["simulate", "minimax", "--paths", "1000"]
    unsaved = _loaded(run.format([*args, "--no-save"]),
                      (*NOT_ON_A_RUN, "duckdb", "llmecon.store.runs"))
    assert unsaved == []
    saved = _loaded(run.format([*args, "--store", str(tmp_path / "runs.duckdb")]),
                    (*NOT_ON_A_RUN, "duckdb"))
    # what DuckDB loads itself to bind a query's parameters (pandas at duckdb 1.1, nothing
    # at 2.0) is not llmecon's doing
    own = _loaded("import duckdb\nduckdb.connect(':memory:').execute('SELECT ?', [1])",
                  NOT_ON_A_RUN)
    assert sorted(saved) == sorted(["duckdb", *own])


def test_burn_basis_labelled_in_every_format(capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    # issue 10: MiniMax FY2025 has no cash-flow statement, so its burn is the adjusted
    # (non-IFRS) loss, US$251m / 12 (post_listing.md 5a); Zhipu H1 2025 is its disclosed
    # burn rate (RMB 327.3m a month). Every format says which.
    code, out, _ = run(["compare", "zhipu", "minimax", "--format", "json"], capsys)
    assert code == 0
    cf = json.loads(out)["tables"][1]
    burn = next(r for r in cf["rows"] if r["key"] == "monthly_burn")["cells"]
    assert burn[0]["method"] == "reported"
    assert burn[0]["value"] == pytest.approx(327.3e6)
    assert burn[1]["method"] == "adjusted_loss" and "non-IFRS" in burn[1]["basis"]
    assert burn[1]["value"] == pytest.approx(251e6 / 12)
    code, out, _ = run(["compare", "zhipu", "minimax", "--format", "csv"], capsys)
    rows = [r for r in csv.DictReader(io.StringIO(out)) if r["metric"] == "monthly_burn"]
    assert {r["method"] for r in rows} == {"reported", "adjusted_loss"}
    code, out, _ = run(["compare", "zhipu", "minimax", "--format", "md"], capsys)
    # (° too: the US$251m adjusted loss has one source, post_listing.md, medium)
    assert "US$ 20.9m/mo\u00b0\u2021" in out and "adjusted (non-IFRS) net loss" in out
    code, out, _ = run(["compare", "zhipu", "minimax"], capsys)
    assert "\u2021" in out and "not a cash measure" in out
    xlsx = tmp_path / "c.xlsx"
    code, _, _ = run(["compare", "zhipu", "minimax", "--format", "xlsx", "-o", str(xlsx)],
                     capsys)
    assert code == 0
    from openpyxl import load_workbook

    ws = load_workbook(xlsx)["Cash-flow structure"]
    row = next(r for r in ws.iter_rows() if r[0].value == "Cash burn per month")
    assert row[2].comment is not None and "adjusted_loss" in row[2].comment.text
    assert row[1].comment is not None and "reported" in row[1].comment.text


def test_cash_without_undisclosed_short_term_investments_is_marked(
        capsys: pytest.CaptureFixture[str]) -> None:
    # Zhipu discloses cash and equivalents at 30 June 2025 (RMB 2,552m) but no short-term
    # investments: its "cash + short-term investments" is the cash alone, marked in every
    # format, where MiniMax's FY2025 total (US$1.05bn, one reported total) is not
    code, out, _ = run(["compare", "zhipu", "minimax", "--format", "json"], capsys)
    cf = json.loads(out)["tables"][1]
    cells = next(r for r in cf["rows"] if r["key"] == "cash_resources")["cells"]
    assert cells[0]["value"] == pytest.approx(2552e6) and cells[0]["method"] == "cash_only"
    assert cells[0]["text"].endswith("\u00a7") and not cells[1]["text"].endswith("\u00a7")
    assert code == 0
    for fmt, words in (([], "short-term investments are not disclosed"),
                       (["--format", "md"], "not counted as zero")):
        code, out, _ = run(["compare", "zhipu", "minimax", *fmt], capsys)
        assert code == 0 and "RMB 2.55bn\u00a7" in out and words in out


def test_a_runway_on_cash_alone_carries_the_mark_too(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # from an audit: the runway built on Zhipu's 30 June 2025 cash (cash alone) showed no §.
    # Hand computation: RMB 2,552m / the disclosed burn of RMB 327.3m a month = 7.80 months
    from openpyxl import load_workbook

    code, out, _ = run(["compare", "zhipu", "minimax", "--format", "json"], capsys)
    cf = json.loads(out)["tables"][1]
    for key in ("runway", "runway_cash_burn", "runway_with_ipo"):
        cell = next(r for r in cf["rows"] if r["key"] == key)["cells"][0]
        assert cell["text"].endswith("\u00a7") and cell["inherited_bases"] == ["cash_only"]
        assert cell["method"] != "cash_only"  # the burn's basis, which changes compare on
    runway = next(r for r in cf["rows"] if r["key"] == "runway")["cells"][0]
    assert runway["value"] == pytest.approx(2552 / 327.3, rel=1e-3)
    code, out, _ = run(["compare", "zhipu", "minimax", "--format", "csv"], capsys)
    rows = [r for r in csv.DictReader(io.StringIO(out)) if r["metric"] == "runway"
            and r["company"] == "zhipu"]
    assert code == 0 and {r["method"] for r in rows} == {"reported+cash_only"}
    code, out, _ = run(["compare", "zhipu", "minimax", "--format", "md"], capsys)
    line = next(x for x in out.splitlines() if x.startswith("| Runway at this burn"))
    assert code == 0 and "\u00a7" in line and "not counted as zero" in out
    xlsx = tmp_path / "c.xlsx"
    assert run(["compare", "zhipu", "minimax", "--format", "xlsx", "-o", str(xlsx)],
               capsys)[0] == 0
    ws = load_workbook(xlsx)["Cash-flow structure"]
    row = next(r for r in ws.iter_rows() if r[0].value == "Runway at this burn")
    assert "\u00a7" in row[1].number_format and "not counted as zero" in row[1].comment.text


def test_runway_with_ipo_states_assumed_fees(capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    # a company disclosing gross IPO proceeds only: MiniMax's file without the net figure
    from importlib import resources

    import yaml

    text = resources.files("llmecon").joinpath("data/companies/minimax.yaml").read_text(
        encoding="utf-8")
    doc = yaml.safe_load(text)
    doc["figures"] = [f for f in doc["figures"] if f["item"] != "ipo_net_proceeds"]
    gross_only = tmp_path / "gross_only.yaml"
    gross_only.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    code, out, _ = run(["show", str(gross_only), "--format", "json"], capsys)
    assert code == 0
    cf = json.loads(out)["tables"][1]
    cells = next(r for r in cf["rows"] if r["key"] == "runway_with_ipo")["cells"]
    nine = next(c for c in cells if c["period"] == "9M_2025")
    assert "gross less assumed fees" in nine["basis"] and "4.02%" in nine["basis"]
