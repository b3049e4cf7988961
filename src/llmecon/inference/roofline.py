"""Roofline throughput of LLM inference, vectorised over configurations.

A decode step on one GPU is the sum of its parts, each at the slower of its compute and
its memory traffic (a roofline per part):

- attention: ``2 x heads x (d_qk + d_v)`` FLOPs per cached token per softmax layer
  against reading the KV cache;
- non-expert weights (attention projections, dense FFN, shared experts, embeddings):
  ``2 x params`` FLOPs per token against reading them once per step;
- routed experts: ``2 x top_k x expert params`` FLOPs per token against reading the experts
  the step's tokens route to (``1 - (1 - k/E)^T`` of them);
- communication: the expert-parallel all-to-all (tokens dispatched in FP8, combined in
  BF16) and the tensor-parallel all-reduce, over NVLink inside the scale-up domain and the
  network outside it.

Prefill is compute-bound: about ``2 x active parameters`` FLOPs per token plus attention
over the prompt, with its communication overlapped (two-batch overlap). Basis: Austin et
al., *How to Scale Your Model*, inference chapter (step time = KV time + max(compute,
weights)); Pope et al., MLSys 2023. Efficiency factors are calibrated on published
deployments (:mod:`llmecon.inference.calibration`).

Every function takes numpy arrays (or scalars) that broadcast together, so a grid of
configurations evaluates in one call. Quantities are per GPU unless named otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from llmecon.config.inference import PRECISION_BYTES
from llmecon.inference.architecture import nonexpert_params
from llmecon.inference.catalog import Gpu, Model

Array = np.ndarray[Any, Any]
BYTES = PRECISION_BYTES  # bytes per stored value of each number format
DISPATCH_BYTES = 1.0  # expert-parallel dispatch in FP8 (DeepEP)
COMBINE_BYTES = 2.0  # and combine in BF16
ALLREDUCE_BYTES = 2.0  # tensor-parallel all-reduce of BF16 activations
#: Fixed latency of one tensor-parallel all-reduce (seconds), whatever its size, inside the
#: scale-up domain (NVLink) and across the network (InfiniBand); two all-reduces per layer.
#: 8 us is chosen, not measured: within the 5-10 us often quoted for a small all-reduce
#: over NVLink, and the value at which the published cases fit (every one within its
#: tolerance; at 12 us or more six fall outside). NCCL's own tuning model
#: (src/graph/tuning.cc) gives more: a ring 6.6 + 2 (tp - 1) x 0.6 us (15 us at TP 8), its
#: in-switch algorithm 25 us; at 15 us five published cases leave their tolerances.
ALLREDUCE_LATENCY_UP_S = 8e-6
ALLREDUCE_LATENCY_OUT_S = 25e-6


@dataclass(frozen=True)
class Efficiency:
    """Fractions of peak achieved end to end (calibrated defaults; see ``calibration``).

    ``network`` is the share of link bandwidth the collectives achieve; ``memory_reserve``
    the share of HBM kept for activations and the runtime. A serving engine also spends
    fixed times (seconds) that no roofline term explains: per layer and per MoE layer in
    every decode step (:func:`fixed_step_s`), and before a first token (:func:`fixed_ttft_s`);
    the serving model fits them per engine (``llmecon.inference.engines``), the published-case
    calibration leaves them at 0. Fields may be numpy arrays, to evaluate many settings at
    once.
    """

    prefill_mfu: Any = 0.5
    decode_mfu: Any = 0.5
    decode_bw: Any = 0.8
    network: Any = 0.7
    memory_reserve: Any = 0.1
    expert: Any = 1.0  # prefill compute efficiency of routed-expert GEMMs, relative to dense
    step_s_per_layer: Any = 0.0
    moe_step_s_per_layer: Any = 0.0
    ttft_s: Any = 0.0
    ttft_s_per_layer: Any = 0.0
    moe_prefill_s_per_layer: Any = 0.0
    disagg_ttft_s: Any = 0.0  # more before a first token from a separate prefill worker


@dataclass(frozen=True)
class Arch:
    """Model architectures as arrays (one element per model)."""

    nonexpert: Array  # all parameters but the routed experts (with the embeddings)
    embedding: Array  # the input embedding table: stored, but only looked up per token
    expert_all_layers: Array  # parameters of one routed expert across all MoE layers
    experts: Array
    top_k: Array
    moe_layers: Array
    layers: Array
    hidden: Array
    kv_elems: Array  # KV elements per token of context over all softmax layers (and indexer)
    kv_main: Array  # KV elements per token per softmax layer (latent or K and V)
    kv_index: Array  # DSA indexer key elements per token per full-attention layer
    full_layers: Array  # softmax layers over the whole context
    sliding_layers: Array
    window: Array
    index_topk: Array  # tokens a DSA layer attends to (0: all)
    index_heads: Array
    kv_heads: Array
    is_mla: Array
    linear_state: Array  # fixed state elements per sequence (linear-attention layers)
    linear_flops: Array  # FLOPs per token of the linear-attention layers (state update + read)
    heads: Array
    softmax_layers: Array
    linear_layers: Array
    head_dim: Array
    qk_decode: Array
    v_decode: Array
    qk_prefill: Array
    v_prefill: Array

    @classmethod
    def of(cls, models: Sequence[Model]) -> Arch:
        def a(fn: Any) -> Array:
            return np.array([float(fn(m)) for m in models])

        def lin_flops(m: Model) -> float:
            hd = m.head_dim or m.hidden // m.heads
            return 4.0 * (m.linear_heads or m.heads) * (m.linear_key_dim or hd) \
                * (m.linear_value_dim or hd) * m.linear_layers

        return cls(
            nonexpert=a(nonexpert_params), embedding=a(lambda m: m.vocab_size * m.hidden),
            expert_all_layers=a(lambda m: m.expert_params * m.moe_layers),
            experts=a(lambda m: m.routed_experts), top_k=a(lambda m: m.top_k),
            moe_layers=a(lambda m: m.moe_layers), layers=a(lambda m: m.layers),
            hidden=a(lambda m: m.hidden),
            kv_elems=a(lambda m: m.kv_elements_per_token()),
            kv_main=a(lambda m: m.kv_elements_per_layer() - (m.index_head_dim if m.index_heads
                                                             else 0)),
            kv_index=a(lambda m: m.index_head_dim if m.index_heads else 0),
            full_layers=a(lambda m: m.full_attention_layers),
            sliding_layers=a(lambda m: m.sliding_layers), window=a(lambda m: m.sliding_window),
            index_topk=a(lambda m: m.index_topk), index_heads=a(lambda m: m.index_heads),
            kv_heads=a(lambda m: m.kv_heads or m.heads),
            is_mla=a(lambda m: m.attention == "mla"),
            linear_state=a(lambda m: m.linear_state_elements()), linear_flops=a(lin_flops),
            heads=a(lambda m: m.heads), softmax_layers=a(lambda m: m.softmax_layers),
            linear_layers=a(lambda m: m.linear_layers),
            head_dim=a(lambda m: m.head_dim or m.hidden // m.heads),
            qk_decode=a(lambda m: m.attention_dims("decode")[0]),
            v_decode=a(lambda m: m.attention_dims("decode")[1]),
            qk_prefill=a(lambda m: m.attention_dims("prefill")[0]),
            v_prefill=a(lambda m: m.attention_dims("prefill")[1]),
        )

    def take(self, index: Array) -> Arch:
        """The architectures at ``index`` (to line models up with a grid)."""
        return Arch(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    @property
    def active(self) -> Array:
        """Parameters multiplied per token: non-expert ones but the input-embedding lookup,
        plus top_k experts in every MoE layer."""
        out: Array = self.nonexpert - self.embedding + self.top_k * self.expert_all_layers
        return out

    @property
    def total(self) -> Array:
        out: Array = self.nonexpert + self.experts * self.expert_all_layers
        return out

    def attended(self, context: Any) -> tuple[Any, Any]:
        """Keys one query attends to in a (full, sliding-window) layer at ``context``."""
        ctx = np.asarray(context, dtype=float)
        full = np.where(self.index_topk > 0, np.minimum(ctx, self.index_topk), ctx)
        return full, np.minimum(ctx, self.window)


@dataclass(frozen=True)
class Hardware:
    """GPUs as arrays: peak FLOP/s at the chosen precision (and BF16 for attention), HBM
    bytes/s and bytes, link bandwidth each way (bytes/s) and the scale-up domain size."""

    flops: Array
    attn_flops: Array
    bandwidth: Array
    memory: Array
    scale_up: Array
    scale_out: Array
    domain: Array
    in_switch: Array  # 1 where the scale-up switch reduces in the network (NVLink SHARP)

    @classmethod
    def of(cls, gpus: Sequence[Gpu], precision: str | Sequence[str]) -> Hardware:
        precs = [precision] * len(gpus) if isinstance(precision, str) else list(precision)
        return cls(
            np.array([g.peak_flops(p) for g, p in zip(gpus, precs, strict=True)]),
            np.array([g.peak_flops("bf16") for g in gpus]),
            np.array([g.bandwidth_tbs * 1e12 for g in gpus]),
            np.array([g.memory_gb * 1e9 for g in gpus]),
            np.array([(g.scale_up_gbs or 0.0) * 1e9 / 2.0 for g in gpus]),
            np.array([(g.scale_out_gbs or 0.0) * 1e9 for g in gpus]),
            np.array([float(g.scale_up_domain) for g in gpus]),
            np.array([float(g.scale_up_reduction) for g in gpus]),
        )

    def take(self, index: Array) -> Hardware:
        return Hardware(**{f.name: getattr(self, f.name)[index] for f in fields(self)})


def experts_touched_fraction(experts: Any, top_k: Any, tokens: Any) -> Any:
    """Expected share of routed experts hit when ``tokens`` each pick ``top_k`` of ``experts``.

    Uniform routing: 1 - (1 - k/E)^T. A dense model (E = 0) touches none.

    >>> round(float(experts_touched_fraction(256, 8, 1)), 5)
    0.03125
    >>> float(experts_touched_fraction(256, 8, 10_000))
    1.0
    """
    e = np.asarray(experts, dtype=float)
    k = np.asarray(top_k, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(e > 0, k / np.where(e > 0, e, 1.0), 0.0)
    return np.where(e > 0, 1.0 - np.power(1.0 - p, tokens), 0.0)


def kv_copies(arch: Arch, tp: Any) -> Any:
    """Copies of each KV entry in a tensor-parallel group: MLA's single latent is held by
    every rank; GQA heads split until there are fewer KV heads than ranks."""
    return np.where(arch.is_mla > 0, tp, np.maximum(1.0, tp / arch.kv_heads))


def stored_weight_bytes(arch: Arch, weight_bytes: Any, gpus: Any, tp: Any) -> Any:
    """Weights held per GPU: non-expert weights split over ``tp``, experts over ``gpus``."""
    return (arch.nonexpert / tp + arch.experts * arch.expert_all_layers / gpus) * weight_bytes


def kv_bytes_per_sequence(arch: Arch, context: Any, kv_bytes: Any) -> Any:
    """KV cache (plus any linear-attention state) of one sequence of ``context`` tokens:
    full layers keep every token, sliding-window layers at most the window."""
    ctx = np.asarray(context, dtype=float)
    elems = ((arch.kv_main + arch.kv_index) * arch.full_layers * ctx
             + arch.kv_main * arch.sliding_layers * np.minimum(ctx, arch.window))
    return (elems + arch.linear_state) * kv_bytes


def kv_read_bytes_per_sequence(arch: Arch, context: Any, kv_bytes: Any) -> Any:
    """Bytes one decode step reads per sequence: the keys each layer attends to (the DSA
    top-k in a sparse layer, with the indexer keys of the whole context) and any state."""
    full, sliding = arch.attended(context)
    elems = (arch.kv_main * (arch.full_layers * full + arch.sliding_layers * sliding)
             + arch.kv_index * arch.full_layers * np.asarray(context, dtype=float))
    return (elems + arch.linear_state) * kv_bytes


def max_batch_per_gpu(arch: Arch, hw: Hardware, *, weight_bytes: Any, kv_bytes: Any,
                      gpus: Any, tp: Any, max_context: Any, eff: Efficiency,
                      pp: Any = 1.0) -> Any:
    """Sequences per GPU whose KV cache fits beside the weights (0 if the weights do not).
    A replica of ``gpus`` in ``pp`` stages: a stage's ``gpus / pp`` GPUs hold ``1 / pp`` of
    the layers, and of every sequence's KV cache."""
    free = hw.memory * (1.0 - eff.memory_reserve) \
        - stored_weight_bytes(arch, weight_bytes, np.asarray(gpus) / pp, tp) / pp
    per_seq = kv_bytes_per_sequence(arch, max_context, kv_bytes) * kv_copies(arch, tp)
    return np.maximum(np.floor(free / per_seq), 0.0)


