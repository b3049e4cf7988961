"""Fit the serving model's factors on measured runs, and measure its accuracy honestly.

:func:`fit_factors` finds the :class:`~llmecon.config.inference.ServingFactors` (per engine:
prefill MFU, decode bandwidth share, fixed time per layer of a decode step,
fixed first-token time per layer, burst, disaggregated first-token time; overall: MoE
layer times in decode and prefill, routed experts' prefill efficiency, prefill utilisation,
prefill interference, memory reserve; the decode network share and decode MFU are set,
not fitted: see ``_FIXED_FIELDS``) that minimise a robust loss (soft
L1 of the log errors of TTFT and TPOT) over the rows it is given, with
``scipy.optimize.least_squares``. :func:`accuracy` reports the median and 90th percentile
of |error| overall and per (model, system, engine, mode) group, in sample and
leave-one-model-out: each model's rows predicted by factors fitted on the other models'
rows only (DeepSeek-R1 and -V3 count as one model: the same architecture), every such fit
starting from :func:`prior_factors`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from llmecon.config.inference import EngineFactors, ServingFactors
from llmecon.config.serving import ErrorFigures, ServingAccuracy
from llmecon.constants import MIN_MAGNITUDE
from llmecon.errors import InputError
from llmecon.inference import roofline as rf
from llmecon.inference.engines import ENGINES
from llmecon.inference.measured import Runs, model_names, predict_runs

if TYPE_CHECKING:
    import pandas as pd

Array = np.ndarray[Any, Any]
_ENGINE_FIELDS = ("prefill_mfu", "decode_bw", "step_us_per_layer", "burst",
                  "disagg_ttft_ms", "ttft_us_per_layer")
_GLOBAL_FIELDS = ("moe_step_us_per_layer", "moe_prefill_us_per_layer", "expert_efficiency",
                  "prefill_utilisation", "prefill_interference", "memory_reserve")
#: Not fitted: the share of link bandwidth decode collectives achieve stays where the start
#: puts it (0.7 in the bundled factors and the prior, as for prefill collectives). The
#: measured runs hardly determine it (fitted, it fell to 0.16 and in-sample TPOT error moved
#: by 0.1 points), and so low a share put large expert-parallel deployments off by 3-7x.
_FIXED_FIELDS = ("network",)
#: Not fitted either: the decode compute efficiency (every engine's) is the roofline's,
#: calibrated on the published deployments (``data/inference/efficiency.yaml``). The measured
#: runs hardly determine it (fitted, it fell to 0.16-0.21 for SGLang and TensorRT-LLM; set to
#: 0.46, in-sample TPOT error moves by half a point), and so low an efficiency put the
#: published large-batch deployments a third too slow at the median (LMSYS decode -47%).
_FIXED_ENGINE_FIELDS = ("decode_mfu",)
#: Upper bounds of the factors that are not shares (each is fitted inside (0, bound)).
_BOUNDS = {"step_us_per_layer": 2_000.0, "ttft_us_per_layer": 20_000.0,
           "ttft_overhead_ms": 10_000.0, "burst": 4.0, "memory_reserve": 0.5,
           "disagg_ttft_ms": 10_000.0,
           "moe_step_us_per_layer": 2_000.0, "moe_prefill_us_per_layer": 100_000.0,
           "prefill_interference": 4.0}


def case_decode_mfu() -> float:
    """The decode compute efficiency calibrated on the published deployments (the
    roofline's, ``efficiency.yaml``): the serving model's, in every engine, not fitted."""
    from llmecon.inference.calibration import load_efficiency

    return float(load_efficiency().decode_mfu)


def prior_factors() -> ServingFactors:
    """Where every fit starts: round, typical values set by hand, fitted on no measured run
    (so a leave-one-out fold owes nothing to the rows it holds out, not even its start);
    the decode efficiency is :func:`case_decode_mfu`."""
    e = EngineFactors(prefill_mfu=0.5, decode_mfu=case_decode_mfu(), decode_bw=0.8,
                      step_us_per_layer=50.0, burst=0.5, disagg_ttft_ms=100.0,
                      ttft_us_per_layer=1000.0)
    return ServingFactors(engines={name: e for name in ENGINES}, moe_step_us_per_layer=10.0,
                          moe_prefill_us_per_layer=10.0, expert_efficiency=0.5,
                          prefill_utilisation=0.7, prefill_interference=1.0, network=0.7,
                          memory_reserve=0.1, fitted_on="prior")


def _pack(f: ServingFactors, free: list[tuple[str, str]]) -> Array:
    def enc(name: str, v: float) -> float:
        u = min(max(v / _BOUNDS.get(name, 1.0), 1e-4), 1 - 1e-4)
        return float(np.log(u / (1 - u)))

    out = [enc(k, getattr(f.engines[e], k)) for e, k in free]
    out += [enc(k, getattr(f, k)) for k in _GLOBAL_FIELDS]
    return np.array(out)


def _unpack(x: Array, note: str, free: list[tuple[str, str]], start: ServingFactors,
            prior: ServingFactors) -> ServingFactors:
    """The factors at ``x`` (the logits of the ``free`` engine fields, then of the global
    ones); the fields that are not fitted stay where ``start`` puts them, and the engine
    fields the rows do not determine are the ``prior``'s."""
    def dec(name: str, v: float) -> float:
        # a factor the optimiser drives towards 0 stays a valid one (MIN_MAGNITUDE, far
        # below any physical effect; the configuration models refuse anything smaller)
        return max(float(_BOUNDS.get(name, 1.0) / (1 + np.exp(-v))), MIN_MAGNITUDE)

    it = iter(x.tolist())
    values: dict[str, dict[str, Any]] = {
        e: {**prior.engines[e].model_dump(),
            **{k: getattr(start.engines[e], k) for k in _FIXED_ENGINE_FIELDS}}
        for e in ENGINES}
    for e, k in free:
        values[e][k] = dec(k, next(it))
    rest: dict[str, Any] = {k: dec(k, next(it)) for k in _GLOBAL_FIELDS}
    return ServingFactors(engines={e: EngineFactors(**v) for e, v in values.items()},
                          **rest, **{k: getattr(start, k) for k in _FIXED_FIELDS},
                          fitted_on=note)


def _free_fields(runs: Runs, rows: Array) -> list[tuple[str, str]]:
    """The engine fields the rows determine: an engine's, if it has rows; its
    disaggregated first-token time, if it has disaggregated rows. The rest stay at the
    start (fitted with no data, they wander to their bounds and make the fit fragile)."""
    out = []
    for i, e in enumerate(ENGINES):
        mine = rows & (runs.engine_index == i)
        for k in _ENGINE_FIELDS:
            if mine.any() and (k != "disagg_ttft_ms" or (mine & ~runs.agg).any()):
                out.append((e, k))
    return out


def _residuals(runs: Runs, arch: rf.Arch, f: ServingFactors, rows: Array,
               ttft: Array, tpot: Array) -> Array:
    p = predict_runs(runs, arch, f)
    r = np.concatenate([np.log(p.ttft_ms[rows] / ttft[rows]),
                        np.log(p.tpot_ms[rows] / tpot[rows])])
    out: Array = np.where(np.isfinite(r), r, 5.0)
    return out


#: Where a leave-one-out fold's fit starts: the prior, and the prior with every fitted
#: factor 1% lower and 1% higher; the fold keeps the fit with the lowest loss on its own
#: training rows (the held-out rows choose nothing). One start stopped the Llama-3.1-70B
#: fold in a worse minimum of its training loss (soft-L1 cost 297.8 against 279.0-279.3
#: from starts 1% away), which moved that model's held-out TTFT error by ten points.
FOLD_STARTS = (1.0, 0.99, 1.01)


def _scaled(f: ServingFactors, k: float) -> ServingFactors:
    """``f`` with every fitted factor (each engine's and the global ones) times ``k``."""
    if k == 1.0:
        return f
    engines = {e: v.model_copy(update={n: getattr(v, n) * k for n in _ENGINE_FIELDS})
               for e, v in f.engines.items()}
    return f.model_copy(update={"engines": engines,
                                **{n: getattr(f, n) * k for n in _GLOBAL_FIELDS}})


def fit_factors(runs: Runs, arch: rf.Arch, start: ServingFactors, rows: Array,
                measured_ttft_ms: Array, measured_tpot_ms: Array, note: str = "",
                max_evaluations: int = 4000, starts: tuple[float, ...] = (1.0,)
                ) -> ServingFactors:
    """Factors minimising the soft-L1 loss of the log errors over ``rows`` (a boolean mask
    of rows with status ok and measured values); ``start`` is the first guess. An engine
    with no rows keeps :func:`prior_factors`' values, and so does the disaggregated
    first-token time of an engine with no disaggregated rows (:func:`_free_fields`).

    Three passes, with finite-difference steps of 0.001, 0.03 and 0.001 (in the logit of
    each factor): the model has kinks (floors, maxima, whole workers) where a fit with
    fine steps stops; the coarse pass steps over them and the last refines. With several
    ``starts`` (scales of ``start``'s fitted factors), the fit of the lowest loss wins."""
    from scipy.optimize import least_squares

    free, prior = _free_fields(runs, rows), prior_factors()

    def loss(y: Array) -> Array:
        return _residuals(runs, arch, _unpack(y, note, free, start, prior), rows,
                          measured_ttft_ms, measured_tpot_ms)

    best: tuple[float, Array] | None = None
    for k in starts:
        x = _pack(_scaled(start, k), free)
        for step in (1e-3, 3e-2, 1e-3):
            got = least_squares(loss, x, loss="soft_l1", f_scale=0.1,
                                max_nfev=max_evaluations, x_scale=1.0, diff_step=step)
            x = got.x
        if best is None or float(got.cost) < best[0]:
            best = (float(got.cost), x)
    assert best is not None, "starts: expected at least one"
    return _unpack(best[1], note, free, start, prior)


@dataclass(frozen=True)
class ErrorSummary:
    """Median and 90th percentile of |predicted / measured - 1| over some rows."""

    rows: int
    ttft_median: float
    ttft_p90: float
    tpot_median: float
    tpot_p90: float


def summarise(pred_ttft: Array, pred_tpot: Array, ttft: Array, tpot: Array,
              rows: Array) -> ErrorSummary:
    """Error summary of the predicted against the measured values over those of ``rows``
    that have a prediction (a factor set under which a row does not fit predicts nothing;
    ``rows`` of the summary says how many were compared)."""
    rows = rows & np.isfinite(pred_ttft) & np.isfinite(pred_tpot)
    if not rows.any():
        nan = float("nan")
        return ErrorSummary(0, nan, nan, nan, nan)
    a = np.abs(pred_ttft[rows] / ttft[rows] - 1.0)
    b = np.abs(pred_tpot[rows] / tpot[rows] - 1.0)
    return ErrorSummary(int(rows.sum()), float(np.median(a)), float(np.quantile(a, 0.9)),
                        float(np.median(b)), float(np.quantile(b, 0.9)))


@dataclass(frozen=True)
class Accuracy:
    """The serving model against a measured table, in and out of sample.

    ``hold_out`` names what the out-of-sample folds leave out (``model`` or ``system``);
    ``per_held_out`` and ``folds`` give each fold's errors and factors. ``groups`` are
    keyed by (model, system, engine, mode). :meth:`to_frame` gives one row per summary."""

    rows: int
    predicted_share: float  # share of rows with status ok
    in_sample: ErrorSummary
    out_of_sample: ErrorSummary | None = None
    hold_out: str = ""
    per_held_out: dict[str, ErrorSummary] = field(default_factory=dict)
    groups: dict[tuple[str, str, str, str], ErrorSummary] = field(default_factory=dict)
    factors: ServingFactors | None = None
    folds: dict[str, ServingFactors] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """One row per summary: overall in sample, overall and per fold out of sample,
        per (model, system, engine, mode) group in sample."""
        import pandas as pd

        rows = [{"scope": "all", "sample": "in", **self.in_sample.__dict__}]
        label = f"leave-one-{self.hold_out}-out"
        if self.out_of_sample is not None:
            rows.append({"scope": "all", "sample": label, **self.out_of_sample.__dict__})
        rows += [{"scope": m, "sample": label, **s.__dict__}
                 for m, s in self.per_held_out.items()]
        rows += [{"scope": " / ".join(k), "sample": "in", **s.__dict__}
                 for k, s in self.groups.items()]
        return pd.DataFrame(rows)


def _group_keys(runs: Runs, frame: Any) -> list[tuple[str, str, str, str]]:
    names = model_names(runs)
    return list(zip(names, frame["system"].astype(str), frame["backend"].astype(str),
                    frame["mode"].astype(str), strict=True))


def _group_summaries(keys: list[tuple[str, str, str, str]], pred_ttft: Array,
                     pred_tpot: Array, ttft: Array, tpot: Array, rows: Array
                     ) -> dict[tuple[str, str, str, str], ErrorSummary]:
    out = {}
    for key in sorted(set(keys)):
        mask = rows & np.array([k == key for k in keys])
        if mask.any():
            out[key] = summarise(pred_ttft, pred_tpot, ttft, tpot, mask)
    return out


#: The range of a measured time to score against (ms): a microsecond to a day.
MIN_MEASURED_MS, MAX_MEASURED_MS = 1e-3, 86_400_000.0


def measured_times(frame: Any, col: str) -> Array:
    """A measured column (ms) as floats, NaN where blank; a missing column or a cell that is
    not a time > 0 is an error naming the column and the row."""
    import pandas as pd

    if col not in frame.columns:
        raise InputError(f"{col}: expected a column of measured times to score against "
                         "(silicon_ttft_ms and silicon_tpot_ms, in ms)")
    raw = frame[col]
    v: Array = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):  # a microsecond to a day: 1e-300 ms scored 1e302%
        bad = raw.notna().to_numpy() & ~(np.isfinite(v) & (v >= MIN_MEASURED_MS)
                                         & (v <= MAX_MEASURED_MS))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        x = raw.iloc[i]
        shown = repr(x) if isinstance(x, str) else f"{x:g}"
        raise InputError(f"{col}: row {i + 1}: expected a time from {MIN_MEASURED_MS:g} to "
                         f"{MAX_MEASURED_MS:,.0f} ms, found {shown}")
    return v


