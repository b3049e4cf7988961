"""Company files: one YAML file per company, or the long CSV format.

Both load into the same :class:`Company`; both writers are lossless (a company written
and read back gives the same figures, sources and notes).

Long CSV columns (as ``shared/reference/prospectus_figures.csv``, plus optional ones)::

    company, period, period_end, period_months, metric, value, currency, unit,
    source_url, source_count, confidence, note            (required)
    segment, role, tolerance                               (optional)

Company metadata go in rows whose period is ``META``: ``metric`` is the field name
(name, ticker, exchange, listing_date, currency, business_model, lines, description)
and ``value`` its text.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from llmecon.errors import InputError, NotFoundError
from llmecon.statements.model import Company, Figure
from llmecon.statements.records import META_FIELDS, Record, build_company
from llmecon.units import parse_unit

CSV_COLUMNS: tuple[str, ...] = (
    "company", "period", "period_end", "period_months", "metric", "value", "currency", "unit",
    "source_url", "source_count", "confidence", "note",
)
CSV_OPTIONAL: tuple[str, ...] = ("segment", "role", "tolerance")
META_PERIOD = "META"


def _fmt(x: float) -> str:
    """Shortest text that reads back as the same float for figures of up to 15 digits."""
    s = format(x, ".15g")
    return s if "e" not in s else repr(x)


def declared_value(fig: Figure) -> float:
    """A figure's value in the unit it was declared in (inverse of the load scaling)."""
    factor = parse_unit(fig.unit, fig.definition.natural_base).factor
    return float(_fmt(fig.value / factor))


# ---------------------------------------------------------------- CSV
def read_csv_text(text: str, origin: str) -> Company:
    """Parse the long CSV format."""
    if not text.strip():
        raise InputError(f"{origin}: the file is empty; expected a CSV header "
                         f"({', '.join(CSV_COLUMNS)})")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise InputError(f"{origin}: missing column(s) {', '.join(missing)}; found "
                         f"{', '.join(header) or 'no header'}; expected "
                         f"{', '.join(CSV_COLUMNS)} (optional: {', '.join(CSV_OPTIONAL)})")
    extra = [c for c in header if c not in CSV_COLUMNS and c not in CSV_OPTIONAL]
    if extra:
        raise InputError(f"{origin}: unknown column(s) {', '.join(extra)}; expected "
                         f"{', '.join(CSV_COLUMNS)} (optional: {', '.join(CSV_OPTIONAL)})")
    ids: set[str] = set()
    meta: dict[str, Any] = {}
    records: list[Record] = []
    for n, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v.strip() if isinstance(v, str) else v)
               for k, v in raw.items()}
        if None in raw:
            raise InputError(f"{origin} row {n}: more fields than the header has columns")
        if not any(row.values()):
            continue
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
            meta[field] = row.get("value")
            continue
        records.append(Record(
            where=where, period=row.get("period") or "", period_end=row.get("period_end"),
            period_months=row.get("period_months"), item=row.get("metric") or "",
            value=row.get("value"), unit=row.get("unit"), currency=row.get("currency"),
            segment=row.get("segment"), source=row.get("source_url"),
            source_count=row.get("source_count"), confidence=row.get("confidence"),
            note=row.get("note"), role=row.get("role"), tolerance=row.get("tolerance"),
        ))
    if len(ids) > 1:
        raise InputError(f"{origin}: one company per file, found {', '.join(sorted(ids))}")
    if not ids:
        raise InputError(f"{origin}: no rows below the header")
    return build_company(meta, ids.pop(), records, origin)


