"""The scenario file: drivers and their distributions, financing, regimes, correlations,
shocks and the horizon, validated on construction.

A user's scenario YAML (``llmecon simulate COMPANY --scenario my.yaml``) is a
:class:`ScenarioConfig`; every key is optional and overrides the calibrated base scenario.
Errors name the file, the field, what was expected and what was found::

    s.yaml: horizon_months: expected a whole number 1-240, found True
    s.yaml: drivers.start_cash: expected a finite number, found nan

>>> cfg = parse_config(ScenarioConfig, {"horizon_months": 12,
...                                     "drivers": {"x": 3, "y": {"dist": "uniform",
...                                                               "low": 0, "high": 1}}}, "s")
>>> cfg.drivers["y"].central
0.5

A driver's distribution (:class:`DistConfig`) and the calibration's assumption files are
defined in :mod:`llmecon.config.calibration` and re-exported here.
"""

from __future__ import annotations

from datetime import date as Date
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from llmecon.config.base import ConfigModel, parse_config
from llmecon.config.calibration import (
    DIST_PARAMS,
    FINANCING_CHOICES,
    NON_NEGATIVE_DRIVERS,
    CompanyFinancingConfig,
    ComputeAssumptions,
    ComputeConfig,
    DistConfig,
    DistKind,
    FinancingAssumptions,
    FinancingChoice,
    NonNegative,
    Share,
    driver_range,
    driver_range_problem,
    parse_dist,
)
from llmecon.constants import MAX_HORIZON_MONTHS

__all__ = ["DIST_PARAMS", "FINANCING_CHOICES", "NON_NEGATIVE_DRIVERS", "CompanyFinancingConfig",
           "ComputeAssumptions", "ComputeConfig", "DistConfig", "DistKind",
           "FinancingAssumptions", "FinancingChoice", "FinancingEventConfig", "FinancingKind",
           "LineConfig", "LineKind", "NoiseConfig", "NonNegative", "RegimeConfig",
           "ScenarioConfig", "Share", "ShockConfig", "StressChange", "StressPreset",
           "driver_range", "driver_range_problem", "parse_config", "parse_dist"]

LineKind = Literal["c2c", "b2b", "api"]
FinancingKind = Literal["ipo", "equity", "bank_facility", "debt", "other"]


#: A multiplier (seasonality, a shock, a regime): 0 to 1,000 (a shock of 10^18 gave cash of
#: 10^26, past every amount the engine checks).
Factor = Annotated[float, Field(ge=0, le=1_000)]

class LineConfig(ConfigModel):
    """A business line: its kind and timing.

    ``extra_delay_months``: revenue billed in ``extra_delay_window_months`` months from
    ``extra_delay_start_month`` (0 months: to the horizon) is collected this many months
    after the ``collection_delay_months`` (a budget freeze); billing outside the window is
    collected on the normal delay.
    """

    name: str
    kind: LineKind
    delivery_months: int = Field(default=6, ge=1, le=MAX_HORIZON_MONTHS)
    collection_delay_months: int | None = Field(default=None, ge=0, le=MAX_HORIZON_MONTHS)
    seasonality: tuple[Factor, Factor, Factor, Factor] = (1.0, 1.0, 1.0,
                                                                              1.0)
    extra_delay_months: int = Field(default=0, ge=0, le=MAX_HORIZON_MONTHS)
    extra_delay_start_month: int = Field(default=0, ge=0, le=MAX_HORIZON_MONTHS)
    extra_delay_window_months: int = Field(default=0, ge=0, le=MAX_HORIZON_MONTHS)


class FinancingEventConfig(ConfigModel):
    """A financing event: money in at a date, with its cost and repayment.

    ``month`` counts projected months (0 = the first month after the period end); ``date``
    is an alternative (the event lands in the calendar month of the date). ``amount`` is
    gross, in the scenario's currency; ``fee_share`` of it is paid at once (IPO fees);
    debt pays ``annual_interest_rate`` on its principal in each month it is outstanding and
    is repaid in one payment ``repay_after_months`` after the draw (absent: never repaid,
    e.g. equity). ``already_received: true`` marks debt drawn before the start (its cash is
    in the starting cash; only interest and repayment move cash).
    ``in_foreign_currency: true`` (default false): the money comes in the scenario's other
    currency (``foreign_currency`` of data/financing.yaml) or one pegged to it; ``amount``
    is its value at the calibration's rate, and the projection converts it at the month's
    ``fx_index`` and holds it as foreign cash, revalued as the index moves (calibration
    sets it for an IPO in such a currency: Zhipu's HK dollar proceeds).
    """

    label: str = "financing"
    kind: FinancingKind = "other"
    amount: float = Field(gt=0)
    month: int | None = Field(default=None, ge=0)
    date: Date | None = None
    committed: bool = False
    fee_share: float = Field(default=0.0, ge=0, lt=1)
    annual_interest_rate: float = Field(default=0.0, ge=0, le=1)
    repay_after_months: int | None = Field(default=None, ge=0)
    already_received: bool = False
    source: str = ""
    in_foreign_currency: bool = False

    @model_validator(mode="after")
    def _when(self) -> FinancingEventConfig:
        if (self.month is None) == (self.date is None):
            raise ValueError("expected exactly one of month (months after the period end) "
                             "or date")
        if self.already_received and self.month not in (None, 0):  # a hostile-input audit
            raise ValueError(f"already_received: true marks money in the starting cash, "
                             f"drawn before the start: expected month 0, found {self.month}")
        if self.already_received and not self.annual_interest_rate \
                and self.repay_after_months is None:
            raise ValueError("already_received: true with no annual_interest_rate and no "
                             "repay_after_months moves no cash (the amount is in the "
                             "starting cash already)")
        return self


