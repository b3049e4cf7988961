"""``llmecon unit-economics``: unit economics per business line of a company."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from llmecon.cli.common import file_path, save_xlsx, workbook_output


def register(sub: Any) -> None:
    u = sub.add_parser("unit-economics", help="unit economics per business line, from the "
                                              "company's figures and stated assumptions")
    u.add_argument("company", metavar="COMPANY")
    u.add_argument("--assume", metavar="FILE", type=file_path,
                   help="YAML of assumptions overriding the defaults (see data/assumptions)")
    u.add_argument("--format", choices=("table", "json", "csv", "xlsx"), default="table")
    workbook_output(u)
    u.set_defaults(handler=_unit_economics)


def _unit_economics(args: argparse.Namespace) -> int:
    from llmecon.api import load_company, unit_economics
    from llmecon.report import unit_economics as present
    from llmecon.report.terminal import print_all

    table = unit_economics(load_company(args.company), args.assume)
    if args.format == "xlsx":
        from llmecon.report import excel

        book = excel.Book()
        excel.add_unit_economics(book, table)
        save_xlsx(args, book)
    elif args.format == "json":
        print(present.ue_json(table))
    elif args.format == "csv":
        sys.stdout.write(present.ue_csv(table))
    else:
        print_all([present.ue_table(table)])
    return 0
