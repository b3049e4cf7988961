"""Predict tables of measured serving runs: TTFT, TPOT and output tokens/s per GPU.

A table in the format of ``shared/reference/measured_serving.csv`` (NVIDIA aiconfigurator's
``silicon_sample.csv`` columns) names a model, a GPU system, an engine, a precision, input
and output lengths, the requests kept in flight (``silicon_concurrency``) and the
parallelism of an aggregated worker (``agg``: prefill and decode on the same GPUs,
continuous batching with chunked prefill) or of the prefill and decode workers (``disagg``).
:func:`predict_runs` predicts every row in one vectorised pass with the roofline of
:mod:`llmecon.inference.roofline` and the factors of :class:`ServingFactors`:

- decode step ``t_d`` at the batch per GPU ``min(C, K) / GPUs`` (``K``: sequences whose
  KV cache at the full ``isl + osl`` context fits, paged), plus fixed times per layer
  (the engine's, and more for a mixture-of-experts layer);
- ``TPOT = t_d`` (disagg) or ``t_d + f x (B / osl) x isl / R`` (agg: each step also
  prefills the ``B / osl`` requests that replace finished ones; ``R`` the worker's prefill
  tokens/s, ``f`` the fitted interference);
- ``TTFT = overhead + isl / (r x TP) + t_d + burst x (n - 1) / 2 x isl x (1 / R + a) +
  queue`` (``a = t_d / CHUNK_TOKENS`` on an aggregated worker, which runs a decode step
  beside every chunk of prompt tokens; 0 on a prefill worker): a
  fixed time (per engine and layer, more per MoE layer and for a disaggregated
  deployment), the prompt on its tensor-parallel group, the wait behind the
  other ``n`` prompts of its wave on a prefill worker (fixed-length requests started together finish
  and return together), and, when ``C > K``, the wait for a free KV slot (whole waves of
  ``K`` requests). A table that does not say how many prefill or decode workers ran gets
  as many as its load needs (a planner);
- output tokens/s per GPU ``= C x osl / (W x (TTFT0 + osl x TPOT)) / GPUs``: the ``C``
  requests finish in ``W = ceil(C / K)`` waves of a request's time without queueing
  (``TTFT0``), so no more than ``K`` requests' output per GPU-second (for ``C <= K``,
  Little's law).

A prefill pass holds the prompts waiting (up to a chunk of :data:`CHUNK_TOKENS`), so at a
few prompts a mixture of experts' prefill is bound by reading its experts' weights, not by
compute. An aggregated worker listed larger than the system's scale-up domain with its
MoE tensor-parallel degree folded into ``tp`` (tp 64, moe 8 x 8 on an 8-GPU node: the
table repeats the 8-GPU run's measurements under that label) is read as the 8-GPU run.

Rows the model cannot read get a ``status`` saying why instead of a prediction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from llmecon.config.inference import FP4_FORMATS, PRECISION_BYTES, ServingFactors
from llmecon.errors import InputError, NotFoundError
from llmecon.inference import roofline as rf
from llmecon.inference.catalog import Catalog, Gpu
from llmecon.inference.cells import MAX_TOKENS, Cells
from llmecon.inference.engines import CHUNK_TOKENS, ENGINES, prefill_rate, row_efficiency

Array = np.ndarray[Any, Any]
REQUIRED = ("model_path", "system", "backend", "precision", "mode", "isl", "osl",
            "silicon_data_source")
PARALLEL = ("batch_size", "tp_size", "pp_size", "attention_dp_size", "moe_tp_size",
            "moe_ep_size")
#: The parts of a TPOT, in the order :func:`predict_runs` stacks them (the largest binds).
BOUNDS = np.array(["attention/KV", "dense weights", "experts", "communication",
                   "fixed step time", "prefill between steps"])
DISAGG = tuple(f"{w}_{k}" for w in ("prefill", "decode")
               for k in ("num_workers", "tp_size", "pp_size", "attention_dp_size"))


def load_measured(path: str | Path) -> Any:
    """Read a measured table (CSV) and check its columns; returns a pandas DataFrame."""
    import csv
    import warnings

    import pandas as pd

    p = Path(path)
    try:
        with open(p, newline="", encoding="utf-8-sig") as fh:
            # the first line with something on it (pandas skips blank lines to its header)
            header = next((r for r in csv.reader(fh) if any(c.strip() for c in r)), [])
        twice = sorted({h for h in header if header.count(h) > 1})
        if twice:  # pandas reads the second as 'isl.1' and the first is used
            raise InputError(f"{p}: column {twice[0][:60]!r} appears more than once in the "
                             "header")
        with warnings.catch_warnings():  # extra fields: pandas shifts every column
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(p, index_col=False)
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except pd.errors.ParserWarning:
        raise InputError(f"{p}: rows have more fields than the header's {len(header)} "
                         "columns") from None
    except (OSError, ValueError, csv.Error) as e:
        raise InputError(f"{p}: not a readable CSV table: {e}") from None
    missing = [c for c in (*REQUIRED, *PARALLEL, *DISAGG) if c not in frame.columns]
    if missing:
        raise InputError(f"{p}: expected the columns of measured_serving.csv; missing "
                         f"{', '.join(missing)}")
    return frame


@dataclass(frozen=True)
class Runs:
    """A measured table as arrays, one element per row (``ok`` rows can be predicted)."""

    status: Array  # "ok" or why the row cannot be modelled
    model_index: Array
    gpu_index: Array
    engine_index: Array
    models: tuple[str, ...]
    gpus: tuple[Gpu, ...]
    agg: Array
    isl: Array
    osl: Array
    concurrency: Array
    weight_bytes: Array
    kv_bytes: Array
    precision: Array
    # aggregated worker, or the decode workers of a disaggregated deployment
    tp: Array
    pp: Array
    gpus_per_worker: Array
    workers: Array
    # prefill workers (disagg; equal to the above for agg)
    prefill_tp: Array
    prefill_pp: Array
    prefill_gpus_per_worker: Array
    prefill_workers: Array

    def __len__(self) -> int:
        return int(self.status.size)


def _lookup(names: Any, find: Any, what: str) -> tuple[Array, list[Any], Array]:
    """Index of each name among the distinct ones found (-1 if unknown), and per row why
    not: "``what`` not in the catalog", or a model file's own error (unreadable, invalid)."""
    found: list[Any] = []
    keys: dict[str, int] = {}
    why: dict[str, str] = {}
    index = np.full(len(names), -1)
    for i, name in enumerate(names):
        key = str(name)
        if key not in keys and key.lower().endswith((".json", ".yaml", ".yml")):
            # a file here was read, then looked up again by name and aborted the table
            keys[key], why[key] = -1, (f"{what} {key[-60:]!r}: a catalog name, not a file "
                                       "(add the model to a catalog given with --catalog)")
        if key not in keys:
            try:
                found.append(find(key))
                keys[key] = len(found) - 1
            except NotFoundError:
                keys[key], why[key] = -1, f"{what} not in the catalog"
            except InputError as e:
                keys[key], why[key] = -1, str(e).split(";")[0]
        index[i] = keys[key]
    reasons: Array = np.array([why.get(str(name), "") for name in names], dtype=object)
    return index, found, reasons


