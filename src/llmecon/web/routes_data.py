"""The dashboard's read-only routes: companies, comparison, unit economics, the catalog,
the inference cost calculator and the stress presets. Companies are chosen by id (bundled,
or of a file given at launch), never by path."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query

from llmecon.config.web import InferenceRequest
from llmecon.report.common import jsonable
from llmecon.web.companies import CompanyBook
from llmecon.web.security import known_query


def _compare(book: CompanyBook, companies: list[Any], currency: str | None, period: str
             ) -> dict[str, Any]:
    from llmecon.api import compare
    from llmecon.report.export import compare_dict

    ids = [c.value for c in companies]
    if twice := next((i for n, i in enumerate(ids) if i in ids[:n]), None):
        # the API's own message tells a user to give a file's copy another id: no files here
        raise HTTPException(400, f"companies: {twice!r} is given twice; choose each company "
                                 "once")
    cs = [book.get(i) for i in ids]
    ue, cf, sig = compare(cs, period=period, currency=currency)
    out: dict[str, Any] = jsonable(compare_dict([ue, cf], sig))
    return out


def _unit_economics(book: CompanyBook, company: Any) -> dict[str, Any]:
    from llmecon.api import unit_economics
    from llmecon.report.unit_economics import ue_dict

    return ue_dict(unit_economics(book.get(company.value)))


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


def router(book: CompanyBook | None = None) -> APIRouter:
    """The routes, over the companies of ``book`` (the bundled ones when ``None``)."""
    book = book or CompanyBook()
    ids = book.id_type

    def companies() -> list[dict[str, Any]]:
        return book.listing

    def compare(companies: list[Any],
                currency: Literal["CNY", "USD", "HKD"] | None = None,
                period: Annotated[str, Query(pattern=r"^(latest|[A-Za-z0-9_]{2,20})$")
                                  ] = "latest") -> dict[str, Any]:
        return _compare(book, companies, currency, period)

    def unit_economics(company: Any) -> dict[str, Any]:
        return _unit_economics(book, company)

    # the id type is the book's (built at run time): set on the functions for FastAPI
    compare.__annotations__["companies"] = Annotated[list[ids],  # type: ignore[valid-type]
                                                     Query(min_length=1, max_length=4)]
    unit_economics.__annotations__["company"] = ids
    r = APIRouter(prefix="/api", dependencies=[Depends(known_query)])
    r.add_api_route("/companies", companies, methods=["GET"])
    r.add_api_route("/compare", compare, methods=["GET"])
    r.add_api_route("/unit-economics/{company}", unit_economics, methods=["GET"])
    r.add_api_route("/catalog", _catalog, methods=["GET"])
    r.add_api_route("/inference/cost", _inference_cost, methods=["POST"])
    r.add_api_route("/stresses", _stresses, methods=["GET"])
    return r
