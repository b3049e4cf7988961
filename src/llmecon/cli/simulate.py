"""``llmecon simulate | scenario | answers``: projections, stress tests and their answers."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmecon.cli.common import (
    file_path,
    horizon_months,
    memory_gib,
    paths_count,
    safe,
    save_xlsx,
    scheduler_address,
    seed,
    status,
    whole,
    with_progress,
    workbook_output,
    workers,
)
from llmecon.constants import MAX_PATHS, MEMORY_BUDGET_BYTES

if TYPE_CHECKING:
    from llmecon.simulate.sensitivity import LineSensitivity

#: Months projected when ``--horizon`` is not given.
DEFAULT_HORIZON_MONTHS = 36


def register(sub: Any) -> None:
    s = sub.add_parser("simulate", help="driver-based projection and Monte Carlo stress test")
    s.add_argument("company", metavar="COMPANY")
    _scenario_args(s)
    s.add_argument("--paths", type=paths_count, default=10_000)
    s.add_argument("--seed", type=seed, default=0)
    s.add_argument("--backend", choices=("numpy", "dask"), default="numpy")
    s.add_argument("--scheduler", type=scheduler_address, metavar="ADDRESS",
                   help="a Dask scheduler to run on, [tcp://]host:port")
    s.add_argument("--workers", type=workers, default=2,
                   help="local Dask workers (1 to four per CPU core, at most 64)")
    s.add_argument("--keep-paths", type=whole(0, MAX_PATHS), default=0, metavar="N",
                   help="keep the first N paths whole (JSON: their monthly cash)")
    s.add_argument("--block-paths", type=whole(1, MAX_PATHS), metavar="N",
                   help="paths projected at a time (default: the library's block size; "
                        "memory grows with it, results do not change)")
    s.add_argument("--memory-budget", type=memory_gib, default=MEMORY_BUDGET_BYTES,
                   metavar="GIB", help="memory the run may plan to use, in GiB (default "
                   f"{MEMORY_BUDGET_BYTES / 2**30:g}); it is estimated before the run starts "
                   "and does not grow with --paths")
    s.add_argument("--store", metavar="PATH", help="DuckDB file of saved runs")
    s.add_argument("--no-save", action="store_true", help="do not save the run")
    s.add_argument("--format", choices=("table", "json", "csv", "xlsx"), default="table")
    workbook_output(s)
    s.set_defaults(handler=_simulate)

    sc = sub.add_parser("scenario", help="the calibrated scenario and stress presets")
    scs = sc.add_subparsers(dest="scenario_command", metavar="SUBCOMMAND", required=True)
    show = scs.add_parser("show", help="a company's scenario, with where each value comes from")
    show.add_argument("company", metavar="COMPANY")
    _scenario_args(show)
    show.set_defaults(handler=_scenario_show)
    scs.add_parser("stresses", help="the stress presets").set_defaults(handler=_stresses)

    a = sub.add_parser("answers", help="cost per token for a target margin, growth at which "
                                       "losses stop widening, tornado")
    a.add_argument("company", metavar="COMPANY")
    _scenario_args(a)
    a.add_argument("--target-margin", type=_target_margin, default=0.5,
                   help="gross margin to reach: a fraction (0.5) or a percentage (50%%); "
                        "a bare 50 is refused")
    a.add_argument("--line", metavar="LINE",
                   help="only the token cost needed for the target margin on this "
                        "business line (the company-wide tables are left out; default: "
                        "every table, every line and the company)")
    a.add_argument("--format", choices=("table", "json"), default="table")
    a.set_defaults(handler=_answers)


def _target_margin(text: str) -> float:
    """An argument type: a target margin read by
    :func:`llmecon.unit_economics.answers.target_share` (0.3 or "30%"; a bare 30 refused)."""
    from llmecon.errors import InputError
    from llmecon.unit_economics.answers import target_share

    try:
        return target_share(text)
    except InputError as e:
        why = str(e).removeprefix("target gross margin: ")
        raise argparse.ArgumentTypeError(why.replace("expected a share", "expected a fraction",
                                                     1)) from None


def _scenario_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scenario", metavar="FILE", type=file_path,
                   help="YAML merged over the calibrated scenario")
    p.add_argument("--stress", action="append", default=[], metavar="NAME",
                   help="a stress preset (repeatable; see 'llmecon scenario stresses')")
    p.add_argument("--horizon", type=horizon_months,
                   help=f"months to project (default {DEFAULT_HORIZON_MONTHS})")
    p.add_argument("--assume", metavar="FILE", type=file_path,
                   help="unit-economics assumptions (YAML)")
    p.add_argument("--financing", choices=("committed", "all", "none"),
                   help="financing counted: committed (default), all, none")


def _scenario(args: argparse.Namespace) -> Any:
    """The company's calibrated scenario, with the scenario file and stresses applied."""
    return _company_scenario(args)[1]


