"""The dashboard's request bodies and its limits, validated with the same rules as every
other configuration (unknown keys refused, finite numbers, ranges).

Run limits follow memory: a job's planned memory is checked against the server's budget
(``WebLimits.memory_budget_bytes``) before it is queued; its paths have no fixed cap unless
the operator sets one (``max_paths``), and its time is bounded by ``job_timeout_s``.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, Strict, StringConstraints

from llmecon.config.base import ConfigModel
from llmecon.config.serving import Engine
from llmecon.constants import MAX_PATHS, MAX_WEB_HORIZON_MONTHS, MEMORY_BUDGET_BYTES
from llmecon.statements.io import bundled_ids

#: Bytes a request body may hold (larger ones are refused with 413).
MAX_BODY_BYTES = 1_000_000
#: Characters of a rejected input echoed back in an error.
MAX_ECHO_CHARS = 80
#: Simulations queued or running at once, per client and in all.
MAX_JOBS_PER_CLIENT = 4
MAX_JOBS = 16
#: Finished simulations kept in memory for their results.
MAX_FINISHED_JOBS = 200
#: Seconds a simulation may run before it is stopped.
JOB_TIMEOUT_S = 600.0
#: Host names accepted on a loopback server (DNS rebinding protection).
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]", "::1")

CompanyId: Any = Enum("CompanyId", {i: i for i in bundled_ids()}, type=str)  # type: ignore[misc]
CatalogName = Annotated[str, StringConstraints(min_length=1, max_length=100,
                                               pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._+-]*$")]


class ServerWords(ValueError):
    """A validation message made of the server's own words (allowed values, known names,
    each kept short by the fields' length limits), so an error response does not cut it as
    it cuts an echo of the input."""


class UnknownChoice(ServerWords):
    """A value that is not one of the allowed ones. Its message lists every allowed value
    and the closest to the one given."""


def _known_stress(name: str) -> str:
    from llmecon.simulate.preset_checks import unknown_stress
    from llmecon.simulate.scenario import stress_presets

    known = stress_presets()
    if name not in known:  # 'price_war' too: the message suggests 'price-war'
        raise UnknownChoice(unknown_stress(name, known))
    return name


#: The shape of a preset's name, shown in the OpenAPI schema (the check itself is against
#: the presets, whose message suggests the closest one: a pattern error would not).
STRESS_NAME_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
StressName = Annotated[str, StringConstraints(min_length=1, max_length=40),
                       AfterValidator(_known_stress),
                       Field(json_schema_extra={"pattern": STRESS_NAME_PATTERN})]


def _not_a_file(name: str) -> str:
    if name.lower().endswith((".yaml", ".yml")):
        raise ValueError("a catalog name, not a file")
    return name


#: Numbers in a request are JSON numbers: true is not 1, "8" is not 8.
Whole = Annotated[int, Strict()]
Number = Annotated[float, Strict()]


class InferenceRequest(ConfigModel):
    """A serving configuration to cost (``POST /api/inference/cost``)."""

    model: Annotated[CatalogName, AfterValidator(_not_a_file)] = "DeepSeek-V3"
    gpu: Annotated[CatalogName, AfterValidator(_not_a_file)] = "H100"
    precision: Literal["bf16", "fp8", "int8", "fp4", "nvfp4", "mxfp4"] = "fp8"
    kv_dtype: Literal["bf16", "fp8", "int8"] = "bf16"
    gpus: Whole = Field(default=72, ge=1, le=1024)
    #: Pipeline stages of the replica (a divisor of ``gpus``).
    pp: Whole = Field(default=1, ge=1, le=64)
    tp: Whole | None = Field(default=None, ge=1, le=1024)
    batch_per_gpu: Number | None = Field(default=256, gt=0, le=4096)
    tpot_ms: Number | None = Field(default=None, gt=0, le=10_000)
    input_tokens: Whole = Field(default=2000, ge=1, le=1_000_000)
    output_tokens: Whole = Field(default=500, ge=1, le=1_000_000)
    cache_hit: Number = Field(default=0.0, ge=0, lt=1)
    mtp_draft: Whole = Field(default=0, ge=0, le=8)
    mtp_accept: Number = Field(default=0.0, ge=0, le=1)
    #: USD per GPU-hour; None: the catalog's dated price for the GPU, as the command line
    gpu_hour_price: Number | None = Field(default=None, ge=0, le=1000)
    #: The engine whose fitted factors the serving model uses.
    engine: Engine = "trtllm"


def _once_each(names: list[str]) -> list[str]:
    from llmecon.simulate.preset_checks import repeated_stress

    twice = repeated_stress(names)  # known presets only: validated before
    if twice:
        raise ServerWords(twice)
    return names


class SimulationRequest(ConfigModel):
    """A stress test to run in the background (``POST /api/simulations``)."""

    company: CompanyId
    stresses: Annotated[list[StressName], AfterValidator(_once_each)] = Field(
        default_factory=list, max_length=6)
    paths: Whole = Field(default=5000, ge=100, le=MAX_PATHS)
    horizon_months: Whole = Field(default=36, ge=1, le=MAX_WEB_HORIZON_MONTHS)
    seed: Whole = Field(default=0, ge=0, le=2**31 - 1)
    #: Financing counted: committed events only (the base case), all, or none.
    financing: Literal["committed", "all", "none"] = "committed"


def simulation_request(company_ids: Any) -> type[SimulationRequest]:
    """:class:`SimulationRequest` over the ids ``company_ids`` (an enumeration: the
    bundled companies and the files a dashboard was given at launch)."""
    from pydantic import create_model

    if company_ids is CompanyId:
        return SimulationRequest
    model: type[SimulationRequest] = create_model(
        "SimulationRequest", __base__=SimulationRequest, __doc__=SimulationRequest.__doc__,
        company=(company_ids, ...))
    return model


class WebLimits(ConfigModel):
    """What one dashboard server accepts."""

    #: Paths one job may ask for: no fixed cap unless the operator sets one; a job's time is
    #: bounded by ``job_timeout_s`` and its memory by ``memory_budget_bytes``.
    max_paths: int | None = Field(default=None, ge=100, le=MAX_PATHS)
    #: Memory one job may plan to use (its estimate is checked before it is queued).
    memory_budget_bytes: int = Field(default=MEMORY_BUDGET_BYTES, ge=2**26, le=2**44)
    max_body_bytes: int = Field(default=MAX_BODY_BYTES, ge=1_024, le=100_000_000)
    max_jobs_per_client: int = Field(default=MAX_JOBS_PER_CLIENT, ge=1, le=1_000)
    max_jobs: int = Field(default=MAX_JOBS, ge=1, le=10_000)
    max_finished_jobs: int = Field(default=MAX_FINISHED_JOBS, ge=1, le=100_000)
    job_timeout_s: float = Field(default=JOB_TIMEOUT_S, gt=0, le=86_400)
    allowed_hosts: tuple[str, ...] | None = LOOPBACK_HOSTS
