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
           sims: dict[str, Any] | None = None,
           names: dict[str, str] | None = None) -> tuple[Path, str]:
    """Chart ``kind`` for each company side by side in ``path`` (.png or .svg); ``sims``
    maps a company id to its SimResult for the ``fan`` kind. Returns the path and a note
    naming the companies left out for having nothing to draw ("" if none); when no company
    has anything, :class:`~llmecon.errors.InputError` and no file (``names``: what to call
    each company id in those messages, the file the user gave)."""
    from llmecon.report.chartspec import drawable_charts
    from llmecon.report.mpl_figure import save

    specs, note = drawable_charts(kind, series, sims, names)
    return save(specs, path), note
