"""Helpers every presenter shares, written once: missing numbers, period labels, sources
(safe links), JSON for ``<script>`` blocks, and the atomic file write. The marks for low
confidence and annualised values live in :mod:`llmecon.report.formatting`.

Nothing here computes: these functions only turn values into something a format can hold.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from llmecon.metrics.values import MetricValue


def finite_or_none(value: float | None) -> float | None:
    """A number a format can hold, or None for missing, NaN and infinite values.

    >>> finite_or_none(float("nan")) is None, finite_or_none(float("inf")) is None
    (True, True)
    >>> finite_or_none(2)
    2.0
    """
    if value is None:
        return None
    v = float(value)
    return None if math.isnan(v) or math.isinf(v) else v


def finite_list(values: Iterable[float | None], scale: float = 1.0) -> list[float | None]:
    """:func:`finite_or_none` of each value, multiplied by ``scale`` (a unit change).

    >>> finite_list([1.5e6, None, float("nan")], 1e-6)
    [1.5, None, None]
    """
    out: list[float | None] = []
    for v in values:
        f = finite_or_none(v)
        out.append(None if f is None else f * scale)
    return out


def json_number(value: float | None) -> float | str | None:
    """A number for JSON: NaN and missing as null, infinities as the strings "inf"/"-inf".

    >>> json_number(float("-inf")), json_number(float("nan")), json_number(0.5)
    ('-inf', None, 0.5)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def metric_value(mv: MetricValue) -> float | None:
    """A metric's value when it has one, else None."""
    return finite_or_none(mv.value) if mv.ok else None


def period_pair(to: MetricValue | None, frm: MetricValue | None) -> str:
    """The "X vs Y" label of a change between two periods; "" when either is missing."""
    if to is None or frm is None:
        return ""
    return f"{to.period.label} vs {frm.period.label}"


@dataclass(frozen=True)
class SourcePart:
    """One source of a figure: ``url`` when it is an http(s) address (a link), else text."""

    text: str
    url: str | None


def source_parts(source: str) -> list[SourcePart]:
    """The sources of a figure (separated by " | "); only http and https become links.

    >>> [p.url for p in source_parts("https://a.example/x | javascript:alert(1) | p. 3")]
    ['https://a.example/x', None, None]
    """
    out = []
    for raw in source.split(" | "):
        part = raw.strip()
        if part:
            out.append(SourcePart(part, part if is_web_link(part) else None))
    return out


def source_summary(source: str) -> str:
    """The first source of a figure, with " +" when there are more.

    >>> source_summary("https://a.example | p. 3")
    'https://a.example +'
    """
    parts = source_parts(source)
    if not parts:
        return ""
    return parts[0].text + (" +" if len(parts) > 1 else "")


def is_web_link(text: str) -> bool:
    """True for an absolute http(s) address with a host and no whitespace or quotes."""
    if any(ch.isspace() or ch in "\"'<>`" for ch in text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027",
                   "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(obj: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` element: ``<``, ``>``, ``&``, ``'`` and
    the JavaScript line separators are written as ``\\uXXXX`` escapes, so no text can close
    the element or start a comment. NaN is refused (clean values first).

    >>> script_json({"id": "</script><script>alert(1)</script>"})
    '{"id": "\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ealert(1)\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(obj, allow_nan=False, ensure_ascii=False)
    return re.sub("[<>&'\u2028\u2029]", lambda m: _SCRIPT_ESCAPES[m.group(0)], text)


def element_id(*parts: str) -> str:
    """An HTML element id made of letters, digits, ``-`` and ``_`` only; other characters
    become ``_`` and a short hash keeps distinct inputs distinct.

    >>> element_id("rev", "zhipu")
    'rev-zhipu'
    >>> element_id("rev", "a b\\"><script>").startswith("rev-a_b___script_-")
    True
    """
    import hashlib

    raw = "-".join(parts)
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", raw)
    if safe == raw and safe[:1].isalpha():
        return safe
    digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{safe if safe[:1].isalpha() else 'x' + safe}-{digest}"


def jsonable(obj: Any) -> Any:
    """Plain data for JSON: :func:`json_number` applied to every float inside mappings,
    lists and tuples (so no bare ``NaN`` or ``Infinity`` is ever written).

    >>> jsonable({"a": [1.0, float("nan")], "b": (float("inf"),)})
    {'a': [1.0, None], 'b': ['inf']}
    """
    if isinstance(obj, float):
        return json_number(obj)
    if isinstance(obj, dict):
        return {k: jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonable(v) for v in obj]
    return obj
