"""The shape of the cli package: thin command modules that share only cli.common."""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

from llmecon.cli import build_parser
from llmecon.cli.app import COMMAND_MODULES

CLI = Path(__file__).resolve().parents[2] / "src" / "llmecon" / "cli"
SHARED = {"llmecon.cli.common"}
COMMANDS = {f"llmecon.cli.{p.stem}" for p in CLI.glob("*.py")} - SHARED - {
    "llmecon.cli.__init__", "llmecon.cli.__main__", "llmecon.cli.app"}


def _cli_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("llmecon.cli"):
            found |= {node.module or ""} | {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("llmecon.cli")}
    return found


def test_command_modules_import_only_common() -> None:
    assert len(COMMANDS) >= 7
    bad = {}
    for name in sorted(COMMANDS):
        path = CLI / f"{name.rsplit('.', 1)[1]}.py"
        others = {m for m in _cli_imports(path) if m in COMMANDS or m == "llmecon.cli"}
        if others:
            bad[name] = others
    assert not bad


def test_every_command_module_is_registered() -> None:
    assert {m.__name__ for m in COMMAND_MODULES} == COMMANDS


def _leaves(parser: argparse.ArgumentParser, prefix: str = "") -> dict[str, object]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return {prefix: parser.get_default("handler")}
    out: dict[str, object] = {}
    for name, child in subs[0].choices.items():
        out |= _leaves(child, f"{prefix} {name}".strip())
    return out


def test_every_subcommand_has_a_handler() -> None:
    leaves = _leaves(build_parser())
    assert {"companies", "show", "compare", "inference fleet", "runs show", "scenario show",
            "retention fit", "chart"} <= set(leaves)
    assert [name for name, handler in leaves.items() if not callable(handler)] == []


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(subs[0].choices)


def test_commands_lists_what_each_module_registers() -> None:
    from llmecon.cli.app import COMMANDS
    from llmecon.cli.common import Parser

    assert set(COMMANDS) == set(COMMAND_MODULES)
    for module, names in COMMANDS.items():
        sub = Parser(prog="llmecon").add_subparsers(dest="command")
        module.register(sub)
        assert tuple(sub.choices) == names, module.__name__


def test_a_command_parses_alike_with_its_module_alone() -> None:
    """``main`` builds only the named command's module (issue 13: startup); its parsers,
    help texts and parsed arguments are those of the full parser."""
    from llmecon.cli.app import COMMANDS, command_of

    full = _subparsers(build_parser())
    for names in COMMANDS.values():
        for name in names:
            alone = _subparsers(build_parser(name))
            assert set(alone) == set(names)
            assert alone[name].format_help() == full[name].format_help()
    argv = ["--debug", "simulate", "minimax", "--paths", "2000", "--no-save"]
    assert command_of(argv) == "simulate"
    assert vars(build_parser("simulate").parse_args(argv)) == vars(build_parser().parse_args(argv))
    # anything else before the command (the top-level help above all) builds every parser
    assert command_of(["--help", "simulate"]) is None and command_of(["--deb", "x"]) is None
    assert command_of([]) is None and command_of(["--version"]) is None
