"""Import the SEC "companyfacts" JSON (XBRL facts of every filing) into a :class:`Company`.

The file is what the SEC serves at ``data.sec.gov/api/xbrl/companyfacts/CIK##########.json``;
nothing is downloaded here. us-gaap concepts are mapped to canonical items
(:data:`CONCEPTS`); a value restated in a later filing is taken from the latest filing;
each figure's source names the form, the accession number, the filing date and the concept.
The fiscal year end is read from the annual (``fp: FY``) facts. Periods get the standard
labels of that fiscal year (``FY2025`` = the year ended 31 January 2025 for Snowflake;
``Q1_2026``, ``H1_2025``, ``9M_2025``); a period the labels cannot express keeps a dated
label (``12M_20250201``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from llmecon.errors import InputError
from llmecon.formulas import months_from_days
from llmecon.statements.model import Company, implied_by_label, shift_months
from llmecon.statements.records import Record, build_company
from llmecon.yamlfile import read_text, too_many_digits

#: Largest companyfacts file read (bytes); the largest filers' files are a few tens of MB.
MAX_FACTS_BYTES = 256 * 1024 * 1024

#: Canonical item (or its opposite-signed name) -> us-gaap concepts, first found wins.
CONCEPTS: dict[str, tuple[str, ...]] = {
    "revenue": ("RevenueFromContractWithCustomerExcludingAssessedTax", "Revenues",
                "SalesRevenueNet", "RevenueFromContractWithCustomerIncludingAssessedTax"),
    "cost_of_revenue": ("CostOfRevenue", "CostOfGoodsAndServicesSold"),
    "gross_profit": ("GrossProfit",),
    "rd_expense": ("ResearchAndDevelopmentExpense",
                   "ResearchAndDevelopmentExpenseExcludingAcquiredInProcessCost"),
    "selling_marketing_expense": ("SellingAndMarketingExpense",),
    "general_admin_expense": ("GeneralAndAdministrativeExpense",),
    "operating_income": ("OperatingIncomeLoss",),
    "net_income": ("NetIncomeLoss", "ProfitLoss"),
    "operating_cash_flow": ("NetCashProvidedByUsedInOperatingActivities",),
    "capex": ("PaymentsToAcquirePropertyPlantAndEquipment",),
    "cash_and_equivalents": ("CashAndCashEquivalentsAtCarryingValue",),
    "short_term_investments": ("ShortTermInvestments",
                               "AvailableForSaleSecuritiesDebtSecuritiesCurrent",
                               "MarketableSecuritiesCurrent"),
    "trade_receivables": ("AccountsReceivableNetCurrent",),
    "contract_liabilities": ("ContractWithCustomerLiability", "DeferredRevenue"),
    "total_assets": ("Assets",),
    "total_liabilities": ("Liabilities",),
    "net_assets": ("StockholdersEquityIncludingPortionAttributableToNoncontrollingInterest",
                   "StockholdersEquity"),
}
#: Items given as current + noncurrent parts when no total is tagged.
PARTS: dict[str, tuple[str, str]] = {
    "contract_liabilities": ("ContractWithCustomerLiabilityCurrent",
                             "ContractWithCustomerLiabilityNoncurrent"),
}
#: dei concepts (instants).
DEI: dict[str, str] = {
    "shares_outstanding": "EntityCommonStockSharesOutstanding",
    "headcount": "EntityNumberOfEmployees",
}
_INSTANT_ITEMS = {"cash_and_equivalents", "short_term_investments", "trade_receivables",
                  "contract_liabilities", "total_assets", "total_liabilities", "net_assets",
                  "shares_outstanding", "headcount"}


@dataclass(frozen=True)
class Fact:
    """One reported value, the latest filing's for its period."""

    concept: str
    start: date | None
    end: date
    value: float
    accn: str
    form: str
    filed: str
    first_filed: str = ""  # the earliest filing that reported the span (its publication)

    @property
    def source(self) -> str:
        return (f"SEC EDGAR {self.form} accession {self.accn} (filed {self.filed}), "
                f"XBRL {self.concept}")