def accuracy(frame: Any, runs: Runs, arch: rf.Arch, factors: ServingFactors, *,
             hold_out: str | None = None, refit: bool = False) -> Accuracy:
    """Accuracy of ``factors`` (fitted first on all rows when ``refit``) on a measured
    table; with ``hold_out`` = ``"model"`` (DeepSeek-R1 and -V3 one model) or ``"system"``,
    each model's (system's) rows are also predicted by factors fitted without them, each
    fit starting from :func:`prior_factors` (a start fitted on all rows would carry the
    held-out rows into a fit that stops in a local minimum)."""
    ttft, tpot = measured_times(frame, "silicon_ttft_ms"), measured_times(frame, "silicon_tpot_ms")
    rows = (runs.status == "ok") & np.isfinite(ttft) & np.isfinite(tpot)
    if not rows.any():
        seen = ", ".join(sorted({str(x) for x in runs.status if x != "ok"})[:3])
        raise InputError(f"no row to score: {len(runs)} rows, none predictable with measured "
                         f"TTFT and TPOT{' (' + seen + ')' if seen else ''}")
    f = fit_factors(runs, arch, factors, rows, ttft, tpot, "all rows") if refit else factors
    p = predict_runs(runs, arch, f)
    rows = rows & (p.status == "ok")
    keys = _group_keys(runs, frame)
    base = Accuracy(len(runs), float(np.mean(p.status == "ok")),
                    summarise(p.ttft_ms, p.tpot_ms, ttft, tpot, rows),
                    groups=_group_summaries(keys, p.ttft_ms, p.tpot_ms, ttft, tpot, rows),
                    factors=f)
    if hold_out is None:
        return base
    if hold_out not in ("model", "system"):
        raise InputError(f"hold_out: expected model or system, found {hold_out!r}")
    label = np.array([k[0] if hold_out == "model" else k[1] for k in keys], dtype=object)
    if len(set(label[rows])) < 2:
        raise InputError(f"leave one {hold_out} out: expected scored rows of at least two "
                         f"{hold_out}s (the others' rows fit each fold), found "
                         f"{len(set(label[rows]))}")
    o_ttft, o_tpot = np.full(len(runs), np.nan), np.full(len(runs), np.nan)
    folds, per = {}, {}
    for m in sorted(set(label[rows])):
        held = rows & (label == m)
        # from the prior, not from ``f``: nothing fitted on the held-out rows is used
        fm = fit_factors(runs, arch, prior_factors(), rows & ~held, ttft, tpot,
                         f"all rows but {m}", starts=FOLD_STARTS)
        q = predict_runs(runs, arch, fm)
        o_ttft[held], o_tpot[held] = q.ttft_ms[held], q.tpot_ms[held]
        folds[m], per[m] = fm, summarise(o_ttft, o_tpot, ttft, tpot, held)
    out = summarise(o_ttft, o_tpot, ttft, tpot, rows & np.isfinite(o_ttft))
    return replace(base, out_of_sample=out, hold_out=hold_out, per_held_out=per, folds=folds)


