"""Rich display of llmecon's results in Jupyter, registered from the presenters.

Result classes (tables, signals, unit economics, runs, serving results) know nothing of
HTML: this module tells IPython how to show them. In a notebook::

    %load_ext llmecon.report.notebook

or, in code, ``llmecon.report.notebook.register()``. Compute modules never import this
module, so results stay plain data and importing llmecon never imports the presenters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from llmecon.errors import LlmeconError


def formatters() -> dict[type, Callable[[Any], str]]:
    """Each result class and the function that shows it as HTML."""
    from llmecon.inference.serving import ServingResult
    from llmecon.metrics.tables import SignalsTable, Table
    from llmecon.report import html
    from llmecon.simulate.run import SimResult
    from llmecon.unit_economics.company import UnitEconomicsTable

    return {Table: html.table_html, SignalsTable: html.signals_html,
            UnitEconomicsTable: html.ue_html, SimResult: html.sim_html,
            ServingResult: html.serving_html}


def to_html(obj: Any) -> str:
    """``obj`` as an HTML fragment (any of the classes of :func:`formatters`)."""
    for cls, fn in formatters().items():
        if isinstance(obj, cls):
            return fn(obj)
    raise LlmeconError(f"no HTML view for {type(obj).__name__}")


def register(ipython: Any = None) -> list[type]:
    """Register the HTML views with IPython's ``text/html`` formatter (the running shell's
    unless one is given). Returns the classes registered."""
    if ipython is None:
        import importlib

        try:
            ipython_module = importlib.import_module("IPython")
        except ImportError as e:
            raise LlmeconError("IPython is not installed: notebook display needs it") from e
        ipython = ipython_module.get_ipython()
        if ipython is None:
            raise LlmeconError("not inside IPython or Jupyter: nothing to register with")
    html_formatter = ipython.display_formatter.formatters["text/html"]
    table = formatters()
    for cls, fn in table.items():
        html_formatter.for_type(cls, fn)
    return list(table)


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext llmecon.report.notebook``."""
    register(ipython)
