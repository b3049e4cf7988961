"""Result objects show as HTML in Jupyter (``_repr_html_``)."""

from __future__ import annotations

from llmecon.api import compare
from llmecon.inference.calibration import load_efficiency
from llmecon.inference.catalog import load_catalog
from llmecon.inference.serving import ServingConfig, evaluate
from llmecon.simulate.run import run
from llmecon.simulate.scenario import base_scenario
from llmecon.statements.model import Company
from llmecon.unit_economics.company import load_assumptions, unit_economics_table
from llmecon.units import load_fx


def test_repr_html(zhipu: Company, minimax: Company) -> None:
    ue, _, sig = compare([zhipu, minimax])
    assert "<table" in ue._repr_html_() and "RMB 190.9m" in ue._repr_html_()
    assert "Gross margin" in sig._repr_html_()
    t = unit_economics_table(minimax, load_assumptions(), load_fx())
    assert "CAC per new payer" in t._repr_html_()
    r = run(base_scenario(minimax), paths=200)
    assert "P(cash &lt; 0)" in r._repr_html_()
    s = evaluate(ServingConfig("Llama-3.1-8B", "H100", gpus=1, batch_per_gpu=8), load_catalog(),
                 load_efficiency())
    assert "decode_tokens_per_gpu_s" in s._repr_html_()
