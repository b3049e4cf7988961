"""Machine-readable output: JSON, long CSV and Markdown of tables and signals."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from llmecon.metrics.values import MetricValue
from llmecon.report import formatting as f
from llmecon.report.common import json_number as _num
from llmecon.report.common import jsonable, period_pair
from llmecon.textcells import CsvWriter, md_cell

if TYPE_CHECKING:
    from llmecon.metrics.calendar import CalendarisedValue
    from llmecon.metrics.peers import PeerRanking
    from llmecon.metrics.tables import SignalRow, SignalsTable, Table
    from llmecon.metrics.valuation import Valuation
    from llmecon.statements.listing import CompanySummary


#: Marks of a value's basis (``MetricValue.method``) that a reader must see in every table:
#: a burn (and the runway from it) measured by the adjusted loss is not a cash measure; cash
#: resources without the short-term investments, which were not disclosed, may be larger.
BASIS_MARKS = {"adjusted_loss": "\u2021", "cash_only": "\u00a7"}
BASIS_NOTES = {
    "adjusted_loss": "\u2021 burn from the adjusted (non-IFRS) net loss: no cash-flow "
                     "statement for that period, so not a cash measure; changes compare only "
                     "periods on the same basis.",
    "cash_only": "\u00a7 cash and equivalents alone: short-term investments are not disclosed "
                 "for that date (not counted as zero; the cash resources may be larger).",
}


def basis_marks(mv: MetricValue) -> str:
    """The basis marks of a value, its own and its inputs' (``‡`` for a burn from the
    adjusted loss, ``§`` for cash without undisclosed short-term investments: a runway on
    that cash shows both); '' for a value that is n/a."""
    return marks_of(mv.bases if mv.ok else ())


def marks_of(bases: Iterable[str]) -> str:
    """The marks of a set of bases, in :data:`BASIS_MARKS` order."""
    found = set(bases)
    return "".join(mark for k, mark in BASIS_MARKS.items() if k in found)


def marked(mv: MetricValue) -> str:
    """:func:`formatting.cell` plus the basis marks (:func:`basis_marks`)."""
    return f.cell(mv) + basis_marks(mv)


def change_marked(r: SignalRow) -> str:
    """A signal's change (:func:`formatting.signal_change`) with the basis marks of the values
    compared: MiniMax's burn change, +2.8%°‡, is between two adjusted losses, not between
    the FY2024 cash burn a table shows and the FY2025 adjusted loss."""
    marks = basis_marks(r.change_to) if r.change_to is not None and r.change is not None \
        else ""
    return f.signal_change(r.change, r.change_kind, r.change_confidence) + marks


def basis_note(values: Sequence[MetricValue]) -> str:
    """What the basis marks among ``values`` mean ('' where none is used)."""
    used = {k for mv in values if mv.ok for k in mv.bases}
    return " ".join(note for k, note in BASIS_NOTES.items() if k in used)


def na_reasons(t: Table) -> list[str]:
    """Why each n/a cell of ``t`` is n/a, one line per row ('Receivable days: zhipu
    H1_2024: ...; minimax FY2023: ...'); a row that is another company's line is left out."""
    from llmecon.metrics.values import NOT_APPLICABLE

    reasons: dict[str, list[str]] = {}
    for row in t.rows:
        for col, mv in zip(t.columns, row.cells, strict=True):
            if not mv.ok and mv.why and mv.why != NOT_APPLICABLE:
                note = f"{col.company_id} {mv.period.label}: {mv.why}"
                got = reasons.setdefault(row.label.strip(), [])
                if note not in got:
                    got.append(note)
    return [f"{label}: " + "; ".join(v) for label, v in reasons.items()]


def metric_dict(mv: MetricValue) -> dict[str, Any]:
    """One value for JSON; ``method`` names the basis key where a metric has several (the
    burn: ``cash_flow``, ``operating_cash_flow`` or ``adjusted_loss``)."""
    return {
        "value": _num(mv.value) if mv.ok else None, "unit": mv.unit, "currency": mv.currency,
        "period": mv.period.label, "period_end": mv.period.end.isoformat(),
        "period_months": mv.period.months, "annualised": mv.annualised,
        "text": marked(mv), "basis": mv.basis if mv.ok else "n/a",
        "confidence": mv.confidence,
        **({"method": mv.method} if mv.method else {}),
        **({"inherited_bases": list(mv.inherited)} if mv.inherited else {}),
        **({"why": mv.why} if not mv.ok else {}),
    }


def table_dict(t: Table) -> dict[str, Any]:
    return {
        "title": t.title,
        "columns": [{"company": c.company_id, "period": c.period.label,
                     "period_months": c.period.months, "currency": c.currency,
                     "header": f"{c.header} ({f.CURRENCY_LABEL.get(c.currency, c.currency)})"}
                    for c in t.columns],
        "rows": [{"key": r.key, "label": r.label.strip(),
                  "cells": [metric_dict(mv) for mv in r.cells]} for r in t.rows],
    }


def signals_dict(st: SignalsTable) -> list[dict[str, Any]]:
    return [{
        "company": r.company_id, "signal": r.key, "label": r.label,
        "latest": metric_dict(r.latest),
        "change": _num(r.change), "change_kind": r.change_kind,
        "change_text": change_marked(r),
        "change_confidence": r.change_confidence,
        "change_period": r.change_to.period.label if r.change_to else None,
        "compared_with": r.change_from.period.label if r.change_from else None,
        "change_why": r.change_why or None,
        "assessment": r.assessment, "meaning": r.meaning,
    } for r in st.rows]


def legend(tables: Sequence[Table], sig: SignalsTable | None) -> str:
    """What the marks in ``text`` mean (the burn-basis mark's line only where it is used)."""
    values = [mv for t in tables for r in t.rows for mv in r.cells]
    values += [r.latest for r in sig.rows] if sig is not None else []
    note = basis_note(values)
    return f.LEGEND + (" " + note if note else "")


def compare_dict(tables: Sequence[Table], sig: SignalsTable | None) -> dict[str, Any]:
    """Tables, signals and the legend of their marks, as ``compare --format json`` and the
    dashboard's compare route give them."""
    doc: dict[str, Any] = {"tables": [table_dict(t) for t in tables]}
    if sig is not None:
        doc["signals"] = signals_dict(sig)
    doc["legend"] = legend(tables, sig)
    doc["units"] = ("money in base currency units; ratio as a fraction (0.563 = 56.3%), a "
                    "change in percentage points too (0.05 = 5pp); days; months")
    return doc


def to_json(tables: Sequence[Table], sig: SignalsTable | None) -> str:
    return json.dumps(compare_dict(tables, sig), indent=2, ensure_ascii=False)


CSV_HEADER = ("table", "metric", "label", "company", "period", "period_months", "period_end",
              "value", "unit", "currency", "annualised", "confidence", "basis", "why",
              "method", "change", "change_kind", "change_period", "compared_with",
              "change_confidence", "assessment", "change_why")


def to_csv(tables: Sequence[Table], sig: SignalsTable | None) -> str:
    """Long CSV: one row per table cell (unrounded values), then one per signal."""
    out = io.StringIO()
    w = CsvWriter(out)
    w.writerow(CSV_HEADER)
    for t in tables:
        for r in t.rows:
            for c, mv in zip(t.columns, r.cells, strict=True):
                w.writerow([t.title, r.key, r.label.strip(), c.company_id, *_csv_value(mv),
                            "", "", "", "", "", "", ""])
    if sig is not None:
        for s in sig.rows:
            w.writerow(["Signals", s.key, s.label, s.company_id, *_csv_value(s.latest),
                        "" if s.change is None else _num(s.change), s.change_kind,
                        s.change_to.period.label if s.change_to else "",
                        s.change_from.period.label if s.change_from else "",
                        s.change_confidence or "", s.assessment, s.change_why])
    return out.getvalue()


def _csv_value(mv: MetricValue) -> list[Any]:
    """A value's columns of :data:`CSV_HEADER`, from ``period`` to ``method``."""
    return [mv.period.label, mv.period.months, mv.period.end.isoformat(),
            "" if not mv.ok else _num(mv.value), mv.unit, mv.currency or "", mv.annualised,
            mv.confidence, mv.basis if mv.ok else "", "" if mv.ok else mv.why,
            "+".join(mv.bases) if mv.ok else mv.method]  # a runway on § cash: reported+cash_only


def to_markdown(tables: Sequence[Table], sig: SignalsTable | None) -> str:
    lines: list[str] = []
    for t in tables:
        lines.append(f"### {md_cell(t.title)}\n")
        heads = [md_cell(f"{c.header} to {c.period.end} "
                         f"({f.CURRENCY_LABEL.get(c.currency, c.currency)})") for c in t.columns]
        lines.append("| metric | " + " | ".join(heads) + " |")
        lines.append("|---|" + "---:|" * len(heads))
        for r in t.rows:
            lines.append(f"| {md_cell(r.label.strip())} | "
                         + " | ".join(md_cell(marked(mv)) for mv in r.cells) + " |")
        lines.append("")
    if sig is not None:
        lines.append("### Signals\n")
        lines.append("| company | signal | latest | period | change | on | for the model |"
                     " what it means |")
        lines.append("|---|---|---:|---|---:|---|---|---|")
        for s in sig.rows:
            on = period_pair(s.change_to, s.change_from)
            cells = (s.company_id, s.label, marked(s.latest), s.latest.period.label,
                     change_marked(s), on,
                     s.assessment, s.meaning)
            lines.append("| " + " | ".join(map(md_cell, cells)) + " |")
        lines.append("")
    values = [mv for t in tables for r in t.rows for mv in r.cells]
    note = basis_note(values + ([x.latest for x in sig.rows] if sig is not None else []))
    if note:
        lines.append(f"_{note}_\n")
    lines.append(f"_{f.LEGEND}_")
    return "\n".join(lines) + "\n"


def _dump(doc: Any) -> str:
    return json.dumps(jsonable(doc), indent=2, ensure_ascii=False, default=str,
                      allow_nan=False)


def summaries_json(items: Sequence[CompanySummary]) -> str:
    """Each company's dataset summary (latest period, as-of date, coverage) as JSON."""
    return _dump([{**asdict(c), "latest": c.latest} for c in items])


def ranking_json(r: PeerRanking) -> str:
    """A peer ranking as JSON: each entry's rank (null when n/a), value and period end."""
    return _dump({"signal": r.signal, "label": r.label, "meaning": r.meaning, "note": r.note,
                  "order": r.order, "entries": [{"rank": e.rank, "company": e.company_id,
                               **metric_dict(e.value)}
                              for e in r.entries]})


def valuations_json(items: Sequence[Valuation]) -> str:
    """Valuations as JSON (money in each company's reporting currency; ``None`` is n/a)."""
    return _dump([{k: v for k, v in asdict(x).items() if k != "inputs"} for x in items])


def calendarised_json(items: Sequence[CalendarisedValue]) -> str:
    """Calendarised TTM values as JSON, each with its period end and lag in days."""
    return _dump([{**asdict(v), "lag_days": v.lag_days, "label": v.label} for v in items])
