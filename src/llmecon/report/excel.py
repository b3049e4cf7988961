"""Excel workbooks: one sheet per table, numbers stored as numbers with number formats, a
sheet of raw figures with their sources, frozen headers. Written atomically."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from llmecon.fileio import atomic_write
from llmecon.metrics.tables import SignalsTable, Table
from llmecon.metrics.values import MetricValue
from llmecon.report import formatting as f
from llmecon.report.common import finite_or_none as _num
from llmecon.report.common import period_pair
from llmecon.report.richtext import printable
from llmecon.statements.model import Company
from llmecon.textcells import FORMULA_STARTS

FORMATS = {"ratio": "0.0%", "money": "#,##0", "money_per_person": "#,##0",
           "money_per_month": "#,##0", "money_per_user": "#,##0.00",
           "money_per_new_user": "#,##0.00", "days": "0", "months": "0.0", "count": "#,##0",
           "tokens_per_day": "#,##0", "x": "0.00", "users": "#,##0", "tokens": "#,##0",
           "persons": "0.0"}


class Book:
    """A workbook under construction."""

    def __init__(self) -> None:
        from openpyxl import Workbook

        self.wb = Workbook()
        self._first = True
        #: sheet name -> the title it stands for, where Excel's 31 characters cut it
        self.cut: dict[str, str] = {}

    def sheet(self, title: str, header: Sequence[str]) -> Any:
        from openpyxl.styles import Font

        name = sheet_title(title, set(self.wb.sheetnames) - ({self.wb.active.title}
                                                             if self._first else set()))
        if self._first:
            ws = self.wb.active
            ws.title = name
            self._first = False
        else:
            ws = self.wb.create_sheet(name)
        if name != title:  # 'Sim <long id> (2)': say which company and stress it holds
            self.cut[name] = title
        for j, h in enumerate(header, start=1):
            put(ws, 1, j, h).font = Font(bold=True)
        ws.freeze_panes = "B2"
        return ws

    def save(self, path: str | Path) -> Path:
        """Write the workbook atomically (a crash never leaves half a file)."""
        import io

        if self.cut and "Sheet names" not in self.wb.sheetnames:
            ws = self.wb.create_sheet("Sheet names")
            for j, h in enumerate(("sheet", "holds (its name cut to Excel's 31 characters)"),
                                  start=1):
                put(ws, 1, j, h)
            for i, (name, title) in enumerate(self.cut.items(), start=2):
                put(ws, i, 1, name)
                put(ws, i, 2, title)
        buf = io.BytesIO()
        self.wb.save(buf)
        return atomic_write(path, buf.getvalue())


_BAD_TITLE = re.compile(r"[][:*?/\\\x00-\x1f]")


def put(ws: Any, row: int, col: int, value: Any) -> Any:
    """Write one cell; text that a spreadsheet would read as a formula (starting with
    ``=``, ``+``, ``-``, ``@``, tab or carriage return) is stored as text, marked with a
    quote prefix so it stays text when edited; control characters are shown escaped."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub(lambda m: printable(m.group(0)), value)
    c = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        c.data_type = "s"
        c.quotePrefix = True
    return c


