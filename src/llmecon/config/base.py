"""The base of every configuration model, and the one way to read one from YAML."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any, TypeVar

import pydantic
from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from llmecon.constants import MAX_MAGNITUDE, MAX_TEXT_CHARS, MIN_MAGNITUDE, NUMBER_TEXT
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
    "date_years": "a date in the years 1900-2199",
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


#: A date as text: pydantic also reads a number of seconds ('1740787200') as a date.
_ISO_DATE = re.compile(r"\s*\d{4}-\d{2}-\d{2}\s*")


def _check_date(value: Any) -> None:
    """Refuse what a date field would misread: a number (of seconds), text not written
    YYYY-MM-DD, a date and time (midnight too), a year outside 1900-2199."""
    from datetime import date, datetime

    if isinstance(value, datetime | int | float) or (
            isinstance(value, str) and value.strip() and not _ISO_DATE.fullmatch(value)):
        raise PydanticCustomError("date_parsing", "expected a date (YYYY-MM-DD)")
    year = value.year if isinstance(value, date) else int(value.strip()[:4]) \
        if isinstance(value, str) and value.strip() else None
    if year is not None and not 1900 <= year <= 2199:
        raise PydanticCustomError("date_years", "expected a date in the years 1900-2199")


def _number_only(annotation: Any) -> bool:
    """Whether a field holds only numbers (``int``, ``float``, optionally ``None``), under
    ``Annotated`` and unions."""
    import types
    import typing

    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _number_only(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        kinds = [a for a in typing.get_args(annotation) if a is not type(None)]
        return bool(kinds) and all(_number_only(a) for a in kinds)
    return annotation in (int, float)


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
        annotation = cls.model_fields[info.field_name].annotation \
            if info.field_name is not None else None
        numeric = _number_only(annotation)
        if _date_only(annotation):
            _check_date(value)
        if isinstance(value, bool) and numeric:
            raise PydanticCustomError("bool_number", "expected a number, found {found}",
                                      {"found": value})
        if isinstance(value, str) and numeric and not NUMBER_TEXT.fullmatch(value) \
                and not value.rstrip().endswith("%"):  # a share's '30%': its own check
            # '3' reads as 3, as a share's '0.3' does; not '1_0' (pydantic: 10)
            raise PydanticCustomError("float_parsing", "expected a number, found {found}",
                                      {"found": repr(value)})
        problem = _out_of_bounds(value)
        if problem:
            raise PydanticCustomError("out_of_bounds", "{detail}",
                                      {"at": problem[0], "detail": problem[1]})
        return value

    def to_dict(self) -> dict[str, Any]:
        """Plain data (dates as ISO text), ready for YAML or JSON."""
        return self.model_dump(mode="json", exclude_none=True)

    def to_yaml(self) -> str:
        """The model as YAML text that :func:`load_config` reads back to an equal model."""
        import yaml

        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)


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
        elif isinstance(v, int | float) and not isinstance(v, bool) and \
                MAX_MAGNITUDE < abs(v) < math.inf:  # the fields refuse NaN and infinity
            return where, (f"expected a number of at most {MAX_MAGNITUDE:g} in size (larger "
                           f"ones overflow the arithmetic), found {_found(v)}")
        elif isinstance(v, int | float) and not isinstance(v, bool) and \
                0 < abs(v) < MIN_MAGNITUDE:
            return where, (f"expected 0 or a number of at least {MIN_MAGNITUDE:g} in size "
                           f"(smaller ones overflow divisions), found {_found(v)}")
        elif isinstance(v, str) and len(v) > MAX_TEXT_CHARS:
            return where, (f"expected text of at most {MAX_TEXT_CHARS:,} characters, found "
                           f"{len(v):,}")
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
