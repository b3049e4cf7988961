"""Result objects show as HTML in Jupyter through formatters registered by
``llmecon.report.notebook`` (compute classes carry no HTML of their own)."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from llmecon.api import compare
from llmecon.errors import LlmeconError
from llmecon.inference.catalog import load_catalog
from llmecon.inference.engines import load_engine_efficiency
from llmecon.inference.serving import ServingConfig, ServingResult, evaluate
from llmecon.metrics.tables import SignalsTable, Table
from llmecon.report import notebook
from llmecon.simulate.loaders import load_base_scenario as base_scenario
from llmecon.simulate.run import SimResult, run
from llmecon.statements.model import Company
from llmecon.unit_economics.bundled import bundled_inference
from llmecon.unit_economics.company import (
    UnitEconomicsTable,
    load_assumptions,
    unit_economics_table,
)
from llmecon.units import load_fx


class FakeHtmlFormatter:
    """The part of IPython's ``HTMLFormatter`` that registration uses: ``for_type`` and a
    call that looks the object's class up along its MRO."""

    def __init__(self) -> None:
        self.printers: dict[type, Callable[[Any], str]] = {}

    def for_type(self, cls: type, fn: Callable[[Any], str]) -> None:
        self.printers[cls] = fn

    def __call__(self, obj: object) -> str | None:
        for cls in type(obj).__mro__:
            if cls in self.printers:
                return self.printers[cls](obj)
        return None


def _shell() -> tuple[Any, FakeHtmlFormatter]:
    fmt = FakeHtmlFormatter()
    return SimpleNamespace(display_formatter=SimpleNamespace(
        formatters={"text/html": fmt})), fmt


def test_compute_classes_carry_no_html() -> None:
    for cls in (Table, SignalsTable, UnitEconomicsTable, SimResult, ServingResult):
        assert not hasattr(cls, "_repr_html_"), cls


def test_registered_formatters_show_results(zhipu: Company, minimax: Company) -> None:
    shell, fmt = _shell()
    notebook.load_ipython_extension(shell)
    assert set(fmt.printers) == {Table, SignalsTable, UnitEconomicsTable, SimResult,
                                 ServingResult}
    ue, _, sig = compare([zhipu, minimax])
    html = fmt(ue)
    # Zhipu H1 2025 revenue RMB 190.877m (prospectus), shown in millions to one decimal
    assert html is not None and "<table" in html and "RMB 190.9m" in html
    assert "Gross margin" in (fmt(sig) or "")
    t = unit_economics_table(minimax, load_assumptions(), load_fx(), *bundled_inference())
    assert "CAC per new payer" in (fmt(t) or "")
    r = run(base_scenario(minimax), paths=200)
    assert "P(cash &lt; 0)" in (fmt(r) or "")
    s = evaluate(ServingConfig("Llama-3.1-8B", "H100", gpus=1, batch_per_gpu=8),
                 load_catalog(), load_engine_efficiency())
    assert "decode_tokens_per_gpu_s" in (fmt(s) or "")
    assert fmt(object()) is None


def test_register_outside_ipython_says_so() -> None:
    with pytest.raises(LlmeconError, match="IPython"):
        notebook.register()


def test_to_html_refuses_unknown_objects() -> None:
    with pytest.raises(LlmeconError, match="no HTML view for int"):
        notebook.to_html(3)
