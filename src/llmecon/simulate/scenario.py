"""Scenarios: the drivers of a projection, their uncertainty, financing and stresses.

:func:`~llmecon.simulate.calibrate.base_scenario` calibrates a scenario from a company's
latest disclosed period; :func:`load_scenario` merges a user's YAML (a
:class:`~llmecon.config.scenario.ScenarioConfig`) over it, refusing unknown drivers with the
closest names; :func:`apply_stresses` applies the presets of ``data/stress.yaml``.
``llmecon scenario show COMPANY`` prints it with where every value comes from.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmecon.config.base import load_config, parse_config
from llmecon.config.calibration import FINANCING_CHOICES, driver_range_problem
from llmecon.constants import MAX_MAGNITUDE
from llmecon.errors import InputError, NotFoundError, did_you_mean
from llmecon.simulate.distributions import Dist, Regime, correlation_factor
from llmecon.simulate.events import Financing as Financing
from llmecon.simulate.events import financing_event as financing_event
from llmecon.simulate.events import months_before_start
from llmecon.simulate.movable import TIME_INDICES, refuse_fixed, zero_divisor
from llmecon.simulate.preset_checks import (
    FOREIGN_SHARES,
    holds_change,
    in_range,
    later,
    preset_set,
    repeated_stress,
    unknown_stress,
)

if TYPE_CHECKING:  # the scenario file's models are built only when a file or preset is read
    from llmecon.config.scenario import (
        LineConfig,
        RegimeConfig,
        ScenarioConfig,
        ShockConfig,
        StressPreset,
    )

#: The drivers (``<line>.<name>``) a line of each kind needs in a projection.
LINE_DRIVERS = {
    "c2c": ("start_users", "marketing_monthly", "cac", "user_churn_monthly", "paying_rate",
            "arppu_monthly", "tokens_per_user_day", "cost_per_m_tokens", "other_cor_share"),
    "b2b": ("contracts_per_month", "contract_growth_annual", "contract_value",
            "delivery_cost_share", "advance_share", "sm_elasticity"),
    "api": ("tokens_per_month", "volume_growth_monthly", "price_per_m", "price_decline_monthly",
            "cost_per_m_tokens", "utilisation"),
}
GLOBAL_DRIVERS = ("start_cash", "inference_cost_decline_annual", "training_compute_monthly",
                  "training_compute_growth_annual", "other_opex_monthly", "opex_growth_annual",
                  "other_sm_monthly")
#: Drivers the engine reads when present (absent: zero, or the kind's default).
OPTIONAL_LINE_DRIVERS = {
    "c2c": ("arppu_growth_annual", "paying_rate_growth_annual", "opening_receivables",
            "payer_sbg_alpha", "payer_sbg_beta", "payer_base_tenure_months",
            "payer_usage_multiple", "organic_acquisition_share"),
    "b2b": ("backlog_value_monthly", "backlog_growth_annual", "delivery_compute_share",
            "opening_receivables"),
    "api": ("opening_receivables",),
}
OPTIONAL_GLOBAL_DRIVERS = ("interest_rate_on_cash_annual", "capex_monthly", "opening_payables",
                           "lease_payments_monthly", "unexplained_operating_monthly",
                           *FOREIGN_SHARES,
                           "compute_rented_share", "compute_committed_share",
                           "compute_commitment_months", "compute_owned_share")


#: A line's later collection of the billing in a window (a budget freeze), in order.
EXTRA_DELAY = ("extra_delay_months", "extra_delay_start_month", "extra_delay_window_months")


@dataclass(frozen=True)
class LineSpec:
    """A business line: its kind (c2c, b2b or api) and timing in months.
    ``collection_delay_months``: revenue to cash; ``None``: 3 for B2B projects, else 0.
    Revenue billed in ``extra_delay_window_months`` months (0: to the horizon) from
    ``extra_delay_start_month`` is collected ``extra_delay_months`` later still
    (:func:`llmecon.simulate.collection.due_months`)."""

    name: str
    kind: str  # c2c, b2b or api
    delivery_months: int = 6
    collection_delay_months: int | None = None
    seasonality: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)
    extra_delay_months: int = 0
    extra_delay_start_month: int = 0
    extra_delay_window_months: int = 0

    @property
    def delay_months(self) -> int:
        """The collection delay in months (the kind's default when not set)."""
        d = self.collection_delay_months
        return d if d is not None else 3 if self.kind == "b2b" else 0


@dataclass(frozen=True)
class Shock:
    """A multiplier on a driver from ``start_month`` for ``months`` months (0: to the end);
    ``only`` lower (higher): on the paths where it lowers (raises) the drawn value."""

    driver: str
    multiplier: float
    start_month: int
    months: int  # 0 = to the horizon
    only: str | None = None


@dataclass(frozen=True)
class Noise:
    """Month-to-month volatility of the drivers matching ``driver`` (a pattern): a lognormal
    AR(1) of monthly log-sd ``sd_monthly`` (:mod:`llmecon.simulate.noise`)."""

    driver: str
    sd_monthly: float
    autocorrelation: float


@dataclass(frozen=True)
class Scenario:
    """Everything a projection needs: lines, drivers (distributions), financing, regimes,
    correlations, shocks, and where each calibrated value comes from (``provenance``)."""

    company: str
    currency: str
    start: date
    horizon_months: int
    lines: tuple[LineSpec, ...]
    drivers: Mapping[str, Dist]
    financing: tuple[Financing, ...] = ()
    regimes: tuple[Regime, ...] = ()
    correlations: tuple[tuple[str, str, float], ...] = ()
    shocks: tuple[Shock, ...] = ()
    provenance: Mapping[str, str] = field(default_factory=dict)
    stresses: tuple[str, ...] = ()
    financing_included: str = "committed"
    noise: tuple[Noise, ...] = ()
    payables_months: int = 0

    def __post_init__(self) -> None:
        """Every driver parameter and financing amount is a finite number of at most
        :data:`~llmecon.constants.MAX_MAGNITUDE` in size, however the scenario was built: a
        NaN cash balance would compare false with zero and report "P(cash < 0) 0%"."""
        values = [(f"drivers.{n}.{k}", v) for n, d in self.drivers.items()
                  for k, v in d.params.items()]
        values += [(f"financing[{i}].amount", f.amount) for i, f in enumerate(self.financing)]
        for where, v in values:
            if not abs(v) <= MAX_MAGNITUDE:
                raise InputError(f"scenario {self.company}: {where}: expected a finite number "
                                 f"of at most {MAX_MAGNITUDE:g} in size, found {v!r}")

    def included_financing(self) -> tuple[Financing, ...]:
        """The events the projection counts: ``committed`` ones (the default), ``all``, or
        under ``none`` only the obligations of debt drawn before the start."""
        mode = self.financing_included
        return tuple(f for f in self.financing if mode == "all" or f.already_received
                     or (mode == "committed" and f.committed))

    def with_financing(self, included: str) -> Scenario:
        """The scenario counting ``committed``, ``all`` or ``none`` of its financing."""
        if included not in FINANCING_CHOICES:
            raise InputError(f"financing: expected one of {', '.join(FINANCING_CHOICES)}, "
                             f"found {included!r}")
        return replace(self, financing_included=included)

    def __repr__(self) -> str:
        lines = ", ".join(f"{ln.name} ({ln.kind})" for ln in self.lines)
        fin = "; ".join(f"{f.label}: {f.net_amount:,.0f} month {f.month}"
                        f"{'' if f.committed else ' (uncommitted)'}" for f in self.financing)
        uncertain = sum(not d.degenerate for d in self.drivers.values())
        stress = f", stresses {'+'.join(self.stresses)}" if self.stresses else ""
        return (f"Scenario({self.company}, {self.currency}, from {self.start}, "
                f"{self.horizon_months} months, lines: {lines or 'none'}, "
                f"{len(self.drivers)} drivers ({uncertain} uncertain), "
                f"financing ({self.financing_included} included): {fin or 'none'}{stress})")

    def central(self, name: str) -> float:
        return self.drivers[name].central

    def line_drivers(self, line: LineSpec) -> list[str]:
        return [f"{line.name}.{d}" for d in LINE_DRIVERS[line.kind]]

    def deterministic(self) -> Scenario:
        """The same scenario with every distribution at its central value, no regimes and
        no month-to-month noise."""
        return replace(self, drivers={k: Dist("fixed", {"value": v.central})
                                      for k, v in self.drivers.items()}, regimes=(), noise=())

    def to_config(self) -> ScenarioConfig:
        """The scenario as a scenario file (provenance aside)."""
        from llmecon.config.scenario import ScenarioConfig

        return parse_config(ScenarioConfig, self.to_dict(), f"scenario {self.company}")

    def to_dict(self) -> dict[str, Any]:
        def dist(d: Dist) -> Any:
            return d.params["value"] if d.kind == "fixed" else {"dist": d.kind, **d.params}

        return {
            "company": self.company, "currency": self.currency, "start": str(self.start),
            "horizon_months": self.horizon_months,
            "lines": [{"name": ln.name, "kind": ln.kind, "delivery_months": ln.delivery_months,
                       "collection_delay_months": ln.collection_delay_months,
                       "seasonality": list(ln.seasonality),
                       **{k: getattr(ln, k) for k in EXTRA_DELAY}} for ln in self.lines],
            "drivers": {k: dist(v) for k, v in self.drivers.items()},
            "financing": [dict(f.__dict__) for f in self.financing],
            "regimes": [{"name": r.name, "probability_per_year": r.probability_per_year,
                         "duration_months": r.duration_months,
                         "multipliers": dict(r.multipliers)} for r in self.regimes],
            "correlations": [list(c) for c in self.correlations],
            "shocks": [dict(s.__dict__) for s in self.shocks],
            "stresses": list(self.stresses),
            "financing_included": self.financing_included,
            "noise": [dict(n.__dict__) for n in self.noise],
            "payables_months": self.payables_months,
        }


# ---------------------------------------------------------------- user files
def _match(pattern: str, names: Sequence[str], where: str, moving: bool = False) -> list[str]:
    got = [n for n in names if fnmatch.fnmatchcase(n, pattern)]
    if not got:
        hint = did_you_mean(pattern, names)
        hint = f"; {hint}" if hint else ""
        if pattern.endswith(("collection_delay_months", "collection_delay_extra_months")):
            hint = ("; a collection delay is a line's setting, not a driver: under lines, "
                    "collection_delay_months, or extra_delay_months from "
                    "extra_delay_start_month for extra_delay_window_months")
        raise InputError(f"{where}: unknown driver {pattern!r}{hint}")
    if moving:  # a shock, regime or noise: each must be read month by month
        refuse_fixed(got, where, pattern)
    return got


def load_scenario(base: Scenario, path: str | Path) -> Scenario:
    """Merge a user's scenario YAML over ``base``: horizon, drivers (numbers or
    distributions), financing, regimes, correlations, shocks."""
    from llmecon.config.scenario import ScenarioConfig

    p = Path(path)
    cfg = load_config(ScenarioConfig, p, "scenario")
    if not cfg.model_fields_set:
        raise InputError(f"{p}: the scenario file is empty; expected keys such as drivers, "
                         "financing or horizon_months")
    return merge_scenario(base, cfg, str(p))


def _check_identity(base: Scenario, cfg: ScenarioConfig, where: str) -> None:
    """A scenario file's company, currency, start and stresses describe the scenario it was
    written from: they must match ``base`` (amounts are not converted) and name known
    presets."""
    given = {"company": (cfg.company, base.company), "currency": (cfg.currency, base.currency),
             "start": (cfg.start, base.start)}
    for key, (found, expected) in given.items():
        if found is not None and found != expected:
            raise InputError(f"{where}: {key}: expected {expected} (the calibrated scenario's; "
                             f"a scenario file cannot change it), found {str(found)!r}")
    unknown = [n for n in cfg.stresses or () if n not in stress_presets()]
    if unknown:
        raise InputError(f"{where}: stresses: {unknown_stress(unknown[0], stress_presets())}"
                         " (apply them with --stress)")


def merge_scenario(base: Scenario, cfg: ScenarioConfig, where: str) -> Scenario:
    """``base`` with what ``cfg`` sets; driver names (patterns) must exist in ``base``."""
    _check_identity(base, cfg, where)
    s = base if cfg.horizon_months is None else replace(base, horizon_months=cfg.horizon_months)
    if cfg.lines is not None:
        s = replace(s, lines=tuple(_line(x) for x in cfg.lines))
    drivers, prov = dict(s.drivers), dict(s.provenance)
    for name, spec in cfg.drivers.items():
        for target in _match(name, list(drivers), f"{where}: drivers"):
            if problem := driver_range_problem(target, spec):  # 'open_platform.*: 0' too
                raise InputError(f"{where}: drivers: {name} ({target}): {problem}")
            drivers[target] = Dist(spec.dist, spec.params)
            prov[target] = f"scenario file {Path(where).name}"
    s = replace(s, drivers=drivers, provenance=prov)
    if cfg.financing is not None:
        s = replace(s, financing=tuple(financing_event(f, s.start) for f in cfg.financing))
    if cfg.financing_included is not None:
        s = s.with_financing(cfg.financing_included)
    if cfg.payables_months is not None:
        s = replace(s, payables_months=cfg.payables_months)
    if cfg.noise is not None:
        names = [*drivers, *TIME_INDICES]
        for i, n in enumerate(cfg.noise):
            _match(n.driver, names, f"{where}: noise[{i}]", moving=True)
        s = replace(s, noise=tuple(Noise(n.driver, n.sd_monthly, n.autocorrelation)
                                   for n in cfg.noise))
    if cfg.regimes is not None:
        s = replace(s, regimes=tuple(_regime(g, list(drivers), f"{where}: regimes[{i}]")
                                     for i, g in enumerate(cfg.regimes)))
    if cfg.correlations is not None:
        s = replace(s, correlations=_correlations(cfg.correlations, drivers, where))
    if cfg.shocks is not None:
        s = replace(s, shocks=s.shocks + tuple(_shocks(cfg.shocks, s, where)))
    if cfg.stresses:  # a record of the presets the file's changes hold (scenario show)
        _check_recorded_stresses(base, cfg, where)
        s = replace(s, stresses=tuple(cfg.stresses))
    _check_merged(s, cfg, where, base.financing)
    return s


def _check_merged(s: Scenario, cfg: ScenarioConfig, where: str,
                  base_financing: Sequence[Financing]) -> None:
    """What a scenario file may not leave behind: a line without its drivers, financing (not
    calibrated) or shocks outside the horizon, compute shares that do not sum to 1."""
    for ln in s.lines if cfg.lines is not None else ():
        missing = [d for d in LINE_DRIVERS[ln.kind] if f"{ln.name}.{d}" not in s.drivers]
        if missing:
            raise InputError(f"{where}: lines: {ln.name} ({ln.kind}) needs the drivers "
                             f"{', '.join(ln.name + '.' + d for d in missing)}; give them "
                             "under drivers")
    for i, f in enumerate(cfg.financing or ()):  # the calibrated events may lie beyond
        first = (f.date is not None and not f.already_received
                 and (f.date.year, f.date.month) <= (s.start.year, s.start.month))
        month = financing_event(f, s.start).month
        if f.already_received and month:  # a date got past the file check's month 0
            raise InputError(f"{where}: financing[{i}] ({f.label}): already_received: true "
                             f"is money in the opening cash: expected a date by {s.start}")
        if f.already_received and f.repay_after_months is not None and \
                months_before_start(f, s.start) > f.repay_after_months:
            raise InputError(f"{where}: financing[{i}] ({f.label}): drawn {f.date} and repaid "
                             f"{f.repay_after_months} months later, before the projection "
                             f"starts ({s.start}): leave it out")
        if (first or month >= s.horizon_months) and financing_event(f, s.start) \
                not in base_financing:
            raise InputError(f"{where}: financing[{i}] ({f.label}): expected a month within "
                             f"the projection, after {s.start} and before month "
                             f"{s.horizon_months}, found {f.date or f'month {month}'}; money "
                             "received before the start is in the opening cash "
                             "(already_received: true)")
    for i, sh in enumerate(cfg.shocks or ()):
        if sh.start_month >= s.horizon_months:
            raise InputError(f"{where}: shocks[{i}]: start_month: expected a month before "
                             f"the horizon ({s.horizon_months}), found {sh.start_month}")
    shares = [s.drivers[f"compute_{k}_share"].central for k in ("rented", "committed", "owned")
              if f"compute_{k}_share" in s.drivers]
    if len(shares) == 3 and abs(sum(shares) - 1.0) > 1e-6:
        raise InputError(f"{where}: compute_rented_share + compute_committed_share + "
                         f"compute_owned_share: expected 1, found {sum(shares):g}")


def _correlations(items: Sequence[tuple[str, str, float]], drivers: Mapping[str, Dist],
                  where: str) -> tuple[tuple[str, str, float], ...]:
    """Each pair names two different uncertain drivers, once."""
    out: dict[frozenset[str], tuple[str, str, float]] = {}
    for i, (a, b, rho) in enumerate(items):
        w = f"{where}: correlations[{i}]"
        pair = []
        for pattern in (a, b):
            got = _match(pattern, list(drivers), w)
            if len(got) > 1:
                raise InputError(f"{w}: {pattern!r} matches {len(got)} drivers "
                                 f"({', '.join(got[:4])}); a correlation names one")
            if drivers[got[0]].kind == "fixed":
                raise InputError(f"{w}: {got[0]} is fixed; a correlation needs two uncertain "
                                 "drivers (give it a distribution)")
            pair.append(got[0])
        key = frozenset(pair)
        if len(key) == 1 or key in out:
            raise InputError(f"{w}: {pair[0]} and {pair[1]}: expected two different drivers, "
                             "each pair once")
        out[key] = (pair[0], pair[1], rho)
    try:  # contradictory pairs: refused here, not when a run starts
        correlation_factor(sorted({n for a, b, _ in out.values() for n in (a, b)}),
                           tuple(out.values()))
    except InputError as e:
        raise InputError(f"{where}: {e}") from None
    return tuple(out.values())


def _check_recorded_stresses(base: Scenario, cfg: ScenarioConfig, where: str) -> None:
    """``stresses`` in a scenario file records the presets its changes already hold (as
    ``scenario show --stress`` writes it): the shocks and drivers those presets give the
    base scenario must be in the file, so the label never claims what the numbers lack."""
    from llmecon.config.scenario import StressPreset
    names = list(cfg.stresses or ())
    stressed = apply_stresses(base, names)
    given = {Shock(x.driver, x.multiplier, x.start_month, x.months, x.only)
             for x in cfg.shocks or ()}
    changed = {k: d for k, d in stressed.drivers.items() if base.drivers.get(k) != d}
    sets = [i for n in names for i in parse_config(StressPreset, stress_presets()[n], n).set_]
    held = set(stressed.shocks) - set(base.shocks) <= given and all(
        k in cfg.drivers and holds_change(Dist(cfg.drivers[k].dist, cfg.drivers[k].params), d,
                                          k, sets) for k, d in changed.items())
    if not held:
        raise InputError(f"{where}: stresses: {', '.join(names)} listed, but the file does not "
                         "hold their changes; the key records applied presets (scenario show "
                         "writes it); apply a preset with --stress")


def _line(cfg: LineConfig) -> LineSpec:
    return LineSpec(cfg.name, cfg.kind, cfg.delivery_months, cfg.collection_delay_months,
                    cfg.seasonality, *(getattr(cfg, k) for k in EXTRA_DELAY))


def _regime(g: RegimeConfig, names: list[str], where: str) -> Regime:
    out: dict[str, float] = {}  # patterns expanded: the engine reads drivers by name
    for k, m in g.multipliers.items():
        targets = _match(k, names, where, moving=True)
        if problem := zero_divisor(targets, m):
            raise InputError(f"{where}: multipliers: {k}: {problem}")
        for t in targets:
            out[t] = out.get(t, 1.0) * m
    return Regime(g.name, g.probability_per_year, g.duration_months, out)


def _shocks(items: Sequence[ShockConfig], s: Scenario, where: str) -> list[Shock]:
    out = []
    names = [*s.drivers, *TIME_INDICES]
    for i, sh in enumerate(items):
        targets = _match(sh.driver, names, f"{where}: shocks[{i}]", moving=True)
        if sh.multiplier <= 0 and (index := [t for t in targets if t in TIME_INDICES]):
            raise InputError(f"{where}: shocks[{i}]: multiplier: expected > 0 for {index[0]} "
                             f"(a price index or exchange rate of 0 means nothing), found "
                             f"{sh.multiplier:g}")
        if problem := zero_divisor(targets, sh.multiplier):
            raise InputError(f"{where}: shocks[{i}]: multiplier: {problem}")
        if sh.only and (index := [t for t in targets if t in TIME_INDICES]):
            raise InputError(f"{where}: shocks[{i}]: only: expected a driver's drawn value, "
                             f"found {index[0]}, an index over time")
        out += [Shock(t, sh.multiplier, sh.start_month, sh.months, sh.only) for t in targets]
    return out


# ---------------------------------------------------------------- stresses
def stress_presets() -> dict[str, Any]:
    from llmecon.yamlfile import parse_yaml

    text = resources.files("llmecon").joinpath("data/stress.yaml").read_text(encoding="utf-8")
    return parse_yaml(text, "data/stress.yaml")["presets"]  # type: ignore[no-any-return]


def check_stress_names(names: Sequence[str]) -> dict[str, Any]:
    """The presets, once ``names`` are known presets, each given once (else an error)."""
    presets = stress_presets()
    twice = repeated_stress(names)  # first: it refuses a lone name or a name not a str
    unknown = [n for n in names if n not in presets]
    if unknown:
        raise NotFoundError(unknown_stress(unknown[0], presets))
    if twice:
        raise InputError(twice)
    return presets


def apply_stresses(s: Scenario, names: Sequence[str]) -> Scenario:
    """The scenario with each named preset applied in turn (see ``data/stress.yaml``)."""
    if not names:
        return s
    from llmecon.config.scenario import StressPreset

    presets = check_stress_names(names)
    if again := [n for n in names if n in s.stresses]:  # a file written with --stress X
        raise InputError(f"stress {again[0]!r} is already in the scenario (its stresses: "
                         f"{', '.join(s.stresses)}); each preset applies once")
    for name in names:
        s = _apply_preset(s, name, parse_config(StressPreset, presets[name], f"stress {name}"))
    return s


def _apply_preset(s: Scenario, name: str, pre: StressPreset) -> Scenario:
    line_names = {ln.name for ln in s.lines}
    shocks = _shocks([sh for sh in pre.shocks if any(fnmatch.fnmatchcase(n, sh.driver) for n
                      in [*s.drivers, *TIME_INDICES])], s, f"stress {name}")
    drivers, prov = dict(s.drivers), dict(s.provenance)
    for item in pre.set_:
        for t in _match(item.driver, list(drivers), f"stress {name}"):
            drivers[t], prov[t] = preset_set(drivers[t], item, t, name, prov.get(t, "n/a"))
    lines = list(s.lines)
    for item in pre.add:
        if item.driver.split(".")[-1] == "collection_delay_extra_months":
            lines = [later(ln, item, name) if ln.kind == "b2b" else ln for ln in lines]
            continue
        for t in [n for n in drivers if fnmatch.fnmatchcase(n, item.driver)
                  and n.split(".")[0] in line_names]:
            try:  # every draw moves (a distribution was once left as it was, silently)
                shifted = drivers[t].shifted(item.value)
            except ValueError as e:
                raise InputError(f"stress {name}: {t}: the preset adds {item.value:g}: "
                                 f"{e}") from None
            drivers[t] = in_range(shifted, t, name, f"adds {item.value:g}")
            prov[t] = f"{prov.get(t, 'n/a')}; stress {name}: {item.value:+g}"
    financing = s.financing
    if pre.drop_uncommitted_financing:
        financing = tuple(f for f in financing if f.committed)
    if pre.withdraw_credit:
        financing = tuple(replace(f, repay_after_months=0) if f.already_received else f
                          for f in financing if f.kind != "bank_facility")
    out = replace(s, shocks=s.shocks + tuple(shocks), drivers=drivers, lines=tuple(lines),
                  financing=financing, stresses=(*s.stresses, name), provenance=prov)
    return out.with_financing(pre.financing_included) if pre.financing_included else out
