"""The loaders of the projection: the only module of :mod:`llmecon.simulate` that reads
files (the bundled assumptions, FX rates, inference catalog and serving factors).

Callers that used to call ``base_scenario(company)`` call :func:`load_base_scenario` with the
same arguments; the calibration itself (:func:`llmecon.simulate.calibrate.base_scenario`) is
pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from llmecon.config.base import load_config
from llmecon.config.calibration import ComputeAssumptions, FinancingAssumptions
from llmecon.simulate.calibrate import base_scenario
from llmecon.simulate.scenario import Scenario
from llmecon.statements.model import Company


def load_financing_assumptions(path: str | Path | None = None) -> FinancingAssumptions:
    """The financing and cash assumptions (``data/financing.yaml`` unless ``path``)."""
    if path is None:
        path = Path(str(resources.files("llmecon").joinpath("data/financing.yaml")))
    return load_config(FinancingAssumptions, path, "financing assumptions")


def load_compute_assumptions(path: str | Path | None = None) -> ComputeAssumptions:
    """The compute mixes (``data/compute.yaml`` unless ``path``)."""
    if path is None:
        path = Path(str(resources.files("llmecon").joinpath("data/compute.yaml")))
    return load_config(ComputeAssumptions, path, "compute assumptions")


def load_base_scenario(company: Company, assumptions: Mapping[str, Any] | None = None,
                       horizon_months: int = 36, *,
                       assumptions_path: str | Path | None = None,
                       financing_path: str | Path | None = None,
                       compute_path: str | Path | None = None) -> Scenario:
    """Load the calibration inputs (bundled unless given) and calibrate ``company``.

    ``assumptions`` are already-loaded unit-economics assumptions; ``assumptions_path`` a
    file to load them from (the bundled defaults when both are ``None``);
    ``financing_path`` a file of financing assumptions (``data/financing.yaml`` shape),
    ``compute_path`` one of compute mixes (``data/compute.yaml`` shape).
    """
    from llmecon.config.assumptions import load_assumptions
    from llmecon.errors import InputError
    from llmecon.inference.catalog import load_catalog
    from llmecon.inference.engines import load_serving_factors
    from llmecon.simulate.calendar import check_horizon
    from llmecon.units import load_fx

    if not isinstance(company, Company):
        raise InputError(f"company: expected a loaded Company (llmecon.api.load_company), "
                         f"found {type(company).__name__}")
    if assumptions is not None and not isinstance(assumptions, Mapping):
        raise InputError(f"assumptions: expected loaded assumptions (a mapping); give a "
                         f"file as assumptions_path=, found {type(assumptions).__name__}")
    check_horizon(horizon_months)
    a = assumptions if assumptions is not None else load_assumptions(assumptions_path)
    fin = load_financing_assumptions(financing_path)
    mixes = load_compute_assumptions(compute_path)
    return base_scenario(company, a, horizon_months, fx=load_fx(), catalog=load_catalog(),
                         factors=load_serving_factors(),
                         financing=fin.for_company(company.id, str(financing_path or
                                                                   "data/financing.yaml")),
                         compute=mixes.companies.get(company.id, mixes.default))
