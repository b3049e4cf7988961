"""What the command modules share: argument types, the error boundary, output files, spinners.

Command modules import from here and from the library, never from each other. Nothing here
imports a heavy library at module level (``llmecon --help`` must start fast).
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from llmecon.constants import (
    MAX_HORIZON_MONTHS,
    MAX_MAGNITUDE,
    MAX_PATHS,
    MAX_WORKERS,
    MIN_MAGNITUDE,
    NUMBER_TEXT,
)

#: Output formats of the company tables.
FORMATS = ("table", "json", "csv", "md", "xlsx")

Handler = Callable[[argparse.Namespace], int]

#: Optional libraries and the extra that installs each.
_EXTRAS = {"plotly": "report", "openpyxl": "report", "matplotlib": "report", "fastapi": "web",
           "uvicorn": "web", "dask": "dask", "distributed": "dask"}


#: Line separators and bidirectional overrides that would reorder or split a printed line.
_INVISIBLE = frozenset("\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on standard error, exit code 2."""

    def error(self, message: str) -> NoReturn:
        fail(f"{self.prog}: error: {safe(message)} (see '{self.prog} --help')")
        raise SystemExit(2)


def fail(line: str) -> None:
    """Print one line on standard error."""
    print(line, file=sys.stderr)


def safe(text: object, *, newlines: bool = False) -> str:
    """``text`` with control characters (terminal escape sequences, carriage returns, and
    line breaks unless ``newlines``) written as visible escapes such as ``\\x1b``."""
    out = []
    for ch in str(text):
        if ch == "\n" and newlines:
            out.append(ch)
        elif ord(ch) < 32 or 127 <= ord(ch) < 160 or ch in _INVISIBLE:
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)


def error_line(e: BaseException) -> str:
    """The one line (a validation report: one line per problem) that tells a user what
    went wrong, with control characters escaped."""
    from llmecon.errors import LlmeconError, ValidationError

    if isinstance(e, ValidationError):
        return f"llmecon: error: {safe(e, newlines=True)}"
    if isinstance(e, LlmeconError) and getattr(e, "lines", None):  # several problems
        return "\n".join(f"llmecon: error: {safe(line)}" for line in e.lines)  # type: ignore[attr-defined]
    if isinstance(e, LlmeconError):
        return f"llmecon: error: {safe(e)}"
    if isinstance(e, OSError):
        name = safe(e.filename) if e.filename is not None else ""
        if len(name) > 120:
            name = name[:60] + "..." + name[-40:]
        what = e.strerror or str(e) or type(e).__name__
        return f"llmecon: error: {name}: {safe(what)}" if name else \
            f"llmecon: error: {safe(what)}"
    return (f"llmecon: internal error: {type(e).__name__}: {safe(e)} (run again with "
            f"--debug for the traceback)")


def run_handler(handler: Handler, args: argparse.Namespace) -> int:
    """Run a command at the error boundary: bad input (an
    :class:`~llmecon.errors.LlmeconError` or a file that cannot be read or written) ends with
    one line and exit 2; anything else with one line and exit 1, and the traceback only with
    ``--debug``."""
    from llmecon.errors import LlmeconError

    try:
        check_workbook_output(args)
        return handler(args)
    except (LlmeconError, OSError) as e:
        if isinstance(e, BrokenPipeError):  # the reader (head, less) went away
            _quiet_stdout()
            return 0
        fail(error_line(e))
        return 2
    except ModuleNotFoundError as e:
        root = (e.name or "").split(".")[0]
        if root not in _EXTRAS:
            return _internal(e, args)
        fail(f"llmecon: error: this command needs {root}; install it with "
             f"pip install 'llmecon[{_EXTRAS[root]}]'")
        return 2
    except KeyboardInterrupt:
        fail("llmecon: interrupted")
        return 130
    except Exception as e:
        return _internal(e, args)


