"""Presenters for projections, saved runs and the analysts' answers."""

from __future__ import annotations

import io
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from rich.table import Table as RichTable

from llmecon.report.common import jsonable
from llmecon.report.formatting import (
    CONFIDENCE_LEGEND,
    compact,
    confidence_mark,
    money,
    percent,
    share_as_given,
)
from llmecon.report.richtext import plain
from llmecon.simulate.run import PERCENTILES, SimResult
from llmecon.statements.model import BUNDLED_ORIGIN
from llmecon.textcells import CsvWriter

if TYPE_CHECKING:
    from llmecon.simulate.sensitivity import LineSensitivity
    from llmecon.store.runs import RunRecord  # the store (and duckdb) only when saving


def _months(v: float) -> str:
    return "beyond horizon" if math.isinf(v) else f"{v:.0f}"


def _saved_end(end: Any) -> str:
    """`` (Jan 2027)`` from a saved month end (ISO text), else nothing."""
    from datetime import date

    try:
        return f" ({date.fromisoformat(str(end)):%b %Y})" if end else ""
    except ValueError:
        return ""


def _dated(r: SimResult, v: float) -> str:
    """A month number with its month end: ``8 (Feb 2026)``."""
    d = r.month_end_of(v)
    return _months(v) if d is None else f"{v:.0f} ({d:%b %Y})"


def _label(r: SimResult, m: int) -> str:
    """Projected month index ``m`` as its number and month end."""
    return _dated(r, float(m + 1))


def fan_table(r: SimResult, metric: str = "cash", step: int = 6) -> RichTable:
    title = {"cash": "Cash (end of month)", "revenue": "Revenue per month",
             "gross_margin": "Gross margin", "burn": "Cash burn per month"}[metric]
    t = RichTable(title=plain(f"{title}: percentiles over {r.paths:,} paths ({r.company}, "
                              f"{'+'.join(r.stresses) or 'base'}, seed {r.seed}, {r.backend}, "
                              f"financing {r.financing_included})"),
                  title_justify="left", header_style="bold")
    t.add_column("month", justify="right")
    for q in PERCENTILES:
        t.add_column(f"p{q}", justify="right")
    if metric == "cash":
        t.add_column("P(cash < 0 by then)", justify="right")
    arr = r.percentiles[metric]
    months = sorted(set(range(0, r.horizon_months, step)) | {r.horizon_months - 1})
    for m in months:
        cells = [percent(float(arr[i, m])) if metric == "gross_margin" else
                 money(float(arr[i, m]), r.currency) for i in range(len(PERCENTILES))]
        if metric == "cash":
            cells.append(percent(float(r.prob_cash_out[m])))
        t.add_row(_label(r, m), *cells)
    return t


def _loss_trend(slope: float, currency: str) -> str:
    """The monthly loss's linear trend in words (``slope``: its change per month, money in
    ``currency``; positive: the loss grows).

    >>> _loss_trend(180_700.0, "USD"), _loss_trend(-2.5e6, "CNY"), _loss_trend(0.0, "USD")
    ('widens by US$ 180.7k each month', 'narrows by RMB 2.5m each month', 'flat')
    """
    if slope == 0:
        return "flat"
    return f"{'widens' if slope > 0 else 'narrows'} by {money(abs(slope), currency)} each month"


def financing_text(labels: Sequence[str], amounts: Sequence[float], currency: str) -> str:
    """The financing events counted, each with its gross amount in its currency.

    >>> financing_text(["IPO 2026-01-08, received net of fees 4.02%; gross proceeds"], [3.9e9],
    ...                "CNY")
    'IPO 2026-01-08, received net of fees 4.02%; gross proceeds: RMB 3.90bn'
    """
    if len(amounts) != len(labels):  # a run saved before the amounts were kept
        return "; ".join(labels) or "no financing events"
    return "; ".join(f"{lb}: {money(a, currency)}" for lb, a in zip(labels, amounts, strict=True)
                     ) or "no financing events"


