"""Model architectures from Hugging Face ``config.json`` files, and parameter counts from shapes.

:func:`model_from_hf_config` reads the fields of dense (Llama, Qwen3), mixture-of-experts
(Qwen3-MoE, gpt-oss, MiniMax-M2/M3), multi-head latent attention (DeepSeek-V3/R1, Kimi K2,
GLM-5), DeepSeek sparse attention (the DSA indexer of DeepSeek-V3.2 and GLM-5),
sliding-window (gpt-oss) and hybrid linear-attention (Qwen3.5 Gated DeltaNet) configs into a
:class:`~llmecon.config.inference.Model` row. :func:`param_counts` computes total and
active parameters from the shapes; a stated total or active count that disagrees with them
by more than ``TOLERANCE`` is an error naming both numbers (published totals are rounded:
"671B", "1T").

Counting rules (per layer; ``h`` hidden size, ``H`` heads):

- GQA attention: ``h x H x d`` (query; twice with an output gate) + ``2 x h x KV x d``
  + ``H x d x h``.
- MLA: query ``h x q_lora + q_lora x H x (nope + rope)`` (or ``h x H x (nope + rope)``),
  KV ``h x (kv_lora + rope) + kv_lora x H x (nope + v)``, output ``H x v x h``.
- DSA indexer: ``q_lora x index_heads x index_dim + h x index_dim + h x index_heads``.
- Gated DeltaNet: ``h x (2 Kh dk + 2 Vh dv + 2 Vh)`` in, ``Vh dv x h`` out.
- FFN (SwiGLU): ``3 x h x ffn``; a MoE layer has ``E`` routed experts, the shared experts and
  a router ``h x E``; embeddings ``V x h`` (twice unless tied); two norms per layer.
- Multi-token-prediction modules are counted apart (``mtp``), as published totals exclude
  them (DeepSeek-V3: 671B + 14B MTP).
- Active parameters are those multiplied per token: the routed experts a token picks, and
  not the input embedding, which is a lookup of one row (the makers' convention: gpt-oss
  5.1B, MiniMax-M2 10B). A dense model's stated "active" count is its total, by convention.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llmecon.config.base import parse_config
from llmecon.config.inference import Model
from llmecon.errors import InputError

#: Largest relative gap allowed between a stated parameter count and the computed one.
TOLERANCE = 0.05


@dataclass(frozen=True)
class ParamCounts:
    """Parameters of a model computed from its shapes (counts, not billions)."""

    total: float
    active: float
    routed: float
    embedding: float
    mtp: float

    @property
    def nonexpert(self) -> float:
        """Everything but the routed experts."""
        return self.total - self.routed


def attention_params(m: Model) -> float:
    """Parameters of one softmax-attention layer (projections and the DSA indexer)."""
    h, heads = m.hidden, m.heads
    if m.attention == "mla":
        rope, nope, v = m.qk_rope_dim or 0, m.qk_nope_dim or 0, m.v_head_dim or 0
        lora = m.kv_lora_rank or 0
        qdim = heads * (nope + rope)
        q = h * m.q_lora_rank + m.q_lora_rank * qdim + m.q_lora_rank if m.q_lora_rank \
            else h * qdim
        kv = h * (lora + rope) + lora * heads * (nope + v) + lora
        out = heads * v * h
    else:
        d = m.head_dim or h // heads
        q = h * heads * d * (2 if m.attn_output_gate else 1)
        kv = 2 * h * (m.kv_heads or heads) * d
        out = heads * d * h
    index = 0
    if m.index_heads:
        qin = m.q_lora_rank or h
        index = qin * m.index_heads * m.index_head_dim + h * m.index_head_dim + h * m.index_heads
    return float(q + kv + out + index)


def linear_attention_params(m: Model) -> float:
    """Parameters of one Gated DeltaNet layer (input, gate and output projections)."""
    vh = m.linear_heads or m.heads
    kh = m.linear_key_heads or vh
    dk = m.linear_key_dim or (m.head_dim or m.hidden // m.heads)
    dv = m.linear_value_dim or dk
    return float(m.hidden * (2 * kh * dk + 2 * vh * dv + 2 * vh) + vh * dv * m.hidden)


def moe_layer_params(m: Model) -> tuple[float, float]:
    """(all parameters, active parameters) of one mixture-of-experts FFN layer."""
    expert = 3.0 * m.hidden * m.expert_ffn
    shared = 3.0 * m.hidden * m.shared_expert_ffn
    router = float(m.hidden * m.routed_experts)
    return (m.routed_experts * expert + shared + router, m.top_k * expert + shared + router)


def param_counts(m: Model) -> ParamCounts | None:
    """Total and active parameters from the shapes; None when the vocabulary is unknown.

    >>> from llmecon.inference.catalog import load_catalog
    >>> p = param_counts(load_catalog().model("DeepSeek-V3"))  # published: 671B / 37B
    >>> round(p.total / 1e9), round(p.active / 1e9)
    (671, 37)
    """
    if not m.vocab_size:
        return None
    h = m.hidden
    dense_layers = m.layers - m.moe_layers
    moe_all, moe_active = moe_layer_params(m) if m.is_moe else (0.0, 0.0)
    dense_ffn = 3.0 * h * (m.dense_ffn or 0)
    attn = attention_params(m) * m.softmax_layers + linear_attention_params(m) * m.linear_layers
    norms = 2.0 * h * m.layers + h
    embedding = float(m.vocab_size * h * (1 if m.tie_embeddings else 2))
    shared = attn + dense_ffn * dense_layers + norms + embedding
    total = shared + moe_all * m.moe_layers
    active = shared - m.vocab_size * h + moe_active * m.moe_layers
    mtp_layer = attention_params(m) + (moe_all if m.is_moe else dense_ffn) + 2.0 * h * h
    routed = m.routed_experts * 3.0 * h * m.expert_ffn * m.moe_layers
    return ParamCounts(total, active, routed, embedding, m.mtp_modules * mtp_layer)


def nonexpert_params(m: Model) -> float:
    """Non-expert parameters: from the shapes when known, else the stated total - routed."""
    p = param_counts(m)
    if p is not None:
        return p.nonexpert
    if m.nonexpert_params <= 0:
        raise InputError(f"{m.name}: total_params_b: stated {m.total_params_b:g}B but the "
                         f"routed experts alone hold {m.routed_params / 1e9:,.1f}B")
    return m.nonexpert_params


def check_stated_counts(m: Model, origin: str, tolerance: float = TOLERANCE) -> None:
    """Refuse a model whose stated total or active count disagrees with its shapes.

    Raises :class:`InputError` naming both numbers, e.g. ``models.yaml: DeepSeek-V3:
    total_params_b: stated 600B, computed from the shapes 670.9B``.
    """
    p = param_counts(m)
    if p is None:
        if m.nonexpert_params <= 0:
            raise InputError(f"{origin}: {m.name}: total_params_b: stated {m.total_params_b:g}B"
                             f" but the routed experts alone hold {m.routed_params / 1e9:,.1f}B")
        return
    for field, stated, computed in (("total_params_b", m.total_params_b, p.total),
                                    ("active_params_b", m.active_params_b,
                                     p.active if m.is_moe else p.total)):
        if abs(stated * 1e9 / computed - 1.0) > tolerance:
            raise InputError(f"{origin}: {m.name}: {field}: stated {stated:g}B, computed from "
                             f"the shapes {computed / 1e9:,.1f}B (more than "
                             f"{tolerance:.0%} apart)")


# ---------------------------------------------------------------- Hugging Face configs
def _key(c: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    """The first of ``keys`` ``c`` gives a value for (None: none)."""
    return next((k for k in keys if c.get(k) is not None), None)


def _get(c: Mapping[str, Any], *keys: str, default: Any = None) -> Any:
    key = _key(c, keys)
    return default if key is None else c[key]


def _n(v: Any) -> Any:
    """A config's count as an int when it is whole; a fractional one as it is, for the
    model's validation to name (126.5 layers is an error, not 126 layers); anything else
    through ``int`` (an error if not a number)."""
    if isinstance(v, (bool, str)):  # true is not 1 layer, "32" is not 32
        raise ValueError(f"expected a number, found {v!r}"[:120])
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v if isinstance(v, (int, float)) else int(v)


def _num_of(c: Mapping[str, Any], *keys: str, default: Any = None) -> Any:
    """:func:`_n` of the first of ``keys`` ``c`` gives (else ``default``), its errors
    naming that key."""
    key = _key(c, keys)
    return _n(default) if key is None else _num(c, key)


def _num(c: Mapping[str, Any], key: str) -> Any:
    """:func:`_n` of ``c[key]``, its errors naming ``key``."""
    try:
        return _n(c[key])
    except (TypeError, ValueError) as e:
        raise ValueError(f"{key}: {e}") from None


def _flag(c: Mapping[str, Any], *keys: str) -> bool:
    """A config's true/false setting (absent: false); text such as "false" is refused (it
    read as true)."""
    v = _get(c, *keys, default=False)
    if not isinstance(v, bool):
        raise ValueError(f"{keys[0]}: expected true or false, found {v!r}"[:120])
    return v


def _section(c: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """A nested section of a config (absent: empty); anything but a mapping is refused."""
    v = c.get(key)
    if v is None:
        return {}
    if not isinstance(v, Mapping):
        raise ValueError(f"{key}: expected a mapping of settings, found "
                         f"{type(v).__name__}")
    return v


#: The kinds of layer a config's ``layer_types`` may name.
LAYER_TYPES = ("full_attention", "sliding_attention", "linear_attention")


def _layer_kinds(c: Mapping[str, Any], layers: int) -> tuple[int, int]:
    """(sliding-window layers, linear-attention layers) from ``layer_types``."""
    kinds = c.get("layer_types") or []
    if not isinstance(kinds, list):
        raise ValueError(f"layer_types: expected a list, found {type(kinds).__name__}")
    unknown = sorted({repr(k) for k in kinds if k not in LAYER_TYPES})
    if unknown:  # 'banana' was counted as full attention
        raise ValueError(f"layer_types: expected {', '.join(LAYER_TYPES)}, found "
                         f"{unknown[0][:60]}")
    if kinds and len(kinds) != layers:
        raise InputError(f"layer_types: expected {layers} entries (num_hidden_layers), found "
                         f"{len(kinds)}")
    return (sum(k == "sliding_attention" for k in kinds),
            sum(k == "linear_attention" for k in kinds))


def _moe_fields(c: Mapping[str, Any], layers: int) -> dict[str, Any]:
    names = ("n_routed_experts", "num_local_experts", "num_experts")
    experts = _num_of(c, *names, default=0)
    if not isinstance(experts, int) or experts < 0:
        key = next((k for k in names if c.get(k) is not None), names[0])
        raise ValueError(f"{key}: expected a whole number of routed experts >= 0, found "
                         f"{experts!r}")
    if not experts:
        return {"dense_ffn": _num(c, "intermediate_size")}
    expert_ffn = _num_of(c, "moe_intermediate_size", "intermediate_size")
    freq = c.get("moe_layer_freq")
    if isinstance(freq, list):
        dense_first = len(freq) - sum(1 for x in freq if x)
    else:
        dense_first = _num_of(c, "first_k_dense_replace", default=0)
    only = c.get("mlp_only_layers") or []
    if not isinstance(only, list) or any(isinstance(i, bool) or not isinstance(i, int)
                                         for i in only):
        raise ValueError(f"mlp_only_layers: expected a list of layer numbers, found {only!r}"
                         [:120])
    dense_first += len(only)
    shared = _get(c, "shared_expert_intermediate_size", "shared_intermediate_size")
    if shared is None:
        shared = _n(c.get("n_shared_experts") or 0) * expert_ffn
    dense_ffn = _num_of(c, "dense_intermediate_size", default=c.get("intermediate_size", 0))
    return {"routed_experts": experts, "top_k": _num_of(c, "num_experts_per_tok",
                                                          "experts_per_token"),
            "expert_ffn": expert_ffn, "moe_layers": layers - dense_first,
            "shared_expert_ffn": _n(shared), "shared_experts": _n(c.get("n_shared_experts")
                                                                     or (1 if shared else 0)),
            "dense_ffn": dense_ffn if dense_first else 0}


def _attention_fields(c: Mapping[str, Any]) -> dict[str, Any]:
    if c.get("kv_lora_rank"):
        return {"attention": "mla", "kv_lora_rank": _num(c, "kv_lora_rank"),
                "q_lora_rank": c.get("q_lora_rank"), "qk_rope_dim": _num(c, "qk_rope_head_dim"),
                "qk_nope_dim": _num(c, "qk_nope_head_dim"), "v_head_dim": _num(c, "v_head_dim")}
    heads = _num(c, "num_attention_heads")
    if not isinstance(heads, int) or heads < 1:
        raise ValueError(f"num_attention_heads: expected a whole number >= 1, found {heads}")
    hidden = _num(c, "hidden_size")
    if _get(c, "head_dim") is None and hidden % heads:
        raise ValueError(f"hidden_size {hidden} is not a multiple of num_attention_heads "
                         f"{heads} (and no head_dim is given)")
    head_dim = _num_of(c, "head_dim", default=hidden // heads)
    return {"attention": "gqa", "kv_heads": _num_of(c, "num_key_value_heads", default=heads),
            "head_dim": head_dim,
            "attn_output_gate": _flag(c, "attn_output_gate", "attention_output_gate")}


def _sparse_fields(c: Mapping[str, Any]) -> dict[str, Any]:
    if c.get("index_n_heads"):
        return {"index_heads": _num(c, "index_n_heads"),
                "index_head_dim": _num(c, "index_head_dim"), "index_topk": _num(c, "index_topk")}
    sp = _section(c, "sparse_attention_config")
    if _flag(sp, "use_sparse_attention"):
        block = _num(sp, "sparse_block_size")
        return {"index_heads": _num(sp, "sparse_num_index_heads"),
                "index_head_dim": _num(sp, "sparse_index_dim"),
                "index_topk": block * (_num(sp, "sparse_topk_blocks")
                                       + _n(sp.get("sparse_local_block", 0)))}
    return {}


def hf_config_fields(config: Mapping[str, Any]) -> dict[str, Any]:
    """The architecture fields of a :class:`Model` read from a Hugging Face config."""
    c = _section(config, "text_config") or config
    layers = _num(c, "num_hidden_layers")
    sliding, linear = _layer_kinds(c, layers)
    out: dict[str, Any] = {
        "layers": layers, "hidden": _num(c, "hidden_size"), "heads": _num(c, "num_attention_heads"),
        "context_length": _num(c, "max_position_embeddings"), "vocab_size": _num(c, "vocab_size"),
        "tie_embeddings": _flag(c, "tie_word_embeddings"),
        "mtp_modules": _num_of(c, "num_mtp_modules", "num_nextn_predict_layers",
                                "mtp_num_hidden_layers", default=0),
        "sliding_layers": sliding, "sliding_window": _n(c.get("sliding_window") or 0)
        if sliding else 0, "linear_layers": linear,
        **_attention_fields(c), **_moe_fields(c, layers), **_sparse_fields(c)}
    if linear:
        for key in ("linear_num_value_heads", "linear_num_key_heads", "linear_key_head_dim",
                    "linear_value_head_dim"):
            if not isinstance(_n(c[key]), int) or _n(c[key]) < 1:
                raise ValueError(f"{key}: expected a whole number >= 1 for linear-attention "
                                 f"layers, found {c[key]!r}")
        out.update(linear_heads=_num(c, "linear_num_value_heads"),
                   linear_key_heads=_num(c, "linear_num_key_heads"),
                   linear_key_dim=_num(c, "linear_key_head_dim"),
                   linear_value_dim=_num(c, "linear_value_head_dim"))
    return out


def model_from_hf_config(config: Mapping[str, Any], *, name: str, origin: str,
                         row: Mapping[str, Any] | None = None) -> Model:
    """A catalog model from a Hugging Face config; ``row`` adds the stated totals, aliases,
    date and source. Without stated totals the computed ones are used."""
    try:
        fields = hf_config_fields(config)
    except (KeyError, TypeError, ValueError) as e:
        what = f"missing {e}" if isinstance(e, KeyError) else str(e)
        raise InputError(f"{origin}: not a config this model reads: {what}") from None
    extra = dict(row or {})
    draft = parse_config(Model, {"name": name, "total_params_b": 1e6, "active_params_b": 1.0,
                                 "as_of": "-", "source": "-", **fields}, origin)
    counts = param_counts(draft)
    if counts is None:  # no vocabulary to count embeddings with
        raise InputError(f"{origin}: vocab_size: expected a whole number >= 1, found "
                         f"{fields.get('vocab_size')!r}")
    extra.setdefault("total_params_b", round(counts.total / 1e9, 3))
    extra.setdefault("active_params_b", round((counts.active if draft.is_moe else counts.total)
                                              / 1e9, 3))
    extra.setdefault("as_of", "unknown")
    extra.setdefault("source", origin)
    model = parse_config(Model, {"name": name, **fields, **extra}, origin)
    check_stated_counts(model, origin)
    return model


#: Largest model config read (Hugging Face configs are a few kB; /dev/zero is endless).
MAX_CONFIG_BYTES = 4 * 1024 * 1024


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise ValueError(f"key {twice[0]!r} given twice")
    return dict(pairs)


def parse_config_json(raw: bytes, origin: str) -> Mapping[str, Any]:
    """A JSON object from a config file's bytes: UTF-8, at most ``MAX_CONFIG_BYTES``, no
    repeated key, not nested without end, numbers of a sane length; errors name ``origin``."""
    if len(raw) > MAX_CONFIG_BYTES:
        raise InputError(f"{origin}: {len(raw):,} bytes; a model config is at most "
                         f"{MAX_CONFIG_BYTES:,}")
    try:
        doc = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except UnicodeDecodeError:
        raise InputError(f"{origin}: not UTF-8 text") from None
    except RecursionError:
        raise InputError(f"{origin}: nested too deeply to be a model config") from None
    except ValueError as e:  # JSONDecodeError, a repeated key, a 5,000-digit number
        raise InputError(f"{origin}: not a readable JSON config: {e}") from None
    if not isinstance(doc, Mapping):
        raise InputError(f"{origin}: expected a JSON object")
    return doc


def read_config_json(path: Path, origin: str | None = None) -> Mapping[str, Any]:
    """:func:`parse_config_json` of a regular file (a FIFO or /dev/zero is refused unread)."""
    where = origin or str(path)
    try:
        if not path.is_file():
            raise InputError(f"{where}: no such file" if not path.exists() else
                             f"{where}: not a regular file")
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise InputError(f"{where}: {path.stat().st_size:,} bytes; a model config is at "
                             f"most {MAX_CONFIG_BYTES:,}")
        with open(path, "rb") as fh:
            raw = fh.read(MAX_CONFIG_BYTES + 1)
    except OSError as e:
        raise InputError(f"{where}: cannot read it ({e.strerror or e})") from None
    return parse_config_json(raw, where)


def load_hf_model(path: str | Path) -> Model:
    """A model from a ``config.json`` path (counts computed), named by the config's
    ``_name_or_path``, else its folder (``config.json`` in the current folder too), else
    the file's stem."""
    p = Path(path)
    doc = read_config_json(p)
    given = doc.get("_name_or_path")
    if isinstance(given, str) and given.strip().strip("/"):
        name = given.strip().strip("/").split("/")[-1]  # "Qwen/Qwen3-32B" -> Qwen3-32B
    elif p.name == "config.json":  # a snapshot folder is named after its model
        name = p.resolve().parent.name
    else:
        name = p.stem
    return model_from_hf_config(doc, name=name, origin=str(p))
