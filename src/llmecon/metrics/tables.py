"""The two tables (unit economics, cash-flow structure) and the signals table.

Tables are small typed objects: columns are (company, period) pairs, rows hold one
:class:`MetricValue` per column. ``to_frame()`` gives a DataFrame of raw (unrounded)
values; presenters format them. :func:`convert_table` re-expresses money in another
currency (average rate for flows, closing rate for stocks).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from llmecon import formulas as fx_formulas
from llmecon.metrics import signals as s
from llmecon.metrics.conversion import GROWTH_ROWS as GROWTH_ROWS  # moved there
from llmecon.metrics.conversion import convert_value as convert_value  # moved there
from llmecon.metrics.conversion import growth_in_reporting
from llmecon.metrics.resolve import select_period as select_period  # moved there
from llmecon.metrics.resolve import weakest
from llmecon.metrics.values import NOT_APPLICABLE, MetricValue
from llmecon.statements.model import Company, Period
from llmecon.units import FxTable

if TYPE_CHECKING:
    import pandas as pd

SignalFn = Callable[[s.Context, Period], MetricValue]


@dataclass(frozen=True)
class Column:
    """A company-period column; ``trailing`` marks twelve months to the period's end."""

    company_id: str
    company_name: str
    period: Period
    currency: str
    trailing: bool = False

    @property
    def header(self) -> str:
        p = self.period
        if self.trailing:
            return f"{self.company_id} TTM to {p.end.isoformat()} ({p.label})"
        tag = f" ({p.months}M interim)" if p.is_interim else ""
        return f"{self.company_id} {p.label}{tag}"


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cells: tuple[MetricValue, ...]


