"""The dashboard's read-only routes: companies, comparison, unit economics, the catalog,
the inference cost calculator and the stress presets. Companies are chosen by bundled id,
never by path."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query

from llmecon.config.web import CompanyId, InferenceRequest
from llmecon.report.common import jsonable
from llmecon.web.security import known_query


@cache
def _companies() -> list[dict[str, Any]]:
    """The bundled companies (static data: read once), each saying whether it can be
    projected (``simulated``; else ``why_not``), so the stress-test form offers only those."""
    from llmecon.api import load_company
    from llmecon.errors import LlmeconError
    from llmecon.simulate.loaders import load_base_scenario
    from llmecon.statements.io import bundled_ids

    out = []
    for i in bundled_ids():
        c = load_company(i)
        try:
            load_base_scenario(c)
            why = None
        except LlmeconError as e:
            why = str(e)
        out.append({"id": c.id, "name": c.name, "ticker": c.ticker,
                    "business_model": c.business_model, "currency": c.currency,
                    "periods": [p.label for p in c.duration_periods],
                    "simulated": why is None, **({"why_not": why} if why else {})})
    return out


def _compare(companies: Annotated[list[CompanyId], Query(min_length=1, max_length=4)],
             currency: Literal["CNY", "USD", "HKD"] | None = None,
             period: Annotated[str, Query(pattern=r"^(latest|[A-Za-z0-9_]{2,20})$")] = "latest",
             ) -> dict[str, Any]:
    from llmecon.api import compare, load_company
    from llmecon.report.export import compare_dict

    ids = [c.value for c in companies]
    if twice := next((i for n, i in enumerate(ids) if i in ids[:n]), None):
        # the API's own message tells a user to give a file's copy another id: no files here
        raise HTTPException(400, f"companies: {twice!r} is given twice; choose each company "
                                 "once")
    cs = [load_company(c.value) for c in companies]
    ue, cf, sig = compare(cs, period=period, currency=currency)
    out: dict[str, Any] = jsonable(compare_dict([ue, cf], sig))
    return out


def _unit_economics(company: CompanyId) -> dict[str, Any]:
    from llmecon.api import load_company, unit_economics
    from llmecon.report.unit_economics import ue_dict

    return ue_dict(unit_economics(load_company(company.value)))


def _catalog() -> dict[str, list[str]]:
    from llmecon.inference.catalog import load_catalog

    cat = load_catalog()
    return {"gpus": [g.name for g in cat.gpus], "models": [m.name for m in cat.models]}


def _inference_cost(req: InferenceRequest) -> dict[str, Any]:
    from llmecon.errors import InputError
    from llmecon.inference.catalog import load_catalog
    from llmecon.inference.engines import engine_efficiency, load_serving_factors
    from llmecon.inference.serving import ServingConfig, evaluate
    from llmecon.report.inference import error_json, expected_error, model_note

    d = req.model_dump()
    if d["tpot_ms"] is not None:
        if "batch_per_gpu" in req.model_fields_set and d["batch_per_gpu"] is not None:
            raise InputError("give batch_per_gpu or tpot_ms (the batch that meets it), not "
                             "both")
        d["batch_per_gpu"] = None  # the form's default batch gives way to the target
    factors = load_serving_factors()
    engine = d.pop("engine")
    out = evaluate(ServingConfig(**d), load_catalog(), engine_efficiency(factors, engine)
                   ).to_dict()
    clean: dict[str, Any] = jsonable({k: v for k, v in out.items() if k != "config"})
    clean["engine"] = engine
    clean["expected_error"] = {**(error_json(factors.accuracy) or {}),
                               "note": f"{model_note(engine)}; "
                                       f"{expected_error(factors.accuracy)}"}
    return clean


def _stresses() -> dict[str, str]:
    from llmecon.simulate.scenario import stress_presets

    return {k: " ".join(str(v["description"]).split()) for k, v in stress_presets().items()}


def router() -> APIRouter:
    r = APIRouter(prefix="/api", dependencies=[Depends(known_query)])
    r.add_api_route("/companies", _companies, methods=["GET"])
    r.add_api_route("/compare", _compare, methods=["GET"])
    r.add_api_route("/unit-economics/{company}", _unit_economics, methods=["GET"])
    r.add_api_route("/catalog", _catalog, methods=["GET"])
    r.add_api_route("/inference/cost", _inference_cost, methods=["POST"])
    r.add_api_route("/stresses", _stresses, methods=["GET"])
    return r