def write_csv_text(company: Company) -> str:
    """The long CSV text of a company (metadata rows first)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([*CSV_COLUMNS, *CSV_OPTIONAL])
    blank = [""] * (len(CSV_COLUMNS) + len(CSV_OPTIONAL))

    def meta_row(field: str, value: str) -> None:
        row = list(blank)
        row[0], row[1], row[4], row[5] = company.id, META_PERIOD, field, value
        w.writerow(row)

    for field, value in _meta(company).items():
        meta_row(field, ";".join(value) if isinstance(value, list) else str(value))
    for f in company.figures:
        w.writerow([
            company.id, f.period.label, f.period.end.isoformat(), f.period.months, f.item,
            _fmt(declared_value(f)), f.currency or "", f.unit, f.source,
            "" if f.source_count is None else f.source_count, f.confidence, f.note,
            f.segment or "", f.role, "" if f.tolerance is None else _fmt(f.tolerance),
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
    if company.lines:
        m["lines"] = list(company.lines)
    if company.platform_line:
        m["platform_line"] = company.platform_line
    if company.description:
        m["description"] = company.description
    return m


def read_yaml_text(text: str, origin: str) -> Company:
    """Parse the YAML company format (see ``llmecon/data/companies/*.yaml``)."""
    import yaml

    if not text.strip():
        raise InputError(f"{origin}: the file is empty; expected keys company, periods, figures")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster
    try:
        doc = yaml.load(text, Loader=loader)  # a safe loader (no arbitrary objects)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        raise InputError(f"{origin}: not valid YAML{at}: {getattr(e, 'problem', e)}") from None
    if not isinstance(doc, dict):
        raise InputError(f"{origin}: expected a mapping with keys company, periods, figures; "
                         f"found {type(doc).__name__}")
    for key in ("company", "periods", "figures"):
        if key not in doc:
            raise InputError(f"{origin}: missing top-level key {key!r}")
    unknown = sorted(set(doc) - {"company", "periods", "figures", "defaults"})
    if unknown:
        raise InputError(f"{origin}: unknown top-level key(s) {', '.join(map(str, unknown))}")
    meta = doc["company"]
    if not isinstance(meta, dict) or not meta.get("id"):
        raise InputError(f"{origin}: company: expected a mapping with at least 'id'")
    periods = doc["periods"]
    if not isinstance(periods, dict):
        raise InputError(f"{origin}: periods: expected a mapping label -> {{end, months}}")
    defaults = doc.get("defaults") or {}
    if not isinstance(defaults, dict) or set(defaults) - {"currency", "unit"}:
        raise InputError(f"{origin}: defaults: expected a mapping with currency and/or unit")
    figs = doc["figures"]
    if not isinstance(figs, list):
        raise InputError(f"{origin}: figures: expected a list of mappings")
    fields = {"item", "period", "value", "unit", "currency", "segment", "instant", "source",
              "source_count", "confidence", "note", "role", "tolerance"}
    records: list[Record] = []
    for i, fig in enumerate(figs):
        where = f"{origin}: figures[{i}]"
        if not isinstance(fig, dict):
            raise InputError(f"{where}: expected a mapping, found {fig!r}")
        bad = sorted(set(fig) - fields)
        if bad:
            raise InputError(f"{where}: unknown field(s) {', '.join(bad)}; expected "
                             f"{', '.join(sorted(fields))}")
        label = str(fig.get("period", ""))
        where = f"{where} ({fig.get('item')} {label})"
        per = periods.get(label)
        if label and not isinstance(per, dict):
            raise InputError(f"{where}: period {label!r} is not defined under 'periods'")
        per = per or {}
        months = 0 if fig.get("instant") else per.get("months")
        records.append(Record(
            where=where, period=label, period_end=per.get("end"), period_months=months,
            item=str(fig.get("item", "")), value=fig.get("value"),
            unit=fig.get("unit", defaults.get("unit")),
            currency=fig.get("currency", defaults.get("currency")
                             if _is_money(fig.get("item")) else None),
            segment=fig.get("segment"), source=fig.get("source"),
            source_count=fig.get("source_count"), confidence=fig.get("confidence"),
            note=fig.get("note"), role=fig.get("role"), tolerance=fig.get("tolerance"),
        ))
    meta = dict(meta)
    cid = str(meta.pop("id"))
    return build_company(meta, cid, records, origin)


def _is_money(item: Any) -> bool:
    from llmecon.statements.taxonomy import ITEMS, NEGATED

    name = NEGATED.get(str(item), str(item))
    return name in ITEMS and ITEMS[name].has_currency


def write_yaml_text(company: Company) -> str:
    """The YAML text of a company; every figure keeps its unit, source and notes."""
    import yaml

    periods: dict[str, dict[str, Any]] = {}
    for f in company.figures:
        p = periods.setdefault(f.period.label, {"end": f.period.end.isoformat(), "months": 0})
        if f.period.months:
            p["months"] = f.period.months
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
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text: str = yaml.dump(doc, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)
    return text


# ---------------------------------------------------------------- files
def read_company_file(path: str | Path) -> Company:
    """Read a company from a ``.yaml``/``.yml`` or ``.csv`` file."""
    p = Path(path)
    if not p.exists():
        raise NotFoundError(f"{p}: file not found")
    if not p.is_file():
        raise InputError(f"{p}: not a file")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{p}: not UTF-8 text") from None
    suffix = p.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return read_yaml_text(text, str(p))
    if suffix == ".csv":
        return read_csv_text(text, str(p))
    raise InputError(f"{p}: unknown file type {suffix or '(none)'}; expected .yaml, .yml or .csv")


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
    atomic_write_text(p, text)
    return p


def atomic_write_text(path: Path, text: str) -> None:
    """Write to a temporary file in the same folder, then rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------- bundled
def bundled_ids() -> list[str]:
    """Ids of the bundled companies."""
    folder = resources.files("llmecon").joinpath("data/companies")
    return sorted(e.name[:-5] for e in folder.iterdir() if e.name.endswith(".yaml"))


def looks_like_path(ref: str) -> bool:
    return any(c in ref for c in "/\\") or ref.lower().endswith((".yaml", ".yml", ".csv"))


def read_company(ref: str) -> Company:
    """A bundled company by id, or a user's file by path."""
    if looks_like_path(ref) or Path(ref).is_file():
        return read_company_file(ref)
    key = ref.strip().lower()
    if key in bundled_ids():
        text = resources.files("llmecon").joinpath(f"data/companies/{key}.yaml") \
            .read_text(encoding="utf-8")
        return read_yaml_text(text, f"llmecon/data/companies/{key}.yaml")
    raise NotFoundError(f"unknown company {ref!r}; bundled: {', '.join(bundled_ids())} "
                        "(or give the path of a .yaml or .csv file)")


def read_companies(refs: Iterable[str]) -> list[Company]:
    return [read_company(r) for r in refs]
