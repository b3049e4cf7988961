"""Import a financial table from a page (or a few pages) of a text-based PDF into a
:class:`Company`.

The user says which page and which numeric column is which period (a small map, YAML or
:class:`PdfMap`), and may name the rows (``"Cost of sales": cost_of_revenue``); without
``rows`` the usual IFRS / US GAAP labels in English and Chinese are recognised
(:data:`DEFAULT_LABELS`). Scale and currency come from the map or else from the table's
heading (``RMB'000``, ``US$ in thousands``, ``In millions``); a figure whose scale or
currency is found nowhere is refused, never guessed. Every figure's source is
``FILE.pdf p. N`` and its note names the row and column it was read from.

Signs follow the statement: printed values are contributions to profit, so a row mapped to
a profit line (``gross_profit``, ``operating_income``, ``net_income``,
``operating_cash_flow``) keeps the printed sign (``(2,958,000)`` under "Loss for the year"
is a net loss of 2,958,000), and a cost or expense printed in brackets as a deduction is
stored as the positive cost. The company is then validated like any company file, with the
accounting identities (gross profit = revenue - cost of revenue...) flagging a misread.

pdfplumber (optional extra ``pdf``) is imported only when a PDF is read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from llmecon.config.base import ConfigModel, parse_config
from llmecon.errors import InputError, NotFoundError
from llmecon.importers.pdf_guard import check_page
from llmecon.importers.pdf_table import (
    Column,
    Line,
    Table,
    heading_currency,
    heading_months,
    heading_scale,
    label_keys,
    normalise_label,
    table_from_words,
)
from llmecon.statements.model import Company, implied_by_label
from llmecon.statements.records import Record, build_company
from llmecon.statements.taxonomy import NEGATED, lookup
from llmecon.yamlfile import looked_in

#: Largest PDF read (bytes); a full annual report is a few tens of MB.
MAX_PDF_BYTES = 128 * 1024 * 1024

#: Row labels recognised without a ``rows`` map (compared after :func:`normalise_label`).
DEFAULT_LABELS: dict[str, str] = {
    **dict.fromkeys(("revenue", "revenues", "total revenue", "total revenues", "net revenue",
                     "net revenues", "sales", "收入", "營業收入", "营业收入", "總收入", "总收入"),
                    "revenue"),
    **dict.fromkeys(("cost of sales", "cost of revenue", "cost of revenues", "cost of goods sold",
                     "銷售成本", "销售成本", "營業成本", "营业成本"), "cost_of_revenue"),
    **dict.fromkeys(("gross profit", "gross profit/(loss)", "gross (loss)/profit", "gross loss",
                     "毛利", "毛利/(損)", "毛(損)/利", "毛利/(亏损)"), "gross_profit"),
    **dict.fromkeys(("research and development expenses", "research and development",
                     "research and development expense", "r&d expenses", "研發開支", "研发开支",
                     "研發費用", "研发费用"), "rd_expense"),
    **dict.fromkeys(("selling and marketing expenses", "sales and marketing",
                     "selling and marketing", "sales and marketing expenses",
                     "selling and distribution expenses", "selling expenses",
                     "銷售及營銷開支", "销售及营销开支", "銷售開支", "销售费用"),
                    "selling_marketing_expense"),
    **dict.fromkeys(("general and administrative expenses", "general and administrative",
                     "administrative expenses", "一般及行政開支", "一般及行政开支", "行政開支",
                     "行政开支", "管理費用", "管理费用"), "general_admin_expense"),
    **dict.fromkeys(("operating loss", "loss from operations", "operating profit/(loss)",
                     "operating (loss)/profit", "income from operations", "operating income",
                     "(loss)/income from operations", "經營虧損", "经营亏损", "經營溢利/(虧損)"),
                    "operating_income"),
    **dict.fromkeys(("loss for the year", "loss for the period", "net loss", "net income",
                     "profit/(loss) for the year", "(loss)/profit for the year",
                     "profit for the year", "年內虧損", "年内亏损", "期內虧損", "期内亏损",
                     "淨虧損", "净亏损"), "net_income"),
    **dict.fromkeys(("adjusted net loss (non-ifrs measure)", "adjusted net loss",
                     "經調整淨虧損(非國際財務報告準則計量)", "經調整淨虧損", "经调整净亏损"),
                    "adjusted_net_income"),
    **dict.fromkeys(("net cash used in operating activities",
                     "net cash (used in)/generated from operating activities",
                     "net cash generated from/(used in) operating activities",
                     "net cash provided by (used in) operating activities",
                     "net cash provided by operating activities",
                     "經營活動所用現金淨額", "经营活动所用现金净额"), "operating_cash_flow"),
    **dict.fromkeys(("cash and cash equivalents", "現金及現金等價物", "现金及现金等价物"),
                    "cash_and_equivalents"),
    **dict.fromkeys(("trade receivables", "accounts receivable, net", "貿易應收款項",
                     "贸易应收款项"), "trade_receivables"),
    **dict.fromkeys(("contract liabilities", "合約負債", "合同负债"), "contract_liabilities"),
    **dict.fromkeys(("total assets", "資產總值", "资产总值"), "total_assets"),
    **dict.fromkeys(("total liabilities", "負債總額", "负债总额"), "total_liabilities"),
}
#: Items whose printed sign is kept (profit lines, cash flows, equity): everything else
#: non-negative is an amount, printed in brackets when deducted.
_SIGNED = frozenset({"gross_profit", "operating_loss", "net_loss", "adjusted_net_loss",
                     "operating_cash_flow", "net_assets"})


class ColumnPeriod(ConfigModel):
    """The period of one numeric column: a label, and its end and length when the label
    does not imply them (``FY2024`` does; ``12M_20240630`` does not)."""

    period: str = Field(min_length=1, max_length=40)
    end: date | None = None
    months: int | None = Field(default=None, ge=0, le=60)

    @model_validator(mode="after")
    def _known_or_dated(self) -> ColumnPeriod:
        """A label that implies no end (not FY2024, H1_2025, 9M_2025, Q1_2024...) needs
        one given: it failed later, on every row, as a missing period_end."""
        if self.end is None:
            _standard_label(self.period)
        return self


def _standard_label(label: str) -> str:
    """``label`` when it implies its end and length (FY2024, H1_2025, ...); else an error."""
    if implied_by_label(label) is None:  # a year out of range raises its own ValueError
        raise ValueError(f"{label[:40]!r}: expected a period label such as FY2024, H1_2025, "
                         "9M_2025 or Q1_2024, or a label with its end date and months (a "
                         "map's columns: {period: ..., end: ..., months: ...})")
    return label


class PdfMap(ConfigModel):
    """What to read from the page: columns -> periods, rows -> items, scale, currency."""

    company: dict[str, Any] = Field(default_factory=dict)
    page: int | None = Field(default=None, ge=1)
    columns: list[ColumnPeriod | str | None] | dict[int, ColumnPeriod | str] = Field(
        min_length=1)
    rows: dict[str, str] | None = None
    scale: Literal["units", "thousand", "million", "billion"] | None = None
    currency: str | None = None
    confidence: Literal["high", "medium", "low", "unknown"] = "medium"

    @field_validator("columns")
    @classmethod
    def _labels(cls, v: Any) -> Any:
        for spec in (v.values() if isinstance(v, dict) else v):
            if isinstance(spec, str):
                _standard_label(spec)
        return v

    def column_periods(self) -> dict[int, ColumnPeriod]:
        """Column number (1 = the leftmost numeric column) -> its period.

        ``columns`` is a list in column order (``null`` skips a column) or a mapping
        ``{"2": FY2024}``.
        """
        pairs = self.columns.items() if isinstance(self.columns, dict) else \
            enumerate(self.columns, start=1)
        return {n: spec if isinstance(spec, ColumnPeriod) else ColumnPeriod(period=spec)
                for n, spec in pairs if spec is not None}


def load_pdf_map(path: str | Path) -> PdfMap:
    """A map file (YAML), validated; errors name the file and the field."""
    from llmecon.yamlfile import read_mapping

    return parse_config(PdfMap, read_mapping(path, "PDF map"), str(path))


def map_with(base: PdfMap | None = None, *, columns: Sequence[str] | None = None,
             rows: Mapping[str, str] | None = None, scale: str | None = None,
             currency: str | None = None, origin: str = "arguments") -> PdfMap:
    """A map with the given parts replacing (``rows``: adding to) those of ``base``.

    >>> m = map_with(columns=["FY2023", "FY2024"], rows={"Turnover": "revenue"},
    ...              scale="thousand", currency="RMB")
    >>> sorted(m.column_periods()), m.rows, m.scale
    ([1, 2], {'Turnover': 'revenue'}, 'thousand')
    """
    data: dict[str, Any] = base.model_dump(exclude_none=True) if base else {}
    if columns:
        data["columns"] = [None if c.strip() in ("", "-", "_") else c.strip() for c in columns]
    if rows:
        data["rows"] = {**data.get("rows", {}), **rows}
    for key, value in (("scale", scale), ("currency", currency)):
        if value is not None:
            data[key] = value
    if "columns" not in data:
        raise InputError(f"{origin}: columns: missing; say which period each numeric column "
                         "is (e.g. FY2023,FY2024; '-' skips a column)")
    return parse_config(PdfMap, data, origin)


# ---------------------------------------------------------------- reading the PDF
def _check_file(p: Path) -> None:
    try:
        if not p.exists():
            raise NotFoundError(f"{p}: PDF file not found{looked_in(p)}")
        if not p.is_file():
            raise InputError(f"{p}: not a file")
        size = p.stat().st_size
        if size > MAX_PDF_BYTES:
            raise InputError(f"{p}: {size:,} bytes; a PDF may have at most {MAX_PDF_BYTES:,}")
        with p.open("rb") as fh:
            head = fh.read(1024)
    except OSError as e:
        raise InputError(f"{str(p)[:200]}: cannot read ({e.strerror or type(e).__name__})"
                         ) from None
    if b"%PDF-" not in head:
        raise InputError(f"{p}: not a PDF (a PDF file starts with '%PDF-'), found "
                         f"{head[:16]!r}")


def _open_error(p: Path, e: Exception) -> InputError:
    name = type(e).__name__
    chain = [e, e.__cause__, e.__context__, *e.args]
    if any(x is not None and ("Password" in type(x).__name__ or "Encrypt" in type(x).__name__)
           for x in chain) or "password" in str(e).lower():
        return InputError(f"{p}: the PDF is encrypted (password-protected); save a decrypted "
                          "copy first")
    return InputError(f"{p}: cannot read the PDF ({name}: {str(e)[:120] or 'damaged file'})")


def read_pages_words(path: str | Path, pages: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """The words of each page in ``pages`` (1 = the first page of the file) of a PDF."""
    p = Path(path)
    _check_file(p)
    try:
        import pdfplumber
    except ImportError:
        raise InputError("reading PDFs needs pdfplumber: pip install 'llmecon[pdf]'") from None
    out: dict[int, list[dict[str, Any]]] = {}
    try:
        with pdfplumber.open(p) as pdf:
            count = len(pdf.pages)
            for page in pages:
                if not 1 <= page <= count:
                    raise InputError(f"{p}: page {page}: out of range; the PDF has {count} "
                                     f"page{'s' if count != 1 else ''}")
                pg = pdf.pages[page - 1]
                check_page(pg.page_obj, f"{p} p. {page}")
                try:
                    out[page] = [dict(w) for w in pg.extract_words()]
                finally:  # pdfplumber keeps a page's objects until the file closes
                    pg.close()
    except InputError:
        raise
    except Exception as e:  # pdfminer raises many types for damaged or encrypted files
        raise _open_error(p, e) from None
    return out


def read_page_words(path: str | Path, page: int) -> list[dict[str, Any]]:
    """The words of page ``page`` (1 = the first page of the file) of a PDF."""
    return read_pages_words(path, [page])[page]


def read_pdf_table(path: str | Path, page: int) -> Table:
    """The lines and numeric columns on a page; a page without any is an error."""
    table = table_from_words(read_page_words(path, page))
    if not table.columns:
        raise InputError(f"{Path(path)} p. {page}: no table found (no column of numbers on "
                         "this page; a scanned page has no text to read)")
    return table


# ---------------------------------------------------------------- figures
def _find_rows(table: Table, pmap: PdfMap, where: str, *, required: bool = True
               ) -> list[tuple[Line, str]]:
    """(line, item name) for each row to read; with ``required`` a named row missing (or
    no recognised row at all) is an error."""
    rows = table.rows
    if pmap.rows is None:
        found = [(ln, item) for ln in rows
                 for item in [next((DEFAULT_LABELS[k] for k in label_keys(ln.label)
                                    if k in DEFAULT_LABELS), None)] if item]
        if not found and required:
            raise InputError(f"{where}: no row label recognised ({_labels(rows)}); name the "
                             "rows in the map (rows: {\"Label as printed\": item})")
        return found
    out = []
    for label, item in pmap.rows.items():
        lookup(item, where=f"{where}, row {label!r}")
        hits = [ln for ln in rows if normalise_label(ln.label) == normalise_label(label)]
        if not hits and not required:
            continue
        if not hits:
            raise InputError(f"{where}, row {label!r}: not found on the page; rows with "
                             f"numbers there: {_labels(rows)}")
        if len(hits) > 1:
            raise InputError(f"{where}, row {label!r}: printed {len(hits)} times on the page; "
                             "crop or name a unique row")
        out.append((hits[0], item))
    return out


def _labels(rows: Sequence[Line]) -> str:
    shown = ", ".join(repr(ln.label) for ln in rows[:12])
    return shown + (f" ... ({len(rows)} rows)" if len(rows) > 12 else "") if rows else "none"


def _columns_wanted(table: Table, pmap: PdfMap, where: str) -> list[tuple[Column, ColumnPeriod]]:
    cols = table.columns
    out = []
    for number, spec in sorted(pmap.column_periods().items()):
        if not 1 <= number <= len(cols):
            found = "; ".join(f"{c.number}: {c.heading or '(no heading)'}" for c in cols)
            raise InputError(f"{where}: columns: column {number} in the map, but the table has "
                             f"{len(cols)} numeric column{'s' if len(cols) != 1 else ''} "
                             f"({found})")
        out.append((cols[number - 1], spec))
    return out


def _scale_and_currency(table: Table, first: Line, pmap: PdfMap, where: str
                        ) -> tuple[str, str | None, str]:
    """(scale, currency, note) from the map, else from the nearest heading."""
    heads = table.above(first)
    notes = []
    scale: str | None = pmap.scale
    said = heading_scale(heads)
    if scale is not None and said is not None and said[0] != scale:
        raise InputError(f"{where}: scale: the map gives {scale} but the heading says "
                         f"{said[0]} ({said[1][:60]!r}); leave scale out to use the heading's")
    if scale is None:
        found = heading_scale(heads)
        if found is None:
            raise InputError(f"{where}: scale: not found in the table heading (e.g. RMB'000, "
                             "in millions); give scale in the map (units, thousand, million)")
        scale, text = found
        notes.append(f"scale {scale} read from the heading {text[:60]!r}")
    currency = pmap.currency
    if currency is None:
        cur = heading_currency(heads)
        if cur is not None:
            currency = cur[0]
            notes.append(f"currency {currency} read from the heading {cur[1][:60]!r}")
    return scale, currency, "; ".join(notes)


def _value(table: Table, line: Line, col: Column, item: str, where: str
           ) -> tuple[float, str] | None:
    """The printed value in the item's sign convention and a note on the sign; None for a
    blank cell (missing is missing)."""
    cell = table.cell(line, col)
    if cell is None:
        return None
    idef, _ = lookup(item, where=where)
    if cell.percent != (idef.dimension == "percent"):
        kind = "a percentage" if cell.percent else "an amount"
        raise InputError(f"{where}: {item} is measured in {idef.dimension}, found {kind} "
                         f"{cell.text!r}")
    canonical = NEGATED.get(item, item)
    if canonical not in _SIGNED and idef.sign == "nonnegative" and cell.value < 0:
        return -cell.value, f"printed {cell.text} (a deduction)"
    return cell.value, f"printed {cell.text}"


def table_records(table: Table, pmap: PdfMap, origin: str, page: int,
                  rows: Sequence[tuple[Line, str]] | None = None) -> list[Record]:
    """One record per mapped row and column (a blank cell gives no figure); ``rows``
    defaults to those the map names (or recognised labels) on this page."""
    name = Path(origin).name
    where = f"{origin} p. {page}"
    rows = _find_rows(table, pmap, where) if rows is None else rows
    if not rows:
        return []
    cols = _columns_wanted(table, pmap, where)
    top_row = min((ln for ln, _ in rows), key=lambda ln: ln.top)
    said = heading_months(table.above(top_row))
    for col, spec in cols:
        implied = implied_by_label(spec.period)
        months = spec.months if spec.months is not None else (implied or (None, None))[1]
        if said is not None and months and months != said[0]:
            raise InputError(f"{where}: column {col.number} is {spec.period} ({months} "
                             f"months) but the heading says {said[0]} months "
                             f"({said[1][:60]!r}); name the columns by that period")
    scale, currency, scale_note = _scale_and_currency(table, top_row, pmap, where)
    out = []
    for line, item in rows:
        idef, _ = lookup(item, where=where)
        for col, spec in cols:
            at = f"{where}, row {line.label!r}, column {col.number}"
            text = table.text_in(line, col)
            if table.cell(line, col) is None and text is not None:
                raise InputError(f"{at}: expected a number, found {text!r}")
            read = _value(table, line, col, item, at)
            if read is None:
                continue
            value, sign_note = read
            money = idef.dimension.startswith("money")
            if money and currency is None:
                raise InputError(f"{at}: currency: not found in the table heading; give "
                                 "currency in the map (CNY, USD or HKD)")
            note = "; ".join(x for x in (f"row {line.label!r}, column {col.number}"
                                         + (f" ({col.heading})" if col.heading else ""),
                                         sign_note, scale_note) if x)
            out.append(Record(
                where=at, period=spec.period, period_end=spec.end,
                period_months=0 if idef.temporal == "instant" else spec.months,
                item=item, value=value,
                unit="percent" if idef.dimension == "percent" else scale,
                currency=currency if money else None, source=f"{name} p. {page}",
                confidence=pmap.confidence, note=note))
    return out


def company_from_table(table: Table, pmap: PdfMap, origin: str, page: int,
                       company_id: str | None = None) -> Company:
    """The company built from the mapped cells of one page's table."""
    return company_from_tables({page: table}, pmap, origin, company_id)


