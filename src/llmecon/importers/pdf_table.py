"""A financial table from the words of one PDF page (pure: no file is read here).

A statement table in a text-based PDF is rarely ruled: it is lines of text, a label on the
left and right-aligned numbers in columns. :func:`table_from_words` takes the words of a
page (``text``, ``x0``, ``x1``, ``top``, ``bottom``, as pdfplumber's ``extract_words``
gives them), groups them into lines, splits each line into a label and its trailing
numeric cells, and finds the columns from where the cells end (their right edges) on at
least two lines. Brackets are negatives (``(1,234)`` = -1234), a dash alone is nil
(``—`` = 0), ``%`` marks a percent, currency signs (``$``, ``US$``, ``RMB``) are dropped.
:func:`heading_scale` and :func:`heading_currency` read the scale and currency from a
heading such as ``RMB'000``, ``US$ in thousands`` or ``In millions``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

#: Lines whose vertical centres are this close (points) are one line.
LINE_TOLERANCE_PT = 3.0
#: Cells whose right edges are this close (points) are one column.
COLUMN_TOLERANCE_PT = 10.0
#: A column must have cells on at least this many lines (a page number is not a column).
MIN_COLUMN_ROWS = 2

_DASHES = frozenset({"-", "–", "—", "−", "‒", "--"})
_CURRENCY_SIGNS = frozenset({"$", "US$", "HK$", "RMB", "¥", "€", "£", "USD", "HKD", "CNY"})
_NUMBER = re.compile(r"^(?P<neg>[-−–])?[(（]?(?P<sign>[-−–])?(?:US\$|HK\$|RMB|\$|¥|€|£)?"
                     r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)[)）]?(?P<pct>%)?$")


@dataclass(frozen=True)
class Word:
    """One word of a page with its box (points from the top left)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(frozen=True)
class Cell:
    """A numeric cell as printed: ``value`` is the number (brackets negative, a dash 0)."""

    text: str
    value: float
    percent: bool
    x0: float
    x1: float


@dataclass(frozen=True)
class Line:
    """A line of the page: its label (text before the numbers), cells and other words."""

    label: str
    cells: tuple[Cell, ...]
    label_words: tuple[Word, ...]
    top: float
    text: str = ""
    stray: tuple[Word, ...] = ()


@dataclass(frozen=True)
class Column:
    """A numeric column: its horizontal span and the heading words above it."""

    number: int
    x0: float
    x1: float
    heading: str

    def holds(self, x0: float, x1: float) -> bool:
        """Whether a box ending at ``x1`` (or centred in the span) sits in this column."""
        return abs(x1 - self.x1) <= COLUMN_TOLERANCE_PT or self.x0 <= (x0 + x1) / 2 <= self.x1


@dataclass(frozen=True)
class Table:
    """The lines of a page and the numeric columns found on it."""

    lines: tuple[Line, ...]
    columns: tuple[Column, ...]

    @property
    def rows(self) -> tuple[Line, ...]:
        """Lines that have a label and at least one numeric cell."""
        return tuple(ln for ln in self.lines if ln.cells and ln.label)

    def cell(self, line: Line, column: Column) -> Cell | None:
        """The cell of ``line`` in ``column`` (None when that cell is blank)."""
        for c in line.cells:
            if column.holds(c.x0, c.x1):
                return c
        return None

    def text_in(self, line: Line, column: Column) -> str | None:
        """Non-numeric text of ``line`` standing in ``column`` (a misprinted cell)."""
        for w in line.stray:
            if column.holds(w.x0, w.x1):
                return w.text
        return None

    def above(self, line: Line) -> list[str]:
        """Texts of the lines above ``line``, nearest first (where headings are)."""
        return [ln.text for ln in reversed(self.lines) if ln.top < line.top]


def _words(raw: Sequence[Mapping[str, Any]]) -> list[Word]:
    return [Word(str(w["text"]), float(w["x0"]), float(w["x1"]), float(w["top"]),
                 float(w["bottom"])) for w in raw if str(w["text"]).strip()]


