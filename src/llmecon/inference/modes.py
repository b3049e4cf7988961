"""One deployment in aggregated or disaggregated mode, as the measured tables describe it.

:class:`RunConfig` holds the inputs of one row of a measured table (model, GPU system,
engine, precision, input and output tokens, requests in flight, parallelism); :func:`serve`
predicts it with :func:`llmecon.inference.measured.predict_runs` and prices it.

>>> from llmecon.inference.catalog import load_catalog
>>> from llmecon.inference.engines import load_serving_factors
>>> r = serve(RunConfig(model="Llama-3.1-70B", gpu="H200", tp=4, concurrency=32,
...                     gpu_hour_price=2.5), load_catalog(), load_serving_factors())
>>> r.tokens_per_s_per_user > 20 and r.gpus == 4
True
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from pydantic import Field, model_validator

from llmecon.config.base import ConfigModel, parse_config
from llmecon.config.inference import Precision, ServingFactors
from llmecon.config.serving import Engine
from llmecon.errors import InputError
from llmecon.formulas import cost_per_million_tokens
from llmecon.inference import roofline as rf
from llmecon.inference.catalog import Catalog
from llmecon.inference.measured import parse_runs, precision_note, predict_runs
from llmecon.inference.serving import CURRENCY, strict_json

#: Fields of the prefill and decode workers of a disaggregated deployment.
DISAGG_ONLY = frozenset({"prefill_tp", "prefill_pp", "prefill_workers", "decode_workers"})


class RunConfig(ConfigModel):
    """One deployment: ``agg`` (prefill and decode on the same GPUs: ``tp`` x
    ``attention_dp`` x ``pp`` GPUs per worker) or ``disagg`` (``prefill_workers`` of
    ``prefill_tp`` x ``prefill_pp`` GPUs and ``decode_workers`` of ``tp`` x ``attention_dp``
    x ``pp`` GPUs). ``pp``: pipeline stages, each holding an equal share of the layers."""

    model: str = Field(min_length=1)
    gpu: str = Field(min_length=1)
    engine: Engine = "trtllm"
    precision: Precision = "fp8"
    mode: Literal["agg", "disagg"] = "agg"
    isl: float = Field(2000.0, ge=1)
    osl: float = Field(500.0, ge=1)
    concurrency: int = Field(64, ge=1)
    tp: int = Field(8, ge=1)
    attention_dp: int = Field(1, ge=1)
    pp: int = Field(1, ge=1)
    prefill_tp: int = Field(8, ge=1)
    prefill_pp: int = Field(1, ge=1)
    prefill_workers: int = Field(1, ge=1)
    decode_workers: int = Field(1, ge=1)
    gpu_hour_price: float | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _disagg_fields_need_disagg(self) -> RunConfig:
        given = sorted(DISAGG_ONLY & self.model_fields_set)
        if self.mode == "agg" and given:
            raise ValueError(f"{', '.join(given)}: only with mode disagg (an aggregated "
                             "worker is tp x attention_dp x pp GPUs)")
        return self

    def row(self) -> dict[str, Any]:
        """The configuration as one row of a measured table."""
        gpus = self.tp * self.attention_dp
        common = {"model_path": self.model, "system": self.gpu, "backend": self.engine,
                  "precision": self.precision, "mode": self.mode, "isl": self.isl,
                  "osl": self.osl, "silicon_data_source":
                  f"silicon_concurrency={self.concurrency}"}
        if self.mode == "agg":
            return {**common, "batch_size": self.concurrency, "tp_size": self.tp,
                    "pp_size": self.pp, "attention_dp_size": self.attention_dp, "moe_tp_size": 1,
                    "moe_ep_size": gpus}
        return {**common, "prefill_num_workers": self.prefill_workers,
                "prefill_tp_size": self.prefill_tp, "prefill_pp_size": self.prefill_pp,
                "prefill_attention_dp_size": 1, "prefill_moe_tp_size": 1,
                "prefill_moe_ep_size": self.prefill_tp,
                "decode_num_workers": self.decode_workers, "decode_tp_size": self.tp,
                "decode_pp_size": self.pp, "decode_attention_dp_size": self.attention_dp,
                "decode_moe_tp_size": 1, "decode_moe_ep_size": gpus}


@dataclass(frozen=True)
class RunResult:
    """Latency, throughput, memory limit and cost of a :class:`RunConfig`."""

    config: RunConfig
    ttft_ms: float
    tpot_ms: float
    tokens_per_s_per_user: float
    output_tokens_per_s_per_gpu: float
    gpus: int
    max_sequences: float  # requests whose KV cache fits on the decode GPUs
    bound: str  # the binding limit: the largest part of TPOT, or kv-capacity
    cost_per_m_output: float | None  # all GPU time charged to output tokens
    #: a precision the GPU lacks is run at another's peak, said (:func:`precision_note`)
    precision_note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain data for strict JSON: a None says why under ``notes``."""
        d = asdict(self)
        d["config"], d["currency"] = self.config.model_dump(), CURRENCY
        d["precision_note"] = self.precision_note or None
        return strict_json(d, {"cost_per_m_output": "no GPU-hour price: give one "
                               "(--gpu-price) or a catalog with a price for the GPU"})


def serve(cfg: RunConfig, catalog: Catalog, factors: ServingFactors) -> RunResult:
    """Predict one deployment; one that cannot be modelled is an error saying why."""
    import pandas as pd

    catalog.model(cfg.model), catalog.gpu(cfg.gpu)  # their own errors (a model file's)
    frame = pd.DataFrame([cfg.row()])
    runs = parse_runs(frame, catalog)
    if runs.status[0] != "ok":
        raise InputError(f"{cfg.model} on {cfg.gpu}: {runs.status[0]}")
    p = predict_runs(runs, rf.Arch.of([catalog.model(cfg.model)]), factors)
    if p.status[0] != "ok":
        raise InputError(f"{cfg.model} in {cfg.precision} on {cfg.gpu}: {p.status[0]}")
    gpus = int(p.gpus[0])
    tput = float(p.output_tok_s_per_gpu[0])
    cost = None if cfg.gpu_hour_price is None else \
        float(cost_per_million_tokens(cfg.gpu_hour_price, tput))
    return RunResult(cfg, float(p.ttft_ms[0]), float(p.tpot_ms[0]),
                     1e3 / float(p.tpot_ms[0]), tput, gpus, float(p.max_sequences[0]),
                     str(p.bound[0]), cost, precision_note(catalog.gpu(cfg.gpu), cfg.precision))


def run_config(data: Any, source: str) -> RunConfig:
    """A :class:`RunConfig` from plain data (a YAML mapping, CLI options); errors name
    ``source`` and the field."""
    return parse_config(RunConfig, data, source)
