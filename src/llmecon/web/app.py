"""The dashboard: compare companies, an inference cost calculator, stress tests run in the
background with progress, and the saved runs.

It listens on loopback unless told otherwise, and then requires a token. It reads only the
bundled data and the run store: companies are chosen by id, never by path.
"""

from __future__ import annotations

import secrets
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from llmecon.errors import LlmeconError, NotFoundError
from llmecon.statements.io import bundled_ids

CompanyId: Any = Enum("CompanyId", {i: i for i in bundled_ids()}, type=str)  # type: ignore[misc]
LOOPBACK = ("127.0.0.1", "::1", "localhost")


def _stress_enum() -> Any:
    from llmecon.simulate.scenario import stress_presets

    return Enum("Stress", {n.replace("-", "_"): n for n in stress_presets()}, type=str)


Stress: Any = _stress_enum()


class InferenceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str = Field("DeepSeek-V3", min_length=1, max_length=100,
                       pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._+-]*$")
    gpu: str = Field("H100", min_length=1, max_length=100,
                     pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._+-]*$")
    precision: Literal["bf16", "fp8", "int8", "fp4"] = "fp8"
    kv_dtype: Literal["bf16", "fp8", "int8"] = "bf16"
    gpus: int = Field(72, ge=1, le=1024)
    tp: int | None = Field(None, ge=1, le=1024)
    batch_per_gpu: float | None = Field(256, gt=0, le=4096)
    tpot_ms: float | None = Field(None, gt=0, le=10_000)
    input_tokens: float = Field(2000, ge=1, le=1_000_000)
    output_tokens: float = Field(500, ge=1, le=1_000_000)
    cache_hit: float = Field(0.0, ge=0, lt=1)
    mtp_draft: int = Field(0, ge=0, le=8)
    mtp_accept: float = Field(0.0, ge=0, le=1)
    gpu_hour_price: float | None = Field(2.0, ge=0, le=1000)


class SimulationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    company: CompanyId
    stresses: list[Stress] = Field(default_factory=list, max_length=6)
    paths: int = Field(5000, ge=100, le=200_000)
    horizon_months: int = Field(36, ge=1, le=120)
    seed: int = Field(0, ge=0, le=2**31 - 1)


@dataclass
class Job:
    id: str
    request: dict[str, Any]
    status: str = "queued"
    done_paths: int = 0
    total_paths: int = 0
    error: str = ""
    run_id: str | None = None
    result: dict[str, Any] = field(default_factory=dict)


