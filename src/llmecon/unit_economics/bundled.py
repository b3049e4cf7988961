"""Loader-side conveniences: the bundled inputs the pure unit-economics functions take.

    from llmecon.config.assumptions import load_assumptions
    from llmecon.unit_economics.bundled import bundled_inference
    from llmecon.unit_economics.company import unit_economics_table
    catalog, factors = bundled_inference()
    table = unit_economics_table(company, load_assumptions(path), load_fx(), catalog,
                                 factors)
"""

from __future__ import annotations

from llmecon.config.inference import ServingFactors
from llmecon.inference.catalog import Catalog


def bundled_inference(catalog: Catalog | None = None, factors: ServingFactors | None = None
                      ) -> tuple[Catalog, ServingFactors]:
    """The bundled inference catalog and the serving model's fitted factors (either one
    kept when given)."""
    from llmecon.inference.catalog import load_catalog
    from llmecon.inference.engines import load_serving_factors

    return (catalog if catalog is not None else load_catalog(),
            factors if factors is not None else load_serving_factors())
