"""Single charts as PNG or SVG, for slides: the specs of :mod:`llmecon.report.chartspec`
drawn by matplotlib."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # keep `llmecon --help` fast: this module is imported to list the kinds
    from llmecon.metrics.series import CompanySeries

#: chartspec.TREND_KINDS and "fan" (written out so that listing them imports nothing)
KINDS = ("revenue-losses", "cost-structure", "margins", "mix", "compute", "cash", "fan")


def render(kind: str, series: Sequence[CompanySeries], path: str | Path,
           sims: dict[str, Any] | None = None) -> Path:
    """Chart ``kind`` for each company side by side in ``path`` (.png or .svg); ``sims``
    maps a company id to its SimResult for the ``fan`` kind."""
    from llmecon.report.chartspec import charts_for
    from llmecon.report.mpl_figure import save

    return save(charts_for(kind, series, sims), path)