def sheet_title(title: str, taken: set[str]) -> str:
    """A valid, unused sheet name: at most 31 characters, none of ``[]:*?/\\``.

    >>> sheet_title("UE a/b:c", set())
    'UE a_b_c'
    >>> sheet_title("Sim x", {"Sim x"})
    'Sim x (2)'
    """
    base = _BAD_TITLE.sub("_", title).strip("'")[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    return name


def _cell(ws: Any, row: int, col: int, mv: MetricValue) -> None:
    """A value as a number whose number format shows the terminal's marks (ᵃ annualised,
    † low or ° medium confidence, ‡ a burn from the adjusted loss) after it, the cell
    staying a number; a cell comment states what a mark means and, where a metric has
    several bases (the burn), the basis."""
    from openpyxl.comments import Comment

    from llmecon.report.export import BASIS_NOTES, basis_marks

    if not mv.ok:
        _no_value(ws, row, col, mv)
        return
    c = ws.cell(row=row, column=col, value=_num(mv.value))
    shown = f.marks(mv) + basis_marks(mv)
    c.number_format = FORMATS.get(mv.unit, "General") + (f'"{shown}"' if shown else "")
    notes = ([f"basis ({mv.method}): {mv.basis}"] if mv.method else []) + \
        [BASIS_NOTES[k] for k in mv.inherited if k in BASIS_NOTES] + \
        (["interim figure annualised"] if mv.annualised else []) + \
        ([f"{f.confidence_mark(mv.confidence)} {f.CONFIDENCE_MEANING[mv.confidence]}"]
         if mv.confidence in f.CONFIDENCE_MEANING else [])
    if notes:
        c.comment = Comment(printable("; ".join(notes)), "llmecon")


def _no_value(ws: Any, row: int, col: int, mv: MetricValue) -> None:
    """A cell without a value as the terminal shows it, text a formula cannot take for a
    zero: "—" where the row does not apply to the company, else "n/a", with why as a
    comment."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment

    from llmecon.metrics.values import NOT_APPLICABLE

    c = put(ws, row, col, f.cell(mv))
    c.alignment = Alignment(horizontal="right")
    why = ("not applicable: the row is another company's business line"
           if mv.why == NOT_APPLICABLE else f"n/a: {mv.why}" if mv.why else "")
    if why:
        c.comment = Comment(printable(why), "llmecon")


def add_table(book: Book, t: Table) -> None:
    ws = book.sheet(t.title, ["metric", *(f"{c.header} ({c.currency})" for c in t.columns)])
    for i, r in enumerate(t.rows, start=2):
        put(ws, i, 1, r.label.strip())
        for j, mv in enumerate(r.cells, start=2):
            _cell(ws, i, j, mv)
    ws.column_dimensions["A"].width = 42
    _company_columns(ws, len(t.columns))


def _company_columns(ws: Any, n: int) -> None:
    """Company columns wide enough for their numbers, headers wrapped (six companies fit a
    screen; the long 'company period (currency)' headers no longer spill)."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    for j in range(2, n + 2):
        ws.column_dimensions[get_column_letter(j)].width = 18
        ws.cell(row=1, column=j).alignment = Alignment(wrap_text=True, vertical="top",
                                                       horizontal="right")


def add_signals(book: Book, st: SignalsTable) -> None:
    ws = book.sheet("Signals", ["company", "signal", "latest", "unit", "period", "change",
                                "change kind", "on", "for the model", "what it means",
                                "basis", "currency", "change confidence", "confidence"])
    for i, r in enumerate(st.rows, start=2):
        put(ws, i, 1, r.company_id)
        put(ws, i, 2, r.label)
        _cell(ws, i, 3, r.latest)
        put(ws, i, 4, r.latest.unit)
        put(ws, i, 5, r.latest.period.label)
        ch = ws.cell(row=i, column=6, value=_num(r.change) if _num(r.change) is not None
                     else "n/a")  # no like-for-like pair: said, not a blank (read as 0)
        # the value as JSON and CSV give it (a fraction, as the latest value beside it); a
        # change in percentage points shows as "%pt", a relative one as a percent
        low = f.confidence_mark(r.change_confidence)
        unit = "pt" if r.change_kind == "pp" else ""
        ch.number_format = f'+0.0%"{unit}{low}";-0.0%"{unit}{low}"' if unit or low \
            else "+0.0%;-0.0%"
        put(ws, i, 7, r.change_kind)
        put(ws, i, 8, period_pair(r.change_to, r.change_from))
        put(ws, i, 9, r.assessment)
        put(ws, i, 10, r.meaning)
        put(ws, i, 11, (f"{r.latest.method}: " if r.latest.method else "") +
            (r.latest.basis if r.latest.ok else r.latest.why))
        put(ws, i, 12, r.latest.currency or "")
        put(ws, i, 13, r.change_confidence or "")
        put(ws, i, 14, r.latest.confidence if r.latest.ok else "")


def add_sources(book: Book, companies: Sequence[Company]) -> None:
    from llmecon.statements.io import declared_value

    ws = book.sheet("Sources", ["company", "item", "segment", "period", "period end",
                                "months", "value", "currency", "unit", "role", "confidence",
                                "source", "note"])
    i = 2
    for c in companies:
        for x in c.figures:
            for j, v in enumerate([c.id, x.item, x.segment or "", x.period.label,
                                   x.period.end, x.period.months, declared_value(x),
                                   x.currency or "", x.unit, x.role, x.confidence, x.source,
                                   x.note], start=1):
                cell = put(ws, i, j, v)
                if j == 5:
                    cell.number_format = "yyyy-mm-dd"
            i += 1


def money_format(value: float | None) -> str:
    """A money format showing at least four significant digits, as the terminal does:
    whole units from 1,000 up, else 2 to 8 decimals (RMB 6.6056 as 6.606, 0.03495 as
    0.03495), so a price per million tokens is not rounded to a whole RMB.

    >>> [money_format(v) for v in (1.5e6, 6.6056, 0.03495, None)]
    ['#,##0', '#,##0.000', '#,##0.00000', '#,##0']
    """
    if value is None or not math.isfinite(value) or value == 0 or abs(value) >= 1000:
        return "#,##0"
    decimals = min(8, max(2, 3 - math.floor(math.log10(abs(value)))))
    return "#,##0." + "0" * decimals


def add_unit_economics(book: Book, t: Any) -> None:
    ws = book.sheet(f"UE {t.company_id}", ["line", "role", "quantity", "value", "unit",
                                           "status", "basis", "confidence"])
    for i, r in enumerate(t.rows, start=2):
        for j, v in enumerate([r.line, r.role, r.quantity], start=1):
            put(ws, i, j, v)
        c = ws.cell(row=i, column=4, value=_num(r.value))
        c.number_format = money_format(r.value) if r.unit == t.currency else \
            FORMATS.get(r.unit, "General")
        put(ws, i, 5, r.unit)
        put(ws, i, 6, r.status)
        put(ws, i, 7, r.basis)
        put(ws, i, 8, r.confidence)


def add_simulation(book: Book, r: Any, name: str = "") -> None:
    """Percentiles and means per metric and month (with the month's end date and the
    unit: the run's currency for money, in units), P(cash < 0) per month, then what the run
    counted: its currency, financing, its events (amounts with their currency) and the burn
    basis."""
    from llmecon.report.simulate import financing_text
    from llmecon.simulate.run import PERCENTILES

    tag = name or ("+".join(r.stresses) or "base")
    ws = book.sheet(f"Sim {r.company} {tag}", ["metric", "month", "month end", "unit",
                                               *(f"p{q}" for q in PERCENTILES), "mean"])
    ends = list(r.month_ends) or [None] * r.horizon_months
    first = 5  # the first percentile's column
    i = 2
    for metric, arr in r.percentiles.items():
        share = metric == "gross_margin"
        fmt = "0.0%" if share else "#,##0"
        for m in range(r.horizon_months):
            _month_cells(ws, i, metric, m, ends[m])
            put(ws, i, 4, "share" if share else r.currency)
            for j in range(len(PERCENTILES)):
                c = ws.cell(row=i, column=first + j, value=_num(float(arr[j, m])))
                c.number_format = fmt
            c = ws.cell(row=i, column=first + len(PERCENTILES),
                        value=_num(float(r.mean[metric][m])))
            c.number_format = fmt
            i += 1
    for m, p in enumerate(r.prob_cash_out):
        _month_cells(ws, i, "prob_cash_out", m, ends[m])
        put(ws, i, 4, "probability")
        c = ws.cell(row=i, column=first + 2, value=float(p))
        c.number_format = "0.0%"
        i += 1
    events = financing_text(r.financing_events, r.financing_amounts, r.currency)
    for label, text in (("company", r.company), ("stresses", tag),  # a cut sheet name
                        ("currency", f"{r.currency} (amounts in units)"),
                        ("financing included", r.financing_included),
                        ("financing events", events),
                        ("burn basis", r.summary()["burn_basis"])):
        put(ws, i + 1, 1, label)
        put(ws, i + 1, 2, text)
        i += 1


def add_left_out(book: Book, not_modelled: dict[str, str],
                 not_projected: dict[str, str]) -> None:
    """A sheet naming each company whose unit economics or projection the report leaves out,
    and why (the HTML report says it under its unit economics), so a workbook without a
    company's sheets never reads as if nothing had been tried. No sheet when none is."""
    rows = [(cid, "not modelled (no unit economics by line, inference or simulation)", why)
            for cid, why in not_modelled.items()]
    rows += [(cid, "unit economics shown, not projected (no simulation sheets)", why)
             for cid, why in not_projected.items()]
    if not rows:
        return
    ws = book.sheet("Left out", ["company", "left out", "why"])
    for i, row in enumerate(rows, start=2):
        for j, text in enumerate(row, start=1):
            put(ws, i, j, text)


def _month_cells(ws: Any, row: int, metric: str, m: int, end: Any) -> None:
    """Metric name, month number (from 1) and the month's end date (a date cell)."""
    put(ws, row, 1, metric)
    ws.cell(row=row, column=2, value=m + 1)
    if end is not None:
        ws.cell(row=row, column=3, value=end).number_format = "yyyy-mm-dd"


def compare_workbook(tables: Sequence[Table], signals: SignalsTable,
                     companies: Sequence[Company]) -> Book:
    book = Book()
    for t in tables:
        add_table(book, t)
    add_signals(book, signals)
    add_sources(book, companies)
    return book
