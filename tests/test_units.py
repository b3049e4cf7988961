from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from llmecon.errors import InputError, NotFoundError
from llmecon.units import load_fx, normalise_currency, parse_unit


def test_parse_units() -> None:
    assert parse_unit("million", "money").factor == 1e6
    assert parse_unit("billion_tokens_per_day", "tokens_per_day").factor == 1e9
    assert parse_unit("percent", "percent").dimension == "percent"
    with pytest.raises(InputError, match="unknown unit"):
        parse_unit("lots", "money")


def test_currency_aliases() -> None:
    assert normalise_currency("rmb") == "CNY"
    with pytest.raises(InputError, match="unknown currency 'EUR'"):
        normalise_currency("EUR")


def test_fx_direct_inverse_and_cross() -> None:
    fx = load_fx()
    rate, used = fx.rate("USD", "CNY", "average", date(2024, 1, 1), date(2024, 12, 31))
    assert rate == 7.1217 and used[0].source.startswith("PBOC")
    inv, _ = fx.rate("CNY", "USD", "average", date(2024, 1, 1), date(2024, 12, 31))
    assert inv == pytest.approx(1 / 7.1217)
    cross, used = fx.rate("HKD", "CNY", "average", date(2024, 1, 1), date(2024, 12, 31))
    assert cross == pytest.approx(7.1217 / 7.8020) and len(used) == 2


def test_fx_missing_rate_is_an_error_not_a_guess() -> None:
    with pytest.raises(NotFoundError, match="no average USD/CNY rate for 2019-01-01"):
        load_fx().rate("USD", "CNY", "average", date(2019, 1, 1), date(2019, 12, 31))


def test_user_fx_file_missing_field(tmp_path: Path) -> None:
    p = tmp_path / "fx.yaml"
    p.write_text("rates:\n  - {pair: USD/CNY, kind: closing, end: 2024-12-31, rate: 7.2}\n")
    with pytest.raises(InputError, match=r"rates\[0\]: missing field 'source'"):
        load_fx(p)


@pytest.mark.parametrize(("rates", "message"), [
    ("rates:\n  - 5\n", "rates[0]: expected a mapping"),
    ("rates:\n  - {pair: USD/CNY, kind: closing, end: 2024-12-31, rate: true, source: x}\n",
     "rates[0].rate: expected a number, found True"),
    ("rates:\n  - {pair: USD/CNY, kind: closing, end: 2024-02-30, rate: 7, source: x}\n",
     "line 2: '2024-02-30' is not a valid date"),
    ("rates:\n  - {pair: USD/CNY, kind: closing, end: 2024-12-31, rate: .nan, source: x}\n",
     "rates[0].rate: expected a positive number, found nan"),
    ("rates: 5\n", "expected a mapping with a 'rates' list"),
    # as in company files (a hostile-input audit: the FX reader took what they refuse)
    ("rates:\n  - {pair: USD/CNY, kind: closing, end: '20241231', rate: 7.1, source: x}\n",
     "rates[0].end: expected a date YYYY-MM-DD, found '20241231'"),
    ("rates:\n  - {pair: USD/CNY, kind: closing, end: '2024-W01-1', rate: 7.1, source: x}\n",
     "expected a date YYYY-MM-DD, found '2024-W01-1'"),
    ("rates:\n  - {pair: USD/CNY, kind: closing, end: '0001-01-01', rate: 7.1, source: x}\n",
     "expected a date in the years 1900-2199, found 0001-01-01"),
])
def test_bad_fx_files_are_named_errors(tmp_path: Path, rates: str, message: str) -> None:
    p = tmp_path / "fx.yaml"
    p.write_text(rates)
    with pytest.raises(InputError) as e:
        load_fx(p)
    assert message in str(e.value) and str(p) in str(e.value)


def test_own_fx_file_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A new user's audit: a renminbi company with FY2025 results could not be converted or
    projected ("add one to an FX file") and no command took an FX file. `--fx FILE` (or
    LLMECON_FX) reads one before the bundled table. The rate here is a test value: MiniMax
    FY2025 revenue US$79.038m x 7.19 (given) in CNY."""
    import json

    from llmecon.cli import main
    from llmecon.cli.app import command_of

    monkeypatch.setenv("LLMECON_FX", "")  # restored after the test (--fx sets it)
    f = tmp_path / "rates.yaml"
    f.write_text("rates:\n  - {pair: USD/CNY, kind: average, start: 2025-01-01, "
                 "end: 2025-12-31, rate: 7.19, source: test value}\n")
    assert main(["compare", "minimax", "--currency", "CNY", "--format", "json"]) == 0
    cell = json.loads(capsys.readouterr().out)["tables"][0]["rows"][0]["cells"][0]
    assert cell["value"] is None
    assert main(["--fx", str(f), "compare", "minimax", "--currency", "CNY",
                 "--format", "json"]) == 0
    cell = json.loads(capsys.readouterr().out)["tables"][0]["rows"][0]["cells"][0]
    assert cell["value"] == pytest.approx(79.038e6 * 7.19, rel=1e-4)
    assert command_of(["--fx", "a.yaml", "--debug", "compare", "x"]) == "compare"
    monkeypatch.setenv("LLMECON_FX", "")
    bad = tmp_path / "bad.yaml"
    bad.write_text("rates: 5\n")
    assert main(["--fx", str(bad), "compare", "minimax", "--currency", "CNY"]) == 2
    assert f"{bad}: expected a mapping with a 'rates' list" in capsys.readouterr().err
