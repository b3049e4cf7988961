"""Values of items for a period: reported where disclosed, derived where they can be.

A company discloses some figures and not others (Zhipu gives cost of revenue; MiniMax
gives only the gross margin). :class:`Resolver` answers "what is X for period P" from
the raw figures, using a reported figure when there is one and otherwise an accounting
identity over other figures (``cost_of_revenue = revenue x (1 - gross_margin)``), and
says which it did. Check values are never used as inputs, so they can be verified
against what the raw figures imply.

Percent items come back as fractions (56.3% -> 0.563).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from llmecon import formulas as fx
from llmecon.errors import NotFoundError, did_you_mean
from llmecon.statements.model import Company, Figure, Period, shift_months
from llmecon.statements.taxonomy import ITEMS

_RANK = {"high": 3, "medium": 2, "low": 1, "unknown": 0}
DEFAULT_TOLERANCE_PP = 0.1  # percent points, for ratios
DEFAULT_RELATIVE_TOLERANCE = 0.001  # 0.1% of the value, for amounts, counts and days


def check_tolerance(f: Figure) -> float:
    """How far a check figure may be from its recomputation, in base units (percent points
    for ratios): its own ``tolerance``, else the defaults above."""
    if f.tolerance is not None:
        if ITEMS[f.item].dimension == "percent":
            return f.tolerance
        from llmecon.units import parse_unit

        return f.tolerance * parse_unit(f.unit, ITEMS[f.item].natural_base).factor
    if ITEMS[f.item].dimension == "percent":
        return DEFAULT_TOLERANCE_PP
    return abs(f.value) * DEFAULT_RELATIVE_TOLERANCE


def check_agrees(check: Figure, value: float) -> bool:
    """Whether a recomputed ``value`` (base units; a fraction for percent items) is within
    the check figure's tolerance of it."""
    got = value * 100.0 if ITEMS[check.item].dimension == "percent" else value
    return abs(got - check.value) <= check_tolerance(check)


def weakest(confidences: Sequence[str]) -> str:
    """The lowest confidence among inputs (a result is as sure as its least sure input).
    A ``low`` input makes the result low even beside one given no confidence ("unknown",
    which is shown unmarked): a value resting on a low figure is marked.

    >>> weakest(["high", "medium"]), weakest(["low", "unknown"]), weakest(["high", "unknown"])
    ('medium', 'low', 'unknown')
    """
    if "low" in confidences:
        return "low"
    return min(confidences, key=lambda c: _RANK.get(c, 0)) if confidences else "unknown"


@dataclass(frozen=True)
class Resolved:
    """A value with how it was obtained. ``value is None`` means n/a, with ``why``."""

    item: str
    period: str
    segment: str | None
    value: float | None
    basis: str = "reported"
    confidence: str = "unknown"
    why: str = ""
    inputs: tuple[Figure, ...] = field(default=(), repr=False)

    @property
    def ok(self) -> bool:
        return self.value is not None

    @property
    def shown_basis(self) -> str:
        """The basis a user reads: a reported figure the source itself derived (its note
        begins ``derived:``, e.g. Zhipu's headcount 657 / 0.74) says so, to the note's first
        ``;``; otherwise :attr:`basis`."""
        note = self.inputs[0].note if self.basis == "reported" and len(self.inputs) == 1 \
            else None
        if note and note.startswith("derived:"):
            return note.split(";")[0].strip()
        return self.basis


def _scale(fig: Figure) -> float:
    return fig.value / 100.0 if ITEMS[fig.item].dimension == "percent" else fig.value


Rule = Callable[["Resolver", str, str | None], "Resolved | None"]


