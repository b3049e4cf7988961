"""Units, scales, currencies and foreign exchange.

Scale ("RMB million") is converted once, at loading: values inside llmecon are in
base units (RMB, persons, tokens per day). The declared unit is kept on each figure so
presenters can say it and exports can write it back.

FX follows the accounting convention: flows (revenue, costs, cash flows) convert at
the average rate of their period; stocks (cash, receivables) at the closing rate of
their date.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from llmecon.constants import ISO_DATE, MAX_YEAR, MIN_YEAR
from llmecon.errors import InputError, NotFoundError, did_you_mean

SCALES: dict[str, float] = {
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
}

#: Unit bases and the dimension each one measures.
BASES: dict[str, str] = {
    "money": "money",
    "percent": "percent",
    "count": "count",
    "persons": "count",
    "users": "count",
    "shares": "count",
    "days": "days",
    "months": "months",
    "tokens_per_day": "tokens_per_day",
    "per_paying_user": "money_per_user",
    "per_user": "money_per_user",
    "per_share": "money_per_share",
    "per_month": "money_per_month",
    "date": "date",
}

CURRENCIES: tuple[str, ...] = ("CNY", "USD", "HKD")
CURRENCY_ALIASES: dict[str, str] = {"RMB": "CNY", "CNY": "CNY", "USD": "USD", "HKD": "HKD"}
#: Currencies pegged to another: the Hong Kong dollar trades at HK$7.75-7.85 per US dollar
#: (the Linked Exchange Rate System, HKMA, band since May 2005), so against any third
#: currency it moves as the US dollar does. The one list of pegs (FX noise, which currency
#: IPO proceeds are held in).
PEGS: dict[str, str] = {"HKD": "USD"}


def anchor_currency(code: str) -> str:
    """The currency ``code`` moves with: the one it is pegged to, else itself.

    >>> anchor_currency("HKD"), anchor_currency("CNY")
    ('USD', 'CNY')
    """
    return PEGS.get(code, code)


@dataclass(frozen=True)
class Unit:
    """A parsed unit: a scale factor and a base.

    >>> parse_unit("trillion_tokens_per_day", "tokens_per_day")
    Unit(text='trillion_tokens_per_day', factor=1000000000000.0, base='tokens_per_day')
    >>> parse_unit("million", "money").factor
    1000000.0
    """

    text: str
    factor: float
    base: str

    @property
    def dimension(self) -> str:
        return BASES[self.base]


def parse_unit(text: str, natural_base: str, *, where: str = "") -> Unit:
    """Parse a declared unit such as ``million``, ``percent`` or ``million_per_month``.

    A bare scale word (``million``) or ``units`` takes the item's natural base.
    """
    raw = (text or "").strip().lower()
    prefix = f"{where}: " if where else ""
    if raw in ("unit", "units", "ones"):
        return Unit("units", 1.0, natural_base)
    if raw == "":
        raise InputError(f"{prefix}unit missing; declare the scale or unit (e.g. units, "
                         "million, percent)")
    if raw in SCALES:
        return Unit(raw, SCALES[raw], natural_base)
    if raw in BASES:
        return Unit(raw, 1.0, raw)
    head, _, rest = raw.partition("_")
    if head in SCALES and rest in BASES:
        return Unit(raw, SCALES[head], rest)
    known = [*SCALES, *BASES, *(f"{h}_{b}" for h in SCALES for b in BASES)]
    hint = did_you_mean(raw, known)
    raise InputError(
        f"{prefix}unknown unit {text!r}; {hint + ' ' if hint else ''}expected a scale "
        f"({', '.join(sorted(SCALES))}), a base ({', '.join(sorted(BASES))}) or scale_base "
        "such as 'million_per_month'"
    )


def normalise_currency(code: str, *, where: str = "") -> str:
    """Return the ISO code of a currency (``RMB`` is accepted for ``CNY``).

    >>> normalise_currency("RMB")
    'CNY'
    """
    key = code.strip().upper() if isinstance(code, str) else ""
    if key not in CURRENCY_ALIASES:
        prefix = f"{where}: " if where else ""
        raise InputError(
            f"{prefix}unknown currency {code!r}; expected one of "
            f"{', '.join(sorted(CURRENCY_ALIASES))}"
        )
    return CURRENCY_ALIASES[key]


RateKind = Literal["average", "closing"]


@dataclass(frozen=True)
class FxRate:
    """Units of ``quote`` per one unit of ``base`` (``USD/CNY 7.12`` = 7.12 CNY per USD).

    An average rate covers ``start``..``end``; a closing rate is for the date ``end``.
    """

    base: str
    quote: str
    kind: RateKind
    start: date | None
    end: date
    rate: float
    source: str
    confidence: str
    note: str = ""


@dataclass(frozen=True)
class FxTable:
    """A set of dated, sourced FX rates; look-ups never guess a rate that is not there."""

    rates: tuple[FxRate, ...]

    def __repr__(self) -> str:
        pairs = sorted({f"{r.base}/{r.quote}" for r in self.rates})
        if not self.rates:
            return "FxTable(0 rates)"
        first = min(r.start or r.end for r in self.rates)
        last = max(r.end for r in self.rates)
        return (f"FxTable({len(self.rates)} rates, pairs {', '.join(pairs)}, "
                f"{first.isoformat()}..{last.isoformat()})")

    def __rich__(self) -> str:
        """A one-line summary for rich consoles (no markup taken from the data)."""
        from rich.markup import escape

        return escape(repr(self))

    def _direct(self, base: str, quote: str, kind: RateKind, start: date | None,
                end: date) -> FxRate | None:
        for r in self.rates:
            if r.base == base and r.quote == quote and r.kind == kind and r.end == end and (
                kind == "closing" or r.start == start
            ):
                return r
        return None

    def _pair(self, base: str, quote: str, kind: RateKind, start: date | None,
              end: date) -> tuple[float, list[FxRate]] | None:
        if base == quote:
            return 1.0, []
        r = self._direct(base, quote, kind, start, end)
        if r is not None:
            return r.rate, [r]
        r = self._direct(quote, base, kind, start, end)
        if r is not None:
            return 1.0 / r.rate, [r]
        return None

    def rate(self, base: str, quote: str, kind: RateKind, start: date | None,
             end: date) -> tuple[float, list[FxRate]]:
        """Units of ``quote`` per ``base`` for a period (average) or a date (closing).

        Cross rates go through USD. Raises :class:`NotFoundError` when no rate is bundled.
        """
        base, quote = normalise_currency(base), normalise_currency(quote)
        got = self._pair(base, quote, kind, start, end)
        if got is not None:
            return got
        a = self._pair(base, "USD", kind, start, end)
        b = self._pair("USD", quote, kind, start, end)
        if a is not None and b is not None:
            return a[0] * b[0], a[1] + b[1]
        when = f"{start}..{end}" if kind == "average" else f"{end}"
        raise MissingRate(f"no {kind} {base}/{quote} rate for {when}")


class MissingRate(NotFoundError):
    """No bundled or given rate for a conversion; ``what`` names it, without the advice."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what}; add one with --fx FILE (a file shaped as "
                         "llmecon/data/fx.yaml)")
        self.what = what


