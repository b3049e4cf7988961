"""A mergeable quantile sketch per month: log-spaced buckets read from a float's own bits.

A value ``x`` with ``|x| >= ZERO_BAND`` falls in the bucket named by the top
``MANTISSA_BITS`` bits of its mantissa and its exponent (``abs(x).view(int64) >> 42``): 1,024
buckets per power of two, each at most ``2**-10`` of its lower edge wide. Positive and
negative values are counted apart; values nearer zero than ``ZERO_BAND`` count as zero; NaN
is counted and left out. Merging adds counts, so it is exact, associative and commutative.

Error bound: a bucket is read as its midpoint, within ``RELATIVE_ERROR`` (``2**-11``,
0.049%) of any value in it. The k-th smallest value is therefore estimated within
0.049% of itself (or ``ZERO_BAND`` absolute); the smallest and largest are exact. A
percentile interpolated between two neighbouring order statistics (numpy's ``linear``
method) is within 0.049% of the larger of the two in magnitude.

Memory: one count per occupied-range bucket per month (about 6,800 buckets per decade of
range, per sign), independent of the number of paths.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

Array = np.ndarray[Any, Any]

MANTISSA_BITS = 10
_SHIFT = 52 - MANTISSA_BITS
#: Largest relative error of a bucket's midpoint against any value in the bucket.
RELATIVE_ERROR = 2.0 ** -(MANTISSA_BITS + 1)
#: Values nearer zero than this are counted as zero (their absolute error is below it).
ZERO_BAND = 1e-9
_EMPTY = np.zeros(0, dtype=np.int64)


@dataclass
class Store:
    """Counts of consecutive buckets ``offset, offset + 1, ...``."""

    offset: int
    counts: Array

    @classmethod
    def of(cls, keys: Array) -> Store:
        if len(keys) == 0:
            return cls(0, _EMPTY)
        lo = int(keys.min())
        return cls(lo, np.bincount(keys - lo).astype(np.int64))

    def merged(self, other: Store) -> Store:
        if len(other.counts) == 0:
            return self
        if len(self.counts) == 0:
            return other
        lo = min(self.offset, other.offset)
        hi = max(self.offset + len(self.counts), other.offset + len(other.counts))
        out = np.zeros(hi - lo, dtype=np.int64)
        out[self.offset - lo:self.offset - lo + len(self.counts)] += self.counts
        out[other.offset - lo:other.offset - lo + len(other.counts)] += other.counts
        return Store(lo, out)

    def midpoints(self) -> Array:
        return self.midpoints_of(self.offset + np.arange(len(self.counts), dtype=np.int64))

    @staticmethod
    def midpoints_of(keys: Array) -> Array:
        """The middle of each bucket ``keys``."""
        keys = np.asarray(keys, dtype=np.int64)
        lo = (keys << _SHIFT).view(np.float64)
        hi = ((keys + 1) << _SHIFT).view(np.float64)
        out: Array = lo + (hi - lo) / 2
        return out


@dataclass
class Sketch:
    """Quantile sketches of one metric for each of ``months`` months."""

    pos: list[Store]
    neg: list[Store]
    zero: Array  # (months,) counts of |x| < ZERO_BAND
    nan: Array  # (months,) counts of NaN
    low: Array  # (months,) exact minimum (NaN if none)
    high: Array  # (months,) exact maximum

    @classmethod
    def of(cls, v: Array) -> Sketch:
        """The sketch of values ``v`` of shape (paths, months)."""
        h = v.shape[1]
        low, high = np.fmin.reduce(v, axis=0), np.fmax.reduce(v, axis=0)  # NaN left out
        has_nan = bool(np.isnan(v.min()))  # min propagates NaN: one pass
        nan = np.isnan(v).sum(axis=0) if has_nan else np.zeros(h, np.int64)
        with np.errstate(invalid="ignore"):
            if not (np.fmax(np.abs(low), np.abs(high)) >= ZERO_BAND).any():
                empty = [Store(0, _EMPTY) for _ in range(h)]  # all (near) zero or NaN
                return cls(empty, list(empty), v.shape[0] - nan, nan, low, high)
            near_zero = ((low < ZERO_BAND) & (high > -ZERO_BAND)).any()
        a = np.abs(v)
        keys = (a if a.flags.f_contiguous or a.flags.c_contiguous
                else np.asfortranarray(a)).view(np.int64) >> _SHIFT
        small = None
        if has_nan or near_zero:
            with np.errstate(invalid="ignore"):
                small = ~(a >= ZERO_BAND)  # NaN too
        pos, neg = [], []
        for t in range(h):
            c = keys[:, t]
            neg_t = v[:, t] < 0 if low[t] < 0 else None
            if small is not None:
                keep = ~small[:, t]
                c_pos = c[keep if neg_t is None else keep & ~neg_t]
                c_neg = c[keep & neg_t] if neg_t is not None else _EMPTY
            else:
                c_pos = c if neg_t is None else c[~neg_t]
                c_neg = _EMPTY if neg_t is None else c[neg_t]
            pos.append(Store.of(c_pos))
            neg.append(Store.of(c_neg))
        zero = (small.sum(axis=0) - nan) if small is not None else np.zeros(h, np.int64)
        return cls(pos, neg, zero, nan, low, high)

    def merged(self, other: Sketch) -> Sketch:
        return Sketch([a.merged(b) for a, b in zip(self.pos, other.pos, strict=True)],
                      [a.merged(b) for a, b in zip(self.neg, other.neg, strict=True)],
                      self.zero + other.zero, self.nan + other.nan,
                      np.fmin(self.low, other.low), np.fmax(self.high, other.high))

    def count(self) -> Array:
        """Values that are not NaN, per month."""
        out: Array = np.array([int(p.counts.sum()) + int(q.counts.sum()) for p, q in
                               zip(self.pos, self.neg, strict=True)]) + self.zero
        return out

    def order_statistics(self, t: int, ranks: Array) -> Array:
        """Estimates of the ``ranks``-th smallest (0-based) values of month ``t``."""
        neg, pos = self.neg[t], self.pos[t]
        counts = np.concatenate([neg.counts[::-1], [self.zero[t]], pos.counts])
        cum = np.cumsum(counts)
        i = np.searchsorted(cum, ranks, side="right")
        nn = len(neg.counts)
        key = np.where(i < nn, neg.offset + nn - 1 - i, pos.offset + i - nn - 1)
        mid = Store(0, _EMPTY).midpoints_of(key)
        out = np.where(i < nn, -mid, np.where(i == nn, 0.0, mid))
        out = np.clip(out, self.low[t], self.high[t])
        out = np.where(ranks == 0, self.low[t], out)
        result: Array = np.where(ranks == cum[-1] - 1, self.high[t], out)
        return result

    def percentiles(self, q: Sequence[float], method: str = "linear") -> Array:
        """Percentiles ``q`` (0-100) per month, as numpy's ``linear`` (interpolating) or
        ``inverted_cdf`` method would give on the values; NaN left out; shape (len(q),
        months); NaN where a month has no value.

        By hand: 2.0 lies in the bucket [2, 2 + 2**-9), read as its middle 2 + 2**-10;
        3.0 in [3, 3 + 2**-9), read as 3 + 2**-10; the median of 1, 2, 3, 4 is their
        average, 2.5 + 2**-10 (np.percentile: 2.5); the extremes are exact.

        >>> import numpy as np
        >>> Sketch.of(np.array([[1.0], [2.0], [3.0], [4.0]])).percentiles([0, 50, 100])[:, 0]
        array([1.        , 2.50097656, 4.        ])
        """
        frac = np.asarray(q, dtype=float) / 100
        n_all = self.count()
        out = np.full((len(frac), len(n_all)), np.nan)
        for t, n in enumerate(n_all):
            if n == 0:
                continue
            if method == "linear":
                r = frac * (n - 1)
                lo = np.floor(r).astype(np.int64)
                hi = np.minimum(lo + 1, n - 1)
                both = self.order_statistics(t, np.concatenate([lo, hi]))
                a, b = both[:len(lo)], both[len(lo):]
                w = r - lo
                out[:, t] = np.where(w >= 0.5, b - (b - a) * (1 - w), a + (b - a) * w)
            else:  # inverted_cdf, as numpy computes its index
                idx = n * frac - 1
                k = np.floor(idx)
                k = np.where(idx - k > 0, k + 1, k)
                out[:, t] = self.order_statistics(t, np.clip(k, 0, n - 1).astype(np.int64))
        return out


def exact_rank_percentiles(counts: Array, values: Array, q: Sequence[float]) -> Array:
    """Percentiles ``q`` (numpy's ``inverted_cdf``) of a histogram: ``counts[i]`` paths took
    ``values[i]`` (``values`` ascending). Exact."""
    n = int(counts.sum())
    idx = n * (np.asarray(q, dtype=float) / 100) - 1
    k = np.floor(idx)
    k = np.clip(np.where(idx - k > 0, k + 1, k), 0, n - 1)
    out: Array = values[np.searchsorted(np.cumsum(counts), k, side="right")]
    return out