def read_companyfacts(path: str | Path) -> dict[str, Any]:
    """The companyfacts JSON document of a file, its shape checked."""
    p = Path(path)
    try:
        if p.is_file() and p.stat().st_size > MAX_FACTS_BYTES:
            raise InputError(f"{p}: {p.stat().st_size:,} bytes; a companyfacts file may have "
                             f"at most {MAX_FACTS_BYTES:,}")
    except OSError as e:
        raise InputError(f"{str(p)[:200]}: cannot read ({e.strerror})") from None
    text = read_text(p, "SEC companyfacts", max_bytes=MAX_FACTS_BYTES)
    try:
        doc = json.loads(text, parse_int=lambda digits: _whole(digits, p))
    except json.JSONDecodeError as e:
        raise InputError(f"{p}: not valid JSON at line {e.lineno}: {e.msg}") from None
    except RecursionError:
        raise InputError(f"{p}: nested too deeply for a companyfacts file") from None
    check_companyfacts(doc, str(p))
    return dict(doc)


def _whole(digits: str, p: Path) -> int:
    """A JSON whole number; one of thousands of digits is refused, not Python's error."""
    if problem := too_many_digits(digits):
        raise InputError(f"{p}: {problem}")
    return int(digits)


def check_companyfacts(doc: Any, origin: str) -> None:
    """Raise :class:`InputError` unless ``doc`` has the companyfacts shape."""
    if not isinstance(doc, dict) or not isinstance(doc.get("facts"), dict):
        raise InputError(f"{origin}: expected the SEC companyfacts JSON (keys cik, entityName, "
                         "facts)")
    if not isinstance(doc["facts"].get("us-gaap"), dict):
        raise InputError(f"{origin}: facts: no us-gaap facts (only US GAAP filers are read)")


def _date(text: Any, origin: str, concept: str) -> date:
    try:
        d = date.fromisoformat(str(text))
    except ValueError:
        raise InputError(f"{origin}: {concept}: expected a date YYYY-MM-DD, found "
                         f"{str(text)[:40]!r}") from None
    if not 1900 <= d.year <= 2198:  # periods are named FY1900 to FY2199
        raise InputError(f"{origin}: {concept}: expected a date in the years 1900-2198, found "
                         f"{d.isoformat()}")
    return d


def latest_facts(doc: Mapping[str, Any], taxonomy: str, concept: str, unit: str,
                 origin: str) -> list[Fact]:
    """A concept's values, one per period: the one from the latest filing (restatements
    win over the figures first reported)."""
    facts = doc["facts"].get(taxonomy, {})
    entry = facts.get(concept) if isinstance(facts, dict) else None
    if not isinstance(entry, dict):
        return []
    units = entry.get("units", {})
    rows = units.get(unit, []) if isinstance(units, dict) else None
    if not isinstance(rows, list):
        raise InputError(f"{origin}: {concept}: units.{unit}: expected a list")
    best: dict[tuple[date | None, date], tuple[tuple[str, str], Fact]] = {}
    first: dict[tuple[date | None, date], str] = {}
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("val"), int | float) or \
                isinstance(row.get("val"), bool):
            raise InputError(f"{origin}: {concept}: expected facts with a numeric 'val'")
        start = _date(row["start"], origin, concept) if row.get("start") else None
        end = _date(row.get("end"), origin, concept)
        key = (str(row.get("filed", "")), str(row.get("accn", "")))
        try:
            value = float(row["val"])
        except OverflowError:
            raise InputError(f"{origin}: {concept}: value too large ({str(row['val'])[:20]}"
                             "...)") from None
        fact = Fact(concept, start, end, value, str(row.get("accn", "")),
                    str(row.get("form", "")), str(row.get("filed", "")))
        if (start, end) not in best or key > best[(start, end)][0]:
            best[(start, end)] = (key, fact)
        if key[0] and ((start, end) not in first or key[0] < first[(start, end)]):
            first[(start, end)] = key[0]
    return [replace(f, first_filed=first.get((f.start, f.end), ""))
            for _, f in sorted(best.values(), key=lambda kv: (kv[1].end, kv[1].start or
                                                                kv[1].end))]


