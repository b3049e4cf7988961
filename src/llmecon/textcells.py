"""Text from data made safe for the files a user opens elsewhere: a CSV cell a spreadsheet
would run as a formula is kept as text, and a Markdown cell cannot break its table or carry
raw HTML. (The Excel writer marks such cells with a quote prefix itself,
:func:`llmecon.report.excel.put`.)"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

#: What a spreadsheet reads as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _formula_like(text: str) -> bool:
    """Text a spreadsheet would read as a formula once its leading apostrophes are gone
    (``=SUM(A1)``, ``'=SUM(A1)``); a number (``-1.5``) is not."""
    core = text.lstrip("'")
    return core.startswith(FORMULA_STARTS) and not _number(core)


def csv_cell(value: Any) -> Any:
    """``value``; text a spreadsheet would read as a formula gets a leading apostrophe,
    which spreadsheets show as text (a number written as text, ``-1.5``, is left alone);
    so does such text that already starts with apostrophes, so that :func:`csv_text_back`
    gives back exactly what was written.

    >>> csv_cell("=cmd|' /C calc'!A0"), csv_cell("-(operating cash flow)"), csv_cell("-1.5")
    ("'=cmd|' /C calc'!A0", "'-(operating cash flow)", '-1.5')
    >>> csv_cell(-2.0), csv_cell("FY2024"), csv_cell("'=x")
    (-2.0, 'FY2024', "''=x")
    """
    if isinstance(value, str) and _formula_like(value):
        return "'" + value
    return value


def csv_text_back(value: str) -> str:
    """A cell as :func:`csv_cell` received it: the apostrophe it added is taken off (a CSV
    the tool writes reads back as it was written).

    >>> csv_text_back("'=SUM(A1)"), csv_text_back("'-1.5"), csv_text_back("it's")
    ('=SUM(A1)', "'-1.5", "it's")
    >>> csv_text_back("''=x")  # text that began with an apostrophe itself
    "'=x"
    """
    if value.startswith("'") and _formula_like(value):
        return value[1:]
    return value


class CsvWriter:
    """:func:`csv.writer` whose every cell goes through :func:`csv_cell`."""

    def __init__(self, out: TextIO) -> None:
        self._w = csv.writer(out, lineterminator="\n")

    def writerow(self, row: Iterable[Any]) -> None:
        self._w.writerow([csv_cell(v) for v in row])


def frame_csv(frame: Any) -> str:
    """A DataFrame as CSV (no index) with its text cells through :func:`csv_cell`."""
    text = frame.select_dtypes(include=["object", "string"]).columns
    safe = frame.copy()
    for c in text:
        safe[c] = safe[c].map(csv_cell)
    safe.columns = [csv_cell(str(c)) for c in frame.columns]
    out: str = safe.to_csv(index=False)
    return out


def md_cell(value: object) -> str:
    """A Markdown table cell: ``|`` escaped, line breaks as spaces, HTML tags shown as text
    (``&`` is left alone: R&D stays R&D).

    >>> md_cell("R&D a|b\\n<script>")
    'R&D a\\\\|b &lt;script&gt;'
    """
    text = " ".join(str(value).splitlines())
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