def parse_number(text: str) -> tuple[float, bool] | None:
    """(value, is_percent) of a printed number, or None if ``text`` is not one.

    >>> parse_number("(1,234)"), parse_number("—"), parse_number("11%"), parse_number("Revenue")
    ((-1234.0, False), (0.0, False), (11.0, True), None)
    """
    t = unicodedata.normalize("NFKC", text.strip())
    if t.rstrip("%") in _DASHES:
        return 0.0, t.endswith("%")
    m = _NUMBER.match(t)
    if not m:
        return None
    value = float(m.group("num").replace(",", ""))
    negative = t.startswith(("(", "（")) or bool(m.group("neg")) or bool(m.group("sign"))
    return (-value if negative else value), bool(m.group("pct"))


def _split(words: Sequence[Word]) -> Line:
    """Split one line's words (left to right) into a label and its trailing cells."""
    cells: list[Cell] = []
    i = len(words)
    pending_pct: Word | None = None
    while i > 0:
        w = words[i - 1]
        if w.text == "%":
            pending_pct = w
        elif w.text in _CURRENCY_SIGNS:
            pass
        else:
            parsed = parse_number(w.text)
            if parsed is None:
                break
            value, pct = parsed
            x1 = pending_pct.x1 if pending_pct else w.x1
            text = w.text + ("%" if pending_pct else "")
            cells.append(Cell(text, value, pct or pending_pct is not None, w.x0, x1))
            pending_pct = None
        i -= 1
    label_words = tuple(words[:i])
    label = " ".join(w.text for w in label_words)
    return Line(label, tuple(reversed(cells)), label_words,
                min(w.top for w in words) if words else 0.0, " ".join(w.text for w in words))


def group_lines(words: Sequence[Word]) -> list[list[Word]]:
    """Words grouped into lines (top to bottom), each line left to right."""
    lines: list[list[Word]] = []
    centre: list[float] = []
    for w in sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.x0)):
        mid = (w.top + w.bottom) / 2
        if lines and abs(mid - centre[-1]) <= LINE_TOLERANCE_PT:
            lines[-1].append(w)
        else:
            lines.append([w])
            centre.append(mid)
    return [sorted(ln, key=lambda w: w.x0) for ln in lines]


def _columns(lines: Sequence[Line]) -> list[tuple[float, float]]:
    """Spans (x0, x1) of the columns: cells grouped by right edge, kept when on
    :data:`MIN_COLUMN_ROWS` lines or more (a heading of years counts: a one-row table
    under its years has columns)."""
    cells = sorted(((c, n) for n, ln in enumerate(lines) for c in ln.cells),
                   key=lambda cn: cn[0].x1)
    groups: list[list[tuple[Cell, int]]] = []
    for c, n in cells:
        if groups and (c.x1 - groups[-1][-1][0].x1 <= COLUMN_TOLERANCE_PT or
                       c.x0 < max(g.x1 for g, _ in groups[-1])):
            groups[-1].append((c, n))
        else:
            groups.append([(c, n)])
    kept = [len({n for _, n in g}) >= MIN_COLUMN_ROWS for g in groups]
    # a line of numbers alone (a heading of years) sharing a kept column vouches for the
    # columns of its other cells: a column filled on one row only is still a column
    headers = {n for g, k in zip(groups, kept, strict=True) if k for _, n in g
               if not lines[n].label and len(lines[n].cells) > 1}
    kept = [k or any(n in headers for _, n in g) for g, k in zip(groups, kept, strict=True)]
    return [(min(c.x0 for c, _ in g), max(c.x1 for c, _ in g))
            for g, k in zip(groups, kept, strict=True) if k]


