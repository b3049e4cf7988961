"""The exception tree. Every error a user can cause is an :class:`LlmeconError`; and the
closest-name suggestion that messages about unknown names share."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence


class LlmeconError(Exception):
    """Base class of every error llmecon raises on purpose."""


class InputError(LlmeconError, ValueError):
    """Bad input: a file, a field or an argument that is not what was expected.

    The message names where (file, row or key), what was expected and what was found.
    ``lines``: one message per problem when there are several (the message joins them).
    """

    def __init__(self, *args: object, lines: list[str] | None = None) -> None:
        super().__init__(*args)
        self.lines = lines


class NotFoundError(LlmeconError, LookupError):
    """Something named (a company, an item, a period, a rate) does not exist."""


#: Lines of a :class:`ValidationError` shown; the rest are counted.
SHOWN_PROBLEMS = 30
#: How the last problem of a check that stopped early begins (always shown).
STOPPED = "stopped after"


class ValidationError(InputError):
    """A loaded dataset breaks one or more accounting or consistency rules.

    ``problems`` holds one message per broken rule, each naming its place.
    """

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = list(problems)
        shown = by_cause(self.problems)  # one line per cause, naming its rows
        if len(shown) == 1:
            only = shown[0]
            super().__init__(only if only.startswith(source) else f"{source}: {only}")
            return
        head = f"{source}: {len(self.problems)} validation problems"
        stop = shown[-1:] if shown[-1].startswith(STOPPED) else []  # always said
        rest = shown[:len(shown) - len(stop)]
        more = len(rest) - SHOWN_PROBLEMS
        lines = rest[:SHOWN_PROBLEMS] + ([f"... and {more:,} more"] if more > 0 else []) + stop
        super().__init__(head + "\n" + "\n".join(f"  - {p}" for p in lines))


_ROW = re.compile(r"^(?P<pre>.*?\brow )(?P<n>\d+)(?P<post>\b.*)$", re.DOTALL)


def by_cause(problems: Sequence[str]) -> list[str]:
    """Problems that differ only in their row number (a unit typo on every row) as one
    line naming the rows, in the order first seen.

    >>> by_cause(["f.csv row 7, unit: bad", "f.csv row 8, unit: bad",
    ...           "f.csv row 9, value: x", "f.csv row 10, unit: bad"])
    ['f.csv rows 7-8, 10, unit: bad', 'f.csv row 9, value: x']
    """
    groups: dict[tuple[str, str] | str, list[int]] = {}
    for p in problems:
        m = _ROW.match(p)
        key: tuple[str, str] | str = (m["pre"], m["post"]) if m else p
        groups.setdefault(key, []).append(int(m["n"]) if m else 0)
    out = []
    for key, rows in groups.items():
        if isinstance(key, str):
            out.append(key)
        elif len(rows) == 1:
            out.append(f"{key[0]}{rows[0]}{key[1]}")
        else:
            out.append(f"{key[0][:-4]}rows {_spans(sorted(set(rows)))}{key[1]}")
    return out


def _spans(rows: Sequence[int]) -> str:
    """``7-11, 14`` for 7, 8, 9, 10, 11, 14 (consecutive rows as a span)."""
    parts: list[str] = []
    start = prev = rows[0]
    for n in [*rows[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)


def closest(name: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The known names closest to an unknown ``name``, best first, compared without case:
    a name equal but for case alone; else the names containing it, if any (``2024`` in
    ``FY2024`` and ``H1_2024``), else up to ``n`` similar ones (difflib); of these, the
    closest and those nearly as close.

    >>> closest("fy2024", ["FY2023", "FY2024", "H1_2025"])
    ['FY2024']
    >>> closest("2024", ["FY2023", "FY2024", "H1_2025"])
    ['FY2024']
    >>> closest("2024", ["FY2024", "H1_2024"])  # two periods of 2024: both, the year first
    ['FY2024', 'H1_2024']
    >>> closest("millon", ["billion", "million", "trillion"])
    ['million']
    >>> closest("minmax", ["minimax", "mobvoi", "zhipu"])
    ['minimax']
    >>> closest("openai", ["minimax", "zhipu"])
    []
    >>> closest("a", ["runway", "paying_rate", "gross_margin"])  # too short to be inside
    []
    >>> closest(2024, ["FY2024", "H1_2025"])  # a number from Python code: its digits
    ['FY2024']
    """
    key = name if isinstance(name, str) else "" if name is None else str(name)
    return list(_closest(key.strip().lower(), tuple(choices), n))


@functools.lru_cache(maxsize=1024)
def _closest(key: str, choices: tuple[str, ...], n: int) -> tuple[str, ...]:
    """:func:`closest` of a lower-case ``key``, remembered: a typo repeated on every row of
    a file is looked up once."""
    import difflib  # only when a name is unknown

    by_lower: dict[str, str] = {}
    for c in choices:
        by_lower.setdefault(c.lower(), c)
    if key in by_lower:
        return (by_lower[key],)
    inside = [c for c in by_lower if len(key) >= 3 and key in c]  # 'a' is in most names
    pool = inside or difflib.get_close_matches(key, list(by_lower), n=n, cutoff=0.6)
    score = {c: difflib.SequenceMatcher(None, key, c).ratio() for c in pool}
    ranked = sorted(pool, key=lambda c: -score[c])
    # the best, and only those nearly as close ('million', not 'billion', for 'millon')
    return tuple(by_lower[c] for c in ranked[:n] if score[c] >= score[ranked[0]] - 0.1)


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """``did you mean 'X'?`` (or ``'X' or 'Y'``) for an unknown name, "" when nothing is
    close (:func:`closest`).

    >>> did_you_mean("gross_margn", ["gross_margin", "runway"])
    "did you mean 'gross_margin'?"
    """
    close = closest(name, choices)
    return "did you mean " + " or ".join(repr(c) for c in close) + "?" if close else ""
