"""Text from data made safe for the terminal: control characters (escape sequences, bells,
carriage returns, bidirectional overrides) shown as visible escapes, and rich markup never
interpreted (text goes into :class:`rich.text.Text`, which rich prints as it is)."""

from __future__ import annotations

import re

from rich.text import Text

# C0 and C1 controls except the newline, DEL, and the bidirectional formatting characters
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: object) -> str:
    """``text`` with every control character written as a visible escape.

    >>> printable("ok\\x1b[31mred\\x07")
    'ok\\\\x1b[31mred\\\\x07'
    >>> printable("a\\u202eb")
    'a\\\\u202eb'
    """
    return _UNSAFE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"),
                       str(text))


def plain(text: object, style: str = "") -> Text:
    """Data as rich text: printed literally (``[bold]`` stays ``[bold]``), controls escaped.

    >>> plain("[/]").plain
    '[/]'
    """
    return Text(printable(text), style=style)
