"""Accounting checks on a loaded company.

- every check value (a reported ratio or subtotal) is within tolerance of what the raw
  figures imply;
- gross profit = revenue - cost of revenue where all three are given;
- business-line segments add up to the total; other segments do not exceed it;
- total assets = total liabilities + net assets where all three are given;
- parts do not exceed their whole (compute inside R&D, R&D staff, paying users...), nor an
  amount over part of a period its amount over the whole period.

:func:`problems` lists what is wrong; :func:`check_company` raises them together.
"""

from __future__ import annotations

import bisect
from collections import defaultdict

from llmecon import formulas as fx
from llmecon.errors import ValidationError
from llmecon.metrics.resolve import (
    DEFAULT_RELATIVE_TOLERANCE,
    DEFAULT_TOLERANCE_PP,
    Resolver,
    check_agrees,
    check_tolerance,
)
from llmecon.statements.model import Company, Figure
from llmecon.statements.taxonomy import ITEMS

SUM_TOLERANCE = 0.005  # segments may differ from the total by rounding of 0.5%


def _show(value: float, like: Figure) -> str:
    """A base-unit value in the unit ``like`` was declared in (e.g. '90 USD million')."""
    from llmecon.units import parse_unit

    factor = parse_unit(like.unit, ITEMS[like.item].natural_base).factor
    unit = f"{like.currency} {like.unit}" if like.currency else like.unit
    return f"{value / factor:,.6g} {unit}".rstrip()


def _name(f: Figure) -> str:
    seg = f" [{f.segment}]" if f.segment else ""
    return f"{f.item}{seg} {f.period.label}"


def check_values(company: Company) -> list[str]:
    """Each check value against its recomputation from the raw figures."""
    out: list[str] = []
    for f in company.figures:
        if f.role != "check":
            continue
        r = Resolver(company, exclude=f).get(f.item, f.period.label, f.segment)
        if not r.ok or r.value is None:
            out.append(f"{_name(f)}: check value {f.value:g} cannot be recomputed "
                       f"({r.why}); give the missing figures or mark it role: raw")
            continue
        if not check_agrees(f, r.value):
            got = r.value * 100.0 if ITEMS[f.item].dimension == "percent" else r.value
            out.append(f"{_name(f)}: reported {f.value:g}, but the raw figures give {got:.6g} "
                       f"({r.basis}); expected within {check_tolerance(f):g}")
    return out


def _raw(company: Company, item: str, label: str, seg: str | None = None) -> Figure | None:
    f = company.figure(item, label, seg)
    return f if f is not None and f.role == "raw" else None


_PARTS: tuple[tuple[str, str], ...] = (
    ("rd_compute_cost", "rd_expense"), ("rd_staff_cost", "rd_expense"),
    ("cost_of_revenue_compute", "cost_of_revenue"),
    ("advertising_marketing_expense", "selling_marketing_expense"),
    ("rd_headcount", "headcount"), ("trade_receivables_allowance", "trade_receivables_gross"),
    ("top5_customers_revenue", "revenue"),
    # costs are >= 0, so gross profit is at most revenue; a balance within its total
    ("gross_profit", "revenue"), ("cash_and_equivalents", "total_assets"),
    ("short_term_investments", "total_assets"), ("trade_receivables", "total_assets"),
    ("current_liabilities", "total_liabilities"),
    ("trade_receivables", "trade_receivables_gross"),  # net of the allowance
    ("ipo_net_proceeds", "ipo_gross_proceeds"),
)
#: Wholes and parts that may not add up to more than the whole.
_SUMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("rd_expense", ("rd_staff_cost", "rd_compute_cost")),
    ("cash_and_investments", ("cash_and_equivalents", "short_term_investments")),
)
#: Shares (percent points) of one whole that may not add up to more than 100% of it.
_SHARE_SUMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("cost of revenue", ("cost_of_revenue_compute_share", "cost_of_revenue_labor_share")),
)


def _gross_profit_identity(company: Company, label: str, seg: str | None) -> list[str]:
    rev = _raw(company, "revenue", label, seg)
    cor = _raw(company, "cost_of_revenue", label, seg)
    gp = _raw(company, "gross_profit", label, seg)
    if not (rev and cor and gp):
        return []
    want = float(fx.gross_profit(rev.value, cor.value))
    if abs(gp.value - want) <= max(abs(want), abs(rev.value)) * DEFAULT_RELATIVE_TOLERANCE:
        return []
    return [f"{_name(gp)}: gross profit {_show(gp.value, gp)} != revenue - "
            f"cost of revenue = {_show(want, gp)}"]