def accuracy_record(a: Accuracy, table: str) -> ServingAccuracy:
    """What the bundled factors record of ``a`` (which must hold the leave-one-model-out
    figures): shares rounded to 0.1 percentage point."""
    if a.out_of_sample is None or a.hold_out != "model":
        raise InputError("accuracy record: needs the leave-one-model-out figures "
                         "(accuracy(..., hold_out='model'))")

    def figures(s: ErrorSummary) -> ErrorFigures:
        return ErrorFigures(ttft_median=round(s.ttft_median, 3), ttft_p90=round(s.ttft_p90, 3),
                            tpot_median=round(s.tpot_median, 3), tpot_p90=round(s.tpot_p90, 3))

    return ServingAccuracy(table=table, rows=a.in_sample.rows, in_sample=figures(a.in_sample),
                           leave_one_model_out=figures(a.out_of_sample))


# ---------------------------------------------------------------- loaders + compute
def _prepared(path: str | Any) -> tuple[Any, Runs, rf.Arch]:
    from llmecon.inference.catalog import load_catalog
    from llmecon.inference.measured import load_measured, parse_runs

    cat = load_catalog()
    frame = load_measured(path)
    runs = parse_runs(frame, cat)
    return frame, runs, rf.Arch.of([cat.model(m) for m in runs.models])


