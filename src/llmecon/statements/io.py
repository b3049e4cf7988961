"""Company files: one YAML file per company, or the long CSV format.

Both load into the same :class:`Company`; both writers are lossless (a company written
and read back gives the same figures, sources and notes).

Long CSV columns (as ``shared/reference/prospectus_figures.csv``)::

    company, period, metric, value, unit, source_url                       (required)
    period_end, period_months, currency, source_count, confidence, note,
    segment, role, tolerance                                               (optional)

``period_end`` and ``period_months`` may be left empty for standard labels (``FY2024``,
``H1_2025``, ``9M_2025``, ``Q3_2025``): they follow from the label and the company's fiscal
year end. ``period_published`` (optional; ``published`` under a YAML file's ``periods``) is
the date the period's figures became public: a valuation at an earlier date does not use
them. Company metadata are optional rows whose period is ``META``: ``metric`` is the
field name (name, currency, business_model, fiscal_year_end, ticker, exchange, listing_date,
lines, platform_line, description, as_of, coverage_note) and ``value`` its text. Without
them the name is the id and the currency the one every money row uses.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from llmecon.errors import InputError, NotFoundError, did_you_mean
from llmecon.fileio import atomic_write
from llmecon.statements.model import BUNDLED_ORIGIN, Company, Figure, is_standard_label
from llmecon.statements.records import META_FIELDS, Record, build_company
from llmecon.textcells import CsvWriter, csv_text_back
from llmecon.units import parse_unit
from llmecon.yamlfile import dump_yaml, parse_yaml, read_text

CSV_REQUIRED: tuple[str, ...] = ("company", "period", "metric", "value", "unit", "source_url")
CSV_COLUMNS: tuple[str, ...] = (
    "company", "period", "period_end", "period_months", "metric", "value", "currency", "unit",
    "source_url", "source_count", "confidence", "note",
)
CSV_OPTIONAL: tuple[str, ...] = ("segment", "role", "tolerance", "period_published")
META_PERIOD = "META"
#: The csv module's default field limit (128 KiB), stated so the error can say it.
CSV_FIELD_LIMIT = 131072


def _fmt(x: float) -> str:
    """Shortest text that reads back as the same float for figures of up to 15 digits."""
    s = format(x, ".15g")
    return s if "e" not in s else repr(x)


def declared_value(fig: Figure) -> float:
    """A figure's value in the unit it was declared in (inverse of the load scaling)."""
    factor = parse_unit(fig.unit, fig.definition.natural_base).factor
    return float(_fmt(fig.value / factor))


# ---------------------------------------------------------------- CSV
def _csv_header(header: list[str], origin: str) -> None:
    allowed = (*CSV_COLUMNS, *CSV_OPTIONAL)
    expected = (f"expected {', '.join(CSV_REQUIRED)} (optional: "
                f"{', '.join(c for c in allowed if c not in CSV_REQUIRED)})")
    missing = [c for c in CSV_REQUIRED if c not in header]
    if missing:
        raise InputError(f"{origin}: missing column(s) {', '.join(missing)}; found "
                         f"{', '.join(header) or 'no header'}; {expected}")
    extra = [c for c in header if c not in allowed]
    if extra:
        raise InputError(f"{origin}: unknown column(s) {', '.join(extra)}; {expected}")
    dup = sorted({c for c in header if header.count(c) > 1})
    if dup:
        raise InputError(f"{origin}: column(s) {', '.join(dup)} appear twice")


def _csv_rows(text: str, origin: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, stripped row) for each non-empty row; CSV errors name the row."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), strict=True)
    try:
        header = [h.strip() for h in next(reader, [])]
        _csv_header(header, origin)
        width = len(header)
        for raw in reader:
            if len(raw) > width:
                raise InputError(f"{origin} row {reader.line_num}: more fields than the header "
                                 "has columns")
            values = [csv_text_back(v.strip()) for v in raw]  # as write_csv_text wrote it
            if any(values):
                yield reader.line_num, dict(zip(header, values, strict=False))
    except csv.Error as e:
        msg = str(e)
        if "field larger than field limit" in msg:
            msg = (f"a field is longer than {CSV_FIELD_LIMIT:,} characters (often a quote "
                   "opened and never closed)")
        elif "EOF" in msg or "end of data" in msg:
            msg = "a quoted field is never closed (a missing '\"')"
        raise InputError(f"{origin} row {reader.line_num}: not valid CSV: {msg}") from None