def _months(start: date, end: date) -> int:
    return round(float(months_from_days((end - start).days + 1)))


def fiscal_year_end(doc: Mapping[str, Any], origin: str) -> tuple[int, int]:
    """(month, day) on which the annual periods end, the most common in the filings."""
    ends: Counter[tuple[int, int]] = Counter()
    for concept in CONCEPTS["revenue"] + CONCEPTS["net_income"]:
        for f in latest_facts(doc, "us-gaap", concept, "USD", origin):
            if f.start is not None and _months(f.start, f.end) == 12:
                ends[(f.end.month, f.end.day)] += 1
    if not ends:
        raise InputError(f"{origin}: no annual revenue or net income facts to read the fiscal "
                         "year end from")
    return ends.most_common(1)[0][0]


def _fiscal_year(end: date, year_end: tuple[int, int]) -> int:
    """The fiscal year (named by the calendar year it ends in) containing ``end``."""
    for year in (end.year, end.year + 1):
        fy_end = implied_by_label(f"FY{year}", year_end)
        if fy_end is not None and shift_months(fy_end[0], -12) < end <= fy_end[0]:
            return year
    return end.year


def period_label(start: date | None, end: date, year_end: tuple[int, int]) -> tuple[str, int]:
    """(label, months) of a fact's period in the company's fiscal calendar.

    >>> period_label(date(2024, 2, 1), date(2025, 1, 31), (1, 31))
    ('FY2025', 12)
    >>> period_label(date(2025, 2, 1), date(2025, 4, 30), (1, 31))
    ('Q1_2026', 3)
    >>> period_label(None, date(2025, 1, 31), (1, 31))
    ('FY2025', 0)
    """
    months = 0 if start is None else _months(start, end)
    fy = _fiscal_year(end, year_end)
    candidates = {12: [f"FY{fy}"], 9: [f"9M_{fy}"], 6: [f"H1_{fy}", f"H2_{fy}"],
                  3: [f"Q{q}_{fy}" for q in range(1, 5)]}
    wanted = months or 0
    options = candidates.get(wanted, []) if wanted else \
        [f"FY{fy}", *(f"Q{q}_{fy}" for q in range(1, 4))]
    for label in options:
        implied = implied_by_label(label, year_end)
        if implied is None or implied[0] != end:
            continue
        if wanted == 0 or implied[1] == months:  # by its span (end, months): a context
            return label, months  # tagged from the day before, 367 days, is the year too
    return f"{months}M_{end:%Y%m%d}" if months else f"AT_{end:%Y%m%d}", months


def _records(doc: Mapping[str, Any], year_end: tuple[int, int], origin: str
             ) -> list[Record]:
    out: list[Record] = []
    for item, concepts in CONCEPTS.items():
        taken: set[tuple[date, int]] = set()  # spans (end, months): one fact per item each
        facts = [f for c in concepts for f in latest_facts(doc, "us-gaap", c, "USD", origin)]
        for f in facts:
            if _span(f) in taken or (item in _INSTANT_ITEMS) != (f.start is None):
                continue
            taken.add(_span(f))
            out.append(_record(item, f, year_end, "USD", origin))
        if item in PARTS:
            out.extend(_sum_parts(doc, item, taken, year_end, origin))
    for item, concept in DEI.items():
        dei = doc["facts"].get("dei", {})
        entry = dei.get(concept) if isinstance(dei, dict) else None
        found = entry.get("units") if isinstance(entry, dict) else None
        units = list(found) if isinstance(found, dict) else []
        for unit in units[:1]:  # shares, or employees under whatever unit name was tagged
            for f in latest_facts(doc, "dei", concept, unit, origin):
                out.append(_record(item, f, year_end, None, origin))
    return _without_mezzanine_equity(out)


