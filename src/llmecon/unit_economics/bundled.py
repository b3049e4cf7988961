"""Loader-side conveniences: the bundled inputs the pure unit-economics functions take.

    from llmecon.config.assumptions import load_assumptions
    from llmecon.unit_economics.bundled import bundled_inference
    from llmecon.unit_economics.company import unit_economics_table
    catalog, efficiency = bundled_inference()
    table = unit_economics_table(company, load_assumptions(path), load_fx(), catalog,
                                 efficiency)
"""

from __future__ import annotations

from llmecon.inference.catalog import Catalog
from llmecon.inference.roofline import Efficiency


def bundled_inference(catalog: Catalog | None = None, efficiency: Efficiency | None = None
                      ) -> tuple[Catalog, Efficiency]:
    """The bundled inference catalog and the serving model's efficiency (the default
    engine's fitted factors; either one kept when given)."""
    from llmecon.inference.catalog import load_catalog
    from llmecon.inference.engines import load_engine_efficiency

    return (catalog if catalog is not None else load_catalog(),
            efficiency if efficiency is not None else load_engine_efficiency())
