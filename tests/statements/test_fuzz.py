"""Fuzzing the company loaders: any text gives a company or an InputError, nothing else
(issue 14: no traceback on hostile input)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmecon.errors import InputError
from llmecon.metrics.reconcile import check_company
from llmecon.statements import io
from llmecon.statements.model import Company

HEAD = ("company,period,period_end,period_months,metric,value,currency,unit,source_url,"
        "source_count,confidence,note\n")
_cell = st.one_of(
    st.sampled_from(["", "FY2024", "H1_2025", "9M_2025", "Q3_2025", "FY0000", "FY9999",
                     "2024-12-31", "2023-02-30", "12", "0", "-1", "1e308", "nan", "inf",
                     "revenue", "cost_of_revenue", "net_income", "cash_and_equivalents",
                     "gross_margin", "USD", "CNY", "EUR", "million", "percent", "units",
                     "high", "low", "src", '"', "META", "currency", "line:x", "co"]),
    st.text(max_size=12))


def _load(text: str, kind: str) -> None:
    try:
        c = io.read_csv_text(text, "f.csv") if kind == "csv" else io.read_yaml_text(text,
                                                                                    "f.yaml")
        assert isinstance(c, Company)
        check_company(c)
    except InputError:
        pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(_cell, min_size=12, max_size=12), min_size=1, max_size=6))
def test_csv_rows_never_crash(rows: list[list[str]]) -> None:
    import csv
    import io as _io

    out = _io.StringIO()
    w = csv.writer(out)
    for r in rows:
        w.writerow(["co", *r[1:]])
    _load(HEAD + out.getvalue(), "csv")


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=300))
def test_arbitrary_text_never_crashes(text: str) -> None:
    _load(text, "csv")
    _load(text, "yaml")


_scalar = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                    st.floats(allow_nan=True), st.text(max_size=10),
                    st.sampled_from(["FY2024", "revenue", "USD", "million", "2024-12-31"]))


@settings(max_examples=150, deadline=None)
@given(fig=st.dictionaries(st.sampled_from(["item", "period", "value", "unit", "currency",
                                            "segment", "instant", "source", "role",
                                            "tolerance", "confidence", "source_count"]),
                           _scalar, max_size=10),
       meta=st.dictionaries(st.sampled_from(["name", "currency", "business_model",
                                             "fiscal_year_end", "lines", "listing_date"]),
                            _scalar, max_size=4))
def test_yaml_structures_never_crash(fig: dict[str, object], meta: dict[str, object]) -> None:
    import yaml

    doc = {"company": {"id": "co", **meta}, "figures": [fig]}
    _load(yaml.safe_dump(doc), "yaml")
