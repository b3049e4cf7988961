"""Rich terminal tables."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from llmecon.report import formatting as f
from llmecon.report.common import period_pair, source_summary
from llmecon.report.export import (
    BASIS_NOTES,
    basis_note,
    change_marked,
    marked,
    marks_of,
    na_reasons,
)
from llmecon.report.richtext import plain, printable
from llmecon.statements.model import Company

if TYPE_CHECKING:
    from llmecon.metrics.calendar import CalendarisedValue
    from llmecon.metrics.peers import PeerRanking
    from llmecon.metrics.tables import SignalRow, SignalsTable, Table
    from llmecon.metrics.valuation import Valuation
    from llmecon.statements.listing import CompanySummary

_ASSESS_STYLE = {"good": "green", "bad": "red", "neutral": "yellow", "n/a": "dim"}


def table(t: Table) -> RenderableType:
    """A metrics table with one column per company-period and n/a reasons below it."""
    rt = RichTable(title=plain(t.title), title_justify="left", header_style="bold")
    rt.add_column("metric", no_wrap=True)
    for c in t.columns:
        cur = f.CURRENCY_LABEL.get(c.currency, c.currency)
        rt.add_column(plain(f"{c.header}\nto {c.period.end}, money in {cur}"),
                      justify="right")
    for row in t.rows:
        rt.add_row(plain(row.label), *(plain(marked(mv), style="" if mv.ok else "dim")
                                       for mv in row.cells))
    parts: list[RenderableType] = [rt]
    lines = [f"  n/a {line}" for line in na_reasons(t)]
    if note := basis_note([mv for r in t.rows for mv in r.cells]):
        lines.insert(0, f"  {note}")
    if lines:
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
    for r in st.rows:  # why a change is n/a, as JSON's change_why says it
        if r.change_why:
            meanings[r.label] += f" No change for {r.company_id}: {r.change_why}."
    n = SIGNAL_COMPANIES_PER_TABLE
    groups = [companies[i:i + n] for i in range(0, len(companies), n)] or [[]]
    parts: list[RenderableType] = [
        _signals_table(group, by_key, "Signals" if len(groups) == 1 else
                       f"Signals ({k}/{len(groups)}: {', '.join(group)})")
        for k, group in enumerate(groups, start=1)]
    notes_text = "\n".join(f"  {k}: {v}" for k, v in meanings.items())
    if note := basis_note([r.latest for r in st.rows]):
        notes_text += f"\n  {note}"
    return Group(*parts, plain(notes_text, style="dim"))


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
            latest = f"{marked(r.latest)} {r.latest.period.label}" if r.latest.ok else "n/a"
            pair = period_pair(r.change_to, r.change_from)
            on = f" ({pair})" if pair else ""
            cells += [plain(latest, style="" if r.latest.ok else "dim"),
                      plain(change_marked(r)
                            + on),
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


def company_summaries(items: Sequence[CompanySummary]) -> RenderableType:
    """Each company's dataset: latest period, the date of its newest source, what is
    missing (the coverage note) and how many figures are of low confidence."""
    rt = RichTable(title="Companies", title_justify="left", header_style="bold")
    for name in ("id", "name", "ticker", "model", "currency", "FY ends", "latest period",
                 "newest source", "figures (low conf.)"):
        rt.add_column(name, overflow="fold")
    for c in items:
        rt.add_row(*(plain(v) for v in (
            c.id, c.name, c.ticker, c.business_model, c.currency, c.fiscal_year_end,
            c.latest, c.as_of.isoformat() if c.as_of else "unknown",
            f"{c.figures} ({c.low_confidence_figures})")))
    notes = "\n".join(["  newest source: the date of the newest source behind any figure, "
                       "a share price included; 'latest period' is the newest results",
                       *(f"  {c.id}: {c.coverage_note}" for c in items if c.coverage_note)])
    return Group(rt, plain(notes, style="dim"))


def peer_ranking(r: PeerRanking) -> RenderableType:
    """Companies ranked on one signal, best first (or highest: the ranking's order says);
    each value with its period end."""
    rt = RichTable(title=plain(f"Peers: {r.label} ({r.signal})"), title_justify="left",
                   header_style="bold")
    for name, just in (("rank", "right"), ("company", "left"), ("value", "right"),
                       ("period", "left"), ("basis or why n/a", "left")):
        rt.add_column(name, justify=just)  # type: ignore[arg-type]
    for e in r.entries:
        mv = e.value
        rt.add_row(plain(str(e.rank) if e.rank else "-"), plain(e.company_id),
                   plain(marked(mv), style="" if mv.ok else "dim"), plain(e.period),
                   plain(mv.basis if mv.ok else mv.why, style="dim"))
    notes = f"  {r.meaning}" + (f"\n  rank: {r.order}" if r.order else "") \
        + (f"\n  {r.note}" if r.note else "")
    if note := basis_note([e.value for e in r.entries]):
        notes += f"\n  {note}"
    return Group(rt, plain(notes, style="dim"))


def valuations(items: Sequence[Valuation]) -> RenderableType:
    """One row per dated share price: market value, EV, EV / revenue, price vs the IPO."""
    rt = RichTable(title="Valuation", title_justify="left", header_style="bold")
    for name in ("company", "price", "date", "market cap", "net cash", "EV",
                 "TTM revenue", "EV / TTM rev.", "EV / fwd rev.", "vs IPO price", "conf."):
        rt.add_column(name, justify="left" if name in ("company", "date") else "right")
    notes: list[str] = []
    for v in items:
        cur, m = v.currency, marks_of(v.cash_bases)  # the net cash's § reaches the EV

        def on_cash(text: str, m: str = m) -> str:
            return text if text == "n/a" else text + m
        rt.add_row(*(plain(x) for x in (
            v.company_id, f"{f.CURRENCY_LABEL.get(v.price_currency, v.price_currency)} "
            f"{v.share_price:,.2f}", v.as_of.isoformat(), _money(v.market_cap, cur),
            on_cash(_money(v.net_cash, cur)), on_cash(_money(v.enterprise_value, cur)),
            _money(v.ttm_revenue, cur), on_cash(_times(v.ev_to_ttm_revenue)),
            on_cash(_times(v.ev_to_forward_revenue)),
            "n/a" if v.price_vs_ipo is None else f"{v.price_vs_ipo:+.1%}", v.confidence)))
        rolled = () if v.ev_cash_rolled_forward is None else (
            f"EV with that cash deducted: {_money(v.ev_cash_rolled_forward, cur)} "
            f"({_times(v.ev_cash_rolled_forward_to_ttm_revenue)} TTM revenue)",)
        forward = () if v.forward_revenue is None else (
            f"EV / forward revenue on your estimate of {_money(v.forward_revenue, cur)} "
            "(--forward-revenue)",)
        for line in (*v.basis, *rolled, *forward, *(f"n/a: {w}" for w in v.why)):
            note = f"  {v.company_id} {v.price_label}: {line}"
            if note not in notes:
                notes.append(note)
    used = {k for v in items for k in v.cash_bases}
    notes += [f"  {n}" for k, n in BASIS_NOTES.items() if k in used]
    return Group(rt, plain("\n".join(notes), style="dim")) if notes else rt


def calendarised(items: Sequence[CalendarisedValue]) -> RenderableType:
    """Trailing twelve months at a common date, each with the period end it stops at."""
    day = items[0].as_of.isoformat() if items else ""
    what = items[0].item if items else ""
    rt = RichTable(title=plain(f"{what}, trailing twelve months at {day}"),
                   title_justify="left", header_style="bold")
    for name in ("company", "TTM", "period end", "days before", "basis or why n/a"):
        rt.add_column(name, justify="right" if name in ("TTM", "days before") else "left")
    for v in items:
        mark = f.confidence_mark(v.confidence) if v.value is not None else ""
        rt.add_row(*(plain(x) for x in (
            v.company_id, _money(v.value, v.currency) + mark, v.label,
            "" if v.lag_days is None else str(v.lag_days), v.basis if v.value is not None
            else v.why)))
    if any(v.value is not None and f.confidence_mark(v.confidence) for v in items):
        return Group(rt, plain(f"  {f.CONFIDENCE_LEGEND}", style="dim"))
    return rt


def _money(value: float | None, currency: str) -> str:
    return "n/a" if value is None else f.money(value, currency)


def _times(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.1f}x"


def key_values(title: str, rows: Sequence[tuple[str, str]]) -> RenderableType:
    """A two-column table of labelled values (printed literally)."""
    rt = RichTable(title=plain(title), title_justify="left", header_style="bold")
    rt.add_column("quantity")
    rt.add_column("value", justify="right")
    for k, v in rows:
        rt.add_row(plain(k), plain(v))
    return rt


def frame_table(title: str, frame: Any, max_rows: int = 200) -> RenderableType:
    """The first ``max_rows`` rows of a DataFrame (numbers to four significant digits)."""
    rt = RichTable(title=plain(title), title_justify="left", header_style="bold")
    for c in frame.columns:
        rt.add_column(plain(str(c)), justify="right")
    for row in frame.head(max_rows).itertuples(index=False):
        rt.add_row(*(plain(f"{v:,.4g}" if isinstance(v, float) else str(v)) for v in row))
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
    dates = len(c.periods) - len(c.duration_periods)  # balances, share prices, a listing
    return printable(f"OK {c.origin}: {c.id}, {len(c.figures)} figures in "
                     f"{len(c.duration_periods)} reporting periods"
                     + (f" and {dates} dates" if dates else "")
                     + f"; {checks} check values reproduced")


class _Console(Console):
    """Rich's console, but a reader that goes away (``| head``) raises BrokenPipeError
    for the command line's error boundary to end quietly with 0; rich's own handling
    exits with 1, the code for an internal error."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError("standard output closed")


def print_all(renderables: Sequence[RenderableType], width: int | None = None, *,
              legend: bool = False) -> None:
    """Print to standard output; when it is not a terminal, lay out 160 columns wide.
    ``legend`` adds the key to the marks used in financial tables."""
    console = _Console(width=width)
    if width is None and not console.is_terminal:
        console = _Console(width=160)
    for r in renderables:
        console.print(plain(r) if isinstance(r, str) else r)
        console.print()
    if legend:
        console.print(Text(f.LEGEND, style="dim"))


def figures(c: Company, ends: Collection[date] | None = None) -> RenderableType:
    """Every figure with its unit, role, confidence and source (``ends``: only those of
    periods ending on these dates, as ``show --last`` shows)."""
    from llmecon.statements.io import declared_value

    rt = RichTable(title=plain(f"Figures of {c.id}"), title_justify="left",
                   header_style="bold")
    for name in ("item", "segment", "period", "value", "unit", "role", "conf.", "source"):
        rt.add_column(name, overflow="fold")
    for x in c.figures:
        if ends is not None and x.period.end not in ends:
            continue
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
