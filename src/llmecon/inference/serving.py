"""Throughput, latency and cost of one serving configuration, and fleets for a demand.

:class:`ServingConfig` is the validated input; :func:`evaluate` returns a
:class:`ServingResult` (tokens per GPU-second in prefill and decode, TTFT, TPOT, memory
arithmetic, cost per million tokens). :func:`size_fleet` turns a daily token demand and a
price list into GPUs, nodes, daily cost, revenue and margins.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any

from llmecon import formulas as fm
from llmecon.config.deployment import Demand, ServingConfig
from llmecon.constants import SECONDS_PER_DAY, SECONDS_PER_HOUR, TOKENS_PER_MILLION
from llmecon.errors import InputError
from llmecon.formulas import cost_per_million_tokens
from llmecon.inference import roofline as rf
from llmecon.inference.catalog import Catalog, Gpu, Model
from llmecon.inference.engines import CHUNK_TOKENS, prefill_rate

if TYPE_CHECKING:
    import pandas as pd

#: The currency of every GPU-hour price, token cost, revenue and fleet cost here.
CURRENCY = "USD"

__all__ = ["CURRENCY", "Demand", "Fleet", "ServingConfig", "ServingResult",
           "cost_per_million_tokens", "evaluate", "fleet_gpus", "gpus_following_the_load",
           "replica_nodes", "size_fleet"]


@dataclass(frozen=True)
class ServingResult:
    """Throughput, latency, memory and cost of a :class:`ServingConfig`."""

    config: ServingConfig
    model: str
    gpu: str
    batch_per_gpu: float
    max_batch_per_gpu: float
    weights_gb_per_gpu: float
    kv_gb_per_sequence: float  # at the average context (paged allocation)
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
    fixed_ms: float  # the engine's fixed time in every decode step
    gpu_hour_price: float | None
    price_source: str
    cost_input_miss: float | None
    cost_input_hit: float | None
    cost_output: float | None
    gpus_per_node: int = 8
    cost_input_hit_read: float | None = None
    cost_input_hit_storage: float | None = None
    kv_gb_per_sequence_max: float = 0.0  # at the full context (input + output)
    pipeline_ms: float = 0.0  # activations crossing pipeline stages in a decode step

    @property
    def bound(self) -> str:
        """The largest part of a decode step."""
        parts = {"attention/KV": self.attention_ms, "dense weights": self.dense_ms,
                 "experts": self.experts_ms, "communication": self.comm_ms,
                 "pipeline links": self.pipeline_ms,
                 "fixed step time": self.fixed_ms}
        return max(parts, key=lambda k: parts[k])

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: a missing or undefined number is None, with its reason
        under ``notes`` (never NaN)."""
        d = {k: v for k, v in self.__dict__.items() if k != "config"}
        d = {"config": self.config.model_dump(), **d}
        d["bound"], d["currency"] = self.bound, CURRENCY
        reasons = {} if self.gpu_hour_price is not None else {
            k: "no GPU-hour price given or bundled for this GPU"
            for k in ("cost_input_miss", "cost_input_hit", "cost_output",
                      "cost_input_hit_read", "cost_input_hit_storage")}
        return strict_json(d, reasons)

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        d = self.to_dict()
        cfg = d.pop("config")
        return pd.DataFrame([{**{f"config.{k}": v for k, v in cfg.items()}, **d}])


def check_links(gpu: Gpu, gpus: int, field: str) -> None:
    """A replica of ``gpus`` needs the catalog's link bandwidths: inside the scale-up domain
    (``scale_up_gbs``) for more than one GPU, and over the network (``scale_out_gbs``) beyond
    the domain; without them its collectives would take no time or forever."""
    if gpus > gpu.scale_up_domain and not gpu.scale_out_gbs:
        raise InputError(f"{field}: {gpus} {gpu.name} exceed its scale-up domain of "
                         f"{gpu.scale_up_domain} and the catalog has no scale_out_gbs for it")
    if gpus > 1 and not gpu.scale_up_gbs:
        raise InputError(f"{field}: a replica of {gpus} {gpu.name} needs their link bandwidth"
                         " and the catalog has no scale_up_gbs for it (give it in a catalog"
                         " file, or use one GPU)")


def check_stages(model: Model, pp: int) -> None:
    """Each of ``pp`` pipeline stages holds at least one of the model's layers."""
    if pp > model.layers:
        raise InputError(f"pp: {pp} pipeline stages, more than {model.name}'s "
                         f"{model.layers} layers")


