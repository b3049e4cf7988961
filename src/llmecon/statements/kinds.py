"""The kinds of business a company file may declare (no imports: cheap to load)."""

from __future__ import annotations

from typing import Literal

BusinessModel = Literal["b2b_project", "c2c_product", "mixed", "unknown"]
BUSINESS_MODELS: tuple[str, ...] = ("b2b_project", "c2c_product", "mixed", "unknown")
