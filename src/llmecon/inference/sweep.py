"""Grids of configurations evaluated in one vectorised call.

A sweep crosses models x GPUs x batch sizes x context lengths x GPU-hour prices and
returns throughput, cost per million tokens and whether each configuration fits in
memory, without a Python loop over configurations. It evaluates what
:func:`llmecon.inference.serving.evaluate` does for one configuration (the serving model
with one engine's efficiency and fixed times: :mod:`llmecon.inference.engines`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from llmecon.errors import InputError
from llmecon.formulas import cost_per_million_tokens
from llmecon.inference import roofline as rf
from llmecon.inference.catalog import Catalog
from llmecon.inference.engines import CHUNK_TOKENS, prefill_rate
from llmecon.inference.serving import check_links, check_stages

if TYPE_CHECKING:
    import pandas as pd

Array = np.ndarray[Any, Any]


@dataclass(frozen=True)
class Sweep:
    """Results of a sweep; every array has one element per configuration."""

    models: tuple[str, ...]
    gpus: tuple[str, ...]
    model_index: Array
    gpu_index: Array
    batch_per_gpu: Array
    input_tokens: Array
    gpu_hour_price: Array
    fits: Array
    max_batch_per_gpu: Array
    decode_tokens_per_gpu_s: Array
    prefill_tokens_per_gpu_s: Array
    tpot_ms: Array
    cost_output: Array
    cost_input_miss: Array

    def __len__(self) -> int:
        return int(self.fits.size)

    #: The value columns, in output order, after ``model`` and ``gpu``: (name, attribute).
    COLUMNS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("batch_per_gpu", "batch_per_gpu"), ("input_tokens", "input_tokens"),
        ("gpu_hour_price", "gpu_hour_price"), ("fits", "fits"),
        ("max_batch_per_gpu", "max_batch_per_gpu"),
        ("decode_tokens_per_gpu_s", "decode_tokens_per_gpu_s"),
        ("prefill_tokens_per_gpu_s", "prefill_tokens_per_gpu_s"), ("tpot_ms", "tpot_ms"),
        ("cost_per_m_output", "cost_output"), ("cost_per_m_input_miss", "cost_input_miss"))

    def columns(self) -> dict[str, Array]:
        """The model and GPU indexes and the value columns as numpy arrays (no copies)."""
        out = {"model_index": self.model_index, "gpu_index": self.gpu_index}
        return out | {name: getattr(self, attr) for name, attr in self.COLUMNS}

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        def names(codes: Array, values: tuple[str, ...]) -> Any:  # stored once, not per row
            return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(list(values)))

        return pd.DataFrame({"model": names(self.model_index, self.models),
                             "gpu": names(self.gpu_index, self.gpus),
                             **{name: getattr(self, attr) for name, attr in self.COLUMNS}})


def _precision_for(gpu: Any, precision: str) -> str:
    """``precision``, or INT8 for a chip that has no FP8 (A100, Ascend): W8A8."""
    if precision == "fp8" and gpu.fp8_tflops is None and gpu.int8_tops:
        return "int8"
    return precision


#: Peak memory per configuration of a sweep written to a file: 122 bytes measured at 36M
#: and 120M configurations (a hostile-input audit, 2026-11-30), rounded up.
SWEEP_BYTES_PER_ROW = 128


def check_sweep_memory(rows: int, budget_bytes: int, bytes_per_row: int = SWEEP_BYTES_PER_ROW
                       ) -> None:
    """Refuse, before any work, a grid whose planned memory exceeds ``budget_bytes``."""
    need = rows * bytes_per_row
    if need > budget_bytes:
        raise InputError(f"memory: {rows:,} configurations need about {need / 2**30:,.1f} GiB; "
                         f"the budget is {budget_bytes / 2**30:g} GiB: sweep fewer values "
                         "or raise --memory-budget")


def _check_grid(batches: Sequence[float], input_tokens: Sequence[float],
                prices: Sequence[float], replica_gpus: int, pp: int, precision: str,
                kv_dtype: str) -> None:
    for name, values in (("batches", batches), ("input_tokens", input_tokens),
                         ("prices", prices)):
        if not len(values) or min(values) <= 0:
            raise InputError(f"{name}: expected one or more numbers > 0, found {list(values)}")
    if min(batches) * replica_gpus < 1:
        raise InputError(f"batches: expected at least one sequence on the {replica_gpus} GPUs "
                         f"of a replica (batch per GPU >= 1/{replica_gpus}), found "
                         f"{min(batches):g}")
    if pp < 1 or replica_gpus % pp:
        raise InputError(f"pp: expected a divisor of replica_gpus ({replica_gpus}), found {pp}")
    if precision not in rf.BYTES or kv_dtype not in rf.BYTES:
        raise InputError(f"precision / kv_dtype: expected one of {', '.join(rf.BYTES)}")


def run_sweep(cat: Catalog, eff: rf.Efficiency, *, models: Sequence[str], gpus: Sequence[str],
              batches: Sequence[float], input_tokens: Sequence[float],
              prices: Sequence[float], output_tokens: float = 500.0, precision: str = "fp8",
              kv_dtype: str = "bf16", replica_gpus: int = 8, pp: int = 1,
              memory_budget_bytes: int | None = None,
              bytes_per_row: int = SWEEP_BYTES_PER_ROW) -> Sweep:
    """The full cross product of the given values in one numpy pass (replicas of
    ``replica_gpus`` GPUs in ``pp`` stages); a grid planned above ``memory_budget_bytes``
    is refused first."""
    if memory_budget_bytes is not None:
        check_sweep_memory(len(models) * len(gpus) * len(batches) * len(input_tokens)
                           * len(prices), memory_budget_bytes, bytes_per_row)
    _check_grid(batches, input_tokens, prices, replica_gpus, pp, precision, kv_dtype)
    ms, gs = [cat.model(m) for m in models], [cat.gpu(g) for g in gpus]
    for m in ms:
        check_stages(m, pp)
    for g in gs:
        check_links(g, replica_gpus, "replica_gpus")
    arch_all = rf.Arch.of(ms)
    hw_all = rf.Hardware.of(gs, [_precision_for(g, precision) for g in gs])
    # Broadcast rather than expand: models along axis 0, GPUs along 1, batches, inputs and
    # prices along 2-4, so per-model and per-GPU terms are computed once, not per row.
    shape = (len(ms), len(gs), len(batches), len(input_tokens), len(prices))
    arch = _along(arch_all, rf.Arch, 0)
    hw = _along(hw_all, rf.Hardware, 1)
    batch = _axis(np.asarray(batches, dtype=float), 2)
    isl = _axis(np.asarray(input_tokens, dtype=float), 3)
    price = _axis(np.asarray(prices, dtype=float), 4)
    stage = replica_gpus // pp  # GPUs of a pipeline stage; a dense model's TP group
    tp = np.where(arch.experts > 0, 1.0, float(stage))
    wb, kvb = rf.BYTES[precision], rf.BYTES[kv_dtype]
    # KV capacity as ``throughput`` sizes it: paged allocation at the average context
    # (input + output / 2), and none at all where one sequence's full context does not fit
    def capacity(context: Any) -> Any:
        return rf.max_batch_per_gpu(arch, hw, weight_bytes=wb, kv_bytes=kvb, gpus=replica_gpus,
                                    pp=pp, tp=tp, max_context=context, eff=eff)

    cap = np.where(capacity(isl + output_tokens) >= 1,
                   capacity(isl + output_tokens / 2.0), 0.0)
    d, _ = rf.pipelined_decode(arch, hw, weight_bytes=wb, kv_bytes=kvb, gpus=replica_gpus,
                               pp=pp, tp=tp, batch_per_gpu=batch,
                               context=isl + output_tokens / 2.0, eff=eff)
    pre = prefill_rate(arch, hw, eff, prompt=isl, weight_bytes=wb, gpus=stage, tp=tp,
                       pass_tokens=np.maximum(isl, CHUNK_TOKENS))

    def flat(v: Any) -> Array:
        out: Array = np.broadcast_to(v, shape).ravel()
        return out

    mi, gi = flat(_axis(np.arange(len(ms)), 0)), flat(_axis(np.arange(len(gs)), 1))
    batch, isl, price = flat(batch), flat(isl), flat(price)
    cap, pre, tokens, tpot = flat(cap), flat(pre), flat(d.tokens_per_gpu_s), flat(d.tpot_s)
    # no rate or cost (NaN: blank in CSV, null in JSON) for a batch that does not fit, nor
    # a prompt rate where the weights and one sequence do not (a row that cannot run)
    fits = batch <= cap
    tokens, tpot = np.where(fits, tokens, np.nan), np.where(fits, tpot, np.nan)
    pre = np.where(cap > 0, pre, np.nan)
    return Sweep(tuple(m.name for m in ms), tuple(g.name for g in gs), mi, gi, batch, isl,
                 price, fits, cap, tokens, pre, tpot * 1e3,
                 cost_per_million_tokens(price, tokens), cost_per_million_tokens(price, pre))


def _axis(v: Array, axis: int) -> Array:
    """``v`` laid along ``axis`` of the five grid axes (length 1 on the others)."""
    shape = [1] * 5
    shape[axis] = len(v)
    return v.reshape(shape)


def _along(obj: Any, cls: Any, axis: int) -> Any:
    """A dataclass of per-item arrays with each array laid along ``axis``."""
    return cls(**{f.name: _axis(np.asarray(getattr(obj, f.name)), axis) for f in fields(obj)})