def _quiet_stdout() -> None:
    """Point standard output at the null device, so that flushing it at exit does not
    raise a second BrokenPipeError (as the Python documentation advises)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (e.g. under a test)
        pass


def _internal(e: Exception, args: argparse.Namespace) -> int:
    if getattr(args, "debug", False):
        raise e
    fail(error_line(e))
    return 1


# --- argument types -----------------------------------------------------------------------

def whole(lo: int, hi: int, unit: str = "") -> Callable[[str], int]:
    """An argument type: a whole number from ``lo`` to ``hi``."""
    def parse(text: str) -> int:
        try:
            if not text.strip().lstrip("+-").isascii() or "_" in text:
                raise ValueError(text)  # int() reads '３６' and '1_0'
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, found {text!r}") \
                from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"expected {lo:,} to {hi:,}{unit}, found {text}")
        return value
    parse.__name__ = "whole number"
    return parse


def file_path(text: str) -> str:
    """An argument type: the path of a file, not empty or blank (an empty ``--scenario=``
    was read as no scenario, an empty ``--assume=`` as the folder '.')."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"expected the path of a file, found {text!r}")
    return text


file_path.__name__ = "file path"


#: ``--paths``: 1 to MAX_PATHS.
paths_count = whole(1, MAX_PATHS)
#: ``--horizon``: 1 to MAX_HORIZON_MONTHS months.
horizon_months = whole(1, MAX_HORIZON_MONTHS, " months")


def _number(text: str) -> float:
    try:
        if not NUMBER_TEXT.fullmatch(text):
            raise ValueError(text)
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, found {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, found {text!r}")
    if abs(value) > MAX_MAGNITUDE:
        raise argparse.ArgumentTypeError(f"expected a number of at most {MAX_MAGNITUDE:g} in "
                                         f"size, found {text!r}")
    if 0 < abs(value) < MIN_MAGNITUDE:
        raise argparse.ArgumentTypeError(f"expected 0 or a number of at least "
                                         f"{MIN_MAGNITUDE:g} in size, found {text!r}")
    return value


def number(lo: float = -math.inf, hi: float = math.inf, *, above: bool = False
           ) -> Callable[[str], float]:
    """An argument type: a finite number from ``lo`` (excluded if ``above``) to ``hi``."""
    def parse(text: str) -> float:
        value = _number(text)
        if value < lo or (above and value == lo) or value > hi:
            low = f"above {lo:g}" if above else f">= {lo:g}"
            want = low if hi == math.inf else f"from {lo:g} to {hi:g}"
            raise argparse.ArgumentTypeError(f"expected a number {want}, found {text!r}")
        return value
    parse.__name__ = "number"
    return parse


#: Any finite number.
finite = number()
#: A finite number >= 0 (token counts, prices, rates).
non_negative = number(0.0)
#: A finite number > 0 (sizes, times, ratios).
positive = number(0.0, above=True)
#: A share from 0 to 1.
share = number(0.0, 1.0)


#: scale words an amount may end with (``200m``, ``1.5bn``)
_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9}


def amount(text: str) -> float:
    """An argument type: a money amount above 0, in full (``200e6``) or with a scale
    (``200m``, ``1.5bn``, ``800k``)."""
    m = re.fullmatch(r"\s*(.*?)\s*(k|m|mn|bn|b)?\s*", text, flags=re.IGNORECASE)
    head, scale = (m.group(1), m.group(2)) if m else (text, None)
    try:
        value = positive(head)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"expected an amount above 0, in full (200e6) or with k, m or bn (200m), found "
            f"{text!r}") from None
    return value * _SCALES[scale.lower()] if scale else value


def memory_gib(text: str) -> int:
    """An argument type: a memory budget in GiB (above 0.0625, at most 16,384), as bytes."""
    gib = number(1 / 16, 16_384)(text)
    return int(gib * 2**30)


def number_list(item: Callable[[str], float]) -> Callable[[str], list[float]]:
    """An argument type: comma-separated numbers, each checked by ``item``."""
    def parse(text: str) -> list[float]:
        parts = [x.strip() for x in text.split(",") if x.strip()]
        if not parts:
            raise argparse.ArgumentTypeError(f"expected comma-separated numbers, found {text!r}")
        out = []
        for x in parts:
            try:
                out.append(item(x))
            except argparse.ArgumentTypeError as e:
                raise argparse.ArgumentTypeError(f"{e} in {text!r}") from None
        return out
    parse.__name__ = "numbers"
    return parse


