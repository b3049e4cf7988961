"""What the run store reads back: a run's record, and its rows as named tuples.

``RunStore.records()`` is a list with ``to_frame()``; ``percentiles``, ``cash_out`` and
``first_months`` give named tuples, so ``pd.DataFrame(rows)`` names its columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from llmecon.resultlist import ResultList

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    created: datetime
    company: str
    stresses: str
    paths: int
    horizon: int
    seed: int
    backend: str
    summary: dict[str, Any]
    scenario: dict[str, Any]
    llmecon_version: str | None = None  # None: saved before runs recorded it

    def __repr__(self) -> str:  # one line: the summary and scenario dicts are kilobytes
        return (f"RunRecord({self.run_id[:12]!r}, {self.created:%Y-%m-%d %H:%M:%S} UTC, "
                f"{self.company} {self.stresses or 'base'}, {self.paths:,} paths x "
                f"{self.horizon} months, seed {self.seed}, {self.backend})")


class RunRecords(ResultList[RunRecord]):
    """What :meth:`RunStore.records` returns: the list of runs, with ``to_frame()``."""

    def to_frame(self) -> pd.DataFrame:
        """One row per run, indexed by ``run_id``: ``created`` (datetime64, UTC), the
        run's settings, ``currency``, ``prob_cash_out_by_horizon`` (a fraction) and
        ``cash_p50_at_horizon`` (money in ``currency``), NaN where a run's summary lacks
        them; ``company_file`` and ``company_sha256`` (of its text), None for a run saved
        before runs recorded them."""
        import pandas as pd

        def row(r: RunRecord) -> dict[str, Any]:
            s, cash = r.summary, r.summary.get("cash_at_horizon")
            p50 = cash.get("p50") if isinstance(cash, dict) else None
            return {**{k: getattr(r, k) for k in _RECORD_FIELDS},
                    "currency": s.get("currency"),
                    "prob_cash_out_by_horizon": s.get("prob_cash_out_by_horizon"),
                    "cash_p50_at_horizon": p50,
                    "company_file": r.scenario.get("company_file"),
                    "company_sha256": r.scenario.get("company_sha256")}

        out = pd.DataFrame([row(r) for r in self], columns=[
            *_RECORD_FIELDS, "currency", "prob_cash_out_by_horizon", "cash_p50_at_horizon",
            "company_file", "company_sha256"])
        for col in ("prob_cash_out_by_horizon", "cash_p50_at_horizon"):
            out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
        out["created"] = pd.to_datetime(out["created"])
        return out.set_index("run_id")


_RECORD_FIELDS = ("run_id", "created", "company", "stresses", "paths", "horizon", "seed",
                  "backend", "llmecon_version")


class PercentileRow(NamedTuple):
    """One month of a saved metric (``pd.DataFrame(rows)`` names the columns). ``month``
    is numbered from 1, as in ``SimResult.to_frame()`` and the CLI."""

    month: int
    p5: float
    p25: float
    p50: float
    p75: float
    p95: float
    mean: float


class CashOutRow(NamedTuple):
    """``month`` is numbered from 1, as :class:`PercentileRow`'s."""

    month: int
    probability: float  #: P(cash < 0) by the end of ``month``, a fraction


class FirstMonthRow(NamedTuple):
    """``month`` is numbered from 1, as :class:`PercentileRow`'s."""

    month: int | None  #: None: not within the horizon
    cash_out_paths: int  #: paths whose cash first went below zero that month
    breakeven_paths: int  #: paths first breaking even that month