class RegimeConfig(ConfigModel):
    """An event with a yearly probability and a duration that multiplies drivers."""

    name: str
    probability_per_year: Share
    duration_months: int = Field(ge=1)
    multipliers: dict[str, Factor]


class ShockConfig(ConfigModel):
    """A multiplier on a driver from ``start_month`` for ``months`` months (0: to the end);
    ``only: lower`` (``higher``) applies it on the paths where it lowers (raises) the
    driver's drawn value and nowhere else."""

    driver: str
    multiplier: Factor
    start_month: int = Field(default=0, ge=0)
    months: int = Field(default=0, ge=0)
    only: Literal["lower", "higher"] | None = None


Rho = Annotated[float, Field(gt=-1, lt=1)]


class NoiseConfig(ConfigModel):
    """Month-to-month volatility: a lognormal AR(1) on the drivers matching ``driver``."""

    driver: str
    sd_monthly: float = Field(ge=0, le=1)
    autocorrelation: float = Field(ge=0, le=1)


class ScenarioConfig(ConfigModel):
    """A scenario file. Every key is optional; what is given overrides the base scenario.

    ``payables_months``: operating costs are paid this many months after they are incurred
    (0: as incurred). ``financing_included`` chooses which financing events count:
    ``committed`` (the default: cash, short-term investments and committed money only),
    ``all`` (also uncommitted facilities and raises) or ``none``.
    """

    company: str | None = None
    currency: str | None = None
    start: Date | None = None
    horizon_months: int | None = None
    lines: list[LineConfig] | None = None
    drivers: dict[str, DistConfig] = Field(default_factory=dict)
    financing: list[FinancingEventConfig] | None = None
    financing_included: FinancingChoice | None = None
    regimes: list[RegimeConfig] | None = None
    correlations: list[tuple[str, str, Rho]] | None = None
    shocks: list[ShockConfig] | None = None
    stresses: list[str] | None = None
    noise: list[NoiseConfig] | None = None
    payables_months: int | None = Field(default=None, ge=0, le=24)

    @field_validator("drivers")
    @classmethod
    def _driver_ranges(cls, v: dict[str, DistConfig]) -> dict[str, DistConfig]:
        for name, d in v.items():
            problem = driver_range_problem(name, d)
            if problem:
                raise ValueError(f"{name}: {problem}")
        return v

    @field_validator("noise")
    @classmethod
    def _noise_once_per_driver(cls, v: list[NoiseConfig] | None) -> list[NoiseConfig] | None:
        names = [n.driver for n in v or ()]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:  # two processes on one pattern compound: give one with the spread meant
            raise ValueError(f"{twice[0]!r} has two noise processes; give it one")
        return v

    @field_validator("lines")
    @classmethod
    def _lines_named_once(cls, v: list[LineConfig] | None) -> list[LineConfig] | None:
        if v is not None:
            names = [ln.name for ln in v]
            twice = sorted({n for n in names if names.count(n) > 1})
            if not names or twice:
                raise ValueError("expected at least one line, each name once, found "
                                 + (f"{twice[0]!r} twice" if twice else "none"))
        return v

    @field_validator("horizon_months", mode="before")
    @classmethod
    def _horizon(cls, v: Any) -> Any:
        if v is None:
            return v
        if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= MAX_HORIZON_MONTHS:
            raise ValueError(f"expected a whole number 1-{MAX_HORIZON_MONTHS}, found {v!r}")
        return v

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["drivers"] = {k: v.to_dict() for k, v in self.drivers.items()}
        return out


class StressChange(ConfigModel):
    """``set``: a driver (pattern) fixed at ``value``; ``add``: ``value`` added to it.
    ``start_month`` and ``months`` (0: to the horizon) say the billing months an added
    ``*.collection_delay_extra_months`` applies to (the default: all of them); no other
    change takes them. ``only`` (``set``): ``higher`` sets the driver to at least ``value``
    (a base above it is kept, draw by draw), ``lower`` to at most ``value``."""

    driver: str
    value: float
    start_month: int = Field(default=0, ge=0)
    months: int = Field(default=0, ge=0)
    only: Literal["lower", "higher"] | None = None

    @model_validator(mode="after")
    def _window_for_the_delay_only(self) -> StressChange:
        timed = self.driver.split(".")[-1] == "collection_delay_extra_months"
        if not timed and (self.start_month or self.months):
            raise ValueError(f"{self.driver}: start_month and months apply to "
                             "*.collection_delay_extra_months only")
        return self


class StressPreset(ConfigModel):
    """A stress preset of ``data/stress.yaml``: what it changes and how it should move the
    results (``expect``, for every company; ``expect_by_company``, for the company named,
    over ``expect``), measured against the base case counting ``compare_with`` financing."""

    description: str
    shocks: list[ShockConfig] = Field(default_factory=list)
    set_: list[StressChange] = Field(default_factory=list, alias="set")
    add: list[StressChange] = Field(default_factory=list)
    financing_included: FinancingChoice | None = None
    drop_uncommitted_financing: bool = False
    withdraw_credit: bool = False
    compare_with: FinancingChoice = "committed"
    expect: dict[str, Literal["lower", "higher"]] = Field(default_factory=dict)
    expect_by_company: dict[str, dict[str, Literal["lower", "higher"]]] = Field(
        default_factory=dict)

    def expected(self, company: str) -> dict[str, str]:
        """How the preset should move ``company``'s results."""
        return {**self.expect, **self.expect_by_company.get(company, {})}