def parse_runs(frame: Any, catalog: Catalog) -> Runs:
    """The rows of a measured table as arrays, each with a status (pure: no file reading)."""
    mi, models, model_why = _lookup(frame["model_path"].tolist(), catalog.model, "model")
    gi, gpus, _ = _lookup(frame["system"].tolist(), catalog.gpu, "system")
    engines = frame["backend"].astype(str).str.lower().tolist()
    ei = np.array([ENGINES.index(e) if e in ENGINES else -1 for e in engines])
    prec = ["bf16" if p is None or (isinstance(p, float) and np.isnan(p)) else str(p).lower()
            for p in frame["precision"].tolist()]
    prec_arr = np.array([p if p in PRECISION_BYTES else "?" for p in prec])
    wb = np.array([PRECISION_BYTES.get(p, np.nan) for p in prec_arr])
    kvb = np.where(wb < 2.0, 1.0, 2.0)
    mode = frame["mode"].astype(str).str.strip().str.lower().to_numpy()
    agg = mode == "agg"
    c = Cells(frame)
    domain = np.array([float(g.scale_up_domain) for g in gpus] + [np.inf])[gi]
    w = _layout(c, agg, domain)
    isl = c.number("isl", whole=False, upper=MAX_TOKENS)
    osl = c.number("osl", whole=False, upper=MAX_TOKENS)
    layers = np.array([float(m.layers) for m in models] + [np.inf])[mi]
    status = np.where(~agg & (mode != "disagg"), "mode: expected agg or disagg",
                      np.where(c.reasons != "", c.reasons, "ok")).astype(object)
    for bad, why in ((np.isnan(w.tp) | np.isnan(w.p_tp), "parallelism missing"),
                     (np.isnan(isl) | np.isnan(osl), "isl/osl missing"),
                     (np.isnan(w.conc), "concurrency missing"),
                     (prec_arr == "?", "precision not one of " + ", ".join(PRECISION_BYTES)),
                     (ei < 0, "engine not one of vllm, sglang, trtllm"),
                     (gi < 0, "system not in the catalog"),
                     (mi < 0, model_why),
                     (np.maximum(w.pp, w.p_pp) > layers, "more pipeline stages (pp) than the "
                                                         "model has layers"),
                     ((w.moe > np.maximum(w.tp * w.dp, domain))
                      | (w.p_moe > np.maximum(w.p_tp * w.p_dp, domain)),
                      "moe_tp_size x moe_ep_size spans more GPUs than the worker (tp x "
                      "attention_dp) and its scale-up domain")):
        status = np.where(bad & (status == "ok"), why, status)
    return Runs(status, mi, gi, ei, tuple(m.name for m in models), tuple(gpus), agg, isl, osl,
                w.conc, wb, kvb, prec_arr, w.tp, w.pp, _worker_gpus(w.tp, w.dp, w.pp, w.moe),
                w.workers, w.p_tp, w.p_pp, _worker_gpus(w.p_tp, w.p_dp, w.p_pp, w.p_moe),
                w.p_workers)


