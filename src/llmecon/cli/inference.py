"""``llmecon inference ...``: throughput, cost per token, fleets and sweeps of deployments."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from llmecon.cli.common import (
    name_list,
    non_negative,
    number_list,
    positive,
    share,
    status,
    whole,
)

FORMATS = ("table", "json", "csv")
#: GPUs in a replica or a parallel group.
GPUS = whole(1, 1_000_000)


def register(sub: Any) -> None:
    inf = sub.add_parser("inference", help="inference economics: throughput, cost, fleets")
    isub = inf.add_subparsers(dest="inference_command", metavar="SUBCOMMAND", required=True)
    for name, text in (("throughput", "tokens per second, latency and memory of a deployment"),
                       ("cost", "cost per million input and output tokens")):
        p = isub.add_parser(name, help=text)
        _serving_args(p)
        p.set_defaults(handler=_serving)
    _fleet_args(isub.add_parser("fleet", help="fleet, cost, revenue and margin for a daily "
                                              "demand"))
    _sweep_args(isub.add_parser("sweep", help="a grid of configurations in one vectorised pass"))
    ca = isub.add_parser("catalog", help="list bundled GPUs, models or prices")
    ca.add_argument("what", choices=("gpus", "models", "prices"))
    ca.add_argument("--catalog", action="append", default=[], metavar="FILE")
    ca.set_defaults(handler=_catalog)
    ac = isub.add_parser("accuracy", help="predictions against published deployments")
    ac.add_argument("--format", choices=("table", "md"), default="table")
    ac.add_argument("--loo", action="store_true", help="add leave-one-out errors (slower)")
    ac.set_defaults(handler=_accuracy)
    isub.add_parser("calibrate", help="re-fit the efficiency factors on the published "
                                      "cases").set_defaults(handler=_calibrate)


def _serving_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", required=True, help="model name (see 'catalog models') or path")
    p.add_argument("--gpu", required=True, help="GPU name (see 'catalog gpus') or path")
    p.add_argument("--precision", default="fp8", help="weights: bf16, fp8, int8, fp4")
    p.add_argument("--kv", dest="kv_dtype", default="bf16", help="KV cache: bf16, fp8, int8")
    p.add_argument("--gpus", type=GPUS, default=8, help="GPUs per decode replica (EP group)")
    p.add_argument("--tp", type=GPUS, help="tensor-parallel degree (default: all GPUs for "
                                           "a dense model, 1 for MoE)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--batch", dest="batch_per_gpu", type=positive, help="sequences per GPU")
    g.add_argument("--tpot-ms", type=positive, help="largest batch within this time per token")
    p.add_argument("--input", dest="input_tokens", type=non_negative, default=2000.0)
    p.add_argument("--output", dest="output_tokens", type=positive, default=500.0)
    p.add_argument("--cache-hit", type=share, default=0.0, help="prefix-cache hit share")
    p.add_argument("--mtp-draft", type=whole(0, 16), default=0,
                   help="multi-token-prediction drafts")
    p.add_argument("--mtp-accept", type=share, default=0.0, help="draft acceptance rate")
    p.add_argument("--gpu-price", dest="gpu_hour_price", type=non_negative,
                   help="USD per GPU-hour (default: the latest bundled price for the GPU)")
    p.add_argument("--prefill-gpus", type=GPUS, help="GPUs per prefill replica")
    p.add_argument("--catalog", action="append", default=[], metavar="FILE",
                   help="a YAML catalog of your own GPUs, models or prices (repeatable)")
    p.add_argument("--format", choices=FORMATS, default="table")


def _fleet_args(fl: argparse.ArgumentParser) -> None:
    _serving_args(fl)
    fl.add_argument("--input-per-day", type=non_negative, required=True,
                    help="input tokens a day")
    fl.add_argument("--output-per-day", type=non_negative, required=True,
                    help="output tokens a day")
    fl.add_argument("--demand-cache-hit", type=share, help="cache-hit share of the demand "
                                                           "(default: --cache-hit)")
    fl.add_argument("--peak-to-average", type=positive, default=1.0)
    fl.add_argument("--price-list", help="model whose bundled API price to charge")
    fl.add_argument("--price-input", type=non_negative,
                    help="USD per M input tokens (cache miss)")
    fl.add_argument("--price-cache-hit", type=non_negative,
                    help="USD per M input tokens (cache hit)")
    fl.add_argument("--price-output", type=non_negative, help="USD per M output tokens")
    fl.add_argument("--paid-share", type=share, default=1.0)
    fl.add_argument("--discount", type=share, default=0.0)
    fl.set_defaults(handler=_fleet)


def _sweep_args(sw: argparse.ArgumentParser) -> None:
    sw.add_argument("--models", type=name_list, required=True)
    sw.add_argument("--gpus-list", dest="gpu_names", type=name_list, required=True,
                    help="comma-separated GPU names")
    sw.add_argument("--batches", type=number_list(positive), default=[1, 8, 32, 64, 128, 256])
    sw.add_argument("--inputs", type=number_list(non_negative), default=[1000, 4000, 16000])
    sw.add_argument("--prices", type=number_list(non_negative), default=[2.0])
    sw.add_argument("--output", dest="output_tokens", type=positive, default=500.0)
    sw.add_argument("--precision", default="fp8")
    sw.add_argument("--kv", dest="kv_dtype", default="bf16")
    sw.add_argument("--replica-gpus", type=GPUS, default=8)
    sw.add_argument("--catalog", action="append", default=[], metavar="FILE")
    sw.add_argument("--format", choices=FORMATS, default="table")
    sw.set_defaults(handler=_sweep)


def _catalog(args: argparse.Namespace) -> int:
    from llmecon.inference.catalog import load_catalog
    from llmecon.report.inference import catalog_table
    from llmecon.report.terminal import print_all

    print_all([catalog_table(load_catalog(args.catalog), args.what)])
    return 0


def _accuracy(args: argparse.Namespace) -> int:
    from llmecon.inference.calibration import accuracy, calibrate
    from llmecon.report import inference as present
    from llmecon.report.terminal import print_all

    with status("predicting the published cases"):
        loo = calibrate().loo_errors if args.loo or args.format == "md" else None
        rows = accuracy(loo=loo)
    if args.format == "md":
        print(present.accuracy_markdown(rows))
    else:
        print_all([present.accuracy_table(rows)])
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    from llmecon.inference.calibration import calibrate

    with status("calibrating on the published cases"):
        c = calibrate()
    e = c.efficiency
    print("# paste into src/llmecon/data/inference/efficiency.yaml")
    print(f"efficiency:\n  prefill_mfu: {e.prefill_mfu}\n  decode_mfu: {e.decode_mfu}\n"
          f"  decode_bw: {e.decode_bw}\n  network: {e.network}\n"
          f"  memory_reserve: {e.memory_reserve}")
    print(f"# median absolute error {c.median_abs_error:.1%}; leave-one-out median "
          f"{sorted(abs(x) for x in c.loo_errors.values())[len(c.loo_errors) // 2]:.1%}")
    return 0


def _sweep(args: argparse.Namespace) -> int:
    from llmecon.inference.calibration import load_efficiency
    from llmecon.inference.catalog import load_catalog
    from llmecon.inference.sweep import run_sweep

    s = run_sweep(load_catalog(args.catalog), load_efficiency(), models=args.models,
                  gpus=args.gpu_names, batches=args.batches, input_tokens=args.inputs,
                  prices=args.prices, output_tokens=args.output_tokens,
                  precision=args.precision, kv_dtype=args.kv_dtype,
                  replica_gpus=args.replica_gpus)
    frame = s.to_frame()
    if args.format == "csv":
        sys.stdout.write(frame.to_csv(index=False))
    elif args.format == "json":
        print(frame.to_json(orient="records", indent=1))
    else:
        _print_sweep_table(frame, len(s))
    return 0


def _print_sweep_table(frame: Any, configurations: int) -> None:
    """The first 200 rows of a sweep as a terminal table (names escaped for rich)."""
    from rich.markup import escape
    from rich.table import Table

    from llmecon.report.terminal import print_all

    t = Table(title=f"Sweep: {configurations:,} configurations", title_justify="left")
    for c in frame.columns:
        t.add_column(escape(str(c)))
    for row in frame.head(200).itertuples(index=False):
        t.add_row(*[f"{v:,.4g}" if isinstance(v, float) else escape(str(v)) for v in row])
    print_all([t])


def _serving_result(args: argparse.Namespace) -> tuple[Any, Any]:
    """The evaluated deployment of the serving flags, and the catalog it used."""
    from llmecon.inference.calibration import load_efficiency
    from llmecon.inference.catalog import load_catalog
    from llmecon.inference.serving import ServingConfig, evaluate

    config = ServingConfig(
        model=args.model, gpu=args.gpu, precision=args.precision, kv_dtype=args.kv_dtype,
        gpus=args.gpus, tp=args.tp, batch_per_gpu=args.batch_per_gpu, tpot_ms=args.tpot_ms,
        input_tokens=args.input_tokens, output_tokens=args.output_tokens,
        cache_hit=args.cache_hit, mtp_draft=args.mtp_draft, mtp_accept=args.mtp_accept,
        gpu_hour_price=args.gpu_hour_price, prefill_gpus=args.prefill_gpus)
    catalog = load_catalog(args.catalog)
    return evaluate(config, catalog, load_efficiency()), catalog


def _serving(args: argparse.Namespace) -> int:
    from llmecon.report import inference as present
    from llmecon.report.terminal import print_all

    result, _ = _serving_result(args)
    if args.format == "json":
        print(present.to_json(result.to_dict()))
    elif args.format == "csv":
        sys.stdout.write(result.to_frame().to_csv(index=False))
    else:
        print_all([present.serving_table(result)])
    return 0


def _demand(args: argparse.Namespace, catalog: Any) -> Any:
    """The daily demand and prices of the fleet flags."""
    from dataclasses import replace

    from llmecon.errors import InputError
    from llmecon.inference.serving import Demand

    demand = Demand(args.input_per_day, args.output_per_day,
                    cache_hit=args.cache_hit if args.demand_cache_hit is None
                    else args.demand_cache_hit, peak_to_average=args.peak_to_average,
                    paid_share=args.paid_share, discount=args.discount,
                    gpus_per_node=min(8, args.gpus))
    if args.price_list:
        price = catalog.api_price(args.price_list)
        if price is None:
            raise InputError(f"--price-list: no API price bundled for {args.price_list!r}")
        demand = demand.with_price_list(price)
    if args.price_input is not None or args.price_output is not None:
        demand = replace(demand, price_input_miss=args.price_input or 0.0,
                         price_output=args.price_output or 0.0,
                         price_input_hit=args.price_cache_hit if args.price_cache_hit
                         is not None else (args.price_input or 0.0))
    return demand


def _fleet(args: argparse.Namespace) -> int:
    from llmecon.inference.serving import size_fleet
    from llmecon.report import inference as present
    from llmecon.report.terminal import print_all

    result, catalog = _serving_result(args)
    fleet = size_fleet(result, _demand(args, catalog))
    if args.format == "json":
        print(present.to_json({"serving": result.to_dict(), "fleet": fleet.to_dict()}))
    elif args.format == "csv":
        sys.stdout.write(present.records_to_csv([fleet.to_dict()]))
    else:
        print_all([present.serving_table(result), present.fleet_table(fleet)])
    return 0