def attention_flops_per_token(arch: Arch, context: Any, phase: str) -> Any:
    """Attention FLOPs per token over ``context`` keys: 2 x heads x (d_qk + d_v) per attended
    key per softmax layer (sliding layers: the window; DSA layers: the top-k, plus the
    indexer's 2 x index heads x index dim per key), and 4 x heads x d_k x d_v per
    linear-attention layer (state update and read)."""
    qk, v = (arch.qk_decode, arch.v_decode) if phase == "decode" else \
        (arch.qk_prefill, arch.v_prefill)
    full, sliding = arch.attended(context)
    softmax = 2.0 * arch.heads * (qk + v) * (full * arch.full_layers
                                             + sliding * arch.sliding_layers)
    index = 2.0 * arch.index_heads * arch.kv_index * np.asarray(context, dtype=float) \
        * arch.full_layers
    return softmax + index + arch.linear_flops


def comm_seconds_per_token(arch: Arch, hw: Hardware, *, gpus: Any, tp: Any,
                           eff: Efficiency) -> Any:
    """Link time per token per GPU: the expert-parallel all-to-all across the ``gpus / tp``
    expert groups and the tensor-parallel all-reduce inside each ``tp`` group. The experts
    sit on all ``gpus``, so the share of the all-to-all that stays inside a scale-up domain
    is ``domain / gpus`` (the rest crosses the network)."""
    g = np.asarray(gpus, dtype=float)
    ep = g / tp
    local = np.minimum(g, hw.domain) / g
    remote = 1.0 - local
    with np.errstate(divide="ignore", invalid="ignore"):
        inv_out = np.where(hw.scale_out > 0, 1.0 / np.where(hw.scale_out > 0, hw.scale_out,
                                                                1.0), np.inf)
        inv_up = np.where(hw.scale_up > 0, 1.0 / np.where(hw.scale_up > 0, hw.scale_up, 1.0),
                          np.inf)
    a2a_bytes = np.where((arch.experts > 0) & (ep > 1),
                         arch.top_k * arch.hidden * (DISPATCH_BYTES + COMBINE_BYTES)
                         * arch.moe_layers * (1.0 - 1.0 / ep), 0.0)
    with np.errstate(invalid="ignore"):  # no bytes to move take no time, link or none
        a2a = np.where(a2a_bytes > 0, a2a_bytes * (local * inv_up + np.where(
            remote > 0, remote * inv_out, 0.0)), 0.0)
        up, out = allreduce_bytes_per_token(arch, hw, tp=tp)
        allreduce = np.where(up > 0, up * inv_up, 0.0) + np.where(out > 0, out * inv_out, 0.0)
    return (a2a + allreduce) / eff.network


