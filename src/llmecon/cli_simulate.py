"""``llmecon simulate | runs | scenario | answers``: thin front for projections."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

MAX_CLI_PATHS = 10_000_000


def register(sub: Any) -> None:
    s = sub.add_parser("simulate", help="driver-based projection and Monte Carlo stress test")
    s.add_argument("company", metavar="COMPANY")
    _scenario_args(s)
    s.add_argument("--paths", type=int, default=10_000)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--backend", choices=("numpy", "dask"), default="numpy")
    s.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler to run on")
    s.add_argument("--workers", type=int, default=2, help="local Dask workers")
    s.add_argument("--store", metavar="PATH", help="DuckDB file of saved runs")
    s.add_argument("--no-save", action="store_true", help="do not save the run")
    s.add_argument("--format", choices=("table", "json", "csv", "xlsx"), default="table")
    s.add_argument("-o", "--output", metavar="FILE", help="file for --format xlsx")

    r = sub.add_parser("runs", help="saved runs: list, show, compare")
    rs = r.add_subparsers(dest="runs_command", metavar="SUBCOMMAND", required=True)
    rs.add_parser("list").add_argument("--store", metavar="PATH")
    sh = rs.add_parser("show")
    sh.add_argument("run_id")
    sh.add_argument("--store", metavar="PATH")
    cp = rs.add_parser("compare")
    cp.add_argument("run_ids", nargs="+")
    cp.add_argument("--store", metavar="PATH")

    sc = sub.add_parser("scenario", help="the calibrated scenario and stress presets")
    scs = sc.add_subparsers(dest="scenario_command", metavar="SUBCOMMAND", required=True)
    show = scs.add_parser("show", help="a company's scenario, with where each value comes from")
    show.add_argument("company", metavar="COMPANY")
    _scenario_args(show)
    scs.add_parser("stresses", help="the stress presets")

    a = sub.add_parser("answers", help="cost per token for a target margin, growth at which "
                                       "losses stop widening, tornado")
    a.add_argument("company", metavar="COMPANY")
    _scenario_args(a)
    a.add_argument("--target-margin", type=float, default=0.5)
    a.add_argument("--format", choices=("table", "json"), default="table")


def _scenario_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scenario", metavar="FILE", help="YAML merged over the calibrated scenario")
    p.add_argument("--stress", action="append", default=[], metavar="NAME",
                   help="a stress preset (repeatable; see 'llmecon scenario stresses')")
    p.add_argument("--horizon", type=int, help="months to project (default 36)")
    p.add_argument("--assume", metavar="FILE", help="unit-economics assumptions (YAML)")
    p.add_argument("--financing", choices=("committed", "all", "none"),
                   help="financing counted: committed (default), all, none")


def _scenario(args: argparse.Namespace) -> Any:
    from llmecon.api import load_company
    from llmecon.errors import InputError
    from llmecon.simulate.loaders import load_base_scenario
    from llmecon.simulate.scenario import (
        MAX_HORIZON,
        apply_stresses,
        load_scenario,
    )
    from llmecon.unit_economics.company import load_assumptions

    if args.horizon is not None and not 1 <= args.horizon <= MAX_HORIZON:
        raise InputError(f"--horizon: expected 1 to {MAX_HORIZON} months, found {args.horizon}")
    s = load_base_scenario(load_company(args.company), load_assumptions(args.assume),
                           args.horizon or 36)
    if args.scenario:
        s = load_scenario(s, args.scenario)
        if args.horizon:
            from dataclasses import replace

            s = replace(s, horizon_months=args.horizon)
    s = s.with_financing(args.financing) if args.financing else s
    return apply_stresses(s, args.stress)


def run(args: argparse.Namespace) -> int:
    from llmecon.report.terminal import print_all

    if args.command == "simulate":
        return _simulate(args)
    if args.command == "runs":
        from llmecon.report import simulate as present
        from llmecon.store.runs import RunStore

        store = RunStore(args.store)
        if args.runs_command == "list":
            print_all([present.runs_table(store.records())])
        elif args.runs_command == "show":
            rec = store.get(args.run_id)
            print_all([present.compare_runs_table([rec])])
            print(f"scenario: {rec.scenario.get('company')}, horizon "
                  f"{rec.scenario.get('horizon_months')} months, stresses "
                  f"{rec.stresses}; {len(store.percentiles(rec.run_id, 'cash'))} months saved")
        else:
            print_all([present.compare_runs_table([store.get(i) for i in args.run_ids])])
        return 0
    if args.command == "scenario":
        return _scenario_command(args)
    from llmecon.report import simulate as present
    from llmecon.simulate.answers import answers_dict

    s = _scenario(args)
    with status("answering: token cost, growth, tornado"):
        ans = answers_dict(s, args.target_margin)
    if args.format == "json":
        import json

        print(json.dumps(ans, indent=1, default=str))
    else:
        print_all(present.answers_tables(ans, s.currency))
    return 0


def _scenario_command(args: argparse.Namespace) -> int:
    import yaml

    from llmecon.simulate.scenario import stress_presets

    if args.scenario_command == "stresses":
        for name, p in stress_presets().items():
            print(f"{name}: {' '.join(str(p['description']).split())}")
        return 0
    s = _scenario(args)
    doc = s.to_dict()
    print("# Calibrated scenario; copy, edit and pass back with --scenario FILE.")
    print("# Where each driver comes from:")
    for k, how in s.provenance.items():
        print(f"#   {k}: {how}")
    sys.stdout.write(yaml.safe_dump(doc, sort_keys=False, width=100))
    return 0


def _simulate(args: argparse.Namespace) -> int:
    from llmecon.errors import InputError
    from llmecon.report import simulate as present
    from llmecon.report.terminal import print_all
    from llmecon.simulate.run import run as run_mc

    if not 1 <= args.paths <= MAX_CLI_PATHS:
        raise InputError(f"--paths: expected 1 to {MAX_CLI_PATHS:,}, found {args.paths}")
    if args.workers < 1:
        raise InputError(f"--workers: expected >= 1, found {args.workers}")
    s = _scenario(args)
    result = _with_progress(lambda cb: run_mc(s, paths=args.paths, seed=args.seed,
                                              backend=args.backend, scheduler=args.scheduler,
                                              workers=args.workers, progress=cb), args.paths)
    run_id = None
    if not args.no_save:
        from llmecon.store.runs import RunStore

        run_id = RunStore(args.store).save(result, s.to_dict())
    if args.format == "xlsx":
        from llmecon.cli import save_xlsx
        from llmecon.report import excel

        book = excel.Book()
        excel.add_simulation(book, result)
        save_xlsx(args, book)
    elif args.format == "json":
        print(present.result_json(result, run_id))
    elif args.format == "csv":
        sys.stdout.write(present.result_csv(result))
    else:
        print_all([present.summary_table(result), present.fan_table(result, "cash"),
                   present.fan_table(result, "revenue"),
                   present.fan_table(result, "gross_margin")])
        if run_id:
            print(f"saved as run {run_id} ('llmecon runs show {run_id}')")
    return 0


def _with_progress(fn: Any, total: int) -> Any:
    """Run ``fn(callback)`` with a progress bar on standard error when it is a terminal."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    if not console.is_terminal or total < 50_000:
        return fn(None)
    with Progress(TextColumn("simulating"), BarColumn(), TextColumn("{task.completed:,}/"
                  "{task.total:,} paths"), TimeRemainingColumn(), console=console,
                  transient=True) as prog:
        task = prog.add_task("paths", total=total)
        return fn(lambda done, _total: prog.update(task, completed=done))


@contextmanager
def status(message: str) -> Iterator[Callable[[str], None]]:
    """A spinner with a message on standard error (when it is a terminal) for work that
    takes more than a second; yields a function that updates the message."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda _m: None
        return
    with console.status(message) as st:
        yield lambda m: st.update(m)
