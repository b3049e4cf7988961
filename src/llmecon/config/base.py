"""The base of every configuration model, and the one way to read one from YAML."""

from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import Any, TypeVar

import pydantic
from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from llmecon.constants import (
    ISO_DATE,
    MAX_MAGNITUDE,
    MAX_TEXT_CHARS,
    MAX_YEAR,
    MIN_MAGNITUDE,
    MIN_YEAR,
)
from llmecon.errors import InputError

M = TypeVar("M", bound="ConfigModel")

_EXPECTED = {
    "greater_than": "a number > {gt}",
    "greater_than_equal": "a number >= {ge}",
    "less_than": "a number < {lt}",
    "less_than_equal": "a number <= {le}",
    "finite_number": "a finite number",
    "float_parsing": "a number",
    "float_type": "a number",
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "bool_number": "a number (not true or false)",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "string_type": "text",
    "dict_type": "a mapping",
    "list_type": "a list",
    "tuple_type": "a list",
    "model_type": "a mapping",
    "missing": "a value (the field is required)",
    "extra_forbidden": "no such field",
    "literal_error": "one of {expected}",
    "enum": "one of {expected}",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "date_years": f"a date in the years {MIN_YEAR}-{MAX_YEAR}",
    "date_type": "a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "a date (YYYY-MM-DD), not a date and time",
    "string_too_long": "at most {max_length} characters",
    "string_too_short": "at least {min_length} characters",
    "too_long": "at most {max_length} items",
    "too_short": "at least {min_length} items",
}


def _date_only(annotation: Any) -> bool:
    """Whether a field holds a date (optionally ``None``)."""
    import types
    import typing
    from datetime import date

    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        kinds = [a for a in typing.get_args(annotation) if a is not type(None)]
        return kinds == [date]
    return annotation is date


def _check_date(value: Any) -> None:
    """Refuse what a date field would misread: a number (of seconds), text not written
    YYYY-MM-DD, a date and time (midnight too), a year outside MIN_YEAR-MAX_YEAR."""
    from datetime import date, datetime

    if isinstance(value, datetime | int | float) or (
            isinstance(value, str) and value.strip() and not ISO_DATE.fullmatch(value.strip())):
        raise PydanticCustomError("date_parsing", "expected a date (YYYY-MM-DD)")
    year = value.year if isinstance(value, date) else int(value.strip()[:4]) \
        if isinstance(value, str) and value.strip() else None
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise PydanticCustomError("date_years", f"expected a date in the years {MIN_YEAR}-"
                                  f"{MAX_YEAR}")


class TextNumber:
    """Marks a number type that also takes text (a share's ``'30%'`` or ``'0.3'``, which
    its own validator reads); everywhere else a number is written as a number."""


TEXT_NUMBER = TextNumber()


def _is_number(annotation: Any) -> bool:
    """A plain number type (``int`` or ``float``, under ``Annotated``) without
    :class:`TextNumber`."""
    import typing

    if typing.get_origin(annotation) is typing.Annotated:
        base, *meta = typing.get_args(annotation)
        return not any(isinstance(m, TextNumber) for m in meta) and _is_number(base)
    return annotation in (int, float)


def _misread(annotation: Any, value: Any, where: str = "") -> tuple[str, Any] | None:
    """Where in ``value`` a number is expected (by ``annotation``, through unions, lists,
    tuples and mappings) but text or true/false is given, which pydantic would read
    ('0_4' as 4.0, true as 1): (the place, the value); None when there is none."""
    import types
    import typing
    from collections.abc import Mapping, Sequence

    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return None if any(isinstance(m, TextNumber) for m in args[1:]) else \
            _misread(args[0], value, where)
    if _is_number(annotation):
        return (where, value) if isinstance(value, str | bool) else None
    kinds = [a for a in args if a is not type(None)]
    if origin in (typing.Union, types.UnionType):
        if isinstance(value, str | bool) and kinds and all(_is_number(a) for a in kinds):
            return where, value
        shaped = [a for a in kinds if typing.get_origin(a) in (dict, Mapping, list, tuple,
                                                                 Sequence)]
        return _misread(shaped[0], value, where) if len(shaped) == 1 else None
    pairs: list[tuple[str, Any, Any]] = []
    if origin in (dict, Mapping) and isinstance(value, dict) and len(args) == 2:
        pairs = [(f"{where}.{k}", args[1], x) for k, x in value.items()]
    elif origin in (list, Sequence) and isinstance(value, list | tuple) and args:
        pairs = [(f"{where}[{i}]", args[0], x) for i, x in enumerate(value)]
    elif origin is tuple and isinstance(value, list | tuple) and args:
        elems = [args[0]] * len(value) if args[-1] is Ellipsis else list(args)
        pairs = [(f"{where}[{i}]", a, x) for i, (a, x) in enumerate(zip(elems, value,
                                                                         strict=False))]
    for place, a, x in pairs:
        found = _misread(a, x, place)
        if found is not None:
            return found
    return None


