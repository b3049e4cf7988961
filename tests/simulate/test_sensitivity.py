"""How much the runway rests on the unexplained operating line (an economist's review)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pytest

from llmecon.cli import main
from llmecon.config.assumptions import load_assumptions
from llmecon.report.simulate import company_data, company_data_note
from llmecon.simulate.distributions import Dist
from llmecon.simulate.loaders import load_base_scenario
from llmecon.simulate.sampling import deterministic
from llmecon.simulate.sensitivity import DRIVER, unexplained_sensitivity
from llmecon.statements.model import Company
from llmecon.store.runs import RunStore


def test_zhipu_runway_with_and_without_the_unexplained_line(zhipu: Company) -> None:
    s = load_base_scenario(zhipu, load_assumptions(None), 36)
    x = unexplained_sensitivity(s)
    assert x is not None
    # by hand, H1 2025 (RMB m a month): operating cash flow -1,327 / 6 less what the
    # adjusted loss (1,752 / 6), the interest on the RMB 2,552m of cash (1.5% a year) and
    # the rise in receivables (145.777 - 91.135) / 6 explain: +83.13
    hand = -1327 / 6 + 1752 / 6 + 2552 * 0.015 / 12 + (145.777 - 91.135) / 6
    assert x.monthly == pytest.approx(hand * 1e6, rel=1e-3)
    with_it = deterministic(s).cash[0]
    without = deterministic(replace(s, drivers={**s.drivers, DRIVER: Dist(
        "fixed", {"value": 0.0})})).cash[0]
    for t in range(6):  # the line each month, plus a little interest on it (0.125%/month)
        assert with_it[t] - without[t] == pytest.approx(hand * 1e6 * (t + 1), rel=0.01)
    assert x.runway_with.month_number == 19 and x.runway_without.month_number == 15


def test_simulate_says_how_much_the_runway_rests_on_it(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "zhipu", "--paths", "200", "--no-save"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "unexplained operating inflow of RMB 83.1m a month" in out
    assert "month 19 (Jan 2027) with it and runs out of cash in month 15 (Sep 2026)" in out
    assert main(["simulate", "zhipu", "--paths", "200", "--no-save", "--format",
                 "json"]) == 0
    doc = json.loads(capsys.readouterr().out)["unexplained_operating"]
    assert doc["central_runway_months_without"] == 15 and doc["currency"] == "CNY"


def test_a_drawn_unexplained_line_is_named_as_drawn(zhipu: Company) -> None:
    # from a hostile audit: a distribution centred on 0 gave no note although every path
    # draws up to +-RMB 100m a month
    from llmecon.report.simulate import sensitivity_note

    s = load_base_scenario(zhipu, load_assumptions(None), 36)
    s = replace(s, drivers={**s.drivers, DRIVER: Dist("uniform", {"low": -1e8, "high": 1e8})})
    x = unexplained_sensitivity(s)
    assert x is not None and x.monthly == 0 and x.distribution == "uniform"
    note = sensitivity_note(x)
    assert "flow of RMB 0.00 a month, the central value of the uniform distribution" in note


def test_a_saved_run_repeats_the_note(capsys: pytest.CaptureFixture[str],
                                      tmp_path: object) -> None:
    # a saved run showed its percentiles but not how much its runway rests on the line
    store = f"{tmp_path}/runs.duckdb"
    assert main(["simulate", "zhipu", "--paths", "200", "--store", store,
                 "--format", "json"]) == 0
    run_id = json.loads(capsys.readouterr().out)["run_id"]
    assert main(["runs", "show", run_id, "--store", store]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "unexplained operating inflow of RMB 83.1m a month" in out
    assert "month 19 (Jan 2027) with it and runs out of cash in month 15 (Sep 2026)" in out


def test_a_drawn_line_keeps_its_distribution_through_the_record(zhipu: Company) -> None:
    from llmecon.simulate.sensitivity import LineSensitivity

    s = load_base_scenario(zhipu, load_assumptions(None), 36)
    s = replace(s, drivers={**s.drivers, DRIVER: Dist("uniform", {"low": -1e8, "high": 3e8})})
    x = unexplained_sensitivity(s)
    assert x is not None
    back = LineSensitivity.from_dict(json.loads(json.dumps(x.to_dict())), s.start)
    assert back == x and x.runway_with.month_end is not None  # a dated runway comes back


def test_a_saved_run_names_its_scenario_file(capsys: pytest.CaptureFixture[str],
                                             tmp_path: object) -> None:
    # a new user's audit: a run merged with a --scenario file was listed and compared as
    # "base", the same as the calibrated run
    store, scen = f"{tmp_path}/runs.duckdb", f"{tmp_path}/mine.yaml"
    assert main(["scenario", "show", "zhipu"]) == 0
    with open(scen, "w") as fh:
        fh.write(capsys.readouterr().out)
    ids = []
    for extra in ([], ["--scenario", scen]):
        assert main(["simulate", "zhipu", "--paths", "100", "--store", store, "--format",
                     "json", *extra]) == 0
        ids.append(json.loads(capsys.readouterr().out)["run_id"])
    assert main(["runs", "compare", *ids, "--store", store]) == 0
    row = next(ln for ln in capsys.readouterr().out.splitlines() if "scenario file" in ln)
    assert "none (as calibrated)" in row and "mine.yaml" in row


def test_two_company_files_under_one_id_are_told_apart(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    # low38: two copies of one company file (same id 'lumora', the same file name, FY2024
    # cash 230 vs 130 US$ m) were listed as one company, and 'runs compare' showed two runs
    # of 'lumora base' with different results and no word of the different data
    text = (Path(__file__).parents[1] / "data" / "lumora.yaml").read_text(encoding="utf-8")
    changed = text.replace("period: FY2024\n  value: 230", "period: FY2024\n  value: 130")
    assert changed != text
    store, files, ids = str(tmp_path / "runs.duckdb"), [], []
    for folder, body in (("a", text), ("b", changed)):
        (tmp_path / folder).mkdir()
        path = tmp_path / folder / "lumora.yaml"
        path.write_text(body, encoding="utf-8")
        files.append((str(path), hashlib.sha256(body.encode("utf-8")).hexdigest()))
        assert main(["simulate", str(path), "--paths", "100", "--seed", "1", "--store",
                     store, "--format", "json"]) == 0
        ids.append(json.loads(capsys.readouterr().out)["run_id"])
    assert main(["runs", "list", "--store", store]) == 0
    listed = " ".join(capsys.readouterr().out.split())
    assert all(sha[:8] in listed for _, sha in files)
    assert main(["runs", "compare", *ids, "--store", store]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "not of the same company data" in out
    assert all(f"{path}, sha256 {sha[:12]}" in out for path, sha in files)
    frame = RunStore(store).records().to_frame()
    assert list(frame["company_sha256"]) == [sha for _, sha in files]
    # a run saved before runs recorded the company data reads, and says so
    records = RunStore(store).records()
    old = replace(records[0], scenario={})
    assert company_data(old) == "not recorded"
    assert "not recorded" in company_data_note([old, records[0]])
    assert company_data_note([records[0], records[0]]) == ""  # one company data: no note