def company_from_tables(tables: Mapping[int, Table], pmap: PdfMap, origin: str,
                        company_id: str | None = None) -> Company:
    """The company built from the mapped cells of the tables of one or more pages (page ->
    table), checked like a company file (identities included). Over several pages, a
    named row must be printed on exactly one of them."""
    from llmecon.metrics.reconcile import check_company

    pages = sorted(tables)
    span = f"p. {pages[0]}" if len(pages) == 1 else f"pp. {pages[0]}-{pages[-1]}"
    records: list[Record] = []
    if len(pages) == 1:
        records = table_records(tables[pages[0]], pmap, origin, pages[0])
    else:
        found = {pg: _find_rows(tables[pg], pmap, f"{origin} p. {pg}", required=False)
                 for pg in pages}
        _check_rows_over_pages(found, pmap, f"{origin} {span}")
        for pg in pages:
            records += table_records(tables[pg], pmap, origin, pg, found[pg])
    if not records:
        raise InputError(f"{origin} {span}: no mapped cell holds a number; no figure read")
    meta = dict(pmap.company)
    map_id = str(meta.pop("id", "") or "")
    cid = company_id or map_id or _slug(Path(origin).stem)
    meta.setdefault("description", f"Imported from {Path(origin).name} {span} "
                    "(draft: review every figure against the page).")
    return check_company(build_company(meta, cid, records, f"{origin} {span}"))


