"""Scenarios: the drivers of a projection, their uncertainty, financing and stresses.

:func:`base_scenario` calibrates a scenario from a company's latest disclosed period and
the unit-economics assumptions; :func:`load_scenario` merges a user's YAML over it (unknown
drivers are refused with the closest names); :func:`apply_stresses` applies the presets of
``data/stress.yaml``. ``llmecon scenario show COMPANY`` prints the calibrated scenario with
where every value comes from.
"""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from llmecon.errors import InputError, NotFoundError
from llmecon.simulate.distributions import Dist, Regime
from llmecon.statements.model import Company

MAX_HORIZON = 240
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
TIME_INDICES = ("inference_cost_index",)


@dataclass(frozen=True)
class LineSpec:
    name: str
    kind: str  # c2c, b2b or api
    delivery_months: int = 6
    collection_delay_months: int = 3
    seasonality: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)


@dataclass(frozen=True)
class Financing:
    month: int
    amount: float
    label: str
    committed: bool


@dataclass(frozen=True)
class Shock:
    driver: str
    multiplier: float
    start_month: int
    months: int  # 0 = to the horizon


@dataclass(frozen=True)
class Scenario:
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

    def central(self, name: str) -> float:
        return self.drivers[name].central

    def line_drivers(self, line: LineSpec) -> list[str]:
        return [f"{line.name}.{d}" for d in LINE_DRIVERS[line.kind]]

    def deterministic(self) -> Scenario:
        """The same scenario with every distribution at its central value and no regimes."""
        return replace(self, drivers={k: Dist("fixed", {"value": v.central})
                                      for k, v in self.drivers.items()}, regimes=())

    def to_dict(self) -> dict[str, Any]:
        def dist(d: Dist) -> Any:
            return d.params["value"] if d.kind == "fixed" else {"dist": d.kind, **d.params}

        return {
            "company": self.company, "currency": self.currency, "start": str(self.start),
            "horizon_months": self.horizon_months,
            "lines": [{"name": ln.name, "kind": ln.kind, "delivery_months": ln.delivery_months,
                       "collection_delay_months": ln.collection_delay_months,
                       "seasonality": list(ln.seasonality)} for ln in self.lines],
            "drivers": {k: dist(v) for k, v in self.drivers.items()},
            "financing": [f.__dict__ for f in self.financing],
            "regimes": [{"name": r.name, "probability_per_year": r.probability_per_year,
                         "duration_months": r.duration_months,
                         "multipliers": dict(r.multipliers)} for r in self.regimes],
            "correlations": [list(c) for c in self.correlations],
            "shocks": [s.__dict__ for s in self.shocks],
            "stresses": list(self.stresses),
        }


# ---------------------------------------------------------------- calibration
def _months_between(a: date, b: date) -> int:
    return max(0, (b.year - a.year) * 12 + b.month - a.month)