@dataclass(frozen=True)
class _Layout:
    conc: Array
    tp: Array
    pp: Array
    dp: Array
    moe: Array
    workers: Array
    p_tp: Array
    p_pp: Array
    p_dp: Array
    p_moe: Array
    p_workers: Array


def _layout(c: Cells, agg: Array, domain: Array) -> _Layout:
    """Concurrency and the workers' parallelism, from the columns of the row's mode (an
    aggregated worker's for ``agg``, the prefill and decode workers' for ``disagg``). Blank
    MoE and attention-DP sizes (or 0) mean none; blank worker counts are sized later."""
    dis = ~agg

    def size(col: str, rows: Array, default: float = np.nan, unset: bool = False) -> Array:
        return c.number(col, rows, default=default, zero_unset=unset)

    conc = c.concurrency(np.ones(len(agg), bool))
    for col in ("decode_batch_size", "prefill_batch_size"):  # not read (the concurrency
        if col in c.frame:  # is): a bad value is still named (a hostile-input audit)
            size(col, dis)
    dp_agg = size("attention_dp_size", agg, 1.0, True)
    conc = np.where(np.isnan(conc) & agg, size("batch_size", agg) * dp_agg, conc)
    a_tp, dp_agg, moe_agg = _fold_layout(size("tp_size", agg), dp_agg,
                                         size("moe_tp_size", agg, 1.0, True),
                                         size("moe_ep_size", agg, 1.0, True), domain)
    tp = np.where(agg, a_tp, size("decode_tp_size", dis))
    moe = np.where(agg, moe_agg, size("decode_moe_tp_size", dis, 1.0, True)
                   * size("decode_moe_ep_size", dis, 1.0, True))
    p_moe = np.where(agg, moe, size("prefill_moe_tp_size", dis, 1.0, True)
                     * size("prefill_moe_ep_size", dis, 1.0, True))
    pp = np.where(agg, size("pp_size", agg, 1.0), size("decode_pp_size", dis, 1.0))
    dp = np.where(agg, dp_agg, size("decode_attention_dp_size", dis, 1.0, True))
    p_tp = np.where(agg, tp, size("prefill_tp_size", dis))
    p_pp = np.where(agg, pp, size("prefill_pp_size", dis, 1.0))
    p_dp = np.where(agg, dp, size("prefill_attention_dp_size", dis, 1.0, True))
    # unknown worker counts (blank: NaN) are sized for the load (see predict_runs)
    workers = np.where(agg, 1.0, size("decode_num_workers", dis))
    p_workers = np.where(agg, 1.0, size("prefill_num_workers", dis))
    return _Layout(conc, tp, pp, dp, moe, workers, p_tp, p_pp, p_dp, p_moe, p_workers)


