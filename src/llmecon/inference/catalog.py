"""Catalogs of GPUs, model architectures and prices (bundled YAML; users add their own).

Every row carries ``as_of`` and ``source``. A user's file has the same shape as the
bundled one (``gpus:``, ``models:``, ``gpu_hour:`` / ``api:``); pass it with
``--catalog FILE`` and refer to its rows by name, or give the path of a file holding one
row where a GPU or model name is expected.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from llmecon.errors import InputError, NotFoundError


@dataclass(frozen=True)
class Gpu:
    """An accelerator's peak dense throughput, memory and bandwidth (per GPU)."""

    name: str
    bf16_tflops: float
    memory_gb: float
    bandwidth_tbs: float
    as_of: str
    source: str
    fp8_tflops: float | None = None
    fp4_tflops: float | None = None
    int8_tops: float | None = None
    scale_up_gbs: float | None = None
    scale_out_gbs: float | None = None
    scale_up_domain: int = 8
    aliases: tuple[str, ...] = ()
    confidence: str = "unknown"
    note: str = ""

    def peak_flops(self, precision: str) -> float:
        """Dense peak FLOP/s for a precision; a precision the chip lacks is an error."""
        table = {"bf16": self.bf16_tflops, "fp16": self.bf16_tflops, "fp8": self.fp8_tflops,
                 "int8": self.int8_tops if self.int8_tops else self.fp8_tflops,
                 "fp4": self.fp4_tflops}
        if precision not in table:
            raise InputError(f"precision: expected one of bf16, fp8, int8, fp4, found "
                             f"{precision!r}")
        v = table[precision]
        if v is None:
            have = [k for k, x in table.items() if x]
            raise InputError(f"precision: {self.name} has no {precision} tensor throughput in "
                             f"the catalog; it has {', '.join(have)}")
        return float(v) * 1e12


