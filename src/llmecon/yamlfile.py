"""The package's one YAML reader: strict, safe and bounded.

Every YAML file llmecon reads (company files, scenarios, assumptions, catalogs, FX tables,
bundled or a user's) goes through :func:`parse_yaml`. It is stricter than ``yaml.safe_load``:

- a safe loader (plain data only; libyaml when available);
- the YAML 1.2 core schema for plain scalars: ``0200`` is 200 (not octal 128), ``3:20`` is the
  text ``"3:20"`` (not 200), ``yes``/``no``/``on``/``off`` are text, ``1e3`` is a number;
  unquoted dates ``YYYY-MM-DD`` are still dates, and an impossible one (``2023-02-30``) is an
  :class:`~llmecon.errors.InputError` naming the line;
- mapping keys must be text (``2024:`` is refused: quote it) and may not repeat;
- aliases may not expand the document by more than :data:`MAX_ALIAS_NODES` nodes, so an
  "alias bomb" of a few kilobytes is refused at once instead of growing to gigabytes;
- files above :data:`MAX_YAML_BYTES` are refused before parsing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from llmecon.errors import InputError, NotFoundError

#: Largest YAML file read (bytes).
MAX_YAML_BYTES = 64 * 1024 * 1024
#: How many nodes aliases may add to a document when expanded.
MAX_ALIAS_NODES = 10_000
#: Deepest nesting of collections read. libyaml 0.2.6 (PyYAML 6.0.4's wheels) refuses 1,000
#: levels itself; older ones build any depth, which later code cannot walk (a figure
#: value 20,000 lists deep ended in a RecursionError with PyYAML 6.0 to 6.0.3).
MAX_YAML_DEPTH = 500
#: Digits of a whole number read from a file (1e18, the largest amount accepted, has 19;
#: Python itself refuses more than 4,300 with an error naming no file).
MAX_INT_DIGITS = 1000


def too_many_digits(digits: str) -> str | None:
    """Why a whole number written with ``digits`` is refused, or None."""
    if len(digits) <= MAX_INT_DIGITS:
        return None
    return (f"a whole number of {len(digits):,} digits ({digits[:12]}...); expected at most "
            f"{MAX_INT_DIGITS}")


class _Problem(Exception):
    """A strictness rule broken at a line (converted to :class:`InputError` by the reader)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


class _StrictConstructor(yaml.constructor.SafeConstructor):
    """Safe construction with text keys, no duplicates and clear errors for bad values."""

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, MappingNode):
            raise _Problem(_line(node), "expected a mapping")
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                shown = key_node.value if isinstance(key_node, ScalarNode) else "a collection"
                raise _Problem(_line(key_node), f"key {shown} is not text; quote it "
                               f"('{shown}') or use a name")
            if key in out:
                raise _Problem(_line(key_node), f"duplicate key {key!r}")
            out[key] = self.construct_object(value_node, deep=deep)
        return out

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            raise _Problem(_line(node), f"{node.value!r} is not a valid date "
                           "(expected YYYY-MM-DD)") from None

    def construct_yaml_int(self, node: ScalarNode) -> int:
        text = str(self.construct_scalar(node)).replace("_", "")
        if problem := too_many_digits(text):  # past 4,300 Python's error names no file
            raise _Problem(_line(node), problem)
        if text.startswith(("0o", "0O")):
            return int(text[2:], 8)
        if text.startswith(("0x", "0X")):
            return int(text[2:], 16)
        return int(text, 10)

    def construct_yaml_binary(self, node: Node) -> bytes:
        """Refused: base64 bytes are not text (``name: !!binary aGVsbG8=`` was read as
        "hello"), as ``!!python/...`` tags are."""
        raise _Problem(_line(node), "a !!binary value is not accepted; write the text itself")


_StrictConstructor.yaml_constructors = {
    **yaml.constructor.SafeConstructor.yaml_constructors,
    "tag:yaml.org,2002:int": _StrictConstructor.construct_yaml_int,
    "tag:yaml.org,2002:timestamp": _StrictConstructor.construct_yaml_timestamp,
    "tag:yaml.org,2002:binary": _StrictConstructor.construct_yaml_binary,
}


class _CoreResolver(yaml.resolver.BaseResolver):
    """Plain scalars resolved by the YAML 1.2 core schema (plus ISO dates)."""


