"""Typed configuration of the inference model's catalog rows (a deployment and a demand to
serve are in :mod:`llmecon.config.deployment`).

Every catalog row (a GPU, a model architecture, a GPU-hour price, an API price) is one of
these pydantic models. They refuse unknown keys, non-finite numbers (NaN, infinity) and
out-of-range values on construction, with errors that name the file, the field, what was
expected and what was found; ``.to_yaml()`` writes them back.

>>> Gpu(name="X1", bf16_tflops=500, memory_gb=96, bandwidth_tbs=4, as_of="2026-11",
...     source="my lab").bandwidth_tbs
4.0
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator

from llmecon.config.base import ConfigModel
from llmecon.config.serving import EngineFactors as EngineFactors  # re-exported
from llmecon.config.serving import ServingFactors as ServingFactors
from llmecon.errors import InputError

#: Bytes per stored element of each precision the model knows.
#: Most GPUs in one serving replica (a decode or prefill worker group): the largest
#: published expert-parallel deployments use a few hundred.
MAX_REPLICA_GPUS = 4096
#: Longest prompt or output a configuration may ask for (tokens).
MAX_CONTEXT_TOKENS = 10_000_000
#: ``fp4`` is 4 bits with its block scales not counted; the two block-scaled FP4 formats
#: count theirs: NVIDIA's NVFP4 stores an FP8 (E4M3) scale per 16 values, 4 + 8/16 = 4.5
#: bits; the OCP microscaling MXFP4 (gpt-oss's published weights) an 8-bit (E8M0) scale per
#: 32 values, 4 + 8/32 = 4.25 bits. All three run at the GPU's FP4 peak (``FP4_FORMATS``).
PRECISION_BYTES = {"bf16": 2.0, "fp16": 2.0, "fp8": 1.0, "int8": 1.0, "fp4": 0.5,
                   "nvfp4": (4 + 8 / 16) / 8, "mxfp4": (4 + 8 / 32) / 8}
Precision = Literal["bf16", "fp16", "fp8", "int8", "fp4", "nvfp4", "mxfp4"]
#: Number formats computed on the FP4 tensor units.
FP4_FORMATS = ("fp4", "nvfp4", "mxfp4")
Confidence = Literal["high", "medium", "low", "unknown"]


#: A catalog row's date: year, optional month and day, optional note in brackets.
AS_OF = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?: \(.*\))?")


def as_of_parts(text: str) -> tuple[int, ...] | None:
    """The year, month and day a catalog date gives (as many as it gives), None when it is
    no real date from 1990 to 2200.

    >>> as_of_parts("2025-09"), as_of_parts("2026 (undated source)"), as_of_parts("2025-13")
    ((2025, 9), (2026,), None)
    """
    got = AS_OF.fullmatch(text.strip())
    if got is None:
        return None
    parts = tuple(int(g) for g in got.groups() if g is not None)
    try:
        day = date(*(*parts, 1, 1)[:3])
    except ValueError:
        return None
    return parts if 1990 <= day.year <= 2200 else None


def price_after_period(as_of: str, period_end: date) -> bool | None:
    """Whether a list's ``as_of`` date ("2025-09", "2026-03-01", "2025 (undated source)")
    is after ``period_end``: compared at the precision the date is given in; None when that
    cannot tell (a year or month that holds the period end but goes on after it, or no
    leading date). A year or month that ends with the period is not after it.

    >>> end = date(2025, 6, 30)
    >>> [price_after_period(a, end) for a in ("2025-09", "2025-06", "2026 (undated)",
    ...                                        "2025 (undated)", "undated")]
    [True, False, True, None, None]
    >>> price_after_period("2025", date(2025, 12, 31)), price_after_period("2025-06",
    ...                                                                     date(2025, 6, 15))
    (False, None)
    >>> price_after_period("2025-00", end), price_after_period("2025-02-30", end)
    (None, None)
    """
    parts = as_of_parts(as_of)  # '2025-13' or '2025-02-30' is no date: it cannot tell
    if parts is None:
        return None
    end = (period_end.year, period_end.month, period_end.day)[:len(parts)]
    if parts == end and len(parts) < 3:  # the same year or month: does it end with it?
        last = date(period_end.year, 12, 31) if len(parts) == 1 else \
            date(period_end.year, period_end.month,
                 calendar.monthrange(period_end.year, period_end.month)[1])
        return False if period_end == last else None
    return parts > end


class _Row(ConfigModel):
    """A dated, sourced catalog row; ``as_of`` may be written as a YAML date or year."""

    as_of: str = Field(min_length=1)
    source: str = Field(min_length=1)
    confidence: Confidence = "unknown"

    @field_validator("as_of", "source", mode="before")
    @classmethod
    def _text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int | float) or hasattr(v, "isoformat") else v


class _Priced(_Row):
    """A price row: its ``as_of`` must be a real date, which decides whether the price fits
    the period it prices."""

    @field_validator("as_of")
    @classmethod
    def _dated(cls, v: str) -> str:
        """A real date at the precision given (``2025``, ``2025-09``, ``2025-09-30``), with
        an optional note in brackets (``2026 (undated source)``): a price's date decides
        whether it fits the period it prices ('2025-13' and '2025-02-30' did not exist)."""
        if as_of_parts(v) is None:
            raise ValueError("expected a date YYYY, YYYY-MM or YYYY-MM-DD from 1990 to 2200, "
                             f"optionally followed by a note in brackets, found {v!r}")
        return v


class Gpu(_Row):
    """An accelerator's peak dense throughput, memory and bandwidth (per GPU).

    ``scale_up_gbs`` is the NVLink-class bandwidth per GPU (both directions, as quoted),
    shared by ``scale_up_domain`` GPUs; ``gpus_per_node`` the GPUs of one server (the unit
    a fleet is bought in: 8 for HGX, 4 for a GB200/GB300 tray). ``memory_gb`` is decimal GB
    (1e9 bytes): a vendor's "80 GB" of HBM is 80 GiB, 85.9 GB.
    """

    name: str = Field(min_length=1)
    # physical ranges (an accelerator between a phone's and a thousand of today's): a
    # bandwidth of 1e-15 TB/s printed a TPOT of 1.7e16 ms
    bf16_tflops: float = Field(ge=0.1, le=1e6)
    memory_gb: float = Field(ge=0.1, le=1e5)
    bandwidth_tbs: float = Field(ge=0.01, le=1e4)
    fp8_tflops: float | None = Field(None, ge=0.1, le=1e6)
    fp4_tflops: float | None = Field(None, ge=0.1, le=1e6)
    int8_tops: float | None = Field(None, ge=0.1, le=1e6)
    scale_up_gbs: float | None = Field(None, ge=0.01, le=1e6)
    scale_out_gbs: float | None = Field(None, ge=0.01, le=1e6)
    scale_up_domain: int = Field(8, ge=1)
    scale_up_reduction: bool = False  # the switch reduces all-reduce data (NVLink SHARP)
    gpus_per_node: int = Field(8, ge=1)
    aliases: tuple[str, ...] = ()
    note: str = ""

    def peak_flops(self, precision: str) -> float:
        """Dense peak FLOP/s for a precision; a precision the chip lacks is an error."""
        table = {"bf16": self.bf16_tflops, "fp16": self.bf16_tflops, "fp8": self.fp8_tflops,
                 "int8": self.int8_tops if self.int8_tops else self.fp8_tflops,
                 **{f: self.fp4_tflops for f in FP4_FORMATS}}
        if precision not in table:
            raise InputError(f"precision: expected one of {', '.join(table)}, found "
                             f"{precision!r}")
        v = table[precision]
        if v is None:
            have = [k for k, x in table.items() if x and k not in FP4_FORMATS[1:]]
            raise InputError(f"precision: {self.name} has no {precision} tensor throughput in "
                             f"the catalog; it has {', '.join(have)}")
        return float(v) * 1e12


class Model(_Row):
    """A model architecture (dense or mixture-of-experts; GQA or MLA; softmax, sliding-window,
    sparse (DSA) or linear attention).

    Shapes follow the Hugging Face ``config.json`` names' meaning: ``expert_ffn`` is one
    routed expert's intermediate size, ``dense_ffn`` that of the dense FFN layers
    (``layers - moe_layers`` of them), ``shared_expert_ffn`` the summed intermediate size
    of the shared experts. With ``vocab_size`` given, parameter counts are computed from the
    shapes (:mod:`llmecon.inference.architecture`) and the stated totals are checked
    against them; without it (rows predating config files), the stated totals are used.
    """

    name: str = Field(min_length=1)
    total_params_b: float = Field(gt=0)
    active_params_b: float = Field(gt=0)
    # shapes within reach of any model (the largest today: ~100 layers, hidden ~20k): a
    # hidden size of 1e18 was priced at $6e10 per million tokens
    layers: int = Field(ge=1, le=10_000)
    hidden: int = Field(ge=1, le=1_000_000)
    heads: int = Field(ge=1, le=10_000)
    attention: Literal["gqa", "mla"]
    context_length: int = Field(ge=1)
    kv_heads: int | None = Field(None, ge=1)
    head_dim: int | None = Field(None, ge=1)
    kv_lora_rank: int | None = Field(None, ge=1)
    qk_rope_dim: int | None = Field(None, ge=0)
    qk_nope_dim: int | None = Field(None, ge=0)
    v_head_dim: int | None = Field(None, ge=1)
    routed_experts: int = Field(0, ge=0)
    shared_experts: int = Field(0, ge=0)
    top_k: int = Field(0, ge=0)
    expert_ffn: int = Field(0, ge=0)
    moe_layers: int = Field(0, ge=0)
    dense_ffn: int = Field(0, ge=0)
    linear_layers: int = Field(0, ge=0)
    mtp_modules: int = Field(0, ge=0)
    vocab_size: int = Field(0, ge=0)
    tie_embeddings: bool = False
    q_lora_rank: int | None = Field(None, ge=1)
    shared_expert_ffn: int = Field(0, ge=0)
    attn_output_gate: bool = False
    sliding_window: int = Field(0, ge=0)
    sliding_layers: int = Field(0, ge=0)
    index_heads: int = Field(0, ge=0)
    index_head_dim: int = Field(0, ge=0)
    index_topk: int = Field(0, ge=0)
    linear_heads: int = Field(0, ge=0)
    linear_key_heads: int = Field(0, ge=0)
    linear_key_dim: int = Field(0, ge=0)
    linear_value_dim: int = Field(0, ge=0)
    config_file: str = ""
    aliases: tuple[str, ...] = ()
    note: str = ""

    @field_validator("active_params_b")
    @classmethod
    def _active_within_total(cls, v: float, info: ValidationInfo) -> float:
        total = info.data.get("total_params_b")
        if total is not None and v > total:
            raise ValueError(f"expected at most total_params_b ({total:g}), found {v:g}")
        return v

    @field_validator("kv_lora_rank", "head_dim")
    @classmethod
    def _attention_dims(cls, v: int | None, info: ValidationInfo) -> int | None:
        need = {"kv_lora_rank": "mla", "head_dim": "gqa"}[str(info.field_name)]
        if v is None and info.data.get("attention") == need:
            raise ValueError(f"expected a whole number >= 1 for {need} attention, found none")
        return v

    @field_validator("top_k")
    @classmethod
    def _top_k(cls, v: int, info: ValidationInfo) -> int:
        experts = info.data.get("routed_experts", 0)
        if v > experts or (experts and not v):
            raise ValueError(f"expected 1 to routed_experts ({experts}) for a mixture of "
                             f"experts, 0 for a dense model, found {v}")
        return v

    @field_validator("expert_ffn", "moe_layers")
    @classmethod
    def _moe_shape(cls, v: int, info: ValidationInfo) -> int:
        if info.data.get("routed_experts") and not v:
            raise ValueError("expected a whole number >= 1 for a mixture of experts, found 0")
        layers = info.data.get("layers")
        if info.field_name == "moe_layers" and layers is not None and v > layers:
            raise ValueError(f"expected at most layers ({layers}), found {v}")
        return v

    @field_validator("linear_layers", "sliding_layers")
    @classmethod
    def _layer_count(cls, v: int, info: ValidationInfo) -> int:
        layers = info.data.get("layers")
        linear = info.data.get("linear_layers") or 0
        used = v + (linear if info.field_name == "sliding_layers" else 0)
        if layers is not None and used > layers:
            raise ValueError(f"expected at most layers ({layers}) with linear_layers, "
                             f"found {v}")
        return v

    @field_validator("sliding_layers")
    @classmethod
    def _window(cls, v: int, info: ValidationInfo) -> int:
        # on sliding_layers, declared after sliding_window (on the window, it never fired)
        if v and not info.data.get("sliding_window"):
            raise ValueError(f"expected a sliding_window > 0 for {v} sliding-window layers, "
                             "found 0")
        return v

    @field_validator("kv_heads")
    @classmethod
    def _kv_heads(cls, v: int | None, info: ValidationInfo) -> int | None:
        heads = info.data.get("heads")
        if v is not None and heads is not None and (v > heads or heads % v):
            raise ValueError(f"expected a divisor of heads ({heads}), found {v} (each key/"
                             "value head serves a whole group of query heads)")
        return v

    @property
    def is_moe(self) -> bool:
        return self.routed_experts > 0

    @property
    def softmax_layers(self) -> int:
        """Layers with softmax attention (full or sliding-window) and hence a KV cache."""
        return self.layers - self.linear_layers

    @property
    def expert_params(self) -> float:
        """Parameters of one routed expert (gate, up and down projections)."""
        return 3.0 * self.hidden * self.expert_ffn

    @property
    def routed_params(self) -> float:
        return self.routed_experts * self.expert_params * self.moe_layers

    @property
    def nonexpert_params(self) -> float:
        """Everything but the routed experts (attention, dense FFN, shared experts...), from
        the stated total; :mod:`llmecon.inference.architecture` computes it from the shapes
        when the vocabulary is known."""
        return self.total_params_b * 1e9 - self.routed_params

    @property
    def full_attention_layers(self) -> int:
        """Softmax-attention layers over the whole context (not sliding, not linear)."""
        return self.layers - self.linear_layers - self.sliding_layers

    def kv_elements_per_token(self) -> float:
        """KV-cache elements per token of context, over all softmax layers.

        >>> from llmecon.inference.catalog import load_catalog
        >>> load_catalog().model("DeepSeek-V3").kv_elements_per_token() * 2  # BF16: 70,272 B
        70272.0
        """
        return self.kv_elements_per_layer() * self.softmax_layers

    def kv_elements_per_layer(self) -> float:
        """KV-cache elements per token per softmax layer: the MLA latent and its RoPE key, or
        K and V of every KV head; plus the DSA indexer's key where there is one."""
        if self.attention == "mla":
            per_layer = float((self.kv_lora_rank or 0) + (self.qk_rope_dim or 0))
        else:
            per_layer = 2.0 * (self.kv_heads or self.heads) * (self.head_dim or 0)
        return per_layer + float(self.index_head_dim if self.index_heads else 0)

    def linear_state_elements(self) -> float:
        """Fixed recurrent-state elements per sequence over the linear-attention layers
        (heads x key dim x value dim per layer)."""
        hd = self.head_dim or (self.hidden // self.heads)
        heads = self.linear_heads or self.heads
        return float(self.linear_layers * heads * (self.linear_key_dim or hd)
                     * (self.linear_value_dim or hd))

    def attention_dims(self, phase: str) -> tuple[float, float]:
        """(query-key dim, value dim) per head for attention FLOPs in a phase.

        MLA decodes with the latent absorbed (dims kv_lora_rank + rope, kv_lora_rank) and
        prefills as ordinary attention (nope + rope, v_head_dim).
        """
        if self.attention == "mla":
            rope, nope = self.qk_rope_dim or 0, self.qk_nope_dim or 0
            lora, v = self.kv_lora_rank or 0, self.v_head_dim or 0
            return (float(lora + rope), float(lora)) if phase == "decode" else \
                (float(nope + rope), float(v))
        hd = float(self.head_dim or self.hidden // self.heads)
        return hd, hd


def _usd(v: Any) -> Any:
    if v != "USD":
        raise ValueError(f"expected USD (the inference model reads catalog prices as US "
                         f"dollars; convert the price first), found {v!r}")
    return v


def _iso_currency(v: Any) -> Any:
    if not (isinstance(v, str) and v.isascii() and v.isalpha() and v.isupper()):
        raise ValueError(f"expected a three-letter ISO 4217 code such as USD or CNY, found "
                         f"{v!r}")
    return v


#: What a GPU-hour price is the price of: a rental list price, a committed rental, spot, the
#: cost of owning (capex over the life plus power, no margin), backed out of a published
#: cost or costing assumption (``implied``), or not stated.
PriceBasis = Literal["on-demand", "reserved", "spot", "owned", "implied", "unknown"]


class GpuPrice(_Priced):
    """A GPU-hour price from one provider (per GPU per hour, in US dollars), with its
    ``basis`` (:data:`PriceBasis`): an owner's cost and a rental of one chip differ."""

    gpu: str = Field(min_length=1)
    provider: str = Field(min_length=1)
    price: float = Field(ge=0)
    currency: str = Field(min_length=3, max_length=3)
    basis: PriceBasis = "unknown"

    _currency = field_validator("currency")(_usd)


class ApiPrice(_Priced):
    """List prices per million tokens in ``currency`` (USD, CNY...), kept as published;
    the fleet arithmetic takes US-dollar lists only."""

    model: str = Field(min_length=1)
    endpoint: str = Field(min_length=1)
    input_cache_miss: float = Field(ge=0)
    output: float = Field(ge=0)
    currency: str = Field(min_length=3, max_length=3)
    input_cache_hit: float | None = Field(None, ge=0)

    _currency = field_validator("currency")(_iso_currency)


class HfModelRow(_Row):
    """A model read from a Hugging Face ``config.json`` (``config``: its path, relative to
    the catalog file), with the maker's stated counts to check it against (optional)."""

    name: str = Field(min_length=1)
    config: str = Field(min_length=1)
    total_params_b: float | None = Field(None, gt=0)
    active_params_b: float | None = Field(None, gt=0)
    aliases: tuple[str, ...] = ()
    note: str = ""


class CatalogFile(ConfigModel):
    """The shape of a catalog file: any of ``gpus``, ``models``, ``hf_models``, ``gpu_hour``,
    ``api``."""

    gpus: tuple[Gpu, ...] = ()
    models: tuple[Model, ...] = ()
    hf_models: tuple[HfModelRow, ...] = ()
    gpu_hour: tuple[GpuPrice, ...] = ()
    api: tuple[ApiPrice, ...] = ()

    @field_validator("gpus", "models", "hf_models", "gpu_hour", "api", mode="before")
    @classmethod
    def _none_is_empty(cls, v: Any) -> Any:
        return () if v is None else v
