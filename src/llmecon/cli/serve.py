"""``llmecon serve``: the local web dashboard."""

from __future__ import annotations

import argparse
from typing import Any

from llmecon.cli.common import whole


def register(sub: Any) -> None:
    w = sub.add_parser("serve", help="the local web dashboard")
    w.add_argument("--host", default="127.0.0.1")
    w.add_argument("--port", type=whole(1, 65_535), default=8000)
    w.add_argument("--token", help="required on every request (made up if the host is not "
                                   "loopback and none is given)")
    w.add_argument("--store", metavar="PATH", help="DuckDB file of saved runs")
    w.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    from llmecon.web.app import serve

    serve(args.host, args.port, args.token, args.store)
    return 0
