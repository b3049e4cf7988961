"""The building blocks of the per-line unit-economics table: tagged rows and the inputs.

Every row is tagged ``disclosed`` (a figure in the company file), ``derived`` (computed
from disclosed figures), ``assumed`` (from the assumptions file) or ``n/a`` (with why).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Literal

from llmecon.config.assumptions import Assumptions
from llmecon.config.inference import ServingFactors
from llmecon.errors import InputError, NotFoundError
from llmecon.inference.catalog import Catalog
from llmecon.metrics.resolve import Resolver
from llmecon.statements.model import Company, Period
from llmecon.units import FxTable

Status = Literal["disclosed", "derived", "assumed", "n/a"]
#: Where a driver comes from.
Source = Literal["disclosed", "derived", "assumed"]
#: How far a value is to be trusted ("" when not stated): presenters mark "low" with †.
Confidence = Literal["high", "medium", "low", ""]


@dataclass(frozen=True)
class Driver:
    """One driver: ``name`` (``line.driver``), value, unit, source tag and its basis."""

    name: str
    value: float
    unit: str
    source: Source
    basis: str
    period: str = ""
    confidence: Confidence = ""


@dataclass(frozen=True)
class UERow:
    """One quantity of one business line, with its unit, status and basis."""

    line: str
    role: str
    quantity: str
    value: float | None
    unit: str
    status: Status
    basis: str
    #: "low" when an input is of low confidence or misfits the period (marked †); "" when
    #: not stated.
    confidence: Confidence = ""


@dataclass(frozen=True)
class LineInputs:
    """Everything a line's rows are computed from (all loaded beforehand)."""

    company: Company
    resolver: Resolver
    assumptions: Assumptions
    fx: FxTable
    catalog: Catalog
    factors: ServingFactors  # the serving model's (every engine's)
    #: Read no period ending after this date (a projection reads its lines at the period it
    #: starts from); None: the newest period disclosing each input.
    until: date | None = None

    def latest(self, item: str, seg: str | None) -> Period:
        """The newest period (up to :attr:`until`) in which ``item`` is available."""
        return latest_with(self.company, self.resolver, item, seg, self.until)

    @property
    def currency(self) -> str:
        return self.company.currency

    def kind(self, line: str) -> str:
        """How a line is modelled: ``api`` (the company's platform line), ``b2b`` (the
        other lines of a project company) or ``c2c`` (those of a product company)."""
        if line == self.company.platform_line:
            return "api"
        return "b2b" if self.company.business_model == "b2b_project" else "c2c"


class Rows:
    """The rows of one line, in order; a NaN or missing value becomes ``n/a``."""

    def __init__(self, line: str, role: str) -> None:
        self.line, self.role = line, role
        self.rows: list[UERow] = []

    def add(self, quantity: str, value: float | None, unit: str, status: Status,
            basis: str, confidence: Confidence = "") -> float | None:
        if value is not None and math.isnan(value):
            value = None
        if value is None and status != "n/a":
            status = "n/a"
        self.rows.append(UERow(self.line, self.role, quantity, value, unit, status, basis,
                               confidence))
        return value

    def tagged(self, quantity: str, got: tuple[float | None, str], unit: str) -> float | None:
        """Add a value read with :func:`get` (its status and confidence follow its basis
        text)."""
        return self.add(quantity, got[0], unit, status_of(got[1]), got[1],
                        confidence_of(got[1]))

    def driver(self, quantity: str, d: Driver) -> float | None:
        """Add a driver as a row (its value, unit, source, basis and confidence)."""
        return self.add(quantity, d.value, d.unit, d.source, d.basis, d.confidence)


@contextmanager
def about_line(company: Company, line: str, p: Period) -> Iterator[None]:
    """A line model's inputs refused (they name no file: a consumer line's paying users of
    0) name the company's file, the line and the period they were read at."""
    try:
        yield
    except NotFoundError:
        raise
    except InputError as e:
        raise InputError(f"{company.origin or company.id}, line {line}, {p.label}: {e}") \
            from None


