"""Unit economics of an API / cloud (MaaS) business: tokens served, realised price, cost.

Realised price per million tokens = list prices weighted by the token mix (cache hits,
cache misses, output), after the free quota and discounts. Cost per million comes from
the inference engine at a utilisation: a fleet busy ``u`` of the time costs ``1 / u`` times
its fully-used cost per token, so the break-even utilisation is cost at full use / price.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from pydantic import Field, model_validator

from llmecon import formulas as f
from llmecon.config.assumptions import CheckedInputs, PositiveShare, Share


class ApiInputs(CheckedInputs):
    """Tokens served in a period and the prices and costs behind them (per million)."""

    _what: ClassVar[str] = ("the API line's unit economics (derived from the company's "
                            "figures and the assumptions' api and inference sections)")

    input_tokens: float = Field(ge=0.0)
    output_tokens: float = Field(ge=0.0)
    cache_hit: Share
    price_input_miss: float = Field(ge=0.0)
    price_input_hit: float = Field(ge=0.0)
    price_output: float = Field(ge=0.0)
    cost_input_miss: float = Field(ge=0.0)
    cost_input_hit: float = Field(ge=0.0)
    cost_output: float = Field(ge=0.0)
    free_share: Share = 0.0
    discount: Share = 0.0
    utilisation: PositiveShare = 0.6

    @model_validator(mode="after")
    def _some_tokens(self) -> ApiInputs:
        if self.input_tokens + self.output_tokens <= 0:
            raise ValueError("input_tokens + output_tokens: expected some tokens served, "
                             "found none")
        return self


@dataclass(frozen=True)
class ApiResult:
    """Revenue and cost of the tokens (currency of the prices), per-million figures."""

    revenue: float
    cost: float
    gross_margin: float
    realised_price_per_million: float
    cost_per_million: float
    list_price_per_million: float
    break_even_utilisation: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def evaluate_api(x: ApiInputs) -> ApiResult:
    """Revenue, cost and margin of the tokens served; prices and costs per million."""
    hit = x.input_tokens * x.cache_hit
    miss = x.input_tokens - hit
    tokens = x.input_tokens + x.output_tokens
    list_rev = (f.amount_for_tokens(miss, x.price_input_miss)
                + f.amount_for_tokens(hit, x.price_input_hit)
                + f.amount_for_tokens(x.output_tokens, x.price_output))
    revenue = list_rev * (1.0 - x.free_share) * (1.0 - x.discount)
    full_cost = (f.amount_for_tokens(miss, x.cost_input_miss)
                 + f.amount_for_tokens(hit, x.cost_input_hit)
                 + f.amount_for_tokens(x.output_tokens, x.cost_output))
    cost = full_cost / x.utilisation
    return ApiResult(
        revenue=revenue, cost=cost,
        gross_margin=float(f.gross_margin(revenue, cost)),
        realised_price_per_million=float(f.per_million_tokens(revenue, tokens)),
        cost_per_million=float(f.per_million_tokens(cost, tokens)),
        list_price_per_million=float(f.per_million_tokens(list_rev, tokens)),
        break_even_utilisation=float(f.break_even_utilisation(full_cost, revenue)),
    )
