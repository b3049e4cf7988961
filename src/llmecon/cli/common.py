"""What the command modules share: argument types, the error boundary, output files, spinners.

Command modules import from here and from the library, never from each other. Nothing here
imports a heavy library at module level (``llmecon --help`` must start fast).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from llmecon.constants import MAX_HORIZON_MONTHS, MAX_PATHS

#: Output formats of the company tables.
FORMATS = ("table", "json", "csv", "md", "xlsx")

Handler = Callable[[argparse.Namespace], int]

#: Optional libraries and the extra that installs each.
_EXTRAS = {"plotly": "report", "openpyxl": "report", "matplotlib": "report", "fastapi": "web",
           "uvicorn": "web", "dask": "dask", "distributed": "dask"}


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on standard error, exit code 2."""

    def error(self, message: str) -> NoReturn:
        fail(f"{self.prog}: error: {message} (see '{self.prog} --help')")
        raise SystemExit(2)


def fail(line: str) -> None:
    """Print one line on standard error."""
    print(line, file=sys.stderr)


def run_handler(handler: Handler, args: argparse.Namespace) -> int:
    """Run a command; an :class:`~llmecon.errors.LlmeconError` becomes one line and exit 2."""
    from llmecon.errors import LlmeconError

    try:
        return handler(args)
    except LlmeconError as e:
        fail(f"llmecon: error: {e}")
        return 2
    except ModuleNotFoundError as e:
        root = (e.name or "").split(".")[0]
        if root not in _EXTRAS:
            raise
        fail(f"llmecon: error: this command needs {root}; install it with "
             f"pip install 'llmecon[{_EXTRAS[root]}]'")
        return 2
    except BrokenPipeError:
        return 0


# --- argument types -----------------------------------------------------------------------

def whole(lo: int, hi: int, unit: str = "") -> Callable[[str], int]:
    """An argument type: a whole number from ``lo`` to ``hi``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, found {text!r}") \
                from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"expected {lo:,} to {hi:,}{unit}, found {text}")
        return value
    parse.__name__ = "whole number"
    return parse


#: ``--paths``: 1 to MAX_PATHS.
paths_count = whole(1, MAX_PATHS)
#: ``--horizon``: 1 to MAX_HORIZON_MONTHS months.
horizon_months = whole(1, MAX_HORIZON_MONTHS, " months")


def float_list(text: str) -> list[float]:
    """An argument type: comma-separated numbers."""
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers, found {text!r}") \
            from None


def name_list(text: str) -> list[str]:
    """An argument type: comma-separated names."""
    return [x.strip() for x in text.split(",") if x.strip()]


def currency_code(text: str) -> str:
    """An argument type: a currency the FX table knows (``RMB`` is read as ``CNY``)."""
    from llmecon.errors import InputError
    from llmecon.units import normalise_currency

    try:
        return normalise_currency(text)
    except InputError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


# --- output files -------------------------------------------------------------------------

def output_path(path: str, fmt: str | None, allowed: tuple[str, ...]) -> tuple[Path, str]:
    """The output file and its kind, from ``--format`` or else the file's suffix."""
    from llmecon.errors import InputError

    p = Path(path)
    kind = fmt or p.suffix.lstrip(".").lower()
    if kind not in allowed:
        raise InputError(f"-o/--format: expected a {' or '.join(allowed)} file, found "
                         f"{p.name!r}")
    if p.suffix.lstrip(".").lower() != kind:
        p = p.with_suffix(f".{kind}")
    return p, kind


def new_file(path: str, force: bool) -> Path:
    """``path`` for writing; an existing file only with ``--force``."""
    from llmecon.errors import InputError

    out = Path(path)
    if out.exists() and not force:
        raise InputError(f"{out}: exists; use --force to overwrite it")
    return out


def save_xlsx(args: argparse.Namespace, book: Any) -> None:
    """Save a workbook to the path given with -o (required for --format xlsx)."""
    from llmecon.errors import InputError

    if not getattr(args, "output", None):
        raise InputError("--format xlsx: give the workbook's path with -o FILE.xlsx")
    path = output_path(args.output, "xlsx", ("xlsx",))[0]
    book.save(path)
    print(f"wrote {path}")


# --- progress on standard error -----------------------------------------------------------

def with_progress(fn: Callable[[Any], Any], total: int) -> Any:
    """Run ``fn(callback)`` with a progress bar on standard error when it is a terminal."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    if not console.is_terminal or total < 50_000:
        return fn(None)
    with Progress(TextColumn("simulating"), BarColumn(), TextColumn("{task.completed:,}/"
                  "{task.total:,} paths"), TimeRemainingColumn(), console=console,
                  transient=True) as prog:
        task = prog.add_task("paths", total=total)
        return fn(lambda done, _total: prog.update(task, completed=done))


@contextmanager
def status(message: str) -> Iterator[Callable[[str], None]]:
    """A spinner with a message on standard error (when it is a terminal) for work that
    takes more than a second; yields a function that updates the message."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda _m: None
        return
    with console.status(message) as st:
        yield lambda m: st.update(m)
