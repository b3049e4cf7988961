"""``llmecon import-pdf``: a financial table on one PDF page -> a draft company file."""

from __future__ import annotations

import argparse
from typing import Any

from llmecon.cli.common import new_file, safe, whole


def register(sub: Any) -> None:
    p = sub.add_parser(
        "import-pdf", help="read a financial table from a PDF page into a company file",
        description="Read the statement table on one page of a text-based PDF (a prospectus "
                    "or annual report) into a company file for review. The map (YAML) says "
                    "which numeric column is which period and, optionally, which printed row "
                    "is which item (see 'llmecon items'); scale and currency come from the map "
                    "or the table heading. Every figure's source is 'FILE.pdf p. N'.")
    p.add_argument("file", metavar="FILE.pdf")
    p.add_argument("--page", type=whole(1, 100_000), metavar="N",
                   help="page to read, 1 = the first page of the file (default: the map's)")
    p.add_argument("--map", required=True, metavar="MAP.yaml",
                   help="columns -> periods, rows -> items, scale, currency, company metadata")
    p.add_argument("--id", dest="company_id", metavar="ID", help="company id (default: the "
                   "map's company.id, else the file name)")
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="company file to write (.yaml or .csv)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(handler=_import_pdf)


def _import_pdf(args: argparse.Namespace) -> int:
    from llmecon.importers.pdf import import_pdf, load_pdf_map
    from llmecon.statements.io import write_company_file

    out = new_file(args.output, args.force)
    company = import_pdf(args.file, load_pdf_map(args.map), page=args.page,
                         company_id=args.company_id)
    write_company_file(company, out)
    periods = sorted({f.period.label for f in company.figures})
    print(f"wrote {safe(out)} ({len(company.figures)} figures; periods {', '.join(periods)}); "
          "review them against the page")
    return 0