@dataclass(frozen=True)
class Model:
    """A model architecture (dense or mixture-of-experts; GQA or MLA; softmax or linear)."""

    name: str
    total_params_b: float
    active_params_b: float
    layers: int
    hidden: int
    heads: int
    attention: str
    context_length: int
    as_of: str
    source: str
    kv_heads: int | None = None
    head_dim: int | None = None
    kv_lora_rank: int | None = None
    qk_rope_dim: int | None = None
    qk_nope_dim: int | None = None
    v_head_dim: int | None = None
    routed_experts: int = 0
    shared_experts: int = 0
    top_k: int = 0
    expert_ffn: int = 0
    moe_layers: int = 0
    dense_ffn: int = 0
    linear_layers: int = 0
    mtp_modules: int = 0
    aliases: tuple[str, ...] = ()
    confidence: str = "unknown"
    note: str = ""

    @property
    def is_moe(self) -> bool:
        return self.routed_experts > 0

    @property
    def softmax_layers(self) -> int:
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
        """Everything but the routed experts (attention, dense FFN, shared experts...)."""
        return max(self.total_params_b * 1e9 - self.routed_params, 0.0)

    def kv_elements_per_token(self) -> float:
        """KV-cache elements per token of context, over all softmax layers.

        >>> from llmecon.inference.catalog import load_catalog
        >>> load_catalog().model("DeepSeek-V3").kv_elements_per_token() * 2  # BF16: 70,272 B
        70272.0
        """
        if self.attention == "mla":
            per_layer = float((self.kv_lora_rank or 0) + (self.qk_rope_dim or 0))
        else:
            per_layer = 2.0 * (self.kv_heads or self.heads) * (self.head_dim or 0)
        return per_layer * self.softmax_layers

    def linear_state_elements(self) -> float:
        """Fixed recurrent-state elements per sequence over the linear-attention layers."""
        hd = self.head_dim or (self.hidden // self.heads)
        return float(self.linear_layers * self.heads * hd * hd)

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


@dataclass(frozen=True)
class GpuPrice:
    gpu: str
    provider: str
    price: float
    currency: str
    as_of: str
    source: str
    confidence: str = "unknown"


@dataclass(frozen=True)
class ApiPrice:
    """List prices per million tokens."""

    model: str
    endpoint: str
    input_cache_miss: float
    output: float
    currency: str
    as_of: str
    source: str
    input_cache_hit: float | None = None
    confidence: str = "unknown"


@dataclass(frozen=True)
class Catalog:
    gpus: tuple[Gpu, ...] = ()
    models: tuple[Model, ...] = ()
    gpu_prices: tuple[GpuPrice, ...] = ()
    api_prices: tuple[ApiPrice, ...] = ()
    sources: tuple[str, ...] = field(default=())

    def _find(self, rows: Sequence[Any], name: str, kind: str) -> Any:
        key = name.strip().lower()
        for r in rows:
            if r.name.lower() == key or key in (a.lower() for a in r.aliases):
                return r
        known = ", ".join(r.name for r in rows)
        raise NotFoundError(f"unknown {kind} {name!r}; known: {known} (or add yours with "
                            f"--catalog FILE)")

    def gpu(self, name: str) -> Gpu:
        if _is_path(name):
            found: Gpu = _single(load_catalog_file(Path(name)).gpus, name, "GPU")
            return found
        gpu: Gpu = self._find(self.gpus, name, "GPU")
        return gpu

    def model(self, name: str) -> Model:
        if _is_path(name):
            found: Model = _single(load_catalog_file(Path(name)).models, name, "model")
            return found
        model: Model = self._find(self.models, name, "model")
        return model

    def merged(self, other: Catalog) -> Catalog:
        """This catalog with another's rows added (rows of the same name are replaced)."""
        def merge(a: Sequence[Any], b: Sequence[Any]) -> tuple[Any, ...]:
            names = {x.name.lower() for x in b}
            return tuple(x for x in a if x.name.lower() not in names) + tuple(b)

        return Catalog(merge(self.gpus, other.gpus), merge(self.models, other.models),
                       self.gpu_prices + other.gpu_prices, self.api_prices + other.api_prices,
                       self.sources + other.sources)

    def gpu_price(self, gpu: str) -> GpuPrice | None:
        """The most recent GPU-hour price bundled for a GPU, if any."""
        g = self.gpu(gpu).name
        rows = [p for p in self.gpu_prices if p.gpu.lower() == g.lower()]
        return max(rows, key=lambda p: p.as_of) if rows else None

    def api_price(self, model: str, endpoint: str | None = None) -> ApiPrice | None:
        """The most recent list price bundled for a model (or an alias), if any; with
        ``endpoint``, only rows whose endpoint starts with it (e.g. the maker's own)."""
        m = self.model(model)
        names = {m.name.lower(), *(a.lower() for a in m.aliases)}
        rows = [p for p in self.api_prices if p.model.lower() in names and
                (endpoint is None or p.endpoint.lower().startswith(endpoint.lower()))]
        exact = [p for p in rows if p.model.lower() == model.lower()]
        pick = exact or rows
        return max(pick, key=lambda p: p.as_of) if pick else None


def _is_path(name: str) -> bool:
    return name.lower().endswith((".yaml", ".yml")) or "/" in name


def _single(rows: Sequence[Any], path: str, kind: str) -> Any:
    if len(rows) != 1:
        raise InputError(f"{path}: expected exactly one {kind} in the file, found {len(rows)}; "
                         "to use a file of several, pass it with --catalog and name the row")
    return rows[0]


_REQUIRED = {
    Gpu: ("name", "bf16_tflops", "memory_gb", "bandwidth_tbs", "as_of", "source"),
    Model: ("name", "total_params_b", "active_params_b", "layers", "hidden", "heads",
            "attention", "context_length", "as_of", "source"),
    GpuPrice: ("gpu", "provider", "price", "currency", "as_of", "source"),
    ApiPrice: ("model", "endpoint", "input_cache_miss", "output", "currency", "as_of",
               "source"),
}


def _build(cls: type, rec: Any, where: str) -> Any:
    if not isinstance(rec, Mapping):
        raise InputError(f"{where}: expected a mapping, found {rec!r}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(map(str, rec)) - set(fields))
    if unknown:
        raise InputError(f"{where}: unknown field(s) {', '.join(unknown)}")
    for req in _REQUIRED[cls]:
        if rec.get(req) is None or rec.get(req) == "":
            raise InputError(f"{where}: missing field {req!r}")
    kw: dict[str, Any] = {}
    for k, v in rec.items():
        typ = str(fields[k].type)
        if v is None:
            kw[k] = None
        elif k == "aliases":
            kw[k] = tuple(str(a) for a in v)
        elif typ.startswith(("float", "int")):
            try:
                num = float(v)
            except (TypeError, ValueError):
                raise InputError(f"{where}.{k}: expected a number, found {v!r}") from None
            if not math.isfinite(num) or num < 0:
                raise InputError(f"{where}.{k}: expected a number >= 0, found {v!r}")
            kw[k] = int(num) if typ.startswith("int") else num
        else:
            kw[k] = str(v)
    obj = cls(**kw)
    _check(obj, where)
    return obj


def _check(obj: Any, where: str) -> None:
    if isinstance(obj, Gpu):
        for k in ("bf16_tflops", "memory_gb", "bandwidth_tbs"):
            if getattr(obj, k) <= 0:
                raise InputError(f"{where}.{k}: must be positive, found {getattr(obj, k)}")
    if isinstance(obj, Model):
        if obj.attention not in ("gqa", "mla"):
            raise InputError(f"{where}.attention: expected gqa or mla, found {obj.attention!r}")
        if obj.active_params_b > obj.total_params_b or obj.active_params_b <= 0:
            raise InputError(f"{where}.active_params_b: must be positive and at most "
                             f"total_params_b ({obj.total_params_b}), found "
                             f"{obj.active_params_b}")
        if obj.attention == "mla" and not obj.kv_lora_rank:
            raise InputError(f"{where}: an mla model needs kv_lora_rank and qk_rope_dim")
        if obj.attention == "gqa" and not obj.head_dim:
            raise InputError(f"{where}: a gqa model needs head_dim (and kv_heads)")
        if obj.routed_experts and not (obj.top_k and obj.expert_ffn and obj.moe_layers):
            raise InputError(f"{where}: a mixture-of-experts model needs top_k, expert_ffn "
                             "and moe_layers")
        if obj.top_k > obj.routed_experts:
            raise InputError(f"{where}.top_k: {obj.top_k} exceeds routed_experts "
                             f"{obj.routed_experts}")
        if obj.linear_layers > obj.layers:
            raise InputError(f"{where}.linear_layers: exceeds layers")
    if isinstance(obj, (GpuPrice, ApiPrice)):
        for k in ("price", "input_cache_miss", "output"):
            if hasattr(obj, k) and getattr(obj, k) < 0:
                raise InputError(f"{where}.{k}: must be >= 0")


def catalog_from_mapping(doc: Any, origin: str) -> Catalog:
    if not isinstance(doc, Mapping):
        raise InputError(f"{origin}: expected a mapping with gpus, models, gpu_hour or api")
    unknown = sorted(set(doc) - {"gpus", "models", "gpu_hour", "api"})
    if unknown:
        raise InputError(f"{origin}: unknown top-level key(s) {', '.join(map(str, unknown))}; "
                         "expected gpus, models, gpu_hour, api")

    def rows(key: str, cls: type) -> tuple[Any, ...]:
        items = doc.get(key) or []
        if not isinstance(items, list):
            raise InputError(f"{origin}: {key}: expected a list")
        return tuple(_build(cls, r, f"{origin}: {key}[{i}]") for i, r in enumerate(items))

    return Catalog(rows("gpus", Gpu), rows("models", Model), rows("gpu_hour", GpuPrice),
                   rows("api", ApiPrice), (origin,))


def _read_yaml(text: str, origin: str) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)  # a safe loader
    except yaml.YAMLError as e:
        raise InputError(f"{origin}: not valid YAML: {e}") from None


def load_catalog_file(path: Path) -> Catalog:
    from llmecon.yamlfile import read_mapping

    return catalog_from_mapping(read_mapping(path, "catalog"), str(path))


def load_catalog(extra: Iterable[str | Path] = ()) -> Catalog:
    """The bundled catalogs, with any user files merged in (theirs win on a name clash)."""
    cat = Catalog()
    folder = resources.files("llmecon").joinpath("data/inference")
    for name in ("gpus.yaml", "models.yaml", "prices.yaml"):
        text = folder.joinpath(name).read_text(encoding="utf-8")
        cat = cat.merged(catalog_from_mapping(_read_yaml(text, f"llmecon/data/inference/{name}"),
                                              f"llmecon/data/inference/{name}"))
    for p in extra:
        cat = cat.merged(load_catalog_file(Path(p)))
    return cat