def _check_rows_over_pages(found: Mapping[int, Sequence[tuple[Line, str]]], pmap: PdfMap,
                           where: str) -> None:
    """Every named row printed on exactly one page; some row found somewhere."""
    if not any(found.values()):
        raise InputError(f"{where}: no row label recognised on these pages; name the rows "
                         "in the map")
    for label in pmap.rows or {}:
        on = [pg for pg, rows in found.items()
              if any(normalise_label(ln.label) == normalise_label(label) for ln, _ in rows)]
        if not on:
            raise InputError(f"{where}, row {label!r}: not found on these pages")
        if len(on) > 1:
            raise InputError(f"{where}, row {label!r}: printed on pages "
                             f"{', '.join(map(str, on))}; read one page at a time")


def import_pdf(path: str | Path, pmap: PdfMap | Mapping[str, Any], *,
               page: int | Sequence[int] | None = None,
               company_id: str | None = None) -> Company:
    """Read the table on ``page`` (one page, or several: a statement's pages; else the
    map's page) of a PDF into a company.

    ``pmap`` is a :class:`PdfMap` or its plain-data form (see :func:`load_pdf_map`). Over
    several pages, those without a table are passed over (at least one must have one).
    """
    m = pmap if isinstance(pmap, PdfMap) else parse_config(PdfMap, dict(pmap), "PDF map")
    chosen = page if page is not None else m.page
    if chosen is None:
        raise InputError(f"{path}: page: missing; give the page (1 = the first page of the "
                         "file) on the command line or in the map")
    if isinstance(chosen, int):
        return company_from_table(read_pdf_table(path, chosen), m, str(path), chosen,
                                  company_id)
    words = read_pages_words(path, sorted(set(chosen)))
    tables = {pg: t for pg, w in words.items() if (t := table_from_words(w)).columns}
    if not tables:
        raise InputError(f"{path} pp. {min(words)}-{max(words)}: no table found on these "
                         "pages (a scanned page has no text to read)")
    return company_from_tables(tables, m, str(path), company_id)


def _slug(name: str) -> str:
    words = "".join(c.lower() if c.isalnum() else " " for c in name).split()
    return "_".join(words)[:64] or "imported"
