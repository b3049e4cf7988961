"""A company's inference deployment: what serving its tokens costs, and its list price.

Public and pure: the catalog, the serving model's factors and the FX table are arguments, so the
unit-economics table and the projection's calibration call the same functions with the
same inputs and cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from llmecon import formulas as fx_
from llmecon.config.assumptions import Assumptions, DeploymentAssumptions
from llmecon.config.inference import ServingFactors
from llmecon.config.inference import price_after_period as price_after_period  # moved there
from llmecon.errors import InputError, NotFoundError
from llmecon.inference.catalog import ApiPrice, Catalog
from llmecon.inference.engines import DEFAULT_ENGINE, engine_efficiency
from llmecon.inference.roofline import Efficiency
from llmecon.inference.serving import ServingConfig, ServingResult, evaluate
from llmecon.units import FxTable


@dataclass(frozen=True)
class Deployment:
    """The serving result of a company's deployment and the USD -> currency rate used."""

    result: ServingResult
    usd_rate: float
    label: str


def deployment_settings(assumptions: Mapping[str, Any], company_id: str
                        ) -> tuple[str, Mapping[str, Any]]:
    """The key (the company's id or ``default``) and the settings of its deployment.

    ``assumptions`` is an :class:`~llmecon.config.assumptions.Assumptions` (or a mapping of
    the same shape, whose ``inference`` section maps company ids to deployments).
    """
    if isinstance(assumptions, Assumptions):
        return assumptions.deployment(company_id)
    inf = assumptions["inference"]
    key = company_id if company_id in inf else "default"
    return key, inf[key]


def origin(assumptions: Any) -> str:
    """The file the assumptions came from, for errors (``assumptions`` when unknown)."""
    return str(getattr(assumptions, "source", "assumptions"))


def _serving_config(settings: Mapping[str, Any], key: str, where: str) -> ServingConfig:
    fields = settings.serving_fields() if isinstance(settings, DeploymentAssumptions) else {
        k: v for k, v in dict(settings).items() if k not in ("price_endpoint", "engine")}
    try:
        return ServingConfig(**fields)
    except (TypeError, InputError) as e:
        why = str(e).removeprefix("serving configuration: ")
        raise InputError(f"{where}: inference.{key}: {why}") from None


def deployment_serving(assumptions: Mapping[str, Any], company_id: str,
                       factors: ServingFactors) -> tuple[str, ServingConfig, Efficiency, str]:
    """The key of the company's deployment, its serving configuration, and the efficiency
    and name of its ``engine`` (the serving model's factors for it)."""
    key, settings = deployment_settings(assumptions, company_id)
    engine = str(settings.get("engine") or DEFAULT_ENGINE)
    return (key, _serving_config(settings, key, origin(assumptions)),
            engine_efficiency(factors, engine), engine)


def deployment_cost(company_id: str, currency: str, assumptions: Mapping[str, Any],
                    catalog: Catalog, factors: ServingFactors, fx: FxTable,
                    start: date | None, end: date) -> Deployment:
    """Serve the company's deployment (from ``assumptions['inference']``) on the catalog,
    with the serving model's factors of the deployment's ``engine``."""
    key, cfg, eff, engine = deployment_serving(assumptions, company_id, factors)
    try:
        res = evaluate(cfg, catalog, eff)
    except (InputError, NotFoundError) as e:
        raise InputError(f"{origin(assumptions)}: inference.{key}: {e}") from None
    if res.gpu_hour_price is None or res.cost_output is None or res.cost_input_miss is None:
        raise InputError(f"{origin(assumptions)}: inference.{key}.gpu_hour_price: no GPU-hour "
                         f"price "
                         f"bundled for {cfg.gpu}; expected a price (USD per GPU-hour)")
    rate, _ = fx.rate("USD", currency, "average", start, end)
    batch = f"batch {cfg.batch_per_gpu:g}/GPU" if cfg.batch_per_gpu is not None else \
        f"TPOT {cfg.tpot_ms:g} ms" if cfg.tpot_ms is not None else "largest batch that fits"
    stages = f" in {cfg.pp} pipeline stages" if cfg.pp > 1 else ""
    label = (f"{cfg.model} on {cfg.gpus} x {cfg.gpu}{stages}, {batch}, at "
             f"${res.gpu_hour_price:g}/GPU-hour ({res.price_source}); serving model, {engine}")
    return Deployment(res, rate, label)


def blended_serving_cost(d: Deployment, output_share: float, cache_hit_share: float) -> float:
    """Cost per million tokens of the deployment for a token mix, in the company's currency."""
    r = d.result
    return float(fx_.blended_price_per_million(output_share, cache_hit_share, r.cost_input_miss,
                                               r.cost_input_hit or 0.0, r.cost_output)
                 * d.usd_rate)


def list_price(assumptions: Mapping[str, Any], company_id: str, catalog: Catalog,
               period_end: date | None = None) -> tuple[str, ApiPrice | None]:
    """The deployment's model and its bundled API list price (None when none is bundled):
    with ``period_end``, the list in force then (:meth:`Catalog.api_price`)."""
    key, settings = deployment_settings(assumptions, company_id)
    model = str(settings["model"])
    endpoint = settings.get("price_endpoint")
    try:
        price = catalog.api_price(model, endpoint, period_end=period_end)
    except (InputError, NotFoundError) as e:
        raise InputError(f"{origin(assumptions)}: inference.{key}.model: {e}") from None
    if price is None and endpoint is not None and catalog.api_price(model) is not None:
        known = sorted({p.endpoint for p in catalog.api_prices
                        if catalog.api_price(model, p.endpoint) is not None})
        raise InputError(f"{origin(assumptions)}: inference.{company_id}: price_endpoint: no "
                         f"bundled {model} price "
                         f"at an endpoint starting {endpoint!r}; endpoints: {', '.join(known)}")
    return model, price


def price_dating(as_of: str, period_end: date) -> tuple[str, bool]:
    """A list price's date for a basis text, and whether it misfits the period (a list
    after the period end, or one that may be): 'list as of 2025-09, after the period end
    2025-06-30'."""
    after = price_after_period(as_of, period_end)
    end = period_end.isoformat()
    if after is None:
        return f"list as of {as_of}: it may postdate the period end {end}", True
    if after:
        return f"list as of {as_of}, after the period end {end}: the period's list is not " \
               "bundled", True
    return f"list as of {as_of}", False


def hit_price_note(price: ApiPrice, cache_hit_share: float) -> str:
    """'' or what a blended list price assumes of a list without a cache-hit price."""
    if price.input_cache_hit is not None or cache_hit_share <= 0:
        return ""
    return "; the list gives no cache-hit price: hits at the miss price"


def blended_list_price(price: ApiPrice, output_share: float, cache_hit_share: float,
                       usd_rate: float) -> float:
    """List price per million tokens for a token mix (cache hits at the miss price when the
    list has no hit price), in the company's currency."""
    hit = price.input_cache_hit if price.input_cache_hit is not None else price.input_cache_miss
    return float(fx_.blended_price_per_million(output_share, cache_hit_share,
                                               price.input_cache_miss, hit, price.output)
                 * usd_rate)