def _parts(cat: Catalog, cfg: ServingConfig) -> tuple[Model, Gpu, rf.Arch, rf.Hardware, int]:
    model, gpu = cat.model(cfg.model), cat.gpu(cfg.gpu)
    if cfg.mtp_draft and not model.mtp_modules:
        raise InputError(f"mtp_draft: {model.name} has no multi-token-prediction modules "
                         f"(mtp_modules: 0), so it drafts no tokens; drafts from a separate "
                         f"model (EAGLE, a small draft model) are not modelled; found "
                         f"{cfg.mtp_draft}")
    check_stages(model, cfg.pp)
    tp = cfg.tp if cfg.tp is not None else (1 if model.is_moe else cfg.gpus // cfg.pp)
    check_links(gpu, max(cfg.gpus, cfg.prefill_gpus or 0), "gpus")
    return model, gpu, rf.Arch.of([model]), rf.Hardware.of([gpu], cfg.precision), tp


@dataclass(frozen=True)
class _Memory:
    """Bytes per GPU: usable HBM, weights, and the KV cache of one sequence at its average
    context (paged allocation under continuous batching: sequences are at every stage of
    their output, input + output / 2 tokens on average) and at its full context."""

    usable: float
    weights: float
    per_seq: float
    per_seq_max: float

    @property
    def free(self) -> float:
        return self.usable - self.weights

    @property
    def max_batch(self) -> int:
        return math.floor(self.free / self.per_seq)


def _memory(cfg: ServingConfig, model: Model, gpu: Gpu, arch: rf.Arch, tp: int,
            eff: rf.Efficiency) -> _Memory:
    """Memory arithmetic of a replica; weights that do not fit are an error that says why."""
    wb, kvb = rf.BYTES[cfg.precision], rf.BYTES[cfg.kv_dtype]
    max_ctx = cfg.input_tokens + cfg.output_tokens
    if max_ctx > model.context_length:
        raise InputError(f"input_tokens + output_tokens: {max_ctx:,.0f} exceed "
                         f"{model.name}'s context length of {model.context_length:,}")
    # a stage of gpus / pp GPUs holds 1 / pp of the layers and of each sequence's KV cache
    weights = float(rf.stored_weight_bytes(arch, wb, cfg.gpus / cfg.pp, tp)[0]) / cfg.pp
    usable = gpu.memory_gb * 1e9 * (1 - eff.memory_reserve)
    def kv(context: float) -> float:
        return float((rf.kv_bytes_per_sequence(arch, context, kvb) * rf.kv_copies(arch, tp))[0])

    if weights >= usable:
        raise InputError(
            f"{model.name} in {cfg.precision} does not fit on {cfg.gpus} x {gpu.name}: "
            f"{float(arch.total[0]) * wb / 1e9:,.0f} GB of weights is {weights / 1e9:,.1f} GB "
            f"per GPU (tp={tp}, pp={cfg.pp}), more than the {usable / 1e9:,.1f} GB usable of "
            f"{gpu.memory_gb:g} GB ({eff.memory_reserve:.0%} reserved); use more GPUs or a "
            "smaller precision")
    mem = _Memory(usable, weights, kv(cfg.input_tokens + cfg.output_tokens / 2.0), kv(max_ctx))
    if mem.per_seq_max > mem.free:
        raise InputError(f"input_tokens + output_tokens: one sequence of {max_ctx:,.0f} "
                         f"tokens needs {mem.per_seq_max / 1e9:,.2f} GB of KV cache; only "
                         f"{mem.free / 1e9:,.2f} GB is free per GPU")
    return mem


def _batch(cfg: ServingConfig, arch: rf.Arch, hw: rf.Hardware, mem: _Memory,
           common: dict[str, Any], context: float) -> float:
    """The batch per GPU: given (and checked against memory), the largest within a TPOT
    target, or the largest that fits."""
    avg_ctx = cfg.input_tokens + cfg.output_tokens / 2.0
    if cfg.batch_per_gpu is not None:
        batch = cfg.batch_per_gpu
        if batch > mem.max_batch:
            raise InputError(
                f"batch_per_gpu: {batch:g} sequences of {avg_ctx:,.0f} tokens on average need "
                f"{batch:g} x {mem.per_seq / 1e6:,.1f} MB = {batch * mem.per_seq / 1e9:,.1f} GB "
                f"of KV cache per GPU, but only {mem.free / 1e9:,.1f} GB is free "
                f"({mem.usable / 1e9:,.1f} GB usable - {mem.weights / 1e9:,.1f} GB of weights);"
                f" at most {mem.max_batch} fit")
        return batch
    if cfg.tpot_ms is not None:
        batch = float(rf.batch_for_tpot(arch, hw, tpot_s=cfg.tpot_ms / 1e3,
                                        max_batch=mem.max_batch, context=context,
                                        **common)[0])
        if batch < 1:
            one, _ = rf.pipelined_decode(arch, hw, batch_per_gpu=1.0, context=context,
                                         **common)
            raise InputError(f"tpot_ms: even one sequence per GPU takes "
                             f"{float(one.tpot_s[0]) * 1e3:,.1f} ms per token, more than "
                             f"{cfg.tpot_ms:g} ms")
        return batch
    return float(max(mem.max_batch, 1))


def _gpu_hour_price(cfg: ServingConfig, cat: Catalog, gpu: Gpu) -> tuple[float | None, str]:
    if cfg.gpu_hour_price is not None:
        return cfg.gpu_hour_price, "given"
    row = cat.gpu_price(gpu.name)
    if row is None:
        return None, ""
    basis = row.basis or "basis not stated"  # on-demand, reserved, owned: not alike
    said = row.provider if row.provider.startswith(basis) else f"{row.provider}, {basis}"
    return row.price, f"{said}, {row.as_of}"


def evaluate(cfg: ServingConfig, cat: Catalog, eff: rf.Efficiency) -> ServingResult:
    """Evaluate one configuration; a configuration that does not fit says why."""
    model, gpu, arch, hw, tp = _parts(cat, cfg)
    wb, kvb = rf.BYTES[cfg.precision], rf.BYTES[cfg.kv_dtype]
    mem = _memory(cfg, model, gpu, arch, tp, eff)
    common: dict[str, Any] = dict(weight_bytes=wb, kv_bytes=kvb, gpus=cfg.gpus, pp=cfg.pp,
                                  tp=tp, eff=eff, mtp_draft=cfg.mtp_draft,
                                  mtp_accept=cfg.mtp_accept)
    context = cfg.input_tokens + cfg.output_tokens / 2.0
    batch = _batch(cfg, arch, hw, mem, common, context)
    d, cross = rf.pipelined_decode(arch, hw, batch_per_gpu=batch, context=context, **common)
    step_s = float(d.step_time_s[0])
    pre_gpus = (cfg.prefill_gpus or cfg.gpus) / cfg.pp  # a prefill stage's GPUs
    pre_tp = min(tp, pre_gpus)
    # at full load a prefill pass holds a whole chunk of prompt tokens (the serving model's)
    prefill = float(prefill_rate(arch, hw, eff, prompt=cfg.input_tokens, weight_bytes=wb,
                                 gpus=pre_gpus, tp=pre_tp,
                                 pass_tokens=max(cfg.input_tokens, CHUNK_TOKENS))[0])
    # TTFT without queueing: the engine's fixed time (more from a separate prefill worker),
    # the new prompt tokens on the GPUs that share one prompt (the tensor-parallel group;
    # one GPU under data-parallel attention), then one decode step
    new_tokens = cfg.input_tokens * (1 - cfg.cache_hit)
    ttft = float(rf.fixed_ttft_s(arch, eff, cfg.prefill_gpus is not None)[0]) \
        + new_tokens / (prefill * pre_tp) + step_s
    price, source = _gpu_hour_price(cfg, cat, gpu)
    # a cache hit reads its KV entries once from HBM
    hit_tps = fm.ratio(gpu.bandwidth_tbs * 1e12 * float(eff.decode_bw),
                       float(arch.kv_elems[0]) * kvb)
    hit_read = None if price is None else float(cost_per_million_tokens(price, hit_tps))
    # keeping a million tokens' KV cache for the retention time, at the storage price
    hit_store = float(arch.kv_elems[0]) * kvb * TOKENS_PER_MILLION / 1e9 \
        * cfg.cache_retention_hours * cfg.kv_storage_price_per_gb_hour
    decode_tps = float(d.tokens_per_gpu_s[0])
    return ServingResult(
        config=cfg, model=model.name, gpu=gpu.name, batch_per_gpu=batch,
        max_batch_per_gpu=float(mem.max_batch), weights_gb_per_gpu=mem.weights / 1e9,
        kv_gb_per_sequence=mem.per_seq / 1e9, free_gb_per_gpu=mem.free / 1e9,
        prefill_tokens_per_gpu_s=prefill, decode_tokens_per_gpu_s=decode_tps,
        tpot_ms=float(d.tpot_s[0]) * 1e3, ttft_ms=ttft * 1e3, step_ms=step_s * 1e3,
        attention_ms=float(d.attention_s[0]) * 1e3,
        dense_ms=float(d.dense_s[0]) * 1e3, experts_ms=float(d.experts_s[0]) * 1e3,
        comm_ms=float(d.comm_s[0]) * 1e3, fixed_ms=float(rf.fixed_step_s(arch, eff)[0]) * 1e3,
        gpu_hour_price=price, price_source=source,
        cost_input_miss=None if price is None else cost_per_million_tokens(price, prefill),
        cost_input_hit=None if hit_read is None else hit_read + hit_store,
        cost_output=None if price is None else cost_per_million_tokens(price, decode_tps),
        gpus_per_node=gpu.gpus_per_node, cost_input_hit_read=hit_read,
        cost_input_hit_storage=None if price is None else hit_store,
        kv_gb_per_sequence_max=mem.per_seq_max / 1e9, pipeline_ms=float(cross[0]) * 1e3,
    )


def strict_json(d: dict[str, Any], reasons: dict[str, str] | None = None) -> dict[str, Any]:
    """``d`` with every non-finite number replaced by None and the reason for each None
    under ``notes`` (given reasons first, else "undefined (a division by zero)")."""
    notes = dict(d.get("notes") or {})
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, float) and not math.isfinite(v):
            out[k] = None
            notes[k] = (reasons or {}).get(k, "undefined (a division by zero)")
        elif v is None and reasons and k in reasons:
            out[k] = None
            notes[k] = reasons[k]
        else:
            out[k] = v
    if notes:
        out["notes"] = notes
    return out


