"""Throughput, latency and cost of one serving configuration, and fleets for a demand.

:class:`ServingConfig` is the validated input; :func:`evaluate` returns a
:class:`ServingResult` (tokens per GPU-second in prefill and decode, TTFT, TPOT, memory
arithmetic, cost per million tokens). :func:`size_fleet` turns a daily token demand and a
price list into GPUs, nodes, daily cost, revenue and margins.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from llmecon.errors import InputError
from llmecon.inference import roofline as rf
from llmecon.inference.catalog import ApiPrice, Catalog, Gpu, Model

SECONDS_PER_DAY = 86_400.0


def cost_per_million_tokens(gpu_hour_price: Any, tokens_per_gpu_second: Any) -> Any:
    """USD (or the price's currency) per million tokens at a GPU-hour price.

    >>> round(cost_per_million_tokens(2.0, 22_282 / 8), 4)  # LMSYS: $0.20 per M output
    0.1995
    """
    with np.errstate(divide="ignore"):
        out = np.asarray(gpu_hour_price, dtype=float) / (
            np.asarray(tokens_per_gpu_second, dtype=float) * 3600.0) * 1e6
    return float(out) if out.ndim == 0 else out


@dataclass(frozen=True)
class ServingConfig:
    """One deployment: model on GPUs, parallelism, batch (or latency target) and workload.

    ``gpus`` is the decode replica (its expert-parallel group); ``tp`` the tensor-parallel
    degree inside it (default: all GPUs for a dense model, 1 = data-parallel attention for
    a mixture-of-experts model). Give either ``batch_per_gpu`` or ``tpot_ms``; with neither,
    the batch is the largest that fits in memory.
    """

    model: str
    gpu: str
    precision: str = "fp8"
    kv_dtype: str = "bf16"
    gpus: int = 8
    tp: int | None = None
    batch_per_gpu: float | None = None
    tpot_ms: float | None = None
    input_tokens: float = 2000.0
    output_tokens: float = 500.0
    cache_hit: float = 0.0
    mtp_draft: int = 0
    mtp_accept: float = 0.0
    gpu_hour_price: float | None = None
    prefill_gpus: int | None = None

    def checked(self) -> ServingConfig:
        def bad(field: str, expected: str) -> InputError:
            return InputError(f"{field}: expected {expected}, found {getattr(self, field)!r}")

        if self.precision not in rf.BYTES:
            raise bad("precision", f"one of {', '.join(rf.BYTES)}")
        if self.kv_dtype not in rf.BYTES:
            raise bad("kv_dtype", f"one of {', '.join(rf.BYTES)}")
        if self.gpus < 1:
            raise bad("gpus", "a whole number >= 1")
        if self.tp is not None and (self.tp < 1 or self.gpus % self.tp):
            raise bad("tp", f"a divisor of gpus ({self.gpus})")
        if self.batch_per_gpu is not None and self.batch_per_gpu <= 0:
            raise bad("batch_per_gpu", "a number > 0")
        if self.batch_per_gpu is not None and self.tpot_ms is not None:
            raise InputError("batch_per_gpu and tpot_ms: give one of them, not both")
        if self.tpot_ms is not None and self.tpot_ms <= 0:
            raise bad("tpot_ms", "milliseconds > 0")
        if self.input_tokens < 1:
            raise bad("input_tokens", "a number >= 1")
        if self.output_tokens < 1:
            raise bad("output_tokens", "a number >= 1")
        if not 0.0 <= self.cache_hit < 1.0:
            raise bad("cache_hit", "a share in [0, 1)")
        if self.mtp_draft < 0 or not 0.0 <= self.mtp_accept <= 1.0:
            raise InputError(f"mtp_draft / mtp_accept: expected draft >= 0 and acceptance in "
                             f"[0, 1], found {self.mtp_draft} / {self.mtp_accept}")
        if self.gpu_hour_price is not None and self.gpu_hour_price < 0:
            raise bad("gpu_hour_price", "a price >= 0")
        if self.prefill_gpus is not None and self.prefill_gpus < 1:
            raise bad("prefill_gpus", "a whole number >= 1")
        return self


@dataclass(frozen=True)
class ServingResult:
    """Throughput, latency, memory and cost of a :class:`ServingConfig`."""

    config: ServingConfig
    model: str
    gpu: str
    batch_per_gpu: float
    max_batch_per_gpu: float
    weights_gb_per_gpu: float
    kv_gb_per_sequence: float
    free_gb_per_gpu: float
    prefill_tokens_per_gpu_s: float
    decode_tokens_per_gpu_s: float
    tpot_ms: float
    ttft_ms: float
    step_ms: float
    attention_ms: float
    dense_ms: float
    experts_ms: float
    comm_ms: float
    gpu_hour_price: float | None
    price_source: str
    cost_input_miss: float | None
    cost_input_hit: float | None
    cost_output: float | None

    @property
    def bound(self) -> str:
        """The largest part of a decode step."""
        parts = {"attention/KV": self.attention_ms, "dense weights": self.dense_ms,
                 "experts": self.experts_ms, "communication": self.comm_ms}
        return max(parts, key=lambda k: parts[k])

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["bound"] = self.bound
        return d

    def to_frame(self) -> Any:
        import pandas as pd

        d = self.to_dict()
        cfg = d.pop("config")
        return pd.DataFrame([{**{f"config.{k}": v for k, v in cfg.items()}, **d}])


def _parts(cat: Catalog, cfg: ServingConfig) -> tuple[Model, Gpu, rf.Arch, rf.Hardware, int]:
    model, gpu = cat.model(cfg.model), cat.gpu(cfg.gpu)
    tp = cfg.tp if cfg.tp is not None else (1 if model.is_moe else cfg.gpus)
    if cfg.gpus > gpu.scale_up_domain and not gpu.scale_out_gbs:
        raise InputError(f"gpus: {cfg.gpus} {gpu.name} exceed its scale-up domain of "
                         f"{gpu.scale_up_domain} and the catalog has no scale_out_gbs for it")
    return model, gpu, rf.Arch.of([model]), rf.Hardware.of([gpu], cfg.precision), tp


def evaluate(cfg: ServingConfig, cat: Catalog, eff: rf.Efficiency) -> ServingResult:
    """Evaluate one configuration; a configuration that does not fit says why."""
    cfg = cfg.checked()
    model, gpu, arch, hw, tp = _parts(cat, cfg)
    wb, kvb = rf.BYTES[cfg.precision], rf.BYTES[cfg.kv_dtype]
    max_ctx = cfg.input_tokens + cfg.output_tokens
    if max_ctx > model.context_length:
        raise InputError(f"input_tokens + output_tokens: {max_ctx:,.0f} exceed "
                         f"{model.name}'s context length of {model.context_length:,}")
    weights = float(rf.stored_weight_bytes(arch, wb, cfg.gpus, tp)[0])
    usable = gpu.memory_gb * 1e9 * (1 - eff.memory_reserve)
    per_seq = float((rf.kv_bytes_per_sequence(arch, max_ctx, kvb) * rf.kv_copies(arch, tp))[0])
    if weights >= usable:
        raise InputError(
            f"{model.name} in {cfg.precision} does not fit on {cfg.gpus} x {gpu.name}: "
            f"{float(arch.total[0]) * wb / 1e9:,.0f} GB of weights is {weights / 1e9:,.1f} GB "
            f"per GPU (tp={tp}), more than the {usable / 1e9:,.1f} GB usable of "
            f"{gpu.memory_gb:g} GB ({eff.memory_reserve:.0%} reserved); use more GPUs or a "
            "smaller precision")
    max_batch = math.floor((usable - weights) / per_seq)
    common: dict[str, Any] = dict(weight_bytes=wb, kv_bytes=kvb, gpus=cfg.gpus, tp=tp,
                                  eff=eff,
                                  mtp_draft=cfg.mtp_draft, mtp_accept=cfg.mtp_accept)
    context = cfg.input_tokens + cfg.output_tokens / 2.0
    if cfg.batch_per_gpu is not None:
        batch = cfg.batch_per_gpu
        if batch > max_batch:
            raise InputError(
                f"batch_per_gpu: {batch:g} sequences of {max_ctx:,.0f} tokens need "
                f"{batch:g} x {per_seq / 1e6:,.1f} MB = {batch * per_seq / 1e9:,.1f} GB of KV "
                f"cache per GPU, but only {(usable - weights) / 1e9:,.1f} GB is free "
                f"({usable / 1e9:,.1f} GB usable - {weights / 1e9:,.1f} GB of weights); at "
                f"most {max_batch} fit")
    elif cfg.tpot_ms is not None:
        batch = float(rf.batch_for_tpot(arch, hw, tpot_s=cfg.tpot_ms / 1e3,
                                        max_batch=max_batch, context=context, **common)[0])
        if batch < 1:
            one = rf.decode(arch, hw, batch_per_gpu=1.0, context=context, **common)
            raise InputError(f"tpot_ms: even one sequence per GPU takes "
                             f"{float(one.tpot_s[0]) * 1e3:,.1f} ms per token, more than "
                             f"{cfg.tpot_ms:g} ms")
    else:
        if max_batch < 1:
            raise InputError(f"input_tokens + output_tokens: one sequence of {max_ctx:,.0f} "
                             f"tokens needs {per_seq / 1e9:,.2f} GB of KV cache; only "
                             f"{(usable - weights) / 1e9:,.2f} GB is free per GPU")
        batch = float(max_batch)
    d = rf.decode(arch, hw, batch_per_gpu=batch, context=context, **common)
    pre_gpus = cfg.prefill_gpus or cfg.gpus
    pre_tp = min(tp, pre_gpus)
    prefill = float(rf.prefill_tokens_per_gpu_s(arch, hw, prompt=cfg.input_tokens, eff=eff,
                                                weight_bytes=wb, gpus=pre_gpus,
                                                tp=pre_tp)[0])
    # TTFT without queueing: the new prompt tokens on the GPUs that share one prompt (the
    # tensor-parallel group; one GPU under data-parallel attention), then one decode step
    new_tokens = cfg.input_tokens * (1 - cfg.cache_hit)
    ttft = new_tokens / (prefill * pre_tp) + float(d.step_time_s[0])
    price = cfg.gpu_hour_price
    source = "given"
    if price is None:
        row = cat.gpu_price(gpu.name)
        price, source = (row.price, f"{row.provider}, {row.as_of}") if row else (None, "")
    hit_seconds = float(rf.kv_bytes_per_sequence(arch, 1.0, kvb)[0] - arch.linear_state[0]
                        * kvb) / (gpu.bandwidth_tbs * 1e12 * float(eff.decode_bw))
    decode_tps = float(d.tokens_per_gpu_s[0])
    return ServingResult(
        config=cfg, model=model.name, gpu=gpu.name, batch_per_gpu=batch,
        max_batch_per_gpu=float(max_batch), weights_gb_per_gpu=weights / 1e9,
        kv_gb_per_sequence=per_seq / 1e9, free_gb_per_gpu=(usable - weights) / 1e9,
        prefill_tokens_per_gpu_s=prefill, decode_tokens_per_gpu_s=decode_tps,
        tpot_ms=float(d.tpot_s[0]) * 1e3, ttft_ms=ttft * 1e3,
        step_ms=float(d.step_time_s[0]) * 1e3, attention_ms=float(d.attention_s[0]) * 1e3,
        dense_ms=float(d.dense_s[0]) * 1e3, experts_ms=float(d.experts_s[0]) * 1e3,
        comm_ms=float(d.comm_s[0]) * 1e3, gpu_hour_price=price, price_source=source,
        cost_input_miss=None if price is None else cost_per_million_tokens(price, prefill),
        cost_input_hit=None if price is None else price / 3600.0 * hit_seconds * 1e6,
        cost_output=None if price is None else cost_per_million_tokens(price, decode_tps),
    )


# ---------------------------------------------------------------- fleets
@dataclass(frozen=True)
class Demand:
    """Daily token demand, its peak and a price list to earn from it."""

    input_tokens_per_day: float
    output_tokens_per_day: float
    cache_hit: float = 0.0
    peak_to_average: float = 1.0
    price_input_miss: float = 0.0
    price_input_hit: float = 0.0
    price_output: float = 0.0
    paid_share: float = 1.0
    discount: float = 0.0
    gpus_per_node: int = 8

    def checked(self) -> Demand:
        for k in ("input_tokens_per_day", "output_tokens_per_day", "price_input_miss",
                  "price_input_hit", "price_output"):
            if getattr(self, k) < 0:
                raise InputError(f"{k}: expected a number >= 0, found {getattr(self, k)!r}")
        if self.peak_to_average < 1:
            raise InputError(f"peak_to_average: expected >= 1, found {self.peak_to_average!r}")
        for k in ("cache_hit", "paid_share", "discount"):
            if not 0 <= getattr(self, k) <= 1:
                raise InputError(f"{k}: expected a share in [0, 1], found {getattr(self, k)!r}")
        if self.gpus_per_node < 1:
            raise InputError("gpus_per_node: expected >= 1")
        return self

    def with_price_list(self, price: ApiPrice) -> Demand:
        return replace(self, price_input_miss=price.input_cache_miss,
                       price_input_hit=price.input_cache_hit if price.input_cache_hit
                       is not None else price.input_cache_miss, price_output=price.output)


@dataclass(frozen=True)
class Fleet:
    """GPUs and nodes for a demand, what they cost a day, what the demand pays, margins."""

    prefill_gpus_average: float
    decode_gpus_average: float
    nodes_average: int
    nodes_peak: int
    daily_cost: float
    daily_cost_at_average: float
    daily_revenue: float
    gross_margin: float
    cost_profit_margin: float
    cost_per_million_output_equivalent: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def fleet_gpus(input_per_s: Any, output_per_s: Any, prefill_tps: Any, decode_tps: Any
               ) -> tuple[Any, Any]:
    """GPUs busy on prefill and on decode for token rates (prefill/decode disaggregated)."""
    return input_per_s / prefill_tps, output_per_s / decode_tps


def gross_margin(revenue: Any, cost: Any) -> Any:
    """(revenue - cost) / revenue; NaN without revenue."""
    r = np.asarray(revenue, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(r > 0, (r - cost) / np.where(r > 0, r, 1.0), np.nan)
    return float(out) if out.ndim == 0 else out


def size_fleet(result: ServingResult, demand: Demand) -> Fleet:
    """Nodes at average and peak load, the daily cost of a fleet provisioned for the peak
    (and of one that follows the load), revenue at the price list, gross margin and the
    "cost profit margin" (profit / cost)."""
    d = demand.checked()
    if result.gpu_hour_price is None:
        raise InputError(f"gpu_hour_price: no price bundled for {result.gpu}; give one")
    new_in = d.input_tokens_per_day * (1 - d.cache_hit) / SECONDS_PER_DAY
    out = d.output_tokens_per_day / SECONDS_PER_DAY
    pre, dec = fleet_gpus(new_in, out, result.prefill_tokens_per_gpu_s,
                          result.decode_tokens_per_gpu_s)
    avg_nodes = math.ceil((pre + dec) / d.gpus_per_node) if pre + dec > 0 else 0
    peak_nodes = math.ceil(d.peak_to_average * (pre + dec) / d.gpus_per_node) \
        if pre + dec > 0 else 0
    price = result.gpu_hour_price
    cost = peak_nodes * d.gpus_per_node * 24.0 * price
    cost_avg = (pre + dec) * 24.0 * price
    hit = d.input_tokens_per_day * d.cache_hit
    miss = d.input_tokens_per_day - hit
    revenue = (miss * d.price_input_miss + hit * d.price_input_hit
               + d.output_tokens_per_day * d.price_output) / 1e6 * d.paid_share * (1 - d.discount)
    equiv = d.output_tokens_per_day / 1e6
    return Fleet(pre, dec, avg_nodes, peak_nodes, cost, cost_avg, revenue,
                 gross_margin(revenue, cost),
                 (revenue - cost) / cost if cost > 0 else float("nan"),
                 cost / equiv if equiv > 0 else float("nan"))