class ConfigModel(BaseModel):
    """A validated, immutable, serialisable piece of configuration.

    Unknown keys are errors (a typo is never silently ignored), numbers must be finite,
    and a model is frozen once built.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False,
                              validate_default=True)

    @field_validator("*", mode="before")
    @classmethod
    def _bounded(cls, value: Any, info: ValidationInfo) -> Any:
        """Refuse numbers beyond :data:`~llmecon.constants.MAX_MAGNITUDE` or non-zero ones
        below :data:`~llmecon.constants.MIN_MAGNITUDE` (they overflow the arithmetic) and
        text beyond :data:`~llmecon.constants.MAX_TEXT_CHARS`, in the field's value and
        anything nested in it; and true/false where a number is expected (it read as 1)."""
        date_only, boolean, numbers, annotation = _field_plan(cls, info.field_name)
        if date_only:
            _check_date(value)
        if boolean and value is not None \
                and not isinstance(value, bool):  # 'yes', 1 or 'on' read as true
            raise PydanticCustomError("bool_type", "expected true or false")
        misread = None if not numbers else ("", value) if numbers == 1 and isinstance(
            value, str | bool) else _misread(annotation, value) if numbers == 2 else None
        if misread is not None:
            where, found = misread
            what = "true or false" if isinstance(found, bool) else "text"
            raise PydanticCustomError(
                "out_of_bounds", "{detail}", {"at": where, "detail": (
                    f"expected a number, found {found!r} ({what}; write the number "
                    "without quotes)" if what == "text" else
                    f"expected a number (not true or false), found {str(found).lower()}")})
        problem = _out_of_bounds(value) if isinstance(value, dict | list | tuple) else \
            _leaf_out_of_bounds("", value)
        if problem:
            raise PydanticCustomError("out_of_bounds", "{detail}",
                                      {"at": problem[0], "detail": problem[1]})
        return value

    def to_dict(self) -> dict[str, Any]:
        """Plain data (dates as ISO text), ready for YAML or JSON."""
        return self.model_dump(mode="json", exclude_none=True)

    def to_yaml(self) -> str:
        """The model as YAML text that :func:`load_config` reads back to an equal model."""
        from llmecon.yamlfile import dump_yaml

        return dump_yaml(self.to_dict())


@functools.cache
def _field_plan(cls: type[BaseModel], name: str | None) -> tuple[bool, bool, int, Any]:
    """What :meth:`ConfigModel._bounded` checks of a field, worked out once per model class
    and field (it runs for every field of every row read): (a date field, a true/false
    field, where a number could be misread in it: 0 nowhere (:func:`_misread` finds
    nothing), 1 the field is a plain number, 2 within it; its annotation)."""
    field = cls.model_fields[name] if name is not None else None
    annotation = field.annotation if field is not None else None
    text_ok = field is not None and any(isinstance(m, TextNumber) for m in field.metadata)
    numbers = 0 if text_ok or not _has_number(annotation) else \
        1 if _is_number(annotation) else 2
    return _date_only(annotation), annotation in (bool, bool | None), numbers, annotation


def _has_number(annotation: Any) -> bool:
    """Whether a number type (not marked :class:`TextNumber`) appears anywhere in
    ``annotation``: where none does, :func:`_misread` finds nothing."""
    import typing

    if typing.get_origin(annotation) is typing.Annotated:
        base, *meta = typing.get_args(annotation)
        return not any(isinstance(m, TextNumber) for m in meta) and _has_number(base)
    return annotation in (int, float) or any(_has_number(a)
                                             for a in typing.get_args(annotation))


def _leaf_out_of_bounds(where: str, v: Any) -> tuple[str, str] | None:
    """:func:`_out_of_bounds` of one value that is not a mapping or a list."""
    if isinstance(v, int | float) and not isinstance(v, bool) and \
            MAX_MAGNITUDE < abs(v) < math.inf:  # the fields refuse NaN and infinity
        return where, (f"expected a number of at most {MAX_MAGNITUDE:g} in size (larger "
                       f"ones overflow the arithmetic), found {_found(v)}")
    if isinstance(v, int | float) and not isinstance(v, bool) and 0 < abs(v) < MIN_MAGNITUDE:
        return where, (f"expected 0 or a number of at least {MIN_MAGNITUDE:g} in size "
                       f"(smaller ones overflow divisions), found {_found(v)}")
    if isinstance(v, str) and len(v) > MAX_TEXT_CHARS:
        return where, (f"expected text of at most {MAX_TEXT_CHARS:,} characters, found "
                       f"{len(v):,}")
    return None


def _out_of_bounds(value: Any) -> tuple[str, str] | None:
    """The first number or text in ``value`` (walked through mappings and lists) that is
    out of bounds (too large, or a non-zero number too small), as (where in ``value``, what
    was expected and found); None when all are within bounds."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        where, v = stack.pop()
        if isinstance(v, dict):
            stack += [(f"{where}.{k}", x) for k, x in v.items()]
        elif isinstance(v, list | tuple):
            stack += [(f"{where}[{i}]", x) for i, x in enumerate(v)]
        elif (found := _leaf_out_of_bounds(where, v)) is not None:
            return found
    return None