def _headings(spans: Sequence[tuple[float, float]], lines: Sequence[Line]) -> list[str]:
    """Words above the first row with numbers, each given to the nearest column."""
    first = next((ln for ln in lines if ln.cells and ln.label), None)
    heads: list[list[str]] = [[] for _ in spans]
    if first is None or not spans:
        return ["" for _ in spans]
    centres = [(a + b) / 2 for a, b in spans]
    for ln in lines:
        if ln.top >= first.top or ln.top < first.top - 60:
            continue
        for w in (*ln.label_words, *(Word(c.text, c.x0, c.x1, 0, 0) for c in ln.cells)):
            mid = (w.x0 + w.x1) / 2
            if mid < spans[0][0] - 60:
                continue
            k = min(range(len(spans)), key=lambda i: abs(centres[i] - mid))
            heads[k].append(w.text)
    return [" ".join(h) for h in heads]


def table_from_words(raw_words: Sequence[Mapping[str, Any]]) -> Table:
    """The lines and numeric columns of a page, from its words (see the module doc).

    >>> w = lambda t, x0, x1, top: {"text": t, "x0": x0, "x1": x1, "top": top,
    ...                             "bottom": top + 8}
    >>> t = table_from_words([w("Revenue", 10, 50, 0), w("1,200", 100, 130, 0),
    ...                       w("(900)", 160, 190, 0), w("Cost", 10, 30, 12),
    ...                       w("(300)", 105, 130, 12), w("—", 180, 190, 12)])
    >>> [(r.label, [c.value for c in r.cells]) for r in t.rows]
    [('Revenue', [1200.0, -900.0]), ('Cost', [-300.0, 0.0])]
    >>> len(t.columns)
    2
    """
    lines = _join_wrapped([_split(ws) for ws in group_lines(_words(raw_words))])
    spans = _columns(lines)
    heads = _headings(spans, lines)
    cols = tuple(Column(k + 1, a, b, h) for k, ((a, b), h) in enumerate(zip(spans, heads,
                                                                             strict=True)))
    return Table(tuple(_set_stray(ln, cols) for ln in lines), cols)


def _join_wrapped(lines: list[Line]) -> list[Line]:
    """A label wrapped over two lines ("Research and development" / "expenses  (1,234)"):
    a row whose label starts in lower case takes the text line just above it."""
    out: list[Line] = []
    for ln in lines:
        prev = out[-1] if out else None
        if (prev is not None and ln.cells and ln.label[:1].islower() and not prev.cells
                and prev.label and ln.top - prev.top < 2.5 * _height(prev)):
            out[-1] = replace(ln, label=f"{prev.label} {ln.label}",
                              label_words=prev.label_words + ln.label_words,
                              top=prev.top, text=f"{prev.text} {ln.text}")
        else:
            out.append(ln)
    return out


def _height(line: Line) -> float:
    return max((w.bottom - w.top for w in line.label_words), default=10.0)


def _set_stray(line: Line, cols: Sequence[Column]) -> Line:
    """Re-read the label words standing in a numeric column: numbers become cells (a cell
    left of text printed in a cell), other text is kept aside as ``stray``."""
    if not line.cells:
        return line
    inside = [w for w in line.label_words if any(c.holds(w.x0, w.x1) for c in cols)]
    if not inside:
        return line
    cells, stray = list(line.cells), []
    for w in inside:
        parsed = parse_number(w.text)
        if parsed is not None:
            cells.append(Cell(w.text, parsed[0], parsed[1], w.x0, w.x1))
        elif w.text not in _CURRENCY_SIGNS and w.text != "%":
            stray.append(w)
    kept = tuple(w for w in line.label_words if w not in inside)
    return replace(line, label=" ".join(w.text for w in kept), label_words=kept,
                   cells=tuple(sorted(cells, key=lambda c: c.x0)), stray=tuple(stray))


