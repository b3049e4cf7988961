"""Opening a run store that other processes use: an advisory lock beside the file (writers
exclusive, readers shared), retries while DuckDB reports another process's lock, and the
one-line, control-free text of what went wrong."""

from __future__ import annotations

import errno
import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from llmecon.errors import InputError

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: How long a store stays locked by another process before the open gives up.
LOCK_WAIT_S = 60.0
T = TypeVar("T")


@contextmanager
def file_lock(path: Path, shared: bool) -> Iterator[None]:
    """An advisory lock beside the store (POSIX): writers exclusive, readers shared, so a
    process never opens the file while another is creating or writing it."""
    try:
        import fcntl
    except ImportError:  # not POSIX: rely on DuckDB's own lock and the retries
        yield
        return
    try:
        fh = open(path, "a+")  # noqa: SIM115 (closed below)
    except (PermissionError, OSError) as e:
        if not shared or (not isinstance(e, PermissionError) and e.errno != errno.EROFS):
            raise
        yield  # a reader on a read-only medium or folder: nobody can write there anyway
        return
    with fh:
        mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        deadline = time.monotonic() + LOCK_WAIT_S
        while True:
            try:
                fcntl.flock(fh.fileno(), mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise InputError(f"store: {clean(str(path))} stayed locked for "
                                     f"{LOCK_WAIT_S:.0f} s") from None
                time.sleep(0.02 + random.random() * 0.05)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def retry(fn: Callable[[], T], path: Path) -> T:
    """Call ``fn``, retrying while another process holds the file lock."""
    import duckdb

    deadline = time.monotonic() + LOCK_WAIT_S
    delay = 0.02
    while True:
        try:
            return fn()
        except duckdb.IOException as e:
            if not lock_conflict(str(e), path) or time.monotonic() > deadline:
                why = clean(" ".join(str(e).split()))
                if "not a valid DuckDB database" in why:
                    why = "the file is not a DuckDB database"
                elif why.startswith("IO Error: Corrupt database file"):  # DuckDB 1.1's class
                    raise _damaged(path, why_line(e).removeprefix("IO Error: ")) from None
                raise InputError(f"store {clean(str(path))}: cannot open it ({why})") from None
            time.sleep(delay * (1 + random.random()))
            delay = min(delay * 2, 0.5)
        except duckdb.Error as e:  # "Corrupt database file" is the base class itself
            raise _damaged(path, why_line(e)) from None


def _damaged(path: Path, why: str) -> InputError:
    return InputError(f"store {clean(str(path))}: cannot open it, the file is damaged ({why})")


def lock_conflict(message: str, path: Path) -> bool:
    """Whether DuckDB's error says another process holds the file's lock ("Could not set
    lock on file ...: Conflicting lock is held"), read without the file's path (a store
    in ``blocks/`` waited a minute before any other error)."""
    text = message
    for p in (str(path.resolve()), str(path)):
        text = text.replace(p, "")
    text = text.lower()
    return "could not set lock" in text or "conflicting lock" in text


def clean(text: str) -> str:
    """``text`` with control characters (terminal escapes among them) shown as ``?``."""
    return _CONTROL.sub("?", text)


def why_line(e: Exception) -> str:
    """A DuckDB error's text on one line, cut to 200 characters, controls replaced."""
    return clean(" ".join(str(e).split()))[:200]