def create_app(store: str | Path | None = None, token: str | None = None,
               max_paths: int = 200_000) -> FastAPI:
    """The dashboard app. ``token`` (if given) is required on every request."""
    from llmecon.store.runs import RunStore

    app = FastAPI(title="llmecon", version="0.1.0",
                  description="Economics of large-model companies: compare, inference cost, "
                              "stress tests, saved runs.")
    runs = RunStore(store)
    jobs: dict[str, Job] = {}
    lock = threading.Lock()
    pool = ThreadPoolExecutor(max_workers=1)

    @app.middleware("http")
    async def require_token(request: Request, call_next: Any) -> Any:
        if token is not None:
            given = request.headers.get("authorization", "").removeprefix("Bearer ").strip() \
                or request.query_params.get("token", "")
            if not secrets.compare_digest(given, token):
                return JSONResponse({"detail": "a valid token is required (Authorization: "
                                               "Bearer TOKEN, or ?token=TOKEN)"},
                                    status_code=401)
        return await call_next(request)

    @app.exception_handler(LlmeconError)
    async def domain_error(_: Request, exc: LlmeconError) -> JSONResponse:
        code = 404 if isinstance(exc, NotFoundError) else 400
        return JSONResponse({"detail": str(exc)}, status_code=code)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> str:
        from importlib import resources

        return resources.files("llmecon").joinpath("web/static/index.html") \
            .read_text(encoding="utf-8")

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js() -> Response:
        from llmecon.report.html import plotly_js as js

        return Response(js(), media_type="application/javascript")

    @app.get("/api/companies")
    def companies() -> list[dict[str, Any]]:
        from llmecon.api import load_company

        out = []
        for i in bundled_ids():
            c = load_company(i)
            out.append({"id": c.id, "name": c.name, "ticker": c.ticker,
                        "business_model": c.business_model, "currency": c.currency,
                        "periods": [p.label for p in c.duration_periods]})
        return out

    @app.get("/api/compare")
    def compare_endpoint(
        companies: Annotated[list[CompanyId], Query(min_length=1, max_length=4)],
        currency: Literal["CNY", "USD", "HKD"] | None = None,
        period: Annotated[str, Query(pattern=r"^(latest|[A-Za-z0-9_]{2,20})$")] = "latest",
    ) -> dict[str, Any]:
        from llmecon.api import compare, load_company
        from llmecon.report.export import signals_dict, table_dict

        cs = [load_company(c.value) for c in companies]
        ue, cf, sig = compare(cs, period=period, currency=currency)
        return {"tables": [table_dict(ue), table_dict(cf)], "signals": signals_dict(sig)}

    @app.get("/api/unit-economics/{company}")
    def unit_economics(company: CompanyId) -> dict[str, Any]:
        from llmecon.api import load_company
        from llmecon.unit_economics.company import load_assumptions, unit_economics_table
        from llmecon.units import load_fx

        t = unit_economics_table(load_company(company.value), load_assumptions(), load_fx())
        return {"company": t.company_id, "currency": t.currency,
                "rows": [r.__dict__ for r in t.rows]}

    @app.get("/api/catalog")
    def catalog() -> dict[str, list[str]]:
        from llmecon.inference.catalog import load_catalog

        cat = load_catalog()
        return {"gpus": [g.name for g in cat.gpus], "models": [m.name for m in cat.models]}

    @app.post("/api/inference/cost")
    def inference_cost(req: InferenceRequest) -> dict[str, Any]:
        from llmecon.inference.calibration import load_efficiency
        from llmecon.inference.catalog import load_catalog
        from llmecon.inference.serving import ServingConfig, evaluate

        d = req.model_dump()
        for name in ("model", "gpu"):
            if d[name].lower().endswith((".yaml", ".yml")):
                raise HTTPException(422, f"{name}: a catalog name, not a file")
        if d["batch_per_gpu"] is not None and d["tpot_ms"] is not None:
            d["batch_per_gpu"] = None
        res = evaluate(ServingConfig(**d), load_catalog(), load_efficiency())
        out = res.to_dict()
        return {k: v for k, v in out.items() if k != "config"}

    @app.get("/api/stresses")
    def stresses() -> dict[str, str]:
        from llmecon.simulate.scenario import stress_presets

        return {k: " ".join(str(v["description"]).split()) for k, v in stress_presets().items()}

    def work(job: Job, req: SimulationRequest) -> None:
        from llmecon.api import load_company
        from llmecon.simulate.run import PERCENTILES, run
        from llmecon.simulate.scenario import apply_stresses, base_scenario

        try:
            job.status = "running"
            s = base_scenario(load_company(req.company.value),
                              horizon_months=req.horizon_months)
            s = apply_stresses(s, [x.value for x in req.stresses])

            def progress(done: int, total: int) -> None:
                job.done_paths, job.total_paths = done, total

            r = run(s, paths=req.paths, seed=req.seed, progress=progress)
            job.run_id = runs.save(r, s.to_dict())
            job.result = {
                "summary": r.summary(),
                "cash": {f"p{q}": r.percentiles["cash"][i].tolist()
                         for i, q in enumerate(PERCENTILES)},
                "prob_cash_out": r.prob_cash_out.tolist()}
            job.status = "done"
        except LlmeconError as e:
            job.status, job.error = "failed", str(e)

    @app.post("/api/simulations", status_code=202)
    def start_simulation(req: SimulationRequest) -> dict[str, Any]:
        if req.paths > max_paths:
            raise HTTPException(422, f"paths: at most {max_paths:,} on this server")
        job = Job(uuid.uuid4().hex[:12], req.model_dump(mode="json"), total_paths=req.paths)
        with lock:
            jobs[job.id] = job
        pool.submit(work, job, req)
        return {"job_id": job.id}

    @app.get("/api/simulations/{job_id}")
    def simulation(job_id: Annotated[str, PathParam(max_length=40)]) -> dict[str, Any]:
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, f"no simulation {job_id!r}")
        return {"job_id": job.id, "status": job.status, "done_paths": job.done_paths,
                "total_paths": job.total_paths, "error": job.error, "run_id": job.run_id,
                "result": job.result, "request": job.request}

    @app.get("/api/runs")
    def list_runs() -> list[dict[str, Any]]:
        try:
            records = runs.records()
        except NotFoundError:
            return []
        return [{"run_id": r.run_id, "created": r.created.isoformat(), "company": r.company,
                 "stresses": r.stresses, "paths": r.paths, "horizon": r.horizon,
                 "seed": r.seed, "backend": r.backend,
                 "prob_cash_out": r.summary["prob_cash_out_by_horizon"],
                 "cash_p50": r.summary["cash_at_horizon"]["p50"],
                 "currency": r.summary["currency"]} for r in records]

    @app.get("/api/runs/{run_id}")
    def get_run(run_id: Annotated[str, PathParam(max_length=40, pattern=r"^[0-9a-f]{1,40}$")]
                ) -> dict[str, Any]:
        r = runs.get(run_id)
        return {"run_id": r.run_id, "summary": r.summary,
                "cash": runs.percentiles(r.run_id, "cash")}

    return app


def serve(host: str = "127.0.0.1", port: int = 8000, token: str | None = None,
          store: str | None = None) -> None:
    """Run the dashboard with uvicorn; off loopback a token is required (one is made)."""
    import uvicorn

    if host not in LOOPBACK and not token:
        token = secrets.token_urlsafe(16)
        print(f"listening on {host}: requests need the token {token} "
              f"(open http://{host}:{port}/?token={token})")
    uvicorn.run(create_app(store, token), host=host, port=port, log_level="warning")