def allreduce_bytes_per_token(arch: Arch, hw: Hardware, *, tp: Any) -> tuple[Any, Any]:
    """Bytes each GPU sends per token of its count for the tensor-parallel all-reduces of
    one pass (two per layer, BF16 activations of the group's ``tp`` x a GPU's tokens): over
    the scale-up links, and over the network.

    Inside the scale-up domain a ring sends 2 (tp-1)/tp of the message from each GPU; a
    switch that reduces (NVLink SHARP) about (tp+1)/tp: 1.56x less at TP 8, more than
    NCCL's tuner credits it (efficiency 0.85) and the ~1.3x measured (NCCL issue #1442).
    A group wider than the domain is hierarchical, on ``n = ceil(tp / domain)`` nodes of
    ``d = tp / n`` GPUs each (a group that is not a whole number of domains spread evenly):
    reduce-scatter inside the node, all-reduce of each GPU's 1/d shard across the n nodes
    (a ring: 2 (n-1)/n of the shard, on the GPU's own NIC), all-gather inside the node, so
    2 (d-1)/d of the message over the scale-up links and 2 (n-1)/(n d) over the network
    (no in-switch reduction credited)."""
    t = np.asarray(tp, dtype=float)
    inside = t <= hw.domain
    with np.errstate(divide="ignore", invalid="ignore"):
        ring = 2.0 * (t - 1.0) / t
        nvls = np.where(hw.in_switch > 0, np.minimum(ring, (t + 1.0) / t), ring)
        nodes = np.ceil(t / hw.domain)
        d = t / nodes
        up = np.where(inside, nvls, 2.0 * (d - 1.0) / d)
        out = np.where(inside, 0.0, 2.0 * (nodes - 1.0) / (nodes * d))

    def sent(share: Any) -> Any:  # this product's order keeps TP <= domain bit-identical
        return np.where(t > 1, share * t * arch.hidden * ALLREDUCE_BYTES * 2.0 * arch.layers,
                        0.0)

    return sent(up), sent(out)


