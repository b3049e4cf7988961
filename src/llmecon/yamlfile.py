"""Reading a user's YAML file: one place for 'not found', 'not valid YAML', 'not a mapping'."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from llmecon.errors import InputError, NotFoundError


def read_mapping(path: str | Path, what: str) -> dict[str, Any]:
    """The mapping in a YAML file (an empty file is an empty mapping).

    Raises :class:`NotFoundError` when the file is missing and :class:`InputError` when it
    is not valid YAML or not a mapping, naming the file (and the line for a syntax error).
    """
    import yaml

    p = Path(path)
    if not p.is_file():
        raise NotFoundError(f"{p}: {what} file not found")
    try:
        doc = yaml.load(p.read_text(encoding="utf-8"),
                        Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        raise InputError(f"{p}: not valid YAML{at}: {getattr(e, 'problem', e)}") from None
    except UnicodeDecodeError:
        raise InputError(f"{p}: not UTF-8 text") from None
    if not isinstance(doc, dict):
        raise InputError(f"{p}: expected a mapping, found {type(doc).__name__}")
    return doc
