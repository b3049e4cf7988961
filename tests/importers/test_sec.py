"""SEC companyfacts import, tested on Snowflake's real file (edgartools test fixture, MIT
licence; shared/reference/filings/). Expected values are copied by hand from the 10-K for the
fiscal year ended 31 January 2025, accession 0001640147-25-000052, as tagged in that file."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from llmecon.api import compare, load_company
from llmecon.errors import InputError
from llmecon.importers.sec import (
    company_from_companyfacts,
    import_companyfacts,
    period_label,
    read_companyfacts,
)
from llmecon.metrics import signals as s
from llmecon.metrics.reconcile import problems
from llmecon.statements import io
from llmecon.statements.model import Company

# a copy of shared/reference/filings/ (with its MIT licence notice and README)
FIXTURE = Path(__file__).parents[1] / "data" / "filings" / "snowflake_companyfacts.json"


@pytest.fixture(scope="module")
def snow() -> Company:
    return import_companyfacts(FIXTURE)


def test_fiscal_year_end_read_from_the_filings(snow: Company) -> None:
    assert snow.fiscal_year_end == "01-31"
    fy = snow.period("FY2025")
    assert (fy.start, fy.end, fy.months) == (date(2024, 2, 1), date(2025, 1, 31), 12)
    assert snow.period("Q1_2026").end == date(2025, 4, 30)  # the 10-Q of 30 May 2025


def test_revenue_growth_and_margin_from_the_filing(snow: Company) -> None:
    ctx = s.Context(snow)
    fy25, fy24 = snow.period("FY2025"), snow.period("FY2024")
    assert s.revenue(ctx, fy25).value == 3_626_396_000  # US$3,626.4m
    assert s.revenue(ctx, fy24).value == 2_806_489_000  # US$2,806.5m
    growth = s.revenue_growth(ctx, fy25).value
    assert growth == pytest.approx(0.292, abs=0.0005)  # 29.2%
    gm = s.gross_margin(ctx, fy25)
    # from the filing's own gross profit, US$2,411,723k
    assert gm.value == pytest.approx(2_411_723_000 / 3_626_396_000)
    assert gm.basis.startswith("derived")


def test_every_figure_names_its_accession_number(snow: Company) -> None:
    assert all("accession 0001640147-" in f.source for f in snow.figures)
    rev = snow.figure("revenue", "FY2025")
    assert rev is not None and "10-K accession 0001640147-25-000052" in rev.source
    loss = snow.figure("net_loss", "FY2025")
    assert loss is not None and loss.value == 1_285_640_000  # NetIncomeLoss -1,285,640k
    cash = snow.figure("cash_and_equivalents", "FY2025")
    assert cash is not None and cash.value == 2_628_798_000


def test_restated_values_come_from_the_latest_filing() -> None:
    doc = {"cik": 1, "entityName": "Tiny Corp", "facts": {"us-gaap": {
        "Revenues": {"units": {"USD": [
            {"start": "2023-01-01", "end": "2023-12-31", "val": 100, "accn": "A-1",
             "form": "10-K", "filed": "2024-02-01"},
            {"start": "2023-01-01", "end": "2023-12-31", "val": 90, "accn": "A-2",
             "form": "10-K/A", "filed": "2024-06-01"},
            {"start": "2024-01-01", "end": "2024-12-31", "val": 120, "accn": "A-3",
             "form": "10-K", "filed": "2025-02-01"}]}}}}}
    c = company_from_companyfacts(doc, "tiny.json")
    fig = c.figure("revenue", "FY2023")
    assert c.id == "tiny" and c.fiscal_year_end == "12-31"
    assert fig is not None and fig.value == 90 and "10-K/A accession A-2" in fig.source


def test_the_import_validates_and_compares_with_zhipu(snow: Company, tmp_path: Path) -> None:
    assert problems(snow) == []
    written = io.write_company_file(snow, tmp_path / "snowflake.yaml")
    back = load_company(str(written))
    assert back.figure("revenue", "FY2025") == snow.figure("revenue", "FY2025")
    ue, _, _ = compare([load_company("zhipu"), back], period="latest", currency="USD")
    assert [c.header for c in ue.columns] == ["zhipu H1_2025 (6M interim)",
                                              "snowflake Q1_2026 (3M interim)"]


def test_facts_in_other_currencies_are_said_to_be_left_out(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from llmecon.cli import main

    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    gaap = doc["facts"]["us-gaap"]
    rd = gaap["ResearchAndDevelopmentExpense"]["units"]
    rd["EUR"] = rd.pop("USD")
    f = tmp_path / "cf.json"
    f.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["import-sec", str(f), "-o", str(tmp_path / "c.yaml")]) == 0
    err = capsys.readouterr().err
    assert "left out: ResearchAndDevelopmentExpense facts in EUR (only USD facts are read)" \
        in err
    assert main(["import-sec", str(FIXTURE), "-o", str(tmp_path / "d.yaml")]) == 0
    assert "left out" not in capsys.readouterr().err  # the real file: every fact in USD


@pytest.mark.parametrize(("start", "end", "label"), [
    (date(2024, 2, 1), date(2024, 7, 31), ("H1_2025", 6)),
    (date(2024, 5, 1), date(2024, 7, 31), ("Q2_2025", 3)),
    (date(2024, 2, 1), date(2024, 10, 31), ("9M_2025", 9)),
    (date(2024, 3, 1), date(2024, 7, 31), ("5M_20240731", 5)),
])
def test_period_labels_in_a_january_year(start: date, end: date, label: tuple[str, int]
                                         ) -> None:
    assert period_label(start, end, (1, 31)) == label


def _tiny(cik: object) -> dict[str, object]:
    return {"cik": cik, "entityName": "Tiny Corp", "facts": {"us-gaap": {"Revenues": {
        "units": {"USD": [{"start": "2024-01-01", "end": "2024-12-31", "val": 120,
                           "accn": "A-3", "form": "10-K", "filed": "2025-02-01"}]}}}}}


@pytest.mark.parametrize("cik", ["../../etc", -1, 0, 1.5, True, "12345678901", "١٢",
                                 12_345_678_901, [1], ""])
def test_cik_must_be_a_positive_whole_number_of_at_most_ten_digits(cik: object) -> None:
    # attack33 L7: "cik": "../../etc" was written into the description as it was
    with pytest.raises(InputError) as e:
        company_from_companyfacts(_tiny(cik), "tiny.json")
    assert str(e.value).startswith("tiny.json: cik: expected the company's CIK, a positive "
                                   f"whole number of at most 10 digits, found {cik!r}")


@pytest.mark.parametrize(("cik", "shown"), [(1640147, "1640147"), ("0001640147", "1640147"),
                                            (None, "?")])
def test_cik_as_a_number_or_digits(cik: object, shown: str) -> None:
    c = company_from_companyfacts(_tiny(cik), "tiny.json")
    assert f"(CIK {shown})" in (c.description or "")


def test_bad_files_are_named_errors(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text("{not json")
    with pytest.raises(InputError, match="not valid JSON at line 1"):
        read_companyfacts(bad)
    bad.write_text(json.dumps({"cik": 1, "facts": {"ifrs-full": {}}}))
    with pytest.raises(InputError, match="no us-gaap facts"):
        read_companyfacts(bad)
    bad.write_text(json.dumps({"facts": {"us-gaap": {"Revenues": {"units": {"USD": [
        {"start": "2023-01-01", "end": "2023-02-30", "val": 1}]}}}}}))
    with pytest.raises(InputError, match="expected a date YYYY-MM-DD, found '2023-02-30'"):
        import_companyfacts(bad)
    # a whole number past Python's 4,300 digits was an internal error (hostile-input audit)
    bad.write_text('{"facts": {"us-gaap": {"Revenues": {"units": {"USD": [{"start": '
                   '"2023-01-01", "end": "2023-12-31", "val": 1' + "0" * 5000 + '}]}}}}}')
    with pytest.raises(InputError, match=r"x.json: a whole number of 5,001 digits"):
        read_companyfacts(bad)


def test_bundled_snowflake_peer_has_the_filed_figures() -> None:
    c = load_company("snowflake")
    assert (c.fiscal_year_end, c.currency) == ("01-31", "USD")
    rev = c.figure("revenue", "FY2025")
    assert rev is not None and rev.value == 3_626_396_000
    assert {p.label for p in c.duration_periods if p.months == 12} == {"FY2023", "FY2024",
                                                                     "FY2025"}
    ue, cf, _ = compare([load_company("zhipu"), load_company("minimax"), c],
                          period="latest", currency="USD")
    assert len(ue.columns) == 3 and len(cf.columns) == 3


def test_headcount_and_shares_from_dei() -> None:
    doc = {"cik": 2, "entityName": "Tiny AI", "facts": {
        "us-gaap": {"Revenues": {"units": {"USD": [
            {"start": "2024-01-01", "end": "2024-12-31", "val": 5e6, "accn": "B-1",
             "form": "10-K", "filed": "2025-03-01"}]}}},
        "dei": {"EntityNumberOfEmployees": {"units": {"employee": [
            {"end": "2024-12-31", "val": 120, "accn": "B-1", "form": "10-K",
             "filed": "2025-03-01"}]}},
            "EntityCommonStockSharesOutstanding": {"units": {"shares": [
                {"end": "2025-02-20", "val": 4e7, "accn": "B-1", "form": "10-K",
                 "filed": "2025-03-01"}]}}}}}
    c = company_from_companyfacts(doc, "tiny.json")
    hc = c.figure("headcount", "FY2024")
    assert hc is not None and hc.value == 120 and "accession B-1" in hc.source
    shares = [f for f in c.figures if f.item == "shares_outstanding"]
    assert [(f.period.label, f.value) for f in shares] == [("AT_20250220", 4e7)]


@pytest.mark.parametrize(("val", "message"), [
    ("1" + "0" * 400, "Revenues: value too large"),
    ("NaN", "value: expected a finite number"),
    ('"100"', "Revenues: expected facts with a numeric 'val'"),
])
def test_hostile_values_are_named_errors(tmp_path: Path, val: str, message: str) -> None:
    p = tmp_path / "f.json"
    p.write_text('{"cik": 3, "entityName": "X", "facts": {"us-gaap": {"Revenues": {"units": '
                 '{"USD": [{"start": "2024-01-01", "end": "2024-12-31", "val": ' + val +
                 ', "accn": "C-1", "form": "10-K", "filed": "2025-01-01"}]}}}}}')
    with pytest.raises(InputError, match=message):
        import_companyfacts(p)


@pytest.mark.parametrize(("name", "start", "end", "message"), [
    # from a hostile-input audit: internal errors (a period label out of FY1900-FY2199) and a
    # name saved as the text "['x']"
    ('"X"', "1800-01-01", "1800-12-31", "Revenues: expected a date in the years 1900-2198, "
                                        "found 1800-01-01"),
    ('"X"', "2249-01-01", "2249-12-31", "expected a date in the years 1900-2198"),
    ('["x"]', "2024-01-01", "2024-12-31", "entityName: expected the company's name as text, "
                                          "found list"),
])
def test_dates_out_of_range_and_a_name_not_text(tmp_path: Path, name: str, start: str,
                                                end: str, message: str) -> None:
    p = tmp_path / "f.json"
    p.write_text('{"cik": 3, "entityName": ' + name + ', "facts": {"us-gaap": {"Revenues": '
                 '{"units": {"USD": [{"start": "' + start + '", "end": "' + end + '", "val": '
                 '5, "accn": "C-1", "form": "10-K", "filed": "2025-01-01"}]}}}}}')
    with pytest.raises(InputError, match=re.escape(message)):
        import_companyfacts(p)


@pytest.mark.parametrize("text", [
    "[" * 100_000 + "]" * 100_000,
    '{"facts": {"us-gaap": {"Revenues": {"units": [1]}}}}',
    '{"facts": {"us-gaap": {"Revenues": {"units": {"USD": [5]}}}}}',
    '{"facts": {"us-gaap": {"Revenues": 5}, "dei": [1]}}',
])
def test_malformed_structures_are_named_errors(tmp_path: Path, text: str) -> None:
    p = tmp_path / "f.json"
    p.write_text(text)
    with pytest.raises(InputError, match=str(p).replace(".", r"\.")):
        import_companyfacts(p)


def test_fuzzed_documents_give_a_company_or_a_named_error() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8),
                     st.sampled_from(["2024-01-01", "2024-12-31", "2025-01-31", "10-K"]))
    fact = st.fixed_dictionaries({}, optional={k: leaf for k in ("start", "end", "val", "accn",
                                                                "form", "filed")})
    concept = st.fixed_dictionaries({"units": st.dictionaries(
        st.sampled_from(["USD", "shares"]), st.lists(fact, max_size=3), max_size=2)})
    names = st.sampled_from(["Revenues", "NetIncomeLoss", "Assets", "Liabilities",
                             "StockholdersEquity", "GrossProfit"])
    doc = st.fixed_dictionaries({"facts": st.fixed_dictionaries(
        {"us-gaap": st.dictionaries(names, st.one_of(concept, leaf), max_size=4)})},
        optional={"entityName": leaf})

    @settings(max_examples=200, deadline=None)
    @given(d=doc)
    def run(d: dict[str, object]) -> None:
        import contextlib

        with contextlib.suppress(InputError):
            assert isinstance(company_from_companyfacts(d, "f.json"), Company)

    run()


def test_a_year_tagged_from_the_day_before_is_the_year() -> None:
    """A review found a fiscal year's capex whose context starts on the prior year end
    (2024-01-31 to 2025-01-31, 367 days) labelled 12M_20250131 beside FY2025: two labels for
    one span, which a company file refuses, so the import failed. Periods are labelled by
    their span (end, months), one fact per item each."""
    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    rows = doc["facts"]["us-gaap"]["PaymentsToAcquirePropertyPlantAndEquipment"]["units"]["USD"]
    fy = next(r for r in rows if r.get("start") == "2024-02-01" and r["end"] == "2025-01-31")
    fy["start"] = "2024-01-31"
    c = company_from_companyfacts(doc, "snow.json")
    capex = {f.period.label: f.value for f in c.figures if f.item == "capex"}
    assert capex["FY2025"] == fy["val"] and not any(k.startswith("12M_") for k in capex)


def test_a_period_is_published_on_its_own_reports_filing_date(snow: Company) -> None:
    # from a hostile audit: the import recorded each fact's filing but gave the periods no
    # publication date, so a valuation could use results before they were filed. Snowflake's
    # FY2024 (to 31 Jan 2024) was filed in its 10-K of 26 Mar 2024 (companyfacts, revenue)
    assert snow.published_on("FY2024") == date(2024, 3, 26)
    assert snow.published_on("Q1_2026") == date(2025, 5, 30)
    # first filed long after its end (FY2020, to Jan 2020, first in the 10-K of March 2021
    # as a comparative: the prospectus that published it is not in companyfacts): unknown
    assert snow.published_on("FY2020") is None
    # restated later (10-K/A): published when first filed, the value from the latest
    doc = {"cik": 1, "entityName": "Tiny Corp", "facts": {"us-gaap": {
        "Revenues": {"units": {"USD": [
            {"start": "2023-01-01", "end": "2023-12-31", "val": 100, "accn": "A-1",
             "form": "10-K", "filed": "2024-02-01"},
            {"start": "2023-01-01", "end": "2023-12-31", "val": 90, "accn": "A-2",
             "form": "10-K/A", "filed": "2024-06-01"}]}}}}}
    tiny = company_from_companyfacts(doc, "tiny.json")
    assert tiny.published_on("FY2023") == date(2024, 2, 1)