def base_scenario(company: Company, assumptions: Mapping[str, Any] | None = None,
                  horizon_months: int = 36) -> Scenario:
    """A scenario calibrated from the company's latest period (see the provenance)."""
    from llmecon.metrics import signals as sig
    from llmecon.metrics.resolve import Resolver
    from llmecon.metrics.tables import select_period
    from llmecon.unit_economics.company import load_assumptions
    from llmecon.units import load_fx

    a = assumptions or load_assumptions()
    fx = load_fx()
    p = select_period(company)
    r = Resolver(company)
    ctx = sig.Context(company, fx)
    prov: dict[str, str] = {}
    drv: dict[str, Dist] = {}

    def put(name: str, value: float, how: str, dist: Dist | None = None) -> None:
        drv[name] = dist or Dist("fixed", {"value": float(value)})
        prov[name] = how

    def need(item: str, seg: str | None = None, label: str | None = None) -> float:
        v = r.get(item, label or p.label, seg)
        if not v.ok or v.value is None:
            raise InputError(f"{company.id}: cannot calibrate a scenario: {v.why}")
        return v.value

    def latest(item: str) -> tuple[float, str]:
        for q in sorted(company.duration_periods, key=lambda q: (q.end, q.months),
                        reverse=True):
            v = r.get(item, q.label)
            if v.ok and v.value is not None:
                return v.value / q.months, q.label
        raise InputError(f"{company.id}: cannot calibrate a scenario: {item} never disclosed")

    m = p.months
    cash = sig.cash_resources(ctx, p)
    if not cash.ok or cash.value is None:
        raise InputError(f"{company.id}: cannot calibrate a scenario: {cash.why}")
    put("start_cash", cash.value, f"derived: {cash.basis} at {p.end}")
    revenue = need("revenue")
    cor = need("cost_of_revenue")
    training = need("rd_compute_cost")
    put("training_compute_monthly", training / m, f"derived: compute in R&D {p.label} / {m}")
    sm_month, sm_label = latest("selling_marketing_expense")
    ocf = need("operating_cash_flow")
    other = (revenue - cor - training - sm_month * m - ocf) / m
    put("other_opex_monthly", max(other, 0.0),
        "derived: plug so the first month's operating cash flow matches the disclosed "
        f"{p.label} run-rate (revenue - cost of revenue - compute - S&M - OCF)")
    c2c = a["c2c"]
    c2c_lines = [ln for ln in company.lines if ln != company.platform_line
                 and company.business_model != "b2b_project"]
    marketing_share = c2c["sm_share_to_products"] if c2c_lines else 0.0
    put("other_sm_monthly", sm_month * (1 - marketing_share),
        f"derived: S&M {sm_label} per month x (1 - {marketing_share:.0%} product marketing)")
    sim = a.get("simulate", {})
    put("inference_cost_decline_annual", 0.0, "assumed", Dist.parse(
        sim.get("inference_cost_decline_annual", {"dist": "triangular", "low": 0.1,
                                                  "mode": 0.3, "high": 0.6}), "decline"))
    put("training_compute_growth_annual", 0.2, "assumed", Dist.parse(
        sim.get("training_compute_growth_annual", {"dist": "uniform", "low": 0.0,
                                                   "high": 0.4}), "training"))
    put("opex_growth_annual", 0.1, "assumed: headcount and loaded cost growth")

    engine_cost = _engine_cost_per_m(company, a, fx, p)
    lines: list[LineSpec] = []
    for line in company.lines:
        seg = f"line:{line}"
        rev_l = need("revenue", seg)
        gm_l = need("gross_margin", seg)
        if line == company.platform_line:
            lines.append(LineSpec(line, "api"))
            price = _list_price(company, a, fx, p)
            tokens = rev_l / m / price * 1e6
            put(f"{line}.price_per_m", price, "derived: catalog list price (assumed token mix)")
            put(f"{line}.tokens_per_month", tokens, "derived: line revenue per month / price")
            put(f"{line}.cost_per_m_tokens", engine_cost, "derived: inference engine")
            full_cost = tokens * engine_cost / 1e6
            util = min(full_cost / (rev_l / m * (1 - gm_l)), 1.0) if gm_l < 1 else 1.0
            put(f"{line}.utilisation", util, "derived: engine cost / disclosed line cost of "
                "revenue (the busy share that reproduces the disclosed margin)")
            put(f"{line}.volume_growth_monthly", 0.05, "assumed", Dist.parse(
                {"dist": "normal", "mean": 0.05, "sd": 0.02}, "growth"))
            put(f"{line}.price_decline_monthly", 0.02, "assumed")
        elif company.business_model == "b2b_project":
            b = a["b2b"]
            days = r.get("receivable_days", p.label)
            delay = round(days.value / (365.25 / 12)) if days.ok and days.value else 3
            lines.append(LineSpec(line, "b2b", delivery_months=int(b["delivery_months"]),
                                  collection_delay_months=delay,
                                  seasonality=(0.6, 0.9, 1.0, 1.5)))
            value = float(b["contract_value"])
            put(f"{line}.contract_value", value, "assumed: b2b.contract_value",
                Dist.parse({"dist": "lognormal", "mean": value, "sd": 0.2 * value}, "cv"))
            put(f"{line}.contracts_per_month", rev_l / m / value,
                "derived: line revenue per month / contract value")
            put(f"{line}.contract_growth_annual", 0.5, "assumed", Dist.parse(
                {"dist": "normal", "mean": 0.5, "sd": 0.2}, "growth"))
            put(f"{line}.delivery_cost_share", 1 - gm_l, "derived: 1 - disclosed line margin")
            sched = b["payment_schedule"]
            put(f"{line}.advance_share", float(sched[0][1]) if int(sched[0][0]) == 0 else 0.0,
                "assumed: b2b.payment_schedule (share paid at signing)")
            put(f"{line}.sm_elasticity", 0.5, "assumed: contracts won per unit of sales spend")
        else:
            lines.append(LineSpec(line, "c2c"))
            mau = need("mau", seg)
            payers = need("paying_users", seg)
            put(f"{line}.start_users", mau, "disclosed: average MAU of the line")
            put(f"{line}.paying_rate", payers / mau, "derived: paying users / MAU", Dist.parse(
                {"dist": "beta", "mean": payers / mau, "sd": 0.15 * payers / mau}, "rate"))
            arppu = rev_l / payers / m
            put(f"{line}.arppu_monthly", arppu, "derived: revenue / payers / months",
                Dist.parse({"dist": "lognormal", "mean": arppu, "sd": 0.15 * arppu}, "arppu"))
            churn = float(c2c["user_churn_monthly"])
            put(f"{line}.user_churn_monthly", churn, "assumed: c2c.user_churn_monthly")
            marketing = sm_month * marketing_share
            put(f"{line}.marketing_monthly", marketing,
                f"derived: S&M per month x {marketing_share:.0%} (assumed share)")
            prior = r.prior_year(p.label)
            before = r.get("mau", prior, seg).value if prior else None
            added = (mau - (before or mau)) / m + churn * mau
            cac = marketing / added if added > 0 else marketing / max(churn * mau, 1.0)
            put(f"{line}.cac", cac, "derived: marketing / (net new MAU per month + churned)",
                Dist.parse({"dist": "lognormal", "mean": cac, "sd": 0.2 * cac}, "cac"))
            inference = rev_l * (1 - gm_l) / m
            tokens_day = inference / mau / (365.25 / 12) / engine_cost * 1e6
            put(f"{line}.cost_per_m_tokens", engine_cost, "derived: inference engine")
            put(f"{line}.tokens_per_user_day", tokens_day, "derived: the line's cost of "
                "revenue read as inference at the engine's cost per token")
            put(f"{line}.other_cor_share", 0.0, "assumed: all cost of revenue is inference")
    financing: list[Financing] = []
    ipo = next((q for q in company.periods if q.is_instant and q.end > p.end and
                (r.get("ipo_net_proceeds", q.label).ok or
                 r.get("ipo_gross_proceeds", q.label).ok)), None)
    if ipo is not None:
        got = r.get("ipo_net_proceeds", ipo.label)
        which = "net"
        if not got.ok:
            got, which = r.get("ipo_gross_proceeds", ipo.label), "gross"
        fig = got.inputs[0]
        rate, _ = fx.rate(str(fig.currency), company.currency, "closing", None, ipo.end)
        financing.append(Financing(_months_between(p.end, ipo.end), float(got.value or 0) *
                                   rate, f"IPO {which} proceeds {ipo.end}", True))
    credit = r.get("unused_bank_facilities", company.instant_at(p.end) or p.label)
    if credit.ok and credit.value:
        financing.append(Financing(12, credit.value * 0.5, "draw half of the unused bank "
                                   "facilities (assumed)", False))
    else:
        financing.append(Financing(24, cash.value * 0.5, "follow-on raise of half the "
                                   "starting cash (assumed)", False))
    regimes = tuple(
        Regime("budget-freeze", 0.15, 6, {f"{ln.name}.contracts_per_month": 0.4})
        for ln in lines if ln.kind == "b2b")
    correlations = tuple((f"{ln.name}.arppu_monthly", f"{ln.name}.paying_rate", -0.3)
                         for ln in lines if ln.kind == "c2c")
    return Scenario(company.id, company.currency, p.end, horizon_months, tuple(lines),
                    drv, tuple(financing), regimes, correlations, (), prov)