def allreduce_latency_s(arch: Arch, hw: Hardware, *, tp: Any) -> Any:
    """Fixed latency (seconds) of the tensor-parallel all-reduces of one pass over the
    layers: two per layer (after attention and after the FFN), each
    :data:`ALLREDUCE_LATENCY_UP_S` inside the scale-up domain (over the network beyond it:
    :data:`ALLREDUCE_LATENCY_OUT_S`); none without tensor parallelism."""
    t = np.asarray(tp, dtype=float)
    alpha = np.where(t <= hw.domain, ALLREDUCE_LATENCY_UP_S, ALLREDUCE_LATENCY_OUT_S)
    return np.where(t > 1, 2.0 * arch.layers * alpha, 0.0)


def pipeline_seconds_per_token(arch: Arch, hw: Hardware, *, pp: Any, worker_gpus: Any,
                               eff: Efficiency) -> Any:
    """Link time per token per GPU of a ``pp``-stage pipeline of ``worker_gpus`` GPUs: every
    token's activations (BF16) cross ``pp - 1`` stage boundaries, inside the scale-up domain
    when the worker fits in it, over the network when it does not."""
    inside = np.asarray(worker_gpus, dtype=float) <= hw.domain
    link = np.where(inside, hw.scale_up, hw.scale_out)
    hops = np.asarray(pp, dtype=float) - 1.0
    with np.errstate(divide="ignore", invalid="ignore"):  # one stage moves nothing
        out = np.where(hops > 0, hops * arch.hidden * ALLREDUCE_BYTES
                       / np.where(link > 0, link, np.nan), 0.0)
    return out / eff.network


