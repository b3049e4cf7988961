"""The calibration's inputs: a driver's value or distribution and the range its values must
lie in, the financing and cash assumptions (``data/financing.yaml``) and the compute mixes
(``data/compute.yaml``), validated on construction.

A run that reads no scenario file needs only these; the scenario file's models
(:mod:`llmecon.config.scenario`, which re-exports everything here) build on them.

>>> parse_dist({"dist": "uniform", "low": 0, "high": 1}, "s").central
0.5
>>> parse_dist(3, "s").to_dict()
3.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from llmecon.config.base import ConfigModel, parse_config

DistKind = Literal["normal", "lognormal", "triangular", "uniform", "beta", "fixed"]
#: The parameters each kind of distribution needs.
DIST_PARAMS: dict[str, tuple[str, ...]] = {
    "normal": ("mean", "sd"), "lognormal": ("mean", "sd"), "triangular": ("low", "mode", "high"),
    "uniform": ("low", "high"), "beta": ("mean", "sd"), "fixed": ("value",)}
#: Optional bounds on any distribution's draws (:class:`DistConfig`).
BOUNDS = ("at_least", "at_most")
#: Which financing events a projection includes.
FinancingChoice = Literal["committed", "all", "none"]
FINANCING_CHOICES: tuple[str, ...] = ("committed", "all", "none")

Share = Annotated[float, Field(ge=0, le=1)]
NonNegative = Annotated[float, Field(ge=0)]


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


class DistConfig(ConfigModel):
    """A driver's value: a number (fixed) or a distribution with its parameters.

    - normal: mean, sd; lognormal: mean (> 0), sd (of the variable, not its log);
    - triangular: low <= mode <= high; uniform: low <= high;
    - beta: mean in (0, 1), sd with sd^2 < mean (1 - mean); fixed: value.

    Any kind but fixed may add ``at_least`` and/or ``at_most``: its draws (and its central
    value) are held to them (a stress preset's "at least 70%" on a base that may be
    faster: ``only: higher`` in ``data/stress.yaml``).
    """

    dist: DistKind
    mean: float | None = None
    sd: NonNegative | None = None
    low: float | None = None
    mode: float | None = None
    high: float | None = None
    value: float | None = None
    at_least: float | None = None
    at_most: float | None = None

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, data: Any) -> Any:
        if _is_number(data):
            if not math.isfinite(data):
                raise ValueError(f"expected a finite number, found {data!r}")
            return {"dist": "fixed", "value": data}
        if not isinstance(data, Mapping) or "dist" not in data:
            raise ValueError("expected a number or a mapping with 'dist' (one of "
                             f"{', '.join(DIST_PARAMS)}), found {data!r}")
        kind = data["dist"]
        if kind not in DIST_PARAMS:
            raise ValueError(f"dist: expected one of {', '.join(DIST_PARAMS)}, found {kind!r}")
        need = DIST_PARAMS[kind]
        for k in need:
            if k not in data:
                raise ValueError(f"a {kind} distribution needs {', '.join(need)}; missing {k!r}")
        extra = set(data) - {"dist", *need, *(BOUNDS if kind != "fixed" else ())}
        if extra:
            raise ValueError(f"unknown field(s) {', '.join(sorted(extra))} for {kind} "
                             f"(expected {', '.join(need)})")
        lo, hi = data.get("at_least"), data.get("at_most")
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"expected at_least <= at_most, found {lo}, {hi}")
        return data

    @model_validator(mode="after")
    def _ranges(self) -> DistConfig:
        k, m, s = self.dist, self.mean, self.sd
        if k == "lognormal" and m is not None and m <= 0:
            raise ValueError(f"mean: a lognormal needs a mean > 0, found {m}")
        if k == "triangular" and not (self.low or 0) <= (self.mode or 0) <= (self.high or 0):
            raise ValueError(f"expected low <= mode <= high, found {self.low}, {self.mode}, "
                             f"{self.high}")
        if k == "uniform" and (self.low or 0) > (self.high or 0):
            raise ValueError(f"expected low <= high, found {self.low}, {self.high}")
        if k == "beta" and m is not None and s is not None:
            if not 0 < m < 1:
                raise ValueError(f"mean: a beta needs a mean in (0, 1), found {m}")
            if s > 0 and s * s >= m * (1 - m):
                raise ValueError(f"sd: too large for a beta with mean {m} (needs sd^2 < "
                                 f"mean (1 - mean)), found {s}")
        return self

    @property
    def params(self) -> dict[str, float]:
        """The parameters of this kind, by name."""
        out = {k: float(getattr(self, k)) for k in DIST_PARAMS[self.dist]}
        return out | {k: float(getattr(self, k)) for k in BOUNDS if getattr(self, k) is not None}

    @property
    def central(self) -> float:
        """Mean (mode of a triangular, midpoint of a uniform, the value when fixed)."""
        return central_value(self.dist, self.params)

    def to_dict(self) -> Any:
        """A number when fixed, else ``{dist: ..., <params>}``."""
        if self.dist == "fixed":
            return self.params["value"]
        return {"dist": self.dist, **self.params}


#: Drivers (by their last name part) that count or price something: never negative.
NON_NEGATIVE_DRIVERS = frozenset({
    "start_cash", "start_users", "marketing_monthly", "cac", "arppu_monthly",
    "tokens_per_user_day", "cost_per_m_tokens", "contracts_per_month", "contract_value",
    "tokens_per_month", "price_per_m", "backlog_value_monthly", "opening_receivables",
    "opening_payables", "training_compute_monthly", "other_sm_monthly",
    "lease_payments_monthly", "compute_commitment_months"})


def driver_range(name: str) -> tuple[float, float, str] | None:
    """(low, high, what) a driver's values must lie in, from its name; None: any number.

    Shares and rates of a whole are fractions 0-1; monthly growth and decline rates lie in
    -1 to 1 (-100% to +100% a month), annual growth in -1 to 100 and annual declines in -100
    to 1 (a decline past 100% a year would make a cost negative: (1 - 1.5) ** (t / 12) is
    no number), so that compounding over the longest horizon stays far from overflow;
    counts, amounts and prices are >= 0; a CAC (a divisor) at least 0.01.

    >>> driver_range("api.paying_rate")
    (0.0, 1.0, 'a share from 0 to 1')
    >>> driver_range("c2c.start_users")[:2]
    (0.0, inf)
    """
    last = name.rsplit(".", 1)[-1]
    if any(c in last for c in "*?["):
        return None
    if last == "utilisation":  # a divisor of the serving cost
        return 0.01, 1.0, "a share from 0.01 to 1 (a fleet busy 1% of the time or more)"
    if last == "cac":  # a divisor: users acquired = marketing / CAC
        return 0.01, math.inf, ("an amount of at least 0.01 (users acquired = marketing / "
                                "CAC: a CAC of 0 buys infinitely many)")
    if last == "payer_base_tenure_months":  # the ages of the opening payers
        return 1.0, 600.0, "a whole number of months from 1 to 600"
    if last == "payer_usage_multiple":  # as the assumptions take it
        return 0.01, 1000.0, "a multiple from 0.01 to 1,000 (a payer's tokens / a free user's)"
    if last == "interest_rate_on_cash_annual":
        return 0.0, 1.0, "an annual rate from 0 to 1 (0% to 100%)"
    if last.endswith("_share") or last in ("paying_rate", "user_churn_monthly"):
        return 0.0, 1.0, "a share from 0 to 1"
    if last == "backlog_growth_annual":  # divides the value signed before the start
        return -0.9, 100.0, "an annual rate from -0.9 to 100 (-90% to +10,000%)"
    if last.endswith(("_growth_monthly", "_decline_monthly")):
        return -1.0, 1.0, "a monthly rate from -1 to 1 (-100% to +100%)"
    if last.endswith("_decline_annual"):  # cost x (1 - decline) a year: 1 is to nothing
        return -100.0, 1.0, ("an annual decline from -100 to 1 (a rise of 10,000% to a fall "
                             "of 100%)")
    if last.endswith("_growth_annual"):
        return -1.0, 100.0, "an annual rate from -1 to 100 (-100% to +10,000%)"
    if last in NON_NEGATIVE_DRIVERS:
        return 0.0, math.inf, "a number >= 0"
    return None


def _shown(x: float) -> str:
    """``x`` short (``:g``) where that is exact, else in full."""
    return f"{x:g}" if float(f"{x:g}") == x else repr(x)


#: What to use instead of a distribution whose tails leave a driver's range.
_INSTEAD = {"normal": "lognormal (positive), triangular or uniform",
            "lognormal": "triangular or uniform"}


def _tail_share(dist: str, p: Mapping[str, float], low: float, high: float) -> float | None:
    """The larger share of draws of a normal or lognormal (mean, sd) below ``low`` or above
    ``high``; None for other distributions or no spread. A lognormal's log is normal:
    sigma^2 = ln(1 + (sd / mean)^2), mu = ln(mean) - sigma^2 / 2."""
    from llmecon.formulas import normal_cdf

    if dist == "normal" and p["sd"] > 0:
        return float(max(normal_cdf((low - p["mean"]) / p["sd"]),
                         normal_cdf((p["mean"] - high) / p["sd"])))
    if dist == "lognormal" and p["sd"] > 0 and p["mean"] > 0:
        sigma = math.sqrt(math.log1p((p["sd"] / p["mean"]) ** 2))
        mu = math.log(p["mean"]) - sigma * sigma / 2
        below = normal_cdf((math.log(low) - mu) / sigma) if low > 0 else 0.0
        above = 1.0 - normal_cdf((math.log(high) - mu) / sigma) if math.isfinite(high) \
            else 0.0
        return float(max(below, above))
    return None


def driver_range_problem(name: str, d: DistConfig) -> str | None:
    """What is wrong with distribution ``d`` of driver ``name`` (None: nothing): its values
    (a fixed value, the ends of a uniform or triangular, the mean of a normal, lognormal or
    beta) must lie in :func:`driver_range`, and a spread may not exceed that range."""
    rule = driver_range(name)
    if rule is None:
        return None
    low, high, what = rule
    p = d.params
    ends = [(k, p[k]) for k in ("value", "low", "high", "mean", *BOUNDS) if k in p]
    bad = [(k, x) for k, x in ends if not low <= x <= high]
    if bad:  # named as given: -0.9999999999 once read "found -1", in range
        key = "" if bad[0][0] == "value" else f"{bad[0][0]}: "
        return f"{key}expected {what}, found {_shown(bad[0][1])}"
    if fractional := [x for _, x in ends if x != int(x)] if name.endswith("_months") else []:
        return f"expected a whole number of months, found {_shown(fractional[0])}"
    if "sd" in p and p["sd"] > high - low:
        return f"sd: expected at most {high - low:g} for {what}, found {p['sd']:g}"
    outside = _tail_share(d.dist, p, low, high)
    if outside is not None and outside > 0.01:
        # a normal or lognormal reaches past the range's ends: refuse one that would on more
        # than 1% of paths (a start_cash of mean 1bn, sd 2bn was negative on 31% of them)
        return (f"a {d.dist} with mean {p['mean']:g} and sd {p['sd']:g} draws outside "
                f"{what} on {outside:.1%} of paths; use a smaller sd or a "
                f"{_INSTEAD[d.dist]} distribution")
    return None


def central_value(kind: str, params: Mapping[str, float]) -> float:
    """The value a deterministic projection uses for a distribution of ``kind``: its mean,
    the mode of a triangular, the midpoint of a uniform, the value when fixed.

    >>> central_value("uniform", {"low": 1.0, "high": 3.0})
    2.0
    """
    if kind == "fixed":
        return params["value"]
    if kind == "triangular":
        v = params["mode"]
    elif kind == "uniform":
        v = (params["low"] + params["high"]) / 2
    else:
        v = params["mean"]
    return min(max(v, params.get("at_least", -math.inf)), params.get("at_most", math.inf))


def parse_dist(spec: Any, source: str) -> DistConfig:
    """One distribution from plain data (a number or a mapping); errors name ``source``."""
    return parse_config(DistConfig, spec, source)


class CompanyFinancingConfig(ConfigModel):
    """Financing and cash assumptions of one company (see ``data/financing.yaml``)."""

    cash_interest_rate_annual: Share = 0.0
    ipo_fee_share: float = Field(default=0.0402, ge=0, lt=1)
    borrowings_interest_rate_annual: Share = 0.03
    borrowings_repay_after_months: int = Field(default=12, ge=0)
    facility_draw_share: Share = 0.5
    facility_draw_month: int = Field(default=12, ge=0)
    facility_interest_rate_annual: Share = 0.03
    facility_repay_after_months: int = Field(default=36, ge=0)
    follow_on_share_of_cash: NonNegative = 0.5
    follow_on_month: int = Field(default=24, ge=0)
    follow_on_fee_share: float = Field(default=0.04, ge=0, lt=1)
    lease_term_months: int = Field(default=36, ge=1)
    foreign_currency: str = ""
    foreign_cost_share: Share = 0.0
    foreign_cash_share: Share = 0.0


class FinancingAssumptions(ConfigModel):
    """``default`` assumptions, and per company the keys that differ from them."""

    default: CompanyFinancingConfig = Field(default_factory=CompanyFinancingConfig)
    companies: dict[str, dict[str, Any]] = Field(default_factory=dict)

    def for_company(self, company_id: str, source: str = "financing assumptions"
                    ) -> CompanyFinancingConfig:
        """The default assumptions with the company's own keys over them."""
        merged = {**self.default.model_dump(), **self.companies.get(company_id, {})}
        return parse_config(CompanyFinancingConfig, merged, f"{source}: companies.{company_id}")


class ComputeConfig(ConfigModel):
    """How a company holds its compute (see ``data/compute.yaml``): shares of owned GPUs,
    committed-capacity contracts (a fixed price for ``commitment_months``) and GPU-hours
    rented at market prices. Rented capacity follows the GPU price at once, committed
    capacity when its contracts renew, owned capacity through the price of new GPUs
    (capex)."""

    owned_share: Share = 0.0
    committed_share: Share = 0.0
    rented_share: Share = 1.0
    commitment_months: int = Field(default=12, ge=0)

    @model_validator(mode="after")
    def _sum(self) -> ComputeConfig:
        total = self.owned_share + self.committed_share + self.rented_share
        if abs(total - 1.0) > 1e-9:
            raise ValueError("owned_share + committed_share + rented_share: expected 1, "
                             f"found {total:g}")
        return self


class ComputeAssumptions(ConfigModel):
    """``default`` compute mix and one per company."""

    default: ComputeConfig = Field(default_factory=ComputeConfig)
    companies: dict[str, ComputeConfig] = Field(default_factory=dict)
