from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmecon.api import compare, load_company
from llmecon.errors import InputError, NotFoundError
from llmecon.statements import io
from llmecon.statements.model import Company, Figure, Period


def _keys(c: Company) -> list[tuple[object, ...]]:
    return [(f.item, f.segment, f.period.label, f.period.end, f.period.months, f.value, f.unit,
             f.currency, f.source, f.source_count, f.confidence, f.note, f.role, f.tolerance)
            for f in c.figures]


def _meta(c: Company) -> tuple[object, ...]:
    return (c.id, c.name, c.currency, c.business_model, c.ticker, c.exchange,
            c.listing_date, c.lines, c.platform_line, c.description, c.fiscal_year_end,
            c.as_of, c.coverage_note, c.published)


@pytest.mark.parametrize("cid", ["zhipu", "minimax", "snowflake", "sensetime", "soundhound",
                                 "mobvoi"])
def test_round_trip_yaml_csv_yaml_is_lossless(cid: str, tmp_path: Path) -> None:
    original = load_company(cid)
    csv_path = io.write_company_file(original, tmp_path / f"{cid}.csv")
    from_csv = load_company(str(csv_path))
    yaml_path = io.write_company_file(from_csv, tmp_path / f"{cid}.yaml")
    from_yaml = load_company(str(yaml_path))
    for other in (from_csv, from_yaml):
        assert _keys(other) == _keys(original)
        assert _meta(other) == _meta(original)


def test_hand_written_csv_company_loads_and_compares(examplai: Company) -> None:
    # values written in tests/data/examplai.csv: revenue 100, CoR 60, net income -120
    assert examplai.business_model == "mixed"
    loss = examplai.figure("net_loss", "FY2024")
    assert loss is not None and loss.value == 120e6  # net_income -120 stored as a loss
    ue, cf, _ = compare([load_company("zhipu"), examplai], period="FY2024", currency="USD")
    gm = next(r for r in ue.rows if r.key == "gross_margin")
    assert gm.cells[1].value == pytest.approx(0.40)
    assert gm.cells[0].value == pytest.approx(0.563, abs=0.001)  # Zhipu FY2024, reported 56.3%
    burn = next(r for r in cf.rows if r.key == "monthly_burn")
    assert burn.cells[1].value == pytest.approx((96 + 24) / 12 * 1e6)  # -(OCF - capex) / 12


def test_unknown_company_lists_bundled() -> None:
    with pytest.raises(NotFoundError, match="zhipu"):
        load_company("openai")


def test_write_refuses_unknown_suffix(zhipu: Company, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown file type"):
        io.write_company_file(zhipu, tmp_path / "x.xlsx")


def test_atomic_write_keeps_old_file_on_failure(tmp_path: Path, monkeypatch:
                                                pytest.MonkeyPatch) -> None:
    target = tmp_path / "saved.yaml"
    target.write_text("precious\n")

    def boom(*_: object, **__: object) -> None:
        raise OSError("disk full")

    from llmecon import fileio

    monkeypatch.setattr(fileio.os, "replace", boom)
    with pytest.raises(InputError, match=r"saved.yaml: cannot write it \(disk full\); the "
                                         "file as it was is kept"):
        fileio.atomic_write(target, "new text")
    assert target.read_text() == "precious\n"
    assert [p.name for p in tmp_path.iterdir()] == ["saved.yaml"]


_values = st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda x: round(x, 6))


@settings(max_examples=40, deadline=None)
@given(values=st.lists(_values, min_size=1, max_size=6), unit=st.sampled_from(
    ["million", "thousand", "billion", "units"]))
def test_round_trip_random_figures(values: list[float], unit: str) -> None:
    figs = tuple(
        Figure("revenue", Period(f"FY{2000 + i}", __import__("datetime").date(2000 + i, 12, 31),
                                 12), v * io.parse_unit(unit, "money").factor, unit, "USD",
               source="generated")
        for i, v in enumerate(values))
    c = Company("gen", "Generated", "USD", "mixed", figs)
    back = io.read_csv_text(io.write_csv_text(c), "mem.csv")
    assert _keys(back) == _keys(c)
    back2 = io.read_yaml_text(io.write_yaml_text(c), "mem.yaml")
    assert _keys(back2) == _keys(c)


def test_exported_csv_keeps_formula_text_as_text_and_reads_back_as_written() -> None:
    # from a hostile-input audit: `export` wrote a note "=HYPERLINK(...)" as a formula
    import csv
    import datetime

    note, source = '=HYPERLINK("http://evil.example","x")', "-(operating cash flow) / 6"
    fig = Figure("revenue", Period("FY2024", datetime.date(2024, 12, 31), 12), 5e6,
                 "million", "USD", source=source, note=note)
    c = Company("gen", "@Generated", "USD", "mixed", (fig,))
    text = io.write_csv_text(c)
    cells = [cell for row in csv.reader(text.splitlines()) for cell in row]
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    assert f"'{note}" in cells and f"'{source}" in cells and "'@Generated" in cells
    back = io.read_csv_text(text, "mem.csv")
    assert back.name == "@Generated"
    assert (back.figures[0].note, back.figures[0].source) == (note, source)
    assert back.figures[0].value == 5e6


