"""Rank every company on one signal: who leads the field, each value with its period end.

Rank 1 is the best value where the signal says which way is better (a higher gross margin
or runway, a lower burn, R&D / revenue or receivable days; for a signal that matters to one
business model only, such as S&M per net new MAU, that model's way); where it does not
(compute share of R&D, overseas share), rank 1 is the highest value. The ranking says which.
The value ranked is each company's latest value of the signal (up to an optional date),
the same one the signals table shows. Periods differ between companies (a fiscal year
ending in January, an interim to June); every entry names its period, length and end, and
money signals are converted to one currency (flows at the period's average rate, stocks at
the closing rate) when a currency is given. Entries without a value come last, with why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from llmecon.errors import NotFoundError, did_you_mean
from llmecon.metrics import signals as s
from llmecon.metrics.tables import SIGNALS, SignalSpec, convert_value
from llmecon.metrics.values import MetricValue
from llmecon.statements.model import Company

if TYPE_CHECKING:
    import pandas as pd
from llmecon.units import FxTable


@dataclass(frozen=True)
class PeerEntry:
    """One company's value on the signal; ``rank`` 1 is the best (or the highest: see
    :attr:`PeerRanking.order`)."""

    rank: int | None
    company_id: str
    company_name: str
    value: MetricValue

    @property
    def period(self) -> str:
        """``FY2025 (12M to 2025-12-31)``."""
        p = self.value.period
        return f"{p.label} ({p.months}M to {p.end.isoformat()})"


@dataclass(frozen=True)
class PeerRanking:
    signal: str
    label: str
    meaning: str
    entries: tuple[PeerEntry, ...]
    note: str = ""  # e.g. the conversion that made values in several currencies comparable
    #: how rank 1 was chosen: "highest first (higher is better)", "lowest first (lower is
    #: better)" or "highest first (neither is better for every business model)"
    order: str = ""

    def to_frame(self) -> pd.DataFrame:
        """One row per company, best first, with the fields of ``peers --format json``:
        ``rank`` (nullable integer: <NA> without a value), ``company``, ``value`` (raw;
        NaN without one, ``why`` then says why), ``unit``, ``currency``, ``period``,
        ``period_end``, ``period_months``, ``annualised``, ``confidence`` (None without a
        value), ``basis``, ``method``. ``attrs`` holds ``signal``, ``label``, ``order``
        and ``note``."""
        import pandas as pd

        out = pd.DataFrame([{
            "rank": e.rank, "company": e.company_id, "company_name": e.company_name,
            "value": e.value.value if e.value.ok else float("nan"), "unit": e.value.unit,
            "currency": e.value.currency, "period": e.value.period.label,
            "period_end": e.value.period.end, "period_months": e.value.period.months,
            "annualised": e.value.annualised,
            "confidence": e.value.confidence if e.value.ok else None,
            "basis": e.value.basis if e.value.ok else "",
            "why": "" if e.value.ok else e.value.why, "method": e.value.method,
        } for e in self.entries], columns=_FRAME_COLUMNS)
        out["rank"] = out["rank"].astype("Int64")
        out["value"] = out["value"].astype("float64")
        out.attrs = {"signal": self.signal, "label": self.label, "order": self.order,
                     "note": self.note}
        return out


_FRAME_COLUMNS = ("rank", "company", "company_name", "value", "unit", "currency", "period",
                  "period_end", "period_months", "annualised", "confidence", "basis", "why",
                  "method")


def signal_spec(key: str) -> SignalSpec:
    """The signal named ``key``; unknown keys list the known ones."""
    for spec in SIGNALS:
        if spec.key == key:
            return spec
    keys = [x.key for x in SIGNALS]
    hint = did_you_mean(key, keys)
    raise NotFoundError(f"unknown signal {key!r}; " + (f"{hint} " if hint else "")
                        + f"known: {', '.join(keys)}")


def _latest(ctx: s.Context, spec: SignalSpec, until: date | None) -> MetricValue | None:
    """The newest value of ``spec`` (periods ending by ``until``). Where it is not the
    newest period's (that one is n/a), its basis says so first: SoundHound's runway at
    December 2023 while its 2024 cash is bundled without a 2024 burn (walk33 #11)."""
    periods = sorted((p for p in ctx.company.duration_periods
                      if until is None or p.end <= until),
                     key=lambda p: (p.end, p.months), reverse=True)
    values = [spec.fn(ctx, p) for p in periods]
    found = next((v for v in values if v.ok), values[0] if values else None)
    if found is None or not found.ok or found is values[0]:
        return found
    newest = values[0]
    return replace(found, basis=f"{STALE} {found.period.label}, not the newest period "
                   f"{newest.period.label} ({newest.why}); {found.basis}")


#: How the basis of a value from an older period than the company's newest starts.
STALE = "older period:"


def better(spec: SignalSpec) -> tuple[int, bool]:
    """(1, ...) where a higher value is better, (-1, ...) where a lower one is, (0, False)
    where no direction is (neutral for both business models, or opposite ways); the flag
    says the direction holds for one business model and is neutral for the other (S&M per
    net new MAU: lower is better for a C2C company, neutral for a B2B one)."""
    if spec.b2b == spec.c2c:
        return spec.b2b, False
    if 0 in (spec.b2b, spec.c2c):
        return spec.b2b or spec.c2c, True
    return 0, False


def _order(way: int, partial: bool) -> str:
    if way == 0:
        return "highest first (neither is better for every business model)"
    first = "highest first (higher" if way > 0 else "lowest first (lower"
    return first + (" is better for one business model, neutral for the other)" if partial
                    else " is better)")


def rank_peers(companies: Sequence[Company], signal: str, *, until: date | None = None,
               currency: str | None = None, fx: FxTable | None = None) -> PeerRanking:
    """Every company's latest value of ``signal`` (periods ending by ``until``), best first
    (highest first where the signal does not say which way is better); money converted to
    ``currency`` with ``fx`` when both are given."""
    spec = signal_spec(signal)
    if currency is not None:  # checked for every signal (EUR passed for a ratio)
        from llmecon.units import normalise_currency

        currency = normalise_currency(currency, where="currency")
    latest = [(c, _latest(s.Context(c, fx), spec, until)) for c in companies]
    found = sorted({mv.currency for _, mv in latest if mv is not None and mv.ok and mv.currency})
    note = ""
    if currency is None and len(found) > 1:  # amounts in several currencies do not rank
        from llmecon.units import load_fx

        currency, fx = "USD", fx or load_fx()
        note = (f"converted to USD to rank them: the companies report in {' and '.join(found)} "
                "(each basis gives the rate; --currency to choose another)")
    ok: list[tuple[Company, MetricValue]] = []
    missing: list[tuple[Company, MetricValue]] = []
    unranked = [c.id for c, mv in latest if mv is None]
    for c, mv in latest:
        if mv is None:
            continue
        if currency and fx is not None and mv.ok:
            mv = convert_value(mv, currency, fx)
        (ok if mv.ok else missing).append((c, mv))
    stale = [f"{c.id} ({mv.period.label})" for c, mv in ok
             if mv.basis.startswith(STALE)]
    if stale:
        more = ("ranked on an older period, its newest having no value (the basis says "
                "why): " + ", ".join(stale))
        note = f"{note}; {more}" if note else more
    way, partial = better(spec)
    ok.sort(key=lambda cm: -(way or 1) * float(cm[1].value or 0.0))
    entries = [PeerEntry(i + 1, c.id, c.name, mv) for i, (c, mv) in enumerate(ok)]
    entries += [PeerEntry(None, c.id, c.name, mv) for c, mv in missing]
    if not entries:
        note = "no company has a period" + (f" ending on or before {until}" if until else "")
    elif unranked:  # a company without a period to read the signal at is named, not dropped
        gone = ("not ranked, no period of figures" + (f" ending on or before {until}"
                                                       if until else "") + ": "
                + ", ".join(unranked))
        note = f"{note}; {gone}" if note else gone
    return PeerRanking(spec.key, spec.label, spec.meaning, tuple(entries), note,
                       _order(way, partial))