def _company_scenario(args: argparse.Namespace) -> tuple[Any, Any, Any]:
    """The company, its scenario (:func:`_scenario`) and that scenario before the
    ``--stress`` presets."""
    from dataclasses import replace

    from llmecon.api import load_company
    from llmecon.config.assumptions import load_assumptions
    from llmecon.simulate.loaders import load_base_scenario
    from llmecon.simulate.scenario import apply_stresses, load_scenario

    company = load_company(args.company)
    s = load_base_scenario(company, load_assumptions(args.assume),
                           args.horizon or DEFAULT_HORIZON_MONTHS)
    if args.scenario:
        s = load_scenario(s, args.scenario)
        if args.horizon:
            s = replace(s, horizon_months=args.horizon)
    s = s.with_financing(args.financing) if args.financing else s
    return company, apply_stresses(s, args.stress), s


def _same_file(a: str, b: Path) -> bool:
    try:
        return Path(a).resolve() == b.resolve()
    except (OSError, RuntimeError):
        return False


def _simulate(args: argparse.Namespace) -> int:
    from llmecon.simulate.run import BLOCK
    from llmecon.simulate.run import run as run_mc

    company, s, unstressed = _company_scenario(args)
    if not args.no_save:  # a store that cannot be written is refused before the run
        from llmecon.errors import InputError
        from llmecon.store.runs import RunStore

        store = RunStore(args.store)
        store.check()
        if args.output and _same_file(args.output, store.path):
            raise InputError(f"-o {args.output}: the run store's file (--store); the "
                             "workbook would replace every saved run. Give another path")
    result = with_progress(lambda cb: run_mc(s, paths=args.paths, seed=args.seed,
                                             backend=args.backend, scheduler=args.scheduler,
                                             workers=args.workers, progress=cb,
                                             keep_paths=args.keep_paths,
                                             block_paths=args.block_paths or BLOCK,
                                             memory_budget_bytes=args.memory_budget),
                           args.paths)
    from llmecon.simulate.run_notes import run_notes
    from llmecon.simulate.sensitivity import saved_scenario, unexplained_sensitivity

    for note in run_notes(company, s, unstressed, args.stress or ()):  # on standard error:
        print(safe(f"llmecon: note: {note}"), file=sys.stderr)  # JSON and CSV stay as they are
    found = unexplained_sensitivity(s)
    run_id, failure = None, None
    if not args.no_save:
        from llmecon.store.runs import RunStore

        try:
            run_id = RunStore(args.store).save(result, saved_scenario(s, found,
                                                                      args.scenario, company))
        except Exception as e:  # the results are shown all the same, then the error
            failure = e
    from llmecon.simulate.hindsight import later_figures

    _print_result(args, result, run_id, s, later_figures(company, result), found)
    if failure is not None:
        raise failure
    return 0


def _print_result(args: argparse.Namespace, result: Any, run_id: str | None,
                  s: Any, later: Any, sensitivity: LineSensitivity | None = None) -> None:
    from llmecon.report import simulate as present
    from llmecon.report.terminal import print_all

    if args.format == "xlsx":
        from llmecon.report import excel

        book = excel.Book()
        excel.add_simulation(book, result)
        save_xlsx(args, book)
    elif args.format == "json":
        print(present.result_json(result, run_id, present.scenario_drivers(s), later,
                                  sensitivity))
    elif args.format == "csv":
        sys.stdout.write(present.result_csv(result))
    else:
        note = present.sensitivity_note(sensitivity)
        print_all([present.summary_table(result), *([note] if note else []),
                   *present.later_table(later, result),
                   present.fan_table(result, "cash"),
                   present.fan_table(result, "revenue"),
                   present.fan_table(result, "gross_margin")])
        if run_id:
            import shlex

            store = f" --store={shlex.quote(args.store)}" if args.store else ""  # "-x" too
            print(safe(f"saved as run {run_id}; to see it: llmecon runs show {run_id}{store}"))


def _scenario_show(args: argparse.Namespace) -> int:
    from llmecon.yamlfile import dump_yaml

    company, s, _ = _company_scenario(args)
    print("# Calibrated scenario; copy, edit and pass back with --scenario FILE.")
    print(f"# Months in this file count from 0, the first projected month (after {s.start});"
          " outputs number months from 1 with their dates: month: 6 here is 7 (...) there.")
    from llmecon.simulate.run_notes import older_start

    for note in older_start(company, s):
        print(safe(f"# Note: {note}."))
    print("# Where each driver comes from:")
    for k, how in s.provenance.items():
        print(safe(f"#   {k}: {how}"))
    for line in _examples(s):
        print(safe(f"# {line}"))
    sys.stdout.write(dump_yaml(s.to_dict(), allow_unicode=False))  # escapes, as before
    return 0


