"""Company metadata: the ``company:`` block of a company file (or the META rows of a CSV).

Validated on load; an error names the file and the field, e.g.
``zhipu.yaml: company.fiscal_year_end: expected MM-DD (a month end such as 01-31), found '13-31'``.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Any

from pydantic import Field, field_validator, model_validator

from llmecon.config.base import ConfigModel
from llmecon.constants import MAX_TEXT_CHARS
from llmecon.statements.kinds import BusinessModel

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
#: Control characters (terminal escape sequences start with ESC or CSI) and the Unicode
#: text-direction overrides, embeddings and isolates (U+202A-202E, U+2066-2069: they show
#: text in another order than it is read); tab and newline pass.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def no_control_characters(text: str) -> str:
    """``text`` unchanged, or ValueError if it holds control characters (an escape sequence
    would reach a terminal raw).

    >>> no_control_characters("MiniMax")
    'MiniMax'
    """
    m = CONTROL.search(text)
    if m:
        raise ValueError(f"control character {m.group()!r} at position {m.start()} (escape "
                         "sequences and text-direction overrides are not allowed)")
    return text
_MMDD = re.compile(r"^(\d{2})-(\d{2})$")


def parse_month_day(text: str) -> tuple[int, int]:
    """``"01-31"`` -> ``(1, 31)``; a day that no year has (``02-30``) is refused.

    >>> parse_month_day("04-30")
    (4, 30)
    """
    m = _MMDD.match(text.strip())
    if not m:
        raise ValueError(f"expected MM-DD (e.g. 12-31 or 01-31), found {text!r}")
    month, day = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2024, month)[1]:
        raise ValueError(f"expected MM-DD with a real month and day, found {text!r}")
    return month, day


class CompanyMeta(ConfigModel):
    """Who the company is and how it reports.

    ``fiscal_year_end`` is the month and day its fiscal year ends (``12-31`` calendar years,
    ``01-31`` Snowflake, ``06-30`` Microsoft); ``FY2024`` is the fiscal year the company calls
    2024, the one ending on that day in 2024. ``as_of`` is the date of the newest source used,
    ``coverage_note`` says what is missing (e.g. results not yet found).
    """

    id: str = Field(max_length=64)
    name: str = Field(default="", max_length=200)
    currency: str = Field(default="", max_length=8)
    business_model: BusinessModel = "unknown"
    fiscal_year_end: str = "12-31"
    ticker: str = Field(default="", max_length=32)
    exchange: str = Field(default="", max_length=32)
    listing_date: date | None = None
    lines: tuple[str, ...] = Field(default=(), max_length=50)
    platform_line: str = Field(default="", max_length=64)
    #: the text limit of every file (``ConfigModel`` refuses longer text, naming the file
    #: and the field): declared here too, so the schema says the limit that applies
    description: str = Field(default="", max_length=MAX_TEXT_CHARS)
    as_of: date | None = None
    coverage_note: str = Field(default="", max_length=MAX_TEXT_CHARS)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError(f"expected an id of letters, digits, '_', '-' or '.' (at most 64, "
                             f"starting with a letter or digit), found {v!r}")
        return v

    @field_validator("name", "ticker", "exchange", "platform_line", "description",
                     "coverage_note")
    @classmethod
    def _text(cls, v: str) -> str:
        return no_control_characters(v)

    @field_validator("lines")
    @classmethod
    def _line_names(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for x in v:
            no_control_characters(x)
            if x != x.strip() or any(c in x for c in ";|.") or not x:
                # '.': a scenario names a line's driver 'line.driver' ('chat.cac')
                raise ValueError(f"expected line names without ';', '|', '.' or spaces at "
                                 f"either end (the CSV lists them as 'a;b', a scenario a "
                                 f"line's driver as 'line.driver'), found {x!r}")
        return v

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str) -> str:
        from llmecon.units import normalise_currency

        return normalise_currency(v) if v.strip() else ""

    @field_validator("fiscal_year_end")
    @classmethod
    def _fye(cls, v: str) -> str:
        month, day = parse_month_day(v)
        return f"{month:02d}-{day:02d}"

    @field_validator("lines", mode="before")
    @classmethod
    def _lines(cls, v: Any) -> Any:
        if isinstance(v, str):
            return tuple(s for s in (x.strip() for x in v.replace("|", ";").split(";")) if s)
        if v is not None and not isinstance(v, list | tuple):
            raise ValueError(f"expected a list of line names (or 'a;b' text), found {v!r}")
        return () if v is None else v

    @field_validator("listing_date", "as_of", mode="before")
    @classmethod
    def _blank_date(cls, v: Any) -> Any:
        return None if isinstance(v, str) and not v.strip() else v

    @model_validator(mode="after")
    def _consistent(self) -> CompanyMeta:
        if self.platform_line and self.platform_line not in self.lines:
            raise ValueError(f"platform_line {self.platform_line!r} is not one of the lines "
                             f"({', '.join(self.lines) or 'none declared'})")
        return self

    @property
    def year_end(self) -> tuple[int, int]:
        """(month, day) of the fiscal year end."""
        return parse_month_day(self.fiscal_year_end)
