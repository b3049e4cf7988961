"""Per-line answers: how far the cost per token must fall for a target gross margin, line by
line and for the company.

One method, the projection's (:func:`llmecon.simulate.answers.cost_for_margin`): the cost of
revenue that is not token-priced is held fixed and only the token cost scales, so the token
cost must fall to :func:`llmecon.formulas.token_cost_factor` = (revenue x (1 - m) - other
cost) / token cost of today. Token cost is an API line's whole cost of revenue (its engine's)
and a consumer line's inference (its cost of revenue less what is not inference: app-store
commissions and the like, the driver ``other_cor_share``); a project line's delivery cost
(staff, hardware, compute at GPU prices) is not token-priced, so cheaper tokens do not move
its margin. The company's answer adds up the lines, each at its newest disclosed margin
(revenue, token cost and other cost per month); its period says so and gives the company's
own disclosed margin beside it (the lines' rounded margins need not add up to it). When
the factor is at or below zero the target is not reachable even at zero token cost: the
answer is n/a and says why. Targets are fractions (0.3) or percents ("30%"); a bare 30 is refused
(:func:`llmecon.config.assumptions.parse_share`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from llmecon import formulas as f
from llmecon.config.assumptions import Assumptions, parse_share
from llmecon.config.inference import ServingFactors
from llmecon.errors import InputError
from llmecon.inference.catalog import Catalog
from llmecon.metrics.resolve import Resolver
from llmecon.statements.model import Company
from llmecon.unit_economics.drivers import Drivers, company_drivers
from llmecon.unit_economics.rows import LineInputs, get
from llmecon.units import FxTable


@dataclass(frozen=True)
class MarginAnswer:
    """The token cost needed for ``target_gross_margin`` on one line (or ``company``).

    Money per month in the company's currency (``revenue``, ``token_cost``, ``other_cost``,
    at the line's newest disclosed margin); costs per million tokens likewise.
    ``cost_factor`` is None when the target cannot be reached by cheaper tokens (``why``)."""

    line: str
    period: str
    target_gross_margin: float
    gross_margin: float
    cost_factor: float | None
    cost_per_m_tokens_now: float | None
    cost_per_m_tokens_needed: float | None
    revenue_monthly: float = 0.0
    token_cost_monthly: float = 0.0
    other_cost_monthly: float = 0.0
    why: str = ""
    #: "low" where the cost per million tokens rests on a low-confidence driver (marked †)
    confidence: str = ""
    #: How the gross margin was reached: the company row's is the sum of the lines (their
    #: rounded disclosed margins), beside the company's own disclosed margin where there is one
    basis: str = ""
    #: The company's own disclosed gross margin of the period, beside the company row's sum
    #: of the lines (None on a line's row, or where the company discloses none)
    disclosed_gross_margin: float | None = None

    @property
    def already_there(self) -> bool:
        return self.gross_margin >= self.target_gross_margin

    @property
    def other_cost_share(self) -> float:
        """Cost of revenue that is not token-priced, as a share of revenue."""
        return float(f.ratio(self.other_cost_monthly, self.revenue_monthly))


def target_share(target: float | str) -> float:
    """A target margin as a fraction in [0, 1): 0.3 and "30%" both give 0.3."""
    share = parse_share(target, "target gross margin")
    if not 0.0 <= share < 1.0:
        raise InputError(f"target gross margin: expected a share in [0, 1), found {target!r}")
    return share


def margin_answers(x: LineInputs, drivers: Drivers, target: float | str) -> list[MarginAnswer]:
    """One answer per business line with a disclosed margin, then the company's (the sum of
    the lines, when every line discloses one)."""
    m = target_share(target)
    out = []
    for line in x.company.lines:
        seg = f"line:{line}"
        p = x.latest("gross_margin", seg)
        gm, _ = get(x.resolver, "gross_margin", p, seg)
        rev, _ = get(x.resolver, "revenue", p, seg)
        if gm is None or gm >= 1 or rev is None or rev <= 0:
            continue
        cor = float(f.cost_from_gross_margin(rev, gm)) / p.months
        other = _other_cost(x, drivers, line, rev / p.months, cor)
        out.append(replace(answer(line, p.label, m, rev / p.months, cor - other, other,
                                  _cost_now(drivers, line)),
                           confidence=cost_now_confidence(drivers, line)))
    if out and len(out) == len(x.company.lines):
        periods = sorted({a.period for a in out})
        total = answer("company", ", ".join(periods), m, sum(a.revenue_monthly for a in out),
                       sum(a.token_cost_monthly for a in out),
                       sum(a.other_cost_monthly for a in out), None)
        out.append(_built_from_lines(x, total, periods))
    return out


def _built_from_lines(x: LineInputs, total: MarginAnswer, periods: list[str]
                      ) -> MarginAnswer:
    """The company row, saying its margin is built from the lines' (rounded) disclosed
    margins, and giving the company's own disclosed margin of that period where there is
    one: MiniMax 9M 2025, (38.02 x 4.7% + 15.417 x 69.4%) / 53.437 = 23.4% against the
    disclosed 23.3%."""
    basis = "the lines' sum, from each line's disclosed margin"
    own = get(x.resolver, "gross_margin", x.company.period(periods[0]))[0] \
        if len(periods) == 1 else None
    if own is not None:
        basis += f"; the company's disclosed {periods[0]} gross margin is beside it"
    return replace(total, basis=basis, disclosed_gross_margin=own)


def answer(line: str, period: str, m: float, revenue: float, token_cost: float,
           other_cost: float, now: float | None) -> MarginAnswer:
    """The answer for one line (or the company) from its monthly revenue and costs."""
    gm = 1.0 - (token_cost + other_cost) / revenue
    if token_cost <= 0:
        return MarginAnswer(line, period, m, gm, None, now, None, revenue, token_cost,
                            other_cost, "no token-priced cost: its cost of revenue (delivery "
                            "staff, hardware, compute at GPU prices) does not move with the "
                            "cost per token")
    factor = float(f.token_cost_factor(revenue, token_cost, other_cost, m))
    if factor <= 0:
        return MarginAnswer(line, period, m, gm, None, now, None, revenue, token_cost,
                            other_cost, f"not reachable even at zero token cost: the cost "
                            f"that is not token-priced is {other_cost / revenue:.1%} of "
                            f"revenue, above 1 - target = {(1 - m) * 100:.12g}%")
    return MarginAnswer(line, period, m, gm, factor, now, None if now is None else now * factor,
                        revenue, token_cost, other_cost)


def company_margin_answers(company: Company, assumptions: Assumptions, fx: FxTable,
                           catalog: Catalog, factors: ServingFactors, target: float | str
                           ) -> list[MarginAnswer]:
    """:func:`margin_answers` from the company and its loaded inputs."""
    x = LineInputs(company, Resolver(company), assumptions, fx, catalog, factors)
    return margin_answers(x, company_drivers(company, assumptions, fx, catalog, factors),
                          target)


def _other_cost(x: LineInputs, drivers: Drivers, line: str, revenue: float,
                cost: float) -> float:
    """A line's cost of revenue that is not token-priced (per month): none on the API line,
    all of it on a project line, the driver ``other_cor_share`` of revenue on a consumer
    line (0 where not derived)."""
    kind = x.kind(line)
    if kind == "api":
        return 0.0
    if kind == "b2b":
        return cost
    share = f"{line}.other_cor_share"
    return drivers.value(share) * revenue if share in drivers else 0.0


def _cost_now(drivers: Drivers, line: str) -> float | None:
    """The line's cost per million tokens at its utilisation (API; a C2C line's driver is
    already at the fleet's utilisation, the platform line's)."""
    name = f"{line}.cost_per_m_tokens"
    if name not in drivers:
        return None
    util = drivers.value(f"{line}.utilisation") if f"{line}.utilisation" in drivers else 1.0
    return drivers.value(name) / util


def cost_now_confidence(drivers: Drivers, line: str) -> str:
    """"low" where the line's cost per million tokens rests on a low-confidence driver (a
    utilisation derived at a list price that postdates the period), as the unit-economics
    table marks it; else ""."""
    names = (f"{line}.cost_per_m_tokens", f"{line}.utilisation")
    return "low" if any(n in drivers and drivers[n].confidence == "low" for n in names) else ""