def convert(value: float, rate: float) -> float:
    """Convert an amount with a rate in units of target currency per source unit.

    >>> convert(100.0, 7.0)
    700.0
    """
    return value * rate


def _parse_date(value: Any, where: str) -> date:
    """A date as company files take it: YYYY-MM-DD (not ``20240101``, ``2024-W01-1`` nor a
    date and time) in the years MIN_YEAR-MAX_YEAR."""
    if isinstance(value, datetime):
        raise InputError(f"{where}: expected a date YYYY-MM-DD, found a date and time "
                         f"{value.isoformat()!r}")
    try:
        if isinstance(value, date):
            day = value
        elif not ISO_DATE.fullmatch(str(value).strip()):
            raise ValueError(value)
        else:
            day = date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(f"{where}: expected a date YYYY-MM-DD, found {value!r}") from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise InputError(f"{where}: expected a date in the years {MIN_YEAR}-{MAX_YEAR}, "
                         f"found {day}")
    return day


def fx_table_from_records(records: Iterable[Mapping[str, Any]], source: str) -> FxTable:
    """Build an :class:`FxTable` from mappings (the rows of an FX YAML file)."""
    out: list[FxRate] = []
    for i, rec in enumerate(records):
        where = f"{source}: rates[{i}]"
        if not isinstance(rec, Mapping):
            raise InputError(f"{where}: expected a mapping (pair, kind, start, end, rate, "
                             f"source), found {type(rec).__name__}")
        if isinstance(rec.get("rate"), bool):
            raise InputError(f"{where}.rate: expected a number, found {rec.get('rate')!r}")
        try:
            pair = str(rec["pair"])
            base, _, quote = pair.partition("/")
            kind = str(rec["kind"])
            rate = float(rec["rate"])
            src, end = str(rec["source"]), rec["end"]
        except KeyError as e:
            raise InputError(f"{where}: missing field {e.args[0]!r}") from None
        except (TypeError, ValueError):
            raise InputError(f"{where}.rate: expected a number, found {rec.get('rate')!r}") \
                from None
        end = _parse_date(end, where + ".end")  # its own error, not the rate's
        if kind not in ("average", "closing"):
            raise InputError(f"{where}.kind: expected 'average' or 'closing', found {kind!r}")
        if not (math.isfinite(rate) and rate > 0):
            raise InputError(f"{where}.rate: expected a positive number, found {rate!r}")
        start = _parse_date(rec["start"], where + ".start") if kind == "average" else None
        if kind == "average" and "start" not in rec:
            raise InputError(f"{where}: an average rate needs 'start'")
        out.append(FxRate(
            normalise_currency(base, where=where + ".pair"),
            normalise_currency(quote, where=where + ".pair"),
            kind,  # type: ignore[arg-type]
            start, end, rate, src, str(rec.get("confidence", "unknown")),
            str(rec.get("note", "")),
        ))
    return FxTable(tuple(out))


#: The environment variable naming FX files of a user's own (paths joined by ``os.pathsep``;
#: the command line's ``--fx FILE`` sets it), read before the bundled table.
FX_ENV = "LLMECON_FX"


def load_fx(path: str | Path | None = None) -> FxTable:
    """Load the bundled FX table, or a user's file of the same shape. Without ``path``, the
    rates of the files :data:`FX_ENV` names come first (a rate they give for the same pair,
    kind and dates is the one used), then the bundled ones."""
    import os

    from llmecon.yamlfile import read_mapping, read_package_mapping

    if path is not None:
        return _fx_file(read_mapping(path, "FX"), str(path))
    bundled = _fx_file(read_package_mapping("data/fx.yaml"), "llmecon/data/fx.yaml")
    own = [p for p in os.environ.get(FX_ENV, "").split(os.pathsep) if p.strip()]
    if not own:
        return bundled
    tables = [_fx_file(read_mapping(p, "FX"), p) for p in own]
    return FxTable(tuple(r for tab in [*tables, bundled] for r in tab.rates))


def _fx_file(doc: Mapping[str, Any], name: str) -> FxTable:
    if not isinstance(doc.get("rates"), list):
        raise InputError(f"{name}: expected a mapping with a 'rates' list")
    return fx_table_from_records(doc["rates"], name)
