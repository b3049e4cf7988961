"""Text formatting of metric values (the only place where numbers are rounded)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from llmecon.metrics.values import NOT_APPLICABLE, MetricValue

LOW_MARK = "†"  # low confidence: a conflicting or derived source figure
MEDIUM_MARK = "°"  # medium confidence: a single source
ANNUALISED_MARK = "ᵃ"

#: What each confidence mark means (the legend's words, and Excel's cell comments).
CONFIDENCE_MEANING = {"low": "low confidence: rests on a conflicting or derived source figure",
                      "medium": "medium confidence: rests on a single source"}

CURRENCY_LABEL = {"CNY": "RMB", "USD": "US$", "HKD": "HK$"}


def money(value: float, currency: str | None) -> str:
    """Money in millions when large, else in units.

    >>> money(312414000.0, "CNY")
    'RMB 312.4m'
    >>> money(2.3845, "USD")
    'US$ 2.38'
    >>> money(-0.0001, "USD")  # rounds to zero: no sign
    'US$ 0.00'
    """
    cur = CURRENCY_LABEL.get(currency or "", currency or "")
    if abs(value) < 0.005:
        value = 0.0
    if abs(value) >= 1e9:
        return f"{cur} {value / 1e9:,.2f}bn".strip()
    if abs(value) >= 1e6:
        return f"{cur} {value / 1e6:,.1f}m".strip()
    if abs(value) >= 1e3:
        return f"{cur} {value / 1e3:,.1f}k".strip()
    return f"{cur} {value:,.2f}".strip()


def share_as_given(share: float) -> str:
    """A share someone chose (a target margin) as a percentage with the digits it was given
    with, up to twelve significant ones (float noise such as 30.000000000000004 left out):
    never rounded to a whole percent that is not it.

    >>> [share_as_given(v) for v in (0.5, 0.005, 0.3, 0.999999999999, 0.0)]
    ['50%', '0.5%', '30%', '99.9999999999%', '0%']
    """
    return f"{share * 100:.12g}%"


def percent_digits(share: float, digits: int = 1, *, sign: bool = False) -> str:
    """``share`` x 100 as text with ``digits`` decimals, rounded half up on its 15
    significant digits: the rule of a spreadsheet's ``0.0%`` number format (and of the
    dashboard, which shows this text), so every output shows one text for one value.
    Python's own rounding is half-even on the binary value: a P(cash < 0) of 245 paths in
    2,000 (12.25%) printed 12.2% on the terminal and 12.3% in Excel and the browser.

    >>> [percent_digits(v) for v in (245 / 2000, 0.4995, 0.028499999999999998, -0.0125)]
    ['12.3', '50.0', '2.9', '-1.3']
    >>> percent_digits(12.5, sign=True), percent_digits(0.0)
    ('+1,250.0', '0.0')
    """
    scaled = Decimal(f"{share:.15g}").scaleb(2)
    rounded = scaled.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return f"{rounded:{'+' if sign else ''},.{digits}f}"


def percent(share: float, digits: int = 1) -> str:
    """A share as a percentage (:func:`percent_digits`); ``n/a`` when it is not a number.

    >>> percent(0.1225), percent(float("nan"))
    ('12.3%', 'n/a')
    """
    if not math.isfinite(share):
        return "n/a"
    return percent_digits(share, digits) + "%"


def compact(value: float) -> str:
    """A number to four significant digits, large ones with a k/m/bn/tn suffix (never in
    scientific notation).

    >>> [compact(v) for v in (1.266e7, 49370.0, 4.507e12, 0.02437, -0.1922, 2500.0)]
    ['12.66m', '49.37k', '4.507tn', '0.02437', '-0.1922', '2,500']
    """
    a = abs(value)
    if not math.isfinite(value) or a < 1e4:
        return f"{value:,.4g}" if a >= 1e-4 or value == 0 else f"{value:.3e}"
    for div, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if a >= div:
            return f"{value / div:,.4g}{suffix}"
    return f"{value:,.4g}"  # pragma: no cover (a >= 1e4 always has a suffix)


def number(mv: MetricValue) -> str:
    """A value as text without marks."""
    v = mv.value
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    if math.isinf(v):
        return "no burn" if mv.unit == "months" else "inf"
    u = mv.unit
    if u == "ratio":
        return percent(v)
    if u == "days":
        return f"{v:,.0f} d"
    if u == "months":
        return f"{v:,.1f} mo"
    if u == "count":
        return f"{v / 1e6:,.2f}m" if abs(v) >= 1e5 else f"{v:,.0f}"
    if u == "tokens_per_day":
        return f"{v / 1e12:,.2f}T/day"
    text = money(v, mv.currency)
    suffix = {"money_per_month": "/mo", "money_per_person": "/person",
              "money_per_user": "/user", "money_per_new_user": "/new MAU"}.get(u, "")
    return text + suffix


def confidence_mark(confidence: str | None) -> str:
    """The mark of a confidence level: † low, ° medium, none for high (two or more agreeing
    sources) or unknown (a user's file that does not say).

    >>> [confidence_mark(c) for c in ("low", "medium", "high", "unknown", None)]
    ['†', '°', '', '', '']
    """
    return LOW_MARK if confidence == "low" else MEDIUM_MARK if confidence == "medium" else ""


def marks(mv: MetricValue) -> str:
    """A value's marks: ᵃ annualised, † low or ° medium confidence ("" when it has none or
    no value)."""
    if not mv.ok:
        return ""
    return (ANNUALISED_MARK if mv.annualised else "") + confidence_mark(mv.confidence)


def cell(mv: MetricValue) -> str:
    """A value as text with its marks: † low, ° medium confidence, ᵃ annualised; — where the row
    does not apply to the company (another company's business line)."""
    if mv.why == NOT_APPLICABLE:
        return "—"
    return number(mv) + marks(mv)


def change(value: float | None, kind: str) -> str:
    """A change as text: percent points for ratios, percent for amounts.

    >>> change(-0.0832, "pp")
    '-8.3pp'
    >>> change(0.5, "relative")
    '+50.0%'
    """
    if value is None or math.isnan(value):
        return "n/a"
    return percent_digits(value, sign=True) + ("pp" if kind == "pp" else "%")


def signal_change(value: float | None, kind: str, confidence: str | None) -> str:
    """A signal's change (:func:`change`), marked with the confidence of the less sure of
    its two values (:func:`confidence_mark`)."""
    return change(value, kind) + confidence_mark(confidence)


#: The key to the confidence marks alone (where no annualised figure can appear).
CONFIDENCE_LEGEND = (f"{LOW_MARK} low confidence (a conflicting or derived source figure); "
                     f"{MEDIUM_MARK} single source (medium confidence); unmarked: two or "
                     "more agreeing sources (high), or no confidence given.")

LEGEND = (f"{CONFIDENCE_LEGEND} "
          f"{ANNUALISED_MARK} interim figure annualised. Interim periods are marked (6M, 9M); "
          "totals and ratios are compared only with the same-length period a year earlier, "
          "monthly rates (the burn) with the newest earlier period on the same basis.")
