"""The serving engines' fitted factors as roofline efficiencies: one model for every command.

The serving model's factors (``data/inference/serving_factors.yaml``, fitted on the measured
runs by :mod:`llmecon.inference.fit`) give, per engine (vLLM, SGLang, TensorRT-LLM), the
fractions of peak and the fixed times of :class:`~llmecon.inference.roofline.Efficiency`.
:func:`row_efficiency` lays them out per row of a measured table (:mod:`.measured`);
:func:`engine_efficiency` gives one engine's, which ``inference throughput``, ``cost``,
``fleet``, ``sweep``, the dashboard's calculator and the unit-economics serving costs use,
so they answer with the same model as ``inference run``, ``frontier`` and ``predict``.
:func:`prefill_rate` is the prefill throughput all of them use.

>>> eff = engine_efficiency(load_serving_factors(), "trtllm")
>>> eff.decode_mfu == load_serving_factors().engines["trtllm"].decode_mfu
True
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, get_args

import numpy as np

from llmecon.config.inference import ServingFactors
from llmecon.config.serving import Engine
from llmecon.errors import InputError
from llmecon.inference import roofline as rf

Array = np.ndarray[Any, Any]
ENGINES: tuple[str, ...] = get_args(Engine)
#: The engine of the commands that do not name one (``--engine``).
DEFAULT_ENGINE = "trtllm"
#: Prompt tokens one prefill pass takes at most (the engines' default chunk / max_num_tokens,
#: 8,192 in TensorRT-LLM, vLLM and SGLang; a prompt longer than it is one pass here).
CHUNK_TOKENS = 8192.0
#: Share of link bandwidth a prefill pass's collectives achieve (large messages, overlapped
#: with compute by two-batch overlap); the factors' ``network`` share is for decode steps
#: (0.7 as bundled, not fitted: see :mod:`llmecon.inference.fit`), whose small messages'
#: latency is in the fixed time per MoE layer of a step.
PREFILL_NETWORK = 0.7


def row_efficiency(f: ServingFactors, engine: Array) -> tuple[rf.Efficiency, Array]:
    """Per row (``engine``: index into :data:`ENGINES`): the roofline efficiency of the
    row's engine with its fixed times, and its burst factor. Only the engines the rows use
    need factors."""
    used = {i for i in range(len(ENGINES)) if (engine == i).any()}  # (np.unique: numpy.ma)
    missing = [n for i, n in enumerate(ENGINES) if i in used and n not in f.engines]
    if missing or not f.engines:
        raise InputError(f"serving factors: engines: missing {', '.join(missing) or 'all'}")
    filler = next(iter(f.engines.values()))  # for engines no row uses
    e = [f.engines.get(name, filler) for name in ENGINES]

    def pick(attr: str) -> Array:
        values = np.array([float(getattr(x, attr)) for x in e])
        out: Array = values[np.where(engine >= 0, engine, 0)]
        return out

    eff = rf.Efficiency(prefill_mfu=pick("prefill_mfu"), decode_mfu=pick("decode_mfu"),
                        decode_bw=pick("decode_bw"), network=f.network,
                        memory_reserve=f.memory_reserve, expert=f.expert_efficiency,
                        step_s_per_layer=pick("step_us_per_layer") / 1e6,
                        moe_step_s_per_layer=f.moe_step_us_per_layer / 1e6,
                        ttft_s=pick("ttft_overhead_ms") / 1e3,
                        ttft_s_per_layer=pick("ttft_us_per_layer") / 1e6,
                        moe_prefill_s_per_layer=f.moe_prefill_us_per_layer / 1e6,
                        disagg_ttft_s=pick("disagg_ttft_ms") / 1e3)
    return eff, pick("burst")


def engine_efficiency(f: ServingFactors, engine: str = DEFAULT_ENGINE) -> rf.Efficiency:
    """One engine's roofline efficiency and fixed times, as numbers (not arrays)."""
    if engine not in ENGINES:
        raise InputError(f"engine: expected one of {', '.join(ENGINES)}, found {engine!r}")
    eff, _ = row_efficiency(f, np.array([ENGINES.index(engine)]))
    return rf.Efficiency(**{k: float(np.asarray(v).reshape(-1)[0])
                            for k, v in eff.__dict__.items()})


def prefill_rate(arch: rf.Arch, hw: rf.Hardware, eff: rf.Efficiency, *, prompt: Any,
                 weight_bytes: Any, gpus: Any, tp: Any, pass_tokens: Any) -> Any:
    """Prompt tokens per GPU-second of a prefill worker of ``gpus`` GPUs whose passes hold
    ``pass_tokens`` prompt tokens (at most a chunk; at a few prompts a mixture of experts'
    pass is bound by reading the experts' weights, not by compute)."""
    return rf.prefill_tokens_per_gpu_s(arch, hw, prompt=prompt,
                                       eff=replace(eff, network=PREFILL_NETWORK),
                                       weight_bytes=weight_bytes, gpus=gpus, tp=tp,
                                       tokens_per_gpu=pass_tokens / gpus)


def load_serving_factors(path: str | Path | None = None) -> ServingFactors:
    """The fitted factors bundled in ``data/inference/serving_factors.yaml`` (or a file)."""
    from importlib import resources

    from llmecon.config.base import load_config, parse_config
    from llmecon.yamlfile import read_mapping

    if path is not None:
        return load_config(ServingFactors, path, "serving factors")
    file = resources.files("llmecon").joinpath("data/inference/serving_factors.yaml")
    with resources.as_file(file) as p:
        return parse_config(ServingFactors, read_mapping(p, "serving factors"),
                            "llmecon/data/inference/serving_factors.yaml")


def load_engine_efficiency(engine: str = DEFAULT_ENGINE) -> rf.Efficiency:
    """The bundled serving factors of ``engine`` (:func:`engine_efficiency`)."""
    return engine_efficiency(load_serving_factors(), engine)
