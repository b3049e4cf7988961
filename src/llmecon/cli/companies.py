"""``llmecon companies | show | compare | validate | export | items``: the disclosed figures."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from typing import Any

from llmecon.cli.common import (
    FORMATS,
    amount,
    currency_code,
    new_file,
    safe,
    save_xlsx,
    whole,
    workbook_output,
)


def iso_date(text: str) -> date:
    """An argument type: a date written ``YYYY-MM-DD`` in the years company files accept
    (1900-2199; ``date.fromisoformat`` also read ``20240101`` and ``2024-W01-1``)."""
    from llmecon.errors import InputError
    from llmecon.statements.records import parse_date_at

    try:
        return parse_date_at(text, "date")
    except InputError as e:
        raise argparse.ArgumentTypeError(str(e).removeprefix("date: ")) from None


def register(sub: Any) -> None:
    co = sub.add_parser("companies", help="list the bundled companies: latest period, data "
                                          "as-of date, what is missing")
    co.add_argument("--format", choices=("table", "json"), default="table")
    co.set_defaults(handler=_companies)

    s = sub.add_parser("show", help="one company: its tables over every period, and signals")
    s.add_argument("company", metavar="COMPANY")
    s.add_argument("--currency", type=currency_code, help="convert money to CNY, USD or HKD")
    s.add_argument("--format", choices=FORMATS[:-1], default="table")
    s.add_argument("--figures", action="store_true",
                   help="also list every figure with its source and confidence")
    s.add_argument("--last", type=whole(1, 1000, " periods"), metavar="N",
                   help="only the latest N periods (a long history is wide in a terminal)")
    s.set_defaults(handler=_show)

    c = sub.add_parser("compare", help="companies side by side: the two tables and signals")
    c.add_argument("companies", metavar="COMPANY", nargs="+")
    c.add_argument("--currency", type=currency_code, help="convert money to CNY, USD or HKD")
    c.add_argument("--period", default="latest",
                   help="'latest' (each company's newest period) or a label such as FY2024")
    c.add_argument("--format", choices=FORMATS, default="table")
    workbook_output(c)
    c.set_defaults(handler=_compare)

    v = sub.add_parser("validate", help="check a company file (YAML or CSV)")
    v.add_argument("file", metavar="FILE")
    v.set_defaults(handler=_validate)

    e = sub.add_parser("export", help="write a company to a .yaml or .csv file (lossless)")
    e.add_argument("company", metavar="COMPANY")
    e.add_argument("-o", "--output", required=True, metavar="FILE")
    e.add_argument("--force", action="store_true", help="overwrite an existing file")
    e.set_defaults(handler=_export)

    sub.add_parser("items", help="list the canonical item names and their units").set_defaults(
        handler=_items)
    _register_field(sub)


def _register_field(sub: Any) -> None:
    """Commands that read companies against each other and the market."""
    pe = sub.add_parser("peers", help="rank companies on one signal (default: every bundled "
                                      "company), each with its period end")
    pe.add_argument("signal", metavar="SIGNAL", help="a signal key, e.g. gross_margin, "
                                                     "revenue_growth, monthly_burn")
    pe.add_argument("companies", metavar="COMPANY", nargs="*")
    pe.add_argument("--until", type=iso_date, help="only periods ending by this date")
    pe.add_argument("--currency", type=currency_code, help="convert money to CNY, USD or HKD")
    pe.add_argument("--format", choices=("table", "json"), default="table")
    pe.set_defaults(handler=_peers)

    va = sub.add_parser("valuation", help="market value, enterprise value, EV / revenue and "
                                          "price against the IPO, at each dated share price")
    va.add_argument("company", metavar="COMPANY")
    va.add_argument("--at", metavar="LABEL", help="one share price by its period label "
                                                  "(default: every dated price)")
    va.add_argument("--forward-revenue", type=amount, metavar="AMOUNT",
                    help="your revenue estimate for the next twelve months, in the "
                         "reporting currency, in full or with k, m or bn: 200m or 200e6 "
                         "(for EV / forward revenue; needs --at)")
    va.add_argument("--period", metavar="LABEL",
                    help="the reporting period whose balance sheet and TTM revenue to use "
                         "(default: the latest ending on or before each price date whose "
                         "results were published by then)")
    va.add_argument("--format", choices=("table", "json"), default="table")
    va.set_defaults(handler=_valuation)

    tt = sub.add_parser("ttm", help="trailing twelve months to each company's latest period "
                                    "end on or before a common date, across fiscal years "
                                    "(nothing interpolated; results published later are "
                                    "used and say so)")
    tt.add_argument("companies", metavar="COMPANY", nargs="+")
    tt.add_argument("--as-of", type=iso_date, default=None,
                    help="common date (default: today)")
    tt.add_argument("--item", default="revenue", help="a flow item (default: revenue)")
    tt.add_argument("--format", choices=("table", "json"), default="table")
    tt.set_defaults(handler=_ttm)

    sec = sub.add_parser("import-sec", help="a company file from an SEC XBRL companyfacts "
                                            "JSON file (read locally; nothing is downloaded)")
    sec.add_argument("file", metavar="FILE")
    sec.add_argument("-o", "--output", required=True, metavar="FILE",
                     help="company file to write (.yaml or .csv)")
    sec.add_argument("--id", dest="company_id", help="company id (default: from its name)")
    sec.add_argument("--since", type=whole(1900, 2200), metavar="YEAR",
                     help="keep fiscal years from this one on")
    sec.add_argument("--force", action="store_true", help="overwrite an existing file")
    sec.set_defaults(handler=_import_sec)


def _emit(fmt: str, tables: Sequence[Any], sig: Any, header: Any = None,
          extra: Sequence[Any] = ()) -> None:
    from llmecon.report import export

    if fmt == "json":
        print(export.to_json(tables, sig))
    elif fmt == "csv":
        sys.stdout.write(export.to_csv(tables, sig))
    elif fmt == "md":
        sys.stdout.write(export.to_markdown(tables, sig))
    else:
        from llmecon.report import terminal

        parts = [header] if header is not None else []
        parts += [terminal.table(t) for t in tables]
        parts.append(terminal.signals(sig))
        parts += list(extra)
        terminal.print_all(parts, legend=True)


def _companies(args: argparse.Namespace) -> int:
    from llmecon.api import summaries as summarise
    from llmecon.report import terminal

    summaries = summarise()
    if args.format == "json":
        from llmecon.report.export import summaries_json

        print(summaries_json(summaries))
    else:
        terminal.print_all([terminal.company_summaries(summaries)])
    return 0


def _peers(args: argparse.Namespace) -> int:
    from llmecon.api import load_company, peers

    chosen = [load_company(r) for r in args.companies] if args.companies else None
    ranking = peers(args.signal, chosen, until=args.until, currency=args.currency)
    if args.format == "json":
        from llmecon.report.export import ranking_json

        print(ranking_json(ranking))
    else:
        from llmecon.report import terminal

        terminal.print_all([terminal.peer_ranking(ranking)], legend=True)
    return 0


def _valuation(args: argparse.Namespace) -> int:
    from llmecon.api import load_company, valuations
    from llmecon.errors import InputError

    if args.forward_revenue is not None and args.at is None:
        raise InputError("--forward-revenue: give the share price it applies to with --at")
    company = load_company(args.company)
    found = valuations(company, at=args.at, forward_revenue=args.forward_revenue,
                       period=args.period)
    if not found and args.format != "json":  # say why the table would be empty
        print(safe(f"{company.id}: no dated share price to value it at (the company's "
                   "figures have no share_price)"))
        return 0
    if args.format == "json":
        from llmecon.report.export import valuations_json

        print(valuations_json(found))
    else:
        from llmecon.report import terminal

        terminal.print_all([terminal.valuations(found)])
    return 0


def _ttm(args: argparse.Namespace) -> int:
    from llmecon.api import load_company, ttm
    from llmecon.metrics.calendar import check_ttm_item

    check_ttm_item(args.item, "--item")
    values = ttm([load_company(r) for r in args.companies], args.as_of or date.today(),
                 args.item)
    if args.format == "json":
        from llmecon.report.export import calendarised_json

        print(calendarised_json(values))
    else:
        from llmecon.report import terminal

        terminal.print_all([terminal.calendarised(values)])
    return 0


def _import_sec(args: argparse.Namespace) -> int:
    from llmecon.importers.sec import facts_not_in_dollars, import_companyfacts
    from llmecon.metrics.reconcile import check_company
    from llmecon.statements.io import write_company_file

    out = new_file(args.output, args.force)
    company = check_company(import_companyfacts(args.file, company_id=args.company_id,
                                                since_year=args.since))
    write_company_file(company, out)
    periods = ", ".join(p.label for p in company.duration_periods if p.months == 12)
    print(f"wrote {safe(out)}: {safe(company.id)} ({safe(company.name)}), "
          f"{len(company.figures)} figures; fiscal years {safe(periods)}")
    for concept, units in facts_not_in_dollars(args.file).items():  # said, never dropped quietly
        print(safe(f"left out: {concept} facts in {', '.join(units)} (only USD facts are "
                   "read)"), file=sys.stderr)
    return 0


def _compare(args: argparse.Namespace) -> int:
    from llmecon.api import compare, load_company

    companies = [load_company(r) for r in args.companies]
    ue, cf, sig = compare(companies, period=args.period, currency=args.currency)
    if args.format == "xlsx":
        from llmecon.report import excel

        save_xlsx(args, excel.compare_workbook([ue, cf], sig, companies))
        return 0
    _emit(args.format, [ue, cf], sig)
    return 0


def _show(args: argparse.Namespace) -> int:
    from llmecon.api import history, load_company
    from llmecon.report import terminal

    if args.figures and args.format != "table":
        from llmecon.errors import InputError

        raise InputError(f"--figures: only with the table format (every figure with its "
                         f"source as {args.format}: 'llmecon export {args.company} -o "
                         "FILE.yaml' or '.csv')")
    company = load_company(args.company)
    ue, cf, sig = history(company, currency=args.currency, last=args.last)
    ends = {c.period.end for c in ue.columns} if args.last else None
    extra = [terminal.figures(company, ends)] if args.figures else []
    _emit(args.format, [ue, cf], sig, terminal.company_header(company), extra)
    return 0


def _validate(args: argparse.Namespace) -> int:
    from llmecon.api import load_company
    from llmecon.report import terminal
    from llmecon.statements.io import looks_like_path

    ref = args.file if looks_like_path(args.file) else f"./{args.file}"
    print(safe(terminal.validation_ok(load_company(ref))))
    return 0


def _export(args: argparse.Namespace) -> int:
    from llmecon.api import load_company
    from llmecon.statements.io import write_company_file

    out = new_file(args.output, args.force)
    company = load_company(args.company)
    write_company_file(company, out)
    print(f"wrote {safe(out)} ({len(company.figures)} figures)")
    return 0


def _items(args: argparse.Namespace) -> int:
    from llmecon.report import terminal

    terminal.print_all([terminal.items()])
    return 0