def get(r: Resolver, item: str, p: Period, seg: str | None = None) -> tuple[float | None, str]:
    """A value and its basis text: 'disclosed (confidence)', 'derived: ...' or why n/a."""
    v = r.get(item, p.label, seg)
    if not v.ok:
        return None, v.why
    if v.value is not None and not math.isfinite(v.value):  # no revenue: no receivable days
        return None, f"{item} {p.label} not defined ({v.shown_basis} gives {v.value})"
    if v.shown_basis == "reported":
        return v.value, f"disclosed ({v.confidence} confidence)"
    return v.value, f"{v.shown_basis} ({v.confidence} confidence)"  # 'derived: ...


def credit_receivable_days(x: LineInputs, p: Period) -> tuple[float | None, str]:
    """The disclosed receivable days counted on the revenue of the lines that bill on
    credit, the project lines (the projection holds every receivable on them), and how:
    company days x company revenue / those lines' revenue. The company's days where a
    line's revenue is not disclosed, or where the project lines earn less than half the
    revenue (the others then bill on credit too: 112 days over 5% of revenue would read as
    2,144). Zhipu H1 2025: 112.3 x 190.9 / 162.0 = 132.4 days."""
    days, tag = get(x.resolver, "receivable_days", p)
    total, _ = get(x.resolver, "revenue", p)
    credit = [get(x.resolver, "revenue", p, f"line:{ln}")[0] for ln in x.company.lines
              if x.kind(ln) == "b2b"]
    if days is None or not total or not credit or any(v is None or v <= 0 for v in credit):
        return days, tag
    share = sum(v for v in credit if v is not None) / total
    if share >= 1.0:
        return days, tag
    if share < 0.5:
        return days, (f"{tag}; the company's, as the project lines earn only {share:.1%} of "
                      "its revenue (the other lines bill on credit too)")
    return days / share, (f"{tag}; on the project lines' revenue, {share:.1%} of the company's "
                          f"(the rest is billed without credit): {days:,.1f} / {share:.3f}")


def confidence_of(tag: str) -> Confidence:
    """The confidence a :func:`get` basis text states, the lowest when it names several
    ("" when none).

    >>> confidence_of("disclosed (low confidence)"), confidence_of("not disclosed")
    ('low', '')
    """
    levels: tuple[Confidence, ...] = ("low", "medium", "high")
    return next((c for c in levels if f"({c} confidence)" in tag), "")


def row_confidence(confidence: str) -> Confidence:
    """A figure's confidence as a row takes it ('unknown' and anything else: '').

    >>> row_confidence("medium"), row_confidence("unknown")
    ('medium', '')
    """
    levels: tuple[Confidence, ...] = ("low", "medium", "high")
    return next((c for c in levels if c == confidence), "")


def status_of(tag: str) -> Status:
    return "disclosed" if tag.startswith("disclosed") else "derived" \
        if tag.startswith("derived") else "n/a"


def latest_with(company: Company, r: Resolver, item: str, seg: str | None,
                until: date | None = None) -> Period:
    """The latest duration period (ending on or before ``until``, if given) in which
    ``item`` is available (else the latest of those periods)."""
    periods = sorted((q for q in company.duration_periods if until is None or q.end <= until),
                     key=lambda q: (q.end, q.months), reverse=True)
    if not periods:
        up_to = "" if until is None else f" ending by {until.isoformat()}"
        raise NotFoundError(f"{company.id}: no duration periods{up_to} (income or cash-flow "
                            "figures)")
    return next((p for p in periods if r.get(item, p.label, seg).ok), periods[0])


@dataclass(frozen=True)
class LineStart:
    """The period a line is read at, its rows so far, and its revenue and gross margin."""

    period: Period
    rows: Rows
    revenue: tuple[float | None, str]
    gross_margin: tuple[float | None, str]


def line_start(x: LineInputs, line: str, role: str, anchor: str) -> LineStart:
    """Start a line at the latest period with ``anchor`` (its first row is the period)."""
    seg = f"line:{line}"
    p = x.latest(anchor, seg)
    out = Rows(line, role)
    out.add("period", p.months, "months", "disclosed", p.label)
    return LineStart(p, out, get(x.resolver, "revenue", p, seg),
                     get(x.resolver, "gross_margin", p, seg))
