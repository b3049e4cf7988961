"""``llmecon serve``: the local web dashboard."""

from __future__ import annotations

import argparse
from typing import Any

from llmecon.cli.common import file_path, memory_gib, whole
from llmecon.constants import MAX_PATHS, MEMORY_BUDGET_BYTES


def register(sub: Any) -> None:
    w = sub.add_parser("serve", help="the local web dashboard")
    w.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; ::1 or [::1] is loopback "
                        "too; 0.0.0.0 listens on every address and needs a token)")
    w.add_argument("--port", type=whole(1, 65_535), default=8000)
    w.add_argument("--token", help="required on every request (made up if the host is not "
                                   "loopback and none is given; off loopback at least 16 "
                                   "characters)")
    w.add_argument("--store", metavar="PATH", help="DuckDB file of saved runs")
    w.add_argument("--max-paths", type=whole(100, MAX_PATHS), metavar="N",
                   help="most paths one stress test may ask for (default: no fixed cap; "
                        "memory and the job timeout bound a job)")
    w.add_argument("--memory-budget", type=memory_gib, metavar="GIB",
                   help="memory one stress test may plan to use, in GiB (default "
                        f"{MEMORY_BUDGET_BYTES / 2**30:g})")
    w.add_argument("--company", action="append", default=[], metavar="PATH", type=file_path,
                   help="a company file of your own (.yaml or .csv; repeatable), shown beside "
                        "the bundled companies: checked at start as 'llmecon validate' checks "
                        "it, and read only then (the browser cannot name a file)")
    w.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    from llmecon.web.app import serve

    serve(args.host, args.port, args.token, args.store, max_paths=args.max_paths,
          memory_budget_bytes=args.memory_budget, companies=args.company)
    return 0