def _csv_record(row: dict[str, Any], where: str) -> Record:
    return Record(
        where=where, period=row.get("period") or "", period_end=row.get("period_end"),
        period_months=row.get("period_months"), item=row.get("metric") or "",
        value=row.get("value"), unit=row.get("unit"), currency=row.get("currency"),
        segment=row.get("segment"), source=row.get("source_url"),
        source_count=row.get("source_count"), confidence=row.get("confidence"),
        note=row.get("note"), role=row.get("role"), tolerance=row.get("tolerance"),
        period_published=row.get("period_published"),
    )


def read_csv_text(text: str, origin: str) -> Company:
    """Parse the long CSV format."""
    if not text.strip():
        raise InputError(f"{origin}: the file is empty; expected a CSV header "
                         f"({', '.join(CSV_REQUIRED)}, ...)")
    ids: set[str] = set()
    meta: dict[str, Any] = {}
    records: list[Record] = []
    for n, row in _csv_rows(text, origin):
        where = f"{origin} row {n}"
        cid = row.get("company") or ""
        if not cid:
            raise InputError(f"{where}, company: missing company id")
        ids.add(cid)
        if row.get("period") == META_PERIOD:
            field = row.get("metric") or ""
            if field not in META_FIELDS:
                raise InputError(f"{where}: unknown company field {field!r}; expected one of "
                                 f"{', '.join(META_FIELDS)}")
            if field in meta:
                raise InputError(f"{where}: company field {field!r} given twice")
            if (row.get("period_published") or "").strip():
                raise InputError(f"{where}, period_published: a company field has no "
                                 "publication date; give it on the rows of a period")
            meta[field] = row.get("value")
            continue
        records.append(_csv_record(row, where))
    if len(ids) > 1:
        shown = sorted(ids)
        more = f" and {len(shown) - 5} more" if len(shown) > 5 else ""
        raise InputError(f"{origin}: one company per file, found {', '.join(shown[:5])}{more}")
    if not ids:
        raise InputError(f"{origin}: no rows below the header")
    return build_company(meta, ids.pop(), records, origin)


def write_csv_text(company: Company) -> str:
    """The long CSV text of a company (metadata rows first); text a spreadsheet would run as
    a formula is kept as text (:func:`llmecon.textcells.csv_cell`; read back as written)."""
    out = io.StringIO()
    w = CsvWriter(out)
    w.writerow([*CSV_COLUMNS, *CSV_OPTIONAL])
    blank = [""] * (len(CSV_COLUMNS) + len(CSV_OPTIONAL))

    def meta_row(field: str, value: str) -> None:
        row = list(blank)
        row[0], row[1], row[4], row[5] = company.id, META_PERIOD, field, value
        w.writerow(row)

    for field, value in _meta(company).items():
        meta_row(field, ";".join(value) if isinstance(value, list) else str(value))
    published = {label: day.isoformat() for label, day in company.published}
    for f in company.figures:
        w.writerow([
            company.id, f.period.label, f.period.end.isoformat(), f.period.months, f.item,
            _fmt(declared_value(f)), f.currency or "", f.unit, f.source,
            "" if f.source_count is None else f.source_count, f.confidence, f.note,
            f.segment or "", f.role, "" if f.tolerance is None else _fmt(f.tolerance),
            published.get(f.period.label, ""),
        ])
    return out.getvalue()


# ---------------------------------------------------------------- YAML
def _meta(company: Company) -> dict[str, Any]:
    m: dict[str, Any] = {"name": company.name}
    if company.ticker:
        m["ticker"] = company.ticker
    if company.exchange:
        m["exchange"] = company.exchange
    if company.listing_date:
        m["listing_date"] = company.listing_date.isoformat()
    m["currency"] = company.currency
    m["business_model"] = company.business_model
    if company.fiscal_year_end != "12-31":
        m["fiscal_year_end"] = company.fiscal_year_end
    if company.lines:
        m["lines"] = list(company.lines)
    if company.platform_line:
        m["platform_line"] = company.platform_line
    if company.description:
        m["description"] = company.description
    if company.as_of:
        m["as_of"] = company.as_of.isoformat()
    if company.coverage_note:
        m["coverage_note"] = company.coverage_note
    return m


_TOP_KEYS = ("company", "periods", "figures", "defaults")
_FIGURE_FIELDS = frozenset({"item", "period", "value", "unit", "currency", "segment", "instant",
                            "source", "source_count", "confidence", "note", "role",
                            "tolerance"})