def _fold_layout(tp: Array, dp: Array, moe_tp: Array, moe_ep: Array, domain: Array
                 ) -> tuple[Array, Array, Array]:
    """An aggregated worker's (tp, attention dp, moe_tp x moe_ep), read physically.

    An aggregated worker runs inside one scale-up domain. Some rows give a worker of
    ``tp x dp`` GPUs larger than the domain with ``moe_tp x moe_ep = tp x dp`` and
    ``moe_tp > 1`` (e.g. tp 64, moe 8 x 8 on an 8-GPU H200 node): their measurements are
    those of the rows with ``moe_tp`` folded out (tp 8, moe_ep 8; the table repeats the
    same TTFT and TPOT under both labels), so they are read that way."""
    over = (tp * dp > domain) & (moe_tp > 1.0) & (moe_tp * moe_ep == tp * dp)
    f = np.where(over, moe_tp, 1.0)
    big_tp = tp >= dp
    return (np.where(big_tp, tp / f, tp), np.where(big_tp, dp, dp / f),
            np.where(over, moe_ep, moe_tp * moe_ep))


def _worker_gpus(tp: Array, dp: Array, pp: Array, moe: Array) -> Array:
    """GPUs of one worker: tp x attention-DP x pp, unless the MoE layout (moe_tp x moe_ep,
    over all GPUs of the worker) says fewer (tables that list the DP degree as a batch
    split rather than extra GPUs)."""
    out: Array = pp * np.where(moe > 1.0, np.minimum(tp * dp, np.maximum(moe, tp)), tp * dp)
    return out


def peak_precision(g: Gpu, prec: str) -> str:
    """The precision whose peak FLOP/s a run at ``prec`` on ``g`` is computed with: ``prec``
    itself, else FP8 (Hopper runs MXFP4 weights on its FP8 units), else BF16."""
    for p in (prec, "fp8"):
        try:
            g.peak_flops(p)
            return p
        except InputError:
            continue
    return "bf16"


def precision_note(g: Gpu, prec: str) -> str:
    """What a run says when :func:`peak_precision` is not ``prec`` ('' when it is)."""
    used = peak_precision(g, prec)
    why = " (as Hopper runs MXFP4 weights on FP8 units)" \
        if prec in FP4_FORMATS and used == "fp8" else ""
    return "" if used == prec else (
        f"{g.name} has no {prec} tensor throughput in the catalog: its {used} peak is "
        f"used{why}; choose a precision it has for its own")


def _hardware(runs: Runs, ok: Array) -> rf.Hardware:
    """Per-row hardware: peak at the run's precision (:func:`peak_precision`), BF16 peak
    for attention."""
    def peak(g: Gpu, prec: str) -> float:
        return g.peak_flops(peak_precision(g, prec))

    gi = np.where(ok, runs.gpu_index, 0)
    g = [runs.gpus[i] if runs.gpus else None for i in gi]
    flops = np.array([peak(x, p) if x is not None else 1.0 for x, p in zip(g, runs.precision,
                                                                           strict=True)])
    one = rf.Hardware.of(list(runs.gpus), "bf16") if runs.gpus else None

    def col(name: str) -> Array:
        if one is None:
            return np.ones(len(runs))
        out: Array = getattr(one, name)[gi]
        return out

    return rf.Hardware(flops, col("attn_flops"), col("bandwidth"), col("memory"),
                       col("scale_up"), col("scale_out"), col("domain"), col("in_switch"))


@dataclass(frozen=True)
class Predictions:
    """Predicted latency and throughput of each row (NaN where ``status`` is not ok)."""

    status: Array
    ttft_ms: Array
    tpot_ms: Array
    output_tok_s_per_gpu: Array
    max_sequences: Array  # K: sequences whose KV cache fits on the decode GPUs
    bound: Array  # the largest part of TPOT (a decode step's parts, prompt chunks between
    # steps in agg mode), or "kv-capacity" when C > K
    gpus: Array  # of the deployment: its worker, or its decode and prefill workers


