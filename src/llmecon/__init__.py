"""llmecon: the economics of large-model (AI) companies.

From disclosed statements to the two tables that decide viability (unit
economics and cash-flow structure) and the signals behind them.

Imports here are kept cheap: heavy libraries load where they are used.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
