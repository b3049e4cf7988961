"""Writing a user's file so that nothing is ever half-written: one helper for the package."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, BinaryIO


def atomic_write(path: str | Path, content: str | bytes) -> Path:
    """Write ``content`` to a temporary file beside ``path``, then rename it over ``path``:
    a crash never leaves half a file and the old file stays until the new one is complete.
    Text is written as UTF-8, unchanged (no newline translation)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return p


def write_frame(path: str | Path, frame: Any, fmt: str) -> Path:
    """Write a DataFrame as CSV (header, comma-separated) or Parquet through DuckDB's COPY,
    straight from its columns (no Python-level formatting), to a temporary file beside
    ``path`` that is renamed over it when complete. ``fmt``: ``csv`` or ``parquet``."""
    import duckdb

    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt: expected csv or parquet, found {fmt!r}")
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    os.close(fd)
    options = "(HEADER, DELIMITER ',')" if fmt == "csv" else "(FORMAT parquet)"
    try:
        con = duckdb.connect()
        try:
            con.register("frame", frame)
            quoted = tmp.replace("'", "''")
            con.execute(f"COPY frame TO '{quoted}' {options}")
        finally:
            con.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return p


def write_frame_csv_stream(frame: Any, stream: BinaryIO) -> None:
    """A DataFrame as CSV on a binary stream (standard output): written by DuckDB to a
    temporary file (:func:`write_frame`), then copied out in 1 MiB pieces."""
    with tempfile.TemporaryDirectory() as d:
        path = write_frame(Path(d) / "frame.csv", frame, "csv")
        with open(path, "rb") as fh:
            shutil.copyfileobj(fh, stream, 1 << 20)