def _engine_cost_per_m(company: Company, a: Mapping[str, Any], fx: Any, p: Any) -> float:
    from llmecon.inference.calibration import load_efficiency
    from llmecon.inference.catalog import load_catalog
    from llmecon.unit_economics.deployment import blended_serving_cost, deployment_cost

    d = deployment_cost(company.id, company.currency, a, load_catalog(), load_efficiency(), fx,
                        p.start, p.end)
    return blended_serving_cost(d, float(a["api"]["output_share"]), float(a["api"]["cache_hit"]))


def _list_price(company: Company, a: Mapping[str, Any], fx: Any, p: Any) -> float:
    from llmecon.inference.catalog import load_catalog
    from llmecon.unit_economics.deployment import blended_list_price, list_price

    model, price = list_price(a, company.id, load_catalog())
    if price is None:
        raise InputError(f"{company.id}: no API list price bundled for {model}")
    rate, _ = fx.rate("USD", company.currency, "average", p.start, p.end)
    return blended_list_price(price, float(a["api"]["output_share"]), float(a["api"]["cache_hit"]),
                              rate)


# ---------------------------------------------------------------- user files
def _match(pattern: str, names: Sequence[str], where: str) -> list[str]:
    got = [n for n in names if fnmatch.fnmatchcase(n, pattern)]
    if not got:
        close = difflib.get_close_matches(pattern, list(names), n=3)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise InputError(f"{where}: unknown driver {pattern!r}{hint}")
    return got


