"""Typed configuration of one deployment (:class:`ServingConfig`: a model on GPUs, its
parallelism, batch or latency target and workload) and of a token demand to serve
(:class:`Demand`). Built in code or from the command line, so errors name ``serving
configuration`` / ``demand``, the field, what was expected and what was found.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import pydantic
from pydantic import Field, ValidationInfo, field_validator

from llmecon.config.base import ConfigModel, format_errors
from llmecon.config.inference import MAX_CONTEXT_TOKENS, MAX_REPLICA_GPUS, ApiPrice, Precision
from llmecon.errors import InputError


class _Built(ConfigModel):
    """A configuration usually built in code: errors name ``_what`` instead of a file."""

    _what: ClassVar[str] = "configuration"

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except pydantic.ValidationError as e:
            text = format_errors(e, self._what)
            raise InputError(text, lines=text.split("\n")) from None

    def replace(self, **changes: Any) -> Any:
        """A copy with ``changes`` applied, validated like a new one."""
        return type(self)(**{**self.model_dump(), **changes})


class ServingConfig(_Built):
    """One deployment: model on GPUs, parallelism, batch (or latency target) and workload.

    ``gpus`` is the decode replica; ``pp`` its pipeline stages (each of ``gpus / pp`` GPUs
    holds ``1 / pp`` of the layers; the prefill replica has the same stages); ``tp`` the
    tensor-parallel degree inside a stage, which is the expert-parallel group (default: all
    the stage's GPUs for a dense model, 1 = data-parallel attention for a mixture-of-experts
    model). Give either ``batch_per_gpu`` or ``tpot_ms``; with neither,
    the batch is the largest that fits in memory. ``model`` and ``gpu`` may be given by
    position.

    >>> ServingConfig("Llama-3.1-8B", "H100", cache_hit=1.5)
    Traceback (most recent call last):
    ...
    llmecon.errors.InputError: serving configuration: cache_hit: expected a number < 1, found 1.5
    """

    _what: ClassVar[str] = "serving configuration"

    model: str = Field(min_length=1)
    gpu: str = Field(min_length=1)
    precision: Precision = "fp8"
    kv_dtype: Precision = "bf16"
    gpus: int = Field(8, ge=1, le=MAX_REPLICA_GPUS)
    pp: int = Field(1, ge=1, le=MAX_REPLICA_GPUS)
    tp: int | None = Field(None, ge=1, le=MAX_REPLICA_GPUS)
    batch_per_gpu: float | None = Field(None, gt=0, le=65_536)
    tpot_ms: float | None = Field(None, gt=0, le=600_000)
    input_tokens: float = Field(2000.0, ge=1, le=MAX_CONTEXT_TOKENS)
    output_tokens: float = Field(500.0, ge=1, le=MAX_CONTEXT_TOKENS)
    cache_hit: float = Field(0.0, ge=0, lt=1)
    mtp_draft: int = Field(0, ge=0, le=16)
    mtp_accept: float = Field(0.0, ge=0, le=1)
    gpu_hour_price: float | None = Field(None, ge=0, le=10_000)
    prefill_gpus: int | None = Field(None, ge=1, le=MAX_REPLICA_GPUS)
    kv_storage_price_per_gb_hour: float = Field(0.0, ge=0, le=1_000)
    cache_retention_hours: float = Field(1.0, gt=0, le=8_760)

    def __init__(self, *args: Any, **data: Any) -> None:
        if len(args) > 2:
            raise TypeError("ServingConfig takes at most model and gpu by position")
        data.update(zip(("model", "gpu"), args, strict=False))
        super().__init__(**data)

    @field_validator("pp")
    @classmethod
    def _pp_divides(cls, v: int, info: ValidationInfo) -> int:
        gpus = info.data.get("gpus")
        if gpus is not None and gpus % v:
            raise ValueError(f"expected a divisor of gpus ({gpus}): each of the pp stages "
                             f"has as many GPUs, found {v}")
        return v

    @field_validator("tp")
    @classmethod
    def _tp_divides(cls, v: int | None, info: ValidationInfo) -> int | None:
        gpus, pp = info.data.get("gpus"), info.data.get("pp")
        if v is not None and gpus is not None and pp is not None and (gpus // pp) % v:
            stage = f"gpus / pp ({gpus} / {pp} = {gpus // pp}, a pipeline stage's GPUs)" \
                if pp > 1 else f"gpus ({gpus})"
            raise ValueError(f"expected a divisor of {stage}, found {v}")
        return v

    @field_validator("prefill_gpus")
    @classmethod
    def _prefill_stages(cls, v: int | None, info: ValidationInfo) -> int | None:
        pp = info.data.get("pp")
        if v is not None and pp is not None and v % pp:
            raise ValueError(f"expected a multiple of pp ({pp}): the prefill replica runs "
                             f"the same pipeline stages, found {v}")
        return v

    @field_validator("batch_per_gpu")
    @classmethod
    def _one_sequence_at_least(cls, v: float | None, info: ValidationInfo) -> float | None:
        gpus = info.data.get("gpus")
        if v is not None and gpus is not None and v * gpus < 1:
            raise ValueError(f"expected at least one sequence on the {gpus} GPUs (batch per "
                             f"GPU >= 1/{gpus}), found {v:g}")
        return v

    @field_validator("tpot_ms")
    @classmethod
    def _one_of_batch_and_tpot(cls, v: float | None, info: ValidationInfo) -> float | None:
        if v is not None and info.data.get("batch_per_gpu") is not None:
            raise ValueError("expected batch_per_gpu or tpot_ms, not both")
        return v


class Demand(_Built):
    """Daily token demand, its peak and a price list to earn from it (prices per million).

    ``price_input_hit`` None bills cache hits at the miss price (a list without a hit
    price). ``gpus_per_node`` None takes the node size of the GPU system (8 for HGX, 4 for
    a GB200 tray). ``provisioning`` says which fleet the daily cost pays for: ``peak``
    (enough nodes for the peak, idle off-peak) or ``average`` (a fleet that follows the
    load, as a cloud or a shared pool would).
    """

    _what: ClassVar[str] = "demand"

    input_tokens_per_day: float = Field(ge=0)
    output_tokens_per_day: float = Field(ge=0)
    cache_hit: float = Field(0.0, ge=0, le=1)
    peak_to_average: float = Field(1.0, ge=1, le=100)  # 100: a service idle 99% of the day
    price_input_miss: float = Field(0.0, ge=0)
    price_input_hit: float | None = Field(None, ge=0)
    price_output: float = Field(0.0, ge=0)
    paid_share: float = Field(1.0, ge=0, le=1)
    discount: float = Field(0.0, ge=0, le=1)
    gpus_per_node: int | None = Field(None, ge=1)
    provisioning: Literal["peak", "average"] = "peak"

    def __init__(self, *args: Any, **data: Any) -> None:
        names = ("input_tokens_per_day", "output_tokens_per_day")
        if len(args) > 2:
            raise TypeError("Demand takes at most the two daily token counts by position")
        data.update(zip(names, args, strict=False))
        super().__init__(**data)

    def with_price_list(self, price: ApiPrice) -> Demand:
        """The demand charged at a list price in US dollars (cache hits at the miss price
        when the list has no hit price)."""
        if price.currency != "USD":
            raise InputError(f"price list: expected USD, found {price.currency} "
                             f"({price.model} at {price.endpoint})")
        out: Demand = self.replace(price_input_miss=price.input_cache_miss,
                                   price_input_hit=price.input_cache_hit,
                                   price_output=price.output)
        return out

    def with_prices(self, *, input_miss: float | None = None, input_hit: float | None = None,
                    output: float | None = None) -> Demand:
        """The demand with the given prices replaced and the others kept (validated)."""
        d = self.model_dump()
        for key, value in (("price_input_miss", input_miss), ("price_input_hit", input_hit),
                           ("price_output", output)):
            if value is not None:
                d[key] = value
        return Demand(**d)
