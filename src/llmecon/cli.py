"""The command line: parse arguments, call load -> compute -> present, nothing else.

Every :class:`~llmecon.errors.LlmeconError` becomes one clear message and exit code 2.
Heavy modules are imported inside the commands so that ``llmecon --help`` starts fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

FORMATS = ("table", "json", "csv", "md", "xlsx")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="llmecon",
        description="Economics of large-model (AI) companies: the two tables that decide "
                    "viability (unit economics, cash-flow structure) and the signals behind "
                    "them, from disclosed, source-cited figures.",
        epilog="A COMPANY is a bundled id (see 'llmecon companies') or the path of a "
               ".yaml or .csv company file.")
    p.add_argument("--version", action="store_true", help="print the version and exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("companies", help="list the bundled companies")

    s = sub.add_parser("show", help="one company: its tables over every period, and signals")
    s.add_argument("company", metavar="COMPANY")
    s.add_argument("--currency", help="convert money to CNY, USD or HKD")
    s.add_argument("--format", choices=FORMATS, default="table")
    s.add_argument("--figures", action="store_true",
                   help="also list every figure with its source and confidence")

    c = sub.add_parser("compare", help="companies side by side: the two tables and signals")
    c.add_argument("companies", metavar="COMPANY", nargs="+")
    c.add_argument("--currency", help="convert money to CNY, USD or HKD")
    c.add_argument("--period", default="latest",
                   help="'latest' (each company's newest period) or a label such as FY2024")
    c.add_argument("--format", choices=FORMATS, default="table")
    c.add_argument("-o", "--output", metavar="FILE", help="file for --format xlsx")

    v = sub.add_parser("validate", help="check a company file (YAML or CSV)")
    v.add_argument("file", metavar="FILE")

    e = sub.add_parser("export", help="write a company to a .yaml or .csv file (lossless)")
    e.add_argument("company", metavar="COMPANY")
    e.add_argument("-o", "--output", required=True, metavar="FILE")
    e.add_argument("--force", action="store_true", help="overwrite an existing file")

    sub.add_parser("items", help="list the canonical item names and their units")

    w = sub.add_parser("serve", help="the local web dashboard")
    w.add_argument("--host", default="127.0.0.1")
    w.add_argument("--port", type=int, default=8000)
    w.add_argument("--token", help="required on every request (made up if the host is not "
                                   "loopback and none is given)")
    w.add_argument("--store", metavar="PATH", help="DuckDB file of saved runs")

    u = sub.add_parser("unit-economics", help="unit economics per business line, from the "
                                              "company's figures and stated assumptions")
    u.add_argument("company", metavar="COMPANY")
    u.add_argument("--assume", metavar="FILE", help="YAML of assumptions overriding the "
                                                   "defaults (see data/assumptions)")
    u.add_argument("--format", choices=("table", "json", "csv", "xlsx"), default="table")
    u.add_argument("-o", "--output", metavar="FILE", help="file for --format xlsx")

    r = sub.add_parser("retention", help="shifted-beta-geometric retention model")
    rsub = r.add_subparsers(dest="retention_command", metavar="SUBCOMMAND", required=True)
    rf = rsub.add_parser("fit", help="fit alpha and beta to cohort survival counts")
    src = rf.add_mutually_exclusive_group(required=True)
    src.add_argument("--alive", type=float, nargs="+", metavar="N",
                     help="customers alive at the start of periods 0, 1, 2, ...")
    src.add_argument("--csv", metavar="FILE", help="CSV with columns cohort, period, alive")
    rf.add_argument("--calibrate", type=int, metavar="K",
                    help="fit on periods 0..K only and project the rest")
    rf.add_argument("--horizon", type=int, help="periods to project (default: the data)")
    rf.add_argument("--discount-rate", type=float, default=0.1,
                    help="per period, for the discounted expected residual lifetime")
    rf.add_argument("--format", choices=("table", "json"), default="table")

    from llmecon import cli_inference, cli_report, cli_simulate

    cli_inference.register(sub)
    cli_simulate.register(sub)
    cli_report.register(sub)
    return p


def _emit(fmt: str, tables: Sequence[object], sig: object, header: object = None,
          extra: Sequence[object] = ()) -> None:
    from llmecon.report import export

    if fmt == "json":
        print(export.to_json(tables, sig))  # type: ignore[arg-type]
    elif fmt == "csv":
        sys.stdout.write(export.to_csv(tables, sig))  # type: ignore[arg-type]
    elif fmt == "md":
        sys.stdout.write(export.to_markdown(tables, sig))  # type: ignore[arg-type]
    else:
        from llmecon.report import terminal

        parts = [header] if header is not None else []
        parts += [terminal.table(t) for t in tables]  # type: ignore[arg-type]
        parts.append(terminal.signals(sig))  # type: ignore[arg-type]
        parts += list(extra)
        terminal.print_all(parts, legend=True)  # type: ignore[arg-type]


def _run(args: argparse.Namespace) -> int:
    cmd = args.command
    if cmd == "companies":
        from llmecon.api import load_company
        from llmecon.report import terminal
        from llmecon.statements.io import bundled_ids

        terminal.print_all([terminal.companies([load_company(i) for i in bundled_ids()])])
        return 0
    if cmd == "compare":
        from llmecon.api import compare, load_company

        companies = [load_company(r) for r in args.companies]
        ue, cf, sig = compare(companies, period=args.period, currency=args.currency)
        if args.format == "xlsx":
            from llmecon.report import excel

            save_xlsx(args, excel.compare_workbook([ue, cf], sig, companies))
            return 0
        _emit(args.format, [ue, cf], sig)
        return 0
    if cmd == "show":
        from llmecon.api import history, load_company
        from llmecon.report import terminal

        company = load_company(args.company)
        ue, cf, sig = history(company, currency=args.currency)
        extra = [terminal.figures(company)] if args.figures else []
        _emit(args.format, [ue, cf], sig, terminal.company_header(company), extra)
        return 0
    if cmd == "validate":
        from llmecon.api import load_company
        from llmecon.report import terminal
        from llmecon.statements.io import looks_like_path

        ref = args.file if looks_like_path(args.file) else f"./{args.file}"
        print(terminal.validation_ok(load_company(ref)))
        return 0
    if cmd == "export":
        from pathlib import Path

        from llmecon.api import load_company
        from llmecon.errors import InputError
        from llmecon.statements.io import write_company_file

        out = Path(args.output)
        if out.exists() and not args.force:
            raise InputError(f"{out}: exists; use --force to overwrite it")
        company = load_company(args.company)
        write_company_file(company, out)
        print(f"wrote {out} ({len(company.figures)} figures)")
        return 0
    if cmd == "unit-economics":
        from llmecon.api import load_company
        from llmecon.report import unit_economics as ue_report
        from llmecon.report.terminal import print_all
        from llmecon.unit_economics.company import load_assumptions, unit_economics_table
        from llmecon.units import load_fx

        table = unit_economics_table(load_company(args.company),
                                     load_assumptions(args.assume), load_fx())
        if args.format == "xlsx":
            from llmecon.report import excel

            book = excel.Book()
            excel.add_unit_economics(book, table)
            save_xlsx(args, book)
        elif args.format == "json":
            print(ue_report.ue_json(table))
        elif args.format == "csv":
            sys.stdout.write(ue_report.ue_csv(table))
        else:
            print_all([ue_report.ue_table(table)])
        return 0
    if cmd == "retention":
        return _retention(args)
    if cmd == "inference":
        from llmecon import cli_inference

        return cli_inference.run(args)
    if cmd == "serve":
        from llmecon.web.app import serve

        serve(args.host, args.port, args.token, args.store)
        return 0
    if cmd in ("report", "chart"):
        from llmecon import cli_report

        return cli_report.run(args)
    if cmd in ("simulate", "runs", "scenario", "answers"):
        from llmecon import cli_simulate

        return cli_simulate.run(args)
    if cmd == "items":
        from llmecon.report import terminal

        terminal.print_all([terminal.items()])
        return 0
    return 1


def save_xlsx(args: argparse.Namespace, book: object) -> None:
    """Save a workbook to the path given with -o (required for --format xlsx)."""
    path = _xlsx_path(args)
    book.save(path)  # type: ignore[attr-defined]
    print(f"wrote {path}")


def _xlsx_path(args: argparse.Namespace) -> str:
    from llmecon.cli_report import output_path
    from llmecon.errors import InputError

    if not getattr(args, "output", None):
        raise InputError("--format xlsx: give the workbook's path with -o FILE.xlsx")
    return str(output_path(args.output, "xlsx", ("xlsx",))[0])


def _read_cohorts(path: str) -> list[list[float]]:
    import csv as _csv
    from pathlib import Path

    from llmecon.errors import InputError, NotFoundError

    p = Path(path)
    if not p.is_file():
        raise NotFoundError(f"{p}: file not found")
    rows = list(_csv.DictReader(p.read_text(encoding="utf-8").splitlines()))
    if not rows or set(rows[0]) != {"cohort", "period", "alive"}:
        raise InputError(f"{p}: expected columns cohort, period, alive")
    cohorts: dict[str, dict[int, float]] = {}
    for n, row in enumerate(rows, start=2):
        try:
            cohorts.setdefault(row["cohort"], {})[int(row["period"])] = float(row["alive"])
        except ValueError:
            raise InputError(f"{p} row {n}: period must be a whole number and alive a "
                             f"count, found {row['period']!r}, {row['alive']!r}") from None
    out = []
    for name, by_period in cohorts.items():
        periods = sorted(by_period)
        if periods != list(range(len(periods))):
            raise InputError(f"{p}: cohort {name!r} must have periods 0, 1, 2, ... without gaps")
        out.append([by_period[t] for t in periods])
    return out


def _retention(args: argparse.Namespace) -> int:
    import json

    from llmecon.errors import InputError
    from llmecon.report.terminal import print_all
    from llmecon.report.unit_economics import sbg_table
    from llmecon.unit_economics.retention import fit_sbg

    cohorts = [list(args.alive)] if args.alive else _read_cohorts(args.csv)
    full = cohorts[0]
    if args.calibrate is not None:
        if not 2 <= args.calibrate < max(len(c) for c in cohorts):
            raise InputError(f"--calibrate: expected a period from 2 to "
                             f"{max(len(c) for c in cohorts) - 1}, found {args.calibrate}")
        cohorts = [c[: args.calibrate + 1] for c in cohorts]
    fit = fit_sbg(cohorts)
    horizon = args.horizon or len(full)
    doc = fit.to_dict(horizon)
    for row in doc["projection"]:
        t = row["period"]
        row["actual_alive"] = full[t] if t < len(full) else None
    doc["derl"] = fit.derl(args.discount_rate)
    if args.format == "json":
        print(json.dumps(doc, indent=2))
    else:
        print_all([sbg_table(fit, horizon, full)])
        print(f"expected lifetime: {fit.expected_lifetime:.3g} periods; discounted expected "
              f"residual lifetime at {args.discount_rate:.0%}: {doc['derl']:.3f} periods")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.version:
        from llmecon import __version__

        print(f"llmecon {__version__}")
        return 0
    if args.command is None:
        parser.print_help()
        return 2
    from llmecon.errors import LlmeconError

    try:
        return _run(args)
    except LlmeconError as e:
        print(f"llmecon: error: {e}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as e:
        extra = {"plotly": "report", "openpyxl": "report", "matplotlib": "report",
                 "fastapi": "web", "uvicorn": "web", "dask": "dask", "distributed": "dask"}
        root = (e.name or "").split(".")[0]
        if root not in extra:
            raise
        print(f"llmecon: error: this command needs {root}; install it with "
              f"pip install 'llmecon[{extra[root]}]'", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