def held_notes(held: Mapping[str, float]) -> list[str]:
    """What a run says of the bounds its multiplied drivers were held to
    (:mod:`llmecon.simulate.bounds`): ``held`` maps a driver to its share of path-months.

    >>> print(held_notes({"app.user_churn_monthly": 0.032})[0])  # doctest: +NORMALIZE_WHITESPACE
    app.user_churn_monthly multiplied past 100% on 3.2% of path-months, held at 100%
    (every user leaves)
    """
    out = []
    for name, share in held.items():
        if name.endswith("user_churn_monthly"):
            what = "past 100%", "100% (every user leaves)"
        else:
            what = "below -100%", "-100% (every token lost)"
        out.append(f"{name} multiplied {what[0]} on {percent(share)} of path-months, held "
                   f"at {what[1]}")
    return out


def summary_table(r: SimResult) -> RichTable:
    s = r.summary()
    events = financing_text(r.financing_events, r.financing_amounts, r.currency)
    t = RichTable(title=plain(f"Summary (financing included: {r.financing_included}: "
                              f"{events}; burn = {s['burn_basis']})"),
                  title_justify="left", header_style="bold")
    t.add_column("quantity")
    for q in PERCENTILES:
        t.add_column(f"p{q}", justify="right")
    t.add_row("runway (month cash first < 0)", *(_dated(r, v) for v in r.runway_percentiles))
    t.add_row("break-even month (operating cash flow >= 0)",
              *(_dated(r, v) for v in r.breakeven_percentiles))
    t.add_row("revenue over the horizon",
              *(money(v, r.currency) for v in r.revenue_total_percentiles))
    t.add_row("gross margin over the horizon",
              *(percent(v) for v in r.gross_margin_total_percentiles))
    # probabilities are not percentiles: below the table, not in its p5 column
    t.caption = plain(f"P(cash < 0 within the horizon): {percent(s['prob_cash_out_by_horizon'])}; "
                      "P(break-even within the horizon): "
                      f"{percent(s['prob_breakeven_within_horizon'])}"
                      + "".join(f"; {note}" for note in held_notes(r.held_at_bounds)))
    t.caption_justify = "left"
    return t


def scenario_drivers(s: Any) -> dict[str, dict[str, Any]]:
    """The central value and source of each business-line driver of a scenario (the
    unit-economics drivers the calibration read; JSON of ``simulate`` and ``answers``)."""
    return {k: {"value": d.central, "source": s.provenance.get(k, "")}
            for k, d in s.drivers.items() if "." in k}


def later_table(figures: Sequence[Any], r: SimResult) -> list[RichTable]:
    """The projection against figures disclosed after its start (none: no table)."""
    if not figures:
        return []
    t = RichTable(title=plain("Against what was disclosed after the start (the start is the "
                              "latest period disclosing all the projection needs)"),
                  title_justify="left", header_style="bold")
    for col in ("disclosed", "months", "value", "projection", "p5 - p95", "where"):
        t.add_column(col, justify="left" if col in ("disclosed", "months", "where")
                     else "right")
    ends = r.month_ends
    for f in figures:
        name = "cash + short-term investments" if f.item == "cash_resources" else "revenue"
        span = _span(ends, f.first_month, f.last_month)
        proj = ("median " if f.low is not None else "mean ") + money(f.projected, r.currency)
        band = "" if f.low is None or f.high is None else \
            f"{money(f.low, r.currency)} - {money(f.high, r.currency)}"
        diff = f.relative_difference
        where = f.position + ("" if diff is None else f" ({diff:+.0%} against the "
                              f"{'median' if f.low is not None else 'mean'})")
        t.add_row(plain(f"{name} {f.period}"), plain(span),
                  plain(money(f.disclosed, r.currency) + confidence_mark(f.confidence)),
                  plain(proj), plain(band), plain(where))
    if any(confidence_mark(f.confidence) for f in figures):
        t.caption = plain(CONFIDENCE_LEGEND)
        t.caption_justify = "left"
    return [t]


def _span(ends: Sequence[Any], first: int, last: int) -> str:
    if not ends:
        return f"{first}-{last}" if first != last else str(first)
    a, b = ends[first - 1], ends[last - 1]
    return b.strftime("%b %Y") if first == last else \
        f"{a.strftime('%b %Y')} - {b.strftime('%b %Y')}"