def margin(text: str) -> float:
    """An argument type: a margin as a fraction below 1 (``0.3``) or a percentage (``30%``).

    A bare number above 1 (``30``) is refused: it could mean 30% or 3,000%.
    """
    t = text.strip()
    percent = t.endswith("%")
    try:
        value = float(t[:-1] if percent else t)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a fraction such as 0.3 or a percentage "
                                         f"such as 30%, found {text!r}")
    fraction = value / 100 if percent else value
    if not 0 <= fraction < 1:
        hint = f" (for {value:g}% write {value:g}%)" if not percent and 1 < value < 100 else ""
        raise argparse.ArgumentTypeError(f"expected a fraction from 0 up to (not including) 1 "
                                         f"or a percentage below 100%, found {text!r}{hint}")
    return fraction


#: ``--seed``: a whole number from 0 to 2**63 - 1 (it is stored as a 64-bit integer).
seed = whole(0, 2**63 - 1)


def workers(text: str) -> int:
    """An argument type: local workers, 1 to four per CPU core (at most MAX_WORKERS)."""
    import os

    return whole(1, min(MAX_WORKERS, 4 * (os.cpu_count() or 1)))(text)


def scheduler_address(text: str) -> str:
    """An argument type: a Dask scheduler address, ``[tcp://]host:port``."""
    from urllib.parse import urlsplit

    full = text if "://" in text else f"tcp://{text}"
    try:
        parts = urlsplit(full)
        port = parts.port
    except ValueError:
        port = None
        parts = urlsplit("")
    if parts.scheme not in ("tcp", "tls", "ws", "wss", "ucx") or not parts.hostname or \
            port is None or parts.path not in ("", "/"):
        raise argparse.ArgumentTypeError(f"expected a scheduler address such as "
                                         f"tcp://host:8786, found {safe(text)!r}")
    return full


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

#: Number formats (``llmecon.config.inference.Precision``, kept here so that the parser
#: imports no numpy; a test checks they agree); read in any case.
PRECISIONS = ("bf16", "fp16", "fp8", "int8", "fp4", "nvfp4", "mxfp4")


def precision(text: str) -> str:
    """A number format from the command line: ``FP8`` is fp8, ``MXFP4`` is mxfp4."""
    name = text.strip().lower()
    if name not in PRECISIONS:
        raise argparse.ArgumentTypeError(f"expected one of {', '.join(PRECISIONS)}, found "
                                         f"{text!r}")
    return name


def output_path(path: str, fmt: str | None, allowed: tuple[str, ...], flag: str = "-o",
                force: bool | None = None) -> tuple[Path, str]:
    """The output file and its kind, from ``--format`` or else the file's suffix (``flag``:
    the option that named the file, for the error). With ``force`` given, an existing file
    is refused unless it is True (a report never replaces a user's file unasked)."""
    from llmecon.errors import InputError

    p = _checked_target(path, flag)
    if force is False and p.exists():
        raise InputError(f"{flag} {p}: exists; use --force to replace it")
    suffix = p.suffix.lstrip(".").lower()
    kind = fmt or suffix
    if kind not in allowed:
        raise InputError(f"{flag}/--format: expected a {' or '.join(allowed)} file, found "
                         f"{p.name!r}")
    if suffix and suffix != kind:  # written where asked, or not at all: never renamed
        raise InputError(f"{flag} {p.name!r}: the name ends in .{suffix} but the format is "
                         f"{kind}; name it {p.with_suffix('.' + kind).name!r} or drop --format")
    return p, kind


def new_file(path: str, force: bool) -> Path:
    """``path`` for writing; an existing file only with ``--force``."""
    from llmecon.errors import InputError

    out = _checked_target(path, "-o")
    if out.exists() and not force:
        raise InputError(f"{out}: exists; use --force to overwrite it")
    return out


def _checked_target(path: str, flag: str) -> Path:
    """``path`` as given, once :func:`llmecon.fileio.write_target` accepts it, so that a
    command refuses a place it cannot write before its work, not after; '-' (standard
    output) is refused here: the commands that offer it test for it first."""
    from llmecon.errors import InputError
    from llmecon.fileio import write_target

    if not path.strip():
        raise InputError(f"{flag}: expected the path of a file to write, found {path!r}")
    if path.strip() == "-":  # a file named '-' was written
        raise InputError(f"{flag} -: this command writes a file, not standard output; give "
                         "its path")
    write_target(path)
    return Path(path)