def _without_mezzanine_equity(records: list[Record]) -> list[Record]:
    """Drop equity at dates where assets != liabilities + equity: redeemable (temporary)
    equity, e.g. convertible preferred shares before an IPO, sits between the two, and
    net assets here means assets - liabilities."""
    at: dict[tuple[str, date], float] = {}
    for r in records:
        if r.item in ("total_assets", "total_liabilities", "net_assets"):
            at[(r.item, r.period_end)] = float(r.value)
    def off(day: date) -> bool:
        a, li, e = (at.get((k, day)) for k in ("total_assets", "total_liabilities",
                                                "net_assets"))
        return a is not None and li is not None and e is not None and \
            abs(a - li - e) > abs(a) * 0.001
    return [r for r in records if not (r.item == "net_assets" and off(r.period_end))]


def _span(f: Fact) -> tuple[date, int]:
    """A fact's period as the company file tells periods apart: its end and months."""
    return f.end, 0 if f.start is None else _months(f.start, f.end)


def _sum_parts(doc: Mapping[str, Any], item: str, taken: set[tuple[date, int]],
               year_end: tuple[int, int], origin: str) -> list[Record]:
    cur_c, non_c = PARTS[item]
    noncurrent = {f.end: f for f in latest_facts(doc, "us-gaap", non_c, "USD", origin)}
    out = []
    for cur in latest_facts(doc, "us-gaap", cur_c, "USD", origin):
        non = noncurrent.get(cur.end)
        if _span(cur) in taken or cur.start is not None or non is None:
            continue
        total = Fact(f"{cur_c} + {non_c}", None, cur.end, cur.value + non.value,
                     cur.accn, cur.form, cur.filed)
        out.append(_record(item, total, year_end, "USD", origin))
    return out


def _record(item: str, f: Fact, year_end: tuple[int, int], currency: str | None,
            origin: str) -> Record:
    label, months = period_label(f.start, f.end, year_end)
    return Record(where=f"{origin}: {f.concept} {f.start or ''}..{f.end}", period=label,
                  period_end=f.end, period_months=months, item=item, value=f.value,
                  unit="units", currency=currency, source=f.source, confidence="high",
                  note=f"as filed {f.filed}; restated values taken from the latest filing",
                  period_published=_original_filing(f) if months else None)


#: A period first filed within this many days of its end was filed by its own report (a
#: 10-K is due 60-90 days after the year, a 10-Q 40-45 after the quarter); first filed later,
#: it was a comparative in a later report (a company's pre-IPO years, published in its
#: prospectus, which companyfacts does not hold): its publication date is not known.
ORIGINAL_REPORT_DAYS = 120


def _original_filing(f: Fact) -> str | None:
    """The date the period's own report was filed, where companyfacts shows it."""
    try:
        first = date.fromisoformat(f.first_filed)
    except ValueError:
        return None
    return f.first_filed if 0 <= (first - f.end).days <= ORIGINAL_REPORT_DAYS else None


def _published_together(records: Sequence[Record]) -> list[Record]:
    """Each reporting period published on the earliest filing date of any of its facts (a
    concept first tagged in a later filing does not make the period later;
    :func:`_original_filing`); balances carry none (they come out with their reporting
    period)."""
    first: dict[str, str] = {}
    for r in records:
        day = str(r.period_published or "")
        if day and (r.period not in first or day < first[r.period]):
            first[r.period] = day
    return [replace(r, period_published=first.get(r.period) if r.period_months else None)
            for r in records]


