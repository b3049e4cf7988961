"""``llmecon import-pdf``: a financial table on one PDF page -> a draft company file."""

from __future__ import annotations

import argparse
from typing import Any

from llmecon.cli.common import new_file, safe, whole

#: Most pages one import reads (a statement section, not a whole report).
MAX_PAGES = 50

EPILOG = """\
a map (YAML), e.g. for a prospectus income statement in RMB'000:
  company: {id: zhipu_pdf, name: Zhipu (from the prospectus), business_model: b2b_project}
  page: 12                          # 1 = the first page of the file
  columns: [FY2022, FY2023, FY2024] # numeric columns left to right; null skips one
  rows:                             # optional: without it, usual IFRS/US GAAP labels
    Revenue: revenue                #   (English and Chinese) are recognised
    Cost of sales: cost_of_revenue
    Loss for the year: net_income   # profit lines keep the printed sign: (2,958) = a loss
  scale: thousand                   # optional: read from the heading (RMB'000, in millions)
  currency: CNY                     # optional: read from the heading (RMB, US$, HK$)
The options --columns, --row, --scale and --currency give or override the same parts."""


def register(sub: Any) -> None:
    p = sub.add_parser(
        "import-pdf", help="read a financial table from a PDF page into a company file",
        description="Read the statement table on a page (or a few pages) of a text-based PDF\n"
                    "(a prospectus or annual report) into a company file for review. Every\n"
                    "figure's source is 'FILE.pdf p. N'; the company is checked like any\n"
                    "company file (gross profit = revenue - cost of revenue...), so a misread\n"
                    "fails loudly.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", metavar="FILE.pdf")
    p.add_argument("--page", "--pages", dest="page", type=_pages, metavar="N[-M]",
                   help="page (or pages, e.g. 10-14) to read, 1 = the first page of the file "
                        "(default: the map's page)")
    p.add_argument("--map", metavar="MAP.yaml", help="columns, rows, scale, currency and "
                   "company metadata (see below)")
    p.add_argument("--columns", metavar="P1,P2,...", type=lambda t: t.split(","),
                   help="period of each numeric column, left to right ('-' skips one; "
                        "write --columns=-,FY2024 when the first is skipped)")
    p.add_argument("--row", action="append", default=[], metavar="LABEL=ITEM",
                   help="a printed row label and its canonical item (repeatable)")
    p.add_argument("--scale", choices=("units", "thousand", "million", "billion"))
    p.add_argument("--currency", metavar="CODE", help="CNY (RMB), USD or HKD")
    p.add_argument("--id", dest="company_id", metavar="ID", help="company id (default: the "
                   "map's company.id, else the file name)")
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="company file to write (.yaml or .csv)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(handler=_import_pdf)


def _pages(text: str) -> int | list[int]:
    """``N`` or ``N-M`` (at most MAX_PAGES pages)."""
    page = whole(1, 100_000)
    first, sep, last = text.partition("-")
    if not sep:
        return page(text)
    lo, hi = page(first), page(last)
    if not lo <= hi < lo + MAX_PAGES:
        raise argparse.ArgumentTypeError(f"expected N-M with N <= M and at most {MAX_PAGES} "
                                         f"pages, found {text!r}")
    return list(range(lo, hi + 1))


def _rows(pairs: list[str]) -> dict[str, str]:
    from llmecon.errors import InputError

    out = {}
    for pair in pairs:
        label, sep, item = pair.rpartition("=")
        if not sep or not label.strip() or not item.strip():
            raise InputError(f"--row {pair!r}: expected LABEL=ITEM, e.g. 'Cost of sales="
                             "cost_of_revenue'")
        out[label.strip()] = item.strip()
    return out


def _import_pdf(args: argparse.Namespace) -> int:
    from llmecon.importers.pdf import import_pdf, load_pdf_map, map_with
    from llmecon.statements.io import write_company_file

    out = new_file(args.output, args.force)
    pmap = map_with(load_pdf_map(args.map) if args.map else None, columns=args.columns,
                    rows=_rows(args.row), scale=args.scale, currency=args.currency,
                    origin=args.map or "command line")
    company = import_pdf(args.file, pmap, page=args.page, company_id=args.company_id)
    write_company_file(company, out)
    periods = sorted({f.period.label for f in company.figures})
    print(f"wrote {safe(out)} ({len(company.figures)} figures; periods {', '.join(periods)}); "
          "review them against the page")
    return 0