def workbook_output(p: argparse.ArgumentParser) -> None:
    """``-o FILE``: the workbook of ``--format xlsx`` (checked before the command runs)."""
    p.add_argument("-o", "--output", metavar="FILE", help="file for --format xlsx")
    p.add_argument("--force", action="store_true", help="replace an existing -o FILE")
    p.set_defaults(workbook_output=True)


def check_workbook_output(args: argparse.Namespace) -> None:
    """A command whose ``-o`` is the workbook of ``--format xlsx`` refuses it with another
    format (it would be ignored) and refuses ``-`` (a workbook is not text)."""
    from llmecon.errors import InputError

    out = getattr(args, "output", None)
    if not getattr(args, "workbook_output", False) or out is None:
        return
    if args.format != "xlsx":
        raise InputError(f"-o: only with --format xlsx (the {args.format} output goes to "
                         "standard output: redirect it with > FILE)")
    if out == "-":
        raise InputError("-o -: a workbook cannot go to standard output; give a file name")
    output_path(out, "xlsx", ("xlsx",), force=getattr(args, "force", False))


def save_xlsx(args: argparse.Namespace, book: Any) -> None:
    """Save a workbook to the path given with -o (required for --format xlsx)."""
    from llmecon.errors import InputError

    if not getattr(args, "output", None):
        raise InputError("--format xlsx: give the workbook's path with -o FILE.xlsx")
    path = output_path(args.output, "xlsx", ("xlsx",), force=getattr(args, "force", False))[0]
    book.save(path)
    print(f"wrote {safe(path)}")


# --- progress on standard error -----------------------------------------------------------

def with_progress(fn: Callable[[Any], Any], total: int) -> Any:
    """Run ``fn(callback)`` with a progress bar on standard error when it is a terminal
    (runs under 50,000 paths take about a second: no bar, and rich is not imported)."""
    if total < 50_000:
        return fn(None)
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    if not console.is_terminal:
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


# ---------------------------------------------------------------- inference inputs
def demand_of(args: argparse.Namespace, catalog: Any) -> Any:
    """The daily demand and prices of the fleet flags: a price list, then any price given
    on its own replaces that one price and keeps the others; the node size is the
    system's unless ``--gpus-per-node`` says otherwise."""
    from llmecon.errors import InputError
    from llmecon.inference.serving import Demand

    demand = Demand(args.input_per_day, args.output_per_day,
                    cache_hit=args.cache_hit if args.demand_cache_hit is None
                    else args.demand_cache_hit, peak_to_average=args.peak_to_average,
                    paid_share=args.paid_share, discount=args.discount,
                    gpus_per_node=args.gpus_per_node, provisioning=args.provisioning)
    if args.price_cache_hit is not None and not args.price_list and \
            args.price_input is None and args.price_output is None:  # hits alone were billed
        raise InputError("--price-cache-hit: a price for cache hits alone prices no output or "
                         "uncached input; give --price-input and --price-output, or "
                         "--price-list, with it")
    if args.price_list:
        price = catalog.api_price(args.price_list)
        if price is None:
            raise InputError(f"--price-list: no API price bundled for {args.price_list!r}")
        demand = demand.with_price_list(price)
    return demand.with_prices(input_miss=args.price_input, input_hit=args.price_cache_hit,
                              output=args.price_output)


def priced(args: argparse.Namespace) -> bool:
    """Whether the flags give a price to earn from (a price list or any price)."""
    return bool(args.price_list) or any(getattr(args, k) is not None for k in (
        "price_input", "price_cache_hit", "price_output"))


def with_model_file(catalog: Any, model: str) -> tuple[Any, str]:
    """The catalog with the model of a file path (a HF ``config.json`` or a one-row YAML)
    added, and the name to use; a catalog name passes through."""
    from llmecon.inference.catalog import Catalog

    if not model.lower().endswith((".json", ".yaml", ".yml")):
        return catalog, model
    row = catalog.model(model)
    return catalog.merged(Catalog(models=(row,), sources=(model,))), row.name