def _field(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _found(value: Any) -> str:
    from datetime import datetime

    text = f"'{value.isoformat(sep=' ')}'" if isinstance(value, datetime) \
        else repr(value)  # a date and time as the file wrote it
    return text if len(text) <= 60 else text[:57] + "..."


def format_errors(err: pydantic.ValidationError, source: str) -> str:
    """One line per problem: ``source: field: expected ..., found ...``."""
    lines = []
    for e in err.errors(include_url=False):
        kind = e["type"]
        ctx = {k: f"{v:g}" if isinstance(v, int | float) and not isinstance(v, bool) else v
               for k, v in (e.get("ctx") or {}).items()}
        template = _EXPECTED.get(kind)
        try:
            expected = template.format(**ctx) if template else str(e["msg"])
        except (KeyError, IndexError):
            expected = str(e["msg"])
        if kind == "out_of_bounds":
            lines.append(f"{source}: {_field(e['loc'])}{ctx['at']}: {ctx['detail']}")
        elif kind == "extra_forbidden":
            lines.append(f"{source}: {_field(e['loc'])}: unknown field")
        elif kind == "missing":
            lines.append(f"{source}: {_field(e['loc'])}: missing (required)")
        elif kind in ("value_error", "assertion_error"):
            msg = str(e["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
            lines.append(f"{source}: {_field(e['loc'])}: {msg}")
        else:
            lines.append(f"{source}: {_field(e['loc'])}: expected {expected}, "
                         f"found {_found(e.get('input'))}")
    return "\n".join(lines)


def parse_config(cls: type[M], data: Any, source: str) -> M:
    """Build ``cls`` from plain data; errors name ``source`` and the field.

    >>> from pydantic import Field
    >>> class Share(ConfigModel):
    ...     share: float = Field(ge=0, le=1)
    >>> parse_config(Share, {"share": 1.5}, "a.yaml")
    Traceback (most recent call last):
    ...
    llmecon.errors.InputError: a.yaml: share: expected a number <= 1, found 1.5
    """
    try:
        return cls.model_validate(data)
    except pydantic.ValidationError as e:
        text = format_errors(e, source)
        raise InputError(text, lines=text.split("\n")) from None


def load_config(cls: type[M], path: str | Path, what: str) -> M:
    """Read a YAML file (the package's one YAML reader) and build ``cls`` from it."""
    from llmecon.yamlfile import read_mapping

    return parse_config(cls, read_mapping(path, what), str(path))
