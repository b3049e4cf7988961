"""Unit economics of an API / cloud (MaaS) business: tokens served, realised price, cost.

Realised price per million tokens = list prices weighted by the token mix (cache hits,
cache misses, output), after the free quota and discounts. Cost per million comes from
the inference engine at a utilisation: a fleet busy ``u`` of the time costs ``1 / u`` times
its fully-used cost per token, so the break-even utilisation is cost at full use / price.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from llmecon.errors import InputError


@dataclass(frozen=True)
class ApiInputs:
    """Tokens served in a period and the prices and costs behind them (per million)."""

    input_tokens: float
    output_tokens: float
    cache_hit: float
    price_input_miss: float
    price_input_hit: float
    price_output: float
    cost_input_miss: float
    cost_input_hit: float
    cost_output: float
    free_share: float = 0.0
    discount: float = 0.0
    utilisation: float = 0.6

    def checked(self) -> ApiInputs:
        for k, v in asdict(self).items():
            if v < 0:
                raise InputError(f"{k}: expected a number >= 0, found {v!r}")
        for k in ("cache_hit", "free_share", "discount"):
            if getattr(self, k) > 1:
                raise InputError(f"{k}: expected a share in [0, 1], found {getattr(self, k)!r}")
        if not 0 < self.utilisation <= 1:
            raise InputError(f"utilisation: expected a share in (0, 1], found "
                             f"{self.utilisation!r}")
        if self.input_tokens + self.output_tokens <= 0:
            raise InputError("input_tokens + output_tokens: no tokens served")
        return self


@dataclass(frozen=True)
class ApiResult:
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
    x = x.checked()
    hit = x.input_tokens * x.cache_hit
    miss = x.input_tokens - hit
    tokens = x.input_tokens + x.output_tokens
    list_rev = (miss * x.price_input_miss + hit * x.price_input_hit
                + x.output_tokens * x.price_output) / 1e6
    revenue = list_rev * (1.0 - x.free_share) * (1.0 - x.discount)
    full_cost = (miss * x.cost_input_miss + hit * x.cost_input_hit
                 + x.output_tokens * x.cost_output) / 1e6
    cost = full_cost / x.utilisation
    return ApiResult(
        revenue=revenue, cost=cost,
        gross_margin=(revenue - cost) / revenue if revenue > 0 else float("nan"),
        realised_price_per_million=revenue / tokens * 1e6,
        cost_per_million=cost / tokens * 1e6,
        list_price_per_million=list_rev / tokens * 1e6,
        break_even_utilisation=full_cost / revenue if revenue > 0 else float("inf"),
    )
