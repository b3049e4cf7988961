from __future__ import annotations

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
    assert run_id in capsys.readouterr().out
    assert main(["runs", "show", run_id[:6], "--store", store]) == 0
    assert main(["runs", "compare", run_id, run_id, "--store", store]) == 0


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


def test_scenario_show_and_answers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "show", "zhipu"]) == 0
    out = capsys.readouterr().out
    assert "localized_deployment.contract_value" in out and "assumed" in out
    assert main(["scenario", "stresses"]) == 0
    assert "budget-freeze" in capsys.readouterr().out
    assert main(["answers", "minimax", "--format", "json"]) == 0
    ans = json.loads(capsys.readouterr().out)
    c = ans["cost_for_margin"]
    # hand check: MiniMax 9M 2025 gross margin is 23.3% (reported); a 50% margin needs the
    # token-priced cost to fall to (1 - 0.5) / (1 - 0.233) of today if it is all token cost
    assert c["current_gross_margin"] == pytest.approx(0.233, abs=0.01)
    assert c["cost_multiplier"] == pytest.approx(0.5 / 0.767, rel=0.05)
    assert ans["tornado"][0]["swing"] >= ans["tornado"][-1]["swing"]
