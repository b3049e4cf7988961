"""``llmecon report | chart``: files people read (HTML, Excel, PNG, SVG)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from llmecon.cli.common import (
    currency_code,
    file_path,
    horizon_months,
    output_path,
    safe,
    seed,
    status,
    whole,
)
from llmecon.constants import MAX_PATHS


def register(sub: Any) -> None:
    r = sub.add_parser("report", help="a self-contained HTML report (or an Excel workbook)")
    r.add_argument("companies", metavar="COMPANY", nargs="+")
    r.add_argument("--scenario", metavar="FILE", type=file_path)
    r.add_argument("--stress", action="append", default=None, metavar="NAME",
                   help="stress presets to run beside the base (default: all)")
    r.add_argument("--paths", type=whole(1, MAX_PATHS), default=5000)
    r.add_argument("--horizon", type=horizon_months, default=36)
    r.add_argument("--seed", type=seed, default=0)
    r.add_argument("--currency", type=currency_code,
                   help="convert the two tables and the signals to CNY, USD or HKD (as "
                        "compare --currency); the rest stays in each company's currency")
    r.add_argument("--format", choices=("html", "xlsx"), default=None,
                   help="default: from the output file's suffix")
    r.add_argument("-o", "--output", required=True, metavar="FILE")
    r.add_argument("--force", action="store_true", help="replace an existing FILE")
    r.set_defaults(handler=_report)

    c = sub.add_parser("chart", help="one chart as PNG or SVG, for slides")
    from llmecon.report.charts import KINDS

    c.add_argument("kind", choices=KINDS)
    c.add_argument("companies", metavar="COMPANY", nargs="+")
    c.add_argument("--format", choices=("png", "svg"), default=None)
    c.add_argument("--paths", type=whole(1, MAX_PATHS), default=5000,
                   help="for the fan chart")
    c.add_argument("-o", "--output", required=True, metavar="FILE")
    c.add_argument("--force", action="store_true", help="replace an existing FILE")
    c.set_defaults(handler=_chart)


def _chart(args: argparse.Namespace) -> int:
    from llmecon.api import distinct_companies, load_company
    from llmecon.metrics.series import company_series
    from llmecon.report.charts import render
    from llmecon.units import load_fx

    companies = distinct_companies([load_company(ref) for ref in args.companies])
    path, _ = output_path(args.output, args.format, ("png", "svg"), force=args.force)
    sims = None
    if args.kind == "fan":
        from llmecon.simulate.loaders import load_base_scenario
        from llmecon.simulate.run import run as run_mc

        sims = {c.id: run_mc(load_base_scenario(c), paths=args.paths) for c in companies}
    fx = load_fx()
    names = {c.id: ref for c, ref in zip(companies, args.companies, strict=True)}
    _, note = render(args.kind, [company_series(c, fx) for c in companies], path, sims,
                     names)
    print(f"wrote {safe(path)}")
    if note:  # a company with nothing to draw is named, never dropped quietly
        print(f"llmecon: note: {safe(note)}", file=sys.stderr)
    return 0


def _report(args: argparse.Namespace) -> int:
    from llmecon.api import load_company
    from llmecon.report_data import build

    companies = [load_company(ref) for ref in args.companies]
    path, kind = output_path(args.output, args.format, ("html", "xlsx"), force=args.force)
    with status("building the report") as update:
        data = build(companies, stresses=args.stress, scenario_file=args.scenario,
                     paths=args.paths, horizon=args.horizon, seed=args.seed, progress=update,
                     currency=args.currency)
    if kind == "html":
        from llmecon.fileio import atomic_write
        from llmecon.report.html import plotly_js
        from llmecon.report.html import render as render_html

        atomic_write(path, render_html(data, plotly_js()))
    else:
        from llmecon.report import excel

        book = excel.compare_workbook([data.unit_economics, data.cash_flow], data.signals,
                                      data.companies)
        for t in data.ue_lines:
            excel.add_unit_economics(book, t)
        for runs in data.simulations.values():  # the base and every stress run
            for tag, r in runs.items():  # 'base, financing all' is not the base
                excel.add_simulation(book, r, tag)
        excel.add_left_out(book, data.not_modelled, data.not_projected)
        book.save(path)
    print(f"wrote {safe(path)}")
    return 0