class Resolver:
    """Resolve item values for one company from its raw figures.

    Parameters
    ----------
    company : the loaded company.
    exclude : a figure to ignore (used to verify a check value against the others).
    """

    def __init__(self, company: Company, exclude: Figure | None = None) -> None:
        self.company = company
        self.exclude = exclude
        self._stack: set[tuple[str, str | None, str]] = set()
        self._by_end: dict[tuple[date, int], str] | None = None
        self._ends: dict[date, str] | None = None

    # ------------------------------------------------------------ lookup
    def reported(self, item: str, period: str, segment: str | None = None) -> Figure | None:
        f = self.company.figure(item, period, segment)
        if f is None or f.role != "raw" or f is self.exclude:
            return None
        return f

    def get(self, item: str, period: str, segment: str | None = None) -> Resolved:
        """The value of ``item`` for ``period`` (a label) and ``segment``."""
        f = self.reported(item, period, segment)
        if f is not None:
            return Resolved(item, period, segment, _scale(f), "reported", f.confidence,
                            inputs=(f,))
        key = (item, segment, period)
        if key in self._stack:
            return self._na(item, period, segment, "circular")
        self._stack.add(key)
        why = ""  # a rule that knows what it lacks says so (an opening balance)
        try:
            for rule in RULES.get(item, ()):
                r = rule(self, period, segment)
                if r is not None and r.ok:
                    return self._confirmed(r)
                why = why or (r.why if r is not None else "")
        finally:
            self._stack.discard(key)
        seg = f" [{segment}]" if segment else ""
        return self._na(item, period, segment, why or f"{item}{seg} not disclosed for {period}")

    def _confirmed(self, r: Resolved) -> Resolved:
        """A derived value that a reported check figure of the same item confirms (within
        the check's tolerance) is as sure as the surer of the two: Zhipu's gross margin
        from revenue (high) and cost of revenue (one source) agrees with the 50.0% four
        sources report, so it is high."""
        check = self.company.figure(r.item, r.period, r.segment)
        if check is None or check.role != "check" or check is self.exclude \
                or r.value is None or r.confidence not in ("medium", "low") \
                or _RANK.get(check.confidence, 0) <= _RANK[r.confidence] \
                or not check_agrees(check, r.value):  # 'unknown' is shown as sure: left
            return r
        shown = f"{check.value:g}%" if ITEMS[check.item].dimension == "percent" \
            else f"{check.value:g} {check.unit}"
        return replace(r, confidence=check.confidence,
                       basis=f"{r.basis} (agrees with the reported {shown}, "
                             f"{check.confidence})")

    @staticmethod
    def _na(item: str, period: str, segment: str | None, why: str) -> Resolved:
        return Resolved(item, period, segment, None, "n/a", "unknown", why)

    def derive(self, item: str, period: str, segment: str | None, basis: str,
               parts: Sequence[Resolved], fn: Callable[..., float]) -> Resolved | None:
        """Combine resolved parts with ``fn``; ``None`` when a part is missing."""
        if not all(p.ok for p in parts):
            return None
        value = float(fn(*[p.value for p in parts]))
        inputs = tuple(f for p in parts for f in p.inputs)
        return Resolved(item, period, segment, value, f"derived: {basis}",
                        weakest([p.confidence for p in parts]), inputs=inputs)

    # ------------------------------------------------------------ periods
    def period(self, label: str) -> Period | None:
        try:
            p = self.company.period(label)
        except NotFoundError:
            return None
        return None if p.is_instant else p

    def prior_year(self, label: str) -> str | None:
        """Label of the same-length period ending twelve months earlier (like for like)."""
        p = self.period(label)
        if p is None:
            return None
        return self._durations().get((shift_months(p.end, -12), p.months))

    def duration_label(self, end: date, months: int) -> str | None:
        """Label of the period of ``months`` months ending on ``end`` (None if none)."""
        return self._durations().get((end, months))

    def _durations(self) -> dict[tuple[date, int], str]:
        """Duration periods by (end, months), built once per resolver."""
        if self._by_end is None:
            self._by_end = {(q.end, q.months): q.label for q in self.company.duration_periods}
        return self._by_end

    def instant_label(self, day: date) -> str | None:
        if self._ends is None:
            ends: dict[date, str] = {}
            for p in self.company.periods:
                ends.setdefault(p.end, p.label)
            self._ends = ends
        return self.company.instant_at(day) or self._ends.get(day)


# ---------------------------------------------------------------- rules
def _product(item: str, a: str, b: str, basis: str) -> Rule:
    """item = a x b (same period and segment)."""
    def rule(r: Resolver, period: str, seg: str | None) -> Resolved | None:
        return r.derive(item, period, seg, basis, [r.get(a, period, seg), r.get(b, period, seg)],
                        lambda x, y: x * y)
    return rule


def _of_total(item: str, share: str, total: str) -> Rule:
    """segment item = segment share x total item."""
    def rule(r: Resolver, period: str, seg: str | None) -> Resolved | None:
        if seg is None:
            return None
        return r.derive(item, period, seg, f"{share}[{seg}] x {total}",
                        [r.get(share, period, seg), r.get(total, period, None)],
                        lambda s, t: s * t)
    return rule


def _ratio(item: str, num: str, den: str, *, seg_den: bool = True) -> Rule:
    def rule(r: Resolver, period: str, seg: str | None) -> Resolved | None:
        return r.derive(item, period, seg, f"{num} / {den}",
                        [r.get(num, period, seg), r.get(den, period, seg if seg_den else None)],
                        fx.ratio)
    return rule


