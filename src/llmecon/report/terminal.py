"""Rich terminal tables."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from llmecon.metrics.tables import SignalRow, SignalsTable, Table
from llmecon.metrics.values import NOT_APPLICABLE
from llmecon.report import formatting as f
from llmecon.report.common import period_pair, source_summary
from llmecon.report.richtext import plain, printable
from llmecon.statements.model import Company

_ASSESS_STYLE = {"good": "green", "bad": "red", "neutral": "yellow", "n/a": "dim"}


def table(t: Table) -> RenderableType:
    """A metrics table with one column per company-period and n/a reasons below it."""
    rt = RichTable(title=plain(t.title), title_justify="left", header_style="bold")
    rt.add_column("metric", no_wrap=True)
    for c in t.columns:
        cur = f.CURRENCY_LABEL.get(c.currency, c.currency)
        rt.add_column(plain(f"{c.header}\nmoney in {cur}"), justify="right")
    reasons: dict[str, list[str]] = {}
    for row in t.rows:
        cells = []
        for i, mv in enumerate(row.cells):
            text = f.cell(mv)
            cells.append(plain(text, style="" if mv.ok else "dim"))
            if not mv.ok and mv.why and mv.why != NOT_APPLICABLE:
                reasons.setdefault(row.label.strip(), [])
                note = f"{t.columns[i].company_id} {mv.period.label}: {mv.why}"
                if note not in reasons[row.label.strip()]:
                    reasons[row.label.strip()].append(note)
        rt.add_row(plain(row.label), *cells)
    parts: list[RenderableType] = [rt]
    if reasons:
        lines = [f"  n/a {label}: " + "; ".join(v) for label, v in reasons.items()]
        parts.append(plain("\n".join(lines), style="dim"))
    return Group(*parts)


#: Companies per signals table: each takes three columns, so more are shown in groups.
SIGNAL_COMPANIES_PER_TABLE = 3


def signals(st: SignalsTable) -> RenderableType:
    """Signals as rows, companies side by side (three at a time, so six companies stay
    readable at 160 columns); what each signal means listed below."""
    companies = list(dict.fromkeys(r.company_id for r in st.rows))
    meanings: dict[str, str] = {}
    by_key: dict[str, dict[str, SignalRow]] = {}
    for r in st.rows:
        by_key.setdefault(r.label, {})[r.company_id] = r
        meanings[r.label] = r.meaning
    n = SIGNAL_COMPANIES_PER_TABLE
    groups = [companies[i:i + n] for i in range(0, len(companies), n)] or [[]]
    parts: list[RenderableType] = [
        _signals_table(group, by_key, "Signals" if len(groups) == 1 else
                       f"Signals ({k}/{len(groups)}: {', '.join(group)})")
        for k, group in enumerate(groups, start=1)]
    notes = plain("\n".join(f"  {k}: {v}" for k, v in meanings.items()), style="dim")
    return Group(*parts, notes)


def _signals_table(companies: Sequence[str], by_key: dict[str, dict[str, SignalRow]],
                   title: str) -> RichTable:
    rt = RichTable(title=plain(title), title_justify="left", header_style="bold")
    rt.add_column("signal", no_wrap=True)
    for c in companies:
        rt.add_column(plain(f"{c}\nlatest"), justify="right", overflow="fold")
        rt.add_column(plain(f"{c}\nchange (on)"), justify="right", overflow="fold")
        rt.add_column("", justify="left")
    for label, per in by_key.items():
        cells: list[RenderableType] = [plain(label)]
        for c in companies:
            r = per.get(c)
            if r is None:
                cells += ["", "", ""]
                continue
            latest = f"{f.cell(r.latest)} {r.latest.period.label}" if r.latest.ok else "n/a"
            pair = period_pair(r.change_to, r.change_from)
            on = f" ({pair})" if pair else ""
            cells += [plain(latest, style="" if r.latest.ok else "dim"),
                      plain(f.change(r.change, r.change_kind) + on),
                      Text(r.assessment, style=_ASSESS_STYLE[r.assessment])]
        rt.add_row(*cells)
    return rt


def companies(items: Sequence[Company]) -> RenderableType:
    rt = RichTable(title="Companies", title_justify="left", header_style="bold")
    for name in ("id", "name", "ticker", "listed", "model", "currency", "periods", "figures"):
        rt.add_column(name)
    for c in items:
        rt.add_row(*(plain(v) for v in (
            c.id, c.name, c.ticker, c.listing_date or "", c.business_model, c.currency,
            ", ".join(p.label for p in c.duration_periods), len(c.figures))))
    return rt


def company_header(c: Company) -> RenderableType:
    """Who the company is and how much of its data is solid (names printed literally)."""
    low = sum(1 for x in c.figures if x.confidence == "low")
    checks = sum(1 for x in c.figures if x.role == "check")
    listed = f", listed {c.listing_date}" if c.listing_date else ""
    text = plain(c.name, style="bold")
    text.append(printable(
        f" ({c.ticker or c.id}, {c.exchange or 'unlisted'}{listed}) · {c.business_model} · "
        f"reports in {c.currency}\n{len(c.figures)} figures, {checks} check values, "
        f"{low} of low confidence · source: {c.origin}"))
    if c.description:
        text.append("\n")
        text.append(printable(c.description), style="dim")
    return text


def validation_ok(c: Company) -> str:
    """The line printed when a file passed every check (the caller has checked it)."""
    checks = sum(1 for x in c.figures if x.role == "check")
    return printable(f"OK {c.origin}: {c.id}, {len(c.figures)} figures in "
                     f"{len(c.duration_periods)} periods; {checks} check values reproduced")


def print_all(renderables: Sequence[RenderableType], width: int | None = None, *,
              legend: bool = False) -> None:
    """Print to standard output; when it is not a terminal, lay out 160 columns wide.
    ``legend`` adds the key to the marks used in financial tables."""
    console = Console(width=width)
    if width is None and not console.is_terminal:
        console = Console(width=160)
    for r in renderables:
        console.print(plain(r) if isinstance(r, str) else r)
        console.print()
    if legend:
        console.print(Text(f.LEGEND, style="dim"))


def figures(c: Company) -> RenderableType:
    """Every figure with its unit, role, confidence and source."""
    from llmecon.statements.io import declared_value

    rt = RichTable(title=plain(f"Figures of {c.id}"), title_justify="left",
                   header_style="bold")
    for name in ("item", "segment", "period", "value", "unit", "role", "conf.", "source"):
        rt.add_column(name, overflow="fold")
    for x in c.figures:
        unit = f"{x.currency or ''} {x.unit}".strip()
        rt.add_row(*(plain(v) for v in (
            x.item, x.segment or "", x.period.label + (" (end)" if x.period.is_instant else ""),
            f"{declared_value(x):,.6g}", unit, x.role, x.confidence,
            source_summary(x.source))))
    return rt


def items() -> RenderableType:
    from llmecon.statements.taxonomy import ITEMS, NEGATED

    rt = RichTable(title="Canonical items", title_justify="left", header_style="bold")
    for name in ("item", "measures", "timing", "sign", "segments", "description"):
        rt.add_column(name)
    flipped = {v: k for k, v in NEGATED.items()}
    for d in ITEMS.values():
        sign = "any" if d.sign == "any" else ">= 0"
        if d.name in flipped:
            sign += f" (or {flipped[d.name]}, negated)"
        rt.add_row(*(plain(v) for v in (d.name, d.dimension, d.temporal, sign,
                                         "yes" if d.segmentable else "", d.description)))
    return rt
