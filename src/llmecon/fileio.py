"""Writing a user's file so that nothing is ever half-written: one helper for the package."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from llmecon.errors import InputError

#: DuckDB settings of every connection the package opens: no extension is installed or
#: loaded on its own (DuckDB would fetch one from the network to read a foreign file).
DUCKDB_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False, "autoload_known_extensions": False}


def write_target(path: str | Path) -> Path:
    """The file a write to ``path`` replaces: ``path``, or the file a link there points to
    (the link stays). Refused: a directory, a device, pipe or socket (renamed over, it
    became a file), a link to nothing or a loop of links (the write went where the link
    said, without --force), and a folder that does not exist (a typo made a new tree).
    Commands call it before their work, and :func:`replacing` again."""
    p = Path(path)
    if p.is_symlink():
        try:
            p = p.resolve(strict=True)
        except (OSError, RuntimeError):
            if _special(p):  # /dev/stdout to a pipe: /proc's link to 'pipe:[...]'
                raise _not_regular(path) from None
            raise InputError(f"{path}: a link to nothing (or a loop of links); give the "
                             "path of a file to write") from None
    if p.is_dir():
        raise InputError(f"{path}: is a directory; expected the path of a file to write")
    if p.exists() and not p.is_file():
        raise _not_regular(path)
    if not p.parent.is_dir():
        raise InputError(f"{path}: no folder {p.parent}; create it first, or give the path "
                         "of a file in an existing folder")
    if not os.access(p.parent, os.W_OK | os.X_OK):  # a new file is made there, then renamed
        raise InputError(f"{path}: the folder {p.parent} cannot be written (no permission, "
                         "or a read-only file system)")
    return p


def _special(p: Path) -> bool:
    """Whether ``p`` (followed as the system follows it) is something other than a regular
    file or a directory: a pipe, socket or device."""
    try:
        mode = os.stat(p).st_mode
    except (OSError, ValueError):
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _not_regular(path: str | Path) -> InputError:
    return InputError(f"{path}: not a regular file (a device, pipe or socket); expected the "
                      "path of a file to write ('-o -' writes to standard output where a "
                      "command offers it)")


def _cannot_write(path: str | Path, why: object) -> InputError:
    return InputError(f"{path}: cannot write it ({why}); the file as it was is kept")


@contextmanager
def replacing(path: str | Path) -> Iterator[str]:
    """A temporary file beside ``path`` to write (its name is yielded); when the block ends
    the file is synced to disk and renamed over ``path`` (:func:`write_target`: the file a
    link points to). A crash or an error never leaves half a file: the old file stays until
    the new one is complete, and the temporary file is removed."""
    p = write_target(path)
    # the file keeps the mode of the one it replaces, else gets the usual 0666 less umask
    # (a temporary file is created 0600)
    mode = stat.S_IMODE(p.stat().st_mode) if p.exists() else 0o666 & ~_umask()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    except OSError as e:
        raise _cannot_write(path, e.strerror or e) from None
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, p)
    except OSError as e:  # named by the user's path, not the temporary file's
        Path(tmp).unlink(missing_ok=True)
        raise _cannot_write(path, e.strerror or e) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process's umask, read without changing it where Linux shows it (``os.umask``
    sets it, for a moment, for every thread)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: str | Path, content: str | bytes) -> Path:
    """Write ``content`` to a temporary file beside ``path``, then rename it over ``path``
    (:func:`replacing`). Text is written as UTF-8, unchanged (no newline translation)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with replacing(path) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
    return Path(path)


def write_frame(path: str | Path, frame: Any, fmt: str, select: str = "*") -> Path:
    """Write a table as CSV (header, comma-separated) or Parquet through DuckDB's COPY,
    straight from its columns (no Python-level formatting), atomically (:func:`replacing`).
    ``frame``: a DataFrame or a dict of equal-length numpy arrays; ``select``: the SQL
    select list over it (``*``: every column); ``fmt``: ``csv`` or ``parquet``."""
    import duckdb

    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt: expected csv or parquet, found {fmt!r}")
    options = "(HEADER, DELIMITER ',')" if fmt == "csv" else "(FORMAT parquet)"
    with replacing(path) as tmp:
        con = duckdb.connect(config=DUCKDB_CONFIG)
        try:
            con.register("frame", frame)
            quoted = tmp.replace("'", "''")
            con.execute(f"COPY (SELECT {select} FROM frame) TO '{quoted}' {options}")
        except duckdb.IOException as e:  # a full disk: named by the user's path
            why = "No space left on device" if "No space left" in str(e) else \
                " ".join(str(e).split())[:200]
            raise _cannot_write(path, why) from None
        finally:
            con.close()
    return Path(path)


def write_frame_csv_stream(frame: Any, stream: BinaryIO, select: str = "*") -> None:
    """A table as CSV on a binary stream (standard output): written by DuckDB to a
    temporary file (:func:`write_frame`), then copied out in 1 MiB pieces."""
    with tempfile.TemporaryDirectory() as d:
        path = write_frame(Path(d) / "frame.csv", frame, "csv", select)
        with open(path, "rb") as fh:
            shutil.copyfileobj(fh, stream, 1 << 20)