def company_from_companyfacts(doc: Mapping[str, Any], origin: str, *,
                              company_id: str | None = None,
                              since_year: int | None = None) -> Company:
    """The company in a companyfacts document (validated like any company file).

    ``since_year`` keeps fiscal years from that one on (all by default).
    """
    check_companyfacts(doc, origin)
    year_end = fiscal_year_end(doc, origin)
    records = _records(doc, year_end, origin)
    if since_year is not None:
        records = [r for r in records if _fiscal_year(r.period_end, year_end) >= since_year]
    if not records:
        raise InputError(f"{origin}: no facts llmecon maps (revenue, costs, cash...)")
    raw_name = doc.get("entityName") or ""
    if not isinstance(raw_name, str):
        raise InputError(f"{origin}: entityName: expected the company's name as text, found "
                         f"{type(raw_name).__name__}")
    name = raw_name.strip()
    cik = _cik(doc.get("cik"), origin)
    cid = company_id or _slug(name) or f"cik{cik or ''}"
    meta = {"name": name.title() if name.isupper() else name, "currency": "USD",
            "fiscal_year_end": f"{year_end[0]:02d}-{year_end[1]:02d}",
            "description": f"Imported from SEC companyfacts (CIK {cik or '?'}): XBRL "
                           "facts of its 10-K and 10-Q filings, latest filing per period.",
            "as_of": _latest_filing(records)}
    return build_company(meta, cid, _published_together(_unique(records)), origin)


def _cik(value: Any, origin: str) -> int | None:
    """The Central Index Key: a positive whole number of at most 10 digits (JSON number or
    digits as text, ``"0001640147"``); None when absent. Anything else was written into the
    description as it was (``CIK ../../etc``)."""
    if value is None:
        return None
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else \
        value if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit() and len(text) <= 10 and int(text) > 0):
        shown = repr(value) if len(repr(value)) <= 40 else f"{repr(value)[:40]}..."
        raise InputError(f"{origin}: cik: expected the company's CIK, a positive whole number "
                         f"of at most 10 digits, found {shown}")
    return int(text)


def _latest_filing(records: Sequence[Record]) -> str | None:
    days = [str(r.source).split("(filed ")[1][:10] for r in records
            if "(filed " in str(r.source)]
    return max(days) if days else None


def _unique(records: Sequence[Record]) -> list[Record]:
    """One record per (item, label, instant): a standard label met twice keeps the first."""
    seen: set[tuple[str, str, bool]] = set()
    out = []
    for r in records:
        key = (r.item, r.period, r.period_months == 0)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def _slug(name: str) -> str:
    words = "".join(c.lower() if c.isalnum() else " " for c in name).split()
    words = [w for w in words if w not in ("inc", "corp", "corporation", "ltd", "plc", "co")]
    return "_".join(words)[:64]


def import_companyfacts(path: str | Path, *, company_id: str | None = None,
                        since_year: int | None = None) -> Company:
    """Read a companyfacts JSON file and build the company (see the module docstring)."""
    return company_from_companyfacts(read_companyfacts(path), str(path),
                                     company_id=company_id, since_year=since_year)


def facts_not_in_dollars(path: str | Path) -> dict[str, list[str]]:
    """The mapped us-gaap concepts that also have facts in units other than USD (which the
    import leaves out, llmecon reading a US-dollar filer): concept -> those units."""
    doc = read_companyfacts(path)
    gaap = doc["facts"].get("us-gaap", {})
    wanted = {c for cs in CONCEPTS.values() for c in cs} | {c for cs in PARTS.values()
                                                            for c in cs}
    out: dict[str, list[str]] = {}
    for concept in sorted(wanted):
        entry = gaap.get(concept) if isinstance(gaap, dict) else None
        units = entry.get("units") if isinstance(entry, dict) else None
        other = sorted(u for u in units or {} if u != "USD") if isinstance(units, dict) else []
        if other:
            out[concept] = other
    return out