def _period_identities(company: Company, label: str, present: set[tuple[str, str]]
                       ) -> list[str]:
    out: list[str] = []
    if (label, "total_assets") not in present and (label, "rd_headcount") not in present and \
            not any((label, part) in present for part, _ in _PARTS) and \
            not any((label, whole) in present for whole, _ in _SUMS) and \
            not any((label, x) in present for _, xs in _SHARE_SUMS for x in xs):
        return out
    ta = _raw(company, "total_assets", label)
    tl = _raw(company, "total_liabilities", label)
    na = _raw(company, "net_assets", label)
    if ta and tl and na and abs(ta.value - tl.value - na.value) > \
            abs(ta.value) * DEFAULT_RELATIVE_TOLERANCE:
        out.append(f"balance sheet {label}: total assets {_show(ta.value, ta)} != total "
                   f"liabilities {_show(tl.value, tl)} + net assets {_show(na.value, na)}")
    for part, whole in _PARTS:
        p, w = _raw(company, part, label), _raw(company, whole, label)
        if p and w and p.currency != w.currency:
            continue  # amounts in two currencies (HK$ gross, US$ net) need an FX rate
        if p and w and p.value > w.value * (1 + DEFAULT_RELATIVE_TOLERANCE):
            out.append(f"{_name(p)}: {_show(p.value, p)} exceeds {whole} "
                       f"{_show(w.value, w)}, of which it is a part")
    for whole, parts in _SUMS:  # parts are >= 0: any of them together within the whole
        w = _raw(company, whole, label)
        found = [f for f in (_raw(company, x, label) for x in parts) if f is not None]
        total = sum(f.value for f in found)
        said = any((f.item, whole) in _PARTS and w and f.value > w.value * (
            1 + DEFAULT_RELATIVE_TOLERANCE) for f in found)  # a part alone, reported above
        if w and found and not said and total > w.value * (1 + DEFAULT_RELATIVE_TOLERANCE):
            out.append(f"{_name(w)}: {' + '.join(f.item for f in found)} = "
                       f"{_show(total, w)} exceed {whole} {_show(w.value, w)}, of which "
                       "they are parts")
    for whole, parts in _SHARE_SUMS:  # each within 0-100% on loading; together too
        found = [f for f in (_raw(company, x, label) for x in parts) if f is not None]
        total = sum(f.value for f in found)
        if len(found) > 1 and total > 100.0 + DEFAULT_TOLERANCE_PP:
            out.append(f"{' + '.join(f.item for f in found)} {label}: "
                       f"{' + '.join(f'{f.value:g}%' for f in found)} = {total:g}% of the "
                       f"{whole}, expected at most 100% (they are shares of one whole)")
    return out


def identities(company: Company) -> list[str]:
    """Accounting identities, checked once per period (linear in the number of figures)."""
    out: list[str] = []
    segs: dict[str, set[str | None]] = defaultdict(set)
    present: set[tuple[str, str]] = set()
    for f in company.figures:
        present.add((f.period.label, f.item))
        if f.item == "gross_profit":
            segs[f.period.label].add(f.segment)
    for label in sorted({f.period.label for f in company.figures}):
        for seg in sorted(segs.get(label, ()), key=lambda x: x or ""):
            out.extend(_gross_profit_identity(company, label, seg))
        out.extend(_period_identities(company, label, present))
    res = Resolver(company)
    for f in company.figures:
        if f.item == "paying_users":
            mau = res.get("mau", f.period.label, f.segment)
            if mau.ok and mau.value is not None and f.value > mau.value:
                out.append(f"{_name(f)}: paying users {_show(f.value, f)} exceed MAU "
                           f"{_show(mau.value, f)}")
    return out


def segment_sums(company: Company) -> list[str]:
    """Line segments add up to the total; other dimensions stay within it."""
    out: list[str] = []
    groups: dict[tuple[str, str, str], list[Figure]] = defaultdict(list)
    for f in company.figures:
        if f.segment and f.role == "raw" and f.item in ("revenue", "revenue_share", "mau",
                                                        "cost_of_revenue", "gross_profit"):
            groups[(f.item, f.period.label, f.segment.partition(":")[0])].append(f)
    res = Resolver(company)
    for (item, label, dim), figs in sorted(groups.items()):
        if item == "revenue_share":
            total: float | None = 100.0
        else:
            t = res.get(item, label, None)
            total = t.value if t.ok and t.basis == "reported" else None
        if total is None or len(figs) < 1:
            continue
        s = sum(f.value for f in figs)
        names = ", ".join(f.segment or "" for f in figs)
        like = figs[0]
        complete = dim == "line" and company.lines and len(figs) == len(company.lines)
        slack = abs(total) * SUM_TOLERANCE
        if complete and len(figs) > 1 and abs(s - total) > slack:
            out.append(f"{item} {label}: lines ({names}) sum to {_show(s, like)}, expected "
                       f"the total {_show(total, like)} (within {SUM_TOLERANCE:.1%})")
        elif s > total + slack and item != "gross_profit":
            out.append(f"{item} {label}: {dim} segments ({names}) sum to {_show(s, like)}, "
                       f"more than the total {_show(total, like)}")
    return out


def period_parts(company: Company) -> list[str]:
    """An amount that cannot be negative is no larger over part of a period than over the
    whole (an H1 revenue above its year's passed, and decided a projection's season: a
    hostile-input audit). Sorted by end date, so linear in the figures but for the parts
    each whole holds."""
    out: list[str] = []
    groups: dict[tuple[str, str | None], list[Figure]] = defaultdict(list)
    for f in company.figures:
        d = ITEMS.get(f.item)
        if d and f.role == "raw" and d.dimension == "money" and d.temporal == "duration" \
                and d.sign == "nonnegative" and not f.period.is_instant:
            groups[(f.item, f.segment)].append(f)
    for figs in groups.values():
        figs.sort(key=lambda f: f.period.end)
        ends = [f.period.end for f in figs]
        for whole in figs:
            start = whole.period.start
            if start is None:
                continue
            for part in figs[bisect.bisect_left(ends, start):
                             bisect.bisect_right(ends, whole.period.end)]:
                if part.period.months < whole.period.months and \
                        (part.period.start or start) >= start and \
                        part.value > whole.value * (1 + DEFAULT_RELATIVE_TOLERANCE):
                    out.append(f"{_name(part)}: {_show(part.value, part)} exceeds "
                               f"{whole.period.label}'s {_show(whole.value, whole)}, a "
                               "period it is part of")
    return out


def problems(company: Company) -> list[str]:
    """Every accounting problem found in the company's figures."""
    return [*check_values(company), *identities(company), *segment_sums(company),
            *period_parts(company)]


def check_company(company: Company) -> Company:
    """Raise :class:`ValidationError` if any accounting check fails; return the company."""
    found = problems(company)
    if found:
        raise ValidationError(company.origin or company.id, found)
    return company