def measured_accuracy(path: str | Any, hold_out: str | None = None) -> Accuracy:
    """The ``inference accuracy --measured TABLE.csv`` command: the bundled factors against
    a measured table; with ``hold_out`` (model or system), refit per fold (slow)."""
    from llmecon.inference.engines import load_serving_factors

    frame, runs, arch = _prepared(path)
    try:
        return accuracy(frame, runs, arch, load_serving_factors(), hold_out=hold_out)
    except InputError as e:
        raise InputError(f"{path}: {e}") from None


def refit_bundled(path: str | Any) -> ServingFactors:
    """Fit the factors on all predictable rows of a measured table, starting from the
    bundled ones with the decode efficiency of :func:`case_decode_mfu` (what
    ``data/inference/serving_factors.yaml`` holds after a refit)."""
    from llmecon.inference.engines import load_serving_factors

    bundled = load_serving_factors()
    mfu = case_decode_mfu()
    start = bundled.model_copy(update={"engines": {
        e: f.model_copy(update={"decode_mfu": mfu}) for e, f in bundled.engines.items()}})
    frame, runs, arch = _prepared(path)
    ttft = measured_times(frame, "silicon_ttft_ms")
    tpot = measured_times(frame, "silicon_tpot_ms")
    rows = (runs.status == "ok") & (ttft > 0) & (tpot > 0)
    return fit_factors(runs, arch, start, rows, ttft, tpot, f"{path}, all predictable rows")