def _examples(s: Any) -> list[str]:
    """Commented examples of the lists the template leaves empty, with this scenario's
    driver names (a new user's audit: their fields were found only through errors)."""
    uncertain = [k for k, d in s.drivers.items() if not d.degenerate][:2]
    volume = next((k for k in s.drivers if k.endswith(("contracts_per_month",
                                                      "tokens_per_month", "marketing_monthly"))),
                  "opex_growth_annual")
    out = ["Examples (a --scenario file may give any of these keys; each replaces the list "
           "below):",
           "  regimes:   # an event with a yearly probability that multiplies drivers",
           f"  - {{name: budget squeeze, probability_per_year: 0.2, duration_months: 6, "
           f"multipliers: {{{volume}: 0.5}}}}",
           "  shocks:    # a multiplier from start_month for months months (0: to the end)",
           "  - {driver: gpu_price_index, multiplier: 1.3, start_month: 3, months: 12}",
           "  financing: # money in; debt pays interest and is repaid after repay_after_months",
           "  - {label: bank loan, kind: bank_facility, amount: 100000000, month: 6, "
           "committed: true, annual_interest_rate: 0.05, repay_after_months: 24}"]
    if len(uncertain) == 2:
        out += ["  correlations: # two uncertain drivers and their correlation, -1 to 1",
                f"  - [{uncertain[0]}, {uncertain[1]}, 0.3]"]
    return out


def _stresses(args: argparse.Namespace) -> int:
    from llmecon.simulate.scenario import stress_presets

    for name, p in stress_presets().items():
        print(safe(f"{name}: {' '.join(str(p['description']).split())}"))
    return 0


def _margin_by_line(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The cost needed for the target margin per business line and for the company
    (:func:`llmecon.unit_economics.answers.company_margin_answers`); ``--line`` keeps one."""
    from dataclasses import asdict

    from llmecon.api import load_company
    from llmecon.config.assumptions import load_assumptions
    from llmecon.errors import InputError
    from llmecon.unit_economics.answers import company_margin_answers
    from llmecon.unit_economics.bundled import bundled_inference
    from llmecon.units import load_fx

    company = load_company(args.company)
    got = company_margin_answers(company, load_assumptions(args.assume), load_fx(),
                                 *bundled_inference(), args.target_margin)
    if args.line is not None:
        line = _line_named(args.line, company.lines, company.id)
        got = [m for m in got if m.line == line]
        if not got:
            raise InputError(f"--line: {line} discloses no gross margin to answer from")
    return [{**asdict(m), "already_there": m.already_there,
             "other_cost_share": m.other_cost_share} for m in got]


def _line_named(given: str, lines: Sequence[str], company_id: str) -> str:
    """The business line ``--line`` names, in any case (``AI_NATIVE_PRODUCTS``); else an
    error listing the company's lines and the closest.

    >>> _line_named("Open_Platform", ["ai_native_products", "open_platform"], "minimax")
    'open_platform'
    """
    from llmecon.errors import InputError, did_you_mean

    found = [x for x in lines if x.lower() == given.strip().lower()]
    if len(found) == 1:
        return found[0]
    hint = did_you_mean(given[:60], lines)
    shown = given if len(given) <= 60 else given[:57] + "..."
    raise InputError(f"--line: expected one of {', '.join(lines)} ({company_id}), found "
                     f"{shown!r}" + (f"; {hint}" if hint else ""))


def _line_answer(args: argparse.Namespace) -> int:
    """``answers --line``: the token cost needed on that line, in its company's currency."""
    import json

    from llmecon.api import load_company
    from llmecon.report import simulate as present
    from llmecon.report.common import jsonable
    from llmecon.report.terminal import print_all

    rows, currency = _margin_by_line(args), load_company(args.company).currency
    if args.format == "json":
        print(json.dumps(jsonable({"cost_for_margin_by_line": rows, "currency": currency}),
                         indent=1, default=str, allow_nan=False))
    else:
        print_all(present.by_line_table(rows, currency))
    return 0


def _answers(args: argparse.Namespace) -> int:
    from llmecon.report import simulate as present
    from llmecon.report.terminal import print_all
    from llmecon.simulate.answers import answers_dict

    if args.line is not None:  # that line's answer only (the other answers are company-wide)
        return _line_answer(args)
    s = _scenario(args)
    with status("answering: token cost, growth, tornado"):
        ans = answers_dict(s, args.target_margin)
        ans["cost_for_margin_by_line"] = _margin_by_line(args)
        ans["drivers"] = present.scenario_drivers(s)
        # every amount (cash, loss slope, cost per M tokens) is in the scenario's currency;
        # a tornado's low and high values are in each driver's own unit
        ans["currency"] = s.currency
    if args.format == "json":
        import json

        from llmecon.report.common import jsonable

        print(json.dumps(jsonable(ans), indent=1, default=str, allow_nan=False))
    else:
        print_all(present.answers_tables(ans, s.currency))
    return 0
