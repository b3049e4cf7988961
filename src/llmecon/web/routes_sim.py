"""The dashboard's simulation routes: start a stress test in the background (bounded per
client and in all), follow it, cancel it; the saved runs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse

from llmecon.config.web import SimulationRequest, simulation_request
from llmecon.errors import NotFoundError
from llmecon.report.common import jsonable
from llmecon.web.companies import CompanyBook
from llmecon.web.jobs import Job, JobQueue, QueueFull
from llmecon.web.security import known_query

JobId = Annotated[str, PathParam(max_length=40)]
RunId = Annotated[str, PathParam(max_length=32, pattern=r"^[0-9a-fA-F]{1,32}$")]  # as the CLI
RETRY_AFTER_S = "5"


def scenario(req: SimulationRequest, book: CompanyBook | None = None) -> Any:
    """The stressed scenario of ``req``: built when the job is submitted, so a company
    that cannot be projected is refused then (400), not queued to fail. The company is
    ``book``'s (the bundled ones when ``None``)."""
    return scenario_and_notes(req, book)[0]


def scenario_and_notes(req: SimulationRequest, book: CompanyBook | None = None
                       ) -> tuple[Any, list[str], Any]:
    """:func:`scenario`, what the run says beside its figures, as ``simulate`` says it
    on the command line (a stress that cannot move the company, what a financing preset
    takes away, a projection starting before the newest period), and the company."""
    from llmecon.simulate.loaders import load_base_scenario
    from llmecon.simulate.run_notes import run_notes
    from llmecon.simulate.scenario import apply_stresses

    company = (book or CompanyBook()).get(req.company.value)
    base = load_base_scenario(company, horizon_months=req.horizon_months
                              ).with_financing(req.financing)
    s = apply_stresses(base, list(req.stresses))
    return s, run_notes(company, s, base, list(req.stresses),
                        "financing 'all (incl. uncommitted)'"), company


def simulate(job: Job, req: SimulationRequest, s: Any, runs: Any, budget: int,
             notes: Sequence[str] = (), company: Any = None) -> None:
    """Run the stress test ``s`` of ``req`` (of ``company``, whose file the saved run
    names), save it and keep its result (and ``notes``) on ``job``."""
    from llmecon.report.simulate import sensitivity_note
    from llmecon.simulate.run import PERCENTILES, run
    from llmecon.simulate.sensitivity import saved_scenario, unexplained_sensitivity

    r = run(s, paths=req.paths, seed=req.seed, progress=job.progress,
            memory_budget_bytes=budget)
    found = unexplained_sensitivity(s)
    summary = r.summary()
    job.result = jsonable({  # kept when only the save fails (the job says why)
        "summary": summary, "text": _texts(summary), "financing": r.financing_included,
        "month_ends": [str(d) for d in r.month_ends],
        "cash": {f"p{q}": r.percentiles["cash"][i].tolist() for i, q in enumerate(PERCENTILES)},
        "prob_cash_out": r.prob_cash_out.tolist(), "notes": list(notes),
        **({"unexplained_operating": {**found.to_dict(), "note": sensitivity_note(found)}}
           if found is not None else {})})
    job.run_id = runs.save(r, saved_scenario(s, found, company=company))


def _check_memory(req: SimulationRequest, budget: int) -> None:
    """Refuse (422) a job whose planned memory is above the server's budget, with both."""
    from llmecon.simulate.backends import estimate_memory_bytes
    from llmecon.simulate.sampling import BLOCK

    need = estimate_memory_bytes(req.horizon_months, BLOCK)
    if need > budget:
        raise HTTPException(422, f"memory: a {req.horizon_months}-month simulation needs "
                                 f"about {need / 2**20:,.0f} MiB; this server allows "
                                 f"{budget / 2**20:,.0f} MiB per job. Memory grows with the "
                                 "horizon, not with the number of paths: choose fewer months "
                                 "(or start the server with a larger --memory-budget)")


def _record(r: Any) -> dict[str, Any]:
    """A saved run's row, with its figures also as the text ``runs list`` prints (the page
    shows that text: rounding it again in the browser gave 12.3% for the terminal's 12.2%
    and "-6130.0m CNY" for RMB -6.13bn)."""
    s = r.summary
    return {"run_id": r.run_id, "created": r.created.isoformat(), "company": r.company,
            "stresses": r.stresses, "paths": r.paths, "horizon": r.horizon, "seed": r.seed,
            "backend": r.backend, "prob_cash_out": s["prob_cash_out_by_horizon"],
            "cash_p50": s["cash_at_horizon"]["p50"], "currency": s["currency"],
            **_texts(s)}


def _texts(s: Mapping[str, Any]) -> dict[str, str]:
    """P(cash < 0) and the median cash at the horizon as the terminal shows them."""
    from llmecon.report.formatting import money, percent

    return {"prob_cash_out_text": percent(s["prob_cash_out_by_horizon"]),
            "cash_p50_text": money(s["cash_at_horizon"]["p50"], s["currency"])}


def router(jobs: JobQueue, runs: Any, book: CompanyBook | None = None) -> APIRouter:
    """The routes; a stress test is of one of ``book``'s companies (bundled when
    ``None``)."""
    r = APIRouter(prefix="/api", dependencies=[Depends(known_query)])
    max_paths, budget = jobs.limits.max_paths, jobs.limits.memory_budget_bytes
    book = book or CompanyBook()

    def start(req: SimulationRequest, request: Request) -> dict[str, Any] | JSONResponse:
        if max_paths is not None and req.paths > max_paths:
            raise HTTPException(422, f"paths: at most {max_paths:,} on this server")
        _check_memory(req, budget)
        s, notes, company = scenario_and_notes(req, book)
        client = request.client.host if request.client else "unknown"
        try:
            job = jobs.submit(client, req.model_dump(mode="json"), req.paths, lambda j: simulate(
                j, req, s, runs, budget, notes=notes, company=company))
        except QueueFull as e:
            return JSONResponse({"detail": str(e)}, status_code=e.status,
                                headers={"Retry-After": RETRY_AFTER_S})
        return {"job_id": job.id}

    # the request's company ids are the book's (set here: the annotations are text)
    start.__annotations__["req"] = simulation_request(book.id_type)
    r.add_api_route("/simulations", start, methods=["POST"], status_code=202,
                    response_model=None)

    @r.get("/simulations/{job_id}")
    def follow(job_id: JobId) -> dict[str, Any]:
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, f"no simulation {job_id!r}")
        return job.to_dict()

    @r.delete("/simulations/{job_id}")
    def cancel(job_id: JobId) -> dict[str, Any]:
        job = jobs.cancel(job_id)
        if job is None:
            raise HTTPException(404, f"no simulation {job_id!r}")
        return {"job_id": job.id, "status": job.status,
                "cancel_requested": job.cancel_requested}

    @r.get("/runs")
    def list_runs() -> list[dict[str, Any]]:
        try:
            records, _ = runs.readable_records()  # malformed rows are left out
        except NotFoundError:
            return []
        return [jsonable(_record(x)) for x in records]

    @r.get("/runs/{run_id}")
    def get_run(run_id: RunId) -> dict[str, Any]:
        try:
            rec = runs.get(run_id)
        except NotFoundError:  # its message names the store's path on this machine
            raise HTTPException(404, f"no saved run {run_id!r}") from None
        out: dict[str, Any] = jsonable({"run_id": rec.run_id, "summary": rec.summary,
                                        "cash": runs.percentiles(rec.run_id, "cash")})
        return out

    return r