def _line_complement(r: Resolver, period: str, seg: str | None) -> Resolved | None:
    """revenue[line X] = revenue - sum of the company's other lines."""
    lines = r.company.lines
    if seg is None or not seg.startswith("line:") or seg[5:] not in lines or len(lines) < 2:
        return None
    others = [r.get("revenue", period, f"line:{x}") for x in lines if f"line:{x}" != seg]
    total = r.get("revenue", period, None)
    return r.derive("revenue", period, seg, "revenue - other lines", [total, *others],
                    lambda t, *o: t - sum(o))


def _line_sum(r: Resolver, period: str, seg: str | None) -> Resolved | None:
    """revenue = sum of the company's lines."""
    if seg is not None or not r.company.lines:
        return None
    parts = [r.get("revenue", period, f"line:{x}") for x in r.company.lines]
    return r.derive("revenue", period, None, "sum of lines", parts, lambda *p: sum(p))


def _cor_from_gp(r: Resolver, period: str, seg: str | None) -> Resolved | None:
    return r.derive("cost_of_revenue", period, seg, "revenue - gross_profit",
                    [r.get("revenue", period, seg), r.get("gross_profit", period, seg)],
                    lambda rev, gp: rev - gp)


def _cor_from_gm(r: Resolver, period: str, seg: str | None) -> Resolved | None:
    return r.derive("cost_of_revenue", period, seg, "revenue x (1 - gross_margin)",
                    [r.get("revenue", period, seg), r.get("gross_margin", period, seg)],
                    fx.cost_from_gross_margin)


def _gp(r: Resolver, period: str, seg: str | None) -> Resolved | None:
    return r.derive("gross_profit", period, seg, "revenue - cost_of_revenue",
                    [r.get("revenue", period, seg), r.get("cost_of_revenue", period, seg)],
                    fx.gross_profit)


def _gm(r: Resolver, period: str, seg: str | None) -> Resolved | None:
    return r.derive("gross_margin", period, seg, "(revenue - cost_of_revenue) / revenue",
                    [r.get("revenue", period, seg), r.get("cost_of_revenue", period, seg)],
                    fx.gross_margin)


def _growth(r: Resolver, period: str, seg: str | None) -> Resolved | None:
    prior = r.prior_year(period)
    if prior is None:
        return None
    return r.derive("revenue_growth_yoy", period, seg, f"revenue {period} / {prior} - 1",
                    [r.get("revenue", period, seg), r.get("revenue", prior, seg)], fx.growth)


def _overseas(r: Resolver, period: str, seg: str | None) -> Resolved | None:
    return r.derive("overseas_revenue_share", period, None, "1 - mainland China share",
                    [r.get("revenue_share", period, "region:mainland_china")],
                    lambda m: 1.0 - m)


def _receivable_days(r: Resolver, period: str, seg: str | None) -> Resolved | None:
    p = r.period(period)
    if p is None or p.start is None:
        return None
    opening = p.start - timedelta(days=1)
    labels = {"opening": r.instant_label(opening), "closing": r.instant_label(p.end)}
    parts = {k: r.get("trade_receivables", v) if v is not None else None
             for k, v in labels.items()}
    revenue = r.get("revenue", period)
    found = {k: v for k, v in parts.items() if v is not None and v.ok}
    missing = [f"{k} trade receivables ({labels[k] or day})" for k, day in
               (("opening", opening), ("closing", p.end)) if k not in found]
    missing += [] if revenue.ok else [f"revenue ({period})"]
    if missing:  # an average of two balances: say which is missing, not 'not disclosed'
        return r._na("receivable_days", period, None, "receivable_days: derived from the "
                     "average of opening and closing trade receivables over revenue; no "
                     + ", no ".join(missing))
    return r.derive("receivable_days", period, None,
                    "average of opening and closing trade receivables / revenue x days",
                    [found["opening"], found["closing"], revenue],
                    lambda o, c, rev: fx.receivable_days(o, c, rev, p.days))


def _difference(item: str, a: str, b: str) -> Rule:
    def rule(r: Resolver, period: str, seg: str | None) -> Resolved | None:
        return r.derive(item, period, seg, f"{a} - {b}", [r.get(a, period, seg),
                                                          r.get(b, period, seg)],
                        lambda x, y: x - y)
    return rule


def _sum(item: str, a: str, b: str) -> Rule:
    def rule(r: Resolver, period: str, seg: str | None) -> Resolved | None:
        return r.derive(item, period, seg, f"{a} + {b}", [r.get(a, period, seg),
                                                          r.get(b, period, seg)],
                        lambda x, y: x + y)
    return rule


