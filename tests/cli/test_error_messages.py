"""Error messages point where the fix is (walk20 L6): the subcommand's own --help, the
closest known company, period or flag, and one line for a typo repeated on every row."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmecon.cli import main

DATA = Path(__file__).parents[1] / "data"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().err


def test_unknown_flag_points_to_the_subcommands_help(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(["compare", "zhipu", "minimax", "--perod", "FY2024"], capsys)
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("llmecon compare: error: unrecognized arguments: --perod FY2024")
    assert "did you mean '--period'?" in err and "(see 'llmecon compare --help')" in err
    code, err = run(["retention", "fit", "--bogus"], capsys)
    assert code == 2 and "(see 'llmecon retention fit --help')" in err
    code, err = run(["--bogus"], capsys)  # no command: the top-level help
    assert code == 2 and "(see 'llmecon --help')" in err


@pytest.mark.parametrize(("args", "hint"), [
    (["compare", "zhipu", "minmax"], "unknown company 'minmax'; did you mean 'minimax'?"),
    (["show", "Zhipuu"], "did you mean 'zhipu'?"),
    (["compare", "zhipu", "--period", "fy2024"], "no period 'fy2024'; did you mean 'FY2024'?"),
    # Zhipu has FY2024 and H1_2024: both named, the full year first
    (["compare", "zhipu", "--period", "2024"], "did you mean 'FY2024' or 'H1_2024'?"),
    (["compare", "minimax", "--period", "2025"], "did you mean 'FY2025' or '9M_2025'?"),
])
def test_unknown_names_get_the_closest_known(args: list[str], hint: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(args, capsys)
    assert code == 2 and err.count("\n") == 1 and hint in err


def test_a_typo_on_every_row_is_one_line_naming_the_rows(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = (DATA / "examplai.csv").read_text(encoding="utf-8")
    rows = [i + 1 for i, ln in enumerate(src.splitlines()) if ",million," in ln]
    bad = tmp_path / "typo.csv"
    bad.write_text(src.replace(",million,", ",millon,"), encoding="utf-8")
    code, err = run(["validate", str(bad)], capsys)
    assert code == 2 and err.count("\n") == 1, err
    assert "unknown unit 'millon'; did you mean 'million'?" in err
    assert len(rows) > 1 and f"rows {rows[0]}-" in err  # every row named, as spans
    named = err.split(" rows ")[1].split(", unit:")[0]
    spans = [tuple(map(int, s.split("-"))) for s in named.split(", ")]
    assert [n for s in spans for n in range(s[0], s[-1] + 1)] == rows