def sensitivity_note(x: LineSensitivity | None) -> str:
    """One line on how much the central path's runway rests on the unexplained operating
    line ('' where there is none)."""
    if x is None:
        return ""
    flow = "inflow" if x.monthly > 0 else "outflow" if x.monthly < 0 else "flow"

    def when(rw: Any) -> str:
        return "keeps cash above zero over the horizon" if rw.month_end is None else \
            f"runs out of cash in month {rw.month_number:.0f} ({rw.month_end:%b %Y})"

    drawn = f", the central value of the {x.distribution} distribution each path draws " \
        "it from" if x.distribution else ""
    return (f"The projection repeats an unexplained operating {flow} of "
            f"{money(abs(x.monthly), x.currency)} a month{drawn} ({x.basis or 'as given'}). "
            "The central path (every "
            f"driver at its central value) {when(x.runway_with)} with it and "
            f"{when(x.runway_without)} without it (set {x.driver} in a --scenario file).")


def result_json(r: SimResult, run_id: str | None,
                drivers: dict[str, dict[str, Any]] | None = None,
                later: Sequence[Any] = (), sensitivity: LineSensitivity | None = None
                ) -> str:
    doc: dict[str, Any] = {"run_id": run_id, "summary": r.summary(),
           "percentiles": {k: {f"p{q}": v[i].tolist() for i, q in enumerate(PERCENTILES)}
                           for k, v in r.percentiles.items()},
           "prob_cash_out": r.prob_cash_out.tolist()}
    if r.paths_data is not None:  # --keep-paths N: the first N paths' month-end cash
        doc["kept_paths"] = {"cash": r.paths_data.cash.tolist()}
    if drivers is not None:
        doc["drivers"] = drivers
    doc["later_disclosures"] = [{**asdict(f), "position": f.position,
                                 "relative_difference": f.relative_difference} for f in later]
    if sensitivity is not None:
        doc["unexplained_operating"] = sensitivity.to_dict()
    return json.dumps(jsonable(doc), indent=1, default=str, allow_nan=False)


def result_csv(r: SimResult) -> str:
    out = io.StringIO()
    w = CsvWriter(out)
    ends = [str(d) for d in r.month_ends] or [""] * r.horizon_months
    w.writerow(["metric", "month", *(f"p{q}" for q in PERCENTILES), "mean", "month_end"])
    for k, v in r.percentiles.items():
        for m in range(r.horizon_months):
            w.writerow([k, m + 1, *(v[i, m] for i in range(len(PERCENTILES))),
                        r.mean[k][m], ends[m]])
    for m, p in enumerate(r.prob_cash_out):
        w.writerow(["prob_cash_out", m + 1, "", "", p, "", "", "", ends[m]])
    return out.getvalue()


def runs_table(records: Sequence[RunRecord]) -> RichTable:
    t = RichTable(title="Saved runs", title_justify="left", header_style="bold")
    for c in ("run", "created (UTC)", "company", "scenario", "stresses", "financing",
              "paths", "horizon", "seed", "backend", "P(cash<0)", "cash p50 at horizon"):
        t.add_column(c)
    for r in records:  # a run of a --scenario file is not the calibrated base (own36)
        s, file = r.summary, r.scenario.get("scenario_file")
        t.add_row(*(plain(v) for v in (
            r.run_id, r.created.strftime("%Y-%m-%d %H:%M:%S"), _company_cell(r),
            PurePath(str(file)).name if file else "calibrated", r.stresses,
            s.get("financing", "not recorded"), f"{r.paths:,}", r.horizon, r.seed, r.backend,
            percent(s["prob_cash_out_by_horizon"]),
            money(s["cash_at_horizon"]["p50"], s["currency"]))))
    return t