# ---------------------------------------------------------------- fleets
@dataclass(frozen=True)
class Fleet:
    """GPUs and nodes for a demand, what they cost a day, what the demand pays, margins.

    ``daily_cost`` is the cost of the fleet ``provisioning`` names: ``peak`` (whole nodes
    for the peak load, all day) or ``average`` (GPU-hours that follow the load); both are
    given as ``daily_cost_at_peak`` and ``daily_cost_at_average``. Margins use
    ``daily_cost``. Revenue bills cache hits at ``price_input_hit_used``. Nodes hold whole
    replicas (:func:`replica_nodes`), and a fleet that follows the load still keeps one
    replica of each kind up while there is any demand for it.
    """

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
    provisioning: str = "peak"
    gpus_per_node: int = 8
    daily_cost_at_peak: float = 0.0
    price_input_hit_used: float = 0.0
    #: False when no price was given: revenue and margins are then undefined, not 0 and -100%.
    priced: bool = True
    #: GPUs of one decode replica (or aggregated worker) and of one prefill replica (0:
    #: prefill runs on the decode replicas): nodes hold whole replicas.
    replica_gpus: int = 1
    prefill_replica_gpus: int = 0

    def without_prices(self) -> Fleet:
        """The fleet with revenue and margins left undefined (no price list, no price)."""
        nan = float("nan")
        return replace(self, daily_revenue=nan, gross_margin=nan, cost_profit_margin=nan,
                       priced=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (None with a reason under ``notes`` instead of NaN)."""
        reasons = {"gross_margin": "no revenue: nothing billed (no demand, prices of 0 or a "
                                   "paid share of 0)",
                   "cost_profit_margin": "no cost: no GPU time paid for (no prompt or output "
                                         "tokens to compute, or a GPU-hour price of 0)",
                   "cost_per_million_output_equivalent": "no output tokens in the demand"}
        if not self.priced:
            reasons |= dict.fromkeys(("daily_revenue", "gross_margin", "cost_profit_margin"),
                                     "no price given (--price-list, or --price-input and "
                                     "--price-output)")
        return strict_json({**asdict(self), "currency": CURRENCY}, reasons)


def replica_nodes(gpus: float, replica_gpus: int, per_node: int) -> int:
    """Nodes holding the whole replicas of ``replica_gpus`` GPUs that ``gpus`` GPUs' worth of
    load needs: ceil(gpus / replica) replicas; a replica larger than a node takes
    ceil(replica / node) nodes of its own, smaller ones share nodes, node // replica to a
    node (none split across two).

    >>> replica_nodes(11.2, 144, 8)  # one 144-GPU expert-parallel replica: 18 HGX nodes
    18
    >>> replica_nodes(9.0, 2, 8), replica_nodes(9.0, 72, 4), replica_nodes(0.0, 8, 8)
    (2, 18, 0)
    """
    if gpus <= 0:
        return 0
    replicas = math.ceil(gpus / replica_gpus)
    if replica_gpus >= per_node:
        return replicas * math.ceil(replica_gpus / per_node)
    return math.ceil(replicas / (per_node // replica_gpus))


def gpus_following_the_load(gpus: float, replica_gpus: int) -> float:
    """GPUs a fleet that follows the load pays for on average: the busy GPUs, but never less
    than one whole replica while there is any demand (0 without demand)."""
    return max(gpus, float(replica_gpus)) if gpus > 0 else 0.0


def fleet_gpus(input_per_s: Any, output_per_s: Any, prefill_tps: Any, decode_tps: Any
               ) -> tuple[Any, Any]:
    """GPUs busy on prefill and on decode for token rates (prefill/decode disaggregated)."""
    return input_per_s / prefill_tps, output_per_s / decode_tps


def hit_price(d: Demand) -> float:
    """The price a cache hit is billed at: the list's hit price, else the miss price."""
    return d.price_input_miss if d.price_input_hit is None else d.price_input_hit


def daily_revenue(d: Demand) -> float:
    """What the demand pays a day at its price list, after the paid share and discount."""
    hit = d.input_tokens_per_day * d.cache_hit
    miss = d.input_tokens_per_day - hit
    listed = (fm.amount_for_tokens(miss, d.price_input_miss)
              + fm.amount_for_tokens(hit, hit_price(d))
              + fm.amount_for_tokens(d.output_tokens_per_day, d.price_output))
    return float(listed * d.paid_share * (1 - d.discount))


def size_fleet(result: ServingResult, demand: Demand) -> Fleet:
    """Nodes at average and peak load, the daily cost of the fleet the demand's
    ``provisioning`` names (and of the other), revenue at the price list, gross margin and
    the "cost profit margin" (profit / cost). Nodes have the GPU system's size unless the
    demand gives one, and hold whole replicas: the config's ``gpus`` for decode (and
    prefill, without ``prefill_gpus``), ``prefill_gpus`` for prefill."""
    d = demand
    if result.gpu_hour_price is None:
        raise InputError(f"gpu_hour_price: no price bundled for {result.gpu}; give one")
    per_node = d.gpus_per_node or result.gpus_per_node
    new_in = d.input_tokens_per_day * (1 - d.cache_hit) / SECONDS_PER_DAY
    out = d.output_tokens_per_day / SECONDS_PER_DAY
    pre, dec = fleet_gpus(new_in, out, result.prefill_tokens_per_gpu_s,
                          result.decode_tokens_per_gpu_s)
    cfg = result.config
    pre_rep = cfg.prefill_gpus or 0  # 0: prefill on the decode replicas (aggregated)

    def nodes(load: float) -> int:  # whole replicas of each kind, for a load multiple
        if not pre_rep:
            return replica_nodes(load * (pre + dec), cfg.gpus, per_node)
        return replica_nodes(load * pre, pre_rep, per_node) \
            + replica_nodes(load * dec, cfg.gpus, per_node)

    avg_nodes, peak_nodes = nodes(1.0), nodes(d.peak_to_average)
    hours = SECONDS_PER_DAY / SECONDS_PER_HOUR
    price = result.gpu_hour_price
    cost_peak = peak_nodes * per_node * hours * price
    following = gpus_following_the_load(pre + dec, cfg.gpus) if not pre_rep else \
        gpus_following_the_load(pre, pre_rep) + gpus_following_the_load(dec, cfg.gpus)
    cost_avg = following * hours * price
    cost = cost_peak if d.provisioning == "peak" else cost_avg
    revenue = daily_revenue(d)
    return Fleet(pre, dec, avg_nodes, peak_nodes, cost, cost_avg, revenue,
                 float(fm.gross_margin(revenue, cost)), float(fm.profit_on_cost(revenue, cost)),
                 float(fm.per_million_tokens(cost, d.output_tokens_per_day)), d.provisioning,
                 per_node, cost_peak, hit_price(d), replica_gpus=cfg.gpus,
                 prefill_replica_gpus=pre_rep)