def _yaml_document(text: str, origin: str) -> dict[str, Any]:
    """The top level of a company YAML file, its shape checked."""
    if not text.strip():
        raise InputError(f"{origin}: the file is empty; expected keys company, periods, figures")
    doc = parse_yaml(text, origin)
    if not isinstance(doc, dict):
        raise InputError(f"{origin}: expected a mapping with keys company, periods, figures; "
                         f"found {type(doc).__name__}")
    for key in ("company", "figures"):
        if key not in doc:
            raise InputError(f"{origin}: missing top-level key {key!r}")
    unknown = sorted(set(doc) - set(_TOP_KEYS))
    if unknown:
        raise InputError(f"{origin}: unknown top-level key(s) {', '.join(unknown)}; "
                         f"expected {', '.join(_TOP_KEYS)}")
    if not isinstance(doc["company"], dict) or not doc["company"].get("id"):
        raise InputError(f"{origin}: company: expected a mapping with at least 'id'")
    if not isinstance(doc.get("periods") or {}, dict):
        raise InputError(f"{origin}: periods: expected a mapping label -> {{end, months}}")
    for label, per in (doc.get("periods") or {}).items():
        extra = sorted(str(k) for k in per) if isinstance(per, dict) else []
        extra = [k for k in extra if k not in ("end", "months", "published")]
        if extra:
            raise InputError(f"{origin}: periods.{str(label)[:40]}: unknown field(s) "
                             f"{', '.join(k[:40] for k in extra)}; expected end, months and "
                             "published")
    defaults = doc.get("defaults") or {}
    if not isinstance(defaults, dict) or set(defaults) - {"currency", "unit"}:
        raise InputError(f"{origin}: defaults: expected a mapping with currency and/or unit")
    if not isinstance(doc["figures"], list):
        raise InputError(f"{origin}: figures: expected a list of mappings")
    return doc


def _yaml_record(fig: Any, i: int, doc: dict[str, Any], origin: str) -> Record:
    where = f"{origin}: figures[{i}]"
    if not isinstance(fig, dict):
        raise InputError(f"{where}: expected a mapping, found {type(fig).__name__}")
    bad = sorted(set(fig) - _FIGURE_FIELDS)
    if bad:
        raise InputError(f"{where}: unknown field(s) {', '.join(bad)}; expected "
                         f"{', '.join(sorted(_FIGURE_FIELDS))}")
    label = str(fig.get("period", ""))
    where = f"{where} ({str(fig.get('item'))[:40]} {label[:40]})"
    periods = doc.get("periods") or {}
    if label in periods:
        per = periods[label]
        if per is not None and not isinstance(per, dict):
            raise InputError(f"{where}: period {label!r}: expected a mapping {{end, months}}")
    elif label and not is_standard_label(label):
        raise InputError(f"{where}: period {label!r} is not defined under 'periods' (only "
                         "standard labels such as FY2024 or H1_2025 may be left out)")
    else:
        per = {}
    instant = fig.get("instant", False)
    if not isinstance(instant, bool):
        raise InputError(f"{where}, instant: expected true or false, found {instant!r}")
    per = per or {}
    defaults = doc.get("defaults") or {}
    months = 0 if instant else per.get("months")
    return Record(
        where=where, period=label, period_end=per.get("end"), period_months=months,
        item=str(fig.get("item", "")), value=fig.get("value"),
        unit=fig.get("unit", defaults.get("unit")),
        currency=fig.get("currency", defaults.get("currency")
                         if _is_money(fig.get("item")) else None),
        segment=fig.get("segment"), source=fig.get("source"),
        source_count=fig.get("source_count"), confidence=fig.get("confidence"),
        note=fig.get("note"), role=fig.get("role"), tolerance=fig.get("tolerance"),
        period_published=per.get("published"),
        published_at=f"{origin}: periods.{label[:40]}.published",
    )


def read_yaml_text(text: str, origin: str) -> Company:
    """Parse the YAML company format (see ``llmecon/data/companies/*.yaml``).

    ``periods`` may be omitted when every label is standard (``FY2024``, ``H1_2025``...):
    ends and lengths then follow from the labels and the fiscal year end.
    """
    doc = _yaml_document(text, origin)
    records = [_yaml_record(fig, i, doc, origin) for i, fig in enumerate(doc["figures"])]
    unused = [k for k in doc.get("periods") or {} if k not in {r.period for r in records}]
    if unused:  # never checked, never written back by export: a typo or a leftover
        raise InputError(f"{origin}: periods: {str(unused[0])[:40]!r} is defined but no "
                         "figure uses it; remove it or give its figures")
    meta = dict(doc["company"])
    cid = meta.pop("id")
    if not isinstance(cid, str):
        raise InputError(f"{origin}: company: id: expected text, found {cid!r}")
    return build_company(meta, cid, records, origin)


def _is_money(item: Any) -> bool:
    from llmecon.statements.taxonomy import ITEMS, NEGATED

    name = NEGATED.get(str(item), str(item))
    return name in ITEMS and ITEMS[name].has_currency


