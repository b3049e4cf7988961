"""Per-line answers: how far cost must fall for a target gross margin, line by line and
for the company.

Cost of revenue is taken to scale with the cost per token (inference for API and product
lines; delivery for project lines), so for a line with disclosed gross margin ``g`` and a
target ``m`` the cost must fall to ``(1 - m) / (1 - g)`` of today. For a line with a cost
per million tokens (the engine's at the line's utilisation) the answer is also given as a
cost per million tokens. The company's answer weighs the lines by their cost of revenue:
``(1 - m) x revenue / cost of revenue``. Targets are fractions (0.3) or percents ("30%"); a
bare 30 is refused (see :func:`llmecon.config.assumptions.parse_share`).
"""

from __future__ import annotations

from dataclasses import dataclass

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
    """The cost needed for ``target_gross_margin`` on one line (or ``company``); costs per
    million tokens in the company's currency."""

    line: str
    period: str
    target_gross_margin: float
    gross_margin: float
    cost_factor: float
    cost_per_m_tokens_now: float | None
    cost_per_m_tokens_needed: float | None

    @property
    def already_there(self) -> bool:
        return self.cost_factor >= 1.0


def target_share(target: float | str) -> float:
    """A target margin as a fraction in [0, 1): 0.3 and "30%" both give 0.3."""
    share = parse_share(target, "target gross margin")
    if not 0.0 <= share < 1.0:
        raise InputError(f"target gross margin: expected a share in [0, 1), found {target!r}")
    return share


def margin_answers(x: LineInputs, drivers: Drivers, target: float | str) -> list[MarginAnswer]:
    """One answer per business line with a disclosed margin, then the company's."""
    m = target_share(target)
    out = []
    for line in x.company.lines:
        seg = f"line:{line}"
        p = x.latest("gross_margin", seg)
        gm, _ = get(x.resolver, "gross_margin", p, seg)
        if gm is None or gm >= 1:
            continue
        factor = (1.0 - m) / (1.0 - gm)
        now = _cost_now(drivers, line)
        out.append(MarginAnswer(line, p.label, m, gm, factor, now,
                                None if now is None else now * factor))
    company = _company_answer(x.company, x, m)
    return out + ([company] if company is not None else [])


def company_margin_answers(company: Company, assumptions: Assumptions, fx: FxTable,
                           catalog: Catalog, factors: ServingFactors, target: float | str
                           ) -> list[MarginAnswer]:
    """:func:`margin_answers` from the company and its loaded inputs."""
    x = LineInputs(company, Resolver(company), assumptions, fx, catalog, factors)
    return margin_answers(x, company_drivers(company, assumptions, fx, catalog, factors),
                          target)


def _cost_now(drivers: Drivers, line: str) -> float | None:
    """The line's cost per million tokens at its utilisation (API) or at full use (C2C)."""
    name = f"{line}.cost_per_m_tokens"
    if name not in drivers:
        return None
    util = drivers.value(f"{line}.utilisation") if f"{line}.utilisation" in drivers else 1.0
    return drivers.value(name) / util


def _company_answer(company: Company, x: LineInputs, m: float) -> MarginAnswer | None:
    p = x.latest("gross_margin", None)
    gm, _ = get(x.resolver, "gross_margin", p)
    if gm is None or gm >= 1:
        return None
    rev, _ = get(x.resolver, "revenue", p)
    cor, _ = get(x.resolver, "cost_of_revenue", p)
    factor = (1.0 - m) / (1.0 - gm) if rev is None or cor is None else \
        float(f.ratio((1.0 - m) * rev, cor))
    return MarginAnswer("company", p.label, m, gm, factor, None, None)
