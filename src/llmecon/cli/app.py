"""The ``llmecon`` parser and entry point: each command module registers its subcommands."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

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

#: The command modules, in the order their commands are listed by ``--help``.
COMMAND_MODULES = (companies, serve, unit_economics, retention, inference, simulate, runs,
                   report, pdf_import)


def build_parser() -> argparse.ArgumentParser:
    """The full parser; building it imports no heavy library."""
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
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code: 0 done, 2 bad input (one line on
    standard error), 1 an unexpected internal error (one line; the traceback with --debug).
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help, or a usage error already printed on one line
        return e.code if isinstance(e.code, int) else 2
    if args.version:
        from llmecon import __version__

        print(f"llmecon {__version__}")
        return 0
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    return run_handler(handler, args)


if __name__ == "__main__":
    import sys

    sys.exit(main())
