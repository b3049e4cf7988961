"""The command line: parse arguments, call load -> compute -> present, nothing else.

One module per command group registers its subcommands and handlers
(``set_defaults(handler=...)``); :mod:`llmecon.cli.common` holds what they share: argument
types, the error boundary (every :class:`~llmecon.errors.LlmeconError` becomes one line and
exit code 2), output paths and spinners. Heavy libraries are imported inside the handlers so
that ``llmecon --help`` starts fast.
"""

from __future__ import annotations

from llmecon.cli.app import build_parser, main

__all__ = ["build_parser", "main"]
