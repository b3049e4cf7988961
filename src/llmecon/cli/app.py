"""The ``llmecon`` parser and entry point: each command module registers its subcommands."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from types import ModuleType

from llmecon.cli import (
    companies,
    inference,
    pdf_import,
    report,
    retention,
    runs,
    serve,
    simulate,
    unit_economics,
)
from llmecon.cli.common import Parser, run_handler
from llmecon.errors import did_you_mean

#: The command modules, in the order their commands are listed by ``--help``.
COMMAND_MODULES = (companies, serve, unit_economics, retention, inference, simulate, runs,
                   report, pdf_import)
#: The commands each module registers (tests/cli/test_structure.py checks this list).
COMMANDS: dict[ModuleType, tuple[str, ...]] = {
    companies: ("companies", "show", "compare", "validate", "export", "items", "peers",
                "valuation", "ttm", "import-sec"),
    serve: ("serve",), unit_economics: ("unit-economics",), retention: ("retention",),
    inference: ("inference",), simulate: ("simulate", "scenario", "answers"), runs: ("runs",),
    report: ("report", "chart"), pdf_import: ("import-pdf",)}
_OWNER = {name: module for module, names in COMMANDS.items() for name in names}


def command_of(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names, when only ``--debug`` or ``--version`` come before it
    (anything else, ``--help`` say, may need every command's parser): else None.

    >>> command_of(["--debug", "simulate", "minimax"]), command_of(["-h", "simulate"])
    ('simulate', None)
    """
    after_fx = False
    for token in argv:
        if after_fx:  # the value of --fx
            after_fx = False
        elif token == "--fx":
            after_fx = True
        elif token not in ("--debug", "--version") and not token.startswith("--fx="):
            return None if token.startswith("-") else token
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The full parser; building it imports no heavy library.

    With ``command`` (a known command) only the module that owns it registers its commands:
    the command parses as in the full parser, without building the other commands' hundred
    or so argument parsers first (about 15 ms of every start)."""
    p = Parser(
        prog="llmecon",
        description="Economics of large-model (AI) companies: the two tables that decide "
                    "viability (unit economics, cash-flow structure) and the signals behind "
                    "them, from disclosed, source-cited figures.",
        epilog="A COMPANY is a bundled id (see 'llmecon companies') or the path of a "
               ".yaml or .csv company file.")
    p.add_argument("--version", action="store_true", help="print the version and exit")
    p.add_argument("--debug", action="store_true",
                   help="show the traceback of an unexpected (internal) error")
    p.add_argument("--fx", action="append", default=[], metavar="FILE",
                   help="an FX file of your own, shaped as llmecon/data/fx.yaml (repeatable): "
                        "its rates are used before the bundled ones, by every command "
                        "(also the environment variable LLMECON_FX)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for module in (_OWNER[command],) if command in _OWNER else COMMAND_MODULES:
        module.register(sub)
    return p


def deepest(parser: argparse.ArgumentParser, args: argparse.Namespace
            ) -> argparse.ArgumentParser:
    """The parser of the innermost (sub)command ``args`` chose (``llmecon inference
    throughput``), or ``parser`` itself when none was chosen."""
    for action in parser._actions:  # argparse keeps its subcommands only here
        if isinstance(action, argparse._SubParsersAction):
            chosen = getattr(args, action.dest or "", None)
            if chosen in action.choices:
                return deepest(action.choices[chosen], args)
    return parser


#: A negative number written as a percentage, which argparse would take for a flag.
_NEGATIVE_PERCENT = re.compile(r"-(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?%")


def attach_negative_percents(argv: Sequence[str]) -> list[str]:
    """``--flag -100%`` as ``--flag=-100%``: argparse reads ``-100%`` as an unknown flag
    (it knows ``-0.5`` is a number, not ``-50%``), so the flag's own check never saw it.

    >>> attach_negative_percents(["answers", "x", "--target-margin", "-100%"])
    ['answers', 'x', '--target-margin=-100%']
    """
    out: list[str] = []
    for token in argv:
        if out and _NEGATIVE_PERCENT.fullmatch(token) and out[-1].startswith("--") \
                and "=" not in out[-1] and out[-1] != "--":
            out[-1] = f"{out[-1]}={token}"
        else:
            out.append(token)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code: 0 done, 2 bad input (one line on
    standard error), 1 an unexpected internal error (one line; the traceback with --debug).
    """
    argv = attach_negative_percents(sys.argv[1:] if argv is None else argv)
    parser = build_parser(command_of(argv))
    try:
        args, extras = parser.parse_known_args(argv)
        if extras:  # named by the (sub)command they were given to, whose --help lists its own
            own = deepest(parser, args)
            flags = [o for a in own._actions for o in a.option_strings]
            hint = next((did_you_mean(x.split("=")[0], flags) for x in extras
                         if x.startswith("--")), "")
            own.error(f"unrecognized arguments: {' '.join(extras)}"
                      + (f"; {hint}" if hint else ""))
    except SystemExit as e:  # --help, or a usage error already printed on one line
        return e.code if isinstance(e.code, int) else 2
    if args.version:
        from llmecon import __version__

        print(f"llmecon {__version__}")
        return 0
    if args.fx:  # read by llmecon.units.load_fx, wherever a command converts
        import os

        from llmecon.units import FX_ENV

        os.environ[FX_ENV] = os.pathsep.join(
            [*args.fx, *filter(None, [os.environ.get(FX_ENV)])])
    handler = getattr(args, "handler", None)
    if handler is None:
        build_parser().print_help()
        return 2
    return run_handler(handler, args)


if __name__ == "__main__":
    sys.exit(main())