@dataclass(frozen=True)
class Table:
    """A table of metric values; rows are metrics, columns are company-periods."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    def to_frame(self, detail: bool = False) -> pd.DataFrame:
        """The table as a DataFrame of raw (unrounded) values.

        By default one column per company-period (``Column.header``), one row per metric,
        NaN where there is no value, indexed by the row's label as printed (a segment's
        indented: ``"  revenue: localized_deployment"``); the last column, ``key``, is the
        row's key (as in the JSON): ``df.set_index("key").loc["revenue"]``. Drop it for
        arithmetic (``df.drop(columns="key")``). ``attrs``:

        - ``"title"``: the table's title;
        - ``"currency"``: ``{column header: ISO currency}`` of the column's money values
          (RMB and USD columns may sit side by side);
        - ``"unit"``: ``{row label: unit}`` (``money``, ``ratio`` as a fraction, ``days``...);
        - ``"confidence"``: ``{column header: {row label: confidence}}`` (``high``,
          ``medium``: one source, ``low``, ``unknown``; None where no value);
          ``pd.DataFrame(df.attrs["confidence"])`` is shaped like the values;
        - ``"status"``: ``{column header: {row label: status}}``, the status ``ok``,
          ``n/a`` (not disclosed or not computable) or ``not applicable`` (the row is
          another company's line, shown as "—");
        - ``"why"``: ``{column header: {row label: reason}}``, why a cell has no value
          (None where it has one). (Plain dicts: pandas can copy and compare ``attrs``.)

        With ``detail=True``, a long frame instead, one row per cell, with the columns of
        :meth:`SignalsTable.to_frame` that apply: ``company``, ``period``, ``metric`` (row
        key), ``label``, ``value``, ``unit``, ``currency``, ``confidence``, ``status``,
        ``why`` (n/a reason), ``basis``, ``method``, ``annualised``.
        """
        import pandas as pd

        if detail:
            return pd.DataFrame([{
                "company": c.company_id, "period": c.period.label, "metric": r.key,
                "label": r.label.strip(), "value": mv.value if mv.ok else float("nan"),
                "unit": mv.unit, "currency": mv.currency,
                "confidence": mv.confidence if mv.ok else None, "status": _status(mv),
                "why": "" if mv.ok else mv.why, "basis": mv.basis if mv.ok else "",
                "method": mv.method, "annualised": mv.annualised,
            } for r in self.rows for c, mv in zip(self.columns, r.cells, strict=True)])
        def per_cell(get: Callable[[MetricValue], Any]) -> dict[str, dict[str, Any]]:
            return {c.header: {r.label: get(r.cells[i]) for r in self.rows}
                    for i, c in enumerate(self.columns)}

        out = pd.DataFrame({c.header: [r.cells[i].value if r.cells[i].ok else float("nan")
                                       for r in self.rows]
                            for i, c in enumerate(self.columns)},
                           index=[r.label for r in self.rows])
        out["key"] = [r.key for r in self.rows]
        out.attrs = {"title": self.title,
                     "currency": {c.header: c.currency for c in self.columns},
                     "unit": {r.label: next((mv.unit for mv in r.cells
                                             if mv.why != NOT_APPLICABLE), None)
                              for r in self.rows},
                     "confidence": per_cell(lambda mv: mv.confidence if mv.ok else None),
                     "status": per_cell(_status),
                     "why": per_cell(lambda mv: None if mv.ok else mv.why)}
        return out

    def __repr__(self) -> str:
        return (f"Table({self.title!r}, columns={[c.header for c in self.columns]}, "
                f"rows={len(self.rows)})")


def _status(mv: MetricValue) -> str:
    """``ok``, ``n/a`` (no value: not disclosed or not computable) or ``not applicable``
    (the row does not exist for that company, shown as "—")."""
    return "ok" if mv.ok else NOT_APPLICABLE if mv.why == NOT_APPLICABLE else "n/a"


RowSpec = tuple[str, str, SignalFn]


def _line_rows(company: Company) -> list[RowSpec]:
    out: list[RowSpec] = []
    for line in company.lines:
        out.append((f"revenue[{line}]", f"  revenue: {line}", s.line_revenue(line)))
        out.append((f"share[{line}]", f"  share of revenue: {line}", s.line_share(line)))
    return out


def _line_margin_rows(company: Company) -> list[RowSpec]:
    return [(f"gross_margin[{x}]", f"  gross margin: {x}", s.line_gross_margin(x))
            for x in company.lines]


def unit_economics_rows(company: Company) -> list[RowSpec]:
    return [
        ("revenue", "Revenue", s.revenue),
        ("revenue_growth", "Revenue growth (like-for-like)", s.revenue_growth),
        ("revenue_ttm", "Revenue, trailing twelve months", s.revenue_ttm),
        ("revenue_cagr", "Revenue CAGR since the first full year", s.revenue_cagr),
        *_line_rows(company),
        ("platform_share", "Cloud / API / platform share of revenue", s.platform_share),
        ("overseas_share", "Overseas share of revenue", s.overseas_share),
        ("gross_margin", "Gross margin", s.gross_margin),
        *_line_margin_rows(company),
        ("cor_compute_to_revenue", "Compute in cost of revenue / revenue",
         s.cor_compute_to_revenue),
        ("rd_to_revenue", "R&D / revenue", s.rd_to_revenue),
        ("compute_share_of_rd", "Compute share of R&D", s.compute_share_of_rd),
        ("rd_compute_to_revenue", "Compute in R&D / revenue", s.rd_compute_to_revenue),
        ("sm_to_revenue", "Selling & marketing / revenue", s.sm_to_revenue),
        ("loss_to_revenue", "Net loss / revenue", s.loss_to_revenue),
        ("adjusted_loss_to_revenue", "Adjusted net loss / revenue", s.adjusted_loss_to_revenue),
        ("revenue_per_employee", "Revenue per employee (twelve months)",
         s.revenue_per_employee),
        ("top5_concentration", "Top-5 customer share", s.top5_concentration),
        ("paying_rate", "Paying users / MAU", s.paying_rate),
        ("arppu_monthly", "Revenue per paying user per month", s.arppu_monthly),
        ("sm_per_net_new_mau", "S&M per net new MAU", s.sm_per_net_new_mau),
    ]


def cash_flow_rows(company: Company) -> list[RowSpec]:
    return [
        ("operating_cash_flow", "Operating cash flow", s.operating_cash_flow),
        ("monthly_burn", "Cash burn per month", s.monthly_burn),
        ("reported_burn", "Cash burn per month, as reported", s.reported_burn),
        ("cash", "Cash and equivalents (period end)", s.at_end("cash", "cash_and_equivalents")),
        ("cash_resources", "Cash + short-term investments", s.cash_resources),
        ("runway", "Runway at this burn", s.runway),
        ("runway_cash_burn", "Runway at the latest cash burn", s.runway_cash_burn),
        ("runway_with_ipo", "Runway incl. IPO, at the latest cash burn",
         s.runway_with_ipo),
        ("trade_receivables", "Trade receivables (period end)",
         s.at_end("trade_receivables", "trade_receivables")),
        ("receivable_days", "Receivable days", s.receivable_days),
        ("contract_liabilities_to_revenue", "Contract liabilities / revenue",
         s.contract_liabilities_to_revenue),
        ("total_liabilities", "Total liabilities (period end)",
         s.at_end("total_liabilities", "total_liabilities")),
        ("net_loss_to_revenue", "Net loss / revenue", s.loss_to_revenue),
    ]


def build_table(title: str, companies: Sequence[Company], row_specs: Callable[[Company],
                list[RowSpec]], periods: Sequence[Sequence[Period]], fx: FxTable | None
                ) -> Table:
    """Evaluate the rows for each company's periods; rows merge by key across companies."""
    columns: list[Column] = []
    cells: dict[str, dict[int, MetricValue]] = {}
    labels: dict[str, str] = {}
    order: list[str] = []
    for company, plist in zip(companies, periods, strict=True):
        ctx = s.Context(company, fx)
        specs = row_specs(company)
        own = {key for key, _, _ in specs}
        for p in plist:
            col = len(columns)
            columns.append(Column(company.id, company.name, p, company.currency))
            previous: str | None = None
            for key, label, fn in specs:
                if key not in labels:
                    # a row only this company has goes after its predecessor in the spec
                    labels[key] = label
                    at = order.index(previous) + 1 if previous in order else len(order)
                    while at < len(order) and "[" in order[at] and order[at] not in own:
                        at += 1
                    order.insert(at, key)
                previous = key
                cells.setdefault(key, {})[col] = fn(ctx, p)
    rows = []
    for key in order:
        row_cells = tuple(
            cells[key].get(i) or MetricValue(key, c.period, None, "ratio", why=NOT_APPLICABLE)
            for i, c in enumerate(columns))
        rows.append(Row(key, labels[key], row_cells))
    return Table(title, tuple(columns), tuple(rows))


def unit_economics(companies: Sequence[Company], periods: Sequence[Sequence[Period]],
                   fx: FxTable | None = None) -> Table:
    return build_table("Unit economics", companies, unit_economics_rows, periods, fx)


def cash_flow_structure(companies: Sequence[Company], periods: Sequence[Sequence[Period]],
                        fx: FxTable | None = None) -> Table:
    return build_table("Cash-flow structure", companies, cash_flow_rows, periods, fx)


def convert_table(table: Table, currency: str, fx: FxTable) -> Table:
    """The table with money in ``currency`` (see :func:`convert_value`); growth rates stay
    in each company's reporting currency, and say so."""
    rows = tuple(replace(row, cells=tuple(
        growth_in_reporting(c, col.currency, currency) if row.key in GROWTH_ROWS
        else convert_value(c, currency, fx) for c, col in zip(row.cells, table.columns,
                                                              strict=True)))
        for row in table.rows)
    cols = tuple(replace(c, currency=currency) for c in table.columns)
    return replace(table, rows=rows, columns=cols)


# ---------------------------------------------------------------- signals
Direction = Literal[1, -1, 0]


@dataclass(frozen=True)
class SignalSpec:
    key: str
    label: str
    fn: SignalFn
    b2b: Direction
    c2c: Direction
    meaning: str
    #: a monthly rate with several possible bases: its change is against the newest earlier,
    #: non-overlapping period on the same basis as the latest value (any length), computed
    #: on that basis by ``on_basis`` (an earlier period may disclose a more complete one)
    same_basis_history: bool = False
    on_basis: Callable[[s.Context, Period, str], MetricValue] | None = None

    def direction(self, business_model: str) -> int:
        if business_model == "b2b_project":
            return self.b2b
        if business_model == "c2c_product":
            return self.c2c
        return self.b2b if self.b2b == self.c2c else 0


SIGNALS: tuple[SignalSpec, ...] = (
    SignalSpec("revenue_growth", "Revenue growth", s.revenue_growth, 1, 1,
               "Faster like-for-like growth; judge it against what it costs (S&M, delivery)."),
    SignalSpec("platform_share", "Cloud/API share of revenue", s.platform_share, 1, 0,
               "B2B: a rising standard-product share means moving from projects to a platform; "
               "C2C: the API side of a product company."),
    SignalSpec("gross_margin", "Gross margin", s.gross_margin, 1, 1,
               "What is left of each unit of revenue after serving it (inference, delivery)."),
    SignalSpec("rd_to_revenue", "R&D / revenue", s.rd_to_revenue, -1, -1,
               "How many times revenue goes to R&D; falling means revenue catching up."),
    SignalSpec("compute_share_of_rd", "Compute share of R&D", s.compute_share_of_rd, 0, 0,
               "How much of R&D is training compute rather than people."),
    SignalSpec("rd_compute_to_revenue", "Training compute / revenue", s.rd_compute_to_revenue,
               -1, -1, "Training compute bought per unit of revenue."),
    SignalSpec("sm_to_revenue", "S&M / revenue", s.sm_to_revenue, -1, -1,
               "Dependence on paid acquisition; falling means growth that costs less."),
    SignalSpec("loss_to_revenue", "Net loss / revenue", s.loss_to_revenue, -1, -1,
               "Losses per unit of revenue; includes fair-value changes on preferred shares."),
    SignalSpec("adjusted_loss_to_revenue", "Adjusted loss / revenue",
               s.adjusted_loss_to_revenue, -1, -1,
               "Operating losses per unit of revenue, before non-cash items."),
    SignalSpec("revenue_per_employee", "Revenue per employee", s.revenue_per_employee, 1, 1,
               "Per-capita output; a project business that needs delivery staff scales it slowly."),
    SignalSpec("receivable_days", "Receivable days", s.receivable_days, -1, -1,
               "How long customers take to pay; rising days tie up cash (B2B project trap)."),
    SignalSpec("contract_liabilities_to_revenue", "Contract liabilities / revenue",
               s.contract_liabilities_to_revenue, 1, 1,
               "Cash received before delivery; more means customers prepay."),
    SignalSpec("top5_concentration", "Top-5 customer share", s.top5_concentration, -1, -1,
               "Dependence on a few large customers."),
    SignalSpec("overseas_share", "Overseas share of revenue", s.overseas_share, 0, 0,
               "Where revenue comes from; exposure to overseas app stores and regulation."),
    SignalSpec("paying_rate", "Paying users / MAU", s.paying_rate, 0, 1,
               "Conversion of active users into payers."),
    SignalSpec("arppu_monthly", "Revenue per paying user per month", s.arppu_monthly, 0, 1,
               "Monetisation of each payer: all the products' revenue (advertising and "
               "non-payers' included) per paying user, so above a disclosed ARPPU, which "
               "counts payers' spending only (unit-economics shows both)."),
    SignalSpec("sm_per_net_new_mau", "S&M per net new MAU", s.sm_per_net_new_mau, 0, -1,
               "Blended cost of each added active user."),
    SignalSpec("monthly_burn", "Cash burn per month", s.monthly_burn, -1, -1,
               "Cash consumed each month: from operating cash flow and capex where "
               "disclosed, else the company's disclosed burn rate, else operating cash flow, "
               "else the adjusted (non-IFRS) loss, never the IFRS net loss; "
               "changes only between periods on the same basis.", same_basis_history=True,
               on_basis=lambda ctx, p, basis: s.monthly_burn(ctx, p, basis)),
    SignalSpec("runway", "Runway (months)", s.runway_signal, 1, 1,
               "Months of cash at the current burn, before new money (at the latest cash "
               "burn where the period's is only the adjusted loss)."),
)


@dataclass(frozen=True)
class SignalRow:
    """A signal's latest value and its latest like-for-like change.

    ``latest`` is the newest period where the signal can be computed; the change is
    between ``change_to`` and ``change_from`` (the same period a year earlier), the newest
    such pair where both exist and were computed the same way. They may be older than
    ``latest`` when interim comparatives are not disclosed.
    """

    key: str
    label: str
    company_id: str
    latest: MetricValue
    change_from: MetricValue | None
    change_to: MetricValue | None
    change: float | None
    change_kind: Literal["pp", "relative", "none"]
    assessment: Literal["good", "bad", "neutral", "n/a"]
    meaning: str
    #: why there is no change (empty when there is one)
    change_why: str = ""

    @property
    def change_confidence(self) -> str | None:
        """The change is as sure as the less sure of its two values (None: no change)."""
        if self.change is None or self.change_to is None or self.change_from is None:
            return None
        return weakest([self.change_to.confidence, self.change_from.confidence])


@dataclass(frozen=True)
class SignalsTable:
    rows: tuple[SignalRow, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per company and signal, raw values, the columns of the JSON output:
        ``signal`` is the signal's key (``gross_margin``, as :func:`llmecon.api.peers`
        takes it), ``label`` its name. Where the signal has no value, ``value`` is NaN,
        ``confidence`` None, ``status`` ``n/a`` and ``why`` says why (as in
        :meth:`Table.to_frame`); where it has no change, ``change`` is NaN and
        ``change_why`` says why. ``change_confidence`` is the weaker of the two values'."""
        import pandas as pd

        return pd.DataFrame([{
            "company": r.company_id, "signal": r.key, "label": r.label,
            "period": r.latest.period.label,
            "value": r.latest.value if r.latest.ok else float("nan"), "unit": r.latest.unit,
            "currency": r.latest.currency,
            "confidence": r.latest.confidence if r.latest.ok else None,  # as Table's
            "status": _status(r.latest), "why": "" if r.latest.ok else r.latest.why,
            "change_period": r.change_to.period.label if r.change_to else None,
            "compared_with": r.change_from.period.label if r.change_from else None,
            "change": float("nan") if r.change is None else r.change,
            "change_kind": r.change_kind, "change_confidence": r.change_confidence,
            "change_why": r.change_why, "assessment": r.assessment, "meaning": r.meaning,
            "basis": r.latest.basis if r.latest.ok else "", "method": r.latest.method,
            "annualised": r.latest.annualised,
        } for r in self.rows])

    def __repr__(self) -> str:
        companies = list(dict.fromkeys(r.company_id for r in self.rows))
        return f"SignalsTable({len(self.rows)} signals of {', '.join(companies) or 'none'})"


def signals(companies: Sequence[Company], periods: Sequence[Period],
            fx: FxTable | None = None) -> SignalsTable:
    """Each signal's latest value (up to the period chosen), its latest like-for-like
    change, and whether that change is good or bad for the company's business model."""
    rows: list[SignalRow] = []
    for company, chosen in zip(companies, periods, strict=True):
        ctx = s.Context(company, fx)
        candidates = sorted((p for p in company.duration_periods if p.end <= chosen.end),
                            key=lambda p: (p.end, p.months), reverse=True)
        for spec in SIGNALS:
            values = [spec.fn(ctx, p) for p in candidates]
            latest = next((v for v in values if v.ok), values[0] if values else
                          spec.fn(ctx, chosen))
            if spec.same_basis_history:
                on = spec.on_basis
                history = values if on is None or not latest.ok or latest.method is None \
                    else [on(ctx, p, latest.method) for p in candidates]
                pair = _same_basis_pair(latest, history)
                why = "" if pair else "no earlier period with a value on the same basis" + (
                    f" ({latest.method})" if latest.method else "")
                rows.append(_signal_row(company, spec, latest, pair, why))
                continue
            pair = None
            for v in values:
                prior = ctx.resolver.prior_year(v.period.label)
                if not v.ok or prior is None:
                    continue
                old = spec.fn(ctx, company.period(prior))
                if old.ok and old.method == v.method:
                    pair = (old, v)
                    break
            rows.append(_signal_row(company, spec, latest, pair,
                                    "" if pair else _no_change_why(ctx, spec, latest)))
    return SignalsTable(tuple(rows))


def _same_basis_pair(latest: MetricValue, values: Sequence[MetricValue]
                     ) -> tuple[MetricValue, MetricValue] | None:
    """``latest`` and the newest value of a period that ends before ``latest``'s starts and
    was computed on the same basis (``method``), or ``None``."""
    start = latest.period.start
    if not latest.ok or start is None:
        return None
    old = next((v for v in values if v.ok and v.method == latest.method
                and v.period.end < start), None)
    return None if old is None else (old, latest)


def _no_change_why(ctx: s.Context, spec: SignalSpec, latest: MetricValue) -> str:
    """Why the latest value has no like-for-like change (no earlier period has one either)."""
    if not latest.ok:
        return "no value to compare"
    label = latest.period.label
    prior = ctx.resolver.prior_year(label)
    if prior is None:
        return f"no same-length period a year before {label} in the file"
    old = spec.fn(ctx, ctx.company.period(prior))
    if not old.ok:
        return f"{prior}: {old.why}"
    return f"{prior} is computed another way ({old.method}, against {latest.method})"


def _signal_row(company: Company, spec: SignalSpec, latest: MetricValue,
                pair: tuple[MetricValue, MetricValue] | None, why: str = "") -> SignalRow:
    change: float | None = None
    kind: Literal["pp", "relative", "none"] = "none"
    assess: Literal["good", "bad", "neutral", "n/a"] = "n/a"
    if pair is not None:
        old, new = pair
        if old.value is not None and new.value is not None:
            if new.unit == "ratio":
                change, kind = new.value - old.value, "pp"
            elif old.value != 0 and math.isfinite(old.value) and math.isfinite(new.value):
                # (no change between two runways without burn: inf against inf)
                change, kind = float(fx_formulas.relative_change(new.value, old.value)), \
                    "relative"
        if change is not None and company.business_model != "unknown":
            sign = 1 if change > 0 else -1 if change < 0 else 0
            d = spec.direction(company.business_model) * sign
            assess = "good" if d > 0 else "bad" if d < 0 else "neutral"
    meaning = spec.meaning
    if company.business_model == "unknown":
        meaning = f"direction not judged: business model unknown. {meaning}"
    if pair is not None and change is None:
        why = "the earlier value is zero or infinite"
    return SignalRow(spec.key, spec.label, company.id, latest,
                     pair[0] if pair else None, pair[1] if pair else None, change, kind,
                     assess, meaning, why)


def convert_signals(st: SignalsTable, currency: str, fx: FxTable) -> SignalsTable:
    """Signals with money in ``currency``; changes are relative, computed in the reporting
    currency, so they stay as they are, and so do the two values they compare (whose
    confidence is the change's: no exchange rate enters it)."""
    reporting = {r.company_id: r.latest.currency for r in st.rows if r.latest.currency}
    return SignalsTable(tuple(
        replace(r, latest=growth_in_reporting(r.latest, reporting.get(r.company_id), currency))
        if r.key in GROWTH_ROWS else
        replace(r, latest=convert_value(r.latest, currency, fx)) for r in st.rows))