def load_scenario(base: Scenario, path: str | Path) -> Scenario:
    """Merge a user's scenario YAML over ``base``: horizon, drivers (numbers or
    distributions), financing, regimes, correlations, shocks."""
    from llmecon.yamlfile import read_mapping

    p = Path(path)
    doc = read_mapping(p, "scenario")
    allowed = {"horizon_months", "drivers", "financing", "regimes", "correlations", "shocks",
               "company", "currency", "start", "lines", "stresses"}
    unknown = set(doc) - allowed
    if unknown:
        raise InputError(f"{p}: unknown key(s) {', '.join(sorted(unknown))}; expected "
                         f"{', '.join(sorted(allowed))}")
    s = base
    if "horizon_months" in doc:
        h = doc["horizon_months"]
        if not isinstance(h, int) or not 1 <= h <= MAX_HORIZON:
            raise InputError(f"{p}: horizon_months: expected a whole number 1-{MAX_HORIZON}, "
                             f"found {h!r}")
        s = replace(s, horizon_months=h)
    drivers = dict(s.drivers)
    prov = dict(s.provenance)
    for name, spec in (doc.get("drivers") or {}).items():
        for target in _match(str(name), list(drivers), f"{p}: drivers"):
            drivers[target] = Dist.parse(spec, f"{p}: drivers.{name}")
            prov[target] = f"scenario file {p.name}"
    s = replace(s, drivers=drivers, provenance=prov)
    if "financing" in doc:
        fin = []
        for i, f in enumerate(doc["financing"] or []):
            where = f"{p}: financing[{i}]"
            try:
                fin.append(Financing(int(f["month"]), float(f["amount"]),
                                     str(f.get("label", "financing")),
                                     bool(f.get("committed", False))))
            except (KeyError, TypeError, ValueError):
                raise InputError(f"{where}: expected month, amount (numbers), label, "
                                 "committed") from None
            if fin[-1].month < 0:
                raise InputError(f"{where}.month: expected >= 0")
        s = replace(s, financing=tuple(fin))
    if "regimes" in doc:
        regs = []
        for i, g in enumerate(doc["regimes"] or []):
            where = f"{p}: regimes[{i}]"
            try:
                mult = {k: float(v) for k, v in dict(g["multipliers"]).items()}
                reg = Regime(str(g["name"]), float(g["probability_per_year"]),
                             int(g["duration_months"]), mult)
            except (KeyError, TypeError, ValueError):
                raise InputError(f"{where}: expected name, probability_per_year, "
                                 "duration_months, multipliers") from None
            if not 0 <= reg.probability_per_year <= 1 or reg.duration_months < 1:
                raise InputError(f"{where}: probability_per_year in [0, 1] and "
                                 "duration_months >= 1")
            for k in mult:
                _match(k, list(drivers), where)
            regs.append(reg)
        s = replace(s, regimes=tuple(regs))
    if "correlations" in doc:
        cors = []
        for i, c in enumerate(doc["correlations"] or []):
            where = f"{p}: correlations[{i}]"
            if not (isinstance(c, list) and len(c) == 3):
                raise InputError(f"{where}: expected [driver, driver, rho]")
            a_, b_ = (_match(str(x), list(drivers), where)[0] for x in c[:2])
            rho = float(c[2])
            if not -1 < rho < 1:
                raise InputError(f"{where}: rho must be in (-1, 1)")
            cors.append((a_, b_, rho))
        s = replace(s, correlations=tuple(cors))
    if "shocks" in doc:
        s = replace(s, shocks=s.shocks + tuple(_shocks(doc["shocks"], s, str(p))))
    return s


