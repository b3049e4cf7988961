"""The numbers in the cells of a measured table, read without a guess.

A blank cell is "not given" (the caller's default: a planner sizes missing worker counts, a
missing MoE layout means none); a cell that holds something else than the column allows
(text, a negative or fractional GPU count, infinity, a value beyond any real deployment) is
named in that row's reason, so the row's ``status`` says which column and what was found
instead of the table being read as if the cell were blank.

>>> import pandas as pd
>>> c = Cells(pd.DataFrame({"tp_size": [8, "", "two", 2.5]}))
>>> c.number("tp_size").tolist()[:2]
[8.0, nan]
>>> for r in c.reasons[2:]:
...     print(r)
tp_size: expected a whole number from 1 to 1,000,000, found 'two'
tp_size: expected a whole number from 1 to 1,000,000, found 2.5
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

Array = np.ndarray[Any, Any]
#: Largest parallel degree, worker count or concurrency a row may give.
MAX_COUNT = 1_000_000
#: Largest input or output length (tokens) a row may give.
MAX_TOKENS = 100_000_000


class Cells:
    """Numeric columns of ``frame``, with the first bad cell of each row in ``reasons``."""

    def __init__(self, frame: Any) -> None:
        self.frame = frame
        self.reasons: Array = np.full(len(frame), "", dtype=object)

    def _flag(self, bad: Array, text: Any) -> None:
        self.reasons = np.where(bad & (self.reasons == ""), text, self.reasons)

    def number(self, col: str, rows: Array | None = None, *, default: float = np.nan,
               zero_unset: bool = False, whole: bool = True, upper: float = MAX_COUNT
               ) -> Array:
        """Column ``col`` as floats; blank cells (and 0 where ``zero_unset``) give
        ``default``. A cell in ``rows`` (default: every row) that is not a number from 1
        (0 with ``zero_unset``) to ``upper``, or not whole where ``whole``, is named in
        :attr:`reasons` and reads as ``default``."""
        import pandas as pd

        n = len(self.frame)
        if col not in self.frame.columns:
            return np.full(n, default)
        raw = self.frame[col]
        text = raw.astype(str).str.strip()
        blank = (raw.isna() | (text == "")).to_numpy()
        v = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
        low = 0.0 if zero_unset else 1.0
        with np.errstate(invalid="ignore"):
            ok = np.isfinite(v) & (v >= low) & (v <= upper)
            if whole:
                ok &= v == np.floor(v)
        bad = ~blank & ~ok & (np.ones(n, bool) if rows is None else rows)
        if bad.any():
            kind = "a whole number" if whole else "a number"
            shown = [repr(x) if isinstance(x, str) else f"{x:g}" for x in raw[bad].tolist()]
            texts = np.full(n, "", dtype=object)
            texts[bad] = [f"{col}: expected {kind} from {low:g} to {upper:,.0f}, found {s}"
                          for s in shown]
            self._flag(bad, texts)
        unset = blank | ~ok | ((v == 0) if zero_unset else False)
        out: Array = np.where(unset, default, v)
        return out

    def concurrency(self, rows: Array) -> Array:
        """Requests in flight from ``silicon_data_source`` (``silicon_concurrency=N``);
        NaN where it does not say. Named: anything but one whole number from 1 to
        :data:`MAX_COUNT` (``1e30`` was read as 1, ``2.5`` as 2, ``-5`` and ``nan`` as not
        given, a second value ignored)."""
        col = self.frame["silicon_data_source"].astype(str)
        given = col.str.findall(r"(?i)silicon_concurrency\s*=\s*([^;,\s]*)").map(
            lambda xs: xs if isinstance(xs, list) else [])
        first = given.str[0]
        v = pd.to_numeric(first.where(first.str.fullmatch(r"\d+", na=False)),
                          errors="coerce").to_numpy(dtype=float)
        named = (given.str.len() > 0).to_numpy()
        several = given.map(lambda xs: len(set(xs)) > 1).to_numpy(dtype=bool)
        bad = rows & named & (~(v >= 1) | (v > MAX_COUNT) | several)
        self._flag(bad, f"silicon_data_source: expected one silicon_concurrency, a whole "
                        f"number from 1 to {MAX_COUNT:,}")
        out: Array = np.where(bad, np.nan, v)
        return out
