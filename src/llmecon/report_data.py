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
    """Compute the report's content. ``stresses=None`` runs every preset beside the base;
    ``currency`` converts the two tables and the signals (as ``compare --currency``)."""
    from llmecon.api import compare
    from llmecon.errors import LlmeconError
    from llmecon.inference.catalog import load_catalog
    from llmecon.inference.engines import load_serving_factors
    from llmecon.simulate.answers import cost_for_margin
    from llmecon.simulate.loaders import load_base_scenario
    from llmecon.simulate.run import run
    from llmecon.simulate.scenario import check_stress_names, load_scenario, stress_presets
    from llmecon.simulate.sensitivity import unexplained_sensitivity
    from llmecon.unit_economics.company import load_assumptions, unit_economics_table
    from llmecon.units import load_fx, normalise_currency

    fx = load_fx()
    say = progress or (lambda _m: None)
    ue, cf, sig = compare(list(companies), fx=fx, currency=currency)
    assumptions = load_assumptions()
    names = list(stress_presets()) if stresses is None else list(stresses)
    check_stress_names(names)  # before any company (one that cannot calibrate skips it)
    cat, factors = load_catalog(), load_serving_factors()
    inf_rows: list[InferenceRow] = []
    sims: dict[str, dict[str, Any]] = {}
    margin: dict[str, Any] = {}
    sensitivity: dict[str, Any] = {}
    ue_lines = []
    skipped: dict[str, str] = {}
    unprojected: dict[str, str] = {}
    for c in companies:
        say(f"{c.id}: unit economics")
        try:
            ue_table = unit_economics_table(c, assumptions, fx, cat, factors)
        except LlmeconError as e:  # shown in the report; the company stays in the comparison
            skipped[c.id] = str(e)
            continue
        ue_lines.append(ue_table)
        inf_rows.extend(_inference_rows(c.id, assumptions, cat, factors))
        try:  # the unit economics stay when only the projection cannot be calibrated
            base = load_base_scenario(c, assumptions, horizon)
        except LlmeconError as e:
            unprojected[c.id] = str(e)
            continue
        if scenario_file:
            base = load_scenario(base, scenario_file)
        margin[c.id] = cost_for_margin(base, target_margin)
        found = unexplained_sensitivity(base)
        if found is not None:
            sensitivity[c.id] = found
        sims[c.id] = {}
        for tag, s in stress_runs(base, names, stress_presets()):
            say(f"{c.id}: simulating {tag}")
            sims[c.id][tag] = run(s, paths=paths, seed=seed)
    return ReportData(tuple(companies), ue, cf, sig,
                      tuple(company_series(c, fx) for c in companies), tuple(ue_lines),
                      tuple(inf_rows), margin, sims, paths, horizon, seed, skipped,
                      factors.accuracy, sensitivity, unprojected,
                      None if currency is None else normalise_currency(currency))


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
            rows.append(InferenceRow(company_id, cfg.model, gpu, res.cost_output,
                                     res.cost_input_miss, note if res.cost_output is not None
                                     else "no GPU-hour price bundled"))
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
