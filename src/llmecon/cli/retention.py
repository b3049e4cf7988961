"""``llmecon retention fit``: the shifted-beta-geometric retention model."""

from __future__ import annotations

import argparse
from typing import Any

from llmecon.cli.common import non_negative, whole


def register(sub: Any) -> None:
    r = sub.add_parser("retention", help="shifted-beta-geometric retention model")
    rsub = r.add_subparsers(dest="retention_command", metavar="SUBCOMMAND", required=True)
    rf = rsub.add_parser("fit", help="fit alpha and beta to cohort survival counts")
    src = rf.add_mutually_exclusive_group(required=True)
    src.add_argument("--alive", type=non_negative, nargs="+", metavar="N",
                     help="customers alive at the start of periods 0, 1, 2, ...")
    src.add_argument("--csv", metavar="FILE", help="CSV with columns cohort, period, alive")
    rf.add_argument("--calibrate", type=whole(0, 1_000_000), metavar="K",
                    help="fit on periods 0..K only and project the rest")
    rf.add_argument("--horizon", type=whole(1, 100_000),
                    help="periods to project (default: the data)")
    rf.add_argument("--discount-rate", type=non_negative, default=0.1,
                    help="per period, for the discounted expected residual lifetime")
    rf.add_argument("--format", choices=("table", "json"), default="table")
    rf.set_defaults(handler=_fit)


def _fit(args: argparse.Namespace) -> int:
    from llmecon.errors import InputError
    from llmecon.formulas import median_lifetime
    from llmecon.report.terminal import print_all
    from llmecon.report.unit_economics import lifetime_text, sbg_table
    from llmecon.statements.cohorts import first_periods, read_cohorts
    from llmecon.unit_economics.retention import fit_sbg

    cohorts = [list(args.alive)] if args.alive else read_cohorts(args.csv)
    full = cohorts[0]
    try:
        if args.calibrate is not None:
            cohorts = first_periods(cohorts, args.calibrate)
        fit = fit_sbg(cohorts)
    except InputError as e:
        if args.csv is None:
            raise
        raise InputError(f"{args.csv}: {e}") from None
    horizon = args.horizon or len(full)
    median = median_lifetime(fit.survival)
    if args.format == "json":
        _print_json(fit, horizon, full, args.discount_rate, median)
    else:
        print_all([sbg_table(fit, horizon, full)])
        print(lifetime_text(fit, median, args.discount_rate))
    return 0


def _print_json(fit: Any, horizon: int, full: list[float], discount_rate: float,
                median: float) -> None:
    """The fit, its projection beside the observed counts, the median lifetime and the
    DERL, as JSON."""
    import json
    import math

    doc = fit.to_dict(horizon)
    for row in doc["projection"]:
        t = row["period"]
        row["actual_alive"] = full[t] if t < len(full) else None
    doc["median_lifetime_periods"] = median if math.isfinite(median) else None
    if not math.isfinite(median):
        doc["median_lifetime_note"] = "beyond 10^15 periods: half of a cohort is never seen " \
            "to churn"
    doc["derl"] = fit.derl(discount_rate)
    from llmecon.report.common import jsonable

    print(json.dumps(jsonable(doc), indent=2, allow_nan=False))