@dataclass(frozen=True)
class DecodeResult:
    step_time_s: Array
    tokens_per_gpu_s: Array
    tpot_s: Array
    attention_s: Array
    dense_s: Array
    experts_s: Array
    comm_s: Array


def fixed_step_s(arch: Arch, eff: Efficiency) -> Any:
    """The engine's fixed time in every decode step: per layer and per MoE layer."""
    return eff.step_s_per_layer * arch.layers + eff.moe_step_s_per_layer * arch.moe_layers


def fixed_ttft_s(arch: Arch, eff: Efficiency, disaggregated: Any = False) -> Any:
    """The engine's fixed time before a first token: once, per layer and per MoE layer,
    and more when the prompt was computed by a separate (disaggregated) prefill worker."""
    return eff.ttft_s + np.where(disaggregated, eff.disagg_ttft_s, 0.0) \
        + eff.ttft_s_per_layer * arch.layers + eff.moe_prefill_s_per_layer * arch.moe_layers


def mtp_tokens(draft: Any, accept: Any) -> Any:
    """Tokens emitted per step with ``draft`` speculative tokens accepted each with
    probability ``accept`` in turn: 1 + a + a^2 + ... + a^draft.

    >>> round(float(mtp_tokens(1, 0.85)), 6)
    1.85
    """
    d = np.asarray(draft, dtype=float)
    a = np.asarray(accept, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        geo = np.where(a >= 1.0, d, a * (1.0 - a ** d) / np.where(a >= 1.0, 1.0, 1.0 - a))
    return 1.0 + geo


def decode(arch: Arch, hw: Hardware, *, weight_bytes: Any, kv_bytes: Any, gpus: Any, tp: Any,
           batch_per_gpu: Any, context: Any, eff: Efficiency, mtp_draft: Any = 0.0,
           mtp_accept: Any = 0.0) -> DecodeResult:
    """One decode step per GPU for ``batch_per_gpu`` sequences with ``context`` cached tokens.

    ``gpus`` is the replica (the expert-parallel group), ``tp`` the tensor-parallel degree
    of attention and dense weights inside it (1 = data-parallel attention). With
    multi-token prediction each step verifies ``mtp_draft`` extra tokens per sequence.
    Every step also takes the engine's fixed time (:func:`fixed_step_s`).
    """
    processed = 1.0 + np.asarray(mtp_draft, dtype=float)
    emitted = mtp_tokens(mtp_draft, mtp_accept)
    tokens = batch_per_gpu * processed  # tokens computed per GPU per step
    bw = hw.bandwidth * eff.decode_bw
    kv = batch_per_gpu * kv_read_bytes_per_sequence(arch, context, kv_bytes) \
        * kv_copies(arch, tp)
    attn_fl = tokens * attention_flops_per_token(arch, context, "decode")
    attn_peak = np.where(kv_bytes < 2.0, hw.flops, hw.attn_flops)
    t_attn = np.maximum(attn_fl / (attn_peak * eff.decode_mfu), kv / bw)
    peak = hw.flops * eff.decode_mfu
    dense = arch.nonexpert - arch.embedding
    t_dense = np.maximum(2.0 * tokens * dense / peak, dense / tp * weight_bytes / bw)
    # distinct tokens routed in the replica: every GPU's batch (a TP group shares its batch,
    # counted once per GPU in batch_per_gpu)
    touched = experts_touched_fraction(arch.experts, arch.top_k, tokens * gpus)
    t_exp = np.maximum(2.0 * tokens * arch.top_k * arch.expert_all_layers / peak,
                       arch.experts * touched * arch.expert_all_layers / gpus * weight_bytes
                       / bw)
    t_comm = tokens * comm_seconds_per_token(arch, hw, gpus=gpus, tp=tp, eff=eff) \
        + allreduce_latency_s(arch, hw, tp=tp)
    step = t_attn + t_dense + t_exp + t_comm + fixed_step_s(arch, eff)
    return DecodeResult(step, batch_per_gpu * emitted / step, step / emitted, t_attn, t_dense,
                        t_exp, t_comm)


def pipelined_decode(arch: Arch, hw: Hardware, *, batch_per_gpu: Any, gpus: Any,
                     eff: Efficiency, pp: Any = 1.0, **kw: Any) -> tuple[DecodeResult, Any]:
    """A decode step of a replica of ``gpus`` GPUs in ``pp`` pipeline stages, and the time
    its activations spend crossing the stages (included in its step time, TPOT and tokens
    per GPU-second). The replica's sequences run as ``pp`` micro-batches (of at least one
    sequence), each through every stage, so a step takes what one stage's ``gpus / pp``
    GPUs take for a whole-model step of one micro-batch, plus the crossings; ``kw`` as
    :func:`decode` takes them. One stage (``pp = 1``) is :func:`decode`."""
    stage = np.asarray(gpus, dtype=float) / pp
    micro = np.maximum(np.asarray(batch_per_gpu, dtype=float) * stage, 1.0) / stage
    d = decode(arch, hw, batch_per_gpu=micro, gpus=stage, eff=eff, **kw)
    cross = micro * pipeline_seconds_per_token(arch, hw, pp=pp, worker_gpus=gpus, eff=eff)
    step = d.step_time_s + cross
    emitted = d.step_time_s / d.tpot_s  # tokens a sequence emits per step (MTP: more)
    return replace(d, step_time_s=step, tokens_per_gpu_s=batch_per_gpu * emitted / step,
                   tpot_s=step / emitted), cross


def prefill_tokens_per_gpu_s(arch: Arch, hw: Hardware, *, prompt: Any, eff: Efficiency,
                             weight_bytes: Any = 1.0, gpus: Any = 1.0, tp: Any = 1.0,
                             tokens_per_gpu: Any = 16384.0) -> Any:
    """Prompt tokens computed per GPU-second: compute-bound, with communication overlapped
    (the slower of the two) and the weight reads of a ``tokens_per_gpu`` batch as a floor.

    Attention for a prompt of S tokens averages S/2 keys per token (causal mask). The
    routed experts' FLOPs run at ``eff.expert`` of the prefill MFU (grouped GEMMs over a
    few tokens per expert, with token permutation around them).
    """
    routed = arch.top_k * arch.expert_all_layers  # run at eff.expert of the prefill MFU
    per_token = 2.0 * (arch.active - routed + routed / eff.expert) \
        + attention_flops_per_token(arch, np.asarray(prompt) / 2.0,
                                                               "prefill")
    t_c = per_token / (hw.flops * eff.prefill_mfu)
    t_comm = comm_seconds_per_token(arch, hw, gpus=gpus, tp=tp, eff=eff) \
        + allreduce_latency_s(arch, hw, tp=tp) / tokens_per_gpu
    t_w = stored_weight_bytes(arch, weight_bytes, gpus, tp) / (hw.bandwidth * eff.decode_bw) \
        / tokens_per_gpu
    return 1.0 / np.maximum(np.maximum(t_c, t_comm), t_w)


def batch_for_tpot(arch: Arch, hw: Hardware, *, tpot_s: Any, max_batch: Any,
                   iterations: int = 30, **kw: Any) -> Any:
    """Largest batch per GPU whose time per output token stays within ``tpot_s``
    (bisection, vectorised; 0 where even one sequence is too slow); ``kw`` as
    :func:`pipelined_decode` takes them."""
    def tpot(batch: Any) -> Any:
        return pipelined_decode(arch, hw, batch_per_gpu=batch, **kw)[0].tpot_s

    shape = np.broadcast(np.asarray(tpot_s), np.asarray(max_batch)).shape
    lo = np.zeros(shape)
    hi = np.broadcast_to(np.asarray(max_batch, dtype=float), shape).copy()
    ok_one = tpot(1.0) <= tpot_s
    for _ in range(iterations):
        mid = np.floor((lo + hi + 1) / 2)
        fine = tpot(np.maximum(mid, 1.0)) <= tpot_s
        lo = np.where(fine, mid, lo)
        hi = np.where(fine, hi, mid - 1)
    return np.where(ok_one, np.maximum(lo, 1.0), 0.0)
