"""Turning file records (a CSV row, a YAML mapping) into validated figures.

Both file formats produce the same flat records; this module checks each record and
the set of them (periods consistent, no duplicates, signs, units, currencies) and
builds the :class:`~llmecon.statements.model.Company`. Every problem is collected with
its place (file and row or key) so a user sees all of them at once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from llmecon.config.base import parse_config
from llmecon.config.company import CONTROL, CompanyMeta
from llmecon.constants import ISO_DATE, NUMBER_TEXT
from llmecon.errors import STOPPED, InputError, ValidationError
from llmecon.statements.model import (
    CONFIDENCE,
    MAX_PERIOD_MONTHS,
    MAX_YEAR,
    MIN_YEAR,
    Company,
    Figure,
    Period,
    Role,
    implied_by_label,
)
from llmecon.statements.taxonomy import ItemDef, check_segment, lookup
from llmecon.units import Unit, normalise_currency, parse_unit

#: A period label heads columns of CSV, Markdown and HTML outputs: it starts with a letter
#: or digit (of any script: 2024年), not a spreadsheet's formula sign, and holds no line
#: break, no | (a Markdown column) and no < or > (HTML).
_LABEL_TEXT = re.compile(r"[^\W_][^|<>\r\n\t\v\f]*")

#: Company metadata fields (the ``company:`` block; see :class:`CompanyMeta`).
META_FIELDS: tuple[str, ...] = tuple(f for f in CompanyMeta.model_fields if f != "id")
SHARE_TOLERANCE_PP = 0.05
#: Money items that may be in another currency than the company's (converted with dated FX
#: where used): IPO and market data are quoted where the shares trade.
OTHER_CURRENCY_ITEMS: frozenset[str] = frozenset({
    "offer_price", "ipo_gross_proceeds", "ipo_net_proceeds", "share_price", "market_capitalisation",
    "equity_raised_cumulative",
})


@dataclass(frozen=True)
class Record:
    """One figure as read from a file, before checking. Text fields stay text."""

    where: str
    period: str
    period_end: Any
    period_months: Any
    item: str
    value: Any
    unit: Any
    currency: Any = None
    segment: Any = None
    source: Any = None
    source_count: Any = None
    confidence: Any = None
    note: Any = None
    role: Any = None
    tolerance: Any = None
    period_published: Any = None  # when the period's figures became public (optional)
    published_at: str = ""  # where the file gives it, for errors ('' : ``where``)


def _blank(x: Any) -> bool:
    return x is None or (x.__class__ is str and not x.strip())


#: Items a figure may not give as 0: prices a valuation divides by.
POSITIVE_ITEMS = frozenset({"offer_price", "share_price"})


def _number(x: Any, where: str, field: str) -> float:
    if isinstance(x, bool) or (isinstance(x, str) and not NUMBER_TEXT.fullmatch(x)):
        raise InputError(f"{where}, {field}: expected a number, found {_shown(x)}")
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise InputError(f"{where}, {field}: expected a number, found {_shown(x)}") from None
    if not math.isfinite(v):
        raise InputError(f"{where}, {field}: expected a finite number, found {_shown(x)}")
    return v


def _shown(x: Any) -> str:
    """``x`` as an error shows it: an over-long value (5,001 digits) cut short, a list or
    a mapping as the file wrote it (dates as text, not Python's repr)."""
    import json

    text = json.dumps(x, default=str) if isinstance(x, list | tuple | dict) else repr(x)
    return text if len(text) <= 60 else f"{text[:40]}... ({len(str(x)):,} characters)"


def parse_date(x: Any, where: str, field: str) -> date:
    """A date given as ``YYYY-MM-DD`` text or a YAML date (not a date and time), in the
    years MIN_YEAR-MAX_YEAR; an error names ``where, field``."""
    return parse_date_at(x, f"{where}, {field}")


def parse_date_at(x: Any, place: str) -> date:
    """:func:`parse_date` with an error that begins ``place:``."""
    if isinstance(x, datetime):
        raise InputError(f"{place}: expected a date YYYY-MM-DD, found a date and time "
                         f"{x.isoformat()!r}")
    try:
        if isinstance(x, date):
            day = x
        else:
            text = str(x).strip()
            if not ISO_DATE.fullmatch(text):  # Python also reads '20250301' and '2025-W10-1'
                raise ValueError(text)
            day = date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{place}: expected a date YYYY-MM-DD, found {_shown(x)}") from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:  # 9999-12-31 has no next day: a period's start
        raise InputError(f"{place}: expected a date in the years {MIN_YEAR}-{MAX_YEAR}, "
                         f"found {day}")
    return day


def _months(x: Any, where: str) -> int:
    v = _number(x, where, "period_months")
    if not 0 <= v <= MAX_PERIOD_MONTHS or v != int(v):
        raise InputError(f"{where}, period_months: expected a whole number 0-"
                         f"{MAX_PERIOD_MONTHS} (0 for a balance), found {x!r}")
    return int(v)


def _period(rec: Record, year_end: tuple[int, int], instant: bool) -> Period:
    """The record's period, checked against what a standard label implies.

    A standard label (``FY2024``, ``H1_2025``...) supplies a missing end date and length;
    a balance-sheet item (an instant) needs no length.
    """
    w = rec.where
    if _blank(rec.period):
        raise InputError(f"{w}: missing period label (e.g. FY2024, H1_2025)")
    label = str(rec.period).strip()
    if len(label) > 40:
        raise InputError(f"{w}, period: expected a label of at most 40 characters, found "
                         f"{label[:40]!r}...")
    if not _LABEL_TEXT.fullmatch(label) or CONTROL.search(label):
        raise InputError(f"{w}, period: expected a label starting with a letter or digit, "
                         f"without | < > or line breaks (e.g. FY2024, H1_2025), found "
                         f"{label!r}")
    try:
        implied = implied_by_label(label, year_end)
    except ValueError as e:
        raise InputError(f"{w}, period: {e}") from None
    if _blank(rec.period_end) and implied is None:
        raise InputError(f"{w}, period_end: missing; expected a date YYYY-MM-DD")
    end = implied[0] if implied and _blank(rec.period_end) else parse_date(rec.period_end, w,
                                                                       "period_end")
    if _blank(rec.period_months) and implied is None and not instant:
        raise InputError(f"{w}, period_months: missing; expected months (0 for a balance)")
    if _blank(rec.period_months):
        months = 0 if instant or implied is None else implied[1]
    else:
        months = _months(rec.period_months, w)
    if implied is not None:
        i_end, i_months = implied
        if end != i_end:
            fye = f"{year_end[0]:02d}-{year_end[1]:02d}"
            raise InputError(f"{w}, period_end: {label} ends {i_end} (fiscal year end {fye}; "
                             f"set the company's fiscal_year_end if it differs), found {end}")
        if months not in (0, i_months):
            raise InputError(
                f"{w}, period_months: {label} is {i_months} months (or 0 for a balance at "
                f"its end), found {months}")
    if months and end.year - months // 12 <= MIN_YEAR - 1:
        raise InputError(f"{w}, period_end: expected a date after {MIN_YEAR}, found {end}")
    return Period(label, end, months)


def _value(rec: Record, idef: ItemDef, negate: bool) -> tuple[float, Unit]:
    """The value in base units with its declared unit; sign and range checked."""
    w = rec.where
    if _blank(rec.value):
        raise InputError(f"{w}, value: missing; expected a number")
    value = _number(rec.value, w, "value")
    if _blank(rec.unit):
        raise InputError(f"{w}, unit: missing; declare the scale or unit (e.g. million, "
                         "percent, persons)")
    unit = parse_unit(str(rec.unit), idef.natural_base, where=f"{w}, unit")
    if unit.dimension != idef.dimension:
        raise InputError(f"{w}, unit: {idef.name} is measured in {idef.dimension}, "
                         f"but unit {rec.unit!r} measures {unit.dimension}")
    if negate:
        value = -value
    if idef.sign == "nonnegative" and value < 0:
        raise InputError(f"{w}, value: {idef.name} cannot be negative, found {value:g} "
                         "(amounts keep their natural sign under an explicit name)")
    if idef.name in POSITIVE_ITEMS and value <= 0:
        raise InputError(f"{w}, value: {idef.name} must be above 0 (it divides), found "
                         f"{value:g}")
    if unit.base == "persons" and value * unit.factor != round(value * unit.factor):
        raise InputError(f"{w}, value: expected a whole number of persons, found {value:g}")
    if idef.dimension == "percent":
        if idef.name.endswith("_share") and not -SHARE_TOLERANCE_PP <= value <= 100 + \
                SHARE_TOLERANCE_PP:
            raise InputError(f"{w}, value: {idef.name} is a share in percent, expected 0-100, "
                             f"found {value:g}")
        if idef.name == "gross_margin" and value > 100:
            raise InputError(f"{w}, value: gross margin cannot exceed 100%, found {value:g}")
    scaled = value * unit.factor
    if not math.isfinite(scaled):
        raise InputError(f"{w}, value: {value:g} {unit.text} is too large")
    return scaled, unit


def _currency(rec: Record, idef: ItemDef) -> str | None:
    w = rec.where
    if idef.has_currency:
        if _blank(rec.currency):
            raise InputError(f"{w}, currency: missing for money item {idef.name}; "
                             "expected CNY (RMB), USD or HKD")
        return normalise_currency(str(rec.currency), where=f"{w}, currency")
    if not _blank(rec.currency):
        raise InputError(f"{w}, currency: {idef.name} is not an amount of money "
                         f"({idef.dimension}); leave currency empty, found {rec.currency!r}")
    return None


@dataclass(frozen=True)
class _Provenance:
    source: str
    source_count: int | None
    confidence: str
    note: str
    role: Role
    tolerance: float | None


def _provenance(rec: Record) -> _Provenance:
    w = rec.where
    confidence = "unknown" if _blank(rec.confidence) else str(rec.confidence).strip().lower()
    if confidence not in CONFIDENCE:
        raise InputError(f"{w}, confidence: expected one of {', '.join(CONFIDENCE)}, "
                         f"found {rec.confidence!r}")
    role = "raw" if _blank(rec.role) else str(rec.role).strip().lower()
    if role not in ("raw", "check"):
        raise InputError(f"{w}, role: expected 'raw' or 'check', found {rec.role!r}")
    tolerance: float | None = None
    if not _blank(rec.tolerance):
        tolerance = _number(rec.tolerance, w, "tolerance")
        if tolerance < 0 or role != "check":
            raise InputError(f"{w}, tolerance: only a check value takes a tolerance >= 0, "
                             f"found {rec.tolerance!r} on a {role} figure")
    source_count: int | None = None
    if not _blank(rec.source_count):
        sc = _number(rec.source_count, w, "source_count")
        if sc < 1 or sc != int(sc):
            raise InputError(f"{w}, source_count: expected a whole number >= 1, found "
                             f"{rec.source_count!r}")
        source_count = int(sc)
    if _blank(rec.source):
        raise InputError(f"{w}, source: missing; every figure needs its source "
                         "(URL or document and page)")
    for field, text in (("source", rec.source), ("note", rec.note), ("segment", rec.segment)):
        if isinstance(text, str) and CONTROL.search(text):
            raise InputError(f"{w}, {field}: control characters are not allowed (an escape "
                             "sequence would reach a terminal; a text-direction override "
                             "would show it in another order)")
    return _Provenance(str(rec.source).strip(), source_count, confidence,
                       "" if _blank(rec.note) else str(rec.note).strip(),
                       role,  # type: ignore[arg-type]
                       tolerance)


def build_figure(rec: Record, year_end: tuple[int, int] = (12, 31)) -> Figure:
    """Check one record and build its figure (base units, canonical sign)."""
    w = rec.where
    if _blank(rec.item):
        raise InputError(f"{w}: missing item (metric) name")
    idef, negate = lookup(str(rec.item), where=w)
    period = _period(rec, year_end, idef.temporal == "instant")
    months = period.months
    if idef.temporal == "instant" and months != 0:
        raise InputError(f"{w}: {idef.name} is a balance at a date; period_months must be 0 "
                         f"(in YAML: instant: true), found {months}")
    if idef.temporal == "duration" and months == 0:
        raise InputError(f"{w}: {idef.name} is a flow over a period; period_months must be > 0 "
                         "(in YAML: no instant: true), found 0")
    value, unit = _value(rec, idef, negate)
    currency = _currency(rec, idef)
    segment = check_segment(None if _blank(rec.segment) else str(rec.segment), idef, where=w)
    pv = _provenance(rec)
    return Figure(
        item=idef.name, period=period, value=value, unit=unit.text, currency=currency,
        segment=segment, source=pv.source, source_count=pv.source_count,
        confidence=pv.confidence, note=pv.note, role=pv.role, tolerance=pv.tolerance,
    )


def parse_meta(meta: Mapping[str, Any], company_id: str, origin: str) -> CompanyMeta:
    """The company metadata, validated; errors name the file and ``company.<field>``."""
    data = {k: v for k, v in meta.items() if not _blank(v)}
    data["id"] = company_id
    return parse_config(CompanyMeta, data, f"{origin}: company")


def infer_currency(figures: Sequence[tuple[Figure, str]], origin: str) -> str:
    """The one currency every money figure (outside IPO and market data) uses."""
    seen: dict[str, str] = {}
    for fig, where in figures:
        if fig.currency and fig.item not in OTHER_CURRENCY_ITEMS:
            seen.setdefault(fig.currency, where)
    if len(seen) == 1:
        return next(iter(seen))
    if not seen:
        raise InputError(f"{origin}: company currency: missing, and no money figure to infer it "
                         "from; declare currency in the company metadata")
    found = "; ".join(f"{c} (first at {w})" for c, w in seen.items())
    raise InputError(f"{origin}: company currency: missing, and the figures use several "
                     f"currencies ({found}); declare the company currency and give every "
                     "figure in it")


def _currency_problems(figures: Sequence[tuple[Figure, str]], currency: str) -> list[str]:
    """Figures in another currency than the company's (never combined unconverted)."""
    out: list[str] = []
    for fig, where in figures:
        if fig.currency and fig.currency != currency and fig.item not in OTHER_CURRENCY_ITEMS:
            out.append(f"{where}, currency: {fig.item} is in {fig.currency} but the company "
                       f"reports in {currency}; convert it first (figures in different "
                       "currencies are never combined unconverted)")
            if len(out) >= 20:
                out.append("... (further currency problems not listed)")
                break
    return out


#: A file's problems are collected up to this many; then the check stops, saying so.
MAX_PROBLEMS = 200


def _collect(records: Sequence[Record], meta: CompanyMeta,
             problems: list[str]) -> list[tuple[Figure, str]]:
    """Build every figure; duplicates, inconsistent period ends and unknown lines are
    problems (collected, not raised)."""
    out: list[tuple[Figure, str]] = []
    seen: dict[tuple[str, str | None, str, bool], str] = {}
    ends: dict[str, tuple[date, str]] = {}
    spans: dict[tuple[date, int], tuple[str, str]] = {}  # one label per span
    year_end = meta.year_end
    for rec in records:
        if len(problems) >= MAX_PROBLEMS:  # a file of 50,000 bad rows: name the first ones
            problems.append(f"{STOPPED} {MAX_PROBLEMS} problems: {rec.where} and the "
                            "rows after it were not checked")
            break
        try:
            fig = build_figure(rec, year_end)
        except InputError as e:
            problems.append(str(e))
            continue
        if fig.key in seen:
            seg = f" [{fig.segment}]" if fig.segment else ""
            problems.append(f"{rec.where}: duplicate figure {fig.item}{seg} {fig.period.label} "
                            f"(first given at {seen[fig.key]})")
            continue
        seen[fig.key] = rec.where
        first = ends.setdefault(fig.period.label, (fig.period.end, rec.where))
        if first[0] != fig.period.end:
            problems.append(f"{rec.where}: period {fig.period.label} ends {fig.period.end}, but "
                            f"{first[1]} says it ends {first[0]}")
            continue
        if _other_label(spans, fig.period, rec.where, problems):
            continue
        if fig.segment and fig.segment.startswith("line:") and meta.lines and \
                fig.segment[5:] not in meta.lines:
            problems.append(f"{rec.where}: segment {fig.segment!r} is not one of the company's "
                            f"lines ({', '.join(meta.lines)})")
            continue
        out.append((fig, rec.where))
    return out


def _other_label(spans: dict[tuple[date, int], tuple[str, str]], p: Period, where: str,
                 problems: list[str]) -> bool:
    """Whether another label already names the span of ``p`` (a problem then): periods are
    told apart by their span, so one of the two would be dropped without a word."""
    if p.months == 0:  # a balance may carry the label of any period ending that day
        return False
    label, first = spans.setdefault((p.end, p.months), (p.label, where))
    if label == p.label:
        return False
    span = f"the {p.months} months to {p.end}"
    clash = f"and {p.label} both cover {span}"
    if not any(clash in x for x in problems):  # once per pair of labels
        problems.append(f"{where}: periods {label} ({first}) {clash}; give one label")
    return True


def _published(records: Sequence[Record], periods: Mapping[str, Period],
               durations: set[str], problems: list[str]) -> tuple[tuple[str, date], ...]:
    """Each reporting period's publication date where its records give one: a date, the
    same on every record of the period, not before the period ends; a balance date's
    (an instant with a label of its own) is refused: its figures are published with their
    reporting period's."""
    out: dict[str, tuple[date, str]] = {}
    bad: set[str] = set()  # periods with a problem already named (once each)
    for rec in records:
        label = rec.period
        if _blank(rec.period_published) or label not in periods or label in bad:
            continue
        where = rec.published_at or f"{rec.where}, period_published"
        bad.add(label)  # until the date is found good
        if label not in durations:
            problems.append(f"{where}: a publication date goes on a reporting period; "
                            f"{label} is a balance date ({periods[label].end}), whose figures "
                            "come out with its reporting period's")
            continue
        try:
            day = parse_date_at(rec.period_published, where)
        except InputError as e:
            problems.append(str(e))
            continue
        first = out.setdefault(label, (day, rec.where))
        if first[0] != day:
            problems.append(f"{rec.where}: period {label} was published {day}, but "
                            f"{first[1]} says {first[0]}")
        elif day < periods[label].end:
            problems.append(f"{where}: expected a date on or after the period's end "
                            f"({periods[label].end}), found {day}")
        else:
            bad.discard(label)
    return tuple(sorted((label, day) for label, (day, _) in out.items() if label not in bad))


def build_company(meta: Mapping[str, Any], company_id: str, records: Sequence[Record],
                  origin: str) -> Company:
    """Check metadata and records together and build the company.

    The name defaults to the id and the currency to the one every money figure uses.
    Raises :class:`ValidationError` listing every problem found (metadata errors first).
    """
    cm = parse_meta(meta, company_id, origin)
    problems: list[str] = []
    if not records:
        problems.append("no figures found")
    figures = _collect(records, cm, problems)
    published = _published(records, {f.period.label: f.period for f, _ in figures},
                           {f.period.label for f, _ in figures if not f.period.is_instant},
                           problems)
    currency = cm.currency
    if not currency and figures:
        try:
            currency = infer_currency(figures, origin)
        except InputError as e:
            problems.append(str(e))
    if currency:
        problems.extend(_currency_problems(figures, currency))
    if problems:
        raise ValidationError(origin, problems)
    return Company(
        id=cm.id, name=cm.name or cm.id, currency=currency, business_model=cm.business_model,
        figures=tuple(f for f, _ in figures), ticker=cm.ticker, exchange=cm.exchange,
        listing_date=cm.listing_date, lines=cm.lines, platform_line=cm.platform_line,
        description=cm.description, origin=origin, fiscal_year_end=cm.fiscal_year_end,
        as_of=cm.as_of, coverage_note=cm.coverage_note, published=published,
    )