def _wave_wait(concurrency: Array, slots: Array) -> Array:
    """Mean wait, in service times, of ``C`` fixed-length requests served in waves of
    ``K`` slots: wave j waits j service times."""
    k = np.maximum(slots, 1.0)
    full = np.floor(concurrency / k)
    rest = concurrency - full * k
    out: Array = (k * full * (full - 1.0) / 2.0 + rest * full) / concurrency
    return out


def _decode_capacity(runs: Runs, arch: rf.Arch, hw: rf.Hardware, eff: rf.Efficiency
                     ) -> tuple[Array, Array]:
    """Sequences of ``isl + osl`` tokens whose paged KV cache fits beside the weights on one
    (decode) worker, and the decode workers: as given, or, where a table does not say, as
    many as the requests in flight need (a planner sizing the decode pool)."""
    g, tp, pp = runs.gpus_per_worker, runs.tp, runs.pp
    # a stage of g / pp GPUs holds 1/pp of the layers: its weights and each sequence's KV
    # cache of those layers (so a worker holds as many sequences as its g GPUs have room)
    free = hw.memory * (1.0 - eff.memory_reserve) \
        - rf.stored_weight_bytes(arch, runs.weight_bytes, g / pp, tp) / pp
    per_seq = rf.kv_bytes_per_sequence(arch, runs.isl + runs.osl, runs.kv_bytes) \
        * rf.kv_copies(arch, tp)
    per_worker = np.floor(np.maximum(free, 0.0) / per_seq) * g
    workers = np.where(np.isnan(runs.workers),
                       np.ceil(runs.concurrency / np.maximum(per_worker, 1.0)), runs.workers)
    return per_worker, workers


def _status(runs: Runs, hw: rf.Hardware, per_worker: Array) -> Array:
    """The rows' status after the model's own checks: the weights and one sequence fit, and
    a worker of several GPUs has link bandwidths in the catalog (inside the scale-up
    domain, and over the network beyond it)."""
    gpus = np.maximum(runs.gpus_per_worker, runs.prefill_gpus_per_worker)
    out: Array = runs.status
    for bad, why in ((per_worker < 1.0, "weights and one sequence do not fit"),
                     ((gpus > 1) & ~(hw.scale_up > 0), "no scale-up link bandwidth in the "
                      "catalog for a worker of several GPUs"),
                     ((gpus > hw.domain) & ~(hw.scale_out > 0), "no network bandwidth in the "
                      "catalog for a worker larger than the scale-up domain")):
        out = np.where((out == "ok") & bad, why, out)
    return out


def _decode_step(runs: Runs, arch: rf.Arch, hw: rf.Hardware, eff: rf.Efficiency,
                 batch: Array, workers: Array) -> tuple[rf.DecodeResult, Array]:
    """A decode step of ``batch`` sequences over ``workers`` workers of ``pp`` stages
    (:func:`llmecon.inference.roofline.pipelined_decode`: its step time includes the
    activations' crossings of the stages, returned beside it)."""
    g = runs.gpus_per_worker
    return rf.pipelined_decode(arch, hw, weight_bytes=runs.weight_bytes,
                               kv_bytes=runs.kv_bytes, gpus=g, pp=runs.pp, tp=runs.tp,
                               batch_per_gpu=batch / (workers * g),
                               context=runs.isl + runs.osl / 2.0, eff=eff)


