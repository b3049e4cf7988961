"""``llmecon runs list | show | compare``: saved Monte Carlo runs."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from llmecon.cli.common import safe


def register(sub: Any) -> None:
    r = sub.add_parser("runs", help="saved runs: list, show, compare")
    rs = r.add_subparsers(dest="runs_command", metavar="SUBCOMMAND", required=True)
    ls = rs.add_parser("list")
    ls.add_argument("--store", metavar="PATH")
    ls.set_defaults(handler=_list)
    sh = rs.add_parser("show")
    sh.add_argument("run_id")
    sh.add_argument("--store", metavar="PATH")
    sh.set_defaults(handler=_show)
    cp = rs.add_parser("compare")
    cp.add_argument("run_ids", nargs="+")
    cp.add_argument("--store", metavar="PATH")
    cp.set_defaults(handler=_compare)


def _list(args: argparse.Namespace) -> int:
    from llmecon.report.simulate import runs_table
    from llmecon.report.terminal import print_all
    from llmecon.store.runs import RunStore

    good, problems = RunStore(args.store).readable_records()
    print_all([runs_table(good)])
    for e in problems:  # the readable runs are listed; each malformed one is named
        print(f"llmecon: {e}", file=sys.stderr)
    return 2 if problems else 0


def _show(args: argparse.Namespace) -> int:
    from llmecon.report.simulate import compare_runs_table
    from llmecon.report.terminal import print_all
    from llmecon.store.runs import RunStore

    store = RunStore(args.store)
    rec = store.get(args.run_id)
    print_all([compare_runs_table([rec], title=f"Run {rec.run_id}")])
    print(safe(f"scenario: {rec.scenario.get('company')}, horizon "
               f"{rec.scenario.get('horizon_months')} months, stresses {rec.stresses}; "
               f"{len(store.percentiles(rec.run_id, 'cash'))} months saved"))
    note = _sensitivity_note(rec.scenario)
    if note:
        print(safe(note))
    return 0


def _sensitivity_note(scenario: dict[str, Any]) -> str:
    """The unexplained operating line's note of a saved run ('' for a run saved without
    one, or saved before runs kept it)."""
    from datetime import date

    from llmecon.report.simulate import sensitivity_note
    from llmecon.simulate.sensitivity import LineSensitivity

    found = scenario.get("unexplained_operating")
    if not isinstance(found, dict):
        return ""
    try:
        return sensitivity_note(LineSensitivity.from_dict(
            found, date.fromisoformat(str(scenario["start"]))))
    except (KeyError, TypeError, ValueError):  # a record edited by hand: the run still shows
        return ""


def _compare(args: argparse.Namespace) -> int:
    from llmecon.errors import InputError
    from llmecon.report.simulate import company_data_note, compare_runs_table, versions_note
    from llmecon.report.terminal import print_all
    from llmecon.store.runs import RunStore

    store = RunStore(args.store)
    records = [store.get(i) for i in args.run_ids]
    ids = [r.run_id for r in records]
    if len(set(ids)) < len(ids):
        twice = next(i for i in ids if ids.count(i) > 1)
        raise InputError(f"run {twice} is given twice; compare different runs")
    print_all([compare_runs_table(records)])
    for note in (company_data_note(records), versions_note(records)):
        if note:
            print(safe(note))
    return 0
