"""Turning file records (a CSV row, a YAML mapping) into validated figures.

Both file formats produce the same flat records; this module checks each record and
the set of them (periods consistent, no duplicates, signs, units, currencies) and
builds the :class:`~llmecon.statements.model.Company`. Every problem is collected with
its place (file and row or key) so a user sees all of them at once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from llmecon.errors import InputError, ValidationError
from llmecon.statements.model import (
    BUSINESS_MODELS,
    CONFIDENCE,
    Company,
    Figure,
    Period,
    implied_by_label,
)
from llmecon.statements.taxonomy import check_segment, lookup
from llmecon.units import normalise_currency, parse_unit

#: Company metadata fields; ``name``, ``currency`` and ``business_model`` are required.
META_FIELDS: tuple[str, ...] = (
    "name", "ticker", "exchange", "listing_date", "currency", "business_model", "lines",
    "platform_line", "description",
)
REQUIRED_META: tuple[str, ...] = ("name", "currency", "business_model")
SHARE_TOLERANCE_PP = 0.05


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


def _blank(x: Any) -> bool:
    return x is None or (isinstance(x, str) and x.strip() == "")


def _number(x: Any, where: str, field: str) -> float:
    if isinstance(x, bool):
        raise InputError(f"{where}, {field}: expected a number, found {x!r}")
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise InputError(f"{where}, {field}: expected a number, found {x!r}") from None
    if not math.isfinite(v):
        raise InputError(f"{where}, {field}: expected a finite number, found {x!r}")
    return v


def _date(x: Any, where: str, field: str) -> date:
    if isinstance(x, date):
        return x
    try:
        return date.fromisoformat(str(x).strip())
    except ValueError:
        raise InputError(f"{where}, {field}: expected a date YYYY-MM-DD, found {x!r}") from None


def _months(x: Any, where: str) -> int:
    v = _number(x, where, "period_months")
    if v < 0 or v != int(v):
        raise InputError(f"{where}, period_months: expected a whole number >= 0, found {x!r}")
    return int(v)


def build_figure(rec: Record) -> Figure:
    """Check one record and build its figure (base units, canonical sign)."""
    w = rec.where
    if _blank(rec.item):
        raise InputError(f"{w}: missing item (metric) name")
    idef, negate = lookup(str(rec.item), where=w)
    if _blank(rec.period):
        raise InputError(f"{w}: missing period label (e.g. FY2024, H1_2025)")
    label = str(rec.period).strip()
    if _blank(rec.period_end):
        raise InputError(f"{w}, period_end: missing; expected a date YYYY-MM-DD")
    end = _date(rec.period_end, w, "period_end")
    if _blank(rec.period_months):
        raise InputError(f"{w}, period_months: missing; expected months (0 for a balance)")
    months = _months(rec.period_months, w)
    implied = implied_by_label(label)
    if implied is not None:
        i_end, i_months = implied
        if end != i_end:
            raise InputError(f"{w}, period_end: {label} ends {i_end}, found {end}")
        if months not in (0, i_months):
            raise InputError(
                f"{w}, period_months: {label} is {i_months} months (or 0 for a balance at "
                f"its end), found {months}")
    if idef.temporal == "instant" and months != 0:
        raise InputError(f"{w}: {idef.name} is a balance at a date; period_months must be 0, "
                         f"found {months}")
    if idef.temporal == "duration" and months == 0:
        raise InputError(f"{w}: {idef.name} is a flow over a period; period_months must be > 0, "
                         "found 0")
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
    currency: str | None = None
    if idef.has_currency:
        if _blank(rec.currency):
            raise InputError(f"{w}, currency: missing for money item {idef.name}; "
                             "expected CNY (RMB), USD or HKD")
        currency = normalise_currency(str(rec.currency), where=f"{w}, currency")
    elif not _blank(rec.currency):
        raise InputError(f"{w}, currency: {idef.name} is not an amount of money "
                         f"({idef.dimension}); leave currency empty, found {rec.currency!r}")
    if negate:
        value = -value
    if idef.sign == "nonnegative" and value < 0:
        raise InputError(f"{w}, value: {idef.name} cannot be negative, found {value:g} "
                         "(amounts keep their natural sign under an explicit name)")
    if idef.dimension == "percent":
        if idef.name.endswith("_share") and not -SHARE_TOLERANCE_PP <= value <= 100 + \
                SHARE_TOLERANCE_PP:
            raise InputError(f"{w}, value: {idef.name} is a share in percent, expected 0-100, "
                             f"found {value:g}")
        if idef.name == "gross_margin" and value > 100:
            raise InputError(f"{w}, value: gross margin cannot exceed 100%, found {value:g}")
    segment = check_segment(None if _blank(rec.segment) else str(rec.segment), idef, where=w)
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
        if sc < 0 or sc != int(sc):
            raise InputError(f"{w}, source_count: expected a whole number, found "
                             f"{rec.source_count!r}")
        source_count = int(sc)
    if _blank(rec.source):
        raise InputError(f"{w}, source: missing; every figure needs its source "
                         "(URL or document and page)")
    return Figure(
        item=idef.name, period=Period(label, end, months), value=value * unit.factor,
        unit=unit.text, currency=currency, segment=segment, source=str(rec.source).strip(),
        source_count=source_count, confidence=confidence,
        note="" if _blank(rec.note) else str(rec.note).strip(),
        role=role,  # type: ignore[arg-type]
        tolerance=tolerance,
    )


def build_company(meta: Mapping[str, Any], company_id: str, records: Sequence[Record],
                  origin: str) -> Company:
    """Check metadata and records together and build the company.

    Raises :class:`ValidationError` listing every problem found.
    """
    problems: list[str] = []
    if not records:
        problems.append("no figures found")
    for key in REQUIRED_META:
        if _blank(meta.get(key)):
            problems.append(f"company metadata: missing {key!r}")
    unknown = sorted(set(meta) - set(META_FIELDS) - {"id"})
    if unknown:
        problems.append(f"company metadata: unknown field(s) {', '.join(unknown)}; expected "
                        f"{', '.join(META_FIELDS)}")
    currency = ""
    if not _blank(meta.get("currency")):
        try:
            currency = normalise_currency(str(meta["currency"]), where="company currency")
        except InputError as e:
            problems.append(str(e))
    bm = str(meta.get("business_model", "")).strip()
    if bm and bm not in BUSINESS_MODELS:
        problems.append(f"company business_model: expected one of {', '.join(BUSINESS_MODELS)}, "
                        f"found {bm!r}")
    listing: date | None = None
    if not _blank(meta.get("listing_date")):
        try:
            listing = _date(meta["listing_date"], "company", "listing_date")
        except InputError as e:
            problems.append(str(e))
    lines_raw = meta.get("lines") or ()
    if isinstance(lines_raw, str):
        lines_raw = [s for s in (x.strip() for x in lines_raw.replace("|", ";").split(";")) if s]
    lines = tuple(str(x) for x in lines_raw)

    platform = str(meta.get("platform_line") or "").strip()
    if platform and platform not in lines:
        problems.append(f"company platform_line: {platform!r} is not one of the lines "
                        f"({', '.join(lines) or 'none declared'})")
    figures: list[Figure] = []
    seen: dict[tuple[str, str | None, str, bool], str] = {}
    ends: dict[str, tuple[date, str]] = {}
    for rec in records:
        try:
            fig = build_figure(rec)
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
        if fig.segment and fig.segment.startswith("line:") and lines and \
                fig.segment[5:] not in lines:
            problems.append(f"{rec.where}: segment {fig.segment!r} is not one of the company's "
                            f"lines ({', '.join(lines)})")
            continue
        figures.append(fig)
    if problems:
        raise ValidationError(origin, problems)
    return Company(
        id=company_id, name=str(meta["name"]), currency=currency,
        business_model=bm,  # type: ignore[arg-type]
        figures=tuple(figures), ticker=str(meta.get("ticker") or ""),
        exchange=str(meta.get("exchange") or ""), listing_date=listing, lines=lines,
        platform_line=platform,
        description=str(meta.get("description") or ""), origin=origin,
    )
