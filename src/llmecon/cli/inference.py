"""``llmecon inference ...``: throughput, cost per token, fleets and sweeps of deployments."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from llmecon.cli.common import (
    demand_of,
    memory_gib,
    name_list,
    new_file,
    non_negative,
    number,
    number_list,
    output_path,
    positive,
    precision,
    priced,
    safe,
    share,
    status,
    whole,
    with_model_file,
)
from llmecon.constants import MEMORY_BUDGET_BYTES, PRECISION_HELP

FORMATS = ("table", "json", "csv")
#: GPUs in a replica or a parallel group.
GPUS = whole(1, 1_000_000)
TOKENS = whole(1, 10_000_000, " tokens")  # of a request: whole, as the dashboard takes them
IN_HELP, OUT_HELP = "prompt tokens per request", "output tokens per request"
#: The serving engines (``llmecon.inference.engines.ENGINES``, kept here so that building
#: the parser imports no numpy; a test checks they agree) and the default one.
ENGINES = ("vllm", "sglang", "trtllm")
DEFAULT_ENGINE = "trtllm"
ENGINE_HELP = "engine whose fitted factors the serving model uses (default trtllm)"
GPU_PRICE_HELP = "USD per GPU-hour (default: newest bundled on-demand, else reserved/owned price)"


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
    ac = isub.add_parser("accuracy", help="predictions against published deployments, or "
                                          "against a measured table (--measured)")
    ac.add_argument("--format", choices=("table", "md", "json"), default="table")
    ac.add_argument("--loo", action="store_true", help="add leave-one-out errors (slower; "
                                                       "with --measured: leave one model out)")
    ac.add_argument("--measured", metavar="TABLE.csv",
                    help="a table in the format of measured_serving.csv: median and p90 "
                         "|error| of TTFT and TPOT, overall and per group")
    ac.set_defaults(handler=_accuracy)
    isub.add_parser("calibrate", help="re-fit the efficiency factors on the published "
                                      "cases").set_defaults(handler=_calibrate)
    _run_args(isub.add_parser("run", help="one deployment in aggregated (agg) or "
                                          "disaggregated (disagg) mode: TTFT, TPOT, tokens/s"))
    pr = isub.add_parser("predict", help="predict every row of a measured table "
                                         "(TTFT, TPOT, tokens/s per GPU, status)")
    pr.add_argument("table", metavar="TABLE.csv")
    pr.add_argument("-o", "--output", required=True, metavar="OUT.csv",
                    help="the table with predictions (- for standard output)")
    pr.add_argument("--force", action="store_true", help="overwrite an existing file")
    pr.add_argument("--catalog", action="append", default=[], metavar="FILE")
    pr.set_defaults(handler=_predict)
    _frontier_args(isub.add_parser("frontier", help="Pareto frontier of tokens/s per GPU "
                                                    "against tokens/s per user, with costs; "
                                                    "--interactivity picks the cheapest"))


def _serving_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", required=True, help="model name (see 'catalog models') or path")
    p.add_argument("--gpu", required=True, help="GPU name (see 'catalog gpus') or path")
    p.add_argument("--precision", type=precision, default="fp8",
                   help="weights: " + PRECISION_HELP)
    p.add_argument("--kv", dest="kv_dtype", type=precision, default="bf16",
                   help="KV cache: bf16, fp8, int8, fp4, nvfp4, mxfp4")
    p.add_argument("--gpus", type=GPUS, default=8, help="GPUs per decode replica (EP group)")
    p.add_argument("--pp", type=GPUS, default=1, help="pipeline-parallel stages of --gpus "
                                                      "(and --prefill-gpus): each holds 1/pp "
                                                      "of the layers (default 1)")
    p.add_argument("--tp", type=GPUS, help="tensor-parallel degree in a stage (default: all "
                                           "its GPUs for a dense model, 1 for MoE)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--batch", dest="batch_per_gpu", type=positive, help="sequences per GPU")
    g.add_argument("--tpot-ms", type=positive, help="largest batch within this time per token")
    p.add_argument("--input", dest="input_tokens", type=TOKENS, default=2000, help=IN_HELP)
    p.add_argument("--output", dest="output_tokens", type=TOKENS, default=500, help=OUT_HELP)
    p.add_argument("--cache-hit", type=share, default=0.0, help="prefix-cache hit share")
    p.add_argument("--kv-storage-price", dest="kv_storage_price_per_gb_hour",
                   type=non_negative, default=0.0, metavar="USD",
                   help="price of keeping cached KV entries, USD per GB-hour (default 0: a "
                        "cache hit then costs only its read from GPU memory)")
    p.add_argument("--cache-retention-hours", type=positive, default=1.0, metavar="HOURS",
                   help="how long a cached prompt's KV entries are kept (default 1)")
    p.add_argument("--mtp-draft", type=whole(0, 16), default=0,
                   help="multi-token-prediction drafts")
    p.add_argument("--mtp-accept", type=share, default=0.0, help="draft acceptance rate")
    p.add_argument("--gpu-price", dest="gpu_hour_price", type=non_negative,
                   help=GPU_PRICE_HELP)
    p.add_argument("--prefill-gpus", type=GPUS, help="GPUs per prefill replica")
    p.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE, help=ENGINE_HELP)
    p.add_argument("--catalog", action="append", default=[], metavar="FILE",
                   help="a YAML catalog of your own GPUs, models or prices (repeatable)")
    p.add_argument("--format", choices=FORMATS, default="table")


def _run_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", required=True, help="model name, catalog file or HF "
                                                  "config.json path")
    p.add_argument("--gpu", required=True, help="GPU system name (see 'catalog gpus')")
    p.add_argument("--mode", choices=("agg", "disagg"), default="agg",
                   help="agg: prefill and decode share GPUs; disagg: separate workers")
    p.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE)
    p.add_argument("--precision", type=precision, default="fp8", help=PRECISION_HELP)
    p.add_argument("--isl", type=TOKENS, default=2000, help=IN_HELP)
    p.add_argument("--osl", type=TOKENS, default=500, help=OUT_HELP)
    p.add_argument("--concurrency", type=whole(1, 1_000_000), default=64,
                   help="requests in flight")
    p.add_argument("--tp", type=GPUS, default=8, help="tensor-parallel degree (decode "
                                                      "worker in disagg)")
    p.add_argument("--attention-dp", type=GPUS, default=1, help="attention data-parallel "
                                                                "degree")
    p.add_argument("--pp", type=GPUS, default=1, help="pipeline-parallel stages (decode "
                                                      "worker in disagg)")
    p.add_argument("--prefill-tp", type=GPUS, help="disagg: prefill worker TP (default 8)")
    p.add_argument("--prefill-pp", type=GPUS, help="disagg: prefill worker PP (default 1)")
    p.add_argument("--prefill-workers", type=GPUS, help="disagg (default 1)")
    p.add_argument("--decode-workers", type=GPUS, help="disagg (default 1)")
    p.add_argument("--gpu-price", dest="gpu_hour_price", type=non_negative,
                   help=GPU_PRICE_HELP)
    p.add_argument("--catalog", action="append", default=[], metavar="FILE")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=_run)


def _frontier_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", required=True, help="model name, catalog file or HF "
                                                  "config.json path")
    p.add_argument("--gpu", required=True, help="GPU system name (see 'catalog gpus')")
    p.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE)
    p.add_argument("--precision", type=precision, default="fp8", help=PRECISION_HELP)
    p.add_argument("--isl", type=TOKENS, default=2000, help=IN_HELP)
    p.add_argument("--osl", type=TOKENS, default=500, help=OUT_HELP)
    p.add_argument("--gpu-price", dest="gpu_hour_price", type=non_negative,
                   help=GPU_PRICE_HELP)
    p.add_argument("--max-ttft-ms", type=positive, help="leave out slower first tokens")
    p.add_argument("--max-gpus", type=whole(1, 1024, " GPUs"), help="largest mixture-of-"
                   "experts worker, across nodes (default: 64, or the NVLink domain if larger)")
    p.add_argument("--interactivity", type=positive, metavar="TOKENS_PER_S",
                   help="pick the cheapest point serving at least this many tokens/s per "
                        "user")
    _demand_args(p, required=False)  # with --interactivity: a fleet at the chosen point
    p.add_argument("--catalog", action="append", default=[], metavar="FILE")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.set_defaults(handler=_frontier, cache_hit=0.0)  # no serving cache-hit flag here


def _fleet_args(fl: argparse.ArgumentParser) -> None:
    _serving_args(fl)
    _demand_args(fl, required=True)
    fl.set_defaults(handler=_fleet)


def _demand_args(fl: argparse.ArgumentParser, required: bool) -> None:
    """The daily demand and its prices (``fleet``, and ``frontier`` to size a fleet)."""
    fl.add_argument("--input-per-day", type=non_negative, required=required,
                    help="input tokens a day")
    fl.add_argument("--output-per-day", type=non_negative, required=required,
                    help="output tokens a day")
    fl.add_argument("--gpus-per-node", type=GPUS,
                    help="GPUs per node (default: the system's: 8 for HGX, 4 for a GB200 "
                         "tray)")
    fl.add_argument("--provisioning", choices=("peak", "average"), default="peak",
                    help="peak: nodes for the peak, idle off-peak; average: a fleet that "
                         "follows the load")
    fl.add_argument("--demand-cache-hit", type=share, help="cache-hit share of the demand "
                                                           "(default: --cache-hit, else 0)")
    fl.add_argument("--peak-to-average", type=number(1.0, 100.0), default=1.0,
                    help="peak demand over average demand, 1 to 100 (default 1)")
    fl.add_argument("--price-list", help="model whose bundled API price to charge")
    fl.add_argument("--price-input", type=non_negative,
                    help="USD per M input tokens (cache miss)")
    fl.add_argument("--price-cache-hit", type=non_negative,
                    help="USD per M input tokens (cache hit)")
    fl.add_argument("--price-output", type=non_negative, help="USD per M output tokens")
    fl.add_argument("--paid-share", type=share, default=1.0)
    fl.add_argument("--discount", type=share, default=0.0)


def _sweep_args(sw: argparse.ArgumentParser) -> None:
    sw.add_argument("--models", type=name_list, required=True)
    sw.add_argument("--gpus-list", dest="gpu_names", type=name_list, required=True,
                    help="comma-separated GPU names")
    sw.add_argument("--batches", type=number_list(positive), default=[1, 8, 32, 64, 128, 256])
    sw.add_argument("--inputs", type=number_list(non_negative), default=[1000, 4000, 16000])
    sw.add_argument("--prices", type=number_list(non_negative), default=[2.0])
    sw.add_argument("--output", dest="output_tokens", type=TOKENS, default=500, help=OUT_HELP)
    sw.add_argument("--precision", type=precision, default="fp8", help=PRECISION_HELP)
    sw.add_argument("--kv", dest="kv_dtype", type=precision, default="bf16")
    sw.add_argument("--replica-gpus", type=GPUS, default=8)
    sw.add_argument("--pp", type=GPUS, default=1, help="pipeline-parallel stages of a replica "
                                                      "(default 1)")
    sw.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE, help=ENGINE_HELP)
    sw.add_argument("--catalog", action="append", default=[], metavar="FILE")
    sw.add_argument("--format", choices=(*FORMATS, "parquet"), default="table",
                    help="table, json, csv (to standard output, or -f FILE) or parquet "
                         "(-f FILE); csv and parquet files are written straight from the "
                         "arrays by DuckDB")
    sw.add_argument("-f", "--file", metavar="FILE", help="write the sweep to FILE (.csv or "
                    ".parquet; the suffix gives the format unless --format gives it)")
    sw.add_argument("--force", action="store_true", help="overwrite an existing FILE")
    sw.add_argument("--memory-budget", type=memory_gib, default=MEMORY_BUDGET_BYTES,
                    metavar="GIB", help=f"planned memory at most (GiB; default "
                                        f"{MEMORY_BUDGET_BYTES / 2**30:g})")
    sw.set_defaults(handler=_sweep)


def _catalog(args: argparse.Namespace) -> int:
    from llmecon.inference.catalog import load_catalog
    from llmecon.report.inference import catalog_table
    from llmecon.report.terminal import print_all

    print_all([catalog_table(load_catalog(args.catalog), args.what)])
    return 0


def _accuracy(args: argparse.Namespace) -> int:
    if args.measured:
        return _measured_accuracy(args)
    from llmecon.errors import InputError
    from llmecon.inference.calibration import accuracy, calibrate, load_cases
    from llmecon.inference.catalog import load_catalog
    from llmecon.inference.crosscheck import serving_on_cases
    from llmecon.inference.engines import load_serving_factors
    from llmecon.report import inference as present
    from llmecon.report.terminal import print_all

    if args.format == "json":
        raise InputError("--format json: only with --measured")

    with status("predicting the published cases"):
        loo = calibrate().loo_errors if args.loo or args.format == "md" else None
        rows = accuracy(loo=loo)
        serving = serving_on_cases(load_cases(), load_catalog(), load_serving_factors(),
                                   DEFAULT_ENGINE)
    if args.format == "md":
        print(present.accuracy_markdown(rows, serving, DEFAULT_ENGINE))
    else:
        print_all(present.accuracy_table(rows, serving, DEFAULT_ENGINE))
    return 0


def _measured_accuracy(args: argparse.Namespace) -> int:
    """Median and p90 |error| against a measured table: in sample (the bundled factors),
    leave-one-model-out with ``--loo``, and per (model, system, engine, mode) group."""
    from llmecon.inference.fit import measured_accuracy
    from llmecon.report.inference import measured_accuracy_parts
    from llmecon.report.terminal import print_all

    with status("predicting the measured runs"
                + (" and refitting per held-out model" if args.loo else "")):
        acc = measured_accuracy(args.measured, hold_out="model" if args.loo else None)
    parts = measured_accuracy_parts(acc, args.measured, args.format)
    if args.format == "table":
        print_all(parts)
    else:  # json, md: as they are, never wrapped
        print(parts[0])
    return 0


def _predict(args: argparse.Namespace) -> int:
    """Write a measured table with the predictions and a status per row (- : to standard
    output)."""
    from llmecon.fileio import atomic_write
    from llmecon.inference.catalog import load_catalog
    from llmecon.inference.engines import load_serving_factors
    from llmecon.inference.measured import load_measured, predict_table
    from llmecon.report.inference import expected_error
    from llmecon.textcells import frame_csv

    out = None if args.output == "-" else new_file(args.output, args.force)
    frame = load_measured(args.table)
    factors = load_serving_factors()
    with status(f"predicting {len(frame):,} rows"):
        pred = predict_table(frame, load_catalog(args.catalog), factors)
    if out is None:  # -o -
        sys.stdout.write(frame_csv(pred))
        return 0
    atomic_write(out, frame_csv(pred).encode("utf-8"))
    ok = int((pred["status"] == "ok").sum())
    print(f"wrote {out}: {ok:,} of {len(pred):,} rows predicted (status ok); the others "
          f"say why in 'status'\n{expected_error(factors.accuracy)}")
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    from llmecon.inference.calibration import calibrate
    from llmecon.report.inference import calibration_yaml

    with status("calibrating on the published cases"):
        c = calibrate()
    print(calibration_yaml(c))
    return 0


def _sweep(args: argparse.Namespace) -> int:
    from llmecon.inference.catalog import load_catalog
    from llmecon.inference.engines import engine_efficiency, load_serving_factors
    from llmecon.inference.sweep import SWEEP_BYTES_PER_ROW, run_sweep
    from llmecon.report.inference import sweep_select

    factors = load_serving_factors()
    s = run_sweep(load_catalog(args.catalog), engine_efficiency(factors, args.engine),
                  models=args.models, gpus=args.gpu_names, batches=args.batches,
                  input_tokens=args.inputs, prices=args.prices,
                  output_tokens=args.output_tokens, precision=args.precision,
                  kv_dtype=args.kv_dtype, replica_gpus=args.replica_gpus, pp=args.pp,
                  memory_budget_bytes=args.memory_budget,  # a table or JSON: a DataFrame too
                  bytes_per_row=SWEEP_BYTES_PER_ROW * (1 if args.file is not None or
                                                       args.format in ("csv", "parquet") else 4))
    if args.file is not None or args.format == "parquet":  # -f '' is named, not ignored
        _write_sweep(args, s)
    elif args.format == "csv":
        from llmecon.fileio import write_frame_csv_stream

        sys.stdout.flush()
        write_frame_csv_stream(s.columns(), sys.stdout.buffer, sweep_select(s))
    elif args.format == "json":
        print(s.to_frame().to_json(orient="records", indent=1))
    else:
        from llmecon.report.inference import expected_error, model_note, sweep_table
        from llmecon.report.terminal import print_all

        print_all([sweep_table(s.to_frame(), len(s)), model_note(args.engine),
                   expected_error(factors.accuracy)])
    return 0


def _write_sweep(args: argparse.Namespace, s: Any) -> None:
    """A sweep to a CSV or Parquet file (atomically, by DuckDB, from its arrays; names kept
    as text for a spreadsheet in CSV only)."""
    from llmecon.errors import InputError
    from llmecon.fileio import write_frame
    from llmecon.report.inference import sweep_select

    if args.file is None:
        raise InputError("--format parquet: give the file with -f FILE.parquet")
    if not args.file.strip():
        raise InputError(f"-f: expected the path of a file to write, found {args.file!r}")
    fmt = args.format if args.format in ("csv", "parquet") else None
    path, kind = output_path(args.file, fmt, ("csv", "parquet"), "-f")
    columns = s.columns()
    write_frame(new_file(str(path), args.force), columns, kind,
                sweep_select(s, csv=kind == "csv"))
    print(f"wrote {len(columns['fits']):,} configurations to {safe(path)}")


def _serving_result(args: argparse.Namespace) -> tuple[Any, Any, Any]:
    """The evaluated deployment of the serving flags, the catalog it used and the serving
    factors (their ``--engine``'s efficiencies and fixed times evaluated it)."""
    from llmecon.inference.catalog import load_catalog
    from llmecon.inference.engines import engine_efficiency, load_serving_factors
    from llmecon.inference.serving import ServingConfig, evaluate

    config = ServingConfig(
        model=args.model, gpu=args.gpu, precision=args.precision, kv_dtype=args.kv_dtype,
        gpus=args.gpus, pp=args.pp, tp=args.tp, batch_per_gpu=args.batch_per_gpu,
        tpot_ms=args.tpot_ms,
        input_tokens=args.input_tokens, output_tokens=args.output_tokens,
        cache_hit=args.cache_hit, mtp_draft=args.mtp_draft, mtp_accept=args.mtp_accept,
        gpu_hour_price=args.gpu_hour_price, prefill_gpus=args.prefill_gpus,
        kv_storage_price_per_gb_hour=args.kv_storage_price_per_gb_hour,
        cache_retention_hours=args.cache_retention_hours)
    catalog, factors = load_catalog(args.catalog), load_serving_factors()
    return evaluate(config, catalog, engine_efficiency(factors, args.engine)), catalog, factors


def _serving(args: argparse.Namespace) -> int:
    from llmecon.report import inference as present
    from llmecon.report.terminal import print_all

    result, _, factors = _serving_result(args)
    if args.format == "json":
        print(present.to_json({**result.to_dict(), "engine": args.engine,
                               "expected_error": present.error_json(factors.accuracy)}))
    elif args.format == "csv":
        from llmecon.textcells import frame_csv

        sys.stdout.write(frame_csv(result.to_frame().assign(engine=args.engine)))
    else:
        print_all([present.serving_table(result), present.model_note(args.engine),
                   present.expected_error(factors.accuracy)])
    return 0


def _fleet(args: argparse.Namespace) -> int:
    from llmecon.inference.serving import size_fleet
    from llmecon.report import inference as present
    from llmecon.report.terminal import print_all

    result, catalog, factors = _serving_result(args)
    fleet = size_fleet(result, demand_of(args, catalog))
    fleet = fleet if priced(args) else fleet.without_prices()
    if args.format == "json":
        print(present.to_json({"serving": result.to_dict(), "fleet": fleet.to_dict(),
                               "engine": args.engine, "units": {"fleet": present.FLEET_UNITS},
                               "expected_error": present.error_json(factors.accuracy)}))
    elif args.format == "csv":
        sys.stdout.write(present.records_to_csv([present.fleet_record(fleet)]))
    else:
        print_all([present.serving_table(result), present.fleet_table(fleet),
                   f"daily cost and margins on the {fleet.provisioning} fleet "
                   f"(--provisioning); nodes of {fleet.gpus_per_node} GPUs",
                   present.model_note(args.engine), present.expected_error(factors.accuracy)])
    return 0


def _run(args: argparse.Namespace) -> int:
    from llmecon.inference.catalog import load_catalog
    from llmecon.inference.engines import load_serving_factors
    from llmecon.inference.modes import RunConfig, run_config, serve
    from llmecon.report import inference as present
    from llmecon.report.terminal import print_all

    # every field of a RunConfig is an option; a model file path is read into the catalog
    catalog, model = with_model_file(load_catalog(args.catalog), args.model)
    cfg = run_config({k: getattr(args, k) for k in RunConfig.model_fields
                      if getattr(args, k) is not None} | {"model": model}, "command line")
    if cfg.gpu_hour_price is None:
        price = catalog.gpu_price(cfg.gpu)
        cfg = cfg.model_copy(update={"gpu_hour_price": price.price if price else None})
    factors = load_serving_factors()
    r = serve(cfg, catalog, factors)
    if args.format == "json":
        print(present.to_json({**r.to_dict(),
                               "expected_error": present.error_json(factors.accuracy)}))
    else:
        print_all(present.run_table(r, factors.accuracy))
    return 0


def _frontier(args: argparse.Namespace) -> int:
    from llmecon.errors import InputError
    from llmecon.inference.catalog import load_catalog
    from llmecon.inference.engines import load_serving_factors
    from llmecon.inference.frontier import cheapest_at, fleet_at, frontier
    from llmecon.report import inference as present
    from llmecon.report.terminal import print_all

    catalog, model = with_model_file(load_catalog(args.catalog), args.model)
    catalog.gpu(args.gpu)  # an unknown GPU is named as such, not as one without a price
    price = args.gpu_hour_price
    if price is None:
        found = catalog.gpu_price(args.gpu)
        if found is None:
            raise InputError(f"--gpu-price: no bundled GPU-hour price for {args.gpu!r}; "
                             "give one")
        price = found.price
    sized = args.input_per_day is not None or args.output_per_day is not None
    if sized and (args.interactivity is None or args.input_per_day is None
                  or args.output_per_day is None):
        raise InputError("--input-per-day/--output-per-day: give both, with --interactivity")
    unused = [f"--{k.replace('_', '-')}" for k in ("price_list", "price_input", "price_cache_hit",
              "price_output", "gpus_per_node", "demand_cache_hit") if getattr(args, k) is not None]
    if unused and not sized:
        raise InputError(f"{', '.join(unused)}: price a fleet, so give --interactivity, "
                         "--input-per-day and --output-per-day with them")
    factors = load_serving_factors()
    front = frontier(model, args.gpu, catalog, factors,
                     gpu_hour_price=price, isl=args.isl, osl=args.osl,
                     precision=args.precision, engine=args.engine,
                     max_ttft_ms=args.max_ttft_ms, max_gpus=args.max_gpus)
    point = None if args.interactivity is None else cheapest_at(front, args.interactivity)
    fleet = None
    if point is not None and sized:
        fleet = fleet_at(point, front, demand_of(args, catalog))
        fleet = fleet if priced(args) else fleet.without_prices()
    if args.format == "csv":
        from llmecon.textcells import frame_csv

        sys.stdout.write(frame_csv(present.frontier_csv_frame(front)))
    elif args.format == "json":
        print(present.frontier_json(front, point, fleet, factors.accuracy))
    else:
        print_all(present.frontier_parts(front, point, fleet, args.interactivity,
                                         factors.accuracy))
    return 0