# ---------------------------------------------------------------- headings
_SCALES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("thousand", re.compile(r"['’‘`]\s*000\b|\bin\s+thousands\b|\bthousands?\s+of\b|"
                            r"\b(?:rmb|usd|us\$|hk\$|hkd|cny)\s*thousands?\b|千元", re.I)),
    ("million", re.compile(r"\bin\s+millions\b|\bmillions?\s+of\b|"
                           r"\b(?:rmb|usd|us\$|hk\$|hkd|cny)\s*(?:in\s+)?millions?\b|"
                           r"百萬元|百万元", re.I)),
    ("billion", re.compile(r"\bin\s+billions\b|\bbillions?\s+of\b|"
                           r"\b(?:rmb|usd|us\$|hk\$|hkd|cny)\s*(?:in\s+)?billions?\b|"
                           r"億元|亿元", re.I)),
)
_CURRENCIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("CNY", re.compile(r"\bRMB|\bCNY\b|人民幣|人民币|\bRenminbi\b", re.I)),
    ("USD", re.compile(r"US\$|\bUSD\b|U\.S\.\s*dollars?|\bUS\s+dollars?|美元", re.I)),
    ("HKD", re.compile(r"HK\$|\bHKD\b|Hong\s+Kong\s+dollars?|港元|港幣", re.I)),
)


def _first_match(texts: Sequence[str], patterns: Sequence[tuple[str, re.Pattern[str]]]
                 ) -> tuple[str, str] | None:
    for text in texts:
        found = {name for name, rx in patterns if rx.search(text)}
        if len(found) == 1:
            return next(iter(found)), text.strip()
    return None


def heading_scale(texts: Sequence[str]) -> tuple[str, str] | None:
    """(scale word, heading text) of the nearest heading naming a scale.

    >>> heading_scale(["Year ended 31 December", "RMB'000 RMB'000"])
    ('thousand', "RMB'000 RMB'000")
    >>> heading_scale(["In millions, except per share amounts"])[0]
    'million'
    """
    return _first_match(texts, _SCALES)


#: Period lengths a heading may name ("Three Months Ended", "Year ended 31 December").
_PERIODS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("3", re.compile(r"\b(?:three|3)\s*months?\s+ended\b|\bquarter\s+ended\b", re.I)),
    ("6", re.compile(r"\b(?:six|6)\s*months?\s+ended\b", re.I)),
    ("9", re.compile(r"\b(?:nine|9)\s*months?\s+ended\b", re.I)),
    ("12", re.compile(r"\b(?:twelve|12)\s*months?\s+ended\b|\byears?\s+ended\b", re.I)),
)


def heading_months(texts: Sequence[str]) -> tuple[int, str] | None:
    """(months, heading text) of the nearest heading naming one period length.

    >>> heading_months(["Three Months Ended June 30,", "2023 2022"])
    (3, 'Three Months Ended June 30,')
    """
    found = _first_match(texts, _PERIODS)
    return None if found is None else (int(found[0]), found[1])


def heading_currency(texts: Sequence[str]) -> tuple[str, str] | None:
    """(ISO code, heading text) of the nearest heading naming one currency.

    >>> heading_currency(["(US$ in thousands)"])[0]
    'USD'
    """
    return _first_match(texts, _CURRENCIES)


def normalise_label(text: str) -> str:
    """A row label compared loosely: width, case, spaces, quotes and note marks ignored.

    >>> normalise_label("Research and development expenses (1)")
    'research and development expenses'
    >>> normalise_label("  Cost  of Sales: ")
    'cost of sales'
    """
    t = unicodedata.normalize("NFKC", text).replace("’", "'").lower()
    t = re.sub(r"\s*(?:\(\d{1,2}\)|\*+|\[\d{1,2}\])\s*$", "", t)
    t = re.sub(r"\s+", " ", t).strip(" :;.,")
    return t


_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef（）]+")


def label_keys(text: str) -> list[str]:
    """Keys a printed label may be known by: the whole label, and its English and its
    Chinese part when a bilingual statement prints both.

    >>> label_keys("Cost of sales 銷售成本")
    ['cost of sales 銷售成本', 'cost of sales', '銷售成本']
    """
    whole = normalise_label(text)
    cjk = normalise_label("".join(_CJK.findall(text)))
    latin = normalise_label(_CJK.sub(" ", text))
    return list(dict.fromkeys(k for k in (whole, latin, cjk) if k))