def compare_runs_table(records: Sequence[RunRecord], title: str = "Runs compared"
                       ) -> RichTable:
    t = RichTable(title=plain(title), title_justify="left", header_style="bold")
    t.add_column("quantity")
    for r in records:
        t.add_column(plain(f"{r.run_id}\n{r.company} {r.stresses}"), justify="right")
    rows: list[tuple[str, Any]] = [
        ("paths", lambda s: f"{s['paths']:,}"),
        ("horizon (months), seed", lambda s: f"{s.get('horizon_months', '?')}, "
                                             f"{s.get('seed', '?')}"),
        ("financing included", lambda s: s.get("financing", "not recorded")),
        ("P(cash < 0 within horizon)", lambda s: percent(s["prob_cash_out_by_horizon"])),
        ("cash at horizon p5", lambda s: money(s["cash_at_horizon"]["p5"], s["currency"])),
        ("cash at horizon p50", lambda s: money(s["cash_at_horizon"]["p50"], s["currency"])),
        ("cash at horizon p95", lambda s: money(s["cash_at_horizon"]["p95"], s["currency"])),
        ("revenue over horizon p50",
         lambda s: money(s["revenue_over_horizon"]["p50"], s["currency"])),
        ("gross margin over horizon p50",
         lambda s: percent(s["gross_margin_over_horizon"]["p50"])),
        ("runway p50 (month)", lambda s: _months(s["runway_months"]["p50"]) + _saved_end(
            (s.get("runway_month_ends") or {}).get("p50"))),
    ]
    for label, fn in rows:
        t.add_row(label, *(fn(r.summary) for r in records))
    t.add_row("scenario file", *(plain(str(r.scenario.get("scenario_file") or
                                           "none (as calibrated)")) for r in records))
    t.add_row("company data", *(plain(company_data(r)) for r in records))
    t.add_row("llmecon version", *(plain(r.llmecon_version or "not recorded")
                                   for r in records))
    return t


def _company_source(r: RunRecord) -> tuple[str, str, bool]:
    """The company file a run recorded ('' before runs kept it), the SHA-256 of its text
    ('' if none) and whether the file is a bundled one."""
    file = str(r.scenario.get("company_file") or "")
    return file, str(r.scenario.get("company_sha256") or ""), file.startswith(BUNDLED_ORIGIN)


def company_data(r: RunRecord) -> str:
    """The company file a run was made from, with the start of its SHA-256 ('not
    recorded' for a run saved before runs kept them)."""
    file, sha, bundled = _company_source(r)
    if not file:
        return "not recorded"
    where = f"bundled ({PurePath(file).name})" if bundled else file
    return f"{where}, sha256 {sha[:12]}" if sha else where


def _company_cell(r: RunRecord) -> str:
    """A run's company id, and for a company of a user's file the file's name and the
    start of its SHA-256 (two files under one id are two companies)."""
    file, sha, bundled = _company_source(r)
    if not file or bundled:
        return r.company
    return f"{r.company} ({PurePath(file).name}{', ' + sha[:8] if sha else ''})"


def company_data_note(records: Sequence[RunRecord]) -> str:
    """A warning when runs compared share a company id but were made from different
    company data, or from data a run did not record ('' otherwise)."""
    notes = []
    for company in dict.fromkeys(r.company for r in records):
        same = [r for r in records if r.company == company]
        kinds = {r.scenario.get("company_sha256") or None for r in same}
        if len(kinds) < 2:  # one run, or one company data (or none recorded at all)
            continue
        data = "; ".join(f"{r.run_id}: {company_data(r)}" for r in same)
        notes.append(f"Note: runs {', '.join(r.run_id for r in same)} are all of company "
                     f"{company!r} but not of the same company data ({data}); a difference "
                     "may come from the figures, not the scenario or seed.")
    return "\n".join(notes)


def versions_note(records: Sequence[RunRecord]) -> str:
    """A warning when runs compared were made by different (or unrecorded) llmecon
    versions: their numbers may differ by the code, not the scenario ('' when one version
    made them all)."""
    versions = [r.llmecon_version or "not recorded" for r in records]
    if len(set(versions)) <= 1 and "not recorded" not in versions:
        return ""
    return ("Note: these runs were made by llmecon versions "
            f"{', '.join(versions)}; a difference may come from the code, not the scenario "
            "or seed.")


