"""Rows of an API / cloud line: list price for the assumed token mix, the tokens revenue
pays for, the engine's cost per token and the cost needed for a target margin."""

from __future__ import annotations

import math

from llmecon import formulas as f
from llmecon.inference.catalog import ApiPrice
from llmecon.statements.model import Period
from llmecon.unit_economics.api import ApiInputs, ApiResult, evaluate_api
from llmecon.unit_economics.deployment import (
    Deployment,
    blended_list_price,
    deployment_cost,
    hit_price_note,
    list_price,
    price_dating,
)
from llmecon.unit_economics.drivers import api_drivers
from llmecon.unit_economics.rows import (
    Confidence,
    LineInputs,
    Rows,
    UERow,
    about_line,
    line_start,
)


def api_rows(x: LineInputs, line: str) -> list[UERow]:
    """The rows of the platform (API / cloud) line."""
    start = line_start(x, line, "API / cloud", "revenue")
    out, p, cur, c = start.rows, start.period, x.currency, x.assumptions.api
    rev = out.tagged("revenue", start.revenue, cur)
    out.tagged("gross margin (disclosed)", start.gross_margin, "ratio")
    util = next((d for d in api_drivers(x, line) if d.name.endswith(".utilisation")), None)
    if util is not None:
        out.driver("utilisation", util)
    for k in ("output_share", "cache_hit", "target_gross_margin"):
        out.add(k.replace("_", " "), float(getattr(c, k)), "ratio", "assumed",
                "assumptions: api." + k)
    dep = deployment_cost(x.company.id, cur, x.assumptions, x.catalog, x.factors, x.fx,
                          p.start, p.end)
    model, price = list_price(x.assumptions, x.company.id, x.catalog, p.end)
    if price is None or rev is None:
        out.add("token economics", None, "", "n/a", "no bundled API price for " + model
                if price is None else start.revenue[1])
        return out.rows
    list_blend = blended_list_price(price, c.output_share, c.cache_hit, dep.usd_rate)
    dated, misfit = price_dating(str(price.as_of), p.end)
    low: Confidence = "low" if misfit else ""
    out.add(f"list price per million tokens ({model}, {price.endpoint}, {price.as_of})",
            list_blend, cur, "derived", f"catalog list price, {c.output_share:.0%} output and "
            f"{c.cache_hit:.0%} cache hits (assumed mix), at the period's average USD rate; "
            f"{dated}{hit_price_note(price, c.cache_hit)}", low)
    paid_per_day = float(f.tokens_for_amount(rev / p.days, list_blend))
    out.add("tokens per day paid at list price", paid_per_day, "tokens", "derived",
            f"revenue / {p.days} calendar days / list price"
            + (" (a list that misfits the period)" if low
                                             else ""), low)
    tokens_day = _disclosed_daily_tokens(x, p)
    if tokens_day is not None:
        out.add("tokens per day, disclosed", tokens_day, "tokens", "disclosed",
                "company-wide: may include on-premise and free use")
        out.add("share of disclosed tokens that list-price revenue pays for",
                paid_per_day / tokens_day, "ratio", "derived",
                "paid tokens at list / disclosed tokens", low)
        out.add("realised revenue per million disclosed tokens",
                float(f.per_million_tokens(rev / p.days, tokens_day)), cur, "derived",
                f"line revenue / {p.days} calendar days / disclosed tokens per day: far "
                "below list when the "
                "disclosed tokens include on-premise, free and internal use")
    with about_line(x.company, line, p):
        res = _evaluate(x, paid_per_day * p.days, price, dep,
                        util.value if util is not None else c.utilisation)
    _cost_rows(out, res, c.target_gross_margin, cur, dep.label,
               "low" if low or (util is not None and util.confidence == "low") else "")
    if tokens_day is not None:
        _realised_rows(out, float(f.per_million_tokens(rev / p.days, tokens_day)), res,
                       c.target_gross_margin, cur, out.rows[-1].confidence)
    return out.rows


def _realised_rows(out: Rows, realised: float, res: ApiResult, target: float,
                   cur: str, low: Confidence) -> None:
    """The margin question at the realised revenue per disclosed token (labelled)."""
    needed = realised * (1 - target)
    out.add(f"cost per million tokens for a {target:.0%} margin at the realised price",
            needed, cur, "derived", "realised revenue per disclosed token x (1 - target "
            "margin): if every disclosed token were served at this line's cost")
    out.add(f"cost must fall to (x of today) for a {target:.0%} margin at the realised price",
            float(f.ratio(needed, res.cost_per_million)), "x", "derived",
            "target cost at the realised price / modelled cost per token", low)


def _disclosed_daily_tokens(x: LineInputs, p: Period) -> float | None:
    for lab in (p.label, x.company.instant_at(p.end)):
        got = x.resolver.get("daily_tokens", lab) if lab else None
        if got is not None and got.ok:
            return got.value
    return None


def _evaluate(x: LineInputs, tokens: float, price: ApiPrice, dep: Deployment,
              utilisation: float) -> ApiResult:
    """The line's tokens at list price and at the engine's cost (company currency)."""
    c, res, rate = x.assumptions.api, dep.result, dep.usd_rate
    assert res.cost_output is not None and res.cost_input_miss is not None
    hit = price.input_cache_hit if price.input_cache_hit is not None else price.input_cache_miss
    o = c.output_share
    return evaluate_api(ApiInputs(
        input_tokens=tokens * (1 - o), output_tokens=tokens * o, cache_hit=c.cache_hit,
        price_input_miss=price.input_cache_miss * rate, price_input_hit=hit * rate,
        price_output=price.output * rate, cost_input_miss=res.cost_input_miss * rate,
        cost_input_hit=(res.cost_input_hit or 0.0) * rate,
        cost_output=res.cost_output * rate, utilisation=utilisation))


def _cost_rows(out: Rows, x: ApiResult, target: float, cur: str, label: str,
               low: Confidence) -> None:
    """The engine's cost and the target-margin answers; ``low`` when the list price (or the
    utilisation derived from it) misfits the period."""
    out.add("inference cost per million tokens", x.cost_per_million, cur, "derived",
            f"inference engine at the line's utilisation: {label}", low)
    out.add("modelled gross margin at list price", x.gross_margin, "ratio", "derived",
            "1 - engine cost / list-price revenue of the same tokens (equals the disclosed "
            "margin when the utilisation is derived from it)")
    out.add(f"cost per million tokens for a {target:.0%} gross margin",
            x.realised_price_per_million * (1 - target), cur, "derived",
            "list price x (1 - target margin) (tokens on the list-price basis)", low)
    out.add(f"cost must fall to (x of today) for a {target:.0%} margin",
            float(f.ratio(x.realised_price_per_million * (1 - target), x.cost_per_million)),
            "x", "derived", "target cost / modelled cost (above 1: already there)", low)
    be = x.break_even_utilisation
    reachable = be is not None and math.isfinite(be) and be <= 1.0
    out.add("break-even utilisation", be if reachable else None, "ratio", "derived",
            "share of time the fleet must be busy for cost = revenue" if reachable else
            f"not reachable: cost = revenue would need the fleet busy {be:.0%} of the time "
            "(above 100%)" if be is not None and math.isfinite(be) else
            "not reachable at this price", low)
