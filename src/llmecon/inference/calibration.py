"""Published deployments: predictions, errors and the calibration of efficiency factors.

The calibration is a reproducible step: ``llmecon inference calibrate`` grid-searches the
efficiency factors (prefill MFU, decode MFU, decode bandwidth utilisation, network) for the
smallest median absolute log error over the bundled cases, and prints the values that
``llmecon/data/inference/efficiency.yaml`` holds. Leave-one-out errors (each case predicted
with factors fitted on the others) are reported beside the in-sample errors, as the honest
measure of accuracy on a new deployment. Compute (:func:`fit_efficiency`,
:func:`case_errors`) takes the cases, catalog and factors as arguments; :func:`accuracy` and
:func:`calibrate` load the bundled ones first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np

from llmecon.config.serving import RooflineError
from llmecon.errors import InputError
from llmecon.formulas import cost_per_million_tokens
from llmecon.inference import roofline as rf
from llmecon.inference.catalog import Catalog, load_catalog

KINDS = ("prefill_per_gpu", "decode_per_gpu", "decode_tpot", "offline_total", "itl_ms",
         "cost_per_m_output")
UNITS = {"prefill_per_gpu": "tok/s/GPU", "decode_per_gpu": "tok/s/GPU",
         "decode_tpot": "tok/s/GPU", "offline_total": "tok/s", "itl_ms": "ms",
         "cost_per_m_output": "USD/M"}
OFFLINE_MAX_BATCH = 2048.0  # per TP group; TensorRT-LLM's default max batch size


@dataclass(frozen=True)
class Case:
    id: str
    description: str
    kind: str
    model: str
    gpu: str
    precision: str
    published: float
    tolerance: float
    source: str
    gpus: float = 1.0
    tp: float = 1.0
    kv: str = "bf16"
    prompt: float = 0.0
    batch_per_gpu: float | None = None
    context: float = 0.0
    isl: float = 0.0
    osl: float = 0.0
    tpot_ms: float = 0.0
    mtp_draft: float = 0.0
    mtp_accept: float = 0.0
    gpu_price: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def load_cases() -> list[Case]:
    import yaml

    text = resources.files("llmecon").joinpath("data/inference/cases.yaml") \
        .read_text(encoding="utf-8")
    doc = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    out = []
    for i, rec in enumerate(doc["cases"]):
        if rec.get("kind") not in KINDS:
            raise InputError(f"cases.yaml: cases[{i}].kind: expected one of {KINDS}")
        out.append(Case(**rec))
    return out


def predict(case: Case, eff: rf.Efficiency, catalog: Catalog) -> Any:
    """The model's prediction for a case, in the case's unit (arrays if ``eff`` holds arrays;
    a serving engine's fixed times in ``eff`` count, as in every decode step)."""
    return np.squeeze(_predict(case, eff, catalog))


def _predict(case: Case, eff: rf.Efficiency, cat: Catalog) -> Any:
    model, gpu = cat.model(case.model), cat.gpu(case.gpu)
    arch = rf.Arch.of([model])
    hw = rf.Hardware.of([gpu], case.precision)
    wb, kvb = rf.BYTES[case.precision], rf.BYTES[case.kv]
    common: dict[str, Any] = dict(weight_bytes=wb, kv_bytes=kvb, gpus=case.gpus, tp=case.tp,
                                  eff=eff,
                                  mtp_draft=case.mtp_draft, mtp_accept=case.mtp_accept)
    if case.kind == "prefill_per_gpu":
        return rf.prefill_tokens_per_gpu_s(arch, hw, prompt=case.prompt, eff=eff,
                                           weight_bytes=wb, gpus=case.gpus, tp=case.tp)
    if case.kind in ("decode_per_gpu", "cost_per_m_output", "itl_ms"):
        d = rf.decode(arch, hw, batch_per_gpu=case.batch_per_gpu, context=case.context,
                      **common)
        if case.kind == "itl_ms":
            return d.tpot_s * 1e3
        if case.kind == "cost_per_m_output":
            return cost_per_million_tokens(case.gpu_price, d.tokens_per_gpu_s)
        return d.tokens_per_gpu_s
    if case.kind == "decode_tpot":
        cap = rf.max_batch_per_gpu(arch, hw, weight_bytes=wb, kv_bytes=kvb, gpus=case.gpus,
                                   tp=case.tp, max_context=case.context, eff=eff)
        b = rf.batch_for_tpot(arch, hw, tpot_s=case.tpot_ms / 1e3, max_batch=cap,
                              context=case.context, **common)
        return rf.decode(arch, hw, batch_per_gpu=np.maximum(b, 1.0), context=case.context,
                         **common).tokens_per_gpu_s
    # offline_total: prefill and decode share the GPUs; batch as large as memory allows
    if case.batch_per_gpu is not None:
        batch: Any = case.batch_per_gpu
    else:
        batch = np.minimum(rf.max_batch_per_gpu(arch, hw, weight_bytes=wb, kv_bytes=kvb,
                                                gpus=case.gpus, tp=case.tp,
                                                max_context=case.isl + case.osl, eff=eff),
                           OFFLINE_MAX_BATCH / case.gpus)
    d = rf.decode(arch, hw, batch_per_gpu=batch, context=case.isl + case.osl / 2.0, **common)
    pre = rf.prefill_tokens_per_gpu_s(arch, hw, prompt=case.isl, eff=eff, weight_bytes=wb,
                                      gpus=case.gpus, tp=case.tp)
    per_gpu = case.osl / (case.isl / pre + case.osl / d.tokens_per_gpu_s)
    return per_gpu * case.gpus


@dataclass(frozen=True)
class Grid:
    """The searched values of each efficiency factor: (first, last, step)."""

    prefill_mfu: tuple[float, float, float] = (0.20, 0.90, 0.02)
    decode_mfu: tuple[float, float, float] = (0.10, 0.90, 0.04)
    decode_bw: tuple[float, float, float] = (0.30, 0.95, 0.025)
    network: tuple[float, float, float] = (0.30, 1.00, 0.05)

    def arrays(self) -> tuple[Any, Any, Any, Any]:
        axes = [np.round(np.arange(a, b + s / 2, s), 4) for a, b, s in
                (self.prefill_mfu, self.decode_mfu, self.decode_bw, self.network)]
        p, m, w, n = np.meshgrid(*axes, indexing="ij")
        return p.ravel(), m.ravel(), w.ravel(), n.ravel()


def median_abs(errors: Iterable[float]) -> float:
    """Median of |error| (the summary every case table reports).

    >>> median_abs([-0.3, 0.1, 0.2, -0.05])
    0.15000000000000002
    """
    return float(np.median(np.abs(np.fromiter(errors, dtype=float))))


@dataclass(frozen=True)
class Calibration:
    efficiency: rf.Efficiency
    median_abs_error: float
    errors: dict[str, float]
    loo_errors: dict[str, float]

    @property
    def loo_median_abs_error(self) -> float:
        """Median |error| of the cases each predicted by factors fitted on the others."""
        return median_abs(self.loo_errors.values())


def _log_errors(cases: list[Case], eff: rf.Efficiency, cat: Catalog) -> Any:
    rows = [np.log(np.broadcast_to(predict(c, eff, cat), np.shape(eff.decode_bw))
                   / c.published) for c in cases]
    return np.vstack(rows)


def fit_efficiency(cases: list[Case], catalog: Catalog, grid: Grid | None = None
                   ) -> Calibration:
    """Efficiency factors minimising the median |log(predicted / published)| over cases,
    with each case's leave-one-out error (predicted with factors fitted on the others)."""
    cat = catalog
    p, m, w, n = (grid or Grid()).arrays()
    eff = rf.Efficiency(prefill_mfu=p, decode_mfu=m, decode_bw=w, network=n)
    signed = _log_errors(cases, eff, cat)  # cases x grid
    err = np.abs(signed)

    def best_of(e: Any) -> int:
        return int(np.argmin(np.median(e, axis=0) + 1e-6 * np.mean(e, axis=0)))

    best = best_of(err)
    chosen = rf.Efficiency(float(p[best]), float(m[best]), float(w[best]), float(n[best]))
    loo = {c.id: float(np.expm1(signed[i, best_of(np.delete(err, i, axis=0))]))
           for i, c in enumerate(cases)}
    errors = {c.id: float(np.expm1(signed[i, best])) for i, c in enumerate(cases)}
    return Calibration(chosen, median_abs(errors.values()), errors, loo)


def _efficiency_file() -> dict[str, Any]:
    import yaml

    text = resources.files("llmecon").joinpath("data/inference/efficiency.yaml") \
        .read_text(encoding="utf-8")
    doc: dict[str, Any] = yaml.safe_load(text)
    return doc


def load_efficiency() -> rf.Efficiency:
    """The calibrated defaults bundled in ``data/inference/efficiency.yaml``."""
    return rf.Efficiency(**{k: float(v) for k, v in _efficiency_file()["efficiency"].items()})


def load_roofline_error() -> RooflineError:
    """The bundled factors' error on measured runs (``measured_check`` in
    ``data/inference/efficiency.yaml``; :mod:`llmecon.inference.crosscheck`)."""
    from llmecon.config.base import parse_config

    return parse_config(RooflineError, _efficiency_file().get("measured_check"),
                        "llmecon/data/inference/efficiency.yaml: measured_check")


@dataclass(frozen=True)
class AccuracyRow:
    case: Case
    predicted: float
    error: float
    loo_error: float | None


def case_errors(cases: list[Case], catalog: Catalog, eff: rf.Efficiency,
                loo: dict[str, float] | None = None) -> list[AccuracyRow]:
    """Prediction against publication for every case at the efficiency factors ``eff``."""
    rows = []
    for c in cases:
        pred = float(predict(c, eff, catalog))
        rows.append(AccuracyRow(c, pred, pred / c.published - 1.0,
                                None if loo is None else loo.get(c.id)))
    return rows


# ---------------------------------------------------------------- loaders + compute
def accuracy(loo: dict[str, float] | None = None) -> list[AccuracyRow]:
    """The bundled cases against the bundled catalog and efficiency factors (the
    ``inference accuracy`` command): loads, then calls :func:`case_errors`."""
    return case_errors(load_cases(), load_catalog(), load_efficiency(), loo)


def calibrate() -> Calibration:
    """Calibrate on the bundled cases and catalog (the ``inference calibrate`` command):
    loads, then calls :func:`fit_efficiency`."""
    return fit_efficiency(load_cases(), load_catalog())