def answers_tables(ans: dict[str, Any], currency: str) -> list[RichTable]:
    c = ans["cost_for_margin"]
    t1 = RichTable(title="Token cost needed for the target gross margin at today's scale "
                         "(the projection's first month, without the seasons)",
                   title_justify="left",
                   header_style="bold")
    t1.add_column("quantity")
    t1.add_column("value", justify="right")
    t1.add_row("target gross margin", share_as_given(c["target_gross_margin"]))
    t1.add_row("gross margin in the first projected month", f"{c['current_gross_margin']:.1%}")
    t1.add_row("token-priced cost / revenue now", f"{c['token_cost_share_of_revenue']:.1%}")
    t1.add_row("not token-priced (held fixed) / revenue now",
               f"{1 - c['current_gross_margin'] - c['token_cost_share_of_revenue']:.1%}")
    if c["cost_multiplier"] is None:
        t1.add_row("cost per token needed", f"n/a ({c['why']})")
    else:
        there = c["cost_multiplier"] >= 1  # the margin is at or above the target already
        t1.add_row("cost per token needed (x today's)",
                   f"{c['cost_multiplier']:.3f}x" + (" (already there)" if there else ""))
        t1.add_row("yearly decline to get there in 1 / 2 years",
                   "none needed (already there)" if there else
                   f"{c['yearly_decline_1y']:.0%} / {c['yearly_decline_2y']:.0%}")
    g = ans["growth_for_losses"]
    t2 = RichTable(title="Growth at which losses stop widening", title_justify="left",
                   header_style="bold")
    t2.add_column("quantity")
    t2.add_column("value", justify="right")
    t2.add_row("monthly loss trend at the scenario's growth", _loss_trend(g["base_loss_slope"],
                                                                          currency))
    if g["growth_factor"] is None:
        t2.add_row("growth multiple that flattens the loss", f"n/a ({g['why']})")
    else:
        t2.add_row("growth multiple that flattens the loss", f"{g['growth_factor']:.2f}x")
        t2.add_row("revenue growth at that multiple", f"{g['revenue_cagr_at_factor']:.0%} a "
                   "year")
    for i, lever in enumerate(g.get("levers") or ()):
        t2.add_row("what the multiple f scales" if i == 0 else "", plain(lever))
    t3 = RichTable(title=f"Tornado: cash at the horizon ({currency}), one driver at a time "
                         "(p10 / p90, or -/+20% for fixed drivers; low and high in the "
                         "driver's own unit)", title_justify="left", header_style="bold")
    for col in ("group", "driver", "low", "high", "cash at low", "cash at high", "swing"):
        t3.add_column(col, justify="right" if col not in ("group", "driver") else "left")
    for b in ans["tornado"][:15]:
        t3.add_row(*(plain(v) for v in (
            b["group"], b["driver"].split(".")[-1], compact(b["low_value"]),
            compact(b["high_value"]), money(b["cash_low"], currency),
            money(b["cash_high"], currency), money(b["swing"], currency))))
    return [t1, t2, t3, *by_line_table(ans.get("cost_for_margin_by_line"), currency)]


def by_line_table(rows: Sequence[dict[str, Any]] | None, currency: str) -> list[RichTable]:
    """Token cost needed for the target gross margin per business line and for the company
    (the cost of revenue that is not token-priced held fixed, as in the first table)."""
    if not rows:
        return []
    target = share_as_given(rows[0]["target_gross_margin"])
    t = RichTable(title=plain(f"Token cost needed for a {target} "
                              "gross margin, by business line: the cost of revenue that is "
                              "not token-priced held fixed (the first table's method), each "
                              "line at its newest disclosed margin and the company as their "
                              "sum, where the first table takes the projection's first "
                              "month"), title_justify="left", header_style="bold")
    for col in ("line", "period", "gross margin", "not token-priced / revenue",
                "token cost x today's", f"cost per M tokens now ({currency})",
                f"needed ({currency})"):
        t.add_column(col, justify="left" if col in ("line", "period") else "right")
    for m in rows:
        now, need = m["cost_per_m_tokens_now"], m["cost_per_m_tokens_needed"]
        factor = f"n/a ({m['why']})" if m["cost_factor"] is None else \
            f"{m['cost_factor']:.3f}x" + (" (already there)" if m["already_there"] else "")
        own = m.get("disclosed_gross_margin")
        period = m["period"] + ("" if m["line"] != "company" else " (lines' sum" + (
            "" if own is None else f"; disclosed {own:.1%}") + ")")
        t.add_row(plain(m["line"]), plain(period), f"{m['gross_margin']:.1%}",
                  f"{m['other_cost_share']:.1%}", plain(factor),
                  "" if now is None else f"{now:,.4g}" + _low(m),
                  "" if need is None else f"{need:,.4g}" + _low(m))
    if any(_low(m) for m in rows):
        t.caption = plain(f"{confidence_mark('low')} low confidence: the cost per token rests "
                          "on a utilisation derived at a list price dated after the period")
        t.caption_justify = "left"
    return [t]


def _low(m: Any) -> str:
    return confidence_mark("low") if m.get("confidence") == "low" else ""
