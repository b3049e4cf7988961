"""Machine-readable output: JSON, long CSV and Markdown of tables and signals."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from llmecon.metrics.tables import SignalsTable, Table
from llmecon.metrics.values import MetricValue
from llmecon.report import formatting as f
from llmecon.report.common import json_number as _num
from llmecon.report.common import period_pair


def metric_dict(mv: MetricValue) -> dict[str, Any]:
    return {
        "value": _num(mv.value) if mv.ok else None, "unit": mv.unit, "currency": mv.currency,
        "period": mv.period.label, "period_end": mv.period.end.isoformat(),
        "period_months": mv.period.months, "annualised": mv.annualised,
        "basis": mv.basis if mv.ok else "n/a", "confidence": mv.confidence,
        **({"why": mv.why} if not mv.ok else {}),
    }


def table_dict(t: Table) -> dict[str, Any]:
    return {
        "title": t.title,
        "columns": [{"company": c.company_id, "period": c.period.label,
                     "period_months": c.period.months, "currency": c.currency}
                    for c in t.columns],
        "rows": [{"key": r.key, "label": r.label.strip(),
                  "cells": [metric_dict(mv) for mv in r.cells]} for r in t.rows],
    }


def signals_dict(st: SignalsTable) -> list[dict[str, Any]]:
    return [{
        "company": r.company_id, "signal": r.key, "label": r.label,
        "latest": metric_dict(r.latest),
        "change": _num(r.change), "change_kind": r.change_kind,
        "change_period": r.change_to.period.label if r.change_to else None,
        "compared_with": r.change_from.period.label if r.change_from else None,
        "assessment": r.assessment, "meaning": r.meaning,
    } for r in st.rows]


def to_json(tables: Sequence[Table], sig: SignalsTable | None) -> str:
    doc: dict[str, Any] = {"tables": [table_dict(t) for t in tables]}
    if sig is not None:
        doc["signals"] = signals_dict(sig)
    doc["units"] = ("money in base currency units; ratio as a fraction (0.563 = 56.3%); "
                    "days; months")
    return json.dumps(doc, indent=2, ensure_ascii=False)


CSV_HEADER = ("table", "metric", "label", "company", "period", "period_months", "value", "unit",
              "currency", "annualised", "confidence", "basis", "why")


def to_csv(tables: Sequence[Table], sig: SignalsTable | None) -> str:
    """Long CSV: one row per table cell (unrounded values), then one per signal."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_HEADER)
    for t in tables:
        for r in t.rows:
            for c, mv in zip(t.columns, r.cells, strict=True):
                w.writerow([t.title, r.key, r.label.strip(), c.company_id, mv.period.label,
                            mv.period.months, "" if not mv.ok else _num(mv.value), mv.unit,
                            mv.currency or "", mv.annualised, mv.confidence,
                            mv.basis if mv.ok else "", "" if mv.ok else mv.why])
    if sig is not None:
        for s in sig.rows:
            mv = s.latest
            w.writerow(["Signals", s.key, s.label, s.company_id, mv.period.label,
                        mv.period.months, "" if not mv.ok else _num(mv.value), mv.unit,
                        mv.currency or "", mv.annualised, mv.confidence,
                        mv.basis if mv.ok else "", "" if mv.ok else mv.why])
    return out.getvalue()


def to_markdown(tables: Sequence[Table], sig: SignalsTable | None) -> str:
    lines: list[str] = []
    for t in tables:
        lines.append(f"### {t.title}\n")
        heads = [f"{c.header} ({f.CURRENCY_LABEL.get(c.currency, c.currency)})"
                 for c in t.columns]
        lines.append("| metric | " + " | ".join(heads) + " |")
        lines.append("|---|" + "---:|" * len(heads))
        for r in t.rows:
            lines.append(f"| {r.label.strip()} | " + " | ".join(f.cell(mv) for mv in r.cells)
                         + " |")
        lines.append("")
    if sig is not None:
        lines.append("### Signals\n")
        lines.append("| company | signal | latest | period | change | on | for the model |"
                     " what it means |")
        lines.append("|---|---|---:|---|---:|---|---|---|")
        for s in sig.rows:
            on = period_pair(s.change_to, s.change_from)
            lines.append(f"| {s.company_id} | {s.label} | {f.cell(s.latest)} | "
                         f"{s.latest.period.label} | {f.change(s.change, s.change_kind)} | {on} | "
                         f"{s.assessment} | {s.meaning} |")
        lines.append("")
    lines.append(f"_{f.LEGEND}_")
    return "\n".join(lines) + "\n"
