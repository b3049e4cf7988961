"""Throughput against interactivity: the Pareto frontier of a model on a GPU system, and the
cheapest configuration that serves a target speed per user.

:func:`frontier` evaluates aggregated deployments over tensor-parallel degree (and
attention data-parallel degree for a mixture of experts) and concurrency in one vectorised
call of the serving model (:mod:`llmecon.inference.measured`), keeps the points no other
point beats on both output tokens/s per GPU and tokens/s per user, and prices each:
cost per million output tokens = GPU-hour price / (3,600 x output tokens/s per GPU) x 1e6
(all GPU time charged to output, as the GPUs also prefill), and per million input tokens at
the prefill rate alone. :func:`cheapest_at` picks the frontier point with the most tokens/s
per GPU (the lowest cost) among those at or above a tokens/s-per-user target.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from llmecon.config.deployment import Demand
from llmecon.config.inference import ServingFactors
from llmecon.constants import SECONDS_PER_DAY, SECONDS_PER_HOUR
from llmecon.errors import InputError
from llmecon.formulas import (
    amount_for_tokens,
    cost_per_million_tokens,
    gross_margin,
    per_million_tokens,
    profit_on_cost,
)
from llmecon.inference import roofline as rf
from llmecon.inference.catalog import Catalog, Gpu, Model
from llmecon.inference.measured import parse_runs, precision_note, predict_runs
from llmecon.inference.serving import (
    Fleet,
    daily_revenue,
    gpus_following_the_load,
    hit_price,
    replica_nodes,
)

if TYPE_CHECKING:
    import pandas as pd

Array = np.ndarray[Any, Any]
CONCURRENCY = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048)
#: Largest worker (GPUs) the frontier tries for a mixture of experts by default.
MAX_GPUS = 64


@dataclass(frozen=True)
class FrontierPoint:
    """One aggregated deployment on the frontier (per worker of ``gpus`` GPUs).

    Costs are USD. ``cost_per_m_output`` charges the whole GPU time to the output tokens
    (the usual "cost per million output tokens"); ``cost_per_m_input_alone`` charges the
    same whole GPU time to the prompt tokens instead. They are two normalisations of one
    cost, not an input and an output price: added up (``isl`` x one + ``osl`` x the other)
    they count the GPU time twice. ``cost_per_request`` is what one request of ``isl`` in
    and ``osl`` out costs."""

    tp: int
    attention_dp: int
    pp: int
    gpus: int
    nodes: int
    concurrency: int
    ttft_ms: float
    tpot_ms: float
    tokens_per_s_per_user: float
    output_tokens_per_s_per_gpu: float
    cost_per_m_output: float
    cost_per_m_input_alone: float
    cost_per_request: float
    bound: str


@dataclass(frozen=True)
class Frontier:
    """The Pareto frontier (sorted by tokens/s per user) and every evaluated point."""

    model: str
    gpu: str
    engine: str
    precision: str
    isl: float
    osl: float
    gpu_hour_price: float
    gpus_per_node: int
    points: tuple[FrontierPoint, ...]
    evaluated: int
    precision_note: str = ""  # a precision the GPU lacks, run at another's peak

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([p.__dict__ for p in self.points])


def _layouts(is_moe: bool, domain: int, max_gpus: int, pipeline: bool = False
             ) -> list[tuple[int, int, int]]:
    """(tensor-parallel, attention data-parallel, pipeline stages) layouts of one worker.
    Tensor parallelism stays inside a scale-up domain (at most 8); a mixture of experts also
    spreads its experts over ``tp x dp`` GPUs up to ``max_gpus``, across nodes where that
    exceeds the domain (expert-parallel all-to-all over the network, as in the wide
    expert-parallel deployments of DeepSeek and LMSYS). With ``pipeline`` (a dense model
    whose weights one domain cannot hold) a worker is also 2, 4, ... stages of the largest
    tensor-parallel group, up to ``max_gpus``."""
    sizes = sorted({s for s in (*(2 ** k for k in range(11)), domain) if s <= max_gpus} | {1})
    tps = [t for t in (1, 2, 4, 8) if t <= min(domain, max_gpus)]
    if not is_moe:
        stages = [p for p in (2 ** k for k in range(1, 8)) if pipeline and tps
                  and tps[-1] * p <= max_gpus]
        return [(t, 1, 1) for t in tps] + [(tps[-1], 1, p) for p in stages]
    return [(t, s // t, 1) for s in sizes for t in tps
            if s % t == 0 and (t == 1 or t == s or s > domain)]


def needs_pipeline(m: Model, g: Gpu, precision: str) -> bool:
    """A dense model whose weights alone exceed the memory of one scale-up domain (an
    unknown precision: no, and the rows' status says why)."""
    per_weight = rf.BYTES.get(precision)
    return per_weight is not None and not m.is_moe and \
        m.total_params_b * 1e9 * per_weight > g.scale_up_domain * g.memory_gb * 1e9


def _grid(model: str, gpu: str, engine: str, precision: str, isl: float, osl: float,
          layouts: Sequence[tuple[int, int, int]], concurrency: Sequence[int]) -> Any:
    import pandas as pd

    rows = []
    for tp, dp, pp in layouts:
        for c in concurrency:
            rows.append({"model_path": model, "system": gpu, "backend": engine,
                         "precision": precision, "mode": "agg", "isl": isl, "osl": osl,
                         "silicon_data_source": f"silicon_concurrency={c}",
                         "batch_size": c, "tp_size": tp, "pp_size": pp,
                         "attention_dp_size": dp, "moe_tp_size": 1,
                         "moe_ep_size": tp * dp})
    return pd.DataFrame(rows)


def pareto(per_gpu: Array, per_user: Array) -> Array:
    """Indices of the points no other point beats on both axes, by rising per-user speed.

    >>> pareto(np.array([10.0, 8.0, 9.0, 4.0]), np.array([1.0, 2.0, 1.5, 1.0])).tolist()
    [0, 2, 1]
    """
    order = np.lexsort((-per_gpu, -per_user))  # fastest per user first
    keep, best = [], -np.inf
    for i in order:
        if per_gpu[i] > best:
            keep.append(int(i))
            best = per_gpu[i]
    return np.array(keep[::-1], dtype=int)


def frontier(model: str, gpu: str, catalog: Catalog, factors: ServingFactors, *,
             gpu_hour_price: float, isl: float = 2000.0, osl: float = 500.0,
             precision: str = "fp8", engine: str = "trtllm",
             concurrency: Sequence[int] = CONCURRENCY, max_ttft_ms: float | None = None,
             allow_queueing: bool = False, max_gpus: int | None = None) -> Frontier:
    """The frontier of output tokens/s per GPU against tokens/s per user, with costs.

    Points whose requests queue for KV-cache room (more in flight than fit) are left out
    unless ``allow_queueing``; ``max_ttft_ms`` leaves out points slower to first token;
    ``max_gpus`` bounds a worker (default: :data:`MAX_GPUS` or the scale-up domain, the
    larger; a dense model's worker stays inside one domain unless its weights need more:
    then pipeline stages, :func:`needs_pipeline`)."""
    if max_gpus is not None and (isinstance(max_gpus, bool) or not isinstance(max_gpus, int)
                                 or max_gpus < 1):
        raise InputError(f"max_gpus: expected a whole number >= 1, found {max_gpus!r}")
    if gpu_hour_price < 0 or not np.isfinite(gpu_hour_price):
        raise InputError(f"gpu_hour_price: expected a price >= 0, found {gpu_hour_price!r}")
    m, g = catalog.model(model), catalog.gpu(gpu)
    max_gpus = max_gpus or max(MAX_GPUS, g.scale_up_domain)
    if not g.scale_out_gbs:  # no network bandwidth known: a worker stays in one domain
        max_gpus = min(max_gpus, g.scale_up_domain)
    if not g.scale_up_gbs:  # no link bandwidth known at all: one GPU per worker
        max_gpus = 1
    frame = _grid(m.name, g.name, engine, precision, isl, osl,
                  _layouts(m.is_moe, g.scale_up_domain, max_gpus,
                           needs_pipeline(m, g, precision)), concurrency)
    runs = parse_runs(frame, catalog)
    if not (runs.status == "ok").any():
        raise InputError(f"frontier: no configuration of {m.name} on {g.name} can be "
                         f"modelled: {runs.status[0]}")
    p = predict_runs(runs, rf.Arch.of([m]), factors)
    ok = np.isfinite(p.tpot_ms)
    if not allow_queueing:
        ok &= p.bound != "kv-capacity"
    if max_ttft_ms is not None:
        ok &= p.ttft_ms <= max_ttft_ms
    if not ok.any():
        raise InputError(_unfit(m, g, precision, int(max(runs.gpus_per_worker)),
                                max_ttft_ms))
    idx = np.flatnonzero(ok)
    per_user = 1e3 / p.tpot_ms[idx]
    per_gpu = p.output_tok_s_per_gpu[idx]
    points = []
    for j in pareto(per_gpu, per_user):
        i = idx[j]
        gpus, tp, pp = int(runs.gpus_per_worker[i]), int(runs.tp[i]), int(runs.pp[i])
        input_rate = per_gpu[j] * isl / osl  # prompt tokens/s per GPU at that point
        per_m_output = float(cost_per_million_tokens(gpu_hour_price, per_gpu[j]))
        points.append(FrontierPoint(
            tp, gpus // (tp * pp), pp, gpus, -(-gpus // g.gpus_per_node),
            int(runs.concurrency[i]), float(p.ttft_ms[i]),
            float(p.tpot_ms[i]), float(per_user[j]), float(per_gpu[j]), per_m_output,
            float(cost_per_million_tokens(gpu_hour_price, input_rate)) if isl else 0.0,
            float(amount_for_tokens(osl, per_m_output)), str(p.bound[i])))
    return Frontier(m.name, g.name, engine, precision, isl, osl, gpu_hour_price,
                    g.gpus_per_node, tuple(points), int(ok.sum()), precision_note(g, precision))


def _unfit(m: Model, g: Gpu, precision: str, gpus: int, max_ttft_ms: float | None) -> str:
    """Why no configuration is on the frontier, and what a user can change."""
    text = f"frontier: no configuration of {m.name} in {precision} on up to {gpus} x " \
           f"{g.name} fits"
    if max_ttft_ms is not None:
        text += f" with a first token within {max_ttft_ms:g} ms"
    if not g.scale_up_gbs:
        text += f" (the catalog gives no link bandwidth for {g.name}: one GPU per worker)"
    elif m.is_moe and g.scale_out_gbs:
        text += " (allow a larger worker: --max-gpus)"
    elif m.is_moe:
        text += f" (the catalog gives no network bandwidth for {g.name}: a worker stays in " \
                "one node)"
    return text


def cheapest_at(front: Frontier, tokens_per_s_per_user: float) -> FrontierPoint:
    """The frontier point with the lowest cost per output token that still serves at least
    ``tokens_per_s_per_user`` (an interactivity target); an error names the fastest."""
    fast = [p for p in front.points if p.tokens_per_s_per_user >= tokens_per_s_per_user]
    if not fast:
        best = max(p.tokens_per_s_per_user for p in front.points)
        raise InputError(f"interactivity: {front.model} on {front.gpu} serves at most "
                         f"{best:,.1f} tokens/s per user, below {tokens_per_s_per_user:g}")
    return min(fast, key=lambda p: p.cost_per_m_output)


def fleet_at(point: FrontierPoint, front: Frontier, demand: Demand) -> Fleet:
    """Fleet for a demand served by aggregated workers at a frontier point: every GPU both
    prefills and decodes, at the point's mix of ``isl`` prompt tokens per ``osl`` output
    tokens, so the GPUs are the larger of the output rate over the point's output tokens/s
    per GPU and the prompt tokens to compute (cache misses) over its prompt tokens/s per GPU
    (reported as ``decode_gpus_average``; prefill 0). Nodes hold whole workers
    (:func:`~llmecon.inference.serving.replica_nodes`: a worker larger than a node takes
    ``point.nodes`` nodes), and a fleet that follows the load pays for one whole worker at
    least."""
    per_node = demand.gpus_per_node or front.gpus_per_node
    out = demand.output_tokens_per_day / SECONDS_PER_DAY
    prompts = demand.input_tokens_per_day * (1.0 - demand.cache_hit) / SECONDS_PER_DAY
    gpus = out / point.output_tokens_per_s_per_gpu
    if front.isl > 0:
        gpus = max(gpus, prompts / (point.output_tokens_per_s_per_gpu * front.isl / front.osl))

    avg = replica_nodes(gpus, point.gpus, per_node)
    peak = replica_nodes(demand.peak_to_average * gpus, point.gpus, per_node)
    hours = SECONDS_PER_DAY / SECONDS_PER_HOUR
    cost_peak = peak * per_node * hours * front.gpu_hour_price
    cost_avg = gpus_following_the_load(gpus, point.gpus) * hours * front.gpu_hour_price
    cost = cost_peak if demand.provisioning == "peak" else cost_avg
    revenue = daily_revenue(demand)
    return Fleet(0.0, float(gpus), avg, peak, cost, cost_avg, revenue,
                 float(gross_margin(revenue, cost)), float(profit_on_cost(revenue, cost)),
                 float(per_million_tokens(cost, demand.output_tokens_per_day)),
                 demand.provisioning, per_node, cost_peak, hit_price(demand),
                 replica_gpus=point.gpus)
