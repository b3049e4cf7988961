"""The cost-of-revenue split of a company's project lines: the company's disclosed compute
and labour shares, net of the platform line's cost.

A company such as Zhipu discloses one split of its whole cost of revenue (H1 2025: compute
37.6%, labour 39.4%), and a margin per business line. Everywhere else llmecon treats the
platform (cloud / API) line's whole cost of revenue as token-priced compute: its utilisation
is derived from it, ``answers`` holds none of it fixed, the projection puts it on the compute
index. The same compute cannot also sit in the project lines, so they get what is left:

    project compute = company compute - platform line cost  (floored at 0, said)
    project labour  = company labour (the platform line's cost has none)

each over the project lines' cost of revenue; hardware and other pass-through is the rest.
One function, used by the unit economics (``lines_b2b``) and the projection's calibration
(``delivery_compute_share``).

Hand check, Zhipu H1 2025 (RMB m, prospectus): cost of revenue 95.453, compute 35.891
(37.6%), labour 37.608 (39.4%); cloud 29.1 at -0.4% costs 29.216; localized 161.777 at
59.1% costs 66.169: compute 6.675 / 66.169 = 10.1%, labour 37.608 / 66.169 = 56.8%.
"""

from __future__ import annotations

from dataclasses import dataclass

from llmecon import formulas as f
from llmecon.metrics.resolve import Resolver, weakest
from llmecon.statements.model import Company, Period


@dataclass(frozen=True)
class ProjectCostSplit:
    """Shares of the project lines' cost of revenue (``compute + labour + hardware = 1``).

    ``basis`` says how they were reached (and any floor applied; ``labour_basis`` the
    labour share's where it is another); ``confidence`` is the weakest of the figures
    used."""

    compute_share: float
    #: None where the company does not disclose its labour share (compute needs only its own)
    labour_share: float | None
    basis: str
    confidence: str = "unknown"
    #: The labour share's own basis where it differs from ``basis`` (the compute's)
    labour_basis: str = ""

    @property
    def hardware_share(self) -> float:
        """Hardware and other pass-through: the rest (0 at the least; all but compute where
        labour is not disclosed)."""
        return max(0.0, 1.0 - self.compute_share - (self.labour_share or 0.0))


def _line_cost(r: Resolver, line: str, p: Period) -> tuple[float, str] | None:
    """A line's cost of revenue in ``p`` (revenue x (1 - gross margin)) and the weaker
    confidence of the two, or None where either is not disclosed."""
    rev = r.get("revenue", p.label, f"line:{line}")
    gm = r.get("gross_margin", p.label, f"line:{line}")
    if not (rev.ok and gm.ok) or rev.value is None or gm.value is None:
        return None
    return float(f.cost_from_gross_margin(rev.value, gm.value)), weakest([rev.confidence,
                                                                        gm.confidence])


def project_cost_split(company: Company, resolver: Resolver, p: Period
                       ) -> ProjectCostSplit | None:
    """The compute and labour shares of the project lines' cost of revenue in ``p`` (every
    line but the platform line): the company's disclosed shares net of the platform line's
    cost, all of it compute (module notes). Where the platform line's cost is not disclosed
    the company's shares are used and the basis says compute is then an upper bound; None
    where the company's compute share is not disclosed (labour is then None alone)."""
    r = resolver
    cor = r.get("cost_of_revenue", p.label)
    comp = r.get("cost_of_revenue_compute_share", p.label)
    lab = r.get("cost_of_revenue_labor_share", p.label)
    if not all(v.ok and v.value is not None for v in (cor, comp)):
        return None
    total, c_share = float(cor.value or 0), float(comp.value or 0)
    has_labour = lab.ok and lab.value is not None
    l_share = float(lab.value or 0) if has_labour else None
    conf = [cor.confidence, comp.confidence, *([lab.confidence] if has_labour else [])]
    platform = company.platform_line
    projects = [ln for ln in company.lines if ln != platform]
    costs = [_line_cost(r, ln, p) for ln in projects]
    plat = _line_cost(r, platform, p) if platform else None
    if not platform or not projects:
        return ProjectCostSplit(c_share, l_share, "the company's split of its cost of "
                                f"revenue {p.label} (no platform line to net)", weakest(conf))
    if plat is None or any(c is None for c in costs):
        return ProjectCostSplit(c_share, l_share, f"the company's split of its cost of "
                                f"revenue {p.label}: the {platform} line's cost is not "
                                "disclosed, so compute is an upper bound", weakest(conf))
    project_cost = sum(c[0] for c in costs if c is not None)
    if project_cost <= 0:
        return ProjectCostSplit(c_share, l_share, f"the company's split of its cost of "
                                f"revenue {p.label} (the project lines have no cost to net "
                                "against)", weakest(conf))
    compute = total * c_share - plat[0]
    note = ""
    if compute < 0:
        cur = company.currency
        note = (f"; floored at 0: the {platform} line's cost ({cur} {plat[0] / 1e6:,.2f}m) "
                f"exceeds the company's compute in cost of revenue "
                f"({cur} {total * c_share / 1e6:,.2f}m)")
        compute = 0.0
    over = "over the project lines' cost of revenue (revenue x (1 - gross margin))"
    basis = (f"company compute ({c_share:.1%} of cost of revenue {p.label}) less the "
             f"{platform} line's cost (all compute), {over}{note}")
    labour_basis = "" if l_share is None else (
        f"company labour ({l_share:.1%} of cost of revenue {p.label}; none on the "
        f"{platform} line), {over}")
    labour = None
    if l_share is not None:  # at most what compute leaves of the project lines' cost
        room = project_cost - compute
        labour = min(total * l_share, room) / project_cost
        if total * l_share > room:
            cur = company.currency
            labour_basis += (f"; capped at {labour:.1%}: the company's labour ({cur} "
                             f"{total * l_share / 1e6:,.2f}m) exceeds the project lines' cost "
                             f"of revenue less their compute ({cur} {room / 1e6:,.2f}m), so "
                             "the line margins and the company's split disagree")
    conf += [c[1] for c in costs if c is not None] + [plat[1]]
    return ProjectCostSplit(compute / project_cost, labour, basis, weakest(conf),
                            labour_basis)