RULES: dict[str, tuple[Rule, ...]] = {
    "revenue": (_of_total("revenue", "revenue_share", "revenue"), _line_complement, _line_sum),
    "cost_of_revenue": (_cor_from_gp, _cor_from_gm,
                        _product("cost_of_revenue", "revenue", "cost_of_revenue_to_revenue",
                                 "revenue x cost_of_revenue_to_revenue")),
    "gross_profit": (_gp,),
    "gross_margin": (_gm,),
    "revenue_growth_yoy": (_growth,),
    "revenue_share": (_ratio("revenue_share", "revenue", "revenue", seg_den=False),),
    "overseas_revenue_share": (_overseas,),
    "cost_of_revenue_to_revenue": (_ratio("cost_of_revenue_to_revenue", "cost_of_revenue",
                                          "revenue"),),
    "rd_to_revenue": (_ratio("rd_to_revenue", "rd_expense", "revenue"),),
    "net_loss_to_revenue": (_ratio("net_loss_to_revenue", "net_loss", "revenue"),),
    "adjusted_net_loss_to_revenue": (_ratio("adjusted_net_loss_to_revenue",
                                            "adjusted_net_loss", "revenue"),),
    "rd_compute_cost": (
        _product("rd_compute_cost", "rd_compute_share_of_rd", "rd_expense",
                 "rd_compute_share_of_rd x rd_expense"),
        _product("rd_compute_cost", "rd_compute_cost_to_revenue", "revenue",
                 "rd_compute_cost_to_revenue x revenue"),
    ),
    "rd_compute_share_of_rd": (_ratio("rd_compute_share_of_rd", "rd_compute_cost",
                                      "rd_expense"),),
    "rd_compute_cost_to_revenue": (_ratio("rd_compute_cost_to_revenue", "rd_compute_cost",
                                          "revenue"),),
    "cost_of_revenue_compute": (_product("cost_of_revenue_compute",
                                         "cost_of_revenue_compute_share", "cost_of_revenue",
                                         "cost_of_revenue_compute_share x cost_of_revenue"),),
    "cost_of_revenue_compute_share": (_ratio("cost_of_revenue_compute_share",
                                             "cost_of_revenue_compute", "cost_of_revenue"),),
    "top5_customer_share": (_ratio("top5_customer_share", "top5_customers_revenue",
                                   "revenue"),),
    "top5_customers_revenue": (_product("top5_customers_revenue", "top5_customer_share",
                                        "revenue", "top5_customer_share x revenue"),),
    "trade_receivables": (_difference("trade_receivables", "trade_receivables_gross",
                                      "trade_receivables_allowance"),),
    "total_assets": (_sum("total_assets", "total_liabilities", "net_assets"),),
    "net_assets": (_difference("net_assets", "total_assets", "total_liabilities"),),
    "headcount": (_ratio("headcount", "rd_headcount", "rd_headcount_share"),),
    "rd_headcount": (_product("rd_headcount", "headcount", "rd_headcount_share",
                              "headcount x rd_headcount_share"),),
    "receivable_days": (_receivable_days,),
    "market_capitalisation": (_product("market_capitalisation", "share_price",
                                       "shares_outstanding",
                                       "share_price x shares_outstanding"),),
}


def select_period(company: Company, period: str = "latest", *,
                  needs: Sequence[str] = ()) -> Period:
    """The duration period named, or the latest one (``latest``).

    With ``needs`` (item names), ``latest`` is the newest period in which every one of them
    resolves (reported, or derived from other figures): a calibration that needs operating
    cash flow and compute costs skips a newer period whose results do not disclose them.
    """
    durations = company.duration_periods
    if not durations:
        raise NotFoundError(f"{company.id}: no duration periods (income or cash-flow figures)")
    if period == "latest":
        ordered = sorted(durations, key=lambda p: (p.end, p.months), reverse=True)
        if not needs:
            return ordered[0]
        r = Resolver(company)
        for p in ordered:
            if all(r.get(item, p.label).ok for item in needs):
                return p
        raise NotFoundError(f"{company.id}: no period discloses all of {', '.join(needs)}")
    for p in durations:
        if p.label == period:
            return p
    known = [p.label for p in durations]
    hint = did_you_mean(period, known)
    raise NotFoundError(f"{company.id}: no period {period!r}; {hint + ' ' if hint else ''}"
                        f"known: {', '.join(known)}")


def newer_periods_lacking(company: Company, chosen: Period, needs: Sequence[str]
                          ) -> list[tuple[str, list[str]]]:
    """The duration periods newer than ``chosen`` (a :func:`select_period` with
    ``needs``), each with the items of ``needs`` it does not resolve: why ``latest`` passed
    them over, for a note."""
    r = Resolver(company)
    newer = sorted((p for p in company.duration_periods
                    if (p.end, p.months) > (chosen.end, chosen.months)),
                   key=lambda p: (p.end, p.months), reverse=True)
    return [(p.label, [i for i in needs if not r.get(i, p.label).ok]) for p in newer]