def _shocks(items: Any, s: Scenario, where: str) -> list[Shock]:
    out = []
    names = [*s.drivers, *TIME_INDICES]
    for i, sh in enumerate(items or []):
        w = f"{where}: shocks[{i}]"
        try:
            targets = _match(str(sh["driver"]), names, w)
            mult, start, months = float(sh["multiplier"]), int(sh.get("start_month", 0)), \
                int(sh.get("months", 0))
        except (KeyError, TypeError, ValueError):
            raise InputError(f"{w}: expected driver, multiplier, start_month, months") from None
        if mult < 0 or start < 0 or months < 0:
            raise InputError(f"{w}: multiplier, start_month and months must be >= 0")
        out += [Shock(t, mult, start, months) for t in targets]
    return out


# ---------------------------------------------------------------- stresses
def stress_presets() -> dict[str, Any]:
    import yaml

    text = resources.files("llmecon").joinpath("data/stress.yaml").read_text(encoding="utf-8")
    presets: dict[str, Any] = yaml.safe_load(text)["presets"]
    return presets


def apply_stresses(s: Scenario, names: Sequence[str]) -> Scenario:
    """The scenario with each named preset applied in turn (see ``data/stress.yaml``)."""
    presets = stress_presets()
    for name in names:
        if name not in presets:
            raise NotFoundError(f"unknown stress {name!r}; presets: {', '.join(presets)}")
        pre = presets[name]
        line_names = {ln.name for ln in s.lines}
        shocks = [sh for sh in _shocks(_present(pre.get("shocks"), s), s, f"stress {name}")]
        drivers = dict(s.drivers)
        for item in pre.get("set", []):
            for t in _match(item["driver"], list(drivers), f"stress {name}"):
                drivers[t] = Dist("fixed", {"value": float(item["value"])})
        lines = list(s.lines)
        for item in pre.get("add", []):
            key = item["driver"].split(".")[-1]
            if key == "collection_delay_extra_months":
                lines = [replace(ln, collection_delay_months=ln.collection_delay_months
                                 + int(item["value"])) if ln.kind == "b2b" else ln
                         for ln in lines]
                continue
            for t in [n for n in drivers if fnmatch.fnmatchcase(n, item["driver"])
                      and n.split(".")[0] in line_names]:
                d = drivers[t]
                drivers[t] = Dist("fixed", {"value": d.central + float(item["value"])}) \
                    if d.kind == "fixed" else d
        financing = tuple(f for f in s.financing if f.committed) \
            if pre.get("drop_uncommitted_financing") else s.financing
        s = replace(s, shocks=s.shocks + tuple(shocks), drivers=drivers, lines=tuple(lines),
                    financing=financing, stresses=(*s.stresses, name))
    return s


def _present(items: Any, s: Scenario) -> list[Any]:
    """Only the shocks whose driver pattern matches something in this scenario."""
    names = [*s.drivers, *TIME_INDICES]
    return [sh for sh in (items or [])
            if any(fnmatch.fnmatchcase(n, sh["driver"]) for n in names)]
