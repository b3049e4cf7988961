"""Everything a report shows, computed once: the load -> compute step of ``llmecon report``.

Presenters (HTML, Excel, charts) only format a :class:`ReportData`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from llmecon.config.serving import ServingAccuracy
from llmecon.metrics import tables
from llmecon.metrics.series import CompanySeries, company_series
from llmecon.statements.model import Company

REPORT_GPUS = ("H800", "H100", "H200", "H20", "Ascend-910C")


@dataclass(frozen=True)
class InferenceRow:
    company_id: str
    model: str
    gpu: str
    cost_per_m_output_usd: float | None
    cost_per_m_input_usd: float | None
    why: str = ""
    #: The GPU-hour price the costs rest on and its basis (on-demand, reserved, implied,
    #: owned: a rental and an owner's cost are not comparable), e.g. "on-demand, Lambda,
    #: 2026-05".
    gpu_hour_price_usd: float | None = None
    price_basis: str = ""


@dataclass(frozen=True)
class ReportData:
    companies: tuple[Company, ...]
    unit_economics: tables.Table
    cash_flow: tables.Table
    signals: tables.SignalsTable
    series: tuple[CompanySeries, ...]
    ue_lines: tuple[Any, ...]  # UnitEconomicsTable per company
    inference: tuple[InferenceRow, ...]
    cost_for_margin: dict[str, Any]  # company id -> CostForMargin
    simulations: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> tag -> SimResult
    paths: int = 0
    horizon: int = 0
    seed: int = 0
    #: company id -> why it has no unit economics by line or simulation (e.g. no business
    #: lines declared: a peer imported from filings); it is still compared side by side.
    not_modelled: dict[str, str] = field(default_factory=dict)
    #: The measured error of the serving model that costs the tokens (ServingAccuracy).
    inference_accuracy: ServingAccuracy | None = None
    #: company id -> how its base runway rests on the unexplained operating line
    #: (:func:`llmecon.simulate.sensitivity.unexplained_sensitivity`), where it has one.
    sensitivity: dict[str, Any] = field(default_factory=dict)
    #: company id -> why its unit economics are shown but it is not projected (its scenario
    #: cannot be calibrated: a rate, a line's missing figures)
    not_projected: dict[str, str] = field(default_factory=dict)
    #: the currency the two tables and the signals were converted to (None: each company's
    #: own); unit economics by line and the projections stay in each company's currency
    currency: str | None = None


def build(companies: Sequence[Company], *, stresses: Sequence[str] | None = None,
          scenario_file: str | None = None, paths: int = 5000, horizon: int = 36,
          seed: int = 0, target_margin: float = 0.5,
          progress: Callable[[str], None] | None = None,
          currency: str | None = None) -> ReportData:
    """The report's content: ``stresses=None`` runs every preset beside the base, and
    ``currency`` converts the two tables and the signals (as ``compare --currency``)."""
    from llmecon.api import compare
    from llmecon.errors import InputError
    from llmecon.inference.catalog import load_catalog
    from llmecon.inference.engines import load_serving_factors
    from llmecon.simulate.scenario import check_stress_names, stress_presets
    from llmecon.unit_economics.company import load_assumptions
    from llmecon.units import load_fx, normalise_currency

    cur = None if currency is None else normalise_currency(currency, where="currency")
    fx = load_fx()
    ue, cf, sig = compare(list(companies), fx=fx, currency=cur)
    if isinstance(stresses, str):  # list() would read its letters as preset names
        raise InputError(f"stresses: expected a list of preset names, found the text "
                         f"{stresses[:40]!r}; give [{stresses[:40]!r}]")
    names = list(stress_presets()) if stresses is None else list(stresses)
    check_stress_names(names)  # before any company (one that cannot calibrate skips it)
    p = _Parts(load_assumptions(), load_catalog(), load_serving_factors())
    for c in companies:
        _company_parts(p, c, fx, names, scenario_file, paths, horizon, seed, target_margin,
                       progress or (lambda _m: None))
    return ReportData(tuple(companies), ue, cf, sig,
                      tuple(company_series(c, fx) for c in companies), tuple(p.ue_lines),
                      tuple(p.inference), p.margin, p.sims, paths, horizon, seed, p.skipped,
                      p.factors.accuracy, p.sensitivity, p.unprojected, cur)


@dataclass
class _Parts:
    """What :func:`build` gathers company by company, from the unit-economics assumptions,
    the inference catalog and the serving factors (loaded once)."""

    assumptions: Any
    catalog: Any
    factors: Any
    ue_lines: list[Any] = field(default_factory=list)
    inference: list[InferenceRow] = field(default_factory=list)
    sims: dict[str, dict[str, Any]] = field(default_factory=dict)
    margin: dict[str, Any] = field(default_factory=dict)
    sensitivity: dict[str, Any] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    unprojected: dict[str, str] = field(default_factory=dict)


def _company_parts(p: _Parts, c: Company, fx: Any, names: Sequence[str],
                   scenario_file: str | None, paths: int, horizon: int, seed: int,
                   target_margin: float, say: Callable[[str], None]) -> None:
    """One company's unit economics by line, inference rows, cost for a margin and runs,
    added to ``p`` (or why it has none)."""
    from llmecon.errors import LlmeconError
    from llmecon.simulate.answers import cost_for_margin
    from llmecon.simulate.loaders import load_base_scenario
    from llmecon.simulate.run import run
    from llmecon.simulate.scenario import load_scenario, stress_presets
    from llmecon.simulate.sensitivity import unexplained_sensitivity
    from llmecon.unit_economics.company import unit_economics_table

    say(f"{c.id}: unit economics")
    try:
        ue_table = unit_economics_table(c, p.assumptions, fx, p.catalog, p.factors)
    except LlmeconError as e:  # shown in the report; the company stays in the comparison
        p.skipped[c.id] = str(e)
        return
    p.ue_lines.append(ue_table)
    p.inference.extend(_inference_rows(c.id, p.assumptions, p.catalog, p.factors))
    try:  # the unit economics stay when only the projection cannot be calibrated
        base = load_base_scenario(c, p.assumptions, horizon)
    except LlmeconError as e:
        p.unprojected[c.id] = str(e)
        return
    if scenario_file:
        base = load_scenario(base, scenario_file)
    p.margin[c.id] = cost_for_margin(base, target_margin)
    found = unexplained_sensitivity(base)
    if found is not None:
        p.sensitivity[c.id] = found
    p.sims[c.id] = {}
    for tag, s in stress_runs(base, names, stress_presets()):
        say(f"{c.id}: simulating {tag}")
        p.sims[c.id][tag] = run(s, paths=paths, seed=seed)


def stress_runs(base: Any, names: Sequence[str], presets: Mapping[str, Any]
                ) -> list[tuple[str, Any]]:
    """(tag, scenario) of the base and of each preset, in order. A preset measured against
    other financing than the base's (``compare_with``: funding-closed and credit-withdrawn
    against all financing) starts from the base with that financing, and that base joins
    the runs just before it, so the table shows what the preset changes (against the
    committed base they were the base again, and read as "nothing changes")."""
    from llmecon.simulate.scenario import apply_stresses

    out: list[tuple[str, Any]] = [("base", base)]
    for name in names:
        against = str(presets[name].get("compare_with", "committed"))
        start = base
        if against != base.financing_included:
            start = base.with_financing(against)
            tag = f"base, financing {against}"
            if tag not in dict(out):
                out.append((tag, start))
        out.append((name, apply_stresses(start, [name])))
    return out


def _inference_rows(company_id: str, assumptions: Any, cat: Any, factors: Any
                    ) -> list[InferenceRow]:
    """Cost per million tokens of the company's assumed deployment on each report GPU
    (with the serving model's factors of the deployment's engine)."""
    from llmecon.errors import LlmeconError
    from llmecon.inference.serving import evaluate
    from llmecon.unit_economics.deployment import deployment_serving

    _, deployed, eff, _ = deployment_serving(assumptions, company_id, factors)
    rows = []
    for gpu in REPORT_GPUS:
        cfg = deployed.model_copy(update={"gpu": gpu})
        try:
            cfg, note = _in_precision_of(cfg, cat)
            res = evaluate(cfg, cat, eff)
            price, source = cat.gpu_price(gpu), res.price_source
            basis = "" if price is None else source if source.startswith(price.basis) \
                else f"{price.basis}, {source}"
            rows.append(InferenceRow(company_id, cfg.model, gpu, res.cost_output,
                                     res.cost_input_miss, note if res.cost_output is not None
                                     else "no GPU-hour price bundled", res.gpu_hour_price,
                                     basis))
        except LlmeconError as e:  # a GPU the model does not fit: shown with the reason
            rows.append(InferenceRow(company_id, cfg.model, gpu, None, None, str(e)))
    return rows


def _in_precision_of(cfg: Any, cat: Any) -> tuple[Any, str]:
    """The deployment in its precision, or, on a chip without it (Ascend-910C has no fp8),
    in the first of fp8, int8 and bf16 the chip has, with a note saying so."""
    from llmecon.errors import InputError

    g = cat.gpu(cfg.gpu)
    for p in (cfg.precision, "fp8", "int8", "bf16"):
        try:
            g.peak_flops(p)
        except InputError:
            continue
        return (cfg, "") if p == cfg.precision else (cfg.model_copy(update={"precision": p}), (
            f"in {p}: {g.name} has no {cfg.precision} tensor throughput in the catalog "
            f"(the deployment assumes {cfg.precision})"))
    return cfg, ""