@np.errstate(divide="ignore", invalid="ignore")  # rows that cannot be modelled give NaN
def predict_runs(runs: Runs, arch_all: rf.Arch, factors: ServingFactors) -> Predictions:
    """Predict TTFT, TPOT and output tokens/s per GPU for every row, vectorised."""
    ok = runs.status == "ok"
    if not ok.any():
        nan = np.full(len(runs), np.nan)
        return Predictions(runs.status, nan, nan, nan, nan, np.full(len(runs), ""), nan)
    arch = arch_all.take(np.where(ok, runs.model_index, 0))
    hw = _hardware(runs, ok)
    eff, burst = row_efficiency(factors, runs.engine_index)
    ttft_s = rf.fixed_ttft_s(arch, eff, ~runs.agg)
    g, wb = runs.gpus_per_worker, runs.weight_bytes
    per_worker, workers = _decode_capacity(runs, arch, hw, eff)
    slots = per_worker * workers
    status = _status(runs, hw, per_worker)
    batch = np.minimum(runs.concurrency, np.maximum(slots, 1.0))
    d, p2p = _decode_step(runs, arch, hw, eff, batch, workers)
    fixed = rf.fixed_step_s(arch, eff)
    step = d.step_time_s  # the fixed time and the stage crossings included
    stage = g / runs.pp
    # a prefill pass holds the prompts waiting (at most a chunk of CHUNK_TOKENS, at least
    # one prompt): at a few prompts an MoE pass is bound by reading the experts' weights
    prompts = np.maximum(batch / np.nan_to_num(runs.prefill_workers, nan=1.0), 1.0)
    pass_tokens = np.minimum(prompts * runs.isl, np.maximum(runs.isl, CHUNK_TOKENS))
    pre = prefill_rate(arch, hw, eff, prompt=runs.isl, weight_bytes=wb,
                       gpus=runs.prefill_gpus_per_worker / runs.prefill_pp,
                       tp=runs.prefill_tp, pass_tokens=pass_tokens)
    worker_rate = pre * runs.prefill_gpus_per_worker  # prompt tokens/s of one prefill worker
    # prompt chunks between steps, spread over the GPUs that work at once: a pipeline with
    # fewer sequences than stages keeps only as many stages busy
    busy = stage * np.minimum(runs.pp, np.maximum(batch / workers, 1.0))
    interleaved = np.where(runs.agg, factors.prefill_interference * batch / runs.osl
                           * runs.isl / (pre * busy), 0.0)
    tpot = step + interleaved
    first = ttft_s + runs.isl / (pre * runs.prefill_tp) + step
    p_workers = np.where(np.isnan(runs.prefill_workers), np.ceil(
        batch / (first + runs.osl * tpot) * runs.isl
        / (worker_rate * factors.prefill_utilisation)), runs.prefill_workers)
    p_workers = np.maximum(p_workers, 1.0)
    # an aggregated worker interleaves a decode step with every chunk of prompt tokens
    per_token = 1.0 / worker_rate + np.where(runs.agg, step / CHUNK_TOKENS, 0.0)
    base = first + burst * np.maximum(batch / p_workers - 1.0, 0.0) / 2.0 * runs.isl \
        * per_token
    ttft = base + _wave_wait(runs.concurrency, slots) * (base + runs.osl * tpot)
    gpus_total = g * workers + np.where(runs.agg, 0.0,
                                        runs.prefill_gpus_per_worker * p_workers)
    # the requests run in waves of K: output per GPU-second never exceeds K requests'
    waves = np.ceil(runs.concurrency / np.maximum(slots, 1.0))
    tput = runs.concurrency * runs.osl / (waves * (base + runs.osl * tpot)) / gpus_total
    good = status == "ok"
    parts = np.stack([d.attention_s, d.dense_s, d.experts_s, d.comm_s + p2p, fixed,
                      interleaved])
    bound = np.where(runs.concurrency > slots, "kv-capacity",
                     BOUNDS[np.argmax(parts, axis=0)])

    def keep(x: Array) -> Array:
        out: Array = np.where(good, x, np.nan)
        return out

    return Predictions(status, keep(ttft * 1e3), keep(tpot * 1e3), keep(tput), keep(slots),
                       np.where(good, bound, ""), keep(gpus_total))


def predict_table(frame: Any, catalog: Catalog, factors: ServingFactors) -> Any:
    """The table with ``pred_ttft_ms``, ``pred_tpot_ms``, ``pred_output_tok_s_per_gpu``,
    ``pred_bound`` and ``status`` columns added (a copy)."""
    runs = parse_runs(frame, catalog)
    p = predict_runs(runs, rf.Arch.of([catalog.model(m) for m in runs.models]), factors)
    out = frame.copy()
    out["pred_ttft_ms"] = p.ttft_ms
    out["pred_tpot_ms"] = p.tpot_ms
    out["pred_output_tok_s_per_gpu"] = p.output_tok_s_per_gpu
    out["pred_bound"] = p.bound
    out["status"] = p.status
    return out


def model_names(runs: Runs) -> Sequence[str]:
    """The catalog name of each row's model ("" where unknown)."""
    return [runs.models[i] if i >= 0 else "" for i in runs.model_index]