def write_yaml_text(company: Company) -> str:
    """The YAML text of a company; every figure keeps its unit, source and notes."""
    periods: dict[str, dict[str, Any]] = {}
    for f in company.figures:
        p = periods.setdefault(f.period.label, {"end": f.period.end.isoformat(), "months": 0})
        if f.period.months:
            p["months"] = f.period.months
    for label, day in company.published:
        periods[label]["published"] = day.isoformat()
    figures: list[dict[str, Any]] = []
    for f in company.figures:
        d: dict[str, Any] = {"item": f.item}
        if f.segment:
            d["segment"] = f.segment
        d["period"] = f.period.label
        if f.period.is_instant and periods[f.period.label]["months"]:
            d["instant"] = True
        d["value"] = declared_value(f)
        d["unit"] = f.unit
        if f.currency:
            d["currency"] = f.currency
        if f.role != "raw":
            d["role"] = f.role
        if f.tolerance is not None:
            d["tolerance"] = f.tolerance
        d["confidence"] = f.confidence
        if f.source_count is not None:
            d["source_count"] = f.source_count
        d["source"] = f.source
        if f.note:
            d["note"] = f.note
        figures.append(d)
    doc = {"company": {"id": company.id, **_meta(company)}, "periods": periods,
           "figures": figures}
    return dump_yaml(doc)


# ---------------------------------------------------------------- files
def read_company_file(path: str | Path) -> Company:
    """Read a company from a ``.yaml``/``.yml`` or ``.csv`` file."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".yaml", ".yml", ".csv"):
        raise InputError(f"{str(p)[:200]}: unknown file type {suffix[:20] or '(none)'}; "
                         "expected .yaml, .yml or .csv")
    text = read_text(p, "company")
    with collector_paused():
        if suffix in (".yaml", ".yml"):
            return _hashed(read_yaml_text(text, str(p)), text)
        return _hashed(read_csv_text(text, str(p)), text)


def _hashed(company: Company, text: str) -> Company:
    """``company`` with the SHA-256 of the text it was read from (UTF-8)."""
    import hashlib
    from dataclasses import replace

    return replace(company, origin_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a file's figures are built.

    A 100k-period file makes about a million small objects with no reference cycles; the
    collector's passes over them cost a quarter of the loading time (issue 14's benchmark,
    benchmarks/validate_periods.py). Reference counting still frees everything at once, and
    the collector resumes (if it was running) when the file is read, even on an error.
    """
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def write_company_file(company: Company, path: str | Path) -> Path:
    """Write a company to ``.yaml`` or ``.csv`` atomically (a crash never leaves half a file)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".yaml", ".yml"):
        text = write_yaml_text(company)
    elif suffix == ".csv":
        text = write_csv_text(company)
    else:
        raise InputError(f"{p}: unknown file type {suffix or '(none)'}; expected .yaml or .csv")
    atomic_write(p, text)
    return p


# ---------------------------------------------------------------- bundled
def bundled_ids() -> list[str]:
    """Ids of the bundled companies."""
    folder = resources.files("llmecon").joinpath("data/companies")
    return sorted(e.name[:-5] for e in folder.iterdir() if e.name.endswith(".yaml"))


def looks_like_path(ref: str) -> bool:
    return any(c in ref for c in "/\\") or ref.lower().endswith((".yaml", ".yml", ".csv"))


def _is_file(ref: str) -> bool:
    try:
        return Path(ref).is_file()
    except (OSError, ValueError):  # a name too long for the file system, a NUL byte
        return False


def read_company(ref: str | Path) -> Company:
    """A bundled company by id, or a user's file by path (text or a ``Path``)."""
    if isinstance(ref, Path):
        ref = str(ref)
    if not isinstance(ref, str):
        raise InputError(f"company: expected a bundled id or the path of a .yaml or .csv "
                         f"file, found {type(ref).__name__}")
    key = ref.strip().lower()
    if not looks_like_path(ref) and key in bundled_ids():  # a bundled id is always bundled
        text = resources.files("llmecon").joinpath(f"data/companies/{key}.yaml") \
            .read_text(encoding="utf-8")
        return _hashed(read_yaml_text(text, f"{BUNDLED_ORIGIN}{key}.yaml"), text)
    if looks_like_path(ref) or _is_file(ref):
        return read_company_file(ref)
    hint = did_you_mean(key[:100], bundled_ids())
    raise NotFoundError(f"unknown company {ref[:100]!r}; {hint + ' ' if hint else ''}"
                        f"bundled: {', '.join(bundled_ids())} "
                        "(or give the path of a .yaml or .csv file)")


def read_companies(refs: Iterable[str]) -> list[Company]:
    return [read_company(r) for r in refs]