_RESOLVERS: tuple[tuple[str, str, str], ...] = (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$",
     "-+0123456789"),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
     r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+0123456789."),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", "~nN"),
    ("tag:yaml.org,2002:timestamp",
     r"^(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
     r"(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
     r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?)$", "0123456789"),
)
for _tag, _pattern, _first in _RESOLVERS:
    _CoreResolver.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))
# the empty plain scalar is null
_CoreResolver.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^$"), [""])

if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser as _Parser

    class _Loader(_Parser, _StrictConstructor, _CoreResolver):
        def __init__(self, stream: str) -> None:
            _Parser.__init__(self, stream)
            _StrictConstructor.__init__(self)
            _CoreResolver.__init__(self)
else:  # pragma: no cover - pure-Python PyYAML
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Loader(Reader, Scanner, Parser, Composer,  # type: ignore[no-redef]
                  _StrictConstructor, _CoreResolver):
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)
            _StrictConstructor.__init__(self)
            _CoreResolver.__init__(self)


if getattr(yaml, "__with_libyaml__", False):
    from yaml.cyaml import CSafeDumper as _SafeDumper
else:  # pragma: no cover - pure-Python PyYAML
    from yaml.dumper import SafeDumper as _SafeDumper  # type: ignore[assignment]


def _merged(*tables: dict[Any, list[tuple[str, Any]]]) -> dict[Any, list[tuple[str, Any]]]:
    out: dict[Any, list[tuple[str, Any]]] = {}
    for table in tables:
        for first, pairs in table.items():
            out.setdefault(first, []).extend(pairs)
    return out


class _Dumper(_SafeDumper):
    """A safe dumper that quotes every string which this module's reader (YAML 1.2 core:
    ``1e3``, ``0o17``, ``0x1F``, ``+1``, ``.inf``, ``null``, ``true``) or a YAML 1.1 reader
    (``yes``, ``on``, ``1_000``, ``3:20``) would take for anything but text; other values
    are written as the reader resolves them (core patterns first)."""

    yaml_implicit_resolvers = _merged(
        _CoreResolver.yaml_implicit_resolvers, yaml.resolver.Resolver.yaml_implicit_resolvers,
        # YAML 1.1's one-letter booleans, which PyYAML's own resolver leaves out
        {c: [("tag:yaml.org,2002:bool", re.compile(r"^(?:y|Y|n|N)$"))] for c in "yYnN"})


def dump_yaml(data: Any, *, allow_unicode: bool = True) -> str:
    """``data`` (plain data, dates) as YAML text that :func:`parse_yaml` reads back equal:
    a string is never written so that it reads as a number, boolean, null or date.
    Without ``allow_unicode`` characters outside ASCII are written as escapes.

    >>> text = dump_yaml({"a": "1e3", "b": "0o17", "c": 1000.0, "yes": "on", "n": "y"})
    >>> print(text, end="")
    a: '1e3'
    b: '0o17'
    c: 1000.0
    'yes': 'on'
    'n': 'y'
    >>> parse_yaml(text, "x.yaml")
    {'a': '1e3', 'b': '0o17', 'c': 1000.0, 'yes': 'on', 'n': 'y'}
    """
    text: str = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=allow_unicode,
                          width=100)
    return text


def _check_expansion(root: Node) -> None:
    """Refuse recursive aliases and documents that aliases blow up beyond the cap.

    The composed graph shares a node for each alias; its expanded size is counted once per
    node (memoised), so the check is linear in the text however large the expansion.
    """
    sizes: dict[int, int] = {}
    distinct = 0
    stack: list[tuple[Node, bool]] = [(root, False)]
    open_: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            kids = _children(node)
            sizes[key] = 1 + sum(sizes[id(k)] for k in kids)
            open_.discard(key)
            continue
        if key in sizes:
            continue
        if key in open_:
            raise _Problem(_line(node), "a recursive alias (an anchor used inside itself)")
        open_.add(key)
        distinct += 1
        stack.append((node, True))
        for k in _children(node):
            if id(k) in open_:
                raise _Problem(_line(k), "a recursive alias (an anchor used inside itself)")
            if id(k) not in sizes:
                stack.append((k, False))
    if sizes[id(root)] - distinct > MAX_ALIAS_NODES:
        raise _Problem(_line(root), f"aliases expand the document to {sizes[id(root)]:,} nodes "
                       f"from {distinct:,} written (at most {MAX_ALIAS_NODES:,} added nodes "
                       "allowed); write the values out")


