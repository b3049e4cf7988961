"""A list result that stays itself: the base of the list results with ``to_frame()``
(:class:`~llmecon.metrics.valuation.Valuations`, ``CalendarisedValues``,
``CompanySummaries``, ``RunRecords``).

A plain ``list`` subclass gives back a bare ``list`` from a slice, ``+``, ``*`` or
``copy()``, so ``found[1:].to_frame()`` failed; these give back the same class.

>>> class Names(ResultList[str]):
...     pass
>>> type(Names(["a", "b", "c"])[1:]).__name__, Names(["a"])[0]
('Names', 'a')
"""

from __future__ import annotations

from typing import Any, Self, SupportsIndex, TypeVar, overload

T = TypeVar("T")
S = TypeVar("S")


class ResultList(list[T]):
    """A list whose slices, sums, repeats and copies are of its own class."""

    @overload
    def __getitem__(self, i: SupportsIndex) -> T: ...

    @overload
    def __getitem__(self, i: slice) -> Self: ...

    def __getitem__(self, i: SupportsIndex | slice) -> T | Self:
        if isinstance(i, slice):
            return type(self)(super().__getitem__(i))
        return super().__getitem__(i)

    def copy(self) -> Self:
        return type(self)(self)

    @overload
    def __add__(self, other: list[T], /) -> Self: ...

    @overload
    def __add__(self, other: list[S], /) -> list[S | T]: ...

    def __add__(self, other: list[Any], /) -> Any:
        return type(self)([*self, *other])

    def __mul__(self, n: SupportsIndex) -> Self:
        return type(self)(super().__mul__(n))

    def __rmul__(self, n: SupportsIndex) -> Self:
        return type(self)(super().__rmul__(n))
