"""The checks every config field runs (``ConfigModel._bounded``) are planned once per model
class and field; the plan finds what the field-by-field walk found (a number written as
text or true/false, a date, a true/false field)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import pytest
from pydantic import Field

from llmecon.config.base import TEXT_NUMBER, ConfigModel, _field_plan, parse_config
from llmecon.errors import InputError


class _Sample(ConfigModel):
    n: float
    maybe: float | None = None
    many: dict[str, float] = Field(default_factory=dict)
    share: Annotated[float, TEXT_NUMBER] = 0.0
    name: str = ""
    when: date | None = None
    flag: bool = False


@pytest.mark.parametrize(("field", "plan"), [
    ("n", (False, False, 1)), ("maybe", (False, False, 2)), ("many", (False, False, 2)),
    ("share", (False, False, 0)), ("name", (False, False, 0)), ("when", (True, False, 0)),
    ("flag", (False, True, 0))])
def test_each_field_is_planned_once_by_its_annotation(field: str,
                                                      plan: tuple[bool, bool, int]) -> None:
    assert _field_plan(_Sample, field)[:3] == plan


@pytest.mark.parametrize(("data", "message"), [
    ({"n": "4"}, "n: expected a number, found '4' (text"),
    ({"n": True}, "n: expected a number (not true or false), found true"),
    ({"n": 1, "maybe": "0_4"}, "maybe: expected a number, found '0_4'"),
    ({"n": 1, "many": {"a": "2"}}, "expected a number, found '2'"),
    ({"n": 1, "flag": "yes"}, "flag: expected true or false"),
    ({"n": 1, "when": 20240101}, "when: expected a date (YYYY-MM-DD)"),
    ({"n": 1e300}, "n: expected a number of at most"),
    ({"n": 1, "many": {"a": 1e-300}}, "expected 0 or a number of at least")])
def test_the_planned_checks_still_refuse_what_they_refused(data: dict[str, object],
                                                           message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_config(_Sample, data, "test")


def test_text_is_taken_where_a_field_says_so() -> None:
    assert parse_config(_Sample, {"n": 1, "share": 0.3, "name": "x"}, "test").share == 0.3