def _too_deep(root: Node) -> int | None:
    """The line (from 1) of the first node nested more than :data:`MAX_YAML_DEPTH` deep."""
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_YAML_DEPTH:
            return int(node.start_mark.line) + 1
        stack.extend((child, depth + 1) for child in _children(node))
    return None


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def parse_yaml(text: str, origin: str) -> Any:
    """The data in YAML ``text`` (``None`` for an empty document); errors name ``origin``.

    >>> parse_yaml("a: 0200\\nb: 3:20\\nc: yes\\nd: 2024-01-31", "x.yaml")
    {'a': 200, 'b': '3:20', 'c': 'yes', 'd': datetime.date(2024, 1, 31)}
    >>> parse_yaml("2024: 1", "x.yaml")
    Traceback (most recent call last):
    ...
    llmecon.errors.InputError: x.yaml: line 1: key 2024 is not text; quote it ('2024') or use a name
    """
    if len(text) > MAX_YAML_BYTES:
        raise InputError(f"{origin}: {len(text):,} characters; a YAML file may have at most "
                         f"{MAX_YAML_BYTES:,}")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if "*" in text:  # an alias is written "*name": without one no node is shared
            _check_expansion(node)
        deep = _too_deep(node)  # after: aliases expand to a bounded tree
        if deep is not None:  # libyaml's words, so every PyYAML version says the same
            raise InputError(f"{origin}: not valid YAML at line {deep}: exceeded maximum "
                             "nesting depth")
        return loader.construct_document(node)
    except _Problem as e:
        raise InputError(f"{origin}: line {e.line}: {e.message}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        raise InputError(f"{origin}: not valid YAML{at}: {getattr(e, 'problem', None) or e}") \
            from None
    except RecursionError:
        raise InputError(f"{origin}: nested too deeply") from None
    finally:
        loader.dispose()


def parse_mapping(text: str, origin: str) -> dict[str, Any]:
    """The mapping in YAML ``text`` (an empty document is an empty mapping)."""
    doc = parse_yaml(text, origin)
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise InputError(f"{origin}: expected a mapping, found {type(doc).__name__}")
    return doc


def looked_in(p: Path) -> str:
    """' (looked in /abs/dir)' for a relative path (a walkthrough: 'nope/acme.csv: company
    file not found' did not say from which folder), '' for an absolute one."""
    return "" if p.is_absolute() else f" (looked in {Path.cwd() / p.parent})"


def read_text(path: str | Path, what: str, *, max_bytes: int | None = None) -> str:
    """A user's text file, with 'not found', 'too large', 'unreadable' and 'not UTF-8' as
    :class:`InputError`/:class:`NotFoundError` naming the file."""
    p = Path(path)
    try:
        if not p.exists():
            raise NotFoundError(f"{p}: {what} file not found{looked_in(p)}")
        if not p.is_file():
            raise InputError(f"{p}: not a file")
        size, cap = p.stat().st_size, max_bytes or MAX_YAML_BYTES
        if size > cap:
            raise InputError(f"{p}: {size:,} bytes; a {what} file may have at most {cap:,}")
        return p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{p}: not UTF-8 text") from None
    except OSError as e:
        raise InputError(f"{str(p)[:200]}: cannot read the {what} file "
                         f"({e.strerror or type(e).__name__})") from None


def read_mapping(path: str | Path, what: str) -> dict[str, Any]:
    """The mapping in a YAML file (an empty file is an empty mapping).

    Raises :class:`NotFoundError` when the file is missing and :class:`InputError` when it
    is not valid YAML or not a mapping, naming the file (and the line for a syntax error).
    """
    return parse_mapping(read_text(path, what), str(path))


def read_package_mapping(relative: str) -> dict[str, Any]:
    """The mapping in a YAML file bundled with llmecon (``data/fx.yaml``), read strictly
    like a user's file; errors name it ``llmecon/<relative>``."""
    from importlib import resources

    text = resources.files("llmecon").joinpath(relative).read_text(encoding="utf-8")
    return parse_mapping(text, f"llmecon/{relative}")
