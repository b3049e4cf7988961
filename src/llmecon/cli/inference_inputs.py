"""What the ``llmecon inference`` commands build from their flags beyond plain values: the
demand and prices of a fleet, and a model given as a file."""

from __future__ import annotations

import argparse
from typing import Any


def demand_of(args: argparse.Namespace, catalog: Any) -> Any:
    """The daily demand and prices of the fleet flags: a price list, then any price given
    on its own replaces that one price and keeps the others; the node size is the
    system's unless ``--gpus-per-node`` says otherwise."""
    from llmecon.errors import InputError
    from llmecon.inference.serving import Demand

    demand = Demand(args.input_per_day, args.output_per_day,
                    cache_hit=args.cache_hit if args.demand_cache_hit is None
                    else args.demand_cache_hit, peak_to_average=args.peak_to_average,
                    paid_share=args.paid_share, discount=args.discount,
                    gpus_per_node=args.gpus_per_node, provisioning=args.provisioning)
    if args.price_list:
        price = catalog.api_price(args.price_list)
        if price is None:
            raise InputError(f"--price-list: no API price bundled for {args.price_list!r}")
        demand = demand.with_price_list(price)
    return demand.with_prices(input_miss=args.price_input, input_hit=args.price_cache_hit,
                              output=args.price_output)


def priced(args: argparse.Namespace) -> bool:
    """Whether the flags give a price to earn from (a price list or any price)."""
    return bool(args.price_list) or any(getattr(args, k) is not None for k in (
        "price_input", "price_cache_hit", "price_output"))


def with_model_file(catalog: Any, model: str) -> tuple[Any, str]:
    """The catalog with the model of a file path (a HF ``config.json`` or a one-row YAML)
    added, and the name to use; a catalog name passes through."""
    from llmecon.inference.catalog import Catalog

    if not model.lower().endswith((".json", ".yaml", ".yml")):
        return catalog, model
    row = catalog.model(model)
    return catalog.merged(Catalog(models=(row,), sources=(model,))), row.name