def test_text_that_starts_with_an_apostrophe_survives_the_csv_round_trip() -> None:
    # a name "'=x" and a note "'@y" came back as "=x" and "@y": the reader took the
    # apostrophe the text had for the one the writer adds
    import datetime

    fig = Figure("revenue", Period("FY2024", datetime.date(2024, 12, 31), 12), 5e6,
                 "million", "USD", source="''+z", note="'@y")
    c = Company("gen", "'=x", "USD", "mixed", (fig,))
    back = io.read_csv_text(io.write_csv_text(c), "mem.csv")
    assert back.name == "'=x"
    assert (back.figures[0].note, back.figures[0].source) == ("'@y", "''+z")


def test_a_period_publication_date_round_trips_and_is_checked(tmp_path: Path) -> None:
    # MiniMax's FY2025 results came out on 2 Mar 2026 (post_listing.md 5a); both formats
    # keep the date, and a date before the period's end or two dates for one period are
    # refused with the file, the row and the field
    minimax = load_company("minimax")
    assert minimax.published_on("FY2025") == date(2026, 3, 2)
    assert minimax.published_on("9M_2025") is None
    text = io.write_csv_text(minimax)
    assert io.read_csv_text(text, "m.csv").published == minimax.published
    head = ("company,period,period_end,period_months,metric,value,currency,unit,source_url,"
            "period_published\n")
    row = "co,FY2024,2024-12-31,12,revenue,{v},USD,million,a filing,{d}\n"
    with pytest.raises(InputError, match=r"b\.csv row 2, period_published: expected a date on "
                       r"or after the period's end \(2024-12-31\), found 2024-06-30"):
        io.read_csv_text(head + row.format(v=1, d="2024-06-30"), "b.csv")
    two = head + row.format(v=1, d="2025-03-01") + row.replace("revenue", "cost_of_revenue"
                                                             ).format(v=1, d="2025-04-01")
    with pytest.raises(InputError, match=r"was published 2025-04-01, but b\.csv row 2 says "
                       r"2025-03-01"):
        io.read_csv_text(two, "b.csv")
    for bad in ("soon", "20250301", "2025-W10-1"):  # Python's fromisoformat reads the last two
        with pytest.raises(InputError, match="period_published: expected a date YYYY-MM-DD"):
            io.read_csv_text(head + row.format(v=1, d=bad), "b.csv")
    with pytest.raises(InputError, match="period_end: expected a date YYYY-MM-DD"):
        io.read_csv_text(head + row.replace("2024-12-31", "20241231").format(v=1, d=""),
                         "b.csv")
    yaml_text = ("company: {id: co, currency: USD}\nperiods:\n  FY2024: {end: '2024-12-31', "
                 "months: 12, published: '2025-03-01'}\nfigures:\n- {item: revenue, period: "
                 "FY2024, value: 1, unit: million, currency: USD, source: a filing}\n")
    assert io.read_yaml_text(yaml_text, "c.yaml").published_on("FY2024") == date(2025, 3, 1)
    with pytest.raises(InputError, match="expected end, months and published"):
        io.read_yaml_text(yaml_text.replace("published", "publishd"), "c.yaml")
    # from a hostile audit: a YAML error names periods.X.published, not a figure's row
    with pytest.raises(InputError, match=r"c\.yaml: periods\.FY2024\.published: expected a "
                       r"date on or after the period's end \(2024-12-31\), found 2024-12-30"):
        io.read_yaml_text(yaml_text.replace("2025-03-01", "2024-12-30"), "c.yaml")
    # a balance date's figures come out with their reporting period: no date of its own
    instant = head + row.format(v=1, d="") + \
        "co,BS,2024-12-31,0,cash_and_equivalents,5,USD,million,a filing,2025-03-01\n"
    with pytest.raises(InputError, match="row 3, period_published: a publication date goes "
                       "on a reporting period; BS is a balance date"):
        io.read_csv_text(instant, "b.csv")
    meta = head + "co,META,,,currency,USD,,,,2025-03-01\n" + row.format(v=1, d="")
    with pytest.raises(InputError, match="row 2, period_published: a company field has no "
                       "publication date"):
        io.read_csv_text(meta, "b.csv")


@pytest.mark.parametrize("field", ["description", "coverage_note"])
def test_a_company_text_has_one_limit_said_where_it_applies(field: str, tmp_path: Path) -> None:
    """low38: ``CompanyMeta.description`` declared at most 5,000 characters (the schema said
    so) while every file's text is refused beyond 2,000 (``MAX_TEXT_CHARS``): a 3,000-
    character description passed the one and failed the other. Now both say 2,000."""
    from llmecon.config.company import CompanyMeta
    from llmecon.constants import MAX_TEXT_CHARS

    assert MAX_TEXT_CHARS == 2_000
    assert CompanyMeta.model_json_schema()["properties"][field]["maxLength"] == 2_000
    text = (Path(__file__).parents[1] / "data" / "lumora.yaml").read_text(encoding="utf-8")
    old = ("  description: Consumer chatbot (subscription) plus an API line; a fictional "
           "company\n    for testing\n")
    assert old in text
    for size in (2_000, 2_001):
        path = tmp_path / f"{field}_{size}.yaml"
        path.write_text(text.replace(old, f"  {field}: {'x' * size}\n"), encoding="utf-8")
        if size == 2_000:
            assert len(getattr(load_company(path), field)) == 2_000
            continue
        with pytest.raises(InputError) as e:
            load_company(path)
        assert str(path) in str(e.value) and field in str(e.value)
        assert "at most 2,000 characters, found 2,001" in str(e.value)
