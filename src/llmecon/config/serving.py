"""Typed configuration of the serving model's fitted factors
(``data/inference/serving_factors.yaml``, :mod:`llmecon.inference.measured`), validated like
every other configuration."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from llmecon.config.base import ConfigModel

#: The serving engines the serving model has factors for.
Engine = Literal["vllm", "sglang", "trtllm"]


class EngineFactors(ConfigModel):
    """Efficiency of one serving engine (vLLM, SGLang, TensorRT-LLM): fractions of peak in
    prefill and decode, a fixed time per layer of every decode step (kernel launches,
    synchronisation), a fixed time per request before its first token (``ttft_us_per_layer``
    per layer of the model: the prefill pass's kernel launches and synchronisation;
    ``ttft_overhead_ms``, a constant, is 0 in the fitted factors: fitted beside the time
    per layer it took the time of the deep models and overpredicted the shallow ones),
    and the extra first-token time of a disaggregated deployment (a second scheduler)."""

    prefill_mfu: float = Field(gt=0, le=1)
    decode_mfu: float = Field(gt=0, le=1)
    decode_bw: float = Field(gt=0, le=1)
    step_us_per_layer: float = Field(ge=0, le=2_000)
    ttft_overhead_ms: float = Field(default=0.0, ge=0, le=10_000)
    burst: float = Field(1.0, ge=0, le=4)
    disagg_ttft_ms: float = Field(0.0, ge=0, le=10_000)
    ttft_us_per_layer: float = Field(0.0, ge=0, le=100_000)


class ErrorFigures(ConfigModel):
    """Median and 90th percentile of |predicted / measured - 1| of TTFT and TPOT (shares:
    0.2 is 20%)."""

    ttft_median: float = Field(ge=0)
    ttft_p90: float = Field(ge=0)
    tpot_median: float = Field(ge=0)
    tpot_p90: float = Field(ge=0)


class ServingAccuracy(ConfigModel):
    """How far the serving model's predictions fall from measured runs, recorded beside the
    factors it was fitted with (a test recomputes both): ``in_sample`` over the rows the
    factors were fitted on, ``leave_one_model_out`` with each model's rows predicted by
    factors fitted without that model, which is what to expect for a model or deployment
    the table does not hold."""

    table: str = Field(min_length=1)
    rows: int = Field(ge=1)
    in_sample: ErrorFigures
    leave_one_model_out: ErrorFigures


class ServingFactors(ConfigModel):
    """The fitted factors of the serving model (:mod:`llmecon.inference.measured`).

    Per engine, :class:`EngineFactors`. Overall: ``moe_step_us_per_layer`` and
    ``moe_prefill_us_per_layer``, the extra fixed times of a mixture-of-experts layer in a
    decode step and in the prefill pass of a request (routing, token permutation, grouped
    GEMM launches, expert-parallel dispatch and combine);
    ``expert_efficiency``, the compute efficiency of the routed experts' grouped GEMMs in
    prefill relative to the engine's prefill MFU (1 = as fast as dense layers);
    ``prefill_utilisation``, the load a planner keeps its prefill workers at when a table
    does not say how many there were; ``prefill_interference``, the multiple of other
    requests' prefill time a decode step of an aggregated worker absorbs (chunked
    prefill beside decode: 1 = at the prefill MFU, more when the chunks run slower);
    ``network``, the share of link bandwidth collectives achieve; ``memory_reserve``, the
    share of HBM kept from weights and KV cache. An engine's ``burst`` scales the wait of
    a request behind the other prompts of its wave (1 = a wave's requests arrive together
    and are prefilled one after the other). ``accuracy``: the errors measured with these
    factors (:class:`ServingAccuracy`), shown beside every prediction.
    """

    engines: dict[str, EngineFactors]
    moe_step_us_per_layer: float = Field(0.0, ge=0, le=2_000)
    moe_prefill_us_per_layer: float = Field(0.0, ge=0, le=100_000)
    expert_efficiency: float = Field(1.0, gt=0, le=1)
    prefill_utilisation: float = Field(0.7, gt=0, le=1)
    prefill_interference: float = Field(1.0, ge=0, le=4)
    network: float = Field(0.7, gt=0, le=1)
    memory_reserve: float = Field(0.1, ge=0, lt=0.9)
    fitted_on: str = ""
    accuracy: ServingAccuracy | None = None


class RooflineError(ConfigModel):
    """How far the published-case roofline's time per output token falls from measured
    aggregated runs it was not calibrated on (:mod:`llmecon.inference.crosscheck`):
    median and 90th percentile of |predicted / measured - 1| and the median ratio (below 1:
    predicted too fast, so costs per token too low)."""

    table: str = Field(min_length=1)
    rows: int = Field(ge=1)
    tpot_median: float = Field(ge=0)
    tpot_p90: float = Field(ge=0)
    median_ratio: float = Field(gt=0)
