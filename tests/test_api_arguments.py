"""The Python API refuses what it cannot use, naming the argument, instead of a raw
AttributeError, a silent guess or a NaN (an audit of every public function)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from llmecon import api
from llmecon.errors import InputError
from llmecon.simulate.loaders import load_base_scenario
from llmecon.simulate.projection import projection
from llmecon.simulate.run import run
from llmecon.simulate.scenario import apply_stresses
from llmecon.store.runs import RunStore

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def z() -> Any:
    return api.load_company("zhipu")


def test_a_company_file_by_path_object() -> None:
    # the docstring says "by path": a pathlib.Path was an AttributeError ('strip')
    assert api.load_company(DATA / "examplai.csv").id == "examplai"


@pytest.mark.parametrize(("call", "name"), [
    (lambda z: api.load_company(None), "company"),
    (lambda z: api.load_company(b"zhipu"), "company"),
    (lambda z: api.load_company("zhipu", check="no"), "check"),
    (lambda z: api.compare(["zhipu"]), "companies[0]"),
    (lambda z: api.compare([]), "companies"),
    (lambda z: api.compare(z), "companies"),
    (lambda z: api.compare([z], currency=5), "currency"),
    (lambda z: api.compare([z], currency=""), "currency"),
    (lambda z: api.compare([z], fx="x"), "fx"),
    (lambda z: api.history("zhipu"), "company"),
    (lambda z: api.unit_economics(z, 5), "assumptions"),
    (lambda z: api.peers("gross_margin", [z], until="2025-01-01"), "until"),
    (lambda z: api.peers("gross_margin", [z], currency="EUR"), "currency"),
    (lambda z: api.ttm([z], "2025-12-31"), "as_of"),
    (lambda z: api.ttm([z], datetime(2025, 12, 31)), "as_of"),
    (lambda z: api.ttm([z], date(2025, 12, 31), "nosuch"), "item"),
    (lambda z: api.ttm([z], date(2025, 12, 31), "gross_margin"), "item"),
    (lambda z: api.valuations(api.load_company("minimax"), at="IPO",
                              forward_revenue=float("nan")), "forward_revenue"),
    (lambda z: api.valuations(api.load_company("minimax"), at="IPO",
                              forward_revenue="100"), "forward_revenue"),
    (lambda z: api.valuations(api.load_company("minimax"), forward_revenue=1e9),
     "forward_revenue"),
])
def test_bad_arguments_are_input_errors(z: Any, call: Any, name: str) -> None:
    with pytest.raises(InputError, match=f"^{__import__('re').escape(name)}: "):
        call(z)


def test_ttm_suggests_the_item_meant(z: Any) -> None:
    with pytest.raises(InputError, match="did you mean 'revenue'"):
        api.ttm([z], date(2025, 12, 31), "revenu")


def test_unknown_period_fields_are_refused(tmp_path: Path) -> None:
    # a typo of 'months' in a period entry was ignored while unknown keys elsewhere are refused
    text = (Path(api.__file__).parent / "data/companies/zhipu.yaml").read_text(encoding="utf-8")
    marker = "periods:\n"
    assert marker in text
    bad = text.replace(marker, marker + "  FY2031: {end: 2031-12-31, mnths: 12}\n", 1)
    f = tmp_path / "z.yaml"
    f.write_text(bad, encoding="utf-8")
    with pytest.raises(InputError, match=r"periods\.FY2031: unknown field\(s\) mnths"):
        api.load_company(f)


def test_no_change_between_two_runways_without_burn() -> None:
    # Snowflake generates cash: its runway is infinite in both periods, so there is no
    # relative change (it was NaN: inf / inf)
    sig = api.history(api.load_company("snowflake"))[2]
    row = next(r for r in sig.rows if r.key == "runway")
    assert row.latest.value == float("inf") and row.change is None


def test_a_company_given_twice_is_refused(z: Any, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    # from a hostile-input audit: 'report zhipu myz.yaml' (a copy of zhipu) drew the second
    # company's charts into the first's section, which shared its element ids, and compare
    # showed two columns headed "zhipu H1_2025"
    from llmecon.cli.app import main

    with pytest.raises(InputError, match=r"'zhipu' is given twice \(companies 1 and 2\)"):
        api.compare([z, z])
    copy = tmp_path / "myz.yaml"
    copy.write_text((Path(api.__file__).parent / "data" / "companies" / "zhipu.yaml")
                    .read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["report", "zhipu", str(copy), "-o", str(tmp_path / "r.html")]) == 2
    assert "'zhipu' is given twice" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def test_compare_and_history_name_their_tables(z: Any) -> None:
    """code35: compare() and history() returned a bare 3-tuple; docs/python.md unpacks it, and
    the parts now also have names (unpacking still works)."""
    got = api.compare([z])
    assert got.signals is got[2] and got.unit_economics is got[0] and got.cash_flow is got[1]
    ue, _cf, sig = got
    # one company-period column, and the row key (api37)
    assert sig.to_frame().shape[0] > 0 and list(ue.to_frame().columns)[1:] == ["key"]
    h = api.history(z, last=2)
    assert [c.header for c in h.unit_economics.columns] == [c.header for c in h[0].columns]
    assert len(h.cash_flow.columns) == 2


def test_a_number_for_a_name_is_an_unknown_name_not_an_attribute_error(z: Any) -> None:
    # api36: compare(period=2024), peers(3) and valuations(period=2024) raised
    # AttributeError ('int' object has no attribute 'strip') from the did-you-mean helper
    from llmecon.errors import NotFoundError

    with pytest.raises(NotFoundError, match=r"no period 2024; did you mean 'FY2024' or "
                                            r"'H1_2024'\?"):
        api.compare([z], period=2024)  # type: ignore[arg-type]
    with pytest.raises(NotFoundError, match="unknown signal 3"):
        api.peers(3, [z])  # type: ignore[arg-type]
    with pytest.raises(NotFoundError, match="no period 2024"):
        api.valuations(z, period=2024)  # type: ignore[arg-type]


@pytest.mark.parametrize(("call", "message"), [
    # api36: each raised a raw AttributeError/TypeError/ValueError from deep inside, or read
    # a lone name's letters as names ("unknown stress 'p'")
    (lambda s, c: run(c, paths=10),
     "scenario: expected a Scenario .*found Company"),
    (lambda s, c: run("minimax", paths=10),
     "scenario: expected a Scenario .*found str"),
    (lambda s, c: projection(c),
     "scenario: expected a Scenario .*found Company"),
    (lambda s, c: apply_stresses(s, "price-war"),
     r"stresses: expected a list of preset names .*found 'price-war'"),
    (lambda s, c: apply_stresses(s, [3]), "stresses: expected a list of preset names .*found 3"),
    (lambda s, c: load_base_scenario(c, "my.yaml"),
     "assumptions: expected loaded assumptions .*assumptions_path="),
    (lambda s, c: RunStore(5),
     "store: expected the path of a DuckDB file, found int"),
])
def test_simulation_and_store_arguments_are_input_errors(call: Any, message: str) -> None:
    company = api.load_company("minimax")
    with pytest.raises(InputError, match=message):
        call(load_base_scenario(company), company)
