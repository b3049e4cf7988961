"""``llmecon companies | show | compare | validate | export | items``: the disclosed figures."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from llmecon.cli.common import FORMATS, currency_code, new_file, safe, save_xlsx


def register(sub: Any) -> None:
    sub.add_parser("companies", help="list the bundled companies").set_defaults(
        handler=_companies)

    s = sub.add_parser("show", help="one company: its tables over every period, and signals")
    s.add_argument("company", metavar="COMPANY")
    s.add_argument("--currency", type=currency_code, help="convert money to CNY, USD or HKD")
    s.add_argument("--format", choices=FORMATS[:-1], default="table")
    s.add_argument("--figures", action="store_true",
                   help="also list every figure with its source and confidence")
    s.set_defaults(handler=_show)

    c = sub.add_parser("compare", help="companies side by side: the two tables and signals")
    c.add_argument("companies", metavar="COMPANY", nargs="+")
    c.add_argument("--currency", type=currency_code, help="convert money to CNY, USD or HKD")
    c.add_argument("--period", default="latest",
                   help="'latest' (each company's newest period) or a label such as FY2024")
    c.add_argument("--format", choices=FORMATS, default="table")
    c.add_argument("-o", "--output", metavar="FILE", help="file for --format xlsx")
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
    from llmecon.api import load_company
    from llmecon.report import terminal
    from llmecon.statements.io import bundled_ids

    terminal.print_all([terminal.companies([load_company(i) for i in bundled_ids()])])
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

    company = load_company(args.company)
    ue, cf, sig = history(company, currency=args.currency)
    extra = [terminal.figures(company)] if args.figures else []
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
